/**
 * `depwarden inspect` without the command line: reads a package's files (directory, npm tarball, wheel, sdist,
 * single file) with limits, runs the rules of rules.ts over them (text rules, Python and JavaScript syntax trees,
 * npm install scripts, native binaries), completes each finding (snippet, content hash, rule metadata) and applies
 * the reviewed false positives (`accept` in `.depwarden.yaml`). Nothing read is executed, imported or installed.
 */
import { createHash } from "node:crypto";
import { basename } from "node:path";
import { InputError } from "../../errors.js";
import type { Ecosystem } from "../../inventory/model.js";
import { buildPurl } from "../../inventory/normalise.js";
import type { AcceptEntry } from "../../policy/config.js";
import { expiryInstant } from "../../policy/ignores.js";
import { acceptNames } from "../../policy/package-spec.js";
import type { Acceptance } from "../finding.js";
import type { FailOn } from "../scan.js";
import { SEVERITY_ORDER, type Severity } from "../severity.js";
import {
  analyseFileJob,
  type FileJob,
  type FileResult,
  prepareAnalysers,
  type SourceLanguage,
} from "./analyse-file.js";
import { type ArchiveLimits, type PackageContents, type PackageFile, readPackage } from "./archive.js";
import { analyseNpmManifest } from "./npm-scripts.js";
import { AnalysisPool } from "./pool.js";
import { type RuleId, ruleById } from "./rules.js";
import { analyseBinary, nativeBinaryKind } from "./text.js";
import type { CodeFinding, RawFinding } from "./types.js";

export interface InspectFinding extends CodeFinding {
  /** Present when an unexpired `accept` entry covers this finding (same package, rule and file content). */
  accepted?: Acceptance;
  /** Present when the entry that covered it has expired: it gates again. */
  expiredAcceptance?: Acceptance;
}

export interface InspectedPackage {
  /** The path as given (or the installed package's display path). */
  path: string;
  kind: PackageContents["kind"];
  ecosystem?: Ecosystem;
  name?: string;
  version?: string;
  purl?: string;
  /** Files in the package, source files analysed, and their bytes. */
  files: number;
  sourceFiles: number;
  sourceBytes: number;
  /** Source files whose syntax tree was analysed (the others had no token any syntax-tree rule needs). */
  parsedFiles: number;
  /** Sorted: severity (critical first), file, line, rule. */
  findings: InspectFinding[];
  /** Entries not read (links, path escapes, files over the limits). */
  skipped: { path: string; reason: string }[];
  /** Files an analyser failed on: they were not (fully) analysed. */
  errors: { file: string; message: string }[];
}

export interface InspectOptions {
  /** Worker threads: 0 analyses in this thread; default: one per core when the package is big enough. */
  workers?: number;
  /** A pool shared by several packages (`scan --deep`); the caller closes it. */
  pool?: AnalysisPool;
  limits?: Partial<ArchiveLimits>;
  accepts?: AcceptEntry[];
  now?: Date;
}

/** Below this many source bytes, starting workers costs more than it saves. */
const WORKER_THRESHOLD_BYTES = 2 * 1024 * 1024;

// `.pth` files: their `import` lines run at every interpreter start (site.py).
const PY_EXT = /\.(?:py|pyw|pth)$/i;
const JS_EXT = /\.(?:js|cjs|mjs|jsx|ts|tsx|mts|cts)$/i;
const DTS = /\.d\.(?:ts|mts|cts)$/i;
const SHELL_EXT = /\.(?:sh|bash|zsh|ps1|psm1|bat|cmd)$/i;

/** The language a file is analysed as, from its name or its `#!` line; undefined: not source code. */
export function languageOf(path: string, head: string): SourceLanguage | undefined {
  if (PY_EXT.test(path)) return "python";
  if (JS_EXT.test(path)) return DTS.test(path) ? undefined : "javascript";
  if (SHELL_EXT.test(path)) return "shell";
  if (head.startsWith("#!")) {
    const line = head.slice(0, head.indexOf("\n") >>> 0 || 200);
    if (/\bpython[\d.]*\b/.test(line)) return "python";
    if (/\bnode\b|\bdeno\b|\bbun\b/.test(line)) return "javascript";
    if (/\b(?:ba|z|da|k)?sh\b/.test(line)) return "shell";
  }
  return undefined;
}

function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

const SNIPPET_MAX = 200;

/** The line's code, trimmed; around the column when the line is long (minified code). */
export function snippetOf(text: string, line: number, column?: number): string {
  let start = 0;
  for (let l = 1; l < line && start >= 0; l++) {
    start = text.indexOf("\n", start);
    if (start >= 0) start++;
  }
  if (start < 0) return "";
  let end = text.indexOf("\n", start);
  if (end < 0) end = text.length;
  let s = text.slice(start, end).replace(/\r$/, "");
  if (s.length > SNIPPET_MAX) {
    const col = Math.max(0, (column ?? 1) - 1);
    const from = Math.max(0, Math.min(col - 40, s.length - SNIPPET_MAX));
    s = `${from > 0 ? "…" : ""}${s.slice(from, from + SNIPPET_MAX).trim()}${from + SNIPPET_MAX < s.length ? "…" : ""}`;
  }
  return cleanSnippet(s.trim());
}

/** Tabs to spaces, long blank runs shortened, control characters shown as escapes (terminal safety). */
export function cleanSnippet(s: string): string {
  return s
    .replace(/\t/g, " ")
    .replace(/ {12,}/g, (m) => ` ⟨${m.length} spaces⟩ `)
    .replace(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes
      /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    )
    .slice(0, SNIPPET_MAX * 2);
}

function severityRank(s: Severity): number {
  const i = SEVERITY_ORDER.indexOf(s);
  return i < 0 ? SEVERITY_ORDER.length : i;
}

function looksBinary(data: Uint8Array): boolean {
  const n = Math.min(data.length, 8000);
  for (let i = 0; i < n; i++) if (data[i] === 0) return true;
  return false;
}

interface FileEntry {
  file: PackageFile;
  data: Uint8Array;
  sha256: string;
}

function identity(
  contents: PackageContents,
): Pick<InspectedPackage, "ecosystem" | "name" | "version" | "purl"> {
  const out: Pick<InspectedPackage, "ecosystem" | "name" | "version" | "purl"> = {};
  if (contents.ecosystem) out.ecosystem = contents.ecosystem;
  if (contents.name) out.name = contents.name;
  if (contents.version) out.version = contents.version;
  if (contents.ecosystem && contents.name) {
    try {
      out.purl = buildPurl(contents.ecosystem, contents.name, contents.version ?? null);
    } catch {
      // a name the purl library refuses: no purl
    }
  }
  return out;
}

/** Does an accept entry's `package` name this package? A name, `name@version`, a purl, or the inspected path. */
function packageMatches(spec: string, pkg: InspectedPackage): boolean {
  if (spec === pkg.path) return true;
  if (!pkg.name || !pkg.ecosystem) return false;
  return acceptNames(spec, { ecosystem: pkg.ecosystem, name: pkg.name, version: pkg.version });
}

function applyAccepts(pkg: InspectedPackage, accepts: AcceptEntry[], now: Date): void {
  if (!accepts.length) return;
  for (const f of pkg.findings) {
    for (const a of accepts) {
      if (a.rule !== f.rule || a.sha256 !== f.sha256) continue;
      if (a.file !== undefined && a.file !== f.file) continue;
      if (!packageMatches(a.package, pkg)) continue;
      const acceptance: Acceptance = {
        reason: a.reason,
        approvedBy: a.approvedBy,
        ...(a.expires ? { expires: a.expires } : {}),
        source: a.source,
        ...(a.line ? { line: a.line } : {}),
      };
      if (!a.expires || expiryInstant(a.expires) >= now.getTime()) f.accepted ??= acceptance;
      else f.expiredAcceptance ??= acceptance;
    }
    if (f.accepted) delete f.expiredAcceptance;
  }
}

function sortCodeFindings<T extends CodeFinding>(findings: T[]): T[] {
  return findings.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}

/** Resolves a file an install script runs (`node scripts/x`) to a file of the package. */
function resolveRunFile(ref: string, files: Map<string, unknown>): string | undefined {
  const clean = ref.replace(/^\.\//, "").replace(/\/+$/, "");
  for (const candidate of [clean, `${clean}.js`, `${clean}.cjs`, `${clean}.mjs`, `${clean}/index.js`]) {
    if (files.has(candidate)) return candidate;
  }
  return undefined;
}

/** Severities that make an install script that runs the file `high`: anything above "unusual". */
const RAISING: ReadonlySet<Severity> = new Set(["critical", "high", "medium"]);

/**
 * The most severe finding (medium or above) in the files an install script runs, or in a package file those
 * files name (`preinstall.js` spawning `preinstall.sh`, `install.js` running the bundled binary): one hop, found
 * by the other file's path or base name appearing in the run file's text.
 */
function flaggedRunFiles(
  runs: string[],
  raw: { file: string; finding: RawFinding }[],
  texts: Map<string, string>,
): { file: string; via?: string; rule: string; line: number; severity: Severity } | undefined {
  const severityOf = (r: RawFinding) => r.severity ?? ruleById(r.rule)?.severity ?? "info";
  const worstIn = (file: string) => {
    let worst: RawFinding | undefined;
    for (const r of raw) {
      if (r.file !== file || r.finding.rule === "install-script" || !RAISING.has(severityOf(r.finding)))
        continue;
      if (!worst || severityRank(severityOf(r.finding)) < severityRank(severityOf(worst))) worst = r.finding;
    }
    return worst;
  };
  const flaggedFiles = [...new Set(raw.map((r) => r.file))].filter((f) => f !== "package.json" && worstIn(f));
  let best: { file: string; via?: string; rule: string; line: number; severity: Severity } | undefined;
  const consider = (file: string, via?: string) => {
    const w = worstIn(file);
    if (!w) return;
    const severity = severityOf(w);
    if (!best || severityRank(severity) < severityRank(best.severity))
      best = { file, ...(via ? { via } : {}), rule: w.rule, line: w.line, severity };
  };
  for (const run of runs) {
    consider(run);
    const text = texts.get(run);
    if (!text) continue;
    for (const other of flaggedFiles) {
      if (other === run) continue;
      const base = other.slice(other.lastIndexOf("/") + 1);
      if (text.includes(other) || (base.length >= 4 && namesFile(text, base))) consider(other, run);
    }
  }
  return best;
}

/** Does `text` name a file `base` (after a quote, slash or space, and not followed by more of a name)? */
function namesFile(text: string, base: string): boolean {
  for (let i = text.indexOf(base); i >= 0; i = text.indexOf(base, i + 1)) {
    const before = text[i - 1];
    const after = text[i + base.length];
    if (before !== undefined && !"/\\'\"` ".includes(before)) continue;
    if (after !== undefined && /[\w.-]/.test(after)) continue;
    return true;
  }
  return false;
}

/** Analyses a package already read (an archive, a directory, an installed package). */
export async function inspectContents(
  contents: PackageContents,
  options: InspectOptions = {},
): Promise<InspectedPackage> {
  const pkg: InspectedPackage = {
    path: contents.path,
    kind: contents.kind,
    ...identity(contents),
    files: contents.files.length,
    sourceFiles: 0,
    sourceBytes: 0,
    parsedFiles: 0,
    findings: [],
    skipped: [...contents.skipped],
    errors: [],
  };
  const entries = new Map<string, FileEntry>();
  const jobs: FileJob[] = [];
  const raw: { file: string; finding: RawFinding }[] = [];
  const texts = new Map<string, string>();
  let manifest: FileEntry | undefined;
  const hasBindingGyp = contents.files.some((f) => f.path === "binding.gyp");
  const manifestFile = contents.files.find((f) => f.path === "package.json");
  const gypFile = contents.files.find((f) => f.path === "binding.gyp");
  let installScripts: ReturnType<typeof analyseNpmManifest> = [];
  // Read before the other files (the scripts say which files run at install), and only once: the file loop
  // below takes these bytes instead of reading the files again.
  const early = new Map<string, Uint8Array>();
  const readEarly = (f: PackageFile) => {
    const data = f.read();
    early.set(f.path, data);
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8");
  };
  if (manifestFile) {
    try {
      const bindingGyp = gypFile ? readEarly(gypFile) : undefined;
      installScripts = analyseNpmManifest(
        { path: "package.json", text: readEarly(manifestFile) },
        { hasBindingGyp, ...(bindingGyp !== undefined ? { bindingGyp } : {}) },
      );
    } catch {
      // an unreadable manifest or binding.gyp is reported by the file loop below
    }
  }
  // A file an install script runs is analysed whatever its name: `node build.dat` runs it as JavaScript.
  const ranFiles = new Set(installScripts.flatMap((f) => f.runsFiles).map((ref) => ref.replace(/^\.\//, "")));
  const npmDeclaresPlatform = { value: false };
  for (const file of contents.files) {
    let data: Uint8Array;
    try {
      data = early.get(file.path) ?? file.read();
    } catch (e) {
      const why = e instanceof InputError ? e.detail : ((e as NodeJS.ErrnoException).code ?? String(e));
      pkg.errors.push({ file: file.path, message: `cannot read: ${why}` });
      continue;
    }
    const entry: FileEntry = { file, data, sha256: sha256(data) };
    entries.set(file.path, entry);
    if (file.path === "package.json") manifest = entry;
    const binary = nativeBinaryKind(data.subarray(0, 4096));
    if (binary) {
      entry.sha256 = entry.sha256 || sha256(data);
      const f = analyseBinary(file.path, binary, { packageKind: contents.kind, npmDeclaresPlatform: false });
      if (f) raw.push({ file: file.path, finding: f });
      continue;
    }
    if (looksBinary(data)) continue;
    const head = Buffer.from(data.buffer, data.byteOffset, Math.min(data.length, 256)).toString("utf8");
    const lang =
      languageOf(file.path, head) ??
      (ranFiles.has(file.path) && !/\.(?:json|node)$/i.test(file.path) ? "javascript" : undefined);
    if (!lang) continue;
    const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8");
    texts.set(file.path, text);
    pkg.sourceFiles++;
    pkg.sourceBytes += data.length;
    jobs.push({ path: file.path, text, lang, setupPy: file.path === "setup.py" });
  }
  // npm packages that declare os/cpu ship platform binaries on purpose (esbuild's @esbuild/linux-x64).
  if (manifest) {
    const text = Buffer.from(manifest.data).toString("utf8");
    texts.set("package.json", text);
    try {
      const json = JSON.parse(text) as { os?: unknown; cpu?: unknown };
      npmDeclaresPlatform.value = Array.isArray(json.os) || Array.isArray(json.cpu);
    } catch {
      // reported by the manifest analysis
    }
    if (npmDeclaresPlatform.value) {
      for (let i = raw.length - 1; i >= 0; i--) {
        const r = raw[i]!;
        if (r.finding.rule !== "native-binary") continue;
        const kind = nativeBinaryKind(entries.get(r.file)!.data.subarray(0, 4096))!;
        const again = analyseBinary(r.file, kind, { packageKind: contents.kind, npmDeclaresPlatform: true });
        if (again) raw[i] = { file: r.file, finding: again };
        else raw.splice(i, 1);
      }
    }
  }

  let results: FileResult[];
  let ownPool: AnalysisPool | undefined;
  try {
    let pool = options.pool;
    // Workers pay off for big packages; an explicit --workers N uses them whatever the size.
    const wanted =
      options.workers !== undefined ? options.workers > 0 : pkg.sourceBytes >= WORKER_THRESHOLD_BYTES;
    if (!pool && wanted) {
      ownPool = AnalysisPool.create(options.workers);
      pool = ownPool;
    }
    if (pool && options.workers !== 0) results = await pool.analyse(jobs);
    else {
      await prepareAnalysers();
      results = jobs.map(analyseFileJob);
    }
  } finally {
    await ownPool?.close();
  }
  results.forEach((r, i) => {
    const path = jobs[i]!.path;
    for (const f of r.findings) raw.push({ file: path, finding: f });
    if (r.error) pkg.errors.push({ file: path, message: r.error });
    if (r.parsed) pkg.parsedFiles++;
  });

  if (manifest) {
    for (const f of installScripts) {
      const flagged = flaggedRunFiles(
        f.runsFiles.map((ref) => resolveRunFile(ref, entries)).filter((p): p is string => p !== undefined),
        raw,
        texts,
      );
      const { script: _s, command: _c, runsFiles: _r, ...rest } = f;
      const finding: RawFinding = { ...rest };
      if (flagged && severityRank(finding.severity ?? "low") > severityRank("high")) {
        finding.severity = "high";
        finding.why = `${finding.why}; ${flagged.via ? `${flagged.via} runs ${flagged.file}, which` : flagged.file} has a ${flagged.severity} ${flagged.rule} finding (line ${flagged.line})`;
      }
      raw.push({ file: "package.json", finding });
    }
  }

  // One finding per rule and place: two analysers may see the same thing (a shell string in Python code).
  const byPlace = new Map<string, InspectFinding>();
  for (const { file, finding } of raw) {
    const rule = ruleById(finding.rule);
    if (!rule) continue;
    const severity = finding.severity ?? rule.severity;
    const entry = entries.get(file);
    const text = texts.get(file);
    const snippet =
      finding.snippet !== undefined
        ? cleanSnippet(finding.snippet)
        : text
          ? snippetOf(text, finding.line, finding.column)
          : "";
    const out: InspectFinding = {
      type: rule.type,
      rule: finding.rule as RuleId,
      severity,
      file,
      line: finding.line,
      ...(finding.column !== undefined ? { column: finding.column } : {}),
      snippet,
      why: finding.why,
      sha256: entry?.sha256 ?? "",
    };
    const key = `${file}\u0000${finding.line}\u0000${finding.rule}`;
    const seen = byPlace.get(key);
    if (!seen || severityRank(severity) < severityRank(seen.severity)) byPlace.set(key, out);
  }
  pkg.findings = sortCodeFindings([...byPlace.values()]);
  pkg.skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  pkg.errors.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  applyAccepts(pkg, options.accepts ?? [], options.now ?? new Date());
  return pkg;
}

/** Reads and analyses one package: a directory, `.tgz`, `.whl`, `.tar.gz`/`.zip` sdist, or a single file. */
export async function inspectPackage(path: string, options: InspectOptions = {}): Promise<InspectedPackage> {
  const contents = await readPackage(path, options.limits);
  if (contents.kind === "file") {
    // A single file is named by its base name.
    contents.files = contents.files.map((f) => ({ ...f, path: basename(f.path) }));
  }
  return inspectContents(contents, options);
}

export function worstSeverity(findings: { severity: Severity }[]): Severity | undefined {
  let worst: Severity | undefined;
  for (const f of findings) if (!worst || severityRank(f.severity) < severityRank(worst)) worst = f.severity;
  return worst;
}

export interface InspectReport {
  packages: InspectedPackage[];
  /** Inputs that could not be read at all (missing path, corrupt archive): the run is incomplete (exit 2). */
  errors: { file: string; message: string }[];
  /** Remarks: skipped entries, accept entries that no longer match. */
  warnings: { file: string; message: string }[];
  failOn: FailOn;
  configFiles: string[];
  summary: InspectSummary;
}

export interface InspectSummary {
  /** Findings per severity, accepted ones left out. */
  bySeverity: Record<Severity, number>;
  findings: number;
  accepted: number;
  packages: number;
  files: number;
  sourceFiles: number;
  sourceBytes: number;
}

export interface InspectPathsOptions extends InspectOptions {
  failOn: FailOn;
  configFiles?: string[];
  /** Called when a path cannot be read; default: recorded in `errors`. */
  onInternalError?: (path: string, e: unknown) => void;
}

/** Does this finding fail a gate at `failOn`? Accepted findings never do; an expired acceptance does again. */
export function codeFindingFailsGate(f: InspectFinding, failOn: FailOn): boolean {
  if (failOn === "none" || f.accepted) return false;
  return severityRank(f.severity) <= severityRank(failOn);
}

export function summariseInspection(packages: InspectedPackage[]): InspectSummary {
  const bySeverity = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>;
  let findings = 0;
  let accepted = 0;
  for (const p of packages) {
    for (const f of p.findings) {
      if (f.accepted) accepted++;
      else {
        findings++;
        bySeverity[f.severity]++;
      }
    }
  }
  return {
    bySeverity,
    findings,
    accepted,
    packages: packages.length,
    files: packages.reduce((n, p) => n + p.files, 0),
    sourceFiles: packages.reduce((n, p) => n + p.sourceFiles, 0),
    sourceBytes: packages.reduce((n, p) => n + p.sourceBytes, 0),
  };
}

/** Accept entries for an inspected package that covered none of its findings: the file changed, or the rule no longer fires. */
function staleAccepts(
  packages: InspectedPackage[],
  accepts: AcceptEntry[],
): { file: string; message: string }[] {
  const out: { file: string; message: string }[] = [];
  for (const a of accepts) {
    const pkgs = packages.filter((p) => packageMatches(a.package, p));
    if (!pkgs.length) continue;
    const used = pkgs.some((p) =>
      p.findings.some(
        (f) => f.rule === a.rule && f.sha256 === a.sha256 && (a.file === undefined || a.file === f.file),
      ),
    );
    if (used) continue;
    out.push({
      file: a.source,
      message: `${a.line ? `${a.line}: ` : ""}accept of ${a.rule} for ${a.package}${a.file ? ` (${a.file})` : ""} matched no finding: the file changed since it was reviewed, or the rule no longer fires there`,
    });
  }
  return out;
}

/** Inspects each path (one pool for all of them); unreadable inputs are errors, the others are still inspected. */
export async function inspectPaths(paths: string[], options: InspectPathsOptions): Promise<InspectReport> {
  const packages: InspectedPackage[] = [];
  const errors: InspectReport["errors"] = [];
  const warnings: InspectReport["warnings"] = [];
  let pool = options.pool;
  let ownPool: AnalysisPool | undefined;
  try {
    for (const path of paths) {
      let contents: PackageContents;
      try {
        contents = await readPackage(path, options.limits);
      } catch (e) {
        if (e instanceof InputError) {
          const at = e.position
            ? `${e.position.line}${e.position.column ? `:${e.position.column}` : ""}: `
            : "";
          errors.push({ file: e.file, message: `${at}${e.detail}` });
          continue;
        }
        options.onInternalError?.(path, e);
        errors.push({ file: path, message: `cannot read: ${(e as Error)?.message ?? e}` });
        continue;
      }
      if (contents.kind === "file")
        contents.files = contents.files.map((f) => ({ ...f, path: basename(f.path) }));
      if (!pool && options.workers !== 0 && paths.length > 1) {
        ownPool = AnalysisPool.create(options.workers);
        pool = ownPool;
      }
      const pkg = await inspectContents(contents, { ...options, ...(pool ? { pool } : {}) });
      for (const s of pkg.skipped) warnings.push({ file: `${pkg.path}`, message: `${s.path}: ${s.reason}` });
      // A file that could not be analysed makes the run incomplete (exit 2): code nested deeply enough to defeat
      // a parser must not pass the gate as clean.
      for (const e of pkg.errors)
        errors.push({ file: pkg.path, message: `${e.file}: not analysed: ${e.message}` });
      packages.push(pkg);
    }
  } finally {
    await ownPool?.close();
  }
  warnings.push(...staleAccepts(packages, options.accepts ?? []));
  return {
    packages,
    errors,
    warnings,
    failOn: options.failOn,
    configFiles: options.configFiles ?? [],
    summary: summariseInspection(packages),
  };
}

/** 0: nothing at or above the threshold; 1: something is; 2: an input could not be read. */
export function inspectExitCode(report: InspectReport): number {
  if (report.errors.length) return 2;
  return report.packages.some((p) => p.findings.some((f) => codeFindingFailsGate(f, report.failOn))) ? 1 : 0;
}
