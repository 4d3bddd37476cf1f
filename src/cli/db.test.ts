/** `depwarden db`: the command in-process through registerDb, and the built CLI end to end. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { makeZip, osv, osvZip } from "../advisories/__fixtures__/zip.js";
import { openStore } from "../advisories/store.js";
import { InputError, UsageError } from "../errors.js";
import { tmpTree } from "../test-helpers/tmp.js";
import type { GlobalOptions } from "./common.js";
import { registerDb } from "./db.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const fixtures = fileURLToPath(new URL("../advisories/__fixtures__/", import.meta.url));

type Write = typeof process.stdout.write;

/** Runs `depwarden <args>` with only the db command registered, as program.ts maps errors to exit codes. */
async function run(args: string[], options: { tty?: boolean } = {}) {
  let stdout = "";
  let stderr = "";
  const capture = (append: (s: string) => void) =>
    ((chunk: string | Uint8Array, a?: unknown, b?: unknown) => {
      append(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString());
      const cb = typeof a === "function" ? a : b;
      if (typeof cb === "function") (cb as () => void)();
      return true;
    }) as Write;
  const out = vi.spyOn(process.stdout, "write").mockImplementation(capture((s) => (stdout += s)));
  const err = vi.spyOn(process.stderr, "write").mockImplementation(capture((s) => (stderr += s)));
  const tty = Object.getOwnPropertyDescriptor(process.stderr, "isTTY");
  Object.defineProperty(process.stderr, "isTTY", { value: options.tty === true, configurable: true });
  let code = 0;
  const program = new Command("depwarden")
    .option("-q, --quiet")
    .option("--debug")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  registerDb(
    program,
    () => program.opts<GlobalOptions>(),
    (c) => (code = c),
  );
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) code = e.exitCode === 0 ? 0 : 2;
    else if (e instanceof InputError || e instanceof UsageError) {
      process.stderr.write(`depwarden: ${e.message}\n`);
      code = 2;
    } else throw e;
  } finally {
    out.mockRestore();
    err.mockRestore();
    if (tty) Object.defineProperty(process.stderr, "isTTY", tty);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  }
  return { code, stdout, stderr };
}

let base: string; // a store with the bundled snapshot loaded, copied for each test
let baseDir: string;
let server: Server;
let url: string;

beforeAll(async () => {
  baseDir = mkdtempSync(join(tmpdir(), "depwarden-db-"));
  base = join(baseDir, "base.db");
  openStore({ path: base }).close();
  const zip = osvZip([osv("PYSEC-9001", "2030-01-01T00:00:00Z", { ecosystem: "PyPI", name: "flask" })]);
  server = createServer((req, res) => {
    if (req.url === "/osv/PyPI/all.zip") res.writeHead(200, { "content-length": zip.length }).end(zip);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/osv`;
});

afterAll(async () => {
  rmSync(baseDir, { recursive: true, force: true });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function freshStore(): string {
  const path = join(tmpTree({}), "advisories.db");
  const s = openStore({ path: base, bundled: false });
  s.db.exec(`VACUUM INTO '${path.replace(/'/g, "''")}'`);
  s.close();
  return path;
}

function statusJson(db: string) {
  const s = openStore({ path: db, bundled: false });
  try {
    return s.status();
  } finally {
    s.close();
  }
}

describe("depwarden db import", () => {
  it("imports a dump zip and says what changed; status shows the new source", async () => {
    const db = freshStore();
    const zip = join(
      tmpTree({
        "all.zip": osvZip([
          osv("PYSEC-2018-66", "2030-01-01T00:00:00Z", { ecosystem: "PyPI", name: "flask" }), // newer than bundled
          osv("NEW-1", "2024-01-01T00:00:00Z", { ecosystem: "npm", name: "left-pad" }),
        ]),
      }),
      "all.zip",
    );
    const r = await run(["db", "import", zip, "--db", db]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toBe(
      `${zip}: 2 advisories read: 1 added, 1 updated, 0 unchanged (the stored copy is as new or newer)\n`,
    );
    const status = await run(["db", "--db", db, "status", "--format", "json"]);
    expect(status.code).toBe(0);
    const doc = JSON.parse(status.stdout);
    expect(Object.keys(doc)).toEqual([
      "store",
      "schemaVersion",
      "updatedAt",
      "ageDays",
      "advisories",
      "withdrawn",
      "ecosystems",
      "sources",
    ]);
    expect(doc.store).toBe(db);
    expect(doc.advisories).toBe(3145);
    expect(doc.ecosystems).toEqual([
      // 2,661 records, 10 withdrawn; the import's snapshot (its newest record) dates both ecosystems it holds
      { ecosystem: "PyPI", advisories: 2651, withdrawn: 10, updatedAt: "2030-01-01T00:00:00.000Z" },
      { ecosystem: "npm", advisories: 494, withdrawn: 0, updatedAt: "2030-01-01T00:00:00.000Z" },
    ]);
    expect(
      doc.sources.map((s: { kind: string; location: string; advisories: number; current: number }) => [
        s.kind,
        s.location,
        s.advisories,
        s.current,
      ]),
    ).toEqual([
      ["bundled", "data/osv/PyPI/all.zip", 2661, 2660],
      ["bundled", "data/osv/npm/all.zip", 493, 493],
      ["file", zip, 2, 2],
    ]);
    expect(doc.updatedAt).toBe("2030-01-01T00:00:00.000Z");
  });

  it("a bad record: one line, exit 2, and the store unchanged", async () => {
    const db = freshStore();
    const before = statusJson(db);
    const zip = join(
      tmpTree({
        "all.zip": makeZip([
          { name: "A-1.json", data: JSON.stringify(osv("A-1", "2024-01-01T00:00:00Z")) },
          { name: "A-2.json", data: '{"id": "A-2", "modified": "2024-01-01T00:00:00Z", "aliases": "CVE-1"}' },
        ]),
      }),
      "all.zip",
    );
    const r = await run(["db", "import", "--db", db, zip]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `depwarden: ${zip}!/A-2.json: not a valid OSV record: aliases: Invalid input: expected array, received string (import aborted: the store is unchanged)\n`,
    );
    expect(statusJson(db)).toEqual(before);
  });

  it("warns about files it skipped, unless --quiet", async () => {
    const db = freshStore();
    const dir = join(fixtures, "pypa");
    const r = await run(["db", "import", dir, "--db", db]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `depwarden: warning: ${join(dir, "triage/false_positives.yaml")}: not an OSV record (no id or modified): skipped\n`,
    );
    expect(r.stdout).toMatch(
      /: 3 advisories read: 3 added, 0 updated, 0 unchanged .*, 1 other files skipped\n$/,
    );
    expect((await run(["-q", "db", "import", dir, "--db", db])).stderr).toBe("");
  });

  it("shows progress on a terminal only, and never with --quiet", async () => {
    const db = freshStore();
    const zip = join(tmpTree({ "all.zip": osvZip([osv("A-1", "2024-01-01T00:00:00Z")]) }), "all.zip");
    const tty = await run(["db", "import", zip, "--db", db], { tty: true });
    expect(tty.stderr).toContain(`\r\x1b[Kdepwarden: importing ${zip}: 0 / 1 advisories`);
    expect(tty.stderr.endsWith("\r\x1b[K")).toBe(true); // the progress line is cleared at the end
    expect((await run(["-q", "db", "import", zip, "--db", db], { tty: true })).stderr).toBe("");
    expect((await run(["db", "import", zip, "--db", db], { tty: false })).stderr).toBe("");
  });

  it("needs a path", async () => {
    expect((await run(["db", "import"])).code).toBe(2);
  });
});

describe("depwarden db status", () => {
  it("table: the store, its age, counts per ecosystem and the sources", async () => {
    const db = freshStore();
    const r = await run(["db", "status", "--db", db]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe(`store       ${db}`);
    expect(lines[1]).toMatch(/^updated {5}2025-11-04T16:54:54Z \(\d+ days ago\)$/);
    expect(lines[2]).toBe("advisories  3144 (and 10 withdrawn)");
    expect(r.stdout).toMatch(
      /ecosystem {2}advisories {2}withdrawn {2}updated\nPyPI {7}2651 {8}10 {9}2024-10-10T17:22:00Z \(\d+ days ago\)\nnpm {8}493 {9}0 {10}2025-11-04T16:54:54Z \(\d+ days ago\)\n/,
    );
    expect(r.stdout).toMatch(
      /bundled:PyPI \(data\/osv\/PyPI\/all\.zip\) +bundled +2024-10-10T17:22:00Z +\S+ +2661 +2661/,
    );
  });

  it("an unreadable store: one line naming it and what to do, exit 2", async () => {
    const db = join(tmpTree({ "advisories.db": "not sqlite at all ".repeat(20) }), "advisories.db");
    const r = await run(["db", "status", "--db", db]);
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: `depwarden: ${db}: not a depwarden advisory store (not a SQLite database): delete it or use --db PATH\n`,
    });
  });

  it("rejects an unknown format", async () => {
    expect((await run(["db", "status", "--format", "xml"])).code).toBe(2);
  });
});

describe("depwarden db update", () => {
  it("downloads from --source and imports", async () => {
    const db = freshStore();
    const r = await run(["db", "update", "--source", url, "--ecosystem", "PyPI", "--db", db]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^downloaded ${url}/PyPI/all\\.zip \\(0\\.0 MiB\\)\n`));
    expect(r.stdout).toContain(`${url}/PyPI/all.zip: 1 advisories read: 1 added, 0 updated, 0 unchanged`);
    const status = statusJson(db);
    expect(status.sources.at(-1)).toMatchObject({
      kind: "url",
      location: `${url}/PyPI/all.zip`,
      advisories: 1,
    });
  });

  it("a failed download: one line, exit 2, store unchanged", async () => {
    const db = freshStore();
    const before = statusJson(db);
    const r = await run(["db", "update", "--source", url, "--db", db]); // PyPI is there, npm is not
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `depwarden: ${url}/npm/all.zip: download failed: HTTP 404 Not Found (is the ecosystem name spelled as OSV does?) (update aborted: the store is unchanged)\n`,
    );
    expect(statusJson(db)).toEqual(before);
  });

  it("bad flag values are usage errors", async () => {
    const db = freshStore();
    expect((await run(["db", "update", "--timeout", "soon", "--db", db])).stderr).toMatch(
      /--timeout: expected seconds/,
    );
    expect((await run(["db", "update", "--source", "file:///etc", "--db", db])).code).toBe(2);
  });
});

describe("the built CLI", () => {
  const bin = join(repo, "dist/cli/main.js");
  const built = existsSync(join(repo, "dist/cli/db.js"));

  it.runIf(built)("db status with $DEPWARDEN_DB; a corrupt store exits 2 with one line", () => {
    const db = freshStore();
    const ok = spawnSync(process.execPath, [bin, "db", "status", "--format", "json"], {
      encoding: "utf8",
      env: { ...process.env, DEPWARDEN_DB: db },
    });
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).store).toBe(db);
    const bad = join(tmpTree({ "x.db": "garbage ".repeat(40) }), "x.db");
    const r = spawnSync(process.execPath, [bin, "db", "status", "--db", bad], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `depwarden: ${bad}: not a depwarden advisory store (not a SQLite database): delete it or use --db PATH\n`,
    );
  });
});
