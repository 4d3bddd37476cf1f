/**
 * PEP 440 versions (https://peps.python.org/pep-0440/), as Python's `packaging.version.Version` reads and orders
 * them. The grammar is `@renovatebot/pep440`'s (the same regular expression as `packaging`); the comparison key
 * is built here because the library's own `compare` gets three things wrong that matter for advisories:
 * - numbers go through `Number`, so release, pre/post/dev and local numbers above 2^53 collide;
 * - local segments go through `Number` too, so `1.0+1e5` equals `1.0+100000` and `+0x10` equals `+16`
 *   (PEP 440: a local segment is numeric only when it is all digits);
 * - it throws a TypeError on an invalid version instead of saying so.
 * Legacy (non-PEP 440) versions are not versions here: `packaging` stopped ordering them in version 22.
 */
import pep440 from "@renovatebot/pep440/lib/version.js";

/** A number of any size: a JS number when exact (up to 15 digits), a bigint beyond. */
type Int = number | bigint;

/** The parsed version, as `packaging`'s comparison key (`_cmpkey`). */
export interface Pep440Version {
  epoch: Int;
  /** Release numbers with trailing zeros removed (`1.0.0` is `1`). */
  release: Int[];
  /** Pre-release phase: -1 for a dev release of a final (`1.0.dev0` sorts before `1.0a0`), 0 a, 1 b, 2 rc, 3 none. */
  prePhase: number;
  preNumber: Int;
  /** -1 when there is no post release (post numbers are non-negative). */
  post: Int;
  /** Infinity when there is no dev release. */
  dev: Int;
  /** Local segments: numbers for all-digit segments, lower-case strings otherwise; null when none. */
  local: (Int | string)[] | null;
}

const PRE_PHASE: Record<string, number> = {
  a: 0,
  alpha: 0,
  b: 1,
  beta: 1,
  c: 2,
  rc: 2,
  pre: 2,
  preview: 2,
};

// `packaging` strips surrounding whitespace (`^\s*` ... `\s*$`) and ignores case.
const VERSION_RE = new RegExp(`^\\s*${pep440.VERSION_PATTERN}\\s*$`, "i");
const DIGITS = /^[0-9]+$/;

/** Exact integer of a digit string; leading zeros are dropped first, so a bigint is never zero. */
function toInt(digits: string): Int {
  const d = digits.length > 15 ? digits.replace(/^0+(?=[0-9])/, "") : digits;
  return d.length <= 15 ? Number(d) : BigInt(d);
}

function cmpInt(a: Int, b: Int): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Parses a PEP 440 version; null when the string is not one (a "legacy" version). */
export function parsePep440(version: string): Pep440Version | null {
  const g = VERSION_RE.exec(version)?.groups;
  if (!g) return null;
  const release = g.release!.split(".").map(toInt);
  while (release.length > 0 && release[release.length - 1] === 0) release.pop();
  const hasPre = g.pre_l !== undefined;
  const postDigits = g.post_n1 ?? g.post_n2;
  const hasPost = g.post_l !== undefined || g.post_n1 !== undefined;
  const hasDev = g.dev_l !== undefined;
  return {
    epoch: g.epoch ? toInt(g.epoch) : 0,
    release,
    prePhase: hasPre ? PRE_PHASE[g.pre_l!.toLowerCase()]! : !hasPost && hasDev ? -1 : 3,
    preNumber: hasPre && g.pre_n ? toInt(g.pre_n) : 0,
    post: hasPost ? (postDigits ? toInt(postDigits) : 0) : -1,
    dev: hasDev ? (g.dev_n ? toInt(g.dev_n) : 0) : Number.POSITIVE_INFINITY,
    local: g.local ? g.local.split(/[-_.]/).map((s) => (DIGITS.test(s) ? toInt(s) : s.toLowerCase())) : null,
  };
}

/** Orders two parsed versions as `packaging` does: negative, zero or positive. */
export function comparePep440(a: Pep440Version, b: Pep440Version): number {
  let c = cmpInt(a.epoch, b.epoch);
  if (c) return c;
  const n = Math.min(a.release.length, b.release.length);
  for (let i = 0; i < n; i++) {
    c = cmpInt(a.release[i]!, b.release[i]!);
    if (c) return c;
  }
  c = a.release.length - b.release.length;
  if (c) return c;
  c = a.prePhase - b.prePhase || cmpInt(a.preNumber, b.preNumber);
  if (c) return c;
  c = cmpInt(a.post, b.post) || cmpInt(a.dev, b.dev);
  if (c) return c;
  return compareLocal(a.local, b.local);
}

function compareLocal(a: (Int | string)[] | null, b: (Int | string)[] | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const xs = typeof x === "string";
    const ys = typeof y === "string";
    // Alphanumeric segments sort before numeric ones; strings by code point, numbers by value.
    if (xs !== ys) return xs ? -1 : 1;
    if (x !== y) return x < y ? -1 : x > y ? 1 : 0;
  }
  return a.length - b.length;
}

/**
 * The normalised form (PEP 440 "Normalization"), with trailing zeros of the release removed: two versions are
 * equal exactly when their keys are equal (`1.0RC1`, `1.0rc1` and `1.0.0rc1` all give `1rc1`).
 */
export function pep440Key(v: Pep440Version): string {
  let s = v.epoch ? `${v.epoch}!` : "";
  s += v.release.length ? v.release.join(".") : "0";
  if (v.prePhase >= 0 && v.prePhase <= 2) s += `${["a", "b", "rc"][v.prePhase]}${v.preNumber}`;
  if (v.post !== -1) s += `.post${v.post}`;
  if (v.dev !== Number.POSITIVE_INFINITY) s += `.dev${v.dev}`;
  if (v.local) s += `+${v.local.join(".")}`;
  return s;
}
