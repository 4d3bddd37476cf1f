import { describe, expect, it } from "vitest";
import { InputError } from "../../errors.js";
import { extractFile, extractText } from "../../test-helpers/extract.js";
import { cyclonedxExtractor } from "./cyclonedx.js";

const fixture = (name: string): string =>
  new URL(`./__fixtures__/cyclonedx/${name}`, import.meta.url).pathname;

async function failure(name: string, text: string): Promise<InputError> {
  try {
    await extractText(cyclonedxExtractor, name, text);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

const bom = (spec: string, rest: Record<string, unknown> = {}): string =>
  JSON.stringify({ bomFormat: "CycloneDX", specVersion: spec, version: 1, ...rest }, null, 2);

describe("cyclonedxExtractor.matchFile", () => {
  it("matches the recognised CycloneDX JSON file names only", () => {
    for (const n of [
      "bom.json",
      "sbom.json",
      "app.cdx.json",
      "app.bom.json",
      "app.cyclonedx.json",
      "BOM.JSON",
    ]) {
      expect(cyclonedxExtractor.matchFile(n, `/x/${n}`)).toBe(true);
    }
    for (const n of ["bom.xml", "app.cdx.xml", "package.json", "app.spdx.json", "mybom.json"]) {
      expect(cyclonedxExtractor.matchFile(n, `/x/${n}`)).toBe(false);
    }
  });
});

describe("cyclonedxExtractor on cyclonedx-npm output (spec 1.6)", () => {
  it("reads nested components, hashes, scopes, edges and direct dependencies from the root", async () => {
    const result = await extractFile(cyclonedxExtractor, fixture("npm.cdx.json"));
    expect(result.warnings).toBeUndefined();
    expect(result.packages).toEqual([
      {
        ecosystem: "npm",
        name: "express",
        version: "4.19.2",
        line: 25,
        scopes: ["prod"],
        hashes: [
          "sha512:5ea5f7a8a4c5d3e2a9c3c6a2d27dfc8ad58f0d1bb6cbd3a6e6ba30d4a6b1a86e0bd3caff7d9d3f2d5b03a4b8b72c3ac4f5d3b8f0a1c1e48b8fb8bc6d5e6c4a3b",
        ],
        resolved: "https://registry.npmjs.org/express/-/express-4.19.2.tgz",
        // the unknown ref "not-in-this-bom@1.0.0" is dropped
        dependencies: [
          { name: "debug", version: "2.6.9" },
          { name: "ms", version: "2.1.2" },
        ],
        direct: true,
      },
      {
        ecosystem: "npm",
        name: "debug",
        version: "2.6.9",
        line: 44, // nested in express's components
        scopes: ["prod"],
        dependencies: [{ name: "ms", version: "2.1.2" }], // listed twice, kept once
        direct: false,
      },
      {
        ecosystem: "npm",
        name: "debug",
        version: "4.3.4",
        line: 55,
        scopes: ["prod"],
        hashes: ["sha1:1319f6579357f2338d3337d2cdd4914bb5dcc865"],
        dependencies: [{ name: "ms", version: "2.1.2" }],
        direct: false,
      },
      {
        ecosystem: "npm",
        name: "@babel/core", // pkg:npm/%40babel/core
        version: "7.24.5",
        line: 64,
        scopes: ["dev"], // cdx:npm:package:development
        dependencies: [{ name: "debug", version: "4.3.4" }],
        direct: true,
      },
      { ecosystem: "npm", name: "fsevents", version: "2.3.3", line: 77, scopes: ["optional"], direct: true },
      {
        ecosystem: "npm",
        name: "left-pad",
        version: "1.3.0",
        line: 85,
        scopes: ["dev"], // scope "excluded"
        resolved: "git+ssh://git@github.com/left-pad/left-pad.git#5e9a9e8",
        unpinned: { kind: "vcs", spec: "git+ssh://git@github.com/left-pad/left-pad.git#5e9a9e8" },
        direct: true,
      },
      { ecosystem: "npm", name: "ms", version: "2.1.2", line: 93, direct: false }, // no scope: not said
    ]);
  });
});

describe("cyclonedxExtractor on cyclonedx-py output (spec 1.5)", () => {
  it("reads PyPI components, Poetry groups, distribution hashes and workspace members of the root", async () => {
    const result = await extractFile(cyclonedxExtractor, fixture("python.bom.json"));
    expect(result.packages).toEqual([
      {
        ecosystem: "PyPI",
        name: "requests",
        version: "2.31.0",
        line: 34,
        scopes: ["prod"],
        hashes: [
          "sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f",
          "sha256:942c5a758f98d790eaed1a29cb6eefc7ffb0d1cf7af05c3d2791656dbd6ad1e1",
        ],
        // two distribution files: no single download URL; the edge to the maven component is dropped
        dependencies: [
          { name: "charset-normalizer", version: "3.3.2" },
          { name: "urllib3", version: "2.2.1" },
        ],
        direct: true,
      },
      {
        ecosystem: "PyPI",
        name: "charset-normalizer",
        version: "3.3.2",
        line: 57,
        scopes: ["prod"],
        direct: false,
      },
      // version from the version field (the purl has none); the SHA3-256 hash has no depwarden form
      { ecosystem: "PyPI", name: "urllib3", version: "2.2.1", line: 65, direct: false },
      { ecosystem: "PyPI", name: "torch", version: "2.2.0+cpu", line: 73, direct: false },
      // a dependency of metadata.component.components[0] (a workspace member): direct; groups dev+test → dev
      { ecosystem: "PyPI", name: "pytest", version: "8.0.0", line: 80, scopes: ["dev"], direct: true },
    ]);
    expect(result.warnings).toEqual([
      "skipped 2 components that are not PyPI or npm packages: maven 1, no purl 1",
    ]);
  });
});

describe("cyclonedxExtractor on syft output (spec 1.4)", () => {
  it("reads npm and PyPI components, skips the others, and leaves direct unsaid without a graph", async () => {
    const result = await extractFile(cyclonedxExtractor, fixture("sbom.json"));
    expect(result.packages).toEqual([
      { ecosystem: "npm", name: "lodash", version: "4.17.21", line: 13 },
      { ecosystem: "PyPI", name: "six", version: "1.16.0", line: 25 },
    ]);
    expect(result.warnings).toEqual([
      "skipped 4 components that are not PyPI or npm packages: apk 2, golang 1, no purl 1",
    ]);
  });
});

describe("cyclonedxExtractor on trivy output (spec 1.5)", () => {
  it("treats the per-lockfile application components under the root as the project", async () => {
    const result = await extractFile(cyclonedxExtractor, fixture("trivy.cdx.json"));
    expect(result.packages).toEqual([
      {
        ecosystem: "npm",
        name: "express",
        version: "4.19.2",
        line: 38,
        dependencies: [{ name: "ms", version: "2.1.2" }],
        direct: true,
      },
      { ecosystem: "npm", name: "ms", version: "2.1.2", line: 49, direct: false },
      {
        ecosystem: "PyPI",
        name: "requests",
        version: "2.31.0",
        line: 56,
        dependencies: [{ name: "idna", version: "3.7" }],
        direct: true,
      },
      { ecosystem: "PyPI", name: "idna", version: "3.7", line: 63, direct: false },
    ]);
    expect(result.warnings).toBeUndefined(); // the application components are not counted as skipped
  });
});

describe("cyclonedxExtractor on shapes found in real tools' output", () => {
  it("treats a component with the root's purl as the project (cyclonedx-npm 6 lists a `file:.` self-dependency)", async () => {
    // trimmed from `cyclonedx-npm --package-lock-only` on this repository, whose devDependencies name itself
    const result = await extractFile(cyclonedxExtractor, fixture("cyclonedx-npm-self.cdx.json"));
    expect(result.warnings).toBeUndefined();
    expect(result.packages.map((p) => p.name)).not.toContain("depwarden");
    expect(result.packages).toEqual([
      {
        ecosystem: "npm",
        name: "@biomejs/biome",
        version: "2.5.15",
        line: 38,
        scopes: ["dev"],
        dependencies: [
          { name: "@biomejs/cli-linux-x64", version: "2.5.15" },
          { name: "@biomejs/cli-win32-x64", version: "2.5.15" },
        ],
        direct: true,
      },
      { ecosystem: "npm", name: "ajv", version: "8.20.0", line: 56, scopes: ["dev"], direct: true },
      { ecosystem: "npm", name: "commander", version: "14.0.3", line: 73, direct: true },
      // a dev dependency's optional (platform) dependency: npm's dev + optional flags
      {
        ecosystem: "npm",
        name: "@biomejs/cli-linux-x64",
        version: "2.5.15",
        line: 99,
        scopes: ["dev", "optional"],
        direct: false,
      },
      {
        ecosystem: "npm",
        name: "@biomejs/cli-win32-x64",
        version: "2.5.15",
        line: 118,
        scopes: ["dev", "optional"],
        direct: false,
      },
    ]);
  });

  it("reads `npm sbom`'s optional scope of dev packages, except with --package-lock-only (every dev package)", async () => {
    // npm 11 writes scope "optional" for node.optional || node.devOptional; the virtual tree that
    // --package-lock-only loads has devOptional set on every dev package, and says so in lifecycles: pre-build
    const npmBom = (phase: string) =>
      bom("1.5", {
        metadata: {
          lifecycles: [{ phase }],
          tools: [{ vendor: "npm", name: "cli", version: "11.19.1" }],
          component: { "bom-ref": "app@1.0.0", type: "library", name: "app", purl: "pkg:npm/app@1.0.0" },
        },
        components: [
          {
            "bom-ref": "vitest@4.1.12",
            type: "library",
            name: "vitest",
            version: "4.1.12",
            scope: "optional",
            purl: "pkg:npm/vitest@4.1.12",
            properties: [{ name: "cdx:npm:package:development", value: "true" }],
          },
          {
            "bom-ref": "fsevents@2.3.3",
            type: "library",
            name: "fsevents",
            version: "2.3.3",
            scope: "optional",
            purl: "pkg:npm/fsevents@2.3.3",
            properties: [],
          },
        ],
        dependencies: [{ ref: "app@1.0.0", dependsOn: ["vitest@4.1.12", "fsevents@2.3.3"] }],
      });
    const scopes = async (phase: string) =>
      (await extractText(cyclonedxExtractor, "bom.json", npmBom(phase))).packages.map((p) => [
        p.name,
        p.scopes,
      ]);
    expect(await scopes("build")).toEqual([
      ["vitest", ["dev", "optional"]],
      ["fsevents", ["optional"]],
    ]);
    expect(await scopes("pre-build")).toEqual([
      ["vitest", ["dev"]],
      ["fsevents", ["optional"]],
    ]);
  });

  it("reads cyclonedx-py's Pipenv categories (cdx:pipenv:category) and not an index page as the download", async () => {
    // shaped as cyclonedx-py 7's snapshot pipenv/plain_category-deps_1.6.json
    const text = bom("1.6", {
      metadata: { component: { "bom-ref": "root-component", name: "category-deps", type: "application" } },
      components: [
        {
          "bom-ref": "toml==0.10.2",
          externalReferences: [
            {
              comment: "from explicit index: pypi",
              hashes: [
                {
                  alg: "SHA-256",
                  content: "806143ae5bfb6a3c6e736a764057db0e6a0e05e338b5630894a5f779cabb4f9b",
                },
                {
                  alg: "SHA-256",
                  content: "b3bda1d108d5dd99f4a20d24d9c348e91c4db7ab1b749200bded2f839ccbe68f",
                },
              ],
              type: "distribution",
              url: "https://pypi.org/simple/toml/",
            },
          ],
          name: "toml",
          properties: [{ name: "cdx:pipenv:category", value: "default" }],
          purl: "pkg:pypi/toml@0.10.2",
          type: "library",
          version: "0.10.2",
        },
        {
          "bom-ref": "ddt==1.7.0",
          name: "ddt",
          properties: [{ name: "cdx:pipenv:category", value: "develop" }],
          purl: "pkg:pypi/ddt@1.7.0",
          type: "library",
          version: "1.7.0",
        },
      ],
      dependencies: [{ ref: "root-component" }, { ref: "toml==0.10.2" }],
    });
    const r = await extractText(cyclonedxExtractor, "bom.json", text);
    expect(r.packages.map((p) => [p.name, p.scopes, p.resolved, p.hashes?.length])).toEqual([
      ["toml", ["prod"], undefined, 2],
      ["ddt", ["dev"], undefined, undefined],
    ]);
  });

  it("reads a URL requirement's purl (download_url, no version) as unpinned url, as cyclonedx-py writes it", async () => {
    // from cyclonedx-py 7's snapshot requirements/file_with-urls_1.6.json
    const text = bom("1.6", {
      components: [
        {
          "bom-ref": "requirements-L25",
          name: "urllib3",
          purl: "pkg:pypi/urllib3?download_url=https://github.com/urllib3/urllib3/archive/refs/tags/2.2.0.zip",
          type: "library",
        },
        {
          "bom-ref": "requirements-L17",
          name: "wxPython-Phoenix",
          purl: "pkg:pypi/wxpython-phoenix@3.0.3.dev1820%2B49a8884?download_url=http://wxpython.org/Phoenix/snapshot-builds/wxPython_Phoenix-3.0.3.dev1820%2B49a8884-cp34-none-win_amd64.whl",
          type: "library",
          version: "3.0.3.dev1820+49a8884",
        },
        { "bom-ref": "requirements-L21", name: "unknown", type: "library" },
      ],
    });
    const r = await extractText(cyclonedxExtractor, "bom.json", text);
    expect(r.packages.map((p) => [p.name, p.version, p.unpinned, p.resolved])).toEqual([
      [
        "urllib3",
        null,
        { kind: "url", spec: "https://github.com/urllib3/urllib3/archive/refs/tags/2.2.0.zip" },
        "https://github.com/urllib3/urllib3/archive/refs/tags/2.2.0.zip",
      ],
      [
        "wxpython-phoenix",
        "3.0.3.dev1820+49a8884",
        undefined,
        "http://wxpython.org/Phoenix/snapshot-builds/wxPython_Phoenix-3.0.3.dev1820+49a8884-cp34-none-win_amd64.whl",
      ],
    ]);
    expect(r.warnings).toEqual(["skipped 1 component that is not a PyPI or npm package: no purl 1"]);
  });

  it("reads an SPDX document named with --sbom whatever its key order, and says what SPDX 3 is", async () => {
    // keys sorted (json.dumps(sort_keys=True)) put spdxVersion last, so --sbom's look at the first bytes
    // sends the document here
    const sorted = `{"SPDXID": "SPDXRef-DOCUMENT", "packages": [{"SPDXID": "SPDXRef-a", "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceLocator": "pkg:pypi/six@1.16.0", "referenceType": "purl"}], "name": "six"}], "spdxVersion": "SPDX-2.3"}`;
    const r = await extractText(cyclonedxExtractor, "deps-sbom.json", sorted);
    expect(r.packages).toEqual([{ ecosystem: "PyPI", name: "six", version: "1.16.0", line: 1 }]);
    // cdxgen's cdx-convert writes SPDX 3 JSON-LD
    const spdx3 = JSON.stringify({
      "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
      "@graph": [],
    });
    await expect(extractText(cyclonedxExtractor, "converted.json", spdx3)).rejects.toThrow(
      /SPDX 3 JSON-LD is not supported/,
    );
  });
});

describe("cyclonedxExtractor corner cases", () => {
  it("accepts spec 1.2, 1.3 and 1.7 documents", async () => {
    for (const spec of ["1.2", "1.3", "1.7"]) {
      const r = await extractText(
        cyclonedxExtractor,
        "bom.json",
        bom(spec, { components: [{ type: "library", name: "six", purl: "pkg:pypi/six@1.16.0" }] }),
      );
      expect(r.packages).toEqual([{ ecosystem: "PyPI", name: "six", version: "1.16.0", line: 6 }]);
    }
  });

  it("reads an empty BOM as no packages", async () => {
    expect(await extractText(cyclonedxExtractor, "bom.json", bom("1.6"))).toEqual({ packages: [] });
  });

  it("reports a range recorded as the version as unpinned", async () => {
    const r = await extractText(
      cyclonedxExtractor,
      "x.cdx.json",
      bom("1.5", {
        components: [
          { type: "library", name: "chalk", purl: "pkg:npm/chalk@%5E5.0.0" },
          { type: "library", name: "flask", version: ">=2.0", purl: "pkg:pypi/flask" },
          { type: "library", name: "idna", purl: "pkg:pypi/idna" },
        ],
      }),
    );
    expect(r.packages.map((p) => [p.name, p.version, p.unpinned])).toEqual([
      ["chalk", null, { kind: "range", spec: "^5.0.0" }],
      ["flask", null, { kind: "range", spec: ">=2.0" }],
      ["idna", null, { kind: "any", spec: "*" }],
    ]);
  });

  it("ignores an empty dependsOn of the root (direct stays unsaid) and dependency refs by purl", async () => {
    const r = await extractText(
      cyclonedxExtractor,
      "bom.json",
      bom("1.6", {
        metadata: { component: { type: "application", name: "app", "bom-ref": "app" } },
        components: [
          { type: "library", name: "a", purl: "pkg:npm/a@1.0.0" },
          { type: "library", name: "b", purl: "pkg:npm/b@2.0.0" },
        ],
        dependencies: [
          { ref: "app", dependsOn: [] },
          { ref: "pkg:npm/a@1.0.0", dependsOn: ["pkg:npm/b@2.0.0", "pkg:npm/a@1.0.0"] },
        ],
      }),
    );
    expect(r.packages).toEqual([
      {
        ecosystem: "npm",
        name: "a",
        version: "1.0.0",
        line: 13,
        dependencies: [{ name: "b", version: "2.0.0" }],
      },
      { ecosystem: "npm", name: "b", version: "2.0.0", line: 18 },
    ]);
  });

  it("reads an SPDX document under a generic name (sbom.json) as SPDX", async () => {
    const spdx = JSON.stringify({
      spdxVersion: "SPDX-2.3",
      SPDXID: "SPDXRef-DOCUMENT",
      packages: [
        {
          SPDXID: "SPDXRef-a",
          name: "a",
          downloadLocation: "NOASSERTION",
          externalRefs: [
            {
              referenceCategory: "PACKAGE-MANAGER",
              referenceType: "purl",
              referenceLocator: "pkg:npm/a@1.0.0",
            },
          ],
        },
      ],
    });
    const r = await extractText(cyclonedxExtractor, "sbom.json", spdx);
    expect(r.packages).toEqual([{ ecosystem: "npm", name: "a", version: "1.0.0", line: 1 }]);
  });
});

describe("cyclonedxExtractor on bad input", () => {
  it("rejects an SPDX document under a CycloneDX name", async () => {
    const e = await failure("app.cdx.json", JSON.stringify({ spdxVersion: "SPDX-2.3" }));
    expect(e.message).toBe(
      "app.cdx.json: not a CycloneDX BOM: this is an SPDX document (spdxVersion); name it *.spdx.json or pass it with --sbom",
    );
  });

  it("rejects other JSON under the name", async () => {
    const e = await failure("bom.json", JSON.stringify({ name: "x", lockfileVersion: 3, packages: {} }));
    expect(e.message).toBe(
      'bom.json: not a CycloneDX BOM: expected a JSON object with "bomFormat": "CycloneDX"',
    );
    expect((await failure("bom.json", "[]")).detail).toMatch(/^not a CycloneDX BOM/);
  });

  it("rejects a spec version it does not know", async () => {
    expect((await failure("bom.json", bom("2.0"))).detail).toBe(
      'not a CycloneDX BOM this tool reads: specVersion "2.0"; expected "1.2" to "1.7"',
    );
    expect((await failure("bom.json", JSON.stringify({ bomFormat: "CycloneDX" }))).detail).toBe(
      'not a CycloneDX BOM this tool reads: specVersion null; expected "1.2" to "1.7"',
    );
  });

  it("reports truncated and empty files with a position", async () => {
    const text = bom("1.6", { components: [{ type: "library", name: "a", purl: "pkg:npm/a@1" }] });
    const cut = text.indexOf('"pkg:npm/a@1"') + 5; // inside the purl string, on line 9
    const e = await failure("bom.json", text.slice(0, cut));
    expect(e.detail).toBe("invalid JSON: Unterminated string");
    expect(e.position?.line).toBe(9);
    const empty = await failure("bom.json", "");
    expect(empty.detail).toMatch(/^invalid JSON: Unexpected end of JSON input/);
    expect(empty.position).toEqual({ line: 1, column: 1 });
  });

  it("reports wrong types with the path inside the document", async () => {
    expect((await failure("bom.json", bom("1.6", { components: { a: 1 } }))).detail).toBe(
      "not a valid CycloneDX BOM: components: Invalid input: expected array, received object",
    );
    expect((await failure("bom.json", bom("1.6", { components: [{ purl: 7 }] }))).detail).toBe(
      "not a valid CycloneDX BOM: components[0].purl: Invalid input: expected string, received number",
    );
    expect(
      (await failure("bom.json", bom("1.6", { components: [{ name: "a", scope: "runtime" }] }))).detail,
    ).toBe('not a valid CycloneDX BOM: components[0].scope: expected "required", "optional" or "excluded"');
    expect(
      (await failure("bom.json", bom("1.6", { dependencies: [{ ref: "a", dependsOn: "b" }] }))).detail,
    ).toBe(
      "not a valid CycloneDX BOM: dependencies[0].dependsOn: Invalid input: expected array, received string",
    );
  });

  it("reports an invalid purl with the component's path and line", async () => {
    const text = bom("1.6", {
      components: [
        {
          name: "outer",
          purl: "pkg:npm/outer@1.0.0",
          components: [{ name: "x", purl: "npm/left-pad@1.3.0" }],
        },
      ],
    });
    const e = await failure("app.cdx.json", text);
    expect(e.message).toBe(
      'app.cdx.json:10: components[0].components[0].purl: invalid purl "npm/left-pad@1.3.0": expected "pkg:<type>/<name>"',
    );
    const bad = await failure("bom.json", bom("1.6", { components: [{ name: "x", purl: "pkg:pypi/@1.0" }] }));
    expect(bad.detail).toBe(
      'components[0].purl: invalid purl "pkg:pypi/@1.0": "@1.0" is not a PyPI project name',
    );
    expect(bad.position).toEqual({ line: 6 });
  });
});
