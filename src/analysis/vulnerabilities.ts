/**
 * Matching components against OSV advisories: which records affect which installed version, merged by alias
 * into one finding per flaw per component, with severity and the lowest fixing version.
 */
import { nameKey } from "../advisories/names.js";
import type { AdvisorySource, OsvAffected, OsvRecord, PackageQuery } from "../advisories/osv.js";
import type { Component, Ecosystem, InventoryError } from "../inventory/model.js";
import { checkAffected, compareVersions, UnparsableVersionError } from "../versions/index.js";
import type { Finding, FindingSeverity } from "./finding.js";
import { SEVERITIES } from "./finding.js";
import { severityOf } from "./severity.js";

export interface MatchResult {
  findings: Finding[];
  /** Remarks per component: a version that cannot be compared, advisory bounds that cannot be parsed. */
  warnings: InventoryError[];
  checked: number;
  notChecked: number;
}

/** The affected entries of a record that name this package. */
function entriesFor(record: OsvRecord, ecosystem: Ecosystem, key: string): OsvAffected[] {
  const out: OsvAffected[] = [];
  for (const a of record.affected ?? []) {
    if (a.package?.ecosystem === ecosystem && nameKey(ecosystem, a.package.name) === key) out.push(a);
  }
  return out;
}

interface Match {
  record: OsvRecord;
  entries: OsvAffected[];
  fixes: string[];
}

/** Preference for the id a merged finding is shown under. */
function idRank(id: string): number {
  if (id.startsWith("MAL-")) return 0;
  if (id.startsWith("GHSA-")) return 1;
  if (id.startsWith("PYSEC-")) return 2;
  if (id.startsWith("CVE-")) return 4;
  return 3;
}

function byIdPreference(a: string, b: string): number {
  return idRank(a) - idRank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

export function isMaliciousId(id: string): boolean {
  return id.startsWith("MAL-");
}

/** Groups records that alias each other (directly or through a shared alias), as one flaw. */
function groupByAlias(matches: Match[]): Match[][] {
  const parent = matches.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const owner = new Map<string, number>();
  matches.forEach((m, i) => {
    for (const id of [m.record.id, ...(m.record.aliases ?? [])]) {
      const j = owner.get(id);
      if (j === undefined) owner.set(id, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, Match[]>();
  matches.forEach((m, i) => {
    const r = find(i);
    const g = groups.get(r) ?? [];
    g.push(m);
    groups.set(r, g);
  });
  return [...groups.values()];
}

const rank = (s: FindingSeverity): number => SEVERITIES.indexOf(s);

function toFinding(component: Component, version: string, group: Match[]): Finding {
  const recordIds = group.map((m) => m.record.id).sort(byIdPreference);
  const allIds = new Set<string>();
  for (const m of group) {
    allIds.add(m.record.id);
    for (const a of m.record.aliases ?? []) allIds.add(a);
  }
  const malicious = [...allIds].some(isMaliciousId);
  // The finding is shown under the preferred id of a record we have (a MAL alias names the type, too).
  const id = malicious ? [...allIds].filter(isMaliciousId).sort()[0]! : recordIds[0]!;
  allIds.delete(id);
  const aliases = [...allIds].sort(byIdPreference);

  let severity: FindingSeverity = "unknown";
  let cvss: Finding["cvss"];
  let bestScore = -1;
  for (const m of group) {
    for (const entry of m.entries) {
      const s = severityOf(m.record, entry);
      if (s.severity === "unknown") continue;
      const score = s.cvss?.score ?? -1;
      if (
        severity === "unknown" ||
        rank(s.severity) < rank(severity) ||
        (s.severity === severity && score > bestScore)
      ) {
        severity = s.severity;
        if (s.cvss) cvss = { version: s.cvss.version, vector: s.cvss.vector, score: s.cvss.score };
        else cvss = undefined;
        bestScore = score;
      }
    }
  }
  if (malicious) severity = "critical";

  const primary = group.find((m) => m.record.id === recordIds[0])!.record;
  const summary =
    primary.summary?.trim() ||
    group.map((m) => m.record.summary?.trim()).find(Boolean) ||
    firstLine(primary.details) ||
    "";

  const references: string[] = [];
  for (const id of recordIds) {
    const rec = group.find((m) => m.record.id === id)!.record;
    for (const r of rec.references ?? []) if (r.url && !references.includes(r.url)) references.push(r.url);
  }

  return {
    type: malicious ? "malicious-package" : "vulnerability",
    id,
    aliases,
    purl: component.purl,
    ecosystem: component.ecosystem,
    name: component.name,
    version,
    severity,
    ...(cvss ? { cvss } : {}),
    summary,
    fixedIn: malicious ? null : lowestFix(component.ecosystem, version, group),
    references,
    direct: component.direct,
    scopes: component.scopes,
    sources: component.sources,
  };
}

function firstLine(text: string | undefined): string {
  const line = text?.trim().split("\n")[0]?.trim() ?? "";
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/**
 * The lowest `fixed` version above the installed one, among every range of the merged records' entries for
 * this package, that none of those records affects: upgrading to it clears the whole finding. Not only the
 * fixes of the ranges that matched: a range's own fix may be affected through another range or the `versions`
 * list (PYSEC-2021-114), or the version may be affected through the list alone. Null when there is none.
 */
function lowestFix(ecosystem: Ecosystem, version: string, group: Match[]): string | null {
  const candidates = new Set<string>();
  for (const m of group) {
    for (const c of m.fixes) candidates.add(c);
    for (const e of m.entries) {
      for (const r of e.ranges ?? []) {
        if (r.type === "GIT") continue;
        for (const ev of r.events ?? []) if (typeof ev.fixed === "string") candidates.add(ev.fixed);
      }
    }
  }
  const ordered = [...candidates]
    .filter((v) => safeCompare(ecosystem, v, version) > 0)
    .sort((a, b) => safeCompare(ecosystem, a, b));
  for (const candidate of ordered) {
    const stillAffected = group.some((m) =>
      m.entries.some((e) => {
        try {
          return checkAffected(ecosystem, e, candidate).affected;
        } catch {
          return true;
        }
      }),
    );
    if (!stillAffected) return candidate;
  }
  return null;
}

function safeCompare(ecosystem: Ecosystem, a: string, b: string): number {
  try {
    return compareVersions(ecosystem, a, b);
  } catch {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

/** Exact string match in the explicit `versions` lists: all that can be said of a version that does not parse. */
function listedExactly(entries: OsvAffected[], version: string): boolean {
  return entries.some((e) => e.versions?.includes(version));
}

/**
 * Finds the vulnerabilities of every component with an exact version. Components without one (unpinned
 * manifest entries) are counted as not checked; a version the ecosystem cannot parse is matched only against
 * advisories that list it exactly, with a warning.
 */
export async function findVulnerabilities(
  components: Component[],
  source: AdvisorySource,
): Promise<MatchResult> {
  const checkable = components.filter((c) => c.version !== null);
  const queries: PackageQuery[] = checkable.map((c) => ({
    ecosystem: c.ecosystem,
    name: c.name,
    version: c.version!,
  }));
  const results = await source.lookup(queries);
  const findings: Finding[] = [];
  const warnings: InventoryError[] = [];
  let notChecked = components.length - checkable.length;
  const unparsableBounds = new Map<string, Set<string>>();

  checkable.forEach((component, i) => {
    const version = component.version!;
    const key = nameKey(component.ecosystem, component.name);
    const matches: Match[] = [];
    let versionUnparsable = false;
    for (const record of results[i] ?? []) {
      if (record.withdrawn) continue;
      const entries = entriesFor(record, component.ecosystem, key);
      if (!entries.length) continue;
      let affected = false;
      const fixes: string[] = [];
      for (const entry of entries) {
        try {
          const check = checkAffected(component.ecosystem, entry, version);
          if (check.unparsable.length) {
            const set = unparsableBounds.get(record.id) ?? new Set<string>();
            for (const u of check.unparsable) set.add(u);
            unparsableBounds.set(record.id, set);
          }
          if (check.affected) {
            affected = true;
            fixes.push(...check.fixes);
          }
        } catch (e) {
          if (!(e instanceof UnparsableVersionError)) throw e;
          versionUnparsable = true;
          if (listedExactly([entry], version)) affected = true;
        }
      }
      if (affected) matches.push({ record, entries, fixes });
    }
    if (versionUnparsable) {
      notChecked++;
      warnings.push({
        file: component.sources[0]?.file ?? component.purl,
        ...(component.sources[0]?.line ? { line: component.sources[0].line } : {}),
        message:
          (component.sources[0]?.line ? `${component.sources[0].line}: ` : "") +
          `${component.name} ${version} is not a valid ${component.ecosystem === "PyPI" ? "PEP 440" : "SemVer"} ` +
          "version: its advisories' version ranges could not be checked (only exact listed versions were)",
      });
    }
    for (const group of groupByAlias(matches)) findings.push(toFinding(component, version, group));
  });

  for (const [id, bounds] of [...unparsableBounds].sort(([a], [b]) => (a < b ? -1 : 1))) {
    warnings.push({
      file: id,
      message: `advisory has versions that cannot be parsed, ignored in its ranges: ${[...bounds].sort().join(", ")}`,
    });
  }

  return {
    findings,
    warnings,
    checked: components.length - notChecked,
    notChecked,
  };
}
