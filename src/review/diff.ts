/**
 * What a dependency change brings in: two inventories compared per ecosystem and package name (as the ecosystem
 * compares names), version by version. A name locked at several versions (npm's nested copies) is compared as a
 * set: versions only in the head are added, only in the base removed; when exactly one version went and one came,
 * that is an upgrade or a downgrade.
 */
import { join } from "node:path";
import { nameKey } from "../advisories/names.js";
import { fileExtractorFor } from "../inventory/discover.js";
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
  /**
   * For an `added` change of a version the base already had: `new-project` when a dependency file of another
   * directory now declares it (a monorepo's second project), `now-direct` when the project now declares a package
   * it only had transitively. Either way the project takes on a dependency, so it is reviewed as added.
   */
  addedAs?: "new-project" | "now-direct";
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

/** The ecosystem of a package's version map (the first component of either side). */
function eco(...maps: Map<string, Component>[]): Ecosystem {
  for (const m of maps) for (const c of m.values()) return c.ecosystem;
  return "npm";
}

/** -1, 0, 1; versions that cannot be ordered compare as text (a change either way is still shown). */
function order(ecosystem: Ecosystem, a: string, b: string): number {
  try {
    return compareVersions(ecosystem, a, b);
  } catch {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}

/** The directory of a repository-relative file (`""` at the root). */
export const dirOf = (file: string) => (file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : "");

/** Directories of the lockfiles and manifests that declare a component (SBOMs describe, they do not declare). */
function projectDirs(c: Component): Set<string> {
  return new Set(
    c.sources
      .filter((x) => fileExtractorFor(join("/", x.file))?.ecosystem !== "mixed")
      .map((x) => dirOf(x.file)),
  );
}

/**
 * Made direct by a file the base already had (a manifest that now names it), not by a file the change adds: an
 * exported requirements.txt or an SBOM lists everything, and a project takes on nothing by committing one.
 */
function declaredInExistingFile(c: Component, was: Component, baseFiles: Set<string>): boolean {
  const fresh = c.sources.filter((x) => !was.sources.some((w) => w.file === x.file));
  const files = fresh.length ? fresh : c.sources;
  return files.some(
    (x) => baseFiles.has(x.file) && fileExtractorFor(join("/", x.file))?.ecosystem !== "mixed",
  );
}

function changeOf(c: Component, kind: ChangeKind, from: string | null, to: string | null): DependencyChange {
  return { ecosystem: c.ecosystem, name: c.name, purl: c.purl, change: kind, from, to, direct: c.direct };
}

const KIND_ORDER: Record<ChangeKind, number> = { added: 0, upgraded: 1, downgraded: 2, removed: 3 };

export function diffInventories(base: Inventory, head: Inventory): DependencyChange[] {
  const before = byPackage(base);
  const after = byPackage(head);
  const baseFiles = new Set((base.files ?? []).map((f) => f.file));
  const changes: DependencyChange[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key) ?? new Map<string, Component>();
    const a = after.get(key) ?? new Map<string, Component>();
    let gone = [...b.keys()].filter((v) => !a.has(v));
    let came = [...a.keys()].filter((v) => !b.has(v));
    // The same version written another way (PyPI `2.0` and `2.0.0`, `4.2RC1` and `4.2rc1`) is no change.
    if (gone.length && came.length) {
      const same = (x: string, y: string) => x !== "" && y !== "" && order(eco(b, a), x, y) === 0;
      const matched = came.filter((v) => gone.some((g) => same(g, v)));
      came = came.filter((v) => !matched.includes(v));
      gone = gone.filter((g) => !matched.some((v) => same(g, v)));
    }
    const change = (c: Component, kind: ChangeKind, from: string | null, to: string | null) =>
      changes.push(changeOf(c, kind, from, to));
    // A version both sides have: declared in a new place, or made direct.
    for (const [v, c] of a) {
      const was = b.get(v);
      if (!was || v === "") continue;
      const before = projectDirs(was);
      const after = projectDirs(c);
      // Every directory of the base still has it and one more does (a move of a lockfile is not an addition).
      const spread = [...after].some((d) => !before.has(d)) && [...before].every((d) => after.has(d));
      if (spread) changes.push({ ...changeOf(c, "added", null, v), addedAs: "new-project" });
      else if (c.direct && !was.direct && declaredInExistingFile(c, was, baseFiles))
        changes.push({ ...changeOf(c, "added", null, v), addedAs: "now-direct" });
    }
    // A pin that became a range (or the reverse) is no upgrade: one version went, an unpinned requirement came.
    if (gone.length === 1 && came.length === 1 && gone[0] !== "" && came[0] !== "") {
      const from = gone[0]!;
      const to = came[0]!;
      const c = a.get(to)!;
      change(c, order(c.ecosystem, to, from) >= 0 ? "upgraded" : "downgraded", from, to);
      continue;
    }
    for (const v of came) change(a.get(v)!, "added", null, v);
    for (const v of gone) change(b.get(v)!, "removed", v, null);
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

export type RedFlagKind =
  | "integrity-changed"
  | "resolved-host-changed"
  | "moved-to-non-registry-source"
  | "non-registry-source-changed";

/** The public registries' download hosts: a lockfile that names none of them for a package names another index. */
const DEFAULT_HOSTS: ReadonlySet<string> = new Set([
  "registry.npmjs.org",
  "registry.yarnpkg.com",
  "pypi.org",
  "files.pythonhosted.org",
]);

/** Changes a reviewer would miss in a lockfile diff: same name and version, different bytes or origin. */
export interface RedFlag {
  ecosystem: Ecosystem;
  name: string;
  purl: string;
  kind: RedFlagKind;
  /** One sentence for the report. */
  detail: string;
}

/** Hosts that serve the same registry: Yarn 1 writes registry.yarnpkg.com, npm registry.npmjs.org. */
const SAME_REGISTRY: Record<string, string> = {
  "registry.yarnpkg.com": "registry.npmjs.org",
  "files.pythonhosted.org": "pypi.org",
};

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const host = new URL(url).host.toLowerCase();
    return SAME_REGISTRY[host] ?? host;
  } catch {
    return undefined;
  }
}

/** `sha512:…` digests grouped by algorithm. */
function digests(hashes: string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const h of hashes) {
    const i = h.indexOf(":");
    if (i < 0) continue;
    const alg = h.slice(0, i);
    const set = out.get(alg) ?? new Set<string>();
    set.add(h.slice(i + 1));
    out.set(alg, set);
  }
  return out;
}

const NON_REGISTRY: ReadonlySet<string> = new Set(["vcs", "url", "path", "editable"]);

/**
 * Red flags between two inventories: for a name and version present on both sides, a recorded digest that
 * changed (with the same algorithm, so a lockfile that merely added sha512 next to sha1 is not flagged) or a
 * download host that changed; and a dependency that moved from the registry to a git, URL or local source.
 */
/** The cache key most of an inventory's Yarn checksums carry (`10c0` in `yarn-cache-checksum:10c0/…`). */
function yarnCacheKey(inv: Inventory): string | undefined {
  const counts = new Map<string, number>();
  for (const c of inv.components)
    for (const h of c.hashes) {
      const m = /^yarn-cache-checksum:([^/]+)\//.exec(h);
      if (m) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
    }
  let best: string | undefined;
  for (const [k, n] of counts) if (!best || n > counts.get(best)!) best = k;
  return best;
}

/** The download URL without what does not name the file (`#sha1` fragments, queries), its host canonical. */
function downloadUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return `${u.protocol}//${SAME_REGISTRY[u.host.toLowerCase()] ?? u.host.toLowerCase()}${u.pathname}`;
  } catch {
    return undefined;
  }
}

export function redFlags(base: Inventory, head: Inventory): RedFlag[] {
  const before = byPackage(base);
  const after = byPackage(head);
  const flags: RedFlag[] = [];
  // Yarn 4 re-computes every checksum under a new cache key: no change of contents, when the whole lockfile moved.
  const keys = { base: yarnCacheKey(base), head: yarnCacheKey(head) };
  const rekeyed = keys.base !== undefined && keys.head !== undefined && keys.base !== keys.head;
  const keyOf = (set: Set<string>) => [...set].map((d) => d.split("/")[0]);
  for (const [key, versions] of after) {
    const old = before.get(key);
    if (!old) continue;
    for (const [version, c] of versions) {
      const was = old.get(version);
      if (was && version !== "") {
        const a = digests(was.hashes);
        const b = digests(c.hashes);
        // Digests of all copies and files (merged per purl): any new one of an algorithm the base already recorded
        // is an artifact the installer will now accept, whether it replaced the old one or joined it.
        for (const [alg, set] of b) {
          const prev = a.get(alg);
          if (
            rekeyed &&
            prev &&
            alg === "yarn-cache-checksum" &&
            keyOf(prev).every((k) => k === keys.base) &&
            keyOf(set).every((k) => k === keys.head)
          )
            continue;
          const fresh = prev ? [...set].filter((d) => !prev.has(d)) : [];
          if (!fresh.length) continue;
          const replaced = ![...set].some((d) => prev!.has(d));
          flags.push({
            ecosystem: c.ecosystem,
            name: c.name,
            purl: c.purl,
            kind: "integrity-changed",
            detail: replaced
              ? `${c.name}@${version} has a different ${alg} digest than before: the same version now resolves to different bytes (a republished or tampered package, or a swapped lockfile entry)`
              : `${c.name}@${version} has ${fresh.length === 1 ? "a new" : `${fresh.length} new`} ${alg} ${fresh.length === 1 ? "digest" : "digests"} beside the ones it had: the installer will now also accept ${fresh.length === 1 ? "an artifact" : "artifacts"} nobody reviewed (a tampered copy, an added hash, or files published later for the same version)`,
          });
          break;
        }
        // Every digest dropped: nothing checks the download any more.
        if (a.size && !b.size) {
          flags.push({
            ecosystem: c.ecosystem,
            name: c.name,
            purl: c.purl,
            kind: "integrity-changed",
            detail: `${c.name}@${version} no longer records an integrity digest (it had ${[...a.keys()].join(", ")}): whatever is downloaded is installed unchecked`,
          });
        }
        const h1 = hostOf(was.resolved);
        const h2 = hostOf(c.resolved);
        const u1 = downloadUrl(was.resolved);
        const u2 = downloadUrl(c.resolved);
        // No host recorded in the base is the registry's default (uv and Poetry record only other indexes).
        if (h2 && h1 !== h2 && (h1 || !DEFAULT_HOSTS.has(h2))) {
          flags.push({
            ecosystem: c.ecosystem,
            name: c.name,
            purl: c.purl,
            kind: "resolved-host-changed",
            detail: `${c.name}@${version} is now downloaded from ${h2} instead of ${h1 ?? "the default registry"}`,
          });
        } else if (u1 && u2 && u1 !== u2) {
          // Same host, another file (`/evil-ms/-/evil-ms-6.6.6.tgz`) or https turned http.
          flags.push({
            ecosystem: c.ecosystem,
            name: c.name,
            purl: c.purl,
            kind: "resolved-host-changed",
            detail: `${c.name}@${version} is now downloaded from ${u2} instead of ${u1}`,
          });
        }
      }
      const kind = c.unpinned?.kind;
      if (kind && NON_REGISTRY.has(kind)) {
        const same = [...old.values()].filter((o) => o.unpinned?.kind === kind);
        if (!same.length) {
          flags.push({
            ecosystem: c.ecosystem,
            name: c.name,
            purl: c.purl,
            kind: "moved-to-non-registry-source",
            detail: `${c.name} now comes from a ${kind} source (${c.unpinned!.spec}) instead of the registry: it bypasses the registry's immutability and advisories`,
          });
        } else if (!same.some((o) => o.unpinned!.spec === c.unpinned!.spec)) {
          // Another repository, fork, ref or path under the same name: other code, whatever the version says.
          flags.push({
            ecosystem: c.ecosystem,
            name: c.name,
            purl: c.purl,
            kind: "non-registry-source-changed",
            detail: `${c.name} now comes from ${c.unpinned!.spec} instead of ${same[0]!.unpinned!.spec}`,
          });
        }
      }
    }
  }
  return flags.sort((x, y) => (x.purl < y.purl ? -1 : x.purl > y.purl ? 1 : x.kind < y.kind ? -1 : 1));
}
