/**
 * Version ordering per ecosystem and OSV range type, parsing each distinct string once (a scan compares the
 * same advisory bounds over and over).
 */
import type { Ecosystem } from "../inventory/model.js";
import { comparePep440, type Pep440Version, parsePep440, pep440Key } from "./pep440.js";
import { compareSemver, parseSemver, semverKey } from "./semver.js";

export interface VersionOrder {
  /** The parsed version (opaque), or null when the string is not a version in this ordering. */
  parse(v: string): unknown | null;
  /** Negative, zero or positive; throws UnparsableVersionError when either side is not a version. */
  compare(a: string, b: string): number;
}

export class UnparsableVersionError extends Error {
  readonly version: string;
  readonly ecosystem: Ecosystem;

  constructor(
    version: string,
    ecosystem: Ecosystem,
    ordering = ecosystem === "PyPI" ? "PEP 440" : "npm semver",
  ) {
    super(`${JSON.stringify(version)} is not a valid ${ordering} version`);
    this.name = "UnparsableVersionError";
    this.version = version;
    this.ecosystem = ecosystem;
  }
}

/** Bounds the parse caches: advisories hold a few hundred thousand distinct versions at most. */
const CACHE_LIMIT = 500_000;

/** An ordering with its parsed-version type exposed, for the range evaluation. */
export class Ordering<T> implements VersionOrder {
  readonly ecosystem: Ecosystem;
  /** `PEP 440` or `SemVer`: what the error messages call it. */
  readonly name: string;
  private readonly cache = new Map<string, T | null>();

  constructor(
    ecosystem: Ecosystem,
    name: string,
    private readonly parser: (v: string) => T | null,
    readonly cmp: (a: T, b: T) => number,
    /** Equal exactly when `cmp` says 0: what the `versions` list is matched on. */
    readonly key: (v: T) => string,
  ) {
    this.ecosystem = ecosystem;
    this.name = name;
  }

  parse(v: string): T | null {
    let p = this.cache.get(v);
    if (p === undefined) {
      p = this.parser(v);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(v, p);
    }
    return p;
  }

  /** Parses or throws UnparsableVersionError. */
  parseOrThrow(v: string): T {
    const p = this.parse(v);
    if (p === null) throw new UnparsableVersionError(v, this.ecosystem, this.name);
    return p;
  }

  compare(a: string, b: string): number {
    if (a === b) {
      this.parseOrThrow(a);
      return 0;
    }
    return this.cmp(this.parseOrThrow(a), this.parseOrThrow(b));
  }
}

const PYPI = new Ordering<Pep440Version>("PyPI", "PEP 440", parsePep440, comparePep440, pep440Key);
const NPM = new Ordering("npm", "npm semver", parseSemver, compareSemver, semverKey);
/** A `SEMVER` range in a non-SemVer ecosystem (none in PyPI today): SemVer 2.0 as the OSV schema says. */
const PYPI_SEMVER = new Ordering("PyPI", "SemVer", parseSemver, compareSemver, semverKey);

/** The ordering for versions of `ecosystem`, or for the bounds of a range of `rangeType`. */
export function ordering(
  ecosystem: Ecosystem,
  rangeType: "ECOSYSTEM" | "SEMVER" = "ECOSYSTEM",
): Ordering<unknown> {
  if (ecosystem === "npm") return NPM as Ordering<unknown>;
  return (rangeType === "SEMVER" ? PYPI_SEMVER : PYPI) as Ordering<unknown>;
}

/**
 * How versions of `ecosystem` are ordered: PEP 440 for PyPI, npm's semver for npm; a `SEMVER` range is always
 * SemVer 2.0 precedence (the same ordering as npm's).
 */
export function versionOrder(
  ecosystem: Ecosystem,
  rangeType: "ECOSYSTEM" | "SEMVER" = "ECOSYSTEM",
): VersionOrder {
  return ordering(ecosystem, rangeType);
}

/**
 * Are two versions of `ecosystem` the same version (PyPI `2.2.02` is `2.2.2`)? Versions the ecosystem cannot parse
 * are the same only as text.
 */
export function sameVersion(ecosystem: Ecosystem, a: string, b: string): boolean {
  try {
    return compareVersions(ecosystem, a, b) === 0;
  } catch {
    return a === b;
  }
}

/** Orders two versions of `ecosystem` (e.g. to sort fix versions); throws UnparsableVersionError. */
export function compareVersions(ecosystem: Ecosystem, a: string, b: string): number {
  return ordering(ecosystem).compare(a, b);
}
