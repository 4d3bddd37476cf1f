/** Findings: one thing a person must decide about. Every report and the exit-code gate consume them. */
import type { DatabaseInfo } from "../advisories/osv.js";
import type { Ecosystem, Inventory, Scope, SourceRef } from "../inventory/model.js";
import type { Severity } from "./severity.js";

/** critical first. `unknown`: the advisory gives no severity (gated as `high`, see docs/scan.md). */
export { SEVERITY_ORDER as SEVERITIES } from "./severity.js";
export type FindingSeverity = Severity;

export type FindingType =
  | "vulnerability"
  | "malicious-package"
  | "typosquat"
  | "malicious-code"
  | "install-script"
  /** `depwarden review` only: a policy check on a dependency change (src/review/model.ts PolicyRule). */
  | "policy";

/** For `typosquat` findings: the popular package the name imitates. */
export interface Imitation {
  name: string;
  technique: string;
  /** Rank of the imitated package in the popularity list (1 = most popular). */
  rank: number;
  /** Monthly downloads of the imitated package, when the list gives them. */
  downloads?: number;
}

/** For `malicious-code` / `install-script` findings (`scan --deep`): where in the installed package. */
export interface CodeLocation {
  /** The installed package's directory (display path, relative to where depwarden ran). */
  packagePath: string;
  /** Relative to packagePath, `/`-separated. */
  file: string;
  line: number;
  column?: number;
  snippet: string;
  /** sha256 of the file: what an `accept` entry in `.depwarden.yaml` is tied to. */
  sha256: string;
}

/** An `accept` entry of `.depwarden.yaml` that matched a code finding (reviewed false positive). */
export interface Acceptance {
  reason: string;
  approvedBy: string;
  expires?: string;
  /** Config file (display path) and line of the entry. */
  source: string;
  line?: number;
}

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
  /**
   * vulnerability / malicious-package: the primary id (preference: MAL, GHSA, PYSEC, other database ids, then
   * CVE). typosquat: `typosquat`. malicious-code / install-script: the rule id (src/analysis/code/rules.ts).
   */
  id: string;
  /** Every other id of the same flaw: record ids merged into this finding and their aliases. Sorted. */
  aliases: string[];
  purl: string;
  ecosystem: Ecosystem;
  name: string;
  /** The exact version; `""` for a typosquat finding on a component without one (an unpinned manifest entry). */
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
  /** typosquat: what the name imitates. */
  imitates?: Imitation;
  /** malicious-code / install-script: the rule (same as id), where, and why it matters. */
  rule?: string;
  location?: CodeLocation;
  /** typosquat / malicious-code / install-script: why this matters, specific to this finding. */
  why?: string;
  /** malicious-code / install-script: a reviewed false positive (`accept` entry), shown but not gating. */
  accepted?: Acceptance;
  expiredAcceptance?: Acceptance;
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
  /** Findings per severity, suppressed and accepted ones left out. */
  bySeverity: SeverityCounts;
  /** Findings neither suppressed (ignore) nor accepted (accept). */
  findings: number;
  suppressed: number;
  malicious: number;
  /** Unsuppressed findings of the supply-chain checks, per type (also counted in `findings`). */
  typosquats: number;
  maliciousCode: number;
  installScripts: number;
  /** Package-contents findings accepted as reviewed false positives (`accept`): shown, not gating, not in `findings`. */
  accepted: number;
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
  /** The popularity lists the typosquat check used; absent when the check was off (`--no-typosquat`). */
  typosquat?: { lists: PopularListInfo[] };
  /** `scan --deep`: what was inspected; absent without `--deep`. */
  deep?: DeepSummary;
}

/** A popularity list as a report names it. */
export interface PopularListInfo {
  ecosystem: Ecosystem;
  /** `bundled`, or the display path of the user's own list. */
  source: string;
  entries: number;
}

export interface DeepSummary {
  /** Installed packages inspected, their files, and the source files and bytes analysed. */
  packages: number;
  files: number;
  sourceFiles: number;
  sourceBytes: number;
}
