/**
 * A hand-made ScanReport over the sample inventory, for the scan formatter tests: one finding of each kind
 * the formats must render (see scanFixtureFindings below).
 */
import type { Finding, ScanReport } from "../../analysis/finding.js";
import { sortFindings, summarise } from "../../analysis/scan.js";
import type { Component } from "../../inventory/model.js";
import { buildPurl } from "../../inventory/normalise.js";
import { sampleInventory } from "./sample-inventory.js";

/** Advisory text with Markdown and HTML in it, a newline and a mention, as summaries can have. */
export const NASTY_SUMMARY =
  "Open redirect in `res.location()` | <script>alert(1)</script> *bold* _em_ [x](javascript:alert(1))\n" +
  "# not a heading @attacker & friends";

/** A component known to be malicious, added to the sample inventory (transitive, with a line). */
export const MALICIOUS_PURL = buildPurl("npm", "flatmap-stream", "0.1.1");

function finding(c: Component, f: Partial<Finding> & Pick<Finding, "id" | "severity">): Finding {
  return {
    type: "vulnerability",
    aliases: [],
    purl: c.purl,
    ecosystem: c.ecosystem,
    name: c.name,
    version: c.version!,
    summary: "",
    fixedIn: null,
    references: [],
    direct: c.direct,
    scopes: c.scopes,
    sources: c.sources,
    ...f,
  };
}

/**
 * - `@babel/core` (npm scoped, direct, line 12): critical, CVSS 3.1 9.8, fixed in 7.24.6;
 * - `express` (direct, two lockfiles): medium CVSS 3.1 6.1, advisory text full of Markdown and HTML;
 * - `urllib3` (PyPI, transitive, no line): several aliases, CVSS 3.1 4.4;
 * - `requests` (PyPI, direct): CVSS 4.0 5.6, suppressed by an ignore entry;
 * - `debug` (transitive, no line): no severity at all (`unknown`), no fix, its ignore entry has expired;
 * - `ms` (transitive): low, the database's rating only (no CVSS);
 * - `flatmap-stream` (transitive): a known malicious package.
 */
export function sampleScanReport(): ScanReport {
  const inventory = sampleInventory();
  inventory.components.push({
    ecosystem: "npm",
    name: "flatmap-stream",
    version: "0.1.1",
    purl: MALICIOUS_PURL,
    direct: false,
    scopes: ["prod"],
    hashes: [],
    sources: [{ file: "package-lock.json", line: 77 }],
    dependencies: [],
  });
  inventory.components.sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0));
  const by = (name: string): Component => inventory.components.find((c) => c.name === name)!;

  const findings: Finding[] = [
    finding(by("@babel/core"), {
      id: "GHSA-67hx-6x53-jw92",
      aliases: ["CVE-2023-45133"],
      severity: "critical",
      cvss: { version: "3.1", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", score: 9.8 },
      summary: "Babel vulnerable to arbitrary code execution when compiling specifically crafted malicious code",
      fixedIn: "7.24.6",
      references: [
        "https://github.com/babel/babel/security/advisories/GHSA-67hx-6x53-jw92",
        "https://nvd.nist.gov/vuln/detail/CVE-2023-45133",
      ],
    }),
    finding(by("express"), {
      id: "GHSA-rv95-896h-c2vc",
      aliases: ["CVE-2024-29041"],
      severity: "medium",
      cvss: { version: "3.1", vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N", score: 6.1 },
      summary: NASTY_SUMMARY,
      fixedIn: "4.19.3",
      // a reference that is not a URL, then one that is
      references: ["javascript:alert(1)", "https://github.com/expressjs/express/pull/5539"],
    }),
    finding(by("urllib3"), {
      id: "GHSA-34jh-p97f-mpxf",
      aliases: ["PYSEC-2024-60", "CVE-2024-37891"],
      severity: "medium",
      cvss: { version: "3.1", vector: "CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N", score: 4.4 },
      summary: "urllib3's Proxy-Authorization request header isn't stripped during cross-origin redirects",
      fixedIn: "2.2.2",
      references: ["https://github.com/urllib3/urllib3/security/advisories/GHSA-34jh-p97f-mpxf"],
    }),
    finding(by("requests"), {
      id: "GHSA-9wx4-h78v-vm56",
      aliases: ["CVE-2024-35195"],
      severity: "medium",
      cvss: {
        version: "4.0",
        vector: "CVSS:4.0/AV:L/AC:H/AT:N/PR:H/UI:R/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N",
        score: 5.6,
      },
      summary: "Requests `Session` object does not verify requests after making first request with verify=False",
      fixedIn: "2.32.0",
      references: ["https://github.com/psf/requests/security/advisories/GHSA-9wx4-h78v-vm56"],
      suppressed: {
        id: "CVE-2024-35195",
        reason: "We never pass verify=False; see | <b>ADR-7</b>",
        expires: "2099-12-31",
        approvedBy: "alice@example.com",
        file: ".depwarden.yaml",
        line: 4,
      },
    }),
    finding(by("debug"), {
      id: "GHSA-gxpj-cx7g-858c",
      aliases: ["CVE-2017-16137"],
      severity: "unknown",
      summary: "Regular expression denial of service",
      expiredSuppression: {
        id: "CVE-2017-16137",
        reason: "Only used by the dev server",
        expires: "2024-01-31",
        file: "packages/api/.depwarden.yaml",
        line: 9,
      },
    }),
    finding(by("ms"), {
      id: "GHSA-w9mr-4mfr-499f",
      aliases: ["CVE-2017-20162"],
      severity: "low",
      summary: "Vercel ms Inefficient Regular Expression Complexity vulnerability",
      fixedIn: "2.1.3",
    }),
    finding(by("flatmap-stream"), {
      type: "malicious-package",
      id: "MAL-2018-1",
      aliases: ["GHSA-9x64-5r7x-2q53"],
      severity: "critical",
      summary: "Malicious code in flatmap-stream (npm)",
      references: ["https://github.com/dominictarr/event-stream/issues/116"],
    }),
  ];
  const sorted = sortFindings(findings);
  const checked = inventory.components.filter((c) => c.version !== null).length;
  return {
    inventory,
    database: { source: "bundled", advisories: 3144, updatedAt: "2026-04-08T00:00:00Z" },
    findings: sorted,
    summary: summarise(sorted, checked, inventory.components.length - checked),
    failOn: "high",
  };
}
