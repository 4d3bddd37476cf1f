import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "../../errors.js";
import { extractDir } from "../../test-helpers/extract.js";
import {
  extractNodeModules,
  type InstalledPackage,
  nodeModulesExtractor,
  topLevelKeyLine,
} from "./node-modules.js";

const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

type Tree = Record<string, string | object | { link: string }>;

/**
 * Writes a tree under a new temp dir: a string is written as is, `{ link }` makes a relative symbolic
 * link, any other object is written as pretty JSON (as npm writes package.json). Returns the temp dir.
 */
function tree(files: Tree): string {
  const root = mkdtempSync(join(tmpdir(), "depwarden-nm-"));
  temps.push(root);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof content === "string") writeFileSync(path, content);
    else if ("link" in content && typeof content.link === "string") symlinkSync(content.link, path);
    else writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`);
  }
  return root;
}

function pkg(pkgs: InstalledPackage[], file: string): InstalledPackage {
  const p = pkgs.find((x) => x.file === file);
  if (!p) throw new Error(`no ${file} in ${pkgs.map((x) => x.file).join(", ")}`);
  return p;
}

const SHA = (c: string) => `sha512-${c.repeat(86)}==`;

/** An npm v7+ install: hoisted tree, a nested copy, an alias, a git dependency, hidden lockfile. */
function npmProject(): string {
  return tree({
    "package.json": {
      name: "my-app",
      version: "1.0.0",
      private: true,
      dependencies: {
        express: "^4.18.2",
        lodash: "npm:lodash-es@^4.17.21",
        "left-pad": "github:stevemao/left-pad",
      },
      devDependencies: { "@types/node": "^20.11.0", typescript: "~5.3.3" },
      optionalDependencies: { fsevents: "^2.3.3" },
    },
    "node_modules/.package-lock.json": {
      name: "my-app",
      version: "1.0.0",
      lockfileVersion: 3,
      requires: true,
      packages: {
        "node_modules/@types/node": {
          version: "20.11.5",
          resolved: "https://registry.npmjs.org/@types/node/-/node-20.11.5.tgz",
          integrity: SHA("A"),
          dev: true,
          dependencies: { "undici-types": "~5.26.4" },
        },
        "node_modules/accepts": {
          version: "1.3.8",
          resolved: "https://registry.npmjs.org/accepts/-/accepts-1.3.8.tgz",
          integrity: SHA("B"),
        },
        "node_modules/debug": { version: "2.6.9", integrity: SHA("C") },
        "node_modules/debug/node_modules/ms": {
          version: "2.0.0",
          resolved: "https://registry.npmjs.org/ms/-/ms-2.0.0.tgz",
          integrity: SHA("D"),
        },
        "node_modules/express": {
          version: "4.18.2",
          resolved: "https://registry.npmjs.org/express/-/express-4.18.2.tgz",
          integrity: SHA("E"),
        },
        "node_modules/left-pad": {
          version: "1.3.0",
          resolved: "git+ssh://git@github.com/stevemao/left-pad.git#5bc4bc0a1d8a5b2e7c1e6e7d5b9c0d1e2f3a4b5c",
        },
        "node_modules/lodash": {
          name: "lodash-es",
          version: "4.17.21",
          resolved: "https://registry.npmjs.org/lodash-es/-/lodash-es-4.17.21.tgz",
          integrity: SHA("F"),
        },
        "node_modules/ms": { version: "2.1.3", integrity: SHA("G"), peer: true },
        "node_modules/typescript": { version: "5.3.3", dev: true },
        "node_modules/undici-types": { version: "5.26.5", dev: true },
        "node_modules/esbuild-linux-64": { version: "0.15.18", devOptional: true },
        // stale: another version than the one installed
        "node_modules/body-parser": { version: "1.19.0", dev: true, integrity: SHA("H") },
      },
    },
    "node_modules/.bin/tsc": { link: "../typescript/bin/tsc" },
    "node_modules/.cache/babel-loader/package.json": { name: "not-a-package", version: "0.0.0" },
    "node_modules/express/package.json": {
      name: "express",
      description: "Fast, unopinionated, minimalist web framework",
      version: "4.18.2",
      dependencies: { accepts: "~1.3.8", "body-parser": "1.20.1", debug: "2.6.9" },
      devDependencies: { mocha: "10.2.0" },
    },
    "node_modules/accepts/package.json": { name: "accepts", version: "1.3.8" },
    "node_modules/body-parser/package.json": {
      name: "body-parser",
      version: "1.20.1",
      dependencies: { debug: "2.6.9" },
      peerDependencies: { "missing-peer": "*" },
    },
    "node_modules/debug/package.json": { name: "debug", version: "2.6.9", dependencies: { ms: "2.0.0" } },
    "node_modules/debug/node_modules/ms/package.json": { name: "ms", version: "2.0.0" },
    "node_modules/ms/package.json": { name: "ms", version: "2.1.3" },
    "node_modules/lodash/package.json": { name: "lodash-es", version: "4.17.21", sideEffects: false },
    "node_modules/left-pad/package.json": { name: "left-pad", version: "1.3.0" },
    "node_modules/@types/node/package.json": {
      name: "@types/node",
      version: "20.11.5",
      dependencies: { "undici-types": "~5.26.4" },
    },
    "node_modules/undici-types/package.json": { name: "undici-types", version: "5.26.5" },
    "node_modules/esbuild-linux-64/package.json": { name: "esbuild-linux-64", version: "0.15.18" },
    // a nested "version" key before the top-level one
    "node_modules/typescript/package.json":
      '{\n  "name": "typescript",\n  "volta": {\n    "version": "20.1.0"\n  },\n  "description": "version",\n  "version": "5.3.3",\n  "bin": { "tsc": "./bin/tsc" }\n}\n',
  });
}

describe("node-modules extractor", () => {
  it("is an npm installed-tree extractor for node_modules", () => {
    expect(nodeModulesExtractor.id).toBe("node-modules");
    expect(nodeModulesExtractor.kind).toBe("installed");
    expect(nodeModulesExtractor.ecosystem).toBe("npm");
    expect(nodeModulesExtractor.matchDir("node_modules", "/p/node_modules")).toBe(true);
    expect(nodeModulesExtractor.matchDir("site-packages", "/v/site-packages")).toBe(false);
    expect(nodeModulesExtractor.matchDir("node_modules.bak", "/p/node_modules.bak")).toBe(false);
  });

  it("reads every installed package of an npm tree once, skipping dot directories", async () => {
    const root = npmProject();
    const result = await extractDir(nodeModulesExtractor, join(root, "node_modules"));
    const pkgs = result.packages as InstalledPackage[];
    expect(pkgs.map((p) => [p.name, p.version, p.file, p.line])).toEqual([
      ["@types/node", "20.11.5", "node_modules/@types/node/package.json", 3],
      ["accepts", "1.3.8", "node_modules/accepts/package.json", 3],
      ["body-parser", "1.20.1", "node_modules/body-parser/package.json", 3],
      ["debug", "2.6.9", "node_modules/debug/package.json", 3],
      ["ms", "2.0.0", "node_modules/debug/node_modules/ms/package.json", 3],
      ["esbuild-linux-64", "0.15.18", "node_modules/esbuild-linux-64/package.json", 3],
      ["express", "4.18.2", "node_modules/express/package.json", 4],
      ["left-pad", "1.3.0", "node_modules/left-pad/package.json", 3],
      ["lodash-es", "4.17.21", "node_modules/lodash/package.json", 3],
      ["ms", "2.1.3", "node_modules/ms/package.json", 3],
      ["typescript", "5.3.3", "node_modules/typescript/package.json", 7],
      ["undici-types", "5.26.5", "node_modules/undici-types/package.json", 3],
    ]);
    expect(pkgs.some((p) => p.name === "not-a-package")).toBe(false);
  });

  it("resolves edges the way Node does: the nearest node_modules upward", async () => {
    const pkgs = (await extractDir(nodeModulesExtractor, join(npmProject(), "node_modules")))
      .packages as InstalledPackage[];
    expect(pkg(pkgs, "node_modules/express/package.json").dependencies).toEqual([
      { name: "accepts", version: "1.3.8" },
      { name: "body-parser", version: "1.20.1" },
      { name: "debug", version: "2.6.9" },
    ]);
    // debug gets its nested ms 2.0.0, not the hoisted 2.1.3
    expect(pkg(pkgs, "node_modules/debug/package.json").dependencies).toEqual([
      { name: "ms", version: "2.0.0" },
    ]);
    expect(pkg(pkgs, "node_modules/body-parser/package.json").dependencies).toEqual([
      { name: "debug", version: "2.6.9" },
    ]);
    expect(pkg(pkgs, "node_modules/@types/node/package.json").dependencies).toEqual([
      { name: "undici-types", version: "5.26.5" },
    ]);
  });

  it("takes direct packages and scopes from the project's package.json, the rest from the hidden lockfile", async () => {
    const result = await extractDir(nodeModulesExtractor, join(npmProject(), "node_modules"));
    const pkgs = result.packages as InstalledPackage[];
    const view = (file: string) => {
      const p = pkg(pkgs, `node_modules/${file}/package.json`);
      return [p.direct, p.scopes];
    };
    expect(view("express")).toEqual([true, ["prod"]]);
    expect(view("lodash")).toEqual([true, ["prod"]]); // alias: the directory name is what package.json names
    expect(view("left-pad")).toEqual([true, ["prod"]]);
    expect(view("@types/node")).toEqual([true, ["dev"]]);
    expect(view("typescript")).toEqual([true, ["dev"]]);
    expect(view("undici-types")).toEqual([false, ["dev"]]);
    expect(view("accepts")).toEqual([false, ["prod"]]);
    expect(view("ms")).toEqual([false, ["peer"]]);
    expect(view("esbuild-linux-64")).toEqual([false, ["dev", "optional"]]);
    expect(view("debug/node_modules/ms")).toEqual([false, ["prod"]]);
    expect(view("body-parser")).toEqual([false, undefined]); // the hidden lockfile's entry is stale
    // fsevents is optional and not installed: no warning
    expect(result.warnings).toBeUndefined();
  });

  it("takes resolved, integrity and git sources from the hidden lockfile", async () => {
    const pkgs = (await extractDir(nodeModulesExtractor, join(npmProject(), "node_modules")))
      .packages as InstalledPackage[];
    expect(pkg(pkgs, "node_modules/express/package.json")).toMatchObject({
      resolved: "https://registry.npmjs.org/express/-/express-4.18.2.tgz",
      hashes: [SHA("E")],
    });
    expect(pkg(pkgs, "node_modules/express/package.json").unpinned).toBeUndefined();
    expect(pkg(pkgs, "node_modules/left-pad/package.json")).toMatchObject({
      resolved: "git+ssh://git@github.com/stevemao/left-pad.git#5bc4bc0a1d8a5b2e7c1e6e7d5b9c0d1e2f3a4b5c",
      unpinned: {
        kind: "vcs",
        spec: "git+ssh://git@github.com/stevemao/left-pad.git#5bc4bc0a1d8a5b2e7c1e6e7d5b9c0d1e2f3a4b5c",
      },
    });
    const bp = pkg(pkgs, "node_modules/body-parser/package.json");
    expect([bp.resolved, bp.hashes]).toEqual([undefined, undefined]);
  });

  it("reads npm ≤ 6 installs: _resolved, _integrity, _shasum; no project file means direct is not known", async () => {
    const root = tree({
      "node_modules/minimist/package.json": {
        _from: "minimist@^1.2.0",
        _id: "minimist@1.2.5",
        _integrity: SHA("M"),
        _location: "/minimist",
        _resolved: "https://registry.npmjs.org/minimist/-/minimist-1.2.5.tgz",
        _shasum: "67d66014b66a6a8aaa0c083c5fd58df4e4e97602",
        _where: "/home/dev/app",
        name: "minimist",
        version: "1.2.5",
      },
      "node_modules/cool-lib/package.json": {
        _from: "git+https://github.com/acme/cool-lib.git",
        _resolved: "git+https://github.com/acme/cool-lib.git#0f1e2d3c4b5a69788796a5b4c3d2e1f001122334",
        name: "cool-lib",
        version: "0.3.0",
        dependencies: { minimist: "^1.2.0" },
      },
    });
    const result = await extractDir(nodeModulesExtractor, join(root, "node_modules"));
    expect(result.warnings).toBeUndefined();
    expect(result.packages).toEqual([
      {
        name: "cool-lib",
        version: "0.3.0",
        file: "node_modules/cool-lib/package.json",
        line: 5,
        resolved: "git+https://github.com/acme/cool-lib.git#0f1e2d3c4b5a69788796a5b4c3d2e1f001122334",
        unpinned: {
          kind: "vcs",
          spec: "git+https://github.com/acme/cool-lib.git#0f1e2d3c4b5a69788796a5b4c3d2e1f001122334",
        },
        dependencies: [{ name: "minimist", version: "1.2.5" }],
      },
      {
        name: "minimist",
        version: "1.2.5",
        file: "node_modules/minimist/package.json",
        line: 10,
        resolved: "https://registry.npmjs.org/minimist/-/minimist-1.2.5.tgz",
        hashes: [SHA("M"), "sha1:67d66014b66a6a8aaa0c083c5fd58df4e4e97602"],
        dependencies: [],
      },
    ]);
  });

  it("reads a pnpm layout through .pnpm, each real package once, resolving from real paths", async () => {
    const root = tree({
      "package.json": {
        name: "pnpm-app",
        version: "0.0.0",
        dependencies: { express: "4.18.2", "my-lib": "workspace:*" },
        devDependencies: { "@babel/code-frame": "^7.23.5" },
      },
      "packages/lib/package.json": { name: "my-lib", version: "0.0.0" },
      "node_modules/.modules.yaml": "layoutVersion: 5\nnodeLinker: isolated\n",
      "node_modules/.pnpm/lock.yaml": "lockfileVersion: '6.0'\n",
      "node_modules/express": { link: ".pnpm/express@4.18.2/node_modules/express" },
      "node_modules/my-lib": { link: "../packages/lib" },
      "node_modules/@babel/code-frame": {
        link: "../.pnpm/@babel+code-frame@7.23.5/node_modules/@babel/code-frame",
      },
      "node_modules/.pnpm/express@4.18.2/node_modules/express/package.json": {
        name: "express",
        version: "4.18.2",
        dependencies: { debug: "2.6.9" },
      },
      "node_modules/.pnpm/express@4.18.2/node_modules/debug": {
        link: "../../debug@2.6.9/node_modules/debug",
      },
      "node_modules/.pnpm/debug@2.6.9/node_modules/debug/package.json": {
        name: "debug",
        version: "2.6.9",
        dependencies: { ms: "2.0.0" },
      },
      "node_modules/.pnpm/debug@2.6.9/node_modules/ms": { link: "../../ms@2.0.0/node_modules/ms" },
      "node_modules/.pnpm/ms@2.0.0/node_modules/ms/package.json": { name: "ms", version: "2.0.0" },
      "node_modules/.pnpm/ms@2.1.3/node_modules/ms/package.json": { name: "ms", version: "2.1.3" },
      "node_modules/.pnpm/node_modules/ms": { link: "../ms@2.1.3/node_modules/ms" },
      "node_modules/.pnpm/@babel+code-frame@7.23.5/node_modules/@babel/code-frame/package.json": {
        name: "@babel/code-frame",
        version: "7.23.5",
        dependencies: { "@babel/highlight": "^7.23.4", chalk: "^2.4.2" },
      },
      "node_modules/.pnpm/@babel+code-frame@7.23.5/node_modules/@babel/highlight": {
        link: "../../../@babel+highlight@7.23.4/node_modules/@babel/highlight",
      },
      "node_modules/.pnpm/@babel+highlight@7.23.4/node_modules/@babel/highlight/package.json": {
        name: "@babel/highlight",
        version: "7.23.4",
        dependencies: { ms: "^2.1.0" },
      },
      "node_modules/.pnpm/chalk@2.4.2/node_modules/chalk/package.json": { name: "chalk", version: "2.4.2" },
      "node_modules/.pnpm/node_modules/chalk": { link: "../chalk@2.4.2/node_modules/chalk" },
    });
    const result = await extractDir(nodeModulesExtractor, join(root, "node_modules"));
    const pkgs = result.packages as InstalledPackage[];
    const S = "node_modules/.pnpm";
    expect(pkgs.map((p) => [p.name, p.version, p.file, p.direct, p.dependencies])).toEqual([
      [
        "@babel/code-frame",
        "7.23.5",
        `${S}/@babel+code-frame@7.23.5/node_modules/@babel/code-frame/package.json`,
        true,
        [
          { name: "@babel/highlight", version: "7.23.4" },
          { name: "chalk", version: "2.4.2" }, // hoisted into .pnpm/node_modules
        ],
      ],
      [
        "@babel/highlight",
        "7.23.4",
        `${S}/@babel+highlight@7.23.4/node_modules/@babel/highlight/package.json`,
        false,
        [{ name: "ms", version: "2.1.3" }],
      ],
      ["chalk", "2.4.2", `${S}/chalk@2.4.2/node_modules/chalk/package.json`, false, []],
      [
        "debug",
        "2.6.9",
        `${S}/debug@2.6.9/node_modules/debug/package.json`,
        false,
        [{ name: "ms", version: "2.0.0" }],
      ],
      [
        "express",
        "4.18.2",
        `${S}/express@4.18.2/node_modules/express/package.json`,
        true,
        [{ name: "debug", version: "2.6.9" }],
      ],
      ["ms", "2.0.0", `${S}/ms@2.0.0/node_modules/ms/package.json`, false, []],
      ["ms", "2.1.3", `${S}/ms@2.1.3/node_modules/ms/package.json`, false, []],
    ]);
    expect(pkgs.find((p) => p.name === "express")?.scopes).toEqual(["prod"]);
    expect(pkgs.find((p) => p.name === "@babel/code-frame")?.scopes).toEqual(["dev"]);
    expect(pkgs.find((p) => p.name === "debug")?.scopes).toBeUndefined();
    // the workspace link is not followed, and not reported missing
    expect(result.warnings).toEqual([
      "1 symbolic link to outside the directory not followed (workspace or file: links): node_modules/my-lib",
    ]);
  });

  it("reads Bun's isolated layout (node_modules/.bun) like pnpm's", async () => {
    const root = tree({
      "package.json": { name: "bun-app", dependencies: { "my-dependency": "^1.0.0" } },
      "node_modules/my-dependency": { link: ".bun/my-dependency@1.0.0/node_modules/my-dependency" },
      "node_modules/.bun/my-dependency@1.0.0/node_modules/my-dependency/package.json": {
        name: "my-dependency",
        version: "1.0.0",
        dependencies: { "sub-dep": "^2.0.0" },
      },
      "node_modules/.bun/my-dependency@1.0.0/node_modules/sub-dep": {
        link: "../../sub-dep@2.0.0/node_modules/sub-dep",
      },
      "node_modules/.bun/sub-dep@2.0.0/node_modules/sub-dep/package.json": {
        name: "sub-dep",
        version: "2.0.0",
      },
    });
    const result = await extractDir(nodeModulesExtractor, join(root, "node_modules"));
    expect(result.warnings).toBeUndefined();
    expect(result.packages.map((p) => [p.name, p.version, p.direct, p.scopes, p.dependencies])).toEqual([
      ["my-dependency", "1.0.0", true, ["prod"], [{ name: "sub-dep", version: "2.0.0" }]],
      ["sub-dep", "2.0.0", false, undefined, []],
    ]);
  });

  it("warns about unreadable package.json files and goes on, including into their node_modules", async () => {
    const root = tree({
      "node_modules/broken/package.json": '{\n  "name": "broken",\n  "version": "1.0.0",\n',
      "node_modules/broken/node_modules/inner/package.json": { name: "inner", version: "3.0.0" },
      "node_modules/noversion/package.json": { name: "noversion" },
      "node_modules/nothing/package.json": {},
      "node_modules/array/package.json": "[1, 2]",
      "node_modules/numver/package.json": { name: "numver", version: 1 },
      "node_modules/empty-dir/README.md": "leftover\n",
      "node_modules/bom/package.json": '\ufeff{"name": "bom", "version": "2.0.0"}',
      "node_modules/@scope/.retired-abc123/package.json": { name: "@scope/old", version: "0.0.1" },
      "node_modules/@scope/ok/package.json": { name: "@scope/ok", version: "1.2.3" },
      "node_modules/stray-file": "not a package\n",
    });
    const result = await extractDir(nodeModulesExtractor, join(root, "node_modules"));
    expect(result.packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      "@scope/ok@1.2.3",
      "bom@2.0.0",
      "inner@3.0.0",
    ]);
    expect(result.warnings).toHaveLength(6);
    expect(result.warnings![0]).toBe("node_modules/array/package.json: expected a JSON object; skipped");
    expect(result.warnings![1]).toMatch(
      /^node_modules\/broken\/package\.json: invalid JSON \(.+\); skipped$/,
    );
    expect(result.warnings!.slice(2)).toEqual([
      "node_modules/empty-dir: no package.json; skipped",
      'node_modules/nothing/package.json: no "name" and "version" string; skipped',
      'node_modules/noversion/package.json: no "version" string; skipped',
      'node_modules/numver/package.json: no "version" string; skipped',
    ]);
  });

  it("reports dependencies that are not installed, but not missing optional or peer ones", async () => {
    const root = tree({
      "package.json": {
        name: "app",
        dependencies: { a: "^1.0.0", gone: "^2.0.0" },
        devDependencies: { d: "1" },
      },
      "node_modules/a/package.json": {
        name: "a",
        version: "1.0.0",
        dependencies: { b: "^1.0.0", opt: "^1.0.0" },
        optionalDependencies: { opt: "^1.0.0" },
        peerDependencies: { react: ">=16" },
      },
    });
    const result = await extractDir(nodeModulesExtractor, join(root, "node_modules"));
    expect(result.packages[0]).toMatchObject({ name: "a", direct: true, scopes: ["prod"], dependencies: [] });
    expect(result.warnings).toEqual([
      "1 dependency of installed packages not installed: a@1.0.0 → b",
      "1 of the project's dependencies not installed: gone",
    ]);
  });

  it("marks the workspace members' dependencies direct, from the member's own node_modules first (npm layout)", async () => {
    // From a real npm 11 workspace install: packages/a needs chalk 5 (installed in packages/a/node_modules,
    // outside this tree) and left-pad (hoisted to the root's node_modules).
    const root = tree({
      "package.json": { name: "proj", workspaces: ["packages/*"], dependencies: { chalk: "^4.1.2" } },
      "packages/a/package.json": {
        name: "@proj/a",
        dependencies: { "@proj/b": "^1.0.0", chalk: "^5.3.0", "left-pad": "^1.3.0" },
        devDependencies: { "is-odd": "^3.0.1" },
      },
      "packages/a/node_modules/chalk/package.json": { name: "chalk", version: "5.6.2" },
      "packages/b/package.json": { name: "@proj/b", dependencies: { ms: "^2.0.0" } },
      "node_modules/@proj/a": { link: "../../packages/a" },
      "node_modules/@proj/b": { link: "../../packages/b" },
      "node_modules/chalk/package.json": { name: "chalk", version: "4.1.2" },
      "node_modules/left-pad/package.json": { name: "left-pad", version: "1.3.0" },
      "node_modules/is-odd/package.json": { name: "is-odd", version: "3.0.1" },
      "node_modules/ms/package.json": { name: "ms", version: "2.1.3" },
      "node_modules/unrelated/package.json": { name: "unrelated", version: "1.0.0" },
    });
    const r = await extractDir(nodeModulesExtractor, join(root, "node_modules"));
    const state = r.packages.map((p) => `${p.name}@${p.version}:${p.direct}:${p.scopes ?? "-"}`).sort();
    expect(state).toEqual([
      "chalk@4.1.2:true:prod", // the root's; packages/a's chalk 5 is in its own node_modules
      "is-odd@3.0.1:true:dev",
      "left-pad@1.3.0:true:prod",
      "ms@2.1.3:true:prod",
      "unrelated@1.0.0:false:-",
    ]);
  });

  it("marks a pnpm workspace member's dependencies direct through its links into the store (pnpm-workspace.yaml)", async () => {
    const root = tree({
      "package.json": { name: "proj", dependencies: { debug: "^4.3.4" } },
      "pnpm-workspace.yaml": "packages:\n  - packages/*\n",
      "packages/b/package.json": { name: "@proj/b", dependencies: { debug: "^3.2.7" } },
      "packages/b/node_modules/debug": { link: "../../../node_modules/.pnpm/debug@3.2.7/node_modules/debug" },
      "node_modules/debug": { link: ".pnpm/debug@4.4.3/node_modules/debug" },
      "node_modules/.pnpm/debug@3.2.7/node_modules/debug/package.json": { name: "debug", version: "3.2.7" },
      "node_modules/.pnpm/debug@4.4.3/node_modules/debug/package.json": { name: "debug", version: "4.4.3" },
    });
    const r = await extractDir(nodeModulesExtractor, join(root, "node_modules"));
    expect(r.packages.map((p) => `${p.name}@${p.version}:${p.direct}`).sort()).toEqual([
      "debug@3.2.7:true",
      "debug@4.4.3:true",
    ]);
  });

  it("does not report as missing what a workspace member finds in the root's node_modules", async () => {
    // `--installed` reads packages/b/node_modules on its own: Node finds ms and left-pad in the root's.
    const root = tree({
      "package.json": { name: "proj", workspaces: ["packages/*"] },
      "packages/b/package.json": { name: "@proj/b", dependencies: { debug: "^3.2.7", "left-pad": "^1" } },
      "packages/b/node_modules/debug/package.json": {
        name: "debug",
        version: "3.2.7",
        dependencies: { ms: "^2.1.1", gone: "^1.0.0" },
      },
      "node_modules/ms/package.json": { name: "ms", version: "2.1.3" },
      "node_modules/left-pad/package.json": { name: "left-pad", version: "1.3.0" },
    });
    const r = await extractDir(nodeModulesExtractor, join(root, "packages", "b", "node_modules"));
    expect(r.packages.map((p) => `${p.name}@${p.version}:${p.direct}`)).toEqual(["debug@3.2.7:true"]);
    expect(r.warnings).toEqual(["1 dependency of installed packages not installed: debug@3.2.7 → gone"]);
  });

  it("follows an optional peer declared only in peerDependenciesMeta to its sibling in pnpm's store", async () => {
    // Real: debug 4.4.3 declares supports-color only in peerDependenciesMeta; pnpm links it beside debug.
    const store = "node_modules/.pnpm";
    const root = tree({
      "package.json": { name: "app", dependencies: { debug: "^4.3.4", "follow-redirects": "^1" } },
      "node_modules/debug": { link: ".pnpm/debug@4.4.3_supports-color@5.5.0/node_modules/debug" },
      "node_modules/follow-redirects": {
        link: ".pnpm/follow-redirects@1.16.3/node_modules/follow-redirects",
      },
      [`${store}/debug@4.4.3_supports-color@5.5.0/node_modules/debug/package.json`]: {
        name: "debug",
        version: "4.4.3",
        dependencies: { ms: "^2.1.3" },
        peerDependenciesMeta: { "supports-color": { optional: true } },
      },
      [`${store}/debug@4.4.3_supports-color@5.5.0/node_modules/ms`]: {
        link: "../../ms@2.1.3/node_modules/ms",
      },
      [`${store}/debug@4.4.3_supports-color@5.5.0/node_modules/supports-color`]: {
        link: "../../supports-color@5.5.0/node_modules/supports-color",
      },
      [`${store}/ms@2.1.3/node_modules/ms/package.json`]: { name: "ms", version: "2.1.3" },
      [`${store}/supports-color@5.5.0/node_modules/supports-color/package.json`]: {
        name: "supports-color",
        version: "5.5.0",
      },
      // not linked beside follow-redirects: pnpm did not resolve it, though the hoisted store has debug
      [`${store}/follow-redirects@1.16.3/node_modules/follow-redirects/package.json`]: {
        name: "follow-redirects",
        version: "1.16.3",
        peerDependenciesMeta: { debug: { optional: true } },
      },
      [`${store}/node_modules/debug`]: { link: "../debug@4.4.3_supports-color@5.5.0/node_modules/debug" },
    });
    const r = await extractDir(nodeModulesExtractor, join(root, "node_modules"));
    const of = (n: string) => r.packages.find((p) => p.name === n)!;
    expect(of("debug").dependencies).toEqual([
      { name: "ms", version: "2.1.3" },
      { name: "supports-color", version: "5.5.0" },
    ]);
    expect(of("follow-redirects").dependencies).toEqual([]);
  });

  it("marks direct dependencies from git, tarball and file specs as unpinned", async () => {
    const root = tree({
      "package.json": {
        name: "app",
        dependencies: { gitdep: "github:acme/gitdep#v1", tarball: "https://example.com/tarball-1.0.0.tgz" },
        devDependencies: { local: "file:vendor/local-1.0.0.tgz", both: "^1.0.0" },
        peerDependencies: { both: "^1.0.0" },
      },
      "node_modules/gitdep/package.json": { name: "gitdep", version: "1.0.0" },
      "node_modules/tarball/package.json": { name: "tarball", version: "1.0.0" },
      "node_modules/local/package.json": { name: "local", version: "1.0.0" },
      "node_modules/both/package.json": { name: "both", version: "1.0.0" },
    });
    const pkgs = (await extractDir(nodeModulesExtractor, join(root, "node_modules"))).packages;
    expect(pkgs.map((p) => [p.name, p.scopes, p.unpinned])).toEqual([
      ["both", ["dev", "peer"], undefined],
      ["gitdep", ["prod"], { kind: "vcs", spec: "github:acme/gitdep#v1" }],
      ["local", ["dev"], { kind: "path", spec: "file:vendor/local-1.0.0.tgz" }],
      ["tarball", ["prod"], { kind: "url", spec: "https://example.com/tarball-1.0.0.tgz" }],
    ]);
  });

  it("warns when the project's package.json or the hidden lockfile cannot be used", async () => {
    const root = tree({
      "package.json": '{"name": "app", "dependencies": {',
      "node_modules/.package-lock.json": '{"lockfileVersion": 3}',
      "node_modules/a/package.json": { name: "a", version: "1.0.0" },
    });
    const result = await extractDir(nodeModulesExtractor, join(root, "node_modules"));
    expect(result.packages.map((p) => [p.name, p.direct, p.scopes])).toEqual([["a", undefined, undefined]]);
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings![0]).toBe(
      'node_modules/.package-lock.json: expected an npm lockfile with a "packages" object; ignored',
    );
    expect(result.warnings![1]).toMatch(
      /^package\.json: invalid JSON \(.+\); direct dependencies are not known$/,
    );
  });

  it("never loops on symbolic link cycles and reads each real directory once", async () => {
    const root = tree({
      "node_modules/a/package.json": { name: "a", version: "1.0.0", dependencies: { b: "1" } },
      "node_modules/a/node_modules/self": { link: ".." },
      "node_modules/a/node_modules/b": { link: "../../b" },
      "node_modules/b/package.json": { name: "b", version: "1.0.0", dependencies: { a: "1" } },
      "node_modules/b/node_modules": { link: ".." },
      "node_modules/c": { link: "c" },
    });
    const result = await extractDir(nodeModulesExtractor, join(root, "node_modules"));
    expect((result.packages as InstalledPackage[]).map((p) => [p.name, p.file, p.dependencies])).toEqual([
      ["a", "node_modules/a/package.json", [{ name: "b", version: "1.0.0" }]],
      ["b", "node_modules/b/package.json", [{ name: "a", version: "1.0.0" }]],
    ]);
    expect(result.warnings).toEqual(["1 broken symbolic link: node_modules/c"]);
  });

  it("does not follow symbolic links to outside the directory (packages, scopes, nested node_modules)", async () => {
    const root = tree({
      "elsewhere/evil/package.json": { name: "evil", version: "6.6.6" },
      "elsewhere/@evil/x/package.json": { name: "@evil/x", version: "6.6.6" },
      "elsewhere/nm/deep/package.json": { name: "deep", version: "6.6.6" },
      "node_modules/evil": { link: "../elsewhere/evil" },
      "node_modules/@evil": { link: "../elsewhere/@evil" },
      "node_modules/ok/package.json": { name: "ok", version: "1.0.0" },
      "node_modules/ok/node_modules": { link: "../../elsewhere/nm" },
    });
    const result = await extractDir(nodeModulesExtractor, join(root, "node_modules"));
    expect(result.packages.map((p) => p.name)).toEqual(["ok"]);
    expect(result.warnings).toEqual([
      "3 symbolic links to outside the directory not followed (workspace or file: links): " +
        "node_modules/@evil, node_modules/evil, node_modules/ok/node_modules",
    ]);
  });

  it("caps the walk and says so", async () => {
    const files: Tree = {};
    for (const n of ["a", "b", "c", "d", "e"])
      files[`node_modules/${n}/package.json`] = { name: n, version: "1.0.0" };
    const root = tree(files);
    const nm = join(root, "node_modules");
    const result = await extractNodeModules(
      { path: nm, file: "node_modules", display: (p) => p },
      { maxEntries: 3 },
    );
    expect(result.packages.map((p) => p.name)).toEqual(["a", "b", "c"]);
    expect(result.warnings).toEqual([
      "stopped after 3 directory entries; the inventory of this directory is incomplete",
    ]);
  });

  it("returns nothing for an empty node_modules and throws an InputError for a missing one", async () => {
    const root = tree({ "node_modules/.package-lock.json": { lockfileVersion: 3, packages: {} } });
    expect(await extractDir(nodeModulesExtractor, join(root, "node_modules"))).toEqual({ packages: [] });
    const missing = join(root, "nope", "node_modules");
    await expect(extractDir(nodeModulesExtractor, missing)).rejects.toThrow(InputError);
    await expect(extractDir(nodeModulesExtractor, missing)).rejects.toThrow(
      "node_modules: cannot read directory (ENOENT)",
    );
  });
});

describe("topLevelKeyLine", () => {
  it("finds the last top-level key, skipping nested keys, string values and escapes", () => {
    const text =
      '{\n "a": {"version": 1},\n "s": "\\"version\\": x",\n "version": "1",\n "version" :\n "2"\n}';
    expect(topLevelKeyLine(text, "version")).toBe(5);
    expect(topLevelKeyLine('{"name": "version"}', "version")).toBeUndefined();
    expect(topLevelKeyLine("[]", "version")).toBeUndefined();
  });
});
