// Typosquat detection: precision and speed (issue 4). Run after `npm run build`: node bench/typosquat.mjs
// 1. each bundled popularity list against itself: every popular name checked as if it were not on the list
//    (would it be flagged as imitating another popular name?); the aim is under 0.5% per list;
// 2. real benign names that are not on the lists: every package of our own package-lock.json, and every package
//    named by the bundled advisory dumps (data/osv/*/all.zip: real packages, nearly all legitimate);
// 3. speed: indexing both lists, and checking 10,000 names.
// Writes its section of bench/RESULTS.md, keeping the others.
import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { unzipSync } from "fflate";
import { loadPopularList } from "../dist/analysis/popular.js";
import { findTyposquat, TyposquatDetector } from "../dist/analysis/typosquat.js";
import { resultsPath, writeSection } from "./results.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const RUNS = 5;

const lists = { npm: loadPopularList("npm"), PyPI: loadPopularList("PyPI") };
const key = (ecosystem, name) =>
  ecosystem === "PyPI" ? name.replace(/[-_.]+/g, "-").toLowerCase() : name.toLowerCase();
const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(2)}%` : "–");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Checks names; returns the matches with their counts by technique and severity. */
function measure(ecosystem, names, options) {
  const matches = [];
  for (const name of names) {
    const m = findTyposquat(ecosystem, name, lists[ecosystem], options);
    if (m) matches.push(m);
  }
  const high = matches.filter((m) => m.severity === "high").length;
  const byTechnique = {};
  for (const m of matches) byTechnique[m.technique] = (byTechnique[m.technique] ?? 0) + 1;
  return { names: names.length, matches, high, byTechnique };
}

const techniques = (r) =>
  Object.entries(r.byTechnique)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([t, n]) => `${t} ${n}`)
    .join(", ") || "–";
const listed = (r) =>
  r.matches
    .map((m) => `\`${m.name}\` → \`${m.imitates}\` (${m.technique}${m.severity === "high" ? ", high" : ""})`)
    .join("; ");

// 1. the lists against themselves
const self = {};
for (const ecosystem of ["npm", "PyPI"]) {
  self[ecosystem] = measure(
    ecosystem,
    lists[ecosystem].entries.map((e) => e.name),
    { assumeUnpopular: true },
  );
}

// 2. benign names not on the lists
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
const lockNames = new Set();
for (const path of Object.keys(lock.packages ?? {})) {
  const at = path.lastIndexOf("node_modules/");
  if (at >= 0) lockNames.add(path.slice(at + "node_modules/".length));
}
function osvNames(ecosystem) {
  const files = unzipSync(readFileSync(join(root, "data", "osv", ecosystem, "all.zip")));
  const names = new Set();
  for (const data of Object.values(files)) {
    const record = JSON.parse(new TextDecoder().decode(data));
    for (const a of record.affected ?? []) if (a.package?.ecosystem === ecosystem) names.add(a.package.name);
  }
  return names;
}
const unpopular = (ecosystem, names) =>
  [...names].filter((n) => !lists[ecosystem].byKey.has(key(ecosystem, n))).sort();
const corpora = [
  { label: "our own dependencies (package-lock.json)", ecosystem: "npm", all: lockNames },
  { label: "packages in the npm advisory dump", ecosystem: "npm", all: osvNames("npm") },
  { label: "packages in the PyPI advisory dump", ecosystem: "PyPI", all: osvNames("PyPI") },
].map((c) => ({ ...c, result: measure(c.ecosystem, unpopular(c.ecosystem, c.all)) }));

// 3. speed: indexing, and 10,000 names (the 10,000 popular names, each as if unlisted: every check runs)
const indexMs = median(
  Array.from({ length: RUNS }, () => {
    const fresh = {
      npm: { ...lists.npm, entries: [...lists.npm.entries] },
      PyPI: { ...lists.PyPI, entries: [...lists.PyPI.entries] },
    };
    const t = process.hrtime.bigint();
    new TyposquatDetector([fresh.npm, fresh.PyPI]);
    return Number(process.hrtime.bigint() - t) / 1e6;
  }),
);
const detector = new TyposquatDetector([lists.npm, lists.PyPI]);
const all = [
  ...lists.npm.entries.map((e) => ["npm", e.name]),
  ...lists.PyPI.entries.map((e) => ["PyPI", e.name]),
];
const checkMs = median(
  Array.from({ length: RUNS }, () => {
    const t = process.hrtime.bigint();
    for (const [ecosystem, name] of all) detector.check(ecosystem, name, { assumeUnpopular: true });
    return Number(process.hrtime.bigint() - t) / 1e6;
  }),
);

const cpu = cpus()[0]?.model ?? "unknown CPU";
const lines = [
  "## Typosquat detection",
  "",
  "Written by bench/typosquat.mjs (after `npm run build`). What each technique is and why the thresholds are what",
  "they are: docs/typosquat.md.",
  "",
  `- date: ${new Date().toISOString().slice(0, 10)}`,
  `- machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${process.platform}`,
  "",
  "Precision on the bundled lists: every popular name checked as if it were not on its list (would it be flagged",
  "as imitating another popular name?). Aim (issue 4): under 0.5% of each list.",
  "",
  "| list | names | flagged | of which high | by technique |",
  "|---|---|---|---|---|",
  ...["npm", "PyPI"].map(
    (e) =>
      `| ${e} top ${lists[e].entries.length.toLocaleString("en")} | ${self[e].names.toLocaleString("en")} | ${self[e].matches.length} (${pct(self[e].matches.length, self[e].names)}) | ${self[e].high} (${pct(self[e].high, self[e].names)}) | ${techniques(self[e])} |`,
  ),
  "",
  "Real benign names that are not on the lists:",
  "",
  "| names | not in the top 5,000 | flagged | of which high | by technique |",
  "|---|---|---|---|---|",
  ...corpora.map(
    (c) =>
      `| ${c.label} | ${c.result.names} of ${c.all.size} | ${c.result.matches.length} (${pct(c.result.matches.length, c.result.names)}) | ${c.result.high} (${pct(c.result.high, c.result.names)}) | ${techniques(c.result)} |`,
  ),
  "",
  `Speed: indexing both lists ${indexMs.toFixed(0)} ms; checking 10,000 names ${checkMs.toFixed(0)} ms (${((1000 * checkMs) / all.length).toFixed(0)} µs a name; median of ${RUNS}). Aim: a 10,000-component scan well under 1 s.`,
  "",
  "Every name flagged, for review:",
  "",
  ...["npm", "PyPI"].map((e) => `- ${e} list against itself: ${listed(self[e]) || "none"}`),
  ...corpora.map((c) => `- ${c.label}: ${listed(c.result) || "none"}`),
  "",
];

writeSection("## Typosquat detection", lines.join("\n"));
process.stderr.write(
  `self: npm ${self.npm.matches.length}, PyPI ${self.PyPI.matches.length}; index ${indexMs.toFixed(0)} ms, 10,000 checks ${checkMs.toFixed(0)} ms\nwrote ${resultsPath}\n`,
);
