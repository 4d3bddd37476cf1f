/**
 * The per-file work of the package-contents analysis: text rules on every source file, then the syntax-tree
 * analyser of the file's language when its pre-filter matches. Runs in worker threads (worker.ts) or in-process;
 * never executes, imports or installs the code it reads.
 */
import { analyseJavaScript, JS_PREFILTER } from "./javascript.js";
import { analysePython, loadPythonParser, PYTHON_PREFILTER } from "./python.js";
import { analyseText } from "./text.js";
import type { RawFinding } from "./types.js";

export type SourceLanguage = "python" | "javascript" | "shell";

export interface FileJob {
  path: string;
  text: string;
  lang: SourceLanguage;
  /** The package's own setup.py (install-time code). */
  setupPy: boolean;
}

export interface FileResult {
  findings: RawFinding[];
  /** Whether the syntax-tree analyser ran (the pre-filter matched). */
  parsed: boolean;
  /** An analyser failed on this file (a bug or a pathological input): the file is reported as not analysed. */
  error?: string;
}

/** Above this, a file gets the text rules only: parsing a 20 MB bundle costs seconds and finds nothing new. */
export const MAX_PARSE_BYTES = 16 * 1024 * 1024;

let ready: Promise<void> | undefined;

export function prepareAnalysers(): Promise<void> {
  if (!ready) ready = loadPythonParser();
  return ready;
}

export function analyseFileJob(job: FileJob): FileResult {
  const file = { path: job.path, text: job.text };
  const findings: RawFinding[] = [];
  let parsed = false;
  const errors: string[] = [];
  try {
    findings.push(...analyseText(file, job.lang));
  } catch (e) {
    errors.push(`text rules: ${(e as Error)?.message ?? e}`);
  }
  if (job.text.length <= MAX_PARSE_BYTES) {
    try {
      if (job.lang === "python" && (job.setupPy || PYTHON_PREFILTER.test(job.text))) {
        parsed = true;
        findings.push(...analysePython(file, { setupPy: job.setupPy }));
      } else if (job.lang === "javascript" && JS_PREFILTER.test(job.text)) {
        parsed = true;
        findings.push(...analyseJavaScript(file));
      }
    } catch (e) {
      errors.push(`${job.lang} analyser: ${(e as Error)?.message ?? e}`);
    }
  }
  return { findings, parsed, ...(errors.length ? { error: errors.join("; ") } : {}) };
}
