import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractError, extractFile, extractText, findPackage } from "../../test-helpers/extract.js";
import { pylockExtractor as extractor, parseMarker } from "./pylock.js";

const fixture = (v: string) => join(import.meta.dirname, "__fixtures__", "pylock", v, "pylock.toml");
const hex = (alg: string, start: string) =>
  expect.stringMatching(new RegExp(`^${alg}:${start}[0-9a-f]{${64 - start.length}}$`));

const find = findPackage;

const errorOf = (text: string) => extractError(extractor, "pylock.toml", text);

describe("pylock.toml matchFile", () => {
  it("matches pylock.toml and pylock.<name>.toml, lower case, with a name without dots", () => {
    const m = (n: string) => extractor.matchFile(n, `/x/${n}`);
    expect(m("pylock.toml")).toBe(true);
    expect(m("pylock.dev.toml")).toBe(true);
    expect(m("pylock.a.b.toml")).toBe(false);
    expect(m("pylock..toml")).toBe(false);
    expect(m("Pylock.toml")).toBe(false);
    expect(m("pylock.json")).toBe(false);
  });
});

describe("pylock.toml multi-use lock (extras, dependency groups, every source kind)", () => {
  it("reads every package but the project itself, at its [[packages]] line", async () => {
    const r = await extractFile(extractor, fixture("multi-use"));
    expect(r.packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      "attrs@25.1.0",
      "cattrs@24.1.2",
      "cryptography@44.0.0",
      "exceptiongroup@1.2.2",
      "furo@2024.8.6",
      "helpers@null",
      "numpy@2.0.2",
      "numpy@2.2.3",
      "pandas@2.2.3",
      "pytest@8.3.4",
      "sdk@1.4.0",
      "toolkit@null",
      "torch@2.5.1+cpu",
    ]);
    const lines = readFileSync(fixture("multi-use"), "utf8").split("\n");
    for (const p of r.packages) expect(lines[p.line! - 1], p.name).toBe("[[packages]]");
    expect(r.packages.every((p) => p.direct === undefined)).toBe(true);
  });

  it("reads scopes from markers: default groups → prod, other groups → dev, extras → optional", async () => {
    const r = await extractFile(extractor, fixture("multi-use"));
    expect(r.packages.map((p) => [p.name, p.scopes])).toEqual([
      ["attrs", ["prod"]],
      ["cattrs", ["prod"]],
      ["cryptography", ["optional"]],
      ["exceptiongroup", ["prod"]], // an environment marker only
      ["furo", ["dev"]],
      ["helpers", ["prod"]], // in the default group or dev
      ["numpy", ["prod"]],
      ["numpy", ["prod"]],
      ["pandas", ["prod"]],
      ["pytest", ["dev"]],
      ["sdk", ["prod"]],
      ["toolkit", ["dev", "optional"]], // needs an extra and a group
      ["torch", ["prod"]],
    ]);
    expect(find(r, "pytest").markers).toBe("'dev' in dependency_groups and sys_platform == 'linux'");
  });

  it("records the hashes of every file, every algorithm", async () => {
    const r = await extractFile(extractor, fixture("multi-use"));
    expect(find(r, "attrs")).toEqual({
      name: "attrs",
      version: "25.1.0",
      line: 9,
      scopes: ["prod"],
      hashes: [hex("sha256", "6d4c1a"), hex("blake2b", "d2b1d4"), hex("sha256", "5e4b9e")],
    });
  });

  it("resolves dependencies by name, narrowed by version", async () => {
    const r = await extractFile(extractor, fixture("multi-use"));
    expect(find(r, "cattrs").dependencies).toEqual([
      { name: "attrs", version: "25.1.0" },
      { name: "exceptiongroup", version: "1.2.2" },
    ]);
    expect(find(r, "pandas").dependencies).toEqual([
      { name: "numpy", version: "2.0.2" },
      { name: "numpy", version: "2.2.3" },
    ]);
  });

  it("reads vcs, directory, archive and index sources", async () => {
    const r = await extractFile(extractor, fixture("multi-use"));
    expect(find(r, "toolkit").unpinned).toEqual({
      kind: "vcs",
      spec: "git+https://github.com/example/toolkit.git@8a3f0c2d9e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39#subdirectory=python",
    });
    expect(find(r, "helpers").unpinned).toEqual({ kind: "editable", spec: "libs/helpers" });
    const url = "https://downloads.example.com/sdk/sdk-1.4.0.tar.gz";
    expect(find(r, "sdk")).toMatchObject({ resolved: url, unpinned: { kind: "url", spec: url } });
    expect(find(r, "torch").resolved).toBe("https://download.pytorch.org/whl/cpu");
    expect(find(r, "attrs").resolved).toBeUndefined(); // PyPI itself
  });
});

describe("pylock.toml from pip (array-of-tables wheels, no groups)", () => {
  it("is not confused by [[packages.wheels]] headers and leaves scopes to the pipeline", async () => {
    const r = await extractFile(extractor, fixture("pip"));
    expect(r.packages.map((p) => [p.name, p.version, p.line, p.scopes])).toEqual([
      ["annotated-types", "0.7.0", 4, undefined],
      ["pydantic", "2.10.6", 15, undefined],
      ["typing-extensions", "4.12.2", 26, undefined],
    ]);
    expect(find(r, "pydantic").hashes).toEqual([hex("sha256", "05fd65")]);
  });
});

describe("pylock.toml corner cases", () => {
  it("finds the lines of an inline packages array, and skips the project itself", async () => {
    const r = await extractText(
      extractor,
      "pylock.toml",
      `lock-version = "1.0"
created-by = "pip"
packages = [
  { name = "site", directory = { path = ".", editable = true } },
  { name = "six", version = "1.17.0", wheels = [
    { url = "https://files.pythonhosted.org/six-1.17.0-py2.py3-none-any.whl", hashes = { sha256 = "ab" } },
  ] },
  { name = "wheel-only", wheels = [{ name = "wheel_only-2.1-py3-none-any.whl", path = "dist/wheel_only-2.1-py3-none-any.whl", hashes = { sha256 = "cd" } }] },
]
`,
    );
    expect(r.packages).toEqual([
      { name: "six", version: "1.17.0", line: 5, hashes: ["sha256:ab"] },
      // No version: read from the wheel's file name; a wheel given by path only is a local file.
      {
        name: "wheel-only",
        version: "2.1",
        line: 8,
        hashes: ["sha256:cd"],
        unpinned: { kind: "path", spec: "dist/wheel_only-2.1-py3-none-any.whl" },
      },
    ]);
  });

  it("reads older extra markers, negations and markers it cannot parse", async () => {
    const r = await extractText(
      extractor,
      "pylock.toml",
      `lock-version = "1.1"
created-by = "x"
default-groups = ["main"]

[[packages]]
name = "a"
version = "1"
marker = "extra == 'cli'"

[[packages]]
name = "b"
version = "1"
marker = "'test' not in dependency_groups"

[[packages]]
name = "c"
version = "1"
marker = "python_version >= '3.9' and ('main' in dependency_groups or 'lint' in dependency_groups)"

[[packages]]
name = "d"
version = "1"
marker = "'lint' in dependency_groups and 'main' not in dependency_groups"

[[packages]]
name = "e"
version = "1"
marker = "python_version >>> '3'"
`,
    );
    expect(r.packages.map((p) => [p.name, p.scopes])).toEqual([
      ["a", ["optional"]],
      ["b", ["prod"]],
      ["c", ["prod"]],
      ["d", ["dev"]],
      ["e", ["prod"]],
    ]);
  });

  it("reads a lock with no packages", async () => {
    expect(await extractText(extractor, "pylock.toml", 'lock-version = "1.0"\npackages = []\n')).toEqual({
      packages: [],
    });
  });
});

describe("parseMarker", () => {
  it("parses PEP 508 markers with precedence and parentheses", () => {
    expect(parseMarker("'a' in extras or 'b' in extras and python_version < '3'")).toEqual({
      op: "or",
      left: { op: "compare", left: { literal: "a" }, cmp: "in", right: { variable: "extras" } },
      right: {
        op: "and",
        left: { op: "compare", left: { literal: "b" }, cmp: "in", right: { variable: "extras" } },
        right: { op: "compare", left: { variable: "python_version" }, cmp: "<", right: { literal: "3" } },
      },
    });
    expect(parseMarker("('dev' not in dependency_groups)")).toEqual({
      op: "compare",
      left: { literal: "dev" },
      cmp: "not in",
      right: { variable: "dependency_groups" },
    });
  });

  it("rejects what is not a marker", () => {
    for (const bad of ["", "python_version", "(a == 'b'", "a == 'b' or", "a = 'b'", "'x' in"]) {
      expect(parseMarker(bad), bad).toBeNull();
    }
  });
});

describe("pylock.toml errors", () => {
  it("rejects an empty file and another format under the name", async () => {
    expect((await errorOf("")).message).toBe(
      'pylock.toml: not a pylock.toml: no lock-version (expected lock-version = "1.0")',
    );
    const uv = 'version = 1\n\n[[package]]\nname = "a"\nversion = "1"\n';
    expect((await errorOf(uv)).message).toMatch(/^pylock\.toml: not a pylock\.toml: no lock-version/);
  });

  it("rejects a major version it does not know, at its line", async () => {
    const e = await errorOf('created-by = "x"\nlock-version = "2.0"\npackages = []\n');
    expect(e.message).toBe(
      'pylock.toml:2: unsupported pylock.toml lock-version "2.0" (this reader knows major version 1)',
    );
    expect((await errorOf("lock-version = 1\npackages = []\n")).message).toMatch(
      /unsupported .* lock-version 1 /,
    );
  });

  it("reports a truncated file with the parser's position", async () => {
    const text = readFileSync(fixture("multi-use"), "utf8");
    const e = await errorOf(text.slice(0, text.indexOf('{name = "attrs"},') + 8));
    expect(e.message).toMatch(/^pylock\.toml:\d+:\d+: invalid TOML: /);
  });

  it("names the field and the entry's line when the shape is wrong", async () => {
    const missing = await errorOf('lock-version = "1.0"\n');
    expect(missing.message).toMatch(/^pylock\.toml: not a valid pylock\.toml: packages: /);
    const hashes = await errorOf(
      'lock-version = "1.0"\n\n[[packages]]\nname = "a"\nversion = "1"\nsdist = {url = "u", hashes = "x"}\n',
    );
    expect(hashes.message).toMatch(
      /^pylock\.toml:3: not a valid pylock\.toml: packages\[0\]\.sdist\.hashes: /,
    );
    const vcs = await errorOf(
      'lock-version = "1.0"\n[[packages]]\nname = "a"\nvcs = {type = "git", url = "u"}\n',
    );
    expect(vcs.message).toMatch(/^pylock\.toml:2: not a valid pylock\.toml: packages\[0\]\.vcs\.commit-id: /);
  });
});
