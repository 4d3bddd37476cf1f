/**
 * Finds the inputs under the paths the user gave: files an extractor knows by name, and installed trees
 * (node_modules, site-packages) when asked. Honours .gitignore files (each applies below its directory) and
 * `--exclude` patterns (gitignore syntax, relative to the scan root).
 */
import type { Dirent } from "node:fs";
import { lstat, readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join, relative, sep } from "node:path";
import ignore, { type Ignore } from "ignore";
import { InputError } from "../errors.js";
import type { DirExtractor, FileExtractor } from "./extractor.js";
import { DIR_EXTRACTORS, FILE_EXTRACTORS } from "./extractors.js";

export interface DiscoverOptions {
  /** Also read installed trees found in the walk (node_modules, virtual environments' site-packages). */
  includeInstalled?: boolean;
  /** gitignore-syntax patterns, relative to each root. */
  exclude?: string[];
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
  /** Called for each subdirectory that cannot be read (its contents are then missing from the inventory). */
  onUnreadable?: (error: InputError) => void;
}

export type Input =
  | { type: "file"; path: string; extractor: FileExtractor }
  | { type: "dir"; path: string; extractor: DirExtractor };

/** Directory names never descended into: VCS data and caches that hold no project manifests. */
export const SKIP_DIRS: ReadonlySet<string> = new Set([
  ".git",
  ".hg",
  ".svn",
  "__pycache__",
  ".mypy_cache",
  ".pytest_cache",
  ".ruff_cache",
]);
const INSTALLED_DIRS = new Set(["node_modules", "site-packages", "dist-packages"]);
/** Bound on the walk so a mistaken `depwarden inventory /` ends. */
const MAX_ENTRIES = 500_000;

export function fileExtractorFor(path: string): FileExtractor | undefined {
  const name = basename(path);
  return FILE_EXTRACTORS.find((e) => e.matchFile(name, path));
}

export function dirExtractorFor(path: string): DirExtractor | undefined {
  const name = basename(path);
  return DIR_EXTRACTORS.find((e) => e.matchDir(name, path));
}

interface IgnoreLayer {
  dir: string;
  rules: Ignore;
}

/** Finds the inputs under one path the user gave (a file or a directory). */
export async function discover(
  root: string,
  display: string,
  options: DiscoverOptions = {},
): Promise<Input[]> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(root);
  } catch {
    throw new InputError(display, "no such file or directory");
  }
  if (st.isFile()) {
    const extractor = fileExtractorFor(root);
    if (!extractor) {
      throw new InputError(
        display,
        "not a file depwarden knows; expected a lockfile, manifest or SBOM (see `depwarden inventory --help`), or use --purls / --sbom",
      );
    }
    return [{ type: "file", path: root, extractor }];
  }
  if (!st.isDirectory()) throw new InputError(display, "not a regular file or directory");
  const asInstalled = dirExtractorFor(root);
  if (asInstalled) return [{ type: "dir", path: root, extractor: asInstalled }];

  // A virtual environment named explicitly is read as installed software.
  if (!options.includeInstalled && (await isFile(join(root, "pyvenv.cfg"), false))) {
    options = { ...options, includeInstalled: true };
  }
  const inputs: Input[] = [];
  const excluded = options.exclude?.length ? ignore().add(options.exclude) : undefined;
  const layers: IgnoreLayer[] = options.gitignore !== false ? await ancestorGitignores(root) : [];
  let seen = 0;

  // --exclude always wins; among .gitignore files, as in git, the deepest one that has a say decides (so a
  // `!pattern` below re-includes what a file above ignores).
  const ignored = (path: string, isDir: boolean): boolean => {
    const rel = (dir: string) => {
      const r = relative(dir, path).split(sep).join("/");
      return isDir ? `${r}/` : r;
    };
    if (excluded?.ignores(rel(root))) return true;
    for (let k = layers.length - 1; k >= 0; k--) {
      const layer = layers[k]!;
      const r = relative(layer.dir, path);
      if (!r || r.startsWith("..")) continue;
      const verdict = layer.rules.test(rel(layer.dir));
      if (verdict.ignored) return true;
      if (verdict.unignored) return false;
    }
    return false;
  };

  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (dir === root) throw new InputError(display, `cannot read directory (${code ?? "error"})`);
      // what it holds is missing from the inventory: say so rather than look complete
      const shown = `${display}/${relative(root, dir).split(sep).join("/")}`.replace(/^\.\//, "");
      options.onUnreadable?.(
        new InputError(
          shown,
          `cannot read directory (${code ?? "error"}); its contents are not in the inventory`,
        ),
      );
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let pushed = false;
    if (options.gitignore !== false && entries.some((e) => e.name === ".gitignore" && e.isFile())) {
      try {
        const text = await readFile(join(dir, ".gitignore"), "utf8");
        layers.push({ dir, rules: ignore().add(text) });
        pushed = true;
      } catch {
        // an unreadable .gitignore ignores nothing
      }
    }
    const isVenv = entries.some((e) => e.name === "pyvenv.cfg" && e.isFile());
    for (const entry of entries) {
      if (++seen > MAX_ENTRIES) {
        throw new InputError(
          display,
          `more than ${MAX_ENTRIES} entries; name a smaller directory or use --exclude`,
        );
      }
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (SKIP_DIRS.has(entry.name)) continue;
        if (ignored(path, true)) continue;
        if (INSTALLED_DIRS.has(entry.name) || isVenv) {
          if (!options.includeInstalled) continue;
          const extractor = dirExtractorFor(path);
          if (extractor) {
            inputs.push({ type: "dir", path, extractor });
            continue;
          }
        }
        await walk(path);
      } else if (entry.isFile() || (entry.isSymbolicLink() && (await isFile(path, true)))) {
        const extractor = fileExtractorFor(path);
        if (extractor && !ignored(path, false)) inputs.push({ type: "file", path, extractor });
      }
    }
    if (pushed) layers.pop();
  };
  await walk(root);
  return inputs;
}

/**
 * The .gitignore files above the scan root, up to the root of its git work tree (the directory holding `.git`),
 * so that scanning a subdirectory ignores what git ignores there. Outside a work tree: none.
 */
async function ancestorGitignores(root: string): Promise<IgnoreLayer[]> {
  const dirs: string[] = [];
  for (let dir = dirname(root); ; dir = dirname(dir)) {
    dirs.push(dir);
    if (await exists(join(dir, ".git"))) break;
    if (dirname(dir) === dir) return []; // reached / without finding a work tree
  }
  if (await exists(join(root, ".git"))) return [];
  const layers: IgnoreLayer[] = [];
  for (const dir of dirs.reverse()) {
    try {
      layers.push({ dir, rules: ignore().add(await readFile(join(dir, ".gitignore"), "utf8")) });
    } catch {
      // no .gitignore there
    }
  }
  return layers;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function isFile(path: string, viaLink: boolean): Promise<boolean> {
  try {
    return (await stat(path)).isFile() && (!viaLink || (await lstat(path)).isSymbolicLink());
  } catch {
    return false;
  }
}
