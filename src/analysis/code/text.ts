/**
 * Rules that need no syntax tree and run over every file: code hidden by whitespace, very long lines,
 * high-entropy literals (Python, JavaScript), the shell-string rules over shell scripts (download-and-run,
 * reverse shells, encoded commands, persistence, exfiltration endpoints), and native binaries by magic number.
 *
 * Speed: candidates are found by sampling scans (`findRuns`: every 40th or 100th character, grown both ways), so
 * most of a file is never touched; only when there is a candidate is the file lexed (a quote- and comment-aware
 * scan, no tree), and only up to the last candidate, to see whether it is code, a string or a comment. About
 * 250 MB/s of CPU time over Debian's Python packages, 150 MB/s over node_modules; shell scripts, a tiny share of
 * any package, are read line by line (a few MB/s).
 *
 * Decisions: high-entropy-literal looks at string literals only (never comments, so sourceMappingURL data URIs
 * are out), skips tests and fixtures, `generated/` folders, data URIs and base64 of images, fonts, audio, video
 * and WebAssembly, PEM blocks, `sha512-…` integrity strings and Unicode range tables; minified files are not
 * skipped (no false positive in node_modules without it). long-line skips recognised bundles (by name or folder,
 * licence banner, source map), generated Python (`_pb2.py`, PLY tables, "generated" banners) and tests.
 */
import type { Severity } from "../severity.js";
import {
  downloadAndRunCommand,
  encodedCommand,
  exfilEndpoint,
  looksHighEntropy,
  persistenceCommandKind,
  persistencePathKind,
  reverseShellCommand,
  secretPathKind,
  shannonEntropy,
} from "./strings.js";
import type { RawFinding, SourceFile } from "./types.js";

export type TextLanguage = "python" | "javascript" | "shell" | "other";

const SHELL_EXTENSIONS = /\.(?:sh|bash|zsh|ksh|ps1|psm1|bat|cmd)$/i;
const PYTHON_EXTENSIONS = /\.(?:py|pyw)$/i;
const JS_EXTENSIONS = /\.(?:js|mjs|cjs|jsx|ts|mts|cts|tsx)$/i;

/**
 * The language the text rules treat a file as: by extension, else by a `#!` line (`sh`, `bash`, `python`,
 * `node`, also through `env`). `head` is the start of the file (its first line is enough).
 */
export function textLanguageOf(path: string, head: string): TextLanguage {
  if (PYTHON_EXTENSIONS.test(path)) return "python";
  if (/\.d\.[mc]?ts$/i.test(path)) return "other"; // declarations: no code runs
  if (JS_EXTENSIONS.test(path)) return "javascript";
  if (SHELL_EXTENSIONS.test(path)) return "shell";
  const shebang = /^#!\s*(\S+)(?:\s+(?:-\S+\s+)*(\S+))?/.exec(head);
  if (shebang) {
    let prog = shebang[1]!.slice(shebang[1]!.lastIndexOf("/") + 1);
    if (prog === "env" && shebang[2]) prog = shebang[2];
    if (/^(?:ba|z|da|k|a)?sh$/.test(prog)) return "shell";
    if (/^python[0-9.]*$/.test(prog)) return "python";
    if (/^(?:node|nodejs|deno|bun)$/.test(prog)) return "javascript";
  }
  return "other";
}

/** Runs the text rules for `lang` over one file. "other" files get none: their contents are not run. */
export function analyseText(file: SourceFile, lang: TextLanguage): RawFinding[] {
  switch (lang) {
    case "python":
    case "javascript":
      return analyseCode(file, lang);
    case "shell":
      return analyseShell(file);
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Line positions

/** Line numbers of offsets asked in increasing order, counting newlines once. */
class LineCounter {
  private offset = 0;
  private line = 1;
  constructor(private readonly text: string) {}
  lineAt(offset: number): number {
    if (offset < this.offset) {
      this.offset = 0;
      this.line = 1;
    }
    const t = this.text;
    for (let i = t.indexOf("\n", this.offset); i !== -1 && i < offset; i = t.indexOf("\n", i + 1)) {
      this.line++;
      this.offset = i + 1;
    }
    return this.line;
  }
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

function lineEndOf(text: string, offset: number): number {
  const j = text.indexOf("\n", offset);
  return j === -1 ? text.length : j;
}

function shorten(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

// ---------------------------------------------------------------------------------------------------------------
// Lexing: where strings and comments are (Python, JavaScript)

enum Region {
  String = 0,
  Comment = 1,
  /** JavaScript regular expression literal. */
  Regex = 2,
}

/**
 * Finds, for probe offsets given in increasing order, the non-code region (string, comment, regex) each lies in.
 * The lexers report every region to `region()` and stop as soon as every probe is placed, so a file is lexed
 * only up to its last candidate and no list of all its tokens is built.
 */
class Probes {
  /** Per probe: start, end (exclusive), kind, body start, body end, raw (1 for Python raw strings); start -1: code. */
  readonly found: Int32Array;
  private next = 0;
  constructor(readonly offsets: number[]) {
    this.found = new Int32Array(offsets.length * STRIDE).fill(-1);
  }
  get done(): boolean {
    return this.next >= this.offsets.length;
  }
  region(start: number, end: number, kind: Region, bodyStart: number, bodyEnd: number, raw: number): void {
    const o = this.offsets;
    while (this.next < o.length && o[this.next]! < start) this.next++; // in code
    while (this.next < o.length && o[this.next]! < end) {
      const f = this.next * STRIDE;
      this.found[f] = start;
      this.found[f + 1] = end;
      this.found[f + 2] = kind;
      this.found[f + 3] = bodyStart;
      this.found[f + 4] = bodyEnd;
      this.found[f + 5] = raw;
      this.next++;
    }
  }
}
const STRIDE = 6;

function isIdentChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127
  );
}

function lexPython(text: string, out: Probes): void {
  const n = text.length;
  let i = 0;
  while (i < n && !out.done) {
    const c = text.charCodeAt(i);
    if (c === 35 /* # */) {
      const end = lineEndOf(text, i);
      out.region(i, end, Region.Comment, i, end, 0);
      i = end;
    } else if (c === 34 || c === 39) {
      // prefix letters (r, b, u, f and pairs) right before the quote, not the end of an identifier
      let start = i;
      let raw = 0;
      let k = i - 1;
      while (k >= 0 && k >= i - 2 && /[rRbBuUfF]/.test(text[k]!)) k--;
      if (k < i - 1 && (k < 0 || !isIdentChar(text.charCodeAt(k)))) {
        start = k + 1;
        if (/[rR]/.test(text.slice(start, i))) raw = 1;
      }
      const triple = text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c;
      const bodyStart = i + (triple ? 3 : 1);
      let j = bodyStart;
      let end = -1;
      let bodyEnd = -1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 92 /* \ */) {
          j += 2;
        } else if (d === c) {
          if (!triple) {
            bodyEnd = j;
            end = j + 1;
            break;
          }
          if (text.charCodeAt(j + 1) === c && text.charCodeAt(j + 2) === c) {
            bodyEnd = j;
            end = j + 3;
            break;
          }
          j++;
        } else if (d === 10 && !triple) {
          break;
        } else {
          j++;
        }
      }
      if (end === -1) {
        end = Math.min(j, n);
        bodyEnd = end;
      }
      out.region(start, end, Region.String, bodyStart, bodyEnd, raw);
      i = end;
    } else {
      i++;
    }
  }
}

const REGEX_KEYWORDS = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);

/** Last significant token kinds for the regex-or-division decision. */
const AFTER_OPERAND = -1; // identifier, number, literal, `)` or `]`: a `/` divides
const AFTER_OPERATOR = -2; // start, punctuation, keyword: a `/` starts a regex

function lexJavaScript(text: string, out: Probes): void {
  const n = text.length;
  let i = 0;
  let last = AFTER_OPERATOR;
  let braces = 0;
  const templates: number[] = []; // brace depth at each open `${`
  if (text.startsWith("#!")) {
    const end = lineEndOf(text, 0);
    out.region(0, end, Region.Comment, 0, end, 0);
    i = end;
  }
  /** Scans template text from `from` (just after "`" or "}"); returns where code resumes. */
  const template = (start: number, from: number): number => {
    let j = from;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d === 92) j += 2;
      else if (d === 96 /* ` */) {
        out.region(start, j + 1, Region.String, from, j, 0);
        last = AFTER_OPERAND;
        return j + 1;
      } else if (d === 36 && text.charCodeAt(j + 1) === 123 /* ${ */) {
        out.region(start, j + 2, Region.String, from, j, 0);
        templates.push(braces);
        braces++;
        last = AFTER_OPERATOR;
        return j + 2;
      } else j++;
    }
    out.region(start, n, Region.String, from, n, 0);
    return n;
  };
  while (i < n && !out.done) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13) {
      i++;
    } else if (c === 47 /* / */) {
      const next = text.charCodeAt(i + 1);
      if (next === 47) {
        const end = lineEndOf(text, i);
        out.region(i, end, Region.Comment, i, end, 0);
        i = end;
      } else if (next === 42) {
        const j = text.indexOf("*/", i + 2);
        const end = j === -1 ? n : j + 2;
        out.region(i, end, Region.Comment, i, end, 0);
        i = end;
      } else if (last === AFTER_OPERATOR) {
        let j = i + 1;
        let inClass = false;
        let end = -1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === 92) j += 2;
          else if (d === 10) break;
          else if (d === 91) {
            inClass = true;
            j++;
          } else if (d === 93) {
            inClass = false;
            j++;
          } else if (d === 47 && !inClass) {
            end = j + 1;
            break;
          } else j++;
        }
        if (end === -1) {
          i++; // not a regex after all: a division (or broken code)
          last = AFTER_OPERATOR;
        } else {
          while (end < n && isIdentChar(text.charCodeAt(end))) end++;
          out.region(i, end, Region.Regex, i + 1, end, 0);
          i = end;
          last = AFTER_OPERAND;
        }
      } else {
        i++;
        last = AFTER_OPERATOR;
      }
    } else if (c === 34 || c === 39) {
      let j = i + 1;
      let end = -1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 92) j += 2;
        else if (d === c) {
          end = j + 1;
          break;
        } else if (d === 10) break;
        else j++;
      }
      if (end === -1) end = Math.min(j, n);
      out.region(i, end, Region.String, i + 1, end === j + 1 ? j : end, 0);
      i = end;
      last = AFTER_OPERAND;
    } else if (c === 96) {
      i = template(i, i + 1);
    } else if (isIdentChar(c)) {
      const start = i;
      while (i < n && isIdentChar(text.charCodeAt(i))) i++;
      last = i - start <= 10 && REGEX_KEYWORDS.has(text.slice(start, i)) ? AFTER_OPERATOR : AFTER_OPERAND;
    } else if (c === 123 /* { */) {
      braces++;
      last = AFTER_OPERATOR;
      i++;
    } else if (c === 125 /* } */) {
      braces--;
      if (templates.length > 0 && braces === templates[templates.length - 1]) {
        templates.pop();
        i = template(i, i + 1);
      } else {
        last = AFTER_OPERATOR;
        i++;
      }
    } else {
      last = c === 41 || c === 93 ? AFTER_OPERAND : AFTER_OPERATOR;
      i++;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Python and JavaScript

/** Code after a whitespace run of at least this many columns (tabs count 4)… */
const HIDDEN_MIN_RUN = 80;
/** …that starts at or beyond this column: off-screen in any editor window. */
const HIDDEN_MIN_COLUMN = 150;
/** What makes hidden code critical: it runs, imports, decodes or fetches something. */
const HIDDEN_DANGEROUS =
  /\b(?:exec|eval|compile|__import__|import|require|subprocess|child_process|system|popen|spawn|execSync|Function|atob|b64decode|base64|fromCharCode|marshal|zlib|getattr|builtins|urlopen|urllib|requests|fetch|http|https|socket|os)\b/;

/** Python: a line this long (characters) is reported. */
const PY_LONG_LINE = 5000;
/** JavaScript: a file whose code is one line this long, not a recognised bundle, is reported. */
const JS_LONG_LINE = 5000;

/** Where a long literal may be: a run of this many characters of base64, hex or escaped bytes (`\x8f`). */
const LONG_LITERAL_RUN = 200;

/** Test and fixture files: their blobs are test vectors, not payloads. */
const TEST_PATH =
  /(?:^|\/)(?:tests?|__tests__|__fixtures__|fixtures?|testing|testdata|test_data|selftest|SelfTest|spec|__snapshots__)\/|(?:^|\/)(?:test_[^/]*|[^/]*_tests?|conftest)\.py$|\.(?:test|spec)\.[cm]?[jt]sx?$/i;

/** Generated data modules (entities' decode tries, Unicode tables). */
const GENERATED_PATH = /(?:^|\/)(?:generated|_generated)\//;

/** Built, minified or generated JavaScript (by name or folder). */
const JS_BUNDLE_PATH =
  /(?:[.-]min|\.prod(?:uction)?|\.bundle|\.umd|\.global|\.browser)\.[cm]?js$|(?:^|\/)(?:dist(?:[.-][\w.-]+)?|umd|bundles?|build|cdn|browser|esm|cjs|es5|es6|min|vendor|lib-cov)\//i;

/** Generated Python (protobuf, PLY tables) and generated-file banners. */
const PY_GENERATED_PATH = /(?:_pb2(?:_grpc)?|yacctab|lextab|parsetab|_parsetab|_lextab)\.py$/;
const GENERATED_BANNER =
  /\b(?:@generated|auto-?generated|generated by|do not edit|automatically generated)\b/i;

/** javascript-obfuscator's `_0x1a2b3c` names. */
const OBFUSCATOR_NAMES = /\b_0x[0-9a-f]{4,6}\b/g;

function analyseCode(file: SourceFile, lang: "python" | "javascript"): RawFinding[] {
  const text = file.text;
  const findings: RawFinding[] = [];
  const lines = new LineCounter(text);

  // candidates, found by sampling scans of the whole text (findRuns)
  const hiddenRuns = findHiddenRuns(text, lang === "python" ? isPythonSpace : isJsSpace);
  const literalRuns =
    TEST_PATH.test(file.path) || GENERATED_PATH.test(file.path)
      ? []
      : findRuns(text, isBlobChar, LONG_LITERAL_RUN);

  // one lexing pass places every candidate: code, or which string or comment
  const offsets = hiddenRuns.map((h) => h.codeStart).concat(literalRuns);
  offsets.sort((a, b) => a - b);
  const probes = new Probes(offsets);
  if (offsets.length > 0) (lang === "python" ? lexPython : lexJavaScript)(text, probes);
  const regionOf = (offset: number): number => {
    let lo = 0;
    let hi = offsets.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (offsets[mid]! < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return probes.found[lo * STRIDE] === -1 ? -1 : lo * STRIDE;
  };
  const r = probes.found;

  const hiddenLines = new Set<number>();
  if (hiddenRuns.length > 0) {
    let reported = 0;
    for (const { codeStart, column, run } of hiddenRuns) {
      if (regionOf(codeStart) !== -1) continue; // in a string or a comment
      const line = lines.lineAt(codeStart);
      if (hiddenLines.has(line)) continue;
      hiddenLines.add(line);
      if (++reported > 10) continue;
      const hidden = text.slice(codeStart, lineEndOf(text, codeStart)).trimEnd();
      const dangerous = HIDDEN_DANGEROUS.exec(hidden);
      findings.push({
        rule: "hidden-by-whitespace",
        line,
        column,
        severity: dangerous ? "critical" : "high",
        why: dangerous
          ? `code pushed off-screen after ${run} columns of white space (column ${column}) uses ${dangerous[0]}: only code meant to escape a reviewer is written this way`
          : `code pushed off-screen after ${run} columns of white space, at column ${column}`,
        snippet: shorten(hidden, 200),
      });
    }
  }

  const long = longLine(file, lang, lines, hiddenLines);
  if (long) findings.push(long);

  if (literalRuns.length > 0) {
    let first: RawFinding | undefined;
    let count = 0;
    let lastRegion = -1;
    for (const at of literalRuns) {
      const k = regionOf(at);
      if (k === -1 || r[k + 2] !== Region.String || r[k] === lastRegion) continue;
      lastRegion = r[k]!;
      const body = text.slice(r[k + 3]!, r[k + 4]!);
      const value = r[k + 5] ? body : decodeEscapes(body);
      const blob = highEntropyBlob(value);
      if (!blob) continue;
      count++;
      if (!first) {
        const start = r[k]!;
        first = {
          rule: "high-entropy-literal",
          line: lines.lineAt(start),
          column: start - lineStartOf(text, start) + 1,
          why: "",
          snippet: `${shorten(text.slice(start, r[k + 1]!), 80)} (${value.length} characters)`,
        };
        first.why = `a ${value.length}-character string of ${blob.kind} with ${blob.entropy.toFixed(1)} bits of entropy per character: an encoded or encrypted payload hides what the code does`;
      }
    }
    if (first) {
      if (count > 1) first.why += ` (${count} such literals in this file)`;
      findings.push(first);
    }
  }
  return findings;
}

interface HiddenRun {
  /** Offset of the first character after the run. */
  codeStart: number;
  /** 1-based column of that character (tabs count 4). */
  column: number;
  /** Width of the run in columns. */
  run: number;
}

function isPythonSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 12;
}

function isJsSpace(c: number): boolean {
  return (
    c === 32 ||
    c === 9 ||
    c === 12 ||
    c === 11 ||
    (c > 127 &&
      (c === 0xa0 ||
        c === 0x1680 ||
        (c >= 0x2000 && c <= 0x200a) ||
        c === 0x202f ||
        c === 0x205f ||
        c === 0x3000 ||
        c === 0xfeff))
  );
}

/** base64, hex and the characters of `\x8f`/`\u00e9` escapes. */
function isBlobChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 47 && c <= 57) ||
    c === 43 ||
    c === 61 ||
    c === 95 ||
    c === 92 ||
    c === 45
  );
}

/**
 * Start offsets of the maximal runs of at least `min` characters of a class. Looks at every (min/2)th character
 * only and grows a run from it both ways: a run that long always contains one of those, and most of the text is
 * never touched (about 1 GB/s where a regex with a quantifier manages 70 MB/s).
 */
function findRuns(text: string, inClass: (c: number) => boolean, min: number): number[] {
  const out: number[] = [];
  const n = text.length;
  const stride = min >> 1;
  let covered = -1; // the end of the last run grown
  for (let i = stride - 1; i < n; i += stride) {
    if (i < covered || !inClass(text.charCodeAt(i))) continue;
    let s = i - 1;
    while (s >= 0 && inClass(text.charCodeAt(s))) s--;
    let e = i + 1;
    while (e < n && inClass(text.charCodeAt(e))) e++;
    covered = e;
    if (e - s - 1 >= min) out.push(s + 1);
  }
  return out;
}

const TABS = "\t".repeat(8);

function findHiddenRuns(text: string, isSpace: (c: number) => boolean): HiddenRun[] {
  const out: HiddenRun[] = [];
  // Runs of HIDDEN_MIN_RUN characters, and runs with 8 tabs in a row (a tab counts 4 columns). Sampling for
  // runs of a quarter of the characters would catch every mix of tabs and spaces, at a third of the speed.
  const starts = findRuns(text, isSpace, HIDDEN_MIN_RUN);
  for (let i = text.indexOf(TABS); i !== -1; i = text.indexOf(TABS, i)) {
    let s = i;
    while (s > 0 && isSpace(text.charCodeAt(s - 1))) s--;
    starts.push(s);
    i += TABS.length;
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  }
  if (starts.length === 0) return out;
  starts.sort((a, b) => a - b);
  let last = -1;
  for (const start of starts) {
    if (start === last) continue;
    last = start;
    let after = start;
    let run = 0;
    while (after < text.length && isSpace(text.charCodeAt(after))) {
      run += text.charCodeAt(after) === 9 ? 4 : 1;
      after++;
    }
    if (after >= text.length || run < HIDDEN_MIN_RUN) continue;
    const next = text.charCodeAt(after);
    if (next === 10 || next === 13) continue; // trailing white space
    const lineStart = lineStartOf(text, start);
    let column = 1;
    for (let i = lineStart; i < after; i++) column += text.charCodeAt(i) === 9 ? 4 : 1;
    if (column < HIDDEN_MIN_COLUMN) continue;
    out.push({ codeStart: after, column, run });
  }
  return out;
}

function longLine(
  file: SourceFile,
  lang: "python" | "javascript",
  lines: LineCounter,
  skip: Set<number>,
): RawFinding | undefined {
  const text = file.text;
  const min = lang === "python" ? PY_LONG_LINE : JS_LONG_LINE;
  if (text.length < min || TEST_PATH.test(file.path)) return undefined;
  // The longest line of `min` characters or more: such a line contains a multiple of min/2, so looking at the
  // lines around those offsets is enough.
  let max = 0;
  let maxStart = 0;
  for (let i = (min >> 1) - 1; i < text.length; i += min >> 1) {
    const start = lineStartOf(text, i);
    const end = lineEndOf(text, i);
    if (end - start > max) {
      max = end - start;
      maxStart = start;
    }
    if (end > i) i = end - (min >> 1) + 1; // next sample after this line
  }
  if (max < min) return undefined;
  const maxLine = lines.lineAt(maxStart);
  if (skip.has(maxLine)) return undefined;
  if (lang === "python") {
    if (PY_GENERATED_PATH.test(file.path) || GENERATED_BANNER.test(text.slice(0, 1000))) return undefined;
    return {
      rule: "long-line",
      line: maxLine,
      why: `a ${max}-character line in Python source: packed or obfuscated payloads are often a single enormous line`,
      snippet: shorten(text.slice(maxStart, maxStart + max), 160),
    };
  }
  if (max < JS_LONG_LINE || codeLineCount(text, 4) > 3) return undefined;
  OBFUSCATOR_NAMES.lastIndex = 0;
  let obfuscated = 0;
  while (obfuscated < 20 && OBFUSCATOR_NAMES.exec(text)) obfuscated++;
  const bundle =
    JS_BUNDLE_PATH.test(file.path) ||
    /^\s*(?:\/\*[!*@]|\/\/[!@]|\/\*\s*(?:@license|\w[\w.-]* v?\d))/.test(text) ||
    text.includes("//# sourceMappingURL=") ||
    text.includes("//@ sourceMappingURL=");
  if (obfuscated >= 20) {
    return {
      rule: "long-line",
      line: maxLine,
      severity: "medium",
      why: `a single ${max}-character line with javascript-obfuscator names (_0x…): obfuscated code hides what it does`,
      snippet: shorten(text.slice(maxStart, maxStart + max), 160),
    };
  }
  if (bundle) return undefined;
  return {
    rule: "long-line",
    line: maxLine,
    why: `the file's code is a single ${max}-character line and it is not a recognised minified bundle (no .min or dist/ name, no licence banner or source map)`,
    snippet: shorten(text.slice(maxStart, maxStart + max), 160),
  };
}

/** Lines that are neither blank nor a JavaScript line comment, counted up to `limit`. */
function codeLineCount(text: string, limit: number): number {
  let count = 0;
  for (let start = 0; start <= text.length && count < limit; ) {
    const j = text.indexOf("\n", start);
    const end = j === -1 ? text.length : j;
    if (!isBlankOrComment(text, start, end)) count++;
    if (j === -1) break;
    start = j + 1;
  }
  return count;
}

function isBlankOrComment(text: string, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) break;
    i++;
  }
  if (i === end) return true;
  const c = text.charCodeAt(i);
  return c === 47 && (text.charCodeAt(i + 1) === 47 || text.charCodeAt(i + 1) === 42);
}

/** Escape sequences of Python and JavaScript strings decoded, enough to measure the value's entropy. */
function decodeEscapes(body: string): string {
  if (!body.includes("\\")) return body;
  let out = "";
  const n = body.length;
  for (let i = 0; i < n; i++) {
    const c = body[i]!;
    if (c !== "\\" || i + 1 >= n) {
      out += c;
      continue;
    }
    const e = body[++i]!;
    if (e === "x" && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      out += String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e === "u" && body[i + 1] === "{") {
      const close = body.indexOf("}", i);
      const cp = Number.parseInt(body.slice(i + 2, close), 16);
      out += close > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : "";
      i = close > 0 ? close : i;
    } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(Number.parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (e === "U" && /^[0-9a-fA-F]{8}$/.test(body.slice(i + 1, i + 9))) {
      const cp = Number.parseInt(body.slice(i + 1, i + 9), 16);
      out += cp <= 0x10ffff ? String.fromCodePoint(cp) : "";
      i += 8;
    } else if (e >= "0" && e <= "7") {
      const m = /^[0-7]{1,3}/.exec(body.slice(i, i + 3))!;
      out += String.fromCharCode(Number.parseInt(m[0], 8));
      i += m[0].length - 1;
    } else if (e === "\n") {
      // line continuation
    } else if (e === "\r") {
      if (body[i + 1] === "\n") i++;
    } else {
      out += ESCAPES[e] ?? e;
    }
  }
  return out;
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", v: "\v", a: "\x07" };

/**
 * Data URIs and base64 of media that bundles and libraries embed: images, fonts, audio, video, WebAssembly.
 * WebAssembly is skipped because bundles embed it routinely (es-module-lexer, undici's llhttp) and a module can
 * do nothing without the JavaScript around it, which the other rules read. Scripts in data URIs
 * (`data:text/javascript;base64,…`) are not skipped.
 */
const MEDIA_DATA_URI =
  /^(?:url\(\s*)?["']?data:(?:image|font|audio|video)\/|^(?:url\(\s*)?["']?data:application\/(?:x-)?(?:font|vnd\.ms-fontobject|wasm|octet-stream)/i;
const MEDIA_BASE64 =
  /^(?:iVBORw0KGgo|\/9j\/|R0lGOD[lh]|d09GR|d09GMg|AAEAAAA|T1RUTw|AGFzbQ|AAABAA|UklGR|PHN2Zy|Qk[0-9A-Za-z]{2}AAAAAAA)/;

/**
 * Regular-expression character classes and Unicode range tables (`'\u0378-\u0379\u0380-\u0383…'`, pygments'
 * unistring, html5lib): near-random once decoded, but ranges, one `-` every few characters. Random bytes have one
 * in 256, base64url one in 64.
 */
function characterClassLike(value: string): boolean {
  let dashes = 0;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) === 45) dashes++;
  return dashes * 12 >= value.length;
}

function highEntropyBlob(value: string): { kind: string; entropy: number } | undefined {
  if (value.length < 200) return undefined;
  if (MEDIA_DATA_URI.test(value) || MEDIA_BASE64.test(value)) return undefined;
  if (characterClassLike(value)) return undefined;
  if (value.includes("-----BEGIN ")) return undefined; // PEM certificates and public keys
  if (/^sha(?:1|256|384|512)-/.test(value)) return undefined; // subresource integrity
  if (/^[0-9a-fA-F]+$/.test(value) || /^[A-Za-z0-9+/_-]+=*$/.test(value)) {
    if (!looksHighEntropy(value)) return undefined;
    return { kind: /^[0-9a-fA-F]+$/.test(value) ? "hex" : "base64", entropy: shannonEntropy(value) };
  }
  // Anything else must look like random bytes or random printable characters, not like text with some symbols:
  // an encoded trie of HTML entity names (entities, in vite) has 5.1 bits per character, 200 random bytes 7 or
  // more, ascii85 about 6.2. Decoded bytes may well contain white space.
  const entropy = shannonEntropy(value);
  if (/^[\x21-\x7e]+$/.test(value))
    return entropy > 5.5 ? { kind: "random-looking characters", entropy } : undefined;
  return entropy > 6 ? { kind: "binary data", entropy } : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Shell scripts (sh, bash, PowerShell, batch)

/** Commands whose arguments are text to show, not to run. */
const PRINT_COMMANDS =
  /^(?:echo|printf|print|say|log|info|warn|warning|error|fatal|die|fail|abort|msg|note|notice|debug|usage|ewarn|einfo|eerror|write-host|write-output|write-warning|write-error|write-verbose|write-information|write-debug|throw)$/i;

const ENDPOINT_NAMES: Record<string, string> = {
  "discord-webhook": "Discord webhook",
  "slack-webhook": "Slack webhook",
  "telegram-bot": "Telegram bot API",
  "paste-site": "paste or file-drop site",
  tunnel: "tunnel service",
  "request-capture": "request-capture service",
  "raw-ip": "URL with a raw public IP address",
};

/** Programs that talk to the network: they make an endpoint on the same line "used". */
const NETWORK_PROGRAMS =
  /^(?:curl|wget|nc|ncat|netcat|socat|scp|sftp|ftp|rsync|ssh|telnet|invoke-webrequest|invoke-restmethod|iwr|irm|start-bitstransfer|bitsadmin|certutil|http|https|xh|aria2c)(?:\.exe)?$/i;
const NETWORK_TEXT = /\bnet\.webclient\b|\.download(?:string|file|data)\s*\(|\bnet\.sockets\.tcpclient\b/i;

/** The network program a command runs, or undefined. */
function networkProgram(c: ShellCommand): string | undefined {
  const prog = (c.words[0] ?? "").replace(/^.*[/\\]/, "");
  if (NETWORK_PROGRAMS.test(prog)) return prog;
  return NETWORK_TEXT.exec(c.text)?.[0];
}

/** Autostart commands and the names of autostart locations: a line without any cannot be persistence. */
const PERSISTENCE_HINT =
  /crontab|systemctl|schtasks|scheduledtask|\breg(?:\.exe)?\s+add|launchctl|bashrc|bash_|profile|zsh|kshrc|cshrc|config\.fish|\/etc\/(?:cron|rc\.local|init\.d|environment)|spool\/cron|start menu|shell:|currentversion|launch(?:agents|daemons)|systemd|autostart|authorized_keys/i;

/**
 * A line that matches none of these cannot match any shell rule: the words every classifier, endpoint,
 * autostart command or location and secret path contains, and curl/wget (a download run on a later line).
 */
const SHELL_TRIGGER = new RegExp(
  [
    String.raw`curl|wget|\bfetch\b|\biwr\b|\birm\b|invoke-|webclient|download|\biex\b|\/dev\/(?:tcp|udp)|\bnc\b|ncat|netcat|socat|mkfifo|socket|pty\.|tcpclient`,
    "powershell|pwsh|base64|certutil|mshta|rundll32|regsvr32|decode|decompress|unhexlify|fromhex|atob|[\"']hex[\"']",
    String.raw`:\/\/(?:[^@/\s]*@)?\d|discord|slack|telegram|paste|rentry|pastie|controlc|termbin|bashupload|anonfiles|gofile|transfer\.sh|0x0\.st|file\.io|temp\.sh|ix\.io|oshi\.at|tmpfiles|catbox`,
    String.raw`ngrok|cloudflare|serveo|loca\.lt|localtunnel|localhost\.run|lhr\.|pagekite|bore\.pub|portmap|playit|tunnelmole|webhook|pipedream|requestbin|oast|interact|burpcollaborator|dnslog|ceye|canarytokens|requestrepo|beeceptor|requestcatcher|hookb`,
    String.raw`\.ssh|\.aws|\.azure|gcloud|\.kube|\.docker|npmrc|pypirc|netrc|git-credentials|yarnrc|gem.credentials|login data|cookies|local state|web data|mozilla|leveldb|wallet|keychain|exodus|electrum|ethereum|coinomi|guarda|armory`,
    PERSISTENCE_HINT.source,
  ].join("|"),
  "i",
);

interface ShellLine {
  /** 1-based line of the first physical line. */
  line: number;
  /** The logical line: continuation lines joined with a space, comment removed. */
  text: string;
  /** Where each physical line starts in `text`, for the line of a match. */
  breaks: number[];
}

/**
 * The shell-string rules over one command line (an npm script, a `<!(…)` expansion of binding.gyp): what
 * `analyseText(…, "shell")` reports for a script of that one line.
 */
export function analyseShellCommand(command: string): RawFinding[] {
  return analyseShell({ path: "command.sh", text: command.replace(/\r?\n/g, " ") });
}

/**
 * The simple commands of a shell line, each as its words with quotes removed and leading `VAR=value`
 * assignments and sudo/env/exec/nohup wrappers dropped (`a && b | c; d` gives four).
 */
export function shellCommandWords(line: string): string[][] {
  return splitCommands(line)
    .filter((c) => !c.whole)
    .map((c) => c.words);
}

function analyseShell(file: SourceFile): RawFinding[] {
  const dialect = /\.(?:bat|cmd)$/i.test(file.path)
    ? "batch"
    : /\.ps[dm]?1$/i.test(file.path)
      ? "powershell"
      : "sh";
  const findings: RawFinding[] = [];
  const seen = new Set<string>();
  const add = (f: RawFinding) => {
    const key = `${f.rule}:${f.line}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(f);
  };
  if (!SHELL_TRIGGER.test(file.text)) return findings;
  const downloaded = new Map<string, number>(); // file names written by curl/wget -> line
  for (const l of shellLines(file.text, dialect)) {
    // most lines of a script name nothing any rule looks for
    if (!SHELL_TRIGGER.test(l.text) && !mentionsAny(l.text, downloaded)) continue;
    const commands = splitCommands(l.text);
    const inert = inertRanges(commands);
    const isInert = (at: number) => inert.some(([s, e]) => at >= s && at < e);
    const lineOf = (at: number) => {
      let line = l.line;
      for (const b of l.breaks) if (at >= b) line++;
      return line;
    };

    const match = (
      rule: RawFinding["rule"],
      classify: (s: string) => string | undefined,
      why: (m: string) => string,
      severity?: Severity,
    ) => {
      // the whole line first: one regex run; command by command only to look past a printed match
      const whole = classify(l.text);
      if (!whole) return;
      for (const c of commands) {
        const m = c.whole ? whole : classify(c.pipeline);
        if (!m) continue;
        const at = c.pipelineStart + c.pipeline.indexOf(m);
        if (isInert(at)) continue;
        add({
          rule,
          line: lineOf(at),
          why: why(m),
          snippet: shorten(l.text.trim(), 200),
          ...(severity ? { severity } : {}),
        });
        return;
      }
    };
    match(
      "download-exec",
      downloadAndRunCommand,
      () => "the script downloads code and runs it: whatever the server sends executes",
    );
    match(
      "reverse-shell",
      reverseShellCommand,
      () =>
        "the script connects a shell's input and output to a network socket: a remote attacker gets a shell",
    );
    match(
      "encoded-command",
      encodedCommand,
      () => "the script runs a command whose payload is encoded or hidden from view",
    );

    // exfiltration endpoints, anywhere on the line (a hard-coded endpoint is one whether printed or not)
    const network = commands.find((c) => !c.whole && !isInert(c.start) && networkProgram(c) !== undefined);
    const ep = exfilEndpoint(l.text);
    if (ep) {
      const at = l.text.indexOf(ep.match);
      const used = network !== undefined;
      add({
        rule: "exfil-endpoint",
        line: lineOf(at),
        severity: used ? "high" : "medium",
        why: `${ENDPOINT_NAMES[ep.kind] ?? ep.kind} ${ep.match}${used ? ` on a line that runs ${networkProgram(network)}` : " named in the script"}: malware sends stolen data to such free services`,
        snippet: shorten(l.text.trim(), 200),
      });
    }

    // credentials read and sent on one line: `tar czf - ~/.ssh | curl -d @- …`, `curl -F f=@$HOME/.aws/credentials …`
    if (network) {
      for (const c of commands) {
        if (c.whole || isInert(c.start)) continue;
        const secret = c.words
          .slice(1)
          .map((w) => w.replace(/^[^@]*@/, ""))
          .find((w) => secretPathKind(w) !== undefined);
        if (secret === undefined) continue;
        add({
          rule: "secret-exfil",
          line: lineOf(c.start),
          why: `the script reads ${secret} (${secretPathKind(secret)} credentials) and sends data out with ${networkProgram(network)} on the same line`,
          snippet: shorten(l.text.trim(), 200),
        });
        break;
      }
    }

    const persistHint = PERSISTENCE_HINT.test(l.text);
    for (const c of commands) {
      if (c.whole) continue;
      // persistence: autostart commands, and writes into autostart locations (also of printed text)
      const cmdKind = isInert(c.start) || !persistHint ? undefined : persistenceCommandKind(c.text.trim());
      if (cmdKind) {
        add({
          rule: "persistence",
          line: lineOf(c.start),
          why: `the script installs a ${cmdKind} entry: something will run again at every login, boot or schedule`,
          snippet: shorten(c.text.trim(), 200),
        });
      }
      for (const target of persistHint ? writeTargets(c) : []) {
        const kind = persistencePathKind(unquote(target));
        if (!kind) continue;
        const settings = onlySettings(c);
        add({
          rule: "persistence",
          line: lineOf(c.start),
          severity: settings ? "medium" : undefined,
          why: `the script writes to ${target} (${kind}): what it adds runs again at every login or boot${settings ? "; here it only sets variables, aliases or options (PATH or an alias can still shadow commands)" : ""}`,
          snippet: shorten(c.text.trim(), 200),
        });
        break;
      }
      // download to a file, then run that file on a later line (or later on this one)
      const name = c.words[0] ?? "";
      if (/^(?:curl|wget)$/.test(name)) {
        const out = downloadTarget(c.words);
        if (out) downloaded.set(baseName(out), lineOf(c.start));
      } else {
        const run = executedFile(c.words);
        const from = run !== undefined ? downloaded.get(baseName(run)) : undefined;
        if (run !== undefined && from !== undefined) {
          add({
            rule: "download-exec",
            line: lineOf(c.start),
            why: `the script runs ${run}, which it downloaded at line ${from}: whatever the server sends executes`,
            snippet: shorten(c.text.trim(), 200),
          });
        }
      }
    }
  }
  return findings;
}

function mentionsAny(text: string, names: Map<string, number>): boolean {
  for (const name of names.keys()) if (text.includes(name)) return true;
  return false;
}

function shellLines(text: string, dialect: "sh" | "powershell" | "batch"): ShellLine[] {
  const out: ShellLine[] = [];
  const physical = text.split("\n");
  let heredoc: { end: RegExp; data: boolean } | undefined;
  let blockComment = false;
  for (let i = 0; i < physical.length; i++) {
    let raw = physical[i]!;
    if (raw.endsWith("\r")) raw = raw.slice(0, -1);
    if (heredoc) {
      if (heredoc.end.test(raw)) heredoc = undefined;
      else if (!heredoc.data) out.push({ line: i + 1, text: raw, breaks: [] });
      continue;
    }
    if (dialect === "powershell") {
      if (blockComment) {
        const close = raw.indexOf("#>");
        if (close === -1) continue;
        raw = raw.slice(close + 2);
        blockComment = false;
      }
      const open = raw.indexOf("<#");
      if (open !== -1) {
        const close = raw.indexOf("#>", open + 2);
        if (close === -1) {
          blockComment = true;
          raw = raw.slice(0, open);
        } else raw = raw.slice(0, open) + raw.slice(close + 2);
      }
    }
    const first = i + 1;
    const breaks: number[] = [];
    let joined = stripComment(raw, dialect);
    // continuation: `\` (sh), "`" (PowerShell), `^` (batch) at the end of the line
    const cont = dialect === "sh" ? "\\" : dialect === "powershell" ? "`" : "^";
    while (joined.endsWith(cont) && i + 1 < physical.length) {
      joined = joined.slice(0, -1);
      breaks.push(joined.length + 1);
      i++;
      joined += ` ${stripComment(physical[i]!.replace(/\r$/, ""), dialect)}`;
    }
    if (joined.trim() === "") continue;
    out.push({ line: first, text: joined, breaks });
    if (dialect === "sh") {
      // a here-document: its body is data when it goes to cat/echo (usage texts), code when a shell reads it
      const h = /<<-?\s*(["']?)([\w.-]+)\1/.exec(joined);
      if (h) {
        const before = joined.slice(0, h.index);
        const cmd = before.trim().split(/\s+/).pop() ?? "";
        const printed =
          /(?:^|[\s;&|(])cat\s*$/.test(before) && !/>\s*[^&\s]/.test(joined.slice(h.index + h[0].length));
        heredoc = {
          end: new RegExp(`^\\t*${h[2]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`),
          data: printed || (cmd !== "" && PRINT_COMMANDS.test(cmd)),
        };
      }
    }
  }
  return out;
}

function stripComment(line: string, dialect: "sh" | "powershell" | "batch"): string {
  if (dialect === "batch") return /^\s*(?:@?rem\b|::)/i.test(line) ? "" : line;
  if (!line.includes("#")) return line;
  // `#` starts a comment at the start of a word, outside quotes
  let quote = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (quote) {
      if (c === 92 && quote === 34 && dialect === "sh") i++;
      else if (c === 96 && dialect === "powershell" && quote === 34) i++;
      else if (c === quote) quote = 0;
    } else if (c === 92 && dialect === "sh") i++;
    else if (c === 34 || c === 39) quote = c;
    else if (c === 35 && (i === 0 || /[\s;&|(]/.test(line[i - 1]!))) {
      if (i === 0 && line.startsWith("#!")) return "";
      return line.slice(0, i);
    }
  }
  return line;
}

interface ShellCommand {
  /** Offset of the command in the logical line, and its text. */
  start: number;
  text: string;
  /** The command and those it pipes into (`a | b | c` for a): what the classifiers read. */
  pipeline: string;
  pipelineStart: number;
  /** Words, unquoted. */
  words: string[];
  /** Index of the command its output is piped into, or -1. */
  pipesTo: number;
  /** The whole line, added for the classifiers (forms such as `sh -c "$(curl …)"` span several commands). */
  whole?: boolean;
}

/** Splits a logical line into simple commands at unquoted `;`, `&&`, `||`, `&`, `|`, `(`, `)`, `$(`, "`". */
function splitCommands(line: string): ShellCommand[] {
  const out: ShellCommand[] = [];
  let start = 0;
  let quote = 0;
  const pipes: boolean[] = [];
  const flush = (end: number, pipe: boolean) => {
    const text = line.slice(start, end);
    if (text.trim() !== "") {
      out.push({ start, text, pipeline: text, pipelineStart: start, words: words(text), pipesTo: -1 });
      pipes.push(pipe);
    } else if (pipes.length > 0 && pipe) pipes[pipes.length - 1] = true;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === "\\" && quote === 34) i++;
      else if (c.charCodeAt(0) === quote) quote = 0;
      else if (quote === 34 && c === "$" && line[i + 1] === "(") {
        // command substitution inside double quotes: its own command
        flush(i, false);
        start = i + 2;
        i++;
      }
      continue;
    }
    if (c === "\\") {
      i++;
    } else if (c === '"' || c === "'") {
      quote = c.charCodeAt(0);
    } else if (c === "|" && line[i + 1] === "|") {
      flush(i, false);
      start = i + 2;
      i++;
    } else if (c === "|") {
      flush(i, true);
      start = i + 1;
    } else if (c === "&" && line[i + 1] === "&") {
      flush(i, false);
      start = i + 2;
      i++;
    } else if (c === "&" && line[i - 1] !== ">" && line[i + 1] !== ">" && line[i - 1] !== "<") {
      flush(i, false);
      start = i + 1;
    } else if (c === ";" || c === "(" || c === ")" || c === "`" || c === "{" || c === "}") {
      if (c === "(" && line[i - 1] === "<") continue; // process substitution <( … ) stays with its command
      flush(i, false);
      start = i + 1;
    }
  }
  flush(line.length, false);
  for (let k = 0; k < out.length; k++) {
    if (pipes[k]) out[k]!.pipesTo = k + 1 < out.length ? k + 1 : -1;
  }
  // a pipeline's text runs from its first command to its last
  for (let k = out.length - 1; k >= 0; k--) {
    const c = out[k]!;
    if (c.pipesTo !== -1) {
      const next = out[c.pipesTo]!;
      c.pipeline = line.slice(c.start, next.pipelineStart + next.pipeline.length);
    }
  }
  // process substitution and `sh -c "$(…)"` forms are read whole: give the classifiers the full line too
  if (out.length > 1) {
    out.push({
      start: 0,
      text: line,
      pipeline: line,
      pipelineStart: 0,
      words: [],
      pipesTo: -1,
      whole: true,
    });
  }
  return out;
}

function words(command: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|((?:[^\s"'\\]|\\.)+)/g;
  let current = "";
  let lastEnd = -1;
  for (let m = re.exec(command); m; m = re.exec(command)) {
    const piece = m[1] ?? m[2] ?? m[3] ?? "";
    if (m.index === lastEnd) current += piece;
    else {
      if (lastEnd !== -1) out.push(current);
      current = piece;
    }
    lastEnd = m.index + m[0].length;
  }
  if (lastEnd !== -1) out.push(current);
  // drop leading variable assignments and sudo/env/exec/nohup wrappers
  while (
    out.length > 0 &&
    (/^[A-Za-z_]\w*=/.test(out[0]!) || /^(?:sudo|env|exec|nohup|command|time)$/.test(out[0]!))
  )
    out.shift();
  return out;
}

/**
 * Offsets of the line that are text to show, not code: the arguments of echo/printf/Write-Host … unless the
 * output is piped into a shell or an interpreter. Redirections (`echo … >> ~/.bashrc`) are judged elsewhere.
 */
function inertRanges(commands: ShellCommand[]): [number, number][] {
  const out: [number, number][] = [];
  for (const c of commands) {
    if (c.whole || c.words.length === 0 || !PRINT_COMMANDS.test(c.words[0]!)) continue;
    let k = c.pipesTo;
    let runs = false;
    while (k !== -1) {
      const next = commands[k]!;
      const w = next.words;
      const prog = w[0] ?? "";
      if (
        /^(?:(?:ba|z|da|k)?sh|python[0-9.]*|perl|ruby|node|iex|invoke-expression|powershell|pwsh|eval|source)$/i.test(
          prog,
        ) ||
        (prog === "base64" && w.some((x) => /^(?:-d|--decode|-D)$/.test(x)))
      ) {
        runs = true;
        break;
      }
      k = next.pipesTo;
    }
    if (!runs) out.push([c.start, c.start + c.text.length]);
  }
  return out;
}

/**
 * The command writes literal shell settings (`echo 'export PATH=…'`, `echo "alias ls=…"`, `true > ~/.bashrc`):
 * environment set-up such as ansible-test's bootstrap does, not a payload. Anything that runs or fetches
 * something, or content that is only a variable, is not.
 */
function onlySettings(c: ShellCommand): boolean {
  const prog = c.words[0] ?? "";
  if (prog === "true" || prog === ":") return true;
  if (prog !== "echo" && prog !== "printf") return false;
  const content = c.words
    .slice(1)
    .filter((w) => !/^-[neE]+$/.test(w))
    .join(" ");
  return (
    /^\s*(?:export\s+\w+=|alias\s+[\w.-]+=|unalias\s|\w+=|cd\s|umask\s|set\s+[-+]o\s|shopt\s|ulimit\s|bind\s|complete\s|$)/.test(
      content,
    ) &&
    !/\b(?:curl|wget|nc|ncat|base64|eval|exec|nohup|python[0-9.]*|node|perl|ruby|bash|sh|source)\b|\$\(|`|\/tmp\/|\/dev\/shm|https?:|(?:^|\s)\.\s/.test(
      content,
    )
  );
}

/** Files a command writes: redirection targets, `tee` arguments, the destination of cp/mv/install/ln, PowerShell -Path/-Destination. */
function writeTargets(c: ShellCommand): string[] {
  const out = redirectTargets(c.text);
  const w = c.words;
  const prog = (w[0] ?? "").toLowerCase();
  const args = w.slice(1).filter((x) => !x.startsWith("-"));
  if (prog === "tee") out.push(...args);
  else if (/^(?:cp|mv|install|ln|rsync|copy|xcopy|move|robocopy)$/.test(prog) && args.length >= 2)
    out.push(args[args.length - 1]!);
  else if (
    /^(?:set-content|add-content|out-file|new-item|copy-item|move-item|new-itemproperty|set-itemproperty)$/.test(
      prog,
    )
  )
    out.push(...w.slice(1));
  else if (prog === "reg" && w[1]?.toLowerCase() === "add" && w[2]) out.push(w[2]);
  return out;
}

/** Targets of unquoted `>`, `>>`, `>|`, `&>` redirections (not `>&2`, not /dev/null). */
function redirectTargets(text: string): string[] {
  const out: string[] = [];
  let quote = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\" && quote === 34) i++;
      else if (c.charCodeAt(0) === quote) quote = 0;
    } else if (c === "\\") i++;
    else if (c === '"' || c === "'") quote = c.charCodeAt(0);
    else if (c === ">") {
      if (text[i + 1] === "&") continue;
      let j = i + 1;
      if (text[j] === ">" || text[j] === "|") j++;
      while (text[j] === " " || text[j] === "\t") j++;
      const m = /^(?:"[^"]*"|'[^']*'|[^\s;&|<>()]+)/.exec(text.slice(j));
      if (!m) continue;
      if (!/^\/dev\/(?:null|stdout|stderr|tty)$/.test(m[0])) out.push(m[0]);
      i = j + m[0].length - 1;
    }
  }
  return out;
}

function unquote(s: string): string {
  return s.replace(/^["']|["']$/g, "");
}

function downloadTarget(w: string[]): string | undefined {
  for (let i = 1; i < w.length - 1; i++) {
    if (/^(?:-o|--output|-O|--output-document)$/.test(w[i]!) && !(w[0] === "curl" && w[i] === "-O")) {
      const t = w[i + 1]!;
      return t === "-" ? undefined : t;
    }
  }
  return undefined;
}

/** The file a command runs: `./x`, `/tmp/x`, `sh x`, `bash x`, `python x`, `node x`, `source x`, `. x`. */
function executedFile(w: string[]): string | undefined {
  const prog = w[0];
  if (!prog) return undefined;
  if (/^(?:(?:ba|z|da|k)?sh|python[0-9.]*|perl|ruby|node|source|\.)$/.test(prog)) {
    return w.slice(1).find((x) => !x.startsWith("-"));
  }
  if (prog.includes("/") || prog.startsWith("$")) return prog;
  return undefined;
}

function baseName(p: string): string {
  const s = unquote(p);
  return s.slice(s.lastIndexOf("/") + 1);
}

// ---------------------------------------------------------------------------------------------------------------
// Native binaries

export type BinaryKind = "ELF" | "PE" | "Mach-O";

/**
 * The kind of native executable a file starts with: ELF, PE (MZ with a PE header where the head reaches it),
 * Mach-O (32/64-bit, both byte orders) and Mach-O universal ("fat") files, which share their magic number with
 * Java class files and are told apart by the architecture count. `head`: the file's first bytes, 64 at least;
 * when it reaches the PE header (the first 4 KiB nearly always do), the `PE\0\0` signature is checked too.
 */
export function nativeBinaryKind(head: Uint8Array): BinaryKind | undefined {
  if (head.length < 4) return undefined;
  const be = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  if (be === 0x7f454c46) return "ELF";
  if (be === 0xfeedface || be === 0xfeedfacf || be === 0xcefaedfe || be === 0xcffaedfe) return "Mach-O";
  if (be === 0xcafebabe || be === 0xcafebabf || be === 0xbebafeca || be === 0xbfbafeca) {
    if (head.length < 8) return undefined;
    const little = be === 0xbebafeca || be === 0xbfbafeca;
    const n = little
      ? (head[4]! | (head[5]! << 8) | (head[6]! << 16) | (head[7]! << 24)) >>> 0
      : ((head[4]! << 24) | (head[5]! << 16) | (head[6]! << 8) | head[7]!) >>> 0;
    // Java class files: minor and major version here, the major at least 45
    return n >= 1 && n < 45 ? "Mach-O" : undefined;
  }
  if (head[0] === 0x4d && head[1] === 0x5a && head.length >= 64) {
    const lfanew = (head[60]! | (head[61]! << 8) | (head[62]! << 16) | (head[63]! << 24)) >>> 0;
    if (lfanew < 64 || lfanew > 0x10000) return undefined;
    if (lfanew + 4 <= head.length) {
      return head[lfanew] === 0x50 &&
        head[lfanew + 1] === 0x45 &&
        head[lfanew + 2] === 0 &&
        head[lfanew + 3] === 0
        ? "PE"
        : undefined;
    }
    return "PE";
  }
  return undefined;
}

export interface BinaryContext {
  packageKind: "directory" | "npm-tarball" | "wheel" | "sdist" | "file";
  /** The npm package declares `os` or `cpu` in its package.json: a platform-specific binary package. */
  npmDeclaresPlatform?: boolean;
}

/**
 * native-binary: an executable inside a source package. Wheels are not flagged (their platform tag declares
 * compiled code). Low for Node addons (`.node`) kept in `prebuilds/` or `build/Release|Debug/`, and for any
 * binary in an npm package that declares `os`/`cpu` (esbuild's `@esbuild/linux-x64` and friends); medium otherwise.
 */
export function analyseBinary(path: string, kind: BinaryKind, ctx: BinaryContext): RawFinding | undefined {
  if (ctx.packageKind === "wheel") return undefined;
  // Prebuilt addons where prebuild tools keep them, and node-gyp's own output (build/Release/obj.target/*.o
  // of a local build) are expected in an installed package.
  const prebuiltAddon =
    (/\.node$/i.test(path) && /(?:^|\/)prebuilds\//.test(path)) ||
    /(?:^|\/)build\/(?:Release|Debug)\//.test(path);
  if (ctx.npmDeclaresPlatform) {
    return {
      rule: "native-binary",
      line: 1,
      severity: "low",
      why: `${kind} executable in an npm package that declares the platforms (os/cpu) it is built for`,
    };
  }
  if (prebuiltAddon) {
    return {
      rule: "native-binary",
      line: 1,
      severity: "low",
      why: `prebuilt Node addon (${kind}) where prebuild tools keep them; it cannot be reviewed like source`,
    };
  }
  return {
    rule: "native-binary",
    line: 1,
    why: `${kind} executable in a source package: it cannot be reviewed like source, and droppers ship one to run from an install script`,
  };
}
