import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../errors.js";
import { extractFile, extractText } from "../../test-helpers/extract.js";
import type { ExtractedPackage, ExtractResult } from "../model.js";
import { pnpmLockExtractor } from "./pnpm-lock.js";

const fixture = (dir: string) =>
  join(import.meta.dirname, "__fixtures__", "pnpm-lock", dir, "pnpm-lock.yaml");

function byName(result: ExtractResult, name: string, version?: string | null): ExtractedPackage {
  const found = result.packages.filter(
    (p) => p.name === name && (version === undefined || p.version === version),
  );
  expect(found, `${name}@${version ?? "*"}`).toHaveLength(1);
  return found[0]!;
}

const deps = (p: ExtractedPackage) => (p.dependencies ?? []).map((d) => `${d.name}@${d.version}`).sort();
const summary = (r: ExtractResult) => r.packages.map((p) => `${p.name}@${p.version}:${p.line}`);

const extract = (text: string) => extractText(pnpmLockExtractor, "pnpm-lock.yaml", text);

async function failure(text: string): Promise<InputError> {
  try {
    await extract(text);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

const SRI = "sha512-GfFCsBjzB7/fHHAJ0VopQXyW2GeNKYLuvOSWGy5n7rEYqOux11twCHw+Zbx5NFDj/koQACvvotA45a7UeWk38g==";

describe("pnpm-lock extractor", () => {
  it("claims pnpm-lock.yaml only", () => {
    expect(pnpmLockExtractor.matchFile("pnpm-lock.yaml", "/p/pnpm-lock.yaml")).toBe(true);
    expect(pnpmLockExtractor.matchFile("pnpm-workspace.yaml", "/p/pnpm-workspace.yaml")).toBe(false);
    expect(pnpmLockExtractor.kind).toBe("lockfile");
  });
});

describe("lockfile 5.x", () => {
  it("reads a single project: names and versions from the keys, lines, hashes", async () => {
    const r = await extractFile(pnpmLockExtractor, fixture("v5.4"));
    expect(summary(r)).toEqual([
      "@acme/private@1.0.0:29",
      "@babel/runtime@7.22.6:33",
      "@testing-library/react@13.4.0:40",
      "js-tokens@4.0.0:52",
      "loose-envify@1.4.0:55",
      "react-dom@18.2.0:61",
      "react@18.2.0:71",
      "regenerator-runtime@0.13.11:77",
      "scheduler@0.23.0:81",
      "string-width@4.2.3:87",
      "local-utils@0.1.0:92",
      "vendored@1.0.0:100",
      "is-number@7.0.0:106",
      "left-pad@1.3.0:113",
    ]);
    expect(byName(r, "react").hashes).toEqual([SRI]);
    // another registry: its tarball is where it comes from, but it is still a registry release
    const priv = byName(r, "@acme/private");
    expect(priv.resolved).toBe("https://npm.pkg.github.com/download/@acme/private/1.0.0/6f1d2f");
    expect(priv.unpinned).toBeUndefined();
    // a local directory package inside the project: pnpm locks its dependencies, so its manifest is covered
    expect(r.workspaceMembers).toEqual(["vendor/local-utils"]);
  });

  it("records requiresBuild (pnpm 5–8) as an install script", async () => {
    const r = await extract(`lockfileVersion: '6.0'
dependencies:
  esbuild:
    specifier: ^0.20.2
    version: 0.20.2
  ms:
    specifier: ^2.1.3
    version: 2.1.3
packages:
  /esbuild@0.20.2:
    resolution: {integrity: ${SRI}}
    requiresBuild: true
    dev: false
  /ms@2.1.3:
    resolution: {integrity: ${SRI}}
    dev: false
`);
    expect(byName(r, "esbuild").installScript).toBe(true);
    expect(byName(r, "ms").installScript).toBeUndefined();
  });

  it("takes scopes from dev/optional flags and direct from the top-level blocks", async () => {
    const r = await extractFile(pnpmLockExtractor, fixture("v5.4"));
    const scopes = Object.fromEntries(r.packages.map((p) => [p.name, `${p.direct}:${p.scopes?.join("+")}`]));
    expect(scopes).toEqual({
      "@acme/private": "true:prod",
      "@babel/runtime": "false:dev",
      "@testing-library/react": "true:dev",
      "js-tokens": "false:prod+dev", // no dev flag: used by both
      "loose-envify": "false:prod+dev",
      "react-dom": "true:prod",
      react: "true:prod+dev",
      "regenerator-runtime": "false:dev",
      scheduler: "false:prod",
      "string-width": "true:prod", // through the alias string-width-cjs
      "local-utils": "true:prod",
      vendored: "true:prod",
      "is-number": "true:prod",
      "left-pad": "true:prod",
    });
  });

  it("resolves edges through peer suffixes (`_peer@1`, hashed) to exact versions", async () => {
    const r = await extractFile(pnpmLockExtractor, fixture("v5.4"));
    expect(deps(byName(r, "@testing-library/react"))).toEqual([
      "@babel/runtime@7.22.6",
      "react-dom@18.2.0",
      "react@18.2.0",
    ]);
    expect(deps(byName(r, "react-dom"))).toEqual(["loose-envify@1.4.0", "react@18.2.0", "scheduler@0.23.0"]);
    expect(deps(byName(r, "local-utils"))).toEqual(["js-tokens@4.0.0"]);
  });

  it("reports git, GitHub tarball, directory and local tarball sources as unpinned", async () => {
    const r = await extractFile(pnpmLockExtractor, fixture("v5.4"));
    expect(byName(r, "left-pad").unpinned).toEqual({
      kind: "vcs",
      spec: "https://github.com/stevemao/left-pad.git#5d5c1a4a5e0ac4e07ff7cbd3ecbc6e9d5fc4ae9b",
    });
    expect(byName(r, "is-number")).toMatchObject({
      version: "7.0.0",
      unpinned: {
        kind: "vcs",
        spec: "https://codeload.github.com/jonschlinkert/is-number/tar.gz/98e8ff1da1a89f93d1397a24d7413ed15421c139",
      },
      resolved:
        "https://codeload.github.com/jonschlinkert/is-number/tar.gz/98e8ff1da1a89f93d1397a24d7413ed15421c139",
    });
    expect(byName(r, "local-utils").unpinned).toEqual({ kind: "path", spec: "vendor/local-utils" });
    expect(byName(r, "vendored").unpinned).toEqual({ kind: "path", spec: "file:vendor/vendored-1.0.0.tgz" });
    expect(byName(r, "vendored").hashes).toHaveLength(1);
  });

  it("reads importers (5.3): workspace members, links skipped, optional-only packages", async () => {
    const r = await extractFile(pnpmLockExtractor, fixture("v5.3-workspace"));
    expect(r.workspaceMembers).toEqual(["packages/app", "packages/utils"]);
    expect(r.packages.map((p) => `${p.name}@${p.version}:${p.direct}:${p.scopes?.join("+")}`)).toEqual([
      "chokidar@3.5.3:true:prod",
      "eslint-plugin-react@7.33.0:true:dev",
      "eslint@8.45.0:false:dev",
      "fsevents@2.3.3:false:optional",
      "ms@2.1.3:true:prod+dev",
      "typescript@5.1.6:true:dev",
    ]);
    expect(deps(byName(r, "chokidar"))).toEqual(["fsevents@2.3.3"]);
    expect(r.packages.some((p) => p.name === "@acme/utils")).toBe(false);
  });

  it("reads inline specifiers (5.4-inlineSpecifiers) and keys from another registry", async () => {
    const r = await extract(
      [
        "lockfileVersion: 5.4-inlineSpecifiers",
        "",
        "dependencies:",
        "  foo:",
        "    specifier: ^1.0.0",
        "    version: 1.0.0",
        "",
        "packages:",
        "",
        "  registry.example.com/foo/1.0.0:",
        `    resolution: {integrity: ${SRI}}`,
        "    dev: false",
        "",
        "  /@types/node/20.4.2:",
        `    resolution: {integrity: ${SRI}}`,
        "    dev: true",
        "",
      ].join("\n"),
    );
    expect(r.packages.map((p) => `${p.name}@${p.version}:${p.line}:${p.direct}`)).toEqual([
      "foo@1.0.0:10:true",
      "@types/node@20.4.2:14:false",
    ]);
  });
});

describe("lockfile 6.x", () => {
  it("reads `/name@version(peers)` keys, merging peer and patch variants", async () => {
    const r = await extractFile(pnpmLockExtractor, fixture("v6"));
    expect(summary(r)).toEqual([
      "@tanstack/query-core@4.29.0:39",
      "@tanstack/react-query@4.29.0:43",
      "js-tokens@4.0.0:58",
      "left-pad@1.3.0:62",
      "loose-envify@1.4.0:68",
      "react-dom@18.2.0:75",
      "react@18.2.0:85",
      "scheduler@0.23.0:92",
      "string-width@4.2.3:98",
      "use-sync-external-store@1.2.0:103",
      "local-utils@0.1.0:111",
      "is-number@7.0.0:119",
    ]);
    expect(deps(byName(r, "@tanstack/react-query"))).toEqual([
      "@tanstack/query-core@4.29.0",
      "react-dom@18.2.0",
      "react@18.2.0",
      "use-sync-external-store@1.2.0",
    ]);
  });

  it("marks importer dependencies direct with their scope; an alias names the real package", async () => {
    const r = await extractFile(pnpmLockExtractor, fixture("v6"));
    expect(byName(r, "left-pad")).toMatchObject({ direct: true, scopes: ["prod"] });
    expect(byName(r, "string-width")).toMatchObject({ direct: true, scopes: ["dev"] });
    expect(byName(r, "scheduler")).toMatchObject({ direct: false, scopes: ["prod"] });
    expect(byName(r, "is-number").unpinned?.kind).toBe("vcs");
    expect(byName(r, "local-utils").unpinned).toEqual({ kind: "path", spec: "vendor/local-utils" });
  });

  it("unions the edges of peer variants of one package", async () => {
    const r = await extract(
      [
        "lockfileVersion: '6.0'",
        "",
        "importers:",
        "  .:",
        "    dependencies:",
        "      a:",
        "        specifier: ^1.0.0",
        "        version: 1.0.0(react@17.0.2)",
        "  app:",
        "    dependencies:",
        "      a:",
        "        specifier: ^1.0.0",
        "        version: 1.0.0(react@18.2.0(scheduler@0.23.0))",
        "",
        "packages:",
        "",
        "  /a@1.0.0(react@17.0.2):",
        `    resolution: {integrity: ${SRI}}`,
        "    dependencies:",
        "      react: 17.0.2",
        "",
        "  /a@1.0.0(react@18.2.0(scheduler@0.23.0)):",
        `    resolution: {integrity: ${SRI}}`,
        "    dependencies:",
        "      react: 18.2.0(scheduler@0.23.0)",
        "",
        "  /react@17.0.2:",
        `    resolution: {integrity: ${SRI}}`,
        "",
        "  /react@18.2.0(scheduler@0.23.0):",
        `    resolution: {integrity: ${SRI}}`,
      ].join("\n"),
    );
    expect(summary(r)).toEqual(["a@1.0.0:17", "react@17.0.2:27", "react@18.2.0:30"]);
    expect(deps(byName(r, "a"))).toEqual(["react@17.0.2", "react@18.2.0"]);
    expect(byName(r, "a").direct).toBe(true);
    expect(r.workspaceMembers).toEqual(["app"]);
  });
});

describe("lockfile 9.x", () => {
  it("reads packages for resolutions and snapshots for edges", async () => {
    const r = await extractFile(pnpmLockExtractor, fixture("v9"));
    expect(summary(r)).toEqual([
      "@tanstack/query-core@5.28.0:57",
      "@tanstack/react-query@5.28.0:60",
      "fsevents@2.3.3:65",
      "is-number@7.0.0:70",
      "js-tokens@4.0.0:75",
      "left-pad@1.3.0:78",
      "local-utils@null:82",
      "loose-envify@1.4.0:85",
      "react@18.2.0:89",
      "string-width@4.2.3:93",
      "typescript@5.4.5:97",
    ]);
    expect(deps(byName(r, "@tanstack/react-query"))).toEqual(["@tanstack/query-core@5.28.0", "react@18.2.0"]);
    expect(deps(byName(r, "local-utils"))).toEqual(["js-tokens@4.0.0"]);
    expect(byName(r, "react").hashes).toEqual([SRI]);
  });

  it("marks what the importers declare direct, with scopes; leaves the rest unscoped", async () => {
    const r = await extractFile(pnpmLockExtractor, fixture("v9"));
    expect(r.packages.map((p) => `${p.name}:${p.direct}:${p.scopes?.join("+") ?? "-"}`)).toEqual([
      "@tanstack/query-core:false:-",
      "@tanstack/react-query:true:prod",
      "fsevents:true:optional",
      "is-number:true:prod",
      "js-tokens:false:-",
      "left-pad:true:prod",
      "local-utils:true:prod",
      "loose-envify:false:-",
      "react:true:prod", // a catalog: specifier
      "string-width:true:prod", // the alias `strings`
      "typescript:true:dev",
    ]);
    expect(r.workspaceMembers).toEqual(["packages/ui", "packages/utils", "vendor/local-utils"]);
  });

  it("reports git sources, tarballs and directories as unpinned", async () => {
    const r = await extractFile(pnpmLockExtractor, fixture("v9"));
    expect(byName(r, "left-pad").unpinned).toEqual({
      kind: "vcs",
      spec: "https://github.com/stevemao/left-pad.git#5d5c1a4a5e0ac4e07ff7cbd3ecbc6e9d5fc4ae9b",
    });
    expect(byName(r, "is-number")).toMatchObject({ version: "7.0.0", unpinned: { kind: "vcs" } });
    expect(byName(r, "local-utils").unpinned).toEqual({ kind: "path", spec: "vendor/local-utils" });
    const url = await extract(
      [
        "lockfileVersion: '9.0'",
        "importers:",
        "  .:",
        "    dependencies:",
        "      pkg:",
        "        specifier: https://example.com/pkg-1.2.0.tgz",
        "        version: https://example.com/pkg-1.2.0.tgz",
        "packages:",
        "  pkg@https://example.com/pkg-1.2.0.tgz:",
        `    resolution: {integrity: ${SRI}, tarball: https://example.com/pkg-1.2.0.tgz}`,
        "    version: 1.2.0",
        "snapshots:",
        "  pkg@https://example.com/pkg-1.2.0.tgz: {}",
      ].join("\n"),
    );
    expect(url.packages).toEqual([
      {
        name: "pkg",
        version: "1.2.0",
        line: 9,
        hashes: [SRI],
        resolved: "https://example.com/pkg-1.2.0.tgz",
        unpinned: { kind: "url", spec: "https://example.com/pkg-1.2.0.tgz" },
        direct: true,
        scopes: ["prod"],
      },
    ]);
  });

  it("merges patch and peer variants of a snapshot into one package", async () => {
    const r = await extract(
      [
        "lockfileVersion: '9.0'",
        "importers:",
        "  .:",
        "    dependencies:",
        "      b:",
        "        specifier: ^1.0.0",
        "        version: 1.0.0(patch_hash=abc123)(c@1.0.0)",
        "packages:",
        "  b@1.0.0:",
        `    resolution: {integrity: ${SRI}}`,
        "  c@1.0.0:",
        `    resolution: {integrity: ${SRI}}`,
        "  d@2.0.0:",
        `    resolution: {integrity: ${SRI}}`,
        "snapshots:",
        "  b@1.0.0(patch_hash=abc123)(c@1.0.0):",
        "    dependencies:",
        "      c: 1.0.0",
        "  b@1.0.0(patch_hash=abc123)(c@2.0.0):",
        "    optionalDependencies:",
        "      d: 2.0.0",
        "  c@1.0.0: {}",
        "  d@2.0.0:",
        "    optional: true",
      ].join("\n"),
    );
    expect(summary(r)).toEqual(["b@1.0.0:9", "c@1.0.0:11", "d@2.0.0:13"]);
    expect(deps(byName(r, "b"))).toEqual(["c@1.0.0", "d@2.0.0"]);
    expect(byName(r, "b").direct).toBe(true);
  });

  it("covers a local file: folder's manifest; its dependencies stay transitive (real pnpm 9 workspace)", async () => {
    const r = await extract(
      [
        "lockfileVersion: '9.0'",
        "importers:",
        "  .:",
        "    dependencies:",
        "      local-lib:",
        "        specifier: file:./local-lib",
        "        version: file:local-lib",
        "  packages/a:",
        "    dependencies:",
        "      '@proj/b':",
        "        specifier: ^1.0.0",
        "        version: link:../b",
        "  packages/b: {}",
        "packages:",
        "  is-number@7.0.0:",
        `    resolution: {integrity: ${SRI}}`,
        "    engines: {node: '>=0.12.0'}",
        "  local-lib@file:local-lib:",
        "    resolution: {directory: local-lib, type: directory}",
        "snapshots:",
        "  is-number@7.0.0: {}",
        "  local-lib@file:local-lib:",
        "    dependencies:",
        "      is-number: 7.0.0",
      ].join("\n"),
    );
    expect(r.workspaceMembers).toEqual(["local-lib", "packages/a", "packages/b"]);
    expect(byName(r, "local-lib")).toMatchObject({
      version: null,
      direct: true,
      unpinned: { kind: "path", spec: "local-lib" },
    });
    expect(deps(byName(r, "local-lib"))).toEqual(["is-number@7.0.0"]);
    expect(byName(r, "is-number").direct).toBe(false);
  });

  it("reads the project's document after pnpm's own env document", async () => {
    const r = await extractFile(pnpmLockExtractor, fixture("v9-env"));
    expect(r.packages).toEqual([
      { name: "ms", version: "2.1.3", line: 49, hashes: [SRI], direct: true, scopes: ["prod"] },
    ]);
    // only the env document: no project dependencies
    const envOnly = await extract(
      "---\nlockfileVersion: '9.0'\nimporters:\n  .:\n    configDependencies: {}\n---\n",
    );
    expect(envOnly.packages).toEqual([]);
  });

  it("skips first-party packages: links, injected workspace packages, runtimes", async () => {
    const r = await extract(
      [
        "lockfileVersion: '9.0'",
        "importers:",
        "  .:",
        "    dependencies:",
        "      '@acme/shared':",
        "        specifier: workspace:*",
        "        version: file:packages/shared",
        "    devDependencies:",
        "      node:",
        "        specifier: runtime:22.0.0",
        "        version: runtime:22.0.0",
        "  packages/shared: {}",
        "packages:",
        "  '@acme/shared@file:packages/shared':",
        "    resolution: {directory: packages/shared, type: directory}",
        "  '@acme/linked@link:packages/linked':",
        "    resolution: {directory: packages/linked, type: directory}",
        "  node@runtime:22.0.0:",
        "    hasBin: true",
        "    resolution:",
        "      type: variations",
        "      variants: []",
        "snapshots:",
        "  '@acme/shared@file:packages/shared': {}",
        "  node@runtime:22.0.0: {}",
      ].join("\n"),
    );
    expect(r.packages).toEqual([]);
    expect(r.workspaceMembers).toEqual(["packages/linked", "packages/shared"]);
    expect(r.warnings).toEqual([
      'packages["node@runtime:22.0.0"]: a runtime (Node.js, Bun, Deno) pnpm installs, not an npm package: skipped',
    ]);
  });

  it("keeps lines right with CRLF and quoted keys", async () => {
    const text = [
      "lockfileVersion: '9.0'",
      "",
      "packages:",
      "",
      "  '@s/a@1.0.0':",
      `    resolution: {integrity: ${SRI}}`,
      "",
      '  "b@2.0.0":',
      `    resolution: {integrity: ${SRI}}`,
      "",
      "snapshots:",
      "",
      "  '@s/a@1.0.0':",
      "    dependencies:",
      "      b: 2.0.0",
      "",
      "  b@2.0.0: {}",
      "",
    ].join("\r\n");
    const r = await extract(text);
    expect(summary(r)).toEqual(["@s/a@1.0.0:5", "b@2.0.0:8"]);
    expect(deps(byName(r, "@s/a"))).toEqual(["b@2.0.0"]);
    // no importers: the file does not say what is direct
    expect(byName(r, "b").direct).toBeUndefined();
  });
});

describe("pnpm-lock.yaml errors", () => {
  it("rejects an empty file, a non-mapping and a missing version", async () => {
    expect((await failure("\n\n")).message).toBe(
      "pnpm-lock.yaml: empty file; expected a pnpm lockfile (a YAML mapping with `lockfileVersion`)",
    );
    expect((await failure("- a\n- b\n")).message).toBe(
      "pnpm-lock.yaml: not a pnpm lockfile: expected a YAML mapping with `lockfileVersion`, got an array",
    );
    expect((await failure("just text\n")).message).toBe(
      "pnpm-lock.yaml: not a pnpm lockfile: expected a YAML mapping with `lockfileVersion`, got a string",
    );
    expect((await failure("packages: {}\n")).message).toBe(
      "pnpm-lock.yaml: not a pnpm lockfile: missing `lockfileVersion`",
    );
  });

  it("rejects a lockfile version it does not know, at its line", async () => {
    expect((await failure("\nlockfileVersion: '7.0'\n")).message).toBe(
      "pnpm-lock.yaml:2: unsupported pnpm lockfileVersion 7.0: expected 5.x, 6.x or 9.x",
    );
    expect((await failure("lockfileVersion: 4\n")).message).toBe(
      "pnpm-lock.yaml:1: unsupported pnpm lockfileVersion 4: expected 5.x, 6.x or 9.x",
    );
  });

  it("reports YAML errors (a truncated file) with their position", async () => {
    const e = await failure("lockfileVersion: '9.0'\n\npackages:\n\n  'ms@2.1.3:\n    resolution: {integ");
    expect(e.message).toMatch(/^pnpm-lock\.yaml:\d+:\d+: invalid YAML: /);
    expect(e.position?.line).toBeGreaterThanOrEqual(5);
  });

  it("rejects entries of the wrong type, at the entry's line", async () => {
    const e = await failure(
      "lockfileVersion: '9.0'\n\npackages:\n\n  ms@2.1.3:\n    resolution: sha512-abc\n",
    );
    expect(e.message).toBe(
      'pnpm-lock.yaml:5: not a valid pnpm lockfile: packages["ms@2.1.3"].resolution: Invalid input: expected object, received string',
    );
    const deps = await failure(
      "lockfileVersion: '6.0'\n\npackages:\n\n  /a@1.0.0:\n    resolution: {integrity: x}\n    dependencies: [b]\n",
    );
    expect(deps.message).toMatch(
      /^pnpm-lock\.yaml:5: not a valid pnpm lockfile: packages\["\/a@1\.0\.0"\]\.dependencies: /,
    );
    const importers = await failure("lockfileVersion: '9.0'\nimporters: [a]\n");
    expect(importers.message).toMatch(/^pnpm-lock\.yaml: not a valid pnpm lockfile: lockfile\.importers: /);
  });

  it("rejects another format under the name", async () => {
    const yarn = await failure('# yarn lockfile v1\n\n\nms@^2.1.3:\n  version "2.1.3"\n');
    expect(yarn.message).toBe("pnpm-lock.yaml: not a pnpm lockfile: missing `lockfileVersion`");
    const berry = await failure('__metadata:\n  version: 8\n\n"ms@npm:^2.1.3":\n  version: 2.1.3\n');
    expect(berry.message).toBe("pnpm-lock.yaml: not a pnpm lockfile: missing `lockfileVersion`");
    const json = await failure('{"name": "x", "lockfileVersion": 3, "packages": {}}');
    expect(json.message).toBe("pnpm-lock.yaml: unsupported pnpm lockfileVersion 3: expected 5.x, 6.x or 9.x");
  });

  it("warns about keys it cannot read and importer entries missing from packages", async () => {
    const r = await extract(
      [
        "lockfileVersion: 5.3",
        "dependencies:",
        "  '@typescript-eslint/types': 5.13.0",
        "packages:",
        "  github.com/kevva/is-positive:",
        `    resolution: {integrity: ${SRI}}`,
      ].join("\n"),
    );
    expect(r.packages).toEqual([
      { name: "@typescript-eslint/types", version: "5.13.0", direct: true, scopes: ["prod"] },
    ]);
    expect(r.warnings).toEqual([
      'packages["github.com/kevva/is-positive"]: cannot tell the package name and version from this key: skipped',
      'importers["."].dependencies.@typescript-eslint/types: 5.13.0 is not in `packages`',
    ]);
  });
});
