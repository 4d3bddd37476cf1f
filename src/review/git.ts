/**
 * Reading a revision's dependency files straight from git objects, for `depwarden review` (issue 5): no checkout,
 * works in a dirty tree. Only plumbing commands that run no hooks and no fsmonitor are used (`rev-parse`,
 * `ls-tree`, `cat-file`), so a repository's configuration cannot make depwarden run its code.
 *
 * A revision's files that some extractor reads (lockfiles, manifests, SBOMs by name) are written, with their
 * paths, into a private temporary directory that `buildInventory` then reads like any project; the directory is
 * removed when the callback returns, whatever happens.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, posix, resolve } from "node:path";
import { InputError, UsageError } from "../errors.js";
import { fileExtractorFor } from "../inventory/discover.js";
import { CONFIG_FILE_NAMES } from "../policy/config.js";

/** Where `depwarden approve` records approvals, relative to the repository root. */
export const APPROVALS_PATH = ".depwarden/approvals.yaml";

/** A file an extractor reads (manifest, lockfile, SBOM by name). */
export function isDependencyFile(path: string): boolean {
  return fileExtractorFor(join("/", path)) !== undefined;
}

/** depwarden's own decision files: the policy (`.depwarden.yaml`) and the approvals record. */
export function isDecisionFile(path: string): boolean {
  return CONFIG_FILE_NAMES.includes(basename(path)) || path === APPROVALS_PATH;
}

/** Bounds on what a revision may hand us: file count and bytes of dependency files. */
const MAX_FILES = 20_000;
const MAX_BYTES = 512 * 1024 * 1024;

/**
 * Every git command runs with the repository's fsmonitor hook switched off: `core.fsmonitor` names a program git
 * would run (even for `diff-tree` and `ls-files`), and a cloned repository's configuration is not ours to run.
 */
const SAFE = ["-c", "core.fsmonitor=false"];

function spawnGit(repo: string, args: string[]) {
  return spawnSync("git", [...SAFE, "-C", repo, ...args], {
    encoding: "utf8",
    env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0" },
  });
}

function git(repo: string, args: string[], input?: string): string {
  return execFileSync("git", [...SAFE, "-C", repo, ...args], {
    encoding: "utf8",
    maxBuffer: MAX_BYTES,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0" },
    ...(input !== undefined ? { input } : {}),
  });
}

/** The top directory of the work tree that contains `path`. */
export function repositoryRoot(path: string): string {
  const r = spawnGit(resolve(path), ["rev-parse", "--show-toplevel"]);
  if (r.error)
    throw new UsageError(`git is not available: ${(r.error as NodeJS.ErrnoException).code ?? r.error}`);
  if (r.status !== 0)
    throw new InputError(path, "not a git repository (review compares two revisions of one)");
  return r.stdout.trim();
}

/** The commit a revision names; a clear error for unknown revisions and for shallow clones missing it. */
export function resolveRevision(repo: string, rev: string): string {
  if (rev.startsWith("-")) throw new UsageError(`not a revision: "${rev}"`);
  const r = spawnGit(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`]);
  if (r.status === 0) return r.stdout.trim();
  const shallow = spawnGit(repo, ["rev-parse", "--is-shallow-repository"]);
  if (shallow.stdout.trim() === "true") {
    throw new UsageError(
      `unknown revision "${rev}": this is a shallow clone and it may not contain that commit (fetch more history, e.g. actions/checkout with fetch-depth: 0, or git fetch --unshallow)`,
    );
  }
  throw new UsageError(`unknown revision "${rev}" in ${repo}`);
}

export interface RevisionFile {
  /** Path relative to the repository root, `/`-separated. */
  path: string;
  /** Blob id. */
  blob: string;
  /** Copied because a requirements file includes it (`-r`, `-c`). */
  included?: boolean;
}

/** The last trees listed: a review lists the base's tree for its copy, its files touched and its manifests. */
const listed = new Map<string, RevisionFile[]>();

/** Every file of `commit`: path and blob, sorted; links and submodules left out. */
export function treeFiles(repo: string, commit: string): RevisionFile[] {
  const key = `${repo}\u0000${commit}`;
  const cached = listed.get(key);
  if (cached) return cached;
  const out = git(repo, ["ls-tree", "-r", "-z", "--full-tree", commit]);
  const files: RevisionFile[] = [];
  for (const entry of out.split("\0")) {
    if (!entry) continue;
    // `<mode> SP <type> SP <object> TAB <path>`
    const tab = entry.indexOf("\t");
    const [mode, type, blob] = entry.slice(0, tab).split(" ");
    const path = entry.slice(tab + 1);
    if (type !== "blob" || mode === "120000" || !blob) continue; // symbolic links are not followed
    files.push({ path, blob });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (listed.size >= 4) listed.delete(listed.keys().next().value!);
  listed.set(key, files);
  return files;
}

/** One file of `commit`, or undefined when the commit has no such (regular) file. */
export function readFileAt(repo: string, commit: string, path: string): Buffer | undefined {
  const blob = treeFiles(repo, commit).find((f) => f.path === path)?.blob;
  return blob ? readBlobs(repo, [blob]).get(blob) : undefined;
}

/**
 * The files of `commit` (under `subdir`, relative to the repository root) that an extractor would read, plus the
 * decision files (`.depwarden.yaml` anywhere on the way, the approvals record) review applies.
 */
export function dependencyFiles(repo: string, commit: string, subdir = ""): RevisionFile[] {
  const files = selectDependencyFiles(treeFiles(repo, commit), subdir);
  if (files.length > MAX_FILES) throw new InputError(commit, `more than ${MAX_FILES} dependency files`);
  return files;
}

/**
 * The commit a pull request's changes start from: where `head` branched from `base` (`git merge-base`), so that
 * what the base branch gained since is not shown as undone by the change. Undefined when they share no history.
 */
export function mergeBase(repo: string, base: string, head: string): string | undefined {
  const r = spawnGit(repo, ["merge-base", base, head]);
  if (r.status === 0) return r.stdout.trim() || undefined;
  const shallow = spawnGit(repo, ["rev-parse", "--is-shallow-repository"]);
  if (shallow.stdout.trim() === "true") {
    throw new UsageError(
      "cannot find where the head branched from the base: this is a shallow clone without their common history (fetch more history, e.g. actions/checkout with fetch-depth: 0, or git fetch --unshallow; or pass --no-merge-base)",
    );
  }
  return undefined;
}

/** The commit HEAD points at; undefined in a repository without commits. */
export function headCommit(repo: string): string | undefined {
  const r = spawnGit(repo, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Paths (repository-relative, sorted) that differ between two commits; renames count as delete plus add. */
export function changedBetween(repo: string, from: string, to: string): string[] {
  const out = git(repo, ["diff-tree", "-r", "-z", "--name-only", "--no-renames", "--no-commit-id", from, to]);
  return [...new Set(out.split("\0").filter(Boolean))].sort();
}

/** git's object id of a file's bytes (sha1, or sha256 in a repository of that object format). */
function blobId(bytes: Buffer, algorithm: "sha1" | "sha256"): string {
  return createHash(algorithm).update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/**
 * Paths (repository-relative, sorted) that differ between a commit and the working tree, untracked files that
 * are not ignored included. `diff-index` names candidates (it may name a file whose only change is its
 * modification time); each is confirmed by comparing the file's object id with the commit's.
 */
export function changedInWorkTree(repo: string, from: string): string[] {
  const candidates = new Set(
    git(repo, ["diff-index", "-z", "--name-only", from]).split("\0").filter(Boolean),
  );
  for (const p of git(repo, ["ls-files", "-z", "--others", "--exclude-standard"]).split("\0"))
    if (p) candidates.add(p);
  if (!candidates.size) return [];
  const inCommit = new Map(treeFiles(repo, from).map((f) => [f.path, f.blob]));
  const changed: string[] = [];
  for (const path of candidates) {
    const blob = inCommit.get(path);
    if (blob === undefined) {
      changed.push(path);
      continue;
    }
    try {
      const abs = join(repo, path);
      if (!lstatSync(abs).isFile()) {
        changed.push(path);
        continue;
      }
      if (blobId(readFileSync(abs), blob.length === 64 ? "sha256" : "sha1") !== blob) changed.push(path);
    } catch {
      changed.push(path); // deleted
    }
  }
  return changed.sort();
}

/** Reads blobs in one `git cat-file --batch` call. */
export function readBlobs(repo: string, blobs: string[]): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (!blobs.length) return out;
  const unique = [...new Set(blobs)];
  const raw = execFileSync("git", [...SAFE, "-C", repo, "cat-file", "--batch"], {
    input: `${unique.join("\n")}\n`,
    maxBuffer: MAX_BYTES,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
  });
  let at = 0;
  for (const id of unique) {
    const nl = raw.indexOf(10, at);
    const header = raw.subarray(at, nl).toString("utf8").split(" ");
    if (header[1] === "missing" || header.length < 3)
      throw new InputError(id, "object missing from the repository");
    const size = Number(header[2]);
    out.set(id, raw.subarray(nl + 1, nl + 1 + size));
    at = nl + 1 + size + 1; // content, then a newline
  }
  return out;
}

/**
 * Writes the dependency files of `commit` into a temporary directory, calls `use` with it, and removes it.
 * Paths that could escape the directory are refused (git itself never stores them, but a crafted tree could).
 */
export async function withRevisionTree<T>(
  repo: string,
  commit: string,
  use: (dir: string, files: RevisionFile[]) => Promise<T>,
  subdir = "",
): Promise<T> {
  const tree = treeFiles(repo, commit);
  const files = selectDependencyFiles(tree, subdir);
  if (files.length > MAX_FILES) throw new InputError(commit, `more than ${MAX_FILES} dependency files`);
  const blobOf = new Map(tree.map((f) => [f.path, f.blob]));
  // One `cat-file --batch` per round: the dependency files, then what they include, and so on.
  const readAll = (paths: string[]) => {
    const blobs = readBlobs(
      repo,
      paths.map((p) => blobOf.get(p)).filter((b): b is string => b !== undefined),
    );
    return paths.map((p) => {
      const blob = blobOf.get(p);
      return blob ? blobs.get(blob) : undefined;
    });
  };
  return withCopy(files, readAll, use, subdir);
}

/**
 * The same for the working tree, as git sees it: the tracked files (ignored or not) and the untracked ones that
 * are not ignored, read from disk, symbolic links not followed (as in a revision), so that the two sides of a
 * review are read alike. Files outside a sparse checkout's cone are read from the index.
 */
export async function withWorkTree<T>(
  repo: string,
  use: (dir: string, files: RevisionFile[]) => Promise<T>,
  subdir = "",
): Promise<T> {
  const listed = git(repo, ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate"]);
  const visible = new Set(listed.split("\0").filter(Boolean));
  const files = selectDependencyFiles(
    [...visible].map((path) => ({ path, blob: "" })),
    subdir,
  );
  if (files.length > MAX_FILES) throw new InputError(repo, `more than ${MAX_FILES} dependency files`);
  let sparse: Map<string, string> | undefined;
  const skipped = (path: string): Buffer | undefined => {
    if (!sparse) {
      sparse = new Map();
      const tagged = git(repo, ["ls-files", "-z", "-t", "--cached"]).split("\0");
      const skip = new Set(tagged.filter((e) => e.startsWith("S ")).map((e) => e.slice(2)));
      if (skip.size) {
        for (const e of git(repo, ["ls-files", "-z", "--stage"]).split("\0")) {
          const tab = e.indexOf("\t");
          const path = e.slice(tab + 1);
          const blob = e.slice(0, tab).split(" ")[1];
          if (tab > 0 && blob && skip.has(path)) sparse.set(path, blob);
        }
      }
    }
    const blob = sparse.get(path);
    return blob ? readBlobs(repo, [blob]).get(blob) : undefined;
  };
  // Only what git sees (not `.env`, not `.git/config`), and only through no link.
  const read = (path: string): Buffer | undefined => {
    if (!visible.has(path)) return undefined;
    const bytes = readWorkTreeFile(repo, path);
    return bytes === null ? skipped(path) : bytes;
  };
  return withCopy(files, (paths) => paths.map(read), use, subdir);
}

/**
 * A file of the working tree, read only when it is a regular file reached through no symbolic link (its real
 * path is its path in the repository); undefined when it is not; null when it does not exist.
 */
export function readWorkTreeFile(repo: string, path: string): Buffer | undefined | null {
  const abs = join(repo, path);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    return null; // deleted, or outside a sparse checkout's cone
  }
  try {
    if (real !== join(realpathSync(repo), path) || !lstatSync(abs).isFile()) return undefined;
    return readFileSync(abs);
  } catch {
    return undefined;
  }
}

function selectDependencyFiles(files: RevisionFile[], subdir: string): RevisionFile[] {
  return files
    .filter(
      (f) =>
        (isDependencyFile(f.path) && (!subdir || f.path.startsWith(`${subdir}/`))) || isDecisionFile(f.path),
    )
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

// pip's include options: `-r f`, `-rf`, `--requirement f`, `--requirement=f` (and `-c` / `--constraint`).
const INCLUDE = /^\s*(?:-[rc]\s*|--(?:requirement|constraint)(?:\s*=\s*|\s+))(\S+)/gm;

/** Repository-relative paths a pip requirements file includes; URLs and paths that leave the repository left out. */
export function requirementIncludes(path: string, bytes: Buffer): string[] {
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
  const out: string[] = [];
  for (const m of bytes.toString("utf8").matchAll(INCLUDE)) {
    const ref = m[1]!.replace(/\\/g, "/");
    if (ref.includes("://") || ref.startsWith("/") || /^[A-Za-z]:/.test(ref)) continue;
    const joined = posix.normalize(dir ? `${dir}/${ref}` : ref);
    if (joined.startsWith("../") || joined === "..") continue;
    out.push(joined);
  }
  return out;
}

const isRequirementsFile = (path: string) => fileExtractorFor(join("/", path))?.id === "requirements";

/**
 * Writes the files (those `readAll` returns bytes for) into a private temporary directory, then the files the
 * requirements files among them include (`-r base.txt`, `-c constraints.txt`) wherever they are in the
 * repository, round by round; calls `use` with the directory and what was written (includes marked); removes it.
 */
async function withCopy<T>(
  files: RevisionFile[],
  readAll: (paths: string[]) => (Buffer | undefined)[],
  use: (dir: string, files: RevisionFile[]) => Promise<T>,
  subdir: string,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "depwarden-rev-"));
  try {
    // The copy's root is a repository root for the config search (findConfigFile stops at a `.git`).
    mkdirSync(join(dir, ".git"));
    mkdirSync(join(dir, subdir), { recursive: true });
    const written: RevisionFile[] = [];
    const seen = new Set(files.map((f) => f.path));
    let round = files.map((f) => ({ ...f, included: false }));
    while (round.length) {
      const contents = readAll(round.map((f) => f.path));
      const next: typeof round = [];
      round.forEach((f, k) => {
        const target = resolve(dir, f.path);
        if (!target.startsWith(`${dir}/`) || f.path.split("/").includes("..")) {
          throw new InputError(f.path, "path escapes the repository");
        }
        const bytes = contents[k];
        if (bytes === undefined) return;
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, bytes);
        written.push(
          f.included ? { path: f.path, blob: f.blob, included: true } : { path: f.path, blob: f.blob },
        );
        if (!f.included && !isRequirementsFile(f.path)) return;
        for (const inc of requirementIncludes(f.path, bytes)) {
          if (seen.has(inc) || seen.size >= MAX_FILES) continue;
          seen.add(inc);
          next.push({ path: inc, blob: "", included: true });
        }
      });
      round = next;
    }
    return await use(dir, written);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
