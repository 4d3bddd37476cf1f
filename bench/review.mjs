// npm run bench (review part): `depwarden review` of a change that upgrades 500 packages in a 10,000-package
// package-lock.json, in a generated git repository. Whole CLI processes, wall time, median of 5 runs, next to
// `depwarden inventory` of the same lockfile (reading one side alone). Writes its section of bench/RESULTS.md.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { packageLockV3 } from "./generate.mjs";
import { resultsPath, writeSection } from "./results.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "out", "review");
const repo = join(out, "repo");
const bin = join(here, "..", "dist", "cli", "main.js");
const PACKAGES = 10_000;
const UPGRADES = 500;
const RUNS = 5;

const git = (...args) =>
  execFileSync("git", ["-C", repo, "-c", "user.name=Bench", "-c", "user.email=bench@example.com", ...args], {
    stdio: ["ignore", "ignore", "inherit"],
  });

function timed(args) {
  const t = process.hrtime.bigint();
  try {
    execFileSync(process.execPath, [bin, ...args], {
      cwd: repo,
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, DEPWARDEN_DB: join(out, "advisories.db") },
      maxBuffer: 1 << 30,
    });
  } catch (e) {
    if (e.status !== 1) throw e; // 1: the policy fails the change (unpinned, typosquat …), expected here
  }
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

rmSync(out, { recursive: true, force: true });
mkdirSync(repo, { recursive: true });
const lockPath = join(repo, "package-lock.json");
writeFileSync(lockPath, packageLockV3(PACKAGES));
git("init", "-q", "-b", "main");
git("add", "-A");
git("commit", "-q", "-m", "base");

// The change: every 20th package one minor version up, integrity and resolved with it.
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
let bumped = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  if (!key || bumped >= UPGRADES) continue;
  const i = Number(/pkg-(\d+)$/.exec(key)?.[1]);
  if (i % 20 !== 0) continue;
  const [major, minor] = entry.version.split(".").map(Number);
  const next = `${major}.${minor + 1}.0`;
  entry.resolved = entry.resolved.replace(`-${entry.version}.tgz`, `-${next}.tgz`);
  entry.integrity = `sha512-${Buffer.from(`${key}@${next}`).toString("base64")}`;
  entry.version = next;
  bumped++;
}
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
git("commit", "-q", "-am", "upgrade 500 packages");
const lockBytes = statSync(lockPath).size;

timed(["db", "status", "-q"]); // the store, from the bundled snapshot, before timing anything
const reviewArgs = (format, file, head = ["--head", "HEAD"]) => [
  "review",
  "--base",
  "HEAD~1",
  ...head,
  "-f",
  format,
  "-o",
  join(out, file),
  "-q",
];
timed(reviewArgs("json", "review.json")); // warm the page cache
const reviewMs = median(Array.from({ length: RUNS }, () => timed(reviewArgs("json", "review.json"))));
const worktreeMs = median(
  Array.from({ length: RUNS }, () => timed(reviewArgs("json", "review-wt.json", []))),
);
const markdownMs = median(Array.from({ length: RUNS }, () => timed(reviewArgs("markdown", "review.md"))));
const invMs = median(
  Array.from({ length: RUNS }, () =>
    timed(["inventory", "package-lock.json", "-f", "json", "-o", join(out, "inv.json"), "-q"]),
  ),
);
const versionMs = median(Array.from({ length: RUNS }, () => timed(["--version"])));
const report = JSON.parse(readFileSync(join(out, "review.json"), "utf8"));
const markdownChars = readFileSync(join(out, "review.md"), "utf8").length;
if (report.summary.upgraded !== UPGRADES) {
  throw new Error(`expected ${UPGRADES} upgrades, the review found ${JSON.stringify(report.summary)}`);
}

const cpu = cpus()[0]?.model ?? "unknown CPU";
const section = [
  "## Dependency change review",
  "",
  "Written by `npm run bench` (bench/review.mjs): `depwarden review` of a generated git repository whose head",
  `upgrades ${UPGRADES} of the ${PACKAGES.toLocaleString("en")} packages of a package-lock.json v3`,
  `(${(lockBytes / 2 ** 20).toFixed(1)} MB, edges, nested copies, integrity hashes). Whole CLI processes, wall`,
  `time, median of ${RUNS} runs, start-up included (\`depwarden --version\` alone: ${versionMs.toFixed(0)} ms); the`,
  "advisory store holds the bundled snapshot.",
  "",
  `- date: ${new Date().toISOString().slice(0, 10)}`,
  `- machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${process.platform}`,
  "",
  "| step | time |",
  "|---|---|",
  `| \`review --base HEAD~1 --head HEAD -f json\` (both sides read from git objects; ${report.changes.length} changes, ${report.findings.length} findings) | ${reviewMs.toFixed(0)} ms |`,
  `| \`review --base HEAD~1 -f json\` (head: the working tree) | ${worktreeMs.toFixed(0)} ms |`,
  `| \`review --base HEAD~1 --head HEAD -f markdown\` (${markdownChars.toLocaleString("en")} characters) | ${markdownMs.toFixed(0)} ms |`,
  `| \`inventory package-lock.json -f json\` (one side, reading alone) | ${invMs.toFixed(0)} ms |`,
  "",
  `Reading both sides alone costs about ${(2 * invMs - versionMs).toFixed(0)} ms (two inventories, one start-up); the`,
  "rest is git (ls-tree, cat-file, diff-tree), the diff and `via` (one bit-set propagation over the dependency",
  "graph), the advisory lookups of the changed names on both sides, and the report.",
  "",
];
writeSection("## Dependency change review", section.join("\n"));
process.stderr.write(
  `review ${reviewMs.toFixed(0)} ms (working tree ${worktreeMs.toFixed(0)} ms, markdown ${markdownMs.toFixed(0)} ms); inventory ${invMs.toFixed(0)} ms\nwrote ${resultsPath}\n`,
);
