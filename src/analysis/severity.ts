/**
 * Severity of OSV advisories: CVSS base scores (v2.0, v3.0, v3.1, v4.0) and their qualitative ratings, with the
 * advisory databases' own severity words as the fallback. See docs/severity.md.
 *
 * Vectors are validated here, strictly, against the FIRST specifications (ae-cvss-calculator is lax where it
 * should refuse: a repeated metric silently overrides, missing base metrics score 0; and throws on unknown ones).
 * Only the validated base metrics are then handed to ae-cvss-calculator, which does the arithmetic (the v3.0 and
 * v3.1 Roundup functions, the v4.0 MacroVector lookup and interpolation) and agrees with FIRST's calculators.
 */
import { createRequire } from "node:module";
import type { OsvAffected, OsvRecord, OsvSeverity } from "../advisories/osv.js";

/** Most severe first; `unknown` (nothing to go by) last. */
export const SEVERITY_ORDER = ["critical", "high", "medium", "low", "info", "unknown"] as const;
export type Severity = (typeof SEVERITY_ORDER)[number];

export type CvssVersion = "2.0" | "3.0" | "3.1" | "4.0";

export interface CvssScore {
  version: CvssVersion;
  /** The vector as the advisory gives it (surrounding white space removed). */
  vector: string;
  /** The base score (v4.0: CVSS-B, from the base metrics only), 0.0 to 10.0. */
  score: number;
}

export type CvssCheck =
  | {
      ok: true;
      cvss: CvssScore;
      /** Deviations that were tolerated (a v4.0 vector whose metrics are not in the specification's order). */
      warnings: string[];
    }
  | { ok: false; error: string };

export interface SeverityResult {
  severity: Severity;
  /** The vector the severity comes from, when it comes from one. */
  cvss?: CvssScore;
  /** `cvss`: a CVSS vector (or a bare CVSS score); `database`: a severity word; `none`: nothing usable. */
  source: "cvss" | "database" | "none";
  /** CVSS entries of the record that could not be used, each with the reason, for a warning. */
  invalid?: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Metric tables, from the specifications' vector string sections, in the order the specifications list them.

interface MetricTable {
  /** Metric -> allowed values. Insertion order is the specification's order. */
  metrics: ReadonlyMap<string, readonly string[]>;
  /** The base metrics, all mandatory. */
  base: readonly string[];
}

function table(base: Record<string, string[]>, optional: Record<string, string[]>): MetricTable {
  return {
    metrics: new Map([...Object.entries(base), ...Object.entries(optional)]),
    base: Object.keys(base),
  };
}

// CVSS v2.0 guide, section 2.4 (Table 13).
const V2 = table(
  {
    AV: ["L", "A", "N"],
    AC: ["H", "M", "L"],
    Au: ["M", "S", "N"],
    C: ["N", "P", "C"],
    I: ["N", "P", "C"],
    A: ["N", "P", "C"],
  },
  {
    E: ["U", "POC", "F", "H", "ND"],
    RL: ["OF", "TF", "W", "U", "ND"],
    RC: ["UC", "UR", "C", "ND"],
    CDP: ["N", "L", "LM", "MH", "H", "ND"],
    TD: ["N", "L", "M", "H", "ND"],
    CR: ["L", "M", "H", "ND"],
    IR: ["L", "M", "H", "ND"],
    AR: ["L", "M", "H", "ND"],
  },
);

// CVSS v3.0 and v3.1 specifications, section 6 (Table 15): the same metrics in both.
const V3 = table(
  {
    AV: ["N", "A", "L", "P"],
    AC: ["L", "H"],
    PR: ["N", "L", "H"],
    UI: ["N", "R"],
    S: ["U", "C"],
    C: ["H", "L", "N"],
    I: ["H", "L", "N"],
    A: ["H", "L", "N"],
  },
  {
    E: ["X", "H", "F", "P", "U"],
    RL: ["X", "U", "W", "T", "O"],
    RC: ["X", "C", "R", "U"],
    CR: ["X", "H", "M", "L"],
    IR: ["X", "H", "M", "L"],
    AR: ["X", "H", "M", "L"],
    MAV: ["X", "N", "A", "L", "P"],
    MAC: ["X", "L", "H"],
    MPR: ["X", "N", "L", "H"],
    MUI: ["X", "N", "R"],
    MS: ["X", "U", "C"],
    MC: ["X", "H", "L", "N"],
    MI: ["X", "H", "L", "N"],
    MA: ["X", "H", "L", "N"],
  },
);

// CVSS v4.0 specification, section 7 (Table 23): base, threat, environmental, supplemental.
const V4 = table(
  {
    AV: ["N", "A", "L", "P"],
    AC: ["L", "H"],
    AT: ["N", "P"],
    PR: ["N", "L", "H"],
    UI: ["N", "P", "A"],
    VC: ["H", "L", "N"],
    VI: ["H", "L", "N"],
    VA: ["H", "L", "N"],
    SC: ["H", "L", "N"],
    SI: ["H", "L", "N"],
    SA: ["H", "L", "N"],
  },
  {
    E: ["X", "A", "P", "U"],
    CR: ["X", "H", "M", "L"],
    IR: ["X", "H", "M", "L"],
    AR: ["X", "H", "M", "L"],
    MAV: ["X", "N", "A", "L", "P"],
    MAC: ["X", "L", "H"],
    MAT: ["X", "N", "P"],
    MPR: ["X", "N", "L", "H"],
    MUI: ["X", "N", "P", "A"],
    MVC: ["X", "H", "L", "N"],
    MVI: ["X", "H", "L", "N"],
    MVA: ["X", "H", "L", "N"],
    MSC: ["X", "H", "L", "N"],
    MSI: ["X", "S", "H", "L", "N"],
    MSA: ["X", "S", "H", "L", "N"],
    S: ["X", "N", "P"],
    AU: ["X", "N", "Y"],
    R: ["X", "A", "U", "I"],
    V: ["X", "D", "C"],
    RE: ["X", "L", "M", "H"],
    U: ["X", "Clear", "Green", "Amber", "Red"],
  },
);

// Maps, not object literals: strings from advisories ("constructor", "__proto__") must not find Object's members.
const PREFIXED = new Map<string, { version: CvssVersion; table: MetricTable }>([
  ["3.0", { version: "3.0", table: V3 }],
  ["3.1", { version: "3.1", table: V3 }],
  ["4.0", { version: "4.0", table: V4 }],
]);

// ---------------------------------------------------------------------------------------------------------------
// Scoring

/** Parsed and validated: metric -> value, base metrics all present. */
type Metrics = Map<string, string>;

function parseMetrics(
  body: string,
  t: MetricTable,
  version: CvssVersion,
): { metrics: Metrics; warnings: string[] } | string {
  if (body === "") return "no metrics after the prefix";
  const metrics: Metrics = new Map();
  const order = [...t.metrics.keys()];
  let lastIndex = -1;
  let outOfOrder = false;
  for (const part of body.split("/")) {
    if (part === "") return 'empty metric (a "//", or a "/" at the start or the end)';
    const colon = part.indexOf(":");
    if (colon <= 0 || colon === part.length - 1 || part.indexOf(":", colon + 1) !== -1) {
      return `malformed metric "${part}", expected NAME:VALUE`;
    }
    const name = part.slice(0, colon);
    const value = part.slice(colon + 1);
    const allowed = t.metrics.get(name);
    if (!allowed) return `unknown metric "${name}" for CVSS v${version}`;
    if (!allowed.includes(value))
      return `invalid value "${value}" for metric ${name} (expected one of ${allowed.join(", ")})`;
    if (metrics.has(name)) return `metric ${name} given more than once`;
    metrics.set(name, value);
    const index = order.indexOf(name);
    if (index < lastIndex) outOfOrder = true;
    lastIndex = Math.max(lastIndex, index);
  }
  const missing = t.base.filter((m) => !metrics.has(m));
  if (missing.length > 0) return `missing base metric${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`;
  // v3.x: "programs reading CVSS v3.x vector strings must accept metrics in any order". v4.0 says every other
  // order is invalid, but its names are as unambiguous, and published advisories have got the order wrong
  // (GHSA-28g4-38q8-3cwc): score it, and say so.
  const warnings =
    outOfOrder && version === "4.0"
      ? ["metrics are not in the order the CVSS v4.0 specification requires"]
      : [];
  return { metrics, warnings };
}

interface Calculator {
  Cvss2: new (vector: string) => { calculateScores(): { base?: number } };
  Cvss3P0: new (vector: string) => { calculateScores(): { base?: number } };
  Cvss3P1: new (vector: string) => { calculateScores(): { base?: number } };
  Cvss4P0: new (vector: string) => { calculateScores(): { overall: number } };
}

let calculator: Calculator | undefined;

/** Loaded on first use (~20 ms): commands that never score a vector do not pay for it. */
function loadCalculator(): Calculator {
  // A webpack UMD bundle: from ES modules only its CommonJS default export is visible, so require it.
  calculator ??= createRequire(import.meta.url)("ae-cvss-calculator") as Calculator;
  return calculator;
}

/** The base score, computed from the base metrics alone (threat, temporal, environmental metrics ignored). */
function baseScore(version: CvssVersion, metrics: Metrics, t: MetricTable): number {
  const base = t.base.map((m) => `${m}:${metrics.get(m)}`).join("/");
  const calc = loadCalculator();
  let score: number | undefined;
  switch (version) {
    case "2.0":
      score = new calc.Cvss2(base).calculateScores().base;
      break;
    case "3.0":
      score = new calc.Cvss3P0(`CVSS:3.0/${base}`).calculateScores().base;
      break;
    case "3.1":
      score = new calc.Cvss3P1(`CVSS:3.1/${base}`).calculateScores().base;
      break;
    case "4.0":
      score = new calc.Cvss4P0(`CVSS:4.0/${base}`).calculateScores().overall;
      break;
  }
  if (typeof score !== "number" || !Number.isFinite(score) || score < 0 || score > 10) {
    throw new Error(`CVSS calculator returned ${String(score)} for ${base}`);
  }
  return Math.round(score * 10) / 10;
}

const cache = new Map<string, CvssCheck>();
const CACHE_LIMIT = 20_000;

/**
 * Parses, validates and scores a CVSS vector: `CVSS:3.0/…`, `CVSS:3.1/…`, `CVSS:4.0/…`, or a v2.0 vector (which has
 * no prefix). Strict: the prefix, every metric name and value (case-sensitive), no metric twice, every base metric
 * present. Metric order is not enforced (see docs/severity.md).
 */
export function checkCvss(vector: string): CvssCheck {
  const text = typeof vector === "string" ? vector.trim() : "";
  const cached = cache.get(text);
  if (cached) return cached;
  const result = checkUncached(text);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, result);
  return result;
}

function checkUncached(text: string): CvssCheck {
  if (text === "") return { ok: false, error: "empty vector" };
  if (/\s/.test(text)) return { ok: false, error: "white space inside the vector" };
  let version: CvssVersion;
  let t: MetricTable;
  let body: string;
  if (/^cvss:/i.test(text) && !text.startsWith("CVSS:"))
    return { ok: false, error: 'the prefix is written "CVSS:", in capitals' };
  const prefix = /^CVSS:([^/]*)(?:\/|$)/.exec(text);
  if (prefix) {
    const known = PREFIXED.get(prefix[1]!);
    if (!known)
      return { ok: false, error: `unsupported CVSS version "${prefix[1]}" (expected 3.0, 3.1 or 4.0)` };
    ({ version, table: t } = known);
    body = text.slice(prefix[0].length);
    if (!prefix[0].endsWith("/")) return { ok: false, error: "no metrics after the prefix" };
  } else if (/^[A-Za-z]+:/.test(text)) {
    // Only v2.0 vectors have no prefix. One with v3 metrics lost its "CVSS:3.x/": its version is unknowable.
    const names = text.split("/").map((p) => p.split(":")[0]);
    if (!names.includes("Au") && names.some((n) => n === "PR" || n === "UI" || n === "S")) {
      return { ok: false, error: 'a CVSS v3 vector without its "CVSS:3.0/" or "CVSS:3.1/" prefix' };
    }
    version = "2.0";
    t = V2;
    body = text;
  } else if (/^\d+(\.\d+)?$/.test(text)) {
    return { ok: false, error: "a bare score, not a vector" };
  } else {
    return {
      ok: false,
      error:
        'not a CVSS vector: expected a "CVSS:3.0/", "CVSS:3.1/" or "CVSS:4.0/" prefix, or a CVSS v2.0 vector',
    };
  }
  const parsed = parseMetrics(body, t, version);
  if (typeof parsed === "string") return { ok: false, error: parsed };
  return {
    ok: true,
    cvss: { version, vector: text, score: baseScore(version, parsed.metrics, t) },
    warnings: parsed.warnings,
  };
}

/** The base score of a CVSS vector, or null when it is not a valid one (`checkCvss` says why). */
export function scoreCvss(vector: string): CvssScore | null {
  const r = checkCvss(vector);
  return r.ok ? r.cvss : null;
}

/**
 * The qualitative rating of a score. v3.x and v4.0 (their specifications' tables): 0.0 None, shown as `info`;
 * 0.1–3.9 low; 4.0–6.9 medium; 7.0–8.9 high; 9.0–10.0 critical. v2.0 has no table of its own; NVD's is used:
 * 0.0–3.9 low, 4.0–6.9 medium, 7.0–10.0 high.
 */
export function ratingOf(score: Pick<CvssScore, "version" | "score">): Severity {
  const tenths = Math.round(score.score * 10);
  if (!Number.isFinite(tenths) || tenths < 0 || tenths > 100) return "unknown";
  if (score.version === "2.0") return tenths >= 70 ? "high" : tenths >= 40 ? "medium" : "low";
  if (tenths >= 90) return "critical";
  if (tenths >= 70) return "high";
  if (tenths >= 40) return "medium";
  if (tenths >= 1) return "low";
  return "info";
}

// ---------------------------------------------------------------------------------------------------------------
// OSV records

const CVSS_TYPES = new Map<unknown, CvssVersion>([
  ["CVSS_V2", "2.0"],
  ["CVSS_V3", "3.1"],
  ["CVSS_V4", "4.0"],
]);
const VERSION_RANK: Record<CvssVersion, number> = { "2.0": 0, "3.0": 1, "3.1": 2, "4.0": 3 };

/**
 * Severity words of the advisory databases: GitHub (`CRITICAL`, `HIGH`, `MODERATE`, `LOW`), Ubuntu priorities
 * (`negligible` … `critical`), and the plain `medium`, `important`, `none` seen elsewhere. Case-insensitive.
 */
const WORDS = new Map<string, Severity>([
  ["critical", "critical"],
  ["high", "high"],
  ["important", "high"],
  ["moderate", "medium"],
  ["medium", "medium"],
  ["low", "low"],
  ["negligible", "low"],
  ["none", "info"],
  ["info", "info"],
  ["informational", "info"],
]);

export function severityFromWord(word: unknown): Severity | null {
  if (typeof word !== "string") return null;
  return WORDS.get(word.trim().toLowerCase()) ?? null;
}

/**
 * The severity of one OSV record for one affected entry (without one: for the whole record, every entry's
 * severity considered). In order:
 * 1. CVSS vectors of `record.severity` and `affected.severity`: the newest CVSS version present wins, then the
 *    highest base score among vectors of that version. Invalid vectors are skipped (and listed in `invalid`);
 * 2. a bare CVSS score where a vector belongs (`"score": "7.5"`, seen in real records), rated by the table of the
 *    entry's type;
 * 3. a severity word: `affected.ecosystem_specific.severity`, `affected.database_specific.severity`, a
 *    non-CVSS `severity[]` entry (e.g. type `Ubuntu`), then `record.database_specific.severity` (GitHub);
 * 4. otherwise `unknown`.
 */
export function severityOf(record: OsvRecord, affected?: OsvAffected): SeverityResult {
  const entries = affected ? [affected] : Array.isArray(record.affected) ? record.affected : [];
  const severities: OsvSeverity[] = [];
  const addAll = (list: unknown) => {
    if (Array.isArray(list))
      for (const s of list) if (s && typeof s === "object") severities.push(s as OsvSeverity);
  };
  addAll(record.severity);
  for (const a of entries) addAll(a?.severity);

  let best: CvssScore | undefined;
  let bareBest: { version: CvssVersion; score: number } | undefined;
  const invalid: string[] = [];
  const words: unknown[] = [];
  for (const s of severities) {
    const typeVersion = CVSS_TYPES.get(s.type);
    if (!typeVersion) {
      words.push(s.score);
      continue;
    }
    const raw =
      typeof s.score === "string" ? s.score.trim() : typeof s.score === "number" ? String(s.score) : "";
    const check = checkCvss(raw);
    if (check.ok) {
      const c = check.cvss;
      if (
        !best ||
        VERSION_RANK[c.version] > VERSION_RANK[best.version] ||
        (c.version === best.version && c.score > best.score)
      ) {
        best = c;
      }
      continue;
    }
    const bare = /^(?:10(?:\.0)?|\d(?:\.\d)?)$/.test(raw) ? Number(raw) : undefined;
    if (bare !== undefined) {
      if (
        !bareBest ||
        VERSION_RANK[typeVersion] > VERSION_RANK[bareBest.version] ||
        (typeVersion === bareBest.version && bare > bareBest.score)
      ) {
        bareBest = { version: typeVersion, score: bare };
      }
      continue;
    }
    invalid.push(`${s.type} ${JSON.stringify(s.score)}: ${check.error}`);
  }
  const extra = invalid.length > 0 ? { invalid } : {};
  if (best) return { severity: ratingOf(best), cvss: best, source: "cvss", ...extra };
  if (bareBest) return { severity: ratingOf(bareBest), source: "cvss", ...extra };

  const candidates: unknown[] = [];
  for (const a of entries)
    candidates.push(field(a?.ecosystem_specific, "severity"), field(a?.database_specific, "severity"));
  candidates.push(...words, field(record.database_specific, "severity"));
  let fromWords: Severity | null = null;
  for (const c of candidates) {
    const s = severityFromWord(c);
    // Several entries (no `affected` given) may disagree: the most severe wins.
    if (s && (!fromWords || SEVERITY_ORDER.indexOf(s) < SEVERITY_ORDER.indexOf(fromWords))) fromWords = s;
    if (fromWords && affected) break;
  }
  if (fromWords) return { severity: fromWords, source: "database", ...extra };
  return { severity: "unknown", source: "none", ...extra };
}

function field(obj: unknown, key: string): unknown {
  return obj && typeof obj === "object" ? (obj as Record<string, unknown>)[key] : undefined;
}
