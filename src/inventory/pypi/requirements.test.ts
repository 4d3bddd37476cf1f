import { describe, expect, it } from "vitest";
import { extractFile, extractText, inputErrorOf } from "../../test-helpers/extract.js";
import type { ExtractedPackage } from "../model.js";
import { isDevFile, requirementsExtractor } from "./requirements.js";

const fixture = (name: string) => new URL(`./__fixtures__/requirements/${name}`, import.meta.url).pathname;
const byName = (packages: ExtractedPackage[], name: string) => packages.filter((p) => p.name === name);
const one = (packages: ExtractedPackage[], name: string) => {
  const found = byName(packages, name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
};

const errorOf = inputErrorOf;

describe("requirements matchFile", () => {
  const match = (name: string, path = `/repo/${name}`) => requirementsExtractor.matchFile(name, path);

  it("matches the pip requirements file names", () => {
    expect(match("requirements.txt")).toBe(true);
    expect(match("requirements-dev.txt")).toBe(true);
    expect(match("requirements_test.txt")).toBe(true);
    expect(match("requirements.dev.txt")).toBe(true);
    expect(match("dev-requirements.txt")).toBe(true);
    expect(match("test_requirements.txt")).toBe(true);
    expect(match("requirements.pip")).toBe(true);
    expect(match("requirements-docs.pip")).toBe(true);
    expect(match("base.txt", "/repo/requirements/base.txt")).toBe(true);
    expect(match("prod.txt", "C:\\repo\\requirements\\prod.txt")).toBe(true);
  });

  it("does not match constraints, pip-compile inputs or other text files", () => {
    expect(match("constraints.txt")).toBe(false);
    expect(match("constraints.txt", "/repo/requirements/constraints.txt")).toBe(false);
    expect(match("requirements.in")).toBe(false);
    expect(match("requirements-dev.in", "/repo/requirements/requirements-dev.in")).toBe(false);
    expect(match("notes.txt")).toBe(false);
    expect(match("base.txt", "/repo/docs/base.txt")).toBe(false);
    expect(match("requirementstxt")).toBe(false);
  });
});

describe("requirements: hand-written file", () => {
  it("reads pins, ranges, hashes, extras and markers with their lines", async () => {
    const { packages } = await extractFile(requirementsExtractor, fixture("plain/requirements.txt"));
    expect(one(packages, "Django")).toEqual({ name: "Django", version: "4.2.11", line: 9, direct: true });
    expect(one(packages, "requests")).toEqual({
      name: "requests",
      version: "2.31.0",
      extras: ["security", "socks"],
      markers: 'python_version >= "3.8"',
      line: 10,
      direct: true,
    });
    expect(one(packages, "urllib3").version).toBe("1.26.18");
    expect(one(packages, "celery")).toMatchObject({
      version: null,
      unpinned: { kind: "range", spec: ">=5.3,<6" },
      line: 12,
    });
    expect(one(packages, "numpy")).toMatchObject({
      version: null,
      unpinned: { kind: "range", spec: "==1.26.*" },
    });
    expect(one(packages, "six")).toMatchObject({ version: null, unpinned: { kind: "any", spec: "*" } });
    expect(one(packages, "PyYAML")).toMatchObject({ unpinned: { kind: "range", spec: "~=6.0" }, line: 15 });
    expect(one(packages, "attrs").hashes).toEqual([
      "sha256:99b87a485a5820b23b879f04c2305b44b951b502fd64be915879d77a7e8fc6f1",
    ]);
    // continuation lines: the entry keeps the first line; `--hash=` and `--hash ` both count
    expect(one(packages, "cryptography")).toMatchObject({
      version: "42.0.5",
      line: 17,
      hashes: [
        "sha256:a30596bae9403a342c978fb47d9b0ee277699fa53bbafad14706af51fe543d16",
        "sha256:b7ffe927ee6531c78f81aa17e684e2ff617daeba7f189f911065b2ea2d526dec",
      ],
    });
    // `#` after a space is a comment, even without a space after it
    expect(one(packages, "anchor.py")).toMatchObject({ version: "0.1", line: 31 });
    // option lines are not packages
    expect(packages.map((p) => p.name)).not.toContain(":all:");
    expect(packages).toHaveLength(21);
    expect(packages.every((p) => p.direct === true)).toBe(true);
  });

  it("keeps VCS, URL, path and editable requirements as unpinned components", async () => {
    const { packages, warnings } = await extractFile(
      requirementsExtractor,
      fixture("plain/requirements.txt"),
    );
    expect(one(packages, "click")).toEqual({
      name: "click",
      version: null,
      line: 20,
      direct: true,
      unpinned: { kind: "vcs", spec: "git+https://github.com/pallets/click.git@8.1.7#egg=click" },
    });
    const black = "git+https://github.com/psf/black.git@refs/tags/24.2.0";
    expect(one(packages, black)).toMatchObject({
      version: null,
      unpinned: { kind: "vcs", spec: black },
      line: 21,
    });
    const wheelUrl =
      "https://files.pythonhosted.org/packages/py3/w/wheel/wheel-0.42.0-py3-none-any.whl#sha256=177f9c9b0d45c47873b619f5b650346d632cdc35fb5e4d25058e09c9e581433d";
    // the `#` of a URL fragment is not a comment; the wheel file name gives name and version
    expect(one(packages, "wheel")).toEqual({
      name: "wheel",
      version: "0.42.0",
      line: 22,
      direct: true,
      unpinned: { kind: "url", spec: wheelUrl },
      resolved: wheelUrl,
      hashes: ["sha256=177f9c9b0d45c47873b619f5b650346d632cdc35fb5e4d25058e09c9e581433d"],
    });
    expect(one(packages, "https://example.com/archive/master.zip")).toMatchObject({
      unpinned: { kind: "url", spec: "https://example.com/archive/master.zip" },
      resolved: "https://example.com/archive/master.zip",
    });
    expect(one(packages, "pydantic")).toMatchObject({
      version: null,
      unpinned: { kind: "url", spec: "https://github.com/pydantic/pydantic/archive/refs/tags/v2.6.4.zip" },
      line: 24,
    });
    expect(one(packages, "mylib")).toMatchObject({
      unpinned: { kind: "path", spec: "./vendor/mylib" },
    });
    expect(one(packages, "localpkg")).toMatchObject({
      version: "0.3.1",
      unpinned: { kind: "path", spec: "./dist/localpkg-0.3.1.tar.gz" },
    });
    expect(one(packages, "auth")).toMatchObject({
      unpinned: { kind: "editable", spec: "./plugins/auth" },
      extras: ["ldap"],
      line: 27,
    });
    expect(one(packages, "tooling")).toMatchObject({
      unpinned: { kind: "vcs", spec: "git+https://github.com/org/tooling.git@main#egg=tooling" },
    });
    expect(one(packages, "shared-utils")).toMatchObject({
      unpinned: { kind: "editable", spec: "file:///opt/src/shared#egg=shared-utils" },
      line: 29,
    });
    // environment variables stay as written
    expect(one(packages, "internal")).toMatchObject({
      version: "1.0.0",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a ${VAR} written in the file
      unpinned: { kind: "url", spec: "https://${PRIVATE_HOST}/simple/internal-1.0.0-py3-none-any.whl" },
    });
    expect(warnings).toEqual([
      `requirements.txt:21: cannot tell the package name of "${black}" (no #egg= fragment or package file name); using the URL as its name`,
      'requirements.txt:23: cannot tell the package name of "https://example.com/archive/master.zip" (no #egg= fragment or package file name); using the URL as its name',
      'requirements.txt:25: cannot tell the package name of "./vendor/mylib" (no #egg= fragment, and no pyproject.toml, setup.cfg or setup.py name found there); using the directory name',
      'requirements.txt:27: cannot tell the package name of "./plugins/auth" (no #egg= fragment, and no pyproject.toml, setup.cfg or setup.py name found there); using the directory name',
    ]);
  });

  it("reads PEP 508 URL requirements and markers after URLs", async () => {
    const { packages } = await extractText(
      requirementsExtractor,
      "requirements.txt",
      [
        "pkg @ file:///home/me/pkg",
        "other[x] @ https://example.com/other-1.2.0-py3-none-any.whl ; python_version < '3.12'",
        "https://example.com/dist/plain-3.0.0.tar.gz; sys_platform == 'linux'",
        "git+ssh://git@github.com/org/private.git@v2#egg=private&subdirectory=lib",
        "hg+https://hg.example.com/repo#egg=hgpkg",
        "Flask (>=2.0, <3)",
      ].join("\n"),
    );
    expect(packages).toEqual([
      {
        name: "pkg",
        version: null,
        line: 1,
        direct: true,
        unpinned: { kind: "path", spec: "file:///home/me/pkg" },
      },
      {
        name: "other",
        version: "1.2.0",
        line: 2,
        direct: true,
        extras: ["x"],
        markers: "python_version < '3.12'",
        unpinned: { kind: "url", spec: "https://example.com/other-1.2.0-py3-none-any.whl" },
        resolved: "https://example.com/other-1.2.0-py3-none-any.whl",
      },
      {
        name: "plain",
        version: "3.0.0",
        line: 3,
        direct: true,
        markers: "sys_platform == 'linux'",
        unpinned: { kind: "url", spec: "https://example.com/dist/plain-3.0.0.tar.gz" },
        resolved: "https://example.com/dist/plain-3.0.0.tar.gz",
      },
      {
        name: "private",
        version: null,
        line: 4,
        direct: true,
        unpinned: {
          kind: "vcs",
          spec: "git+ssh://git@github.com/org/private.git@v2#egg=private&subdirectory=lib",
        },
      },
      {
        name: "hgpkg",
        version: null,
        line: 5,
        direct: true,
        unpinned: { kind: "vcs", spec: "hg+https://hg.example.com/repo#egg=hgpkg" },
      },
      { name: "Flask", version: null, line: 6, direct: true, unpinned: { kind: "range", spec: ">=2.0,<3" } },
    ]);
  });

  it("follows pip's line joining: CRLF, a comment line ends a continuation", async () => {
    const text =
      "alpha==1.0 \\\r\n    --hash=sha256:aa\r\n# note \\\r\nbeta==2.0 \\\r\n# comment ends it\r\ngamma==3.0\r\n";
    const { packages } = await extractText(requirementsExtractor, "requirements.txt", text);
    expect(packages.map((p) => [p.name, p.version, p.line, p.hashes])).toEqual([
      ["alpha", "1.0", 1, ["sha256:aa"]],
      ["beta", "2.0", 4, undefined],
      ["gamma", "3.0", 6, undefined],
    ]);
  });

  it("reads an empty or comment-only file as no packages", async () => {
    expect((await extractText(requirementsExtractor, "requirements.txt", "")).packages).toEqual([]);
    const onlyComments = "# nothing yet\n\n   # still nothing\n--index-url https://pypi.org/simple\n";
    expect(await extractText(requirementsExtractor, "requirements.txt", onlyComments)).toEqual({
      packages: [],
    });
  });

  it("warns about options it does not know and hashes without a requirement", async () => {
    const { packages, warnings } = await extractText(
      requirementsExtractor,
      "requirements.txt",
      "--frobnicate\n--hash=sha256:abcd\nsix==1.16.0 --global-option=--quiet\n",
    );
    expect(packages.map((p) => p.name)).toEqual(["six"]);
    expect(warnings).toEqual([
      'requirements.txt:1: unknown option "--frobnicate" skipped',
      "requirements.txt:2: --hash without a requirement is ignored",
    ]);
  });
});

describe("requirements: pip-compile annotations", () => {
  it("split style: `# via -r` is direct, `# via pkg` is transitive and gives edges", async () => {
    const { packages } = await extractFile(requirementsExtractor, fixture("pip-compile/requirements.txt"));
    expect(packages.map((p) => [p.name, p.version, p.line, p.direct])).toEqual([
      ["blinker", "1.7.0", 7, false],
      ["click", "8.1.7", 11, true],
      ["flask", "3.0.2", 17, true],
      ["itsdangerous", "2.1.2", 21, false],
      ["jinja2", "3.1.3", 25, false],
      ["markupsafe", "2.1.5", 29, false],
      ["werkzeug", "3.0.1", 34, false],
    ]);
    expect(one(packages, "flask").dependencies).toEqual([
      { name: "blinker", version: "1.7.0" },
      { name: "click", version: "8.1.7" },
      { name: "itsdangerous", version: "2.1.2" },
      { name: "jinja2", version: "3.1.3" },
      { name: "werkzeug", version: "3.0.1" },
    ]);
    expect(one(packages, "jinja2").dependencies).toEqual([{ name: "markupsafe", version: "2.1.5" }]);
    expect(one(packages, "werkzeug").dependencies).toEqual([{ name: "markupsafe", version: "2.1.5" }]);
    expect(one(packages, "click").dependencies).toBeUndefined();
    expect(one(packages, "click").hashes).toEqual([
      "sha256:ae74fb96c20a0277a1d615f1e4d73c8414f5a98db8b799a7931d1582f3390c28",
      "sha256:ca9853ad459e787e2192211578cc907e7594e294c7ccc834310722b41b9ca6de",
    ]);
    // the "unsafe" packages pip-compile comments out are not installed
    expect(byName(packages, "setuptools")).toEqual([]);
  });

  it("line style: `# via a, -r b` on the requirement's own line", async () => {
    const { packages } = await extractFile(
      requirementsExtractor,
      fixture("pip-compile-line/requirements.txt"),
    );
    expect(packages.map((p) => [p.name, p.direct])).toEqual([
      ["certifi", false],
      ["charset-normalizer", false],
      ["idna", false],
      ["requests", true],
      ["sphinx", true],
      ["urllib3", false],
    ]);
    expect(one(packages, "sphinx").dependencies).toEqual([{ name: "requests", version: "2.31.0" }]);
    expect(one(packages, "requests").dependencies?.map((d) => d.name)).toEqual([
      "certifi",
      "charset-normalizer",
      "idna",
      "urllib3",
    ]);
  });

  it("uv pip compile: `via project (pyproject.toml)` is direct; forks by marker are all kept", async () => {
    const { packages } = await extractFile(requirementsExtractor, fixture("uv-compile/requirements.txt"));
    expect(byName(packages, "numpy").map((p) => [p.version, p.markers, p.direct, p.line])).toEqual([
      ["1.24.4", "python_full_version < '3.9'", true, 19],
      ["1.26.4", "python_full_version >= '3.9'", true, 21],
    ]);
    expect(one(packages, "colorama")).toMatchObject({ markers: "sys_platform == 'win32'", direct: false });
    expect(one(packages, "pytest")).toMatchObject({
      direct: true,
      dependencies: [{ name: "colorama", version: "0.4.6" }],
    });
    expect(one(packages, "click").dependencies).toEqual([{ name: "colorama", version: "0.4.6" }]);
    expect(one(packages, "httpx")).toMatchObject({
      direct: true,
      dependencies: [
        { name: "anyio", version: "4.3.0" },
        { name: "certifi", version: "2024.2.2" },
        { name: "httpcore", version: "1.0.5" },
      ],
    });
    expect(one(packages, "anyio").direct).toBe(false);
  });

  it("an edge to an entry pinned by a fork resolves to each candidate", async () => {
    const text = [
      "numpy==1.24.4 ; python_version < '3.9'",
      "    # via pandas",
      "numpy==1.26.4 ; python_version >= '3.9'",
      "    # via pandas",
      "pandas==2.0.3",
      "    # via -r requirements.in",
    ].join("\n");
    const { packages } = await extractText(requirementsExtractor, "requirements.txt", text);
    expect(one(packages, "pandas").dependencies).toEqual([
      { name: "numpy", version: "1.24.4" },
      { name: "numpy", version: "1.26.4" },
    ]);
    expect(byName(packages, "numpy").map((p) => p.direct)).toEqual([false, false]);
  });
  it("a human comment that starts with `via` is not an annotation", async () => {
    const text = "flask==3.0.2\n# via the admin console, see docs\nclick==8.1.7\n    # via\n\nrich==13.7.1\n";
    const { packages } = await extractText(requirementsExtractor, "requirements.txt", text);
    expect(packages.map((p) => [p.name, p.direct, p.dependencies])).toEqual([
      ["flask", true, undefined],
      ["click", true, undefined],
      ["rich", true, undefined],
    ]);
  });
});

describe("requirements: includes and constraints", () => {
  it("reads -r includes relative to the including file, with their own file and lines", async () => {
    const { packages, warnings } = await extractFile(
      requirementsExtractor,
      fixture("includes/requirements/dev.txt"),
    );
    expect(warnings).toBeUndefined();
    expect(packages.map((p) => [p.name, p.version, (p as { file?: string }).file, p.line])).toEqual([
      ["fastapi", "0.110.0", "base.txt", 3],
      ["uvicorn", "0.29.0", "base.txt", 4],
      ["pydantic", "2.6.4", "base.txt", 5],
      ["pytest", "8.1.1", "test.txt", 1],
      ["pytest-cov", "4.1.0", "test.txt", 2],
      ["mypy", "1.9.0", undefined, 3],
    ]);
    // constraint pins give versions; the requirement is then exact
    expect(one(packages, "uvicorn")).toEqual({
      name: "uvicorn",
      version: "0.29.0",
      extras: ["standard"],
      line: 4,
      direct: true,
      file: "base.txt",
    });
    // a package only in the constraints file is not a component
    expect(byName(packages, "httpx")).toEqual([]);
  });

  it("guards include cycles", async () => {
    const { packages, warnings } = await extractFile(
      requirementsExtractor,
      fixture("cycle/requirements-a.txt"),
    );
    expect(packages.map((p) => [p.name, (p as { file?: string }).file])).toEqual([
      ["alpha", undefined],
      ["beta", "requirements-b.txt"],
    ]);
    expect(warnings).toEqual([
      'requirements-b.txt:2: "requirements-a.txt" includes itself (include cycle); not read again',
    ]);
  });

  it("reads a file included twice only once", async () => {
    const { packages } = await extractText(
      requirementsExtractor,
      "requirements.txt",
      "-r base.txt\n-rbase.txt\n",
      {
        "base.txt": "six==1.16.0\n",
      },
    );
    expect(packages.map((p) => p.name)).toEqual(["six"]);
  });

  it("a missing include is an InputError at the including line", async () => {
    const err = await errorOf(
      extractText(requirementsExtractor, "requirements.txt", "six==1.16.0\n-r missing.txt\n"),
    );
    expect(err.file).toBe("requirements.txt");
    expect(err.position).toEqual({ line: 2 });
    expect(err.message).toBe(
      'requirements.txt:2: cannot read requirements file "missing.txt" included here: no such file',
    );
    const c = await errorOf(
      extractText(requirementsExtractor, "requirements.txt", "--constraint nope.txt\n"),
    );
    expect(c.message).toBe(
      'requirements.txt:1: cannot read constraints file "nope.txt" included here: no such file',
    );
  });

  it("does not fetch remote includes or expand environment variables in include paths", async () => {
    const { packages, warnings } = await extractText(
      requirementsExtractor,
      "requirements.txt",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a ${VAR} written in the file
      "-r https://example.com/reqs.txt\n-c ${CONSTRAINTS}/c.txt\nsix\n",
    );
    expect(packages.map((p) => p.name)).toEqual(["six"]);
    expect(warnings).toEqual([
      'requirements.txt:1: remote requirements file "https://example.com/reqs.txt" not read',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a ${VAR} written in the file
      'requirements.txt:2: constraints file "${CONSTRAINTS}/c.txt" uses an environment variable; not read',
    ]);
  });

  it("ignores editables and unpinned entries in constraints files", async () => {
    const { packages } = await extractText(
      requirementsExtractor,
      "requirements.txt",
      "-c c.txt\nsix\nattrs\n",
      {
        "c.txt": "-e ./local\nsix>=1\nattrs===23.2.0\n",
      },
    );
    expect(packages.map((p) => [p.name, p.version, p.unpinned])).toEqual([
      ["six", null, { kind: "any", spec: "*" }],
      ["attrs", "23.2.0", undefined],
    ]);
  });
});

describe("requirements: malformed input", () => {
  const bad = async (text: string) => errorOf(extractText(requirementsExtractor, "requirements.txt", text));

  it("a line that is not a requirement is an InputError naming its line", async () => {
    const err = await bad("six==1.16.0\n\nflask = 2.0\n");
    expect(err.position).toEqual({ line: 3 });
    expect(err.message).toBe(
      'requirements.txt:3: expected a requirement (a name with an optional version specifier, a URL or a path) or an option, got "flask = 2.0"',
    );
    expect((await bad("[packages]\nrequests = '*'\n")).position).toEqual({ line: 1 });
    expect((await bad("requests>=2.0 and more\n")).position).toEqual({ line: 1 });
    expect((await bad("requests[security\n")).position).toEqual({ line: 1 });
    expect((await bad('{\n  "name": "not-requirements"\n}\n')).position).toEqual({ line: 1 });
  });

  it("reports unbalanced quotes in the options", async () => {
    const err = await bad("six==1.16.0 --global-option='unterminated\n");
    expect(err.message).toContain("unbalanced quotes in the options");
    expect(err.position).toEqual({ line: 1 });
  });

  it("errors in an included file name that file and its line", async () => {
    const err = await errorOf(
      extractText(requirementsExtractor, "requirements.txt", "-r base.txt\n", {
        "base.txt": "ok==1\nnot valid!\n",
      }),
    );
    expect(err.file).toBe("base.txt");
    expect(err.position).toEqual({ line: 2 });
  });
});

describe("dev requirements files", () => {
  it("packages of requirements-dev.txt, test-requirements.txt and requirements/lint.txt are dev", async () => {
    for (const name of ["requirements-dev.txt", "test-requirements.txt", "requirements_docs.txt"]) {
      const r = await extractText(requirementsExtractor, name, "pytest==8.0.0\n");
      expect(r.packages[0]?.scopes).toEqual(["dev"]);
    }
    expect(isDevFile("/p/requirements/lint.txt")).toBe(true);
    expect(isDevFile("/p/requirements/prod.txt")).toBe(false);
    expect(isDevFile("/p/requirements.txt")).toBe(false);
    expect(isDevFile("/p/requirements-latest.txt")).toBe(false);
    const prod = await extractText(requirementsExtractor, "requirements.txt", "flask==2.2.2\n");
    expect(prod.packages[0]?.scopes).toBeUndefined();
  });
});

describe("requirements: local project directories (real `-e .` and path requirements)", () => {
  it("leaves out the project itself and names local projects from their metadata", async () => {
    const r = await extractFile(requirementsExtractor, fixture("local-projects/requirements.txt"));
    expect(r.packages.map((p) => [p.name, p.unpinned?.kind ?? null, p.extras ?? null, p.line])).toEqual([
      ["acme-core", "editable", null, 5], // pyproject.toml [project] name
      ["acme_legacy", "path", null, 6], // setup.cfg [metadata] name
      ["acme.old", "editable", null, 7], // a literal name= in setup.py (not run)
      ["acme-auth", "editable", ["ldap"], 8], // [tool.poetry] name
      ["requests", null, null, 9],
    ]);
    expect(r.warnings).toBeUndefined();
    // their manifests are covered by this file (what they need is listed here)
    expect(r.workspaceMembers).toEqual(["libs/core", "libs/legacy", "libs/old", "plugins/auth"]);
  });

  it("reads paths in requirements/*.txt from the project's root, where pip is run", async () => {
    const r = await extractFile(requirementsExtractor, fixture("local-projects/requirements/dev.txt"));
    expect(r.packages.map((p) => [p.name, p.unpinned?.spec ?? p.version, p.scopes])).toEqual([
      ["acme-core", "./libs/core", ["dev"]],
      ["pytest", "8.3.4", ["dev"]],
    ]);
    expect(r.workspaceMembers).toBeUndefined(); // ../libs/core is not below requirements/
  });
});

describe("requirements: Rye lockfiles (openai/openai-python requirements.lock)", () => {
  it("matches requirements.lock and requirements-dev.lock, the latter as dev", () => {
    expect(requirementsExtractor.matchFile("requirements.lock", "/r/requirements.lock")).toBe(true);
    expect(requirementsExtractor.matchFile("requirements-dev.lock", "/r/requirements-dev.lock")).toBe(true);
    expect(requirementsExtractor.matchFile("poetry.lock", "/r/poetry.lock")).toBe(false);
    expect(isDevFile("/r/requirements-dev.lock")).toBe(true);
    expect(isDevFile("/r/requirements.lock")).toBe(false);
  });

  it("leaves out `-e file:.` and takes `# via <the project>` as direct", async () => {
    const r = await extractFile(requirementsExtractor, fixture("rye/requirements.lock"));
    expect(r.packages).toHaveLength(37);
    expect(r.packages.map((p) => p.name)).not.toContain("file:.");
    expect(r.warnings).toBeUndefined();
    const direct = r.packages.filter((p) => p.direct).map((p) => p.name);
    expect(direct).toEqual([
      "aiohttp",
      "anyio",
      "distro",
      "httpx",
      "httpx-aiohttp",
      "jiter",
      "numpy",
      "pandas",
      "pandas-stubs",
      "pydantic",
      "sniffio",
      "sounddevice",
      "tqdm",
      "typing-extensions",
      "websockets",
    ]);
    expect(one(r.packages, "certifi")).toMatchObject({ version: "2023.7.22", direct: false, line: 29 });
    expect(one(r.packages, "httpx").dependencies).toEqual([
      { name: "anyio", version: "4.1.0" },
      { name: "certifi", version: "2023.7.22" },
      { name: "httpcore", version: "1.0.2" },
      { name: "idna", version: "3.4" },
    ]);
  });
});

describe("long bad lines", () => {
  it("quotes at most 80 characters of the offending text", async () => {
    const e = await inputErrorOf(
      extractText(requirementsExtractor, "requirements.txt", `flask ${"x".repeat(5000)}\n`),
    );
    expect(e.message.length).toBeLessThan(300);
    expect(e.message).toMatch(/^requirements\.txt:1: expected a requirement .*got "flask x{71}\.\.\."$/);
  });
});
