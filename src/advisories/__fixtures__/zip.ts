/** A small zip writer for tests: real archives, and archives that lie (sizes, CRCs, names) on purpose. */
import { deflateSync } from "fflate";

export interface TestZipEntry {
  name: string;
  data: string | Uint8Array;
  /** 8 (DEFLATE, default) or 0 (stored). */
  method?: number;
  /** Override the CRC-32 written in the headers. */
  crc?: number;
  /** Override the uncompressed size written in the headers. */
  size?: number;
  /** Unix mode for the external attributes (e.g. 0o120777 for a symbolic link). */
  unixMode?: number;
  flags?: number;
}

export interface TestZipOptions {
  /** Write ZIP64 end records (and 0xFFFF / 0xFFFFFFFF in the classic one), as large dumps have. */
  zip64?: boolean;
}

const table = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

export function crc32(data: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

export function makeZip(entries: TestZipEntry[], options: TestZipOptions = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = typeof e.data === "string" ? Buffer.from(e.data) : Buffer.from(e.data);
    const method = e.method ?? 8;
    const body = method === 8 ? Buffer.from(deflateSync(data)) : data;
    const name = Buffer.from(e.name);
    const crc = e.crc ?? crc32(data);
    const size = e.size ?? data.length;
    const flags = (e.flags ?? 0) | 0x800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, body);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE((3 << 8) | 20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(((e.unixMode ?? 0o100644) << 16) >>> 0, 38);
    cd.writeUInt32LE(offset, 42);
    central.push(cd, name);
    offset += 30 + name.length + body.length;
  }
  const cdBuf = Buffer.concat(central);
  const out = [...parts, cdBuf];
  const cdOffset = offset;
  if (options.zip64) {
    const z64 = Buffer.alloc(56);
    z64.writeUInt32LE(0x06064b50, 0);
    z64.writeBigUInt64LE(44n, 4);
    z64.writeUInt16LE(45, 12);
    z64.writeUInt16LE(45, 14);
    z64.writeBigUInt64LE(BigInt(entries.length), 24);
    z64.writeBigUInt64LE(BigInt(entries.length), 32);
    z64.writeBigUInt64LE(BigInt(cdBuf.length), 40);
    z64.writeBigUInt64LE(BigInt(cdOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(cdOffset + cdBuf.length), 8);
    locator.writeUInt32LE(1, 16);
    out.push(z64, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(options.zip64 ? 0xffff : entries.length, 8);
  eocd.writeUInt16LE(options.zip64 ? 0xffff : entries.length, 10);
  eocd.writeUInt32LE(options.zip64 ? 0xffffffff : cdBuf.length, 12);
  eocd.writeUInt32LE(options.zip64 ? 0xffffffff : cdOffset, 16);
  out.push(eocd);
  return Buffer.concat(out);
}

/** A minimal valid OSV record. */
export function osv(
  id: string,
  modified: string,
  pkg: { ecosystem: string; name: string } | null = { ecosystem: "PyPI", name: "example" },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id,
    modified,
    ...(pkg
      ? {
          affected: [
            {
              package: pkg,
              ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "2.0" }] }],
            },
          ],
        }
      : {}),
    ...extra,
  };
}

export function osvZip(records: Record<string, unknown>[], options: TestZipOptions = {}): Buffer {
  return makeZip(
    records.map((r) => ({ name: `${r.id as string}.json`, data: JSON.stringify(r) })),
    options,
  );
}
