/** Matching `accept` entries of `.depwarden.yaml` (reviewed package-contents findings) to packages. */
import { nameKey } from "../advisories/names.js";
import { parsePurl } from "../inventory/normalise.js";

/** Does an accept entry's `package` (a name, `name@version`, or a purl) name this package? */
export function acceptNames(
  spec: string,
  pkg: { ecosystem: string; name: string; version?: string | undefined },
): boolean {
  let name = spec;
  let version: string | undefined;
  if (spec.startsWith("pkg:")) {
    try {
      const p = parsePurl(spec);
      if (p.ecosystem !== pkg.ecosystem) return false;
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
  if (
    nameKey(pkg.ecosystem as Parameters<typeof nameKey>[0], name) !==
    nameKey(pkg.ecosystem as Parameters<typeof nameKey>[0], pkg.name)
  )
    return false;
  return version === undefined || version === pkg.version;
}
