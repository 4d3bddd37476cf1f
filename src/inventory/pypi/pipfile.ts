/**
 * Pipfile (pipenv's manifest, TOML): `[packages]` (prod), `[dev-packages]` (dev) and custom package
 * categories (dev). Values are a version specifier string or a table (version / extras / markers / index,
 * or a git / path / file source). Every entry is a direct dependency.
 */
import { InputError } from "../../errors.js";
import type { FileExtractor, FileInput } from "../extractor.js";
import type { ExtractedPackage, ExtractResult, Scope } from "../model.js";
import { normalisePypiName } from "../normalise.js";
import { formatPath, isRecord, parseToml } from "../text.js";
import { distributionFromFileName, pinnedVersion, referenceKind } from "./pep508.js";
import { tomlLineOf, tomlValueLines } from "./pyproject.js";
import { relativeDir } from "./toml-lines.js";

/** Top-level tables that are not package categories (pipenv's NON_CATEGORY_SECTIONS). */
const NON_CATEGORY = new Set(["source", "requires", "scripts", "pipenv", "build-system"]);
const VCS_KEYS = ["git", "hg", "svn", "bzr"] as const;
/** PEP 508 marker variables pipenv accepts as keys of a package table (`sys_platform = "== 'win32'"`). */
const MARKER_KEYS = [
  "os_name",
  "sys_platform",
  "platform_machine",
  "platform_python_implementation",
  "platform_release",
  "platform_system",
  "platform_version",
  "python_version",
  "python_full_version",
  "implementation_name",
  "implementation_version",
];
const STRING_KEYS = ["version", "markers", "index", "ref", "path", "file", "subdirectory", ...VCS_KEYS];
/** What pipenv's COMPARE_OP accepts at the start of a version string; without one, a version means `==`. */
const COMPARE_OP = /^\s*(<=|>=|<|>|!=|==|~=|===)/;

function typeName(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  if (isRecord(v)) return "a table";
  return `a ${typeof v}`;
}

interface Context {
  file: string;
  lines: Map<string, number>;
}

function fail(ctx: Context, path: (string | number)[], detail: string): never {
  const line = tomlLineOf(ctx.lines, path);
  throw new InputError(
    ctx.file,
    `not a valid Pipfile: ${formatPath(path)}: ${detail}`,
    line ? { line } : undefined,
  );
}

/** A version string: `*` any, `==1.2` / bare `1.2` exact, other specifiers a range. */
function versionFields(ctx: Context, spec: string, path: (string | number)[]): Partial<ExtractedPackage> {
  const s = spec.trim();
  if (s === "" || s === "*") return { version: null, unpinned: { kind: "any", spec: "*" } };
  if (!COMPARE_OP.test(s)) {
    if (!/^[A-Za-z0-9.*+!_-]+$/.test(s))
      fail(ctx, path, `expected a version specifier, got ${JSON.stringify(spec)}`);
    if (!s.includes("*")) return { version: s };
    return { version: null, unpinned: { kind: "range", spec: `==${s}` } };
  }
  const compact = s.replace(/\s+/g, "");
  const version = pinnedVersion(compact);
  return version ? { version } : { version: null, unpinned: { kind: "range", spec: compact } };
}

function entryPackage(
  ctx: Context,
  name: string,
  value: unknown,
  path: (string | number)[],
  scope: Scope,
): ExtractedPackage {
  const base: ExtractedPackage = {
    name,
    version: null,
    direct: true,
    scopes: [scope],
    line: tomlLineOf(ctx.lines, path),
  };
  if (typeof value === "string") return { ...base, ...versionFields(ctx, value, path) };
  if (!isRecord(value)) fail(ctx, path, `expected a version string or a table, got ${typeName(value)}`);
  for (const key of [...STRING_KEYS, ...MARKER_KEYS]) {
    const v = value[key];
    if (v !== undefined && typeof v !== "string")
      fail(ctx, [...path, key], `expected a string, got ${typeName(v)}`);
  }
  if (value.editable !== undefined && typeof value.editable !== "boolean") {
    fail(ctx, [...path, "editable"], `expected a boolean, got ${typeName(value.editable)}`);
  }
  const extras = value.extras;
  if (extras !== undefined && (!Array.isArray(extras) || extras.some((e) => typeof e !== "string"))) {
    fail(ctx, [...path, "extras"], `expected an array of strings, got ${typeName(extras)}`);
  }
  const pkg: ExtractedPackage = { ...base };
  const vcs = VCS_KEYS.find((k) => value[k] !== undefined);
  const localPath = value.path as string | undefined;
  const file = value.file as string | undefined;
  if (vcs) {
    const url = value[vcs] as string;
    const ref = value.ref as string | undefined;
    pkg.unpinned = { kind: "vcs", spec: ref ? `${url}@${ref}` : url };
  } else if (localPath !== undefined) {
    pkg.unpinned = { kind: value.editable === true ? "editable" : "path", spec: localPath };
    pkg.version = archiveVersion(name, localPath);
  } else if (file !== undefined) {
    const kind = referenceKind(file);
    pkg.unpinned = { kind: value.editable === true && kind === "path" ? "editable" : kind, spec: file };
    if (kind === "url") pkg.resolved = file;
    if (kind !== "vcs") pkg.version = archiveVersion(name, file);
  } else {
    Object.assign(
      pkg,
      versionFields(ctx, (value.version as string | undefined) ?? "*", [...path, "version"]),
    );
  }
  if (Array.isArray(extras) && extras.length) pkg.extras = extras as string[];
  const markers: string[] = [];
  if (typeof value.markers === "string" && value.markers.trim()) markers.push(value.markers.trim());
  for (const key of MARKER_KEYS) {
    if (typeof value[key] === "string") markers.push(`${key} ${(value[key] as string).trim()}`);
  }
  if (markers.length === 1) pkg.markers = markers[0];
  else if (markers.length > 1)
    pkg.markers = markers.map((m) => (/\bor\b/.test(m) ? `(${m})` : m)).join(" and ");
  return pkg;
}

function archiveVersion(name: string, ref: string): string | null {
  const dist = distributionFromFileName(ref);
  return dist && normalisePypiName(dist.name) === normalisePypiName(name) ? dist.version : null;
}

function extract(input: FileInput): ExtractResult {
  const data = parseToml(input.file, input.text);
  const ctx: Context = { file: input.file, lines: tomlValueLines(input.text) };
  const packages: ExtractedPackage[] = [];
  for (const [category, body] of Object.entries(data)) {
    if (NON_CATEGORY.has(category)) continue;
    if (!isRecord(body)) fail(ctx, [category], `expected a table of packages, got ${typeName(body)}`);
    const scope: Scope = category === "packages" ? "prod" : "dev";
    for (const [name, value] of Object.entries(body)) {
      const pkg = entryPackage(ctx, name, value, [category, name], scope);
      // `{path = ".", editable = true}`: the project itself, not a dependency.
      if (pkg.unpinned?.kind !== "vcs" && isRecord(value) && value.path !== undefined) {
        if (relativeDir(value.path as string) === ".") continue;
      }
      packages.push(pkg);
    }
  }
  return { packages };
}

export const pipfileExtractor: FileExtractor = {
  id: "pipfile",
  ecosystem: "PyPI",
  kind: "manifest",
  description: "Pipfile (pipenv): [packages], [dev-packages] and custom categories",
  matchFile: (baseName) => baseName === "Pipfile",
  extract,
};
