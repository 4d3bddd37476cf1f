/**
 * pyproject.toml: PEP 621 `[project]` dependencies and optional dependencies, PEP 735 `[dependency-groups]`,
 * Poetry's `[tool.poetry.*dependencies]`, uv's and Rye's `dev-dependencies` and PDM's
 * `[tool.pdm.dev-dependencies]`. Every entry is a direct dependency of the project; none is pinned by a
 * resolver, so most are ranges.
 */
import { InputError } from "../../errors.js";
import type { FileExtractor, FileInput } from "../extractor.js";
import type { ExtractedPackage, ExtractResult, Scope, Unpinned } from "../model.js";
import { normalisePypiName } from "../normalise.js";
import { formatPath, isRecord, parseToml } from "../text.js";
import {
  distributionFromFileName,
  eggFragment,
  parseRequirement,
  referenceKind,
  requirementPackage,
} from "./pep508.js";

// ---------------------------------------------------------------------------------------------------------
// Line index: one pass over the TOML text.

const NUL = "\u0000";

/** Joins a TOML key path the way `tomlValueLines` keys it (array elements by index). */
export const tomlPath = (...segments: (string | number)[]): string => segments.join(NUL);

const BARE_KEY = /[A-Za-z0-9_-]/;
const SCALAR_END = new Set([" ", "\t", "\r", "\n", ",", "]", "}", "#"]);

/**
 * Finds the 1-based line of every key and array element of a TOML document in one pass, the way
 * `jsonObjectLines` does for JSON: `[tool.poetry.dependencies]` + `requests = "^2"` maps
 * ["tool", "poetry", "dependencies", "requests"] to the line of `requests`; `dependencies = ["a", "b"]` maps
 * [..., "dependencies", "1"] to the line of `"b"`; `[[x]]` tables are keyed by their index. Every key prefix
 * maps to the first line that names it. The text is assumed to be valid TOML (parse it first).
 */
export function tomlValueLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const arrayTables = new Map<string, number>();
  const n = text.length;
  let i = 0;
  let line = 1;

  const child = (path: string, key: string) => (path === "" ? key : `${path}${NUL}${key}`);
  const record = (path: string, at: number) => {
    if (!lines.has(path)) lines.set(path, at);
  };
  /** Records every prefix of a dotted key under `prefix`; returns the full path. */
  const recordKey = (prefix: string, key: string[], at: number): string => {
    let path = prefix;
    for (const part of key) {
      path = child(path, part);
      record(path, at);
    }
    return path;
  };
  const skip = (newlines: boolean) => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 13) i++;
      else if (c === 10) {
        if (!newlines) return;
        line++;
        i++;
      } else if (c === 35) {
        while (i < n && text.charCodeAt(i) !== 10) i++;
      } else return;
    }
  };
  const readString = (): string => {
    const q = text[i]!;
    const triple = q + q + q;
    if (text.startsWith(triple, i)) {
      i += 3;
      const start = i;
      while (i < n) {
        const c = text[i]!;
        if (c === "\n") line++;
        if (c === "\\" && q === '"') {
          if (text[i + 1] === "\n") line++;
          i += 2;
          continue;
        }
        if (c === q && text.startsWith(triple, i)) {
          let end = i + 3;
          for (let extra = 0; extra < 2 && text[end] === q; extra++) end++;
          i = end;
          return text.slice(start, end - 3);
        }
        i++;
      }
      return text.slice(start);
    }
    i++;
    const start = i;
    while (i < n) {
      const c = text[i]!;
      if (c === "\\" && q === '"') {
        i += 2;
        continue;
      }
      if (c === q || c === "\n") break;
      i++;
    }
    const raw = text.slice(start, i);
    if (text[i] === q) i++;
    if (q === "'" || !raw.includes("\\")) return raw;
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return raw;
    }
  };
  const readKey = (): string[] => {
    const parts: string[] = [];
    for (;;) {
      skip(false);
      const c = text[i];
      if (c === '"' || c === "'") parts.push(readString());
      else {
        const start = i;
        while (i < n && BARE_KEY.test(text[i]!)) i++;
        if (i === start) i++;
        parts.push(text.slice(start, i));
      }
      skip(false);
      if (text[i] !== ".") return parts;
      i++;
    }
  };
  const readValue = (path: string): void => {
    const c = text[i];
    if (c === '"' || c === "'") {
      readString();
      return;
    }
    if (c === "[") {
      i++;
      let index = 0;
      for (;;) {
        skip(true);
        if (i >= n) return;
        if (text[i] === "]") {
          i++;
          return;
        }
        const element = `${path}${NUL}${index}`;
        record(element, line);
        readValue(element);
        skip(true);
        if (text[i] === ",") {
          i++;
          index++;
        }
      }
    }
    if (c === "{") {
      i++;
      for (;;) {
        skip(true);
        if (i >= n) return;
        if (text[i] === "}") {
          i++;
          return;
        }
        if (text[i] === ",") {
          i++;
          continue;
        }
        const at = line;
        const key = recordKey(path, readKey(), at);
        if (text[i] === "=") i++;
        skip(false);
        readValue(key);
      }
    }
    const start = i;
    while (i < n && !SCALAR_END.has(text[i]!)) i++;
    // A local date-time may use a space between date and time.
    if (/^\d{4}-\d{2}-\d{2}$/.test(text.slice(start, i)) && /^ \d{2}:/.test(text.slice(i, i + 4))) {
      i++;
      while (i < n && !SCALAR_END.has(text[i]!)) i++;
    }
    if (i === start) i++;
  };

  let current = "";
  for (;;) {
    skip(true);
    if (i >= n) break;
    const at = line;
    if (text[i] === "[") {
      const isArray = text[i + 1] === "[";
      i += isArray ? 2 : 1;
      const key = recordKey("", readKey(), at);
      i += isArray ? 2 : 1;
      if (isArray) {
        const index = arrayTables.get(key) ?? 0;
        arrayTables.set(key, index + 1);
        current = `${key}${NUL}${index}`;
        record(current, at);
      } else current = key;
      continue;
    }
    const key = recordKey(current, readKey(), at);
    if (text[i] === "=") i++;
    skip(false);
    readValue(key);
  }
  return lines;
}

/** The line of a path, or of its nearest ancestor that has one. */
export function tomlLineOf(
  lines: Map<string, number>,
  path: readonly (string | number)[],
): number | undefined {
  const exact = lines.get(path.join(NUL));
  if (exact !== undefined) return exact;
  for (let k = path.length - 1; k > 0; k--) {
    const at = lines.get(path.slice(0, k).join(NUL));
    if (at !== undefined) return at;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Extraction.

type Path = (string | number)[];

interface Context {
  file: string;
  lines: Map<string, number>;
  packages: ExtractedPackage[];
  warnings: string[];
  /** PEP 503 names of the project itself (`[project] name`, `[tool.poetry] name`). */
  self: Set<string>;
}

function fail(ctx: Context, path: Path, detail: string): never {
  const line = tomlLineOf(ctx.lines, path);
  throw new InputError(
    ctx.file,
    `not a valid pyproject.toml: ${formatPath(path)}: ${detail}`,
    line ? { line } : undefined,
  );
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  if (isRecord(v)) return "a table";
  if (v instanceof Date) return "a date";
  return `a ${typeof v}`;
}

function table(ctx: Context, value: unknown, path: Path): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) fail(ctx, path, `expected a table, got ${typeName(value)}`);
  return value;
}

function stringArray(ctx: Context, value: unknown, path: Path): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(ctx, path, `expected an array of PEP 508 strings, got ${typeName(value)}`);
  value.forEach((v, i) => {
    if (typeof v !== "string") fail(ctx, [...path, i], `expected a PEP 508 string, got ${typeName(v)}`);
  });
  return value as string[];
}

function optionalString(ctx: Context, value: unknown, path: Path): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") fail(ctx, path, `expected a string, got ${typeName(value)}`);
  return value;
}

/** Adds one PEP 508 string (or, for PDM, `-e <path or url>`); returns the package unless it is the project. */
function addRequirement(
  ctx: Context,
  text: string,
  path: Path,
  scope: Scope,
  allowEditable = false,
): ExtractedPackage | undefined {
  const line = tomlLineOf(ctx.lines, path);
  const editable = allowEditable ? /^-e\s+(.+)$/s.exec(text.trim()) : null;
  if (editable) {
    const ref = editable[1]!.trim();
    const egg = eggFragment(ref);
    const req = egg ? undefined : parseRequirement(ref);
    const name = egg?.name ?? (req?.url ? req.name : undefined);
    const spec = req?.url ?? ref;
    if (name && ctx.self.has(normalisePypiName(name))) return undefined;
    if (!name) {
      ctx.warnings.push(
        `${formatPath(path)}: cannot tell the package name of editable "${ref}"; using the path as its name`,
      );
    }
    const pkg: ExtractedPackage = {
      name: name ?? ref,
      version: null,
      direct: true,
      scopes: [scope],
      line,
      unpinned: { kind: referenceKind(spec) === "vcs" ? "vcs" : "editable", spec },
    };
    if (egg?.extras.length) pkg.extras = egg.extras;
    ctx.packages.push(pkg);
    return pkg;
  }
  const req = parseRequirement(text);
  if (!req) fail(ctx, path, `expected a PEP 508 requirement, got ${JSON.stringify(text)}`);
  if (ctx.self.has(normalisePypiName(req.name))) return undefined;
  const pkg: ExtractedPackage = { ...requirementPackage(req), direct: true, scopes: [scope], line };
  ctx.packages.push(pkg);
  return pkg;
}

function addRequirementList(
  ctx: Context,
  value: unknown,
  path: Path,
  scope: Scope,
  allowEditable = false,
): ExtractedPackage[] {
  const out: ExtractedPackage[] = [];
  stringArray(ctx, value, path)?.forEach((s, i) => {
    const pkg = addRequirement(ctx, s, [...path, i], scope, allowEditable);
    if (pkg) out.push(pkg);
  });
  return out;
}

/** PEP 735: every group's own requirements; includes are checked (existing, acyclic) but not repeated. */
function addDependencyGroups(ctx: Context, groups: Record<string, unknown>): ExtractedPackage[] {
  const path: Path = ["dependency-groups"];
  const byName = new Map<string, string>();
  for (const [name, entries] of Object.entries(groups)) {
    const norm = normalisePypiName(name);
    const other = byName.get(norm);
    if (other !== undefined) {
      fail(ctx, [...path, name], `duplicate group name (same as "${other}" after normalisation)`);
    }
    byName.set(norm, name);
    if (!Array.isArray(entries)) {
      fail(
        ctx,
        [...path, name],
        `expected an array of PEP 508 strings and include tables, got ${typeName(entries)}`,
      );
    }
  }
  const includes = new Map<string, string[]>();
  const out: ExtractedPackage[] = [];
  for (const [name, entries] of Object.entries(groups)) {
    const own: string[] = [];
    (entries as unknown[]).forEach((entry, i) => {
      const at: Path = [...path, name, i];
      if (typeof entry === "string") {
        const pkg = addRequirement(ctx, entry, at, "dev");
        if (pkg) out.push(pkg);
        return;
      }
      if (!isRecord(entry) || Object.keys(entry).length !== 1 || typeof entry["include-group"] !== "string") {
        fail(ctx, at, `expected a PEP 508 string or {include-group = "<group>"}, got ${typeName(entry)}`);
      }
      const target = normalisePypiName(entry["include-group"] as string);
      if (!byName.has(target)) fail(ctx, at, `include-group "${entry["include-group"]}" names no group`);
      own.push(target);
    });
    includes.set(normalisePypiName(name), own);
  }
  // Cycles: depth-first search over the include graph.
  const state = new Map<string, "active" | "done">();
  const visit = (group: string, chain: string[]) => {
    if (state.get(group) === "done") return;
    if (state.get(group) === "active") {
      const names = [...chain.slice(chain.indexOf(group)), group].map((g) => byName.get(g));
      fail(ctx, [...path, byName.get(group)!], `include-group cycle: ${names.join(" -> ")}`);
    }
    state.set(group, "active");
    for (const next of includes.get(group) ?? []) visit(next, [...chain, group]);
    state.set(group, "done");
  };
  for (const group of includes.keys()) visit(group, []);
  return out;
}

/** A Poetry version constraint: a bare version or `==`/`=` version is exact; anything else is a range. */
function poetryConstraint(spec: string): { version: string | null; unpinned?: Unpinned } {
  const s = spec.trim();
  if (s === "" || s === "*") return { version: null, unpinned: { kind: "any", spec: "*" } };
  const exact = /^(?:==?\s*)?(\d[0-9A-Za-z.!+_-]*)$/.exec(s);
  if (exact) return { version: exact[1]! };
  return { version: null, unpinned: { kind: "range", spec: s } };
}

const POETRY_TABLE_STRINGS = [
  "version",
  "markers",
  "python",
  "platform",
  "git",
  "branch",
  "tag",
  "rev",
  "subdirectory",
  "path",
  "url",
  "source",
] as const;

/** The package a Poetry dependency value declares (string constraint or table). */
function poetryPackage(
  ctx: Context,
  name: string,
  value: unknown,
  path: Path,
  scope: Scope,
): ExtractedPackage & { source?: boolean } {
  const line = tomlLineOf(ctx.lines, path);
  if (typeof value === "string") {
    return { name, ...poetryConstraint(value), direct: true, scopes: [scope], line };
  }
  if (!isRecord(value)) {
    fail(ctx, path, `expected a version constraint string or a table, got ${typeName(value)}`);
  }
  for (const key of POETRY_TABLE_STRINGS) optionalString(ctx, value[key], [...path, key]);
  const extras = value.extras;
  if (extras !== undefined && (!Array.isArray(extras) || extras.some((e) => typeof e !== "string"))) {
    fail(ctx, [...path, "extras"], `expected an array of strings, got ${typeName(extras)}`);
  }
  for (const key of ["optional", "develop", "allow-prereleases"]) {
    if (value[key] !== undefined && typeof value[key] !== "boolean") {
      fail(ctx, [...path, key], `expected a boolean, got ${typeName(value[key])}`);
    }
  }
  const pkg: ExtractedPackage & { source?: boolean } = {
    name,
    version: null,
    direct: true,
    scopes: [value.optional === true && scope === "prod" ? "optional" : scope],
    line,
  };
  const git = value.git as string | undefined;
  const localPath = value.path as string | undefined;
  const url = value.url as string | undefined;
  if (git !== undefined) {
    const ref = (value.rev ?? value.tag ?? value.branch) as string | undefined;
    pkg.unpinned = { kind: "vcs", spec: ref ? `${git}@${ref}` : git };
    pkg.source = true;
  } else if (localPath !== undefined) {
    pkg.unpinned = { kind: value.develop === true ? "editable" : "path", spec: localPath };
    pkg.version = archiveVersion(name, localPath);
    pkg.source = true;
  } else if (url !== undefined) {
    pkg.unpinned = { kind: "url", spec: url };
    pkg.resolved = url;
    pkg.version = archiveVersion(name, url);
    pkg.source = true;
  } else {
    const constraint = poetryConstraint((value.version as string | undefined) ?? "*");
    pkg.version = constraint.version;
    if (constraint.unpinned) pkg.unpinned = constraint.unpinned;
  }
  if (Array.isArray(extras) && extras.length) pkg.extras = extras as string[];
  if (typeof value.markers === "string" && value.markers.trim()) pkg.markers = value.markers.trim();
  return pkg;
}

/** The version in a wheel/sdist file name, when the file is this package's. */
function archiveVersion(name: string, ref: string): string | null {
  const dist = distributionFromFileName(ref);
  return dist && normalisePypiName(dist.name) === normalisePypiName(name) ? dist.version : null;
}

/** A Poetry dependency table: `name = "constraint" | {…} | [{…}, …]`. */
function addPoetryTable(
  ctx: Context,
  value: unknown,
  path: Path,
  scope: Scope,
  options: { skipPython?: boolean; enrich?: Map<string, ExtractedPackage[]> } = {},
): void {
  const deps = table(ctx, value, path);
  if (!deps) return;
  for (const [name, spec] of Object.entries(deps)) {
    if (options.skipPython && name.toLowerCase() === "python") continue;
    const norm = normalisePypiName(name);
    if (ctx.self.has(norm)) continue;
    const variants = Array.isArray(spec) ? spec : [spec];
    if (variants.length === 0) fail(ctx, [...path, name], "expected at least one constraint");
    const declared = options.enrich?.get(norm);
    variants.forEach((variant, i) => {
      const at: Path = Array.isArray(spec) ? [...path, name, i] : [...path, name];
      if (Array.isArray(spec) && !isRecord(variant)) {
        fail(ctx, at, `expected a table in a multiple-constraints list, got ${typeName(variant)}`);
      }
      const { source, ...pkg } = poetryPackage(ctx, name, variant, at, scope);
      if (declared) {
        // Poetry 2: [project] declares the dependency; [tool.poetry.dependencies] only adds a source.
        if (source && i === 0) for (const p of declared) applySource(p, pkg);
        return;
      }
      ctx.packages.push(pkg);
    });
  }
}

function applySource(target: ExtractedPackage, source: ExtractedPackage): void {
  target.version = source.version;
  target.unpinned = source.unpinned;
  if (source.resolved) target.resolved = source.resolved;
  else delete target.resolved;
}

/** `[tool.uv.sources]`: a workspace member is the project's own (dropped); git/path/url replace the registry. */
function applyUvSources(ctx: Context, sources: Record<string, unknown>, packages: ExtractedPackage[]): void {
  const byName = new Map<string, Record<string, unknown>>();
  for (const [name, value] of Object.entries(sources)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (!isRecord(first)) {
      fail(
        ctx,
        ["tool", "uv", "sources", name],
        `expected a table or an array of tables, got ${typeName(first)}`,
      );
    }
    byName.set(normalisePypiName(name), first);
  }
  const drop = new Set<ExtractedPackage>();
  for (const pkg of packages) {
    const source = byName.get(normalisePypiName(pkg.name));
    if (!source) continue;
    if (source.workspace === true) {
      drop.add(pkg);
      continue;
    }
    const str = (k: string) => (typeof source[k] === "string" ? (source[k] as string) : undefined);
    const git = str("git");
    const localPath = str("path");
    const url = str("url");
    if (git) {
      const ref = str("rev") ?? str("tag") ?? str("branch");
      applySource(pkg, {
        name: pkg.name,
        version: null,
        unpinned: { kind: "vcs", spec: ref ? `${git}@${ref}` : git },
      });
    } else if (localPath) {
      applySource(pkg, {
        name: pkg.name,
        version: archiveVersion(pkg.name, localPath),
        unpinned: { kind: source.editable === true ? "editable" : "path", spec: localPath },
      });
    } else if (url) {
      applySource(pkg, {
        name: pkg.name,
        version: archiveVersion(pkg.name, url),
        unpinned: { kind: "url", spec: url },
        resolved: url,
      });
    }
  }
  if (drop.size) {
    const kept = ctx.packages.filter((p) => !drop.has(p));
    ctx.packages.length = 0;
    ctx.packages.push(...kept);
  }
}

function extract(input: FileInput): ExtractResult {
  const data = parseToml(input.file, input.text);
  const ctx: Context = {
    file: input.file,
    lines: tomlValueLines(input.text),
    packages: [],
    warnings: [],
    self: new Set(),
  };
  const project = table(ctx, data.project, ["project"]);
  const tool = table(ctx, data.tool, ["tool"]);
  const poetry = tool ? table(ctx, tool.poetry, ["tool", "poetry"]) : undefined;
  const uv = tool ? table(ctx, tool.uv, ["tool", "uv"]) : undefined;
  const pdm = tool ? table(ctx, tool.pdm, ["tool", "pdm"]) : undefined;
  for (const [t, path] of [
    [project, ["project", "name"]],
    [poetry, ["tool", "poetry", "name"]],
  ] as const) {
    const name = t ? optionalString(ctx, t.name, [...path]) : undefined;
    if (name) ctx.self.add(normalisePypiName(name));
  }

  // PEP 621
  const standard: ExtractedPackage[] = [];
  if (project) {
    standard.push(...addRequirementList(ctx, project.dependencies, ["project", "dependencies"], "prod"));
    const optional = table(ctx, project["optional-dependencies"], ["project", "optional-dependencies"]);
    for (const [extra, list] of Object.entries(optional ?? {})) {
      standard.push(
        ...addRequirementList(ctx, list, ["project", "optional-dependencies", extra], "optional"),
      );
    }
    const dynamic = project.dynamic;
    if (Array.isArray(dynamic)) {
      for (const field of ["dependencies", "optional-dependencies"]) {
        if (dynamic.includes(field)) {
          ctx.warnings.push(
            `[project] ${field} are dynamic (computed by the build backend from other files); not read`,
          );
        }
      }
    }
  }

  // PEP 735
  const groups = table(ctx, data["dependency-groups"], ["dependency-groups"]);
  if (groups) standard.push(...addDependencyGroups(ctx, groups));

  // uv, Rye (whose requirements-dev.lock pins these), PDM
  if (uv)
    standard.push(
      ...addRequirementList(ctx, uv["dev-dependencies"], ["tool", "uv", "dev-dependencies"], "dev"),
    );
  const rye = tool ? table(ctx, tool.rye, ["tool", "rye"]) : undefined;
  if (rye)
    standard.push(
      ...addRequirementList(ctx, rye["dev-dependencies"], ["tool", "rye", "dev-dependencies"], "dev"),
    );
  if (pdm) {
    const dev = table(ctx, pdm["dev-dependencies"], ["tool", "pdm", "dev-dependencies"]);
    for (const [group, list] of Object.entries(dev ?? {})) {
      standard.push(
        ...addRequirementList(ctx, list, ["tool", "pdm", "dev-dependencies", group], "dev", true),
      );
    }
  }
  const uvSources = uv ? table(ctx, uv.sources, ["tool", "uv", "sources"]) : undefined;
  if (uvSources) applyUvSources(ctx, uvSources, standard);

  // Poetry
  if (poetry) {
    let enrich: Map<string, ExtractedPackage[]> | undefined;
    if (project && Array.isArray(project.dependencies)) {
      enrich = new Map();
      for (const pkg of standard) {
        if (!pkg.scopes?.includes("prod")) continue;
        const norm = normalisePypiName(pkg.name);
        enrich.set(norm, [...(enrich.get(norm) ?? []), pkg]);
      }
    }
    addPoetryTable(ctx, poetry.dependencies, ["tool", "poetry", "dependencies"], "prod", {
      skipPython: true,
      enrich,
    });
    addPoetryTable(ctx, poetry["dev-dependencies"], ["tool", "poetry", "dev-dependencies"], "dev");
    const poetryGroups = table(ctx, poetry.group, ["tool", "poetry", "group"]);
    for (const [group, body] of Object.entries(poetryGroups ?? {})) {
      const groupTable = table(ctx, body, ["tool", "poetry", "group", group]);
      if (!groupTable) continue;
      const scope: Scope = group === "main" ? "prod" : "dev";
      addPoetryTable(
        ctx,
        groupTable.dependencies,
        ["tool", "poetry", "group", group, "dependencies"],
        scope,
        {
          skipPython: group === "main",
        },
      );
    }
  }

  const result: ExtractResult = { packages: ctx.packages };
  if (ctx.warnings.length) result.warnings = ctx.warnings;
  return result;
}

export const pyprojectExtractor: FileExtractor = {
  id: "pyproject",
  ecosystem: "PyPI",
  kind: "manifest",
  description:
    "pyproject.toml: PEP 621 dependencies and extras, PEP 735 dependency groups, Poetry, uv, Rye and PDM dev dependencies",
  matchFile: (baseName) => baseName === "pyproject.toml",
  extract,
};
