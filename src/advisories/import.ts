/**
 * Reading OSV records from an OSV dump zip, a directory of `.json` / `.yaml` files (the PyPA advisory-database
 * layout), or single files, and importing them into the store in one transaction: all or nothing.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  type Dirent,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
} from "node:fs";
import { extname, join, relative, resolve } from "node:path";
import * as zlib from "node:zlib";
import { inflateSync } from "fflate";
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node as YamlNode } from "yaml";
import { z } from "zod";
import { InputError } from "../errors.js";
import { decodeText, isRecord, parseJson, validate } from "../inventory/text.js";
import { type CentralEntry, crc32, readCentralEntry, u64 } from "../zip.js";
import type { OsvRecord } from "./osv.js";
import type { AdvisoryStore, PutOutcome, SourceKind } from "./store.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Limits on what an archive or directory may hold (a dump is data from the network: treat it as hostile). */
export interface ReadLimits {
  /** Entries in a zip, or files under a directory. The whole osv.dev dump holds about 500,000. */
  maxEntries: number;
  /** Uncompressed size of one record. The largest real records are a few hundred KiB. */
  maxEntryBytes: number;
  /** Uncompressed size of all the records of one zip. */
  maxTotalBytes: number;
  /** Uncompressed / compressed size above which an entry of more than 1 MiB is taken for a zip bomb. */
  maxRatio: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  maxEntries: 2_000_000,
  maxEntryBytes: 16 * MiB,
  maxTotalBytes: 16 * GiB,
  maxRatio: 100,
};

// --- timestamps -------------------------------------------------------------------------------------------

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 timestamp as a key that sorts as the instants do: UTC, nine fraction digits
 * (`2021-07-02T02:41:33.919000000Z`). Records carry 0 to 6 fraction digits and may carry an offset, so the
 * texts themselves do not compare. Undefined when the text is not an RFC 3339 date-time.
 */
export function instantKey(text: string): string | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4]);
  const mi = Number(m[5]);
  const s = Number(m[6]);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return undefined;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!)) return undefined;
  const fraction = (m[7] ?? "").slice(0, 9).padEnd(9, "0");
  // The usual case, UTC: the key is the text itself, made regular (this runs twice per record on import).
  if (!m[9] && s < 60) return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${fraction}Z`;
  // An offset (or a leap second): go through the instant.
  const offsetHours = Number(m[10] ?? 0);
  const offsetMinutes = Number(m[11] ?? 0);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d); // not Date.UTC: it maps years 0-99 to 1900-1999
  date.setUTCHours(h, mi, s);
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
  const ms = date.getTime() + (m[9] === "+" ? -offset : m[9] === "-" ? offset : 0);
  const iso = new Date(ms).toISOString();
  if (iso.length !== 24) return undefined; // moved out of years 0000-9999
  return `${iso.slice(0, 19)}.${fraction}Z`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The instant of a key from `instantKey` as an ISO string with milliseconds (for display and JSON). */
export function isoOfKey(key: string): string {
  return `${key.slice(0, 23)}Z`;
}

// --- validation -------------------------------------------------------------------------------------------

const EVENT_KEYS = ["introduced", "fixed", "last_affected", "limit"] as const;

const timestamp = z.string().refine((s) => instantKey(s) !== undefined, {
  message: "expected an RFC 3339 date-time such as 2024-01-31T12:00:00Z",
});

const severitySchema = z.looseObject({ type: z.string(), score: z.string() });

const eventSchema = z
  .looseObject({
    introduced: z.string().optional(),
    fixed: z.string().optional(),
    last_affected: z.string().optional(),
    limit: z.string().optional(),
  })
  .refine((e) => EVENT_KEYS.filter((k) => e[k] !== undefined).length === 1, {
    message: "expected exactly one of introduced, fixed, last_affected, limit",
  });

const rangeSchema = z
  .looseObject({
    type: z.string().min(1),
    repo: z.string().optional(),
    events: z.array(eventSchema).min(1),
    database_specific: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((r) => r.events.some((e) => e.introduced !== undefined), {
    message: 'a range needs an "introduced" event',
    path: ["events"],
  });

const affectedSchema = z.looseObject({
  package: z
    .looseObject({ ecosystem: z.string().min(1), name: z.string().min(1), purl: z.string().optional() })
    .optional(),
  severity: z.array(severitySchema).nullish(),
  ranges: z.array(rangeSchema).nullish(),
  versions: z.array(z.string()).nullish(),
  ecosystem_specific: z.record(z.string(), z.unknown()).nullish(),
  database_specific: z.record(z.string(), z.unknown()).nullish(),
});

/**
 * What matching relies on, checked strictly (OSV schema 1.6): `id` and `modified` present, timestamps
 * RFC 3339, each range with a type and a non-empty list of events, each event exactly one of the four kinds,
 * at least one `introduced`. Unknown fields are kept as published.
 */
export const osvRecordSchema = z.looseObject({
  schema_version: z.string().optional(),
  id: z.string().min(1),
  modified: timestamp,
  published: z.string().nullish(),
  withdrawn: timestamp.nullish(),
  aliases: z.array(z.string()).nullish(),
  related: z.array(z.unknown()).nullish(),
  upstream: z.array(z.string()).nullish(),
  summary: z.string().nullish(),
  details: z.string().nullish(),
  severity: z.array(severitySchema).nullish(),
  affected: z.array(affectedSchema).nullish(),
  references: z.array(z.looseObject({ type: z.string(), url: z.string() })).nullish(),
  credits: z.array(z.unknown()).nullish(),
  database_specific: z.record(z.string(), z.unknown()).nullish(),
});

/**
 * Records up to this size (the JSON text) are stored as text and parsed straight from it at lookup: a scan
 * matching thousands of records spends its time there, and inflating each one would double it. Larger ones
 * (long `versions` lists) are stored compressed (raw DEFLATE).
 */
export const COMPRESS_ABOVE = 8 * 1024;

/** A record ready to store: validated, its instant key, and its JSON as stored (text, or raw DEFLATE bytes). */
export interface ParsedRecord {
  record: OsvRecord;
  modifiedKey: string;
  stored: string | Uint8Array;
}

export function validateOsvRecord(file: string, data: unknown): OsvRecord {
  return validate(file, osvRecordSchema, data, "OSV record") as OsvRecord;
}

/** A document that is plainly not an advisory (no `id`, no `modified`): skipped inside directories and zips. */
function looksLikeRecord(data: unknown): boolean {
  return isRecord(data) && ("id" in data || "modified" in data);
}

/**
 * YAML to plain data, keeping the text of plain scalars where OSV expects strings: with the YAML core schema
 * a version list `- 0.10` would read as the number 0.1, and PyPA files write versions unquoted. Only
 * `database_specific` and `ecosystem_specific` (free-form) keep YAML's own types.
 */
export function parseOsvYaml(file: string, text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: false });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const detail = err.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? "syntax error";
    throw new InputError(
      file,
      `invalid YAML: ${detail}`,
      pos ? { line: pos.line, column: pos.col } : undefined,
    );
  }
  let aliases = 0;
  const convert = (node: unknown, opaque: boolean): unknown => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      if (++aliases > 1000) throw new InputError(file, "invalid YAML: too many aliases");
      return convert(node.resolve(doc), opaque);
    }
    if (isScalar(node)) {
      const v = node.value;
      if (!opaque && (typeof v === "number" || typeof v === "boolean") && node.source !== undefined) {
        return node.source;
      }
      return v;
    }
    if (isSeq(node)) return node.items.map((item) => convert(item, opaque));
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = String(isScalar(pair.key) ? pair.key.value : convert(pair.key, true));
        out[key] = convert(pair.value, opaque || key === "database_specific" || key === "ecosystem_specific");
      }
      return out;
    }
    return (node as YamlNode).toJSON();
  };
  return convert(doc.contents, false);
}

type Format = "json" | "yaml";

function formatOf(name: string): Format | undefined {
  const ext = extname(name).toLowerCase();
  if (ext === ".json") return "json";
  if (ext === ".yaml" || ext === ".yml") return "yaml";
  return undefined;
}

/**
 * Parses and validates one document. `lenient`: inside a directory or zip, a document that is not an advisory
 * at all (a workflow, a triage list) is skipped (undefined); an advisory that is invalid is always an error.
 */
function parseRecord(
  display: string,
  bytes: Uint8Array,
  format: Format,
  lenient: boolean,
  compressed?: Uint8Array,
): ParsedRecord | undefined {
  const text = decodeText(display, bytes);
  const data = format === "json" ? parseJson(display, text) : parseOsvYaml(display, text);
  if (lenient && !looksLikeRecord(data)) return undefined;
  if (!isRecord(data)) {
    throw new InputError(
      display,
      "not an OSV advisory (expected a JSON or YAML object with id and modified, a directory of them, or a dump zip)",
    );
  }
  const record = validateOsvRecord(display, data);
  const modifiedKey = instantKey(record.modified)!;
  // The record as published (the file's text); YAML files as the JSON of what they say.
  const json = format === "json" ? text : JSON.stringify(record);
  const size = format === "json" ? bytes.length : Buffer.byteLength(json);
  let stored: string | Uint8Array = json;
  if (size > COMPRESS_ABOVE) {
    // The zip's own DEFLATE stream of the file when there is one: no need to compress it again.
    stored = format === "json" && compressed ? compressed : zlib.deflateRawSync(json);
  }
  return { record, modifiedKey, stored };
}

/** The stored form back to a record. */
export function decodeStored(stored: string | Uint8Array): OsvRecord {
  if (typeof stored === "string") return JSON.parse(stored) as OsvRecord;
  let text = zlib.inflateRawSync(stored).toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return JSON.parse(text) as OsvRecord;
}

// --- zip --------------------------------------------------------------------------------------------------

interface ZipEntry extends Omit<CentralEntry, "end" | "unicodeName"> {
  isDirectory: boolean;
  isLink: boolean;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafeSlow(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buf, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

/**
 * Reads through a window of the file: entries are visited in file order, so one read serves many of them
 * (two reads per entry cost as much as inflating it). Each refill is a new buffer: slices handed out stay valid.
 */
class ReadWindow {
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;
  constructor(
    private readonly fd: number,
    private readonly size = 4 * MiB,
  ) {}

  read(position: number, length: number): Buffer {
    const at = position - this.start;
    if (at >= 0 && at + length <= this.buf.length) return this.buf.subarray(at, at + length);
    this.buf = readAt(this.fd, position, Math.max(length, this.size));
    this.start = position;
    return this.buf.subarray(0, Math.min(length, this.buf.length));
  }
}

/** True when the file starts like a zip archive (local header, or an empty archive's end record). */
export function isZipFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const head = readAt(fd, 0, 4);
    return head.length === 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function unsafeName(name: string): boolean {
  const n = name.replace(/\\/g, "/");
  return (
    n.startsWith("/") ||
    /^[A-Za-z]:/.test(n) ||
    n.includes("\0") ||
    n.split("/").some((part) => part === "..")
  );
}

/** The central directory: the zip's own index, read without inflating anything. */
function readCentralDirectory(fd: number, fileSize: number, display: string, limits: ReadLimits) {
  const notZip = () =>
    new InputError(
      display,
      "not a zip archive (no end of central directory); expected an OSV dump such as all.zip",
    );
  if (fileSize < 22) throw notZip();
  const tailLength = Math.min(fileSize, 22 + 0xffff + 20);
  const tailStart = fileSize - tailLength;
  const tail = readAt(fd, tailStart, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50 && i + 22 + tail.readUInt16LE(i + 20) <= tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    const head = readAt(fd, 0, 4);
    if (head.length === 4 && head.readUInt32LE(0) === 0x04034b50) {
      throw new InputError(display, "truncated or corrupt zip archive (no end of central directory)");
    }
    throw notZip();
  }
  if (tail.readUInt16LE(eocd + 4) !== 0 || tail.readUInt16LE(eocd + 6) !== 0) {
    throw new InputError(display, "multi-volume zip archives are not supported");
  }
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  let cdLimit = tailStart + eocd; // the central directory ends where the end records begin
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = eocd - 20;
    if (loc < 0 || tail.readUInt32LE(loc) !== 0x07064b50) {
      throw new InputError(display, "corrupt zip archive (ZIP64 locator missing)");
    }
    const z64At = u64(tail, loc + 8, display);
    const z64 = readAt(fd, z64At, 56);
    if (z64.length < 56 || z64.readUInt32LE(0) !== 0x06064b50) {
      throw new InputError(display, "corrupt zip archive (ZIP64 end of central directory missing)");
    }
    count = u64(z64, 32, display);
    cdSize = u64(z64, 40, display);
    cdOffset = u64(z64, 48, display);
    cdLimit = z64At;
  }
  if (count > limits.maxEntries) {
    throw new InputError(
      display,
      `zip archive has too many entries (${count}; the limit is ${limits.maxEntries})`,
    );
  }
  if (cdOffset + cdSize > cdLimit || cdSize > 512 * MiB) {
    throw new InputError(display, "truncated or corrupt zip archive (central directory out of bounds)");
  }
  const cd = readAt(fd, cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  // Some writers (fflate's zipSync among them) keep only the low 16 bits of the entry count when there are
  // more than 65,535 entries and write no ZIP64 record: the central directory, whose size is exact, then holds
  // more entries than the end record says. Read them all rather than silently dropping most of a dump.
  const more = (i: number) => i < count || (count < 0xffff && p < cd.length);
  for (let i = 0; more(i); i++) {
    if (entries.length >= limits.maxEntries) {
      throw new InputError(display, `zip archive has too many entries (more than ${limits.maxEntries})`);
    }
    // The name as its flags say (a dump has no Info-ZIP Unicode Path names to honour).
    const { end, unicodeName: _unicode, ...entry } = readCentralEntry(cd, p, display);
    entries.push({
      ...entry,
      isDirectory: entry.name.endsWith("/") || entry.name.endsWith("\\"),
      isLink: (entry.mode & 0o170000) === 0o120000,
    });
    p = end;
  }
  if (p !== cd.length || entries.length % 0x10000 !== count % 0x10000) {
    throw new InputError(
      display,
      "corrupt zip archive (the central directory does not match its entry count)",
    );
  }
  return { entries, cdOffset };
}

export interface SkippedItem {
  file: string;
  message: string;
}

interface Visit {
  onRecord(record: ParsedRecord): void;
  onSkip(item: SkippedItem): void;
  onTotal?(total: number): void;
}

/** Reads every record of a zip, entry by entry, in file order; any bad record or unsafe entry is an error. */
export function readZip(path: string, display: string, limits: ReadLimits, visit: Visit): void {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw fileError(display, e);
  }
  try {
    const { entries, cdOffset } = readCentralDirectory(fd, fstatSync(fd).size, display, limits);
    const records: (ZipEntry & { format: Format })[] = [];
    let total = 0;
    for (const e of entries) {
      const at = `${display}!/${e.name}`;
      if (unsafeName(e.name)) {
        throw new InputError(
          display,
          `unsafe entry name "${e.name}" (absolute, or escapes the archive with "..")`,
        );
      }
      if (e.isDirectory) continue;
      const format = formatOf(e.name);
      if (e.isLink) {
        visit.onSkip({ file: at, message: "symbolic link: skipped" });
        continue;
      }
      if (!format || e.name.split(/[\\/]/).some((part) => part.startsWith(".") && part !== ".")) {
        if (format) visit.onSkip({ file: at, message: "hidden path: skipped" });
        continue;
      }
      if (e.flags & 1) throw new InputError(at, "encrypted zip entries are not supported");
      if (e.method !== 0 && e.method !== 8) {
        throw new InputError(at, `compression method ${e.method} is not supported (only stored and DEFLATE)`);
      }
      if (e.size > limits.maxEntryBytes || e.compressedSize > limits.maxEntryBytes) {
        throw new InputError(at, `entry too large (${e.size} bytes; the limit is ${limits.maxEntryBytes})`);
      }
      if (e.size > MiB && e.size / Math.max(1, e.compressedSize) > limits.maxRatio) {
        throw new InputError(
          at,
          `compression ratio too high (${e.size} bytes from ${e.compressedSize}): zip bomb?`,
        );
      }
      total += e.size;
      if (total > limits.maxTotalBytes) {
        throw new InputError(display, `archive too large uncompressed (over ${limits.maxTotalBytes} bytes)`);
      }
      records.push({ ...e, format });
    }
    visit.onTotal?.(records.length);
    // In file order: one forward pass over the disk, and overlapping entries (a zip-bomb trick) show up.
    records.sort((a, b) => a.offset - b.offset);
    const window = new ReadWindow(fd);
    let previousEnd = 0;
    for (const e of records) {
      const at = `${display}!/${e.name}`;
      const header = window.read(e.offset, 30);
      if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50) {
        throw new InputError(at, "corrupt zip archive (bad local header)");
      }
      const dataStart = e.offset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
      const dataEnd = dataStart + e.compressedSize;
      if (e.offset < previousEnd || dataEnd > cdOffset) {
        throw new InputError(at, "corrupt zip archive (entries overlap or run past the central directory)");
      }
      previousEnd = dataEnd;
      const raw = window.read(dataStart, e.compressedSize);
      if (raw.length !== e.compressedSize) throw new InputError(at, "truncated zip archive");
      let data: Uint8Array;
      if (e.method === 0) {
        if (e.size !== e.compressedSize) throw new InputError(at, "corrupt zip entry (stored sizes differ)");
        data = raw;
      } else {
        try {
          // One byte more than declared: an entry that inflates past its declared size is caught, not truncated.
          data = inflateSync(raw, { out: new Uint8Array(e.size + 1) });
        } catch (err) {
          throw new InputError(at, `corrupt zip entry (${(err as Error).message})`);
        }
        if (data.length !== e.size) {
          throw new InputError(
            at,
            `corrupt zip entry (inflates to ${data.length > e.size ? "more" : "less"} than its declared ${e.size} bytes)`,
          );
        }
      }
      if (crc32(data) !== e.crc) throw new InputError(at, "corrupt zip entry (CRC mismatch)");
      const parsed = parseRecord(
        at,
        data,
        e.format,
        true,
        e.method === 8 && e.format === "json" ? raw : undefined,
      );
      if (parsed) visit.onRecord(parsed);
      else visit.onSkip({ file: at, message: "not an OSV record (no id or modified): skipped" });
    }
  } finally {
    closeSync(fd);
  }
}

// --- directories and files --------------------------------------------------------------------------------

function fileError(display: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new InputError(display, "no such file or directory");
  if (code === "EACCES" || code === "EPERM") return new InputError(display, "permission denied");
  if (code === "EISDIR") return new InputError(display, "is a directory; expected a file");
  return new InputError(display, `cannot read: ${(e as Error).message}`);
}

function readLimited(path: string, display: string, limits: ReadLimits): Buffer {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw fileError(display, e);
  }
  if (size > limits.maxEntryBytes) {
    throw new InputError(
      display,
      `file too large for one advisory (${size} bytes; the limit is ${limits.maxEntryBytes})`,
    );
  }
  try {
    return readFileSync(path);
  } catch (e) {
    throw fileError(display, e);
  }
}

/** The `.json` / `.yaml` / `.yml` files under a directory, in name order; hidden entries and links skipped. */
function listRecordFiles(dir: string, display: string, limits: ReadLimits, visit: Visit): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch (e) {
      throw fileError(join(display, relative(dir, path)), e);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && formatOf(entry.name)) {
        out.push(full);
        if (out.length > limits.maxEntries) {
          throw new InputError(display, `too many files (over ${limits.maxEntries})`);
        }
      } else if (entry.isSymbolicLink() && formatOf(entry.name)) {
        visit.onSkip({ file: join(display, relative(dir, full)), message: "symbolic link: skipped" });
      }
    }
  };
  walk(dir);
  return out;
}

export function readDirectory(dir: string, display: string, limits: ReadLimits, visit: Visit): void {
  const files = listRecordFiles(dir, display, limits, visit);
  visit.onTotal?.(files.length);
  for (const file of files) {
    const at = join(display, relative(dir, file));
    const parsed = parseRecord(at, readLimited(file, at, limits), formatOf(file)!, true);
    if (parsed) visit.onRecord(parsed);
    else visit.onSkip({ file: at, message: "not an OSV record (no id or modified): skipped" });
  }
}

/** One advisory file named by the user: anything but a valid record is an error. */
export function readSingleFile(path: string, display: string, limits: ReadLimits, visit: Visit): void {
  const bytes = readLimited(path, display, limits);
  const format = formatOf(path) ?? (bytes[0] === 0x7b || bytes[0] === 0xef ? "json" : "yaml");
  visit.onTotal?.(1);
  visit.onRecord(parseRecord(display, bytes, format, false)!);
}

/** sha256 of a file, read in chunks (dumps can be large). */
export function sha256File(path: string): string {
  const hash = createHash("sha256");
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(4 * MiB);
    for (let pos = 0; ; ) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

// --- import -----------------------------------------------------------------------------------------------

/** One thing to import. */
export interface ImportInput {
  /** File or directory on disk. */
  path: string;
  /** How to name it in messages (default: the path as given). */
  display?: string;
  kind: SourceKind;
  /** The `sources` row's name (its key: re-importing the same name replaces the row). Default: location. */
  name?: string;
  /** Where it came from: an absolute path, a URL, `data/osv/PyPI/all.zip`. */
  location: string;
  /** When the data was current (RFC 3339). Default: the newest `modified` among its records. */
  snapshotAt?: string;
  /** Known sha256 of the file (downloads compute it while streaming). */
  sha256?: string;
}

export interface ImportProgress {
  phase: "import";
  source: string;
  done: number;
  total?: number;
}

export interface ImportOptions {
  onProgress?: (progress: ImportProgress) => void;
  onSkip?: (item: SkippedItem) => void;
  limits?: Partial<ReadLimits>;
  now?: Date;
}

export interface SourceImport {
  name: string;
  kind: SourceKind;
  location: string;
  /** Records read. */
  records: number;
  added: number;
  updated: number;
  /** Records not newer than the stored ones. */
  unchanged: number;
  /** Files or entries that were not advisories. */
  skipped: number;
  snapshotAt: string | null;
}

export interface ImportResult {
  sources: SourceImport[];
  skipped: SkippedItem[];
}

/**
 * Imports inputs inside the caller's transaction (see `importInputs` for the usual entry point). Throws on the
 * first bad input; the caller's transaction then rolls back.
 */
export function importInTransaction(
  store: AdvisoryStore,
  inputs: ImportInput[],
  options: ImportOptions = {},
): ImportResult {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const importedAt = (options.now ?? new Date()).toISOString();
  const result: ImportResult = { sources: [], skipped: [] };
  for (const input of inputs) {
    const display = input.display ?? input.path;
    const name = input.name ?? input.location;
    const counts: Record<PutOutcome, number> = { added: 0, updated: 0, unchanged: 0 };
    let records = 0;
    let skipped = 0;
    let newest: string | undefined;
    const ecosystems = new Set<string>();
    let total: number | undefined;
    let lastReport = 0;
    const visit: Visit = {
      onTotal: (n) => {
        total = n;
        options.onProgress?.({ phase: "import", source: display, done: 0, total });
      },
      onRecord: (parsed) => {
        counts[store.putRecord(parsed, name)]++;
        records++;
        for (const a of parsed.record.affected ?? []) {
          const eco = a.package?.ecosystem;
          if (typeof eco === "string") ecosystems.add(eco.split(":")[0]!);
        }
        if (newest === undefined || parsed.modifiedKey > newest) newest = parsed.modifiedKey;
        if (options.onProgress && records - lastReport >= 500) {
          lastReport = records;
          options.onProgress({ phase: "import", source: display, done: records, total });
        }
      },
      onSkip: (item) => {
        skipped++;
        result.skipped.push(item);
        options.onSkip?.(item);
      },
    };
    let isDir: boolean;
    try {
      isDir = statSync(input.path).isDirectory();
    } catch (e) {
      throw fileError(display, e);
    }
    let sha256 = input.sha256 ?? null;
    let singleFile = false;
    if (isDir) readDirectory(input.path, display, limits, visit);
    else if (isZipFile(input.path) || extname(input.path).toLowerCase() === ".zip") {
      sha256 ??= sha256File(input.path);
      readZip(input.path, display, limits, visit);
    } else {
      sha256 ??= sha256File(input.path);
      singleFile = true;
      readSingleFile(input.path, display, limits, visit);
    }
    if (records === 0) {
      throw new InputError(display, "no OSV records found (expected <ID>.json or .yaml advisory files)");
    }
    options.onProgress?.({ phase: "import", source: display, done: records, total });
    const snapshotAt = input.snapshotAt ?? (newest ? isoOfKey(newest) : null);
    // Only a whole database (a dump zip, a directory such as a PyPA checkout) says an ecosystem's data is
    // current as of its snapshot; one imported record file says nothing about the rest of the ecosystem.
    if (snapshotAt && !singleFile) store.markEcosystemsUpdated(ecosystems, snapshotAt);
    store.putSource({
      name,
      kind: input.kind,
      location: input.location,
      snapshotAt,
      importedAt,
      advisories: records,
      sha256,
    });
    result.sources.push({
      name,
      kind: input.kind,
      location: input.location,
      records,
      skipped,
      snapshotAt,
      ...counts,
    });
  }
  return result;
}

/** Adds "nothing was imported" to an input error raised inside an import transaction. */
export function abortedError(e: unknown, what: string): unknown {
  if (e instanceof InputError) return new InputError(e.file, `${e.detail} (${what})`, e.position);
  return e;
}

/** Imports the inputs in one write transaction: on any error nothing is written and the store is unchanged. */
export function importInputs(
  store: AdvisoryStore,
  inputs: ImportInput[],
  options: ImportOptions = {},
): ImportResult {
  try {
    return store.writeTransaction(() => importInTransaction(store, inputs, options));
  } catch (e) {
    throw abortedError(e, "import aborted: the store is unchanged");
  }
}

/**
 * `depwarden db import PATH...`: OSV dump zips, directories of OSV JSON/YAML files, single advisory files.
 * Newer `modified` wins, so re-importing is harmless.
 */
export function importAdvisories(
  store: AdvisoryStore,
  paths: string[],
  options: ImportOptions = {},
): ImportResult {
  return importInputs(
    store,
    paths.map((p) => ({ path: p, display: p, kind: "file" as const, location: resolve(p) })),
    options,
  );
}
