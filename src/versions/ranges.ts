/**
 * Whether a package version is affected by an OSV `affected[]` entry, exactly as the OSV schema's "Evaluation"
 * pseudo-code says (https://ossf.github.io/osv-schema/#evaluation); see docs/versions.md.
 */
import type { OsvAffected, OsvEvent } from "../advisories/osv.js";
import type { Ecosystem } from "../inventory/model.js";
import { type Ordering, ordering } from "./order.js";

export interface AffectedCheck {
  affected: boolean;
  /** For each range that affects the version: the lowest `fixed` event above it (none if the range has none). */
  fixes: string[];
  /**
   * Range bounds (`introduced`, `fixed`, `last_affected`, `limit`) that could not be parsed, so the caller can
   * warn. Each was read in the direction that reports more, never fewer, affected versions (see docs/versions.md).
   * Also the version itself when a `SEMVER` range of a PyPI entry cannot read it (that range is skipped).
   */
  unparsable: string[];
}

/** The place of an event in the sorted timeline: below every version (`introduced: "0"`), or above all. */
const BOTTOM = Symbol("bottom");
const TOP = Symbol("top");
type Bound<T> = T | typeof BOTTOM | typeof TOP;

/** Parsed `versions` lists, by list: the keys of the listed versions that parse. */
const listKeys = new WeakMap<object, WeakMap<readonly string[], Set<string>>>();

function listedKeys<T>(order: Ordering<T>, versions: readonly string[]): Set<string> {
  let byList = listKeys.get(order);
  if (!byList) {
    byList = new WeakMap();
    listKeys.set(order, byList);
  }
  let keys = byList.get(versions);
  if (!keys) {
    keys = new Set();
    for (const v of versions) {
      const p = order.parse(v);
      if (p !== null) keys.add(order.key(p));
    }
    byList.set(versions, keys);
  }
  return keys;
}

/**
 * Checks `version` of `ecosystem` against one affected entry (whose package the caller has matched): the
 * explicit `versions` list by ecosystem equality (PEP 440 equality for PyPI: `1.0RC1` is `1.0rc1`), then every
 * `ECOSYSTEM` and `SEMVER` range; `GIT` ranges and ranges of unknown types never match a package version.
 * Throws UnparsableVersionError when `version` itself is not a valid version of the ecosystem.
 */
export function checkAffected(ecosystem: Ecosystem, affected: OsvAffected, version: string): AffectedCheck {
  const order = ordering(ecosystem);
  const parsed = order.parseOrThrow(version);
  let isAffected = false;
  const fixes: string[] = [];
  const unparsable: string[] = [];

  const versions = affected.versions;
  if (versions && versions.length > 0) {
    isAffected = versions.includes(version) || listedKeys(order, versions).has(order.key(parsed));
  }

  for (const range of affected.ranges ?? []) {
    if (range.type !== "ECOSYSTEM" && range.type !== "SEMVER") continue;
    if (!Array.isArray(range.events)) continue;
    const rangeOrder = range.type === "SEMVER" ? ordering(ecosystem, "SEMVER") : order;
    let v: unknown = parsed;
    if (rangeOrder !== order) {
      v = rangeOrder.parse(version);
      if (v === null) {
        // A version of the ecosystem that SemVer cannot read: the range cannot be evaluated; say so.
        if (!unparsable.includes(version)) unparsable.push(version);
        continue;
      }
    }
    const result = evaluateRange(rangeOrder, range.events, v, unparsable);
    if (result.affected) {
      isAffected = true;
      if (result.fix !== null && !fixes.includes(result.fix)) fixes.push(result.fix);
    }
  }
  return { affected: isAffected, fixes, unparsable };
}

interface RangeResult {
  affected: boolean;
  /** The lowest `fixed` bound above the version. */
  fix: string | null;
}

/**
 * One range, as the schema's `IncludedInRanges`: the events sorted by version (`introduced: "0"` first), the
 * state set by each event the version has reached, and the range only counts when the version is below one of
 * its `limit`s (if it has any).
 *
 * The schema does not say how events at the same version sort. Here they sort `fixed` < `introduced` <
 * `last_affected`: adjacent pairs written out of order (PYSEC-2022-42972: `[0.13.0, 0.14.0rc1)` then `[0.12.2,
 * 0.13.0)`) keep their shared bound and the range above it affected, as their author meant (the written order
 * would drop the whole upper range); and `introduced: X` + `last_affected: X` means exactly X, as in the schema's
 * stable sort (eleven NSWG records say "only version X" this way: NSWG-ECO-450, the compromised eslint-scope
 * 3.7.2). (osv.dev keeps the written order, a stable sort; osv-scanner's sort is not stable.)
 *
 * Rather than sorting, the state is that of the last event, in that order, whose condition holds: the one at
 * the highest version, an `introduced` one if there is one there. Same answer, without sorting.
 */
function evaluateRange<T>(order: Ordering<T>, events: OsvEvent[], v: T, unparsable: string[]): RangeResult {
  const bound = (s: string, unparsableAs: typeof BOTTOM | typeof TOP): Bound<T> => {
    const p = order.parse(s);
    if (p !== null) return p;
    if (!unparsable.includes(s)) unparsable.push(s);
    return unparsableAs;
  };
  let hasLimit = false;
  let belowALimit = false;
  let last: Bound<T> | null = null;
  let lastRank = -1;
  let state = false;
  let fix: T | null = null;
  let fixString: string | null = null;

  // rank orders events at the same version: fixed 0, introduced 1, last_affected 2 (see above).
  const fires = (b: Bound<T>, rank: number) => {
    const c = last === null ? 1 : compareBounds(order, b, last);
    if (c > 0 || (c === 0 && rank > lastRank)) {
      last = b;
      lastRank = rank;
      state = rank === 1;
    }
  };

  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (!e || typeof e !== "object") continue;
    if (typeof e.introduced === "string") {
      // "0" sorts before every version; an unparsable start is read as "0" (more affected, never fewer).
      const b = e.introduced === "0" ? BOTTOM : bound(e.introduced, BOTTOM);
      if (b === BOTTOM || order.cmp(v, b as T) >= 0) fires(b, 1);
    } else if (typeof e.fixed === "string") {
      // An unparsable fix is read as "never fixed".
      const b = bound(e.fixed, TOP);
      if (b !== TOP) {
        const c = order.cmp(v, b as T);
        if (c >= 0) fires(b, 0);
        else if (fix === null || order.cmp(b as T, fix) < 0) {
          fix = b as T;
          fixString = e.fixed;
        }
      }
    } else if (typeof e.last_affected === "string") {
      const b = bound(e.last_affected, TOP);
      if (b !== TOP && order.cmp(v, b as T) > 0) fires(b, 2);
    } else if (typeof e.limit === "string") {
      hasLimit = true;
      // A limit containing "*" is infinity; an unparsable one is read as infinity too.
      if (e.limit.includes("*")) belowALimit = true;
      else {
        const b = bound(e.limit, TOP);
        if (b === TOP || order.cmp(v, b as T) < 0) belowALimit = true;
      }
    }
  }
  if (hasLimit && !belowALimit) return { affected: false, fix: null };
  return { affected: state, fix: state ? fixString : null };
}

function compareBounds<T>(order: Ordering<T>, a: Bound<T>, b: Bound<T>): number {
  if (a === b) return 0;
  if (a === BOTTOM || b === TOP) return -1;
  if (a === TOP || b === BOTTOM) return 1;
  return order.cmp(a as T, b as T);
}
