/** Applying `.depwarden.yaml` ignores to findings: an ignore names one id and covers that flaw's aliases. */
import { nameKey } from "../advisories/names.js";
import type { Finding } from "../analysis/finding.js";
import type { InventoryError } from "../inventory/model.js";
import { parsePurl } from "../inventory/normalise.js";
import { compareVersions } from "../versions/index.js";
import type { IgnoreEntry, IgnoreSource } from "./config.js";

/** The last instant an entry suppresses: the end of its `expires` day, UTC. */
export function expiryInstant(expires: string): number {
  return Date.parse(`${expires}T23:59:59.999Z`);
}

function packageMatches(spec: string, f: Finding): boolean {
  let name: string;
  let version: string | undefined;
  if (spec.startsWith("pkg:")) {
    let p: ReturnType<typeof parsePurl>;
    try {
      p = parsePurl(spec);
    } catch {
      return false;
    }
    if (p.ecosystem !== f.ecosystem) return false;
    name = p.name;
    version = p.version ?? undefined;
  } else {
    const at = spec.lastIndexOf("@");
    name = at > 0 ? spec.slice(0, at) : spec;
    version = at > 0 ? spec.slice(at + 1) : undefined;
  }
  if (nameKey(f.ecosystem, name) !== nameKey(f.ecosystem, f.name)) return false;
  if (!version) return true;
  try {
    return compareVersions(f.ecosystem, version, f.version) === 0; // 2.2.02 is 2.2.2 on PyPI
  } catch {
    return version === f.version;
  }
}

export function ignoreCovers(entry: IgnoreEntry, f: Finding): boolean {
  const id = entry.id.toUpperCase();
  if (f.id.toUpperCase() !== id && !f.aliases.some((a) => a.toUpperCase() === id)) return false;
  if (entry.package && !packageMatches(entry.package, f)) return false;
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
