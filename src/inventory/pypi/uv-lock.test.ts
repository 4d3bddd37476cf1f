import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractError, extractFile, extractText, findPackage } from "../../test-helpers/extract.js";
import { uvLockExtractor as extractor } from "./uv-lock.js";

const fixture = (v: string) => join(import.meta.dirname, "__fixtures__", "uv-lock", v, "uv.lock");
const sha = (hex: string) => expect.stringMatching(new RegExp(`^sha256:${hex}[0-9a-f]{${64 - hex.length}}$`));

const find = findPackage;

const errorOf = (text: string) => extractError(extractor, "uv.lock", text);

const HEAD = 'version = 1\nrevision = 3\nrequires-python = ">=3.12"\n';

describe("uv.lock matchFile", () => {
  it("matches uv.lock and PEP 723 script locks (x.py.lock) only", () => {
    expect(extractor.matchFile("uv.lock", "/x/uv.lock")).toBe(true);
    expect(extractor.matchFile("issue-triage.py.lock", "/x/issue-triage.py.lock")).toBe(true);
    expect(extractor.matchFile("uv.toml", "/x/uv.toml")).toBe(false);
    expect(extractor.matchFile(".py.lock", "/x/.py.lock")).toBe(false);
    expect(extractor.matchFile("poetry.lock", "/x/poetry.lock")).toBe(false);
  });
});

describe("uv.lock workspace (editable root and member, forks, every source kind)", () => {
  it("leaves the project's own packages out and reports the member's directory", async () => {
    const r = await extractFile(extractor, fixture("workspace"));
    expect(r.packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      "anyio@4.8.0",
      "exceptiongroup@1.2.2",
      "httpx@0.28.1",
      "idna@3.10",
      "iniconfig@2.0.0",
      "localpkg@1.0.0",
      "numpy@2.0.2",
      "numpy@2.2.2",
      "pygments@2.19.1",
      "pytest@8.3.4",
      "rich@13.9.4",
      "sdk@1.4.0",
      "sniffio@1.3.1",
      "torch@2.5.1+cpu",
    ]);
    // the member and the local path dependency: the lock covers their manifests
    expect(r.workspaceMembers).toEqual(["libs/core", "vendor/localpkg"]);
    const lines = readFileSync(fixture("workspace"), "utf8").split("\n");
    for (const p of r.packages) expect(lines[p.line! - 1]).toBe("[[package]]");
  });

  it("marks what the roots depend on direct, scoped by how, and everything else transitive", async () => {
    const r = await extractFile(extractor, fixture("workspace"));
    const direct = r.packages.filter((p) => p.direct).map((p) => [p.name, p.version, p.scopes]);
    expect(direct).toEqual([
      ["anyio", "4.8.0", ["prod", "dev"]], // a dependency and in the lint group
      ["httpx", "0.28.1", ["prod"]],
      ["idna", "3.10", ["prod"]], // from the member `core`
      ["localpkg", "1.0.0", ["prod"]],
      ["numpy", "2.0.2", ["prod"]],
      ["numpy", "2.2.2", ["prod"]],
      ["pytest", "8.3.4", ["dev"]],
      ["rich", "13.9.4", ["optional"]],
      ["sdk", "1.4.0", ["prod"]],
      ["torch", "2.5.1+cpu", ["prod"]],
    ]);
    for (const name of ["exceptiongroup", "iniconfig", "pygments", "sniffio"]) {
      expect(find(r, name)).toMatchObject({ direct: false });
      expect(find(r, name).scopes).toBeUndefined();
    }
  });

  it("records every hash of sdist and wheels, and edges with resolved versions", async () => {
    const r = await extractFile(extractor, fixture("workspace"));
    expect(find(r, "anyio")).toEqual({
      name: "anyio",
      version: "4.8.0",
      line: 18,
      direct: true,
      scopes: ["prod", "dev"],
      hashes: [sha("82cd46"), sha("600caf")],
      dependencies: [
        { name: "exceptiongroup", version: "1.2.2" },
        { name: "idna", version: "3.10" },
        { name: "sniffio", version: "1.3.1" },
      ],
    });
    expect(find(r, "numpy", "2.0.2").hashes).toEqual([sha("fcc342"), sha("6cf1f3"), sha("19cd5e")]);
    expect(find(r, "rich").dependencies).toEqual([{ name: "pygments", version: "2.19.1" }]);
  });

  it("reads git, url, directory and non-PyPI registry sources", async () => {
    const r = await extractFile(extractor, fixture("workspace"));
    expect(find(r, "httpx")).toMatchObject({
      version: "0.28.1",
      unpinned: {
        kind: "vcs",
        spec: "git+https://github.com/encode/httpx@26d48e0634e6ee9cdc0533996db289ce4b430177",
      },
    });
    const url = "https://downloads.example.com/sdk/sdk-1.4.0-py3-none-any.whl";
    expect(find(r, "sdk")).toMatchObject({
      resolved: url,
      unpinned: { kind: "url", spec: url },
      hashes: [sha("ea8c1b")],
    });
    expect(find(r, "localpkg").unpinned).toEqual({ kind: "path", spec: "vendor/localpkg" });
    expect(find(r, "torch")).toMatchObject({ resolved: "https://download.pytorch.org/whl/cpu" });
    expect(find(r, "torch").unpinned).toBeUndefined();
    expect(find(r, "idna").resolved).toBeUndefined();
  });
});

describe("uv.lock virtual workspace (no root project)", () => {
  it("takes direct dependencies from the members and the manifest's requirements and groups", async () => {
    const r = await extractFile(extractor, fixture("virtual-workspace"));
    expect(r.packages.map((p) => [p.name, p.line, p.direct, p.scopes])).toEqual([
      ["certifi", 21, true, ["prod"]],
      ["mypy", 30, true, ["dev"]],
      ["mypy-extensions", 39, false, undefined],
      ["ruff", 45, true, ["prod"]],
    ]);
    expect(r.workspaceMembers).toEqual(["packages/api", "packages/worker"]);
    expect(find(r, "mypy").dependencies).toEqual([{ name: "mypy-extensions", version: "1.0.0" }]);
  });
});

describe("uv.lock corner cases", () => {
  it("resolves an edge that names a version or a source among several of one name", async () => {
    const r = await extractText(
      extractor,
      "uv.lock",
      `${HEAD}
[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [
    { name = "torch", version = "2.5.1", source = { registry = "https://download.pytorch.org/whl/cpu" }, marker = "sys_platform == 'darwin'" },
]

[[package]]
name = "lib"
version = "1.0.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "torch", version = "2.5.1", source = { registry = "https://pypi.org/simple" } },
]

[[package]]
name = "torch"
version = "2.5.1"
source = { registry = "https://download.pytorch.org/whl/cpu" }

[[package]]
name = "torch"
version = "2.5.1"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "torch"
version = "2.5.1+cpu"
source = { registry = "https://download.pytorch.org/whl/cpu" }
`,
    );
    expect(r.packages.map((p) => [p.name, p.version, p.line, p.direct, p.resolved])).toEqual([
      ["lib", "1.0.0", 13, false, undefined],
      ["torch", "2.5.1", 21, true, "https://download.pytorch.org/whl/cpu"],
      ["torch", "2.5.1", 26, false, undefined],
      ["torch", "2.5.1+cpu", 31, false, "https://download.pytorch.org/whl/cpu"],
    ]);
    expect(r.workspaceMembers).toBeUndefined();
    expect(find(r, "lib").dependencies).toEqual([{ name: "torch", version: "2.5.1" }]);
  });

  it("reads a package without a version, git tags and subdirectories, and the extras' dependencies", async () => {
    const r = await extractText(
      extractor,
      "uv.lock",
      `${HEAD}
[[package]]
name = "dyn"
source = { directory = "tools/dyn" }

[[package]]
name = "sub"
version = "0.3.0"
source = { git = "https://github.com/o/mono?subdirectory=py%2Fsub&tag=v0.3.0#0123456789abcdef0123456789abcdef01234567" }

[[package]]
name = "web"
version = "2.0.0"
source = { registry = "https://pypi.org/simple" }

[package.optional-dependencies]
speed = [
    { name = "sub" },
]
`,
    );
    expect(find(r, "dyn")).toMatchObject({ version: null, unpinned: { kind: "path", spec: "tools/dyn" } });
    expect(find(r, "sub").unpinned).toEqual({
      kind: "vcs",
      spec: "git+https://github.com/o/mono@0123456789abcdef0123456789abcdef01234567#subdirectory=py/sub",
    });
    expect(find(r, "web").dependencies).toEqual([{ name: "sub", version: "0.3.0" }]);
    // No root in the file: it does not say what is direct.
    expect(r.packages.every((p) => p.direct === undefined)).toBe(true);
  });

  it("reads a lock with no packages", async () => {
    expect(await extractText(extractor, "uv.lock", HEAD)).toEqual({ packages: [] });
  });
});

describe("uv.lock errors", () => {
  it("rejects an empty file and another format under the name", async () => {
    expect((await errorOf("")).message).toBe(
      "uv.lock: not a uv.lock: no top-level `version` (expected version = 1)",
    );
    const poetry = '[[package]]\nname = "a"\nversion = "1"\n\n[metadata]\nlock-version = "2.1"\n';
    expect((await errorOf(poetry)).message).toMatch(/^uv\.lock: not a uv\.lock: no top-level `version`/);
  });

  it("rejects versions it does not know, and the pre-0.3 format", async () => {
    expect((await errorOf("# x\nversion = 2\n")).message).toBe(
      "uv.lock:2: unsupported uv.lock version 2 (expected 1)",
    );
    expect((await errorOf('version = "1"\n')).message).toBe(
      'uv.lock:1: unsupported uv.lock version "1" (expected 1)',
    );
    const old = '[[distribution]]\nname = "a"\nversion = "1"\nsource = "registry+https://pypi.org/simple"\n';
    expect((await errorOf(old)).message).toMatch(/^uv\.lock: uv\.lock from a uv before 0\.3/);
  });

  it("reports a truncated file with the parser's position", async () => {
    const text = readFileSync(fixture("virtual-workspace"), "utf8");
    const e = await errorOf(text.slice(0, text.indexOf('{ name = "certifi" }') + 10));
    expect(e.message).toMatch(/^uv\.lock:\d+:\d+: invalid TOML: /);
  });

  it("names the field and the entry's line when a value has the wrong type", async () => {
    const e = await errorOf(
      `${HEAD}\n[[package]]\nname = "a"\nversion = "1"\n\n[[package]]\nname = "b"\nversion = 1.5\n`,
    );
    expect(e.message).toMatch(/^uv\.lock:9: not a valid uv\.lock: package\[1\]\.version: .*expected string/);
    const deps = await errorOf(`${HEAD}\n[[package]]\nname = "a"\nversion = "1"\ndependencies = ["b"]\n`);
    expect(deps.message).toMatch(/^uv\.lock:5: not a valid uv\.lock: package\[0\]\.dependencies\[0\]: /);
    const members = await errorOf(`${HEAD}\n[manifest]\nmembers = "a"\n`);
    expect(members.message).toMatch(/^uv\.lock: not a valid uv\.lock: manifest\.members: /);
  });
});

describe("uv.lock: real cases", () => {
  it("reads a script lock (`uv lock --script`): the manifest's requirements are the direct ones", async () => {
    // Shape of astral-sh/uv agents/scripts/issue-triage-preview.py.lock (uv 0.9, revision 3).
    const reg = 'source = { registry = "https://pypi.org/simple" }';
    const r = await extractText(
      extractor,
      "triage.py.lock",
      `${HEAD}\n[manifest]\nrequirements = [{ name = "httpx" }]\n\n` +
        `[[package]]\nname = "anyio"\nversion = "4.14.1"\n${reg}\ndependencies = [\n    { name = "idna" },\n]\n\n` +
        `[[package]]\nname = "httpx"\nversion = "0.28.1"\n${reg}\ndependencies = [\n    { name = "anyio" },\n    { name = "idna" },\n]\n\n` +
        `[[package]]\nname = "idna"\nversion = "3.18"\n${reg}\n`,
    );
    expect(r.packages.map((p) => [p.name, p.direct, p.scopes, p.line])).toEqual([
      ["anyio", false, undefined, 8],
      ["httpx", true, ["prod"], 16],
      ["idna", false, undefined, 25],
    ]);
  });

  it("skips, with a warning, a `.py.lock` that is not a uv lock (an empty file lock)", async () => {
    expect(await extractText(extractor, "worker.py.lock", "")).toEqual({
      packages: [],
      warnings: ["not a uv script lock (no top-level `version`); skipped"],
    });
    expect((await extractText(extractor, "s.py.lock", `# uv\n${HEAD}`)).packages).toEqual([]);
    expect((await errorOf("")).message).toMatch(/^uv\.lock: not a uv\.lock/); // uv.lock itself must be one
  });

  it("rejects a uv 0.2 lock that has `version = 1` and [[distribution]] tables instead of reading nothing", async () => {
    // astral-sh/uv a/uv.lock, written by a uv 0.2 preview.
    const text =
      'version = 1\nrequires-python = ">=3.11, <3.13"\n\n[[distribution]]\nname = "b"\nversion = "0.1.0"\n' +
      'source = "directory+/home/u/a"\nsdist = { path = "/home/u/a" }\n\n[[distribution]]\nname = "black"\n' +
      'version = "0.1.0"\nsource = "editable+."\nsdist = { path = "." }\n';
    expect((await errorOf(text)).message).toMatch(/^uv\.lock: uv\.lock from a uv before 0\.3/);
  });

  it("keeps a registry package that has a workspace member's name (a fork), and editable path dependencies", async () => {
    const r = await extractText(
      extractor,
      "uv.lock",
      `${HEAD}\n[manifest]\nmembers = ["app", "shared"]\n\n` +
        '[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { editable = "." }\n' +
        'dependencies = [\n    { name = "shared", version = "1.0.0", source = { editable = "shared" } },\n' +
        '    { name = "tool" },\n]\n\n' +
        '[[package]]\nname = "shared"\nversion = "1.0.0"\nsource = { editable = "shared" }\n\n' +
        '[[package]]\nname = "shared"\nversion = "0.9.0"\nsource = { registry = "https://pypi.org/simple" }\n\n' +
        '[[package]]\nname = "tool"\nversion = "2.0.0"\nsource = { editable = "../tool" }\n' +
        'dependencies = [\n    { name = "shared", version = "0.9.0", source = { registry = "https://pypi.org/simple" } },\n]\n',
    );
    expect(r.packages.map((p) => [p.name, p.version, p.direct, p.unpinned?.kind ?? null])).toEqual([
      ["shared", "0.9.0", false, null],
      ["tool", "2.0.0", true, "editable"],
    ]);
    expect(find(r, "tool").dependencies).toEqual([{ name: "shared", version: "0.9.0" }]);
    expect(r.workspaceMembers).toEqual(["shared"]); // ../tool is outside the project
  });

  it("without [manifest] members only the package at `.` is the project: an editable path dependency is kept", async () => {
    const r = await extractText(
      extractor,
      "uv.lock",
      `${HEAD}\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { editable = "." }\n` +
        'dependencies = [\n    { name = "lib" },\n]\n\n' +
        '[[package]]\nname = "lib"\nversion = "0.2.0"\nsource = { editable = "libs/lib" }\n' +
        'dependencies = [\n    { name = "six" },\n]\n\n' +
        '[[package]]\nname = "six"\nversion = "1.17.0"\nsource = { registry = "https://pypi.org/simple" }\n',
    );
    expect(r.packages.map((p) => [p.name, p.direct, p.unpinned])).toEqual([
      ["lib", true, { kind: "editable", spec: "libs/lib" }],
      ["six", false, undefined],
    ]);
    expect(r.workspaceMembers).toEqual(["libs/lib"]);
  });
});
