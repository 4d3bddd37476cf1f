import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { strToU8, zipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { inputErrorOfCall } from "../test-helpers/extract.js";
import { tmpTree } from "../test-helpers/tmp.js";
import { makeZip, osv, osvZip } from "./__fixtures__/zip.js";
import {
  DEFAULT_LIMITS,
  decodeStored,
  importAdvisories,
  instantKey,
  type ParsedRecord,
  parseOsvYaml,
  readZip,
  type SkippedItem,
  validateOsvRecord,
} from "./import.js";
import { type AdvisoryStore, openStore } from "./store.js";

const fixtures = fileURLToPath(new URL("./__fixtures__/", import.meta.url));

/** Reads a zip with the real reader, collecting what it yields. */
function readAll(path: string, limits = DEFAULT_LIMITS) {
  const records: ParsedRecord[] = [];
  const skipped: SkippedItem[] = [];
  readZip(path, "dump.zip", limits, { onRecord: (r) => records.push(r), onSkip: (s) => skipped.push(s) });
  return { records, skipped };
}

function zipFile(content: Buffer): string {
  return join(tmpTree({ "dump.zip": content }), "dump.zip");
}

const stores: AdvisoryStore[] = [];
afterEach(() => {
  while (stores.length) stores.pop()!.close();
});
function emptyStore(): AdvisoryStore {
  const store = openStore({ path: join(tmpTree({}), "a.db"), bundled: false });
  stores.push(store);
  return store;
}

describe("instantKey: RFC 3339 timestamps compared as instants", () => {
  it("pads fraction digits so keys compare like instants", () => {
    expect(instantKey("2021-07-02T02:41:33Z")).toBe("2021-07-02T02:41:33.000000000Z");
    expect(instantKey("2021-07-02T02:41:33.9Z")).toBe("2021-07-02T02:41:33.900000000Z");
    expect(instantKey("2021-07-02T02:41:33.919Z")).toBe("2021-07-02T02:41:33.919000000Z");
    expect(instantKey("2021-07-02T02:41:33.123456Z")).toBe("2021-07-02T02:41:33.123456000Z");
    // As strings ".9Z" > ".123456Z" would be right by luck and ".5Z" < ".49Z" wrong; as keys both are right.
    expect(instantKey("2021-01-01T00:00:00.5Z")! > instantKey("2021-01-01T00:00:00.49Z")!).toBe(true);
    expect(instantKey("2021-01-01T00:00:00Z")! < instantKey("2021-01-01T00:00:00.000001Z")!).toBe(true);
  });

  it("applies offsets, lower-case separators, and rolls over midnight", () => {
    expect(instantKey("2023-06-01T12:00:00.5+02:00")).toBe("2023-06-01T10:00:00.500000000Z");
    expect(instantKey("2023-06-01T23:30:00-01:00")).toBe("2023-06-02T00:30:00.000000000Z");
    expect(instantKey("2023-06-01t10:00:00z")).toBe("2023-06-01T10:00:00.000000000Z");
    expect(instantKey("2023-06-01 10:00:00Z")).toBe("2023-06-01T10:00:00.000000000Z");
    expect(instantKey("2023-06-01T10:00:00+00:00")).toBe("2023-06-01T10:00:00.000000000Z");
    expect(instantKey("2016-12-31T23:59:60Z")).toBe("2017-01-01T00:00:00.000000000Z"); // a leap second
    expect(instantKey("0099-01-01T00:30:00.25+01:00")).toBe("0098-12-31T23:30:00.250000000Z"); // not 1998
  });

  it("rejects what is not an RFC 3339 date-time", () => {
    for (const bad of [
      "2023-06-01",
      "2023-06-01T10:00:00",
      "2023-13-01T00:00:00Z",
      "2023-02-30T00:00:00Z",
      "2023-02-29T00:00:00Z",
      "2023-06-01T24:00:00Z",
      "2023-06-01T10:00:00+2:00",
      "yesterday",
      "",
    ]) {
      expect(instantKey(bad), bad).toBeUndefined();
    }
    expect(instantKey("2024-02-29T00:00:00Z")).toBeDefined();
    expect(instantKey("2000-02-29T00:00:00Z")).toBeDefined();
    expect(instantKey("1900-02-29T00:00:00Z")).toBeUndefined();
    expect(instantKey("2023-06-01T10:00:00+24:00")).toBeUndefined();
  });
});

describe("validateOsvRecord", () => {
  const ok = osv("X-1", "2024-01-01T00:00:00Z");

  it("accepts a minimal record and keeps unknown fields", () => {
    const r = validateOsvRecord("x.json", { ...ok, x_custom: { a: 1 } }) as unknown as Record<
      string,
      unknown
    >;
    expect(r.x_custom).toEqual({ a: 1 });
  });

  it("accepts the nulls the OSV JSON schema allows", () => {
    expect(() =>
      validateOsvRecord("x.json", { ...ok, aliases: null, severity: null, references: null }),
    ).not.toThrow();
  });

  it.each([
    [{ modified: "2024-01-01T00:00:00Z" }, /id: /],
    [{ id: "X-1" }, /modified: /],
    [{ id: "X-1", modified: "2024-01-01" }, /modified: expected an RFC 3339 date-time/],
    [{ ...ok, withdrawn: "soon" }, /withdrawn: expected an RFC 3339/],
    [{ ...ok, aliases: "CVE-1" }, /aliases: /],
    [
      { ...ok, affected: [{ package: { ecosystem: "PyPI", name: "a" }, ranges: [{ type: "ECOSYSTEM" }] }] },
      /affected\[0\]\.ranges\[0\]\.events: /,
    ],
    [
      {
        ...ok,
        affected: [{ ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0", fixed: "1" }] }] }],
      },
      /affected\[0\]\.ranges\[0\]\.events\[0\]: expected exactly one of introduced, fixed, last_affected, limit/,
    ],
    [
      { ...ok, affected: [{ ranges: [{ type: "ECOSYSTEM", events: [{ fixed: "1" }] }] }] },
      /events: a range needs an "introduced" event/,
    ],
    [{ ...ok, affected: [{ ranges: [{ type: "ECOSYSTEM", events: [{ introduced: 0 }] }] }] }, /introduced: /],
    [{ ...ok, affected: [{ versions: [1.0] }] }, /versions\[0\]: /],
  ])("rejects %j", (data, message) => {
    const e = inputErrorOfCall(() => validateOsvRecord("x.json", data));
    expect(e.message).toMatch(/^x\.json: not a valid OSV record: /);
    expect(e.message).toMatch(message);
  });
});

describe("parseOsvYaml", () => {
  it("keeps unquoted versions as written (5.10 is not 5.1) and free-form fields as YAML types", () => {
    const text = readFileSync(join(fixtures, "pypa/vulns/pyyaml/PYSEC-2099-1.yaml"), "utf8");
    const data = parseOsvYaml("f.yaml", text) as {
      modified: string;
      affected: {
        versions: string[];
        ranges: { events: Record<string, string>[] }[];
        ecosystem_specific: unknown;
        database_specific: unknown;
      }[];
    };
    const a = data.affected[0]!;
    expect(a.versions).toEqual(["5.1", "5.10", "5.3.1", "1e3"]);
    expect(a.ranges[0]!.events).toEqual([{ introduced: "0" }, { fixed: "5.4" }]);
    expect(data.modified).toBe("2024-02-05T20:20:47.716944Z");
    expect(a.ecosystem_specific).toEqual({ score: 7.5 });
    expect(a.database_specific).toEqual({ flag: true });
  });

  it("reports a syntax error with its position", () => {
    const e = inputErrorOfCall(() => parseOsvYaml("f.yaml", "id: x\n  - : [\n"));
    expect(e.message).toMatch(/^f\.yaml:\d+:\d+: invalid YAML: /);
  });
});

describe("readZip", () => {
  it("reads every record; keeps small ones as published text, large ones as the zip's own DEFLATE stream", () => {
    const small = osv("A-1", "2024-01-01T00:00:00Z");
    const large = osv("A-2", "2024-01-02T00:00:00.25Z", undefined, { details: "y".repeat(20_000) });
    const { records: got, skipped } = readAll(zipFile(osvZip([small, large])));
    expect(got.map((r) => r.record.id)).toEqual(["A-1", "A-2"]);
    expect(got[1]!.modifiedKey).toBe("2024-01-02T00:00:00.250000000Z");
    expect(got[0]!.stored).toBe(JSON.stringify(small));
    expect(got[1]!.stored).toBeInstanceOf(Uint8Array);
    expect((got[1]!.stored as Uint8Array).length).toBeLessThan(1000);
    expect(decodeStored(got[1]!.stored)).toEqual(large);
    expect(decodeStored(got[0]!.stored)).toEqual(small);
    expect(skipped).toEqual([]);
  });

  it("reads stored (uncompressed) entries and ZIP64 end records", () => {
    const zip = makeZip(
      [{ name: "S-1.json", data: JSON.stringify(osv("S-1", "2024-01-01T00:00:00Z")), method: 0 }],
      {
        zip64: true,
      },
    );
    expect(readAll(zipFile(zip)).records.map((r) => r.record.id)).toEqual(["S-1"]);
  });

  it("reads every entry of a zip whose 16-bit entry count wrapped (over 65,535 entries, no ZIP64 record)", () => {
    // fflate's zipSync writes such archives: 65,540 entries, an end record that says 4.
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 65_540; i++)
      files[`W-${i}.json`] = strToU8(`{"id":"W-${i}","modified":"2024-01-01T00:00:00Z"}`);
    const zip = Buffer.from(zipSync(files, { level: 0 }));
    const eocd = zip.length - 22;
    expect(zip.readUInt16LE(eocd + 10)).toBe(4);
    const { records } = readAll(zipFile(zip));
    expect(records).toHaveLength(65_540);
    // a directory holding more than the count allows for is corrupt, not silently cut short
    zip.writeUInt16LE(5, eocd + 10);
    zip.writeUInt16LE(5, eocd + 8);
    expect(() => readAll(zipFile(zip))).toThrow(/central directory does not match its entry count/);
  });

  it("reads a ZIP64 archive made by Info-ZIP (zip -fz), with a directory entry", () => {
    const { records } = readAll(join(fixtures, "infozip-zip64.zip"));
    expect(records.map((r) => r.record.id).sort()).toEqual(["ZIP64-1", "ZIP64-2"]);
  });

  it("rejects entry names that escape the archive", () => {
    for (const name of [
      "../evil.json",
      "a/../../evil.json",
      "/etc/evil.json",
      "C:\\evil.json",
      "a\\..\\..\\e.json",
    ]) {
      const zip = makeZip([{ name, data: JSON.stringify(osv("E-1", "2024-01-01T00:00:00Z")) }]);
      expect(inputErrorOfCall(() => readAll(zipFile(zip))).message, name).toMatch(/unsafe entry name/);
    }
  });

  it("rejects too many entries before reading any", () => {
    const zip = osvZip([osv("A-1", "2024-01-01T00:00:00Z"), osv("A-2", "2024-01-01T00:00:00Z")]);
    const e = inputErrorOfCall(() => readAll(zipFile(zip), { ...DEFAULT_LIMITS, maxEntries: 1 }));
    expect(e.message).toBe("dump.zip: zip archive has too many entries (2; the limit is 1)");
  });

  it("rejects an entry larger than the limit, and a suspicious compression ratio", () => {
    const big = JSON.stringify(
      osv("B-1", "2024-01-01T00:00:00Z", undefined, { details: "x".repeat(3 * 1024 * 1024) }),
    );
    const zip = zipFile(makeZip([{ name: "B-1.json", data: big }]));
    expect(
      inputErrorOfCall(() => readAll(zip, { ...DEFAULT_LIMITS, maxEntryBytes: 1024 * 1024 })).message,
    ).toMatch(/B-1\.json: entry too large/);
    expect(inputErrorOfCall(() => readAll(zip)).message).toMatch(/compression ratio too high .*zip bomb/);
  });

  it("does not trust declared sizes: an entry inflating past its size or failing its CRC is an error", () => {
    const data = JSON.stringify(osv("L-1", "2024-01-01T00:00:00Z"));
    const lying = makeZip([{ name: "L-1.json", data, size: 10 }]);
    expect(inputErrorOfCall(() => readAll(zipFile(lying))).message).toMatch(
      /inflates to more than its declared 10 bytes/,
    );
    const badCrc = makeZip([{ name: "L-1.json", data, crc: 1234 }]);
    expect(inputErrorOfCall(() => readAll(zipFile(badCrc))).message).toMatch(/CRC mismatch/);
  });

  it("names the entry of a record that fails validation", () => {
    const zip = makeZip([
      { name: "A-1.json", data: JSON.stringify(osv("A-1", "2024-01-01T00:00:00Z")) },
      { name: "BAD-1.json", data: JSON.stringify({ id: "BAD-1", modified: "last tuesday" }) },
    ]);
    expect(inputErrorOfCall(() => readAll(zipFile(zip))).message).toMatch(
      /^dump\.zip!\/BAD-1\.json: not a valid OSV record: modified: expected an RFC 3339/,
    );
    const notJson = makeZip([{ name: "C-1.json", data: "{ nope" }]);
    expect(inputErrorOfCall(() => readAll(zipFile(notJson))).message).toMatch(
      /^dump\.zip!\/C-1\.json:1:3: invalid JSON/,
    );
  });

  it("skips directories, non-advisory files, hidden paths and links; reports what it skipped", () => {
    const zip = makeZip([
      { name: "dir/", data: "" },
      { name: "README.md", data: "hello" },
      { name: ".github/ci.yaml", data: "on: push" },
      { name: "link.json", data: "A-1.json", unixMode: 0o120777 },
      { name: "triage.yaml", data: "ids: [CVE-1]" },
      { name: "__MACOSX/._A-1.json", data: "\u0000\u0005junk" },
      { name: "A-1.json", data: JSON.stringify(osv("A-1", "2024-01-01T00:00:00Z")) },
      { name: "./A-2.json", data: JSON.stringify(osv("A-2", "2024-01-01T00:00:00Z")) },
    ]);
    const { records, skipped } = readAll(zipFile(zip));
    expect(records.map((r) => r.record.id)).toEqual(["A-1", "A-2"]);
    expect(skipped.map((s) => s.file)).toEqual([
      "dump.zip!/.github/ci.yaml",
      "dump.zip!/link.json",
      "dump.zip!/__MACOSX/._A-1.json",
      "dump.zip!/triage.yaml",
    ]);
  });

  it("fails clearly on a file that is not a zip, and on a truncated zip", () => {
    expect(inputErrorOfCall(() => readAll(zipFile(Buffer.from("<html>not found</html>")))).message).toMatch(
      /^dump\.zip: not a zip archive/,
    );
    const zip = osvZip([osv("A-1", "2024-01-01T00:00:00Z"), osv("A-2", "2024-01-01T00:00:00Z")]);
    expect(inputErrorOfCall(() => readAll(zipFile(zip.subarray(0, zip.length - 30)))).message).toMatch(
      /^dump\.zip: truncated or corrupt zip archive/,
    );
  });

  it("rejects encrypted entries and unknown compression methods", () => {
    const data = JSON.stringify(osv("A-1", "2024-01-01T00:00:00Z"));
    expect(
      inputErrorOfCall(() => readAll(zipFile(makeZip([{ name: "A-1.json", data, flags: 1 }])))).message,
    ).toMatch(/encrypted/);
    expect(
      inputErrorOfCall(() => readAll(zipFile(makeZip([{ name: "A-1.json", data, method: 0, size: 5 }]))))
        .message,
    ).toMatch(/stored sizes differ/);
  });
});

describe("importAdvisories", () => {
  it("imports the PyPA directory layout (YAML and JSON), skipping hidden and non-advisory files", () => {
    const store = emptyStore();
    const dir = join(fixtures, "pypa");
    const result = importAdvisories(store, [dir]);
    expect(result.sources).toHaveLength(1);
    expect(result.sources[0]).toMatchObject({ kind: "file", records: 3, added: 3, skipped: 1 });
    expect(result.skipped).toEqual([
      {
        file: join(dir, "triage/false_positives.yaml"),
        message: "not an OSV record (no id or modified): skipped",
      },
    ]);
    const rec = store.get("PYSEC-2099-1")!;
    expect(rec.affected?.[0]?.versions).toContain("5.10");
    expect(store.findByAlias("CVE-2099-0001").map((r) => r.id)).toEqual(["PYSEC-2099-1"]);
    // snapshot time: the newest modified among the records (sub-millisecond digits dropped in the ISO form)
    expect(result.sources[0]!.snapshotAt).toBe("2024-02-05T20:20:47.716Z");
  });

  it("a directory without advisories is an error, and so is a named file that is not one", () => {
    const store = emptyStore();
    const empty = tmpTree({ "notes.txt": "x", "a/b.yaml": "ids: [1]" });
    expect(inputErrorOfCall(() => importAdvisories(store, [empty])).message).toMatch(/no OSV records found/);
    const otherZip = zipFile(
      makeZip([
        { name: "README.md", data: "# hello" },
        { name: "package.json", data: "{}" },
      ]),
    );
    expect(inputErrorOfCall(() => importAdvisories(store, [otherZip])).message).toBe(
      `${otherZip}: no OSV records found (expected <ID>.json or .yaml advisory files) (import aborted: the store is unchanged)`,
    );
    const file = join(tmpTree({ "x.json": '{"hello": 1}' }), "x.json");
    expect(inputErrorOfCall(() => importAdvisories(store, [file])).message).toMatch(
      /x\.json: not a valid OSV record: id/,
    );
    expect(inputErrorOfCall(() => importAdvisories(store, ["/does/not/exist"])).message).toMatch(
      /no such file/,
    );
    const text = join(tmpTree({ notes: "just some words" }), "notes");
    expect(inputErrorOfCall(() => importAdvisories(store, [text])).message).toMatch(
      /notes: not an OSV advisory \(expected a JSON or YAML object with id and modified, a directory of them, or a dump zip\)/,
    );
  });

  it("one bad record aborts the whole import: nothing of it is stored", () => {
    const store = emptyStore();
    const good = zipFile(osvZip([osv("G-1", "2024-01-01T00:00:00Z")]));
    const bad = zipFile(
      makeZip([
        { name: "B-1.json", data: JSON.stringify(osv("B-1", "2024-01-01T00:00:00Z")) },
        { name: "B-2.json", data: JSON.stringify({ id: "B-2" }) },
      ]),
    );
    const e = inputErrorOfCall(() => importAdvisories(store, [good, bad]));
    expect(e.message).toMatch(
      /B-2\.json: not a valid OSV record: modified: .*\(import aborted: the store is unchanged\)$/,
    );
    expect(store.status().advisories).toBe(0);
    expect(store.sources()).toEqual([]);
  });
});
