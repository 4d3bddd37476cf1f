import { describe, expect, it } from "vitest";
import { extractError, extractFile, extractText } from "../../test-helpers/extract.js";
import { pipfileLockExtractor } from "./pipfile-lock.js";

const fixture = (name: string) =>
  new URL(`./__fixtures__/pipfile-lock/${name}/Pipfile.lock`, import.meta.url).pathname;

const errorOf = (text: string) => extractError(pipfileLockExtractor, "Pipfile.lock", text);

const lock = (body: Record<string, unknown>) =>
  JSON.stringify(
    { _meta: { hash: { sha256: "x" }, "pipfile-spec": 6, requires: {}, sources: [] }, ...body },
    null,
    4,
  );

describe("pipfile-lock", () => {
  it("matches only Pipfile.lock", () => {
    expect(pipfileLockExtractor.matchFile("Pipfile.lock", "/r/Pipfile.lock")).toBe(true);
    expect(pipfileLockExtractor.matchFile("Pipfile", "/r/Pipfile")).toBe(false);
  });

  it("reads default as prod and develop as dev, with versions, hashes, markers and key lines", async () => {
    const { packages } = await extractFile(pipfileLockExtractor, fixture("basic"));
    expect(packages).toEqual([
      {
        name: "certifi",
        version: "2024.2.2",
        // in both sections: one package with both scopes
        scopes: ["prod", "dev"],
        line: 19,
        hashes: [
          "sha256:0569859f95fc761b18b45ef421b1290a0f65f147e92a1e5eb3e635f9a5e4e66f",
          "sha256:dc383c07b76109f368f6106eee2b593b04a011ea4d55f652c6ca24a754d1cdd1",
        ],
        markers: "python_version >= '3.6'",
      },
      {
        name: "requests",
        version: "2.31.0",
        scopes: ["prod"],
        line: 28,
        hashes: ["sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f"],
        extras: ["socks"],
      },
      {
        name: "pendulum",
        version: null,
        scopes: ["prod"],
        line: 38,
        unpinned: {
          kind: "vcs",
          spec: "https://github.com/sdispater/pendulum.git@9a1e5ed2d1e8a9b9ae8e7d7c9e0a0f3b6d1c2e4f",
        },
      },
      {
        name: "mylib",
        version: null,
        scopes: ["prod"],
        line: 42,
        unpinned: { kind: "editable", spec: "./libs/mylib" },
      },
      {
        name: "remote",
        version: "1.1.0",
        scopes: ["prod"],
        line: 46,
        unpinned: { kind: "url", spec: "https://example.com/packages/remote-1.1.0.tar.gz" },
        resolved: "https://example.com/packages/remote-1.1.0.tar.gz",
        hashes: ["sha256:1111111111111111111111111111111111111111111111111111111111111111"],
      },
      { name: "six", version: "1.16.0", scopes: ["prod"], line: 52 },
      {
        name: "pytest",
        version: "8.0.2",
        scopes: ["dev"],
        line: 67,
        hashes: ["sha256:2a8386cfc11fa9d2c50ee7b2a57e7d898ef90470a7a34c4b949ff59662bb78b7"],
        markers: "python_version >= '3.8'",
      },
    ]);
    expect(packages.every((p) => p.direct === undefined && p.dependencies === undefined)).toBe(true);
  });

  it("reads custom categories as dev", async () => {
    const { packages } = await extractFile(pipfileLockExtractor, fixture("categories"));
    expect(packages.map((p) => [p.name, p.version, p.scopes, p.line])).toEqual([
      ["flask", "3.0.2", ["prod"], 9],
      ["sphinx", "7.2.6", ["dev"], 13],
    ]);
  });

  it("keeps separate entries when a name is locked at different versions in two categories", async () => {
    const text = lock({
      default: { idna: { version: "==3.6" } },
      develop: { idna: { version: "==3.7" } },
      docs: { idna: { version: "==3.6" } },
    });
    const { packages } = await extractText(pipfileLockExtractor, "Pipfile.lock", text);
    expect(packages.map((p) => [p.name, p.version, p.scopes])).toEqual([
      ["idna", "3.6", ["prod", "dev"]],
      ["idna", "3.7", ["dev"]],
    ]);
  });

  it("keeps a version on a VCS entry, and reads `===` and non-exact versions", async () => {
    const text = lock({
      default: {
        forked: { git: "https://github.com/acme/forked.git", ref: "abc123", version: "==1.0.0" },
        legacy: { version: "===2013b" },
        loose: { version: ">=1.0" },
        wild: { version: "*" },
        hgpkg: { hg: "https://hg.example.com/repo" },
      },
      develop: {},
    });
    const { packages } = await extractText(pipfileLockExtractor, "Pipfile.lock", text);
    expect(packages.map((p) => [p.name, p.version, p.unpinned])).toEqual([
      ["forked", "1.0.0", { kind: "vcs", spec: "https://github.com/acme/forked.git@abc123" }],
      ["legacy", "2013b", undefined],
      ["loose", null, { kind: "range", spec: ">=1.0" }],
      ["wild", null, { kind: "any", spec: "*" }],
      ["hgpkg", null, { kind: "vcs", spec: "https://hg.example.com/repo" }],
    ]);
  });

  it("reads a lock with empty sections as no packages", async () => {
    const { packages } = await extractText(
      pipfileLockExtractor,
      "Pipfile.lock",
      lock({ default: {}, develop: {} }),
    );
    expect(packages).toEqual([]);
  });

  it("rejects truncated JSON with its position", async () => {
    const text = lock({ default: { six: { version: "==1.16.0" } }, develop: {} });
    const err = await errorOf(text.slice(0, text.length - 20));
    expect(err.message).toMatch(/^Pipfile\.lock:\d+:\d+: invalid JSON: /);
    expect(err.position?.line).toBeGreaterThan(1);
    expect((await errorOf("")).message).toMatch(/^Pipfile\.lock:1:1: invalid JSON: /);
  });

  it("rejects another JSON document under the name", async () => {
    const err = await errorOf('{\n  "name": "app",\n  "lockfileVersion": 3,\n  "packages": {}\n}\n');
    expect(err.message).toBe(
      'Pipfile.lock:1: not a Pipfile.lock: expected a JSON object with "_meta" and "default" objects (pipenv lock format)',
    );
    expect((await errorOf("[]")).detail).toContain("not a Pipfile.lock");
    expect((await errorOf('{"_meta": {}}')).detail).toContain("not a Pipfile.lock");
  });

  it("rejects wrong types, naming the entry and its line", async () => {
    const version = await errorOf(lock({ default: { six: { version: 1.16 } }, develop: {} }));
    expect(version.message).toBe(
      "Pipfile.lock:11: not a valid Pipfile.lock: default.six.version: expected a string, got a number",
    );
    const hashes = await errorOf(
      lock({ default: {}, develop: { pytest: { version: "==8.0.0", hashes: "sha256:x" } } }),
    );
    expect(hashes.message).toBe(
      "Pipfile.lock:12: not a valid Pipfile.lock: develop.pytest.hashes: expected an array of strings, got a string",
    );
    const entry = await errorOf(lock({ default: { six: "==1.16.0" }, develop: {} }));
    expect(entry.message).toBe(
      "Pipfile.lock:10: not a valid Pipfile.lock: default.six: expected an object, got a string",
    );
    const develop = await errorOf(lock({ default: {}, develop: [] }));
    expect(develop.detail).toBe(
      "not a valid Pipfile.lock: develop: expected an object of packages, got an array",
    );
  });
});

describe("pipfile-lock: local projects (real pipenv 2022.12 output)", () => {
  it("leaves out the project itself (`-e .`) and reports local project directories as covered", async () => {
    const r = await extractText(
      pipfileLockExtractor,
      "Pipfile.lock",
      lock({
        default: {
          myproject: { editable: true, path: "." },
          localdir: { editable: true, path: "./libs/localdir" },
          vendored: { path: "./vendor/vendored-1.0-py3-none-any.whl" },
          requests: { hashes: ["sha256:aa"], index: "pypi", version: "==2.31.0" },
        },
        develop: {},
      }),
    );
    expect(r.packages.map((p) => [p.name, p.version, p.unpinned?.kind])).toEqual([
      ["localdir", null, "editable"],
      ["vendored", "1.0", "path"],
      ["requests", "2.31.0", undefined],
    ]);
    expect(r.workspaceMembers).toEqual(["libs/localdir"]);
  });
});
