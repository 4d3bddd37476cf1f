import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { describe, expect, it } from "vitest";
import { buildInventory } from "../inventory/inventory.js";
import type { Inventory } from "../inventory/model.js";
import { buildPurl, normaliseHashes } from "../inventory/normalise.js";
import { cyclonedxExtractor } from "../inventory/sbom/cyclonedx.js";
import { extractText } from "../test-helpers/extract.js";
import {
  SHA256_REQUESTS_SDIST,
  SHA256_REQUESTS_WHL,
  SHA512_EXPRESS,
  sampleInventory,
} from "./__fixtures__/sample-inventory.js";
import { bomRefOf, PROJECT_BOM_REF, toCycloneDxJson } from "./cyclonedx.js";

const options = { toolVersion: "0.1.0", projectName: "shop" };

interface CdxJson {
  serialNumber: string;
  metadata: {
    timestamp?: string;
    tools: { components: { name: string; version: string }[] };
    component: { name: string; "bom-ref": string; type: string };
  };
  components: {
    name: string;
    group?: string;
    version?: string;
    purl: string;
    "bom-ref": string;
    scope: string;
    hashes?: { alg: string; content: string }[];
    externalReferences?: { type: string; url: string }[];
    properties?: { name: string; value: string }[];
  }[];
  dependencies: { ref: string; dependsOn?: string[] }[];
}

const parse = (text: string): CdxJson => JSON.parse(text) as CdxJson;
const byPurl = (doc: CdxJson, purl: string) => doc.components.find((c) => c.purl === purl)!;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

describe("toCycloneDxJson", () => {
  it("writes a BOM the CycloneDX 1.6 strict schema accepts", async () => {
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    expect(await validator.validate(toCycloneDxJson(sampleInventory(), options))).toBeNull();
    const withTime = toCycloneDxJson(sampleInventory(), {
      ...options,
      timestamp: new Date("2024-05-01T12:00:00Z"),
    });
    expect(await validator.validate(withTime)).toBeNull();
    const empty: Inventory = { target: ["."], components: [], files: [], errors: [], warnings: [] };
    expect(await validator.validate(toCycloneDxJson(empty, options))).toBeNull();
    // the validator does reject what the schema forbids
    const broken = JSON.parse(toCycloneDxJson(sampleInventory(), options)) as CdxJson;
    broken.components[0]!.scope = "runtime";
    expect(await validator.validate(JSON.stringify(broken))).not.toBeNull();
  });

  it("is deterministic: the same inventory, in any order, gives the same bytes", () => {
    const a = toCycloneDxJson(sampleInventory(), options);
    const shuffled = sampleInventory();
    shuffled.components.reverse();
    for (const c of shuffled.components) c.dependencies.reverse();
    expect(toCycloneDxJson(shuffled, options)).toBe(a);
    expect(a).not.toMatch(/timestamp/);
  });

  it("sorts components by purl in code-unit order, whatever the locale's collation", () => {
    const doc = parse(toCycloneDxJson(sampleInventory(), options));
    const purls = doc.components.map((c) => c.purl);
    expect(purls).toEqual([...purls].sort(cmp));
    // "a-b" < "a_b" in code units; localeCompare puts "_" first
    expect(purls.indexOf("pkg:npm/a-b@1.0.0")).toBeLessThan(purls.indexOf("pkg:npm/a_b@1.0.0"));
    expect(doc.dependencies.map((d) => d.ref)).toEqual([PROJECT_BOM_REF, ...purls.map(bomRefOf)]);
  });

  it("derives the serial number from the purls, or from them and the timestamp", () => {
    const a = parse(toCycloneDxJson(sampleInventory(), options)).serialNumber;
    expect(a).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const fewer = sampleInventory();
    fewer.components.pop();
    expect(parse(toCycloneDxJson(fewer, options)).serialNumber).not.toBe(a);
    const timed = parse(
      toCycloneDxJson(sampleInventory(), { ...options, timestamp: new Date("2024-05-01T12:00:00Z") }),
    );
    expect(timed.serialNumber).not.toBe(a);
    expect(timed.metadata.timestamp).toBe("2024-05-01T12:00:00.000Z");
  });

  it("describes the project, the tool and each component", () => {
    const doc = parse(toCycloneDxJson(sampleInventory(), options));
    expect(doc.metadata.component).toEqual({ type: "application", name: "shop", "bom-ref": PROJECT_BOM_REF });
    expect(doc.metadata.tools.components).toEqual([
      { type: "application", name: "depwarden", version: "0.1.0" },
    ]);

    expect(byPurl(doc, "pkg:npm/express@4.19.2")).toEqual({
      type: "library",
      name: "express",
      version: "4.19.2",
      "bom-ref": "pkg:npm/express@4.19.2",
      scope: "required",
      hashes: [{ alg: "SHA-512", content: SHA512_EXPRESS }],
      purl: "pkg:npm/express@4.19.2",
      externalReferences: [
        { url: "https://registry.npmjs.org/express/-/express-4.19.2.tgz", type: "distribution" },
      ],
      properties: [
        { name: "depwarden:direct", value: "true" },
        { name: "depwarden:scope", value: "prod" },
        { name: "depwarden:source", value: "package-lock.json:20" },
        { name: "depwarden:source", value: "packages/api/package-lock.json:8" },
      ],
    });
    const babel = byPurl(doc, "pkg:npm/%40babel/core@7.24.5");
    expect([babel.group, babel.name, babel.scope]).toEqual(["@babel", "core", "excluded"]); // dev only
    expect(byPurl(doc, "pkg:npm/fsevents@2.3.3").scope).toBe("optional");
    expect(byPurl(doc, "pkg:npm/react@18.3.1").scope).toBe("required"); // peer: needed at runtime
    expect(byPurl(doc, "pkg:npm/jsonstream@1.3.5").name).toBe("JSONStream");

    // no version: no version field; the range and the local path are kept as properties
    const flask = byPurl(doc, "pkg:pypi/flask");
    expect(flask.version).toBeUndefined();
    expect(flask.properties).toContainEqual({ name: "depwarden:unpinned:spec", value: ">=2.0" });
    expect(flask.properties).toContainEqual({ name: "depwarden:resolved", value: "./vendor/flask" });
    expect(flask.externalReferences).toBeUndefined();

    // two sha256 hashes (a wheel and an sdist): neither is "the" hash of the component
    const requests = byPurl(doc, "pkg:pypi/requests@2.31.0");
    expect(requests.hashes).toBeUndefined();
    expect(requests.properties?.filter((p) => p.name === "depwarden:hash").map((p) => p.value)).toEqual([
      `sha256:${SHA256_REQUESTS_WHL}`,
      `sha256:${SHA256_REQUESTS_SDIST}`,
    ]);
    expect(requests.properties).toContainEqual({
      name: "depwarden:markers",
      value: 'python_version >= "3.8"',
    });
  });

  it("writes the dependency graph with the project's direct dependencies", () => {
    const doc = parse(toCycloneDxJson(sampleInventory(), options));
    const deps = new Map(doc.dependencies.map((d) => [d.ref, d.dependsOn]));
    expect(deps.get(PROJECT_BOM_REF)).toEqual([
      "pkg:npm/@a/b@1.0.0",
      "pkg:npm/@babel/core@7.24.5",
      "pkg:npm/express@4.19.2",
      "pkg:npm/fsevents@2.3.3",
      "pkg:npm/jsonstream@1.3.5",
      "pkg:npm/left-pad@1.3.0",
      "pkg:npm/react@18.3.1",
      "pkg:pypi/flask",
      "pkg:pypi/requests@2.31.0",
    ]);
    expect(deps.get("pkg:npm/express@4.19.2")).toEqual(["pkg:npm/debug@4.3.4", "pkg:npm/ms@2.1.2"]);
    expect(deps.get("pkg:pypi/requests@2.31.0")).toEqual(["pkg:pypi/urllib3@2.2.1"]);
    // no dependencies: an empty element, written out (cdxgen's validator fails on an entry without dependsOn)
    expect(deps.get("pkg:npm/ms@2.1.2")).toEqual([]);
  });

  it("writes bom-refs a strict reader accepts: the purl, an npm scope's @ not percent-encoded", async () => {
    const doc = parse(toCycloneDxJson(sampleInventory(), options));
    const babel = byPurl(doc, "pkg:npm/%40babel/core@7.24.5");
    expect(babel["bom-ref"]).toBe("pkg:npm/@babel/core@7.24.5");
    expect(bomRefOf("pkg:pypi/requests@2.31.0")).toBe("pkg:pypi/requests@2.31.0");
    // cdxgen's deep check rejects refs with %40, %3A or %2F in them, and needs every dependsOn
    for (const d of doc.dependencies) {
      expect(d.ref).not.toMatch(/%40|%3A|%2F/);
      expect(Array.isArray(d.dependsOn)).toBe(true);
    }
    const refs = new Set(doc.components.map((c) => c["bom-ref"]));
    expect(refs.size).toBe(doc.components.length);
    for (const d of doc.dependencies.slice(1)) expect(refs.has(d.ref)).toBe(true);
  });
});

describe("CycloneDX round trip", () => {
  it("reads back the same purls, hashes, edges, direct flags and scopes", async () => {
    const inventory = sampleInventory();
    const result = await extractText(cyclonedxExtractor, "bom.json", toCycloneDxJson(inventory, options));
    expect(result.warnings).toBeUndefined();
    const read = result.packages.map((p) => ({
      purl: buildPurl(p.ecosystem!, p.name, p.version),
      hashes: (p.hashes ?? []).flatMap(normaliseHashes).sort(),
      dependencies: (p.dependencies ?? []).map((d) => buildPurl(p.ecosystem!, d.name, d.version)).sort(),
      direct: p.direct,
      scopes: p.scopes,
      unpinned: p.unpinned,
      markers: p.markers,
      extras: p.extras,
    }));
    expect(read).toEqual(
      inventory.components.map((c) => ({
        purl: c.purl,
        hashes: c.hashes,
        dependencies: c.dependencies,
        direct: c.direct,
        scopes: c.scopes,
        unpinned: c.unpinned,
        markers: c.markers, // depwarden:markers and depwarden:extra were written but not read back
        extras: c.extras,
      })),
    );
  });

  it("gives the same components through the whole inventory pipeline (--sbom)", async () => {
    const inventory = sampleInventory();
    const dir = mkdtempSync(join(tmpdir(), "depwarden-cdx-"));
    try {
      writeFileSync(join(dir, "shop.cdx.json"), toCycloneDxJson(inventory, options));
      const again = await buildInventory([], { sboms: ["shop.cdx.json"], cwd: dir });
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
          c.resolved,
          c.unpinned,
          c.markers,
          c.extras,
        ]);
      expect(pick(again)).toEqual(pick(inventory));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
