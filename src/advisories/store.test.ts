import { spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { inputErrorOfCall } from "../test-helpers/extract.js";
import { tmpTree } from "../test-helpers/tmp.js";
import { osv, osvZip } from "./__fixtures__/zip.js";
import { ensureBundled } from "./bundled.js";
import { importAdvisories } from "./import.js";
import type { PackageQuery } from "./osv.js";
import { bundledDataDir } from "./paths.js";
import { type AdvisoryStore, openStore, SCHEMA_VERSION, storeAge, storeInfo } from "./store.js";

const fixtures = fileURLToPath(new URL("./__fixtures__/", import.meta.url));
const repo = fileURLToPath(new URL("../..", import.meta.url));

const opened: AdvisoryStore[] = [];
afterEach(() => {
  while (opened.length) opened.pop()!.close();
});
function track(store: AdvisoryStore): AdvisoryStore {
  opened.push(store);
  return store;
}

/** A bundled-snapshot directory holding these zips (`<Ecosystem>/all.zip`). */
function bundledDir(zips: Record<string, Buffer>): string {
  return tmpTree(Object.fromEntries(Object.entries(zips).map(([eco, zip]) => [`${eco}/all.zip`, zip])));
}

function ids(records: { id: string }[]): string[] {
  return records.map((r) => r.id);
}

const q = (ecosystem: "PyPI" | "npm", name: string): PackageQuery => ({ ecosystem, name, version: "1.0.0" });

describe("the store with the real bundled snapshot", () => {
  let dir: string;
  let path: string;
  let store: AdvisoryStore;

  beforeAll(() => {
    // not tmpTree: that one is removed after each test, and this store is shared by the tests below
    dir = mkdtempSync(join(tmpdir(), "depwarden-store-"));
    path = join(dir, "cache", "depwarden", "advisories.db");
    store = openStore({ path });
  });
  afterAll(() => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is created on first use, with its schema version, and loads every bundled record", () => {
    expect(existsSync(path)).toBe(true);
    const status = store.status();
    expect(status.schemaVersion).toBe(SCHEMA_VERSION);
    expect(status.ecosystems).toEqual([
      // 2,661 records, 10 withdrawn; each ecosystem dated by its own snapshot (they differ by a year)
      { ecosystem: "PyPI", advisories: 2651, withdrawn: 10, updatedAt: "2024-10-10T17:22:00.587Z" },
      { ecosystem: "npm", advisories: 493, withdrawn: 0, updatedAt: "2025-11-04T16:54:54.000Z" },
    ]);
    expect(status.advisories).toBe(2661 + 493 - 10);
    expect(status.withdrawn).toBe(10);
    expect(status.sources.map((s) => [s.name, s.kind, s.location, s.advisories, s.current])).toEqual([
      ["bundled:PyPI", "bundled", "data/osv/PyPI/all.zip", 2661, 2661],
      ["bundled:npm", "bundled", "data/osv/npm/all.zip", 493, 493],
    ]);
    // snapshot time of a bundled zip: the newest `modified` among its records
    expect(status.sources[0]!.snapshotAt).toMatch(/^2024-10-\d\dT/);
    expect(status.sources[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(storeInfo(store)).toEqual({
      source: "bundled",
      advisories: 3144,
      updatedAt: [...status.sources.map((s) => s.snapshotAt!)].sort().at(-1),
    });
  });

  it("dates each ecosystem by the newest snapshot that brought it data, keeping the later time", () => {
    expect(store.updatedAtFor("PyPI")).toBe("2024-10-10T17:22:00.587Z");
    expect(store.updatedAtFor("Go")).toBeNull();
    store.markEcosystemsUpdated(["Go"], "2026-01-01T00:00:00Z");
    store.markEcosystemsUpdated(["Go"], "2025-01-01T00:00:00Z");
    expect(store.updatedAtFor("Go")).toBe("2026-01-01T00:00:00Z");
  });

  it("a single imported record does not date its ecosystem; a dump zip does", () => {
    const dir = tmpTree({
      "one.json": JSON.stringify(osv("PYSEC-2099-7", "2030-01-01T00:00:00Z")),
      "all.zip": osvZip([
        osv("GHSA-2099-aaaa-bbbb", "2031-01-01T00:00:00Z", { ecosystem: "npm", name: "x" }),
      ]),
    });
    const fresh = track(openStore({ path: join(dir, "s.db") }));
    importAdvisories(fresh, [join(dir, "one.json")]);
    expect(fresh.updatedAtFor("PyPI")).toBe("2024-10-10T17:22:00.587Z");
    importAdvisories(fresh, [join(dir, "all.zip")]);
    expect(fresh.updatedAtFor("npm")).toBe("2031-01-01T00:00:00.000Z");
  });

  it("a store without per-ecosystem dates (an earlier build) falls back to its sources' snapshots", () => {
    const dir = tmpTree({});
    const legacy = track(openStore({ path: join(dir, "s.db") }));
    legacy.db.exec("DELETE FROM meta WHERE key LIKE 'updated:%'");
    expect(legacy.updatedAtFor("PyPI")).toBe("2024-10-10T17:22:00.587Z");
    expect(legacy.updatedAtFor("Go")).toBeNull();
  });

  it("opening it again does not load the snapshot again", () => {
    const before = store.sources();
    const again = track(openStore({ path }));
    expect(again.sources()).toEqual(before);
    expect(ensureBundled(again, bundledDataDir())).toBe(false);
  });

  it("looks PyPI names up as PEP 503 compares them", async () => {
    const [flask, Flask, pyyaml, PyYAML, PyYaml] = await store.lookup([
      q("PyPI", "flask"),
      q("PyPI", "Flask"),
      q("PyPI", "pyyaml"),
      q("PyPI", "PyYAML"),
      q("PyPI", "py_yaml"), // a different project under PEP 503 (py-yaml)
    ]);
    expect(ids(flask!)).toEqual(["PYSEC-2018-66", "PYSEC-2019-179", "PYSEC-2023-62"]);
    expect(ids(Flask!)).toEqual(ids(flask!));
    expect(ids(pyyaml!)).toEqual(["PYSEC-2018-49", "PYSEC-2020-176", "PYSEC-2020-96", "PYSEC-2021-142"]);
    expect(ids(PyYAML!)).toEqual(ids(pyyaml!));
    expect(PyYaml).toEqual([]);
    expect(flask![0]!.affected![0]!.package!.name).toBe("flask");
  });

  it("looks npm names up case-insensitively: the GHSA record naming `Axios` is found for axios", async () => {
    const [axios, Axios, jquery] = await store.lookup([
      q("npm", "axios"),
      q("npm", "Axios"),
      q("npm", "jquery"),
    ]);
    expect(ids(axios!)).toContain("GHSA-8hc4-vh64-cxmj");
    expect(ids(Axios!)).toEqual(ids(axios!));
    expect(ids(jquery!)).toContain("NSWG-ECO-496"); // named `jQuery` in the record
    // the same name in the other ecosystem is another package
    expect(await store.lookup([q("PyPI", "axios")])).toEqual([[]]);
  });

  it("never returns a withdrawn record", async () => {
    const [arrayfire, ansible, flaskCaching] = await store.lookup([
      q("PyPI", "arrayfire"),
      q("PyPI", "ansible"),
      q("PyPI", "flask-caching"),
    ]);
    expect(arrayfire).toEqual([]); // its only record, PYSEC-2019-144, is withdrawn
    expect(ids(ansible!)).not.toContain("PYSEC-2020-221");
    expect(ids(ansible!)).not.toContain("PYSEC-2021-125");
    expect(ansible!.length).toBeGreaterThan(10);
    expect(ids(flaskCaching!)).not.toContain("PYSEC-2021-13");
    expect(store.get("PYSEC-2019-144")?.withdrawn).toBe("2022-09-09T05:28:00Z"); // kept, for display
    expect(store.findByAlias("PYSEC-2019-144")).toEqual([]);
    expect(ids(store.findByAlias("PYSEC-2019-144", { includeWithdrawn: true }))).toEqual(["PYSEC-2019-144"]);
  });

  it("answers one result per query, in order, for packages it does not know too", async () => {
    const result = await store.lookup([
      q("npm", "no-such-package-x"),
      q("PyPI", "flask"),
      q("npm", "no-such"),
    ]);
    expect(result.map((r) => r.length)).toEqual([0, 3, 0]);
    expect(await store.lookup([])).toEqual([]);
    expect(await store.lookup([{ ecosystem: "Go" as "npm", name: "flask", version: "1" }])).toEqual([[]]);
  });

  it("finds records by alias", () => {
    const byCve = store.findByAlias("CVE-2023-30861");
    expect(ids(byCve)).toContain("PYSEC-2023-62");
  });

  it("re-importing the same dump changes nothing", () => {
    const copy = join(dir, "copy.db");
    store.db.exec(`VACUUM INTO '${copy.replace(/'/g, "''")}'`);
    const s = track(openStore({ path: copy }));
    const before = s.status();
    const result = importAdvisories(s, [join(repo, "data/osv/PyPI/all.zip")]);
    expect(result.sources[0]).toMatchObject({ records: 2661, added: 0, updated: 0, unchanged: 2661 });
    const after = s.status();
    expect(after.ecosystems).toEqual(before.ecosystems);
    expect(after.advisories).toBe(before.advisories);
    // the file is a new source, though every record is still the bundled one
    expect(after.sources.map((x) => [x.kind, x.current])).toEqual([
      ["bundled", 2661],
      ["bundled", 493],
      ["file", 0],
    ]);
    expect(storeInfo(s).source).toBe(`bundled, ${join(repo, "data/osv/PyPI/all.zip")}`);
  });
});

describe("records replace stored ones only when newer", () => {
  function storeWith(records: Record<string, unknown>[]): AdvisoryStore {
    const s = track(openStore({ path: join(tmpTree({}), "s.db"), bundled: false }));
    importAdvisories(s, [join(tmpTree({ "a.zip": osvZip(records) }), "a.zip")]);
    return s;
  }
  function importOne(s: AdvisoryStore, record: Record<string, unknown>) {
    return importAdvisories(s, [join(tmpTree({ "b.zip": osvZip([record]) }), "b.zip")]).sources[0]!;
  }

  it("compares instants, not strings (fraction digits and offsets vary)", () => {
    const s = storeWith([osv("A-1", "2024-01-01T00:00:00.1Z", undefined, { summary: "newer" })]);
    // As strings "…00Z" sorts after "…00.1Z"; as instants it is older.
    expect(importOne(s, osv("A-1", "2024-01-01T00:00:00Z", undefined, { summary: "older" }))).toMatchObject({
      unchanged: 1,
    });
    expect(s.get("A-1")!.summary).toBe("newer");
    // 01:00+02:00 is 23:00 the day before
    expect(
      importOne(s, osv("A-1", "2024-01-01T01:00:00+02:00", undefined, { summary: "older" })),
    ).toMatchObject({
      unchanged: 1,
    });
    expect(
      importOne(s, osv("A-1", "2024-01-01T00:00:00.100000Z", undefined, { summary: "same" })),
    ).toMatchObject({
      unchanged: 1,
    });
    expect(
      importOne(s, osv("A-1", "2024-01-01T00:00:00.100001Z", undefined, { summary: "newest" })),
    ).toMatchObject({ updated: 1 });
    expect(s.get("A-1")!.summary).toBe("newest");
  });

  it("re-indexes an updated record: new package name, new aliases, withdrawal", async () => {
    const s = storeWith([
      osv("A-1", "2024-01-01T00:00:00Z", { ecosystem: "PyPI", name: "old-name" }, { aliases: ["CVE-1"] }),
    ]);
    expect(ids((await s.lookup([q("PyPI", "Old_Name")]))[0]!)).toEqual(["A-1"]);
    importOne(
      s,
      osv("A-1", "2024-02-01T00:00:00Z", { ecosystem: "PyPI", name: "new.name" }, { aliases: ["CVE-2"] }),
    );
    const [oldName, newName] = await s.lookup([q("PyPI", "old-name"), q("PyPI", "new-name")]);
    expect(oldName).toEqual([]);
    expect(ids(newName!)).toEqual(["A-1"]);
    expect(s.findByAlias("CVE-1")).toEqual([]);
    expect(ids(s.findByAlias("CVE-2"))).toEqual(["A-1"]);
    importOne(
      s,
      osv(
        "A-1",
        "2024-03-01T00:00:00Z",
        { ecosystem: "PyPI", name: "new.name" },
        { withdrawn: "2024-03-01T00:00:00Z" },
      ),
    );
    expect(await s.lookup([q("PyPI", "new-name")])).toEqual([[]]);
    expect(s.status()).toMatchObject({ advisories: 0, withdrawn: 1 });
  });

  it("stores records of other ecosystems and counts them, without indexing them for lookup", async () => {
    const s = storeWith([
      osv("GO-1", "2024-01-01T00:00:00Z", { ecosystem: "Go", name: "example.com/flask" }),
      osv("DEB-1", "2024-01-01T00:00:00Z", { ecosystem: "Debian:11", name: "flask" }),
      osv("X-1", "2024-01-01T00:00:00Z", null),
      osv("P-1", "2024-01-01T00:00:00Z", { ecosystem: "PyPI", name: "flask" }),
    ]);
    expect(s.status()).toMatchObject({
      advisories: 4,
      ecosystems: [
        { ecosystem: "Debian", advisories: 1, withdrawn: 0 },
        { ecosystem: "Go", advisories: 1, withdrawn: 0 },
        { ecosystem: "PyPI", advisories: 1, withdrawn: 0 },
      ],
    });
    expect(ids((await s.lookup([q("PyPI", "flask")]))[0]!)).toEqual(["P-1"]);
  });

  it("matches zope.interface under each spelling PEP 503 folds together (PyPA layout import)", async () => {
    const s = track(openStore({ path: join(tmpTree({}), "s.db"), bundled: false }));
    importAdvisories(s, [join(fixtures, "pypa")]);
    const results = await s.lookup([
      q("PyPI", "zope.interface"),
      q("PyPI", "zope-interface"),
      q("PyPI", "Zope_Interface"),
      q("PyPI", "ZOPE..interface"),
    ]);
    // PYSEC-2099-3 (named Zope_Interface) is withdrawn: never returned
    for (const r of results) expect(ids(r)).toEqual(["PYSEC-2099-2"]);
  });
});

describe("the bundled snapshot across versions", () => {
  it("re-imports a different bundled snapshot; newer data imported since is kept", async () => {
    const path = join(tmpTree({}), "s.db");
    const v1 = bundledDir({
      PyPI: osvZip([osv("A-1", "2024-01-01T00:00:00Z", undefined, { summary: "v1" })]),
    });
    track(openStore({ path, bundledDir: v1 })).close();
    const s = track(openStore({ path, bundled: false }));
    importAdvisories(s, [
      join(
        tmpTree({
          "d.zip": osvZip([osv("A-1", "2024-03-01T00:00:00Z", undefined, { summary: "downloaded" })]),
        }),
        "d.zip",
      ),
    ]);
    s.close();
    const v2 = bundledDir({
      PyPI: osvZip([
        osv("A-1", "2024-02-01T00:00:00Z", undefined, { summary: "v2" }),
        osv("B-1", "2024-02-01T00:00:00Z"),
      ]),
    });
    const s2 = track(openStore({ path, bundledDir: v2 }));
    expect(s2.get("A-1")!.summary).toBe("downloaded");
    expect(s2.get("B-1")).toBeDefined();
    expect(s2.status().bundledSnapshot).toMatch(/^PyPI=[0-9a-f]{64}$/);
    expect(ensureBundled(s2, v2)).toBe(false);
  });

  it("a missing bundled snapshot is an error that says what to do", () => {
    const e = inputErrorOfCall(() => openStore({ path: join(tmpTree({}), "s.db"), bundledDir: tmpTree({}) }));
    expect(e.message).toMatch(/bundled advisory snapshot is missing .*reinstall depwarden/);
  });

  it("storeAge: time since the newest snapshot", () => {
    const dir = bundledDir({
      npm: osvZip([osv("N-1", "2024-01-01T00:00:00Z", { ecosystem: "npm", name: "x" })]),
    });
    const s = track(openStore({ path: join(tmpTree({}), "s.db"), bundledDir: dir }));
    expect(storeAge(s, new Date("2024-01-03T00:00:00Z"))).toBe(2 * 86_400_000);
    const empty = track(openStore({ path: join(tmpTree({}), "e.db"), bundled: false }));
    expect(storeAge(empty)).toBeNull();
    expect(storeInfo(empty)).toEqual({ source: "none", advisories: 0, updatedAt: null });
  });
});

describe("store files that are not a usable store", () => {
  it("a file that is not SQLite: one line naming it and what to do", () => {
    const path = join(
      tmpTree({ "advisories.db": "this is not a database, just some text that is long enough\n".repeat(5) }),
      "advisories.db",
    );
    const e = inputErrorOfCall(() => openStore({ path, bundled: false }));
    expect(e.message).toBe(
      `${path}: not a depwarden advisory store (not a SQLite database): delete it or use --db PATH`,
    );
  });

  it("a store of a newer schema version", () => {
    const path = join(tmpTree({}), "s.db");
    track(openStore({ path, bundled: false })).close();
    const db = new Database(path);
    db.pragma("user_version = 99");
    db.close();
    const e = inputErrorOfCall(() => openStore({ path, bundled: false }));
    expect(e.message).toMatch(
      /schema version 99, newer than this depwarden supports \(1\): .*delete the file, or use --db/,
    );
  });

  it("another application's SQLite database is left alone", () => {
    const path = join(tmpTree({}), "other.db");
    const db = new Database(path);
    db.exec("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('keep me')");
    db.close();
    const before = readFileSync(path);
    expect(inputErrorOfCall(() => openStore({ path, bundled: false })).message).toMatch(
      /not a depwarden advisory store/,
    );
    // not a byte changed: not even the journal mode (WAL is set only on our own stores)
    expect(readFileSync(path).equals(before)).toBe(true);
    const check = new Database(path);
    expect(check.prepare("SELECT t FROM notes").pluck().get()).toBe("keep me");
    check.close();
  });

  it("a directory where the store should be", () => {
    const dir = tmpTree({});
    mkdirSync(join(dir, "advisories.db"));
    expect(
      inputErrorOfCall(() => openStore({ path: join(dir, "advisories.db"), bundled: false })).message,
    ).toMatch(/is a directory/);
  });

  it("an empty file is a new store", () => {
    const path = join(tmpTree({ "s.db": "" }), "s.db");
    expect(track(openStore({ path, bundled: false })).status().advisories).toBe(0);
  });
});

describe("several processes at once", () => {
  const dist = join(repo, "dist/advisories/store.js");

  // Runs the built code (npm test builds first), as separate processes really race on the file.
  it.runIf(existsSync(dist))(
    "first use from three processes at once: one loads the snapshot, none fails",
    async () => {
      const dir = tmpTree({});
      const path = join(dir, "s.db");
      const snapshot = join(dir, "bundled");
      mkdirSync(join(snapshot, "PyPI"), { recursive: true });
      copyFileSync(join(repo, "data/osv/PyPI/all.zip"), join(snapshot, "PyPI/all.zip"));
      const script = join(dir, "child.mjs");
      writeFileSync(
        script,
        `import { openStore } from ${JSON.stringify(dist)};
       import { ensureBundled } from ${JSON.stringify(join(repo, "dist/advisories/bundled.js"))};
       const store = openStore({ path: process.argv[2], bundled: false });
       const loaded = ensureBundled(store, process.argv[3]);
       const [flask] = await store.lookup([{ ecosystem: "PyPI", name: "Flask", version: "1" }]);
       console.log(JSON.stringify({ loaded, flask: flask.length, advisories: store.status().advisories }));
       store.close();`,
      );
      const run = () =>
        new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
          const child = spawn(process.execPath, [script, path, snapshot]);
          let out = "";
          let err = "";
          child.stdout.on("data", (d) => (out += d));
          child.stderr.on("data", (d) => (err += d));
          child.on("close", (code) => resolve({ code, out, err }));
        });
      const results = await Promise.all([run(), run(), run()]);
      for (const r of results) expect(r, r.err).toMatchObject({ code: 0, err: "" });
      const docs = results.map(
        (r) => JSON.parse(r.out) as { loaded: boolean; flask: number; advisories: number },
      );
      expect(docs.filter((d) => d.loaded)).toHaveLength(1);
      for (const d of docs) expect(d).toMatchObject({ flask: 3, advisories: 2651 });
    },
  );
});
