/**
 * Zip primitives shared by the advisory import (osv.dev dumps) and the package reader (wheels, zip sdists):
 * CRC-32, 8-byte sizes, and one central-directory entry. Each reader keeps its own limits and entry handling.
 */
import zlib from "node:zlib";
import { InputError } from "./errors.js";

/** CRC-32 of `data`: zlib's (Node 20.15+, 22.2+) or the table-driven one. */
export const crc32: (data: Uint8Array) => number =
  typeof (zlib as { crc32?: unknown }).crc32 === "function"
    ? (data) => (zlib as unknown as { crc32(d: Uint8Array): number }).crc32(data) >>> 0
    : crc32Js;

let crcTable: Int32Array | undefined;
function crc32Js(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** An 8-byte little-endian size or offset; past 2^53 the archive is corrupt (no real one is that large). */
export function u64(buf: Buffer, at: number, display: string): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER))
    throw new InputError(display, "corrupt zip archive (size out of range)");
  return Number(v);
}

/** One central-directory entry as recorded (ZIP64 sizes applied). */
export interface CentralEntry {
  /** Decoded as the entry's flags say: UTF-8, else CP437 (read as Latin-1, the same for ASCII). */
  name: string;
  /** The Info-ZIP Unicode Path extra field's name, when present and matching the raw name's CRC. */
  unicodeName?: string;
  nameBytes: Buffer;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  offset: number;
  /** Unix mode bits, when the archive was made on Unix; 0 otherwise. */
  mode: number;
  /** Offset of the next entry in the central directory. */
  end: number;
}

const utf8 = new TextDecoder();

/** Reads the central-directory entry at `p` of `cd`; an entry that does not fit is an InputError naming `display`. */
export function readCentralEntry(cd: Buffer, p: number, display: string): CentralEntry {
  const corrupt = () => new InputError(display, "corrupt zip archive (bad central directory entry)");
  if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw corrupt();
  const madeBy = cd.readUInt16LE(p + 4);
  const flags = cd.readUInt16LE(p + 8);
  const method = cd.readUInt16LE(p + 10);
  const crc = cd.readUInt32LE(p + 16);
  let compressedSize = cd.readUInt32LE(p + 20);
  let size = cd.readUInt32LE(p + 24);
  const nameLength = cd.readUInt16LE(p + 28);
  const extraLength = cd.readUInt16LE(p + 30);
  const commentLength = cd.readUInt16LE(p + 32);
  const external = cd.readUInt32LE(p + 38);
  let offset = cd.readUInt32LE(p + 42);
  const end = p + 46 + nameLength + extraLength + commentLength;
  if (end > cd.length) throw corrupt();
  const nameBytes = cd.subarray(p + 46, p + 46 + nameLength);
  const name = flags & 0x800 ? utf8.decode(nameBytes) : nameBytes.toString("latin1");
  let unicodeName: string | undefined;
  for (let e = p + 46 + nameLength; e + 4 <= p + 46 + nameLength + extraLength; ) {
    const id = cd.readUInt16LE(e);
    const len = cd.readUInt16LE(e + 2);
    if (id === 0x0001) {
      // ZIP64 extended information: 8-byte values for the fields that overflowed, in this order.
      let q = e + 4;
      const take = () => {
        const v = q + 8 <= e + 4 + len ? u64(cd, q, display) : undefined;
        q += 8;
        return v;
      };
      if (size === 0xffffffff) size = take() ?? size;
      if (compressedSize === 0xffffffff) compressedSize = take() ?? compressedSize;
      if (offset === 0xffffffff) offset = take() ?? offset;
    } else if (id === 0x7075 && len > 5 && cd[e + 4] === 1 && cd.readUInt32LE(e + 5) === crc32(nameBytes)) {
      unicodeName = utf8.decode(cd.subarray(e + 9, e + 4 + len)) || undefined;
    }
    e += 4 + len;
  }
  const mode = madeBy >> 8 === 3 ? external >>> 16 : 0; // Unix attributes only when made on Unix
  return {
    name,
    ...(unicodeName ? { unicodeName } : {}),
    nameBytes,
    method,
    flags,
    crc,
    compressedSize,
    size,
    offset,
    mode,
    end,
  };
}
