/**
 * poetry.lock: every `[[package]]` Poetry locked, in all lock-versions Poetry still reads (1.0–2.1).
 * Reference: python-poetry/poetry src/poetry/packages/locker.py (`locked_repository`, `_dump_package`).
 */
import { z } from "zod";
import { InputError } from "../../errors.js";
import type { FileExtractor, FileInput } from "../extractor.js";
import type { DependencyRef, ExtractedPackage, ExtractResult, Scope, Unpinned } from "../model.js";
import { SCOPES } from "../model.js";
import { normalisePypiName } from "../normalise.js";
import { isRecord, parseToml } from "../text.js";
import {
  entryLines,
  groupByName,
  isInsideDir,
  keyLine,
  majorVersion,
  relativeDir,
  validateEntries,
} from "./toml-lines.js";

const FileEntry = z.object({ file: z.string().optional(), hash: z.string() });

const Source = z.object({
  type: z.string().optional(),
  url: z.string().optional(),
  reference: z.string().optional(),
  resolved_reference: z.string().optional(),
  subdirectory: z.string().optional(),
});

const Package = z.object({
  name: z.string().min(1),
  version: z.string(),
  category: z.string().optional(),
  optional: z.boolean().optional(),
  groups: z.array(z.string()).optional(),
  markers: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  files: z.array(FileEntry).optional(),
  // Values are constraint strings, tables or arrays of tables: checked while reading them.
  dependencies: z.record(z.string(), z.unknown()).optional(),
  source: Source.optional(),
  develop: z.boolean().optional(),
});
type Package = z.infer<typeof Package>;

const Lock = z.object({
  package: z.array(Package).optional(),
  metadata: z.object({
    "lock-version": z.string().optional(),
    // lock-version 1.x: hashes per package name, with file names (1.1) or without (1.0 and older).
    files: z.record(z.string(), z.array(FileEntry)).optional(),
    hashes: z.record(z.string(), z.array(z.string())).optional(),
  }),
});

const WHAT = "poetry.lock";

export const poetryLockExtractor: FileExtractor = {
  id: "poetry-lock",
  ecosystem: "PyPI",
  kind: "lockfile",
  description: "Poetry lockfile (poetry.lock, lock-version 1.x and 2.x)",
  matchFile: (baseName) => baseName === "poetry.lock",
  extract,
};

function extract(input: FileInput): ExtractResult {
  const { file, text } = input;
  const data = parseToml(file, text);
  if (!isRecord(data.metadata)) {
    throw new InputError(file, "not a poetry.lock: no [metadata] table (expected one with lock-version)");
  }
  const version = data.metadata["lock-version"];
  if (version !== undefined) {
    const major = majorVersion(version);
    if (major !== 1 && major !== 2) {
      const shown = typeof version === "string" ? `"${version}"` : String(version);
      const line = keyLine(text, "lock-version");
      throw new InputError(
        file,
        `unsupported poetry.lock lock-version ${shown} (expected 1.x or 2.x)`,
        line ? { line } : undefined,
      );
    }
  }
  const count = Array.isArray(data.package) ? data.package.length : 0;
  const lines = entryLines(text, "package", count);
  const lock = validateEntries(file, Lock, data, WHAT, "package", lines);
  const packages = lock.package ?? [];

  // Name → locked entries: a name may be locked at several versions (different markers per Python version).
  const byName = groupByName(packages, (p) => p.name);
  const metaFiles = lookupByName(lock.metadata.files);
  const metaHashes = lookupByName(lock.metadata.hashes);

  const out: ExtractedPackage[] = [];
  const members = new Set<string>();
  packages.forEach((p, index) => {
    // A path dependency's directory inside the project: its own dependencies are locked here too.
    if (p.source?.type === "directory" && p.source.url && isInsideDir(p.source.url)) {
      members.add(relativeDir(p.source.url));
    }
    const pkg: ExtractedPackage = { name: p.name, version: p.version };
    const line = lines[index];
    if (line) pkg.line = line;
    const scopes = scopesOf(p);
    if (scopes) pkg.scopes = scopes;
    const hashes = hashesOf(p, byName, metaFiles, metaHashes);
    if (hashes.length) pkg.hashes = hashes;
    const deps = dependenciesOf(file, p, index, byName, line);
    if (deps.length) pkg.dependencies = deps;
    sourceOf(p, pkg);
    const markers = markersOf(p);
    if (markers) pkg.markers = markers;
    out.push(pkg);
  });
  return members.size ? { packages: out, workspaceMembers: [...members].sort() } : { packages: out };
}

/** A name-keyed table of metadata, read by exact name first and then by normalised name. */
function lookupByName<T>(
  table: Record<string, T> | undefined,
): ((name: string) => T | undefined) | undefined {
  if (!table) return undefined;
  const normalised = new Map<string, T>();
  for (const [k, v] of Object.entries(table)) {
    const key = normalisePypiName(k);
    if (!normalised.has(key)) normalised.set(key, v);
  }
  return (name) => (Object.hasOwn(table, name) ? table[name] : normalised.get(normalisePypiName(name)));
}

/** `category` (1.x) or `groups` (2.x): main → prod, any other group → dev; `optional = true` → optional. */
function scopesOf(p: Package): Scope[] | undefined {
  const groups = p.groups ?? (p.category !== undefined ? [p.category] : []);
  const set = new Set<Scope>();
  for (const g of groups) set.add(g === "main" ? "prod" : "dev");
  // Optional: only installed for an extra of the project. Poetry's extras are main-group dependencies.
  if (p.optional && (set.has("prod") || set.size === 0)) {
    set.delete("prod");
    set.add("optional");
  }
  return set.size ? SCOPES.filter((s) => set.has(s)) : undefined;
}

/** The `markers` of a 2.1 lock: a string, or a table per group (the package is installed when any holds). */
function markersOf(p: Package): string | undefined {
  const m = p.markers;
  if (m === undefined) return undefined;
  if (typeof m === "string") return m || undefined;
  // A group the package is in but that has no marker installs it unconditionally.
  if (p.groups?.some((g) => !Object.hasOwn(m, g))) return undefined;
  const values = [...new Set(Object.values(m).filter((v) => v))];
  if (values.length <= 1) return values[0];
  return values.map((v) => `(${v})`).join(" or ");
}

function hashesOf(
  p: Package,
  byName: Map<string, Package[]>,
  metaFiles: ((name: string) => z.infer<typeof FileEntry>[] | undefined) | undefined,
  metaHashes: ((name: string) => string[] | undefined) | undefined,
): string[] {
  if (p.files) return p.files.map((f) => f.hash).filter((h) => h);
  const type = p.source?.type;
  if (metaHashes) {
    // The oldest form: bare sha256 hex digests per name.
    return (metaHashes(p.name) ?? []).map((h) => (/^[0-9a-f]{64}$/i.test(h) ? `sha256:${h}` : h));
  }
  if (!metaFiles || type === "git" || type === "directory" || type === "url") return [];
  let files = metaFiles(p.name) ?? [];
  if (type === "file" && p.source?.url) {
    const base = p.source.url
      .replace(/[\\/]+$/, "")
      .split(/[\\/]/)
      .pop();
    files = files.filter((f) => f.file === base);
  } else if ((byName.get(normalisePypiName(p.name))?.length ?? 0) > 1) {
    // metadata.files lists the files of every locked version of the name: keep this version's own.
    files = files.filter((f) => f.file !== undefined && fileVersion(f.file, p.name) === p.version);
  }
  return files.map((f) => f.hash).filter((h) => h);
}

/** The version in a wheel or sdist file name of this project (`Foo_Bar-1.2.tar.gz` → `1.2`). */
function fileVersion(fileName: string, name: string): string | undefined {
  const want = normalisePypiName(name);
  // Sdists of older releases keep the dashes of the name (`foo-bar-1.2.tar.gz`): try each dash.
  for (let dash = fileName.indexOf("-"); dash > 0; dash = fileName.indexOf("-", dash + 1)) {
    if (normalisePypiName(fileName.slice(0, dash)) !== want) continue;
    const rest = fileName.slice(dash + 1);
    if (/\.whl$/i.test(rest)) return rest.split("-")[0];
    return rest.replace(/\.(?:tar\.gz|tar\.bz2|tar\.xz|tgz|zip|tar|egg)$/i, "");
  }
  return undefined;
}

interface Constraint {
  version?: string;
}

/** One `[package.dependencies]` value as a list of constraints: `">=1"`, `{version = …}` or an array of them. */
function constraintsOf(file: string, value: unknown, where: string, line?: number): Constraint[] {
  const at = line ? { line } : undefined;
  const one = (v: unknown): Constraint => {
    if (typeof v === "string") return { version: v };
    if (isRecord(v)) {
      if (v.version !== undefined && typeof v.version !== "string") {
        throw new InputError(file, `not a valid ${WHAT}: ${where}.version: expected a string`, at);
      }
      return { version: v.version as string | undefined };
    }
    throw new InputError(
      file,
      `not a valid ${WHAT}: ${where}: expected a version constraint, a table or an array of them`,
      at,
    );
  };
  return Array.isArray(value) ? value.map(one) : [one(value)];
}

/** Edges to the locked packages a package depends on; a constraint that pins one of several versions picks it. */
function dependenciesOf(
  file: string,
  p: Package,
  index: number,
  byName: Map<string, Package[]>,
  line: number | undefined,
): DependencyRef[] {
  const out: DependencyRef[] = [];
  const seen = new Set<string>();
  const add = (name: string, version: string): void => {
    const key = `${normalisePypiName(name)}\u0000${version}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ name, version });
  };
  for (const [name, value] of Object.entries(p.dependencies ?? {})) {
    const where = `package[${index}].dependencies.${name}`;
    const constraints = constraintsOf(file, value, where, line);
    const candidates = byName.get(normalisePypiName(name));
    if (!candidates) continue; // not locked: an extra nobody requested, or a marker that never holds
    for (const c of constraints) {
      const pin = c.version?.trim().replace(/^===?\s*/, "");
      const exact = pin ? candidates.filter((x) => x.version === pin) : [];
      for (const x of exact.length ? exact : candidates) add(name, x.version);
    }
  }
  return out;
}

/** `[package.source]`: where a package that is not a plain PyPI release comes from. */
function sourceOf(p: Package, pkg: ExtractedPackage): void {
  const s = p.source;
  if (!s?.type) return;
  const url = s.url ?? "";
  let unpinned: Unpinned | undefined;
  switch (s.type) {
    case "git": {
      const ref = s.resolved_reference || s.reference;
      let spec = `git+${url}${ref ? `@${ref}` : ""}`;
      if (s.subdirectory) spec += `#subdirectory=${s.subdirectory}`;
      unpinned = { kind: "vcs", spec };
      break;
    }
    case "url":
      unpinned = { kind: "url", spec: url };
      pkg.resolved = url;
      break;
    case "file":
      unpinned = { kind: "path", spec: url };
      break;
    case "directory":
      unpinned = { kind: p.develop ? "editable" : "path", spec: url };
      break;
    default:
      // `legacy` (a private index) and other index types: still a registry release.
      if (url) pkg.resolved = url;
  }
  if (unpinned) pkg.unpinned = unpinned;
}
