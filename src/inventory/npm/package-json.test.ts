import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../errors.js";
import { extractFile, extractText } from "../../test-helpers/extract.js";
import { readTextFile } from "../text.js";
import { expandWorkspaces, memberKeyLines, packageJsonExtractor } from "./package-json.js";

const FIXTURES = join(import.meta.dirname, "__fixtures__", "package-json");
const fixture = (dir: string) => extractFile(packageJsonExtractor, join(FIXTURES, dir, "package.json"));
const manifest = (text: string) => extractText(packageJsonExtractor, "package.json", text);

async function inputError(run: Promise<unknown>): Promise<InputError> {
  const e = await run.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(InputError);
  return e as InputError;
}

describe("packageJsonExtractor", () => {
  it("matches package.json only", () => {
    expect(packageJsonExtractor.matchFile("package.json", "/p/package.json")).toBe(true);
    expect(packageJsonExtractor.matchFile("package-lock.json", "/p/package-lock.json")).toBe(false);
    expect(packageJsonExtractor.matchFile("composer.json", "/p/composer.json")).toBe(false);
  });

  it("classifies every kind of spec, with the line of its key", async () => {
    const r = await fixture("app");
    const rows = r.packages.map(
      (p) =>
        `${p.line} ${p.name} ${p.version} ${p.scopes?.join("+")} ${p.unpinned ? `${p.unpinned.kind}:${p.unpinned.spec}` : "-"}`,
    );
    expect(rows).toEqual([
      "11 react-dom null prod range:^18.3.1",
      "12 lodash null prod range:~4.17.21",
      "13 express null prod range:>=4.18.0 <5",
      "14 next null prod range:canary",
      "15 left-pad null prod any:*",
      "16 is-odd null prod any:",
      "17 string-width null prod range:npm:string-width@^4.2.0",
      "18 @acme/pinned 1.2.3 prod -",
      "19 my-fork null prod vcs:acme/my-fork#v2",
      "20 gh-lib null prod vcs:github:acme/gh-lib#semver:^1.0.0",
      "21 git-lib null prod vcs:git+https://github.com/acme/git-lib.git#0123456789abcdef0123456789abcdef01234567",
      "22 tarball-lib null prod url:https://downloads.example.com/tarball-lib-1.0.0.tgz",
      "23 local-lib null prod path:file:../libs/local-lib",
      "24 linked-lib null prod path:link:../libs/linked-lib",
      "26 @jsr/std__path null prod range:jsr:@std/path@^1.0.0",
      "29 typescript 5.4.5 dev -",
      "30 vitest null dev range:^1.6.0",
      "31 react 18.2.0 prod+dev+peer -",
      "34 fsevents 2.3.3 optional -",
      "38 @types/react null optional+peer range:^18.0.0",
      "39 styled-components null peer range:>=5",
    ]);
    expect(r.packages.every((p) => p.direct === true)).toBe(true);
    expect(r.packages.find((p) => p.name === "tarball-lib")?.resolved).toBe(
      "https://downloads.example.com/tarball-lib-1.0.0.tgz",
    );
    expect(r.workspaceMembers).toBeUndefined();
    expect(r.warnings).toBeUndefined();
  });

  it("lets optionalDependencies replace the same name in dependencies", async () => {
    const r = await manifest(
      JSON.stringify(
        { dependencies: { fsevents: "^2.0.0", a: "1.0.0" }, optionalDependencies: { fsevents: "2.3.3" } },
        null,
        2,
      ),
    );
    expect(r.packages).toEqual([
      { name: "a", version: "1.0.0", direct: true, scopes: ["prod"], line: 4 },
      { name: "fsevents", version: "2.3.3", direct: true, scopes: ["optional"], line: 7 },
    ]);
  });

  it("reports an exact version as pinned: with or without v or =", async () => {
    const r = await manifest(
      JSON.stringify({ dependencies: { a: "v1.2.3", b: "=2.0.0-rc.1", c: "1.2" } }, null, 2),
    );
    expect(r.packages.map((p) => [p.name, p.version, p.unpinned?.kind, p.line])).toEqual([
      ["a", "1.2.3", undefined, 3],
      ["b", "2.0.0-rc.1", undefined, 4],
      ["c", null, "range", 5],
    ]);
  });

  it("reads Yarn Berry's npm:-protocol ranges under the declared name", async () => {
    const r = await manifest(
      JSON.stringify({ dependencies: { rollup: "npm:^4.20.0", ms: "npm:2.1.3" } }, null, 2),
    );
    expect(r.packages.map((p) => [p.name, p.version, p.unpinned])).toEqual([
      ["rollup", null, { kind: "range", spec: "npm:^4.20.0" }],
      ["ms", "2.1.3", undefined],
    ]);
  });

  it("finds the key lines in nested and escaped text, last duplicate winning", async () => {
    const text = [
      "{",
      '  "name": "x",',
      '  "config": { "dependencies": { "not-this": "1.0.0" } },',
      '  "dependencies": {',
      '    "a\\u002db": "^1.0.0",',
      '    "c": "1.0.0", "d": "2.0.0",',
      '    "c": "3.0.0"',
      "  }",
      "}",
    ].join("\n");
    const r = await manifest(text);
    expect(r.packages.map((p) => `${p.line} ${p.name}@${p.version}`)).toEqual([
      "5 a-b@null",
      "6 d@2.0.0",
      "7 c@3.0.0",
    ]);
  });

  it("reads an empty manifest and null sections", async () => {
    expect(await manifest('{"name": "x"}')).toEqual({ packages: [] });
    expect(await manifest('{"dependencies": null, "devDependencies": {}}')).toEqual({ packages: [] });
  });
});

describe("workspaces", () => {
  it("returns the globs as written and skips the repository's own workspace packages", async () => {
    const r = await fixture("monorepo");
    expect(r.workspaceMembers).toEqual(["packages/*", "!packages/legacy"]);
    // @acme/web (*) names a workspace and @acme/core uses the workspace: protocol: both first party
    expect(r.packages.map((p) => p.name)).toEqual(["eslint"]);
  });

  it("skips sibling workspaces from a member manifest (found through the root's workspaces)", async () => {
    const r = await fixture("monorepo/packages/web");
    expect(r.packages.map((p) => `${p.name} ${p.line}`)).toEqual(["react 6"]);
  });

  it("skips the repository's workspace packages from a manifest outside the globs too, unless from git", async () => {
    const r = await fixture("monorepo/tools/not-a-workspace");
    expect(r.packages.map((p) => `${p.name} ${p.line} ${p.unpinned?.kind}`)).toEqual([
      "@acme/web 5 vcs",
      "left-pad 6 range",
    ]);
  });

  it("reads yarn's {packages: [...]} form", async () => {
    const r = await fixture("yarn-workspaces");
    expect(r.workspaceMembers).toEqual(["packages/*"]);
    expect(r.packages.map((p) => p.name)).toEqual(["lerna"]); // lib is a workspace
  });

  it("expands workspace globs to member directories and names", async () => {
    const read = (p: string) => readTextFile(p, p);
    expect(await expandWorkspaces(join(FIXTURES, "monorepo"), ["packages/*", "!packages/web"], read)).toEqual(
      [{ dir: "packages/core", name: "@acme/core" }],
    );
    expect(await expandWorkspaces(join(FIXTURES, "monorepo"), ["**"], read)).toEqual([
      { dir: "packages/core", name: "@acme/core" },
      { dir: "packages/web", name: "@acme/web" },
      { dir: "tools/not-a-workspace", name: "not-a-workspace" },
    ]);
    expect(await expandWorkspaces(join(FIXTURES, "monorepo"), ["./tools/not-a-workspace/"], read)).toEqual([
      { dir: "tools/not-a-workspace", name: "not-a-workspace" },
    ]);
  });
});

describe("memberKeyLines", () => {
  it("records the lines of second-level keys of the named sections and of top-level keys", () => {
    const lines = memberKeyLines(
      '{\n "a": {\n  "x": 1,\n  "y": {"z": 2}\n },\n "b": {"w": 3}\n}',
      new Set(["a"]),
    );
    expect(lines.get("a")).toEqual(
      new Map([
        ["x", 3],
        ["y", 4],
      ]),
    );
    expect(lines.get("b")).toBeUndefined();
    expect(lines.get("")).toEqual(
      new Map([
        ["a", 2],
        ["b", 6],
      ]),
    );
  });
});

describe("bad input", () => {
  it("rejects an empty or truncated file", async () => {
    expect((await inputError(manifest(""))).message).toMatch(/^package\.json:1:1: invalid JSON: /);
    expect((await inputError(manifest('{\n  "dependencies": {\n    "a": "1'))).message).toMatch(
      /^package\.json:3:\d+: invalid JSON: /,
    );
  });

  it("rejects JSON that is not an object", async () => {
    const e = await inputError(manifest('"react"'));
    expect(e.message).toBe(
      'package.json: not a package.json: expected a JSON object, found a string ("react")',
    );
  });

  it("rejects a dependencies section that is not an object, at its line", async () => {
    const e = await inputError(manifest('{\n  "name": "x",\n  "dependencies": ["react"]\n}'));
    expect(e.message).toBe(
      "package.json:3: not a valid package.json: dependencies: expected an object of name: version, found an array",
    );
  });

  it("rejects a dependency whose spec is not a string, at its line", async () => {
    const e = await inputError(manifest('{\n  "devDependencies": {\n    "a": "1.0.0",\n    "b": 2\n  }\n}'));
    expect(e.message).toBe(
      "package.json:4: not a valid package.json: devDependencies.b: expected a version string, found a number (2)",
    );
  });

  it("rejects wrong-typed bundleDependencies, peerDependenciesMeta and workspaces", async () => {
    const bundle = await inputError(manifest('{"bundleDependencies": "a"}'));
    expect(bundle.detail).toBe(
      'not a valid package.json: bundleDependencies: expected an array of package names or true, found a string ("a")',
    );
    const meta = await inputError(manifest('{"peerDependenciesMeta": {"a": {"optional": "yes"}}}'));
    expect(meta.detail).toBe(
      'not a valid package.json: peerDependenciesMeta.a.optional: expected true or false, found a string ("yes")',
    );
    const ws = await inputError(manifest('{"workspaces": "packages/*"}'));
    expect(ws.detail).toBe(
      'not a valid package.json: workspaces: expected an array of globs or {packages: [globs]}, found a string ("packages/*")',
    );
  });
});

describe("self-reference", () => {
  it("a package depending on itself (file:.) is first party, not a component", async () => {
    const r = await extractText(
      packageJsonExtractor,
      "package.json",
      JSON.stringify({ name: "tool", devDependencies: { tool: "file:.", vitest: "^4.0.0" } }),
    );
    expect(r.packages.map((p) => p.name)).toEqual(["vitest"]);
  });
});
