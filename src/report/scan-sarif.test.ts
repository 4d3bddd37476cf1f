import { describe, expect, it } from "vitest";
import type { Finding, ScanReport } from "../analysis/finding.js";
import { ajv, validateSarif } from "../test-helpers/sarif.js";
import { MALICIOUS_PURL, NASTY_SUMMARY, sampleScanReport } from "./__fixtures__/sample-scan.js";
import {
  NASTY_SNIPPET,
  SHA_EVIL,
  SHA_FONT,
  supplyChainScanReport,
} from "./__fixtures__/sample-supply-chain.js";
import { artifactLocation, formatScanSarif, messageOf, SARIF_SCHEMA_URI } from "./scan-sarif.js";

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations?: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region?: { startLine: number };
    };
  }[];
  partialFingerprints: { primaryLocationLineHash: string } & Record<string, string>;
  suppressions?: {
    kind: string;
    status: string;
    justification: string;
    location: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } };
    properties: Record<string, unknown>;
  }[];
  properties: Record<string, unknown>;
}
interface SarifRule {
  id: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri: string;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: string };
  properties: { tags: string[]; "security-severity"?: string };
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; semanticVersion?: string; rules: SarifRule[] } };
    results: SarifResult[];
    properties: Record<string, unknown>;
  }[];
}

const options = { toolVersion: "0.1.0" };
const sarif = (report: ScanReport = sampleScanReport()): SarifLog =>
  JSON.parse(formatScanSarif(report, options)) as SarifLog;
const run = (report?: ScanReport) => sarif(report).runs[0]!;
const resultsFor = (log: SarifLog, id: string) => log.runs[0]!.results.filter((r) => r.ruleId === id);
const ruleOf = (log: SarifLog, id: string) => log.runs[0]!.tool.driver.rules.find((r) => r.id === id)!;

function emptyReport(): ScanReport {
  const r = sampleScanReport();
  r.findings = [];
  r.summary = { ...r.summary, bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0, unknown: 0 } };
  return r;
}

describe("formatScanSarif", () => {
  it("writes a log the official SARIF 2.1.0 schema accepts", () => {
    const noSources = sampleScanReport();
    noSources.findings[0]!.sources = [];
    for (const report of [sampleScanReport(), emptyReport(), noSources]) {
      const doc = sarif(report);
      expect(validateSarif(doc), JSON.stringify(validateSarif.errors)).toBe(true);
    }
    const doc = sarif();
    expect(doc.$schema).toBe(SARIF_SCHEMA_URI);
    expect(doc.version).toBe("2.1.0");
    expect(doc.runs).toHaveLength(1);
    expect(run(emptyReport()).results).toEqual([]); // present, empty: an actual scan that found nothing
    // the validator does reject what the schema forbids
    const broken = sarif();
    broken.runs[0]!.results[0]!.level = "fatal";
    expect(validateSarif(broken)).toBe(false);
    const badLine = sarif();
    badLine.runs[0]!.results[1]!.locations![0]!.physicalLocation.region = { startLine: 0 };
    expect(validateSarif(badLine)).toBe(false);
  });

  it("meets GitHub code scanning's requirements for rules and results", () => {
    const r = run();
    expect(r.tool.driver).toMatchObject({ name: "depwarden", version: "0.1.0", semanticVersion: "0.1.0" });
    const ids = r.tool.driver.rules.map((x) => x.id);
    for (const rule of r.tool.driver.rules) {
      for (const text of [rule.shortDescription.text, rule.fullDescription.text, rule.help.text]) {
        expect(text.length).toBeGreaterThan(0);
        expect(text.length).toBeLessThanOrEqual(1024);
      }
      const score = Number(rule.properties["security-severity"]);
      expect(score).toBeGreaterThan(0);
      expect(score).toBeLessThanOrEqual(10);
      expect(rule.properties["security-severity"]).toMatch(/^\d+\.\d$/); // a string, as GitHub reads it
    }
    for (const result of r.results) {
      expect(ids[result.ruleIndex]).toBe(result.ruleId);
      expect(result.message.text.length).toBeGreaterThan(0);
      expect(result.locations).toHaveLength(1);
      const loc = result.locations![0]!.physicalLocation;
      expect(loc.artifactLocation.uri).not.toMatch(/^[a-z]+:|^\//); // relative to the repository root
      if (loc.region) expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
      expect(result.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{16}:\d+$/);
    }
  });

  it("has one rule per advisory id, with its tags, severity score and help", () => {
    const log = sarif();
    const rules = log.runs[0]!.tool.driver.rules;
    const ids = rules.map((x) => x.id);
    expect(ids).toEqual([...new Set(sampleScanReport().findings.map((f) => f.id))].sort());

    const babel = ruleOf(log, "GHSA-67hx-6x53-jw92");
    expect(babel.properties).toEqual({
      tags: ["security", "vulnerability", "npm"],
      "security-severity": "9.8",
    });
    expect(babel.shortDescription.text).toBe(
      "GHSA-67hx-6x53-jw92: Babel vulnerable to arbitrary code execution when compiling specifically crafted malicious code",
    );
    expect(babel.fullDescription.text).toContain("Also known as CVE-2023-45133.");
    expect(babel.helpUri).toBe("https://osv.dev/vulnerability/GHSA-67hx-6x53-jw92");
    expect(babel.defaultConfiguration.level).toBe("error");
    expect(babel.help.text).toContain("https://nvd.nist.gov/vuln/detail/CVE-2023-45133");

    // no CVSS score: the middle of the rating's band; unknown rated as the gate treats it (high)
    expect(ruleOf(log, "GHSA-w9mr-4mfr-499f").properties["security-severity"]).toBe("2.0");
    expect(ruleOf(log, "GHSA-gxpj-cx7g-858c").properties["security-severity"]).toBe("8.0");
    expect(ruleOf(log, "GHSA-9wx4-h78v-vm56").properties["security-severity"]).toBe("5.6"); // CVSS 4.0

    const mal = ruleOf(log, "MAL-2018-1");
    expect(mal.properties).toEqual({
      tags: ["security", "malicious-package", "npm"],
      "security-severity": "10.0",
    });
    expect(mal.fullDescription.text).toContain("Known malicious package: remove it.");

    // aliases in the finding's order (preferred ids first)
    expect(ruleOf(log, "GHSA-34jh-p97f-mpxf").fullDescription.text).toContain(
      "Also known as PYSEC-2024-60, CVE-2024-37891.",
    );
  });

  it("links the advisory's osv.dev page; references that are not http(s) URLs are never links", () => {
    const log = sarif();
    expect(ruleOf(log, "GHSA-rv95-896h-c2vc").helpUri).toBe(
      "https://osv.dev/vulnerability/GHSA-rv95-896h-c2vc",
    );
    expect(ruleOf(log, "GHSA-rv95-896h-c2vc").help.markdown).not.toContain("<javascript:");
    expect(ruleOf(log, "GHSA-w9mr-4mfr-499f").helpUri).toBe(
      "https://osv.dev/vulnerability/GHSA-w9mr-4mfr-499f",
    );
    // the summary's [x](javascript:…) stays escaped text, never a link
    expect(ruleOf(log, "GHSA-rv95-896h-c2vc").help.markdown).toContain("\\[x\\](javascript:");
    expect(ruleOf(log, "GHSA-rv95-896h-c2vc").help.markdown).not.toMatch(/(?<!\\)\]\(javascript:/);
  });

  it("maps severities to levels: critical, high and unknown are errors, medium warnings, low notes", () => {
    const log = sarif();
    const level = (id: string) => resultsFor(log, id).map((r) => r.level);
    expect(level("GHSA-67hx-6x53-jw92")).toEqual(["error"]);
    expect(level("MAL-2018-1")).toEqual(["error"]);
    expect(level("GHSA-gxpj-cx7g-858c")).toEqual(["error"]);
    expect(level("GHSA-rv95-896h-c2vc")).toEqual(["warning", "warning"]);
    expect(level("GHSA-w9mr-4mfr-499f")).toEqual(["note"]);
    const report = sampleScanReport();
    const base = report.findings.find((f) => f.type === "vulnerability")!;
    const high: Finding = { ...base, id: "GHSA-high", severity: "high", cvss: undefined };
    const info: Finding = { ...base, id: "GHSA-info", severity: "info", cvss: undefined };
    report.findings.push(high, info);
    const more = sarif(report);
    expect(resultsFor(more, "GHSA-high")[0]!.level).toBe("error");
    expect(ruleOf(more, "GHSA-high").properties["security-severity"]).toBe("8.0");
    expect(resultsFor(more, "GHSA-info")[0]!.level).toBe("note");
    expect(ruleOf(more, "GHSA-info").properties["security-severity"]).toBeUndefined();
  });

  it("says what is affected and what to do in each message", () => {
    const log = sarif();
    const text = (id: string) => resultsFor(log, id)[0]!.message.text;
    expect(text("GHSA-67hx-6x53-jw92")).toBe(
      "@babel/core@7.24.5 is affected by GHSA-67hx-6x53-jw92 (also CVE-2023-45133): Babel vulnerable to arbitrary " +
        "code execution when compiling specifically crafted malicious code. Severity: critical (CVSS 3.1 9.8). " +
        "Upgrade to 7.24.6.",
    );
    expect(text("GHSA-34jh-p97f-mpxf")).toContain("(also PYSEC-2024-60, CVE-2024-37891)");
    expect(text("GHSA-gxpj-cx7g-858c")).toContain("Severity: unknown. No fix available.");
    expect(text("MAL-2018-1")).toMatch(
      /^flatmap-stream@0\.1\.1 is a known malicious package: MAL-2018-1 \(also GHSA-9x64-5r7x-2q53\)\. Remove this package: known malicious/,
    );
    // the advisory's text on one line
    expect(text("GHSA-rv95-896h-c2vc")).toContain("<script>alert(1)</script> *bold* _em_");
    expect(text("GHSA-rv95-896h-c2vc")).not.toContain("\n");
    expect(NASTY_SUMMARY).toContain("\n");
  });

  it("locates each result at the lockfile line, one result per place the package is locked", () => {
    const log = sarif();
    const express = resultsFor(log, "GHSA-rv95-896h-c2vc").map((r) => r.locations![0]!.physicalLocation);
    expect(express).toEqual([
      { artifactLocation: { uri: "package-lock.json", uriBaseId: "%SRCROOT%" }, region: { startLine: 20 } },
      {
        artifactLocation: { uri: "packages/api/package-lock.json", uriBaseId: "%SRCROOT%" },
        region: { startLine: 8 },
      },
    ]);
    // no line known: the file, without a made-up region
    const urllib3 = resultsFor(log, "GHSA-34jh-p97f-mpxf")[0]!.locations![0]!.physicalLocation;
    expect(urllib3).toEqual({ artifactLocation: { uri: "poetry.lock", uriBaseId: "%SRCROOT%" } });
    // a finding whose component comes from nowhere still gets a result, without a location
    const report = sampleScanReport();
    report.findings[0]!.sources = [];
    const bare = sarif(report).runs[0]!.results.find((r) => r.ruleId === report.findings[0]!.id)!;
    expect(bare.locations).toBeUndefined();
    expect(bare.partialFingerprints.primaryLocationLineHash).toMatch(/:1$/);
  });

  it("fingerprints a finding by advisory, package and file: stable when lines move, distinct otherwise", () => {
    const fp = (log: SarifLog, id: string) => resultsFor(log, id).map((r) => r.partialFingerprints);
    const a = sarif();
    const moved = sampleScanReport();
    for (const f of moved.findings)
      f.sources = f.sources.map((s) => (s.line ? { ...s, line: s.line + 3 } : s));
    expect(fp(sarif(moved), "GHSA-rv95-896h-c2vc")).toEqual(fp(a, "GHSA-rv95-896h-c2vc"));
    const [first, second] = fp(a, "GHSA-rv95-896h-c2vc");
    expect(first!.primaryLocationLineHash).not.toBe(second!.primaryLocationLineHash);
    const all = a.runs[0]!.results.map((r) => r.partialFingerprints.primaryLocationLineHash);
    expect(new Set(all).size).toBe(all.length);
    // another version of the package is another finding
    const upgraded = sampleScanReport();
    const f = upgraded.findings.find((x) => x.id === "GHSA-rv95-896h-c2vc")!;
    f.purl = f.purl.replace("4.19.2", "4.19.1");
    expect(fp(sarif(upgraded), "GHSA-rv95-896h-c2vc")[0]).not.toEqual(first);
    // the same package twice in one lockfile (npm nests duplicates): numbered occurrences
    const twice = sampleScanReport();
    const babel = twice.findings.find((x) => x.id === "GHSA-67hx-6x53-jw92")!;
    babel.sources = [
      { file: "package-lock.json", line: 12 },
      { file: "package-lock.json", line: 90 },
    ];
    const [one, two] = fp(sarif(twice), "GHSA-67hx-6x53-jw92");
    expect(one!.primaryLocationLineHash.slice(0, 16)).toBe(two!.primaryLocationLineHash.slice(0, 16));
    expect([one!.primaryLocationLineHash.slice(17), two!.primaryLocationLineHash.slice(17)]).toEqual([
      "1",
      "2",
    ]);
  });

  it("marks suppressed findings with an accepted external suppression; expired ignores do not suppress", () => {
    const log = sarif();
    const requests = resultsFor(log, "GHSA-9wx4-h78v-vm56")[0]!;
    expect(requests.suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification: "We never pass verify=False; see | <b>ADR-7</b>",
        location: {
          physicalLocation: {
            artifactLocation: { uri: ".depwarden.yaml", uriBaseId: "%SRCROOT%" },
            region: { startLine: 4 },
          },
        },
        properties: { ignoredId: "CVE-2024-35195", expires: "2099-12-31", approvedBy: "alice@example.com" },
      },
    ]);
    expect(requests.message.text).toContain("Suppressed by .depwarden.yaml:4, until 2099-12-31");
    expect(requests.properties.gating).toBe(false);

    const debug = resultsFor(log, "GHSA-gxpj-cx7g-858c")[0]!;
    expect(debug.suppressions).toBeUndefined();
    expect(debug.message.text).toContain(
      "The ignore entry packages/api/.depwarden.yaml:9 expired on 2024-01-31: this finding counts again.",
    );
    expect(debug.properties.expiredSuppression).toMatchObject({ expires: "2024-01-31" });
    expect(debug.properties.gating).toBe(true);
    const others = log.runs[0]!.results.filter((r) => r.ruleId !== "GHSA-9wx4-h78v-vm56");
    for (const r of others) expect(r.suppressions).toBeUndefined();
  });

  it("carries the package, severity and fix of each result as properties", () => {
    const mal = resultsFor(sarif(), "MAL-2018-1")[0]!;
    expect(mal.properties).toMatchObject({
      type: "malicious-package",
      purl: MALICIOUS_PURL,
      severity: "critical",
      fixedIn: null,
      direct: false,
    });
    const req = resultsFor(sarif(), "GHSA-9wx4-h78v-vm56")[0]!;
    expect(req.properties.cvss).toEqual({
      version: "4.0",
      vector: "CVSS:4.0/AV:L/AC:H/AT:N/PR:H/UI:R/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N",
      score: 5.6,
    });
  });

  it("is deterministic: the same report in any order gives the same bytes", () => {
    const a = formatScanSarif(sampleScanReport(), options);
    const shuffled = sampleScanReport();
    shuffled.findings.reverse();
    expect(formatScanSarif(shuffled, options)).toBe(a);
    expect(a).not.toMatch(/Time|timestamp/);
  });

  it("clips long descriptions to GitHub's 1024 characters without splitting a character", () => {
    const report = sampleScanReport();
    report.findings[0]!.summary = `${"x".repeat(1015)}😀😀😀 and more`;
    const rule = ruleOf(sarif(report), report.findings[0]!.id);
    expect(rule.shortDescription.text.length).toBeLessThanOrEqual(1024);
    expect(rule.shortDescription.text.endsWith("…")).toBe(true);
    expect(rule.shortDescription.text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it("messages a malicious package without a summary plainly", () => {
    const f = sampleScanReport().findings.find((x) => x.type === "malicious-package")!;
    expect(messageOf({ ...f, summary: "", aliases: [] })).toBe(
      "flatmap-stream@0.1.1 is a known malicious package: MAL-2018-1. " +
        "Remove this package: known malicious; rotate any secrets it could reach.",
    );
  });
});

describe("artifactLocation", () => {
  it("percent-encodes paths as URI references relative to the source root", () => {
    expect(artifactLocation("package-lock.json")).toEqual({
      uri: "package-lock.json",
      uriBaseId: "%SRCROOT%",
    });
    expect(artifactLocation("my app/requirements.txt").uri).toBe("my%20app/requirements.txt");
    expect(artifactLocation("node_modules/@scope/pkg/package.json").uri).toBe(
      "node_modules/@scope/pkg/package.json",
    );
    expect(artifactLocation("100%/é#1?.lock").uri).toBe("100%25/%C3%A9%231%3F.lock");
    // a colon in a first segment would read as a URI scheme
    expect(artifactLocation("c:d/poetry.lock").uri).toBe("c%3Ad/poetry.lock");
    expect(artifactLocation("a\\b/x.txt").uri).toBe("a%5Cb/x.txt"); // a POSIX file name with a backslash
  });

  it("writes absolute paths (outside the directory depwarden ran in) as file URIs", () => {
    expect(artifactLocation("/srv/app/uv.lock")).toEqual({ uri: "file:///srv/app/uv.lock" });
    expect(artifactLocation("C:/Users/me/my app/package-lock.json")).toEqual({
      uri: "file:///C:/Users/me/my%20app/package-lock.json",
    });
  });

  it("gives URIs the schema's uri-reference format accepts", () => {
    const check = ajv.compile({ type: "string", format: "uri-reference" });
    for (const p of ["my app/a b.txt", "100%/é#1?.lock", "c:d/x", "/srv/x y/z", "C:/U s/p"]) {
      expect(check(artifactLocation(p).uri), p).toBe(true);
    }
  });
  it("marks a scan with unreadable inputs as not successful, so code scanning keeps its alerts", () => {
    const ok = JSON.parse(formatScanSarif(sampleScanReport(), { toolVersion: "0.1.0" }));
    expect(ok.runs[0].invocations).toEqual([{ executionSuccessful: true }]);
    const report = sampleScanReport();
    report.inventory.errors = [{ file: "poetry.lock", line: 3, message: "3:1: invalid TOML" }];
    const bad = JSON.parse(formatScanSarif(report, { toolVersion: "0.1.0" }));
    expect(bad.runs[0].invocations).toEqual([
      {
        executionSuccessful: false,
        toolExecutionNotifications: [{ level: "error", message: { text: "poetry.lock: 3:1: invalid TOML" } }],
      },
    ]);
  });
});

describe("formatScanSarif: supply-chain findings", () => {
  const log = (report: ScanReport = supplyChainScanReport()): SarifLog =>
    JSON.parse(formatScanSarif(report, options)) as SarifLog;
  type Region = { startLine: number; startColumn?: number };
  const regionOf = (r: SarifResult) => r.locations![0]!.physicalLocation.region as Region | undefined;

  it("writes a log the official schema accepts, and that meets GitHub's requirements", () => {
    const doc = log();
    expect(validateSarif(doc), JSON.stringify(validateSarif.errors)).toBe(true);
    const r = doc.runs[0]!;
    const ids = r.tool.driver.rules.map((x) => x.id);
    expect(ids).toEqual([...ids].sort());
    for (const rule of r.tool.driver.rules) {
      for (const text of [rule.shortDescription.text, rule.fullDescription.text, rule.help.text]) {
        expect(text.length).toBeGreaterThan(0);
        expect(text.length).toBeLessThanOrEqual(1024 * 4); // help may be longer; descriptions are checked below
      }
      expect(rule.shortDescription.text.length).toBeLessThanOrEqual(1024);
      expect(rule.fullDescription.text.length).toBeLessThanOrEqual(1024);
      expect(rule.properties["security-severity"]).toMatch(/^\d+\.\d$/);
    }
    for (const result of r.results) {
      expect(ids[result.ruleIndex]).toBe(result.ruleId);
      expect(result.locations).toHaveLength(1);
      expect(result.locations![0]!.physicalLocation.artifactLocation.uri).not.toMatch(/^[a-z]+:|^\//);
    }
  });

  it("describes each code rule from the rule catalogue, with ATT&CK and CWE links and tags", () => {
    const rule = log().runs[0]!.tool.driver.rules.find((x) => x.id === "exec-obfuscated")!;
    expect(rule.shortDescription.text).toBe("exec-obfuscated: Executes decoded or obfuscated data");
    expect(rule.fullDescription.text).toMatch(/^exec\/eval\/compile, Function\(\)/);
    expect(rule.fullDescription.text).toContain("Legitimate code has no reason to hide what it runs");
    expect(rule.helpUri).toBe("https://attack.mitre.org/techniques/T1027/");
    expect(rule.help.text).toContain("- CWE-506: https://cwe.mitre.org/data/definitions/506.html");
    expect(rule.help.markdown).toContain("- [T1059](https://attack.mitre.org/techniques/T1059/)");
    expect(rule.defaultConfiguration.level).toBe("error");
    expect(rule.properties).toEqual({
      tags: [
        "security",
        "malicious-code",
        "npm",
        "external/mitre-attack/T1027",
        "external/mitre-attack/T1059",
        "external/cwe/cwe-506",
      ],
      "security-severity": "9.5",
    });
    const install = log().runs[0]!.tool.driver.rules.find((x) => x.id === "install-script")!;
    expect(install.properties.tags).toContain("install-script");
    expect(install.properties.tags).toContain("external/cwe/cwe-829");
  });

  it("has one typosquat rule, linked to ATT&CK T1195.002", () => {
    const rule = log().runs[0]!.tool.driver.rules.find((x) => x.id === "typosquat")!;
    expect(rule.helpUri).toBe("https://attack.mitre.org/techniques/T1195/002/");
    expect(rule.properties.tags).toEqual([
      "security",
      "typosquat",
      "PyPI",
      "npm",
      "external/mitre-attack/T1195.002",
    ]);
    expect(rule.properties["security-severity"]).toBe("8.0"); // the highest of its findings: high
    expect(rule.help.text).toContain("typosquat.allow");
  });

  it("locates a code finding at the file of the installed package, line and column", () => {
    const result = resultsFor(log(), "exec-obfuscated")[0]!;
    expect(result.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "node_modules/evil-logger/lib/index.js", uriBaseId: "%SRCROOT%" },
      region: { startLine: 14, startColumn: 3 },
    });
    expect(result.level).toBe("error");
    expect(result.message.text).toBe(
      "evil-logger@1.0.2: Executes decoded or obfuscated data (exec-obfuscated) at " +
        "node_modules/evil-logger/lib/index.js:14. eval() runs data decoded by atob() at line 14. Severity: critical. " +
        "Review the code at node_modules/evil-logger/lib/index.js:14: if it is malicious, remove evil-logger@1.0.2 " +
        "and rotate any secrets it could reach; if it is benign, accept it (accept in .depwarden.yaml, with the " +
        `file's sha256). Code: ${NASTY_SNIPPET}`,
    );
    expect(result.properties).toMatchObject({
      type: "malicious-code",
      rule: "exec-obfuscated",
      packagePath: "node_modules/evil-logger",
      file: "lib/index.js",
      sha256: SHA_EVIL,
      snippet: NASTY_SNIPPET,
      gating: true,
    });
    expect(regionOf(resultsFor(log(), "install-script")[0]!)).toEqual({ startLine: 7 });
  });

  it("locates a typosquat at each lockfile line, and says what it imitates", () => {
    const result = resultsFor(log(), "typosquat").find((r) => r.properties.package === "reqeusts")!;
    expect(result.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "poetry.lock", uriBaseId: "%SRCROOT%" },
      region: { startLine: 40 },
    });
    expect(result.message.text).toMatch(
      /^Possible typosquat: reqeusts@2\.31\.0\. reqeusts looks like requests \(#6 on PyPI\).*Severity: high\. Check that you meant reqeusts and not requests/,
    );
    expect(result.properties.imitates).toEqual({ name: "requests", technique: "transposition", rank: 6 });
    const lodahs = resultsFor(log(), "typosquat").find((r) => r.properties.package === "lodahs")!;
    expect(lodahs.properties.version).toBeNull();
    expect(lodahs.suppressions?.[0]?.properties).toMatchObject({ ignoredId: "typosquat" });
  });

  it("marks an accepted finding with an accepted suppression at the accept entry; an expired one gates", () => {
    const font = resultsFor(log(), "high-entropy-literal")[0]!;
    expect(font.suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification: "An embedded font, reviewed",
        location: {
          physicalLocation: {
            artifactLocation: { uri: ".depwarden.yaml", uriBaseId: "%SRCROOT%" },
            region: { startLine: 16 },
          },
        },
        properties: {
          accept: true,
          rule: "high-entropy-literal",
          sha256: SHA_FONT,
          approvedBy: "dave@example.com",
        },
      },
    ]);
    expect(font.properties.gating).toBe(false);
    expect(font.message.text).toContain("Accepted by .depwarden.yaml:16, approved by dave@example.com");
    const install = resultsFor(log(), "install-script")[0]!;
    expect(install.suppressions).toBeUndefined();
    expect(install.properties.gating).toBe(true);
    expect(install.properties.expiredAcceptance).toMatchObject({ expires: "2025-06-30" });
    expect(install.message.text).toContain(
      "The accept entry .depwarden.yaml:20, approved by carol@example.com expired on 2025-06-30: this finding counts again.",
    );
  });

  it("fingerprints code findings by rule, package, file and code: stable when lines move, distinct otherwise", () => {
    const fp = (report: ScanReport, id: string) =>
      resultsFor(log(report), id).map((r) => r.partialFingerprints.primaryLocationLineHash);
    const base = fp(supplyChainScanReport(), "exec-obfuscated");
    const moved = supplyChainScanReport();
    moved.findings.find((f) => f.id === "exec-obfuscated")!.location!.line = 90;
    expect(fp(moved, "exec-obfuscated")).toEqual(base);
    const twice = supplyChainScanReport();
    const f = twice.findings.find((x) => x.id === "exec-obfuscated")!;
    twice.findings.push({ ...f, location: { ...f.location!, line: 30, snippet: "eval(atob(other))" } });
    const two = fp(twice, "exec-obfuscated");
    expect(two).toHaveLength(2);
    expect(new Set(two).size).toBe(2);
    expect(two).toContain(base[0]);
    const all = log().runs[0]!.results.map((r) => r.partialFingerprints.primaryLocationLineHash);
    expect(new Set(all).size).toBe(all.length);
  });

  it("records which checks ran in the run's properties", () => {
    const props = log().runs[0]!.properties;
    expect(props.deep).toEqual({ packages: 212, files: 4310, sourceFiles: 2904, sourceBytes: 31457280 });
    expect(props.typosquat).toBeDefined();
    expect(sarif().runs[0]!.properties).not.toHaveProperty("deep");
  });
});
