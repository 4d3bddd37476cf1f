/**
 * pip requirements files (`requirements*.txt` …), read the way pip's `req_file.py` reads them: backslash
 * continuations, `#` comments (at line start or after whitespace), option lines, per-requirement `--hash`,
 * `-r` includes and `-c` constraints (resolved relative to the including file), editables, VCS / URL / path
 * requirements. pip-compile (and `uv pip compile`) `# via` annotations say which entries are direct and give
 * the dependency edges.
 */
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../errors.js";
import type { FileExtractor, FileInput } from "../extractor.js";
import type { ExtractedPackage, ExtractResult } from "../model.js";
import { normalisePypiName } from "../normalise.js";
import { isRecord, parseToml } from "../text.js";
import {
  distributionFromFileName,
  eggFragment,
  fragmentHashes,
  isArchivePath,
  isUrlReference,
  parseRequirement,
  referenceKind,
  requirementPackage,
} from "./pep508.js";

type Package = ExtractedPackage;

interface Entry {
  pkg: Package;
  /** The file it was read from (absolute). */
  from: string;
  /** pip-compile `# via` items, when annotated. */
  via?: string[];
}

interface State {
  input: FileInput;
  entries: Entry[];
  warnings: string[];
  /** Exact pins from constraints files, by PEP 503 name. */
  pins: Map<string, string>;
  /** Files already read, keyed by mode and absolute path. */
  done: Set<string>;
  /** Local directories whose package name the requirement does not give (read from their metadata). */
  unnamed: Set<Package>;
  /** Project directories inside the input file's directory (relative, posix), for workspaceMembers. */
  members: Set<string>;
}

interface LogicalLine {
  line: number;
  text: string;
}

/** pip's `join_lines`: a line ending in `\` continues on the next one (unless it is a comment line). */
function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const raw = text.split(/\r\n|\r|\n/);
  let buffer: string[] | undefined;
  let primary = 0;
  for (let k = 0; k < raw.length; k++) {
    const l = raw[k]!;
    const isComment = /^\s*#/.test(l);
    if (!l.endsWith("\\") || isComment) {
      const piece = isComment ? ` ${l}` : l;
      if (buffer) {
        buffer.push(piece);
        out.push({ line: primary, text: buffer.join("") });
        buffer = undefined;
      } else out.push({ line: k + 1, text: piece });
    } else {
      if (!buffer) {
        buffer = [];
        primary = k + 1;
      }
      // Python's str.strip("\\"): backslashes at both ends go.
      let b = 0;
      let e = l.length;
      while (e > 0 && l.charCodeAt(e - 1) === 92) e--;
      while (b < e && l.charCodeAt(b) === 92) b++;
      buffer.push(l.slice(b, e));
    }
  }
  if (buffer) out.push({ line: primary, text: buffer.join("") });
  return out;
}

/** Offset of the `#` that starts a comment (at line start or after whitespace), or -1. */
function commentStart(text: string): number {
  for (let i = text.indexOf("#"); i !== -1; i = text.indexOf("#", i + 1)) {
    if (i === 0 || /\s/.test(text[i - 1]!)) return i;
  }
  return -1;
}

const OPTION_START = /(?:^|[ \t])-/;

/**
 * pip's `break_args_options`: the requirement is everything before the first token (space-separated) that
 * starts with `-`; the rest are options.
 */
function breakArgsOptions(line: string): { args: string; options: string } {
  const m = OPTION_START.exec(line);
  if (!m) return { args: line, options: "" };
  return { args: line.slice(0, m.index).trim(), options: line.slice(m.index).trim() };
}

/** POSIX shell-like splitting (Python's `shlex.split`), as pip splits the options part. */
function shellSplit(s: string): string[] | undefined {
  if (!/['"\\]/.test(s)) return s.split(/[ \t]+/).filter(Boolean);
  const out: string[] = [];
  let cur = "";
  let inToken = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end === -1) return undefined;
      cur += s.slice(i + 1, end);
      i = end;
      inToken = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === "\\" && j + 1 < s.length && '\\"$`'.includes(s[j + 1]!)) j++;
        cur += s[j];
      }
      if (j >= s.length) return undefined;
      i = j;
      inToken = true;
    } else if (c === "\\") {
      if (i + 1 < s.length) cur += s[++i];
      inToken = true;
    } else if (c === " " || c === "\t") {
      if (inToken) out.push(cur);
      cur = "";
      inToken = false;
    } else {
      cur += c;
      inToken = true;
    }
  }
  if (inToken) out.push(cur);
  return out;
}

type OptionKind = "requirement" | "constraint" | "editable" | "hash" | "value" | "flag";

/** The options pip accepts in a requirements file (SUPPORTED_OPTIONS + SUPPORTED_OPTIONS_REQ), and a few older ones. */
const LONG_OPTIONS: Record<string, OptionKind> = {
  "--requirement": "requirement",
  "--constraint": "constraint",
  "--editable": "editable",
  "--hash": "hash",
  "--index-url": "value",
  "--extra-index-url": "value",
  "--find-links": "value",
  "--trusted-host": "value",
  "--no-binary": "value",
  "--only-binary": "value",
  "--global-option": "value",
  "--install-option": "value",
  "--config-settings": "value",
  "--use-feature": "value",
  "--no-deps-for": "value",
  "--no-index": "flag",
  "--pre": "flag",
  "--prefer-binary": "flag",
  "--require-hashes": "flag",
  "--no-deps": "flag",
  "--always-unzip": "flag",
  "--allow-external": "value",
  "--allow-unverified": "value",
  "--allow-all-external": "flag",
  "--process-dependency-links": "flag",
};
const SHORT_OPTIONS: Record<string, OptionKind> = {
  "-r": "requirement",
  "-c": "constraint",
  "-e": "editable",
  "-i": "value",
  "-f": "value",
  "-C": "value",
  "-Z": "flag",
};

interface Options {
  requirement?: string;
  constraint?: string;
  editable?: string;
  hashes: string[];
  unknown: string[];
}

const NO_OPTIONS: Readonly<Options> = { hashes: [], unknown: [] };

function parseOptions(tokens: string[]): Options {
  const opts: Options = { hashes: [], unknown: [] };
  const set = (kind: OptionKind, value: string | undefined) => {
    if (value === undefined) return;
    if (kind === "hash") opts.hashes.push(value);
    else if (kind === "requirement" || kind === "constraint" || kind === "editable") opts[kind] ??= value;
  };
  for (let k = 0; k < tokens.length; k++) {
    const token = tokens[k]!;
    let kind: OptionKind | undefined;
    let value: string | undefined;
    if (token.startsWith("--")) {
      const eq = token.indexOf("=");
      const name = eq === -1 ? token : token.slice(0, eq);
      kind = LONG_OPTIONS[name];
      if (!kind) {
        // optparse accepts any unambiguous prefix of a long option
        const matches = Object.keys(LONG_OPTIONS).filter((o) => o.startsWith(name));
        if (matches.length === 1) kind = LONG_OPTIONS[matches[0]!];
      }
      if (kind && kind !== "flag") value = eq === -1 ? tokens[++k] : token.slice(eq + 1);
    } else if (token.startsWith("-") && token.length >= 2) {
      kind = SHORT_OPTIONS[token.slice(0, 2)];
      if (kind && kind !== "flag") value = token.length > 2 ? token.slice(2).replace(/^=/, "") : tokens[++k];
    } else continue; // a stray argument: optparse leaves it, pip ignores it
    if (!kind) opts.unknown.push(token);
    else set(kind, value);
  }
  return opts;
}

/** pip's `_strip_extras`: `./pkg[a,b]` → `./pkg`, ["a", "b"]. */
function stripExtras(path: string): { path: string; extras: string[] } {
  if (!path.endsWith("]")) return { path, extras: [] };
  const m = /^(.+)\[([^\]]+)\]$/s.exec(path);
  if (!m) return { path, extras: [] };
  return {
    path: m[1]!,
    extras: m[2]!
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean),
  };
}

/** pip's `_looks_like_path`: a path separator, or a leading dot. */
function looksLikePath(s: string): boolean {
  return s.includes("/") || s.includes("\\") || s.startsWith(".");
}

interface Where {
  display: string;
  line: number;
}

function invalid(where: Where, text: string, why?: string): never {
  throw new InputError(
    where.display,
    `expected a requirement (a name with an optional version specifier, a URL or a path) or an option, got ${JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text)}${why ? ` (${why})` : ""}`,
    { line: where.line },
  );
}

/** A requirement given as a link (URL, local path or archive): name from `#egg=` or the file name. */
function linkPackage(st: State, where: Where, ref: string, extras: string[], editable: boolean): Package {
  const kind = referenceKind(ref);
  const pkg: Package = { name: ref, version: null, line: where.line };
  const egg = eggFragment(ref);
  const dist = kind === "vcs" ? undefined : distributionFromFileName(ref);
  if (egg) {
    pkg.name = egg.name;
    extras = [...extras, ...egg.extras];
  } else if (dist) pkg.name = dist.name;
  else if (kind === "path")
    st.unnamed.add(pkg); // a project directory: named from its metadata later
  else {
    st.warnings.push(
      `${where.display}:${where.line}: cannot tell the package name of "${ref}" (no #egg= fragment or package file name); using the URL as its name`,
    );
  }
  if (dist && normalisePypiName(dist.name) === normalisePypiName(pkg.name)) pkg.version = dist.version;
  pkg.unpinned = { kind: editable && kind === "path" ? "editable" : kind, spec: ref };
  if (kind === "url") pkg.resolved = ref;
  const hashes = fragmentHashes(ref);
  if (hashes.length) pkg.hashes = hashes;
  if (extras.length) pkg.extras = extras;
  return pkg;
}

/** pip's `parse_req_from_line`: a URL, a local path / archive, or a PEP 508 requirement. */
function requirementFromArgs(st: State, where: Where, args: string): Package {
  const url = isUrlReference(args);
  const sep = url ? "; " : ";";
  let at = args.indexOf(sep);
  let pkg: Package;
  if (url) {
    pkg = linkPackage(st, where, (at === -1 ? args : args.slice(0, at)).trim(), [], false);
  } else {
    const head = (at === -1 ? args : args.slice(0, at)).trim();
    const { path, extras } = stripExtras(head);
    const atSign = head.indexOf("@");
    const pep508Url = atSign > 0 && !looksLikePath(head.slice(0, atSign));
    if (!pep508Url && (looksLikePath(head) || isArchivePath(path))) {
      pkg = linkPackage(st, where, path, extras, false);
    } else {
      // In `name @ url`, a ';' not preceded by whitespace belongs to the URL (PEP 508).
      if (pep508Url && at !== -1 && !/\s$/.test(args.slice(0, at))) at = -1;
      const req = parseRequirement(at === -1 ? args : head);
      if (!req) invalid(where, args);
      pkg = requirementPackage(req);
      pkg.line = where.line;
    }
  }
  const markers = at === -1 ? undefined : args.slice(at + sep.length).trim();
  if (markers && !pkg.markers) pkg.markers = markers;
  return pkg;
}

function readVia(entry: Entry, comment: string): boolean {
  const m = /^\s*via(?:\s+(.*))?$/s.exec(comment);
  if (!m) return false;
  entry.via ??= [];
  const items = m[1]?.trim();
  if (!items) return true; // a multi-line list follows
  for (const item of items.split(",")) if (item.trim()) entry.via.push(item.trim());
  return false;
}

async function include(
  st: State,
  where: Where,
  fromAbs: string,
  ref: string,
  constraint: boolean,
  stack: string[],
): Promise<void> {
  const what = constraint ? "constraints" : "requirements";
  if (/^(https?|ftp):/i.test(ref)) {
    st.warnings.push(`${where.display}:${where.line}: remote ${what} file "${ref}" not read`);
    return;
  }
  if (/\$\{[A-Z0-9_]+\}/.test(ref)) {
    st.warnings.push(
      `${where.display}:${where.line}: ${what} file "${ref}" uses an environment variable; not read`,
    );
    return;
  }
  let target: string;
  try {
    target = /^file:/i.test(ref) ? fileURLToPath(ref) : resolve(dirname(fromAbs), ref);
  } catch {
    st.warnings.push(`${where.display}:${where.line}: ${what} file "${ref}" is not a path; not read`);
    return;
  }
  if (stack.includes(target)) {
    st.warnings.push(
      `${where.display}:${where.line}: "${ref}" includes itself (include cycle); not read again`,
    );
    return;
  }
  const key = `${constraint ? "c" : "r"}\u0000${target}`;
  if (st.done.has(key)) return;
  st.done.add(key);
  let text: string;
  try {
    text = await st.input.readText(target);
  } catch (e) {
    if (e instanceof InputError) {
      throw new InputError(where.display, `cannot read ${what} file "${ref}" included here: ${e.detail}`, {
        line: where.line,
      });
    }
    throw e;
  }
  await readFile(st, target, st.input.display(target), text, constraint, [...stack, target]);
}

async function readFile(
  st: State,
  abs: string,
  display: string,
  text: string,
  constraint: boolean,
  stack: string[],
): Promise<void> {
  const fileField = abs === st.input.path ? undefined : display;
  let last: Entry | undefined;
  let collecting = false;
  for (const { line, text: raw } of logicalLines(text)) {
    const hash = commentStart(raw);
    const content = (hash === -1 ? raw : raw.slice(0, hash)).trim();
    const comment = hash === -1 ? undefined : raw.slice(hash + 1);
    if (!content) {
      if (comment === undefined) {
        collecting = false;
        continue;
      }
      if (collecting && last && /^\s{2,}\S/.test(comment)) {
        last.via!.push(comment.trim());
        continue;
      }
      collecting = last ? readVia(last, comment) : false;
      continue;
    }
    collecting = false;
    last = undefined;
    const where: Where = { display, line };
    const { args, options } = breakArgsOptions(content);
    let opts = NO_OPTIONS;
    if (options) {
      const tokens = shellSplit(options);
      if (!tokens) invalid(where, content, "unbalanced quotes in the options");
      opts = parseOptions(tokens);
      for (const u of opts.unknown) st.warnings.push(`${display}:${line}: unknown option "${u}" skipped`);
    }

    let pkg: Package | undefined;
    if (args) {
      pkg = requirementFromArgs(st, where, args);
      if (opts.hashes.length) pkg.hashes = [...(pkg.hashes ?? []), ...opts.hashes];
    } else if (opts.editable !== undefined) {
      if (constraint) continue; // pip refuses editables as constraints
      const ref = opts.editable;
      const { path, extras } =
        isUrlReference(ref) && !/^file:/i.test(ref) ? { path: ref, extras: [] } : stripExtras(ref);
      pkg = linkPackage(st, where, path, extras, true);
    } else if (opts.requirement !== undefined) {
      await include(st, where, abs, opts.requirement, false, stack);
      continue;
    } else if (opts.constraint !== undefined) {
      await include(st, where, abs, opts.constraint, true, stack);
      continue;
    } else {
      if (opts.hashes.length) st.warnings.push(`${display}:${line}: --hash without a requirement is ignored`);
      continue;
    }

    if (constraint) {
      if (pkg.version !== null && !pkg.unpinned) st.pins.set(normalisePypiName(pkg.name), pkg.version);
      continue;
    }
    if (st.unnamed.has(pkg) && !(await nameLocalProject(st, where, abs, pkg))) continue;
    pkg.direct = true;
    if (fileField) pkg.file = fileField;
    const entry: Entry = { pkg, from: abs };
    st.entries.push(entry);
    last = entry;
    if (comment !== undefined) collecting = readVia(entry, comment);
  }
}

/** `.`, `./`, `file:.`: the directory pip runs in, by convention the project itself. */
const PROJECT_ITSELF = /^(?:file:)?\.[\\/]?$/i;

/**
 * Names a requirement on a local project directory from its metadata (`pyproject.toml` `[project]` or
 * `[tool.poetry]` name, `setup.cfg` `[metadata]` name, a literal `name=` in `setup.py`), as pip would by
 * building it; nothing is run. pip reads relative paths from the working directory, by convention the
 * project's root: the file's directory, or its parent for `requirements/*.txt`. Returns false for `.` (the
 * project itself, not a dependency).
 */
async function nameLocalProject(st: State, where: Where, fromAbs: string, pkg: Package): Promise<boolean> {
  const ref = pkg.unpinned!.spec;
  if (PROJECT_ITSELF.test(ref)) return false;
  const fileDir = dirname(fromAbs);
  const path = ref.replace(/[?#].*$/s, "");
  let dirs: string[];
  if (/^file:\/\//i.test(path)) {
    try {
      dirs = [fileURLToPath(path)];
    } catch {
      dirs = [];
    }
  } else {
    const local = path.replace(/^file:/i, "");
    dirs = [resolve(fileDir, local), resolve(dirname(fileDir), local)];
  }
  for (const dir of dirs) {
    const name = await projectName(st, dir);
    if (!name) continue;
    pkg.name = name;
    const rel = relative(dirname(st.input.path), dir).split(sep).join("/");
    if (rel && rel !== ".." && !rel.startsWith("../") && !isAbsolute(rel)) st.members.add(rel);
    return true;
  }
  st.warnings.push(
    `${where.display}:${where.line}: cannot tell the package name of "${ref}" (no #egg= fragment, and no pyproject.toml, setup.cfg or setup.py name found there); using the directory name`,
  );
  // the directory's own name reads better than a path turned into a package name (`-/local/pkg`)
  pkg.name =
    path
      .replace(/^file:(\/\/)?/i, "")
      .replace(/[\\/]+$/, "")
      .split(/[\\/]/)
      .pop() || ref;
  return true;
}

/** The project name a directory's metadata declares, without running anything; undefined when none. */
async function projectName(st: State, dir: string): Promise<string | undefined> {
  const read = async (name: string): Promise<string | undefined> => {
    try {
      return await st.input.readText(join(dir, name));
    } catch {
      return undefined;
    }
  };
  const pyproject = await read("pyproject.toml");
  if (pyproject !== undefined) {
    try {
      const data = parseToml("pyproject.toml", pyproject);
      const project = isRecord(data.project) ? data.project : undefined;
      const tool = isRecord(data.tool) ? data.tool : undefined;
      const poetry = tool && isRecord(tool.poetry) ? tool.poetry : undefined;
      for (const name of [project?.name, poetry?.name]) {
        if (typeof name === "string" && PROJECT_NAME.test(name.trim())) return name.trim();
      }
    } catch {
      // not valid TOML: try the other files
    }
  }
  const cfg = await read("setup.cfg");
  const fromCfg =
    cfg && /^\[metadata\][^[]*?^[ \t]*name[ \t]*[=:][ \t]*([A-Za-z0-9][A-Za-z0-9._-]*)[ \t]*$/m.exec(cfg);
  if (fromCfg) return fromCfg[1];
  const py = await read("setup.py");
  const fromPy = py && /\bname\s*=\s*["']([A-Za-z0-9][A-Za-z0-9._-]*)["']/.exec(py);
  return fromPy ? fromPy[1] : undefined;
}

const PROJECT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** A `# via` item that names a requirements/constraints file or the project itself, not a package. */
function isSourceItem(item: string): boolean {
  return item.startsWith("-") || /\(.*\)\s*$/.test(item);
}

/** A `# via` item naming a package (`flask`, `uvicorn[standard]`). */
const PACKAGE_ITEM = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:\s*\[[^\]]*\])?$/;

/** An annotation pip-compile / uv wrote: every item a package, a `-r`/`-c` source or `project (file)`. */
function isAnnotation(via: string[] | undefined): via is string[] {
  return !!via?.length && via.every((item) => isSourceItem(item) || PACKAGE_ITEM.test(item));
}

function addEdges(st: State): void {
  if (!st.entries.some((e) => e.via)) return;
  const byName = new Map<string, Entry[]>();
  for (const e of st.entries) {
    const norm = normalisePypiName(e.pkg.name);
    const list = byName.get(norm);
    if (list) list.push(e);
    else byName.set(norm, [e]);
  }
  for (const child of st.entries) {
    if (!isAnnotation(child.via)) continue; // a comment that only starts with "via"
    // Required by an input file, or by a package the file does not list: the project itself (Rye and uv
    // write `# via <project>` for what `-e file:.` requires).
    child.pkg.direct = child.via.some(
      (item) => isSourceItem(item) || !byName.has(normalisePypiName(item.replace(/\[.*$/s, "").trim())),
    );
    for (const item of child.via) {
      if (isSourceItem(item)) continue;
      const parentName = normalisePypiName(item.replace(/\[.*$/s, "").trim());
      const candidates = byName.get(parentName);
      if (!candidates) continue;
      const sameFile = candidates.filter((p) => p.from === child.from);
      for (const parent of sameFile.length ? sameFile : candidates) {
        parent.pkg.dependencies ??= [];
        const deps = parent.pkg.dependencies;
        if (!deps.some((d) => d.name === child.pkg.name && d.version === child.pkg.version)) {
          deps.push({ name: child.pkg.name, version: child.pkg.version });
        }
      }
    }
  }
}

async function extract(input: FileInput): Promise<ExtractResult> {
  const st: State = {
    input,
    entries: [],
    warnings: [],
    pins: new Map(),
    done: new Set(),
    unnamed: new Set(),
    members: new Set(),
  };
  st.done.add(`r\u0000${input.path}`);
  await readFile(st, input.path, input.file, input.text, false, [input.path]);
  for (const { pkg } of st.pins.size ? st.entries : []) {
    if (pkg.unpinned?.kind !== "range" && pkg.unpinned?.kind !== "any") continue;
    const pin = st.pins.get(normalisePypiName(pkg.name));
    if (pin === undefined) continue;
    pkg.version = pin;
    delete pkg.unpinned;
  }
  addEdges(st);
  for (const e of st.entries) if (isDevFile(e.from)) e.pkg.scopes = ["dev"];
  const result: ExtractResult = { packages: st.entries.map((e) => e.pkg) };
  if (st.warnings.length) result.warnings = st.warnings;
  if (st.members.size) result.workspaceMembers = [...st.members].sort();
  return result;
}

/**
 * `requirements-dev.txt`, `test-requirements.txt`, `requirements/lint.txt`: by the convention these names
 * follow, what they list is for development and CI, not production.
 */
export function isDevFile(path: string): boolean {
  const base = (path.split(/[\\/]/).pop() ?? "").toLowerCase().replace(/\.(txt|pip|in|lock)$/, "");
  return /(^|[-_.])(dev|devel|develop|development|test|tests|testing|lint|linting|docs?|ci|typing|mypy|tox|style|qa)([-_.]|$)/.test(
    base,
  );
}

function inRequirementsDir(path: string): boolean {
  const parts = path.split(/[\\/]/);
  return parts.length >= 2 && parts[parts.length - 2]!.toLowerCase() === "requirements";
}

export const requirementsExtractor: FileExtractor = {
  id: "requirements",
  ecosystem: "PyPI",
  kind: "lockfile",
  description:
    "pip requirements files (requirements*.txt, *-requirements.txt, requirements/*.txt, Rye's requirements*.lock), with includes",
  matchFile(baseName: string, path: string): boolean {
    const name = baseName.toLowerCase();
    if (name.startsWith("constraints")) return false;
    if (/^requirements.*\.(txt|pip)$/.test(name)) return true;
    // Rye's lockfiles (pip-compile format): requirements.lock, requirements-dev.lock.
    if (/^requirements.*\.lock$/.test(name)) return true;
    if (/[-_]requirements\.txt$/.test(name)) return true;
    return name.endsWith(".txt") && inRequirementsDir(path);
  },
  extract,
};
