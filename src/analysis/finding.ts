/** Findings: one thing a person must decide about. Every report and the exit-code gate consume them. */
import type { DatabaseInfo } from "../advisories/osv.js";
import type { Ecosystem, Inventory, Scope, SourceRef } from "../inventory/model.js";
import type { Severity } from "./severity.js";

/** critical first. `unknown`: the advisory gives no severity (gated as `high`, see docs/scan.md). */
export { SEVERITY_ORDER as SEVERITIES } from "./severity.js";
export type FindingSeverity = Severity;

export type FindingType = "vulnerability" | "malicious-package";

export interface CvssInfo {
  version: string;
  vector: string;
  score: number;
}

/** An ignore entry of `.depwarden.yaml` that matched the finding. */
export interface Suppression {
  /** The id the entry names (may be an alias of the finding's id). */
  id: string;
  reason: string;
  /** YYYY-MM-DD; the entry suppresses through the end of that day (UTC). */
  expires: string;
  approvedBy?: string;
  /** Config file (display path) and line of the entry. */
  file: string;
  line?: number;
}

export interface Finding {
  type: FindingType;
  /** The primary id (preference: MAL, GHSA, PYSEC, other database ids, then CVE). */
  id: string;
  /** Every other id of the same flaw: record ids merged into this finding and their aliases. Sorted. */
  aliases: string[];
  purl: string;
  ecosystem: Ecosystem;
  name: string;
  version: string;
  severity: FindingSeverity;
  cvss?: CvssInfo;
  summary: string;
  /** Lowest version above the installed one that none of the merged advisories affects; null: no fix known. */
  fixedIn: string | null;
  /** Advisory URLs (reference urls, de-duplicated, in record order). */
  references: string[];
  direct: boolean;
  scopes: Scope[];
  /** Where the component is declared or locked (for SARIF and tables). */
  sources: SourceRef[];
  /** Present when an unexpired ignore entry covers this finding: it is shown but does not gate. */
  suppressed?: Suppression;
  /** Present when an ignore entry covered this finding but has expired: it gates again. */
  expiredSuppression?: Suppression;
}

export interface SeverityCounts {
  critical: number;
  high: number;
  medium: number;
  low: number;
  info: number;
  unknown: number;
}

export interface ScanSummary {
  /** Unsuppressed findings per severity. */
  bySeverity: SeverityCounts;
  findings: number;
  suppressed: number;
  malicious: number;
  /** Components scanned (with an exact version) and not checkable (no exact version, or unparsable). */
  componentsChecked: number;
  componentsNotChecked: number;
}

/** The result of `depwarden scan`: the inventory plus what was found, before formatting. */
export interface ScanReport {
  inventory: Inventory;
  database: DatabaseInfo;
  /** Sorted: severity, then direct first, then purl, then id. */
  findings: Finding[];
  summary: ScanSummary;
  /** The gate threshold used (`none` never fails). */
  failOn: FindingSeverity | "none";
  /** The `.depwarden.yaml` files the scan read (display paths): what decided its ignores and settings. */
  configFiles?: string[];
}
