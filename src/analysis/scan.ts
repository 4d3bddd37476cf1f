/**
 * `depwarden scan` without the command line: inventory, advisories, typosquats, installed package contents
 * (`--deep`), ignores and accepts, summary and the gate.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import { nameKey } from "../advisories/names.js";
import type { AdvisorySource } from "../advisories/osv.js";
import type { Component, Ecosystem, Inventory, InventoryError } from "../inventory/model.js";
import { type AllowEntry, type IgnoreEntry, type IgnoreSource, staticIgnores } from "../policy/config.js";
import { applyIgnores } from "../policy/ignores.js";
import { packageSpecMatches } from "../policy/package-spec.js";
import type { DeepOptions } from "./deep.js";
import type { Finding, FindingSeverity, PopularListInfo, ScanReport, ScanSummary } from "./finding.js";
import { SEVERITIES } from "./finding.js";
import type { PopularList } from "./popular.js";
import type { TyposquatMatch } from "./typosquat.js";
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

/**
 * Does this finding fail a gate at `failOn`? Suppressed (`ignore`) and accepted (`accept`) findings never do; an
 * expired ignore or acceptance gates again.
 */
export function failsGate(f: Finding, failOn: FailOn): boolean {
  if (failOn === "none" || f.suppressed || f.accepted) return false;
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
      cmp(a.id, b.id) ||
      // code findings of one rule in one package: by place
      cmp(a.location?.packagePath ?? "", b.location?.packagePath ?? "") ||
      cmp(a.location?.file ?? "", b.location?.file ?? "") ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      (a.location?.column ?? 0) - (b.location?.column ?? 0),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Typosquats

/** What the scan needs of a typosquat detector (src/analysis/typosquat.ts). */
export interface TyposquatChecker {
  check(ecosystem: Ecosystem, name: string): TyposquatMatch | undefined;
}

export interface TyposquatOptions {
  /** `typosquat.allow` of the config: names (any ecosystem) or purls never reported. */
  allow?: AllowEntry[];
  /** `typosquat.popular` of the config: the user's own lists (paths); the bundled ones otherwise. */
  popular?: { npm?: string; PyPI?: string };
  /** Loads a list (default: loadPopularList of popular.ts). Called only for ecosystems the inventory has. */
  loadList?: (ecosystem: Ecosystem, file?: string) => PopularList;
  /** Directory that list paths are shown relative to (default: the current directory). */
  cwd?: string;
}

/** A path as depwarden shows it: relative to `cwd` when inside it, `/`-separated; absolute otherwise. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, resolve(cwd, path));
  const shown = rel === "" ? "." : !rel.startsWith("..") && !isAbsolute(rel) ? rel : resolve(cwd, path);
  return shown.split(sep).join("/");
}

/** The registry page of a package: where to check that it is the one you meant. */
export function registryUrl(ecosystem: Ecosystem, name: string): string {
  // npm scopes keep their `@` (npmjs.com/package/@babel/core); names are URL-safe anyway, lists are data
  const path = name
    .split("/")
    .map((p) => encodeURIComponent(p).replace(/^%40/, "@"))
    .join("/");
  return ecosystem === "PyPI" ? `https://pypi.org/project/${path}/` : `https://www.npmjs.com/package/${path}`;
}

/**
 * Components that are fetched from the registry by name. A git, URL or local-path dependency names itself
 * (often the project's own workspace packages): a look-alike name there is not a registry typosquat.
 */
function fromRegistry(c: Component): boolean {
  const kind = c.unpinned?.kind;
  return kind !== "vcs" && kind !== "url" && kind !== "path" && kind !== "editable";
}

/** Does an allow entry (a name, `name@version`, or a purl with or without version) cover this component? */
export function allowCovers(entry: string, c: Component): boolean {
  return packageSpecMatches(entry, c);
}

/**
 * One `typosquat` finding per component whose name imitates a popular package of its ecosystem. Name-based, so
 * components without an exact version are checked too. The popularity lists are loaded only for the ecosystems
 * present. Returns the findings and the lists used.
 */
export async function findTyposquats(
  components: Component[],
  options: TyposquatOptions = {},
): Promise<{ findings: Finding[]; lists: PopularListInfo[] }> {
  const candidates = components.filter(fromRegistry);
  const ecosystems = [...new Set(candidates.map((c) => c.ecosystem))].sort();
  if (!ecosystems.length) return { findings: [], lists: [] };
  // Loaded here, not at start-up: a scan of one ecosystem never reads the other's list.
  const { TyposquatDetector } = await import("./typosquat.js");
  const load = options.loadList ?? (await import("./popular.js")).loadPopularList;
  const lists = ecosystems.map((eco) => load(eco, options.popular?.[eco]));
  const detector: TyposquatChecker = new TyposquatDetector(lists);
  const cwd = options.cwd ?? process.cwd();
  const info = lists.map((l) => ({
    ecosystem: l.ecosystem,
    source: l.source === "bundled" ? "bundled" : displayPath(l.source, cwd),
    entries: l.entries.length,
  }));
  const allow = options.allow ?? [];
  const seen = new Map<string, TyposquatMatch | undefined>();
  const findings: Finding[] = [];
  for (const c of candidates) {
    if (allow.some((a) => allowCovers(a.name, c))) continue;
    const key = `${c.ecosystem}\u0000${nameKey(c.ecosystem, c.name)}`;
    let match = seen.get(key);
    if (!seen.has(key)) {
      match = detector.check(c.ecosystem, c.name);
      seen.set(key, match);
    }
    if (match) findings.push(typosquatFinding(c, match));
  }
  return { findings, lists: info };
}

export function typosquatFinding(c: Component, m: TyposquatMatch): Finding {
  return {
    type: "typosquat",
    id: "typosquat",
    aliases: [],
    purl: c.purl,
    ecosystem: c.ecosystem,
    name: c.name,
    version: c.version ?? "",
    severity: m.severity,
    summary: `${c.name} looks like ${m.imitates}`,
    fixedIn: null,
    references: [registryUrl(c.ecosystem, m.imitates)],
    direct: c.direct,
    scopes: c.scopes,
    sources: c.sources,
    imitates: {
      name: m.imitates,
      technique: m.technique,
      rank: m.imitatedRank,
      ...(m.imitatedDownloads !== undefined ? { downloads: m.imitatedDownloads } : {}),
    },
    why: m.why,
  };
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
  /** The typosquat check (default: on, bundled lists); `false` turns it off (`--no-typosquat`). */
  typosquat?: TyposquatOptions | false;
  /** `scan --deep`: inspect the installed packages found under these directories. */
  deep?: DeepOptions & { paths: string[] };
}

export async function scanInventory(
  inventory: Inventory,
  source: AdvisorySource,
  options: ScanOptions,
): Promise<ScanReport> {
  const now = options.now ?? new Date();
  const match = await findVulnerabilities(inventory.components, source);
  const warnings: InventoryError[] = [...match.warnings];
  const errors: InventoryError[] = [];
  const all: Finding[] = [...match.findings];
  let typosquat: ScanReport["typosquat"];
  if (options.typosquat !== false) {
    const found = await findTyposquats(inventory.components, options.typosquat ?? {});
    all.push(...found.findings);
    typosquat = { lists: found.lists };
  }
  let deep: ScanReport["deep"];
  if (options.deep) {
    const { inspectInstalled } = await import("./deep.js");
    const { paths, ...deepOptions } = options.deep;
    const result = await inspectInstalled(paths, inventory.components, { now, ...deepOptions });
    all.push(...result.findings);
    warnings.push(...result.warnings);
    errors.push(...result.errors);
    deep = result.summary;
  }
  const ignores = Array.isArray(options.ignores) ? staticIgnores(options.ignores) : options.ignores;
  warnings.push(...applyIgnores(all, ignores, now));
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
  const findings = sortFindings(all);
  const summary = summarise(findings, match.checked, match.notChecked);
  return {
    inventory: {
      ...inventory,
      errors: [...inventory.errors, ...errors],
      warnings: [...inventory.warnings, ...warnings],
    },
    database,
    findings,
    summary,
    failOn: options.failOn,
    ...(typosquat ? { typosquat } : {}),
    ...(deep ? { deep } : {}),
  };
}

export function summarise(findings: Finding[], checked: number, notChecked: number): ScanSummary {
  const bySeverity = Object.fromEntries(
    SEVERITIES.map((s) => [s, 0]),
  ) as unknown as ScanSummary["bySeverity"];
  let suppressed = 0;
  let accepted = 0;
  let malicious = 0;
  let typosquats = 0;
  let maliciousCode = 0;
  let installScripts = 0;
  for (const f of findings) {
    if (f.suppressed) {
      suppressed++;
      continue;
    }
    if (f.accepted) {
      accepted++;
      continue;
    }
    bySeverity[f.severity]++;
    if (f.type === "malicious-package") malicious++;
    else if (f.type === "typosquat") typosquats++;
    else if (f.type === "malicious-code") maliciousCode++;
    else if (f.type === "install-script") installScripts++;
  }
  return {
    bySeverity,
    findings: findings.length - suppressed - accepted,
    suppressed,
    malicious,
    typosquats,
    maliciousCode,
    installScripts,
    accepted,
    componentsChecked: checked,
    componentsNotChecked: notChecked,
  };
}

/** 0: nothing at or above the threshold; 1: something is; 2: an input could not be read. */
export function scanExitCode(report: ScanReport): number {
  if (report.inventory.errors.length) return 2;
  return report.findings.some((f) => failsGate(f, report.failOn as FailOn)) ? 1 : 0;
}
