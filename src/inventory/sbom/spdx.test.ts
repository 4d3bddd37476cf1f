import { describe, expect, it } from "vitest";
import { InputError } from "../../errors.js";
import { extractFile, extractText } from "../../test-helpers/extract.js";
import { spdxExtractor } from "./spdx.js";

const fixture = (name: string): string => new URL(`./__fixtures__/spdx/${name}`, import.meta.url).pathname;

async function failure(name: string, text: string): Promise<InputError> {
  try {
    await extractText(spdxExtractor, name, text);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

const purlRef = (purl: string, category = "PACKAGE-MANAGER") => ({
  referenceCategory: category,
  referenceType: "purl",
  referenceLocator: purl,
});
const pkg = (id: string, purl: string) => ({
  SPDXID: id,
  name: id,
  downloadLocation: "NOASSERTION",
  externalRefs: [purlRef(purl)],
});
const doc = (rest: Record<string, unknown>): string =>
  JSON.stringify({ spdxVersion: "SPDX-2.3", SPDXID: "SPDXRef-DOCUMENT", name: "x", ...rest }, null, 2);
const rel = (a: string, type: string, b: string) => ({
  spdxElementId: a,
  relationshipType: type,
  relatedSpdxElement: b,
});

describe("spdxExtractor.matchFile", () => {
  it("matches *.spdx.json only", () => {
    expect(spdxExtractor.matchFile("app.spdx.json", "/x/app.spdx.json")).toBe(true);
    expect(spdxExtractor.matchFile("APP.SPDX.JSON", "/x/APP.SPDX.JSON")).toBe(true);
    for (const n of ["app.spdx", "app.spdx.yml", "bom.json", "spdx.json"]) {
      expect(spdxExtractor.matchFile(n, `/x/${n}`)).toBe(false);
    }
  });
});

describe("spdxExtractor on `npm sbom --sbom-format spdx` output", () => {
  it("reads packages, checksums, download locations, edges, scopes and direct dependencies", async () => {
    const result = await extractFile(spdxExtractor, fixture("npm-sbom.spdx.json"));
    expect(result.warnings).toBeUndefined();
    expect(result.packages).toEqual([
      // the described root (web-app) is the project, not a package
      {
        ecosystem: "npm",
        name: "express",
        version: "4.19.2",
        line: 26,
        hashes: [
          "sha512:5ea5f7a8a4c5d3e2a9c3c6a2d27dfc8ad58f0d1bb6cbd3a6e6ba30d4a6b1a86e0bd3caff7d9d3f2d5b03a4b8b72c3ac4f5d3b8f0a1c1e48b8fb8bc6d5e6c4a3b",
        ],
        resolved: "https://registry.npmjs.org/express/-/express-4.19.2.tgz",
        direct: true,
        scopes: ["prod"], // express DEPENDENCY_OF web-app
        dependencies: [{ name: "debug", version: "2.6.9" }],
      },
      {
        ecosystem: "npm",
        name: "@babel/core",
        version: "7.24.5",
        line: 45,
        resolved: "https://registry.npmjs.org/@babel/core/-/core-7.24.5.tgz",
        direct: true,
        scopes: ["dev"],
        dependencies: [{ name: "debug", version: "2.6.9" }],
      },
      {
        ecosystem: "npm",
        name: "fsevents",
        version: "2.3.3",
        line: 58,
        resolved: "https://registry.npmjs.org/fsevents/-/fsevents-2.3.3.tgz",
        direct: true,
        scopes: ["optional"],
      },
      {
        ecosystem: "npm",
        name: "react",
        version: "18.3.1",
        line: 71,
        resolved: "https://registry.npmjs.org/react/-/react-18.3.1.tgz",
        direct: true,
        scopes: ["peer"], // PREREQUISITE_FOR, as npm writes peer dependencies
      },
      {
        ecosystem: "npm",
        name: "debug",
        version: "2.6.9",
        line: 84,
        hashes: ["sha1:5d128515df134ff327e90a4c93f4e077a536341f"],
        resolved: "https://registry.npmjs.org/debug/-/debug-2.6.9.tgz",
        direct: false,
        dependencies: [{ name: "ms", version: "2.0.0" }], // the relationship is listed twice
      },
      {
        ecosystem: "npm",
        name: "ms",
        version: "2.0.0",
        line: 98,
        resolved: "https://registry.npmjs.org/ms/-/ms-2.0.0.tgz",
        direct: false,
      },
      // downloadLocation NOASSERTION: no resolved
      {
        ecosystem: "npm",
        name: "local-lib",
        version: "0.0.1",
        line: 111,
        direct: true,
        scopes: ["optional"],
      },
    ]);
  });
});

describe("spdxExtractor on syft output", () => {
  it("reads PyPI packages and DEPENDENCY_OF edges; CONTAINS from the root says nothing about direct", async () => {
    const result = await extractFile(spdxExtractor, fixture("syft.spdx.json"));
    expect(result.packages).toEqual([
      {
        ecosystem: "PyPI",
        name: "flask",
        version: "3.0.0",
        line: 13,
        dependencies: [{ name: "werkzeug", version: "3.0.1" }],
      },
      {
        ecosystem: "PyPI",
        name: "werkzeug",
        version: "3.0.1",
        line: 29,
        dependencies: [{ name: "markupsafe", version: "2.1.3" }],
      },
      // PACKAGE_MANAGER (SPDX 2.2 spelling); the BLAKE2b-256 checksum has no depwarden form
      {
        ecosystem: "PyPI",
        name: "markupsafe",
        version: "2.1.3",
        line: 39,
        hashes: ["sha256:AF598ED32D6AE86F1B747B82783958B1A4AB8F617B06FE68795C7F026ABBDCAD"],
      },
    ]);
    // the described directory is the root and is not counted; zlib (apk) and python (CPE only) are
    expect(result.warnings).toEqual([
      "skipped 2 packages that are not PyPI or npm packages: apk 1, no purl 1",
    ]);
  });
});

describe("spdxExtractor on GitHub's dependency graph export", () => {
  it("unwraps the API response and reports recorded ranges as unpinned", async () => {
    const result = await extractFile(spdxExtractor, fixture("github-export.json"));
    expect(result.packages).toEqual([
      { ecosystem: "npm", name: "lodash", version: "4.17.21", line: 25, direct: true, scopes: ["prod"] },
      {
        ecosystem: "npm",
        name: "chalk",
        version: null,
        line: 37,
        unpinned: { kind: "range", spec: "^5.0.0" },
        direct: true,
        scopes: ["prod"],
      },
      {
        ecosystem: "PyPI",
        name: "django",
        version: null, // the purl has no version; versionInfo is a range
        line: 47,
        unpinned: { kind: "range", spec: ">= 4.2, < 5.0" },
        direct: true,
        scopes: ["prod"],
      },
    ]);
    expect(result.warnings).toEqual(["skipped 1 package that is not a PyPI or npm package: githubactions 1"]);
  });
});

describe("spdxExtractor corner cases", () => {
  it("reads SPDX 2.2: PACKAGE_MANAGER, the purl type as a URI, DESCRIBED_BY and DEPENDS_ON", async () => {
    const r = await extractText(
      spdxExtractor,
      "x.spdx.json",
      JSON.stringify({
        spdxVersion: "SPDX-2.2",
        SPDXID: "SPDXRef-DOCUMENT",
        packages: [
          { SPDXID: "SPDXRef-root", name: "root", downloadLocation: "NOASSERTION" },
          {
            SPDXID: "SPDXRef-a",
            name: "a",
            versionInfo: "1.0.0",
            downloadLocation: "NONE",
            externalRefs: [
              {
                referenceCategory: "PACKAGE_MANAGER",
                referenceType: "http://spdx.org/rdf/references/purl",
                referenceLocator: "pkg:npm/a",
              },
            ],
          },
          pkg("SPDXRef-b", "pkg:npm/b@2.0.0"),
        ],
        relationships: [
          rel("SPDXRef-root", "DESCRIBED_BY", "SPDXRef-DOCUMENT"),
          rel("SPDXRef-root", "DEPENDS_ON", "SPDXRef-a"),
          rel("SPDXRef-a", "DEPENDS_ON", "SPDXRef-b"),
          rel("SPDXRef-a", "DEPENDS_ON", "NOASSERTION"),
          rel("SPDXRef-a", "DEPENDS_ON", "DocumentRef-other:SPDXRef-c"),
          rel("SPDXRef-b", "BUILD_DEPENDENCY_OF", "SPDXRef-root"),
        ],
      }),
    );
    expect(r.packages).toEqual([
      {
        ecosystem: "npm",
        name: "a",
        version: "1.0.0", // from versionInfo: the purl has none
        line: 1,
        direct: true,
        scopes: ["prod"],
        dependencies: [{ name: "b", version: "2.0.0" }],
      },
      { ecosystem: "npm", name: "b", version: "2.0.0", line: 1, direct: true, scopes: ["dev"] },
    ]);
  });

  it("keeps every package of a document that describes them all, and direct stays unsaid", async () => {
    const r = await extractText(
      spdxExtractor,
      "x.spdx.json",
      doc({
        documentDescribes: ["SPDXRef-a", "SPDXRef-b"],
        packages: [pkg("SPDXRef-a", "pkg:pypi/a@1"), pkg("SPDXRef-b", "pkg:pypi/b@2")],
      }),
    );
    expect(r.packages.map((p) => [p.name, p.version, p.direct])).toEqual([
      ["a", "1", undefined],
      ["b", "2", undefined],
    ]);
  });

  it("treats a described package that another described package depends on as a dependency", async () => {
    const r = await extractText(
      spdxExtractor,
      "x.spdx.json",
      doc({
        packages: [
          pkg("SPDXRef-app", "pkg:npm/app@1.0.0"),
          pkg("SPDXRef-lib", "pkg:npm/lib@2.0.0"),
          pkg("SPDXRef-x", "pkg:npm/x@3.0.0"),
        ],
        relationships: [
          rel("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-app"),
          rel("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-lib"),
          rel("SPDXRef-app", "DEPENDS_ON", "SPDXRef-lib"),
          rel("SPDXRef-lib", "DEPENDS_ON", "SPDXRef-x"),
          rel("SPDXRef-x", "DEPENDS_ON", "SPDXRef-app"), // a cycle back to the project: not an edge
        ],
      }),
    );
    expect(r.packages.map((p) => [p.name, p.direct, p.scopes, p.dependencies])).toEqual([
      ["lib", true, ["prod"], [{ name: "x", version: "3.0.0" }]],
      ["x", false, undefined, undefined],
    ]);
  });

  it("reads a document without packages as none", async () => {
    expect(await extractText(spdxExtractor, "x.spdx.json", doc({}))).toEqual({ packages: [] });
  });
});

describe("spdxExtractor on bad input", () => {
  it("rejects a CycloneDX BOM under an SPDX name", async () => {
    const e = await failure("x.spdx.json", JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.6" }));
    expect(e.message).toBe(
      "x.spdx.json: not an SPDX document: this is a CycloneDX BOM; name it *.cdx.json or pass it with --sbom",
    );
  });

  it("rejects SPDX 3 JSON-LD and unknown versions", async () => {
    const v3 = JSON.stringify({ "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [] });
    expect((await failure("x.spdx.json", v3)).detail).toBe(
      "SPDX 3 JSON-LD is not supported; expected an SPDX 2.2 or 2.3 JSON document",
    );
    expect((await failure("x.spdx.json", JSON.stringify({ spdxVersion: "SPDX-1.2" }))).detail).toBe(
      'not an SPDX document this tool reads: spdxVersion "SPDX-1.2"; expected "SPDX-2.2" or "SPDX-2.3"',
    );
  });

  it("rejects other JSON and non-objects", async () => {
    for (const text of ["[]", "42", JSON.stringify({ name: "x", packages: [] })]) {
      expect((await failure("x.spdx.json", text)).detail).toBe(
        'not an SPDX document: expected a JSON object with "spdxVersion": "SPDX-2.3"',
      );
    }
  });

  it("reports truncated and empty files with a position", async () => {
    const text = doc({ packages: [pkg("SPDXRef-a", "pkg:npm/a@1.0.0")] });
    const cut = text.indexOf("pkg:npm/a");
    const e = await failure("x.spdx.json", text.slice(0, cut));
    expect(e.detail).toBe("invalid JSON: Unterminated string");
    expect(e.position?.line).toBe(text.slice(0, cut).split("\n").length);
    const empty = await failure("x.spdx.json", "   \n");
    expect(empty.detail).toMatch(/^invalid JSON: Unexpected end of JSON input/);
    expect(empty.position?.line).toBe(2);
  });

  it("reports wrong types with the path inside the document", async () => {
    expect((await failure("x.spdx.json", doc({ packages: {} }))).detail).toBe(
      "not a valid SPDX document: packages: Invalid input: expected array, received object",
    );
    expect((await failure("x.spdx.json", doc({ packages: [{ name: "a" }] }))).detail).toBe(
      "not a valid SPDX document: packages[0].SPDXID: Invalid input: expected string, received undefined",
    );
    expect(
      (await failure("x.spdx.json", doc({ relationships: [{ spdxElementId: "a", relationshipType: 1 }] })))
        .detail,
    ).toBe(
      "not a valid SPDX document: relationships[0].relationshipType: Invalid input: expected string, received number",
    );
    const wrapped = JSON.stringify({ sbom: { spdxVersion: "SPDX-2.3", packages: "none" } });
    expect((await failure("x.json", wrapped)).detail).toBe(
      "not a valid SPDX document: sbom.packages: Invalid input: expected array, received string",
    );
  });

  it("reports an invalid purl with its path and the package's line", async () => {
    const text = doc({ packages: [pkg("SPDXRef-a", "pkg:npm/a@1"), pkg("SPDXRef-b", "pkg:npm/")] });
    const e = await failure("x.spdx.json", text);
    expect(e.message).toBe(
      'x.spdx.json:18: packages[1].externalRefs[0].referenceLocator: invalid purl "pkg:npm/": "name" is a required component',
    );
  });
});
