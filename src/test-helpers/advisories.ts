/** Advisory sources and components made by hand, for the matching and scan tests. */
import { nameKey } from "../advisories/names.js";
import type { AdvisorySource, OsvRecord, PackageQuery } from "../advisories/osv.js";
import type { Component, Ecosystem } from "../inventory/model.js";
import { buildPurl } from "../inventory/normalise.js";

/**
 * An in-memory source: every live record naming the package, as the store returns them. `updated`, when given,
 * dates each ecosystem's data (`updatedAtFor`), as the store does.
 */
export function memorySource(records: OsvRecord[], updated?: Record<string, string | null>): AdvisorySource {
  return {
    async lookup(queries: PackageQuery[]) {
      return queries.map((q) =>
        records.filter(
          (r) =>
            !r.withdrawn &&
            (r.affected ?? []).some(
              (a) =>
                a.package?.ecosystem === q.ecosystem &&
                nameKey(q.ecosystem, a.package.name) === nameKey(q.ecosystem, q.name),
            ),
        ),
      );
    },
    info: () => ({ source: "memory", advisories: records.length, updatedAt: null }),
    ...(updated ? { updatedAtFor: (eco: string) => updated[eco] ?? null } : {}),
  };
}

/** A locked component, found at line 7 of its ecosystem's usual lockfile. */
export function lockedComponent(
  ecosystem: Ecosystem,
  name: string,
  version: string | null,
  direct = true,
): Component {
  return {
    ecosystem,
    name,
    version,
    purl: buildPurl(ecosystem, name, version),
    direct,
    scopes: ["prod"],
    hashes: [],
    sources: [{ file: ecosystem === "PyPI" ? "poetry.lock" : "package-lock.json", line: 7 }],
    dependencies: [],
  };
}
