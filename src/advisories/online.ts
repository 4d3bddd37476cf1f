/**
 * `depwarden scan --online`: advisories from the OSV API instead of the local store.
 * `POST /v1/querybatch` names the vulnerabilities of each package version (ids only, paginated per query),
 * then `GET /v1/vulns/{id}` fetches each distinct record once. See docs/online.md.
 */
import { InputError, UsageError } from "../errors.js";
import { TOOL_NAME, TOOL_VERSION } from "../version.js";
import type { AdvisorySource, DatabaseInfo, OsvRecord, PackageQuery } from "./osv.js";

export const DEFAULT_OSV_API = "https://api.osv.dev";
/** Environment variable naming the API base when no `apiBase` is given. */
export const OSV_API_ENV = "DEPWARDEN_OSV_API";

export interface OnlineSourceOptions {
  /** API base, e.g. `https://api.osv.dev` or a mirror with a path prefix. Default: $DEPWARDEN_OSV_API, then osv.dev. */
  apiBase?: string;
  /** Per-request timeout (connection, headers and body), ms. Default 30 000. */
  timeoutMs?: number;
  /** Attempts per request, the first included. Default 3. */
  attempts?: number;
  /** Backoff before the second attempt, doubled after each further one, ms. Default 1 000. */
  retryDelayMs?: number;
  /** Longest wait a `Retry-After` header can impose, ms. Default 60 000. */
  maxRetryAfterMs?: number;
  /** `/v1/vulns/{id}` requests in flight at once. Default 8. */
  concurrency?: number;
  /** Queries per `/v1/querybatch` request (the API accepts at most 1 000). Default 1 000. */
  batchSize?: number;
  /** Pages followed for one query before giving up (a server that never stops paging). Default 100. */
  maxPages?: number;
  /** Largest response body accepted, bytes. Default 64 MiB. */
  maxResponseBytes?: number;
  /** For tests: how to wait between attempts. */
  sleep?: (ms: number) => Promise<void>;
  /** For tests: the clock (Retry-After dates, `updatedAt`). */
  now?: () => Date;
}

/** The OSV API could not give the data a scan needs: the scan must fail (exit 2), never report "clean". */
export class OnlineSourceError extends InputError {
  constructor(url: string, detail: string) {
    super(url, detail);
    this.name = "OnlineSourceError";
  }
}

interface BatchQuery {
  package: { ecosystem: string; name: string };
  version: string;
  page_token?: string;
}

interface BatchResult {
  ids: string[];
  nextPageToken?: string;
}

/** Outcome of one HTTP exchange, before deciding whether to retry. */
type Attempt =
  | { ok: true; body: string }
  | { ok: false; retry: boolean; reason: string; retryAfterMs?: number };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class OnlineAdvisorySource implements AdvisorySource {
  readonly apiBase: string;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly maxPages: number;
  private readonly maxResponseBytes: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => Date;
  private readonly userAgent = `${TOOL_NAME}/${TOOL_VERSION}`;
  /** Records fetched in this run, by id; null for a withdrawn record (dropped). */
  private readonly records = new Map<string, OsvRecord | null>();
  private queriedAt: string | null = null;

  constructor(options: OnlineSourceOptions = {}) {
    this.apiBase = normaliseApiBase(options.apiBase ?? (process.env[OSV_API_ENV] || DEFAULT_OSV_API));
    this.timeoutMs = positive("timeoutMs", options.timeoutMs ?? 30_000);
    this.attempts = positive("attempts", options.attempts ?? 3);
    this.retryDelayMs = nonNegative("retryDelayMs", options.retryDelayMs ?? 1_000);
    this.maxRetryAfterMs = nonNegative("maxRetryAfterMs", options.maxRetryAfterMs ?? 60_000);
    this.concurrency = positive("concurrency", options.concurrency ?? 8);
    this.batchSize = positive("batchSize", Math.min(options.batchSize ?? 1_000, 1_000));
    this.maxPages = positive("maxPages", options.maxPages ?? 100);
    this.maxResponseBytes = positive("maxResponseBytes", options.maxResponseBytes ?? 64 * 1024 * 1024);
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? (() => new Date());
  }

  async lookup(queries: PackageQuery[]): Promise<OsvRecord[][]> {
    this.queriedAt = this.now().toISOString();
    // The same package version asked twice (several files, several projects) is sent once.
    const unique: PackageQuery[] = [];
    const slot = new Map<string, number>();
    const indexOf = queries.map((q) => {
      const key = `${q.ecosystem}\0${q.name}\0${q.version}`;
      let i = slot.get(key);
      if (i === undefined) {
        i = unique.length;
        unique.push(q);
        slot.set(key, i);
      }
      return i;
    });

    const ids = await this.queryIds(unique);
    const wanted = [...new Set(ids.flat())].filter((id) => !this.records.has(id));
    await this.fetchRecords(wanted);

    const perUnique = ids.map((list) =>
      list.map((id) => this.records.get(id)).filter((r): r is OsvRecord => r != null),
    );
    return indexOf.map((i) => perUnique[i]!);
  }

  info(): DatabaseInfo {
    let advisories = 0;
    for (const r of this.records.values()) if (r) advisories++;
    return { source: this.apiBase, advisories, updatedAt: this.queriedAt };
  }

  /** Vulnerability ids per query (same index), every page followed. */
  private async queryIds(queries: PackageQuery[]): Promise<string[][]> {
    const url = `${this.apiBase}/v1/querybatch`;
    const ids = queries.map(() => new Set<string>());
    let pending = queries.map((_, index) => ({ index, token: undefined as string | undefined }));
    for (let page = 1; pending.length; page++) {
      if (page > this.maxPages) {
        throw new OnlineSourceError(
          url,
          `the API kept returning next_page_token after ${this.maxPages} pages`,
        );
      }
      const next: typeof pending = [];
      for (let start = 0; start < pending.length; start += this.batchSize) {
        const chunk = pending.slice(start, start + this.batchSize);
        const body: { queries: BatchQuery[] } = {
          queries: chunk.map(({ index, token }) => {
            const q = queries[index]!;
            const query: BatchQuery = {
              package: { ecosystem: q.ecosystem, name: q.name },
              version: q.version,
            };
            if (token !== undefined) query.page_token = token;
            return query;
          }),
        };
        const results = parseBatchResponse(url, await this.request(url, JSON.stringify(body)), chunk.length);
        results.forEach((result, i) => {
          const { index, token } = chunk[i]!;
          for (const id of result.ids) ids[index]!.add(id);
          if (result.nextPageToken !== undefined) {
            if (result.nextPageToken === token) {
              const q = queries[index]!;
              throw new OnlineSourceError(
                url,
                `the API returned the same next_page_token twice for ${q.ecosystem} ${q.name} ${q.version}`,
              );
            }
            next.push({ index, token: result.nextPageToken });
          }
        });
      }
      pending = next;
    }
    return ids.map((s) => [...s]);
  }

  /** Fetches each record, `concurrency` at a time; the first failure stops the others from starting. */
  private async fetchRecords(ids: string[]): Promise<void> {
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (!failed && next < ids.length) {
        const id = ids[next++]!;
        const url = `${this.apiBase}/v1/vulns/${encodeURIComponent(id)}`;
        try {
          const record = parseRecord(url, await this.request(url));
          this.records.set(id, record.withdrawn ? null : record);
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    };
    const workers = Array.from({ length: Math.min(this.concurrency, ids.length) }, worker);
    const settled = await Promise.allSettled(workers);
    const rejected = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (rejected) throw rejected.reason;
  }

  /** GET (or POST when there is a body) with retries; the response text, or a one-line error naming the URL. */
  private async request(url: string, body?: string): Promise<string> {
    let reason = "";
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      const outcome = await this.attempt(url, body);
      if (outcome.ok) return outcome.body;
      reason = outcome.reason;
      if (!outcome.retry) throw new OnlineSourceError(url, `OSV API request failed: ${reason}`);
      if (attempt < this.attempts) {
        await this.sleep(outcome.retryAfterMs ?? this.retryDelayMs * 2 ** (attempt - 1));
      }
    }
    const tries = this.attempts === 1 ? "1 attempt" : `${this.attempts} attempts`;
    throw new OnlineSourceError(url, `cannot get data from the OSV API: ${reason} (${tries})`);
  }

  private async attempt(url: string, body: string | undefined): Promise<Attempt> {
    const headers: Record<string, string> = { "user-agent": this.userAgent, accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: body === undefined ? "GET" : "POST",
        headers,
        body,
        redirect: "follow",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await readLimited(response, this.maxResponseBytes);
    } catch (e) {
      if (e instanceof ResponseTooLarge) {
        return { ok: false, retry: false, reason: `response larger than ${this.maxResponseBytes} bytes` };
      }
      return { ok: false, retry: true, reason: describeNetworkError(e, this.timeoutMs) };
    }
    if (response.ok) return { ok: true, body: text };
    const status = `HTTP ${response.status}${apiMessage(text)}`;
    if (response.status === 429 || response.status >= 500) {
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"), this.now());
      return {
        ok: false,
        retry: true,
        reason: status,
        retryAfterMs: retryAfter === undefined ? undefined : Math.min(retryAfter, this.maxRetryAfterMs),
      };
    }
    return { ok: false, retry: false, reason: status };
  }
}

class ResponseTooLarge extends Error {}

/** The body as text, refusing more than `limit` bytes (a misbehaving server or proxy). */
async function readLimited(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (declared > limit) {
    await response.body?.cancel();
    throw new ResponseTooLarge();
  }
  if (!response.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) throw new ResponseTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
const TIME = "\\d{2}:\\d{2}:\\d{2}";
/** The three HTTP-date forms (RFC 9110 §5.6.7): IMF-fixdate, obsolete RFC 850 and asctime. */
const HTTP_DATE = [
  new RegExp(`^[A-Z][a-z]{2}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`),
  new RegExp(`^[A-Z][a-z]{5,8}, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`),
  new RegExp(`^[A-Z][a-z]{2} ${MONTH} [ \\d]\\d ${TIME} \\d{4}$`),
];

/**
 * `Retry-After`: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when absent or unreadable.
 * Dates are matched strictly first: `Date.parse` alone takes `-5` for May 2001.
 */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const form = HTTP_DATE.findIndex((re) => re.test(v));
  if (form === -1) return undefined;
  // asctime has no zone but is GMT; Date.parse would read it as local time
  const at = Date.parse(form === 2 ? `${v} GMT` : v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

function describeNetworkError(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: unknown };
  if (err?.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  const cause = err?.cause as (Error & { code?: string; errors?: unknown[] }) | undefined;
  if (cause) {
    // Happy eyeballs: an AggregateError with an empty message; its code or first error says why.
    const first = cause.errors?.[0] as Error | undefined;
    return oneLine(cause.message || first?.message || cause.code || String(cause));
  }
  return oneLine(err?.message ?? String(e));
}

/** The API's error message (`{"code": 3, "message": "…"}`), if the body carries one. */
function apiMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed?.message === "string" && parsed.message) return `: ${oneLine(parsed.message)}`;
  } catch {
    // not JSON: a proxy's HTML page, say nothing more
  }
  return "";
}

function oneLine(s: string, max = 200): string {
  const flat = s.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function parseJson(url: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new OnlineSourceError(
      url,
      `the OSV API answered with invalid JSON (${oneLine((e as Error).message)})`,
    );
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseBatchResponse(url: string, text: string, expected: number): BatchResult[] {
  const doc = parseJson(url, text);
  const bad = (what: string) => new OnlineSourceError(url, `unexpected response from the OSV API: ${what}`);
  if (!isObject(doc)) throw bad("not a JSON object");
  // One result per query, in the order of the queries (an empty result is `{}`).
  const results = doc.results;
  if (!Array.isArray(results)) throw bad('no "results" array');
  if (results.length !== expected) throw bad(`${results.length} results for ${expected} queries`);
  return results.map((r, i) => {
    if (!isObject(r)) throw bad(`results[${i}] is not an object`);
    const vulns = r.vulns ?? [];
    if (!Array.isArray(vulns)) throw bad(`results[${i}].vulns is not an array`);
    const ids = vulns.map((v, j) => {
      if (!isObject(v) || typeof v.id !== "string" || !v.id) throw bad(`results[${i}].vulns[${j}] has no id`);
      return v.id;
    });
    const token = r.next_page_token;
    if (token !== undefined && token !== null && typeof token !== "string") {
      throw bad(`results[${i}].next_page_token is not a string`);
    }
    return token ? { ids, nextPageToken: token } : { ids };
  });
}

/** Checks what the scan relies on; the rest of the record is kept as published. */
function parseRecord(url: string, text: string): OsvRecord {
  const doc = parseJson(url, text);
  const bad = (what: string) => new OnlineSourceError(url, `unexpected OSV record: ${what}`);
  if (!isObject(doc)) throw bad("not a JSON object");
  if (typeof doc.id !== "string" || !doc.id) throw bad('no "id"');
  if (typeof doc.modified !== "string") throw bad('no "modified" timestamp');
  if (doc.withdrawn !== undefined && doc.withdrawn !== null && typeof doc.withdrawn !== "string") {
    throw bad('"withdrawn" is not a timestamp');
  }
  for (const key of ["affected", "aliases", "references", "severity"] as const) {
    if (doc[key] !== undefined && !Array.isArray(doc[key])) throw bad(`"${key}" is not an array`);
  }
  const affected = (doc.affected ?? []) as unknown[];
  affected.forEach((a, i) => {
    if (!isObject(a)) throw bad(`affected[${i}] is not an object`);
    if (a.ranges !== undefined && !Array.isArray(a.ranges))
      throw bad(`affected[${i}].ranges is not an array`);
    if (a.versions !== undefined && !Array.isArray(a.versions)) {
      throw bad(`affected[${i}].versions is not an array`);
    }
  });
  return doc as unknown as OsvRecord;
}

function normaliseApiBase(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`OSV API address is not a URL: ${value}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`OSV API address must be http or https: ${value}`);
  }
  if (url.username || url.password) throw new UsageError("OSV API address must not contain credentials");
  if (url.search || url.hash)
    throw new UsageError(`OSV API address must not have a query or fragment: ${value}`);
  return url.href.replace(/\/+$/, "");
}

function positive(name: string, n: number): number {
  if (!Number.isFinite(n) || n < 1)
    throw new UsageError(`online source: ${name} must be at least 1, not ${n}`);
  return Math.floor(n);
}

function nonNegative(name: string, n: number): number {
  if (!Number.isFinite(n) || n < 0)
    throw new UsageError(`online source: ${name} must not be negative, not ${n}`);
  return n;
}
