/**
 * Worker threads for the package-contents analysis. Jobs go out in batches (fewer messages for packages of many
 * small files); each worker loads the parsers once. Only available when running from the built `dist/` (the
 * worker is a compiled module); from the TypeScript sources (tests) the analysis runs in-process.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { FileJob, FileResult } from "./analyse-file.js";

const BATCH_BYTES = 512 * 1024;
const BATCH_FILES = 64;

interface Pending {
  resolve: (r: FileResult[]) => void;
  reject: (e: Error) => void;
}

export class AnalysisPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: { id: number; jobs: FileJob[] }[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failed: Error | undefined;

  private constructor(script: URL, size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(script);
      w.unref();
      w.on("message", (msg: { id: number; results?: FileResult[]; error?: string }) => {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        this.idle.push(w);
        if (p) {
          if (msg.results) p.resolve(msg.results);
          else p.reject(new Error(msg.error ?? "analysis worker failed"));
        }
        this.dispatch();
      });
      w.on("error", (e) => this.fail(e));
      w.on("exit", (code) => {
        if (code !== 0) this.fail(new Error(`analysis worker exited with code ${code}`));
      });
      this.all.push(w);
      this.idle.push(w);
    }
  }

  /** A pool of `size` workers (default: one per core, at most 8), or undefined when workers are unavailable. */
  static create(size?: number): AnalysisPool | undefined {
    const script = new URL("./worker.js", import.meta.url);
    if (!import.meta.url.endsWith(".js") || !existsSync(fileURLToPath(script))) return undefined;
    const n = Math.max(1, Math.min(size ?? availableParallelism(), 8));
    return new AnalysisPool(script, n);
  }

  get size(): number {
    return this.all.length;
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private dispatch(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const batch = this.queue.shift()!;
      w.postMessage(batch);
    }
  }

  /** Analyses the jobs; results in the jobs' order. */
  async analyse(jobs: FileJob[]): Promise<FileResult[]> {
    if (this.failed) throw this.failed;
    const batches: FileJob[][] = [];
    let current: FileJob[] = [];
    let bytes = 0;
    for (const job of jobs) {
      if (current.length && (bytes + job.text.length > BATCH_BYTES || current.length >= BATCH_FILES)) {
        batches.push(current);
        current = [];
        bytes = 0;
      }
      current.push(job);
      bytes += job.text.length;
    }
    if (current.length) batches.push(current);
    const promises = batches.map(
      (b) =>
        new Promise<FileResult[]>((resolve, reject) => {
          const id = this.nextId++;
          this.pending.set(id, { resolve, reject });
          this.queue.push({ id, jobs: b });
        }),
    );
    this.dispatch();
    return (await Promise.all(promises)).flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
    this.all.length = 0;
    this.idle.length = 0;
  }
}
