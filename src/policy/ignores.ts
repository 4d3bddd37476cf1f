/** Applying `.depwarden.yaml` ignores to findings: an ignore names one id and covers that flaw's aliases. */
import { resolve, sep } from "node:path";
import { nameKey } from "../advisories/names.js";
import type { Finding } from "../analysis/finding.js";
import type { InventoryError } from "../inventory/model.js";
import type { IgnoreEntry } from "./config.js";

/** The last instant an entry suppresses: the end of its `expires` day, UTC. */
export function expiryInstant(expires: string): number {
  return Date.parse(`${expires}T23:59:59.999Z`);
}

function packageMatches(spec: string, f: Finding): boolean {
  if (spec.startsWith("pkg:")) {
    const at = spec.lastIndexOf("@");
    const hasVersion = at > spec.indexOf("/");
    return hasVersion ? spec === f.purl : f.purl.startsWith(`${spec}@`) || spec === f.purl;
  }
  const at = spec.lastIndexOf("@");
  const name = at > 0 ? spec.slice(0, at) : spec;
  const version = at > 0 ? spec.slice(at + 1) : undefined;
  return nameKey(f.ecosystem, name) === nameKey(f.ecosystem, f.name) && (!version || version === f.version);
}

function inScope(entry: IgnoreEntry, f: Finding): boolean {
  if (!entry.scope) return true;
  const root = entry.scope.endsWith(sep) ? entry.scope : entry.scope + sep;
  return f.sources.some((s) => {
    const abs = resolve(s.file);
    return abs === entry.scope || abs.startsWith(root);
  });
}

export function ignoreCovers(entry: IgnoreEntry, f: Finding): boolean {
  const id = entry.id.toUpperCase();
  if (f.id.toUpperCase() !== id && !f.aliases.some((a) => a.toUpperCase() === id)) return false;
  if (entry.package && !packageMatches(entry.package, f)) return false;
  return inScope(entry, f);
}

/**
 * Marks findings covered by an unexpired entry as suppressed, and those covered only by expired entries with
 * `expiredSuppression`. Returns warnings for expired entries and for entries that matched nothing.
 */
export function applyIgnores(findings: Finding[], ignores: IgnoreEntry[], now: Date): InventoryError[] {
  const warnings: InventoryError[] = [];
  const used = new Set<IgnoreEntry>();
  const t = now.getTime();
  for (const f of findings) {
    for (const entry of ignores) {
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
  for (const entry of ignores) {
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
