/**
 * The one reading of a package named in `.depwarden.yaml` (an `ignore` entry's `package`, a `typosquat.allow`
 * entry, an `accept` entry's `package`): a name (compared as its ecosystem compares names), `name@version`, or a
 * purl with or without a version.
 */
import { nameKey } from "../advisories/names.js";
import type { Ecosystem } from "../inventory/model.js";
import { parsePurl } from "../inventory/normalise.js";
import { sameVersion } from "../versions/index.js";

export function packageSpecMatches(
  spec: string,
  pkg: { ecosystem: Ecosystem | string; name: string; version?: string | null | undefined },
): boolean {
  const ecosystem = pkg.ecosystem as Ecosystem;
  let name = spec;
  let version: string | undefined;
  if (spec.startsWith("pkg:")) {
    try {
      const p = parsePurl(spec);
      if (p.ecosystem !== ecosystem) return false;
      name = p.name;
      version = p.version ?? undefined;
    } catch {
      return false;
    }
  } else {
    const at = spec.lastIndexOf("@");
    if (at > 0) {
      name = spec.slice(0, at);
      version = spec.slice(at + 1);
    }
  }
  if (nameKey(ecosystem, name) !== nameKey(ecosystem, pkg.name)) return false;
  if (!version) return true;
  if (!pkg.version) return false;
  return sameVersion(ecosystem, version, pkg.version); // 2.2.02 is 2.2.2 on PyPI
}

/** An `accept` entry's `package` names this package (kept as the name `scan --deep` and its tests use). */
export const acceptNames = packageSpecMatches;

/**
 * A name pattern (a `review.deny` or `review.allowInstallScripts` entry) names this package: a purl or a name
 * without `*` reads as packageSpecMatches does; otherwise `*` matches any run of characters, `/` included (so
 * `@evil/*` is every package of that scope), compared after the ecosystem's name normalisation (`Foo_Bar*` matches
 * the PyPI package `foo-bar-x`). A `@version` suffix narrows a pattern to one version, as for a name.
 */
export function packagePatternMatches(
  pattern: string,
  pkg: { ecosystem: Ecosystem | string; name: string; version?: string | null | undefined },
): boolean {
  const spec = pattern.trim();
  if (spec.startsWith("pkg:") || !spec.includes("*")) return packageSpecMatches(spec, pkg);
  const at = spec.lastIndexOf("@");
  const namePattern = at > 0 ? spec.slice(0, at) : spec;
  if (!globMatches(namePattern, pkg.ecosystem, pkg.name)) return false;
  // The name matched: the version is compared as for an exact name.
  return at > 0 ? packageSpecMatches(`${pkg.name}${spec.slice(at)}`, pkg) : true;
}

function globMatches(pattern: string, ecosystem: string, name: string): boolean {
  // Each literal piece is normalised on its own: PEP 503 maps `_` and `.` to `-` whatever surrounds them.
  const pieces = pattern.split("*").map((piece) => nameKey(ecosystem, piece));
  const source = pieces.map((piece) => piece.replace(/[\\^$.|?+()[\]{}]/g, "\\$&")).join(".*");
  return new RegExp(`^${source}$`, "s").test(nameKey(ecosystem, name));
}

/** Why a name pattern can never match (a malformed purl, an unsupported ecosystem); undefined when it is fine. */
export function packagePatternProblem(pattern: string): string | undefined {
  const spec = pattern.trim();
  if (!spec.startsWith("pkg:")) return undefined;
  let parsed: ReturnType<typeof parsePurl>;
  try {
    parsed = parsePurl(spec);
  } catch (e) {
    return `not a valid purl (${(e as Error).message})`;
  }
  if (!parsed.ecosystem) return `purl type "${parsed.type}" is not supported (npm, pypi)`;
  return undefined;
}
