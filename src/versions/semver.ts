/**
 * npm versions with npm's own `semver` package: SemVer 2.0 precedence (https://semver.org/#spec-item-11),
 * prereleases included (`compare`, never `satisfies`, which hides prereleases), build metadata ignored.
 */
import semver from "semver";

const OPTIONS = { loose: true } as const;

/**
 * A partial version (`1`, `1.2`, `v1.2`, optionally with a `-pre` or `+build` suffix) padded with zeros, as
 * osv.dev's `semver_index.coerce` reads advisory bounds such as GHSA-r683-j2x4-v87g's `introduced: "1.0"`.
 * Deliberately narrower than `semver.coerce`, which would read `foo-1.2-bar` as `1.2.0`.
 */
const PARTIAL = /^[v=\s]*(\d+)(?:\.(\d+))?([-+].*)?$/;

/**
 * Parses a version as npm does (`loose`: also `v1.2.3`, `=1.2.3`, ` 1.2.3 `, `1.2.3beta`, leading zeros), then
 * a partial version padded with zeros. Null when neither reads it.
 */
export function parseSemver(version: string): semver.SemVer | null {
  const v = version.trim();
  try {
    return new semver.SemVer(v, OPTIONS);
  } catch {
    const m = PARTIAL.exec(v);
    if (!m) return null;
    try {
      return new semver.SemVer(`${m[1]}.${m[2] ?? "0"}.0${m[3] ?? ""}`, OPTIONS);
    } catch {
      return null;
    }
  }
}

/** SemVer 2.0 precedence: build metadata does not count. */
export function compareSemver(a: semver.SemVer, b: semver.SemVer): number {
  return a.compare(b);
}

/** Equal keys exactly when the precedence is equal: the version without build metadata, normalised. */
export function semverKey(v: semver.SemVer): string {
  return v.version;
}
