import { readFile } from "node:fs/promises";
import { parse as parseTomlText, TomlError } from "smol-toml";
import { parse as parseYamlText, YAMLParseError } from "yaml";
import type { z } from "zod";
import { InputError, type Position, positionAt } from "../errors.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes a file's bytes as UTF-8 text; anything else is an InputError naming the file. */
export function decodeText(file: string, bytes: Uint8Array): string {
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    throw new InputError(file, "file is UTF-16 encoded; expected UTF-8 text");
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new InputError(file, `binary content (NUL byte at offset ${nul}); expected UTF-8 text`);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 10) line++;
    throw new InputError(file, `not valid UTF-8 (byte ${at}); expected UTF-8 text`, { line });
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = 0; i < n; ) {
    const b = bytes[i]!;
    let len: number;
    if (b < 0x80) len = 1;
    else if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) len = 3;
    else if (b >= 0xf0 && b <= 0xf4) len = 4;
    else return i;
    if (len === 1) {
      i++;
      continue;
    }
    if (i + len > n) return i;
    let cp = b & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    const min = len === 2 ? 0x80 : len === 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return n;
}

export async function readTextFile(path: string, display: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new InputError(display, "no such file");
    if (code === "EISDIR") throw new InputError(display, "is a directory; expected a file");
    if (code === "EACCES") throw new InputError(display, "permission denied");
    throw new InputError(display, `cannot read: ${(e as Error).message}`);
  }
  return decodeText(display, bytes);
}

/** JSON.parse with the error turned into `file:line:col: message`. */
export function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const at = /at position (\d+)/.exec(msg);
    const lc = /\(line (\d+) column (\d+)\)/.exec(msg);
    let position: Position | undefined = lc ? { line: Number(lc[1]), column: Number(lc[2]) } : undefined;
    if (!position && at) position = positionAt(text, Number(at[1]));
    if (!position) {
      // Node 20's "Unexpected token" messages carry no position: find it (only on this error path).
      const offset = jsonErrorOffset(text);
      if (offset !== undefined) position = positionAt(text, offset);
    }
    if (!position && /end of JSON input/.test(msg)) position = positionAt(text, text.length);
    const detail = msg
      .replace(/\s*in JSON at position \d+.*$/, "")
      .replace(/,\s*".*" is not valid JSON$/s, "")
      .replace(/\s*\(line \d+ column \d+\)$/, "");
    throw new InputError(file, `invalid JSON: ${detail}`, position);
  }
}

/**
 * Offset of the first JSON syntax error (RFC 8259), or undefined when the text is valid. A small recursive
 * descent over the grammar, run only after JSON.parse has failed, to say where.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  class At {
    constructor(readonly offset: number) {}
  }
  const fail = (): never => {
    throw new At(Math.min(i, n));
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 0x20) fail();
      if (c === 92) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail();
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          fail();
        }
      } else i++;
    }
    fail();
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m?.[0]) fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ":") fail();
        i++;
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else fail();
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else fail();
      }
    } else if (c === '"') string();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) number();
    else fail();
  };
  try {
    value();
    ws();
    if (i < n) fail();
    return undefined;
  } catch (e) {
    if (e instanceof At) return e.offset;
    return undefined; // too deep to check here (stack): no position rather than a wrong one
  }
}

export function parseToml(file: string, text: string): Record<string, unknown> {
  try {
    return parseTomlText(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split("\n")[0] ?? "syntax error";
      const detail = first.replace(/^Invalid TOML document:\s*/, "");
      throw new InputError(file, `invalid TOML: ${detail}`, { line: e.line, column: e.column });
    }
    throw new InputError(file, `invalid TOML: ${(e as Error).message}`);
  }
}

export function parseYaml(file: string, text: string): unknown {
  try {
    return parseYamlText(text, { uniqueKeys: false, maxAliasCount: 10000 });
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const pos = e.linePos?.[0];
      const detail = e.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? "syntax error";
      throw new InputError(
        file,
        `invalid YAML: ${detail}`,
        pos ? { line: pos.line, column: pos.col } : undefined,
      );
    }
    throw new InputError(file, `invalid YAML: ${(e as Error).message}`);
  }
}

/**
 * Validates parsed data against a zod schema; the first issue becomes an InputError that names the
 * path inside the document (`packages["node_modules/a"].version: expected string`).
 */
export function validate<T extends z.ZodType>(
  file: string,
  schema: T,
  data: unknown,
  what: string,
): z.infer<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new InputError(file, `not a valid ${what}`);
  const path = formatPath(issue.path as (string | number)[]);
  throw new InputError(file, `not a valid ${what}: ${path ? `${path}: ` : ""}${issue.message}`);
}

export function formatPath(path: readonly (string | number | symbol)[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else if (typeof p === "string" && /^[A-Za-z_$][\w$-]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out;
}

/**
 * Calls `fn` for each line of `text` with its start offset, its end (before the `\n` and any `\r`) and its
 * 1-based number: the one pass the line scanners of the lockfile readers share.
 */
export function forEachLine(text: string, fn: (start: number, end: number, line: number) => void): void {
  const n = text.length;
  let line = 0;
  for (let start = 0; start < n; ) {
    line++;
    let next = text.indexOf("\n", start);
    if (next === -1) next = n;
    const end = next > start && text.charCodeAt(next - 1) === 13 ? next - 1 : next;
    fn(start, end, line);
    start = next + 1;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
