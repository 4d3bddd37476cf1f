import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { InputError, UsageError } from "../errors.js";
import { TOOL_VERSION } from "../version.js";
import {
  DEFAULT_OSV_API,
  OnlineAdvisorySource,
  OnlineSourceError,
  type OnlineSourceOptions,
  OSV_API_ENV,
  parseRetryAfter,
} from "./online.js";
import type { OsvRecord, PackageQuery } from "./osv.js";

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

interface BatchBody {
  queries: { package: { ecosystem: string; name: string }; version: string; page_token?: string }[];
}

type Handler = (req: Seen, res: ServerResponse) => void | Promise<void>;

interface FakeApi {
  url: string;
  seen: Seen[];
  batches: () => BatchBody[];
  vulnGets: () => string[];
}

const servers: Server[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** A loopback server imitating the OSV API; every request is recorded. */
async function fakeApi(handler: Handler): Promise<FakeApi> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      seen.push(entry);
      void Promise.resolve(handler(entry, res)).catch((e: Error) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    batches: () =>
      seen.filter((s) => s.path === "/v1/querybatch").map((s) => JSON.parse(s.body) as BatchBody),
    vulnGets: () =>
      seen.filter((s) => s.path.startsWith("/v1/vulns/")).map((s) => decodeURIComponent(s.path.slice(10))),
  };
}

function json(res: ServerResponse, value: unknown, status = 200, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}

function record(id: string, extra: Partial<OsvRecord> = {}): OsvRecord {
  return {
    id,
    modified: "2024-01-01T00:00:00Z",
    affected: [{ package: { ecosystem: "PyPI", name: "x" }, versions: ["1.0"] }],
    ...extra,
  };
}

/** An API whose querybatch answers from `vulnsFor` (package name → ids) and serves `records`. */
function osvHandler(
  vulnsFor: (q: BatchBody["queries"][number]) => string[],
  records: (id: string) => OsvRecord | undefined = (id) => record(id),
): Handler {
  return (req, res) => {
    if (req.method === "POST" && req.path === "/v1/querybatch") {
      const body = JSON.parse(req.body) as BatchBody;
      json(res, {
        results: body.queries.map((q) => {
          const ids = vulnsFor(q);
          return ids.length ? { vulns: ids.map((id) => ({ id, modified: "2024-01-01T00:00:00Z" })) } : {};
        }),
      });
      return;
    }
    const m = /^\/v1\/vulns\/(.+)$/.exec(req.path);
    const r = m && req.method === "GET" ? records(decodeURIComponent(m[1]!)) : undefined;
    if (r) json(res, r);
    else json(res, { code: 5, message: "Bug not found." }, 404);
  };
}

const fast: OnlineSourceOptions = { retryDelayMs: 1, timeoutMs: 5_000 };

function source(api: FakeApi, options: OnlineSourceOptions = {}): OnlineAdvisorySource {
  return new OnlineAdvisorySource({ apiBase: api.url, ...fast, ...options });
}

const py = (name: string, version: string): PackageQuery => ({ ecosystem: "PyPI", name, version });
const npm = (name: string, version: string): PackageQuery => ({ ecosystem: "npm", name, version });

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

describe("OnlineAdvisorySource", () => {
  it("queries in one batch, fetches each record once, and answers per query", async () => {
    const api = await fakeApi(
      osvHandler((q) => {
        if (q.package.name === "jinja2") return ["PYSEC-2019-217", "GHSA-shared"];
        if (q.package.name === "lodash") return ["GHSA-shared", "GHSA-lodash"];
        return [];
      }),
    );
    const src = source(api, { now: () => new Date("2025-03-04T05:06:07Z") });
    const results = await src.lookup([
      py("jinja2", "2.4.1"),
      npm("left-pad", "1.0.0"),
      npm("lodash", "4.17.0"),
    ]);

    expect(results.map((r) => r.map((x) => x.id))).toEqual([
      ["PYSEC-2019-217", "GHSA-shared"],
      [],
      ["GHSA-shared", "GHSA-lodash"],
    ]);
    expect(api.batches()).toEqual([
      {
        queries: [
          { package: { ecosystem: "PyPI", name: "jinja2" }, version: "2.4.1" },
          { package: { ecosystem: "npm", name: "left-pad" }, version: "1.0.0" },
          { package: { ecosystem: "npm", name: "lodash" }, version: "4.17.0" },
        ],
      },
    ]);
    // GHSA-shared is named by two packages but fetched once
    expect(api.vulnGets().sort()).toEqual(["GHSA-lodash", "GHSA-shared", "PYSEC-2019-217"]);
    expect(results[0]![1]).toBe(results[2]![0]);
    expect(src.info()).toEqual({ source: api.url, advisories: 3, updatedAt: "2025-03-04T05:06:07.000Z" });
  });

  it("sends its User-Agent and JSON content type", async () => {
    const api = await fakeApi(osvHandler(() => ["A-1"]));
    await source(api).lookup([npm("a", "1.0.0")]);
    expect(api.seen.length).toBe(2);
    for (const s of api.seen) expect(s.headers["user-agent"]).toBe(`depwarden/${TOOL_VERSION}`);
    expect(api.seen[0]!.headers["content-type"]).toBe("application/json");
  });

  it("keeps records across lookups of the same run", async () => {
    const api = await fakeApi(osvHandler(() => ["GHSA-1"]));
    const src = source(api);
    await src.lookup([npm("a", "1.0.0")]);
    const again = await src.lookup([npm("b", "2.0.0")]);
    expect(again[0]!.map((r) => r.id)).toEqual(["GHSA-1"]);
    expect(api.vulnGets()).toEqual(["GHSA-1"]);
    expect(api.batches().length).toBe(2);
  });

  it("sends a package version asked twice once and answers both", async () => {
    const api = await fakeApi(osvHandler((q) => (q.package.name === "a" ? ["GHSA-a"] : [])));
    const results = await source(api).lookup([npm("a", "1.0.0"), npm("b", "1.0.0"), npm("a", "1.0.0")]);
    expect(api.batches()[0]!.queries.map((q) => q.package.name)).toEqual(["a", "b"]);
    expect(results.map((r) => r.map((x) => x.id))).toEqual([["GHSA-a"], [], ["GHSA-a"]]);
  });

  it("makes no request for no queries", async () => {
    const api = await fakeApi(osvHandler(() => []));
    expect(await source(api).lookup([])).toEqual([]);
    expect(api.seen).toEqual([]);
  });

  it("splits more than 1000 queries into batches of at most 1000, keeping the order", async () => {
    const api = await fakeApi(
      osvHandler((q) => (q.package.name.endsWith("99") ? [`V-${q.package.name}`] : [])),
    );
    const queries = Array.from({ length: 2500 }, (_, i) => npm(`pkg-${i}`, "1.0.0"));
    const results = await source(api).lookup(queries);

    const batches = api.batches();
    expect(batches.length).toBe(3);
    expect(batches.map((b) => b.queries.length)).toEqual([1000, 1000, 500]);
    expect(batches.flatMap((b) => b.queries.map((q) => q.package.name))).toEqual(queries.map((q) => q.name));
    expect(results.length).toBe(2500);
    results.forEach((r, i) => {
      expect(r.map((x) => x.id)).toEqual(queries[i]!.name.endsWith("99") ? [`V-pkg-${i}`] : []);
    });
    expect(api.vulnGets().length).toBe(25);
  });

  it("caps batchSize at the API's limit of 1000", async () => {
    const api = await fakeApi(osvHandler(() => []));
    await source(api, { batchSize: 5000 }).lookup(Array.from({ length: 1001 }, (_, i) => npm(`p${i}`, "1")));
    expect(api.batches().map((b) => b.queries.length)).toEqual([1000, 1]);
  });

  it("follows next_page_token, re-querying only the paginated queries", async () => {
    const api = await fakeApi((req, res) => {
      if (req.path !== "/v1/querybatch") return osvHandler(() => [])(req, res);
      const body = JSON.parse(req.body) as BatchBody;
      json(res, {
        results: body.queries.map((q) => {
          const name = q.package.name;
          if (name === "big" && !q.page_token)
            return { vulns: [{ id: "V-1" }, { id: "V-2" }], next_page_token: "p2" };
          if (name === "big" && q.page_token === "p2")
            return { vulns: [{ id: "V-3" }], next_page_token: "p3" };
          if (name === "big" && q.page_token === "p3") return { vulns: [{ id: "V-4" }] };
          if (name === "other" && !q.page_token) return { vulns: [{ id: "V-9" }], next_page_token: "o2" };
          if (name === "other" && q.page_token === "o2") return { vulns: [{ id: "V-2" }] };
          if (name === "small") return { vulns: [{ id: "V-5" }] };
          throw new Error(`unexpected query ${JSON.stringify(q)}`);
        }),
      });
    });
    const results = await source(api).lookup([
      npm("big", "1.0.0"),
      npm("small", "1.0.0"),
      npm("other", "2.0.0"),
    ]);

    expect(results.map((r) => r.map((x) => x.id))).toEqual([
      ["V-1", "V-2", "V-3", "V-4"],
      ["V-5"],
      ["V-9", "V-2"],
    ]);
    const batches = api.batches();
    expect(batches.length).toBe(3);
    expect(batches[1]!.queries).toEqual([
      { package: { ecosystem: "npm", name: "big" }, version: "1.0.0", page_token: "p2" },
      { package: { ecosystem: "npm", name: "other" }, version: "2.0.0", page_token: "o2" },
    ]);
    expect(batches[2]!.queries).toEqual([
      { package: { ecosystem: "npm", name: "big" }, version: "1.0.0", page_token: "p3" },
    ]);
    expect(api.vulnGets().sort()).toEqual(["V-1", "V-2", "V-3", "V-4", "V-5", "V-9"]);
  });

  it("fails when the API repeats a page token or never stops paging", async () => {
    const same = await fakeApi((_req, res) => {
      json(res, { results: [{ vulns: [{ id: "V-1" }], next_page_token: "again" }] });
    });
    const e1 = await rejection(source(same).lookup([npm("loop", "1.0.0")]));
    expect(e1).toBeInstanceOf(OnlineSourceError);
    expect(e1.message).toContain(`${same.url}/v1/querybatch: `);
    expect(e1.message).toContain("same next_page_token twice for npm loop 1.0.0");

    let n = 0;
    const endless = await fakeApi((_req, res) => {
      json(res, { results: [{ vulns: [], next_page_token: `t${n++}` }] });
    });
    const e2 = await rejection(source(endless, { maxPages: 4 }).lookup([npm("loop", "1.0.0")]));
    expect(e2.message).toContain("kept returning next_page_token after 4 pages");
    expect(endless.batches().length).toBe(4);
  });

  it("retries after a 503 with exponential backoff", async () => {
    let calls = 0;
    const ok = osvHandler(() => ["V-1"]);
    const api = await fakeApi((req, res) => {
      if (req.path === "/v1/querybatch" && calls++ < 2) return json(res, { message: "busy" }, 503);
      return ok(req, res);
    });
    const waits: number[] = [];
    const results = await source(api, {
      retryDelayMs: 100,
      sleep: async (ms) => {
        waits.push(ms);
      },
    }).lookup([npm("a", "1.0.0")]);
    expect(results[0]!.map((r) => r.id)).toEqual(["V-1"]);
    expect(api.batches().length).toBe(3);
    expect(waits).toEqual([100, 200]);
  });

  it("retries after a 429, waiting as long as Retry-After says, within the cap", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    for (const retryAfter of ["2", "3600"]) {
      let limited = false;
      const ok = osvHandler(() => ["V-1"]);
      const api = await fakeApi((req, res) => {
        if (!limited) {
          limited = true;
          return json(res, { message: "Too many requests" }, 429, { "retry-after": retryAfter });
        }
        return ok(req, res);
      });
      const results = await source(api, { sleep, maxRetryAfterMs: 30_000 }).lookup([npm("a", "1.0.0")]);
      expect(results[0]!.map((r) => r.id)).toEqual(["V-1"]);
      expect(api.batches().length).toBe(2);
    }
    expect(waits).toEqual([2000, 30_000]);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = new Date("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 23:59:00 GMT", now)).toBe(0);
    // the obsolete forms recipients must still accept (RFC 9110 §5.6.7); asctime is GMT, not local time
    expect(parseRetryAfter("Wednesday, 01-Jan-25 00:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Wed Jan  1 00:00:09 2025", now)).toBe(9000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    // Date.parse alone reads these as dates in 2001
    expect(parseRetryAfter("-5", now)).toBeUndefined();
    expect(parseRetryAfter("1.5", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("retries a record fetch after a 502 too", async () => {
    let failed = false;
    const ok = osvHandler(() => ["V-1"]);
    const api = await fakeApi((req, res) => {
      if (req.path.startsWith("/v1/vulns/") && !failed) {
        failed = true;
        res.writeHead(502, { "content-type": "text/html" });
        return void res.end("<html>Bad gateway</html>");
      }
      return ok(req, res);
    });
    const results = await source(api).lookup([npm("a", "1.0.0")]);
    expect(results[0]!.map((r) => r.id)).toEqual(["V-1"]);
    expect(api.vulnGets()).toEqual(["V-1", "V-1"]);
  });

  it("times out a request the server never answers, retries, then fails naming the URL", async () => {
    const api = await fakeApi(() => {
      // never answers
    });
    const e = await rejection(source(api, { timeoutMs: 100, attempts: 2 }).lookup([npm("a", "1.0.0")]));
    expect(e).toBeInstanceOf(OnlineSourceError);
    expect(e.message).toBe(
      `${api.url}/v1/querybatch: cannot get data from the OSV API: no answer within 100 ms (2 attempts)`,
    );
    expect(api.seen.length).toBe(2);
  });

  it("times out a response whose body never ends", async () => {
    const api = await fakeApi((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"results": [');
    });
    const e = await rejection(source(api, { timeoutMs: 100, attempts: 1 }).lookup([npm("a", "1.0.0")]));
    expect(e.message).toContain("no answer within 100 ms (1 attempt)");
  });

  it("fails after the last attempt with one line naming the URL and the reason", async () => {
    const api = await fakeApi((_req, res) => json(res, { code: 13, message: "internal\nerror" }, 500));
    const e = await rejection(source(api).lookup([py("flask", "0.12")]));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe(
      `${api.url}/v1/querybatch: cannot get data from the OSV API: HTTP 500: internal error (3 attempts)`,
    );
    expect(api.seen.length).toBe(3);
  });

  it("fails when the API cannot be reached at all", async () => {
    const api = await fakeApi(() => {});
    const url = api.url;
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    const e = await rejection(
      new OnlineAdvisorySource({ apiBase: url, retryDelayMs: 1 }).lookup([npm("a", "1.0.0")]),
    );
    expect(e).toBeInstanceOf(OnlineSourceError);
    expect(e.message).toMatch(
      new RegExp(
        `^${url.replace(/\./g, "\\.")}/v1/querybatch: cannot get data from the OSV API: .*ECONNREFUSED`,
      ),
    );
    expect(e.message).not.toContain("\n");
  });

  it("does not retry a client error (400), and reports the API's message", async () => {
    const api = await fakeApi((_req, res) => json(res, { code: 3, message: "Invalid ecosystem." }, 400));
    const e = await rejection(source(api).lookup([npm("a", "1.0.0")]));
    expect(e.message).toBe(`${api.url}/v1/querybatch: OSV API request failed: HTTP 400: Invalid ecosystem.`);
    expect(api.seen.length).toBe(1);
  });

  it("fails when a listed record cannot be fetched (404), naming its URL", async () => {
    const api = await fakeApi(
      osvHandler(
        () => ["GHSA-gone", "GHSA-here"],
        (id) => (id === "GHSA-here" ? record(id) : undefined),
      ),
    );
    const e = await rejection(source(api).lookup([npm("a", "1.0.0")]));
    expect(e.message).toBe(`${api.url}/v1/vulns/GHSA-gone: OSV API request failed: HTTP 404: Bug not found.`);
  });

  it("escapes ids in the record URL", async () => {
    const api = await fakeApi(osvHandler(() => ["odd/id?x"]));
    const results = await source(api).lookup([npm("a", "1.0.0")]);
    expect(api.seen[1]!.path).toBe("/v1/vulns/odd%2Fid%3Fx");
    expect(results[0]!.map((r) => r.id)).toEqual(["odd/id?x"]);
  });

  it("drops withdrawn records and does not count them", async () => {
    const api = await fakeApi(
      osvHandler(
        () => ["GHSA-live", "GHSA-withdrawn"],
        (id) => record(id, id === "GHSA-withdrawn" ? { withdrawn: "2024-02-01T00:00:00Z" } : {}),
      ),
    );
    const src = source(api);
    const results = await src.lookup([npm("a", "1.0.0"), npm("b", "1.0.0")]);
    expect(results.map((r) => r.map((x) => x.id))).toEqual([["GHSA-live"], ["GHSA-live"]]);
    expect(src.info().advisories).toBe(1);
    // and it is not fetched again in the same run
    await src.lookup([npm("c", "1.0.0")]);
    expect(api.vulnGets().sort()).toEqual(["GHSA-live", "GHSA-withdrawn"]);
  });

  it("fails clearly on a querybatch answer that is not JSON", async () => {
    const api = await fakeApi((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"results": [{"vulns": [');
    });
    const e = await rejection(source(api).lookup([npm("a", "1.0.0")]));
    expect(e).toBeInstanceOf(OnlineSourceError);
    expect(e.message).toMatch(
      new RegExp(
        `^${api.url.replace(/\./g, "\\.")}/v1/querybatch: the OSV API answered with invalid JSON \\(.+\\)$`,
      ),
    );
    expect(api.seen.length).toBe(1);
  });

  it("fails clearly on a record that is not JSON", async () => {
    const ok = osvHandler(() => ["V-1"]);
    const api = await fakeApi((req, res) => {
      if (req.path.startsWith("/v1/vulns/")) return void res.end("<html>proxy login</html>");
      return ok(req, res);
    });
    const e = await rejection(source(api).lookup([npm("a", "1.0.0")]));
    expect(e.message).toContain(`${api.url}/v1/vulns/V-1: the OSV API answered with invalid JSON`);
  });

  it.each([
    [{}, 'no "results" array'],
    [[], "not a JSON object"],
    [{ results: [] }, "0 results for 2 queries"],
    [{ results: [{}, "x"] }, "results[1] is not an object"],
    [{ results: [{}, { vulns: {} }] }, "results[1].vulns is not an array"],
    [{ results: [{}, { vulns: [{ modified: "x" }] }] }, "results[1].vulns[0] has no id"],
    [{ results: [{}, { next_page_token: 5 }] }, "results[1].next_page_token is not a string"],
  ])("rejects a querybatch answer of the wrong shape: %j", async (answer, why) => {
    const api = await fakeApi((_req, res) => json(res, answer));
    const e = await rejection(source(api).lookup([npm("a", "1.0.0"), npm("b", "1.0.0")]));
    expect(e.message).toBe(`${api.url}/v1/querybatch: unexpected response from the OSV API: ${why}`);
  });

  it.each([
    [{ modified: "2024-01-01T00:00:00Z" }, 'no "id"'],
    [{ id: "V-1" }, 'no "modified" timestamp'],
    [{ id: "V-1", modified: "x", affected: {} }, '"affected" is not an array'],
    [{ id: "V-1", modified: "x", affected: [{ ranges: "x" }] }, "affected[0].ranges is not an array"],
    [{ id: "V-1", modified: "x", withdrawn: true }, '"withdrawn" is not a timestamp'],
  ])("rejects a record of the wrong shape: %j", async (answer, why) => {
    const ok = osvHandler(() => ["V-1"]);
    const api = await fakeApi((req, res) =>
      req.path === "/v1/querybatch" ? ok(req, res) : json(res, answer),
    );
    const e = await rejection(source(api).lookup([npm("a", "1.0.0")]));
    expect(e.message).toBe(`${api.url}/v1/vulns/V-1: unexpected OSV record: ${why}`);
  });

  it("refuses a response larger than the limit", async () => {
    const api = await fakeApi((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ results: [{ vulns: Array.from({ length: 100 }, (_, i) => ({ id: `V-${i}` })) }] }),
      );
    });
    const e = await rejection(source(api, { maxResponseBytes: 500 }).lookup([npm("a", "1.0.0")]));
    expect(e.message).toBe(
      `${api.url}/v1/querybatch: OSV API request failed: response larger than 500 bytes`,
    );
  });

  it("fetches records with bounded concurrency", async () => {
    let inFlight = 0;
    let most = 0;
    const ids = Array.from({ length: 20 }, (_, i) => `V-${i}`);
    const ok = osvHandler(() => ids);
    const api = await fakeApi(async (req, res) => {
      if (req.path === "/v1/querybatch") return ok(req, res);
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      return ok(req, res);
    });
    const results = await source(api, { concurrency: 4 }).lookup([npm("a", "1.0.0")]);
    expect(results[0]!.map((r) => r.id)).toEqual(ids);
    expect(most).toBeLessThanOrEqual(4);
    expect(most).toBeGreaterThan(1);
  });

  it("stops starting record fetches after one has failed", async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `V-${i}`);
    const api = await fakeApi(
      osvHandler(
        () => ids,
        () => undefined,
      ),
    );
    const e = await rejection(source(api, { concurrency: 2 }).lookup([npm("a", "1.0.0")]));
    expect(e.message).toContain("HTTP 404");
    expect(api.vulnGets().length).toBeLessThanOrEqual(2);
  });

  it("uses the API base as given, with a path prefix and without a trailing slash", async () => {
    const api = await fakeApi((req, res) => {
      if (!req.path.startsWith("/osv/")) return json(res, { message: "wrong path" }, 404);
      return osvHandler(() => ["V-1"])({ ...req, path: req.path.slice(4) }, res);
    });
    const src = new OnlineAdvisorySource({ apiBase: `${api.url}/osv/`, ...fast });
    const results = await src.lookup([npm("a", "1.0.0")]);
    expect(results[0]!.map((r) => r.id)).toEqual(["V-1"]);
    expect(api.seen.map((s) => s.path)).toEqual(["/osv/v1/querybatch", "/osv/v1/vulns/V-1"]);
    expect(src.info().source).toBe(`${api.url}/osv`);
  });

  it("defaults to $DEPWARDEN_OSV_API, then to api.osv.dev", () => {
    const saved = process.env[OSV_API_ENV];
    try {
      delete process.env[OSV_API_ENV];
      expect(new OnlineAdvisorySource().info()).toEqual({
        source: DEFAULT_OSV_API,
        advisories: 0,
        updatedAt: null,
      });
      process.env[OSV_API_ENV] = "http://mirror.example:8080/";
      expect(new OnlineAdvisorySource().info().source).toBe("http://mirror.example:8080");
      expect(new OnlineAdvisorySource({ apiBase: "https://other.example" }).info().source).toBe(
        "https://other.example",
      );
    } finally {
      if (saved === undefined) delete process.env[OSV_API_ENV];
      else process.env[OSV_API_ENV] = saved;
    }
  });

  it.each([
    ["api.osv.dev", "not a URL"],
    ["ftp://api.osv.dev", "must be http or https"],
    ["https://user:secret@api.osv.dev", "must not contain credentials"],
    ["https://api.osv.dev/?key=1", "must not have a query"],
  ])("rejects the API address %s", (apiBase, why) => {
    const make = () => new OnlineAdvisorySource({ apiBase });
    expect(make).toThrow(UsageError);
    expect(make).toThrow(why);
  });

  it("rejects nonsensical options", () => {
    expect(() => new OnlineAdvisorySource({ attempts: 0 })).toThrow("attempts must be at least 1");
    expect(() => new OnlineAdvisorySource({ timeoutMs: Number.NaN })).toThrow(UsageError);
    expect(() => new OnlineAdvisorySource({ retryDelayMs: -1 })).toThrow("retryDelayMs must not be negative");
  });
});
