import { describe, expect, it } from "vitest";
import type { OsvRecord } from "../advisories/osv.js";
import type { Ecosystem } from "../inventory/model.js";
import { lockedComponent, memorySource } from "../test-helpers/advisories.js";
import { findVulnerabilities } from "./vulnerabilities.js";

function record(
  id: string,
  ecosystem: Ecosystem,
  name: string,
  events: Record<string, string>[],
  extra: Partial<OsvRecord> = {},
): OsvRecord {
  return {
    id,
    modified: "2024-01-01T00:00:00Z",
    summary: `${id} summary`,
    affected: [{ package: { ecosystem, name }, ranges: [{ type: "ECOSYSTEM", events }] }],
    ...extra,
  };
}

describe("findVulnerabilities", () => {
  it("merges records that alias each other into one finding with every id", async () => {
    const src = memorySource([
      record("PYSEC-2023-62", "PyPI", "flask", [{ introduced: "0" }, { fixed: "2.2.5" }], {
        aliases: ["CVE-2023-30861", "GHSA-m2qf-hxjv-5gpq"],
      }),
      record("GHSA-m2qf-hxjv-5gpq", "PyPI", "Flask", [{ introduced: "0" }, { fixed: "2.2.5" }], {
        aliases: ["CVE-2023-30861"],
        severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N" }],
        references: [
          { type: "WEB", url: "https://github.com/pallets/flask/security/advisories/GHSA-m2qf-hxjv-5gpq" },
        ],
      }),
    ]);
    const { findings } = await findVulnerabilities([lockedComponent("PyPI", "flask", "2.2.2")], src);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      type: "vulnerability",
      id: "GHSA-m2qf-hxjv-5gpq",
      aliases: ["PYSEC-2023-62", "CVE-2023-30861"],
      severity: "high",
      cvss: { version: "3.1", score: 7.5 },
      fixedIn: "2.2.5",
      direct: true,
    });
  });

  it("records sharing only a CVE alias are the same flaw", async () => {
    const src = memorySource([
      record("PYSEC-1", "PyPI", "a", [{ introduced: "0" }, { fixed: "2" }], { aliases: ["CVE-1"] }),
      record("GHSA-aaaa-bbbb-cccc", "PyPI", "a", [{ introduced: "0" }, { fixed: "2" }], {
        aliases: ["CVE-1"],
      }),
      record("PYSEC-2", "PyPI", "a", [{ introduced: "0" }, { fixed: "3" }], { aliases: ["CVE-2"] }),
    ]);
    const { findings } = await findVulnerabilities([lockedComponent("PyPI", "a", "1.0")], src);
    expect(findings.map((f) => [f.id, f.aliases])).toEqual([
      ["GHSA-aaaa-bbbb-cccc", ["PYSEC-1", "CVE-1"]],
      ["PYSEC-2", ["CVE-2"]],
    ]);
  });

  it("fixedIn is the lowest version no merged record affects", async () => {
    const src = memorySource([
      // Two ranges; the installed 1.5 is in the first. 2.0 is fixed by PYSEC but GHSA says up to 2.1.
      record(
        "PYSEC-1",
        "PyPI",
        "a",
        [{ introduced: "1.0" }, { fixed: "2.0" }, { introduced: "3.0" }, { fixed: "3.1" }],
        { aliases: ["GHSA-1"] },
      ),
      record("GHSA-1", "PyPI", "a", [{ introduced: "0" }, { fixed: "2.1" }]),
    ]);
    const { findings } = await findVulnerabilities([lockedComponent("PyPI", "a", "1.5")], src);
    expect(findings[0]?.fixedIn).toBe("2.1");
  });

  it("no fix when the range ends with last_affected", async () => {
    const src = memorySource([
      record("GHSA-x", "npm", "left-pad", [{ introduced: "0" }, { last_affected: "1.3.0" }]),
    ]);
    const { findings } = await findVulnerabilities([lockedComponent("npm", "left-pad", "1.3.0")], src);
    expect(findings[0]?.fixedIn).toBeNull();
  });

  it("a version outside every range is not reported; withdrawn records never match", async () => {
    const src = memorySource([
      record("PYSEC-1", "PyPI", "a", [{ introduced: "0" }, { fixed: "1.0" }]),
      record("PYSEC-2", "PyPI", "a", [{ introduced: "0" }], { withdrawn: "2024-02-01T00:00:00Z" }),
    ]);
    const { findings } = await findVulnerabilities([lockedComponent("PyPI", "a", "1.0")], src);
    expect(findings).toEqual([]);
  });

  it("a MAL record makes a malicious-package finding, critical whatever it says", async () => {
    const src = memorySource([
      record("MAL-2022-1234", "npm", "evil-pkg", [{ introduced: "0" }], {
        database_specific: { severity: "LOW" },
        summary: "Malicious code in evil-pkg (npm)",
      }),
    ]);
    const { findings } = await findVulnerabilities([lockedComponent("npm", "evil-pkg", "1.0.0", false)], src);
    expect(findings[0]).toMatchObject({
      type: "malicious-package",
      id: "MAL-2022-1234",
      severity: "critical",
      fixedIn: null,
    });
  });

  it("a GHSA malware advisory aliased to a MAL id is malicious too", async () => {
    const src = memorySource([
      record("GHSA-9x9x-9x9x-9x9x", "npm", "evil-pkg", [{ introduced: "0" }], { aliases: ["MAL-2024-1"] }),
    ]);
    const { findings } = await findVulnerabilities([lockedComponent("npm", "evil-pkg", "1.0.0")], src);
    expect(findings[0]).toMatchObject({
      type: "malicious-package",
      id: "MAL-2024-1",
      aliases: ["GHSA-9x9x-9x9x-9x9x"],
    });
  });

  it("falls back to database_specific severity, then unknown", async () => {
    const src = memorySource([
      record("GHSA-1", "npm", "a", [{ introduced: "0" }], { database_specific: { severity: "MODERATE" } }),
      record("PYSEC-9", "npm", "a", [{ introduced: "0" }]),
    ]);
    const { findings } = await findVulnerabilities([lockedComponent("npm", "a", "1.0.0")], src);
    expect(findings.map((f) => [f.id, f.severity])).toEqual([
      ["GHSA-1", "medium"],
      ["PYSEC-9", "unknown"],
    ]);
  });

  it("matches names as the ecosystem compares them", async () => {
    const src = memorySource([
      record("PYSEC-1", "PyPI", "Zope.Interface", [{ introduced: "0" }]),
      record("GHSA-8hc4-vh64-cxmj", "npm", "Axios", [{ introduced: "1.3.2" }, { fixed: "1.7.4" }]),
      record("PYSEC-2", "npm", "zope-interface", [{ introduced: "0" }]),
    ]);
    const { findings } = await findVulnerabilities(
      [lockedComponent("PyPI", "zope-interface", "5.0"), lockedComponent("npm", "axios", "1.7.2")],
      src,
    );
    expect(findings.map((f) => f.id).sort()).toEqual(["GHSA-8hc4-vh64-cxmj", "PYSEC-1"]);
  });

  it("an unparsable version is checked only against exact listed versions, with a warning", async () => {
    const src = memorySource([
      {
        ...record("PYSEC-1", "PyPI", "a", [{ introduced: "0" }]),
        affected: [
          {
            package: { ecosystem: "PyPI", name: "a" },
            ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }] }],
            versions: ["not a version"],
          },
        ],
      },
    ]);
    const result = await findVulnerabilities(
      [lockedComponent("PyPI", "a", "not a version"), lockedComponent("PyPI", "a", "nonsense!")],
      src,
    );
    expect(result.findings.map((f) => f.version)).toEqual(["not a version"]);
    expect(result.notChecked).toBe(2);
    expect(result.warnings.map((w) => w.message)).toEqual([
      "7: a not a version is not a valid PEP 440 version: its advisories' version ranges could not be checked (only exact listed versions were)",
      "7: a nonsense! is not a valid PEP 440 version: its advisories' version ranges could not be checked (only exact listed versions were)",
    ]);
  });

  it("components without an exact version are counted, not checked", async () => {
    const result = await findVulnerabilities(
      [lockedComponent("PyPI", "a", null), lockedComponent("PyPI", "b", "1.0")],
      memorySource([]),
    );
    expect(result).toMatchObject({ checked: 1, notChecked: 1, findings: [] });
  });
});
