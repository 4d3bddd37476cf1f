import { execFileSync } from "node:child_process";
import { rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crc32, gzipSync } from "node:zlib";
import { type Zippable, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { inputErrorOf } from "../../test-helpers/extract.js";
import { tmpTree } from "../../test-helpers/tmp.js";
import {
  DEFAULT_LIMITS,
  distributionFromFileName,
  type PackageContents,
  readPackage,
  safeEntryPath,
} from "./archive.js";

// --- building archives by hand (data only: nothing here is ever extracted or run) ---------------------------

interface TarItem {
  name: string;
  body?: string | Buffer;
  /** Typeflag: 0 file, 1 hard link, 2 symlink, 3/4 devices, 5 dir, 6 FIFO, x pax, L GNU long name … */
  type?: string;
  link?: string;
  /** Declared size when it must differ from the body (truncation tests). */
  size?: number;
}

function tarHeader(name: string, size: number, type: string, link = ""): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0, 100, "utf8");
  b.write("0000644\0", 100);
  b.write("0000000\0", 108);
  b.write("0000000\0", 116);
  b.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
  b.write("00000000000\0", 136);
  b.write("        ", 148);
  b.write(type, 156);
  b.write(link, 157, 100, "utf8");
  b.write("ustar\u000000", 257);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return b;
}

function tar(items: TarItem[], end = true): Buffer {
  const parts: Buffer[] = [];
  for (const it of items) {
    const body = typeof it.body === "string" ? Buffer.from(it.body) : (it.body ?? Buffer.alloc(0));
    parts.push(tarHeader(it.name, it.size ?? body.length, it.type ?? "0", it.link));
    parts.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  if (end) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(rest) + 1;
  while (String(len).length + Buffer.byteLength(rest) !== len)
    len = String(len).length + Buffer.byteLength(rest);
  return `${len}${rest}`;
}

const tgz = (items: TarItem[]) => gzipSync(tar(items));

/** Writes bytes to a temporary file and reads it as a package. */
function readBytes(name: string, bytes: Buffer | Uint8Array, limits?: Parameters<typeof readPackage>[1]) {
  const dir = tmpTree({ [name]: Buffer.from(bytes) });
  return readPackage(join(dir, name), limits);
}

const paths = (c: PackageContents) => c.files.map((f) => f.path);
const text = (c: PackageContents, path: string) =>
  c.files
    .find((f) => f.path === path)
    ?.read()
    .toString("utf8");

const PKG_JSON = JSON.stringify({
  name: "left-pad-utils",
  version: "1.3.0",
  scripts: { postinstall: "node x.js" },
});

// --- npm tarballs -------------------------------------------------------------------------------------------

describe("npm tarballs", () => {
  it("strips the first folder of every entry as npm does: an extra top folder cannot hide package.json", async () => {
    const c = await readBytes(
      "evil.tgz",
      tgz([
        {
          name: "package/package.json",
          body: '{"name":"evil","version":"1.0.0","scripts":{"postinstall":"x"}}',
        },
        { name: "package/index.js", body: "1" },
        { name: "zzz/README", body: "decoy" },
        { name: "top.txt", body: "dropped" },
      ]),
    );
    expect(c.kind).toBe("npm-tarball");
    expect(c.name).toBe("evil");
    expect(paths(c)).toEqual(["README", "index.js", "package.json"]);
    expect(c.skipped).toEqual([{ path: "top.txt", reason: "outside the package folder (npm drops it)" }]);
  });

  it("strips npm's package/ folder, reads the files into memory, and takes the identity from package.json", async () => {
    const c = await readBytes(
      "left-pad-utils-1.3.0.tgz",
      tgz([
        { name: "package/", type: "5" },
        { name: "package/package.json", body: PKG_JSON },
        { name: "package/index.js", body: "module.exports = 1;\n" },
        { name: "package/lib/a.js", body: "exports.a = 2;\n" },
      ]),
    );
    expect(c.kind).toBe("npm-tarball");
    expect(paths(c)).toEqual(["index.js", "lib/a.js", "package.json"]);
    expect(text(c, "lib/a.js")).toBe("exports.a = 2;\n");
    expect(c.files.find((f) => f.path === "index.js")?.size).toBe(20);
    expect({ name: c.name, version: c.version, ecosystem: c.ecosystem }).toEqual({
      name: "left-pad-utils",
      version: "1.3.0",
      ecosystem: "npm",
    });
    expect(c.skipped).toEqual([]);
  });

  it("strips any single top folder (not only package/), and a leading ./", async () => {
    const c = await readBytes(
      "x.tgz",
      tgz([
        { name: "./node-thing/package.json", body: PKG_JSON },
        { name: "./node-thing/src//main.js", body: "1" },
      ]),
    );
    expect(paths(c)).toEqual(["package.json", "src/main.js"]);
    expect(c.kind).toBe("npm-tarball");
  });

  it("merges several top-level folders as npm does; keeps the paths when package.json is at the top", async () => {
    const several = await readBytes(
      "x.tgz",
      tgz([
        { name: "package/package.json", body: PKG_JSON },
        { name: "other/evil.js", body: "1" },
      ]),
    );
    expect(paths(several)).toEqual(["evil.js", "package.json"]);
    const topFile = await readBytes(
      "y.tgz",
      tgz([
        { name: "package.json", body: PKG_JSON },
        { name: "lib/a.js", body: "1" },
      ]),
    );
    expect(paths(topFile)).toEqual(["lib/a.js", "package.json"]);
    expect(topFile.name).toBe("left-pad-utils");
  });

  it("is recognised by content whatever its name (an npm cache blob has none)", async () => {
    const c = await readBytes("d83b384842ceb0cb", tgz([{ name: "package/package.json", body: PKG_JSON }]));
    expect(c.kind).toBe("npm-tarball");
    expect(c.name).toBe("left-pad-utils");
  });

  it("reads pax and GNU long names, and treats unknown entry types as regular files (as tar and pip do)", async () => {
    const long = `package/${"deep/".repeat(30)}file.js`;
    const gnuLong = `package/${"gnu/".repeat(40)}x.js`;
    const pax = paxRecord("path", long);
    const c = await readBytes(
      "x.tgz",
      tgz([
        { name: "package/package.json", body: PKG_JSON },
        { name: "PaxHeader/x", type: "x", body: pax },
        { name: "truncated-name", body: "pax" },
        { name: "././@LongLink", type: "L", body: `${gnuLong}\0` },
        { name: "truncated-gnu", body: "gnu" },
        { name: "package/odd.js", type: "Z", body: "hidden" },
      ]),
    );
    expect(paths(c)).toEqual([long.slice(8), gnuLong.slice(8), "odd.js", "package.json"]);
    expect(text(c, long.slice(8))).toBe("pax");
    expect(text(c, "odd.js")).toBe("hidden");
  });

  it("keeps reading after a lone zero block, and stops at two", async () => {
    const bytes = Buffer.concat([
      tar([{ name: "package/package.json", body: PKG_JSON }], false),
      Buffer.alloc(512),
      tar([{ name: "package/after-lone-zero.js", body: "1" }], false),
      Buffer.alloc(1024),
      Buffer.from("garbage after the end marker is not an entry".padEnd(512, " ")),
    ]);
    const c = await readBytes("x.tar", bytes);
    expect(paths(c)).toEqual(["after-lone-zero.js", "package.json"]);
  });

  it("reads an uncompressed .tar", async () => {
    const c = await readBytes("pkg.tar", tar([{ name: "package/package.json", body: PKG_JSON }]));
    expect(c.kind).toBe("npm-tarball");
    expect(paths(c)).toEqual(["package.json"]);
  });
});

// --- sdists -------------------------------------------------------------------------------------------------

describe("sdists", () => {
  const PKG_INFO =
    "Metadata-Version: 2.1\nName: requests-toolbelt2\nVersion: 0.10.1\nSummary: x\n\nlong text\n";

  it("strips the top folder and takes the identity from PKG-INFO", async () => {
    const c = await readBytes(
      "requests_toolbelt2-0.10.1.tar.gz",
      tgz([
        { name: "requests_toolbelt2-0.10.1/PKG-INFO", body: PKG_INFO },
        { name: "requests_toolbelt2-0.10.1/setup.py", body: "from setuptools import setup\nsetup()\n" },
      ]),
    );
    expect(c.kind).toBe("sdist");
    expect(paths(c)).toEqual(["PKG-INFO", "setup.py"]);
    expect([c.ecosystem, c.name, c.version]).toEqual(["PyPI", "requests-toolbelt2", "0.10.1"]);
  });

  it("falls back to pyproject.toml, then to the file name (PEP 625 and legacy names)", async () => {
    const pyproject = await readBytes(
      "whatever.tar.gz",
      tgz([
        {
          name: "w/pyproject.toml",
          body: '[build-system]\nrequires = ["x"]\n\n[project]\nname = "fastapi-toolkit"\nversion = "0.4.2"\n\n[tool.x]\nname = "no"\n',
        },
      ]),
    );
    expect([pyproject.kind, pyproject.name, pyproject.version]).toEqual([
      "sdist",
      "fastapi-toolkit",
      "0.4.2",
    ]);
    const legacy = await readBytes(
      "python-dateutil-2.8.2.tar.gz",
      tgz([{ name: "python-dateutil-2.8.2/setup.py", body: "setup()\n" }]),
    );
    expect([legacy.ecosystem, legacy.name, legacy.version]).toEqual(["PyPI", "python-dateutil", "2.8.2"]);
  });

  it("reads a zip sdist, stripping its top folder", async () => {
    const c = await readBytes(
      "colorama_ext-1.0.zip",
      zipSync({
        "colorama_ext-1.0/PKG-INFO": Buffer.from(PKG_INFO),
        "colorama_ext-1.0/setup.py": Buffer.from("x"),
      }),
    );
    expect(c.kind).toBe("sdist");
    expect(paths(c)).toEqual(["PKG-INFO", "setup.py"]);
    expect(c.name).toBe("requests-toolbelt2");
  });

  it("says nothing about the ecosystem of a zip with nothing Python or npm in it", async () => {
    const c = await readBytes("docs.zip", zipSync({ "docs/readme.txt": Buffer.from("hi") }));
    expect(c.ecosystem).toBeUndefined();
    expect(c.name).toBeUndefined();
  });

  it("parses sdist, wheel and egg file names", () => {
    expect(distributionFromFileName("python-dateutil-2.8.2.tar.gz")).toEqual({
      name: "python-dateutil",
      version: "2.8.2",
    });
    expect(distributionFromFileName("requests_toolbelt-1.0.0.zip")).toEqual({
      name: "requests_toolbelt",
      version: "1.0.0",
    });
    expect(distributionFromFileName("no-version-here.tar.gz")).toBeUndefined();
    expect(distributionFromFileName("numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.whl")).toEqual({
      name: "numpy",
      version: "1.26.4",
    });
    expect(distributionFromFileName("pkg-1.0-1build-py3-none-any.whl")).toEqual({
      name: "pkg",
      version: "1.0",
    });
    expect(distributionFromFileName("bad-name.whl")).toBeUndefined();
    expect(distributionFromFileName("example-21.12-py3.6.egg")).toEqual({
      name: "example",
      version: "21.12",
    });
  });
});

// --- wheels and eggs ----------------------------------------------------------------------------------------

describe("wheels and eggs", () => {
  const METADATA = "Metadata-Version: 2.1\nName: colourama\nVersion: 0.4.7\n";

  it("keeps the root (no top folder) and takes the identity from the dist-info METADATA", async () => {
    const c = await readBytes(
      "colourama-0.4.7-py3-none-any.whl",
      zipSync({
        "colourama/__init__.py": Buffer.from("import os\n"),
        "colourama-0.4.7.dist-info/METADATA": Buffer.from(METADATA),
        "colourama-0.4.7.dist-info/RECORD": Buffer.from(""),
      }),
    );
    expect(c.kind).toBe("wheel");
    expect(paths(c)).toEqual([
      "colourama-0.4.7.dist-info/METADATA",
      "colourama-0.4.7.dist-info/RECORD",
      "colourama/__init__.py",
    ]);
    expect([c.ecosystem, c.name, c.version]).toEqual(["PyPI", "colourama", "0.4.7"]);
    expect(text(c, "colourama/__init__.py")).toBe("import os\n");
  });

  it("does not strip a wheel's only folder, and falls back to the file name for identity", async () => {
    const c = await readBytes("solo-2.0-py3-none-any.whl", zipSync({ "solo/__init__.py": Buffer.from("") }));
    expect(paths(c)).toEqual(["solo/__init__.py"]);
    expect([c.kind, c.name, c.version]).toEqual(["wheel", "solo", "2.0"]);
  });

  it("reads stored (uncompressed) entries", async () => {
    const c = await readBytes(
      "s-1-py3-none-any.whl",
      zipSync({ "s/a.py": [Buffer.from("print(1)\n"), { level: 0 }] }),
    );
    expect(text(c, "s/a.py")).toBe("print(1)\n");
  });

  it("reads an egg (zip with EGG-INFO)", async () => {
    const c = await readBytes(
      "example-21.12-py3.6.egg",
      zipSync({
        "EGG-INFO/PKG-INFO": Buffer.from("Name: example\nVersion: 21.12\n"),
        "example/__init__.py": Buffer.from(""),
      }),
    );
    expect(c.kind).toBe("wheel");
    expect(paths(c)).toEqual(["EGG-INFO/PKG-INFO", "example/__init__.py"]);
    expect(c.name).toBe("example");
  });

  it("is recognised by content: a wheel renamed .bin is still read as a zip", async () => {
    const c = await readBytes(
      "download.bin",
      zipSync({ "x-1.dist-info/METADATA": Buffer.from("Name: x\nVersion: 1\n"), "x.py": Buffer.from("") }),
    );
    expect(c.kind).toBe("wheel");
    expect(c.name).toBe("x");
  });
});

// --- limits -------------------------------------------------------------------------------------------------

describe("limits", () => {
  it("has the documented defaults", () => {
    expect(DEFAULT_LIMITS).toMatchObject({
      maxTotalBytes: 512 * 1024 * 1024,
      maxFileBytes: 64 * 1024 * 1024,
      maxFiles: 100_000,
    });
  });

  it("refuses an archive over the total uncompressed limit (tar and zip)", async () => {
    const items = [
      { name: "package/a.js", body: "a".repeat(600) },
      { name: "package/b.js", body: "b".repeat(600) },
    ];
    const e1 = await inputErrorOf(readBytes("x.tgz", tgz(items), { maxTotalBytes: 1000 }));
    expect(e1.detail).toContain("exceeds the limit of 1000 bytes uncompressed");
    const e2 = await inputErrorOf(
      readBytes("x.whl", zipSync({ "a.py": Buffer.alloc(600, 97), "b.py": Buffer.alloc(600, 98) }), {
        maxTotalBytes: 1000,
      }),
    );
    expect(e2.detail).toContain("exceeds the limit of 1000 bytes uncompressed");
    // Under the limit: fine.
    expect((await readBytes("x.tgz", tgz(items), { maxTotalBytes: 1200 })).files).toHaveLength(2);
  });

  it("stops inflating gzip at the limit, whatever the gzip trailer claims", async () => {
    const gz = gzipSync(tar([{ name: "package/zeros.bin", body: Buffer.alloc(3 * 1024 * 1024) }]));
    gz.writeUInt32LE(1024, gz.length - 4); // ISIZE: a lie
    const e = await inputErrorOf(readBytes("x.tgz", gz, { maxTotalBytes: 1000, maxFiles: 1 }));
    expect(e.detail).toContain("exceeds the limit of 1000 bytes uncompressed");
  });

  it("skips and reports a file over the per-file limit, keeping the others", async () => {
    const c = await readBytes(
      "x.tgz",
      tgz([
        { name: "package/big.js", body: "x".repeat(200) },
        { name: "package/small.js", body: "y" },
      ]),
      { maxFileBytes: 100 },
    );
    expect(paths(c)).toEqual(["small.js"]);
    expect(c.skipped).toEqual([
      {
        path: "big.js",
        reason: expect.stringContaining("per-file limit of 100 bytes"),
        head: Buffer.from("x".repeat(64)),
      },
    ]);
    const z = await readBytes("x.whl", zipSync({ "big.py": Buffer.alloc(200), "ok.py": Buffer.alloc(1) }), {
      maxFileBytes: 100,
    });
    expect(paths(z)).toEqual(["ok.py"]);
    expect(z.skipped.map((s) => s.path)).toEqual(["big.py"]);
  });

  it("keeps the first bytes of a file skipped for its size, so a native binary can still be told", async () => {
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(300, 7)]);
    const expected = elf.subarray(0, 64);
    const t = await readBytes("x.tgz", tgz([{ name: "package/bin/x", body: elf }]), { maxFileBytes: 100 });
    expect(t.skipped[0]?.head).toEqual(expected);
    const deflated = await readBytes("x.whl", zipSync({ "x.so": elf }), { maxFileBytes: 100 });
    expect(deflated.skipped[0]?.head).toEqual(expected);
    const stored = await readBytes("x.whl", zipSync({ "x.so": [elf, { level: 0 }] }), { maxFileBytes: 100 });
    expect(stored.skipped[0]?.head).toEqual(expected);
    const dir = tmpTree({ "bin/x": elf });
    expect((await readPackage(dir, { maxFileBytes: 100 })).skipped[0]?.head).toEqual(expected);
    expect((await readPackage(join(dir, "bin/x"), { maxFileBytes: 100 })).skipped[0]?.head).toEqual(expected);
  });

  it("refuses more entries than the file-count limit", async () => {
    const items = ["a", "b", "c", "d"].map((n) => ({ name: `package/${n}.js`, body: n }));
    expect((await inputErrorOf(readBytes("x.tgz", tgz(items), { maxFiles: 3 }))).detail).toContain(
      "more than 3 files",
    );
    const zip = zipSync(Object.fromEntries(items.map((i) => [i.name, Buffer.from(i.body)])));
    expect((await inputErrorOf(readBytes("x.zip", zip, { maxFiles: 3 }))).detail).toContain(
      "more than 3 files",
    );
    expect((await readBytes("x.tgz", tgz(items), { maxFiles: 4 })).files).toHaveLength(4);
  });

  it("refuses a zip whose declared sizes expand past the compression-ratio limit (zip bomb)", async () => {
    const zeros = Buffer.alloc(17 * 1024 * 1024);
    const zip = zipSync({ "a.bin": zeros });
    const e = await inputErrorOf(readBytes("bomb.zip", zip));
    expect(e.detail).toMatch(/expands more than 200 times.*decompression bomb/);
    // The ratio check can be turned off; the other limits still hold.
    const c = await readBytes("bomb.zip", zip, { maxCompressionRatio: 0 });
    expect(c.files[0]?.size).toBe(zeros.length);
  });

  it("refuses a gzip tarball that expands past the compression-ratio limit", async () => {
    const gz = gzipSync(tar([{ name: "package/zeros.bin", body: Buffer.alloc(17 * 1024 * 1024) }]));
    gz.writeUInt32LE(100, gz.length - 4);
    const e = await inputErrorOf(readBytes("bomb.tgz", gz));
    expect(e.detail).toContain("decompression bomb");
  });

  it("refuses a zip entry that inflates past its declared size (a lying header)", async () => {
    const zip = Buffer.from(zipSync({ "a.py": Buffer.alloc(100_000, 32) }));
    setZipSizes(zip, "a.py", 10);
    const e = await inputErrorOf(readBytes("liar.whl", zip));
    expect(e.detail).toContain("inflates to more than its declared 10 bytes");
    expect(e.detail).toContain('"a.py"');
  });
});

/** Rewrites the uncompressed size of an entry in both its local header and the central directory. */
function setZipSizes(zip: Buffer, name: string, size: number): void {
  for (let i = 0; i + 4 <= zip.length; i++) {
    const sig = zip.readUInt32LE(i);
    if (sig === 0x04034b50 && zip.toString("latin1", i + 30, i + 30 + zip.readUInt16LE(i + 26)) === name) {
      zip.writeUInt32LE(size, i + 22);
    }
    if (sig === 0x02014b50 && zip.toString("latin1", i + 46, i + 46 + zip.readUInt16LE(i + 28)) === name) {
      zip.writeUInt32LE(size, i + 24);
    }
  }
}

// --- escapes and links --------------------------------------------------------------------------------------

describe("entry names and links", () => {
  it("classifies names", () => {
    expect(safeEntryPath("./a//b/./c/")).toEqual({ path: "a/b/c" });
    expect(safeEntryPath("./")).toEqual({ path: "" });
    expect(safeEntryPath("../x")).toHaveProperty("unsafe");
    expect(safeEntryPath("a/../../x")).toHaveProperty("unsafe");
    expect(safeEntryPath("/etc/x")).toHaveProperty("unsafe");
    expect(safeEntryPath("C:\\x")).toHaveProperty("unsafe");
    expect(safeEntryPath("C:/x")).toHaveProperty("unsafe");
    expect(safeEntryPath("a\\..\\..\\x")).toHaveProperty("unsafe");
    expect(safeEntryPath("a\0b")).toHaveProperty("unsafe");
    // Dots inside names are fine.
    expect(safeEntryPath("a/..b/c..")).toEqual({ path: "a/..b/c.." });
  });

  it("skips and reports escaping tar entries, links, hard links and devices, keeping the rest", async () => {
    const c = await readBytes(
      "x.tgz",
      tgz([
        { name: "package/package.json", body: PKG_JSON },
        { name: "package/../../x.js", body: "escape" },
        { name: "/etc/cron.d/x", body: "abs" },
        { name: "C:\\Users\\x.js", body: "win" },
        { name: "D:/x.js", body: "drive" },
        { name: "package/link.js", type: "2", link: "/etc/passwd" },
        { name: "package/hard.js", type: "1", link: "package/package.json" },
        { name: "package/dev", type: "3" },
        { name: "package/fifo", type: "6" },
      ]),
    );
    expect(paths(c)).toEqual(["package.json"]);
    expect(c.skipped).toEqual(
      expect.arrayContaining([
        { path: "package/../../x.js", reason: expect.stringContaining("escapes the package root") },
        { path: "/etc/cron.d/x", reason: expect.stringContaining("absolute path") },
        { path: "C:\\Users\\x.js", reason: expect.stringContaining("backslash") },
        { path: "D:/x.js", reason: expect.stringContaining("drive letter") },
        { path: "link.js", reason: "symbolic link to /etc/passwd (not followed)" },
        { path: "hard.js", reason: "hard link to package/package.json (not followed)" },
        { path: "dev", reason: expect.stringContaining("not a regular file") },
        { path: "fifo", reason: expect.stringContaining("not a regular file") },
      ]),
    );
    expect(c.skipped).toHaveLength(8);
    // The escaping entries did not stop the single top folder from being stripped.
    expect(c.kind).toBe("npm-tarball");
  });

  it("skips and reports escaping zip entries and symbolic links", async () => {
    const zip = zipSync({
      "ok.py": Buffer.from("1"),
      "../evil.pth": Buffer.from("import os"),
      "/abs.py": Buffer.from("1"),
      "C:\\win.py": Buffer.from("1"),
      "link.py": [Buffer.from("/home/user/.ssh/id_rsa"), { os: 3, attrs: (0o120777 << 16) >>> 0 }],
    } as Zippable);
    const c = await readBytes("x-1-py3-none-any.whl", zip);
    expect(paths(c)).toEqual(["ok.py"]);
    expect(c.skipped.map((s) => s.path).sort()).toEqual(["../evil.pth", "/abs.py", "C:\\win.py", "link.py"]);
    expect(c.skipped.find((s) => s.path === "link.py")?.reason).toContain("symbolic link");
  });

  it("reads a zip entry under its Info-ZIP Unicode Path when its CRC matches the raw name (as pip does)", async () => {
    const unicodeField = (raw: string, name: string, crcOf = raw) => {
      const u = Buffer.from(name);
      const b = Buffer.alloc(5 + u.length);
      b[0] = 1;
      b.writeUInt32LE(crc32(Buffer.from(crcOf)) >>> 0, 1);
      u.copy(b, 5);
      return b;
    };
    const zip = zipSync({
      "README.txt": [
        Buffer.from("import os"),
        { extra: { 28789: unicodeField("README.txt", "evil/__init__.py") } },
      ],
      "notes.txt": [Buffer.from("x"), { extra: { 28789: unicodeField("notes.txt", "ignored.py", "other") } }],
    } as Zippable);
    const c = await readBytes("x-1-py3-none-any.whl", zip);
    expect(paths(c)).toEqual(["evil/__init__.py", "notes.txt"]);
  });

  it("refuses a tar link that carries data (node-tar and Python's tarfile would read it differently)", async () => {
    const bytes = tar([
      { name: "package/package.json", body: PKG_JSON },
      {
        name: "package/link",
        type: "2",
        link: "x",
        body: tar([{ name: "package/hidden.js", body: "1" }], false),
      },
    ]);
    const e = await inputErrorOf(readBytes("x.tgz", gzipSync(bytes)));
    expect(e.detail).toBe("corrupt tar archive (a link or special entry with data at byte 1024)");
  });

  it("refuses a zip with an entry it cannot read (encrypted, bzip2/LZMA: pip would still install it)", async () => {
    const build = (mark: "enc" | "bz") => {
      const zip = Buffer.from(
        zipSync({
          "evil/__init__.py": Buffer.from("import os"),
          fifo: [Buffer.from(""), { os: 3, attrs: (0o010644 << 16) >>> 0 }],
          "ok.py": Buffer.from("3"),
        } as Zippable),
      );
      for (let i = 0; i + 4 <= zip.length; i++) {
        if (zip.readUInt32LE(i) !== 0x02014b50) continue;
        const name = zip.toString("latin1", i + 46, i + 46 + zip.readUInt16LE(i + 28));
        if (name !== "evil/__init__.py") continue;
        if (mark === "enc") zip.writeUInt16LE(zip.readUInt16LE(i + 8) | 1, i + 8);
        else zip.writeUInt16LE(12, i + 10);
      }
      return zip;
    };
    const enc = await inputErrorOf(readBytes("x-1-py3-none-any.whl", build("enc")));
    expect(enc.message).toMatch(/evil\/__init__\.py: encrypted entry: it cannot be analysed$/);
    const bz = await inputErrorOf(readBytes("x-1-py3-none-any.whl", build("bz")));
    expect(bz.message).toMatch(/evil\/__init__\.py: compression method 12 is not supported/);
  });

  it("skips and reports zip entries that are not regular files", async () => {
    const zip = Buffer.from(
      zipSync({
        fifo: [Buffer.from(""), { os: 3, attrs: (0o010644 << 16) >>> 0 }],
        "ok.py": Buffer.from("3"),
      } as Zippable),
    );
    const c = await readBytes("x-1-py3-none-any.whl", zip);
    expect(paths(c)).toEqual(["ok.py"]);
    expect(c.skipped).toEqual([{ path: "fifo", reason: expect.stringContaining("not a regular file") }]);
  });

  it("reports duplicate paths; the last entry wins, as extraction would leave it", async () => {
    const c = await readBytes(
      "x.tgz",
      tgz([
        { name: "package/index.js", body: "benign" },
        { name: "package/index.js", body: "malicious" },
      ]),
    );
    expect(text(c, "index.js")).toBe("malicious");
    expect(c.files).toHaveLength(1);
    expect(c.skipped).toEqual([{ path: "index.js", reason: expect.stringContaining("duplicate") }]);
  });

  it("does not report a duplicate with the same content (real npm tarballs hold package/./x.js and package/x.js)", async () => {
    const c = await readBytes(
      "x.tgz",
      tgz([
        { name: "package/./dist/index.js", body: "same" },
        { name: "package/dist/index.js", body: "same" },
      ]),
    );
    expect(paths(c)).toEqual(["dist/index.js"]);
    expect(c.skipped).toEqual([]);
  });
});

// --- corrupt archives ---------------------------------------------------------------------------------------

describe("corrupt archives", () => {
  it("a tar header with a bad checksum", async () => {
    const t = tar([
      { name: "package/a.js", body: "1" },
      { name: "package/b.js", body: "2" },
    ]);
    t.writeUInt8(t.readUInt8(1024 + 10) ^ 0xff, 1024 + 10); // second header
    const e = await inputErrorOf(readBytes("x.tgz", gzipSync(t)));
    expect(e.detail).toBe("corrupt tar archive (bad header checksum at byte 1024)");
  });

  it("a truncated tar entry and a truncated gzip stream", async () => {
    const t = tar([{ name: "package/a.js", body: "x".repeat(100), size: 5000 }], false);
    expect((await inputErrorOf(readBytes("x.tar", t))).detail).toMatch(/^truncated tar archive/);
    const gz = tgz([{ name: "package/a.js", body: "x".repeat(5000) }]);
    const e = await inputErrorOf(readBytes("x.tgz", gz.subarray(0, gz.length - 20)));
    expect(e.detail).toMatch(/^corrupt gzip data \(unexpected end of file\); expected a gzip-compressed tar/);
  });

  it("gzip data that is not a tar archive", async () => {
    const e = await inputErrorOf(
      readBytes("x.tar.gz", gzipSync(Buffer.from("just some text\n".repeat(100)))),
    );
    expect(e.detail).toContain("not a tar archive");
  });

  it("an archive name with content that is no archive; unsupported compressions", async () => {
    expect((await inputErrorOf(readBytes("x.whl", Buffer.from("not a zip")))).detail).toContain(
      "not a zip archive",
    );
    expect((await inputErrorOf(readBytes("x.tgz", Buffer.from("not gzip")))).detail).toContain(
      "not gzip data",
    );
    const bz = await inputErrorOf(readBytes("x.tar.bz2", Buffer.from("BZh91AY&SY....")));
    expect(bz.detail).toContain("bzip2-compressed archives are not supported");
  });

  it("a zip without its end of central directory (truncated)", async () => {
    const zip = zipSync({ "a.py": Buffer.from("print(1)\n") });
    const e = await inputErrorOf(readBytes("x.whl", zip.subarray(0, zip.length - 30)));
    expect(e.detail).toMatch(/^truncated or corrupt zip archive \(no end of central directory\)/);
  });

  it("a zip entry whose CRC does not match", async () => {
    const zip = Buffer.from(zipSync({ "a.py": [Buffer.from("print(1)\n"), { level: 0 }] }));
    zip.writeUInt8(zip.readUInt8(34) ^ 0x01, 34); // a byte of the stored data
    const e = await inputErrorOf(readBytes("x.whl", zip));
    expect(e.detail).toBe('corrupt zip archive (CRC mismatch of entry "a.py")');
  });

  it("a zip whose local header names another file than the central directory (smuggling)", async () => {
    const zip = Buffer.from(zipSync({ "a.py": Buffer.from("x") }));
    zip.write("b", 30); // the local header's name
    const e = await inputErrorOf(readBytes("x.whl", zip));
    expect(e.detail).toContain("local header name differs from the central directory");
  });

  it("zip entries that share one compressed stream (overlapping: a bomb trick)", async () => {
    const zip = Buffer.from(zipSync({ "a.py": Buffer.from("same"), "b.py": Buffer.from("same") }));
    // Point b.py's central-directory entry at a.py's local header, with a.py's name so the names agree.
    let first = -1;
    for (let i = 0; i + 4 <= zip.length; i++) {
      if (zip.readUInt32LE(i) !== 0x02014b50) continue;
      if (first < 0) first = i;
      else {
        zip.writeUInt32LE(zip.readUInt32LE(first + 42), i + 42);
        zip.write("a.py", i + 46);
      }
    }
    const e = await inputErrorOf(readBytes("x.whl", zip));
    expect(e.detail).toContain("overlaps the previous entry");
  });

  it("a missing file", async () => {
    const e = await inputErrorOf(readPackage("/nonexistent/depwarden/x.tgz"));
    expect(e.detail).toBe("no such file or directory");
  });
});

// --- directories and single files ---------------------------------------------------------------------------

describe("directories", () => {
  it("walks a directory lazily, sorted, skipping .git and nested installed trees silently and links loudly", async () => {
    const dir = tmpTree({
      "package.json": PKG_JSON,
      "lib/b.js": "b",
      "lib/a.js": "a",
      ".git/config": "[core]",
      "node_modules/dep/index.js": "dep",
      "vendor/node_modules/dep/index.js": "dep",
      ".venv/lib/python3.11/site-packages/x.py": "x",
      ".github/workflows/ci.yml": "on: push",
    });
    symlinkSync("/etc/passwd", join(dir, "lib/passwd.js"));
    symlinkSync(join(dir, "lib"), join(dir, "lib-link"));
    const c = await readPackage(dir);
    expect(c.kind).toBe("directory");
    expect(paths(c)).toEqual([".github/workflows/ci.yml", "lib/a.js", "lib/b.js", "package.json"]);
    expect(c.skipped).toEqual([
      { path: "lib-link", reason: "symbolic link (not followed)" },
      { path: "lib/passwd.js", reason: "symbolic link (not followed)" },
    ]);
    expect([c.ecosystem, c.name, c.version]).toEqual(["npm", "left-pad-utils", "1.3.0"]);
    // Lazy: the content is read when asked, from disk.
    writeFileSync(join(dir, "lib/a.js"), "changed");
    expect(text(c, "lib/a.js")).toBe("changed");
  });

  it("refuses to read a file that has become a symbolic link since the walk", async () => {
    const dir = tmpTree({ "a.py": "x" });
    const c = await readPackage(dir);
    rmSync(join(dir, "a.py"));
    symlinkSync("/etc/hostname", join(dir, "a.py"));
    expect(() => c.files[0]!.read()).toThrow(/symbolic link; not followed/);
  });

  it("applies the limits to directories", async () => {
    const dir = tmpTree({ "a.py": "x".repeat(50), "b.py": "y".repeat(500), "c.py": "z" });
    const c = await readPackage(dir, { maxFileBytes: 100 });
    expect(paths(c)).toEqual(["a.py", "c.py"]);
    expect(c.skipped[0]?.path).toBe("b.py");
    expect((await inputErrorOf(readPackage(dir, { maxFiles: 2 }))).detail).toContain("more than 2 files");
    expect((await inputErrorOf(readPackage(dir, { maxTotalBytes: 300 }))).detail).toContain(
      "exceeds the limit",
    );
  });

  it("identifies an unpacked sdist and a project with only pyproject.toml", async () => {
    const sdist = await readPackage(tmpTree({ "PKG-INFO": "Name: foo\nVersion: 1.0\n", "setup.py": "" }));
    expect([sdist.ecosystem, sdist.name, sdist.version]).toEqual(["PyPI", "foo", "1.0"]);
    const proj = await readPackage(tmpTree({ "pyproject.toml": "[project]\nname = 'bar'\nversion = '2'\n" }));
    expect([proj.ecosystem, proj.name, proj.version]).toEqual(["PyPI", "bar", "2"]);
    const none = await readPackage(tmpTree({ "a.txt": "" }));
    expect(none.ecosystem).toBeUndefined();
  });

  it("reads a single file as kind file, under its base name", async () => {
    const dir = tmpTree({ "sub/setup.py": "import os\n" });
    const c = await readPackage(join(dir, "sub/setup.py"));
    expect(c.kind).toBe("file");
    expect(paths(c)).toEqual(["setup.py"]);
    expect(text(c, "setup.py")).toBe("import os\n");
  });

  it("skips a single file over the per-file limit", async () => {
    const dir = tmpTree({ "big.js": "x".repeat(500) });
    const c = await readPackage(join(dir, "big.js"), { maxFileBytes: 100 });
    expect(c.files).toEqual([]);
    expect(c.skipped[0]?.path).toBe("big.js");
  });

  it("skips FIFOs and other special files without opening them", async () => {
    const dir = tmpTree({ "a.py": "x" });
    execFileSync("mkfifo", [join(dir, "pipe")]);
    const c = await readPackage(dir);
    expect(paths(c)).toEqual(["a.py"]);
    expect(c.skipped).toEqual([{ path: "pipe", reason: "not a regular file (device, FIFO or socket)" }]);
  });
});
