// npm run bench (second part): the advisory store and the vulnerability scan.
// 1. loads the bundled snapshot into a fresh store (what the first `depwarden scan` of an install pays);
// 2. imports a generated OSV dump of 200,000 advisories (`depwarden db import`);
// 3. scans a generated CycloneDX SBOM of 10,000 components against that store (`depwarden scan --sbom`),
//    next to `depwarden inventory --sbom` of the same file (the cost of reading the input alone).
// Writes its section of bench/RESULTS.md, keeping the others.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { rng } from "./generate.mjs";
import { resultsPath, writeSection } from "./results.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "out", "scan");
const bin = join(here, "..", "dist", "cli", "main.js");
const ADVISORIES = 200_000;
const COMPONENTS = 10_000;
const RUNS = 5;

const rand = rng(7);
const int = (n) => Math.floor(rand() * n);
const ver = () => `${int(5)}.${int(20)}.${int(10)}`;
const pkgName = (eco, k) => (eco === "npm" ? `bench-pkg-${k}` : `bench_pkg.${k}`);
const NAMES_PER_ECO = 50_000; // 100,000 packages with two advisories each

/** A real-shaped OSV record: two ranges, aliases, a CVSS vector, references. */
function advisory(i) {
  const eco = i % 2 === 0 ? "npm" : "PyPI";
  const k = Math.floor(i / 4) % NAMES_PER_ECO;
  const fixedMajor = 1 + int(4);
  return {
    schema_version: "1.6.0",
    id: `BENCH-${String(i).padStart(7, "0")}`,
    modified: `2026-${String(1 + int(12)).padStart(2, "0")}-${String(1 + int(28)).padStart(2, "0")}T10:00:00Z`,
    published: "2025-01-01T00:00:00Z",
    aliases: [`CVE-2099-${100000 + i}`],
    summary: `Synthetic advisory ${i} for ${pkgName(eco, k)}`,
    details: "Generated for the benchmark. ".repeat(8),
    severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N" }],
    affected: [
      {
        package: { ecosystem: eco, name: pkgName(eco, k) },
        ranges: [
          {
            type: "ECOSYSTEM",
            events: [
              { introduced: "0" },
              { fixed: `${fixedMajor - 1}.${int(20)}.0` },
              { introduced: `${fixedMajor}.0.0` },
              { fixed: `${fixedMajor}.${1 + int(19)}.0` },
            ],
          },
        ],
      },
    ],
    references: [{ type: "ADVISORY", url: `https://example.com/advisories/${i}` }],
  };
}

/**
 * The dump as osv.dev publishes it: a flat zip of `<ID>.json`. Written by Python's zipfile, which (like the Go
 * writer osv.dev uses) switches to ZIP64 records above 65,535 entries; fflate's zipSync does not.
 */
function makeDump(path) {
  const lines = [];
  for (let i = 0; i < ADVISORIES; i++) lines.push(JSON.stringify(advisory(i)));
  const jsonl = `${path}.jsonl`;
  writeFileSync(jsonl, `${lines.join("\n")}\n`);
  execFileSync("python3", [
    "-c",
    "import json,sys,zipfile\n" +
      "with open(sys.argv[1]) as f, zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED) as z:\n" +
      "    for line in f:\n" +
      "        z.writestr(json.loads(line)['id'] + '.json', line.rstrip('\\n'))\n",
    jsonl,
    path,
  ]);
  rmSync(jsonl);
}

/**
 * A CycloneDX 1.6 SBOM: half npm, half PyPI. `advised` of the components have a name with generated advisories
 * (two each, whose ranges cover most versions), 4% a real name from the bundled data, the rest a name no
 * advisory names.
 */
function makeSbom(path, advised) {
  const real = {
    npm: [
      "lodash",
      "minimist",
      "axios",
      "follow-redirects",
      "nanoid",
      "qs",
      "ws",
      "semver",
      "express",
      "json5",
    ],
    PyPI: [
      "flask",
      "werkzeug",
      "requests",
      "urllib3",
      "pyyaml",
      "django",
      "jinja2",
      "pillow",
      "idna",
      "certifi",
    ],
  };
  const components = [];
  for (let i = 0; i < COMPONENTS; i++) {
    const eco = i % 2 === 0 ? "npm" : "PyPI";
    const r = rand();
    const name =
      r < 0.04
        ? real[eco][int(10)]
        : r < 0.04 + advised
          ? pkgName(eco, int(NAMES_PER_ECO))
          : `unadvised-${i}`;
    const version = ver();
    const type = eco === "npm" ? "npm" : "pypi";
    const purlName = eco === "npm" ? name : name.toLowerCase().replace(/[._]+/g, "-");
    components.push({
      type: "library",
      "bom-ref": `c${i}`,
      name,
      version,
      purl: `pkg:${type}/${purlName}@${version}`,
    });
  }
  const bom = {
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    version: 1,
    metadata: { component: { type: "application", name: "bench", "bom-ref": "root" } },
    components,
  };
  writeFileSync(path, JSON.stringify(bom));
}

function timed(args, env = {}) {
  const t = process.hrtime.bigint();
  try {
    execFileSync(process.execPath, [bin, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, ...env },
      maxBuffer: 1 << 30,
    });
  } catch (e) {
    if (e.status !== 1) throw e; // 1: findings at the threshold, expected here
  }
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const dump = join(out, "all.zip");
const sbom = join(out, "bom.json");
const sbomAll = join(out, "bom-all.json");
const t = Date.now();
makeDump(dump);
process.stderr.write(`generated ${ADVISORIES} advisories in ${Date.now() - t} ms\n`);
makeSbom(sbom, 0.1);
makeSbom(sbomAll, 0.96);

// 1. first use: the bundled snapshot into a fresh store
const firstUse = median(
  Array.from({ length: 3 }, (_, i) => timed(["db", "status", "--db", join(out, `fresh-${i}.db`)])),
);
// 2. the 200,000-advisory import (into a store that holds the bundled snapshot already)
const imports = [];
for (let i = 0; i < 3; i++) {
  const db = join(out, `import-${i}.db`);
  timed(["db", "status", "--db", db]);
  imports.push(timed(["db", "import", dump, "--db", db, "-q"]));
}
const importMs = median(imports);
const db = join(out, "import-0.db");
const dbSize = statSync(db).size;
// re-import of the same dump: every record unchanged
const reimportMs = timed(["db", "import", dump, "--db", db, "-q"]);

// 3. scan of 10,000 components
const scanArgs = (bom, out) => ["scan", "--sbom", bom, "--db", db, "-f", "json", "-o", out, "-q"];
timed(scanArgs(sbom, join(out, "scan.json"))); // warm the page cache
const scanMs = median(Array.from({ length: RUNS }, () => timed(scanArgs(sbom, join(out, "scan.json")))));
const scanAllMs = median(
  Array.from({ length: RUNS }, () => timed(scanArgs(sbomAll, join(out, "scan-all.json")))),
);
const scanAll = JSON.parse(readFileSync(join(out, "scan-all.json"), "utf8"));
const invMs = median(
  Array.from({ length: RUNS }, () =>
    timed(["inventory", "--sbom", sbom, "-f", "json", "-o", join(out, "inv.json"), "-q"]),
  ),
);
const versionMs = median(Array.from({ length: RUNS }, () => timed(["--version"])));
const scan = JSON.parse(readFileSync(join(out, "scan.json"), "utf8"));

const cpu = cpus()[0]?.model ?? "unknown CPU";
const section = [
  "## Advisory store and vulnerability scan",
  "",
  "Written by `npm run bench` (bench/scan.mjs): whole CLI processes, wall time, median of 3 (store) or 5 (scan)",
  `runs, start-up included (\`depwarden --version\` alone: ${versionMs.toFixed(0)} ms).`,
  "",
  `- date: ${new Date().toISOString().slice(0, 10)}`,
  `- machine: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${process.platform}`,
  "",
  "| step | input | time |",
  "|---|---|---|",
  `| first use: load the bundled snapshot into a new store | 3,154 advisories (PyPI + npm zips) | ${firstUse.toFixed(0)} ms |`,
  `| \`db import\` of a generated OSV dump | ${ADVISORIES.toLocaleString("en")} advisories, ${(statSync(dump).size / 2 ** 20).toFixed(0)} MB zip | ${(importMs / 1000).toFixed(1)} s |`,
  `| \`db import\` of the same dump again (all unchanged) | same | ${(reimportMs / 1000).toFixed(1)} s |`,
  `| \`scan --sbom\` against that store (${(dbSize / 2 ** 20).toFixed(0)} MB, ${(ADVISORIES + 3154).toLocaleString("en")} advisories) | ${COMPONENTS.toLocaleString("en")} components, ${scan.findings.length.toLocaleString("en")} findings | ${scanMs.toFixed(0)} ms |`,
  `| \`scan --sbom\`, worst case: every component has advisories | ${COMPONENTS.toLocaleString("en")} components, ${scanAll.findings.length.toLocaleString("en")} findings | ${scanAllMs.toFixed(0)} ms |`,
  `| \`inventory --sbom\` of the same SBOM (reading the input alone) | ${COMPONENTS.toLocaleString("en")} components | ${invMs.toFixed(0)} ms |`,
  "",
  "Aims (issue 3): the scan of 10,000 components under 1 s once the store exists; the import of 200,000",
  "advisories under 60 s.",
  "",
];

writeSection("## Advisory store and vulnerability scan", section.join("\n"));
process.stderr.write(
  `first use ${firstUse.toFixed(0)} ms; import ${importMs.toFixed(0)} ms; scan ${scanMs.toFixed(0)} ms, worst case ${scanAllMs.toFixed(0)} ms (inventory ${invMs.toFixed(0)} ms)\nwrote ${resultsPath}\n`,
);
