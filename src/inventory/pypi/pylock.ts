/**
 * pylock.toml (PEP 751, lock-version 1.x): every `[[packages]]` entry. Whether a package is dev or optional
 * is read from its `marker`: `'dev' in dependency_groups` holds only outside the default groups, `'x' in
 * extras` only when an extra is requested.
 * Reference: https://packaging.python.org/en/latest/specifications/pylock-toml/ (PEP 751).
 */
import { z } from "zod";
import { InputError } from "../../errors.js";
import type { FileExtractor, FileInput } from "../extractor.js";
import type { DependencyRef, ExtractedPackage, ExtractResult, Scope, Unpinned } from "../model.js";
import { normalisePypiName } from "../normalise.js";
import { parseToml } from "../text.js";
import { distributionFromFileName } from "./pep508.js";
import { entryLines, keyLine, majorVersion, relativeDir, validateEntries } from "./toml-lines.js";

const Hashes = z.record(z.string(), z.string());

const Vcs = z.object({
  type: z.string(),
  url: z.string().optional(),
  path: z.string().optional(),
  "requested-revision": z.string().optional(),
  "commit-id": z.string(),
  subdirectory: z.string().optional(),
});
const Directory = z.object({
  path: z.string(),
  editable: z.boolean().optional(),
  subdirectory: z.string().optional(),
});
const Archive = z.object({
  url: z.string().optional(),
  path: z.string().optional(),
  hashes: Hashes,
  subdirectory: z.string().optional(),
});
const File = z.object({
  name: z.string().optional(),
  url: z.string().optional(),
  path: z.string().optional(),
  hashes: Hashes,
});

/** `{name, version?, …}`: enough keys to pick one `[[packages]]` entry; the source keys are compared too. */
const Dependency = z.looseObject({ name: z.string().min(1), version: z.string().optional() });

const Package = z.object({
  name: z.string().min(1),
  version: z.string().optional(),
  marker: z.string().optional(),
  dependencies: z.array(Dependency).optional(),
  index: z.string().optional(),
  vcs: Vcs.optional(),
  directory: Directory.optional(),
  archive: Archive.optional(),
  sdist: File.optional(),
  wheels: z.array(File).optional(),
});
type Package = z.infer<typeof Package>;

const Lock = z.object({
  "lock-version": z.string(),
  extras: z.array(z.string()).optional(),
  "dependency-groups": z.array(z.string()).optional(),
  "default-groups": z.array(z.string()).optional(),
  packages: z.array(Package),
});

const WHAT = "pylock.toml";
const PYPI = /^https?:\/\/pypi\.org\/simple\/?$/;

export const pylockExtractor: FileExtractor = {
  id: "pylock",
  ecosystem: "PyPI",
  kind: "lockfile",
  description: "PEP 751 lock file (pylock.toml, pylock.<name>.toml)",
  // The prefix and suffix are lower case by the specification; the name has no dot.
  matchFile: (baseName) => /^pylock\.(?:[^.]+\.)?toml$/.test(baseName),
  extract,
};

function extract(input: FileInput): ExtractResult {
  const { file, text } = input;
  const data = parseToml(file, text);
  const version = data["lock-version"];
  if (version === undefined) {
    throw new InputError(file, 'not a pylock.toml: no lock-version (expected lock-version = "1.0")');
  }
  if (majorVersion(version) !== 1 || typeof version !== "string") {
    const line = keyLine(text, "lock-version");
    throw new InputError(
      file,
      `unsupported pylock.toml lock-version ${JSON.stringify(version)} (this reader knows major version 1)`,
      line ? { line } : undefined,
    );
  }
  const count = Array.isArray(data.packages) ? data.packages.length : 0;
  const lines = entryLines(text, "packages", count);
  const lock = validateEntries(file, Lock, data, WHAT, "packages", lines);

  const classify = scopeClassifier(lock);
  const kept: { p: Package; index: number; version: string | null }[] = [];
  lock.packages.forEach((p, index) => {
    // The project itself, locked from its own directory (`pip lock -e .`, `uv export`): not a component.
    if (p.directory && relativeDir(p.directory.path) === ".") return;
    kept.push({ p, index, version: p.version ?? versionFromFiles(p) });
  });
  const byName = new Map<string, typeof kept>();
  for (const k of kept) {
    const key = normalisePypiName(k.p.name);
    const list = byName.get(key);
    if (list) list.push(k);
    else byName.set(key, [k]);
  }

  const out: ExtractedPackage[] = [];
  for (const { p, index, version } of kept) {
    const pkg: ExtractedPackage = { name: p.name, version };
    const line = lines[index];
    if (line) pkg.line = line;
    const scopes = classify(p.marker);
    if (scopes) pkg.scopes = scopes;
    const hashes = hashesOf(p);
    if (hashes.length) pkg.hashes = hashes;
    const deps: DependencyRef[] = [];
    const targets: unknown[] = [];
    for (const d of p.dependencies ?? []) {
      for (const t of resolve(d, byName.get(normalisePypiName(d.name)) ?? [])) {
        if (t.p === p || targets.includes(t)) continue;
        targets.push(t);
        deps.push({ name: d.name, version: t.version });
      }
    }
    if (deps.length) pkg.dependencies = deps;
    sourceOf(p, pkg);
    if (p.marker) pkg.markers = p.marker;
    out.push(pkg);
  }
  return { packages: out };
}

/** The entries a dependency table names: by name, then narrowed by version and by any source key it gives. */
function resolve<T extends { p: Package; version: string | null }>(
  d: z.infer<typeof Dependency>,
  candidates: T[],
): T[] {
  if (candidates.length <= 1) return candidates;
  let list = candidates;
  if (d.version !== undefined) list = list.filter((c) => c.version === d.version);
  for (const key of SOURCE_KEYS) {
    if (list.length <= 1 || d[key] === undefined) continue;
    const want = JSON.stringify(sourceId(d[key]));
    const same = list.filter((c) => JSON.stringify(sourceId(c.p[key])) === want);
    if (same.length) list = same;
  }
  return list;
}

const SOURCE_KEYS = ["vcs", "directory", "archive", "index"] as const;

/** The part of a source table that identifies it: its url or path (a string index is itself). */
function sourceId(v: unknown): unknown {
  if (typeof v === "object" && v !== null) {
    const o = v as Record<string, unknown>;
    return o.url ?? o.path ?? o;
  }
  return v;
}

/** A missing version (allowed when files are listed) read from a wheel or sdist file name of this project. */
function versionFromFiles(p: Package): string | null {
  if (p.vcs || p.directory) return null; // a source tree: the specification forbids guessing
  const files = [...(p.wheels ?? []), ...(p.sdist ? [p.sdist] : []), ...(p.archive ? [p.archive] : [])];
  for (const f of files) {
    const ref = ("name" in f ? f.name : undefined) ?? f.url ?? f.path;
    const dist = ref ? distributionFromFileName(ref) : undefined;
    if (dist && normalisePypiName(dist.name) === normalisePypiName(p.name)) return dist.version;
  }
  return null;
}

/** Every hash of every file: archive, sdist and wheels, each algorithm given. */
function hashesOf(p: Package): string[] {
  const out: string[] = [];
  const add = (h: Record<string, string>): void => {
    for (const alg in h) if (h[alg]) out.push(`${alg.toLowerCase()}:${h[alg]}`);
  };
  if (p.archive) add(p.archive.hashes);
  if (p.sdist) add(p.sdist.hashes);
  for (const w of p.wheels ?? []) add(w.hashes);
  return out;
}

/** The path of the first file when the sdist and wheels are all given by path, none by URL. */
function localPath(p: Package): string | undefined {
  let path: string | undefined;
  if (p.sdist) {
    if (p.sdist.url !== undefined) return undefined;
    path = p.sdist.path;
  }
  for (const w of p.wheels ?? []) {
    if (w.url !== undefined) return undefined;
    path ??= w.path;
  }
  return path;
}

function sourceOf(p: Package, pkg: ExtractedPackage): void {
  let unpinned: Unpinned | undefined;
  if (p.vcs) {
    const v = p.vcs;
    let spec = `${v.type}+${v.url ?? v.path ?? ""}@${v["commit-id"]}`;
    if (v.subdirectory) spec += `#subdirectory=${v.subdirectory}`;
    unpinned = { kind: "vcs", spec };
  } else if (p.directory) {
    unpinned = { kind: p.directory.editable ? "editable" : "path", spec: p.directory.path };
  } else if (p.archive) {
    if (p.archive.url !== undefined) {
      unpinned = { kind: "url", spec: p.archive.url };
      pkg.resolved = p.archive.url;
    } else if (p.archive.path !== undefined) unpinned = { kind: "path", spec: p.archive.path };
  } else {
    // Index files; files given only by a local path are not an index release.
    const local = localPath(p);
    if (local !== undefined) unpinned = { kind: "path", spec: local };
    else if (p.index !== undefined && !PYPI.test(p.index)) pkg.resolved = p.index;
  }
  if (unpinned) pkg.unpinned = unpinned;
}

// ---------------------------------------------------------------------------------------------------------
// Scopes from markers.

/**
 * Scopes by marker: a package whose marker can hold with no extras and the default groups is prod; one that
 * needs a non-default dependency group is dev; one that needs an extra is optional. Markers on the
 * environment (python_version, sys_platform…) are taken as possibly true. undefined when the file neither
 * declares extras or groups nor mentions them in a marker (a single-use lock: every package is installed).
 */
function scopeClassifier(lock: z.infer<typeof Lock>): (marker: string | undefined) => Scope[] | undefined {
  const norm = (names: string[] | undefined) => (names ?? []).map(normalisePypiName);
  const extras = new Set(norm(lock.extras));
  const defaults = new Set(norm(lock["default-groups"]));
  const groups = new Set([...norm(lock["dependency-groups"]), ...defaults]);
  const parsed = new Map<string, Marker | null>();
  let selectors = extras.size > 0 || groups.size > 0;
  for (const p of lock.packages) {
    if (!p.marker || parsed.has(p.marker)) continue;
    const m = parseMarker(p.marker);
    parsed.set(p.marker, m);
    if (m && collectSelectors(m, extras, groups)) selectors = true;
  }
  if (!selectors) return () => undefined;
  const none = new Set<string>();
  // Selections other than the default: every group, or only the non-default ones (`--only-group`).
  const others = [groups, new Set([...groups].filter((g) => !defaults.has(g)))];
  const classify = (m: Marker): Scope[] | undefined => {
    if (holds(m, none, defaults) !== false) return ["prod"];
    const dev = others.some((g) => holds(m, none, g) !== false);
    const optional = holds(m, extras, defaults) !== false;
    if (dev && optional) return ["dev", "optional"];
    if (dev || optional) return [dev ? "dev" : "optional"];
    if (others.some((g) => holds(m, extras, g) !== false)) return ["dev", "optional"];
    return undefined;
  };
  const byMarker = new Map<string, Scope[] | undefined>();
  return (marker) => {
    const m = marker ? parsed.get(marker) : undefined;
    if (!marker || !m) return ["prod"]; // no marker (or one this reader cannot parse): installed by default
    if (!byMarker.has(marker)) byMarker.set(marker, classify(m));
    const scopes = byMarker.get(marker);
    return scopes && [...scopes];
  };
}

type Operand = { variable: string } | { literal: string };
type Marker =
  | { op: "and" | "or"; left: Marker; right: Marker }
  | { op: "compare"; left: Operand; cmp: string; right: Operand };

/** Parses a PEP 508 environment marker; null when it is not one. */
export function parseMarker(text: string): Marker | null {
  const tokens: string[] = [];
  const re = /\s*(?:(\(|\))|('[^']*'|"[^"]*")|(===|==|!=|<=|>=|~=|<|>)|([A-Za-z_][A-Za-z0-9_.]*))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return null;
    tokens.push(m[1] ?? m[2] ?? m[3] ?? m[4]!);
    at = re.lastIndex;
  }
  let i = 0;
  const operand = (): Operand | null => {
    const t = tokens[i];
    if (t === undefined) return null;
    if (t.startsWith("'") || t.startsWith('"')) {
      i++;
      return { literal: t.slice(1, -1) };
    }
    if (/^[A-Za-z_]/.test(t) && t !== "and" && t !== "or" && t !== "in" && t !== "not") {
      i++;
      return { variable: t };
    }
    return null;
  };
  const atom = (): Marker | null => {
    if (tokens[i] === "(") {
      i++;
      const inner = or();
      if (!inner || tokens[i] !== ")") return null;
      i++;
      return inner;
    }
    const left = operand();
    if (!left) return null;
    let cmp = tokens[i];
    if (cmp === "not" && tokens[i + 1] === "in") {
      cmp = "not in";
      i += 2;
    } else if (cmp !== undefined && (cmp === "in" || /^[<>=!~]/.test(cmp))) i++;
    else return null;
    const right = operand();
    return right ? { op: "compare", left, cmp, right } : null;
  };
  const chain = (op: "and" | "or", next: () => Marker | null): Marker | null => {
    let left = next();
    while (left && tokens[i] === op) {
      i++;
      const right = next();
      if (!right) return null;
      left = { op, left, right };
    }
    return left;
  };
  const and = (): Marker | null => chain("and", atom);
  const or = (): Marker | null => chain("or", and);
  const result = or();
  return result && i === tokens.length ? result : null;
}

/** Adds the extras and groups a marker names to the sets; whether it names any. */
function collectSelectors(m: Marker, extras: Set<string>, groups: Set<string>): boolean {
  if (m.op !== "compare") {
    const a = collectSelectors(m.left, extras, groups);
    return collectSelectors(m.right, extras, groups) || a;
  }
  const sel = selector(m);
  if (!sel) return false;
  (sel.kind === "extras" ? extras : groups).add(sel.name);
  return true;
}

/** `'x' in extras`, `'dev' not in dependency_groups`, `extra == 'x'`: which set, which name, negated or not. */
function selector(m: Extract<Marker, { op: "compare" }>) {
  const { left, right, cmp } = m;
  if ("literal" in left && "variable" in right && (cmp === "in" || cmp === "not in")) {
    if (right.variable === "extras" || right.variable === "dependency_groups") {
      const kind = right.variable === "extras" ? ("extras" as const) : ("groups" as const);
      return { kind, name: normalisePypiName(left.literal), negated: cmp === "not in" };
    }
  }
  const variable = "variable" in left ? left : "variable" in right ? right : undefined;
  const literal = "literal" in left ? left : "literal" in right ? right : undefined;
  if (variable?.variable === "extra" && literal && (cmp === "==" || cmp === "!=")) {
    return { kind: "extras" as const, name: normalisePypiName(literal.literal), negated: cmp === "!=" };
  }
  return undefined;
}

/** Three-valued evaluation (names normalised): true, false, or null when it depends on the environment. */
function holds(m: Marker, extras: Set<string>, groups: Set<string>): boolean | null {
  if (m.op !== "compare") {
    // Kleene logic: `and` is decided by a false side, `or` by a true one.
    const decisive = m.op === "or";
    const a = holds(m.left, extras, groups);
    if (a === decisive) return decisive;
    const b = holds(m.right, extras, groups);
    if (b === decisive) return decisive;
    return a === !decisive && b === !decisive ? !decisive : null;
  }
  const sel = selector(m);
  if (!sel) return null;
  const has = (sel.kind === "extras" ? extras : groups).has(sel.name);
  return sel.negated ? !has : has;
}
