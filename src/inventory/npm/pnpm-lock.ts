/**
 * pnpm-lock.yaml, lockfile versions 5.x (pnpm 6–7), 6.x (pnpm 8) and 9.x (pnpm 9–10).
 *
 * Package keys ("dependency paths") by version:
 * - 5.x: `/name/1.2.3`, `/@s/n/1.2.3_peer@1.0.0+@s+p@2.0.0`; another registry: `host/name/1.2.3`
 * - 6.x: `/name@1.2.3(peer@1.0.0)`, `/@s/n@1.2.3(patch_hash=…)(peer@1.0.0)`
 * - 9.x: `packages` keyed `name@1.2.3` (resolution), `snapshots` keyed `name@1.2.3(peer@1.0.0)` (edges)
 * Packages not from a registry (git, tarball URL, directory) carry `name`/`version` fields (5.x, 6.x: keys
 * like `github.com/u/r/<commit>`, `file:../x`) or are keyed `name@<url or file:path>` (9.x).
 * See docs/formats/pnpm-lock.md.
 */
import { posix } from "node:path";
import { parseSyml } from "@yarnpkg/parsers";
import { z } from "zod";
import { InputError } from "../../errors.js";
import type { FileExtractor, FileInput } from "../extractor.js";
import type { DependencyRef, ExtractedPackage, ExtractResult, Scope, Unpinned } from "../model.js";
import { forEachLine, formatPath, isRecord } from "../text.js";
import { sourceOfResolved } from "./spec.js";

export const pnpmLockExtractor: FileExtractor = {
  id: "pnpm-lock",
  ecosystem: "npm",
  kind: "lockfile",
  description: "pnpm lockfile (pnpm-lock.yaml), lockfile versions 5.x, 6.x and 9.x",
  matchFile: (baseName) => baseName === "pnpm-lock.yaml",
  extract,
};

type Major = 5 | 6 | 9;

// ---------------------------------------------------------------------------------------------------------
// Shapes: only the fields read here; anything else (settings, catalogs, overrides, time, …) is tolerated.
// The failsafe YAML schema gives every scalar as a string (`dev: "true"`). Values are checked by hand (no
// copy of the document is made); the zod schemas only word the error when a check fails.

type Flag = boolean | "true" | "false" | null | undefined;
type DepMap = Record<string, string> | null | undefined;

interface Resolution {
  integrity?: string | null;
  tarball?: string | null;
  type?: string | null;
  repo?: string | null;
  commit?: string | null;
  directory?: string | null;
  path?: string | null;
}

interface PackageEntry {
  resolution?: Resolution | null;
  name?: string | null;
  version?: string | null;
  dev?: Flag;
  optional?: Flag;
  /** pnpm 5–8 lockfiles: the package runs scripts at install (pnpm 9 no longer records it). */
  requiresBuild?: Flag;
  dependencies?: DepMap;
  optionalDependencies?: DepMap;
}

interface Snapshot {
  dependencies?: DepMap;
  optionalDependencies?: DepMap;
}

type ImporterDeps =
  | Record<string, string | { specifier?: string | null; version: string }>
  | null
  | undefined;

interface Importer {
  dependencies?: ImporterDeps;
  devDependencies?: ImporterDeps;
  optionalDependencies?: ImporterDeps;
}

interface Root {
  importers?: Record<string, unknown> | null;
  packages?: Record<string, unknown> | null;
  snapshots?: Record<string, unknown> | null;
}

const flagSchema = z.union([z.boolean(), z.enum(["true", "false"])]).nullish();
const depMapSchema = z.record(z.string(), z.string()).nullish();
const importerDepsSchema = z
  .record(
    z.string(),
    z.union([z.string(), z.object({ specifier: z.string().nullish(), version: z.string() })]),
  )
  .nullish();
const importerSchema = z
  .object({
    dependencies: importerDepsSchema,
    devDependencies: importerDepsSchema,
    optionalDependencies: importerDepsSchema,
  })
  .nullish();
const RESOLUTION_FIELDS = ["integrity", "tarball", "type", "repo", "commit", "directory", "path"] as const;
const packageSchema = z
  .object({
    resolution: z
      .object(Object.fromEntries(RESOLUTION_FIELDS.map((f) => [f, z.string().nullish()])))
      .nullish(),
    name: z.string().nullish(),
    version: z.string().nullish(),
    dev: flagSchema,
    optional: flagSchema,
    requiresBuild: flagSchema,
    dependencies: depMapSchema,
    optionalDependencies: depMapSchema,
  })
  .nullish();
const snapshotSchema = z
  .object({ dependencies: depMapSchema, optionalDependencies: depMapSchema, optional: flagSchema })
  .nullish();
const rootSchema = z.object({
  importers: z.record(z.string(), z.unknown()).nullish(),
  packages: z.record(z.string(), z.unknown()).nullish(),
  snapshots: z.record(z.string(), z.unknown()).nullish(),
});

const isStr = (v: unknown): boolean => v === undefined || v === null || typeof v === "string";
const isFlag = (v: unknown): boolean =>
  v === undefined || v === null || typeof v === "boolean" || v === "true" || v === "false";
const asFlag = (v: Flag): boolean | undefined =>
  v === undefined || v === null ? undefined : v === true || v === "true";

function isDepMap(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (!isRecord(v)) return false;
  for (const k in v) if (typeof v[k] !== "string") return false;
  return true;
}

function isRoot(v: unknown): boolean {
  return (
    isRecord(v) &&
    [v.importers, v.packages, v.snapshots].every((s) => s === undefined || s === null || isRecord(s))
  );
}

function isPackageEntry(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (!isRecord(v)) return false;
  const r = v.resolution;
  if (r !== undefined && r !== null) {
    if (!isRecord(r)) return false;
    for (const f of RESOLUTION_FIELDS) if (!isStr(r[f])) return false;
  }
  return (
    isStr(v.name) &&
    isStr(v.version) &&
    isFlag(v.dev) &&
    isFlag(v.optional) &&
    isDepMap(v.dependencies) &&
    isDepMap(v.optionalDependencies)
  );
}

function isSnapshot(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  return isRecord(v) && isDepMap(v.dependencies) && isDepMap(v.optionalDependencies) && isFlag(v.optional);
}

function isImporter(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (!isRecord(v)) return false;
  for (const section of ["dependencies", "devDependencies", "optionalDependencies"] as const) {
    const deps = v[section];
    if (deps === undefined || deps === null) continue;
    if (!isRecord(deps)) return false;
    for (const k in deps) {
      const d = deps[k];
      if (typeof d !== "string" && !(isRecord(d) && typeof d.version === "string" && isStr(d.specifier))) {
        return false;
      }
    }
  }
  return true;
}

/**
 * Checks one value with a fast predicate; when it fails, the zod schema words the InputError (where, and on
 * which line).
 */
function check<T>(
  file: string,
  ok: (v: unknown) => boolean,
  schema: z.ZodType,
  value: unknown,
  where: string,
  line?: number,
): T {
  if (ok(value)) return value as T;
  const r = schema.safeParse(value);
  const issue = r.success ? undefined : r.error.issues[0];
  const path = issue ? formatPath(issue.path as (string | number)[]) : "";
  throw new InputError(
    file,
    `not a valid pnpm lockfile: ${where}${path ? `.${path}` : ""}: ${issue?.message ?? "unexpected value"}`,
    line ? { line } : undefined,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Text helpers

/**
 * YAML with js-yaml's failsafe schema (every scalar a string), through `parseSyml` from @yarnpkg/parsers: the
 * parser pnpm itself reads its lockfile with. It is several times faster than the `yaml` package on large
 * lockfiles and uses a fraction of the memory (no document model is kept).
 */
function parseLockfileYaml(file: string, t: string): unknown {
  try {
    return parseSyml(t);
  } catch (e) {
    const err = e as { reason?: string; mark?: { line: number; column: number }; message?: string };
    const notMapping = /^Expected an indexed object, got (an? \w+)/.exec(err.message ?? "");
    if (notMapping && !err.mark) {
      throw new InputError(
        file,
        `not a pnpm lockfile: expected a YAML mapping with \`lockfileVersion\`, got ${notMapping[1] === "a undefined" ? "nothing" : notMapping[1]}`,
      );
    }
    throw new InputError(
      file,
      `invalid YAML: ${err.reason ?? err.message ?? String(e)}`,
      err.mark ? { line: err.mark.line + 1, column: err.mark.column + 1 } : undefined,
    );
  }
}

/**
 * pnpm 10+ may put an "env lockfile" document (its own config dependencies and package manager) before the
 * project's lockfile: `---\n<env>\n---\n<main>`. Returns the main document with the env document blanked
 * out line for line, so positions stay those of the file.
 */
function mainDocument(t: string): { main: string; hadEnv: boolean } {
  if (!/^---[ \t]*\r?\n/.test(t)) return { main: t, hadEnv: false };
  const sep = /\r?\n---[ \t]*(\r?\n|$)/g;
  sep.lastIndex = 3;
  const m = sep.exec(t);
  if (!m) return { main: t, hadEnv: false };
  const end = m.index + m[0].length;
  const blank = t.slice(0, end).replace(/[^\n]+/g, "");
  return { main: blank + t.slice(end), hadEnv: true };
}

/** A YAML mapping key at the start of `s` (plain, 'single' or "double" quoted); undefined if none. */
function yamlKey(s: string): string | undefined {
  if (s.startsWith("? ")) s = s.slice(2);
  const q = s[0];
  if (q === "'") {
    let out = "";
    let i = 1;
    for (;;) {
      const j = s.indexOf("'", i);
      if (j === -1) return undefined;
      out += s.slice(i, j);
      if (s[j + 1] === "'") {
        out += "'";
        i = j + 2;
      } else return out;
    }
  }
  if (q === '"') {
    let j = 1;
    while (j < s.length && s[j] !== '"') j += s[j] === "\\" ? 2 : 1;
    try {
      return JSON.parse(s.slice(0, j + 1)) as string;
    } catch {
      return undefined;
    }
  }
  const colon = s.indexOf(": ");
  if (colon !== -1) return s.slice(0, colon).trimEnd();
  const t = s.trimEnd();
  return t.endsWith(":") ? t.slice(0, -1).trimEnd() : undefined;
}

/** One pass: the line of each key directly under the top-level `packages:` and `snapshots:` mappings. */
function sectionKeyLines(t: string): {
  packages: Map<string, number>;
  snapshots: Map<string, number>;
  top: Map<string, number>;
} {
  const packages = new Map<string, number>();
  const snapshots = new Map<string, number>();
  const top = new Map<string, number>();
  let current: Map<string, number> | undefined;
  let indent = -1;
  forEachLine(t, (start, end, line) => {
    const c = t.charCodeAt(start);
    if (end <= start || c === 35) return;
    if (c !== 32) {
      const key = yamlKey(t.slice(start, end));
      if (key !== undefined && !top.has(key)) top.set(key, line);
      current = key === "packages" ? packages : key === "snapshots" ? snapshots : undefined;
      indent = -1;
    } else if (current) {
      let i = start;
      while (i < end && t.charCodeAt(i) === 32) i++;
      if (i < end && t.charCodeAt(i) !== 35) {
        if (indent === -1) indent = i - start;
        if (i - start === indent) {
          const key = yamlKey(t.slice(i, end));
          if (key !== undefined && !current.has(key)) current.set(key, line);
        }
      }
    }
  });
  return { packages, snapshots, top };
}

// ---------------------------------------------------------------------------------------------------------
// Dependency paths

const SEMVER = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** Removes trailing `(…)` groups (peers, `patch_hash=`), nested ones included: `a@1.0.0(b@2(c@3))` → `a@1.0.0`. */
function stripParens(path: string): string {
  if (!path.endsWith(")")) return path;
  let depth = 0;
  for (let i = path.length - 1; i >= 0; i--) {
    const c = path.charCodeAt(i);
    if (c === 41) depth++;
    else if (c === 40) depth--;
    else if (depth === 0) return path.slice(0, i + 1);
  }
  return path;
}

/** The package id of a dependency path: without peer / patch suffixes. */
function removeSuffix(path: string, major: Major): string {
  if (major !== 5) return stripParens(path);
  const slash = path.lastIndexOf("/");
  const us = path.indexOf("_", slash === -1 ? 0 : slash);
  return us === -1 ? path : path.slice(0, us);
}

/** Name and version of a registry package from its key; undefined when the key does not say. */
function parseRegistryKey(key: string, major: Major): { name: string; version: string } | undefined {
  let body = key;
  if (major !== 9) {
    // `/name…` (default registry) or `host/name…` (another registry)
    if (body.startsWith("/")) body = body.slice(1);
    else {
      const slash = body.indexOf("/");
      if (slash === -1 || body.startsWith("file:") || body.startsWith("link:")) return undefined;
      body = body.slice(slash + 1);
    }
  }
  let name: string;
  let version: string;
  if (major === 5) {
    const parts = body.split("/");
    const scoped = parts[0]?.startsWith("@");
    if (parts.length < (scoped ? 3 : 2)) return undefined;
    name = scoped ? `${parts[0]}/${parts[1]}` : parts[0]!;
    version = parts.slice(scoped ? 2 : 1).join("/");
    const us = version.indexOf("_");
    if (us !== -1) version = version.slice(0, us);
  } else {
    const at = body.indexOf("@", 1);
    if (at === -1) return undefined;
    name = body.slice(0, at);
    version = stripParens(body.slice(at + 1));
  }
  if (!name || !SEMVER.test(version)) return undefined;
  return { name, version };
}

/** What a dependency's reference (`1.0.0(peer@1)`, `/real/1.0.0`, `link:../x`, …) points at: a key. */
function refToDepPath(ref: string, alias: string, major: Major): string | null {
  if (ref.startsWith("link:")) return null;
  if (ref.startsWith("npm:")) {
    // `npm:real@1.0.0`: an alias written with its specifier's protocol
    const body = ref.slice(4);
    const at = body.indexOf("@", 1);
    if (at > 0) {
      const real = body.slice(0, at);
      const v = body.slice(at + 1);
      return major === 9 ? `${real}@${v}` : major === 6 ? `/${real}@${v}` : `/${real}/${v}`;
    }
  }
  if (major === 9) {
    if (ref.startsWith("@")) return ref;
    const at = ref.indexOf("@");
    if (at === -1) return `${alias}@${ref}`;
    const colon = ref.indexOf(":");
    const paren = ref.indexOf("(");
    if ((colon === -1 || at < colon) && (paren === -1 || at < paren)) return ref;
    return `${alias}@${ref}`;
  }
  if (ref.startsWith("file:")) return ref;
  const paren = ref.indexOf("(");
  const head = paren === -1 ? ref : ref.slice(0, paren);
  if (!head.includes("/")) return major === 5 ? `/${alias}/${ref}` : `/${alias}@${ref}`;
  return ref;
}

function posixDir(p: string): string {
  const n = posix.normalize(p.replace(/\\/g, "/")).replace(/\/+$/, "");
  return n === "" ? "." : n;
}

// ---------------------------------------------------------------------------------------------------------
// Extraction

interface Comp {
  pkg: ExtractedPackage;
  /** Edges to components of this file. */
  targets: Comp[];
  /** Edges whose target is not in the file. */
  unresolved: DependencyRef[];
  scopes?: Set<Scope>;
}

/** Scopes from a 5.x/6.x package's `dev` / `optional` flags (absent `dev`: both prod and dev use it). */
function flagScopes(dev: boolean | null | undefined, optional: boolean | null | undefined): Scope[] {
  const scopes: Scope[] = dev === true ? ["dev"] : dev === false ? ["prod"] : ["prod", "dev"];
  if (!optional) return scopes;
  return scopes.map((s) => (s === "prod" ? "optional" : s));
}

function extract(input: FileInput): ExtractResult {
  const file = input.file;
  if (!/\S/.test(input.text)) {
    throw new InputError(
      file,
      "empty file; expected a pnpm lockfile (a YAML mapping with `lockfileVersion`)",
    );
  }
  const { main, hadEnv } = mainDocument(input.text);
  if (hadEnv && !/\S/.test(main)) return { packages: [] }; // only pnpm's own env document
  const doc = parseLockfileYaml(file, main);
  const lines = sectionKeyLines(main);
  if (!isRecord(doc)) {
    throw new InputError(
      file,
      `not a pnpm lockfile: expected a YAML mapping with \`lockfileVersion\`, got ${Array.isArray(doc) ? "a list" : doc === null ? "nothing" : `a ${typeof doc}`}`,
    );
  }
  const rawVersion = doc.lockfileVersion;
  const versionLine = lines.top.get("lockfileVersion");
  if (rawVersion === undefined || rawVersion === null) {
    throw new InputError(file, "not a pnpm lockfile: missing `lockfileVersion`");
  }
  const versionText = String(rawVersion);
  const majorMatch = /^(\d+)(\.\d+)?(-[\w.-]+)?$/.exec(versionText);
  const major = majorMatch ? Number(majorMatch[1]) : Number.NaN;
  if ((typeof rawVersion !== "string" && typeof rawVersion !== "number") || ![5, 6, 9].includes(major)) {
    throw new InputError(
      file,
      `unsupported pnpm lockfileVersion ${typeof rawVersion === "string" || typeof rawVersion === "number" ? rawVersion : JSON.stringify(rawVersion)}: expected 5.x, 6.x or 9.x`,
      versionLine ? { line: versionLine } : undefined,
    );
  }
  return read(file, doc, major as Major, lines);
}

function read(
  file: string,
  doc: Record<string, unknown>,
  major: Major,
  lines: ReturnType<typeof sectionKeyLines>,
): ExtractResult {
  const root = check<Root>(file, isRoot, rootSchema, doc, "lockfile");
  const warnings: string[] = [];

  // Importers: `importers`, or (single project) the top-level dependency blocks.
  const importers = new Map<string, Importer>();
  if (root.importers) {
    for (const [id, value] of Object.entries(root.importers)) {
      const imp = check<Importer | null>(
        file,
        isImporter,
        importerSchema,
        value,
        `importers[${JSON.stringify(id)}]`,
      );
      if (imp) importers.set(id, imp);
    }
  } else if (doc.dependencies != null || doc.devDependencies != null || doc.optionalDependencies != null) {
    const imp = check<Importer | null>(
      file,
      isImporter,
      importerSchema,
      {
        dependencies: doc.dependencies,
        devDependencies: doc.devDependencies,
        optionalDependencies: doc.optionalDependencies,
      },
      "lockfile",
    );
    if (imp) importers.set(".", imp);
  }
  const importerDirs = new Set([...importers.keys()].map(posixDir));
  const members = new Set<string>();
  for (const dir of importerDirs) if (dir !== "." && !dir.startsWith("..")) members.add(dir);

  const comps = new Map<string, Comp>();
  /** Dependency path (and package id) → component; null for first-party packages (workspace links). */
  const byPath = new Map<string, Comp | null>();
  const pending: [Comp, Snapshot][] = [];

  /** The component of a package entry; null when it is not one (first party, a runtime, unreadable). */
  const addComp = (key: string, entry: PackageEntry, line: number | undefined): Comp | null => {
    const res: Resolution = entry.resolution ?? {};
    // Workspace packages: `link:` (9.x) or an injected directory that is one of the importers.
    const keyVersion = major === 9 ? key.slice(key.indexOf("@", 1) + 1) : "";
    if (keyVersion.startsWith("link:")) {
      const dir = posixDir(keyVersion.slice(5));
      if (dir !== "." && !dir.startsWith("..")) members.add(dir);
      return null;
    }
    if ((res.type === "directory" || res.directory) && importerDirs.has(posixDir(res.directory ?? "")))
      return null;
    if (keyVersion.startsWith("runtime:") || res.type === "binary" || res.type === "variations") {
      warnings.push(
        `packages["${key}"]: a runtime (Node.js, Bun, Deno) pnpm installs, not an npm package: skipped`,
      );
      return null;
    }

    let name: string | undefined;
    let version: string | null = null;
    let registry = false;
    if (major === 9) {
      const at = key.indexOf("@", 1);
      const v = stripParens(key.slice(at + 1));
      name = entry.name ?? (at > 0 ? key.slice(0, at) : undefined);
      if (SEMVER.test(v)) {
        registry = true;
        version = v;
      } else version = entry.version ?? null;
    } else if (entry.name) {
      name = entry.name;
      version = entry.version ?? null;
    } else {
      const parsed = parseRegistryKey(key, major);
      if (parsed) {
        registry = true;
        name = parsed.name;
        version = parsed.version;
      }
    }
    if (!name) {
      warnings.push(`packages["${key}"]: cannot tell the package name and version from this key: skipped`);
      return null;
    }

    let unpinned: Unpinned | undefined;
    let resolved: string | undefined;
    const tarball = res.tarball ?? undefined;
    if (res.type === "git" || (res.repo && res.commit)) {
      unpinned = {
        kind: "vcs",
        spec: `${res.repo ?? ""}#${res.commit ?? ""}${res.path ? `&path:${res.path}` : ""}`,
      };
    } else if (res.type === "directory" || res.directory) {
      unpinned = { kind: "path", spec: res.directory ?? key };
      // a local package inside the project: pnpm locks its dependencies here, so its package.json is covered
      const dir = posixDir(res.directory ?? "");
      if (res.directory && dir !== "." && !dir.startsWith("..") && !posix.isAbsolute(dir)) members.add(dir);
    } else if (tarball) {
      if (tarball.startsWith("file:")) unpinned = { kind: "path", spec: tarball };
      else {
        if (/^https?:\/\//i.test(tarball)) resolved = tarball;
        if (sourceOfResolved(tarball)?.kind === "vcs") unpinned = { kind: "vcs", spec: tarball };
        else if (!registry) unpinned = { kind: "url", spec: tarball };
      }
    } else if (!registry) {
      // No resolution to go by: the key itself (`file:…`, a URL, a git host path).
      const spec = major === 9 ? key.slice(key.indexOf("@", 1) + 1) : key;
      unpinned = { kind: spec.startsWith("file:") ? "path" : "url", spec };
    }

    const id = unpinned ? `${name}@${unpinned.spec}` : `${name}@${version}`;
    let comp = comps.get(id);
    if (!comp) {
      const pkg: ExtractedPackage = { name, version };
      if (line) pkg.line = line;
      if (res.integrity) pkg.hashes = [res.integrity];
      if (resolved) pkg.resolved = resolved;
      if (unpinned) pkg.unpinned = unpinned;
      if (asFlag(entry.requiresBuild)) pkg.installScript = true;
      comp = { pkg, targets: [], unresolved: [] };
      comps.set(id, comp);
    }
    if (major !== 9) {
      comp.scopes ??= new Set();
      for (const s of flagScopes(asFlag(entry.dev), asFlag(entry.optional))) comp.scopes.add(s);
    }
    return comp;
  };

  for (const [key, value] of Object.entries(root.packages ?? {})) {
    const line = lines.packages.get(key);
    const where = `packages[${JSON.stringify(key)}]`;
    const entry = check<PackageEntry | null>(file, isPackageEntry, packageSchema, value, where, line) ?? {};
    const comp = addComp(key, entry, line);
    byPath.set(key, comp);
    const id = removeSuffix(key, major);
    if (!byPath.has(id)) byPath.set(id, comp);
    if (comp && major !== 9) pending.push([comp, entry]);
  }
  if (major === 9) {
    for (const [key, value] of Object.entries(root.snapshots ?? {})) {
      const line = lines.snapshots.get(key);
      const where = `snapshots[${JSON.stringify(key)}]`;
      const snap = check<Snapshot | null>(file, isSnapshot, snapshotSchema, value, where, line) ?? {};
      let comp = byPath.get(key) ?? byPath.get(removeSuffix(key, major));
      if (comp === undefined) {
        // A snapshot without its package entry: what its key says is all there is.
        comp = addComp(removeSuffix(key, major), {}, line);
        byPath.set(removeSuffix(key, major), comp);
      }
      byPath.set(key, comp);
      if (comp) pending.push([comp, snap]);
    }
  }

  const resolveRef = (alias: string, ref: string): Comp | null | undefined => {
    const path = refToDepPath(ref, alias, major);
    if (path === null) return null;
    const found = byPath.get(path) ?? byPath.get(removeSuffix(path, major));
    if (found !== undefined) return found;
    if (major === 5 && !ref.startsWith("/"))
      return byPath.get(`/${alias}/${ref}`) ?? byPath.get(`/${alias}/${removeSuffix(ref, 5)}`);
    return undefined;
  };

  for (const [comp, entry] of pending) {
    for (const deps of [entry.dependencies, entry.optionalDependencies]) {
      if (!deps) continue;
      for (const alias in deps) {
        const ref = deps[alias]!;
        const target = resolveRef(alias, ref);
        if (target === null || target === comp) continue;
        if (target) {
          if (!comp.targets.includes(target)) comp.targets.push(target);
          continue;
        }
        const dep = unresolvedRef(alias, ref, major);
        if (!comp.unresolved.some((u) => u.name === dep.name && u.version === dep.version))
          comp.unresolved.push(dep);
      }
    }
  }

  // Direct dependencies: what each importer (the root project and every workspace member) declares.
  const SECTIONS = [
    ["dependencies", "prod"],
    ["devDependencies", "dev"],
    ["optionalDependencies", "optional"],
  ] as const;
  const directScopes = new Map<Comp, Set<Scope>>();
  for (const [id, imp] of importers) {
    for (const [section, scope] of SECTIONS) {
      for (const [alias, value] of Object.entries(imp[section] ?? {})) {
        const ref = typeof value === "string" ? value : value.version;
        if (ref.startsWith("link:")) {
          const dir = posixDir(posix.join(posixDir(id), ref.slice(5)));
          if (dir !== "." && !dir.startsWith("..")) members.add(dir);
          continue;
        }
        let target = resolveRef(alias, ref);
        if (target === null) continue;
        if (target === undefined) {
          // Declared and resolved but missing from `packages`: still a dependency of the project.
          const dep = unresolvedRef(alias, ref, major);
          const key = `${dep.name}@${dep.version ?? ref}`;
          target = comps.get(key);
          if (!target) {
            const pkg: ExtractedPackage = { name: dep.name, version: dep.version };
            if (!dep.version) pkg.unpinned = { kind: ref.startsWith("file:") ? "path" : "url", spec: ref };
            target = { pkg, targets: [], unresolved: [] };
            comps.set(key, target);
            warnings.push(`importers["${id}"].${section}.${alias}: ${ref} is not in \`packages\``);
          }
        }
        target.pkg.direct = true;
        const set = directScopes.get(target);
        if (set) set.add(scope);
        else directScopes.set(target, new Set([scope]));
      }
    }
  }

  const packages: ExtractedPackage[] = [];
  const order: Scope[] = ["prod", "dev", "optional", "peer"];
  for (const comp of comps.values()) {
    const { pkg } = comp;
    if (importers.size) pkg.direct ??= false;
    const scopes = new Set([...(comp.scopes ?? []), ...(directScopes.get(comp) ?? [])]);
    if (scopes.size) pkg.scopes = order.filter((s) => scopes.has(s));
    if (comp.targets.length || comp.unresolved.length) {
      pkg.dependencies = [
        ...comp.targets.map((t) => ({ name: t.pkg.name, version: t.pkg.version })),
        ...comp.unresolved,
      ];
    }
    packages.push(pkg);
  }
  const result: ExtractResult = { packages };
  if (members.size) result.workspaceMembers = [...members].sort();
  if (warnings.length) result.warnings = warnings;
  return result;
}

/** An edge whose target is not in the file: name (the real one for an alias) and version if the ref has one. */
function unresolvedRef(alias: string, ref: string, major: Major): DependencyRef {
  const path = refToDepPath(ref, alias, major);
  if (path) {
    const parsed = parseRegistryKey(removeSuffix(path, major), major);
    if (parsed) return parsed;
  }
  return { name: alias, version: null };
}
