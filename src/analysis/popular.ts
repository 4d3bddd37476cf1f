/**
 * Package popularity lists, for the typosquat check: which names are popular enough to be imitated, and how
 * popular. The tool ships the top 5,000 of PyPI and npm (`data/popular/<ecosystem>.tsv`); a user may replace
 * either with a list of their own (see docs/typosquat.md).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { nameKey } from "../advisories/names.js";
import { InputError } from "../errors.js";
import type { Ecosystem } from "../inventory/model.js";

export interface PopularEntry {
  /** As the list writes it. */
  name: string;
  /** 1 = most popular. Unique, but not necessarily contiguous (a list may skip ranks). */
  rank: number;
  /** Downloads a month, when the list gives them. */
  downloads?: number;
}

export interface PopularList {
  ecosystem: Ecosystem;
  /** Display path of the file, or "bundled". */
  source: string;
  /** Most popular first; one entry per name key (a name repeated under another spelling keeps its first row). */
  entries: PopularEntry[];
  /** nameKey() -> entry. */
  byKey: Map<string, PopularEntry>;
}

const FILE_NAMES: Record<Ecosystem, string> = { npm: "npm.tsv", PyPI: "pypi.tsv" };

/** `data/popular/` shipped in the package (dist mirrors src, so the same relative path works from both). */
export function bundledPopularDir(): string {
  return fileURLToPath(new URL("../../data/popular/", import.meta.url));
}

const cache = new Map<string, PopularList>();

/**
 * The popularity list of an ecosystem: the bundled one, or the user's `file`. Parsed once per file and
 * ecosystem (the result is shared: do not mutate it).
 */
export function loadPopularList(ecosystem: Ecosystem, file?: string): PopularList {
  const path = file === undefined ? resolve(bundledPopularDir(), FILE_NAMES[ecosystem]) : resolve(file);
  const cacheKey = `${ecosystem}\0${path}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (file === undefined) {
      throw new InputError(path, "the bundled popularity list is missing: reinstall depwarden");
    }
    throw new InputError(
      file,
      code === "ENOENT" ? "popularity list not found" : `cannot read the popularity list (${code ?? e})`,
    );
  }
  const list = parsePopularList(ecosystem, text, file ?? path, file === undefined ? "bundled" : file);
  cache.set(cacheKey, list);
  return list;
}

// npm: optional `@scope/`, then URL-safe characters (old packages may have upper case). PyPI: PEP 508 names.
const NPM_NAME = /^(?:@[a-z0-9~][a-z0-9._~-]*\/)?[a-z0-9~][a-z0-9._~-]*$/i;
const PYPI_NAME = /^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/i;

/**
 * Parses a list: a TSV with a header `name<TAB>rank` or `name<TAB>downloads_a_month` (other columns ignored), or
 * plain names one per line, most popular first. Blank lines and lines starting with `#` are skipped (in the plain
 * form). `display` names the file in errors; `source` is what the list records as its source.
 */
export function parsePopularList(
  ecosystem: Ecosystem,
  text: string,
  display: string,
  source: string = display,
): PopularList {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = lines[0]?.split("\t").map((h) => h.trim().toLowerCase()) ?? [];
  const tsv = header.length > 1 && header[0] === "name";
  const valueColumn = tsv ? header[1] : undefined;
  if (tsv && valueColumn !== "rank" && valueColumn !== "downloads_a_month") {
    throw new InputError(
      display,
      `line 1: expected a second column "rank" or "downloads_a_month", got "${header[1]}"`,
    );
  }
  if (!tsv && (lines[0] ?? "").includes("\t")) {
    throw new InputError(
      display,
      'line 1: expected a header "name<TAB>rank" or "name<TAB>downloads_a_month"',
    );
  }
  const pattern = ecosystem === "npm" ? NPM_NAME : PYPI_NAME;
  const rows: { name: string; value: number; line: number }[] = [];
  for (let i = tsv ? 1 : 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const lineNo = i + 1;
    if (tsv) {
      if (raw.trim() === "") continue;
      const cells = raw.split("\t");
      const name = (cells[0] ?? "").trim();
      const cell = (cells[1] ?? "").trim();
      if (!pattern.test(name))
        throw new InputError(display, `line ${lineNo}: "${name}" is not a valid ${ecosystem} package name`);
      if (!/^\d+$/.test(cell)) {
        throw new InputError(
          display,
          `line ${lineNo}: expected ${valueColumn} as a whole number, got "${cell}"`,
        );
      }
      const value = Number(cell);
      if (!Number.isSafeInteger(value) || (valueColumn === "rank" && value < 1)) {
        throw new InputError(display, `line ${lineNo}: ${valueColumn} out of range: "${cell}"`);
      }
      rows.push({ name, value, line: lineNo });
    } else {
      const name = raw.trim();
      if (name === "" || name.startsWith("#")) continue;
      if (!pattern.test(name))
        throw new InputError(display, `line ${lineNo}: "${name}" is not a valid ${ecosystem} package name`);
      rows.push({ name, value: rows.length + 1, line: lineNo });
    }
  }
  if (rows.length === 0) throw new InputError(display, "the popularity list names no package");
  if (valueColumn === "downloads_a_month") {
    // Most downloaded first; ties keep the file's order (Array.prototype.sort is stable).
    rows.sort((a, b) => b.value - a.value);
  } else if (valueColumn === "rank") {
    rows.sort((a, b) => a.value - b.value);
    for (let i = 1; i < rows.length; i++) {
      const prev = rows[i - 1];
      const row = rows[i];
      if (prev && row && prev.value === row.value) {
        throw new InputError(
          display,
          `line ${row.line}: rank ${row.value} is also given on line ${prev.line}`,
        );
      }
    }
  }
  const entries: PopularEntry[] = [];
  const byKey = new Map<string, PopularEntry>();
  for (const row of rows) {
    const key = nameKey(ecosystem, row.name);
    if (byKey.has(key)) continue;
    const entry: PopularEntry =
      valueColumn === "downloads_a_month"
        ? { name: row.name, rank: entries.length + 1, downloads: row.value }
        : valueColumn === "rank"
          ? { name: row.name, rank: row.value }
          : { name: row.name, rank: entries.length + 1 };
    entries.push(entry);
    byKey.set(key, entry);
  }
  return { ecosystem, source, entries, byKey };
}
