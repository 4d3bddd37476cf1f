/**
 * What a dependency change brings in: two inventories compared per ecosystem and package name (as the ecosystem
 * compares names), version by version. A name locked at several versions (npm's nested copies) is compared as a
 * set: versions only in the head are added, only in the base removed; when exactly one version went and one came,
 * that is an upgrade or a downgrade.
 */
import { nameKey } from "../advisories/names.js";
import type { Component, Ecosystem, Inventory } from "../inventory/model.js";
import { compareVersions } from "../versions/index.js";

export type ChangeKind = "added" | "removed" | "upgraded" | "downgraded";

export interface DependencyChange {
  ecosystem: Ecosystem;
  name: string;
  /** The head's purl (the base's for a removal). */
  purl: string;
  change: ChangeKind;
  /** Version before (null when added) and after (null when removed); "" for a dependency without an exact version. */
  from: string | null;
  to: string | null;
  /** Declared by the project (in the head; in the base for a removal). */
  direct: boolean;
}

function byPackage(inv: Inventory): Map<string, Map<string, Component>> {
  const out = new Map<string, Map<string, Component>>();
  for (const c of inv.components) {
    const key = `${c.ecosystem}\u0000${nameKey(c.ecosystem, c.name)}`;
    let versions = out.get(key);
    if (!versions) {
      versions = new Map();
      out.set(key, versions);
    }
    const v = c.version ?? "";
    const seen = versions.get(v);
    // The same version found in several files is one component; keep it direct if any copy is.
    if (!seen || (c.direct && !seen.direct)) versions.set(v, c);
  }
  return out;
}

/** -1, 0, 1; versions that cannot be ordered compare as text (a change either way is still shown). */
function order(ecosystem: Ecosystem, a: string, b: string): number {
  try {
    return compareVersions(ecosystem, a, b);
  } catch {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

const KIND_ORDER: Record<ChangeKind, number> = { added: 0, upgraded: 1, downgraded: 2, removed: 3 };

export function diffInventories(base: Inventory, head: Inventory): DependencyChange[] {
  const before = byPackage(base);
  const after = byPackage(head);
  const changes: DependencyChange[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key) ?? new Map<string, Component>();
    const a = after.get(key) ?? new Map<string, Component>();
    const gone = [...b.keys()].filter((v) => !a.has(v));
    const came = [...a.keys()].filter((v) => !b.has(v));
    if (gone.length === 1 && came.length === 1) {
      const from = gone[0]!;
      const to = came[0]!;
      const c = a.get(to)!;
      changes.push({
        ecosystem: c.ecosystem,
        name: c.name,
        purl: c.purl,
        change: order(c.ecosystem, to, from) >= 0 ? "upgraded" : "downgraded",
        from,
        to,
        direct: c.direct,
      });
      continue;
    }
    for (const v of came) {
      const c = a.get(v)!;
      changes.push({
        ecosystem: c.ecosystem,
        name: c.name,
        purl: c.purl,
        change: "added",
        from: null,
        to: v,
        direct: c.direct,
      });
    }
    for (const v of gone) {
      const c = b.get(v)!;
      changes.push({
        ecosystem: c.ecosystem,
        name: c.name,
        purl: c.purl,
        change: "removed",
        from: v,
        to: null,
        direct: c.direct,
      });
    }
  }
  // Stable: ecosystem, direct first, name, kind, versions.
  return changes.sort(
    (x, y) =>
      (x.ecosystem < y.ecosystem ? -1 : x.ecosystem > y.ecosystem ? 1 : 0) ||
      Number(y.direct) - Number(x.direct) ||
      (x.name < y.name ? -1 : x.name > y.name ? 1 : 0) ||
      KIND_ORDER[x.change] - KIND_ORDER[y.change] ||
      ((x.from ?? x.to ?? "") < (y.from ?? y.to ?? "") ? -1 : 1),
  );
}
