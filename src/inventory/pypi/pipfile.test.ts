import { describe, expect, it } from "vitest";
import { extractError, extractFile, extractText } from "../../test-helpers/extract.js";
import { pipfileExtractor } from "./pipfile.js";

const fixture = (name: string) => new URL(`./__fixtures__/pipfile/${name}/Pipfile`, import.meta.url).pathname;

const errorOf = (text: string) => extractError(pipfileExtractor, "Pipfile", text);

describe("pipfile", () => {
  it("matches only Pipfile", () => {
    expect(pipfileExtractor.matchFile("Pipfile", "/r/Pipfile")).toBe(true);
    expect(pipfileExtractor.matchFile("Pipfile.lock", "/r/Pipfile.lock")).toBe(false);
    expect(pipfileExtractor.matchFile("pipfile", "/r/pipfile")).toBe(false);
  });

  it("reads [packages] as prod and [dev-packages] as dev, every entry direct, with key lines", async () => {
    const { packages, warnings } = await extractFile(pipfileExtractor, fixture("basic"));
    expect(warnings).toBeUndefined();
    expect(packages).toEqual([
      {
        name: "requests",
        version: null,
        direct: true,
        scopes: ["prod"],
        line: 12,
        unpinned: { kind: "any", spec: "*" },
      },
      { name: "django", version: "4.2.11", direct: true, scopes: ["prod"], line: 13 },
      // a bare version means `==`
      { name: "zope.interface", version: "6.2", direct: true, scopes: ["prod"], line: 14 },
      {
        name: "celery",
        version: null,
        direct: true,
        scopes: ["prod"],
        line: 15,
        unpinned: { kind: "range", spec: ">=5.3,<6" },
        extras: ["redis", "sqs"],
      },
      // marker variables given as keys become markers
      {
        name: "pywin32",
        version: "306",
        direct: true,
        scopes: ["prod"],
        line: 16,
        markers: "sys_platform == 'win32'",
      },
      {
        name: "gunicorn",
        version: null,
        direct: true,
        scopes: ["prod"],
        line: 17,
        unpinned: { kind: "any", spec: "*" },
        markers: "os_name != 'nt' and platform_machine != 'armv7l'",
      },
      { name: "internal-lib", version: "1.0.2", direct: true, scopes: ["prod"], line: 18 },
      {
        name: "pendulum",
        version: null,
        direct: true,
        scopes: ["prod"],
        line: 19,
        unpinned: { kind: "vcs", spec: "https://github.com/sdispater/pendulum.git@2.1.2" },
      },
      {
        name: "mylib",
        version: null,
        direct: true,
        scopes: ["prod"],
        line: 20,
        unpinned: { kind: "editable", spec: "./libs/mylib" },
      },
      {
        name: "vendored",
        version: "0.9.0",
        direct: true,
        scopes: ["prod"],
        line: 21,
        unpinned: { kind: "path", spec: "./vendor/vendored-0.9.0-py3-none-any.whl" },
      },
      {
        name: "remote",
        version: "1.1.0",
        direct: true,
        scopes: ["prod"],
        line: 22,
        unpinned: { kind: "url", spec: "https://example.com/packages/remote-1.1.0.tar.gz" },
        resolved: "https://example.com/packages/remote-1.1.0.tar.gz",
      },
      {
        name: "pytest",
        version: null,
        direct: true,
        scopes: ["dev"],
        line: 25,
        unpinned: { kind: "range", spec: ">=8.0" },
      },
      { name: "black", version: "24.2.0", direct: true, scopes: ["dev"], line: 26, extras: ["d"] },
    ]);
  });

  it("reads custom package categories as dev", async () => {
    const { packages } = await extractFile(pipfileExtractor, fixture("custom-categories"));
    expect(packages.map((p) => [p.name, p.version, p.scopes, p.line])).toEqual([
      ["flask", null, ["prod"], 2],
      ["sphinx", "7.2.6", ["dev"], 5],
      ["ruff", null, ["dev"], 8],
    ]);
  });

  it("finds lines for quoted keys, sub-tables and dotted keys", async () => {
    const text = [
      "[packages]",
      '"Flask-Login" = "==0.6.3"',
      "",
      "[packages.sqlalchemy]",
      'version = "==2.0.29"',
      'extras = ["asyncio"]',
      "",
      "[dev-packages]",
      'mypy.version = "==1.9.0"',
      "ruff = '*'  # [packages] in a comment",
    ].join("\n");
    const { packages } = await extractText(pipfileExtractor, "Pipfile", text);
    expect(packages.map((p) => [p.name, p.version, p.line, p.extras])).toEqual([
      ["Flask-Login", "0.6.3", 2, undefined],
      ["sqlalchemy", "2.0.29", 4, ["asyncio"]],
      ["mypy", "1.9.0", 9, undefined],
      ["ruff", null, 10, undefined],
    ]);
  });

  it("reads an empty Pipfile, or one without packages, as no packages", async () => {
    expect((await extractText(pipfileExtractor, "Pipfile", "")).packages).toEqual([]);
    const onlySource =
      '[[source]]\nurl = "https://pypi.org/simple"\nname = "pypi"\n\n[requires]\npython_version = "3.12"\n';
    expect((await extractText(pipfileExtractor, "Pipfile", onlySource)).packages).toEqual([]);
  });

  it("rejects invalid TOML with its position", async () => {
    const err = await errorOf('[packages]\nrequests = "*"\ndjango = \n');
    expect(err.message).toMatch(/^Pipfile:3:\d+: invalid TOML: /);
    expect(err.position?.line).toBe(3);
  });

  it("rejects wrong types, naming the key and its line", async () => {
    const notTable = await errorOf('packages = "requests"\n');
    expect(notTable.message).toBe(
      "Pipfile:1: not a valid Pipfile: packages: expected a table of packages, got a string",
    );

    const number = await errorOf("[packages]\nrequests = '*'\ndjango = 4\n");
    expect(number.message).toBe(
      "Pipfile:3: not a valid Pipfile: packages.django: expected a version string or a table, got a number",
    );

    const extras = await errorOf('[dev-packages]\nblack = {version = "*", extras = "d"}\n');
    expect(extras.message).toBe(
      "Pipfile:2: not a valid Pipfile: dev-packages.black.extras: expected an array of strings, got a string",
    );

    const version = await errorOf("[packages]\nrequests = {version = 2}\n");
    expect(version.message).toBe(
      "Pipfile:2: not a valid Pipfile: packages.requests.version: expected a string, got a number",
    );

    const bogus = await errorOf('[packages]\nrequests = "the latest one"\n');
    expect(bogus.message).toBe(
      'Pipfile:2: not a valid Pipfile: packages.requests: expected a version specifier, got "the latest one"',
    );
  });

  it("rejects a different format under the name", async () => {
    const err = await errorOf('{"default": {}, "_meta": {}}');
    expect(err.message).toMatch(/^Pipfile:1:\d+: invalid TOML: /);
  });
});

describe("pipfile: the project itself", () => {
  it('leaves out `{path = ".", editable = true}` (pipenv install -e .), keeps other paths', async () => {
    const r = await extractText(
      pipfileExtractor,
      "Pipfile",
      '[packages]\nmyproject = {path = ".", editable = true}\nlocaldir = {path = "./libs/localdir", editable = true}\n',
    );
    expect(r.packages.map((p) => [p.name, p.unpinned])).toEqual([
      ["localdir", { kind: "editable", spec: "./libs/localdir" }],
    ]);
  });
});
