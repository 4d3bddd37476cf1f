/**
 * pdm.lock: every `[[package]]` PDM locked (lock_version 3.x and 4.x). PDM locks a package requested with
 * extras (`requests[socks]`) as a second entry of the same name and version: it is merged into the base one.
 * Reference: pdm-project/pdm src/pdm/project/lockfile/pdmlock.py (`format_lockfile`) and
 * src/pdm/models/candidates.py (`as_lockfile_entry`).
 */
import { dirname, join } from "node:path";
import { z } from "zod";
import { InputError } from "../../errors.js";
import type { FileExtractor, FileInput } from "../extractor.js";
import type { DependencyRef, ExtractedPackage, ExtractResult, Scope, Unpinned } from "../model.js";
import { SCOPES } from "../model.js";
import { normalisePypiName } from "../normalise.js";
import { isRecord, parseToml } from "../text.js";
import { isArchivePath, parseRequirement, pinnedVersion } from "./pep508.js";
import {
  entryLines,
  groupByName,
  isInsideDir,
  keyLine,
  majorVersion,
  relativeDir,
  validateEntries,
} from "./toml-lines.js";

const FileEntry = z.object({ file: z.string().optional(), url: z.string().optional(), hash: z.string() });

const VCS_KEYS = ["git", "hg", "svn", "bzr"] as const;

const Package = z.object({
  name: z.string().min(1),
  version: z.string().optional(),
  extras: z.array(z.string()).optional(),
  groups: z.array(z.string()).optional(),
  // Before groups (PDM 1.x) the same list was called sections.
  sections: z.array(z.string()).optional(),
  marker: z.string().optional(),
  dependencies: z.array(z.string()).optional(),
  files: z.array(FileEntry).optional(),
  git: z.string().optional(),
  hg: z.string().optional(),
  svn: z.string().optional(),
  bzr: z.string().optional(),
  ref: z.string().optional(),
  revision: z.string().optional(),
  subdirectory: z.string().optional(),
  path: z.string().optional(),
  url: z.string().optional(),
  editable: z.boolean().optional(),
  conda_managed: z.boolean().optional(),
});
type Package = z.infer<typeof Package>;

const Lock = z.object({
  metadata: z.object({
    lock_version: z.string().optional(),
    // lock_version < 4.1: hashes per `"name version"` key.
    files: z.record(z.string(), z.array(FileEntry)).optional(),
  }),
  package: z.array(Package).optional(),
});

const WHAT = "pdm.lock";

export const pdmLockExtractor: FileExtractor = {
  id: "pdm-lock",
  ecosystem: "PyPI",
  kind: "lockfile",
  description: "PDM lockfile (pdm.lock, lock_version 3.x and 4.x)",
  matchFile: (baseName) => baseName === "pdm.lock",
  extract,
};

/** One component: a base entry with the extras entries of the same name and version merged in. */
interface Merged {
  /** The base entry (or the first extras entry when there is none). */
  pkg: Package;
  /** The name without `[extras]` (PDM 1.x wrote `name = "requests[socks]"`), and its normalised form. */
  name: string;
  key: string;
  line?: number;
  entries: Package[];
  extras: string[];
}

async function extract(input: FileInput): Promise<ExtractResult> {
  const { file, text } = input;
  const data = parseToml(file, text);
  if (!isRecord(data.metadata)) {
    throw new InputError(file, "not a pdm.lock: no [metadata] table (expected one with lock_version)");
  }
  const version = data.metadata.lock_version;
  if (version !== undefined) {
    const major = majorVersion(version);
    if (major === undefined || major > 4) {
      const line = keyLine(text, "lock_version");
      throw new InputError(
        file,
        `unsupported pdm.lock lock_version ${JSON.stringify(version)} (expected 3.x or 4.x)`,
        line ? { line } : undefined,
      );
    }
  }
  const count = Array.isArray(data.package) ? data.package.length : 0;
  const lines = entryLines(text, "package", count);
  const lock = validateEntries(file, Lock, data, WHAT, "package", lines);
  const warnings: string[] = [];

  const metaFiles = new Map<string, z.infer<typeof FileEntry>[]>();
  for (const [key, list] of Object.entries(lock.metadata.files ?? {})) {
    const space = key.lastIndexOf(" ");
    if (space <= 0) continue;
    const { name } = splitExtras(key.slice(0, space));
    const k = `${normalisePypiName(name)} ${key.slice(space + 1)}`;
    const prior = metaFiles.get(k);
    metaFiles.set(k, prior ? [...prior, ...list] : list);
  }

  // Merge extras entries into the entry of the same name and version (and source).
  const merged = new Map<string, Merged>();
  const order: Merged[] = [];
  const members = new Set<string>();
  (lock.package ?? []).forEach((p, index) => {
    // A local project directory inside this one: its own dependencies are locked here too.
    const dir = localDirectory(p);
    if (dir !== undefined && isInsideDir(dir)) members.add(relativeDir(dir));
    if (p.conda_managed) {
      warnings.push(`${p.name} ${p.version ?? ""}: a conda package (pdm-conda), not from PyPI: skipped`);
      return;
    }
    if (isProjectItself(p)) return;
    const { name, extras } = splitExtras(p.name);
    if (p.extras) extras.push(...p.extras);
    const norm = normalisePypiName(name);
    const id = `${norm}\u0000${p.version ?? ""}\u0000${originOf(p)}`;
    const m = merged.get(id);
    if (!m) {
      const entry: Merged = { pkg: p, name, key: norm, line: lines[index], entries: [p], extras };
      merged.set(id, entry);
      order.push(entry);
      return;
    }
    m.entries.push(p);
    m.extras.push(...extras);
    if (extras.length === 0) {
      // The base entry gives version, source, marker and line when an extras entry came first.
      m.pkg = p;
      m.line = lines[index] ?? m.line;
    }
  });

  const byName = groupByName(order, (m) => m.key);

  const optionalGroups = await extrasOfProject(input);
  const out: ExtractedPackage[] = [];
  for (const m of order) {
    const p = m.pkg;
    const pkg: ExtractedPackage = { name: m.name, version: p.version ?? null };
    if (m.line) pkg.line = m.line;
    const scopes = scopesOf(m.entries, optionalGroups);
    if (scopes) pkg.scopes = scopes;
    const hashes = hashesOf(m, metaFiles);
    if (hashes.length) pkg.hashes = hashes;
    const deps = dependenciesOf(m, byName, warnings);
    if (deps.length) pkg.dependencies = deps;
    sourceOf(p, pkg);
    if (p.marker) pkg.markers = p.marker;
    if (m.extras.length) pkg.extras = [...new Set(m.extras)].sort();
    out.push(pkg);
  }
  const result: ExtractResult = { packages: out };
  if (warnings.length) result.warnings = warnings;
  if (members.size) result.workspaceMembers = [...members].sort();
  return result;
}

/** The directory of a package locked from a local directory (`path`, or a `file:///${PROJECT_ROOT}/…` url). */
function localDirectory(p: Package): string | undefined {
  let dir = p.path;
  if (dir === undefined && p.url !== undefined) {
    const m = /^file:\/*\$\{PROJECT_ROOT\}\/?(.*)$/.exec(p.url);
    if (m) dir = m[1]!.replace(/[#?].*$/s, "") || ".";
  }
  return dir === undefined || isArchivePath(dir) ? undefined : dir;
}

/** The project's own package, installed from its directory (`-e file:///${PROJECT_ROOT}` in a group). */
function isProjectItself(p: Package): boolean {
  if (p.path !== undefined) return relativeDir(p.path) === ".";
  return p.url !== undefined && /^file:\/*\$\{PROJECT_ROOT\}\/?(?:[#?].*)?$/s.test(p.url);
}

/** `requests[socks,use-chardet]` → requests and its extras. */
function splitExtras(name: string): { name: string; extras: string[] } {
  const m = /^([^[\s]+)\s*\[([^\]]*)\]\s*$/.exec(name);
  if (!m) return { name, extras: [] };
  return {
    name: m[1]!,
    extras: m[2]!
      .split(",")
      .map((e) => e.trim())
      .filter((e) => e),
  };
}

/** What tells two entries of one name and version apart besides extras: their source. */
function originOf(p: Package): string {
  for (const k of VCS_KEYS) if (p[k] !== undefined) return `${k}:${p[k]}`;
  if (p.url !== undefined) return `url:${p.url}`;
  if (p.path !== undefined) return `path:${p.path}`;
  return "";
}

/**
 * The lock records both kinds of group under `groups` alike; the project's pyproject.toml beside it says which
 * are extras (`[project.optional-dependencies]`). Their names, normalised; empty when there is no such file.
 */
async function extrasOfProject(input: FileInput): Promise<Set<string>> {
  const out = new Set<string>();
  let text: string;
  try {
    text = await input.readText(join(dirname(input.path), "pyproject.toml"));
  } catch {
    return out;
  }
  try {
    const data = parseToml("pyproject.toml", text);
    const project = isRecord(data.project) ? data.project : undefined;
    const extras =
      project && isRecord(project["optional-dependencies"]) ? project["optional-dependencies"] : {};
    for (const name of Object.keys(extras)) out.add(normalisePypiName(name));
  } catch {
    // an unreadable manifest is reported when it is read itself
  }
  return out;
}

/**
 * `groups` (`sections` before PDM 2): default → prod, an extra of the project → optional, any other group →
 * dev; undefined when not recorded.
 */
function scopesOf(entries: Package[], optionalGroups: Set<string>): Scope[] | undefined {
  const set = new Set<Scope>();
  let recorded = false;
  for (const e of entries) {
    const groups = e.groups ?? e.sections;
    if (!groups) continue;
    recorded = true;
    for (const g of groups) {
      if (g === "default") set.add("prod");
      else set.add(optionalGroups.has(normalisePypiName(g)) ? "optional" : "dev");
    }
  }
  if (!recorded || set.size === 0) return undefined;
  return SCOPES.filter((s) => set.has(s));
}

/** The hashes of the files of every merged entry: inline `files`, or the older `[metadata.files]` table. */
function hashesOf(m: Merged, metaFiles: Map<string, z.infer<typeof FileEntry>[]>): string[] {
  const out: string[] = [];
  for (const e of m.entries) {
    const files = e.files ?? metaFiles.get(`${m.key} ${e.version ?? ""}`) ?? [];
    for (const f of files) if (f.hash) out.push(f.hash);
  }
  return m.entries.length > 1 ? [...new Set(out)] : out;
}

/** Edges from the PEP 508 `dependencies` strings; a pin (`==1.2`) picks that version among several. */
function dependenciesOf(m: Merged, byName: Map<string, Merged[]>, warnings: string[]): DependencyRef[] {
  const out: DependencyRef[] = [];
  const targets: Merged[] = [];
  for (const e of m.entries) {
    for (const line of e.dependencies ?? []) {
      const req = parseRequirement(line);
      if (!req) {
        warnings.push(`${m.name}: dependency ${JSON.stringify(line)} is not a PEP 508 requirement: skipped`);
        continue;
      }
      let candidates = byName.get(normalisePypiName(req.name));
      if (!candidates) continue; // not locked (a marker that never holds)
      if (candidates.length > 1) {
        const pin = pinnedVersion(req.specifier);
        const exact = pin ? candidates.filter((c) => c.pkg.version === pin) : [];
        if (exact.length) candidates = exact;
      }
      for (const c of candidates) {
        // An extras entry depends on its own base package (`requests==2.32.3`): not an edge.
        if (c === m || targets.includes(c)) continue;
        targets.push(c);
        out.push({ name: req.name, version: c.pkg.version ?? null });
      }
    }
  }
  return out;
}

/** VCS, path and URL entries: where a package that is not a plain index release comes from. */
function sourceOf(p: Package, pkg: ExtractedPackage): void {
  let unpinned: Unpinned | undefined;
  const vcs = VCS_KEYS.find((k) => p[k] !== undefined);
  if (vcs) {
    const at = p.revision || p.ref;
    let spec = `${vcs}+${p[vcs]}${at ? `@${at}` : ""}`;
    if (p.subdirectory) spec += `#subdirectory=${p.subdirectory}`;
    unpinned = { kind: "vcs", spec };
  } else if (p.path !== undefined) {
    unpinned = { kind: p.editable ? "editable" : "path", spec: p.path };
  } else if (p.url !== undefined) {
    if (/^file:/i.test(p.url)) unpinned = { kind: p.editable ? "editable" : "path", spec: p.url };
    else {
      unpinned = { kind: "url", spec: p.url };
      pkg.resolved = p.url;
    }
  }
  if (unpinned) pkg.unpinned = unpinned;
}
