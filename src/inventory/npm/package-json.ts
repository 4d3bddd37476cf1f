/**
 * npm's manifest, `package.json`: the declared dependencies, each classified by its spec (npm-package-arg).
 *
 * Sections and how npm's arborist (lib/node.js, `_loadDeps`) reads them: peerDependencies (optional when
 * `peerDependenciesMeta[name].optional`), then dependencies, optionalDependencies and devDependencies, a later
 * section overriding an earlier one for the same name; a name in optionalDependencies is removed from
 * dependencies. See docs/formats/package-json.md.
 */
import { readdir } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { z } from "zod";
import { InputError } from "../../errors.js";
import type { FileExtractor, FileInput } from "../extractor.js";
import { type ExtractedPackage, type ExtractResult, SCOPES, type Scope } from "../model.js";
import { formatPath, isRecord, parseJson } from "../text.js";
import { classifyNpmSpec, globRegExp, matchesWorkspaces, unpinnedKindOf, workspaceGlobs } from "./spec.js";

export const packageJsonExtractor: FileExtractor = {
  id: "package-json",
  ecosystem: "npm",
  kind: "manifest",
  description:
    "npm package.json: dependencies, devDependencies, optionalDependencies and peerDependencies, as declared",
  matchFile: (baseName) => baseName === "package.json",
  extract: (input) => extractPackageJson(input),
};

const SECTIONS = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"] as const;
type Section = (typeof SECTIONS)[number];

const depMap = z.record(z.string(), z.string()).nullish();
const nameList = z.union([z.array(z.string()), z.boolean()]).nullish();
const schema = z.looseObject({
  dependencies: depMap,
  devDependencies: depMap,
  optionalDependencies: depMap,
  peerDependencies: depMap,
  peerDependenciesMeta: z.record(z.string(), z.looseObject({ optional: z.boolean().nullish() })).nullish(),
  bundleDependencies: nameList,
  bundledDependencies: nameList,
  workspaces: z
    .union([z.array(z.string()), z.looseObject({ packages: z.array(z.string()).nullish() })])
    .nullish(),
});
type Manifest = z.infer<typeof schema>;

const EXPECTED: Record<string, [whole: string, member: string, deeper?: string]> = {
  dependencies: ["an object of name: version", "a version string"],
  devDependencies: ["an object of name: version", "a version string"],
  optionalDependencies: ["an object of name: version", "a version string"],
  peerDependencies: ["an object of name: version", "a version string"],
  peerDependenciesMeta: [
    "an object of name: {optional: true}",
    "an object like {optional: true}",
    "true or false",
  ],
  bundleDependencies: ["an array of package names or true", "a package name"],
  bundledDependencies: ["an array of package names or true", "a package name"],
  workspaces: ["an array of globs or {packages: [globs]}", "a glob string"],
};

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)})`;
  return `${typeof v === "number" ? "a number" : `a ${typeof v}`} (${String(v)})`;
}

/** Reads a package.json's declared dependencies (see the module comment). */
export async function extractPackageJson(input: FileInput): Promise<ExtractResult> {
  const { file, text } = input;
  const data = parseJson(file, text);
  if (!isRecord(data)) {
    throw new InputError(file, `not a package.json: expected a JSON object, found ${describe(data)}`);
  }
  const lines = memberKeyLines(text, new Set<string>([...SECTIONS, ...Object.keys(EXPECTED)]));
  const manifest = check(file, data, lines);

  const globs = manifest.workspaces == null ? undefined : workspaceGlobs(manifest.workspaces);
  const firstParty = await workspaceNames(input, globs);
  // a package may depend on itself (`"me": "file:."`, so that `npx me` runs the local build): first party too
  if (typeof manifest.name === "string") firstParty.add(manifest.name);

  interface Declared {
    name: string;
    spec: string;
    line: number | undefined;
    scopes: Set<Scope>;
  }
  const declared = new Map<string, Declared>();
  const optional = manifest.optionalDependencies ?? {};
  const peerMeta = manifest.peerDependenciesMeta ?? {};
  // arborist's order: a later section's spec wins for a name declared twice; the scopes add up.
  const order: [Section, (name: string) => Scope[] | undefined][] = [
    ["peerDependencies", (n) => (peerMeta[n]?.optional === true ? ["optional", "peer"] : ["peer"])],
    ["dependencies", (n) => (Object.hasOwn(optional, n) ? undefined : ["prod"])],
    ["optionalDependencies", () => ["optional"]],
    ["devDependencies", () => ["dev"]],
  ];
  for (const [section, scopesFor] of order) {
    const deps = manifest[section];
    if (!deps) continue;
    for (const name of Object.keys(deps)) {
      const scopes = scopesFor(name);
      if (!scopes) continue;
      const line = lines.get(section)?.get(name);
      const d = declared.get(name);
      if (d) {
        d.spec = deps[name]!;
        d.line = line;
        for (const s of scopes) d.scopes.add(s);
      } else declared.set(name, { name, spec: deps[name]!, line, scopes: new Set(scopes) });
    }
  }

  const packages: ExtractedPackage[] = [];
  for (const d of declared.values()) {
    const spec = classifyNpmSpec(d.spec);
    if (spec.type === "workspace") continue;
    const name = spec.type === "alias" && spec.name ? spec.name : d.name;
    // a workspace of this repository (unless fetched from somewhere else: git, a URL)
    if (firstParty.has(name) && spec.type !== "git" && spec.type !== "remote") continue;
    const inner = spec.type === "alias" ? spec.spec : spec;
    const pkg: ExtractedPackage = {
      name,
      version: inner.type === "version" ? inner.version : null,
      direct: true,
      scopes: SCOPES.filter((s) => d.scopes.has(s)),
    };
    if (d.line !== undefined) pkg.line = d.line;
    const kind = unpinnedKindOf(spec);
    if (kind) pkg.unpinned = { kind, spec: d.spec };
    if (spec.type === "remote") pkg.resolved = spec.url;
    packages.push(pkg);
  }
  packages.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));

  const result: ExtractResult = { packages };
  if (globs?.length) result.workspaceMembers = [...globs];
  return result;
}

function check(
  file: string,
  data: Record<string, unknown>,
  lines: Map<string, Map<string, number>>,
): Manifest {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  const top = String(path[0] ?? "");
  let value: unknown = data;
  for (const p of path) value = isRecord(value) || Array.isArray(value) ? (value as never)[p] : undefined;
  const expected = EXPECTED[top];
  const what = expected
    ? path.length <= 1
      ? expected[0]
      : path.length === 2
        ? expected[1]
        : (expected[2] ?? expected[1])
    : "another type";
  const at = (path.length > 1 ? lines.get(top)?.get(String(path[1])) : undefined) ?? lines.get("")?.get(top);
  throw new InputError(
    file,
    `not a valid package.json: ${formatPath(path)}: expected ${what}, found ${describe(value)}`,
    at !== undefined ? { line: at } : undefined,
  );
}

/**
 * Lines of the keys one level inside the top-level objects named in `sections`
 * (`dependencies` → `react` → 12), in one pass over the text; the top-level keys' own lines are under "".
 * The last duplicate key wins, as in JSON.parse.
 */
export function memberKeyLines(
  text: string,
  sections: ReadonlySet<string>,
): Map<string, Map<string, number>> {
  const topLines = new Map<string, number>();
  const out = new Map<string, Map<string, number>>([["", topLines]]);
  const objects: boolean[] = []; // per open container: is it an object
  let line = 1;
  let topKey: string | undefined;
  let current: Map<string, number> | undefined;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    else if (c === 34) {
      let j = i + 1;
      let escaped = false;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === 92) {
          escaped = true;
          j++;
        } else if (d === 34) break;
      }
      const depth = objects.length;
      if (depth > 0 && objects[depth - 1] && (depth === 1 || (depth === 2 && current))) {
        let k = j + 1;
        while (k < n && /\s/.test(text[k]!)) k++;
        if (text.charCodeAt(k) === 58) {
          const raw = text.slice(i + 1, j);
          let key = raw;
          if (escaped) {
            try {
              key = JSON.parse(`"${raw}"`) as string;
            } catch {
              // invalid escape: JSON.parse has already rejected the file
            }
          }
          if (depth === 1) {
            topKey = key;
            topLines.set(key, line);
          } else current?.set(key, line);
        }
      }
      i = j;
    } else if (c === 123 || c === 91) {
      if (objects.length === 1) {
        current = undefined;
        if (c === 123 && topKey !== undefined && sections.has(topKey)) {
          current = new Map();
          out.set(topKey, current);
        }
      }
      objects.push(c === 123);
    } else if (c === 125 || c === 93) {
      objects.pop();
      if (objects.length === 1) current = undefined;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Workspaces

/**
 * Names of the workspace packages of the repository this manifest is in (first party: not components): those
 * its own `workspaces` select, else those of each package.json above it that declares workspaces, up to the
 * one whose globs include this directory (its workspace root). A package inside a monorepo but outside its
 * globs (a `file:` linked library, a tool) still depends on the repository's own packages by those names.
 */
async function workspaceNames(input: FileInput, ownGlobs: string[] | undefined): Promise<Set<string>> {
  const dir = dirname(input.path);
  if (ownGlobs?.length) return names(await expandWorkspaces(dir, ownGlobs, input.readText));
  const found = new Set<string>();
  let up = dir;
  for (let i = 0; i < 12; i++) {
    const parent = dirname(up);
    if (parent === up) break;
    up = parent;
    let text: string;
    try {
      text = await input.readText(join(up, "package.json"));
    } catch {
      continue;
    }
    let globs: string[] | undefined;
    try {
      const data = JSON.parse(text) as unknown;
      globs = isRecord(data) ? workspaceGlobs(data.workspaces) : undefined;
    } catch {
      globs = undefined;
    }
    if (!globs?.length) continue;
    for (const n of names(await expandWorkspaces(up, globs, input.readText))) found.add(n);
    if (matchesWorkspaces(globs, relative(up, dir).split(sep).join("/"))) break;
  }
  return found;
}

function names(members: WorkspaceMember[]): Set<string> {
  return new Set(members.map((m) => m.name).filter((n): n is string => !!n));
}

export interface WorkspaceMember {
  /** Directory relative to the workspace root, posix. */
  dir: string;
  /** The member's package name, when its package.json has one. */
  name?: string;
}

const MAX_WORKSPACE_DIRS = 5000;
const expansions = new Map<string, Promise<WorkspaceMember[]>>();

/**
 * The workspace member directories that `globs` (a package.json `workspaces` field) select under `rootDir`,
 * with their package names: the directories that match and hold a package.json, as npm's map-workspaces
 * finds them (`node_modules` and dot-directories are not searched). Reads with `readText`; cached per root.
 */
export function expandWorkspaces(
  rootDir: string,
  globs: readonly string[],
  readText: (path: string) => Promise<string>,
): Promise<WorkspaceMember[]> {
  const key = `${rootDir}\u0000${globs.join("\u0000")}`;
  let p = expansions.get(key);
  if (!p) {
    p = expand(rootDir, globs, readText);
    expansions.set(key, p);
    if (expansions.size > 64) expansions.delete(expansions.keys().next().value!);
  }
  return p;
}

async function expand(
  rootDir: string,
  globs: readonly string[],
  readText: (path: string) => Promise<string>,
): Promise<WorkspaceMember[]> {
  const candidates = new Set<string>();
  let budget = MAX_WORKSPACE_DIRS;
  const subdirs = async (rel: string): Promise<string[]> => {
    if (--budget < 0) return [];
    try {
      const entries = await readdir(join(rootDir, rel), { withFileTypes: true });
      return entries
        .filter(
          (e) =>
            (e.isDirectory() || e.isSymbolicLink()) && e.name !== "node_modules" && !e.name.startsWith("."),
        )
        .map((e) => (rel ? `${rel}/${e.name}` : e.name));
    } catch {
      return [];
    }
  };
  const walk = async (rel: string, segments: string[]): Promise<void> => {
    if (segments.length === 0) {
      if (rel) candidates.add(rel); // the root is not one of its workspaces
      return;
    }
    const [seg, ...rest] = segments as [string, ...string[]];
    if (seg === "**") {
      await walk(rel, rest);
      for (const sub of await subdirs(rel)) await walk(sub, segments);
    } else if (/[*?[]/.test(seg)) {
      const re = globRegExp(seg);
      for (const sub of await subdirs(rel)) {
        if (re?.test(sub.slice(sub.lastIndexOf("/") + 1))) await walk(sub, rest);
      }
    } else if (seg === "..") {
      return; // workspaces live inside the root
    } else {
      await walk(rel ? `${rel}/${seg}` : seg, rest);
    }
  };
  for (const g of globs) {
    if (g.startsWith("!")) continue;
    const segments = g
      .trim()
      .replace(/^\.\//, "")
      .split("/")
      .filter((s) => s !== "" && s !== ".");
    if (segments.length) await walk("", segments);
  }
  const members: WorkspaceMember[] = [];
  for (const dir of [...candidates].sort()) {
    if (!matchesWorkspaces(globs, dir)) continue;
    let text: string;
    try {
      text = await readText(join(rootDir, dir, "package.json"));
    } catch {
      continue; // not a package
    }
    let name: string | undefined;
    try {
      const data = JSON.parse(text) as unknown;
      if (isRecord(data) && typeof data.name === "string" && data.name) name = data.name;
    } catch {
      // an unreadable member manifest is reported when it is read itself
    }
    members.push(name ? { dir, name } : { dir });
  }
  return members;
}

/** A package.json of the project a lockfile locks: the root's (`dir` "") or a workspace member's. */
export interface ProjectManifest {
  /** Directory relative to the lockfile's, posix; "" for the root. */
  dir: string;
  data: Record<string, unknown>;
}

/**
 * The package.json beside a lockfile and those of the workspace members its `workspaces` select, for
 * lockfiles that do not record the project's own dependencies (yarn.lock v1, package-lock v1). Empty when there
 * is no readable root manifest; a member whose manifest cannot be read is left out.
 */
export async function projectManifests(
  lockPath: string,
  readText: (path: string) => Promise<string>,
): Promise<ProjectManifest[]> {
  const dir = dirname(lockPath);
  const read = async (path: string): Promise<Record<string, unknown> | undefined> => {
    try {
      const data = JSON.parse(await readText(path)) as unknown;
      return isRecord(data) ? data : undefined;
    } catch {
      return undefined; // absent or broken: reported when the manifest itself is read
    }
  };
  const root = await read(join(dir, "package.json"));
  if (!root) return [];
  const out: ProjectManifest[] = [{ dir: "", data: root }];
  const globs = workspaceGlobs(root.workspaces);
  if (globs?.length) {
    for (const m of await expandWorkspaces(dir, globs, readText)) {
      const data = await read(join(dir, m.dir, "package.json"));
      if (data) out.push({ dir: m.dir, data });
    }
  }
  return out;
}
