/**
 * Cases found by the differential test of `depwarden scan` against independent references (Python `packaging`
 * and npm `semver` evaluating the OSV schema's pseudo-code) over every record of the bundled dumps. Each record
 * here is the shape of a real one, named after it (events and lists trimmed to what matters).
 */
import { describe, expect, it } from "vitest";
import type { OsvAffected, OsvRecord } from "../advisories/osv.js";
import type { Component } from "../inventory/model.js";
import { lockedComponent, memorySource } from "../test-helpers/advisories.js";
import { findVulnerabilities } from "./vulnerabilities.js";

function record(id: string, affected: OsvAffected[], extra: Partial<OsvRecord> = {}): OsvRecord {
  return { id, modified: "2024-01-01T00:00:00Z", summary: id, affected, ...extra };
}

const pypi = (name: string, events: OsvAffected["ranges"], versions?: string[]): OsvAffected => ({
  package: { ecosystem: "PyPI", name },
  ranges: events,
  ...(versions ? { versions } : {}),
});
const eco = (...events: Record<string, string>[]) => ({ type: "ECOSYSTEM", events });

async function fixedIn(rec: OsvRecord, c: Component): Promise<(string | null)[]> {
  const { findings } = await findVulnerabilities([c], memorySource([rec]));
  return findings.map((f) => f.fixedIn);
}

describe("reference: fixedIn is the lowest fixed version that clears the finding", () => {
  // docs/scan.md: "the lowest `fixed` version above the installed one that none of the merged records affects".
  // Today only the lowest fix of each range that affects the version is tried; when that one is still affected
  // (or the version is affected through the `versions` list only) the finding says "no fix available" although
  // a later `fixed` version of the same record clears it. 1,118 findings on the bundled PyPI data (5 records).

  it("PYSEC-2022-236 (pyspark): adjacent pairs written out of order, the first fix is itself affected", async () => {
    const rec = record("PYSEC-2022-236", [
      pypi("pyspark", [
        eco(
          { introduced: "0" },
          { fixed: "3.1.1" },
          { introduced: "3.2.0" },
          { fixed: "3.2.2" },
          { introduced: "3.1.1" },
          {
            fixed: "3.1.3",
          },
        ),
      ]),
    ]);
    expect(await fixedIn(rec, lockedComponent("PyPI", "pyspark", "3.0.0"))).toEqual(["3.1.3"]);
  });

  it("PYSEC-2021-114 (wagtail): the range's fix is listed as affected in `versions`", async () => {
    const rec = record("PYSEC-2021-114", [
      pypi(
        "wagtail",
        [eco({ introduced: "2.11" }, { fixed: "2.11.7" }, { introduced: "0" }, { fixed: "2.11.6" })],
        ["2.10", "2.11", "2.11.6"],
      ),
    ]);
    expect(await fixedIn(rec, lockedComponent("PyPI", "wagtail", "2.10"))).toEqual(["2.11.7"]);
  });

  it("PYSEC-2023-61 (django): a pre-release affected through the `versions` list only", async () => {
    const rec = record("PYSEC-2023-61", [
      pypi("django", [eco({ introduced: "3.2" }, { fixed: "3.2.19" })], ["3.2a1", "3.2", "3.2.18"]),
    ]);
    expect(await fixedIn(rec, lockedComponent("PyPI", "django", "3.2a1"))).toEqual(["3.2.19"]);
  });

  it("GHSA-r683-j2x4-v87g (node-fetch): the fix of one entry is inside the other entry's range", async () => {
    const rec = record("GHSA-r683-j2x4-v87g", [
      {
        package: { ecosystem: "npm", name: "node-fetch" },
        ranges: [eco({ introduced: "1.0" }, { fixed: "3.1.1" })],
      },
      {
        package: { ecosystem: "npm", name: "node-fetch" },
        ranges: [eco({ introduced: "0" }, { fixed: "2.6.7" })],
      },
    ]);
    expect(await fixedIn(rec, lockedComponent("npm", "node-fetch", "0.9.0"))).toEqual(["3.1.1"]);
  });
});

describe("reference: matching on real record shapes", () => {
  it("NSWG-ECO-450 (eslint-scope 3.7.2 only) does not flag eslint-scope 7.2.2", async () => {
    const rec = record("NSWG-ECO-450", [
      {
        package: { ecosystem: "npm", name: "eslint-scope" },
        ranges: [{ type: "SEMVER", events: [{ introduced: "3.7.2" }, { last_affected: "3.7.2" }] }],
      },
    ]);
    const src = memorySource([rec]);
    const { findings } = await findVulnerabilities(
      [lockedComponent("npm", "eslint-scope", "3.7.2"), lockedComponent("npm", "eslint-scope", "7.2.2")],
      src,
    );
    expect(findings.map((f) => f.version)).toEqual(["3.7.2"]);
  });

  it("NSWG-ECO-309 (request): matching follows the OSV ranges only, never database_specific", async () => {
    // The NSWG source says `>=2.2.6 <2.47.0 || >2.51.0 <=2.67.0`; the OSV conversion kept only the first part
    // (also NSWG-ECO-49, -74 (mapbox.js 2.0.1-2.2.3) and -75 (mqtt-packet 4.0.1-4.0.4)). The OSV schema gives
    // database_specific no say in evaluation, so 2.67.0 is not matched: a known gap of the bundled npm data
    // (docs/scan.md), closed by GitHub's advisories for the same flaws once `db update` has run.
    const rec = record(
      "NSWG-ECO-309",
      [
        {
          package: { ecosystem: "npm", name: "request" },
          ranges: [{ type: "SEMVER", events: [{ introduced: "2.2.6" }, { fixed: "2.47.0" }] }],
        },
      ],
      {
        database_specific: {
          source: "nodejs/security-wg",
          vulnerable_versions: ">=2.2.6 <2.47.0 || >2.51.0 <=2.67.0",
        },
      },
    );
    const { findings } = await findVulnerabilities(
      [lockedComponent("npm", "request", "2.67.0"), lockedComponent("npm", "request", "2.88.2")],
      memorySource([rec]),
    );
    expect(findings.map((f) => f.version)).toEqual([]);
    const inRange = await findVulnerabilities(
      [lockedComponent("npm", "request", "2.46.0")],
      memorySource([rec]),
    );
    expect(inRange.findings.map((f) => f.version)).toEqual(["2.46.0"]);
  });

  it("PEP 503 keeps separators: Py_Yaml is py-yaml, not PyYAML", async () => {
    const rec = record("PYSEC-2020-96", [pypi("pyyaml", [eco({ introduced: "5.1" }, { fixed: "5.3.1" })])]);
    const { findings } = await findVulnerabilities(
      [lockedComponent("PyPI", "PyYAML", "5.3"), lockedComponent("PyPI", "Py_Yaml", "5.3")],
      memorySource([rec]),
    );
    expect(findings.map((f) => f.name)).toEqual(["PyYAML"]);
  });
});
