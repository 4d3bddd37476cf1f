/** `depwarden scan` without the command line: inventory, advisories, ignores, summary and the gate. */
import type { AdvisorySource } from "../advisories/osv.js";
import type { Inventory, InventoryError } from "../inventory/model.js";
import { type IgnoreEntry, type IgnoreSource, staticIgnores } from "../policy/config.js";
import { applyIgnores } from "../policy/ignores.js";
import type { Finding, FindingSeverity, ScanReport, ScanSummary } from "./finding.js";
import { SEVERITIES } from "./finding.js";
import { findVulnerabilities } from "./vulnerabilities.js";

export type FailOn = Exclude<FindingSeverity, "unknown" | "info"> | "none";
export const FAIL_ON_CHOICES: readonly FailOn[] = ["critical", "high", "medium", "low", "none"];

/**
 * Rank used to gate and to sort: an advisory without any severity is treated as `high` (it cannot be shown
 * to be harmless, and most PyPA records carry none), just below the real `high` ones.
 */
export function gateRank(s: FindingSeverity): number {
  switch (s) {
    case "critical":
      return 0;
    case "high":
      return 1;
    case "unknown":
      return 1.5;
    case "medium":
      return 2;
    case "low":
      return 3;
    default:
      return 4;
  }
}

/** Does this (unsuppressed) finding fail a gate at `failOn`? */
export function failsGate(f: Finding, failOn: FailOn): boolean {
  if (failOn === "none" || f.suppressed) return false;
  const threshold = gateRank(failOn);
  return Math.floor(gateRank(f.severity)) <= threshold;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      Number(b.type === "malicious-package") - Number(a.type === "malicious-package") ||
      gateRank(a.severity) - gateRank(b.severity) ||
      Number(b.direct) - Number(a.direct) ||
      cmp(a.purl, b.purl) ||
      cmp(a.id, b.id),
  );
}

export interface ScanOptions {
  failOn: FailOn;
  /** The ignore entries: a list applies to every finding; a source resolves them per component. */
  ignores: IgnoreEntry[] | IgnoreSource;
  now?: Date;
  /** Warn when the advisory data is older than this (ms); undefined: never. */
  maxAdvisoryAgeMs?: number;
  /** Where the advisory data lives, for the staleness warning. */
  databaseLabel?: string;
}

export async function scanInventory(
  inventory: Inventory,
  source: AdvisorySource,
  options: ScanOptions,
): Promise<ScanReport> {
  const now = options.now ?? new Date();
  const match = await findVulnerabilities(inventory.components, source);
  const warnings: InventoryError[] = [...match.warnings];
  const ignores = Array.isArray(options.ignores) ? staticIgnores(options.ignores) : options.ignores;
  warnings.push(...applyIgnores(match.findings, ignores, now));
  const database = source.info();
  // Staleness per ecosystem scanned: fresh npm data must not hide that the PyPI data is a year old.
  const scanned = [...new Set(inventory.components.map((c) => c.ecosystem))].sort();
  const perEcosystem = scanned.map((eco) => ({
    eco,
    at: source.updatedAtFor ? source.updatedAtFor(eco) : database.updatedAt,
  }));
  const known = perEcosystem.filter((e): e is { eco: typeof e.eco; at: string } => e.at !== null);
  if (source.updatedAtFor && known.length) {
    database.updatedAt = known.reduce((a, b) => (Date.parse(a.at) <= Date.parse(b.at) ? a : b)).at;
  }
  if (options.maxAdvisoryAgeMs !== undefined) {
    for (const { eco, at } of perEcosystem) {
      if (at === null) {
        warnings.push({
          file: options.databaseLabel ?? database.source,
          message: `the advisory store holds no ${eco} advisories: ${eco} packages were not checked against any data`,
        });
        continue;
      }
      const age = now.getTime() - Date.parse(at);
      if (age <= options.maxAdvisoryAgeMs) continue;
      const days = Math.floor(age / 86_400_000);
      warnings.push({
        file: options.databaseLabel ?? database.source,
        message:
          `${eco} advisory data is ${days} ${days === 1 ? "day" : "days"} old (last updated ${at.slice(0, 10)}): ` +
          "vulnerabilities published since are not known; run `depwarden db update` or import a newer snapshot",
      });
    }
  }
  const findings = sortFindings(match.findings);
  const summary = summarise(findings, match.checked, match.notChecked);
  return {
    inventory: { ...inventory, warnings: [...inventory.warnings, ...warnings] },
    database,
    findings,
    summary,
    failOn: options.failOn,
  };
}

export function summarise(findings: Finding[], checked: number, notChecked: number): ScanSummary {
  const bySeverity = Object.fromEntries(
    SEVERITIES.map((s) => [s, 0]),
  ) as unknown as ScanSummary["bySeverity"];
  let suppressed = 0;
  let malicious = 0;
  for (const f of findings) {
    if (f.suppressed) {
      suppressed++;
      continue;
    }
    bySeverity[f.severity]++;
    if (f.type === "malicious-package") malicious++;
  }
  return {
    bySeverity,
    findings: findings.length - suppressed,
    suppressed,
    malicious,
    componentsChecked: checked,
    componentsNotChecked: notChecked,
  };
}

/** 0: nothing at or above the threshold; 1: something is; 2: an input could not be read. */
export function scanExitCode(report: ScanReport): number {
  if (report.inventory.errors.length) return 2;
  return report.findings.some((f) => failsGate(f, report.failOn as FailOn)) ? 1 : 0;
}
