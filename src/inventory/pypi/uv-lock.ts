/**
 * uv.lock (`version = 1`, any revision): every `[[package]]` uv locked. The project's own packages (editable or
 * virtual sources, `[manifest] members`) are the roots: not components, but what they depend on is direct.
 * Reference: astral-sh/uv crates/uv-resolver/src/lock/mod.rs (`PackageWire`, `SourceWire`, `DependencyWire`).
 */
import { z } from "zod";
import { InputError } from "../../errors.js";
import type { FileExtractor, FileInput } from "../extractor.js";
import type { DependencyRef, ExtractedPackage, ExtractResult, Scope, Unpinned } from "../model.js";
import { SCOPES } from "../model.js";
import { normalisePypiName } from "../normalise.js";
import { parseToml } from "../text.js";
import { entryLines, groupByName, isInsideDir, keyLine, relativeDir, validateEntries } from "./toml-lines.js";

const Source = z.object({
  registry: z.string().optional(),
  git: z.string().optional(),
  url: z.string().optional(),
  path: z.string().optional(),
  directory: z.string().optional(),
  editable: z.string().optional(),
  virtual: z.string().optional(),
  subdirectory: z.string().optional(),
});
type Source = z.infer<typeof Source>;

const Dependency = z.object({
  name: z.string().min(1),
  version: z.string().optional(),
  source: Source.optional(),
  marker: z.string().optional(),
  extra: z.array(z.string()).optional(),
});
type Dependency = z.infer<typeof Dependency>;

const Artifact = z.object({
  url: z.string().optional(),
  path: z.string().optional(),
  filename: z.string().optional(),
  hash: z.string().optional(),
});

const Package = z.object({
  name: z.string().min(1),
  // Omitted for source trees with a dynamic version (uv ≥ 0.5.x).
  version: z.string().optional(),
  source: Source.optional(),
  dependencies: z.array(Dependency).optional(),
  "optional-dependencies": z.record(z.string(), z.array(Dependency)).optional(),
  "dev-dependencies": z.record(z.string(), z.array(Dependency)).optional(),
  sdist: Artifact.optional(),
  wheels: z.array(Artifact).optional(),
});
type Package = z.infer<typeof Package>;

/** A requirement as `[manifest]` records it: what a workspace without a root project asks for. */
const Requirement = z.object({ name: z.string().min(1) });

const Lock = z.object({
  version: z.number(),
  revision: z.number().optional(),
  manifest: z
    .object({
      members: z.array(z.string()).optional(),
      requirements: z.array(Requirement).optional(),
      "dependency-groups": z.record(z.string(), z.array(Requirement)).optional(),
    })
    .optional(),
  package: z.array(Package).optional(),
});

const WHAT = "uv.lock";
const PYPI = /^https?:\/\/pypi\.org\/simple\/?$/;

export const uvLockExtractor: FileExtractor = {
  id: "uv-lock",
  ecosystem: "PyPI",
  kind: "lockfile",
  description: "uv lockfile (uv.lock, version 1)",
  // `uv lock --script x.py` writes the lock of a PEP 723 script beside it, as `x.py.lock`.
  matchFile: (baseName) => baseName === "uv.lock" || /.\.py\.lock$/.test(baseName),
  extract,
};

function extract(input: FileInput): ExtractResult {
  const { file, text } = input;
  // `x.py.lock` is also what file-locking libraries name a lock next to `x.py` (often empty): only a file
  // that starts like a uv lock is read as one.
  if (!/(?:^|[\\/])uv\.lock$/.test(input.path) && !/^\s*(?:#[^\n]*\n\s*)*version\s*=/.test(text)) {
    return { packages: [], warnings: ["not a uv script lock (no top-level `version`); skipped"] };
  }
  const data = parseToml(file, text);
  // uv 0.2 wrote `[[distribution]]` tables, with or without `version = 1`.
  if (data.version === undefined || (Array.isArray(data.distribution) && data.package === undefined)) {
    if (Array.isArray(data.distribution)) {
      throw new InputError(
        file,
        "uv.lock from a uv before 0.3 ([[distribution]] tables) is not supported: re-lock with a current uv",
      );
    }
    throw new InputError(file, "not a uv.lock: no top-level `version` (expected version = 1)");
  }
  if (data.version !== 1) {
    const line = keyLine(text, "version");
    throw new InputError(
      file,
      `unsupported uv.lock version ${JSON.stringify(data.version)} (expected 1)`,
      line ? { line } : undefined,
    );
  }
  const count = Array.isArray(data.package) ? data.package.length : 0;
  const lines = entryLines(text, "package", count);
  const lock = validateEntries(file, Lock, data, WHAT, "package", lines);
  const packages = lock.package ?? [];

  const byName = groupByName(packages, (p) => p.name);

  // The roots: the workspace members (`[manifest] members`, or, for a single project, the package at `.`),
  // and virtual packages (never installed themselves). A member's name can also be locked from a registry
  // (a fork); a path dependency can be editable without being a member: those are components.
  const members = new Set((lock.manifest?.members ?? []).map(normalisePypiName));
  const isRoot = (p: Package): boolean => {
    const s = p.source;
    if (!s) return false;
    if (s.virtual !== undefined) return true;
    if (members.size) {
      return (
        (s.editable !== undefined || s.directory !== undefined) && members.has(normalisePypiName(p.name))
      );
    }
    return s.editable !== undefined && relativeDir(s.editable) === ".";
  };
  const roots = new Set(packages.filter(isRoot));

  /** The locked packages a dependency entry names: by name, narrowed by version and source when given. */
  const resolve = (d: { name: string; version?: string; source?: Source }): Package[] => {
    let candidates = byName.get(normalisePypiName(d.name)) ?? [];
    if (candidates.length > 1 && d.version !== undefined) {
      candidates = candidates.filter((c) => c.version === d.version);
    }
    if (candidates.length > 1 && d.source) {
      const want = sourceKey(d.source);
      const same = candidates.filter((c) => sourceKey(c.source) === want);
      if (same.length) candidates = same;
    }
    return candidates;
  };

  // What the roots depend on is direct, scoped by how they depend on it.
  const directScopes = new Map<Package, Set<Scope>>();
  const mark = (d: { name: string; version?: string; source?: Source }, scope: Scope): void => {
    for (const target of resolve(d)) {
      if (roots.has(target)) continue;
      const set = directScopes.get(target);
      if (set) set.add(scope);
      else directScopes.set(target, new Set([scope]));
    }
  };
  for (const root of roots) {
    for (const d of root.dependencies ?? []) mark(d, "prod");
    for (const list of Object.values(root["optional-dependencies"] ?? {}))
      for (const d of list) mark(d, "optional");
    for (const list of Object.values(root["dev-dependencies"] ?? {})) for (const d of list) mark(d, "dev");
  }
  // A workspace without a root project records its requirements in the manifest.
  for (const r of lock.manifest?.requirements ?? []) mark(r, "prod");
  for (const list of Object.values(lock.manifest?.["dependency-groups"] ?? {}))
    for (const r of list) mark(r, "dev");
  const rootsKnown = roots.size > 0 || directScopes.size > 0;

  const out: ExtractedPackage[] = [];
  const workspaceMembers = new Set<string>();
  packages.forEach((p, index) => {
    // Members and local path dependencies: the lock covers their manifests (their dependencies are locked).
    const dir = p.source?.editable ?? p.source?.virtual ?? p.source?.directory;
    if (dir !== undefined && isInsideDir(dir)) workspaceMembers.add(relativeDir(dir));
    if (roots.has(p)) return;
    const pkg: ExtractedPackage = { name: p.name, version: p.version ?? null };
    const line = lines[index];
    if (line) pkg.line = line;
    const scopes = directScopes.get(p);
    if (scopes) {
      pkg.direct = true;
      pkg.scopes = SCOPES.filter((s) => scopes.has(s));
    } else if (rootsKnown) pkg.direct = false;
    const hashes: string[] = [];
    if (p.sdist?.hash) hashes.push(p.sdist.hash);
    for (const w of p.wheels ?? []) if (w.hash) hashes.push(w.hash);
    if (hashes.length) pkg.hashes = hashes;
    const deps = edges(p, resolve, roots);
    if (deps.length) pkg.dependencies = deps;
    sourceOf(p, pkg);
    out.push(pkg);
  });
  const result: ExtractResult = { packages: out };
  if (workspaceMembers.size) result.workspaceMembers = [...workspaceMembers].sort();
  return result;
}

/** A package's edges: its dependencies and the dependencies of its extras (uv locks only extras in use). */
function edges(p: Package, resolve: (d: Dependency) => Package[], roots: Set<Package>): DependencyRef[] {
  const out: DependencyRef[] = [];
  const seen = new Set<Package>();
  const add = (d: Dependency): void => {
    for (const t of resolve(d)) {
      if (seen.has(t) || t === p || roots.has(t)) continue;
      seen.add(t);
      out.push({ name: d.name, version: t.version ?? null });
    }
  };
  for (const d of p.dependencies ?? []) add(d);
  for (const list of Object.values(p["optional-dependencies"] ?? {})) for (const d of list) add(d);
  return out;
}

function sourceKey(s: Source | undefined): string {
  if (!s) return "";
  for (const k of ["registry", "git", "url", "path", "directory", "editable", "virtual"] as const) {
    if (s[k] !== undefined) return `${k}\u0000${s[k]}`;
  }
  return "";
}

/** `source = {…}`: a registry release, or where a package that is not one comes from. */
function sourceOf(p: Package, pkg: ExtractedPackage): void {
  const s = p.source;
  if (!s) return;
  let unpinned: Unpinned | undefined;
  if (s.git !== undefined) unpinned = { kind: "vcs", spec: gitSpec(s.git, s.subdirectory) };
  else if (s.url !== undefined) {
    unpinned = { kind: "url", spec: s.url };
    pkg.resolved = s.url;
  } else if (s.path !== undefined) unpinned = { kind: "path", spec: s.path };
  else if (s.directory !== undefined) unpinned = { kind: "path", spec: s.directory };
  else if (s.editable !== undefined) unpinned = { kind: "editable", spec: s.editable };
  else if (s.registry !== undefined && !PYPI.test(s.registry)) pkg.resolved = s.registry; // another index
  if (unpinned) pkg.unpinned = unpinned;
}

/**
 * uv writes a git source as `https://host/repo?rev=main&subdirectory=x#<commit>`; this gives pip's form,
 * `git+https://host/repo@<commit>#subdirectory=x`.
 */
function gitSpec(git: string, subdirectory?: string): string {
  const hash = git.indexOf("#");
  const commit = hash === -1 ? "" : git.slice(hash + 1);
  let base = hash === -1 ? git : git.slice(0, hash);
  let ref = "";
  let subdir = subdirectory;
  const q = base.indexOf("?");
  if (q !== -1) {
    const params = new URLSearchParams(base.slice(q + 1));
    ref = params.get("rev") ?? params.get("tag") ?? params.get("branch") ?? "";
    subdir ??= params.get("subdirectory") ?? undefined;
    base = base.slice(0, q);
  }
  const at = commit || ref;
  let spec = `${base.startsWith("git+") ? "" : "git+"}${base}${at ? `@${at}` : ""}`;
  if (subdir) spec += `#subdirectory=${subdir}`;
  return spec;
}
