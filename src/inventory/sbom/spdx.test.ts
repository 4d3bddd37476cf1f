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

describe("spdxExtractor on shapes found in real tools' output", () => {
  it("follows the dependency types `npm sbom` writes between packages (a workspace's dev dependencies)", async () => {
    // trimmed from `npm sbom --sbom-format spdx --package-lock-only` (npm 11.19) of a workspace project:
    // semver is a devDependency of the workspace @rich/a, which the root depends on
    const result = await extractFile(spdxExtractor, fixture("npm-sbom-workspaces.spdx.json"));
    expect(result.warnings).toBeUndefined();
    expect(result.packages.map((p) => [p.name, p.scopes, p.direct])).toEqual([
      ["chalk", ["prod"], false],
      ["chokidar", ["dev"], false],
      ["fsevents", ["dev", "optional"], true], // the root's optional dependency, and mocha's (dev) through chokidar
      ["js-tokens", ["prod", "peer"], false],
      ["lodash", ["prod"], false],
      ["loose-envify", ["prod", "peer"], false],
      ["mocha", ["dev"], true],
      ["react", ["prod", "peer"], true], // the root's peer dependency, and react-dom's
      ["react-dom", ["prod"], true],
      ["semver", ["dev"], false], // DEV_DEPENDENCY_OF @rich/a: not production, though @rich/a is
      ["@rich/a", ["prod"], true],
      ["@rich/b", ["prod"], true],
    ]);
  });

  it("makes a path optional at an OPTIONAL_DEPENDENCY_OF edge, and a dev path dev and optional", async () => {
    const r = await extractText(
      spdxExtractor,
      "x.spdx.json",
      doc({
        documentDescribes: ["SPDXRef-app"],
        packages: [
          pkg("SPDXRef-app", "pkg:npm/app@1.0.0"),
          pkg("SPDXRef-chokidar", "pkg:npm/chokidar@3.6.0"),
          pkg("SPDXRef-fsevents", "pkg:npm/fsevents@2.3.3"),
          pkg("SPDXRef-glob", "pkg:npm/glob@10.0.0"),
          pkg("SPDXRef-biome", "pkg:npm/%40biomejs/biome@2.5.15"),
          pkg("SPDXRef-biome-cli", "pkg:npm/%40biomejs/cli-linux-x64@2.5.15"),
        ],
        relationships: [
          rel("SPDXRef-chokidar", "DEPENDENCY_OF", "SPDXRef-app"),
          rel("SPDXRef-fsevents", "OPTIONAL_DEPENDENCY_OF", "SPDXRef-chokidar"),
          rel("SPDXRef-glob", "DEPENDENCY_OF", "SPDXRef-fsevents"),
          rel("SPDXRef-biome", "DEV_DEPENDENCY_OF", "SPDXRef-app"),
          rel("SPDXRef-biome-cli", "OPTIONAL_DEPENDENCY_OF", "SPDXRef-biome"),
        ],
      }),
    );
    expect(r.packages.map((p) => [p.name, p.scopes])).toEqual([
      ["chokidar", ["prod"]],
      ["fsevents", ["optional"]],
      ["glob", ["optional"]],
      ["@biomejs/biome", ["dev"]],
      ["@biomejs/cli-linux-x64", ["dev", "optional"]], // as npm's lockfile flags it: dev and optional
    ]);
  });

  it("treats trivy's per-lockfile APPLICATION package as the project: what it CONTAINS is direct", async () => {
    // the shape of `trivy fs --format spdx-json` (0.5x–0.71): root CONTAINS application (the lockfile, no purl),
    // which CONTAINS the direct dependencies; packages DEPENDS_ON packages
    const trivyPkg = (id: string, name: string, version: string, purl: string) => ({
      name,
      SPDXID: id,
      versionInfo: version,
      supplier: "NOASSERTION",
      downloadLocation: "NONE",
      filesAnalyzed: false,
      externalRefs: [purlRef(purl)],
      primaryPackagePurpose: "LIBRARY",
      annotations: [
        {
          annotator: "Tool: trivy-0.71.2",
          annotationDate: "2026-06-25T10:24:35Z",
          annotationType: "OTHER",
          comment: "PkgType: npm",
        },
      ],
    });
    const r = await extractText(
      spdxExtractor,
      "trivy.spdx.json",
      doc({
        creationInfo: {
          creators: ["Organization: aquasecurity", "Tool: trivy-0.71.2"],
          created: "2026-06-25T10:24:35Z",
        },
        packages: [
          {
            name: "shop",
            SPDXID: "SPDXRef-Filesystem-2f4c",
            downloadLocation: "NONE",
            filesAnalyzed: false,
            primaryPackagePurpose: "SOURCE",
          },
          {
            name: "package-lock.json",
            SPDXID: "SPDXRef-Application-9a1e",
            downloadLocation: "NONE",
            filesAnalyzed: false,
            primaryPackagePurpose: "APPLICATION",
          },
          trivyPkg("SPDXRef-Package-1", "express", "4.19.2", "pkg:npm/express@4.19.2"),
          trivyPkg("SPDXRef-Package-2", "ms", "2.1.2", "pkg:npm/ms@2.1.2"),
          trivyPkg("SPDXRef-Package-3", "react", "18.3.1", "pkg:npm/react@18.3.1"),
          trivyPkg("SPDXRef-Package-4", "react-dom", "18.3.1", "pkg:npm/react-dom@18.3.1"),
        ],
        relationships: [
          rel("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Filesystem-2f4c"),
          rel("SPDXRef-Filesystem-2f4c", "CONTAINS", "SPDXRef-Application-9a1e"),
          rel("SPDXRef-Application-9a1e", "CONTAINS", "SPDXRef-Package-1"),
          rel("SPDXRef-Application-9a1e", "CONTAINS", "SPDXRef-Package-3"),
          rel("SPDXRef-Application-9a1e", "CONTAINS", "SPDXRef-Package-4"),
          rel("SPDXRef-Package-1", "DEPENDS_ON", "SPDXRef-Package-2"),
          rel("SPDXRef-Package-4", "DEPENDS_ON", "SPDXRef-Package-3"),
        ],
      }),
    );
    expect(r.warnings).toBeUndefined(); // neither the root nor the application is a skipped package
    expect(r.packages.map((p) => [p.name, p.direct, p.scopes])).toEqual([
      ["express", true, ["prod"]],
      ["ms", false, undefined],
      ["react", true, ["prod"]], // direct, though react-dom depends on it too
      ["react-dom", true, ["prod"]],
    ]);
  });

  it("reads the packages GitHub's older exports list without a purl (`pip:flake8`, a range)", async () => {
    // the shape of a 2023 export: unresolved dependencies have a prefixed name and no external reference
    const r = await extractText(
      spdxExtractor,
      "repo.spdx.json",
      doc({
        creationInfo: { created: "2023-08-18T13:05:12Z", creators: ["Tool: GitHub.com-Dependency-Graph"] },
        documentDescribes: ["SPDXRef-com.github.acme-graph"],
        packages: [
          {
            SPDXID: "SPDXRef-com.github.acme-graph",
            name: "com.github.acme/graph",
            versionInfo: "",
            downloadLocation: "git+https://github.com/acme/graph",
            externalRefs: [purlRef("pkg:github/acme/graph")],
          },
          {
            SPDXID: "SPDXRef-pip-flake8",
            name: "pip:flake8",
            versionInfo: ">= 3.5.0",
            downloadLocation: "NOASSERTION",
          },
          { SPDXID: "SPDXRef-pip-tox", name: "pip:tox", versionInfo: "", downloadLocation: "NOASSERTION" },
          {
            SPDXID: "SPDXRef-npm-ajv-6.10.2",
            name: "npm:ajv",
            versionInfo: "6.10.2",
            downloadLocation: "NOASSERTION",
            externalRefs: [purlRef("pkg:npm/ajv@6.10.2")],
          },
          { SPDXID: "SPDXRef-mystery", name: "mystery", versionInfo: "1.0", downloadLocation: "NOASSERTION" },
        ],
        relationships: [
          rel("SPDXRef-com.github.acme-graph", "DEPENDS_ON", "SPDXRef-pip-flake8"),
          rel("SPDXRef-com.github.acme-graph", "DEPENDS_ON", "SPDXRef-pip-tox"),
          rel("SPDXRef-com.github.acme-graph", "DEPENDS_ON", "SPDXRef-npm-ajv-6.10.2"),
        ],
      }),
    );
    expect(r.packages.map((p) => [p.ecosystem, p.name, p.version, p.unpinned, p.direct])).toEqual([
      ["PyPI", "flake8", null, { kind: "range", spec: ">= 3.5.0" }, true],
      ["PyPI", "tox", null, { kind: "any", spec: "*" }, true],
      ["npm", "ajv", "6.10.2", undefined, true],
    ]);
    expect(r.warnings).toEqual(["skipped 1 package that is not a PyPI or npm package: no purl 1"]);
  });

  it("reads a CycloneDX BOM named with --sbom that mentions spdxVersion early (sent here by its first bytes)", async () => {
    const cdx = JSON.stringify({
      bomFormat: "CycloneDX",
      specVersion: "1.6",
      metadata: { component: { type: "application", name: "x", description: 'exports "spdxVersion" too' } },
      components: [{ type: "library", name: "six", purl: "pkg:pypi/six@1.16.0" }],
    });
    const r = await extractText(spdxExtractor, "release-sbom.json", cdx);
    expect(r.packages).toEqual([{ ecosystem: "PyPI", name: "six", version: "1.16.0", line: 1 }]);
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
