/**
 * An installed `node_modules` tree: every package directory (`<name>/package.json`,
 * `@scope/<name>/package.json`, nested `node_modules` at any depth), as npm's Arborist (loadActual) and
 * Node's resolver see it. pnpm's layout (top-level symlinks into `.pnpm/<name>@<version>/node_modules/<name>`)
 * and Bun's isolated one (`.bun/…`, same shape) are read through the store, each real package directory once. Only package.json files and npm's hidden
 * lockfile (`node_modules/.package-lock.json`) are read; nothing is imported or run.
 *
 * - Names come from package.json `name` (the directory name is only the alias it is required by).
 * - Edges: dependencies / optionalDependencies / peerDependencies resolved the way Node does (the nearest
 *   `node_modules` upward from the package's real path), within the tree.
 * - Direct: the project's package.json next to `node_modules` names the direct packages and their scopes;
 *   the others are `direct: false`. Transitive scopes come from the hidden lockfile's flags when present.
 * - Symbolic links that lead outside the directory (workspace members, `file:` links) are not followed;
 *   the walk is bounded.
 */
import {
  closeSync,
  constants,
  type Dirent,
  existsSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
} from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { parseSyml } from "@yarnpkg/parsers";
import { InputError } from "../../errors.js";
import type { DirExtractor, DirInput } from "../extractor.js";
import type { DependencyRef, ExtractedPackage, ExtractResult, Scope } from "../model.js";
import { decodeText, isRecord } from "../text.js";
import { expandWorkspaces } from "./package-json.js";
import { classifyNpmSpec, sourceOfResolved, unpinnedKindOf, workspaceGlobs } from "./spec.js";

/** An installed package and the package.json it was read from (display path). */
export type InstalledPackage = ExtractedPackage & { file: string };

export interface NodeModulesOptions {
  /** Bound on the directory entries looked at (default 200,000). */
  maxEntries?: number;
}

export const DEFAULT_MAX_ENTRIES = 200_000;

export const nodeModulesExtractor: DirExtractor = {
  id: "node-modules",
  ecosystem: "npm",
  kind: "installed",
  description: "installed npm packages in a node_modules tree (npm, yarn, pnpm and bun layouts)",
  matchDir: (baseName) => baseName === "node_modules",
  extract: (input) => extractNodeModules(input),
};

const DEP_GROUPS: readonly [string, Scope][] = [
  ["dependencies", "prod"],
  ["devDependencies", "dev"],
  ["optionalDependencies", "optional"],
  ["peerDependencies", "peer"],
];

interface PkgDir {
  /** Real path of the package directory. */
  real: string;
}

/** Index value for an entry that is a symbolic link to outside the tree (a workspace member, a `file:` link). */
const OUTSIDE = "\u0000outside";

interface ReadPkg {
  dir: PkgDir;
  manifest: Record<string, unknown>;
  pkg: InstalledPackage;
}

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
/** Virtual stores of isolated layouts: pnpm's, and Bun's `linker = "isolated"` (same shape). */
const STORES = new Set([".pnpm", ".bun"]);
const byName = (a: { name: string }, b: { name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

export async function extractNodeModules(
  input: DirInput,
  options: NodeModulesOptions = {},
): Promise<ExtractResult & { packages: InstalledPackage[] }> {
  // Synchronous file-system calls throughout: on trees of 10,000 packages they are several times faster than
  // the promise API (no thread-pool round trip per call), and the output order needs no sorting out.
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const warnings: string[] = [];
  let rootReal: string;
  try {
    rootReal = realpathSync.native(input.path);
  } catch (e) {
    throw new InputError(
      input.file,
      `cannot read directory (${(e as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  const inside = (p: string): boolean => p === rootReal || p.startsWith(rootReal + sep);
  /** Display path of a real path inside the tree, shown under the directory as the user named it. */
  const show = (real: string): string => input.display(join(input.path, relative(rootReal, real)));

  // ---- walk ----
  /** node_modules directory as Node looks it up (logical path) → the real directory listed. */
  const nmReal = new Map<string, string>();
  /** `${real node_modules dir}\0${entry name}` → real path of the package directory (or OUTSIDE). */
  const index = new Map<string, string>();
  const packages = new Map<string, PkgDir>();
  const listed = new Set<string>();
  const outside: string[] = [];
  const broken: string[] = [];
  /** node_modules directories still to list (breadth first). */
  const queue: { logical: string; real: string }[] = [];
  let seen = 0;
  let capped = false;
  const count = (): boolean => {
    if (capped) return false;
    if (++seen > maxEntries) {
      capped = true;
      return false;
    }
    return true;
  };

  /**
   * Real paths of link targets, keyed by the target resolved lexically against the link's (real) directory.
   * In a pnpm store many links point at the same package; readlink is one system call where realpath is
   * one per path component. Only targets whose `..` all come first are cached: from a real directory those
   * resolve lexically exactly as the file system resolves them.
   */
  const realOfTarget = new Map<string, string>();
  const realLink = (path: string, realParent: string): string => {
    let key: string | undefined;
    try {
      const target = readlinkSync(path);
      if (!/(^|[\\/])\.\.?([\\/]|$)/.test(target.replace(/^(\.\.[\\/])+/, ""))) {
        key = resolve(realParent, target);
        const known = realOfTarget.get(key);
        if (known) return known;
      }
    } catch {
      // not readable as a link: realpath says why
    }
    const real = realpathSync.native(path);
    if (key) realOfTarget.set(key, real);
    return real;
  };

  const list = (dir: string): Dirent[] | undefined => {
    try {
      return readdirSync(dir, { withFileTypes: true }).sort(byName);
    } catch {
      return undefined;
    }
  };

  /** The real directory a directory entry stands for: undefined for a file or a broken link, OUTSIDE. */
  const realDir = (path: string, entry: Dirent, realParent: string): string | undefined => {
    if (entry.isDirectory()) return path;
    if (!entry.isSymbolicLink()) return undefined;
    let target: string;
    try {
      target = realLink(path, realParent);
    } catch {
      broken.push(path); // dangling, or a cycle of links
      return undefined;
    }
    if (!inside(target)) {
      outside.push(path);
      return OUTSIDE;
    }
    return target; // a link to a file is reported when its package.json cannot be read
  };

  /** Records `name` in a node_modules directory; a package directory not seen before is read later. */
  const addPackage = (nmDir: string, name: string, real: string): void => {
    index.set(`${nmDir}\0${name}`, real);
    if (real === OUTSIDE || packages.has(real)) return;
    packages.set(real, { real });
    // Its own node_modules (nested or bundled dependencies).
    const logical = `${real}${sep}node_modules`;
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(logical, { throwIfNoEntry: false });
    } catch {
      return;
    }
    if (!st) return; // the common case
    if (st.isDirectory()) {
      queue.push({ logical, real: logical });
    } else if (st.isSymbolicLink()) {
      let target: string;
      try {
        target = realpathSync.native(logical);
      } catch {
        broken.push(logical);
        return;
      }
      if (inside(target)) queue.push({ logical, real: target });
      else outside.push(logical);
    }
  };

  /** Lists one node_modules directory: packages, `@scope/name` packages, and pnpm's store at the root. */
  const listNodeModules = (logical: string, real: string, isRoot: boolean): void => {
    nmReal.set(logical, real);
    if (listed.has(real)) return;
    listed.add(real);
    const entries = list(real);
    if (!entries) {
      if (isRoot) throw new InputError(input.file, "cannot read directory");
      return;
    }
    for (const entry of entries) {
      if (!count()) return;
      const path = `${real}${sep}${entry.name}`;
      if (entry.name.startsWith(".")) {
        if (isRoot && STORES.has(entry.name) && entry.isDirectory()) listStore(path);
        continue; // .bin, .cache, .package-lock.json, .modules.yaml, .yarn-state.yml, …
      }
      if (entry.name.startsWith("@")) {
        const scopeReal = realDir(path, entry, real);
        if (!scopeReal || scopeReal === OUTSIDE) continue;
        for (const sub of list(scopeReal) ?? []) {
          if (!count()) return;
          if (sub.name.startsWith(".")) continue; // npm's retired scoped folders
          const pkgReal = realDir(`${scopeReal}${sep}${sub.name}`, sub, scopeReal);
          if (pkgReal) addPackage(real, `${entry.name}/${sub.name}`, pkgReal);
        }
        continue;
      }
      const pkgReal = realDir(path, entry, real);
      if (pkgReal) addPackage(real, entry.name, pkgReal);
    }
  };

  /** A virtual store: `.pnpm/<name>@<version>…/node_modules/*` and the hoisted `.pnpm/node_modules`. */
  const listStore = (store: string): void => {
    for (const entry of list(store) ?? []) {
      if (!count()) return;
      if (!entry.isDirectory()) continue; // lock.yaml
      const nm =
        entry.name === "node_modules" ? join(store, entry.name) : join(store, entry.name, "node_modules");
      queue.push({ logical: nm, real: nm });
    }
  };

  listNodeModules(rootReal, rootReal, true);
  for (let head = 0; head < queue.length && !capped; head++) {
    const next = queue[head]!;
    listNodeModules(next.logical, next.real, false);
  }
  if (capped) {
    warnings.push(
      `stopped after ${maxEntries} directory entries; the inventory of this directory is incomplete`,
    );
  }
  if (outside.length) {
    outside.sort();
    warnings.push(
      `${outside.length} symbolic link${outside.length > 1 ? "s" : ""} to outside the directory not followed ` +
        `(workspace or file: links): ${examples(outside.map(show))}`,
    );
  }
  if (broken.length) {
    broken.sort();
    warnings.push(
      `${broken.length} broken symbolic link${broken.length > 1 ? "s" : ""}: ${examples(broken.map(show))}`,
    );
  }

  // ---- read each package.json once ----
  const dirs = [...packages.values()].sort((a, b) => (a.real < b.real ? -1 : a.real > b.real ? 1 : 0));
  const read = dirs.map((dir) => readPackage(dir, show, warnings));
  const byReal = new Map<string, ReadPkg>();
  for (const r of read) if (r) byReal.set(r.dir.real, r);

  /**
   * Node's lookup of `name` from a package's real directory, within the tree: the package read there,
   * "present" when something is installed there that was not read (a link outside, a bad package.json),
   * undefined when nothing is.
   */
  const resolveFrom = (fromReal: string, name: string): ReadPkg | "present" | undefined => {
    const found = (hit: string): ReadPkg | "present" => byReal.get(hit) ?? "present";
    let dir = fromReal;
    for (;;) {
      if (dir === rootReal) {
        const hit = index.get(`${rootReal}\0${name}`);
        return hit ? found(hit) : undefined;
      }
      if (basename(dir) !== "node_modules") {
        const nm = nmReal.get(`${dir}${sep}node_modules`);
        const hit = nm && index.get(`${nm}\0${name}`);
        if (hit) return found(hit);
      }
      const parent = dirname(dir);
      if (parent === dir || !inside(parent)) return undefined;
      dir = parent;
    }
  };

  /**
   * Whether `name` is installed in a node_modules above this tree's project (a workspace member's own
   * node_modules holds only what differs from the root's, where Node finds the rest): not missing, but
   * outside what this extractor reads.
   */
  const aboveCache = new Map<string, boolean>();
  const installedAbove = (name: string): boolean => {
    let known = aboveCache.get(name);
    if (known === undefined) {
      known = false;
      const top = dirname(dirname(input.path));
      for (let dir = top, i = 0; i < 32; i++) {
        if (existsSync(join(dir, "node_modules", name, "package.json"))) {
          known = true;
          break;
        }
        const parent = dirname(dir);
        if (parent === dir) break;
        dir = parent;
      }
      aboveCache.set(name, known);
    }
    return known;
  };
  const inStore = (real: string): boolean => {
    const rel = relative(rootReal, real);
    return rel.startsWith(`.pnpm${sep}`) || rel.startsWith(`.bun${sep}`);
  };

  /** The package `name` in the node_modules directory that holds the package at `real` (not above it). */
  const siblingOf = (real: string, name: string): ReadPkg | undefined => {
    const at = real.lastIndexOf(`${sep}node_modules${sep}`);
    if (at === -1) return undefined;
    const hit = index.get(`${real.slice(0, at + sep.length + "node_modules".length)}\0${name}`);
    return hit ? byReal.get(hit) : undefined;
  };

  // ---- edges ----
  const missing: string[] = [];
  for (const r of byReal.values()) {
    const edges: DependencyRef[] = [];
    const done = new Set<string>();
    const optional = recordOf(r.manifest.optionalDependencies);
    const peers = recordOf(r.manifest.peerDependencies);
    // In an isolated layout (pnpm, Bun) a package's siblings are exactly what the package manager resolved
    // for it, including an optional peer declared only in peerDependenciesMeta (pnpm and Yarn read those as
    // peers; npm does not, and in a hoisted tree a package of that name may be there by chance).
    const groups = inStore(r.dir.real)
      ? ["dependencies", "optionalDependencies", "peerDependencies", "peerDependenciesMeta"]
      : ["dependencies", "optionalDependencies", "peerDependencies"];
    for (const group of groups) {
      for (const depName of Object.keys(recordOf(r.manifest[group]))) {
        if (done.has(depName)) continue;
        done.add(depName);
        const target =
          group === "peerDependenciesMeta"
            ? siblingOf(r.dir.real, depName)
            : resolveFrom(r.dir.real, depName);
        if (target) {
          if (target !== "present" && target !== r) {
            edges.push({ name: target.pkg.name, version: target.pkg.version });
          }
        } else if (
          group === "dependencies" &&
          !Object.hasOwn(optional, depName) &&
          !Object.hasOwn(peers, depName) &&
          !installedAbove(depName)
        ) {
          missing.push(`${r.pkg.name}@${r.pkg.version} → ${depName}`);
        }
      }
    }
    r.pkg.dependencies = edges;
  }
  if (missing.length) {
    warnings.push(
      `${missing.length} dependenc${missing.length > 1 ? "ies" : "y"} of installed packages not installed: ` +
        examples(missing),
    );
  }

  // ---- npm's hidden lockfile: resolved / integrity, and scopes of transitive packages ----
  const hidden = readHiddenLockfile(join(rootReal, ".package-lock.json"), show, warnings);
  const lockEntry = new Map<ReadPkg, Record<string, unknown>>();
  if (hidden) {
    for (const r of byReal.values()) {
      const key = `node_modules/${relative(rootReal, r.dir.real).split(sep).join("/")}`;
      const entry = hidden[key];
      if (!isRecord(entry) || entry.version !== r.pkg.version || entry.link === true) continue;
      lockEntry.set(r, entry);
      if (!r.pkg.resolved && typeof entry.resolved === "string" && entry.resolved) {
        r.pkg.resolved = entry.resolved;
        const u = sourceOfResolved(entry.resolved);
        if (u) r.pkg.unpinned = u;
      }
      if (!r.pkg.hashes && typeof entry.integrity === "string" && entry.integrity) {
        r.pkg.hashes = [entry.integrity];
      }
    }
  }

  // ---- direct packages and their scopes, from the project's package.json ----
  const projectDir = dirname(input.path);
  const project = readProjectManifest(join(projectDir, "package.json"), input, warnings);
  const markDirect = (p: InstalledPackage, scope: Scope, spec: unknown): void => {
    p.direct = true;
    p.scopes = p.scopes ? [...new Set([...p.scopes, scope])] : [scope];
    if (!p.unpinned && typeof spec === "string") {
      const kind = unpinnedKindOf(classifyNpmSpec(spec));
      if (kind === "vcs" || kind === "url" || kind === "path") p.unpinned = { kind, spec };
    }
  };
  if (project) {
    const notInstalled: string[] = [];
    for (const [group, scope] of DEP_GROUPS) {
      for (const [depName, spec] of Object.entries(recordOf(project[group]))) {
        const target = resolveFrom(rootReal, depName);
        if (target === "present") continue;
        if (!target) {
          if (
            group === "dependencies" &&
            !Object.hasOwn(recordOf(project.optionalDependencies), depName) &&
            !installedAbove(depName)
          ) {
            notInstalled.push(depName);
          }
          continue;
        }
        markDirect(target.pkg, scope, spec);
      }
    }
    // Workspace members' dependencies are direct too: from the member's own node_modules when it has the
    // name (pnpm links it into the store, inside this tree; npm and Yarn install a differing version there,
    // outside it), else from this one, where npm and Yarn hoist them.
    const globs = workspaceGlobs(project.workspaces)?.length
      ? workspaceGlobs(project.workspaces)
      : pnpmWorkspaceGlobs(join(projectDir, "pnpm-workspace.yaml"), input.display);
    const members = globs?.length
      ? await expandWorkspaces(projectDir, globs, async (p) => readText(p, input.display(p)))
      : [];
    for (const member of members) {
      const memberDir = join(projectDir, member.dir);
      let manifest: Record<string, unknown> | undefined;
      try {
        const data: unknown = JSON.parse(readText(join(memberDir, "package.json"), ""));
        if (isRecord(data)) manifest = data;
      } catch {
        manifest = undefined; // reported when the member's package.json is read itself
      }
      if (!manifest) continue;
      for (const [group, scope] of DEP_GROUPS) {
        for (const [depName, spec] of Object.entries(recordOf(manifest[group]))) {
          const own = join(memberDir, "node_modules", depName);
          let target: ReadPkg | "present" | undefined;
          let real: string | undefined | null = null; // null: the member has no such entry
          try {
            if (lstatSync(own, { throwIfNoEntry: false })) real = realpathSync.native(own);
          } catch {
            real = undefined; // a broken link: installed nowhere Node would find
          }
          if (real === null) target = resolveFrom(rootReal, depName);
          else target = real && inside(real) ? byReal.get(real) : undefined;
          if (target && target !== "present") markDirect(target.pkg, scope, spec);
        }
      }
    }
    for (const r of byReal.values()) if (r.pkg.direct !== true) r.pkg.direct = false;
    if (notInstalled.length) {
      warnings.push(
        `${notInstalled.length} of the project's dependencies not installed: ${examples(notInstalled)}`,
      );
    }
  }
  for (const [r, entry] of lockEntry) if (r.pkg.direct !== true) r.pkg.scopes = flagScopes(entry);

  const out = read.filter((r): r is ReadPkg => r !== undefined).map((r) => r.pkg);
  return warnings.length ? { packages: out, warnings } : { packages: out };
}

/** The `packages` globs of a pnpm-workspace.yaml; undefined when there is none or it cannot be read. */
function pnpmWorkspaceGlobs(path: string, display: (p: string) => string): string[] | undefined {
  try {
    const doc: unknown = parseSyml(readText(path, display(path)));
    return isRecord(doc) ? workspaceGlobs(doc.packages) : undefined;
  } catch {
    return undefined; // absent, or not YAML: the members' dependencies are then not known to be direct
  }
}

function examples(items: string[]): string {
  const shown = items.slice(0, 3).join(", ");
  return items.length > 3 ? `${shown}, …` : shown;
}

function recordOf(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}

/** Scopes from a package-lock entry's flags (npm v7+): dev, optional, devOptional, peer; none = prod. */
function flagScopes(entry: Record<string, unknown>): Scope[] {
  const scopes: Scope[] = [];
  if (entry.dev === true || entry.devOptional === true) scopes.push("dev");
  if (entry.optional === true || entry.devOptional === true) scopes.push("optional");
  if (entry.peer === true) scopes.push("peer");
  return scopes.length ? scopes : ["prod"];
}

/**
 * Reads a text file, refusing (ELOOP) when the file itself is a symbolic link. Decodes as UTF-8 (BOM
 * removed); text that is not valid UTF-8 is an InputError with decodeText()'s message.
 */
function readText(path: string, file: string): string {
  const fd = openSync(path, constants.O_RDONLY | NOFOLLOW);
  try {
    const text = readFileSync(fd, "utf8");
    // The fast decoder replaces invalid bytes with U+FFFD: only then is the strict one needed, for its message.
    if (text.includes("\uFFFD") || text.includes("\u0000")) return decodeText(file, readFileSync(path));
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } finally {
    closeSync(fd);
  }
}

function readPackage(dir: PkgDir, show: (real: string) => string, warnings: string[]): ReadPkg | undefined {
  const path = join(dir.real, "package.json");
  const file = show(path);
  let text: string;
  try {
    text = readText(path, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (e instanceof InputError) warnings.push(`${file}: ${e.detail}; skipped`);
    else if (code === "ENOENT" || code === "ENOTDIR")
      warnings.push(`${show(dir.real)}: no package.json; skipped`);
    else if (code === "ELOOP" || code === "EMLINK") warnings.push(`${file}: symbolic link; not followed`);
    else warnings.push(`${file}: cannot read (${code ?? "error"}); skipped`);
    return undefined;
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    warnings.push(`${file}: invalid JSON (${(e as Error).message.split("\n")[0]}); skipped`);
    return undefined;
  }
  if (!isRecord(manifest)) {
    warnings.push(`${file}: expected a JSON object; skipped`);
    return undefined;
  }
  const { name, version } = manifest;
  if (typeof name !== "string" || !name.trim() || typeof version !== "string" || !version.trim()) {
    const what = [
      (typeof name !== "string" || !name.trim()) && '"name"',
      (typeof version !== "string" || !version.trim()) && '"version"',
    ]
      .filter(Boolean)
      .join(" and ");
    warnings.push(`${file}: no ${what} string; skipped`);
    return undefined;
  }
  const pkg: InstalledPackage = { name: name.trim(), version: version.trim(), file };
  const line = topLevelKeyLine(text, "version");
  if (line) pkg.line = line;
  // Fields npm ≤ 6 wrote into installed package.json files.
  if (typeof manifest._resolved === "string" && manifest._resolved) {
    pkg.resolved = manifest._resolved;
    const u = sourceOfResolved(manifest._resolved);
    if (u) pkg.unpinned = u;
  }
  const hashes: string[] = [];
  if (typeof manifest._integrity === "string" && manifest._integrity) hashes.push(manifest._integrity);
  if (typeof manifest._shasum === "string" && /^[0-9a-f]{40}$/i.test(manifest._shasum)) {
    hashes.push(`sha1:${manifest._shasum}`);
  }
  if (hashes.length) pkg.hashes = hashes;
  return { dir, manifest, pkg };
}

function readProjectManifest(
  path: string,
  input: DirInput,
  warnings: string[],
): Record<string, unknown> | undefined {
  const file = input.display(path);
  let text: string;
  try {
    text = readText(path, file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    if (code === "ELOOP" || code === "EMLINK") {
      warnings.push(`${file}: symbolic link; not followed, so direct dependencies are not known`);
    } else {
      const why = e instanceof InputError ? e.detail : `cannot read (${code ?? "error"})`;
      warnings.push(`${file}: ${why}; direct dependencies are not known`);
    }
    return undefined;
  }
  try {
    const data: unknown = JSON.parse(text);
    if (isRecord(data)) return data;
    warnings.push(`${file}: expected a JSON object; direct dependencies are not known`);
  } catch (e) {
    warnings.push(
      `${file}: invalid JSON (${(e as Error).message.split("\n")[0]}); direct dependencies are not known`,
    );
  }
  return undefined;
}

function readHiddenLockfile(
  path: string,
  show: (real: string) => string,
  warnings: string[],
): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readText(path, show(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") warnings.push(`${show(path)}: cannot read; ignored`);
    return undefined;
  }
  try {
    const data: unknown = JSON.parse(text);
    if (isRecord(data) && isRecord(data.packages)) return data.packages;
    warnings.push(`${show(path)}: expected an npm lockfile with a "packages" object; ignored`);
  } catch (e) {
    warnings.push(`${show(path)}: invalid JSON (${(e as Error).message.split("\n")[0]}); ignored`);
  }
  return undefined;
}

/** 1-based line of the last top-level `"key":` in a JSON object text (JSON.parse keeps the last). */
export function topLevelKeyLine(text: string, key: string): number | undefined {
  let depth = 0;
  let line = 1;
  let found: number | undefined;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
    else if (c === 34) {
      const start = i + 1;
      let j = start;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 92) j += 2;
        else if (d === 34) break;
        else j++;
      }
      if (depth === 1 && j - start === key.length && text.startsWith(key, start)) {
        let k = j + 1;
        while (k < n && /\s/.test(text[k]!)) {
          if (text.charCodeAt(k) === 10) line++;
          k++;
        }
        if (text.charCodeAt(k) === 58) found = line;
        i = k - 1;
        continue;
      }
      i = j;
    }
  }
  return found;
}
