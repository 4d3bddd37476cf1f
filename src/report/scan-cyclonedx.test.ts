import { Enums, Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { describe, expect, it } from "vitest";
import type { ScanReport } from "../analysis/finding.js";
import { buildPurl } from "../inventory/normalise.js";
import { cyclonedxExtractor } from "../inventory/sbom/cyclonedx.js";
import { extractText } from "../test-helpers/extract.js";
import { NASTY_SUMMARY, sampleScanReport } from "./__fixtures__/sample-scan.js";
import { supplyChainScanReport } from "./__fixtures__/sample-supply-chain.js";
import { toCycloneDxJson } from "./cyclonedx.js";
import { aliasSource, cvssSeverity, formatScanCycloneDx, ratingMethodOf } from "./scan-cyclonedx.js";

const options = { toolVersion: "0.1.0", projectName: "shop" };

interface CdxVulnerability {
  "bom-ref": string;
  id: string;
  source: { name: string; url: string };
  references?: { id: string; source: { name: string; url: string } }[];
  ratings?: { score?: number; severity?: string; method?: string; vector?: string; justification?: string }[];
  description?: string;
  recommendation?: string;
  advisories?: { url: string }[];
  analysis?: { state?: string; justification?: string; response?: string[]; detail?: string };
  affects: { ref: string; versions?: { version: string; status: string }[] }[];
  properties?: { name: string; value: string }[];
}
interface CdxBom {
  serialNumber: string;
  metadata: Record<string, unknown> & { properties?: { name: string; value: string }[] };
  components: { "bom-ref": string; purl: string }[];
  dependencies: unknown[];
  vulnerabilities?: CdxVulnerability[];
}

const cdx = (report: ScanReport = sampleScanReport(), opts = options): CdxBom =>
  JSON.parse(formatScanCycloneDx(report, opts)) as CdxBom;
const vuln = (bom: CdxBom, id: string) => bom.vulnerabilities!.find((v) => v.id === id)!;

describe("formatScanCycloneDx", () => {
  it("writes a BOM the CycloneDX 1.6 strict schema accepts", async () => {
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    const empty = sampleScanReport();
    empty.findings = [];
    for (const text of [
      formatScanCycloneDx(sampleScanReport(), options),
      formatScanCycloneDx(sampleScanReport(), { ...options, timestamp: new Date("2024-05-01T12:00:00Z") }),
      formatScanCycloneDx(empty, options),
    ]) {
      expect(await validator.validate(text)).toBeNull();
    }
    expect(cdx(empty).vulnerabilities).toBeUndefined();
    // the validator does reject what the schema forbids
    const broken = cdx();
    broken.vulnerabilities![0]!.analysis = { state: "ignored" };
    expect(await validator.validate(JSON.stringify(broken))).not.toBeNull();
  });

  it("is the same BOM as `depwarden sbom`, plus the vulnerabilities and the advisory data used", () => {
    const report = sampleScanReport();
    const bom = cdx(report);
    const sbom = JSON.parse(toCycloneDxJson(report.inventory, options)) as CdxBom;
    expect(bom.components).toEqual(sbom.components);
    expect(bom.dependencies).toEqual(sbom.dependencies);
    const { properties, ...metadata } = bom.metadata;
    expect(metadata).toEqual(sbom.metadata);
    expect(properties).toEqual([
      { name: "depwarden:advisories:source", value: "bundled" },
      { name: "depwarden:advisories:count", value: "3144" },
      { name: "depwarden:advisories:updatedAt", value: "2026-04-08T00:00:00Z" },
      { name: "depwarden:failOn", value: "high" },
    ]);
    // a different document: a different serial number, which depends on what was found
    expect(bom.serialNumber).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(bom.serialNumber).not.toBe(sbom.serialNumber);
    const unsuppressed = sampleScanReport();
    for (const f of unsuppressed.findings) delete f.suppressed;
    expect(cdx(unsuppressed).serialNumber).not.toBe(bom.serialNumber);
  });

  it("has one vulnerability per finding, affecting the component's bom-ref at its version", () => {
    const report = sampleScanReport();
    const bom = cdx(report);
    expect(bom.vulnerabilities!.map((v) => [v.id, v.affects[0]!.ref])).toEqual(
      report.findings.map((f) => [f.id, f.purl.replace("pkg:npm/%40", "pkg:npm/@")]),
    );
    const refs = new Set(bom.components.map((c) => c["bom-ref"]));
    for (const v of bom.vulnerabilities!) {
      expect(v.affects).toHaveLength(1);
      expect(refs.has(v.affects[0]!.ref)).toBe(true);
    }
    const babel = vuln(bom, "GHSA-67hx-6x53-jw92");
    expect(babel.affects).toEqual([
      { ref: "pkg:npm/@babel/core@7.24.5", versions: [{ version: "7.24.5", status: "affected" }] },
    ]);
    const bomRefs = bom.vulnerabilities!.map((v) => v["bom-ref"]);
    expect(new Set([...bomRefs, ...refs]).size).toBe(bomRefs.length + refs.size);
  });

  it("names the source and the aliases, each where it is published", () => {
    const bom = cdx();
    const urllib3 = vuln(bom, "GHSA-34jh-p97f-mpxf");
    // the database that publishes the id: Dependency-Track matches VEX analyses on (source, id)
    expect(urllib3.source).toEqual({
      name: "GitHub",
      url: "https://github.com/advisories/GHSA-34jh-p97f-mpxf",
    });
    expect(urllib3.references).toEqual([
      { id: "PYSEC-2024-60", source: { name: "OSV", url: "https://osv.dev/vulnerability/PYSEC-2024-60" } },
      {
        id: "CVE-2024-37891",
        source: { name: "NVD", url: "https://nvd.nist.gov/vuln/detail/CVE-2024-37891" },
      },
    ]);
    expect(vuln(bom, "MAL-2018-1").references).toEqual([
      {
        id: "GHSA-9x64-5r7x-2q53",
        source: { name: "GitHub", url: "https://github.com/advisories/GHSA-9x64-5r7x-2q53" },
      },
    ]);
    expect(vuln(bom, "GHSA-rv95-896h-c2vc").advisories).toEqual([
      { url: "https://github.com/expressjs/express/pull/5539" }, // `javascript:` is not an advisory URL
    ]);
    expect(vuln(bom, "GHSA-gxpj-cx7g-858c").advisories).toBeUndefined();
  });

  it("rates each finding by its CVSS vector, else by its severity alone", () => {
    const bom = cdx();
    expect(vuln(bom, "GHSA-67hx-6x53-jw92").ratings).toEqual([
      {
        score: 9.8,
        severity: "critical",
        method: "CVSSv31",
        vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
      },
    ]);
    expect(vuln(bom, "GHSA-9wx4-h78v-vm56").ratings).toEqual([
      {
        score: 5.6,
        severity: "medium",
        method: "CVSSv4",
        vector: "CVSS:4.0/AV:L/AC:H/AT:N/PR:H/UI:R/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N",
      },
    ]);
    expect(vuln(bom, "GHSA-w9mr-4mfr-499f").ratings).toEqual([{ severity: "low" }]);
    expect(vuln(bom, "GHSA-gxpj-cx7g-858c").ratings).toEqual([{ severity: "unknown" }]);
    expect(vuln(bom, "MAL-2018-1").ratings).toEqual([
      {
        severity: "critical",
        method: "other",
        justification: "Known malicious package: rated critical whatever the advisory says.",
      },
    ]);
  });

  it("describes each finding and says what to do, a malicious package in so many words", () => {
    const bom = cdx();
    const express = vuln(bom, "GHSA-rv95-896h-c2vc");
    expect(express.description).toBe(NASTY_SUMMARY); // plain text, as published
    expect(express.recommendation).toBe("Upgrade to 4.19.3.");
    expect(vuln(bom, "GHSA-gxpj-cx7g-858c").recommendation).toBe("No fix available.");
    const mal = vuln(bom, "MAL-2018-1");
    expect(mal.description).toBe(
      "Known malicious package: flatmap-stream@0.1.1 is listed as malicious by MAL-2018-1. Remove it. " +
        "Malicious code in flatmap-stream (npm)",
    );
    expect(mal.recommendation).toBe(
      "Remove this package: known malicious; rotate any secrets it could reach.",
    );
    expect(mal.properties).toContainEqual({ name: "depwarden:type", value: "malicious-package" });
  });

  it("records an ignore as in triage, with the entry, and an expired one as a plain finding", () => {
    const bom = cdx();
    expect(vuln(bom, "GHSA-9wx4-h78v-vm56").analysis).toEqual({
      state: "in_triage",
      detail:
        "Ignored (as CVE-2024-35195) by .depwarden.yaml:4 until 2099-12-31, approved by alice@example.com: " +
        "We never pass verify=False; see | <b>ADR-7</b>",
    });
    expect(vuln(bom, "GHSA-9wx4-h78v-vm56").properties).toContainEqual({
      name: "depwarden:suppressed:expires",
      value: "2099-12-31",
    });
    const debug = vuln(bom, "GHSA-gxpj-cx7g-858c");
    expect(debug.analysis).toBeUndefined();
    expect(debug.properties).toContainEqual({
      name: "depwarden:ignoreExpired",
      value: "packages/api/.depwarden.yaml:9 expired 2024-01-31: Only used by the dev server",
    });
    const analysed = bom.vulnerabilities!.filter((v) => v.analysis).map((v) => v.id);
    expect(analysed).toEqual(["GHSA-9wx4-h78v-vm56"]);
  });

  it("is deterministic: the same report in any order gives the same bytes", () => {
    const a = formatScanCycloneDx(sampleScanReport(), options);
    const shuffled = sampleScanReport();
    shuffled.findings.reverse();
    shuffled.inventory.components.reverse();
    expect(formatScanCycloneDx(shuffled, options)).toBe(a);
    expect(a).not.toMatch(/timestamp/);
  });

  it("reads back as the same inventory: the vulnerabilities do not disturb an SBOM reader", async () => {
    const report = sampleScanReport();
    const result = await extractText(cyclonedxExtractor, "bom.json", formatScanCycloneDx(report, options));
    expect(result.warnings).toBeUndefined();
    expect(result.packages.map((p) => buildPurl(p.ecosystem!, p.name, p.version)).sort()).toEqual(
      report.inventory.components.map((c) => c.purl).sort(),
    );
  });
});

describe("CVSS ratings", () => {
  it("maps CVSS versions to CycloneDX rating methods, from the vector when the version is missing", () => {
    const M = Enums.Vulnerability.RatingMethod;
    const r = (version: string, vector = "") => ratingMethodOf({ version, vector, score: 5 });
    expect([r("3.1"), r("3.0"), r("4.0"), r("2.0"), r("", "CVSS:3.0/AV:N"), r("", "AV:N/AC:L")]).toEqual([
      M.CVSSv31,
      M.CVSSv3,
      M.CVSSv4,
      M.CVSSv2,
      M.CVSSv3,
      M.Other,
    ]);
  });

  it("bands scores as each CVSS version's specification does", () => {
    const s = (version: string, score: number) => cvssSeverity({ version, vector: "", score });
    expect([
      s("3.1", 9),
      s("3.1", 8.9),
      s("4.0", 7),
      s("3.1", 6.9),
      s("3.1", 4),
      s("3.1", 3.9),
      s("3.1", 0.1),
    ]).toEqual(["critical", "high", "high", "medium", "medium", "low", "low"]);
    expect(s("3.1", 0)).toBe("none");
    expect([s("2.0", 9.3), s("2.0", 7), s("2.0", 6.9), s("2.0", 3.9)]).toEqual([
      "high",
      "high",
      "medium",
      "low",
    ]);
  });

  it("links aliases to where they are published", () => {
    expect(aliasSource("CVE-2021-44228").url).toBe("https://nvd.nist.gov/vuln/detail/CVE-2021-44228");
    expect(aliasSource("GHSA-jfh8-c2jp-5v3q").url).toBe("https://github.com/advisories/GHSA-jfh8-c2jp-5v3q");
    expect(aliasSource("PYSEC-2021-1").url).toBe("https://osv.dev/vulnerability/PYSEC-2021-1");
    expect(aliasSource("CVE 2021/x").url).toBe("https://osv.dev/vulnerability/CVE%202021%2Fx");
  });
});

describe("formatScanCycloneDx: supply-chain findings", () => {
  it("stays a valid strict CycloneDX 1.6 BOM", async () => {
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    expect(await validator.validate(formatScanCycloneDx(supplyChainScanReport(), options))).toBeNull();
  });

  it("keeps vulnerabilities advisory-only: typosquats and code findings are not CycloneDX vulnerabilities", () => {
    const bom = cdx(supplyChainScanReport());
    expect(bom.vulnerabilities!.map((v) => v.id).sort()).toEqual(
      sampleScanReport()
        .findings.map((f) => f.id)
        .sort(),
    );
  });

  it("records a typosquat as properties of its component", () => {
    const bom = cdx(supplyChainScanReport());
    const components = bom.components as {
      "bom-ref": string;
      properties?: { name: string; value: string }[];
    }[];
    const props = (ref: string) =>
      components
        .find((c) => c["bom-ref"] === ref)!
        .properties!.filter((p) => p.name.startsWith("depwarden:typosquat:"));
    expect(props("pkg:pypi/reqeusts@2.31.0")).toEqual([
      { name: "depwarden:typosquat:imitates", value: "requests" },
      { name: "depwarden:typosquat:technique", value: "transposition" },
      { name: "depwarden:typosquat:severity", value: "high" },
      {
        name: "depwarden:typosquat:why",
        value:
          'reqeusts looks like requests (#6 on PyPI): two adjacent characters swapped ("eu" in place of "ue"); reqeusts is not among the 5,000 most popular',
      },
    ]);
    expect(props("pkg:npm/lodahs")).toContainEqual({
      name: "depwarden:typosquat:suppressed:expires",
      value: "2099-12-31",
    });
    expect(props("pkg:npm/express@4.19.2")).toEqual([]);
  });

  it("counts what it leaves out in the metadata, only for the checks that ran", () => {
    const meta = cdx(supplyChainScanReport()).metadata.properties!;
    expect(
      meta.filter((p) => !p.name.startsWith("depwarden:advisories:") && p.name !== "depwarden:failOn"),
    ).toEqual([
      { name: "depwarden:typosquats", value: "1" },
      { name: "depwarden:omitted:malicious-code", value: "1" },
      { name: "depwarden:omitted:install-script", value: "1" },
      { name: "depwarden:omitted:accepted", value: "1" },
    ]);
    expect(cdx().metadata.properties!.map((p) => p.name)).not.toContain("depwarden:typosquats");
  });

  it("derives the serial number from typosquats but not from code findings (not in the BOM)", () => {
    const serial = (r: ScanReport) => cdx(r).serialNumber;
    const base = serial(supplyChainScanReport());
    const noCode = supplyChainScanReport();
    noCode.findings = noCode.findings.filter(
      (f) => f.type !== "malicious-code" && f.type !== "install-script",
    );
    expect(serial(noCode)).toBe(base);
    const noTyposquat = supplyChainScanReport();
    noTyposquat.findings = noTyposquat.findings.filter((f) => f.type !== "typosquat");
    expect(serial(noTyposquat)).not.toBe(base);
  });
});
