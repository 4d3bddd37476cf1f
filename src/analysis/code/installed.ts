/**
 * Installed packages under a directory, with the files of each, for `depwarden scan --deep`: npm packages in
 * every `node_modules` tree and Python distributions in every `site-packages` / `dist-packages` directory
 * (virtual environments' `lib/python3.x/site-packages` included). Only metadata files and directory listings
 * are read here; the files themselves are read lazily by `installedPackageContents`. Nothing is imported or run.
 *
 * npm: every package folder under `node_modules` at any depth, scoped (`@scope/name`), nested `node_modules`,
 * and the virtual stores of pnpm (`.pnpm/<id>/node_modules/<name>`) and Bun (`.bun/…`), where each package is a
 * real folder once and every other occurrence a symbolic link. Symbolic links are never followed: store links
 * lead to folders listed anyway, and links out of the tree (workspaces, `file:`) lead to the project's own
 * code. A package's files are its folder minus its own `node_modules` (whose packages are listed separately).
 *
 * Python: a distribution's files are, in order of preference, those its `*.dist-info/RECORD` lists (entries
 * escaping the directory, such as `../../bin/x`, left out), those its `*.egg-info/installed-files.txt` lists,
 * those of the top-level packages and modules its `top_level.txt` names, or those of a package or module named
 * like the distribution (Debian's dist-packages holds many egg-info folders and files with no file list). The
 * metadata folder's own files are always included. Namespace packages shared by several distributions
 * (`google`, `zope`) are listed with each of them when only `top_level.txt` says what is whose.
 */

import { type Dirent, lstatSync, readdirSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, posix, relative, resolve, sep } from "node:path";
import { InputError } from "../../errors.js";
import { SKIP_DIRS } from "../../inventory/discover.js";
import { buildPurl, normalisePypiName } from "../../inventory/normalise.js";
import { parseHeaders } from "../../inventory/pypi/site-packages.js";
import {
  type ArchiveLimits,
  DEFAULT_LIMITS,
  diskFile,
  type PackageContents,
  type PackageFile,
  readFileSafely,
  type SkippedEntry,
  tooLarge,
} from "./archive.js";

export interface InstalledPackage {
  ecosystem: "npm" | "PyPI";
  name: string;
  version: string;
  purl: string;
  /** Absolute directory the file paths are relative to: the package folder (npm), site-packages (PyPI). */
  root: string;
  /** Relative to `root`, `/`-separated, sorted. */
  files: string[];
  /** Where it is, relative to the directory searched: `node_modules/@babel/core`, `site-packages/requests`. */
  display: string;
  /** How the files were found (PyPI): "none" when only the metadata folder could be attributed to it. */
  filesFrom?: "directory" | "RECORD" | "installed-files.txt" | "top_level.txt" | "name" | "none";
}

export interface FindInstalledOptions {
  /** Called with each problem that leaves something out: unreadable metadata, undetermined files, a bound hit. */
  onWarning?: (message: string) => void;
  /** Bound on the directory entries looked at while searching and listing (default 2,000,000). */
  maxEntries?: number;
}

const INSTALLED_DIRS = new Set(["node_modules", "site-packages", "dist-packages"]);
/** Virtual stores of isolated layouts: pnpm's and Bun's (same shape). */
const STORES = new Set([".pnpm", ".bun"]);
/** Metadata files are small; anything larger is not one. */
const MAX_METADATA_BYTES = 16 * 1024 * 1024;

const byName = (a: Dirent, b: Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

class Budget {
  used = 0;
  hit = false;
  constructor(readonly max: number) {}
  /** Counts n more entries; false once the bound is passed. */
  take(n: number): boolean {
    this.used += n;
    if (this.used > this.max) this.hit = true;
    return !this.hit;
  }
}

/** Every installed npm package and Python distribution under `dir` (or `dir` itself when it is such a tree). */
export function findInstalledPackages(dir: string, options: FindInstalledOptions = {}): InstalledPackage[] {
  const warn = options.onWarning ?? (() => {});
  const budget = new Budget(options.maxEntries ?? 2_000_000);
  const abs = resolve(dir);
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      dir,
      code === "ENOENT" ? "no such file or directory" : `cannot read (${code ?? "error"})`,
    );
  }
  if (!st.isDirectory()) throw new InputError(dir, "not a directory");
  // Display paths are relative to the directory searched, or to its parent when it is itself an installed tree.
  const base = INSTALLED_DIRS.has(basename(abs)) ? dirname(abs) : abs;
  const show = (p: string): string => relative(base, p).split(sep).join("/") || basename(p);
  const out: InstalledPackage[] = [];
  const ctx: Ctx = { out, warn, budget, show, seen: new Set() };

  const visit = (d: string, name: string): void => {
    if (name === "node_modules") readNodeModules(ctx, d);
    else if (name === "site-packages" || name === "dist-packages") readSitePackages(ctx, d);
    else search(d);
  };
  const search = (d: string): void => {
    const entries = list(d, budget);
    if (!entries) return;
    for (const entry of entries) {
      if (budget.hit) return;
      if (!entry.isDirectory() || SKIP_DIRS.has(entry.name)) continue; // links are not followed
      visit(join(d, entry.name), entry.name);
    }
  };
  visit(abs, basename(abs));
  if (budget.hit) {
    warn(
      `${show(abs)}: stopped after ${budget.max} directory entries; the list of installed packages is incomplete`,
    );
  }
  return out;
}

interface Ctx {
  out: InstalledPackage[];
  warn: (message: string) => void;
  budget: Budget;
  show: (abs: string) => string;
  /** Package folders already listed. */
  seen: Set<string>;
}

function list(dir: string, budget: Budget): Dirent[] | undefined {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  if (!budget.take(entries.length)) return undefined;
  return entries.sort(byName);
}

// --- npm ----------------------------------------------------------------------------------------------------

function readNodeModules(ctx: Ctx, nm: string): void {
  const entries = list(nm, ctx.budget);
  if (!entries) return;
  for (const entry of entries) {
    if (ctx.budget.hit) return;
    if (!entry.isDirectory()) continue; // links (pnpm, workspaces), .package-lock.json, .modules.yaml
    const path = join(nm, entry.name);
    if (entry.name.startsWith(".")) {
      if (STORES.has(entry.name)) readStore(ctx, path);
      continue; // .bin, .cache
    }
    if (entry.name.startsWith("@")) {
      for (const sub of list(path, ctx.budget) ?? []) {
        if (sub.isDirectory() && !sub.name.startsWith(".")) readNpmPackage(ctx, join(path, sub.name));
      }
      continue;
    }
    readNpmPackage(ctx, path);
  }
}

/** `.pnpm/<name>@<version>…/node_modules/*` and the hoisted `.pnpm/node_modules` (links only). */
function readStore(ctx: Ctx, store: string): void {
  for (const entry of list(store, ctx.budget) ?? []) {
    if (ctx.budget.hit) return;
    if (!entry.isDirectory()) continue; // lock.yaml
    readNodeModules(
      ctx,
      entry.name === "node_modules" ? join(store, entry.name) : join(store, entry.name, "node_modules"),
    );
  }
}

function readNpmPackage(ctx: Ctx, dir: string): void {
  if (ctx.seen.has(dir)) return;
  ctx.seen.add(dir);
  const display = ctx.show(dir);
  let manifest: Record<string, unknown> | undefined;
  try {
    const v = JSON.parse(readText(join(dir, "package.json"), `${display}/package.json`)) as unknown;
    if (v && typeof v === "object" && !Array.isArray(v)) manifest = v as Record<string, unknown>;
  } catch (e) {
    if (e instanceof InputError && e.detail === "no such file or directory")
      ctx.warn(`${display}: no package.json; skipped`);
    else {
      const detail = e instanceof InputError ? e.detail : (e as Error).message.split("\n")[0];
      ctx.warn(`${display}/package.json: ${detail}; skipped`);
    }
    walkNested(ctx, dir);
    return;
  }
  const name = typeof manifest?.name === "string" ? manifest.name : "";
  const version = typeof manifest?.version === "string" ? manifest.version : "";
  if (!name || !version) {
    ctx.warn(`${display}/package.json: no ${!name ? "name" : "version"}; skipped`);
    walkNested(ctx, dir);
    return;
  }
  const files: string[] = [];
  walkFiles(dir, "", files, ctx.budget, (rel, entryName) => !(rel === "" && entryName === "node_modules"));
  files.sort();
  ctx.out.push({
    ecosystem: "npm",
    name,
    version,
    purl: buildPurl("npm", name, version),
    root: dir,
    files,
    display,
    filesFrom: "directory",
  });
  walkNested(ctx, dir);
}

/** The package's own node_modules: nested dependencies, listed as packages of their own. */
function walkNested(ctx: Ctx, dir: string): void {
  const nested = join(dir, "node_modules");
  const st = lstatSync(nested, { throwIfNoEntry: false });
  if (st?.isDirectory()) readNodeModules(ctx, nested);
}

/**
 * Adds the regular files under `dir/rel` (relative to `dir`) to `out`, without following links; `keep` says
 * whether to descend into a subdirectory. `.git` and `__pycache__` are left out.
 */
function walkFiles(
  dir: string,
  rel: string,
  out: string[],
  budget: Budget,
  keep: (rel: string, name: string) => boolean = () => true,
): void {
  const entries = list(rel ? join(dir, rel) : dir, budget);
  if (!entries) return;
  for (const entry of entries) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isFile()) out.push(path);
    else if (
      entry.isDirectory() &&
      entry.name !== ".git" &&
      entry.name !== "__pycache__" &&
      keep(rel, entry.name)
    ) {
      walkFiles(dir, path, out, budget, keep);
    }
  }
}

// --- Python -------------------------------------------------------------------------------------------------

type MetaKind = "dist-info" | "egg-info-dir" | "egg-info-file" | "egg";

function readSitePackages(ctx: Ctx, sp: string): void {
  const entries = list(sp, ctx.budget);
  if (!entries) return;
  const byEntryName = new Map(entries.map((e) => [e.name, e]));
  for (const entry of entries) {
    if (ctx.budget.hit) return;
    if (entry.name.startsWith(".")) continue;
    const kind: MetaKind | undefined = entry.name.endsWith(".dist-info")
      ? entry.isDirectory()
        ? "dist-info"
        : undefined
      : entry.name.endsWith(".egg-info")
        ? entry.isDirectory()
          ? "egg-info-dir"
          : entry.isFile()
            ? "egg-info-file"
            : undefined
        : entry.name.endsWith(".egg") && entry.isDirectory()
          ? "egg"
          : undefined;
    if (!kind) continue; // links to metadata are not followed
    readDistribution(ctx, sp, entry.name, kind, entries, byEntryName);
  }
}

function readDistribution(
  ctx: Ctx,
  sp: string,
  metaName: string,
  kind: MetaKind,
  siblings: Dirent[],
  byEntryName: Map<string, Dirent>,
): void {
  const infoRel = kind === "egg" ? `${metaName}/EGG-INFO` : kind === "egg-info-file" ? undefined : metaName;
  const metadataRel =
    kind === "dist-info"
      ? `${metaName}/METADATA`
      : kind === "egg-info-file"
        ? metaName
        : `${infoRel}/PKG-INFO`;
  const shownMeta = `${ctx.show(sp)}/${metadataRel}`;
  let text: string;
  try {
    text = readText(join(sp, metadataRel), shownMeta);
  } catch (e) {
    ctx.warn(`${shownMeta}: ${e instanceof InputError ? e.detail : (e as Error).message}; skipped`);
    return;
  }
  const headers = parseHeaders(text);
  const name = headers.first("name")?.value ?? "";
  const version = headers.first("version")?.value ?? "";
  if (!name || !version) {
    ctx.warn(`${shownMeta}: no ${!name ? "Name" : "Version"} header; skipped`);
    return;
  }
  const files = new Set<string>();
  // The metadata itself.
  if (kind === "egg-info-file") files.add(metaName);
  else {
    const own: string[] = [];
    walkFiles(sp, metaName, own, ctx.budget);
    for (const f of own) files.add(f);
  }
  const info = infoRel
    ? new Set(
        list(join(sp, infoRel), ctx.budget)
          ?.filter((e) => e.isFile())
          .map((e) => e.name),
      )
    : new Set<string>();
  let from: NonNullable<InstalledPackage["filesFrom"]> = "none";
  if (kind === "egg") {
    from = "directory"; // everything in the .egg folder is the distribution's
  } else if (kind === "dist-info" && info.has("RECORD")) {
    from = "RECORD";
    for (const f of recordPaths(readOptional(join(sp, metaName, "RECORD")))) files.add(f);
  } else if (kind === "egg-info-dir" && info.has("installed-files.txt")) {
    from = "installed-files.txt";
    for (const f of listedPaths(readOptional(join(sp, metaName, "installed-files.txt")), metaName))
      files.add(f);
  } else {
    const tops = info.has("top_level.txt")
      ? (readOptional(join(sp, infoRel!, "top_level.txt")) ?? "")
          .split(/\r?\n/)
          .map((l) => l.trim().replace(/\\/g, "/"))
          .filter((l) => l && safeRelative(l) === l)
      : [];
    const guesses = tops.length ? tops : moduleNamesFor(name, metaName);
    let found = false;
    for (const top of guesses) {
      if (addModule(sp, top, files, siblings, byEntryName, ctx.budget)) found = true;
    }
    if (found) from = tops.length ? "top_level.txt" : "name";
    else if (tops.length) from = "top_level.txt"; // it names modules that are not installed: nothing more to find
  }
  if (from === "none") {
    ctx.warn(
      `${ctx.show(sp)}/${metaName}: the files of ${name} ${version} could not be determined (no RECORD, ` +
        "installed-files.txt or top_level.txt, and no module named like it); only its metadata is inspected",
    );
  }
  ctx.out.push({
    ecosystem: "PyPI",
    name,
    version,
    purl: buildPurl("PyPI", normalisePypiName(name), version),
    root: sp,
    files: [...files].sort(),
    display: `${ctx.show(sp)}/${name}`,
    filesFrom: from,
  });
}

/** Importable names a distribution without file lists probably installs: `python-dateutil` → `python_dateutil`. */
function moduleNamesFor(name: string, metaName: string): string[] {
  const fromMeta = metaName.replace(/\.(dist-info|egg-info)$/, "").split("-")[0] ?? "";
  const candidates = [
    name,
    name.replace(/[-.]/g, "_"),
    name.toLowerCase(),
    name.toLowerCase().replace(/[-.]/g, "_"),
    fromMeta,
  ];
  return [...new Set(candidates.filter((c) => c && safeRelative(c) === c))];
}

/** Adds a top-level package (folder) or module (`x.py`, `x.cpython-311-x86_64-linux-gnu.so`, `x.pyd`). */
function addModule(
  sp: string,
  top: string,
  files: Set<string>,
  siblings: Dirent[],
  byEntryName: Map<string, Dirent>,
  budget: Budget,
): boolean {
  let found = false;
  if (top.includes("/")) {
    // A nested name (`google/protobuf`): look it up directly.
    const st = lstatSync(join(sp, top), { throwIfNoEntry: false });
    if (st?.isDirectory()) {
      const out: string[] = [];
      walkFiles(sp, top, out, budget);
      for (const f of out) files.add(f);
      found = true;
    }
    for (const ext of [".py", ".pyi"]) {
      if (lstatSync(join(sp, top + ext), { throwIfNoEntry: false })?.isFile()) {
        files.add(top + ext);
        found = true;
      }
    }
    return found;
  }
  const folder = byEntryName.get(top);
  if (folder?.isDirectory()) {
    const out: string[] = [];
    walkFiles(sp, top, out, budget);
    for (const f of out) files.add(f);
    found = true;
  }
  for (const s of siblings) {
    if (!s.isFile() || !s.name.startsWith(`${top}.`)) continue;
    const rest = s.name.slice(top.length);
    if (
      /^\.(py|pyi|pyc|so|pyd)$/.test(rest) ||
      /^\.[^.]+\.(so|pyd)$/.test(rest) ||
      /^\.[^.]+-[^.]+\.(so|pyd)$/.test(rest)
    ) {
      files.add(s.name);
      found = true;
    }
  }
  return found;
}

/** A relative path, normalised, when it stays inside the directory; undefined when it escapes or is absolute. */
function safeRelative(path: string): string | undefined {
  if (!path || path.includes("\0") || path.startsWith("/") || /^[A-Za-z]:/.test(path)) return undefined;
  const norm = posix.normalize(path);
  if (norm === ".." || norm.startsWith("../") || norm === "." || norm.startsWith("/")) return undefined;
  return norm.endsWith("/") ? norm.slice(0, -1) : norm;
}

/**
 * The paths a RECORD lists (CSV: `path,hash,size`; the path quoted when it holds a comma or quote), relative to
 * site-packages; entries outside it (`../../bin/x`, absolute paths) are left out.
 */
export function recordPaths(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    let path: string;
    if (line.startsWith('"')) {
      let i = 1;
      path = "";
      for (;;) {
        const q = line.indexOf('"', i);
        if (q === -1) {
          path += line.slice(i);
          break;
        }
        path += line.slice(i, q);
        if (line[q + 1] === '"') {
          path += '"';
          i = q + 2;
        } else break;
      }
    } else {
      const comma = line.indexOf(",");
      path = comma === -1 ? line : line.slice(0, comma);
    }
    const safe = safeRelative(path);
    if (safe) out.push(safe);
  }
  return out;
}

/** installed-files.txt: one path a line, relative to the egg-info folder (`../requests/api.py`). */
export function listedPaths(text: string | undefined, eggInfo: string): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const safe = safeRelative(`${eggInfo}/${line}`);
    if (safe) out.push(safe);
  }
  return out;
}

function readText(path: string, display: string): string {
  const text = readFileSafely(path, display, MAX_METADATA_BYTES).toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function readOptional(path: string): string | undefined {
  try {
    return readText(path, path);
  } catch {
    return undefined;
  }
}

// --- contents -----------------------------------------------------------------------------------------------

/**
 * The files of an installed package, read lazily from disk. Links, special files and files over the per-file
 * limit are reported as skipped; files listed (in a RECORD) but missing are left out silently.
 */
export function installedPackageContents(
  pkg: InstalledPackage,
  limits: Partial<Pick<ArchiveLimits, "maxFileBytes">> = {},
): PackageContents {
  const maxBytes = limits.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes;
  const files: PackageFile[] = [];
  const skipped: SkippedEntry[] = [];
  const rootReal = realOf(pkg.root);
  const parentInside = new Map<string, boolean>();
  for (const path of pkg.files) {
    const abs = join(pkg.root, path);
    const st = lstatSync(abs, { throwIfNoEntry: false });
    if (!st) {
      // Listed but not there (Debian moves data files out of RECORD's place): nothing to inspect, nothing hidden.
    } else if (st.isSymbolicLink()) {
      skipped.push({ path, reason: "symbolic link (not followed)" });
    } else if (!st.isFile()) {
      skipped.push({ path, reason: "not a regular file" });
    } else if (st.size > maxBytes) {
      skipped.push(tooLarge(path, abs, st.size, maxBytes));
    } else if (path.includes("/") && !insideReal(abs, rootReal, parentInside)) {
      // A folder on the way is a link out of the tree (RECORD paths are not trusted).
      skipped.push({ path, reason: "reached through a symbolic link (not followed)" });
    } else {
      files.push(diskFile(abs, path, st.size, `${pkg.display}/${path}`, maxBytes));
    }
  }
  return {
    // An installed Python distribution was installed from a wheel (pip builds one from an sdist first; Debian's
    // packages are built ones): compiled extension modules are what it is made of, as in a wheel, not binaries
    // smuggled into source. npm packages stay source packages.
    kind: pkg.ecosystem === "PyPI" ? "wheel" : "directory",
    path: pkg.display,
    files,
    skipped,
    name: pkg.name,
    version: pkg.version,
    ecosystem: pkg.ecosystem,
  };
}

function realOf(p: string): string {
  try {
    return realpathSync.native(p);
  } catch {
    return p;
  }
}

/** Whether the file's parent folder, links resolved, is inside the (real) root; cached per folder. */
function insideReal(abs: string, rootReal: string, cache: Map<string, boolean>): boolean {
  const parent = dirname(abs);
  let inside = cache.get(parent);
  if (inside === undefined) {
    const real = realOf(parent);
    inside = real === rootReal || real.startsWith(rootReal + sep);
    cache.set(parent, inside);
  }
  return inside;
}
