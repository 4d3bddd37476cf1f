import type { Finding } from "../analysis/finding.js";
import type { InventoryError } from "../inventory/model.js";
import type { IgnoreEntry, IgnoreSource } from "./config.js";
import { packageSpecMatches } from "./package-spec.js";

/** The last instant an entry suppresses: the end of its `expires` day, UTC. */
export function expiryInstant(expires: string): number {
  return Date.parse(`${expires}T23:59:59.999Z`);
}

export function ignoreCovers(entry: IgnoreEntry, f: Finding): boolean {
  const id = entry.id.toUpperCase();
  if (f.id.toUpperCase() !== id && !f.aliases.some((a) => a.toUpperCase() === id)) return false;
  if (entry.package && !packageSpecMatches(entry.package, f)) return false;
  return true;
}

/**
 * Marks findings covered by an unexpired entry as suppressed, and those covered only by expired entries with
 * `expiredSuppression`. Returns warnings for expired entries and for entries that matched nothing.
 */
export function applyIgnores(findings: Finding[], source: IgnoreSource, now: Date): InventoryError[] {
  const warnings: InventoryError[] = [];
  const used = new Set<IgnoreEntry>();
  const t = now.getTime();
  for (const f of findings) {
    for (const entry of source.entriesFor(f.sources.map((s) => s.file))) {
      if (!ignoreCovers(entry, f)) continue;
      used.add(entry);
      const suppression = {
        id: entry.id,
        reason: entry.reason,
        expires: entry.expires,
        ...(entry.approvedBy ? { approvedBy: entry.approvedBy } : {}),
        file: entry.file,
        ...(entry.line ? { line: entry.line } : {}),
      };
      if (expiryInstant(entry.expires) >= t) {
        f.suppressed ??= suppression;
      } else f.expiredSuppression ??= suppression;
    }
    if (f.suppressed) delete f.expiredSuppression;
  }
  for (const entry of source.all()) {
    const where = { file: entry.file, ...(entry.line ? { line: entry.line } : {}) };
    const at = entry.line ? `${entry.line}: ` : "";
    if (expiryInstant(entry.expires) < t) {
      warnings.push({
        ...where,
        message: `${at}ignore of ${entry.id}${entry.package ? ` for ${entry.package}` : ""} expired on ${entry.expires}: it no longer suppresses${used.has(entry) ? " (its finding counts again)" : ""}`,
      });
    } else if (!used.has(entry)) {
      warnings.push({
        ...where,
        message: `${at}ignore of ${entry.id}${entry.package ? ` for ${entry.package}` : ""} matches no finding of this scan`,
      });
    }
  }
  return warnings;
}
