/**
 * yarn.lock, both formats:
 * - v1 (Yarn classic, header `# yarn lockfile v1`): Yarn's own syntax, parsed with `@yarnpkg/lockfile`.
 *   Entries are keyed `name@range` (several keys joined by `, ` share one entry).
 * - Berry (Yarn 2+, a YAML subset with a `__metadata` block): parsed with `parseSyml` from `@yarnpkg/parsers`.
 *   Keys are descriptors (`name@npm:^1.0.0`), `resolution` is the locator the descriptors resolved to.
 * See docs/formats/yarn-lock.md.
 */
import { createRequire } from "node:module";
import { posix } from "node:path";
import { parseSyml } from "@yarnpkg/parsers";
import { InputError } from "../../errors.js";
import type { FileExtractor, FileInput } from "../extractor.js";
import type { DependencyRef, ExtractedPackage, ExtractResult, Unpinned } from "../model.js";
import { forEachLine, isRecord } from "../text.js";
import { projectManifests } from "./package-json.js";
import { classifyNpmSpec, type NpmSpec, sourceOfResolved } from "./spec.js";

// @yarnpkg/lockfile is a webpack bundle: Node's ESM loader cannot see its named exports, and bundlers that
// honour its inner `__esModule` flag make the default import the wrong object. `require` is unambiguous.
const { parse: parseV1Lockfile } = createRequire(import.meta.url)(
  "@yarnpkg/lockfile",
) as typeof import("@yarnpkg/lockfile");

export const yarnLockExtractor: FileExtractor = {
  id: "yarn-lock",
  ecosystem: "npm",
  kind: "lockfile",
  description: "Yarn lockfile (yarn.lock): classic v1 and Berry (Yarn 2+)",
  matchFile: (baseName) => baseName === "yarn.lock",
  extract: (input) => {
    const text = input.text;
    if (!/\S/.test(text)) {
      throw new InputError(input.file, `empty file; expected a yarn lockfile (${EXPECTED})`);
    }
    if (hasV1Header(text)) return extractV1(input);
    if (/^__metadata:/m.test(text)) return extractBerry(input);
    if (looksLikeV1(text)) return extractV1(input);
    throw new InputError(input.file, `not a yarn lockfile: expected ${EXPECTED}`);
  },
};

const EXPECTED = "the `# yarn lockfile v1` header or a Berry `__metadata:` block";

// ---------------------------------------------------------------------------------------------------------
// Shared helpers

/** A component being built; entries that resolve to the same package (aliases, patches) merge into one. */
interface Comp {
  pkg: ExtractedPackage;
  /** Edges to components of this file. */
  targets: Comp[];
  /** Edges whose target is not in the file. */
  unresolved: DependencyRef[];
  hashes: string[];
}

function newComp(pkg: ExtractedPackage): Comp {
  return { pkg, targets: [], unresolved: [], hashes: [] };
}

/** `name@range` → [name, range]; the name may be scoped (`@s/n@^1`). */
function splitDescriptor(descriptor: string): [string, string] {
  const at = descriptor.indexOf("@", 1);
  if (at === -1) return [descriptor, ""];
  return [descriptor.slice(0, at), descriptor.slice(at + 1)];
}

/** A git host's archive of a commit or tag (`codeload.github.com/…`): the package comes from a repository. */
const isGitHostTarball = (url: string): boolean =>
  /^https?:/i.test(url) && sourceOfResolved(url)?.kind === "vcs";

const GIT_URL = /^(git\+[a-z]+:|git:\/\/|ssh:\/\/|git@|github:|gitlab:|bitbucket:|gist:)/i;

function addTarget(comp: Comp, target: Comp): void {
  if (target !== comp && !comp.targets.includes(target)) comp.targets.push(target);
}

function addUnresolved(comp: Comp, name: string): void {
  if (!comp.unresolved.some((r) => r.name === name)) comp.unresolved.push({ name, version: null });
}

function addHash(comp: Comp, hash: string): void {
  if (!comp.hashes.includes(hash)) comp.hashes.push(hash);
}

function finish(comps: Iterable<Comp>): ExtractedPackage[] {
  const out: ExtractedPackage[] = [];
  for (const c of comps) {
    if (c.hashes.length) c.pkg.hashes = c.hashes;
    if (c.targets.length || c.unresolved.length) {
      const deps: DependencyRef[] = c.targets.map((t) => ({ name: t.pkg.name, version: t.pkg.version }));
      for (const u of c.unresolved) if (!deps.some((d) => d.name === u.name)) deps.push(u);
      c.pkg.dependencies = deps;
    }
    out.push(c.pkg);
  }
  return out;
}

/** The package a dependency names: itself, or the real package of an alias (`npm:real@^1`). */
function aliasTarget(depName: string, range: string): string {
  if (!range.startsWith("npm:")) return depName;
  const spec = classifyNpmSpec(range);
  return spec.type === "alias" && spec.name ? spec.name : depName;
}

/** The only component with this name, when there is exactly one (an override changed the key's range). */
function uniqueByName(byName: Map<string, Comp[]>, name: string): Comp | undefined {
  const list = byName.get(name);
  if (!list) return undefined;
  const first = list[0]!;
  return list.every((c) => c.pkg.version === first.pkg.version) ? first : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// v1

function hasV1Header(text: string): boolean {
  // The header sits in the leading comment block.
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).trim();
    if (line !== "" && !line.startsWith("#")) return false;
    if (/^#\s*yarn\s+lockfile\s+v1$/i.test(line)) return true;
    start = end + 1;
  }
  return false;
}

/** No header, but the first entry has v1's shape (`key:` then `  version "…"`). */
function looksLikeV1(text: string): boolean {
  const m = /^(?![#\s])[^\n]*:\r?\n {2}version "/m.exec(text);
  if (!m) return false;
  const before = text.slice(0, m.index);
  return before.split("\n").every((l) => l.trim() === "" || l.trimStart().startsWith("#"));
}

interface V1Scan {
  /** Line of every key of every entry header. */
  keyLines: Map<string, number>;
  /** Line of the first merge-conflict marker, if any. */
  conflictLine?: number;
}

/**
 * One pass over the text: records the line of each entry header's keys, and rejects an unterminated string
 * before the parser sees it (the parser loops to the end of memory on one).
 */
function scanV1(file: string, text: string): V1Scan {
  const keyLines = new Map<string, number>();
  let conflictLine: number | undefined;
  forEachLine(text, (start, stop, line) => {
    const first = text.charCodeAt(start);
    if (first === 35 /* # */ || stop <= start) return;
    if (first !== 32 && first !== 9) {
      if (
        conflictLine === undefined &&
        (text.startsWith("<<<<<<<", start) || text.startsWith(">>>>>>>", start))
      ) {
        conflictLine = line;
      }
      for (const key of headerKeys(text, start, stop)) if (!keyLines.has(key)) keyLines.set(key, line);
    }
    const q = text.indexOf('"', start);
    if (q !== -1 && q < stop) checkQuotes(file, text, start, stop, line);
  });
  return { keyLines, conflictLine };
}

function checkQuotes(file: string, text: string, start: number, stop: number, line: number): void {
  let open = -1;
  for (let i = start; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (open === -1) {
      if (c === 34) open = i;
      else if (c === 35 && (i === start || text.charCodeAt(i - 1) === 32)) return; // a comment
    } else if (c === 92) {
      i++;
    } else if (c === 34) {
      open = -1;
    }
  }
  if (open !== -1) {
    throw new InputError(file, "invalid yarn.lock v1: unterminated string (the file may be truncated)", {
      line,
      column: open - start + 1,
    });
  }
}

/** The keys of a header line (`"a@^1", a@^2:`), unquoted as the v1 tokenizer does. */
function headerKeys(text: string, start: number, stop: number): string[] {
  const keys: string[] = [];
  let i = start;
  for (;;) {
    while (i < stop && text.charCodeAt(i) === 32) i++;
    if (i >= stop) return keys;
    let key: string;
    if (text.charCodeAt(i) === 34) {
      let j = i + 1;
      while (j < stop && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 ? 2 : 1;
      try {
        key = JSON.parse(text.slice(i, j + 1)) as string;
      } catch {
        return keys;
      }
      i = j + 1;
    } else {
      let j = i;
      while (j < stop) {
        const c = text.charCodeAt(j);
        if (c === 58 || c === 32 || c === 44) break;
        j++;
      }
      key = text.slice(i, j);
      i = j;
    }
    if (key) keys.push(key);
    while (i < stop && text.charCodeAt(i) === 32) i++;
    if (text.charCodeAt(i) !== 44) return keys;
    i++;
  }
}

/**
 * Where the v1 parser's `line:col` really is. Its tokenizer takes "\n\n" for one line break (it meant
 * "\r\n"), and its column counts the line break's characters; this replays its counting.
 */
function v1Position(text: string, parserLine: number, parserCol: number): { line: number; column: number } {
  let parser = 1;
  let line = 1;
  let chop = 0;
  let i = 0;
  while (parser < parserLine) {
    const j = text.indexOf("\n", i);
    if (j === -1) break;
    parser++;
    if (j > 0 && text.charCodeAt(j - 1) === 13) {
      line++;
      chop = 2;
      i = j + 1;
    } else if (text.charCodeAt(j + 1) === 10) {
      line += 2;
      chop = 2;
      i = j + 2;
    } else {
      line++;
      chop = 1;
      i = j + 1;
    }
  }
  return { line, column: Math.max(1, parserCol - chop + 1) };
}

/** The v1 parser's errors carry a position (see v1Position); others are located here. */
function v1Error(file: string, text: string, e: unknown): InputError {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /^([\s\S]*?) (\d+):(\d+) in lockfile$/.exec(msg);
  if (m) {
    let detail = m[1]!;
    if (detail.startsWith("Unknown token")) detail = "unexpected token";
    else if (detail === "Invalid value type")
      detail = "invalid value (expected a string, number, boolean or block)";
    else if (detail === "Expected string") detail = "expected a key after `,`";
    else detail = detail.toLowerCase();
    return new InputError(
      file,
      `invalid yarn.lock v1: ${detail}`,
      v1Position(text, Number(m[2]), Number(m[3])),
    );
  }
  if (/Invalid number of spaces/.test(msg)) {
    const lines = text.split("\n");
    const at = lines.findIndex((l, i) => i > 0 && ((/^ +/.exec(l)?.[0].length ?? 0) & 1) === 1);
    return new InputError(
      file,
      "invalid yarn.lock v1: odd indentation (entries are indented by two spaces)",
      at === -1 ? undefined : { line: at + 1 },
    );
  }
  const version = /lockfile of version (\d+)/.exec(msg);
  if (version) return new InputError(file, `unsupported yarn lockfile version ${version[1]}; expected v1`);
  if (/No more tokens/.test(msg)) {
    return new InputError(file, "invalid yarn.lock v1: unexpected end of file (truncated?)");
  }
  return new InputError(file, `invalid yarn.lock v1: ${msg}`);
}

function v1Source(
  range: string,
  spec: NpmSpec,
  resolved: string | undefined,
): { unpinned?: Unpinned; resolved?: string; sha1?: string } {
  const inner = spec.type === "alias" ? spec.spec : spec;
  if (resolved !== undefined) {
    if (GIT_URL.test(resolved) || inner.type === "git") {
      return { unpinned: { kind: "vcs", spec: resolved }, resolved };
    }
    if (isGitHostTarball(resolved)) return { unpinned: { kind: "vcs", spec: resolved }, resolved };
  } else if (inner.type === "git") {
    return { unpinned: { kind: "vcs", spec: range } };
  }
  const hash = resolved?.indexOf("#") ?? -1;
  const url = resolved !== undefined && hash !== -1 ? resolved.slice(0, hash) : resolved;
  const fragment = resolved !== undefined && hash !== -1 ? resolved.slice(hash + 1) : "";
  const sha1 = /^[0-9a-f]{40}$/i.test(fragment) ? fragment.toLowerCase() : undefined;
  if (inner.type === "file" || url?.startsWith("file:")) {
    return { unpinned: { kind: "path", spec: inner.type === "file" ? inner.path : url! }, sha1 };
  }
  if (inner.type === "remote")
    return { unpinned: { kind: "url", spec: url ?? inner.url }, resolved: url, sha1 };
  if (inner.type === "workspace") return { unpinned: { kind: "path", spec: range } };
  return { resolved: url, sha1 };
}

function str(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

async function extractV1(input: FileInput): Promise<ExtractResult> {
  const file = input.file;
  // The v1 tokenizer reads a comment up to a newline that must exist.
  const text = input.text.endsWith("\n") ? input.text : `${input.text}\n`;
  const scan = scanV1(file, text);
  let parsed: ReturnType<typeof parseV1Lockfile>;
  try {
    parsed = parseV1Lockfile(text);
  } catch (e) {
    throw v1Error(file, text, e);
  }
  if (parsed.type !== "success") {
    // "merge": both sides parse and Yarn would merge them on the next install; "conflict": they do not.
    // Either way the file is not the lockfile that was installed.
    throw new InputError(
      file,
      "unresolved merge conflict (<<<<<<< / >>>>>>> markers); resolve it or run `yarn install` to merge it",
      scan.conflictLine ? { line: scan.conflictLine } : undefined,
    );
  }

  // The parser repeats one entry object under each of its keys.
  const groups = new Map<Record<string, unknown>, string[]>();
  for (const [key, value] of Object.entries(parsed.object as Record<string, unknown>)) {
    const line = scan.keyLines.get(key);
    if (!isRecord(value)) {
      throw new InputError(
        file,
        `entry "${key}": expected a block of fields (version, resolved, …), got ${describe(value)}`,
        line ? { line } : undefined,
      );
    }
    const keys = groups.get(value);
    if (keys) keys.push(key);
    else groups.set(value, [key]);
  }

  const comps = new Map<string, Comp>();
  const byKey = new Map<string, Comp>();
  const byName = new Map<string, Comp[]>();
  const pending: [Comp, Record<string, unknown>, string][] = [];
  for (const [entry, keys] of groups) {
    const key = keys[0]!;
    let line: number | undefined;
    for (const k of keys) {
      const l = scan.keyLines.get(k);
      if (l !== undefined && (line === undefined || l < line)) line = l;
    }
    const at = line ? { line } : undefined;
    const version =
      typeof entry.version === "string"
        ? entry.version
        : typeof entry.version === "number"
          ? String(entry.version)
          : undefined;
    if (version === undefined) {
      throw new InputError(
        file,
        `entry "${key}": ${entry.version === undefined ? "missing `version`" : `\`version\` must be a string, got ${describe(entry.version)}`}`,
        at,
      );
    }
    for (const field of ["resolved", "integrity"] as const) {
      if (entry[field] !== undefined && typeof entry[field] !== "string") {
        throw new InputError(
          file,
          `entry "${key}": \`${field}\` must be a string, got ${describe(entry[field])}`,
          at,
        );
      }
    }
    for (const field of ["dependencies", "optionalDependencies"] as const) {
      const deps = entry[field];
      if (deps === undefined) continue;
      if (!isRecord(deps) || !allScalars(deps, false)) {
        throw new InputError(file, `entry "${key}": \`${field}\` must map names to ranges`, at);
      }
    }
    const [keyName, range] = splitDescriptor(key);
    const spec = classifyNpmSpec(range);
    const name = spec.type === "alias" && spec.name ? spec.name : keyName;
    const source = v1Source(range, spec, entry.resolved as string | undefined);
    const id = `${name}@${version}@${source.unpinned?.spec ?? ""}`;
    let comp = comps.get(id);
    if (!comp) {
      const pkg: ExtractedPackage = { name, version };
      if (line) pkg.line = line;
      if (source.resolved) pkg.resolved = source.resolved;
      if (source.unpinned) pkg.unpinned = source.unpinned;
      comp = newComp(pkg);
      comps.set(id, comp);
      const same = byName.get(name);
      if (same) same.push(comp);
      else byName.set(name, [comp]);
    }
    if (typeof entry.integrity === "string" && entry.integrity.trim()) addHash(comp, entry.integrity.trim());
    if (source.sha1) addHash(comp, `sha1:${source.sha1}`);
    for (const k of keys) byKey.set(k, comp);
    pending.push([comp, entry, key]);
  }

  for (const [comp, entry] of pending) {
    for (const field of ["dependencies", "optionalDependencies"] as const) {
      const deps = entry[field];
      if (!isRecord(deps)) continue;
      for (const depName in deps) {
        const range = str(deps[depName])!;
        const found = byKey.get(`${depName}@${range}`);
        if (found) {
          addTarget(comp, found);
          continue;
        }
        const realName = aliasTarget(depName, range);
        const target = uniqueByName(byName, realName);
        if (target) addTarget(comp, target);
        else addUnresolved(comp, realName);
      }
    }
  }
  const members = await v1Direct(input, byKey, byName, comps.values());
  const result: ExtractResult = { packages: finish(comps.values()) };
  for (const key of byKey.keys()) {
    // A local package (`file:` directory) inside the project: its dependencies are locked here too.
    const range = splitDescriptor(key)[1];
    if (!range.startsWith("file:") || TARBALL.test(range)) continue;
    const dir = posix.normalize(range.slice(5).replace(/\\/g, "/")).replace(/\/+$/, "");
    if (dir !== "." && dir !== "" && !dir.startsWith("../") && dir !== ".." && !posix.isAbsolute(dir))
      members.add(dir);
  }
  if (members.size) result.workspaceMembers = [...members].sort();
  return result;
}

const TARBALL = /\.(?:tgz|tar\.gz|tar)$/i;
/** The manifest sections whose packages Yarn classic installs for the project (not peers: it does not). */
const V1_DIRECT_SECTIONS = ["dependencies", "devDependencies", "optionalDependencies"] as const;

/**
 * v1 does not record the project's own dependencies: the package.json beside the lockfile and its workspace
 * members' do. Each `name: range` they declare is the entry keyed `name@range` (else, the key having gone stale,
 * every entry of that name), so of several versions of a name only the declared one is direct. Without a
 * readable package.json, `direct` stays unset. Returns the workspace member directories.
 */
async function v1Direct(
  input: FileInput,
  byKey: Map<string, Comp>,
  byName: Map<string, Comp[]>,
  comps: Iterable<Comp>,
): Promise<Set<string>> {
  const manifests = await projectManifests(input.path, input.readText);
  const members = new Set<string>();
  if (manifests.length === 0) return members;
  for (const m of manifests) {
    if (m.dir) members.add(m.dir);
    for (const section of V1_DIRECT_SECTIONS) {
      const deps = m.data[section];
      if (!isRecord(deps)) continue;
      for (const name in deps) {
        const spec = deps[name];
        if (typeof spec !== "string") continue;
        const exact = byKey.get(`${name}@${spec}`);
        if (exact) exact.pkg.direct = true;
        else for (const c of byName.get(aliasTarget(name, spec)) ?? []) c.pkg.direct = true;
      }
    }
  }
  for (const c of comps) c.pkg.direct ??= false;
  return members;
}

/** Whether every value of a dependency map is a string (or, for v1, a number or boolean). */
function allScalars(deps: Record<string, unknown>, stringsOnly: boolean): boolean {
  for (const k in deps) {
    const v = deps[k];
    if (typeof v !== "string" && (stringsOnly || str(v) === undefined)) return false;
  }
  return true;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a block";
  return `${typeof v} ${JSON.stringify(v)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Berry

/** Top-level keys of a Berry lockfile and their lines (keys are plain or JSON-quoted; long ones use `? `). */
function berryKeyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  forEachLine(text, (start, end, line) => {
    const c = text.charCodeAt(start);
    if (end <= start || c === 32 || c === 9 || c === 35) return;
    let s = text.slice(start, end);
    if (s.startsWith("? ")) s = `${s.slice(2)}:`;
    let key: string | undefined;
    if (s.startsWith('"')) {
      const close = s.lastIndexOf('":');
      if (close > 0) {
        try {
          key = JSON.parse(s.slice(0, close + 1)) as string;
        } catch {
          key = undefined;
        }
      }
    } else if (s.endsWith(":")) {
      key = s.slice(0, -1);
    }
    if (key !== undefined && !lines.has(key)) lines.set(key, line);
  });
  return lines;
}

type BerryKind = "npm" | "workspace" | "vcs" | "url" | "path";

interface BerrySource {
  kind: BerryKind;
  /** The reference without `::` bindings, or the npm version. */
  spec: string;
  /** Where the tarball comes from, when Yarn recorded it (`::__archiveUrl=`). */
  archiveUrl?: string;
  patched: boolean;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** What a locator's reference (`npm:1.2.3`, `patch:…`, `https://…git#commit=…`) points at. */
function berrySource(reference: string): BerrySource {
  const sep = reference.indexOf("::");
  const body = sep === -1 ? reference : reference.slice(0, sep);
  const params = sep === -1 ? "" : reference.slice(sep + 2);
  if (body.startsWith("patch:")) {
    // patch:<url-encoded source locator>#<patch path>
    const hash = body.indexOf("#");
    const inner = decode(body.slice(6, hash === -1 ? undefined : hash));
    const [, innerRef] = splitDescriptor(inner);
    return { ...berrySource(innerRef), patched: true };
  }
  if (body.startsWith("npm:")) {
    const archive = params.includes("__archiveUrl=") ? new URLSearchParams(params).get("__archiveUrl") : null;
    return { kind: "npm", spec: body.slice(4), archiveUrl: archive ?? undefined, patched: false };
  }
  if (body.startsWith("workspace:")) return { kind: "workspace", spec: body.slice(10), patched: false };
  if (/^(file|portal|link|exec):/.test(body)) return { kind: "path", spec: body, patched: false };
  if (GIT_URL.test(body) || /\.git(#|$)/.test(body) || /#(.*&)?(commit|head|tag|semver)=/.test(body)) {
    return { kind: "vcs", spec: body, patched: false };
  }
  if (/^https?:/i.test(body)) {
    return { kind: isGitHostTarball(body) ? "vcs" : "url", spec: body, patched: false };
  }
  return { kind: "url", spec: body, patched: false };
}

/**
 * The directory of a `file:` (folder, not tarball) or `portal:` package inside the project, relative to the
 * lockfile: Yarn locks its dependencies, so its package.json is covered. The path after `#` (or the protocol)
 * is relative to the workspace named by the `locator=` binding.
 */
function berryLocalDir(resolution: string): string | undefined {
  const reference = splitDescriptor(resolution)[1];
  const sep = reference.indexOf("::");
  const body = sep === -1 ? reference : reference.slice(0, sep);
  const m = /^(file|portal):(.*)$/.exec(body);
  if (!m) return undefined;
  const hash = m[2]!.indexOf("#");
  const path = hash === -1 ? m[2]! : m[2]!.slice(hash + 1);
  if (!path || /\.(?:tgz|tar\.gz|tar)$/i.test(path) || posix.isAbsolute(path)) return undefined;
  let base = ".";
  if (sep !== -1) {
    const locator = new URLSearchParams(reference.slice(sep + 2)).get("locator");
    const ws = locator ? /@workspace:(.*)$/.exec(locator) : null;
    if (locator && !ws) return undefined; // relative to another package: not a directory of the project
    if (ws) base = ws[1]! || ".";
  }
  const dir = posix.normalize(posix.join(base, path)).replace(/\/+$/, "");
  return dir === "." || dir === ".." || dir.startsWith("../") ? undefined : dir;
}

interface BerryEntry {
  key: string;
  line?: number;
  resolution: string;
  name: string;
  source: BerrySource;
  value: Record<string, unknown>;
  comp?: Comp;
}

function extractBerry(input: FileInput): ExtractResult {
  const file = input.file;
  let doc: Record<string, unknown>;
  try {
    doc = parseSyml(input.text);
  } catch (e) {
    const err = e as { reason?: string; mark?: { line: number; column: number }; message?: string };
    throw new InputError(
      file,
      `invalid yarn.lock (Berry YAML): ${err.reason ?? err.message ?? String(e)}`,
      err.mark ? { line: err.mark.line + 1, column: err.mark.column + 1 } : undefined,
    );
  }
  const lines = berryKeyLines(input.text);
  const meta = doc.__metadata;
  const metaLine = lines.get("__metadata");
  if (!isRecord(meta) || typeof meta.version !== "string" || !/^\d+$/.test(meta.version)) {
    throw new InputError(
      file,
      "not a valid Berry yarn.lock: `__metadata` must be a block with a numeric `version`",
      metaLine ? { line: metaLine } : undefined,
    );
  }
  const cacheKey = typeof meta.cacheKey === "string" ? meta.cacheKey : undefined;

  const entries: BerryEntry[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === "__metadata") continue;
    const line = lines.get(key);
    const at = line ? { line } : undefined;
    if (!isRecord(value)) {
      throw new InputError(file, `entry "${key}": expected a block of fields, got ${describe(value)}`, at);
    }
    const resolution = value.resolution;
    if (typeof resolution !== "string") {
      throw new InputError(
        file,
        `entry "${key}": ${resolution === undefined ? "missing `resolution`" : "`resolution` must be a string"}`,
        at,
      );
    }
    const [name, reference] = splitDescriptor(resolution);
    if (!name || !reference) {
      throw new InputError(file, `entry "${key}": resolution "${resolution}" is not <name>@<reference>`, at);
    }
    for (const field of ["version", "checksum"] as const) {
      if (value[field] !== undefined && typeof value[field] !== "string") {
        throw new InputError(file, `entry "${key}": \`${field}\` must be a string`, at);
      }
    }
    for (const field of ["dependencies", "optionalDependencies", "peerDependencies"] as const) {
      const deps = value[field];
      if (deps === undefined) continue;
      if (!isRecord(deps) || !allScalars(deps, true)) {
        throw new InputError(file, `entry "${key}": \`${field}\` must map names to ranges`, at);
      }
    }
    entries.push({ key, line, resolution, name, source: berrySource(reference), value });
  }

  // Descriptor index: each key lists the descriptors (`a@npm:^1, a@npm:^1.1`) that resolved to its entry.
  const byDescriptor = new Map<string, BerryEntry>();
  const byUnbound = new Map<string, BerryEntry>();
  for (const e of entries) {
    for (const part of e.key.split(",")) {
      const d = part.trim();
      if (!d) continue;
      byDescriptor.set(d, e);
      const sep = d.indexOf("::");
      if (sep !== -1 && !byUnbound.has(d.slice(0, sep))) byUnbound.set(d.slice(0, sep), e);
    }
  }

  const comps = new Map<string, Comp>();
  const byName = new Map<string, Comp[]>();
  const members = new Set<string>();
  let hasRoot = false;
  // Unpatched entries first, so a package's own entry (not its patched copy) gives line and checksum.
  const ordered = [...entries.filter((e) => !e.source.patched), ...entries.filter((e) => e.source.patched)];
  for (const e of ordered) {
    const { source } = e;
    if (source.kind === "workspace") {
      const dir = source.spec.replace(/^\.\//, "").replace(/\/+$/, "");
      if (dir === "." || dir === "") hasRoot = true;
      else if (!dir.startsWith("..")) members.add(dir);
      continue;
    }
    const local = source.kind === "path" ? berryLocalDir(e.resolution) : undefined;
    if (local) members.add(local);
    let version = (e.value.version as string | undefined) ?? (source.kind === "npm" ? source.spec : null);
    if (version === "0.0.0-use.local") version = null; // what Yarn writes for soft links: not a version
    const id = source.kind === "npm" ? `${e.name}@npm:${version}` : `${e.name}@${source.spec}`;
    let comp = comps.get(id);
    if (!comp) {
      const pkg: ExtractedPackage = { name: e.name, version };
      if (e.line) pkg.line = e.line;
      if (source.kind === "npm") {
        if (source.archiveUrl) pkg.resolved = source.archiveUrl;
      } else {
        pkg.unpinned = { kind: source.kind, spec: source.spec };
        if (source.kind === "url" || (source.kind === "vcs" && isGitHostTarball(source.spec))) {
          pkg.resolved = source.spec;
        }
      }
      comp = newComp(pkg);
      comps.set(id, comp);
      const same = byName.get(e.name);
      if (same) same.push(comp);
      else byName.set(e.name, [comp]);
    }
    // The checksum is of Yarn's cache archive (of the patched files, for a patch), not of the npm tarball.
    const checksum = e.value.checksum as string | undefined;
    if (checksum && !source.patched) {
      const full = checksum.includes("/") || !cacheKey ? checksum : `${cacheKey}/${checksum}`;
      addHash(comp, `yarn-cache-checksum:${full}`);
    }
    e.comp = comp;
  }

  const lookup = (from: BerryEntry, depName: string, range: string): BerryEntry | Comp | undefined => {
    const direct = byDescriptor.get(`${depName}@${range}`);
    if (direct) return direct;
    if (!/^[a-z][a-z0-9+.-]*:/i.test(range)) {
      const npm = byDescriptor.get(`${depName}@npm:${range}`);
      if (npm) return npm;
    }
    if (!range.includes("::")) {
      const bound = byDescriptor.get(`${depName}@${range}::locator=${encodeURIComponent(from.resolution)}`);
      if (bound) return bound;
    } else {
      const unbound = byUnbound.get(`${depName}@${range.slice(0, range.indexOf("::"))}`);
      if (unbound) return unbound;
    }
    const unbound = byUnbound.get(`${depName}@${range}`);
    if (unbound) return unbound;
    return uniqueByName(byName, aliasTarget(depName, range));
  };

  for (const e of entries) {
    const isWorkspace = e.source.kind === "workspace";
    const fields = isWorkspace
      ? (["dependencies", "optionalDependencies", "peerDependencies"] as const)
      : (["dependencies", "optionalDependencies"] as const);
    for (const field of fields) {
      const deps = e.value[field] as Record<string, string> | undefined;
      if (!deps) continue;
      for (const depName in deps) {
        const range = deps[depName]!;
        const found = lookup(e, depName, range);
        if (found && !("pkg" in found) && !found.comp) continue; // a workspace: first party
        const target = found && "pkg" in found ? found : found?.comp;
        if (isWorkspace) {
          if (target) target.pkg.direct = true;
        } else if (e.comp && target) {
          addTarget(e.comp, target);
        } else if (e.comp) {
          addUnresolved(e.comp, aliasTarget(depName, range));
        }
      }
    }
  }
  if (hasRoot) for (const c of comps.values()) c.pkg.direct ??= false;

  const result: ExtractResult = { packages: finish(comps.values()) };
  if (members.size) result.workspaceMembers = [...members].sort();
  return result;
}
