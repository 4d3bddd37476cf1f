// Package-contents rules (issue 4) over benign code: precision and throughput. Run after `npm run build`:
//   node bench/code.mjs [--install] [--runs N] [--corpus npm,python,stdlib] [--quick] [--no-write]
// Corpora (all benign, so every high/critical finding is a false positive):
//   npm    every npm package installed in this project's node_modules (our own dependency tree);
//   python every Python distribution in /usr/lib/python3/dist-packages (Debian python3-* packages; the list is
//          bench/python-packages.txt, installed with apt-get by `--install` when run as root);
//   stdlib the Python standard library /usr/lib/python3.11 as one package (reported separately).
// Each corpus runs in child processes (one per mode, so peak RSS is the mode's own): with one shared pool of 2
// analysis workers and 4 packages in flight (as `scan --deep` runs), and in-process (`workers: 0`), median of
// `--runs` runs (3). Wall time covers reading the files and analysing them, not finding the packages. A third
// child times the stages in-process (read + hash, text rules, pre-filter, syntax trees) in CPU time, and which
// pre-filter tokens bring files to the parsers. `--quick`: one run with the pool only (precision, rough speed).
// The machine is shared: the share of CPU other processes used during each run is reported with the figures.
// Writes the section "Package contents: benign corpus (issue 4)" of bench/RESULTS.md, keeping the others
// (`--no-write`: prints it instead). Nothing analysed is executed or imported: the engine only reads files.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resultsPath, writeSection } from "./results.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const out = join(here, "out", "code");
const HEADING = "## Package contents: benign corpus (issue 4)";
const POOL_WORKERS = 2;
const CONCURRENCY = 4; // packages in flight with the shared pool: what `scan --deep` does (src/analysis/deep.ts)
const MB = 1e6;
const PY_DIST = "/usr/lib/python3/dist-packages";
const STDLIB = "/usr/lib/python3.11";
const CORPORA = {
  npm: { label: "A. npm: node_modules of this project", short: "npm (node_modules)" },
  python: {
    label: "B. Python: Debian python3-* packages (/usr/lib/python3/dist-packages)",
    short: "Python (dist-packages)",
  },
  stdlib: {
    label: "C. Python standard library (/usr/lib/python3.11) as one package",
    short: "Python stdlib",
  },
};
const SEVERITIES = ["critical", "high", "medium", "low", "info"];
const HIGH = new Set(["critical", "high"]);
// biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
const DPKG_FORMAT = "-f=${Package} ${db:Status-Abbrev}\n";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(2)}%` : "–");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};

// --- corpora ------------------------------------------------------------------------------------------------

/** The packages of a corpus: { name, version, display, contents() }. */
async function loadCorpus(corpus) {
  const { findInstalledPackages, installedPackageContents } = await import(
    "../dist/analysis/code/installed.js"
  );
  const warnings = [];
  const onWarning = (m) => warnings.push(m);
  if (corpus === "npm") {
    const found = findInstalledPackages(join(root, "node_modules"), { onWarning });
    return {
      warnings,
      packages: found.map((p) => ({ ...p, contents: () => installedPackageContents(p) })),
    };
  }
  if (corpus === "python") {
    const found = findInstalledPackages(PY_DIST, { onWarning });
    return {
      warnings,
      packages: found.map((p) => ({ ...p, contents: () => installedPackageContents(p) })),
    };
  }
  if (corpus === "stdlib") return { warnings, packages: [stdlibPackage()] };
  throw new Error(`unknown corpus ${corpus}`);
}

/** The standard library as one directory package: its files minus caches and the third-party folders. */
function stdlibPackage() {
  const { diskFile } = archive;
  const skip = new Set(["__pycache__", "site-packages", "dist-packages"]);
  const files = [];
  const walk = (rel) => {
    for (const e of readdirSync(rel ? join(STDLIB, rel) : STDLIB, { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!skip.has(e.name)) walk(path);
      } else if (e.isFile()) {
        const abs = join(STDLIB, path);
        files.push(diskFile(abs, path, lstatSync(abs).size, `python3.11/${path}`, 64 * 2 ** 20));
      }
    }
  };
  walk("");
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    ecosystem: "PyPI",
    name: "python3.11-stdlib",
    version: "3.11",
    display: "python3.11",
    contents: () => ({ kind: "directory", path: "python3.11", files, skipped: [] }),
  };
}
let archive;

/** Busy and total CPU time of the whole machine, in seconds (/proc/stat); undefined where there is none. */
function machineCpu() {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n", 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = f[3] + (f[4] ?? 0);
    return { busy: (total - idle) / 100, total: total / 100 };
  } catch {
    return undefined;
  }
}

// --- child: one corpus, one mode ------------------------------------------------------------------------------

async function child(corpus, mode, runs) {
  archive = await import("../dist/analysis/code/archive.js");
  const { inspectContents } = await import("../dist/analysis/code/inspect.js");
  const { AnalysisPool } = await import("../dist/analysis/code/pool.js");
  const rssBase = process.memoryUsage().rss;
  let t = process.hrtime.bigint();
  const { packages, warnings } = await loadCorpus(corpus);
  const findMs = Number(process.hrtime.bigint() - t) / 1e6;

  // The fixed cost of a pool: start 2 workers (each loads the parsers) and analyse one small file.
  let poolStartMs;
  if (mode === "pool") {
    const s = process.hrtime.bigint();
    const pool = AnalysisPool.create(POOL_WORKERS);
    await pool?.analyse([{ path: "x.py", text: "exec(x)\n", lang: "python", setupPy: false }]);
    poolStartMs = Number(process.hrtime.bigint() - s) / 1e6;
    await pool?.close();
  }
  const timings = [];
  const cpu = [];
  const others = [];
  let last;
  for (let run = 0; run < runs; run++) {
    const results = new Array(packages.length);
    const perPackageMs = new Array(packages.length);
    t = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    const m0 = machineCpu();
    if (mode === "pool") {
      const pool = AnalysisPool.create(POOL_WORKERS);
      if (!pool) throw new Error("the worker pool is unavailable: run `npm run build` first");
      try {
        let next = 0;
        const worker = async () => {
          while (next < packages.length) {
            const i = next++;
            results[i] = await inspectContents(packages[i].contents(), { pool });
          }
        };
        await Promise.all(Array.from({ length: Math.min(CONCURRENCY, packages.length) }, worker));
      } finally {
        await pool.close();
      }
    } else {
      for (let i = 0; i < packages.length; i++) {
        const s = process.hrtime.bigint();
        results[i] = await inspectContents(packages[i].contents(), { workers: 0 });
        perPackageMs[i] = Number(process.hrtime.bigint() - s) / 1e6;
      }
    }
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const c = process.cpuUsage(c0);
    const m1 = machineCpu();
    timings.push(ms);
    cpu.push((c.user + c.system) / 1000);
    // CPU time the rest of the machine used meanwhile, as a share of all cores over the run
    if (m0 && m1)
      others.push(Math.max(0, m1.busy - m0.busy - (c.user + c.system) / 1e6) / (m1.total - m0.total));
    process.stderr.write(`  ${corpus} ${mode} run ${run + 1}/${runs}: ${(ms / 1000).toFixed(1)} s\n`);
    last = { results, perPackageMs };
  }

  const pkgs = last.results.map((r, i) => {
    const p = packages[i];
    return {
      name: p.name,
      version: p.version,
      display: p.display,
      filesFrom: p.filesFrom,
      files: r.files,
      sourceFiles: r.sourceFiles,
      sourceBytes: r.sourceBytes,
      parsedFiles: r.parsedFiles,
      ms: last.perPackageMs[i],
      findings: r.findings.map((f) => ({
        rule: f.rule,
        severity: f.severity,
        file: f.file,
        line: f.line,
        why: f.why,
        snippet: f.snippet,
      })),
      errors: r.errors,
      skipped: r.skipped.length,
    };
  });
  const fingerprint = createHash("sha256");
  for (const p of pkgs)
    for (const f of p.findings)
      fingerprint.update(`${p.display}\0${f.file}\0${f.line}\0${f.rule}\0${f.severity}\n`);
  return {
    corpus,
    mode,
    findMs,
    poolStartMs,
    timings,
    cpu,
    others,
    warnings,
    maxRssMB: (process.resourceUsage().maxRSS * 1024) / 2 ** 20,
    baseRssMB: rssBase / 2 ** 20,
    fingerprint: fingerprint.digest("hex"),
    packages: pkgs,
  };
}

/** The top-level alternatives of a regular expression's source (`a|b(c|d)|e` → a, b(c|d), e). */
function alternatives(source) {
  const out = [];
  let depth = 0;
  let inClass = false;
  let from = 0;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === "\\") i++;
    else if (inClass) inClass = ch !== "]";
    else if (ch === "[") inClass = true;
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "|" && depth === 0) {
      out.push(source.slice(from, i));
      from = i + 1;
    }
  }
  out.push(source.slice(from));
  return out;
}

/**
 * Where the in-process time goes, per file: reading + hashing, the text rules, the pre-filter, the syntax-tree
 * analysers (parse + walk). Same work as `analyseFileJob`, timed stage by stage; one run.
 */
async function profile(corpus) {
  archive = await import("../dist/analysis/code/archive.js");
  const { languageOf } = await import("../dist/analysis/code/inspect.js");
  const { analyseText, nativeBinaryKind } = await import("../dist/analysis/code/text.js");
  const py = await import("../dist/analysis/code/python.js");
  const js = await import("../dist/analysis/code/javascript.js");
  const { MAX_PARSE_BYTES } = await import("../dist/analysis/code/analyse-file.js");
  await py.loadPythonParser();
  // Which pre-filter tokens bring files to the parsers: each top-level alternative of the pre-filter's source
  // (for Python the union of its tokens; its test() checks conjunctions of them), with the parsed files and bytes
  // it matches and the tree-analysis CPU time of those files (a file counts for every token it matches).
  const tokens = {
    python: alternatives(py.PYTHON_PREFILTER.source).map((src) => ({
      src,
      re: new RegExp(src, py.PYTHON_PREFILTER.flags),
      files: 0,
      bytes: 0,
      ms: 0,
      only: 0,
    })),
    javascript: alternatives(js.JS_PREFILTER.source).map((src) => ({
      src,
      re: new RegExp(src, js.JS_PREFILTER.flags),
      files: 0,
      bytes: 0,
      ms: 0,
      only: 0,
    })),
  };
  const { packages } = await loadCorpus(corpus);
  const stages = { read: 0, text: 0, prefilter: 0, python: 0, javascript: 0 };
  const counts = {
    python: { files: 0, bytes: 0, parsed: 0, parsedBytes: 0 },
    javascript: { files: 0, bytes: 0, parsed: 0, parsedBytes: 0 },
    shell: { files: 0, bytes: 0, parsed: 0, parsedBytes: 0 },
  };
  const slow = { text: [], python: [], javascript: [] };
  const keep = (list, entry) => {
    list.push(entry);
    if (list.length > 40) {
      list.sort((a, b) => b.ms - a.ms);
      list.length = 20;
    }
  };
  // CPU time of this process (the machine is shared: wall time would count other processes' turns)
  const now = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  for (const p of packages) {
    const contents = p.contents();
    for (const f of contents.files) {
      let t = now();
      let data;
      try {
        data = f.read();
      } catch {
        continue;
      }
      createHash("sha256").update(data).digest("hex");
      let lang;
      if (!nativeBinaryKind(data.subarray(0, 64))) {
        let binary = false;
        for (let i = 0, n = Math.min(data.length, 8000); i < n; i++) if (data[i] === 0) binary = true;
        if (!binary) lang = languageOf(f.path, Buffer.from(data.subarray(0, 256)).toString("utf8"));
      }
      const text = lang ? Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8") : "";
      stages.read += now() - t;
      if (!lang) continue;
      const file = { path: f.path, text };
      counts[lang].files++;
      counts[lang].bytes += data.length;
      const where = `${p.display}/${f.path}`;
      t = now();
      analyseText(file, lang);
      let d = now() - t;
      stages.text += d;
      keep(slow.text, { where, ms: d, bytes: text.length });
      if (text.length > MAX_PARSE_BYTES || lang === "shell") continue;
      t = now();
      const setupPy = f.path === "setup.py";
      const hit = lang === "python" ? setupPy || py.PYTHON_PREFILTER.test(text) : js.JS_PREFILTER.test(text);
      stages.prefilter += now() - t;
      if (!hit) continue;
      counts[lang].parsed++;
      counts[lang].parsedBytes += data.length;
      t = now();
      try {
        if (lang === "python") py.analysePython(file, { setupPy });
        else js.analyseJavaScript(file);
      } catch {}
      d = now() - t;
      stages[lang] += d;
      keep(slow[lang], { where, ms: d, bytes: text.length });
      const hits = tokens[lang].filter((k) => k.re.test(text));
      for (const k of hits) {
        k.files++;
        k.bytes += data.length;
        k.ms += d;
        if (hits.length === 1) k.only++;
      }
    }
  }
  for (const k of Object.keys(slow)) slow[k] = slow[k].sort((a, b) => b.ms - a.ms).slice(0, 5);
  const top = (list) =>
    list
      .filter((k) => k.files)
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 6)
      .map(({ re: _re, ...k }) => k);
  return {
    corpus,
    stages,
    counts,
    slow,
    tokens: { python: top(tokens.python), javascript: top(tokens.javascript) },
  };
}

// --- parent -----------------------------------------------------------------------------------------------

function pythonListStatus() {
  const list = readFileSync(join(here, "python-packages.txt"), "utf8").split(/\s+/).filter(Boolean);
  if (process.argv.includes("--install")) {
    if (process.getuid?.() !== 0) {
      process.stderr.write("--install needs root (apt-get); using what is installed\n");
    } else {
      process.stderr.write(`installing ${list.length} Debian packages…\n`);
      try {
        execFileSync("apt-get", ["install", "-y", "--no-install-recommends", ...list], {
          stdio: ["ignore", "inherit", "inherit"],
          env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
        });
      } catch (e) {
        process.stderr.write(`apt-get failed (${e.status ?? e.message}); using what is installed\n`);
      }
    }
  }
  let status = "";
  try {
    status = execFileSync("dpkg-query", ["-W", DPKG_FORMAT, ...list], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch (e) {
    status = e.stdout ?? ""; // dpkg-query exits 1 when some are unknown; its output still lists the others
  }
  const installed = new Set(
    status
      .split("\n")
      .filter((l) => /\sii\s*$/.test(l))
      .map((l) => l.split(" ")[0]),
  );
  return {
    list,
    present: list.filter((p) => installed.has(p)),
    missing: list.filter((p) => !installed.has(p)),
  };
}

function runChild(corpus, mode, runs) {
  mkdirSync(out, { recursive: true });
  const file = join(out, `${corpus}-${mode}.json`);
  execFileSync(
    process.execPath,
    [fileURLToPath(import.meta.url), "--child", corpus, mode, String(runs), file],
    { stdio: ["ignore", "inherit", "inherit"], maxBuffer: 1 << 30 },
  );
  return JSON.parse(readFileSync(file, "utf8"));
}

const md = (s) => String(s).replace(/\s+/g, " ").replace(/\|/g, "\\|").replace(/`/g, "ˋ").trim();
const clip = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function precision(result) {
  const pkgs = result.packages;
  const byRule = new Map();
  let withHigh = 0;
  let withAny = 0;
  const highs = [];
  const errors = [];
  for (const p of pkgs) {
    if (p.findings.length) withAny++;
    if (p.findings.some((f) => HIGH.has(f.severity))) withHigh++;
    const seen = new Set();
    for (const f of p.findings) {
      let r = byRule.get(f.rule);
      if (!r) {
        r = Object.fromEntries(SEVERITIES.map((s) => [s, { findings: 0, packages: 0 }]));
        byRule.set(f.rule, r);
      }
      r[f.severity] ??= { findings: 0, packages: 0 };
      const cell = r[f.severity];
      cell.findings++;
      const k = `${f.rule}\0${f.severity}`;
      if (!seen.has(k)) {
        seen.add(k);
        cell.packages++;
      }
      if (HIGH.has(f.severity)) highs.push({ pkg: p, f });
    }
    for (const e of p.errors) errors.push({ pkg: p, e });
  }
  return { packages: pkgs.length, withHigh, withAny, byRule, highs, errors };
}

function totals(result) {
  const t = { files: 0, sourceFiles: 0, sourceBytes: 0, parsedFiles: 0, skipped: 0 };
  for (const p of result.packages) {
    t.files += p.files;
    t.sourceFiles += p.sourceFiles;
    t.sourceBytes += p.sourceBytes;
    t.parsedFiles += p.parsedFiles;
    t.skipped += p.skipped;
  }
  return t;
}

async function parent() {
  const quick = process.argv.includes("--quick");
  const runs = quick ? 1 : Number(arg("--runs", "3"));
  const wanted = arg("--corpus", "npm,python,stdlib").split(",");
  const py = pythonListStatus();
  process.stderr.write(
    `Debian list: ${py.present.length} of ${py.list.length} installed${py.missing.length ? ` (missing: ${py.missing.join(" ")})` : ""}\n`,
  );
  const { RULES } = await import("../dist/analysis/code/rules.js");
  const ruleOrder = RULES.map((r) => r.id);

  const rows = [];
  for (const corpus of wanted) {
    if (!CORPORA[corpus])
      throw new Error(`unknown corpus ${corpus}; known: ${Object.keys(CORPORA).join(", ")}`);
    process.stderr.write(`${CORPORA[corpus].label}\n`);
    const pool = runChild(corpus, "pool", runs);
    const single = quick ? pool : runChild(corpus, "inproc", runs);
    const prof = quick ? undefined : runChild(corpus, "profile", 1);
    rows.push({ corpus, pool, single, prof, totals: totals(pool), precision: precision(pool) });
  }

  // --- the section ---
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const lines = [
    HEADING,
    "",
    "Written by bench/code.mjs (after `npm run build`): `inspectContents` (src/analysis/code/inspect.ts) over every",
    "package of three benign corpora. Throughput: one shared pool of 2 analysis workers with 4 packages in flight (as",
    "`scan --deep` runs), and in-process single-threaded (`workers: 0`) for comparison; wall time of reading and",
    `analysing all packages (not finding them), median of ${runs} runs, each mode in its own process (peak RSS is`,
    "that process's maximum resident set, workers included). MB = 10^6 bytes of source files (Python, JavaScript,",
    "TypeScript, shell; other files are read and hashed but not counted). Prefilter hit rate: source files whose",
    "syntax tree was built (parsedFiles / sourceFiles).",
    "",
    `- date: ${new Date().toISOString().slice(0, 10)}`,
    `- machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${process.platform}`,
    `- Debian list (bench/python-packages.txt): ${py.present.length} of ${py.list.length} installed${py.missing.length ? `; missing: ${py.missing.join(", ")}` : ""}`,
    "",
    "### Throughput",
    "",
    "| corpus | packages | files | source files | source MB | prefilter hit rate | 2 workers: wall / MB/s / files/s / peak RSS | in-process: wall / MB/s / files/s / peak RSS | speed-up |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const t = r.totals;
    const pw = median(r.pool.timings);
    const sw = median(r.single.timings);
    const cell = (ms, rss, skipped) =>
      skipped
        ? "not run (--quick)"
        : `${(ms / 1000).toFixed(1)} s / **${(t.sourceBytes / MB / (ms / 1000)).toFixed(1)}** / ${Math.round(t.sourceFiles / (ms / 1000)).toLocaleString("en")} / ${rss.toFixed(0)} MB`;
    lines.push(
      `| ${CORPORA[r.corpus].short} | ${r.precision.packages.toLocaleString("en")} | ${t.files.toLocaleString("en")} | ${t.sourceFiles.toLocaleString("en")} | ${(t.sourceBytes / MB).toFixed(1)} | ${pct(t.parsedFiles, t.sourceFiles)} | ${cell(pw, r.pool.maxRssMB, false)} | ${cell(sw, r.single.maxRssMB, quick)} | ${quick ? "–" : `${(sw / pw).toFixed(2)}x`} |`,
    );
  }
  // The issue's corpus is npm + Python packages (A + B); the stdlib (C) is shown apart.
  const aimRows = rows.some((r) => r.corpus !== "stdlib") ? rows.filter((r) => r.corpus !== "stdlib") : rows;
  const aimLabel = aimRows.map((r) => r.corpus).join(" + ");
  const all = aimRows.reduce(
    (a, r) => ({
      bytes: a.bytes + r.totals.sourceBytes,
      pool: a.pool + median(r.pool.timings),
      single: a.single + median(r.single.timings),
    }),
    { bytes: 0, pool: 0, single: 0 },
  );
  const mbps = all.bytes / MB / (all.pool / 1000);
  lines.push(
    `| **${aimLabel}** | | | | ${(all.bytes / MB).toFixed(1)} | | ${(all.pool / 1000).toFixed(1)} s / **${mbps.toFixed(1)}** MB/s | ${(all.single / 1000).toFixed(1)} s / ${(all.bytes / MB / (all.single / 1000)).toFixed(1)} MB/s | ${(all.single / all.pool).toFixed(2)}x |`,
    "",
    `CPU time (median run, all threads): ${rows
      .map((r) => {
        const c = (x) => median(x.cpu);
        const mb = r.totals.sourceBytes / MB;
        return `${r.corpus} ${(c(r.pool) / 1000).toFixed(1)} s with 2 workers (${(mb / (c(r.pool) / 1000)).toFixed(1)} MB per CPU-second), ${(c(r.single) / 1000).toFixed(1)} s in-process (${(mb / (c(r.single) / 1000)).toFixed(1)} MB per CPU-second)`;
      })
      .join(
        "; ",
      )}. Other processes' share of the machine's CPU during the runs (others work on this machine too; their load slows these figures): ${rows.map((r) => `${r.corpus} ${r.pool.others.map((x) => `${(100 * x).toFixed(0)}%`).join("/")} (2 workers), ${r.single.others.map((x) => `${(100 * x).toFixed(0)}%`).join("/")} (in-process)`).join("; ")}.`,
    `Runs (s, 2 workers / in-process): ${rows
      .map(
        (r) =>
          `${r.corpus} ${r.pool.timings.map((x) => (x / 1000).toFixed(1)).join(", ")} / ${r.single.timings.map((x) => (x / 1000).toFixed(1)).join(", ")}`,
      )
      .join(
        "; ",
      )}. Finding the packages (not in the wall times): ${rows.map((r) => `${r.corpus} ${r.pool.findMs.toFixed(0)} ms`).join(", ")}. Starting the pool (2 workers, parsers loaded, one small file analysed; in the wall times): ${rows.map((r) => `${(r.pool.poolStartMs ?? 0).toFixed(0)} ms`).join(", ")}.`,
    `Findings with 2 workers and in-process identical: ${rows.map((r) => `${r.corpus} ${r.pool.fingerprint === r.single.fingerprint ? "yes" : "**NO**"}`).join(", ")}.`,
    "",
  );
  // slowest packages (in-process, per package)
  const slow = rows
    .flatMap((r) => r.single.packages.map((p) => ({ ...p, corpus: r.corpus })))
    .filter((p) => p.ms !== undefined && p.ms !== null)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 10);
  if (slow.length)
    lines.push(
      `Slowest packages in-process: ${slow
        .map(
          (p) =>
            `${p.display} ${(p.ms / 1000).toFixed(2)} s (${(p.sourceBytes / MB).toFixed(1)} MB, ${(p.sourceBytes / MB / (p.ms / 1000)).toFixed(1)} MB/s)`,
        )
        .join("; ")}.`,
      "",
    );

  const profiled = rows.filter((r) => r.prof);
  if (profiled.length) {
    const sec = (ms) => `${(ms / 1000).toFixed(1)} s`;
    lines.push(
      "Where the time goes: one in-process run per corpus, CPU time per stage (reading + hashing every file,",
      "text rules on source files, the pre-filter, the syntax-tree analysers: parse + walk), and the MB each",
      "stage handles (per CPU second).",
      "",
      "| corpus | read + hash | text rules | pre-filter | Python trees | JavaScript trees | Python parsed | JavaScript parsed |",
      "|---|---|---|---|---|---|---|---|",
    );
    for (const r of profiled) {
      const { stages: s, counts: c } = r.prof;
      const src = (c.python.bytes + c.javascript.bytes + c.shell.bytes) / MB;
      const rate = (mb, ms) => (ms > 0 ? ` (${(mb / (ms / 1000)).toFixed(1)} MB/s)` : "");
      const parsed = (k) =>
        `${c[k].parsed.toLocaleString("en")} of ${c[k].files.toLocaleString("en")} files, ${(c[k].parsedBytes / MB).toFixed(1)} of ${(c[k].bytes / MB).toFixed(1)} MB`;
      lines.push(
        `| ${CORPORA[r.corpus].short} | ${sec(s.read)} | ${sec(s.text)}${rate(src, s.text)} | ${sec(s.prefilter)}${rate((c.python.bytes + c.javascript.bytes) / MB, s.prefilter)} | ${sec(s.python)}${rate(c.python.parsedBytes / MB, s.python)} | ${sec(s.javascript)}${rate(c.javascript.parsedBytes / MB, s.javascript)} | ${parsed("python")} | ${parsed("javascript")} |`,
      );
    }
    lines.push(
      "",
      "Pre-filter tokens whose matches cost the most syntax-tree time (a top-level alternative of the pre-filter's",
      "source; for Python its test() requires conjunctions of them; a file counts for every token it contains;",
      "`alone`: files no other token matched):",
      "",
    );
    for (const r of profiled) {
      for (const [lang, list] of Object.entries(r.prof.tokens)) {
        if (!list.length) continue;
        lines.push(
          `- ${r.corpus}, ${lang}: ${list
            .slice(0, 4)
            .map(
              (k) =>
                `\`${md(clip(k.src, 70))}\` ${k.files} files, ${(k.bytes / MB).toFixed(1)} MB, ${(k.ms / 1000).toFixed(1)} s (alone: ${k.only})`,
            )
            .join("; ")}`,
        );
      }
    }
    lines.push("", "Slowest files (CPU):", "");
    for (const r of profiled) {
      for (const [stage, list] of Object.entries(r.prof.slow)) {
        if (!list.length) continue;
        lines.push(
          `- ${r.corpus}, ${stage}: ${list.map((x) => `${md(x.where)} ${x.ms.toFixed(0)} ms (${(x.bytes / MB).toFixed(2)} MB)`).join("; ")}`,
        );
      }
    }
    lines.push("");
  }

  lines.push("### Precision", "");
  lines.push(
    "| corpus | packages | with any finding | with a high/critical finding | high/critical findings | files not analysed (errors) |",
    "|---|---|---|---|---|---|",
  );
  for (const r of rows) {
    const p = r.precision;
    lines.push(
      `| ${CORPORA[r.corpus].short} | ${p.packages.toLocaleString("en")} | ${p.withAny} (${pct(p.withAny, p.packages)}) | **${p.withHigh} (${pct(p.withHigh, p.packages)})** | ${p.highs.length} | ${p.errors.length} |`,
    );
  }
  const ab = rows.filter((r) => r.corpus !== "stdlib");
  const abPkgs = ab.reduce((n, r) => n + r.precision.packages, 0);
  const abHigh = ab.reduce((n, r) => n + r.precision.withHigh, 0);
  const precisionMet =
    abPkgs > 0 &&
    abHigh / abPkgs < 0.01 &&
    ab.every((r) => r.precision.withHigh / r.precision.packages < 0.01);
  const speedMet = mbps >= 20;
  lines.push(
    "",
    "Aims (issue 4):",
    !ab.length
      ? "- high/critical findings in under 1% of benign packages: not measured (corpora npm and python not run);"
      : `- high/critical findings in under 1% of benign packages: ${ab.map((r) => `${r.corpus} ${pct(r.precision.withHigh, r.precision.packages)}`).join(", ")} (together ${pct(abHigh, abPkgs)} of ${abPkgs.toLocaleString("en")}) — **${precisionMet ? "met" : "not met"}**${rows.some((r) => r.corpus === "stdlib") ? " (the stdlib, one package, is reported apart)" : ""};`,
    `- at least 20 MB/s of source on this 2-core machine: ${mbps.toFixed(1)} MB/s with 2 workers over ${aimLabel} — **${speedMet ? "met" : "not met"}**.`,
    "",
  );

  for (const r of rows) {
    const p = r.precision;
    lines.push(`#### ${CORPORA[r.corpus].label}: findings per rule`, "");
    if (!p.byRule.size) {
      lines.push("No findings.", "");
    } else {
      lines.push(
        `Each cell: findings (packages). ${r.precision.packages.toLocaleString("en")} packages.`,
        "",
        `| rule | ${SEVERITIES.join(" | ")} |`,
        `|---|${SEVERITIES.map(() => "---").join("|")}|`,
      );
      const ids = [...p.byRule.keys()].sort((a, b) => ruleOrder.indexOf(a) - ruleOrder.indexOf(b));
      for (const id of ids) {
        const c = p.byRule.get(id);
        lines.push(
          `| ${id} | ${SEVERITIES.map((s) => (c[s]?.findings ? `${c[s].findings} (${c[s].packages})` : "–")).join(" | ")} |`,
        );
      }
      lines.push("");
    }
    if (p.highs.length) {
      lines.push(
        `High/critical findings (false positives: the corpus is benign), ${p.highs.length}:`,
        "",
        "| package | rule | severity | file:line | why | snippet |",
        "|---|---|---|---|---|---|",
      );
      for (const { pkg, f } of p.highs) {
        lines.push(
          `| ${md(pkg.name)} ${md(pkg.version)} | ${f.rule} | ${f.severity} | ${md(f.file)}:${f.line} | ${md(clip(f.why, 220))} | \`${md(clip(f.snippet, 100))}\` |`,
        );
      }
      lines.push("");
    }
    const mediums = r.pool.packages.flatMap((pkg) =>
      pkg.findings
        .filter((f) => f.severity === "medium" && f.rule !== "native-binary")
        .map((f) => ({ pkg, f })),
    );
    if (mediums.length) {
      lines.push(
        `Medium findings other than native-binary, ${mediums.length}: ${mediums
          .slice(0, 30)
          .map(({ pkg, f }) => `${md(pkg.name)} ${f.rule} ${md(f.file)}:${f.line}`)
          .join("; ")}${mediums.length > 30 ? "; …" : ""}.`,
        "",
      );
    }
    if (p.errors.length) {
      lines.push(
        `Files an analyser failed on (not fully analysed), ${p.errors.length}: ${p.errors
          .slice(0, 20)
          .map(({ pkg, e }) => `${md(pkg.display)}/${md(e.file)}: ${md(clip(e.message, 120))}`)
          .join("; ")}${p.errors.length > 20 ? "; …" : ""}.`,
        "",
      );
    }
  }

  const section = `${lines.join("\n")}\n`;
  if (!process.argv.includes("--no-write")) {
    writeSection(HEADING, section);
    process.stderr.write(`wrote ${resultsPath}\n`);
  } else process.stdout.write(section);
  for (const r of rows) {
    process.stderr.write(
      `${r.corpus}: ${r.precision.packages} packages, ${r.precision.withHigh} with high/critical (${pct(r.precision.withHigh, r.precision.packages)}); ${(r.totals.sourceBytes / MB).toFixed(1)} MB in ${(median(r.pool.timings) / 1000).toFixed(1)} s (2 workers), ${(median(r.single.timings) / 1000).toFixed(1)} s (in-process)\n`,
    );
  }
}

if (process.argv[2] === "--child") {
  const [, , , corpus, mode, runs, file] = process.argv;
  const result = mode === "profile" ? await profile(corpus) : await child(corpus, mode, Number(runs));
  writeFileSync(file, JSON.stringify(result));
} else {
  await parent();
}
