import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractError, extractFile, extractText, findPackage } from "../../test-helpers/extract.js";
import { pdmLockExtractor as extractor } from "./pdm-lock.js";

const fixture = (v: string) => join(import.meta.dirname, "__fixtures__", "pdm-lock", v, "pdm.lock");
const sha = (hex: string) => expect.stringMatching(new RegExp(`^sha256:${hex}[0-9a-f]{${64 - hex.length}}$`));

const find = findPackage;

const errorOf = (text: string) => extractError(extractor, "pdm.lock", text);

const META = '[metadata]\ngroups = ["default"]\nstrategy = ["inherit_metadata"]\nlock_version = "4.5.0"\n';

describe("pdm.lock matchFile", () => {
  it("matches pdm.lock only", () => {
    expect(extractor.matchFile("pdm.lock", "/x/pdm.lock")).toBe(true);
    expect(extractor.matchFile("pdm.toml", "/x/pdm.toml")).toBe(false);
  });
});

describe("pdm.lock 4.5 (inherit_metadata: groups, markers, inline files)", () => {
  it("reads every package, without the project itself, each at its [[package]] line", async () => {
    const r = await extractFile(extractor, fixture("v4.5"));
    expect(r.packages.map((p) => p.name)).toEqual([
      "certifi",
      "charset-normalizer",
      "colorama",
      "idna",
      "iniconfig",
      "pysocks",
      "pytest",
      "requests",
      "toolkit",
      "urllib3",
      "vendored",
    ]);
    const lines = readFileSync(fixture("v4.5"), "utf8").split("\n");
    for (const p of r.packages) expect(lines[p.line! - 1], p.name).toBe("[[package]]");
    expect(r.packages.every((p) => p.direct === undefined)).toBe(true);
    expect(r.warnings).toBeUndefined();
  });

  it("maps groups to scopes (default → prod, other groups → dev)", async () => {
    const r = await extractFile(extractor, fixture("v4.5"));
    expect(find(r, "certifi")).toEqual({
      name: "certifi",
      version: "2024.8.30",
      line: 13,
      scopes: ["prod", "dev"],
      hashes: [sha("123be5"), sha("5e1e6c")],
    });
    expect(find(r, "pytest").scopes).toEqual(["dev"]);
    expect(find(r, "toolkit").scopes).toEqual(["prod"]);
  });

  it("merges the extras entry into its base package", async () => {
    const r = await extractFile(extractor, fixture("v4.5"));
    expect(find(r, "requests")).toEqual({
      name: "requests",
      version: "2.32.3",
      line: 111,
      scopes: ["prod", "dev"],
      hashes: [sha("5d3afe"), sha("9f66f6")],
      dependencies: [
        { name: "certifi", version: "2024.8.30" },
        { name: "charset-normalizer", version: "3.4.0" },
        { name: "idna", version: "3.10" },
        { name: "urllib3", version: "2.2.3" },
        { name: "PySocks", version: "1.7.1" },
      ],
      extras: ["socks"],
    });
  });

  it("reads markers, edges with markers, git and path entries", async () => {
    const r = await extractFile(extractor, fixture("v4.5"));
    expect(find(r, "colorama").markers).toBe('sys_platform == "win32"');
    // exceptiongroup, packaging, pluggy and tomli are not locked (markers never hold here): no edges.
    expect(find(r, "pytest").dependencies).toEqual([
      { name: "colorama", version: "0.4.6" },
      { name: "iniconfig", version: "2.0.0" },
    ]);
    expect(find(r, "toolkit")).toMatchObject({
      version: "0.5.0",
      unpinned: {
        kind: "vcs",
        spec: "git+https://github.com/example/toolkit.git@8a3f0c2d9e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39",
      },
      dependencies: [{ name: "urllib3", version: "2.2.3" }],
    });
    expect(find(r, "vendored")).toMatchObject({
      unpinned: { kind: "path", spec: "./vendor/vendored-1.0.0-py3-none-any.whl" },
      hashes: [sha("a6883d")],
    });
  });
});

describe("pdm.lock 4.0 ([metadata.files], no groups)", () => {
  it("takes hashes from [metadata.files] and leaves scopes to the pipeline", async () => {
    const r = await extractFile(extractor, fixture("v4.0"));
    expect(r.packages.map((p) => [p.name, p.line, p.scopes, p.hashes?.length])).toEqual([
      ["click", 1, undefined, 2],
      ["colorama", 10, undefined, 1],
      ["flask", 16, undefined, 1],
      ["itsdangerous", 28, undefined, 1],
      ["jinja2", 34, undefined, 1],
      ["markupsafe", 43, undefined, 1],
      ["werkzeug", 49, undefined, 1],
    ]);
    expect(find(r, "click").hashes).toEqual([sha("a9ffdc"), sha("3b0c40")]);
    expect(find(r, "flask").dependencies).toEqual([
      { name: "Jinja2", version: "3.0.1" },
      { name: "Werkzeug", version: "2.0.1" },
      { name: "click", version: "8.0.1" },
      { name: "itsdangerous", version: "2.0.1" },
    ]);
  });
});

describe("pdm.lock corner cases", () => {
  it("reads PDM 1.x entries: name[extras], sections, metadata.files keyed by the base name", async () => {
    const r = await extractText(
      extractor,
      "pdm.lock",
      `[[package]]
name = "requests"
sections = ["default"]
version = "2.25.1"
dependencies = ["idna<3,>=2.5"]

[[package]]
name = "requests[socks]"
sections = ["dev"]
version = "2.25.1"
dependencies = ["PySocks!=1.5.7,>=1.5.6", "requests==2.25.1"]

[[package]]
name = "idna"
sections = ["default"]
version = "2.10"

[[package]]
name = "pysocks"
sections = ["dev"]
version = "1.7.1"

[metadata]
lock_version = "3.1"
content_hash = "md5:x"

[metadata.files]
"requests 2.25.1" = [{file = "requests-2.25.1-py2.py3-none-any.whl", hash = "sha256:aaaa"}]
"requests[socks] 2.25.1" = [{file = "requests-2.25.1-py2.py3-none-any.whl", hash = "sha256:aaaa"}]
"idna 2.10" = [{file = "idna-2.10-py2.py3-none-any.whl", hash = "sha256:bbbb"}]
`,
    );
    expect(find(r, "requests")).toEqual({
      name: "requests",
      version: "2.25.1",
      line: 1,
      scopes: ["prod", "dev"],
      hashes: ["sha256:aaaa"],
      dependencies: [
        { name: "idna", version: "2.10" },
        { name: "PySocks", version: "1.7.1" },
      ],
      extras: ["socks"],
    });
    expect(r.packages).toHaveLength(3);
  });

  it("keeps an extras entry whose base is not locked as the package, with its extras", async () => {
    const r = await extractText(
      extractor,
      "pdm.lock",
      `${META}
[[package]]
name = "uvicorn"
version = "0.30.0"
extras = ["standard"]
groups = ["default"]
dependencies = ["uvicorn==0.30.0", "httptools>=0.5"]

[[package]]
name = "httptools"
version = "0.6.1"
groups = ["default"]
`,
    );
    expect(find(r, "uvicorn")).toMatchObject({
      line: 6,
      extras: ["standard"],
      dependencies: [{ name: "httptools", version: "0.6.1" }],
    });
  });

  it("reads static URLs, url and editable entries, and picks a pinned version among several", async () => {
    const r = await extractText(
      extractor,
      "pdm.lock",
      `${META}
[[package]]
name = "app-tools"
version = "1.0"
groups = ["default"]
dependencies = ["six==1.16.0", "local-lib"]

[[package]]
name = "six"
version = "1.15.0"
groups = ["default"]
files = [{url = "https://files.pythonhosted.org/six-1.15.0-py2.py3-none-any.whl", hash = "sha256:1515"}]

[[package]]
name = "six"
version = "1.16.0"
groups = ["default"]
files = [{url = "https://files.pythonhosted.org/six-1.16.0-py2.py3-none-any.whl", hash = "sha256:1616"}]

[[package]]
name = "local-lib"
version = "0.1.0"
editable = true
path = "../local-lib"
groups = ["default"]

[[package]]
name = "archive"
version = "2.0"
url = "https://example.com/archive-2.0.tar.gz"
groups = ["default"]

[[package]]
name = "wheel-in-tree"
version = "3.0"
url = "file:///\${PROJECT_ROOT}/wheels/wheel_in_tree-3.0-py3-none-any.whl"
groups = ["default"]
`,
    );
    expect(find(r, "app-tools").dependencies).toEqual([
      { name: "six", version: "1.16.0" },
      { name: "local-lib", version: "0.1.0" },
    ]);
    expect(find(r, "six", "1.16.0").hashes).toEqual(["sha256:1616"]);
    expect(find(r, "local-lib").unpinned).toEqual({ kind: "editable", spec: "../local-lib" });
    expect(find(r, "archive")).toMatchObject({
      resolved: "https://example.com/archive-2.0.tar.gz",
      unpinned: { kind: "url", spec: "https://example.com/archive-2.0.tar.gz" },
    });
    expect(find(r, "wheel-in-tree").unpinned).toEqual({
      kind: "path",
      spec: `file:///\${PROJECT_ROOT}/wheels/wheel_in_tree-3.0-py3-none-any.whl`,
    });
  });

  it("skips conda packages and unreadable dependency strings with a warning", async () => {
    const r = await extractText(
      extractor,
      "pdm.lock",
      `${META}
[[package]]
name = "numpy"
version = "1.26.4"
conda_managed = true
channel = "conda-forge"
groups = ["default"]

[[package]]
name = "odd"
version = "1.0"
groups = ["default"]
dependencies = ["-e file:///tmp/x#egg=x", "numpy>=1"]
`,
    );
    expect(r.packages.map((p) => p.name)).toEqual(["odd"]);
    expect(find(r, "odd").dependencies).toBeUndefined();
    expect(r.warnings).toEqual([
      "numpy 1.26.4: a conda package (pdm-conda), not from PyPI: skipped",
      'odd: dependency "-e file:///tmp/x#egg=x" is not a PEP 508 requirement: skipped',
    ]);
  });

  it("reads a lock with no packages", async () => {
    expect(await extractText(extractor, "pdm.lock", META)).toEqual({ packages: [] });
  });
});

describe("pdm.lock errors", () => {
  it("rejects an empty file and another format under the name", async () => {
    expect((await errorOf("")).message).toBe(
      "pdm.lock: not a pdm.lock: no [metadata] table (expected one with lock_version)",
    );
    const uv = 'version = 1\n\n[[package]]\nname = "a"\nversion = "1"\n';
    expect((await errorOf(uv)).message).toMatch(/^pdm\.lock: not a pdm\.lock: no \[metadata\] table/);
  });

  it("rejects a lock_version it does not know, at its line", async () => {
    const e = await errorOf('[metadata]\ngroups = ["default"]\nlock_version = "5.0.0"\n');
    expect(e.message).toBe('pdm.lock:3: unsupported pdm.lock lock_version "5.0.0" (expected 3.x or 4.x)');
  });

  it("reports a truncated file with the parser's position", async () => {
    const text = readFileSync(fixture("v4.5"), "utf8");
    const e = await errorOf(text.slice(0, text.indexOf('"charset-normalizer<4,>=2"') + 5));
    expect(e.message).toMatch(/^pdm\.lock:\d+:\d+: invalid TOML: /);
  });

  it("names the field and the entry's line when a value has the wrong type", async () => {
    const deps = await errorOf(`${META}\n[[package]]\nname = "a"\nversion = "1"\ndependencies = "b>=1"\n`);
    expect(deps.message).toMatch(/^pdm\.lock:6: not a valid pdm\.lock: package\[0\]\.dependencies: /);
    const files = await errorOf(
      `${META}\n[[package]]\nname = "a"\nversion = "1"\nfiles = [{file = "a.whl"}]\n`,
    );
    expect(files.message).toMatch(/^pdm\.lock:6: not a valid pdm\.lock: package\[0\]\.files\[0\]\.hash: /);
    const name = await errorOf(`${META}\n[[package]]\nversion = "1"\n`);
    expect(name.message).toMatch(/^pdm\.lock:6: not a valid pdm\.lock: package\[0\]\.name: /);
  });
});

describe('pdm.lock path dependencies (real PDM 2.2 output: `path = "./libs/localdir"`)', () => {
  it("reports local project directories inside the project as covered, not archives nor outside ones", async () => {
    const entry = (name: string, source: string) =>
      `[[package]]\nname = "${name}"\nversion = "1.0"\n${source}\n\n`;
    const r = await extractText(
      extractor,
      "pdm.lock",
      entry("localdir", 'path = "./libs/localdir"') +
        // biome-ignore lint/suspicious/noTemplateCurlyInString: PDM's own placeholder
        entry("member", 'url = "file:///${PROJECT_ROOT}/packages/member"\neditable = true') +
        entry("sibling", 'path = "../sibling"') +
        entry("archive", 'path = "./dist/archive-1.0.tar.gz"') +
        // biome-ignore lint/suspicious/noTemplateCurlyInString: PDM's own placeholder
        entry("myproject", 'url = "file:///${PROJECT_ROOT}/#egg=myproject"\neditable = true') +
        '[metadata]\nlock_version = "4.0"\ncontent_hash = "sha256:0"\n',
    );
    expect(r.packages.map((p) => [p.name, p.unpinned?.kind])).toEqual([
      ["localdir", "path"],
      ["member", "editable"],
      ["sibling", "path"],
      ["archive", "path"],
    ]);
    expect(r.workspaceMembers).toEqual(["libs/localdir", "packages/member"]);
  });
});

describe("pdm.lock optional groups (pdm-project/pdm's own lock, 4.5.0)", () => {
  it("scopes the groups its pyproject.toml declares as extras optional, other groups dev", async () => {
    const path = join(import.meta.dirname, "__fixtures__", "pdm-lock", "optional-groups", "pdm.lock");
    const r = await extractFile(extractor, path);
    expect(r.packages.map((p) => [p.name, p.scopes])).toEqual([
      ["annotated-types", ["optional"]], // all, copier, template: extras
      ["anyio", ["prod", "dev"]], // default, test
      ["babel", ["dev"]], // doc: a dependency group
      ["backports-tarfile", ["optional"]],
      ["certifi", ["prod", "dev", "optional"]],
    ]);
    const lines = readFileSync(path, "utf8").split("\n");
    for (const p of r.packages) expect(lines[p.line! - 1]).toBe("[[package]]");
  });

  it("without a pyproject.toml beside it, takes every non-default group as dev", async () => {
    const text = readFileSync(
      join(import.meta.dirname, "__fixtures__", "pdm-lock", "optional-groups", "pdm.lock"),
      "utf8",
    );
    const r = await extractText(extractor, "pdm.lock", text);
    expect(find(r, "annotated-types").scopes).toEqual(["dev"]);
  });
});
