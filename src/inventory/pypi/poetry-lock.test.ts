import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractError, extractFile, extractText, findPackage } from "../../test-helpers/extract.js";
import type { ExtractResult } from "../model.js";
import { poetryLockExtractor as extractor } from "./poetry-lock.js";

const fixture = (v: string) => join(import.meta.dirname, "__fixtures__", "poetry-lock", v, "poetry.lock");
const sha = (hex: string) => expect.stringMatching(new RegExp(`^sha256:${hex}[0-9a-f]{${64 - hex.length}}$`));

const find = findPackage;

const errorOf = (text: string) => extractError(extractor, "poetry.lock", text);

/** Every reported line is the line of a `[[package]]` header. */
function expectHeaderLines(path: string, result: ExtractResult): void {
  const lines = readFileSync(path, "utf8").split("\n");
  for (const p of result.packages) expect(lines[p.line! - 1], p.name).toBe("[[package]]");
}

describe("poetry.lock matchFile", () => {
  it("matches poetry.lock only", () => {
    expect(extractor.matchFile("poetry.lock", "/x/poetry.lock")).toBe(true);
    expect(extractor.matchFile("Poetry.lock", "/x/Poetry.lock")).toBe(false);
    expect(extractor.matchFile("pyproject.toml", "/x/pyproject.toml")).toBe(false);
  });
});

describe("poetry.lock lock-version 1.1 (category, [metadata.files])", () => {
  it("reads every package with its line, category scope and the hashes of metadata.files", async () => {
    const r = await extractFile(extractor, fixture("v1.1"));
    expect(r.packages).toHaveLength(18);
    expectHeaderLines(fixture("v1.1"), r);
    expect(find(r, "certifi")).toEqual({
      name: "certifi",
      version: "2021.10.8",
      line: 1,
      scopes: ["prod"],
      hashes: [sha("123be5"), sha("5e1e6c")],
    });
    expect(find(r, "colorama").scopes).toEqual(["dev"]);
    expect(find(r, "pytest")).toMatchObject({ line: 95, scopes: ["dev"] });
    // Poetry's "optional" (only for an extra of the project) replaces prod.
    expect(find(r, "pysocks").scopes).toEqual(["optional"]);
    expect(find(r, "pysocks").hashes).toHaveLength(3);
    expect(r.packages.every((p) => p.direct === undefined)).toBe(true);
  });

  it("keeps a name locked at two versions, each with its own files", async () => {
    const r = await extractFile(extractor, fixture("v1.1"));
    expect(find(r, "numpy", "1.21.6")).toMatchObject({ line: 52, hashes: [sha("b0d895"), sha("ec2069")] });
    expect(find(r, "numpy", "1.22.3")).toMatchObject({ line: 60, hashes: [sha("499522"), sha("b81d57")] });
    // Ranges that do not pin one of the versions: an edge to each candidate.
    expect(find(r, "pandas").dependencies).toEqual([
      { name: "numpy", version: "1.21.6" },
      { name: "numpy", version: "1.22.3" },
      { name: "python-dateutil", version: "2.8.2" },
      { name: "pytz", version: "2022.1" },
    ]);
  });

  it("resolves edges from strings and tables, optional ones included, by normalised name", async () => {
    const r = await extractFile(extractor, fixture("v1.1"));
    expect(find(r, "requests").dependencies).toEqual([
      { name: "certifi", version: "2021.10.8" },
      { name: "charset-normalizer", version: "2.0.12" },
      { name: "idna", version: "3.3" },
      { name: "PySocks", version: "1.7.1" },
      { name: "urllib3", version: "1.26.9" },
    ]);
    expect(find(r, "pytest").dependencies).toEqual([{ name: "colorama", version: "0.4.4" }]);
  });

  it("reads [package.source]: git, directory (develop), legacy index", async () => {
    const r = await extractFile(extractor, fixture("v1.1"));
    expect(find(r, "toolz")).toMatchObject({
      version: "0.11.2",
      unpinned: {
        kind: "vcs",
        spec: "git+https://github.com/pytoolz/toolz.git@294e981edad035a7ac6f0e2b48f1738368fa4b34",
      },
    });
    expect(find(r, "toolz").hashes).toBeUndefined();
    expect(find(r, "mylib")).toMatchObject({
      unpinned: { kind: "editable", spec: "../mylib" },
      dependencies: [{ name: "requests", version: "2.27.1" }],
    });
    const sdk = find(r, "internal-sdk");
    expect(sdk.resolved).toBe("https://pypi.example.com/simple");
    expect(sdk.unpinned).toBeUndefined();
    expect(sdk.hashes).toEqual([sha("54f83d")]);
  });

  it("finds the files of a dotted name under its quoted key", async () => {
    const r = await extractFile(extractor, fixture("v1.1"));
    expect(find(r, "zope.interface").hashes).toEqual([sha("c99de4"), sha("baeaef")]);
  });
});

describe("poetry.lock lock-version 2.0 (Poetry 1.5–1.8: files inline, no category)", () => {
  it("reads inline files and leaves scopes to the pipeline", async () => {
    const r = await extractFile(extractor, fixture("v2.0"));
    expect(r.packages.map((p) => p.name)).toEqual([
      "anyio",
      "exceptiongroup",
      "idna",
      "localwheel",
      "sniffio",
      "starlette",
      "typing-extensions",
    ]);
    expectHeaderLines(fixture("v2.0"), r);
    expect(find(r, "anyio")).toEqual({
      name: "anyio",
      version: "4.4.0",
      line: 3,
      hashes: [sha("600caf"), sha("82cd46")],
      dependencies: [
        { name: "exceptiongroup", version: "1.2.1" },
        { name: "idna", version: "3.7" },
        { name: "sniffio", version: "1.3.1" },
        { name: "typing-extensions", version: "4.12.2" },
      ],
    });
    expect(r.packages.every((p) => p.scopes === undefined)).toBe(true);
  });

  it("reads url and file sources and dependency sub-tables", async () => {
    const r = await extractFile(extractor, fixture("v2.0"));
    const url = "https://github.com/encode/starlette/archive/refs/tags/0.37.2.tar.gz";
    expect(find(r, "starlette")).toMatchObject({
      line: 74,
      resolved: url,
      unpinned: { kind: "url", spec: url },
      dependencies: [
        { name: "anyio", version: "4.4.0" },
        { name: "typing-extensions", version: "4.12.2" },
      ],
    });
    expect(find(r, "localwheel")).toMatchObject({
      unpinned: { kind: "path", spec: "vendor/localwheel-0.1.0-py3-none-any.whl" },
      hashes: [sha("41bbd2")],
    });
  });
});

describe("poetry.lock lock-version 2.1 (Poetry 2: groups, markers)", () => {
  it("maps groups to scopes and optional to optional", async () => {
    const r = await extractFile(extractor, fixture("v2.1"));
    expectHeaderLines(fixture("v2.1"), r);
    expect(r.packages.map((p) => [p.name, p.line, p.scopes])).toEqual([
      ["click", 3, ["prod", "dev"]],
      ["colorama", 18, ["prod", "dev"]],
      ["iniconfig", 31, ["dev"]],
      ["pytest", 43, ["dev"]],
      ["tomli", 60, ["prod", "dev"]],
      ["uvloop", 73, ["optional"]],
    ]);
  });

  it("keeps a marker string, and joins per-group markers with or", async () => {
    const r = await extractFile(extractor, fixture("v2.1"));
    expect(find(r, "colorama").markers).toBe('platform_system == "Windows"');
    expect(find(r, "tomli").markers).toBe('(python_version < "3.11") or (python_full_version <= "3.10.0")');
    expect(find(r, "uvloop").markers).toBe('extra == "fast" and sys_platform != "win32"');
    expect(find(r, "iniconfig").markers).toBeUndefined();
  });

  it("drops a per-group marker table when a group of the package has none (unconditional there)", async () => {
    const r = await extractText(
      extractor,
      "poetry.lock",
      `[[package]]
name = "tomli"
version = "2.2.1"
optional = false
python-versions = ">=3.8"
groups = ["main", "dev"]
markers = {main = "python_version < \\"3.11\\""}
files = []

[metadata]
lock-version = "2.1"
python-versions = ">=3.9"
content-hash = "0"
`,
    );
    expect(r.packages[0]!.markers).toBeUndefined();
  });
});

describe("poetry.lock corner cases", () => {
  it("reads the oldest [metadata.hashes] (bare digests) and files of a file source", async () => {
    const hex = "a".repeat(64);
    const r = await extractText(
      extractor,
      "poetry.lock",
      `[[package]]
name = "six"
version = "1.11.0"
description = ""
category = "main"
optional = false
python-versions = "*"

[metadata]
content-hash = "x"
python-versions = "*"

[metadata.hashes]
six = ["${hex}", "md5:0123"]
`,
    );
    expect(r.packages).toEqual([
      { name: "six", version: "1.11.0", line: 1, scopes: ["prod"], hashes: [`sha256:${hex}`, "md5:0123"] },
    ]);
  });

  it("keeps only the file of a file source from metadata.files", async () => {
    const r = await extractText(
      extractor,
      "poetry.lock",
      `[[package]]
name = "demo"
version = "0.1"
category = "main"
optional = false
python-versions = "*"

[package.source]
type = "file"
url = "dist/demo-0.1-py3-none-any.whl"

[metadata]
lock-version = "1.1"
python-versions = "*"
content-hash = "x"

[metadata.files]
demo = [
    {file = "demo-0.1-py3-none-any.whl", hash = "sha256:1111"},
    {file = "demo-0.1.tar.gz", hash = "sha256:2222"},
]
`,
    );
    expect(r.packages[0]).toMatchObject({
      unpinned: { kind: "path", spec: "dist/demo-0.1-py3-none-any.whl" },
      hashes: ["sha256:1111"],
    });
  });

  it("picks the pinned version among several, and skips dependencies that are not locked", async () => {
    const r = await extractText(
      extractor,
      "poetry.lock",
      `[[package]]
name = "app-plugin"
version = "1.0"
optional = false
python-versions = "*"
groups = ["main"]
files = []

[package.dependencies]
numpy = [
    {version = "1.22.3", markers = "python_version >= \\"3.8\\""},
    {version = "==1.21.6", markers = "python_version < \\"3.8\\""},
]
Typing_Extensions = "4.1.1"
not-locked = {version = ">=1", optional = true}

[[package]]
name = "numpy"
version = "1.21.6"
optional = false
python-versions = "*"
groups = ["main"]
files = []

[[package]]
name = "numpy"
version = "1.22.3"
optional = false
python-versions = "*"
groups = ["main"]
files = []

[[package]]
name = "numpy"
version = "1.23.0"
optional = false
python-versions = "*"
groups = ["main"]
files = []

[[package]]
name = "typing-extensions"
version = "4.1.1"
optional = false
python-versions = "*"
groups = ["main"]
files = []

[metadata]
lock-version = "2.1"
python-versions = "*"
content-hash = "x"
`,
    );
    expect(find(r, "app-plugin").dependencies).toEqual([
      { name: "numpy", version: "1.22.3" },
      { name: "numpy", version: "1.21.6" },
      { name: "Typing_Extensions", version: "4.1.1" },
    ]);
  });

  it("reads a lock with no packages", async () => {
    const r = await extractText(
      extractor,
      "poetry.lock",
      'package = []\n\n[metadata]\nlock-version = "2.0"\npython-versions = "^3.11"\ncontent-hash = "x"\n',
    );
    expect(r).toEqual({ packages: [] });
  });

  it("reads CRLF files with the right lines", async () => {
    const text = readFileSync(fixture("v2.1"), "utf8").replace(/\n/g, "\r\n");
    const r = await extractText(extractor, "poetry.lock", text);
    expect(r.packages.map((p) => p.line)).toEqual([3, 18, 31, 43, 60, 73]);
  });
});

describe("poetry.lock errors", () => {
  it("rejects an empty file and another format under the name", async () => {
    expect((await errorOf("")).message).toBe(
      "poetry.lock: not a poetry.lock: no [metadata] table (expected one with lock-version)",
    );
    const uv = 'version = 1\nrequires-python = ">=3.12"\n\n[[package]]\nname = "a"\nversion = "1"\n';
    expect((await errorOf(uv)).message).toMatch(/^poetry\.lock: not a poetry\.lock: no \[metadata\] table/);
  });

  it("reports a truncated file with the parser's position", async () => {
    const text = readFileSync(fixture("v2.1"), "utf8");
    const e = await errorOf(text.slice(0, text.indexOf('{file = "click-8.1.8.tar.gz"') + 20));
    expect(e.message).toMatch(/^poetry\.lock:12:\d+: invalid TOML: /);
  });

  it("rejects a lock-version it does not know, at its line", async () => {
    const e = await errorOf('package = []\n\n[metadata]\nlock-version = "3.0"\n');
    expect(e.message).toBe('poetry.lock:4: unsupported poetry.lock lock-version "3.0" (expected 1.x or 2.x)');
  });

  it("names the field and the entry's line when a value has the wrong type", async () => {
    const e = await errorOf(
      '[[package]]\nname = "a"\nversion = "1"\n\n[[package]]\nname = "b"\nversion = 2\n\n[metadata]\nlock-version = "2.0"\n',
    );
    expect(e.message).toMatch(
      /^poetry\.lock:5: not a valid poetry\.lock: package\[1\]\.version: .*expected string/,
    );
    const groups = await errorOf('[[package]]\nname = "a"\nversion = "1"\ngroups = "main"\n\n[metadata]\n');
    expect(groups.message).toMatch(/^poetry\.lock:1: not a valid poetry\.lock: package\[0\]\.groups: /);
    const meta = await errorOf("metadata = 3\n");
    expect(meta.message).toMatch(/no \[metadata\] table/);
  });

  it("rejects a dependency that is neither a constraint nor a table", async () => {
    const e = await errorOf(
      '[[package]]\nname = "a"\nversion = "1"\n[package.dependencies]\nb = 3\n[metadata]\n',
    );
    expect(e.message).toBe(
      "poetry.lock:1: not a valid poetry.lock: package[0].dependencies.b: expected a version constraint, a table or an array of them",
    );
    const v = await errorOf(
      '[[package]]\nname = "a"\nversion = "1"\n[package.dependencies]\nb = [{version = 1}]\n[metadata]\n',
    );
    expect(v.message).toBe(
      "poetry.lock:1: not a valid poetry.lock: package[0].dependencies.b.version: expected a string",
    );
  });
});

describe("poetry.lock written by Poetry 1.3 (lock-version 2.0 with category, a path and a git dependency)", () => {
  const path = fixture("v2.0-poetry-1.3");

  it("reads every entry at its header, scoped by category, optional ones as optional", async () => {
    const r = await extractFile(extractor, path);
    expect(r.packages).toHaveLength(32);
    expectHeaderLines(path, r);
    expect(find(r, "babel-x").scopes).toEqual(["dev"]); // an optional group is still category "dev"
    expect(find(r, "sqlalchemy").scopes).toEqual(["optional"]);
    expect(find(r, "webfw").scopes).toEqual(["prod"]);
    expect(r.packages.filter((p) => p.name === "urllib3").map((p) => p.version)).toEqual([
      "1.26.16",
      "2.0.4",
    ]);
    expect(find(r, "gitpoet")).toMatchObject({
      version: "2.0.0",
      unpinned: {
        kind: "vcs",
        spec: "git+file:///home/dev/src/gitpoet@dfbb934284d26e7ccd2bb7a55b600da6e06be517",
      },
    });
    expect(find(r, "setuptools").hashes).toEqual([sha("ef1f3a7b")]);
  });

  it("reports the directory of a path dependency as covered: its pyproject.toml's dependencies are locked here", async () => {
    const r = await extractFile(extractor, path);
    expect(find(r, "locallib")).toMatchObject({
      unpinned: { kind: "editable", spec: "libs/locallib" },
      dependencies: [{ name: "six", version: "1.16.0" }],
    });
    expect(r.workspaceMembers).toEqual(["libs/locallib"]);
  });

  it("does not report path dependencies outside the project or given by absolute paths", async () => {
    const entry = (name: string, url: string) =>
      `[[package]]\nname = "${name}"\nversion = "1.0"\noptional = false\npython-versions = "*"\nfiles = []\ndevelop = true\n\n[package.source]\ntype = "directory"\nurl = "${url}"\n\n`;
    const r = await extractText(
      extractor,
      "poetry.lock",
      `${entry("a", "../sibling")}${entry("b", "/opt/b")}${entry("c", "./packages/c/")}[metadata]\nlock-version = "2.0"\n`,
    );
    expect(r.workspaceMembers).toEqual(["packages/c"]);
  });
});
