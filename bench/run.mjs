// npm run bench: times `depwarden inventory` on generated 10,000-package lockfiles against the bare cost of
// reading and parsing the same file, and measures peak memory; writes bench/RESULTS.md.
import { execFileSync } from "node:child_process";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { packageLockV3, poetryLock } from "./generate.mjs";
import { resultsPath, writeSection } from "./results.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "out");
const COUNT = 10_000;
const RUNS = 7;

function run(args) {
  return JSON.parse(
    execFileSync(process.execPath, ["--expose-gc", join(here, "measure.mjs"), ...args], { encoding: "utf8" }),
  );
}

const cases = [
  {
    label: "package-lock.json v3",
    dir: "npm",
    file: "package-lock.json",
    make: () => packageLockV3(COUNT),
    parser: "json",
  },
  {
    label: "poetry.lock 2.1",
    dir: "poetry",
    file: "poetry.lock",
    make: () => poetryLock(COUNT),
    parser: "toml",
  },
];

const rows = [];
for (const c of cases) {
  mkdirSync(join(out, c.dir), { recursive: true });
  const path = join(out, c.dir, c.file);
  writeFileSync(path, c.make());
  const size = statSync(path).size;
  const cold = (mode) => median(Array.from({ length: RUNS }, () => run([mode, c.parser, path, "1"]).ms));
  const bareCold = cold("bare-cold");
  const invCold = cold("inventory-cold");
  const bare = run(["bare", c.parser, path, String(RUNS)]);
  const inv = run(["inventory", "-", path, String(RUNS)]);
  const mem = run(["memory", "-", path, "1"]);
  const memBare = run(["memory-bare", c.parser, path, "1"]);
  const cli = run(["cli", "-", path, "3"]);
  rows.push({ ...c, size, bare, inv, mem, memBare, cli, bareCold, invCold });
  process.stderr.write(
    `${c.label}: bare ${bare.median.toFixed(1)} ms, inventory ${inv.median.toFixed(1)} ms\n`,
  );
}

function median(xs) {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

const mb = (n) => (n / 1024 / 1024).toFixed(1);
const cpu = cpus()[0]?.model ?? "unknown CPU";
const lines = [
  "# Benchmark results",
  "",
  "Written by `npm run bench` (bench/run.mjs). `inventory` is `buildInventory()` on the file (read, decode, parse,",
  "validate, extract, merge); `bare` is `readFileSync` + the parser alone (`JSON.parse`, smol-toml `parse`).",
  "*Cold*: one run in a fresh Node process with the modules loaded, median of 7 processes: what one CLI",
  "invocation pays (a cold heap makes every allocation dearer). *Warm*: median of 7 runs after a warm-up in one",
  "process. The CLI time is a whole `depwarden inventory FILE --format json` process, start-up and output included.",
  "",
  `- date: ${new Date().toISOString().slice(0, 10)}`,
  `- machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${process.platform}`,
  "",
];
const section = [
  "## Inventory of 10,000-package lockfiles",
  "",
  "| file | size | bare parse (cold / warm) | inventory (cold / warm) | ratio (cold / warm) | CLI wall time | peak memory above baseline: bare parse / inventory | inventory memory / file size |",
  "|---|---|---|---|---|---|---|---|",
  ...rows.map(
    (r) =>
      `| ${r.label} | ${mb(r.size)} MB | ${r.bareCold.toFixed(0)} / ${r.bare.median.toFixed(0)} ms | ` +
      `${r.invCold.toFixed(0)} / ${r.inv.median.toFixed(0)} ms | ` +
      `${(r.invCold / r.bareCold).toFixed(2)}x / ${(r.inv.median / r.bare.median).toFixed(2)}x | ` +
      `${r.cli.median.toFixed(0)} ms | ${mb(r.memBare.peak)} / ${mb(r.mem.peak)} MB | ${(r.mem.peak / r.size).toFixed(1)}x |`,
  ),
  "",
  "Aim (issue 2): inventory under 3x the bare parse; peak memory under 10x the file size.",
  "Peak memory is the growth of the process's peak resident set over a baseline taken after loading the modules.",
  "",
];
writeSection("## Inventory of 10,000", section.join("\n"), lines.join("\n"));
process.stderr.write(`wrote ${resultsPath}\n`);
