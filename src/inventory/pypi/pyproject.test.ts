import { describe, expect, it } from "vitest";
import { extractError, extractFile, extractText } from "../../test-helpers/extract.js";
import type { ExtractedPackage } from "../model.js";
import { pyprojectExtractor, tomlPath, tomlValueLines } from "./pyproject.js";

const fixture = (name: string) =>
  new URL(`./__fixtures__/pyproject/${name}/pyproject.toml`, import.meta.url).pathname;
const summary = (packages: ExtractedPackage[]) =>
  packages.map((p) => [p.name, p.version, p.scopes?.join(","), p.line, p.unpinned?.kind ?? "exact"]);

const errorOf = (text: string) => extractError(pyprojectExtractor, "pyproject.toml", text);

describe("tomlValueLines", () => {
  it("maps keys, table headers and array elements to their lines in one pass", () => {
    const text = [
      "# [fake.header] in a comment",
      "title = '''",
      "multi-line [literal]",
      "'''",
      "[project]",
      'name = "x"',
      'description = """a "quoted" \\',
      '  text [not a table]"""',
      "dependencies = [",
      '  "a>=1",  # comment, with [brackets]',
      "  'b',",
      '  "c ; python_version < \\"3.9\\"",',
      "]",
      "",
      '[tool.poetry.dependencies."weird.name"]',
      'version = "1"',
      "[[tool.pdm.source]]",
      'url = "https://one"',
      "[[tool.pdm.source]]",
      "url = { x = [1, 2], y = 1979-05-27 07:32:00 }",
      "tool.uv.dev-dependencies = [",
      '  "pytest",',
      "]",
      "dotted . key = 1",
    ].join("\n");
    const lines = tomlValueLines(text);
    expect(lines.get(tomlPath("title"))).toBe(2);
    expect(lines.get(tomlPath("project"))).toBe(5);
    expect(lines.get(tomlPath("project", "name"))).toBe(6);
    expect(lines.get(tomlPath("project", "description"))).toBe(7);
    expect(lines.get(tomlPath("project", "dependencies"))).toBe(9);
    expect(lines.get(tomlPath("project", "dependencies", 0))).toBe(10);
    expect(lines.get(tomlPath("project", "dependencies", 1))).toBe(11);
    expect(lines.get(tomlPath("project", "dependencies", 2))).toBe(12);
    expect(lines.get(tomlPath("project", "dependencies", 3))).toBeUndefined();
    expect(lines.get(tomlPath("tool", "poetry", "dependencies", "weird.name"))).toBe(15);
    expect(lines.get(tomlPath("tool", "poetry", "dependencies", "weird.name", "version"))).toBe(16);
    expect(lines.get(tomlPath("tool", "pdm", "source", 0, "url"))).toBe(18);
    expect(lines.get(tomlPath("tool", "pdm", "source", 1))).toBe(19);
    expect(lines.get(tomlPath("tool", "pdm", "source", 1, "url", "y"))).toBe(20);
    expect(lines.get(tomlPath("tool", "pdm", "source", 1, "dotted"))).toBe(24);
    expect(lines.get(tomlPath("tool", "pdm", "source", 1, "tool", "uv", "dev-dependencies", 0))).toBe(22);
    expect(lines.get(tomlPath("tool", "pdm", "source", 1, "dotted", "key"))).toBe(24);
    expect(lines.has(tomlPath("fake", "header"))).toBe(false);
    expect(lines.has(tomlPath("not a table"))).toBe(false);
  });
});

describe("pyproject", () => {
  it("matches only pyproject.toml", () => {
    expect(pyprojectExtractor.matchFile("pyproject.toml", "/r/pyproject.toml")).toBe(true);
    expect(pyprojectExtractor.matchFile("poetry.lock", "/r/poetry.lock")).toBe(false);
  });

  it("reads PEP 621 dependencies, optional dependencies and PEP 735 groups", async () => {
    const { packages, warnings } = await extractFile(pyprojectExtractor, fixture("pep621"));
    expect(warnings).toBeUndefined();
    expect(summary(packages)).toEqual([
      ["httpx", null, "prod", 11, "range"],
      ["pydantic", "2.6.4", "prod", 12, "exact"],
      ["tomli", null, "prod", 13, "range"],
      ["attrs", null, "prod", 14, "any"],
      ["internal-sdk", null, "prod", 15, "vcs"],
      ["localwheel", "0.1.0", "prod", 16, "path"],
      ["remote", "2.0.0", "prod", 17, "url"],
      ["rich", null, "optional", 21, "range"],
      ["typer", "0.9.0", "optional", 21, "exact"],
      // "acme-service[cli]" is the project itself (Acme_Service): not a component
      ["orjson", null, "optional", 22, "any"],
      ["pytest", null, "dev", 25, "range"],
      ["coverage", "7.4.4", "dev", 25, "exact"],
      ["ruff", "0.3.4", "dev", 26, "exact"],
      // include-group entries are resolved, not repeated
      ["ipython", null, "dev", 30, "any"],
    ]);
    expect(packages.every((p) => p.direct === true)).toBe(true);
    expect(packages[1]).toEqual({
      name: "pydantic",
      version: "2.6.4",
      extras: ["email"],
      direct: true,
      scopes: ["prod"],
      line: 12,
    });
    expect(packages[2]!.markers).toBe('python_version < "3.11"');
    expect(packages[4]!.unpinned).toEqual({
      kind: "vcs",
      spec: "git+https://github.com/acme/internal-sdk.git@v3.2.1",
    });
    expect(packages[6]).toMatchObject({
      resolved:
        "https://example.com/dist/remote-2.0.0.tar.gz#sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      hashes: ["sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"],
    });
  });

  it("reads Poetry dependencies, dev-dependencies and groups", async () => {
    const { packages } = await extractFile(pyprojectExtractor, fixture("poetry"));
    expect(summary(packages)).toEqual([
      // `python` is not a package
      ["requests", null, "prod", 9, "range"],
      // a bare version is `==`
      ["Django", "4.2.11", "prod", 10, "exact"],
      ["celery", "5.3.6", "prod", 11, "exact"],
      ["flask", null, "prod", 12, "any"],
      ["pendulum", null, "prod", 13, "vcs"],
      ["my-local", null, "prod", 14, "editable"],
      ["vendored", "1.2.0", "prod", 15, "path"],
      ["remote", "3.1.0", "prod", 16, "url"],
      ["boto3", null, "optional", 17, "range"],
      // multiple-constraint lists: one entry per constraint
      ["numpy", "1.24.4", "prod", 19, "exact"],
      ["numpy", null, "prod", 20, "range"],
      ["urllib3", null, "prod", 22, "range"],
      ["pytz", null, "prod", 23, "range"],
      ["black", null, "dev", 26, "range"],
      ["pytest", "8.1.1", "dev", 29, "exact"],
      ["pytest-mock", null, "dev", 30, "any"],
      ["structlog", null, "prod", 33, "range"],
      ["mkdocs", "1.5.3", "dev", 39, "exact"],
    ]);
    const get = (name: string) => packages.find((p) => p.name === name)!;
    expect(get("requests").unpinned).toEqual({ kind: "range", spec: "^2.31" });
    expect(get("celery").extras).toEqual(["redis"]);
    expect(get("pendulum").unpinned).toEqual({
      kind: "vcs",
      spec: "https://github.com/sdispater/pendulum.git@develop",
    });
    expect(get("my-local").unpinned).toEqual({ kind: "editable", spec: "../my-local" });
    expect(get("remote").resolved).toBe("https://example.com/remote-3.1.0-py3-none-any.whl");
    expect(get("pytz").unpinned).toEqual({ kind: "range", spec: "2024.*" });
    expect(packages[10]!.markers).toBe("platform_machine != 'armv7l'");
  });

  it("Poetry 2: [tool.poetry.dependencies] only enriches [project] dependencies", async () => {
    const { packages } = await extractFile(pyprojectExtractor, fixture("poetry2"));
    expect(packages).toEqual([
      {
        name: "requests",
        version: null,
        unpinned: { kind: "range", spec: ">=2.31,<3.0" },
        direct: true,
        scopes: ["prod"],
        line: 6,
      },
      {
        name: "private-lib",
        version: null,
        unpinned: { kind: "any", spec: "*" },
        direct: true,
        scopes: ["prod"],
        line: 7,
      },
      {
        name: "mylib",
        version: null,
        unpinned: { kind: "vcs", spec: "https://github.com/acme/mylib.git@v1.0.0" },
        direct: true,
        scopes: ["prod"],
        line: 8,
      },
      {
        name: "pytest",
        version: null,
        unpinned: { kind: "range", spec: "^8.0" },
        direct: true,
        scopes: ["dev"],
        line: 19,
      },
    ]);
  });

  it("uv: dev-dependencies, sources replace the registry, workspace members are not components", async () => {
    const { packages } = await extractFile(pyprojectExtractor, fixture("uv"));
    expect(summary(packages)).toEqual([
      ["fastapi", null, "prod", 6, "vcs"],
      ["shared-lib", null, "prod", 7, "editable"],
      ["forked", null, "prod", 8, "vcs"],
      ["pytest", null, "dev", 13, "range"],
      ["mypy", "1.9.0", "dev", 14, "exact"],
    ]);
    expect(packages[0]!.unpinned).toEqual({
      kind: "vcs",
      spec: "https://github.com/tiangolo/fastapi@0.110.0",
    });
    expect(packages[1]!.unpinned).toEqual({ kind: "editable", spec: "../shared-lib" });
  });

  it("PDM: dev-dependencies groups, editable entries", async () => {
    const { packages } = await extractFile(pyprojectExtractor, fixture("pdm"));
    expect(summary(packages)).toEqual([
      ["click", null, "prod", 4, "range"],
      ["pytest", null, "dev", 8, "range"],
      ["helper", null, "dev", 9, "editable"],
      ["devtool", null, "dev", 10, "vcs"],
      ["flake8", "7.0.0", "dev", 12, "exact"],
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a ${VAR} written in the file
    expect(packages[2]!.unpinned?.spec).toBe("file:///${PROJECT_ROOT}/packages/helper#egg=helper");
  });

  it("Rye: [tool.rye] dev-dependencies (openai/openai-python, locked in requirements-dev.lock)", async () => {
    const { packages, warnings } = await extractFile(pyprojectExtractor, fixture("rye"));
    expect(warnings).toBeUndefined();
    expect(packages.filter((p) => p.scopes?.[0] === "prod").map((p) => p.name)).toEqual([
      "httpx",
      "pydantic",
      "typing-extensions",
      "anyio",
      "distro",
      "sniffio",
    ]);
    expect(summary(packages.filter((p) => p.scopes?.[0] !== "prod")).slice(0, 4)).toEqual([
      ["aiohttp", null, "optional", 21, "any"],
      ["httpx_aiohttp", null, "optional", 21, "range"],
      ["websockets", null, "optional", 22, "range"],
      ["pyright", "1.1.399", "dev", 28, "exact"],
    ]);
    expect(packages.find((p) => p.name === "websockets")?.unpinned?.spec).toBe(">=13,<16");
    expect(packages.filter((p) => p.scopes?.[0] === "dev")).toHaveLength(13);
  });

  it("a pyproject without dependency tables has no packages", async () => {
    expect(await extractFile(pyprojectExtractor, fixture("tools-only"))).toEqual({ packages: [] });
    expect(await extractText(pyprojectExtractor, "pyproject.toml", "")).toEqual({ packages: [] });
  });

  it("warns when dependencies are dynamic", async () => {
    const { packages, warnings } = await extractText(
      pyprojectExtractor,
      "pyproject.toml",
      '[project]\nname = "dyn"\ndynamic = ["version", "dependencies"]\n',
    );
    expect(packages).toEqual([]);
    expect(warnings).toEqual([
      "[project] dependencies are dynamic (computed by the build backend from other files); not read",
    ]);
  });

  it("rejects invalid TOML with its position", async () => {
    const err = await errorOf('[project]\nname = "x"\ndependencies = ["a",\n');
    expect(err.message).toMatch(/^pyproject\.toml:\d+:\d+: invalid TOML: /);
    expect((await errorOf("[project\nname='x'\n")).position?.line).toBe(1);
  });

  it("rejects wrong types and invalid requirements, naming the table and key", async () => {
    const notArray = await errorOf('[project]\nname = "x"\ndependencies = "requests"\n');
    expect(notArray.message).toBe(
      "pyproject.toml:3: not a valid pyproject.toml: project.dependencies: expected an array of PEP 508 strings, got a string",
    );
    const notString = await errorOf('[project]\nname = "x"\ndependencies = [\n  "requests",\n  42,\n]\n');
    expect(notString.message).toBe(
      "pyproject.toml:5: not a valid pyproject.toml: project.dependencies[1]: expected a PEP 508 string, got a number",
    );
    const invalid = await errorOf('[project.optional-dependencies]\ndocs = ["sphinx", "furo = 2024"]\n');
    expect(invalid.message).toBe(
      'pyproject.toml:2: not a valid pyproject.toml: project.optional-dependencies.docs[1]: expected a PEP 508 requirement, got "furo = 2024"',
    );
    const project = await errorOf('project = "x"\n');
    expect(project.detail).toBe("not a valid pyproject.toml: project: expected a table, got a string");
    const poetry = await errorOf("[tool.poetry.dependencies]\nrequests = 2\n");
    expect(poetry.message).toBe(
      "pyproject.toml:2: not a valid pyproject.toml: tool.poetry.dependencies.requests: expected a version constraint string or a table, got a number",
    );
    const poetryExtras = await errorOf(
      '[tool.poetry.group.dev.dependencies]\nx = {version = "*", extras = "a"}\n',
    );
    expect(poetryExtras.detail).toBe(
      "not a valid pyproject.toml: tool.poetry.group.dev.dependencies.x.extras: expected an array of strings, got a string",
    );
  });

  it("checks PEP 735 includes: unknown groups, cycles, bad entries", async () => {
    const missing = await errorOf('[dependency-groups]\ntest = ["pytest", {include-group = "lint"}]\n');
    expect(missing.message).toBe(
      'pyproject.toml:2: not a valid pyproject.toml: dependency-groups.test[1]: include-group "lint" names no group',
    );
    const cycle = await errorOf(
      '[dependency-groups]\na = [{include-group = "b"}]\nb = [{include-group = "c"}]\nc = [{include-group = "A"}]\n',
    );
    expect(cycle.detail).toBe(
      "not a valid pyproject.toml: dependency-groups.a: include-group cycle: a -> b -> c -> a",
    );
    const entry = await errorOf('[dependency-groups]\ntest = [{include = "lint"}]\n');
    expect(entry.detail).toBe(
      'not a valid pyproject.toml: dependency-groups.test[0]: expected a PEP 508 string or {include-group = "<group>"}, got a table',
    );
    const dup = await errorOf('[dependency-groups]\nTest = ["a"]\ntest = ["b"]\n');
    expect(dup.detail).toBe(
      'not a valid pyproject.toml: dependency-groups.test: duplicate group name (same as "Test" after normalisation)',
    );
  });
});
