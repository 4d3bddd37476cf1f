import { mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { inputErrorOf } from "../test-helpers/extract.js";
import { tmpTree } from "../test-helpers/tmp.js";
import { makeZip, osv, osvZip } from "./__fixtures__/zip.js";
import { importAdvisories } from "./import.js";
import { type AdvisoryStore, openStore } from "./store.js";
import { dumpUrl, updateAdvisories } from "./update.js";

const pypiZip = osvZip([
  osv("PYSEC-1", "2024-05-01T00:00:00Z", { ecosystem: "PyPI", name: "flask" }),
  osv("PYSEC-2", "2024-05-02T00:00:00.123456Z", { ecosystem: "PyPI", name: "Django" }),
]);
const npmZip = osvZip([osv("GHSA-1", "2024-05-03T00:00:00Z", { ecosystem: "npm", name: "Axios" })]);
const badRecordZip = makeZip([
  { name: "PYSEC-1.json", data: JSON.stringify(osv("PYSEC-1", "2024-06-01T00:00:00Z")) },
  {
    name: "PYSEC-9.json",
    data: JSON.stringify({
      id: "PYSEC-9",
      modified: "2024-06-01T00:00:00Z",
      affected: [{ ranges: [{ type: "ECOSYSTEM", events: [{ fixed: "1.0" }] }] }],
    }),
  },
]);

let server: Server;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? "";
    requests.push(url);
    const [, scenario, ecosystem] = url.split("/");
    const zip = ecosystem === "npm" ? npmZip : pypiZip;
    switch (scenario) {
      case "ok":
        res.writeHead(200, { "content-type": "application/zip", "content-length": zip.length });
        res.end(zip);
        return;
      case "partial": // PyPI is fine, npm is missing
        if (ecosystem === "npm") {
          res.writeHead(404).end("no such object");
        } else {
          res.writeHead(200, { "content-length": zip.length }).end(zip);
        }
        return;
      case "404":
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      case "500":
        res.writeHead(500).end("oops");
        return;
      case "truncated": // a body that ends early, cleanly (chunked: nothing tells the client it is short)
        res.writeHead(200, { "content-type": "application/zip" });
        res.end(zip.subarray(0, Math.floor(zip.length / 2)));
        return;
      case "short": // a declared length that the body does not reach
        res.writeHead(200, { "content-length": zip.length + 100 });
        res.write(zip, () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      case "dropped": // the connection dies in the middle of the body
        res.writeHead(200, { "content-length": zip.length });
        res.write(zip.subarray(0, 100), () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      case "stall": // headers, a few bytes, then nothing
        res.writeHead(200, { "content-length": zip.length });
        res.write(zip.subarray(0, 10));
        return;
      case "html":
        res
          .writeHead(200, { "content-type": "text/html" })
          .end("<html><body>Sign in to continue</body></html>");
        return;
      case "badrecord":
        res.writeHead(200, { "content-length": badRecordZip.length }).end(badRecordZip);
        return;
      case "huge":
        res.writeHead(200, { "content-length": 10_000_000 }).end();
        return;
      default:
        res.writeHead(400).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const stores: AdvisoryStore[] = [];
afterEach(() => {
  while (stores.length) stores.pop()!.close();
  requests.length = 0;
});

/** A store with one record already, so that "unchanged" means something. */
function seededStore(): { store: AdvisoryStore; dir: string } {
  const dir = tmpTree({
    "seed.zip": osvZip([osv("PYSEC-1", "2024-01-01T00:00:00Z", undefined, { summary: "seed" })]),
  });
  const store = openStore({ path: join(dir, "store", "advisories.db"), bundled: false });
  stores.push(store);
  importAdvisories(store, [join(dir, "seed.zip")]);
  return { store, dir };
}

/** Everything a user could observe of the store. */
function snapshot(store: AdvisoryStore) {
  return {
    status: store.status(),
    rows: store.db
      .prepare("SELECT id, modified, withdrawn, source, hex(record) AS r FROM advisories ORDER BY id")
      .all(),
    packages: store.db.prepare("SELECT * FROM affected_packages ORDER BY 1, 2, 3").all(),
    aliases: store.db.prepare("SELECT * FROM aliases ORDER BY 1, 2").all(),
  };
}

describe("updateAdvisories against a loopback server", () => {
  it("downloads each ecosystem's all.zip and imports them; records the URL and the download time", async () => {
    const { store } = seededStore();
    const result = await updateAdvisories(store, {
      source: `${base}/ok/`,
      now: () => new Date("2024-07-01T12:00:00Z"),
    });
    expect(requests).toEqual(["/ok/PyPI/all.zip", "/ok/npm/all.zip"]);
    expect(result.sources.map((s) => [s.location, s.records, s.added, s.updated, s.unchanged])).toEqual([
      [`${base}/ok/PyPI/all.zip`, 2, 1, 1, 0],
      [`${base}/ok/npm/all.zip`, 1, 1, 0, 0],
    ]);
    const status = store.status();
    expect(status.advisories).toBe(3);
    const urlSources = status.sources.filter((s) => s.kind === "url");
    expect(urlSources.map((s) => [s.location, s.snapshotAt, s.importedAt])).toEqual([
      [`${base}/ok/PyPI/all.zip`, "2024-07-01T12:00:00.000Z", "2024-07-01T12:00:00.000Z"],
      [`${base}/ok/npm/all.zip`, "2024-07-01T12:00:00.000Z", "2024-07-01T12:00:00.000Z"],
    ]);
    expect(urlSources[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(store.info().updatedAt).toBe("2024-07-01T12:00:00.000Z");
    expect(
      (await store.lookup([{ ecosystem: "npm", name: "axios", version: "1.0.0" }]))[0]!.map((r) => r.id),
    ).toEqual(["GHSA-1"]);
    // a second update with the same data: nothing newer
    const again = await updateAdvisories(store, { source: `${base}/ok`, ecosystems: ["PyPI"] });
    expect(again.sources[0]).toMatchObject({ added: 0, updated: 0, unchanged: 2 });
  });

  it.each([
    ["404", /ok\/|404\/PyPI\/all\.zip: download failed: HTTP 404 Not Found/],
    ["500", /500\/PyPI\/all\.zip: download failed: HTTP 500 Internal Server Error/],
    ["truncated", /truncated\/PyPI\/all\.zip: truncated or corrupt zip archive/],
    [
      "short",
      /short\/PyPI\/all\.zip: download (interrupted after \d+ bytes|truncated: got \d+ of \d+ bytes)/,
    ],
    ["dropped", /dropped\/PyPI\/all\.zip: download interrupted after \d+ bytes/],
    ["html", /html\/PyPI\/all\.zip: not a zip archive/],
    [
      "badrecord",
      /badrecord\/PyPI\/all\.zip!\/PYSEC-9\.json: not a valid OSV record: affected\[0\]\.ranges\[0\]\.events: a range needs an "introduced" event/,
    ],
    ["partial", /partial\/npm\/all\.zip: download failed: HTTP 404/],
  ])("%s: fails in one line, and the store is exactly as it was", async (scenario, message) => {
    const { store } = seededStore();
    const before = snapshot(store);
    const e = await inputErrorOf(
      updateAdvisories(store, { source: `${base}/${scenario}`, timeoutMs: 5_000 }),
    );
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/\(update aborted: the store is unchanged\)$/);
    expect(e.message).not.toContain("\n");
    expect(snapshot(store)).toEqual(before);
    // no temporary download left behind
    expect(readdirSync(join(store.path, "..")).filter((f) => f.includes("download"))).toEqual([]);
  });

  it("removes temporary downloads that a killed update left behind, once they are old", async () => {
    const { store } = seededStore();
    const dir = join(store.path, "..");
    const old = join(dir, ".depwarden-download-old");
    const recent = join(dir, ".depwarden-download-recent");
    mkdirSync(old);
    writeFileSync(join(old, "0.zip"), "partial");
    mkdirSync(recent);
    const longAgo = new Date(Date.now() - 7 * 3_600_000);
    utimesSync(old, longAgo, longAgo);
    await updateAdvisories(store, { source: `${base}/ok`, ecosystems: ["npm"] });
    expect(readdirSync(dir).filter((f) => f.startsWith(".depwarden-download-"))).toEqual([
      ".depwarden-download-recent", // maybe another update running now
    ]);
  });

  it("gives up on a server that stops sending", async () => {
    const { store } = seededStore();
    const before = snapshot(store);
    const e = await inputErrorOf(updateAdvisories(store, { source: `${base}/stall`, timeoutMs: 300 }));
    expect(e.message).toMatch(/stall\/PyPI\/all\.zip: download interrupted: no data for 0\.3 s/);
    expect(snapshot(store)).toEqual(before);
  });

  it("refuses a download larger than the limit before reading it", async () => {
    const { store } = seededStore();
    const e = await inputErrorOf(updateAdvisories(store, { source: `${base}/huge`, maxBytes: 1_000_000 }));
    expect(e.message).toMatch(/download too large \(10000000 bytes; the limit is 1000000\)/);
  });

  it("a connection refused is a clear error", async () => {
    const { store } = seededStore();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const e = await inputErrorOf(updateAdvisories(store, { source: `http://127.0.0.1:${port}` }));
    expect(e.message).toMatch(/download failed: .*ECONNREFUSED/);
  });

  it("bad --source and --ecosystem values are usage errors", async () => {
    const { store } = seededStore();
    await expect(updateAdvisories(store, { source: "ftp://example.org" })).rejects.toBeInstanceOf(UsageError);
    await expect(updateAdvisories(store, { source: "not a url" })).rejects.toBeInstanceOf(UsageError);
    await expect(updateAdvisories(store, { source: base, ecosystems: ["../etc"] })).rejects.toBeInstanceOf(
      UsageError,
    );
  });
});

describe("dumpUrl", () => {
  it("joins the source and encodes the ecosystem as a path segment", () => {
    expect(dumpUrl("https://osv-vulnerabilities.storage.googleapis.com", "PyPI")).toBe(
      "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip",
    );
    expect(dumpUrl("http://mirror/osv//", "Red Hat")).toBe("http://mirror/osv/Red%20Hat/all.zip");
    expect(dumpUrl("http://mirror", "Debian:12")).toBe("http://mirror/Debian%3A12/all.zip");
  });
});
