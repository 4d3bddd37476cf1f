/**
 * The one reading of a package named in `.depwarden.yaml` (an `ignore` entry's `package`, a `typosquat.allow`
 * entry, an `accept` entry's `package`): a name (compared as its ecosystem compares names), `name@version`, or a
 * purl with or without a version.
 */
import { nameKey } from "../advisories/names.js";
import type { Ecosystem } from "../inventory/model.js";
import { parsePurl } from "../inventory/normalise.js";
import { compareVersions } from "../versions/index.js";

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
  try {
    return compareVersions(ecosystem, version, pkg.version) === 0; // 2.2.02 is 2.2.2 on PyPI
  } catch {
    return version === pkg.version;
  }
}

/** An `accept` entry's `package` names this package (kept as the name `scan --deep` and its tests use). */
export const acceptNames = packageSpecMatches;
