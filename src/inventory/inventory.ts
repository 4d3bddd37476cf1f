/**
 * The inventory pipeline: discover inputs, run extractors, normalise, then merge. A manifest and the
 * lockfile that covers it become one set of components (the lockfile gives versions, the manifest says which
 * are direct); the same package found in several files becomes one component with several sources.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { InputError } from "../errors.js";
import { type DiscoverOptions, discover, type Input } from "./discover.js";
import type { DirExtractor, FileExtractor } from "./extractor.js";
import { EXPLICIT_EXTRACTORS, FILE_EXTRACTORS } from "./extractors.js";
import type {
  Component,
  DependencyRef,
  Ecosystem,
  ExtractedPackage,
  ExtractResult,
  Inventory,
  InventoryError,
  InventoryFile,
  Scope,
  SourceRef,
  Unpinned,
} from "./model.js";
import { SCOPES } from "./model.js";
import { buildPurl, normaliseHashes, normaliseName } from "./normalise.js";
import { readTextFile } from "./text.js";

export interface InventoryOptions extends DiscoverOptions {
  /** Plain purl lists (`--purls FILE`). */
  purls?: string[];
  /** SBOM files named explicitly (`--sbom FILE`), whatever their file name. */
  sboms?: string[];
  /** Directory that display paths are relative to (default: process.cwd()). */
  cwd?: string;
  /** Called with each unexpected (non-input) error, e.g. to print its stack with --debug. */
  onInternalError?: (file: string, error: unknown) => void;
  /**
   * A directory that files may not reach out of (`review` reads a repository's copy): a requirements file's
   * `-r /etc/passwd` or `-r ../../x` beyond it is an error, never read.
   */
  confineTo?: string;
}

interface FileResult {
  file: string;
  dir: string;
  extractor: FileExtractor | DirExtractor;
  result: ExtractResult;
}

/** One package entry of one file, normalised. */
interface Local {
  ecosystem: Ecosystem;
  name: string;
  version: string | null;
  direct: boolean | undefined;
  /** May be shared with the extractor's output (and frozen): replace, never mutate (see addScopes). */
  scopes: readonly Scope[] | undefined;
  hashes: string[];
  source: SourceRef;
  /** Edges, names normalised; `ecosystem` only when it differs from the package's. */
  deps: readonly DependencyRef[];
  unpinned?: Unpinned;
  resolved?: string;
  installScript?: boolean;
  markers?: string;
  extras?: string[];
  purl: string;
  file: FileResult;
  /** Resolved edges (set by merge). */
  out?: Local[];
  /** The merged component it became (set by merge). */
  component?: Component;
}

export async function buildInventory(paths: string[], options: InventoryOptions = {}): Promise<Inventory> {
  const cwd = options.cwd ?? process.cwd();
  const display = (p: string): string => {
    const rel = relative(cwd, p);
    const shown = rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : rel === "" ? "." : p;
    return shown.split(sep).join("/");
  };
  const errors: InventoryError[] = [];
  const warnings: InventoryError[] = [];
  const record = (file: string, e: unknown): void => {
    if (e instanceof InputError) {
      const p = e.position;
      const at = p ? `${p.line}${p.column ? `:${p.column}` : ""}: ` : "";
      errors.push({
        file: e.file,
        ...(p ? { line: p.line } : {}),
        ...(p?.column ? { column: p.column } : {}),
        message: `${at}${e.detail}`,
      });
    } else {
      options.onInternalError?.(file, e);
      errors.push({ file, message: `internal error while reading this file: ${(e as Error)?.message ?? e}` });
    }
  };

  const inputs: Input[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    try {
      inputs.push(
        ...(await discover(abs, display(abs), { ...options, onUnreadable: (e) => record(e.file, e) })),
      );
    } catch (e) {
      record(display(abs), e);
    }
  }
  const explicit = (files: string[] | undefined, pick: (path: string) => FileExtractor | undefined) => {
    for (const p of files ?? []) {
      const abs = resolve(cwd, p);
      const extractor = pick(abs);
      if (!extractor)
        record(display(abs), new InputError(display(abs), "not a CycloneDX or SPDX JSON document"));
      else inputs.push({ type: "file", path: abs, extractor });
    }
  };
  explicit(options.purls, () => EXPLICIT_EXTRACTORS.find((e) => e.id === "purls"));
  explicit(options.sboms, (path) => {
    // Named explicitly, an SBOM may have any file name: tell the two formats apart by their first bytes.
    let head = "";
    try {
      head = readFileSync(path, { encoding: "latin1" }).slice(0, 4096);
    } catch {
      return FILE_EXTRACTORS.find((e) => e.id === "cyclonedx"); // its read reports the missing file
    }
    const cyclonedx = /"bomFormat"\s*:\s*"CycloneDX"/.test(head) || !/"spdxVersion"/.test(head);
    return FILE_EXTRACTORS.find((e) => e.id === (cyclonedx ? "cyclonedx" : "spdx"));
  });

  // De-duplicate inputs named twice (a file and its directory).
  const unique = new Map<string, Input>();
  for (const input of inputs) unique.set(`${input.type}:${input.path}:${input.extractor.id}`, input);

  const results: FileResult[] = [];
  const pending = [...unique.values()];
  const worker = async (): Promise<void> => {
    for (let input = pending.shift(); input; input = pending.shift()) {
      const file = display(input.path);
      try {
        let result: ExtractResult;
        if (input.type === "file") {
          const text = await readTextFile(input.path, file);
          result = await input.extractor.extract({
            path: input.path,
            file,
            text,
            readText: (p) => {
              const confine = options.confineTo;
              const abs = resolve(p);
              if (confine && abs !== confine && !abs.startsWith(confine + sep))
                throw new InputError(display(p), "is outside the repository: not read");
              return readTextFile(p, display(p));
            },
            display,
          });
        } else {
          result = await input.extractor.extract({ path: input.path, file, display });
        }
        results.push({
          file,
          dir: input.type === "file" ? dirname(input.path) : input.path,
          extractor: input.extractor,
          result,
        });
        for (const w of result.warnings ?? []) {
          warnings.push({
            file,
            message: w.startsWith(`${file}:`) ? w.slice(file.length + 1).trimStart() : w,
          });
        }
      } catch (e) {
        record(file, e);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  results.sort((a, b) => cmp(a.file, b.file) || cmp(a.extractor.id, b.extractor.id));

  const { components, lockedBy } = merge(results);
  errors.sort((a, b) => cmp(a.file, b.file) || cmp(a.message, b.message));
  warnings.sort((a, b) => cmp(a.file, b.file) || cmp(a.message, b.message));
  return {
    target: paths.map((p) => display(resolve(cwd, p))),
    components,
    files: results.map((r) => {
      const f: InventoryFile = {
        file: r.file,
        extractor: r.extractor.id,
        ecosystem: r.extractor.ecosystem,
        packages: r.result.packages.length,
      };
      const by = lockedBy.get(r);
      if (by) f.lockedBy = by.map((l) => l.file);
      return f;
    }),
    errors,
    warnings,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const NO_DEPS: readonly DependencyRef[] = [];

/** npm names compare as written, so npm edges are used as they are; PyPI names are normalised. */
function normaliseDeps(
  ecosystem: Ecosystem,
  deps: readonly DependencyRef[] | undefined,
): readonly DependencyRef[] {
  if (!deps?.length) return NO_DEPS;
  if (ecosystem === "npm" && deps.every((d) => d.ecosystem === undefined || d.ecosystem === "npm"))
    return deps;
  return deps.map((d) => {
    const eco = d.ecosystem ?? ecosystem;
    return {
      ecosystem: eco === ecosystem ? undefined : eco,
      name: normaliseName(eco, d.name),
      version: d.version,
    };
  });
}

/** Adds scopes to a package, replacing (not mutating) its array. */
function addScopes(c: Local, add: Iterable<Scope>): void {
  let next: Scope[] | undefined;
  for (const x of add) {
    if ((next ?? c.scopes ?? []).includes(x)) continue;
    next ??= [...(c.scopes ?? [])];
    next.push(x);
  }
  if (next) c.scopes = next;
}

function toLocal(pkg: ExtractedPackage, file: FileResult): Local | undefined {
  const ecosystem =
    pkg.ecosystem ?? (file.extractor.ecosystem === "mixed" ? undefined : file.extractor.ecosystem);
  if (!ecosystem || !pkg.name) return undefined;
  const name = normaliseName(ecosystem, pkg.name);
  const version = pkg.version?.trim() || null;
  // One recorded hash giving one (the common case) keeps normaliseHashes' own array: no copy, no set.
  const recorded = pkg.hashes ?? [];
  let hashes = recorded.length === 1 ? normaliseHashes(recorded[0]!) : recorded.flatMap(normaliseHashes);
  if (hashes.length > 1) hashes = [...new Set(hashes)].sort(cmp);
  return {
    ecosystem,
    name,
    version,
    direct: pkg.direct,
    scopes: pkg.scopes,
    hashes,
    source: pkg.line ? { file: pkg.file ?? file.file, line: pkg.line } : { file: pkg.file ?? file.file },
    deps: normaliseDeps(ecosystem, pkg.dependencies),
    unpinned: pkg.unpinned,
    resolved: pkg.resolved,
    installScript: pkg.installScript,
    markers: pkg.markers,
    extras: pkg.extras?.length ? [...pkg.extras] : undefined,
    purl: buildPurl(ecosystem, name, version),
    file,
    // set by merge, but declared here: adding fields to an object later makes V8 grow its storage
    out: undefined,
    component: undefined,
  };
}

/** `packages/*`, `apps/**`, `./libs/a` (workspace globs) against a relative posix directory. */
export function matchesWorkspaceGlob(pattern: string, dir: string): boolean {
  const p = pattern.replace(/^\.\//, "").replace(/\/+$/, "");
  if (!p || p.startsWith("!")) return false;
  let re = "";
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === "*" && p[i + 1] === "*") {
      re += ".*";
      i++;
      if (p[i + 1] === "/") i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`).test(dir.replace(/^\.\//, ""));
}

function relDir(from: string, to: string): string | undefined {
  const rel = relative(from, to);
  if (rel.startsWith("..") || isAbsolute(rel)) return undefined;
  return rel.split(sep).join("/");
}

function merge(results: FileResult[]): { components: Component[]; lockedBy: Map<FileResult, FileResult[]> } {
  const locals = new Map<FileResult, Local[]>();
  for (const r of results) {
    const list: Local[] = [];
    for (const pkg of r.result.packages) {
      const l = toLocal(pkg, r);
      if (l) list.push(l);
    }
    locals.set(r, list);
  }

  // Manifests covered by a lockfile (same directory, or a workspace root above) only mark direct dependencies.
  // An installed node_modules beside a manifest also says which versions its dependencies have.
  const installedBeside = (r: FileResult, dir: string) =>
    r.extractor.kind === "installed" && r.extractor.ecosystem === "npm" && dirname(r.dir) === dir;
  const lockedBy = new Map<FileResult, FileResult[]>();
  const declaredBy = new Set<Local>(); // lockfile entries a covering manifest names
  const scopedByManifest = new Set<Local>(); // …whose scopes come from manifests only
  // Files that say themselves which of their packages are direct: a manifest must not make their transitive
  // packages direct (root `debug@^4` must not mark a nested `debug@2.6.9`).
  const statesDirect = new Set(
    results.filter(
      (r) => r.extractor.kind !== "manifest" && r.result.packages.some((p) => p.direct !== undefined),
    ),
  );
  for (const m of results) {
    if (m.extractor.kind !== "manifest") continue;
    const eco = m.extractor.ecosystem;
    const covering = results.filter((l) => {
      if (installedBeside(l, m.dir) && l.extractor.ecosystem === eco) return true;
      if (l.extractor.kind !== "lockfile") return false;
      if (l.file.endsWith(".py.lock")) return false; // a uv script lock locks one script, not the project
      if (l.extractor.ecosystem !== eco) return false;
      if (l.dir === m.dir) return true;
      const rel = relDir(l.dir, m.dir);
      if (!rel) return false;
      const globs = [
        ...(l.result.workspaceMembers ?? []),
        ...results
          .filter((o) => o.extractor.kind === "manifest" && o.dir === l.dir && o.extractor.ecosystem === eco)
          .flatMap((o) => o.result.workspaceMembers ?? []),
      ];
      return globs.some((g) => matchesWorkspaceGlob(g, rel));
    });
    if (covering.length === 0) continue;
    lockedBy.set(m, covering);
    // Covered only from above (a workspace member, a local path dependency): the tools install its production
    // dependencies, not its own dev groups or unrequested extras.
    const fromAbove = covering.every((l) => l.dir !== m.dir);
    const byName = new Map<string, Local[]>();
    for (const l of covering) {
      for (const c of locals.get(l) ?? []) {
        const list = byName.get(c.name);
        if (list) list.push(c);
        else byName.set(c.name, [c]);
      }
    }
    const kept: Local[] = [];
    for (const d of locals.get(m) ?? []) {
      const matches = byName.get(d.name);
      if (matches) {
        for (const c of matches) {
          if (statesDirect.has(c.file) && c.direct !== true) continue;
          c.direct = true;
          declaredBy.add(c);
          // the lockfile's own scopes win; several manifests (workspaces) naming one package add up
          if (d.scopes && (!c.scopes || scopedByManifest.has(c))) {
            addScopes(c, d.scopes);
            scopedByManifest.add(c);
          }
        }
      } else {
        // Declared but not locked: still a dependency, reported unpinned. Except a peer the lock lacks (an
        // optional peer, or one the host provides) and, in a manifest covered from above, what is not for
        // production: neither is installed.
        const installed =
          !d.scopes || d.scopes.includes("prod") || (!fromAbove && !d.scopes.includes("peer"));
        if (installed) kept.push(d);
      }
    }
    locals.set(m, kept);
  }
  // Lockfiles whose entries do not say what is direct: those a manifest named are direct, the rest transitive;
  // without a manifest, the packages nothing depends on are the roots.
  const inferRoots: Local[][] = [];
  for (const r of results) {
    const list = locals.get(r) ?? [];
    if (list.length === 0 || list.some((c) => c.direct !== undefined && !declaredBy.has(c))) continue;
    if (list.some((c) => declaredBy.has(c))) {
      for (const c of list) if (c.direct === undefined) c.direct = false;
      continue;
    }
    if (list.some((c) => c.deps.length > 0)) inferRoots.push(list);
  }

  // Resolve edges within each file, then derive missing scopes from the direct packages that reach them.
  // (Each step is its own function: V8 optimises small functions sooner than one long one, which matters in
  // a CLI run that executes this once.)
  for (const list of locals.values()) resolveEdges(list);
  for (const list of inferRoots) markRoots(list);
  for (const list of locals.values()) if (list.some((c) => !c.scopes)) deriveScopes(list);
  const byPurl = mergeByPurl(locals.values());
  for (const list of locals.values()) addComponentEdges(list);
  for (const comp of byPurl.values()) finishComponent(comp);
  // The default sort compares UTF-16 code units, as cmp() does, without a callback per comparison.
  const components = [...byPurl.keys()].sort().map((purl) => byPurl.get(purl)!);
  return { components, lockedBy };
}

/**
 * Resolves each package's edges to the packages of the same file they name (`out`). Indexed loops: a CLI run
 * executes this once, mostly before V8 optimises it, and an unoptimised for-of allocates per step.
 */
function resolveEdges(list: Local[]): void {
  const byName = new Map<string, Local[]>();
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    const l = byName.get(c.name);
    if (l) l.push(c);
    else byName.set(c.name, [c]);
  }
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (c.deps.length === 0) continue;
    const out: Local[] = [];
    for (let j = 0; j < c.deps.length; j++) {
      const d = c.deps[j]!;
      let candidates = byName.get(d.name);
      if (!candidates) continue;
      const eco = d.ecosystem ?? c.ecosystem;
      if (candidates.length === 1) {
        const x = candidates[0]!;
        if (x !== c && x.ecosystem === eco) out.push(x);
        continue;
      }
      candidates = candidates.filter((x) => x.ecosystem === eco && x !== c);
      const exact = d.version ? candidates.filter((x) => x.version === d.version) : [];
      out.push(...(exact.length ? exact : candidates));
    }
    c.out = out;
  }
}

/** The packages no other entry of the file depends on (by resolved edge, so by version) are its roots. */
function markRoots(list: Local[]): void {
  const depended = new Set<Local>();
  for (const c of list) for (const e of c.out ?? []) depended.add(e);
  for (const c of list) if (c.direct === undefined) c.direct = !depended.has(c);
}

/** Merges packages by purl across files. Most purls come from one entry: those are built without sets. */
function mergeByPurl(lists: Iterable<Local[]>): Map<string, Component> {
  const byPurl = new Map<string, Component>();
  for (const list of lists) {
    for (const c of list) {
      const scopes: Scope[] = c.scopes?.length ? [...c.scopes] : ["prod"];
      let comp = byPurl.get(c.purl);
      if (!comp) {
        comp = {
          ecosystem: c.ecosystem,
          name: c.name,
          version: c.version,
          purl: c.purl,
          direct: c.direct === true,
          scopes,
          hashes: c.hashes,
          sources: [c.source],
          dependencies: [],
        };
        if (c.unpinned) comp.unpinned = c.unpinned;
        if (c.resolved) comp.resolved = c.resolved;
        if (c.installScript) comp.installScript = true;
        if (c.markers) comp.markers = c.markers;
        if (c.extras) comp.extras = c.extras;
        byPurl.set(c.purl, comp);
      } else {
        comp.direct ||= c.direct === true;
        comp.scopes = union(comp.scopes, scopes);
        comp.hashes = union(comp.hashes, c.hashes);
        comp.sources.push(c.source);
        comp.unpinned ??= c.unpinned;
        comp.resolved ??= c.resolved;
        if (c.installScript) comp.installScript = true;
        comp.markers ??= c.markers;
        if (c.extras) comp.extras = union(comp.extras ?? [], c.extras);
      }
      c.component = comp;
    }
  }
  return byPurl;
}

/**
 * Edges between components, kept as sorted purl lists as they are found (a purl names one component, so it
 * also tells a duplicate edge).
 */
function addComponentEdges(list: Local[]): void {
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (!c.out?.length) continue;
    const comp = c.component!;
    for (let j = 0; j < c.out.length; j++) {
      const target = c.out[j]!.component!;
      if (target !== comp) insertSorted(comp.dependencies, target.purl);
    }
  }
}

/** Scopes in their final form, hashes and sources sorted. */
function finishComponent(comp: Component): void {
  // As npm's lockfile flags mean: prod when any production path needs it (installing for development adds
  // to production, so dev/optional/peer say nothing more); otherwise every way it is needed.
  if (comp.scopes.includes("prod")) {
    if (comp.scopes.length > 1) comp.scopes = ["prod"];
  } else if (comp.scopes.length > 1) comp.scopes = SCOPES.filter((s) => comp.scopes.includes(s));
  if (comp.hashes.length > 1) comp.hashes.sort(cmp);
  if (comp.sources.length > 1) {
    comp.sources.sort((a, b) => cmp(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0));
    comp.sources = comp.sources.filter(
      (s, i, all) => i === 0 || s.file !== all[i - 1]!.file || s.line !== all[i - 1]!.line,
    );
  }
}

/**
 * Adds `s` to the sorted list unless it is there (UTF-16 code-unit order, as cmp()). Most lists are short, and
 * Array.prototype.sort allocates about 1 KB of work space per call whatever the length: inserting in place
 * saves a sort per component.
 */
function insertSorted(list: string[], s: string): void {
  let i = list.length;
  while (i > 0 && list[i - 1]! > s) i--;
  if (i > 0 && list[i - 1] === s) return;
  list.push(s);
  for (let j = list.length - 1; j > i; j--) list[j] = list[j - 1]!;
  list[i] = s;
}

function union<T>(a: readonly T[], b: readonly T[]): T[] {
  const set = new Set(a);
  for (const x of b) set.add(x);
  return [...set].sort();
}

/**
 * For a file that scopes only some packages (the direct ones, or none): each package's scopes are those of the
 * direct packages whose edges reach it, added to any the file gave.
 */
function deriveScopes(list: Local[]): void {
  const derived = new Map<Local, Scope[]>();
  for (const root of list) {
    if (root.direct !== true) continue;
    const scopes: readonly Scope[] = root.scopes?.length ? root.scopes : ["prod"];
    const stack = [root];
    const seen = new Set<Local>([root]);
    while (stack.length) {
      const c = stack.pop()!;
      let s = derived.get(c);
      if (!s) {
        s = [];
        derived.set(c, s);
      }
      let added = false;
      for (const x of scopes) {
        if (!s.includes(x)) {
          s.push(x);
          added = true;
        }
      }
      if (!added && c !== root) continue; // already carries these scopes: so does its subtree
      for (const n of c.out ?? []) {
        if (!seen.has(n)) {
          seen.add(n);
          stack.push(n);
        }
      }
    }
  }
  // Every scope that reaches a package is kept, so dev-only and optional-only packages stand out; a direct
  // dev dependency that a production package also needs is production too.
  for (const c of list) {
    const s = derived.get(c);
    if (s?.length) addScopes(c, s);
  }
}
