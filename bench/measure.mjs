// One measurement in a fresh process: prints JSON {median, runs} or {peak} on stdout.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parse as parseToml } from "smol-toml";

const [mode, parser, path, runsArg] = process.argv.slice(2);
const runs = Number(runsArg);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { buildInventory } = await import(join(root, "dist/inventory/inventory.js"));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn) {
  const times = [];
  await fn(); // warm-up
  for (let i = 0; i < runs; i++) {
    globalThis.gc?.();
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return { median: median(times), runs: times.length };
}

if (mode === "bare-cold" || mode === "inventory-cold") {
  // One run in this fresh process, modules already loaded: what a single CLI invocation pays.
  const parse = parser === "json" ? JSON.parse : parseToml;
  const t = performance.now();
  if (mode === "bare-cold") parse(readFileSync(path, "utf8"));
  else await buildInventory([path]);
  console.log(JSON.stringify({ ms: performance.now() - t }));
} else if (mode === "bare") {
  const parse = parser === "json" ? JSON.parse : parseToml;
  console.log(JSON.stringify(await time(() => parse(readFileSync(path, "utf8")))));
} else if (mode === "inventory") {
  console.log(JSON.stringify(await time(() => buildInventory([path]))));
} else if (mode === "memory-bare") {
  globalThis.gc?.();
  const base = process.memoryUsage().rss;
  const parsed = (parser === "json" ? JSON.parse : parseToml)(readFileSync(path, "utf8"));
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ peak: Math.max(0, peak - base), keep: typeof parsed }));
} else if (mode === "memory") {
  globalThis.gc?.();
  const base = process.memoryUsage().rss;
  const inv = await buildInventory([path]);
  if (inv.errors.length) throw new Error(JSON.stringify(inv.errors));
  const peak = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ peak: Math.max(0, peak - base), components: inv.components.length }));
} else if (mode === "cli") {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    execFileSync(process.execPath, [join(root, "dist/cli/main.js"), "inventory", path, "--format", "json"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    times.push(performance.now() - t);
  }
  console.log(JSON.stringify({ median: median(times), runs }));
}
