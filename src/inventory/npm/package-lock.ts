/**
 * npm's lockfiles: `package-lock.json` and `npm-shrinkwrap.json`, lockfileVersion 1, 2 and 3.
 *
 * v2/v3 are read from `packages` (keys are install locations: `node_modules/a/node_modules/@s/b`); the legacy
 * `dependencies` tree of v2 is ignored, as npm ignores it. v1 is read from the nested `dependencies` tree.
 * Reference: npm/cli workspaces/arborist lib/shrinkwrap.js, lib/node.js, lib/calc-dep-flags.js and
 * docs/lib/content/configuring-npm/package-lock-json.md. See docs/formats/package-lock.md.
 */
import { InputError, positionAt } from "../../errors.js";
import type { FileExtractor, FileInput } from "../extractor.js";
import { type JsonLines, jsonMemberLines, jsonObjectLines, jsonPath } from "../json-lines.js";
import type { DependencyRef, ExtractedPackage, ExtractResult, Scope, Unpinned } from "../model.js";
import { formatPath, isRecord, parseJson } from "../text.js";
import { type ProjectManifest, projectManifests } from "./package-json.js";
import {
  classifyNpmSpec,
  matchesWorkspaces,
  sourceOfResolved,
  unpinnedKindOf,
  versionFromTarball,
  workspaceGlobs,
} from "./spec.js";

const FILE_NAMES = new Set(["package-lock.json", "npm-shrinkwrap.json"]);
const SRI = /^(?:sha1|sha256|sha384|sha512|md5)-/i;

export const packageLockExtractor: FileExtractor = {
  id: "package-lock",
  ecosystem: "npm",
  kind: "lockfile",
  description: "npm package-lock.json and npm-shrinkwrap.json (lockfileVersion 1, 2 and 3)",
  matchFile: (baseName) => FILE_NAMES.has(baseName),
  extract: (input) => extractPackageLock(input.file, input.text, input),
};

type Path = (string | number)[];
/** A path, or what can build it (only needed for a message). */
type PathArg = Path | { path(): Path };
const pathOf = (p: PathArg): Path => (Array.isArray(p) ? p : p.path());

/** Throws the InputError for a wrong-typed value at `path`, positioned at the line of the nearest object. */
class Checker {
  private all: JsonLines | undefined;

  constructor(
    readonly file: string,
    /** The document, whose objects' lines are computed only when wanted (v1 entries, an error). */
    private readonly text: string,
  ) {}

  /** Every object's line (computed on first use: v2/v3 read their entries' lines with `jsonMemberLines`). */
  get lines(): JsonLines {
    this.all ??= jsonObjectLines(this.text);
    return this.all;
  }

  fail(path: Path, message: string): never {
    const lines = this.lines;
    let line: number | undefined;
    for (let n = path.length; n > 0 && line === undefined; n--)
      line = lines.get(jsonPath(...path.slice(0, n)));
    throw new InputError(
      this.file,
      `not a valid package-lock: ${formatPath(path)}: ${message}`,
      line ? { line } : undefined,
    );
  }

  /** `value` (the field `key` of the entry at `path`) as a string; undefined when absent. */
  string(value: unknown, path: PathArg, key: string): string | undefined {
    if (typeof value === "string" || value === undefined) return value;
    return this.fail([...pathOf(path), key], `expected a string, found ${describe(value)}`);
  }

  /** A flag (`dev`, `optional`, …): true, false or absent. */
  flag(value: unknown, path: PathArg, key: string): boolean {
    if (value === true) return true;
    if (value === undefined || value === false || value === null) return false;
    return this.fail([...pathOf(path), key], `expected true or false, found ${describe(value)}`);
  }

  /** An object (its values are checked by the caller). */
  map(value: unknown, path: PathArg, key: string): Record<string, unknown> | undefined {
    if (value === undefined || value === null) return undefined;
    if (isRecord(value)) return value;
    return this.fail([...pathOf(path), key], `expected an object of name: version, found ${describe(value)}`);
  }

  /** A `{name: spec}` map (dependencies, optionalDependencies, …, v1 `requires`). */
  specs(value: unknown, path: PathArg, key: string): Record<string, string> | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isRecord(value)) {
      return this.fail(
        [...pathOf(path), key],
        `expected an object of name: version, found ${describe(value)}`,
      );
    }
    for (const name in value) {
      if (typeof value[name] !== "string") {
        this.fail([...pathOf(path), key, name], `expected a version string, found ${describe(value[name])}`);
      }
    }
    return value as Record<string, string>;
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)})`;
  return `${typeof v === "number" ? "a number" : `a ${typeof v}`} (${String(v)})`;
}

/** The scope lists, indexed by dev | optional << 1 | peer << 2 (shared, so frozen). */
const SCOPE_SETS: readonly Scope[][] = (
  [
    ["prod"],
    ["dev"],
    ["optional"],
    ["dev", "optional"],
    ["peer"],
    ["dev", "peer"],
    ["optional", "peer"],
    ["dev", "optional", "peer"],
  ] as Scope[][]
).map((s) => Object.freeze(s) as Scope[]);

function scopesOf(dev: boolean, optional: boolean, devOptional: boolean, peer: boolean): Scope[] {
  return SCOPE_SETS[(dev || devOptional ? 1 : 0) | (optional || devOptional ? 2 : 0) | (peer ? 4 : 0)]!;
}

function hashesOf(integrity: string | undefined): string[] | undefined {
  if (!integrity) return undefined;
  if (SRI.test(integrity) && !integrity.includes(" ")) return [integrity];
  const parts = integrity
    .trim()
    .split(/\s+/)
    .filter((p) => SRI.test(p));
  return parts.length ? [parts.join(" ")] : undefined;
}

/** The real name an alias spec (`npm:bar@^1`) installs, else the name as written. */
function specTarget(name: string, spec: string): string {
  if (!/^(?:npm|jsr):/i.test(spec)) return name;
  const s = classifyNpmSpec(spec);
  return s.type === "alias" && s.name ? s.name : name;
}

/**
 * Reads a package-lock. A v1 lockfile does not record the project's own dependencies nor its workspaces: when
 * `input` is given, the package.json beside it (and its workspace members') are read for them.
 */
export function extractPackageLock(
  file: string,
  text: string,
  input?: Pick<FileInput, "path" | "readText">,
): ExtractResult | Promise<ExtractResult> {
  const data = parseJson(file, text);
  if (!isRecord(data)) {
    throw new InputError(file, `not a package-lock: expected a JSON object, found ${describe(data)}`);
  }
  const version = data.lockfileVersion;
  if (version === undefined) {
    let hint = "";
    if (typeof data.bomFormat === "string") hint = " (this is a CycloneDX SBOM)";
    else if (typeof data.spdxVersion === "string") hint = " (this is an SPDX SBOM)";
    else if (looksLikePackageJson(data)) hint = " (this looks like a package.json)";
    throw new InputError(
      file,
      `not a package-lock: no "lockfileVersion"${hint}; expected an npm lockfile with lockfileVersion 1, 2 or 3`,
    );
  }
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    const at = text.indexOf('"lockfileVersion"');
    throw new InputError(
      file,
      `not a valid package-lock: lockfileVersion: expected 1, 2 or 3, found ${describe(version)}`,
      at >= 0 ? { line: positionAt(text, at).line } : undefined,
    );
  }
  const check: Checker = new Checker(file, text);
  const warnings: string[] = [];
  if (version > 3) {
    warnings.push(`lockfileVersion ${version} is newer than the versions this reader knows (1-3); read as 3`);
  }
  let result: ExtractResult;
  if (data.packages !== undefined) {
    if (!isRecord(data.packages))
      check.fail(["packages"], `expected an object, found ${describe(data.packages)}`);
    result = readPackages(data.packages, text, check, warnings);
  } else if (data.dependencies !== undefined) {
    if (!isRecord(data.dependencies)) {
      check.fail(["dependencies"], `expected an object, found ${describe(data.dependencies)}`);
    }
    const top = data.dependencies;
    if (input) {
      return projectManifests(input.path, input.readText).then((manifests) => {
        const r = readV1(top, check, warnings, manifests);
        if (warnings.length) r.warnings = warnings;
        return r;
      });
    }
    result = readV1(top, check, warnings, []);
  } else {
    result = { packages: [] };
  }
  if (warnings.length) result.warnings = warnings;
  return result;
}

function looksLikePackageJson(data: Record<string, unknown>): boolean {
  if (data.scripts !== undefined || data.devDependencies !== undefined || data.main !== undefined)
    return true;
  const deps = data.dependencies;
  return isRecord(deps) && Object.values(deps).some((v) => typeof v === "string");
}

// ---------------------------------------------------------------------------------------------------------
// lockfileVersion 2 and 3: `packages`

class Loc {
  /** folder: a workspace member (the project) rather than a linked local package (a component). */
  member = false;
  /** The component reported for this location, when there is one. */
  pkg: ExtractedPackage | undefined = undefined;
  /** The edge to this component (shared by every package that depends on it: read-only). */
  ref: DependencyRef | undefined = undefined;
  /** The packages in this location's node_modules, then in the node_modules that holds it. */
  nested: Map<string, Loc> | undefined = undefined;
  siblings: Map<string, Loc> | undefined = undefined;

  constructor(
    readonly key: string,
    readonly entry: Record<string, unknown>,
    readonly kind: "root" | "link" | "folder" | "package",
    /** Real package name (the entry's `name` wins over the folder name: aliases). */
    public name: string,
    readonly version: string | undefined,
    /** link: the target location. */
    readonly target: string | undefined,
    /** package, link: the location whose node_modules holds it. */
    readonly holder: string | undefined,
    readonly line: number | undefined,
  ) {}

  path(): Path {
    return ["packages", this.key];
  }
}

const NM = "node_modules/";
const SLASH_NM = "/node_modules/";

function nameFromLocation(key: string): string {
  const i = key.lastIndexOf(SLASH_NM);
  if (i >= 0) return key.slice(i + SLASH_NM.length);
  if (key.startsWith(NM)) return key.slice(NM.length);
  return key.slice(key.lastIndexOf("/") + 1);
}

/**
 * The next location whose `node_modules` Node's resolution looks in: the package that holds this one
 * (`a/node_modules/b` → `a`), else the parent folder, up to the root `""`; a folder outside the root
 * (`../lib`) does not see the root's node_modules.
 */
function parentLocation(loc: string): string | undefined {
  if (loc === "") return undefined;
  const i = loc.lastIndexOf(SLASH_NM);
  if (i >= 0) return loc.slice(0, i);
  if (loc.startsWith(NM)) return "";
  const slash = loc.lastIndexOf("/");
  const last = loc.slice(slash + 1);
  if (last === ".." || last === ".") return undefined;
  return slash >= 0 ? loc.slice(0, slash) : "";
}

function normaliseTarget(resolved: string): string {
  return resolved
    .replace(/^file:/, "")
    .replace(/\\/g, "/")
    .replace(/^\.\/+/, "")
    .replace(/\/+$/, "");
}

function readPackages(
  packages: Record<string, unknown>,
  text: string,
  check: Checker,
  warnings: string[],
): ExtractResult {
  const tops = new Map<string, Loc>(); // the root and folders, by location
  const order: Loc[] = [];
  // Location → the packages installed in its node_modules, by folder name: resolution looks names up here.
  const children = new Map<string, Map<string, Loc>>();
  const keys = Object.keys(packages);
  const lines = entryLines(text, keys);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const entry = packages[key];
    if (!isRecord(entry)) check.fail(["packages", key], `expected an object, found ${describe(entry)}`);
    let kind: Loc["kind"];
    let target: string | undefined;
    let holder: string | undefined;
    let folderName: string;
    const nm = key.lastIndexOf(SLASH_NM);
    if (nm >= 0) {
      holder = key.slice(0, nm);
      folderName = key.slice(nm + SLASH_NM.length);
    } else if (key.startsWith(NM)) {
      holder = "";
      folderName = key.slice(NM.length);
    } else folderName = key.slice(key.lastIndexOf("/") + 1);
    if (key === "") kind = "root";
    // (The common values are tested before calling the checker: its path argument is an array per call.)
    else if (
      entry.link === true ||
      (entry.link !== undefined && check.flag(entry.link, ["packages", key], "link"))
    ) {
      kind = "link";
      const resolved = check.string(entry.resolved, ["packages", key], "resolved");
      if (resolved !== undefined) target = normaliseTarget(resolved);
    } else kind = holder === undefined ? "folder" : "package";
    const name =
      typeof entry.name === "string" || entry.name === undefined
        ? entry.name
        : check.string(entry.name, ["packages", key], "name");
    const version =
      typeof entry.version === "string"
        ? entry.version
        : check.string(entry.version, ["packages", key], "version");
    const loc = new Loc(key, entry, kind, name || folderName, version, target, holder, lines[i]);
    if (holder === undefined) tops.set(key, loc);
    order.push(loc);
    if (holder !== undefined) {
      const siblings = children.get(holder);
      if (siblings) siblings.set(folderName, loc);
      else children.set(holder, new Map([[folderName, loc]]));
    }
  }
  const parents = new Map<string, string | undefined>();
  const parentOf = (loc: string): string | undefined => {
    let p = parents.get(loc);
    if (p === undefined && !parents.has(loc)) {
      p = parentLocation(loc);
      parents.set(loc, p);
    }
    return p;
  };

  const root = tops.get("");
  let globs: string[] | undefined;
  if (root && root.entry.workspaces !== undefined) {
    globs = workspaceGlobs(root.entry.workspaces);
    if (!globs) {
      const found = describe(root.entry.workspaces);
      check.fail(["packages", "", "workspaces"], `expected an array of globs, found ${found}`);
    }
  }

  // Folder locations are link targets: workspace members (the project) or local packages (`file:` deps).
  const folders = order.filter((l) => l.kind === "folder");
  const members: string[] = [];
  if (folders.length) {
    const linkNames = new Map<string, string[]>();
    for (const loc of order) {
      if (loc.kind !== "link" || loc.target === undefined) continue;
      const names = linkNames.get(loc.target);
      if (names) names.push(nameFromLocation(loc.key));
      else linkNames.set(loc.target, [nameFromLocation(loc.key)]);
    }
    // Without the root's `workspaces`, a folder is a local package when something asks for it by path.
    const byPath = new Set<string>();
    if (!globs) {
      for (const loc of root ? [root, ...folders] : folders) {
        for (const k of TOP_DEP_KEYS) {
          const deps = check.specs(loc.entry[k], loc, k);
          for (const name in deps) if (classifyNpmSpec(deps[name]!).type === "file") byPath.add(name);
        }
      }
    }
    for (const loc of folders) {
      const names = linkNames.get(loc.key) ?? [];
      if (!loc.entry.name && names[0]) loc.name = names[0];
      loc.member = globs
        ? matchesWorkspaces(globs, loc.key)
        : names.length > 0 && !names.some((n) => byPath.has(n));
      if (loc.member) members.push(loc.key);
    }
  }

  /** The location a dependency `name` of `from` resolves to (links followed). */
  for (const loc of order) {
    loc.nested = children.get(loc.key);
    if (loc.holder !== undefined) loc.siblings = children.get(loc.holder);
  }
  /** The entry at a location (a link's target). */
  const locate = (key: string): Loc | undefined => {
    const top = tops.get(key);
    if (top) return top;
    const nm = key.lastIndexOf(SLASH_NM);
    if (nm >= 0) return children.get(key.slice(0, nm))?.get(key.slice(nm + SLASH_NM.length));
    return key.startsWith(NM) ? children.get("")?.get(key.slice(NM.length)) : undefined;
  };
  const resolve = (from: Loc, name: string): Loc | undefined => {
    let found = from.nested?.get(name) ?? from.siblings?.get(name);
    if (!found) {
      let cur = from.holder === undefined ? parentOf(from.key) : parentOf(from.holder);
      for (; !found && cur !== undefined; cur = parentOf(cur)) found = children.get(cur)?.get(name);
    }
    if (found?.kind !== "link") return found;
    return (found.target !== undefined && locate(found.target)) || found;
  };

  // Components.
  const out: ExtractedPackage[] = [];
  for (const loc of order) {
    if (loc.kind === "root" || loc.kind === "link" || loc.member) continue;
    const entry = loc.entry;
    const resolved = loc.kind === "package" ? check.string(entry.resolved, loc, "resolved") : undefined;
    const integrity = check.string(entry.integrity, loc, "integrity");
    let unpinned: Unpinned | undefined;
    if (loc.kind === "folder") unpinned = { kind: "path", spec: `file:${loc.key}` };
    else if (resolved && !REGISTRY_NPMJS.test(resolved)) unpinned = sourceOfResolved(resolved);
    if (!loc.version && !unpinned) {
      const why = check.flag(entry.extraneous, loc, "extraneous") ? "extraneous" : "not installed";
      warnings.push(`${formatPath(loc.path())}: no version (${why}); skipped`);
      continue;
    }
    // One literal with every field (absent ones undefined): adding fields one by one is several times slower.
    const pkg: ExtractedPackage = {
      name: loc.name,
      version: loc.version || null,
      direct: root ? false : undefined,
      scopes: scopesOf(
        check.flag(entry.dev, loc, "dev"),
        check.flag(entry.optional, loc, "optional"),
        check.flag(entry.devOptional, loc, "devOptional"),
        check.flag(entry.peer, loc, "peer"),
      ),
      hashes: hashesOf(integrity),
      line: loc.line,
      dependencies: undefined,
      unpinned,
      resolved: resolved || undefined,
      ...(check.flag(entry.hasInstallScript, loc, "hasInstallScript") === true
        ? { installScript: true }
        : {}),
    };
    check.flag(entry.inBundle, loc, "inBundle");
    loc.pkg = pkg;
    out.push(pkg);
  }

  // Direct dependencies: those of the root and of the workspace members, resolved from where they are.
  for (const key of root ? ["", ...members] : []) {
    const loc = tops.get(key)!;
    for (const k of TOP_DEP_KEYS) {
      const deps = check.specs(loc.entry[k], loc, k);
      for (const name in deps) {
        const to = resolve(loc, name);
        if (to?.pkg) to.pkg.direct = true;
      }
    }
  }

  // Edges: each component's dependencies, resolved from its location (a linked package's from its target).
  // One function for every package (not a closure per package): this runs once per dependency in the file.
  const addEdges = (
    loc: Loc,
    map: Record<string, unknown> | undefined,
    key: string,
    required: boolean,
    edges: DependencyRef[],
    seen: Set<string> | undefined,
  ): void => {
    for (const name in map) {
      const spec = map[name];
      if (typeof spec !== "string")
        check.fail([...loc.path(), key, name], `expected a version string, found ${describe(spec)}`);
      if (seen) {
        if (seen.has(name)) continue;
        seen.add(name);
      }
      const to = resolve(loc, name);
      if (to) {
        if (to.kind === "root" || to.member) continue; // the project itself
        if (to.pkg) {
          if (!to.ref) to.ref = { name: to.pkg.name, version: to.pkg.version };
          edges.push(to.ref);
        } else edges.push({ name: to.name, version: null });
      } else if (required) {
        edges.push({ name: specTarget(name, spec), version: null });
      }
      // a missing optional or peer dependency is not an edge
    }
  };
  for (const loc of order) {
    const pkg = loc.pkg;
    if (!pkg) continue;
    const entry = loc.entry;
    const edges: DependencyRef[] = [];
    const deps = check.map(entry.dependencies, loc, "dependencies");
    const optional = check.map(entry.optionalDependencies, loc, "optionalDependencies");
    const peer = check.map(entry.peerDependencies, loc, "peerDependencies");
    const dev = loc.kind === "folder" ? check.map(entry.devDependencies, loc, "devDependencies") : undefined;
    const several = (deps ? 1 : 0) + (optional ? 1 : 0) + (peer ? 1 : 0) + (dev ? 1 : 0) > 1;
    const seen = several ? new Set<string>() : undefined;
    addEdges(loc, deps, "dependencies", true, edges, seen);
    addEdges(loc, optional, "optionalDependencies", false, edges, seen);
    addEdges(loc, peer, "peerDependencies", false, edges, seen);
    addEdges(loc, dev, "devDependencies", true, edges, seen);
    pkg.dependencies = edges;
  }

  const result: ExtractResult = { packages: out };
  // Directories whose package.json this lock covers: the workspace members, and the linked local packages
  // inside the project (npm locks their dependencies too).
  const covered = folders.filter((l) => l.member || !l.key.startsWith("../")).map((l) => l.key);
  if (covered.length) result.workspaceMembers = covered;
  return result;
}

/**
 * The lines of the `packages` entries, in the order of `keys` (JSON.parse's): the document's order, unless a key
 * is integer-like (JSON.parse puts those first) or written twice (the last one's line, as jsonObjectLines gives);
 * from the first key out of step, the rest are looked up by key instead.
 */
function entryLines(text: string, keys: string[]): (number | undefined)[] {
  const doc = jsonMemberLines(text, "packages");
  const out = new Array<number | undefined>(keys.length);
  let i = 0;
  // a key written twice makes the document's list longer: then none is taken by position
  if (doc.keys.length === keys.length) {
    for (; i < keys.length && doc.keys[i] === keys[i]; i++) out[i] = doc.lines[i];
  }
  if (i < keys.length) {
    const byKey = new Map<string, number>();
    for (let j = 0; j < doc.keys.length; j++) byKey.set(doc.keys[j]!, doc.lines[j]!);
    for (; i < keys.length; i++) out[i] = byKey.get(keys[i]!);
  }
  return out;
}

const TOP_DEP_KEYS = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"] as const;
/** The public registry's tarballs, the common case, skip the source classification. */
const REGISTRY_NPMJS =
  /^https:\/\/registry\.(?:npmjs\.org|yarnpkg\.com)\/(?:@[^/]+\/)?[^/@]+\/-\/[^/]+\.tgz$/;

// ---------------------------------------------------------------------------------------------------------
// lockfileVersion 1: the nested `dependencies` tree

class V1Node {
  pkg: ExtractedPackage | undefined = undefined;

  constructor(
    readonly key: string,
    readonly entry: Record<string, unknown>,
    readonly parent: V1Node | undefined,
    /** `jsonPath` of the entry, for its line. */
    readonly at: string,
  ) {}

  /** `dependencies.a.dependencies.b`: built only for messages. */
  path(): Path {
    const keys: string[] = [];
    for (let n: V1Node | undefined = this; n?.parent; n = n.parent) keys.push(n.key);
    const path: Path = [];
    for (let i = keys.length - 1; i >= 0; i--) path.push("dependencies", keys[i]!);
    return path;
  }
}

const PLAIN_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

interface V1Version {
  name: string;
  version: string | null;
  unpinned?: Unpinned;
}

/** What a v1 `version` says: a version, an alias `npm:bar@1.2.3`, a git URL, a tarball URL or a `file:` path. */
function v1Version(key: string, raw: string, resolved: string | undefined): V1Version | string {
  if (PLAIN_VERSION.test(raw)) {
    const unpinned = resolved && !REGISTRY_NPMJS.test(resolved) ? sourceOfResolved(resolved) : undefined;
    return { name: key, version: raw, unpinned };
  }
  if (/^npm:/i.test(raw)) {
    const body = raw.slice(4);
    const at = body.lastIndexOf("@");
    const inner = at > 0 ? classifyNpmSpec(body.slice(at + 1)) : undefined;
    if (inner?.type !== "version") return `alias ${JSON.stringify(raw)} has no exact version`;
    return { name: body.slice(0, at), version: inner.version };
  }
  const spec = classifyNpmSpec(raw);
  switch (spec.type) {
    case "version":
      return { name: key, version: spec.version, unpinned: sourceOfResolved(resolved) };
    case "git":
      return { name: key, version: null, unpinned: { kind: "vcs", spec: raw } };
    case "remote":
      return {
        name: key,
        version: versionFromTarball(key, raw) ?? null,
        unpinned: { kind: "url", spec: raw },
      };
    case "file":
      return {
        name: key,
        version: versionFromTarball(key, raw) ?? null,
        unpinned: { kind: "path", spec: raw },
      };
    default:
      return { name: key, version: null, unpinned: { kind: unpinnedKindOf(spec) ?? "range", spec: raw } };
  }
}

/**
 * lockfileVersion 1. `manifests`: the project's package.json files (root first), when readable: top-level
 * `file:` entries inside the root's workspace globs are the workspace members (the project, not components), and
 * the root's and the members' dependencies say which entries are direct.
 */
function readV1(
  top: Record<string, unknown>,
  check: Checker,
  warnings: string[],
  manifests: ProjectManifest[],
): ExtractResult {
  const out: ExtractedPackage[] = [];
  const rootManifest = manifests.find((m) => m.dir === "")?.data;
  const globs = rootManifest ? workspaceGlobs(rootManifest.workspaces) : undefined;
  const members: V1Node[] = [];
  const localDirs: string[] = [];
  const nodes: V1Node[] = [];
  const nodeOf = new Map<Record<string, unknown>, V1Node>(); // entry → node, to resolve `requires`
  const root = new V1Node("", { dependencies: top }, undefined, "");

  const visit = (parent: V1Node, children: Record<string, unknown>): void => {
    for (const key of Object.keys(children)) {
      const entry = children[key];
      const at = parent.at === "" ? `dependencies\u0000${key}` : `${parent.at}\u0000dependencies\u0000${key}`;
      const node = new V1Node(key, entry as Record<string, unknown>, parent, at);
      if (!isRecord(entry)) check.fail(node.path(), `expected an object, found ${describe(entry)}`);
      nodeOf.set(entry, node);
      nodes.push(node);
      const raw = check.string(entry.version, node, "version");
      const resolved = check.string(entry.resolved, node, "resolved");
      const integrity = check.string(entry.integrity, node, "integrity");
      const info = raw === undefined ? "no version" : v1Version(key, raw, resolved);
      const local = parent === root && raw?.startsWith("file:") ? localDir(raw) : undefined;
      if (local !== undefined && globs?.length && matchesWorkspaces(globs, local)) {
        members.push(node); // a workspace member: the project itself; its nested entries are still read
        localDirs.push(local);
      } else if (typeof info === "string") {
        // an optional dependency npm did not install (another platform's binary): nothing to report
        if (!(raw === undefined && check.flag(entry.optional, node, "optional")))
          warnings.push(`${formatPath(node.path())}: ${info}; skipped`);
      } else {
        if (local !== undefined) localDirs.push(local);
        const pkg: ExtractedPackage = {
          name: info.name,
          version: info.version,
          direct: undefined,
          scopes: scopesOf(
            check.flag(entry.dev, node, "dev"),
            check.flag(entry.optional, node, "optional"),
            false,
            false,
          ),
          hashes: hashesOf(integrity),
          line: check.lines.get(at),
          dependencies: undefined,
          unpinned: info.unpinned,
          resolved: resolved || (info.unpinned?.kind === "url" ? raw : undefined),
        };
        check.flag(entry.bundled, node, "bundled");
        node.pkg = pkg;
        out.push(pkg);
      }
      const nested = entry.dependencies;
      if (nested !== undefined) {
        if (!isRecord(nested))
          check.fail([...node.path(), "dependencies"], `expected an object, found ${describe(nested)}`);
        visit(node, nested);
      }
    }
  };
  visit(root, top);

  // Edges: `requires` names resolve to the nearest entry of that name up the nesting.
  for (const node of nodes) {
    const pkg = node.pkg;
    if (!pkg) continue;
    const requires = node.entry.requires;
    const edges: DependencyRef[] = [];
    pkg.dependencies = edges;
    if (requires === undefined || typeof requires === "boolean") continue;
    const specs = check.map(requires, node, "requires");
    for (const name in specs) {
      const spec = specs[name];
      if (typeof spec !== "string")
        check.fail([...node.path(), "requires", name], `expected a version string, found ${describe(spec)}`);
      let found: unknown;
      for (let n: V1Node | undefined = node; n && found === undefined; n = n.parent) {
        const children = n.entry.dependencies as Record<string, unknown> | undefined;
        if (children && Object.hasOwn(children, name)) found = children[name];
      }
      const toNode = found === undefined ? undefined : nodeOf.get(found as Record<string, unknown>);
      const to = toNode?.pkg;
      if (to) edges.push({ name: to.name, version: to.version });
      else if (toNode && (members.includes(toNode) || toNode.entry.optional === true)) {
        // the project itself, or an optional dependency npm did not install: no edge
      } else edges.push({ name: specTarget(name, spec), version: null });
    }
  }

  // Direct: the root's dependencies (top-level entries) and each member's (`requires`, resolved from it).
  if (rootManifest) {
    const resolveFrom = (from: V1Node, name: string): ExtractedPackage | undefined => {
      for (let n: V1Node | undefined = from; n; n = n.parent) {
        const children = n.entry.dependencies as Record<string, unknown> | undefined;
        if (children && Object.hasOwn(children, name)) return nodeOf.get(children[name] as never)?.pkg;
      }
      return undefined;
    };
    for (const k of TOP_DEP_KEYS) {
      const deps = rootManifest[k];
      if (!isRecord(deps)) continue;
      for (const name in deps) {
        const pkg = resolveFrom(root, name);
        if (pkg) pkg.direct = true;
      }
    }
    for (const member of members) {
      const requires = member.entry.requires;
      if (!isRecord(requires)) continue;
      for (const name in requires) {
        const pkg = resolveFrom(member, name);
        if (pkg) pkg.direct = true;
      }
    }
    for (const pkg of out) pkg.direct ??= false;
  }
  const result: ExtractResult = { packages: out };
  // Manifests this lock covers: the members', and those of local packages inside the project.
  const covered = localDirs.filter((d) => d !== "" && d !== "." && !d.startsWith("../") && d !== "..");
  if (covered.length) result.workspaceMembers = [...new Set(covered)].sort();
  return result;
}

/** The directory of a v1 `file:` version that is a folder (not a tarball), relative and posix. */
function localDir(raw: string): string | undefined {
  const p = raw.slice(5).replace(/\\/g, "/");
  if (/\.(?:tgz|tar\.gz|tar)$/i.test(p) || p.startsWith("/") || /^[a-zA-Z]:/.test(p)) return undefined;
  return p.replace(/^\.\//, "").replace(/\/+$/, "");
}
