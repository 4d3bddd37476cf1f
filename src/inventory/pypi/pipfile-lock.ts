/**
 * Pipfile.lock (pipenv, JSON): `_meta`, then one object of locked packages per category: `default` (prod),
 * `develop` (dev) and custom categories (dev). Entries: `version` ("==1.2.3"), `hashes`, `markers`,
 * `extras`, `index`, or a VCS (`git`/`hg`/`svn`/`bzr` + `ref`), `path` or `file` source, `editable`.
 * The lock does not say which packages are direct, nor record edges.
 */
import { InputError } from "../../errors.js";
import type { FileExtractor, FileInput } from "../extractor.js";
import { jsonObjectLines, jsonPath } from "../json-lines.js";
import type { ExtractedPackage, ExtractResult, Scope } from "../model.js";
import { normalisePypiName } from "../normalise.js";
import { formatPath, isRecord, parseJson } from "../text.js";
import { distributionFromFileName, isArchivePath, referenceKind } from "./pep508.js";
import { isInsideDir, relativeDir } from "./toml-lines.js";

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (isRecord(v)) return "an object";
  return `a ${typeof v}`;
}

function scopeOf(category: string): Scope {
  return category === "default" ? "prod" : "dev";
}

function extract(input: FileInput): ExtractResult {
  const data = parseJson(input.file, input.text);
  if (!isRecord(data) || !isRecord(data._meta) || !isRecord(data.default)) {
    throw new InputError(
      input.file,
      'not a Pipfile.lock: expected a JSON object with "_meta" and "default" objects (pipenv lock format)',
      { line: 1 },
    );
  }
  const lines = jsonObjectLines(input.text);
  const lineOf = (path: string[]) => {
    for (let k = path.length; k > 0; k--) {
      const at = lines.get(jsonPath(...path.slice(0, k)));
      if (at !== undefined) return at;
    }
    return undefined;
  };
  const fail: (path: (string | number)[], detail: string) => never = (path, detail) => {
    const at = lineOf(path.filter((p): p is string => typeof p === "string"));
    throw new InputError(
      input.file,
      `not a valid Pipfile.lock: ${formatPath(path)}: ${detail}`,
      at ? { line: at } : undefined,
    );
  };

  const packages: ExtractedPackage[] = [];
  const members = new Set<string>();
  /** By name as written: the same name and version in several categories is one package with several scopes. */
  const seen = new Map<string, ExtractedPackage>();
  for (const category in data) {
    if (category === "_meta") continue;
    const body = data[category];
    if (!isRecord(body)) {
      if (category === "develop") fail([category], `expected an object of packages, got ${typeName(body)}`);
      continue; // an unknown non-category field
    }
    const scope = scopeOf(category);
    const scopes: Scope[] = [scope]; // shared by this category's entries until one is merged
    const names = Object.keys(body);
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const entry = body[name];
      if (!isRecord(entry)) fail([category, name], `expected an object, got ${typeName(entry)}`);
      const bad = invalidField(entry);
      if (bad) fail([category, name, bad.key], bad.detail);
      const localPath = entry.path as string | undefined;
      if (localPath !== undefined && !isArchivePath(localPath)) {
        // `-e .`: the project itself, not a dependency.
        if (relativeDir(localPath) === ".") continue;
        // A project directory inside this one: its dependencies are locked here too.
        if (isInsideDir(localPath)) members.add(relativeDir(localPath));
      }
      const pkg = readEntry(name, entry, scopes, lines.get(`${category}\u0000${name}`));
      const same = seen.get(name);
      if (same && same.version === pkg.version && same.unpinned?.spec === pkg.unpinned?.spec) {
        if (!same.scopes!.includes(scope)) same.scopes = [...same.scopes!, scope];
        if (pkg.hashes) same.hashes = [...new Set([...(same.hashes ?? []), ...pkg.hashes])];
        continue;
      }
      if (!same) seen.set(name, pkg);
      packages.push(pkg);
    }
  }
  return members.size ? { packages, workspaceMembers: [...members].sort() } : { packages };
}

const STRING_FIELDS = [
  "version",
  "markers",
  "index",
  "ref",
  "path",
  "file",
  "subdirectory",
  "git",
  "hg",
  "svn",
  "bzr",
];

const ARRAY_FIELDS = ["hashes", "extras"];

/** The first field of an entry with the wrong type, if any (only the fields this extractor reads). */
function invalidField(entry: Record<string, unknown>): { key: string; detail: string } | undefined {
  for (let i = 0; i < STRING_FIELDS.length; i++) {
    const key = STRING_FIELDS[i]!;
    const v = entry[key];
    if (v !== undefined && typeof v !== "string")
      return { key, detail: `expected a string, got ${typeName(v)}` };
  }
  for (const key of ARRAY_FIELDS) {
    const v = entry[key];
    if (v === undefined) continue;
    if (!Array.isArray(v)) return { key, detail: `expected an array of strings, got ${typeName(v)}` };
    for (let i = 0; i < v.length; i++) {
      if (typeof v[i] !== "string")
        return { key: `${key}`, detail: `expected an array of strings, got ${typeName(v[i])} at [${i}]` };
    }
  }
  const editable = entry.editable;
  if (editable !== undefined && typeof editable !== "boolean") {
    return { key: "editable", detail: `expected a boolean, got ${typeName(editable)}` };
  }
  return undefined;
}

/** `==1.2.*`, `==1,<2`, `== 1 2`: not one exact version. */
const NOT_EXACT = /^===?\s*$|[,*]|\S\s+\S/;

function readEntry(
  name: string,
  entry: Record<string, unknown>,
  scopes: Scope[],
  line: number | undefined,
): ExtractedPackage {
  const pkg: ExtractedPackage = { name, version: null, scopes, line };
  const version = entry.version as string | undefined;
  if (version !== undefined) {
    const v = version.trim();
    if (v.startsWith("==") && !NOT_EXACT.test(v))
      pkg.version = v.slice(v.startsWith("===") ? 3 : 2).trimStart();
    else if (v !== "") pkg.unpinned = { kind: v === "*" ? "any" : "range", spec: v };
  }
  const vcs =
    entry.git !== undefined
      ? "git"
      : entry.hg !== undefined
        ? "hg"
        : entry.svn !== undefined
          ? "svn"
          : entry.bzr !== undefined
            ? "bzr"
            : undefined;
  const localPath = entry.path as string | undefined;
  const file = entry.file as string | undefined;
  if (vcs) {
    const url = entry[vcs] as string;
    const ref = entry.ref as string | undefined;
    pkg.unpinned = { kind: "vcs", spec: ref ? `${url}@${ref}` : url };
  } else if (localPath !== undefined) {
    pkg.unpinned = { kind: entry.editable === true ? "editable" : "path", spec: localPath };
    pkg.version ??= archiveVersion(name, localPath);
  } else if (file !== undefined) {
    const kind = referenceKind(file);
    pkg.unpinned = { kind: entry.editable === true && kind === "path" ? "editable" : kind, spec: file };
    if (kind === "url") pkg.resolved = file;
    if (kind !== "vcs") pkg.version ??= archiveVersion(name, file);
  } else if (version === undefined) {
    pkg.unpinned = { kind: "any", spec: "*" };
  }
  const hashes = entry.hashes as string[] | undefined;
  if (hashes?.length) pkg.hashes = hashes;
  const markers = entry.markers as string | undefined;
  if (markers?.trim()) pkg.markers = markers.trim();
  const extras = entry.extras as string[] | undefined;
  if (extras?.length) pkg.extras = extras;
  return pkg;
}

function archiveVersion(name: string, ref: string): string | null {
  const dist = distributionFromFileName(ref);
  return dist && normalisePypiName(dist.name) === normalisePypiName(name) ? dist.version : null;
}

export const pipfileLockExtractor: FileExtractor = {
  id: "pipfile-lock",
  ecosystem: "PyPI",
  kind: "lockfile",
  description: "Pipfile.lock (pipenv): default, develop and custom categories, with hashes and markers",
  matchFile: (baseName) => baseName === "Pipfile.lock",
  extract,
};
