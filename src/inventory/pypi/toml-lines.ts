/**
 * Helpers shared by the TOML lockfile extractors (poetry.lock, uv.lock, pdm.lock, pylock.toml): the line of
 * each `[[package]]` entry, found in one pass over the text, and validation errors that point at it.
 */

import type { z } from "zod";
import { InputError } from "../../errors.js";
import { normalisePypiName } from "../normalise.js";
import { validate } from "../text.js";

/** Character codes the scanner looks at. */
const C = {
  Tab: 9,
  LF: 10,
  CR: 13,
  Space: 32,
  Quote: 34,
  Hash: 35,
  Apos: 39,
  Dot: 46,
  Eq: 61,
  LBracket: 91,
  Backslash: 92,
  RBracket: 93,
  LBrace: 123,
  RBrace: 125,
} as const;

function isBareKeyChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 // a-z A-Z 0-9 _ -
  );
}

/**
 * The 1-based lines of the elements of the top-level array of tables `key`, in document order: the line of
 * each `[[key]]` header (indented or not, `[[ "key" ]]` too), or, when the array is written inline
 * (`key = [{…}, {…}]`), the line of each element's `{`. `[[key.sub]]` headers and strings or comments that
 * merely contain `[[key]]` do not count. The text must be valid TOML (parse it first): nothing is reported.
 * Linear in the length of the text.
 */
export function arrayOfTablesLines(text: string, key: string): number[] {
  const out: number[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  let atRoot = true; // no table header seen yet

  /** Counts the newlines in text[from, to). */
  const countLines = (from: number, to: number): void => {
    for (let k = text.indexOf("\n", from); k !== -1 && k < to; k = text.indexOf("\n", k + 1)) line++;
  };

  /** i is at a quote: moves past the string (any of the four kinds), counting lines. */
  const skipString = (): void => {
    const q = text.charCodeAt(i);
    const quote = q === C.Quote ? '"' : "'";
    if (text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q) {
      const start = i + 3;
      let from = start;
      for (;;) {
        const end = text.indexOf(quote + quote + quote, from);
        if (end === -1) {
          countLines(start, n);
          i = n;
          return;
        }
        if (q === C.Quote && escaped(end)) {
          from = end + 1;
          continue;
        }
        let stop = end + 3;
        // A multi-line string may end with one or two quotes of its own: `""""` or `"""""`.
        for (let extra = 0; extra < 2 && text.charCodeAt(stop) === q; extra++) stop++;
        countLines(start, stop);
        i = stop;
        return;
      }
    }
    let from = i + 1;
    for (;;) {
      const end = text.indexOf(quote, from);
      const eol = text.indexOf("\n", from);
      if (end === -1 || (eol !== -1 && eol < end)) {
        i = eol === -1 ? n : eol; // unterminated (invalid TOML): stop at the line's end
        return;
      }
      if (q === C.Quote && escaped(end)) {
        from = end + 1;
        continue;
      }
      i = end + 1;
      return;
    }
  };
  /** Whether the character at `at` is preceded by an odd number of backslashes. */
  const escaped = (at: number): boolean => {
    let bs = 0;
    for (let k = at - 1; k >= 0 && text.charCodeAt(k) === C.Backslash; k--) bs++;
    return bs % 2 === 1;
  };
  const skipBlanks = (): void => {
    for (let c = text.charCodeAt(i); c === C.Space || c === C.Tab; c = text.charCodeAt(++i));
  };
  const skipToEol = (): void => {
    const eol = text.indexOf("\n", i);
    i = eol === -1 ? n : eol;
  };
  /** Reads a dotted key (`a."b.c".d`); returns its parts. */
  const readKey = (): string[] => {
    const parts: string[] = [];
    for (;;) {
      skipBlanks();
      const c = text.charCodeAt(i);
      if (c === C.Quote || c === C.Apos) {
        const start = i;
        skipString();
        const raw = text.slice(start + 1, i - 1);
        if (c === C.Quote && raw.includes("\\")) {
          try {
            parts.push(JSON.parse(`"${raw}"`) as string);
          } catch {
            parts.push(raw);
          }
        } else parts.push(raw);
      } else {
        const start = i;
        while (i < n && isBareKeyChar(text.charCodeAt(i))) i++;
        if (i === start) return parts; // not a key (invalid TOML)
        parts.push(text.slice(start, i));
      }
      skipBlanks();
      if (text.charCodeAt(i) !== C.Dot) return parts;
      i++;
    }
  };
  /** Moves past a value (which may span lines); with `record`, notes the line of each `{` directly inside it. */
  const skipValue = (record: boolean): void => {
    let depth = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === C.Quote || c === C.Apos) skipString();
      else if (c === C.LBracket || c === C.LBrace) {
        if (record && c === C.LBrace && depth === 1) out.push(line);
        depth++;
        i++;
      } else if (c === C.RBracket || c === C.RBrace) {
        depth--;
        i++;
      } else if (c === C.Hash) skipToEol();
      else if (c === C.LF) {
        if (depth <= 0) return;
        line++;
        i++;
      } else i++;
    }
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === C.Space || c === C.Tab || c === C.CR) i++;
    else if (c === C.LF) {
      line++;
      i++;
    } else if (c === C.Hash) skipToEol();
    else if (c === C.LBracket) {
      const array = text.charCodeAt(i + 1) === C.LBracket;
      i += array ? 2 : 1;
      const parts = readKey();
      if (array && parts.length === 1 && parts[0] === key) out.push(line);
      atRoot = false;
      skipToEol();
    } else {
      const parts = readKey();
      skipBlanks();
      if (text.charCodeAt(i) !== C.Eq) {
        skipToEol(); // not a key/value line (invalid TOML)
        continue;
      }
      i++;
      skipBlanks();
      skipValue(atRoot && parts.length === 1 && parts[0] === key);
    }
  }
  return out;
}

/**
 * `validate()`, with the line of the offending `[[package]]` entry when the first problem is inside one:
 * `poetry.lock:120: not a valid poetry.lock: package[3].version: …`. Valid data is accepted by a predicate
 * compiled from the same schema (zod copies every object it validates, which costs a third of the TOML parse
 * on a 10,000-package lockfile); zod itself runs when the predicate rejects, and gives the message. The data is
 * then returned as parsed, unknown keys included.
 */
export function validateEntries<T extends z.ZodType>(
  file: string,
  schema: T,
  data: unknown,
  what: string,
  arrayKey: string,
  lines: readonly number[],
): z.infer<T> {
  if (compiledCheck(schema)?.(data)) return data as z.infer<T>;
  try {
    return validate(file, schema, data, what);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const result = schema.safeParse(data);
    const path = result.success ? [] : (result.error.issues[0]?.path ?? []);
    const index = path[0] === arrayKey ? path[1] : undefined;
    const line = typeof index === "number" ? lines[index] : undefined;
    if (line) throw new InputError(file, e.detail, { line });
    throw e;
  }
}

type Check = (value: unknown) => boolean;

const compiled = new WeakMap<z.ZodType, Check | null>();

function compiledCheck(schema: z.ZodType): Check | undefined {
  let check = compiled.get(schema);
  if (check === undefined) {
    check = compileCheck(schema) ?? null;
    compiled.set(schema, check);
  }
  return check ?? undefined;
}

/** A TOML table as the parser gives it (a plain object: not an array, not a date). */
function isTable(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

interface Def {
  type: string;
  checks?: { _zod: { def: { check: string; minimum?: number } } }[];
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  options?: z.ZodType[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * A predicate that holds only for values the schema accepts, for the subset of zod the lockfile schemas use
 * (objects, optional, arrays, records, unions, strings with a minimum length, numbers, booleans, unknown);
 * undefined for anything else, so that zod decides.
 */
export function compileCheck(schema: z.ZodType): Check | undefined {
  const def = defOf(schema);
  let minLength = 0;
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (d.check !== "min_length" || typeof d.minimum !== "number") return undefined;
    minLength = Math.max(minLength, d.minimum);
  }
  switch (def.type) {
    case "string":
      return (v) => typeof v === "string" && v.length >= minLength;
    case "number":
      return minLength ? undefined : (v) => typeof v === "number" && Number.isFinite(v);
    case "boolean":
      return minLength ? undefined : (v) => typeof v === "boolean";
    case "unknown":
      return () => true;
    case "optional": {
      const inner = def.innerType && compileCheck(def.innerType);
      return inner && ((v) => v === undefined || inner(v));
    }
    case "array": {
      const element = def.element && compileCheck(def.element);
      if (!element) return undefined;
      return (v) => {
        if (!Array.isArray(v) || v.length < minLength) return false;
        for (const x of v) if (!element(x)) return false;
        return true;
      };
    }
    case "record": {
      const value = def.valueType && compileCheck(def.valueType);
      if (!value) return undefined;
      return (v) => {
        if (!isTable(v)) return false;
        for (const k in v) if (!value(v[k])) return false;
        return true;
      };
    }
    case "object": {
      // Unknown keys: stripped (no catchall) or kept (catchall unknown) both accept them.
      if (def.catchall && defOf(def.catchall).type !== "unknown") return undefined;
      // A key whose schema is not optional must be present, even one that accepts anything.
      const fields: [string, Check, boolean][] = [];
      for (const [k, s] of Object.entries(def.shape ?? {})) {
        const c = compileCheck(s);
        if (!c) return undefined;
        fields.push([k, c, defOf(s).type !== "optional"]);
      }
      return (v) => {
        if (!isTable(v)) return false;
        for (const [k, c, required] of fields) if (!c(v[k]) || (required && !(k in v))) return false;
        return true;
      };
    }
    case "union": {
      const options: Check[] = [];
      for (const o of def.options ?? []) {
        const c = compileCheck(o);
        if (!c) return undefined;
        options.push(c);
      }
      return (v) => options.some((c) => c(v));
    }
    default:
      return undefined;
  }
}

/**
 * The lines of a parsed array's `count` entries, or [] when no scan accounts for every entry. Lockers write
 * `[[key]]` headers at the start of a line: a regular expression finds those; only when its count is off (an
 * inline array, a header-like line inside a multi-line string) does the full scan run.
 */
export function entryLines(text: string, key: string, count: number): number[] {
  if (count === 0) return [];
  const quick = headerLines(text, key);
  if (quick.length === count) return quick;
  const lines = arrayOfTablesLines(text, key);
  return lines.length === count ? lines : [];
}

/** Lines that are exactly a `[[key]]` header (any quoting, spacing, trailing comment). */
function headerLines(text: string, key: string): number[] {
  const k = key.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
  const re = new RegExp(
    `^[ \\t]*\\[\\[[ \\t]*(?:${k}|"${k}"|'${k}')[ \\t]*\\]\\][ \\t]*(?:#[^\\n]*)?\\r?$`,
    "gm",
  );
  const out: number[] = [];
  let line = 1;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    for (let k = text.indexOf("\n", at); k !== -1 && k < m.index; k = text.indexOf("\n", k + 1)) line++;
    at = m.index;
    out.push(line);
  }
  return out;
}

/** The 1-based line of the first top-level `key = …` assignment, or undefined (for error positions). */
export function keyLine(text: string, key: string): number | undefined {
  const re = new RegExp(`^[ \\t]*(?:${key.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")}|"${key}")[ \\t]*=`, "m");
  const m = re.exec(text);
  if (!m) return undefined;
  let line = 1;
  for (let k = text.indexOf("\n"); k !== -1 && k < m.index; k = text.indexOf("\n", k + 1)) line++;
  return line;
}

/** A lock format version `"2.1"`, `"4.4.2"` or `1` → its major number, or undefined when it is not one. */
export function majorVersion(version: unknown): number | undefined {
  if (typeof version === "number" && Number.isInteger(version)) return version;
  if (typeof version !== "string") return undefined;
  const m = /^\s*(\d+)(?:\.\d+)*\s*$/.exec(version);
  return m ? Number(m[1]) : undefined;
}

/** Whether a directory path is relative and below the current one (not `.`, not above it, not absolute). */
export function isInsideDir(path: string): boolean {
  const d = relativeDir(path);
  return (
    d !== "." && d !== ".." && !d.startsWith("../") && !/^(?:[A-Za-z]:)?\//.test(d) && !/^file:/i.test(d)
  );
}

/** A relative posix directory as workspaceMembers wants it: no `./`, no trailing slash, `/` separators. */
export function relativeDir(path: string): string {
  let p = path.replace(/\\/g, "/").replace(/\/+$/, "");
  while (p.startsWith("./")) p = p.slice(2);
  return p === "" ? "." : p;
}

/**
 * Locked entries by PEP 503 name: a name may be locked several times (at several versions for different
 * markers, or once per extra), so each name maps to all its entries, in file order.
 */
export function groupByName<T>(entries: readonly T[], nameOf: (entry: T) => string): Map<string, T[]> {
  const byName = new Map<string, T[]>();
  for (const e of entries) {
    const key = normalisePypiName(nameOf(e));
    const list = byName.get(key);
    if (list) list.push(e);
    else byName.set(key, [e]);
  }
  return byName;
}
