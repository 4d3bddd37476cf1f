/**
 * The sample scan report plus the supply-chain findings the scan formats must render (see supplyChainScanReport
 * below): typosquats and `scan --deep` package-contents findings, open, accepted and with an expired acceptance.
 */
import type { Finding, ScanReport } from "../../analysis/finding.js";
import { sortFindings, summarise, typosquatFinding } from "../../analysis/scan.js";
import type { Component } from "../../inventory/model.js";
import { buildPurl } from "../../inventory/normalise.js";
import { sampleScanReport } from "./sample-scan.js";

export const SHA_EVIL = "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea";
export const SHA_FONT = "9c56cc51b374c3ba189210d5b6d4bf57790d351c96c47c02190ecf1e430635ab";

/** Snippet text with Markdown, HTML and a newline, as code can have. */
export const NASTY_SNIPPET = "eval(atob(`ZXZhbA==`)) /* | <b>x</b> *y* */";

function component(c: Partial<Component> & Pick<Component, "ecosystem" | "name" | "version">): Component {
  return {
    purl: buildPurl(c.ecosystem, c.name, c.version),
    direct: false,
    scopes: ["prod"],
    hashes: [],
    sources: [],
    dependencies: [],
    ...c,
  };
}

function code(
  c: { ecosystem: "npm" | "PyPI"; name: string; version: string; direct?: boolean },
  f: Partial<Finding> & Pick<Finding, "id" | "severity" | "location">,
): Finding {
  const packagePath = f.location!.packagePath;
  return {
    type: "malicious-code",
    aliases: [],
    purl: buildPurl(c.ecosystem, c.name, c.version),
    ecosystem: c.ecosystem,
    name: c.name,
    version: c.version,
    summary: "",
    fixedIn: null,
    references: [],
    direct: c.direct ?? false,
    scopes: [],
    sources: [{ file: packagePath }],
    rule: f.id,
    ...f,
  };
}

/**
 * The sample report plus:
 * - `reqeusts` (PyPI, direct, poetry.lock:40): a typosquat of `requests`, high, transposition;
 * - `lodahs` (npm, direct, package.json:9, no exact version): a typosquat of `lodash`, medium, suppressed by an
 *   ignore entry;
 * - `evil-logger@1.0.2` (npm, installed in node_modules/evil-logger, not in the inventory): an exec-obfuscated
 *   finding (critical, snippet with Markdown in it) and an install-script finding (high) whose acceptance expired;
 * - `font-kit@2.0.0` (npm, direct in the inventory): a high-entropy-literal finding accepted as reviewed.
 */
export function supplyChainScanReport(): ScanReport {
  const report = sampleScanReport();
  const reqeusts = component({
    ecosystem: "PyPI",
    name: "reqeusts",
    version: "2.31.0",
    direct: true,
    sources: [{ file: "poetry.lock", line: 40 }],
  });
  const lodahs = component({
    ecosystem: "npm",
    name: "lodahs",
    version: null,
    direct: true,
    sources: [{ file: "package.json", line: 9 }],
    unpinned: { kind: "range", spec: "^4.17.0" },
  });
  const fontKit = component({
    ecosystem: "npm",
    name: "font-kit",
    version: "2.0.0",
    direct: true,
    sources: [{ file: "package-lock.json", line: 55 }],
  });
  report.inventory.components.push(reqeusts, lodahs, fontKit);
  report.inventory.components.sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0));

  const evil = { ecosystem: "npm" as const, name: "evil-logger", version: "1.0.2" };
  const added: Finding[] = [
    typosquatFinding(reqeusts, {
      ecosystem: "PyPI",
      name: "reqeusts",
      imitates: "requests",
      technique: "transposition",
      severity: "high",
      imitatedRank: 6,
      why: 'reqeusts looks like requests (#6 on PyPI): two adjacent characters swapped ("eu" in place of "ue"); reqeusts is not among the 5,000 most popular',
    }),
    {
      ...typosquatFinding(lodahs, {
        ecosystem: "npm",
        name: "lodahs",
        imitates: "lodash",
        technique: "transposition",
        severity: "medium",
        imitatedRank: 145,
        imitatedDownloads: 452434618,
        why: "lodahs looks like lodash (#145 on npm, 452 million downloads a month): two adjacent characters swapped",
      }),
      suppressed: {
        id: "typosquat",
        reason: "Our internal fork, published under this name",
        expires: "2099-12-31",
        approvedBy: "bob@example.com",
        file: ".depwarden.yaml",
        line: 12,
      },
    },
    code(evil, {
      id: "exec-obfuscated",
      severity: "critical",
      summary: "Executes decoded or obfuscated data",
      references: ["https://attack.mitre.org/techniques/T1027/", "https://cwe.mitre.org/data/definitions/506.html"],
      location: {
        packagePath: "node_modules/evil-logger",
        file: "lib/index.js",
        line: 14,
        column: 3,
        snippet: NASTY_SNIPPET,
        sha256: SHA_EVIL,
      },
      why: "eval() runs data decoded by atob() at line 14",
    }),
    code(evil, {
      type: "install-script",
      id: "install-script",
      severity: "high",
      summary: "npm install-time script",
      references: ["https://attack.mitre.org/techniques/T1195/002/"],
      location: {
        packagePath: "node_modules/evil-logger",
        file: "package.json",
        line: 7,
        snippet: '"postinstall": "node lib/index.js"',
        sha256: SHA_EVIL.replace(/^3f/, "40"),
      },
      why: "the postinstall script runs lib/index.js, which has a critical exec-obfuscated finding (line 14)",
      expiredAcceptance: {
        reason: "Builds the native addon",
        approvedBy: "carol@example.com",
        expires: "2025-06-30",
        source: ".depwarden.yaml",
        line: 20,
      },
    }),
    code(
      { ecosystem: "npm", name: "font-kit", version: "2.0.0", direct: true },
      {
        id: "high-entropy-literal",
        severity: "medium",
        summary: "High-entropy literal",
        scopes: ["prod"],
        location: {
          packagePath: "node_modules/font-kit",
          file: "dist/glyphs.js",
          line: 2,
          column: 15,
          snippet: 'const GLYPHS = "AAEAAAALAIAAAwAwT1MvMg8SBfIAAAC8AAAAYGNtYXAXVtKNAAABHAAAAFRnYXNwAAAAEAAAAXAAAAAI…',
          sha256: SHA_FONT,
        },
        why: "a 48,213-character string of near-random base64 in otherwise readable code",
        accepted: {
          reason: "An embedded font, reviewed",
          approvedBy: "dave@example.com",
          source: ".depwarden.yaml",
          line: 16,
        },
      },
    ),
  ];
  report.findings = sortFindings([...report.findings, ...added]);
  const checked = report.inventory.components.filter((c) => c.version !== null).length;
  report.summary = summarise(report.findings, checked, report.inventory.components.length - checked);
  report.typosquat = {
    lists: [
      { ecosystem: "PyPI", source: "bundled", entries: 5000 },
      { ecosystem: "npm", source: "bundled", entries: 5000 },
    ],
  };
  report.deep = { packages: 212, files: 4310, sourceFiles: 2904, sourceBytes: 31_457_280 };
  return report;
}
