/**
 * Reading a package's files for `depwarden inspect`, safely: a directory, an npm tarball (`.tgz`), an sdist
 * (`.tar.gz`, `.tar`, `.zip`), a wheel (`.whl`) or egg (`.egg`), or a single file. The format is told by the
 * content (gzip, zip and tar magic), not only by the name.
 *
 * Safety (the archive is hostile data):
 * - nothing is extracted to disk: entries are read into memory, so nothing is left behind in temp dirs;
 * - limits on the total uncompressed size, the size of one file, the number of files and the compression
 *   ratio. Decompression stops as soon as a limit is passed (zlib's `maxOutputLength`), so a header that
 *   lies about sizes (gzip's ISIZE, a zip entry's declared size) cannot get past a limit;
 * - entry names that escape the package root (`..` segments, absolute paths, drive letters, backslashes, NUL)
 *   are skipped and reported, as are symbolic links, hard links, devices and FIFOs. Duplicate paths: the last
 *   entry wins (as tar and pip extract them), the earlier one is reported.
 * - a corrupt archive (bad checksum, truncated data, CRC mismatch, zip entries that overlap or whose local
 *   header names another file) is an InputError: tools disagree on how to read such archives, which is how
 *   files get smuggled past scanners.
 *
 * Directories are walked without following symbolic links (reported as skipped); `.git` and nested
 * `node_modules` / `site-packages` / `dist-packages` directories are skipped silently: installed dependencies
 * are `scan --deep`'s job (see installed.ts). Files of a directory are read lazily.
 *
 * Tarballs and zip sdists have their single top-level folder stripped (`package/index.js` → `index.js`), so
 * paths are relative to the package root; wheels and eggs have none.
 */
import {
  closeSync,
  constants,
  type Dirent,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
} from "node:fs";
import { basename, join } from "node:path";
import * as zlib from "node:zlib";
import { Header, Pax } from "tar";
import { InputError } from "../../errors.js";
import { parseHeaders } from "../../inventory/pypi/site-packages.js";
import { type CentralEntry, crc32, readCentralEntry, u64 } from "../../zip.js";

const KiB = 1024;
const MiB = 1024 * KiB;

export interface ArchiveLimits {
  /** Uncompressed size of all the files of a package (default 512 MiB). Over it: an InputError. */
  maxTotalBytes: number;
  /** Size of one file (default 64 MiB). A larger file is skipped and reported. */
  maxFileBytes: number;
  /** Number of entries (default 100,000). Over it: an InputError. */
  maxFiles: number;
  /**
   * Uncompressed / compressed size of an archive above which, once it expands past 16 MiB, it is refused as a
   * decompression bomb (default 200; real packages are under 20). 0 turns the check off.
   */
  maxCompressionRatio?: number;
}

export const DEFAULT_LIMITS: ArchiveLimits = {
  maxTotalBytes: 512 * MiB,
  maxFileBytes: 64 * MiB,
  maxFiles: 100_000,
  maxCompressionRatio: 200,
};

/** The ratio check applies only to archives that expand past this: small archives cannot hurt. */
export const RATIO_FLOOR = 16 * MiB;

export type PackageKind = "directory" | "npm-tarball" | "wheel" | "sdist" | "file";

export interface PackageFile {
  /** Relative to the package root, `/`-separated, no leading `./`. */
  path: string;
  size: number;
  /**
   * The file's bytes. Archives: the in-memory bytes (a view into the archive's buffer: copy it before
   * transferring it to a worker). Directories: read from disk on each call, refusing a file that has become a
   * link, a non-regular file or larger than the per-file limit (InputError).
   */
  read(): Buffer;
}

export interface SkippedEntry {
  /** The path as it appears in the package (after top-folder stripping), or the raw entry name when unsafe. */
  path: string;
  /** Why, in a few words: reported as a warning. */
  reason: string;
  /**
   * For a regular file skipped for its size: its first bytes (up to 64), so that what it is (an ELF, PE or
   * Mach-O binary) can still be told.
   */
  head?: Buffer;
}

export interface PackageContents {
  kind: PackageKind;
  /** What was given. */
  path: string;
  /** Sorted by path (code-unit order). */
  files: PackageFile[];
  /** Links, devices, path escapes, over-limit files, duplicates … (reported as warnings). */
  skipped: SkippedEntry[];
  /** From package.json / PKG-INFO / METADATA / pyproject.toml, else the archive's file name, when known. */
  name?: string;
  version?: string;
  ecosystem?: "npm" | "PyPI";
}

/** Reads a package (directory, archive or single file) with limits; user errors are InputErrors. */
export async function readPackage(path: string, limits?: Partial<ArchiveLimits>): Promise<PackageContents> {
  return readPackageSync(path, limits);
}

/** The same, synchronously. */
export function readPackageSync(path: string, limits?: Partial<ArchiveLimits>): PackageContents {
  const lim: ArchiveLimits = { ...DEFAULT_LIMITS, ...definedOnly(limits) };
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path); // the path the user named may itself be a link: follow that one
  } catch (e) {
    throw fileError(path, e);
  }
  if (st.isDirectory()) return readDirectory(path, lim);
  if (!st.isFile()) throw new InputError(path, "not a regular file or a directory");
  const head = readHead(path, 512);
  const format = detectFormat(path, head);
  if (format === "file") return readSingleFile(path, st.size, lim);
  // The archive itself is read whole: it cannot be larger than what it may expand to.
  const bytes = readBounded(path, archiveCap(lim), () => overTotal(path, lim));
  if (format === "zip") return assembleZip(path, readZipEntries(path, bytes, lim));
  const tar = format === "gzip" ? gunzipTar(path, bytes, lim) : bytes;
  return assembleTar(path, readTarEntries(path, tar, lim));
}

/** Reads `size` bytes from the start of an open file (fewer if it shrank meanwhile). */
function readWhole(fd: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let done = 0;
  while (done < size) {
    const n = readSync(fd, buf, done, size - done, done);
    if (n === 0) break;
    done += n;
  }
  return done === size ? buf : buf.subarray(0, done);
}

/** Reads a whole file (following the link the user named) unless it is larger than `cap`. */
function readBounded(path: string, cap: number, tooBig: () => InputError): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputError(path, "not a regular file or a directory");
    if (st.size > cap) throw tooBig();
    return readWhole(fd, st.size);
  } catch (e) {
    throw fileError(path, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function definedOnly(limits: Partial<ArchiveLimits> | undefined): Partial<ArchiveLimits> {
  const out: Partial<ArchiveLimits> = {};
  if (!limits) return out;
  for (const [k, v] of Object.entries(limits)) {
    if (v !== undefined) (out as Record<string, number>)[k] = v;
  }
  return out;
}

// --- detection --------------------------------------------------------------------------------------------

type Format = "gzip" | "zip" | "tar" | "file";

const ARCHIVE_NAME = /\.(tgz|tar\.gz|tar|whl|zip|egg)$/i;

function detectFormat(path: string, head: Buffer): Format {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)) {
    return "zip";
  }
  if (head.length >= 512 && isTarHeader(head)) return "tar";
  const name = basename(path);
  const unsupported = compressionOf(head);
  if (unsupported && (ARCHIVE_NAME.test(name) || /\.(tar\.\w+|tbz2?|txz|tzst)$/i.test(name))) {
    throw new InputError(
      path,
      `${unsupported}-compressed archives are not supported; expected gzip (.tgz, .tar.gz), zip (.whl, .zip, .egg) or tar`,
    );
  }
  if (ARCHIVE_NAME.test(name)) {
    const ext = /\.(whl|zip|egg)$/i.test(name)
      ? "a zip archive"
      : /\.tar$/i.test(name)
        ? "a tar archive"
        : "gzip data";
    throw new InputError(path, `not ${ext} (unrecognised content); the file is corrupt or misnamed`);
  }
  return "file";
}

function compressionOf(head: Buffer): string | undefined {
  if (head.length >= 3 && head.toString("latin1", 0, 3) === "BZh") return "bzip2";
  if (head.length >= 6 && head.readUInt32BE(0) === 0xfd377a58 && head[4] === 0x5a && head[5] === 0)
    return "xz";
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return "zstd";
  return undefined;
}

/** A ustar header, or an old (v7) one with a valid checksum. */
function isTarHeader(block: Buffer): boolean {
  if (block.toString("latin1", 257, 262) === "ustar") return true;
  try {
    const h = new Header(block, 0);
    return h.cksumValid && !h.nullBlock && !!h.path;
  } catch {
    return false;
  }
}

function readHead(path: string, length: number): Buffer {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const buf = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, buf, done, length - done, done);
      if (n === 0) break;
      done += n;
    }
    return buf.subarray(0, done);
  } catch (e) {
    throw fileError(path, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function fileError(path: string, e: unknown): InputError {
  if (e instanceof InputError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new InputError(path, "no such file or directory");
  return new InputError(path, `cannot read (${code ?? (e as Error).message})`);
}

// --- limits -----------------------------------------------------------------------------------------------

/** Tar headers and padding on top of the files' bytes: a header block, padding and maybe a pax header each. */
function archiveCap(lim: ArchiveLimits): number {
  const overhead = 1536 * Math.min(lim.maxFiles, 1_000_000) + MiB;
  return Math.min(lim.maxTotalBytes + overhead, MAX_BUFFER);
}

const MAX_BUFFER = Math.min(2 ** 32, Number.MAX_SAFE_INTEGER);

function overTotal(path: string, lim: ArchiveLimits): InputError {
  return new InputError(path, `archive exceeds the limit of ${formatBytes(lim.maxTotalBytes)} uncompressed`);
}

function overCount(path: string, lim: ArchiveLimits, what = "archive"): InputError {
  return new InputError(path, `${what} holds more than ${lim.maxFiles} files (the limit)`);
}

function bomb(path: string, lim: ArchiveLimits, expanded: number, compressed: number): InputError {
  return new InputError(
    path,
    `archive expands more than ${lim.maxCompressionRatio} times its size (${formatBytes(expanded)} from ` +
      `${formatBytes(compressed)}): refused as a likely decompression bomb`,
  );
}

/** 512 MiB, 1.5 KiB, 100 bytes. */
export function formatBytes(n: number): string {
  const unit = (size: number, name: string) => {
    const v = n / size;
    return `${Number.isInteger(v) ? v : v.toFixed(1)} ${name}`;
  };
  if (n >= 1024 * MiB) return unit(1024 * MiB, "GiB");
  if (n >= MiB) return unit(MiB, "MiB");
  if (n >= KiB) return unit(KiB, "KiB");
  return `${n} bytes`;
}

// --- entries and names ------------------------------------------------------------------------------------

type EntryType = "file" | "dir" | "symlink" | "hardlink" | "special";

interface RawEntry {
  /** The name as stored in the archive. */
  name: string;
  type: EntryType;
  size: number;
  /** Loaded bytes of a file (absent when skipped for size or an unsupported encoding). */
  data?: Buffer;
  /** Why a file was not loaded. */
  skip?: string;
  /** The first bytes of a file not loaded for its size. */
  head?: Buffer;
  linkTarget?: string;
}

/**
 * The safe, normalised form of an entry name (`./a//b/` → `a/b`), or why it is unsafe. `""` for the root
 * folder itself (`./`). Any `..` segment is refused, even one that stays inside: nothing legitimate needs it.
 */
export function safeEntryPath(name: string): { path: string } | { unsafe: string } {
  if (name.includes("\0")) return { unsafe: "NUL character in the name" };
  if (name.includes("\\")) return { unsafe: "backslash in the name (a Windows path separator)" };
  if (name.startsWith("/")) return { unsafe: "absolute path" };
  if (/^[A-Za-z]:/.test(name)) return { unsafe: "drive letter (absolute Windows path)" };
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) return { unsafe: 'path escapes the package root ("..")' };
  return { path: parts.join("/") };
}

interface Placed {
  path: string;
  entry: RawEntry;
}

/**
 * Checks names, strips the single top-level folder when `strip` allows and there is one, and builds the
 * sorted file list. Directories only shape the paths; links and specials are reported.
 */
function place(
  entries: RawEntry[],
  strip: (topLevel: string) => boolean,
  npmStrip = false,
): { files: PackageFile[]; skipped: SkippedEntry[]; root: Set<string>; top?: string } {
  const skipped: SkippedEntry[] = [];
  const placed: Placed[] = [];
  for (const entry of entries) {
    const safe = safeEntryPath(entry.name);
    if ("unsafe" in safe) {
      skipped.push({ path: entry.name, reason: `unsafe entry name: ${safe.unsafe}` });
      continue;
    }
    if (safe.path === "") continue; // the archive's `./`
    placed.push({ path: safe.path, entry });
  }
  if (npmStrip) {
    // npm (pacote) extracts tarballs with `strip: 1`: the first folder of EVERY entry goes, whatever its name, so
    // `package/package.json` and `other/x.js` both land at the root, and top-level files are dropped. Read it the
    // same way, or one extra folder would hide the manifest and its install scripts.
    const kept: Placed[] = [];
    let top: string | undefined;
    for (const p of placed) {
      const slash = p.path.indexOf("/");
      if (slash === -1) {
        if (p.entry.type !== "dir")
          skipped.push({ path: p.path, reason: "outside the package folder (npm drops it)" });
        continue;
      }
      top ??= p.path.slice(0, slash);
      kept.push({ path: `${top}/${p.path.slice(slash + 1)}`, entry: p.entry });
    }
    placed.length = 0;
    placed.push(...kept);
  }
  // One top-level folder holding everything (no file at the top): strip it.
  let top: string | undefined;
  if (placed.length > 0) {
    const first = placed[0]!.path.split("/", 1)[0]!;
    const single = placed.every((p) =>
      p.path === first ? p.entry.type === "dir" : p.path.startsWith(`${first}/`),
    );
    if (single && placed.some((p) => p.path !== first) && strip(first)) top = first;
  }
  const byPath = new Map<string, Placed>();
  /** Names at the package root: files, and folders with a trailing `/` (a wheel's `x.dist-info/`). */
  const root = new Set<string>();
  for (const p of placed) {
    if (top !== undefined) {
      if (p.path === top) continue;
      p.path = p.path.slice(top.length + 1);
    }
    const slash = p.path.indexOf("/");
    root.add(slash === -1 ? (p.entry.type === "dir" ? `${p.path}/` : p.path) : p.path.slice(0, slash + 1));
    if (p.entry.type === "dir") continue;
    const reason = whySkipped(p.entry);
    if (reason) {
      skipped.push(p.entry.head ? { path: p.path, reason, head: p.entry.head } : { path: p.path, reason });
      continue;
    }
    const earlier = byPath.get(p.path);
    // The same bytes twice (`package/./x.js` and `package/x.js` in real npm tarballs) change nothing.
    if (earlier && !earlier.entry.data!.equals(p.entry.data!)) {
      skipped.push({
        path: p.path,
        reason: "duplicate entry with different content: replaced by the later one",
      });
    }
    byPath.set(p.path, p);
  }
  const files: PackageFile[] = [];
  for (const [path, p] of byPath) {
    const data = p.entry.data!;
    files.push({ path, size: data.length, read: () => data });
  }
  files.sort(byPath_);
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return top === undefined ? { files, skipped, root } : { files, skipped, root, top };
}

function byPath_(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function whySkipped(e: RawEntry): string | undefined {
  switch (e.type) {
    case "symlink":
      return `symbolic link${e.linkTarget ? ` to ${e.linkTarget}` : ""} (not followed)`;
    case "hardlink":
      return `hard link${e.linkTarget ? ` to ${e.linkTarget}` : ""} (not followed)`;
    case "special":
      return "not a regular file (device, FIFO or other special entry)";
    default:
      return e.skip;
  }
}

// --- tar --------------------------------------------------------------------------------------------------

function gunzipTar(path: string, bytes: Buffer, lim: ArchiveLimits): Buffer {
  const sizeCap = archiveCap(lim);
  const ratio = lim.maxCompressionRatio ?? 0;
  const ratioCap = ratio > 0 ? Math.max(RATIO_FLOOR, bytes.length * ratio) : Number.POSITIVE_INFINITY;
  const cap = Math.min(sizeCap, ratioCap);
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: cap });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ERR_BUFFER_TOO_LARGE") {
      throw ratioCap < sizeCap ? bomb(path, lim, cap, bytes.length) : overTotal(path, lim);
    }
    throw new InputError(
      path,
      `corrupt gzip data (${err.message}); expected a gzip-compressed tar archive (.tgz, .tar.gz)`,
    );
  }
}

const META_MAX = MiB;

/** Reads every entry of a tar archive held in memory, with node-tar's header and pax parsing. */
function readTarEntries(path: string, data: Buffer, lim: ArchiveLimits): RawEntry[] {
  if (data.length > 0 && data.length < 512)
    throw new InputError(path, "truncated tar archive (less than one header)");
  if (data.length >= 512 && !isTarHeader(data.subarray(0, 512)) && !isNullBlock(data, 0)) {
    throw new InputError(
      path,
      "not a tar archive (no valid header at the start); expected an npm tarball or an sdist",
    );
  }
  const entries: RawEntry[] = [];
  let ex: Record<string, unknown> | undefined;
  let gex: Record<string, unknown> | undefined;
  let total = 0;
  let sawNull = false;
  let pos = 0;
  while (pos + 512 <= data.length) {
    if (isNullBlock(data, pos)) {
      pos += 512;
      if (sawNull) break; // end of archive: two zero blocks
      sawNull = true; // a lone zero block: keep reading, as node-tar (npm) does
      continue;
    }
    sawNull = false;
    let header: Header;
    try {
      header = new Header(data, pos, ex as never, gex as never);
    } catch (e) {
      throw new InputError(path, `corrupt tar archive (${(e as Error).message} at byte ${pos})`);
    }
    if (!header.cksumValid)
      throw new InputError(path, `corrupt tar archive (bad header checksum at byte ${pos})`);
    const size = header.size;
    if (size === undefined || !Number.isSafeInteger(size)) {
      throw new InputError(path, `corrupt tar archive (bad entry size at byte ${pos})`);
    }
    const start = pos + 512;
    const end = start + size;
    if (end > data.length) {
      throw new InputError(
        path,
        `truncated tar archive (an entry at byte ${pos} needs ${end - data.length} more bytes)`,
      );
    }
    pos = start + Math.ceil(size / 512) * 512;
    const code = header.typeKey;
    // Links, devices and FIFOs carry no data; one that claims some is read differently by node-tar (which
    // skips it) and Python's tarfile (which reads headers from it): a way to hide files from one of them.
    if ((code === "1" || code === "2" || code === "3" || code === "4" || code === "6") && size !== 0) {
      throw new InputError(
        path,
        `corrupt tar archive (a link or special entry with data at byte ${start - 512})`,
      );
    }
    // Extension headers describe the next entry.
    if (code === "x" || code === "X" || code === "g" || code === "L" || code === "N" || code === "K") {
      if (size > META_MAX)
        throw new InputError(path, `corrupt tar archive (extended header over 1 MiB at byte ${start - 512})`);
      const text = data.toString("utf8", start, end);
      if (code === "g") gex = { ...Pax.parse(text, gex as never, true) };
      else if (code === "x" || code === "X") ex = { ...Pax.parse(text, ex as never, false) };
      else ex = { ...ex, [code === "K" ? "linkpath" : "path"]: text.replace(/\0[\s\S]*$/, "") };
      continue;
    }
    ex = undefined;
    const name = header.path ?? "";
    if (!name)
      throw new InputError(path, `corrupt tar archive (entry without a name at byte ${start - 512})`);
    if (entries.length >= lim.maxFiles) throw overCount(path, lim);
    const type: EntryType =
      code === "5" || code === "D"
        ? "dir"
        : code === "2"
          ? "symlink"
          : code === "1"
            ? "hardlink"
            : code === "3" || code === "4" || code === "6"
              ? "special"
              : "file"; // 0, 7, and unknown types: tar and Python's tarfile extract those as regular files
    const entry: RawEntry = { name, type, size: type === "file" ? size : 0 };
    if (header.linkpath) entry.linkTarget = header.linkpath;
    if (type === "file") {
      total += size;
      if (total > lim.maxTotalBytes) throw overTotal(path, lim);
      if (size > lim.maxFileBytes)
        entry.skip = `larger than the per-file limit of ${formatBytes(lim.maxFileBytes)} (${formatBytes(size)})`;
      else entry.data = data.subarray(start, end);
      if (entry.skip) entry.head = data.subarray(start, start + HEAD_BYTES);
    }
    entries.push(entry);
  }
  return entries;
}

function isNullBlock(data: Buffer, at: number): boolean {
  for (let i = at; i < at + 512; i++) if (data[i] !== 0) return false;
  return true;
}

function assembleTar(path: string, entries: RawEntry[]): PackageContents {
  // An npm tarball: some top folder holds package.json and none holds PKG-INFO (an sdist keeps its own layout).
  const names = entries.map((e) => safeEntryPath(e.name)).filter((n): n is { path: string } => "path" in n);
  const npm =
    names.some((n) => /^[^/]+\/package\.json$/.test(n.path)) &&
    !names.some((n) => /^[^/]+\/PKG-INFO$/.test(n.path));
  const { files, skipped, root, top } = place(entries, () => true, npm);
  const name = basename(path);
  let kind: PackageKind;
  if (root.has("PKG-INFO")) kind = "sdist";
  else if (root.has("package.json")) kind = "npm-tarball";
  else if (root.has("setup.py") || root.has("pyproject.toml") || root.has("setup.cfg")) kind = "sdist";
  else if (/\.tgz$/i.test(name) || top === "package") kind = "npm-tarball";
  else kind = "sdist";
  return withIdentity({ kind, path, files, skipped }, name);
}

// --- zip --------------------------------------------------------------------------------------------------

/** An entry as the central directory records it, named by its Unicode Path when it has one. */
type ZipEntry = Omit<CentralEntry, "end" | "unicodeName">;

/** The central directory: the zip's own index (what pip and Python's zipfile read), without inflating anything. */
function readCentralDirectory(
  path: string,
  buf: Buffer,
  lim: ArchiveLimits,
): { entries: ZipEntry[]; cdOffset: number } {
  const corrupt = (what: string) => new InputError(path, `corrupt zip archive (${what})`);
  if (buf.length < 22) throw corrupt("too short for an end of central directory record");
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50 && i + 22 + buf.readUInt16LE(i + 20) <= buf.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0)
    throw new InputError(
      path,
      "truncated or corrupt zip archive (no end of central directory); expected a wheel, egg or zip sdist",
    );
  if (buf.readUInt16LE(eocd + 4) !== 0 || buf.readUInt16LE(eocd + 6) !== 0) {
    throw new InputError(path, "multi-volume zip archives are not supported");
  }
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  let cdLimit = eocd;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || buf.readUInt32LE(loc) !== 0x07064b50) throw corrupt("ZIP64 locator missing");
    const z64 = u64(buf, loc + 8, path);
    if (z64 + 56 > loc || buf.readUInt32LE(z64) !== 0x06064b50)
      throw corrupt("ZIP64 end of central directory missing");
    count = u64(buf, z64 + 32, path);
    cdSize = u64(buf, z64 + 40, path);
    cdOffset = u64(buf, z64 + 48, path);
    cdLimit = z64;
  }
  if (count > lim.maxFiles) throw overCount(path, lim);
  if (cdOffset + cdSize > cdLimit) throw corrupt("central directory out of bounds");
  const cd = buf.subarray(cdOffset, cdOffset + cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  // Some writers keep only the low 16 bits of the entry count past 65,535 entries: read the whole directory.
  while (entries.length < count || (count < 0xffff && p < cd.length)) {
    if (entries.length >= lim.maxFiles) throw overCount(path, lim);
    const { unicodeName, end, ...entry } = readCentralEntry(cd, p, path);
    // Info-ZIP Unicode Path: Python's zipfile (3.12+, so pip) extracts under this name; so must we read it.
    entries.push({ ...entry, name: unicodeName ?? entry.name });
    p = end;
  }
  if (p !== cd.length) throw corrupt("the central directory does not match its entry count");
  return { entries, cdOffset };
}

const S_IFMT = 0o170000;

/** Bytes kept of a file skipped for its size. */
const HEAD_BYTES = 64;

/** The first bytes of a zip entry without inflating all of it; undefined when the entry cannot be read. */
function zipEntryHead(buf: Buffer, z: ZipEntry): Buffer | undefined {
  if (z.offset + 30 > buf.length || buf.readUInt32LE(z.offset) !== 0x04034b50) return undefined;
  const start = z.offset + 30 + buf.readUInt16LE(z.offset + 26) + buf.readUInt16LE(z.offset + 28);
  const compressed = buf.subarray(start, Math.min(start + z.compressedSize, buf.length));
  if (z.method === 0) return Buffer.from(compressed.subarray(0, HEAD_BYTES));
  if (z.method !== 8 || z.flags & 1) return undefined;
  try {
    // A prefix of the stream, flushed as far as it goes: at most a few hundred KiB however it was compressed.
    const out = zlib.inflateRawSync(compressed.subarray(0, 512), {
      finishFlush: zlib.constants.Z_SYNC_FLUSH,
      maxOutputLength: MiB,
    });
    return out.subarray(0, HEAD_BYTES);
  } catch {
    return undefined;
  }
}

/** Reads every entry of a zip held in memory. */
function readZipEntries(path: string, buf: Buffer, lim: ArchiveLimits): RawEntry[] {
  const { entries, cdOffset } = readCentralDirectory(path, buf, lim);
  const out: RawEntry[] = [];
  const toLoad: { zip: ZipEntry; raw: RawEntry }[] = [];
  let declared = 0;
  for (const z of entries) {
    const fmt = z.mode & S_IFMT;
    const isDir = z.name.endsWith("/") || fmt === 0o040000;
    const raw: RawEntry = { name: z.name, type: "file", size: z.size };
    out.push(raw);
    if (isDir) {
      raw.type = "dir";
      raw.size = 0;
    } else if (fmt === 0o120000) {
      raw.type = "symlink";
    } else if (fmt !== 0 && fmt !== 0o100000) {
      raw.type = "special";
    } else if (z.flags & 1) {
      // An entry we cannot read could be what gets installed: refuse the archive rather than pass it half-read.
      throw new InputError(path, `${z.name}: encrypted entry: it cannot be analysed`);
    } else if (z.method !== 0 && z.method !== 8) {
      // Python's zipfile (and so pip) also reads bzip2 (12) and LZMA (14) entries: skipping one would let it hide.
      throw new InputError(
        path,
        `${z.name}: compression method ${z.method} is not supported (only stored and DEFLATE): the archive cannot be fully analysed`,
      );
    } else if (z.size > lim.maxFileBytes) {
      raw.skip = `larger than the per-file limit of ${formatBytes(lim.maxFileBytes)} (${formatBytes(z.size)})`;
      const head = zipEntryHead(buf, z);
      if (head) raw.head = head;
    } else {
      toLoad.push({ zip: z, raw });
    }
    if (raw.type === "file") {
      declared += z.size;
      if (declared > lim.maxTotalBytes) throw overTotal(path, lim);
    }
  }
  const ratio = lim.maxCompressionRatio ?? 0;
  if (ratio > 0 && declared > RATIO_FLOOR && declared > buf.length * ratio)
    throw bomb(path, lim, declared, buf.length);

  // In file order: overlapping entries (one compressed stream shared by many entries: a bomb trick) show up.
  toLoad.sort((a, b) => a.zip.offset - b.zip.offset);
  let previousEnd = 0;
  for (const { zip: z, raw } of toLoad) {
    const at = (what: string) => new InputError(path, `corrupt zip archive (${what} of entry "${z.name}")`);
    if (z.offset + 30 > buf.length || buf.readUInt32LE(z.offset) !== 0x04034b50) throw at("bad local header");
    const nameLength = buf.readUInt16LE(z.offset + 26);
    const localName = buf.subarray(z.offset + 30, z.offset + 30 + nameLength);
    // Python's zipfile (pip) refuses an entry whose local header names another file: so do we.
    if (!localName.equals(z.nameBytes)) throw at("local header name differs from the central directory");
    const dataStart = z.offset + 30 + nameLength + buf.readUInt16LE(z.offset + 28);
    const dataEnd = dataStart + z.compressedSize;
    if (z.offset < previousEnd) throw at("overlaps the previous entry");
    if (dataEnd > cdOffset) throw at("data runs past the central directory");
    previousEnd = dataEnd;
    const compressed = buf.subarray(dataStart, dataEnd);
    let data: Buffer;
    if (z.method === 0) {
      if (z.size !== z.compressedSize) throw at("stored sizes differ");
      data = compressed;
    } else {
      try {
        // Inflating stops one byte past the declared size: a lying header cannot get past the limits.
        data = zlib.inflateRawSync(compressed, { maxOutputLength: Math.max(1, z.size) });
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === "ERR_BUFFER_TOO_LARGE") {
          throw at(
            `inflates to more than its declared ${z.size} bytes (a lying header: decompression bomb?)`,
          );
        }
        throw at(`bad DEFLATE data: ${err.message}`);
      }
      if (data.length !== z.size) throw at(`inflates to ${data.length} bytes, not its declared ${z.size}`);
    }
    if (crc32(data) !== z.crc) throw at("CRC mismatch");
    raw.data = data;
  }
  return out;
}

function assembleZip(path: string, entries: RawEntry[]): PackageContents {
  const name = basename(path);
  // Built distributions have no top folder: their root holds the package and `*.dist-info/` / `EGG-INFO/`.
  const built =
    /\.(whl|egg)$/i.test(name) || entries.some((e) => /^(\.\/)?([^/]+\.dist-info|EGG-INFO)\//.test(e.name));
  const { files, skipped, root } = place(entries, () => !built);
  let kind: PackageKind;
  if (built) kind = "wheel";
  else if (
    root.has("PKG-INFO") ||
    root.has("setup.py") ||
    root.has("pyproject.toml") ||
    root.has("setup.cfg")
  ) {
    kind = "sdist";
  } else if (root.has("package.json")) kind = "npm-tarball";
  else kind = "sdist";
  return withIdentity({ kind, path, files, skipped }, name);
}

// --- directories and single files -------------------------------------------------------------------------

/** Directories a package walk never descends into: VCS data, and installed dependencies (`scan --deep`'s job). */
const SKIP_SILENTLY = new Set([".git", "node_modules", "site-packages", "dist-packages"]);

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;

/**
 * Reads a file from disk for a lazy PackageFile: never through a link, never a FIFO or device (the file may
 * have changed since the walk), never more than the per-file limit.
 */
export function readFileSafely(abs: string, display: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | NOFOLLOW | NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP" || code === "EMLINK")
      throw new InputError(display, "is now a symbolic link; not followed");
    throw fileError(display, e);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputError(display, "is no longer a regular file");
    if (st.size > maxBytes) {
      throw new InputError(
        display,
        `larger than the per-file limit of ${formatBytes(maxBytes)} (${formatBytes(st.size)})`,
      );
    }
    return readWhole(fd, st.size);
  } catch (e) {
    throw fileError(display, e);
  } finally {
    closeSync(fd);
  }
}

/** A file on disk skipped for its size, with its first bytes (never through a link, never blocking). */
export function tooLarge(path: string, abs: string, size: number, maxBytes: number): SkippedEntry {
  const entry: SkippedEntry = {
    path,
    reason: `larger than the per-file limit of ${formatBytes(maxBytes)} (${formatBytes(size)})`,
  };
  let fd: number | undefined;
  try {
    fd = openSync(abs, constants.O_RDONLY | NOFOLLOW | NONBLOCK);
    if (fstatSync(fd).isFile()) {
      const head = Buffer.alloc(HEAD_BYTES);
      entry.head = head.subarray(0, readSync(fd, head, 0, HEAD_BYTES, 0));
    }
  } catch {
    // no head: the reason is still reported
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return entry;
}

/** A PackageFile read lazily from disk. */
export function diskFile(
  abs: string,
  path: string,
  size: number,
  display: string,
  maxBytes: number,
): PackageFile {
  return { path, size, read: () => readFileSafely(abs, display, maxBytes) };
}

function readDirectory(dir: string, lim: ArchiveLimits): PackageContents {
  const files: PackageFile[] = [];
  const skipped: SkippedEntry[] = [];
  let total = 0;
  const pending: string[] = [""];
  while (pending.length) {
    const rel = pending.pop()!;
    const abs = rel ? join(dir, rel) : dir;
    let entries: Dirent[];
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (e) {
      if (!rel) throw fileError(dir, e);
      skipped.push({
        path: rel,
        reason: `cannot read directory (${(e as NodeJS.ErrnoException).code ?? "error"})`,
      });
      continue;
    }
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      const full = join(abs, entry.name);
      if (entry.isSymbolicLink()) {
        skipped.push({ path, reason: "symbolic link (not followed)" });
      } else if (entry.isDirectory()) {
        if (!SKIP_SILENTLY.has(entry.name)) pending.push(path);
      } else if (entry.isFile()) {
        let size: number;
        try {
          size = lstatSync(full).size;
        } catch (e) {
          skipped.push({ path, reason: `cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})` });
          continue;
        }
        if (size > lim.maxFileBytes) {
          skipped.push(tooLarge(path, full, size, lim.maxFileBytes));
          continue;
        }
        if (files.length >= lim.maxFiles) throw overCount(dir, lim, "directory");
        total += size;
        if (total > lim.maxTotalBytes) {
          throw new InputError(
            dir,
            `directory exceeds the limit of ${formatBytes(lim.maxTotalBytes)} of files`,
          );
        }
        files.push(diskFile(full, path, size, join(dir, path), lim.maxFileBytes));
      } else {
        skipped.push({ path, reason: "not a regular file (device, FIFO or socket)" });
      }
    }
  }
  files.sort(byPath_);
  skipped.sort(byPath_);
  const read = (p: string): string | undefined => {
    const f = files.find((x) => x.path === p);
    if (!f) return undefined;
    try {
      return decodeUtf8(f.read());
    } catch {
      return undefined;
    }
  };
  return identify({ kind: "directory", path: dir, files, skipped }, read, undefined);
}

function readSingleFile(path: string, size: number, lim: ArchiveLimits): PackageContents {
  const name = basename(path);
  if (size > lim.maxFileBytes) {
    return {
      kind: "file",
      path,
      files: [],
      skipped: [tooLarge(name, path, size, lim.maxFileBytes)],
    };
  }
  return { kind: "file", path, files: [diskFile(path, name, size, path, lim.maxFileBytes)], skipped: [] };
}

// --- identity ---------------------------------------------------------------------------------------------

function decodeUtf8(buf: Buffer): string {
  const text = buf.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function withIdentity(contents: PackageContents, fileName: string): PackageContents {
  const index = new Map(contents.files.map((f) => [f.path, f]));
  const read = (p: string): string | undefined => {
    const f = index.get(p);
    return f ? decodeUtf8(f.read()) : undefined;
  };
  return identify(contents, read, fileName, [...index.keys()]);
}

/**
 * Name, version and ecosystem: npm from package.json; sdists from PKG-INFO, else pyproject.toml's [project],
 * else the file name (PEP 625 `{name}-{version}.tar.gz`); wheels from `*.dist-info/METADATA`, else the file
 * name (PEP 427); eggs from `EGG-INFO/PKG-INFO`, else the file name. Only what is known is set.
 */
function identify(
  contents: PackageContents,
  read: (path: string) => string | undefined,
  fileName: string | undefined,
  paths: string[] = contents.files.map((f) => f.path),
): PackageContents {
  const set = (eco: "npm" | "PyPI", name?: string, version?: string): PackageContents => {
    contents.ecosystem = eco;
    if (name) contents.name = name;
    if (version) contents.version = version;
    return contents;
  };
  const fromHeaders = (text: string | undefined) => {
    if (text === undefined) return undefined;
    const h = parseHeaders(text);
    const name = h.first("name")?.value;
    const version = h.first("version")?.value;
    return name || version ? { name, version } : undefined;
  };
  const fromName = fileName ? distributionFromFileName(fileName, contents.kind) : undefined;
  const python = (meta: { name?: string; version?: string } | undefined) =>
    set("PyPI", meta?.name ?? fromName?.name, meta?.version ?? fromName?.version);

  if (contents.kind === "wheel") {
    if (paths.some((p) => p.startsWith("EGG-INFO/"))) return python(fromHeaders(read("EGG-INFO/PKG-INFO")));
    const metas = paths.filter((p) => /^[^/]+\.dist-info\/METADATA$/.test(p));
    // Several dist-info folders: the one the file name names.
    const wanted =
      fromName &&
      metas.find((p) =>
        p.toLowerCase().startsWith(`${fromName.name}-${fromName.version}.dist-info/`.toLowerCase()),
      );
    const meta = wanted ?? metas[0];
    return python(meta ? fromHeaders(read(meta)) : undefined);
  }
  const hasPkgInfo = paths.includes("PKG-INFO");
  if (contents.kind === "sdist" || hasPkgInfo) {
    const meta =
      fromHeaders(hasPkgInfo ? read("PKG-INFO") : undefined) ?? pyprojectIdentity(read("pyproject.toml"));
    // A zip or tarball with nothing Python about it (no metadata, no setup files, no sdist file name).
    const python_ = meta || fromName || PYTHON_MARKERS.some((m) => paths.includes(m));
    return python_ ? python(meta) : contents;
  }
  if (paths.includes("package.json")) {
    const data = parseJsonObject(read("package.json"));
    const name = typeof data?.name === "string" ? data.name : undefined;
    const version = typeof data?.version === "string" ? data.version : undefined;
    return set("npm", name, version);
  }
  if (contents.kind === "npm-tarball") return set("npm");
  if (contents.kind === "directory") {
    const metas = paths.filter((p) => /^[^/]+\.dist-info\/METADATA$/.test(p));
    if (metas.length === 1) return python(fromHeaders(read(metas[0]!)));
    const pyproject = paths.includes("pyproject.toml")
      ? pyprojectIdentity(read("pyproject.toml"))
      : undefined;
    if (pyproject || paths.includes("setup.py")) return python(pyproject);
  }
  return contents;
}

const PYTHON_MARKERS = ["PKG-INFO", "setup.py", "setup.cfg", "pyproject.toml"];

function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `[project]` name and version of a pyproject.toml, read with two regular expressions (no TOML parse needed). */
function pyprojectIdentity(text: string | undefined): { name?: string; version?: string } | undefined {
  if (text === undefined) return undefined;
  const section = /^\[project\][ \t]*(?:#.*)?$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text)?.[1];
  if (!section) return undefined;
  const key = (k: string) => new RegExp(`^${k}[ \\t]*=[ \\t]*(["'])([^"'\\n]*)\\1`, "m").exec(section)?.[2];
  const name = key("name");
  const version = key("version");
  return name || version ? { ...(name ? { name } : {}), ...(version ? { version } : {}) } : undefined;
}

/**
 * A distribution's name and version from its file name: wheels (PEP 427,
 * `{name}-{ver}(-{build})?-{py}-{abi}-{plat}.whl`), eggs (`{name}-{ver}(-py{x.y})?(-{plat})?.egg`), sdists
 * (PEP 625 `{name}-{version}.tar.gz`, and legacy names whose version is the last `-` part starting with a digit).
 */
export function distributionFromFileName(
  fileName: string,
  kind: PackageKind = "sdist",
): { name: string; version: string } | undefined {
  if (/\.whl$/i.test(fileName)) {
    const parts = fileName.slice(0, -4).split("-");
    if (parts.length === 5 || parts.length === 6) return { name: parts[0]!, version: parts[1]! };
    return undefined;
  }
  if (/\.egg$/i.test(fileName)) {
    const m = /^([^-]+)-([^-]+)/.exec(fileName.slice(0, -4));
    return m ? { name: m[1]!, version: m[2]! } : undefined;
  }
  if (kind !== "sdist") return undefined;
  const stem = fileName.replace(/\.(tar\.gz|tgz|tar|zip)$/i, "");
  if (stem === fileName) return undefined;
  const m = /^(.+)-(\d[^-]*)$/.exec(stem);
  return m ? { name: m[1]!, version: m[2]! } : undefined;
}
