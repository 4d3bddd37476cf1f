import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2019 } from "ajv/dist/2019.js";
import { describe, expect, it } from "vitest";
import { buildInventory } from "../inventory/inventory.js";
import type { Inventory } from "../inventory/model.js";
import { buildPurl, normaliseHashes } from "../inventory/normalise.js";
import { spdxExtractor } from "../inventory/sbom/spdx.js";
import { extractText } from "../test-helpers/extract.js";
import {
  SHA256_REQUESTS_SDIST,
  SHA256_REQUESTS_WHL,
  sampleInventory,
} from "./__fixtures__/sample-inventory.js";
import { SPDX_PROJECT_ID, toSpdxJson } from "./spdx.js";

const options = { toolVersion: "0.1.0", projectName: "shop" };

/** The official SPDX 2.3 JSON schema (see test/schemas/README.md). */
const schema = JSON.parse(
  readFileSync(new URL("../../test/schemas/spdx-2.3.schema.json", import.meta.url), "utf8"),
) as Record<string, unknown>;
const validateSpdx = new Ajv2019({ strict: false, allErrors: true }).compile(schema);

interface SpdxJson {
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: {
    SPDXID: string;
    name: string;
    versionInfo?: string;
    downloadLocation: string;
    checksums?: { algorithm: string; checksumValue: string }[];
    sourceInfo?: string;
    externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
  }[];
  relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
}

const parse = (text: string): SpdxJson => JSON.parse(text) as SpdxJson;
const purlOf = (p: SpdxJson["packages"][number]): string | undefined => p.externalRefs?.[0]?.referenceLocator;

describe("toSpdxJson", () => {
  it("writes a document the official SPDX 2.3 schema accepts, with valid and unique SPDX ids", () => {
    const empty: Inventory = { target: ["."], components: [], files: [], errors: [], warnings: [] };
    for (const text of [
      toSpdxJson(sampleInventory(), options),
      toSpdxJson(sampleInventory(), { ...options, timestamp: new Date("2024-05-01T12:00:00.123Z") }),
      toSpdxJson(empty, options),
    ]) {
      const doc = JSON.parse(text) as SpdxJson;
      expect(validateSpdx(doc), JSON.stringify(validateSpdx.errors)).toBe(true);
      const ids = doc.packages.map((p) => p.SPDXID);
      for (const id of ids) expect(id).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/); // idstring, clause 3.2
      expect(new Set(ids).size).toBe(ids.length);
      // the validator does reject what the schema forbids
      expect(
        validateSpdx({ ...doc, relationships: [{ ...doc.relationships[0], relationshipType: "USES" }] }),
      ).toBe(false);
      expect(validateSpdx({ ...doc, documentNamespace: undefined })).toBe(false);
      const known = new Set([...ids, "SPDXRef-DOCUMENT"]);
      for (const r of doc.relationships) {
        expect(known.has(r.spdxElementId) && known.has(r.relatedSpdxElement)).toBe(true);
      }
    }
  });

  it("is deterministic: the same inventory, in any order, gives the same bytes", () => {
    const a = toSpdxJson(sampleInventory(), options);
    const shuffled = sampleInventory();
    shuffled.components.reverse();
    expect(toSpdxJson(shuffled, options)).toBe(a);
    const doc = parse(a);
    expect(doc.creationInfo).toEqual({
      created: "1970-01-01T00:00:00Z",
      creators: ["Tool: depwarden-0.1.0"],
    });
    expect(doc.documentNamespace).toMatch(
      /^https:\/\/spdx\.org\/spdxdocs\/depwarden\/shop-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("records the timestamp when asked, in SPDX's format, and a namespace of its own", () => {
    const plain = parse(toSpdxJson(sampleInventory(), options));
    const timed = parse(
      toSpdxJson(sampleInventory(), { ...options, timestamp: new Date("2024-05-01T12:00:00.123Z") }),
    );
    expect(timed.creationInfo.created).toBe("2024-05-01T12:00:00Z");
    expect(timed.documentNamespace).not.toBe(plain.documentNamespace);
  });

  it("writes the project as the described root and one package per component, in purl order", () => {
    const doc = parse(toSpdxJson(sampleInventory(), options));
    expect(doc.packages[0]).toEqual({
      SPDXID: SPDX_PROJECT_ID,
      name: "shop",
      supplier: "NOASSERTION",
      downloadLocation: "NOASSERTION",
      filesAnalyzed: false,
      licenseConcluded: "NOASSERTION",
      licenseDeclared: "NOASSERTION",
      copyrightText: "NOASSERTION",
      primaryPackagePurpose: "APPLICATION",
    });
    expect(doc.packages.slice(1).map(purlOf)).toEqual(sampleInventory().components.map((c) => c.purl));
    // "@a/b", "a-b" and "a_b" make the same idstring: numbered in purl order
    expect(doc.packages.slice(1, 6).map((p) => p.SPDXID)).toEqual([
      "SPDXRef-Package-npm-a-b-1.0.0",
      "SPDXRef-Package-npm-babel-core-7.24.5",
      "SPDXRef-Package-npm-a-b-1.0.0-2",
      "SPDXRef-Package-npm-a-b-1.0.0-3",
      "SPDXRef-Package-npm-debug-4.3.4",
    ]);
    const requests = doc.packages.find((p) => p.name === "requests");
    expect(requests).toEqual({
      SPDXID: "SPDXRef-Package-pypi-requests-2.31.0",
      name: "requests",
      versionInfo: "2.31.0",
      supplier: "NOASSERTION", // NTIA minimum element: present, and unknown to depwarden
      downloadLocation: "NOASSERTION",
      filesAnalyzed: false,
      checksums: [
        { algorithm: "SHA256", checksumValue: SHA256_REQUESTS_WHL },
        { algorithm: "SHA256", checksumValue: SHA256_REQUESTS_SDIST },
      ],
      sourceInfo: "found by depwarden in poetry.lock:101",
      licenseConcluded: "NOASSERTION",
      licenseDeclared: "NOASSERTION",
      copyrightText: "NOASSERTION",
      externalRefs: [
        {
          referenceCategory: "PACKAGE-MANAGER",
          referenceType: "purl",
          referenceLocator: "pkg:pypi/requests@2.31.0",
        },
      ],
      primaryPackagePurpose: "LIBRARY",
    });
    const byName = new Map(doc.packages.map((p) => [p.name, p]));
    expect(byName.get("express")?.downloadLocation).toBe(
      "https://registry.npmjs.org/express/-/express-4.19.2.tgz",
    );
    expect(byName.get("left-pad")?.downloadLocation).toBe(
      "git+ssh://git@github.com/left-pad/left-pad.git#5e9a9e8",
    );
    expect(byName.get("flask")?.downloadLocation).toBe("NOASSERTION"); // a local path is not a download location
    expect(byName.get("flask")?.versionInfo).toBe(">=2.0"); // the range, as the version is not known
  });

  it("relates the project to its direct dependencies by scope, and components by their edges", () => {
    const doc = parse(toSpdxJson(sampleInventory(), options));
    const id = new Map(doc.packages.map((p) => [purlOf(p), p.SPDXID]));
    const rel = (a: string, type: string, b: string) => ({
      spdxElementId: a,
      relationshipType: type,
      relatedSpdxElement: b,
    });
    const P = SPDX_PROJECT_ID;
    const of = (purl: string) => id.get(purl)!;
    expect(doc.relationships).toEqual([
      rel("SPDXRef-DOCUMENT", "DESCRIBES", P),
      rel(P, "DEPENDS_ON", of("pkg:npm/%40a/b@1.0.0")),
      rel(of("pkg:npm/%40babel/core@7.24.5"), "DEV_DEPENDENCY_OF", P),
      rel(P, "DEPENDS_ON", of("pkg:npm/express@4.19.2")),
      rel(of("pkg:npm/fsevents@2.3.3"), "DEV_DEPENDENCY_OF", P), // dev and optional: both said
      rel(of("pkg:npm/fsevents@2.3.3"), "OPTIONAL_DEPENDENCY_OF", P),
      rel(P, "DEPENDS_ON", of("pkg:npm/jsonstream@1.3.5")),
      rel(P, "DEPENDS_ON", of("pkg:npm/left-pad@1.3.0")),
      rel(of("pkg:npm/react@18.3.1"), "PREREQUISITE_FOR", P), // peer, as `npm sbom` writes it
      rel(P, "DEPENDS_ON", of("pkg:pypi/flask")),
      rel(P, "DEPENDS_ON", of("pkg:pypi/requests@2.31.0")),
      rel(of("pkg:npm/%40babel/core@7.24.5"), "DEPENDS_ON", of("pkg:npm/debug@4.3.4")),
      rel(of("pkg:npm/debug@4.3.4"), "DEPENDS_ON", of("pkg:npm/ms@2.1.2")),
      rel(of("pkg:npm/express@4.19.2"), "DEPENDS_ON", of("pkg:npm/debug@4.3.4")),
      rel(of("pkg:npm/express@4.19.2"), "DEPENDS_ON", of("pkg:npm/ms@2.1.2")),
      rel(of("pkg:pypi/requests@2.31.0"), "DEPENDS_ON", of("pkg:pypi/urllib3@2.2.1")),
    ]);
  });
});

describe("SPDX round trip", () => {
  it("reads back the same purls, hashes, edges and direct flags", async () => {
    const inventory = sampleInventory();
    const result = await extractText(spdxExtractor, "shop.spdx.json", toSpdxJson(inventory, options));
    expect(result.warnings).toBeUndefined();
    const read = result.packages.map((p) => ({
      purl: buildPurl(p.ecosystem!, p.name, p.version),
      hashes: (p.hashes ?? []).flatMap(normaliseHashes).sort(),
      dependencies: (p.dependencies ?? []).map((d) => buildPurl(p.ecosystem!, d.name, d.version)).sort(),
      direct: p.direct,
      scopes: p.direct ? p.scopes : undefined,
    }));
    expect(read).toEqual(
      inventory.components.map((c) => ({
        purl: c.purl,
        hashes: c.hashes,
        dependencies: c.dependencies,
        direct: c.direct,
        scopes: c.direct ? c.scopes : undefined, // SPDX scopes only the project's own relationships
      })),
    );
  });

  it("gives the same components through the whole inventory pipeline (--sbom)", async () => {
    const inventory = sampleInventory();
    const dir = mkdtempSync(join(tmpdir(), "depwarden-spdx-"));
    try {
      writeFileSync(join(dir, "shop.json"), toSpdxJson(inventory, options));
      const again = await buildInventory([], { sboms: ["shop.json"], cwd: dir });
      expect(again.errors).toEqual([]);
      const pick = (inv: Inventory) =>
        inv.components.map((c) => [
          c.purl,
          c.name,
          c.version,
          c.hashes,
          c.dependencies,
          c.direct,
          c.scopes,
          c.unpinned?.kind,
        ]);
      expect(pick(again)).toEqual(pick(inventory));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
