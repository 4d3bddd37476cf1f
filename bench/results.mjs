// bench/RESULTS.md is written by several benchmarks: each replaces its own "## " section and keeps the others.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const resultsPath = join(dirname(fileURLToPath(import.meta.url)), "RESULTS.md");

/**
 * Puts `section` (text starting with `heading`) in place of the section with that heading, or at the end;
 * `head` (the text before the first section) replaces the file's head when given.
 */
export function writeSection(heading, section, head) {
  let previous = "";
  try {
    previous = readFileSync(resultsPath, "utf8");
  } catch {}
  const parts = previous ? previous.split(/\n(?=## )/) : [];
  const oldHead = parts[0] !== undefined && !parts[0].startsWith("## ") ? parts.shift() : undefined;
  const at = parts.findIndex((p) => p.startsWith(heading));
  if (at >= 0) parts[at] = section;
  else parts.push(section);
  const text = [head ?? oldHead ?? "# Benchmark results\n", ...parts].join("\n");
  writeFileSync(resultsPath, text.replace(/\n*$/, "\n"));
}
