/**
 * `depwarden db update`: downloads `<source>/<ecosystem>/all.zip` for each ecosystem to temporary files, then
 * imports them all in one transaction. Any failure (HTTP status, network, timeout, truncated body, not a zip,
 * a bad record) leaves the store exactly as it was.
 */
import { createHash } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { InputError, UsageError } from "../errors.js";
import {
  abortedError,
  type ImportOptions,
  type ImportResult,
  importInTransaction,
  isZipFile,
} from "./import.js";
import type { AdvisoryStore } from "./store.js";

export const DEFAULT_UPDATE_SOURCE = "https://osv-vulnerabilities.storage.googleapis.com";
export const DEFAULT_UPDATE_ECOSYSTEMS = ["PyPI", "npm"];

export interface DownloadProgress {
  phase: "download";
  url: string;
  received: number;
  total?: number;
}

export interface UpdateOptions {
  ecosystems?: string[];
  /** Base URL: `<source>/<ecosystem>/all.zip` is fetched. */
  source?: string;
  /** Give up when no data arrives for this long (connecting included). Default 60 s. */
  timeoutMs?: number;
  /** Largest download accepted, per file. Default 4 GiB. */
  maxBytes?: number;
  onProgress?: (progress: DownloadProgress | Parameters<NonNullable<ImportOptions["onProgress"]>>[0]) => void;
  onSkip?: ImportOptions["onSkip"];
  limits?: ImportOptions["limits"];
  now?: () => Date;
}

export interface Downloaded {
  ecosystem: string;
  url: string;
  path: string;
  bytes: number;
  sha256: string;
  /** The snapshot time of the data: the response's Last-Modified, else when the download completed. */
  at: string;
}

export function dumpUrl(source: string, ecosystem: string): string {
  return `${source.replace(/\/+$/, "")}/${encodeURIComponent(ecosystem)}/all.zip`;
}

function checkSource(source: string): void {
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new UsageError(`--source: not a URL: "${source}"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`--source: expected an http or https URL, got "${source}"`);
  }
}

function checkEcosystem(name: string): void {
  if (!name || name === "." || name === ".." || /[/\\\0]/.test(name)) {
    throw new UsageError(
      `--ecosystem: not an ecosystem name: "${name}" (OSV spells them PyPI, npm, Go, ...)`,
    );
  }
}

function describeNetworkError(e: unknown): string {
  // fetch's own messages ("fetch failed", "terminated") say little; the cause says what happened.
  const err = e as Error & { cause?: Error & { code?: string } };
  const cause = err.cause;
  if (cause) return cause.message || cause.code || String(cause);
  return err.message || String(e);
}

/** Downloads one URL to `path`, streamed, with an inactivity timeout and a size limit. */
export async function download(
  url: string,
  path: string,
  options: { timeoutMs: number; maxBytes: number; onProgress?: (p: DownloadProgress) => void },
): Promise<{ bytes: number; sha256: string; lastModified?: string }> {
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
  };
  const seconds = Math.round(options.timeoutMs / 100) / 10;
  arm();
  let fd: number | undefined;
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal, redirect: "follow" });
    } catch (e) {
      if (timedOut) throw new InputError(url, `download failed: no response within ${seconds} s`);
      throw new InputError(url, `download failed: ${describeNetworkError(e)}`);
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => {});
      const hint = response.status === 404 ? " (is the ecosystem name spelled as OSV does?)" : "";
      throw new InputError(
        url,
        `download failed: HTTP ${response.status} ${response.statusText}${hint}`.trimEnd(),
      );
    }
    const lastModifiedHeader = response.headers.get("last-modified");
    const lastModifiedMs = lastModifiedHeader ? Date.parse(lastModifiedHeader) : Number.NaN;
    const encoding = response.headers.get("content-encoding");
    const lengthHeader = response.headers.get("content-length");
    // With a content-encoding the header counts the encoded bytes, not what the body yields.
    const expected =
      lengthHeader && (!encoding || encoding === "identity") ? Number(lengthHeader) : undefined;
    if (expected !== undefined && expected > options.maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw new InputError(url, `download too large (${expected} bytes; the limit is ${options.maxBytes})`);
    }
    if (!response.body) throw new InputError(url, "download failed: empty response");
    fd = openSync(path, "w");
    const hash = createHash("sha256");
    let received = 0;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        arm();
        received += chunk.length;
        if (received > options.maxBytes) {
          controller.abort();
          throw new InputError(url, `download too large (over ${options.maxBytes} bytes)`);
        }
        hash.update(chunk);
        for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off, chunk.length - off);
        options.onProgress?.({ phase: "download", url, received, total: expected });
      }
    } catch (e) {
      if (e instanceof InputError) throw e;
      if (timedOut) throw new InputError(url, `download interrupted: no data for ${seconds} s`);
      throw new InputError(url, `download interrupted after ${received} bytes (${describeNetworkError(e)})`);
    }
    if (expected !== undefined && received !== expected) {
      throw new InputError(url, `download truncated: got ${received} of ${expected} bytes`);
    }
    return {
      bytes: received,
      sha256: hash.digest("hex"),
      ...(Number.isFinite(lastModifiedMs) ? { lastModified: new Date(lastModifiedMs).toISOString() } : {}),
    };
  } finally {
    clearTimeout(timer);
    if (fd !== undefined) closeSync(fd);
  }
}

const DOWNLOAD_PREFIX = ".depwarden-download-";

/** Temporary directories left by an update that was killed (Ctrl-C during a download): gone after 6 hours. */
function removeStaleDownloads(dir: string): void {
  try {
    for (const name of readdirSync(dir)) {
      if (!name.startsWith(DOWNLOAD_PREFIX)) continue;
      const path = join(dir, name);
      if (Date.now() - statSync(path).mtimeMs > 6 * 3_600_000) rmSync(path, { recursive: true, force: true });
    }
  } catch {
    // best effort: a directory we cannot list or clean is not a reason to fail the update
  }
}

export interface UpdateResult extends ImportResult {
  downloads: Downloaded[];
}

/**
 * Downloads every ecosystem's dump, then imports them together: the store changes only if every download and
 * every record is good.
 */
export async function updateAdvisories(
  store: AdvisoryStore,
  options: UpdateOptions = {},
): Promise<UpdateResult> {
  const source = options.source ?? DEFAULT_UPDATE_SOURCE;
  const ecosystems = [
    ...new Set(options.ecosystems?.length ? options.ecosystems : DEFAULT_UPDATE_ECOSYSTEMS),
  ];
  checkSource(source);
  for (const e of ecosystems) checkEcosystem(e);
  const now = options.now ?? (() => new Date());
  removeStaleDownloads(dirname(store.path));
  // Next to the store (a dump can be hundreds of MiB; /tmp is often memory), else the system's temp dir.
  let dir: string;
  try {
    dir = mkdtempSync(join(dirname(store.path), DOWNLOAD_PREFIX));
  } catch {
    dir = mkdtempSync(join(tmpdir(), "depwarden-download-"));
  }
  const failed = "update aborted: the store is unchanged";
  try {
    const downloads: Downloaded[] = [];
    for (const ecosystem of ecosystems) {
      const url = dumpUrl(source, ecosystem);
      const path = join(dir, `${downloads.length}.zip`);
      let got: Awaited<ReturnType<typeof download>>;
      try {
        got = await download(url, path, {
          timeoutMs: options.timeoutMs ?? 60_000,
          maxBytes: options.maxBytes ?? 4 * 1024 ** 3,
          onProgress: options.onProgress,
        });
      } catch (e) {
        throw abortedError(e, failed);
      }
      if (!isZipFile(path)) {
        throw new InputError(url, `not a zip archive (expected an OSV dump all.zip) (${failed})`);
      }
      // The dump's own date (a mirror may serve an old copy), else the time it was downloaded.
      const done = now();
      const { lastModified, ...rest } = got;
      const at =
        lastModified && Date.parse(lastModified) <= done.getTime() ? lastModified : done.toISOString();
      downloads.push({ ecosystem, url, path, ...rest, at });
    }
    const imported = (() => {
      try {
        return store.writeTransaction(() =>
          importInTransaction(
            store,
            downloads.map((d) => ({
              path: d.path,
              display: d.url,
              kind: "url" as const,
              location: d.url,
              snapshotAt: d.at,
              sha256: d.sha256,
            })),
            { onProgress: options.onProgress, onSkip: options.onSkip, limits: options.limits, now: now() },
          ),
        );
      } catch (e) {
        throw abortedError(e, failed);
      }
    })();
    return { ...imported, downloads };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
