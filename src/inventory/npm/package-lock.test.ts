import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../errors.js";
import { extractFile, extractText } from "../../test-helpers/extract.js";
import type { ExtractedPackage, ExtractResult } from "../model.js";
import { packageLockExtractor } from "./package-lock.js";

const FIXTURES = join(import.meta.dirname, "__fixtures__", "package-lock");
const fixture = (name: string) => extractFile(packageLockExtractor, join(FIXTURES, name));
const lock = (data: unknown, name = "package-lock.json") =>
  extractText(packageLockExtractor, name, JSON.stringify(data, null, 2));

/** name@version (line) → the package, failing when missing or ambiguous. */
function get(result: ExtractResult, name: string, version?: string | null): ExtractedPackage {
  const found = result.packages.filter(
    (p) => p.name === name && (version === undefined || p.version === version),
  );
  expect(found, `${name}@${version}`).toHaveLength(1);
  return found[0]!;
}
const edges = (p: ExtractedPackage) => (p.dependencies ?? []).map((d) => `${d.name}@${d.version}`);

async function inputError(run: Promise<unknown>): Promise<InputError> {
  const e = await run.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(InputError);
  return e as InputError;
}

describe("packageLockExtractor.matchFile", () => {
  it("reads package-lock.json and npm-shrinkwrap.json only", () => {
    expect(packageLockExtractor.matchFile("package-lock.json", "/x/package-lock.json")).toBe(true);
    expect(packageLockExtractor.matchFile("npm-shrinkwrap.json", "/x/npm-shrinkwrap.json")).toBe(true);
    expect(packageLockExtractor.matchFile("package.json", "/x/package.json")).toBe(false);
    expect(packageLockExtractor.matchFile(".package-lock.json", "/x/node_modules/.package-lock.json")).toBe(
      false,
    );
    expect(packageLockExtractor.matchFile("yarn.lock", "/x/yarn.lock")).toBe(false);
  });
});

describe("lockfileVersion 3 with workspaces (packages section)", () => {
  it("lists every installed package once, in file order, with its line", async () => {
    const r = await fixture("v3-workspaces.json");
    expect(r.packages.map((p) => `${p.line} ${p.name}@${p.version}`)).toEqual([
      "27 local-lib@0.1.0",
      "39 @babel/core@7.24.5",
      "49 semver@6.3.1",
      "59 ansi-styles@4.3.0",
      "67 chalk@4.1.2",
      "76 color-convert@2.0.1",
      "84 color-name@1.1.4",
      "89 fsevents@2.3.3",
      "105 has-flag@4.0.0",
      "110 js-tokens@4.0.0",
      "119 loose-envify@1.4.0",
      "130 ms@2.1.3",
      "135 my-fork@2.0.0",
      "140 react@18.3.1",
      "148 string-width@4.2.3",
      "154 supports-color@7.2.0",
      "162 tarball-dep@1.0.0",
      "177 typescript@5.4.5",
      "194 vendored@2.0.0",
      "221 lodash@4.17.21",
    ]);
  });

  it("reports the folders whose manifests it covers and keeps the root, members and links out of the components", async () => {
    const r = await fixture("v3-workspaces.json");
    // the workspace members, and the file:-linked local package (npm locks its dependencies too)
    expect(r.workspaceMembers).toEqual(["libs/local-lib", "packages/app", "packages/utils"]);
    const names = r.packages.map((p) => p.name);
    expect(names).not.toContain("acme-monorepo");
    expect(names).not.toContain("@acme/app");
    expect(names).not.toContain("utils");
  });

  it("skips an entry without a version, with a warning", async () => {
    const r = await fixture("v3-workspaces.json");
    expect(r.packages.some((p) => p.name === "ghost")).toBe(false);
    expect(r.warnings).toEqual(['packages["node_modules/ghost"]: no version (extraneous); skipped']);
  });

  it("marks the dependencies of the root and of every workspace member direct, the rest not", async () => {
    const r = await fixture("v3-workspaces.json");
    const direct = r.packages.filter((p) => p.direct).map((p) => p.name);
    expect(direct.sort()).toEqual(
      [
        "@babel/core", // packages/app devDependencies
        "chalk",
        "fsevents",
        "local-lib",
        "lodash", // packages/app, installed in packages/app/node_modules
        "ms", // packages/utils
        "my-fork",
        "react", // packages/app
        "string-width", // root, as the alias string-width-cjs
        "typescript",
        "vendored", // packages/app devDependencies
      ].sort(),
    );
    expect(r.packages.filter((p) => !p.direct).every((p) => p.direct === false)).toBe(true);
  });

  it("maps dev, optional, devOptional and peer flags to scopes", async () => {
    const r = await fixture("v3-workspaces.json");
    expect(get(r, "chalk").scopes).toEqual(["prod"]);
    expect(get(r, "typescript").scopes).toEqual(["dev"]);
    expect(get(r, "fsevents").scopes).toEqual(["optional"]);
    expect(get(r, "vendored").scopes).toEqual(["dev", "optional"]); // devOptional
    expect(get(r, "@babel/core").scopes).toEqual(["dev", "peer"]);
  });

  it("takes the package name from the entry over the folder name (aliases)", async () => {
    const r = await fixture("v3-workspaces.json");
    const sw = get(r, "string-width");
    expect(sw.version).toBe("4.2.3");
    expect(sw.line).toBe(148);
    expect(r.packages.some((p) => p.name === "string-width-cjs")).toBe(false);
  });

  it("records hasInstallScript (what review and policy need to see new install scripts)", async () => {
    const r = await lock({
      lockfileVersion: 3,
      packages: {
        "": { name: "app", dependencies: { esbuild: "0.25.0", ms: "2.1.3" } },
        "node_modules/esbuild": { version: "0.25.0", hasInstallScript: true },
        "node_modules/ms": { version: "2.1.3" },
      },
    });
    expect(get(r, "esbuild").installScript).toBe(true);
    expect(get(r, "ms").installScript).toBeUndefined();
    await expect(
      lock({
        lockfileVersion: 3,
        packages: { "": {}, "node_modules/x": { version: "1.0.0", hasInstallScript: "yes" } },
      }),
    ).rejects.toThrow(/hasInstallScript: expected true or false/);
  });

  it("keeps integrity as the hash and resolved as the download URL", async () => {
    const r = await fixture("v3-workspaces.json");
    const chalk = get(r, "chalk");
    expect(chalk.hashes).toEqual([
      "sha512-oKnbhFyRIXpUuez8iBMmyEa4nbj4IOQyuhc/wy9kY7/WVPcwIO9VA668Pu8RkO7+0G76SLROeyw9CpQ061i4mA==",
    ]);
    expect(chalk.resolved).toBe("https://registry.npmjs.org/chalk/-/chalk-4.1.2.tgz");
    expect(chalk.unpinned).toBeUndefined();
    expect(get(r, "my-fork").hashes).toBeUndefined();
  });

  it("marks git, remote tarball, local tarball and linked folder sources as unpinned, keeping the version", async () => {
    const r = await fixture("v3-workspaces.json");
    expect(get(r, "my-fork")).toMatchObject({
      version: "2.0.0",
      unpinned: {
        kind: "vcs",
        spec: "git+ssh://git@github.com/acme/my-fork.git#4f0e0f1d6b8e0a3c2b1d9e8f7a6b5c4d3e2f1a0b",
      },
    });
    expect(get(r, "tarball-dep")).toMatchObject({
      version: "1.0.0",
      unpinned: { kind: "url", spec: "https://downloads.example.com/builds/tarball-dep-1.0.0.tgz" },
      resolved: "https://downloads.example.com/builds/tarball-dep-1.0.0.tgz",
    });
    expect(get(r, "vendored").unpinned).toEqual({ kind: "path", spec: "file:vendor/vendored-2.0.0.tgz" });
    // a file: dependency on a folder: the link target is the component, read from its own entry
    expect(get(r, "local-lib")).toMatchObject({
      version: "0.1.0",
      direct: true,
      line: 27,
      unpinned: { kind: "path", spec: "file:libs/local-lib" },
    });
  });

  it("resolves edges the way Node does: nested node_modules first, then each ancestor", async () => {
    const r = await fixture("v3-workspaces.json");
    expect(edges(get(r, "chalk"))).toEqual(["ansi-styles@4.3.0", "supports-color@7.2.0"]);
    expect(edges(get(r, "@babel/core"))).toEqual(["semver@6.3.1"]); // its own node_modules
    expect(edges(get(r, "react"))).toEqual(["loose-envify@1.4.0"]);
    expect(edges(get(r, "color-name"))).toEqual([]);
  });

  it("resolves a linked package's dependencies from its target, leaving out edges to workspace members", async () => {
    const r = await fixture("v3-workspaces.json");
    expect(edges(get(r, "local-lib"))).toEqual(["ms@2.1.3"]); // and utils, a workspace: not a component
  });

  it("keeps a missing required dependency as an unresolved edge (alias target name), drops missing optional ones", async () => {
    const r = await fixture("v3-workspaces.json");
    expect(edges(get(r, "tarball-dep"))).toEqual(["left-pad@null", "strip-ansi@null", "chalk@4.1.2"]);
  });
});

describe("lockfileVersion 2", () => {
  it("reads packages and ignores the duplicated legacy dependencies section", async () => {
    const r = await fixture("v2-npm8.json");
    expect(r.packages.map((p) => `${p.line} ${p.name}@${p.version} ${p.direct}`)).toEqual([
      "18 debug@4.3.4 true",
      "34 express@4.19.2 true",
      "42 debug@2.6.9 false",
      "50 ms@2.0.0 false",
      "55 jest@29.7.0 true",
      "69 ms@2.1.2 false",
    ]);
    expect(r.packages.some((p) => p.name === "legacy-only")).toBe(false);
    expect(r.warnings).toBeUndefined();
    expect(r.workspaceMembers).toBeUndefined();
  });

  it("resolves the same name to different versions depending on where it is required from", async () => {
    const r = await fixture("v2-npm8.json");
    expect(edges(get(r, "express"))).toEqual(["debug@2.6.9"]);
    expect(edges(get(r, "debug", "2.6.9"))).toEqual(["ms@2.0.0"]);
    expect(edges(get(r, "debug", "4.3.4"))).toEqual(["ms@2.1.2"]);
    expect(edges(get(r, "jest"))).toEqual([]); // optional peer node-notifier not installed
    expect(get(r, "ms", "2.0.0").hashes).toEqual(["sha1-VgiurfwAvmwpAd9fmGF4jeDVl8g="]);
  });
});

describe("lockfileVersion 1 (npm 5 and 6)", () => {
  it("walks the nested dependencies tree, with lines, flags, hashes and no direct information", async () => {
    const r = await fixture("v1-npm6.json");
    expect(r.packages.map((p) => `${p.line} ${p.name}@${p.version} ${p.scopes?.join("+")}`)).toEqual([
      "7 @types/node@20.12.7 dev",
      "20 chokidar@2.1.8 prod",
      "28 debug@2.6.9 prod",
      "36 fsevents@1.2.13 optional",
      "46 bindings@1.5.0 optional",
      "51 nan@2.14.0 optional",
      "58 git-https@null prod",
      "62 local-lib@null prod",
      "68 ms@2.1.3 prod",
      "75 ms@2.0.0 prod",
      "80 my-fork@null prod",
      "87 string-width@4.2.3 prod",
      "92 tarball-dep@1.0.0 prod",
      "96 undici-types@5.26.5 dev",
      "102 uses-alias@1.0.0 dev+optional",
      "113 vendored@2.0.0 prod",
    ]);
    expect(r.packages.every((p) => p.direct === undefined)).toBe(true);
    expect(get(r, "ms", "2.0.0").hashes).toEqual(["sha1-VgiurfwAvmwpAd9fmGF4jeDVl8g="]);
    expect(get(r, "debug").resolved).toBe("https://registry.npmjs.org/debug/-/debug-2.6.9.tgz");
  });

  it("reads aliases, git, tarball and file versions", async () => {
    const r = await fixture("v1-npm6.json");
    expect(get(r, "string-width").unpinned).toBeUndefined();
    expect(get(r, "my-fork").unpinned).toEqual({
      kind: "vcs",
      spec: "github:acme/my-fork#4f0e0f1d6b8e0a3c2b1d9e8f7a6b5c4d3e2f1a0b",
    });
    expect(get(r, "git-https").unpinned).toEqual({
      kind: "vcs",
      spec: "git+https://github.com/acme/git-https.git#0123456789abcdef0123456789abcdef01234567",
    });
    expect(get(r, "tarball-dep")).toMatchObject({
      version: "1.0.0",
      resolved: "https://downloads.example.com/builds/tarball-dep-1.0.0.tgz",
      unpinned: { kind: "url", spec: "https://downloads.example.com/builds/tarball-dep-1.0.0.tgz" },
    });
    expect(get(r, "vendored").unpinned).toEqual({ kind: "path", spec: "file:vendor/vendored-2.0.0.tgz" });
    expect(get(r, "local-lib").unpinned).toEqual({ kind: "path", spec: "file:libs/local-lib" });
  });

  it("skips a malformed alias with a warning", async () => {
    const r = await fixture("v1-npm6.json");
    expect(r.packages.some((p) => p.name === "broken-alias" || p.name === "no-at-here")).toBe(false);
    expect(r.warnings).toEqual([
      'dependencies.broken-alias: alias "npm:no-at-here" has no exact version; skipped',
    ]);
  });

  it("resolves requires through the nesting: own dependencies first, then the parents'", async () => {
    const r = await fixture("v1-npm6.json");
    expect(edges(get(r, "debug"))).toEqual(["ms@2.0.0"]);
    expect(edges(get(r, "local-lib"))).toEqual(["ms@2.1.3"]); // its nested copy
    expect(edges(get(r, "fsevents"))).toEqual(["bindings@1.5.0", "nan@2.14.0"]); // bundled
    expect(edges(get(r, "@types/node"))).toEqual(["undici-types@5.26.5"]);
    expect(edges(get(r, "my-fork"))).toEqual(["debug@2.6.9"]);
    expect(edges(get(r, "uses-alias"))).toEqual(["string-width@4.2.3", "not-in-lock@null"]);
    expect(edges(get(r, "ms", "2.0.0"))).toEqual([]);
  });
});

describe("lockfileVersion 1 with its package.json (npm 7+ --lockfile-version 1, real workspace)", () => {
  const v1 = () => fixture("v1-workspaces/package-lock.json");

  it("keeps the workspace members out of the components, reading their nested entries", async () => {
    const r = await v1();
    expect(r.packages.some((p) => p.name === "@proj/a" || p.name === "@proj/b")).toBe(false);
    expect(get(r, "chalk", "5.6.2").line).toBe(15); // packages/a's own chalk
    expect(get(r, "local-lib").unpinned).toEqual({ kind: "path", spec: "file:local-lib" });
    expect(r.workspaceMembers).toEqual(["local-lib", "packages/a", "packages/b"]);
    expect(edges(get(r, "debug", "3.2.7"))).toEqual(["ms@2.1.3"]);
  });

  it("takes the direct packages from the root's and the members' dependencies, resolved through the nesting", async () => {
    const r = await v1();
    expect(
      r.packages
        .filter((p) => p.direct)
        .map((p) => `${p.name}@${p.version}`)
        .sort(),
    ).toEqual([
      "chalk@4.1.2",
      "chalk@5.6.2",
      "debug@3.2.7",
      "debug@4.4.3",
      "left-pad@1.3.0",
      "local-lib@null",
      "lodash@4.17.20",
      "lodash@4.18.1",
      "ms@2.1.3",
      "rollup@4.68.7",
    ]);
    expect(get(r, "is-number").direct).toBe(false);
  });

  it("skips an optional dependency npm did not install (no version) without a warning", async () => {
    const r = await v1();
    expect(r.packages.some((p) => p.name === "@rollup/rollup-android-arm64")).toBe(false);
    expect(r.warnings).toBeUndefined();
    expect(edges(get(r, "rollup"))).toEqual([]);
  });
});

describe("corner cases", () => {
  it("reads npm-shrinkwrap.json the same way", async () => {
    const r = await lock(
      {
        name: "cli",
        lockfileVersion: 3,
        packages: {
          "": { name: "cli", dependencies: { semver: "^7.6.0" } },
          "node_modules/semver": {
            version: "7.6.2",
            resolved: "https://registry.npmjs.org/semver/-/semver-7.6.2.tgz",
          },
        },
      },
      "npm-shrinkwrap.json",
    );
    expect(r.packages).toEqual([
      {
        name: "semver",
        version: "7.6.2",
        direct: true,
        scopes: ["prod"],
        line: 11,
        resolved: "https://registry.npmjs.org/semver/-/semver-7.6.2.tgz",
        dependencies: [],
      },
    ]);
  });

  it("reads an empty project", async () => {
    const r = await lock({
      name: "empty",
      version: "1.0.0",
      lockfileVersion: 3,
      requires: true,
      packages: {},
    });
    expect(r).toEqual({ packages: [] });
    const v1 = await lock({ name: "empty", version: "1.0.0", lockfileVersion: 1, requires: true });
    expect(v1).toEqual({ packages: [] });
  });

  it("leaves direct undefined when the lock has no root entry", async () => {
    const r = await lock({
      lockfileVersion: 3,
      packages: { "node_modules/ms": { version: "2.1.3" } },
    });
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]!.direct).toBeUndefined();
  });

  it("tells workspaces from file: links without the root's workspaces field", async () => {
    const r = await lock({
      name: "root",
      lockfileVersion: 2,
      packages: {
        "": { name: "root", dependencies: { shared: "file:../shared", "ws-a": "^1.0.0" } },
        "../shared": { name: "shared", version: "3.0.0", dependencies: { ms: "^2.0.0" } },
        "../shared/node_modules/ms": { version: "2.0.0" },
        "node_modules/ms": { version: "2.1.3" },
        "node_modules/shared": { resolved: "../shared", link: true },
        "node_modules/ws-a": { resolved: "packages/a", link: true },
        "packages/a": { name: "ws-a", version: "1.0.0", dependencies: { ms: "^2.1.0" } },
      },
    });
    expect(r.workspaceMembers).toEqual(["packages/a"]); // ../shared is outside the project
    expect(r.packages.map((p) => `${p.name}@${p.version} ${p.direct} ${edges(p).join(",")}`)).toEqual([
      "shared@3.0.0 true ms@2.0.0",
      "ms@2.0.0 false ",
      "ms@2.1.3 true ",
    ]);
    expect(r.packages[0]!.unpinned).toEqual({ kind: "path", spec: "file:../shared" });
  });

  it("does not let a folder outside the project resolve into the project's node_modules", async () => {
    const r = await lock({
      lockfileVersion: 3,
      packages: {
        "": { dependencies: { shared: "file:../shared" } },
        "../shared": { name: "shared", version: "1.0.0", dependencies: { ms: "^2.0.0" } },
        "node_modules/ms": { version: "2.1.3" },
        "node_modules/shared": { resolved: "../shared", link: true },
      },
    });
    expect(edges(get(r, "shared"))).toEqual(["ms@null"]);
  });

  it("classifies resolved URLs: git host tarballs, other registries, plain https tarballs", async () => {
    const r = await lock({
      lockfileVersion: 3,
      packages: {
        "": {},
        "node_modules/from-codeload": {
          version: "1.0.0",
          resolved:
            "https://codeload.github.com/acme/from-codeload/tar.gz/0123456789abcdef0123456789abcdef01234567",
        },
        "node_modules/from-artifactory": {
          version: "2.0.0",
          resolved:
            "https://acme.jfrog.io/artifactory/api/npm/npm-remote/from-artifactory/-/from-artifactory-2.0.0.tgz",
        },
        "node_modules/@acme/from-github-packages": {
          version: "3.0.0",
          resolved: "https://npm.pkg.github.com/download/@acme/from-github-packages/3.0.0/abcdef0123456789",
        },
        "node_modules/from-gitlab": {
          version: "4.0.0",
          resolved: "git+https://gitlab.com/acme/from-gitlab.git#0123456789abcdef0123456789abcdef01234567",
        },
      },
    });
    expect(r.packages.map((p) => `${p.name} ${p.unpinned?.kind ?? "registry"}`)).toEqual([
      "from-codeload vcs",
      "from-artifactory registry",
      "@acme/from-github-packages registry",
      "from-gitlab vcs",
    ]);
  });

  it("reads a newer lockfileVersion with a warning", async () => {
    const r = await lock({ lockfileVersion: 4, packages: { "node_modules/a": { version: "1.0.0" } } });
    expect(r.packages.map((p) => p.name)).toEqual(["a"]);
    expect(r.warnings).toEqual([
      "lockfileVersion 4 is newer than the versions this reader knows (1-3); read as 3",
    ]);
  });

  it("finds the entry lines even when JSON.parse reorders integer-like keys", async () => {
    const text = [
      "{",
      '  "lockfileVersion": 3,',
      '  "packages": {',
      '    "": { "dependencies": { "x": "file:2024" } },',
      '    "node_modules/x": { "resolved": "2024", "link": true },',
      '    "2024": { "name": "x", "version": "1.0.0" },',
      '    "node_modules/a": { "version": "2.0.0" }',
      "  }",
      "}",
    ].join("\n");
    const r = await extractText(packageLockExtractor, "package-lock.json", text);
    expect(r.packages.map((p) => `${p.line} ${p.name}@${p.version} ${p.direct}`)).toEqual([
      "6 x@1.0.0 true",
      "7 a@2.0.0 false",
    ]);
  });

  it("keeps bundled (inBundle) packages and reaches them through their parent", async () => {
    const r = await lock({
      lockfileVersion: 3,
      packages: {
        "": { dependencies: { npm: "^10.0.0" } },
        "node_modules/npm": {
          version: "10.8.1",
          bundleDependencies: ["abbrev"],
          dependencies: { abbrev: "^2.0.0" },
        },
        "node_modules/npm/node_modules/abbrev": { version: "2.0.0", inBundle: true },
      },
    });
    expect(edges(get(r, "npm"))).toEqual(["abbrev@2.0.0"]);
    expect(get(r, "abbrev")).toMatchObject({ version: "2.0.0", direct: false, scopes: ["prod"] });
  });
});

describe("bad input", () => {
  it("rejects an empty file", async () => {
    const e = await inputError(extractText(packageLockExtractor, "package-lock.json", ""));
    expect(e.message).toMatch(/^package-lock\.json:1:1: invalid JSON: /);
  });

  it("rejects a truncated file with the position of the end", async () => {
    const e = await inputError(
      extractText(
        packageLockExtractor,
        "package-lock.json",
        '{\n  "lockfileVersion": 3,\n  "packages": {\n    "": {',
      ),
    );
    expect(e.message).toMatch(/^package-lock\.json:4:\d+: invalid JSON: /);
  });

  it("rejects JSON that is not an object", async () => {
    const e = await inputError(lock([1, 2]));
    expect(e.message).toBe("package-lock.json: not a package-lock: expected a JSON object, found an array");
  });

  it("rejects a package.json saved under the lockfile's name", async () => {
    const e = await inputError(lock({ name: "x", version: "1.0.0", dependencies: { react: "^18.0.0" } }));
    expect(e.message).toBe(
      'package-lock.json: not a package-lock: no "lockfileVersion" (this looks like a package.json); ' +
        "expected an npm lockfile with lockfileVersion 1, 2 or 3",
    );
  });

  it("rejects an SBOM saved under the lockfile's name", async () => {
    const e = await inputError(lock({ bomFormat: "CycloneDX", specVersion: "1.5", components: [] }));
    expect(e.detail).toMatch(/^not a package-lock: no "lockfileVersion" \(this is a CycloneDX SBOM\)/);
  });

  it("rejects a lockfileVersion that is not a number, at its line", async () => {
    const e = await inputError(lock({ name: "x", lockfileVersion: "3", packages: {} }));
    expect(e.message).toBe(
      'package-lock.json:3: not a valid package-lock: lockfileVersion: expected 1, 2 or 3, found a string ("3")',
    );
  });

  it("rejects packages that is not an object", async () => {
    const e = await inputError(lock({ lockfileVersion: 3, packages: [] }));
    expect(e.message).toBe(
      "package-lock.json: not a valid package-lock: packages: expected an object, found an array",
    );
  });

  it("names the entry and the key of a wrong-typed field, at the entry's line", async () => {
    const e = await inputError(
      lock({ lockfileVersion: 3, packages: { "": {}, "node_modules/a": { version: 1 } } }),
    );
    expect(e.message).toBe(
      'package-lock.json:5: not a valid package-lock: packages["node_modules/a"].version: expected a string, found a number (1)',
    );
    const dev = await inputError(
      lock({ lockfileVersion: 2, packages: { "node_modules/a": { version: "1.0.0", dev: "yes" } } }),
    );
    expect(dev.detail).toBe(
      'not a valid package-lock: packages["node_modules/a"].dev: expected true or false, found a string ("yes")',
    );
    const entry = await inputError(lock({ lockfileVersion: 3, packages: { "node_modules/a": "1.0.0" } }));
    expect(entry.detail).toBe(
      'not a valid package-lock: packages["node_modules/a"]: expected an object, found a string ("1.0.0")',
    );
  });

  it("rejects a dependencies map whose values are not strings", async () => {
    const e = await inputError(
      lock({
        lockfileVersion: 3,
        packages: { "node_modules/a": { version: "1.0.0", dependencies: { b: 2 } } },
      }),
    );
    expect(e.message).toBe(
      'package-lock.json:6: not a valid package-lock: packages["node_modules/a"].dependencies.b: expected a version string, found a number (2)',
    );
  });

  it("names the nested v1 entry", async () => {
    const e = await inputError(
      lock({
        lockfileVersion: 1,
        dependencies: { a: { version: "1.0.0", dependencies: { b: { version: false } } } },
      }),
    );
    expect(e.message).toBe(
      "package-lock.json:7: not a valid package-lock: dependencies.a.dependencies.b.version: expected a string, found a boolean (false)",
    );
    const requires = await inputError(
      lock({ lockfileVersion: 1, dependencies: { a: { version: "1.0.0", requires: ["b"] } } }),
    );
    expect(requires.detail).toBe(
      "not a valid package-lock: dependencies.a.requires: expected an object of name: version, found an array",
    );
  });
});
