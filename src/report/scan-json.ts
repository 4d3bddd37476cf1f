import type { Finding, ScanReport } from "../analysis/finding.js";
import { inventoryDocument } from "./inventory-json.js";

/** The JSON contract of `scan`: the inventory contract plus database, findings and summary. */
export function scanDocument(report: ScanReport): Record<string, unknown> {
  return {
    ...inventoryDocument(report.inventory),
    database: report.database,
    failOn: report.failOn,
    config: { files: report.configFiles ?? [] },
    // Which supply-chain checks ran (absent: off, or `--deep` not given).
    ...(report.typosquat ? { typosquat: report.typosquat } : {}),
    ...(report.deep ? { deep: report.deep } : {}),
    findings: report.findings.map(findingJson),
    summary: report.summary,
  };
}

export function findingJson(f: Finding): Record<string, unknown> {
  return {
    type: f.type,
    id: f.id,
    aliases: f.aliases,
    purl: f.purl,
    name: f.name,
    // a typosquat finding on a component without an exact version
    version: f.version === "" ? null : f.version,
    severity: f.severity,
    cvss: f.cvss ?? null,
    summary: f.summary,
    fixedIn: f.fixedIn,
    references: f.references,
    direct: f.direct,
    scopes: f.scopes,
    sources: f.sources,
    ...(f.suppressed ? { suppressed: f.suppressed } : {}),
    ...(f.expiredSuppression ? { expiredSuppression: f.expiredSuppression } : {}),
    // The supply-chain fields, only on the findings that have them: vulnerability findings are unchanged.
    ...(f.imitates ? { imitates: f.imitates } : {}),
    ...(f.rule ? { rule: f.rule } : {}),
    ...(f.location ? { location: f.location } : {}),
    ...(f.why ? { why: f.why } : {}),
    ...(f.accepted ? { accepted: f.accepted } : {}),
    ...(f.expiredAcceptance ? { expiredAcceptance: f.expiredAcceptance } : {}),
  };
}

export function formatScanJson(report: ScanReport): string {
  return `${JSON.stringify(scanDocument(report), null, 2)}\n`;
}
