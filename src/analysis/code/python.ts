/**
 * The Python analyser of package contents (issue 4): rules over tree-sitter syntax trees, never over raw text.
 *
 * One file is parsed (web-tree-sitter + tree-sitter-python), copied into a plain JS tree in one cursor walk (every
 * later look-up then stays in JS instead of crossing into wasm), split into scopes (module, functions, lambdas,
 * classes) with their bindings, and analysed with a small abstract interpreter: an expression's value is a set of
 * flags (decoded, downloaded, request data, whole environment, secret file, socket, …), the strings it can hold
 * (with holes for unknown parts), and, for modules, functions and objects, a qualified name (`subprocess.Popen`,
 * `requests.Session#` for an instance). Names are followed through local assignments flow-insensitively (every
 * assignment of a name in its scope counts), through import aliases, attribute chains, `__import__`/`getattr`/
 * `globals()[…]`, and one level into local functions' return values. Rules then look at the sinks (exec/eval,
 * process spawns, network calls, file writes, SQL) and the values that reach them.
 *
 * The analysed code is data: it is never executed, imported or installed. Literal payloads (`b64decode("…")`,
 * `zlib.decompress(…)`, `chr()` joins) are decoded here, in JS, and the code they hold is analysed in turn.
 */
import { createRequire } from "node:module";
import { gunzipSync, inflateRawSync, inflateSync } from "node:zlib";
import { Language, Parser, type Tree } from "web-tree-sitter";
import { SEVERITY_ORDER, type Severity } from "../severity.js";
import { type RuleId, ruleById } from "./rules.js";
import {
  downloadAndRunCommand,
  encodedCommand,
  exfilEndpoint,
  persistenceCommandKind,
  persistencePathKind,
  reverseShellCommand,
  type SecretKind,
  secretPathKind,
} from "./strings.js";
import type { RawFinding, SourceFile } from "./types.js";

// ---------------------------------------------------------------------------------------------------------------
// Parser

let parser: Parser | undefined;
let loading: Promise<void> | undefined;

/** Loads web-tree-sitter and the Python grammar once; later calls return the same promise. */
export function loadPythonParser(): Promise<void> {
  loading ??= (async () => {
    await Parser.init();
    const wasm = createRequire(import.meta.url).resolve("tree-sitter-python/tree-sitter-python.wasm");
    const language = await Language.load(wasm);
    const p = new Parser();
    p.setLanguage(language);
    parser = p;
  })().catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

// ---------------------------------------------------------------------------------------------------------------
// Pre-filter

/*
 * Parsing costs ~3 MB/s per core, so only files that can produce a finding are parsed. A finding needs a sink AND
 * something that reaches it (a decoder, a download, request data, a secret path, …): needsParse() checks those
 * conjunctions over token tests, rarest and cheapest first (plain `includes` and literal-led patterns are ~1 GB/s,
 * alternations of many words ~100 MB/s, so each costly pattern sits behind a cheaper guard).
 */
const P_NET =
  /requests|socket|urllib|urlopen|urlretrieve|httplib|httpx|http\.client|aiohttp|smtplib|ftplib|wget\.|discord_webhook|dhooks|telebot/;
const P_PROC =
  /subprocess|os\.(?:system|popen|exec|spawn|startfile|posix_spawn)|pty\.spawn|from os import|import os as|create_subprocess/;
const P_CODE =
  /(?<![.\w])(?:exec|eval|execfile)\s*\(|builtins\W{1,6}(?:exec|eval|compile)\b|__import__|FunctionType\(/;
const P_DEC_D =
  /b(?:64|32|16|85)decode|a85decode|decodebytes|decodestring|codecs\.decode|\.decode\(\s*['"](?:hex|base64|rot13|zlib)/;
const P_DEC_O = /a2b_|unhexlify|fromhex|marshal\.loads?\(|decompress\(|decrypt\(|rot_?13/;
const P_DECODED_LITERAL =
  /(?:b(?:64|32|16|85)decode|a85decode|decodebytes|decodestring|unhexlify|fromhex|a2b_\w+|decompress|decrypt|marshal\.loads|pickle\.loads)\(\s*[bBrRuU]{0,2}['"]|['"]\)?\[::-1\]|chr\(\s*\d+\s*\)\s*\+\s*chr\(\s*\d+\s*\)\s*\+\s*chr|(?:map\(\s*chr\s*,|chr\(\s*\w+\s*(?:[-+^%]\s*\w+\s*)?\)\s*for\s+\w+\s+in)\s*[[(]\s*\d|codecs\.(?:de|en)code\([^\n]*rot|bytes\(\s*\[\s*\d+\s*,\s*\d+\s*,\s*\d+\s*,\s*\d/;
/** Two string literals concatenated inside a word: `"sys" + "tem"`. */
const P_WORD_SPLIT = /[A-Za-z_]['"]\s*\+\s*[bBrRuUfF]?['"][A-Za-z_]/;
/** A chr() join over a variable, with a long literal list of character codes somewhere in the file. */
const P_CHR_JOIN = /map\(\s*chr\b|chr\(\s*\w+\s*(?:[-+^%]\s*\w+\s*)?\)\s*for\b/;
const P_CODE_LIST = /[[(]\s*\d{2,3}\s*(?:,\s*\d{2,3}\s*){7}/;
const G_WEAK = /\[::-1\]|chr\(|bytes\(\[/;
const P_NAME_LOOKUP = /__import__|import_module|getattr|globals|locals\(|vars\(|__builtins__/;
const P_HIDDEN =
  /(?:__import__|import_module|getattr)\s*\([^\n)]*(?:chr\(|\[::-1\]|['"]\s*\+\s*[bBrRuUfF]?['"]|\.join\(|decode)|(?:__builtins__|builtins\.__dict__|globals\(\)|vars\(\w*\)|locals\(\))\[[^\]\n]*(?:chr\(|\[::-1\]|['"]\s*\+|\+\s*['"]|\.join\(|decode)/;
const P_CODE_BUILT =
  /(?<![.\w])(?:exec|eval)\s*\([^\n]*(?:['"]\s*\+|\+\s*['"]|\.join\(|chr\(|\[::-1\]|\.format\()|[A-Za-z_]['"]\s*\+\s*[bBrRuUfF]?['"][A-Za-z_]|\+=\s*[bBrRuUfF]?['"][A-Za-z_]|['"]{2}\.join\(\s*[[(]\s*['"]/;
const P_WRITE =
  /urlretrieve|['"][wa]b\+?['"]|write_bytes|copyfileobj|wget\.download|NamedTemporaryFile|mkstemp/;
const P_RUN_FILE =
  /chmod|CDLL|LoadLibrary|startfile|zipimport|spec_from_file_location|SourceFileLoader|run_path|load_source|subprocess|os\.(?:system|popen|exec|spawn)/;
const P_ENV_ALL = /environ(?:\.copy\(|\.items\(|\.keys\(|\.values\(|\s*[,)}\]])|dict\(\s*(?:os\.)?environ/;
/** Words the shell-string classifiers (strings.ts) need: download-and-run, reverse shells, encoded commands, autostart. */
const P_SHELL =
  /\b(?:curl|wget|certutil|mshta|rundll32|regsvr32|powershell|pwsh|crontab|schtasks|launchctl|mkfifo|socat|netcat|ncat|tcpclient|webclient)\b|\bfetch\b[^\n]*\||\b(?:iwr|irm)\s|invoke-(?:webrequest|restmethod|expression)|download(?:string|file)|\/dev\/(?:tcp|udp)|\bnc(?:\.exe)?\s+-|\bscp\s|pty\.spawn|base64\s+(?:-d|--decode|-D)\b|register-scheduledtask|systemctl\s+(?:--\w+\s+)*enable|reg(?:\.exe)?\s+add|python[0-9.]*\s+(?:-\w+\s+)*-c\b|node(?:\.exe)?\s+(?:-\S+\s+)*(?:-e|-p|--eval|--print)\b/i;
const G_SECRET =
  /['"/\\](?:\.(?:ssh|aws|azure|kube|docker|npmrc|pypirc|netrc|git-credentials|yarnrc|gem|mozilla)|gcloud|Login Data|Web Data|Local State|User Data|Cookies|cookies\.sqlite|logins\.json|key4\.db|Firefox|[Dd]iscord|Lightcord|Local Storage|leveldb|Exodus|Electrum|Ethereum|Bitcoin|Armory|wallet|Coinomi|Guarda|Atomic|Vivaldi|google-chrome|[Cc]hromium|nkbihf|bfnaelm|hnfankn|ejbalba|fhbohim|ibnejdf|Keychains|login\.keychain)/;
const P_SECRET_STRONG =
  /Login Data|Web Data|Local State|User Data|Cookies['"]|cookies\.sqlite|logins\.json|key4\.db|Firefox['"/\\]|\.mozilla|[Dd]iscord(?:canary|ptb)?['"/\\]|Lightcord|Local Storage|leveldb|Exodus|Electrum|Ethereum|Bitcoin|Armory|wallet\.dat|Coinomi|Guarda|Atomic['"/\\]|Vivaldi|google-chrome|[Cc]hromium['"/\\]|nkbihfbeogaeaoehlefnkodbefgpgknn|bfnaelmomeimhlpmgjnjophhpkkoljpa|hnfanknocfeofbddgcijnmhnfnkdnaad|ejbalbakoplchlghecdalmeeeajnimhm|fhbohimaelbohpjbbldcngcnapndodjp|ibnejdfjmmkpcnlpebklmnkoeoihofec|Keychains|login\.keychain/;
const P_SECRET_ANY =
  /['"/\\]\.(?:ssh|aws|azure|kube|docker|npmrc|pypirc|netrc|git-credentials|yarnrc|gem)|gcloud/;
/**
 * Hosts of exfiltration services (exfilEndpoint in strings.ts), without the paths that classifier wants: a URL
 * may be assembled from a host constant and a path.
 */
const P_ENDPOINT_HOST =
  /discord(?:app)?\.com|discord\.gg|hooks\.slack|api\.telegram|pastebin|paste\.ee|hastebin|ghostbin|rentry\.|dpaste|pastie\.io|controlc|termbin|bashupload|anonfiles|gofile|ix\.io|transfer\.sh|0x0\.st|file\.io|temp\.sh|oshi\.at|tmpfiles|catbox\.moe|ngrok|trycloudflare|serveo|loca\.lt|localtunnel|localhost\.run|lhr\.(?:life|rocks)|pagekite|bore\.pub|portmap\.io|playit\.gg|tunnelmole|webhook\.site|pipedream|requestbin|\.oast\.|interact\.sh|interactsh|burpcollaborator|oastify|dnslog|ceye\.io|canarytokens|requestrepo|beeceptor|requestcatcher|hookb\.in|:\/\/(?:[^@/\s]*@)?\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/i;
/** Autostart locations (persistencePathKind) and commands that register one (persistenceCommandKind). */
const P_PERSIST =
  /CurrentVersion\\{1,2}(?:Run|Policies)|Winlogon|Start Menu|Startup['"\\/]|shell:(?:common )?startup|crontab|\/etc\/cron|\/var\/spool\/cron|\.(?:bashrc|bash_profile|bash_login|bash_logout|zshrc|zshenv|zprofile|zlogin|kshrc|cshrc|tcshrc)\b|\.profile['"]|\/etc\/(?:profile|bash\.bashrc|bashrc|zshrc|zsh\/zshrc|zprofile|environment)|config\.fish|LaunchAgents|LaunchDaemons|systemd\/system|systemd\/user|systemctl\s+(?:--\w+\s+)*enable|autostart|rc\.local|init\.d\/|authorized_keys|PowerShell_profile|\$PROFILE/;
const P_ROUTE =
  /@[\w.]+\.(?:route|get|post|put|delete|patch|head|options|api_route|websocket)\(\s*['"]|def (?!test)\w+\(\s*(?:self,\s*)?request\b|RequestHandler/;
const P_ROUTE_SINK =
  /\.execute(?:script|many)?\s*\(|\.raw\s*\(|\btext\s*\(|(?<![.\w])(?:exec|eval)\s*\(|subprocess|os\.(?:system|popen)/;
/** Process calls whose first argument is run as code or by a shell. */
const P_SHELL_SINK =
  /os\.system|os\.popen|getoutput|shell\s*=\s*True|['"]-c['"]|pty\.spawn|startfile|create_subprocess_shell|os\.exec|os\.spawn|input\s*=/;
const P_SOCKET_STDIO =
  /std(?:in|out|err)\s*=\s*\w+\.fileno\(\)|std(?:in|out|err)\s*=\s*(?:s|so|sock|socket|conn|client|c)\s*[,)]/;

function needsParse(t: string): boolean {
  let net: boolean | undefined;
  let code: boolean | undefined;
  let proc: boolean | undefined;
  const NET = () => (net ??= P_NET.test(t));
  const CODE = () =>
    (code ??= (t.includes("exec") || t.includes("eval") || t.includes("FunctionType")) && P_CODE.test(t));
  const PROC = () => (proc ??= P_PROC.test(t));
  // Decoded or de-obfuscated data reaching a sink.
  const dec = (t.includes("decode") && P_DEC_D.test(t)) || P_DEC_O.test(t);
  if (dec || G_WEAK.test(t)) {
    if (
      (P_DECODED_LITERAL.test(t) || (P_CHR_JOIN.test(t) && P_CODE_LIST.test(t))) &&
      (CODE() || PROC() || NET() || t.includes("ctypes") || P_NAME_LOOKUP.test(t))
    )
      return true;
    if (dec && (CODE() || PROC() || t.includes("ctypes"))) return true;
  }
  // Names looked up through string games.
  if (
    (t.includes("__import__") ||
      t.includes("import_module") ||
      t.includes("getattr") ||
      t.includes("globals()[") ||
      t.includes("__builtins__") ||
      t.includes("vars(")) &&
    P_HIDDEN.test(t)
  )
    return true;
  if (CODE() && P_CODE_BUILT.test(t)) return true;
  // A name assembled in a variable, then looked up.
  if (P_WORD_SPLIT.test(t) && P_NAME_LOOKUP.test(t)) return true;
  if (t.includes("dup2") && NET()) return true;
  if (G_SECRET.test(t) && (P_SECRET_STRONG.test(t) || (P_SECRET_ANY.test(t) && NET()))) return true;
  if (P_PERSIST.test(t)) return true;
  if ((CODE() || PROC()) && P_SHELL.test(t)) return true;
  if (P_ROUTE.test(t) && P_ROUTE_SINK.test(t)) return true;
  if (!NET()) return false;
  if (CODE() || P_ENDPOINT_HOST.test(t)) return true;
  if (t.includes("environ") && P_ENV_ALL.test(t)) return true;
  if (P_WRITE.test(t) && P_RUN_FILE.test(t)) return true;
  if (!PROC()) return false;
  // Downloaded text run as a command; a shell over a socket (its stdio, or what it receives).
  return P_SHELL_SINK.test(t) || P_SOCKET_STDIO.test(t) || t.includes(".recv(");
}

const PREFILTER_TOKENS = [
  P_DEC_D,
  P_DEC_O,
  G_WEAK,
  P_NAME_LOOKUP,
  P_CODE,
  P_PROC,
  P_NET,
  G_SECRET,
  P_PERSIST,
  P_ROUTE,
  /dup2/,
];

/** A RegExp whose source is the union of the pre-filter's tokens and whose test() checks their conjunctions. */
class PythonPrefilter extends RegExp {
  override test(text: string): boolean {
    return needsParse(text);
  }
}

/**
 * A file whose text does not match can produce no syntax-tree finding: skip parsing it. `test()` is exact (the
 * rules' token conjunctions); `source`/`exec()` are the union of the tokens, a superset.
 */
export const PYTHON_PREFILTER: RegExp = new PythonPrefilter(
  PREFILTER_TOKENS.map((r) => `(?:${r.source})`).join("|"),
);

// ---------------------------------------------------------------------------------------------------------------
// Syntax tree (a plain JS copy of the tree-sitter tree)

interface PyNode {
  type: string;
  /** Field name in the parent (`function`, `arguments`, `left`, …), or null. */
  field: string | null;
  named: boolean;
  /** UTF-16 offsets into the source. */
  start: number;
  end: number;
  /** 0-based row, UTF-16 column. */
  row: number;
  col: number;
  parent: PyNode | null;
  children: PyNode[];
}

/** Node types whose children are never looked at: their text says it all. */
const LEAVES = new Set(["dotted_name", "string_content", "integer", "float", "comment", "escape_sequence"]);

/** Anonymous tokens that never carry a field: skipped without asking for one. */
const PUNCTUATION = new Set(
  "( ) [ ] { } , : . ; = -> def class return import from as if elif else for while try except finally with lambda pass break continue raise global nonlocal del assert async print exec".split(
    " ",
  ),
);

/** Per grammar symbol: 0 = named, 1 = anonymous that may carry a field, 2 = punctuation. */
const symbolKind = new Map<number, number>();

/**
 * One cursor walk: five wasm calls per node (type, field, start, end, move) instead of allocating tree-sitter
 * Node objects; rows come from a newline table (preorder visits starts in increasing order).
 */
function convert(tree: Tree, src: string): PyNode {
  const c = tree.walk();
  const language = tree.language;
  const types = language.types;
  const fields = language.fields;
  const newlines: number[] = [];
  for (let i = src.indexOf("\n"); i !== -1; i = src.indexOf("\n", i + 1)) newlines.push(i);
  let row = 0;
  const mk = (parent: PyNode | null, typeId: number, fieldId: number, named: boolean): PyNode => {
    const start = c.startIndex;
    while (row < newlines.length && newlines[row]! < start) row++;
    const n: PyNode = {
      type: types[typeId] ?? "ERROR",
      field: fieldId ? (fields[fieldId] ?? null) : null,
      named,
      start,
      end: c.endIndex,
      row,
      col: start - (row > 0 ? newlines[row - 1]! + 1 : 0),
      parent,
      children: [],
    };
    parent?.children.push(n);
    return n;
  };
  const kindOf = (typeId: number) => {
    let v = symbolKind.get(typeId);
    if (v === undefined) {
      v = language.nodeTypeIsNamed(typeId) ? 0 : PUNCTUATION.has(types[typeId] ?? "") ? 2 : 1;
      symbolKind.set(typeId, v);
    }
    return v;
  };
  try {
    const root = mk(null, c.nodeTypeId, 0, true);
    if (!c.gotoFirstChild()) return root;
    let parent = root;
    for (;;) {
      const typeId = c.nodeTypeId;
      const kind = kindOf(typeId);
      const fieldId = kind === 2 ? 0 : c.currentFieldId;
      // Anonymous tokens are dropped unless they carry a field (operators); comments are never needed.
      if (kind === 0 ? types[typeId] !== "comment" : fieldId !== 0) {
        const n = mk(parent, typeId, fieldId, kind === 0);
        // Plain strings are decoded from their text; f-strings keep their interpolations.
        const descend = !LEAVES.has(n.type) && (n.type !== "string" || isFString(src, n.start));
        if (descend && c.gotoFirstChild()) {
          parent = n;
          continue;
        }
      }
      while (!c.gotoNextSibling()) {
        c.gotoParent();
        if (parent === root) return root;
        parent = parent.parent!;
      }
    }
  } finally {
    c.delete();
  }
}

function isFString(src: string, start: number): boolean {
  for (let i = start; i < start + 3; i++) {
    const ch = src[i];
    if (ch === "f" || ch === "F") return true;
    if (ch === "'" || ch === '"' || ch === undefined) return false;
  }
  return false;
}

function fieldOf(n: PyNode, field: string): PyNode | undefined {
  for (const k of n.children) if (k.field === field) return k;
  return undefined;
}

function namedChildren(n: PyNode): PyNode[] {
  return n.children.filter((k) => k.named);
}

// ---------------------------------------------------------------------------------------------------------------
// Values

const F_LIT = 1; // has literal parts
const F_UNK = 2; // has unknown parts
const F_BUILT = 4; // a string assembled by an operation (concatenation, join, format, f-string)
const F_DEC = 8; // decoded or de-obfuscated data
const F_NET = 16; // data received from the network
const F_REQ = 32; // data from a web request (in a handler)
const F_ENV = 64; // the whole environment
const F_SECRET = 128; // a secret file, its path or its content
const F_SOCK = 256; // a socket or its descriptor
const F_FILE = 512; // data read from a local file
const F_PROCOUT = 1024; // output of a process (for relays)

/** Flags that flow through data operations (concatenation, method calls on data, passthrough functions). */
const DATA = F_DEC | F_NET | F_REQ | F_ENV | F_SECRET | F_FILE | F_UNK | F_LIT | F_SOCK;

const HOLE = "\u0000";
const MAX_CANDIDATES = 8;
const MAX_FOLD = 1 << 20;

interface Origin {
  what: string;
  line: number;
}

interface Val {
  f: number;
  /** Candidate string values; HOLE marks unknown parts. Bytes are held as latin1 strings. */
  ss?: string[];
  /** Qualified name of a module, function or class; `#` marks an instance (`requests.Session#`). */
  q?: string;
  items?: Val[];
  dict?: Map<string, Val>;
  n?: number;
  /** File handles and Path objects: the path. */
  path?: Val;
  mode?: string;
  /** Data read from a file: that file's path. */
  rd?: Val;
  /** A function defined in this file. */
  def?: Scope;
  dec?: Origin;
  net?: Origin & { socket?: boolean };
  req?: Origin;
  env?: Origin;
  secret?: Origin & { kind: SecretKind; path: string };
  sock?: Origin;
}

const EMPTY: Val = Object.freeze({ f: 0 }) as Val;
const UNKNOWN: Val = Object.freeze({ f: F_UNK }) as Val;

function union(a: Val, b: Val): Val {
  if (a === b || b === EMPTY) return a;
  if (a === EMPTY) return b;
  const v: Val = { f: a.f | b.f };
  if (a.ss && b.ss) {
    const s = [...a.ss];
    for (const x of b.ss) if (s.length < MAX_CANDIDATES && !s.includes(x)) s.push(x);
    v.ss = s;
  } else if (a.ss || b.ss) {
    v.ss = a.ss ?? b.ss;
    v.f |= F_UNK;
  }
  const q = a.q ?? b.q;
  if (q !== undefined) v.q = q;
  const items = a.items ?? b.items;
  if (items) v.items = items;
  const dict = a.dict ?? b.dict;
  if (dict) v.dict = dict;
  const path = a.path ?? b.path;
  if (path) v.path = path;
  const rd = a.rd ?? b.rd;
  if (rd) v.rd = rd;
  const def = a.def ?? b.def;
  if (def) v.def = def;
  if (a.mode ?? b.mode) v.mode = a.mode ?? b.mode;
  copyOrigins(v, a);
  copyOrigins(v, b);
  return v;
}

function copyOrigins(to: Val, from: Val): void {
  if (from.dec && !to.dec) to.dec = from.dec;
  if (from.net && !to.net) to.net = from.net;
  if (from.req && !to.req) to.req = from.req;
  if (from.env && !to.env) to.env = from.env;
  if (from.secret && !to.secret) to.secret = from.secret;
  if (from.sock && !to.sock) to.sock = from.sock;
  if (from.rd && !to.rd) to.rd = from.rd;
}

/** The data carried by a value, without its identity (no strings, no qualified name). */
function dataOf(v: Val, keepStrings = false): Val {
  const d: Val = { f: v.f & DATA };
  if (keepStrings && v.ss) d.ss = v.ss;
  copyOrigins(d, v);
  if (v.items) for (const it of v.items) mergeData(d, it);
  if (v.dict) for (const it of v.dict.values()) mergeData(d, it);
  return d;
}

function mergeData(into: Val, v: Val): void {
  into.f |= v.f & DATA;
  copyOrigins(into, v);
}

function strVal(s: string, f = F_LIT): Val {
  return { f, ss: [s] };
}

function isConst(v: Val): boolean {
  return !!v.ss && v.ss.length > 0 && !(v.f & F_UNK) && v.ss.every((s) => !s.includes(HOLE));
}

function constStr(v: Val): string | undefined {
  return v.ss?.length === 1 && !(v.f & F_UNK) && !v.ss[0]!.includes(HOLE) ? v.ss[0] : undefined;
}

/**
 * Replaces each match of `re` in `fmt` by its value (a hole when unknown), and says whether a substituted value
 * joins a neighbouring piece inside a word (`"{}{}".format("imp", "ort")`).
 */
function substitute(
  fmt: string,
  re: RegExp,
  substitution: (m: RegExpExecArray) => string | undefined,
): { out: string; split: boolean } {
  let out = "";
  let last = 0;
  let split = false;
  let prevValue = false;
  for (let m = re.exec(fmt); m; m = re.exec(fmt)) {
    const literal = fmt.slice(last, m.index);
    if (prevValue && wordSplit(out, literal)) split = true;
    out += literal;
    const v = substitution(m);
    const isEscape = m[0] === "%%" || m[0] === "{{" || m[0] === "}}";
    if (v !== undefined && !isEscape && wordSplit(out, v)) split = true;
    out += v ?? HOLE;
    prevValue = v !== undefined && !isEscape;
    last = m.index + m[0].length;
  }
  const tail = fmt.slice(last);
  if (prevValue && wordSplit(out, tail)) split = true;
  out += tail;
  re.lastIndex = 0;
  return { out, split };
}

/** Two pieces whose junction falls inside a word: `"imp" + "ort"`. */
function wordSplit(left: string, right: string): boolean {
  return left.length > 0 && right.length > 0 && /\w/.test(left[left.length - 1]!) && /\w/.test(right[0]!);
}

function anySplit(a: string[] | undefined, b: string[] | undefined): boolean {
  for (const x of a ?? []) for (const y of b ?? []) if (wordSplit(x, y)) return true;
  return false;
}

function concatSS(a: string[] | undefined, b: string[] | undefined): string[] {
  const A = a ?? [HOLE];
  const B = b ?? [HOLE];
  const out: string[] = [];
  for (const x of A)
    for (const y of B) {
      if (out.length >= MAX_CANDIDATES) return out;
      out.push(x.length + y.length > MAX_FOLD ? x.slice(0, 1000) + HOLE : x + y);
    }
  return out;
}

/** A candidate string made printable for the string classifiers: holes become `X`. */
function forClassifier(s: string): string {
  return s.includes(HOLE) ? s.replaceAll(HOLE, "X") : s;
}

function shorten(s: string, max = 80): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function display(s: string): string {
  return shorten(s.replaceAll(HOLE, "…"));
}

function latin1ToText(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: bytes are held as latin1 strings
  if (!/[\u0080-\u00ff]/.test(s) || /[^\u0000-\u00ff]/.test(s)) return s;
  return Buffer.from(s, "latin1").toString("utf8");
}

// ---------------------------------------------------------------------------------------------------------------
// Names

/** Canonical qualified names: Python 2 and `six.moves` spellings, aliases of the same function. */
const CANON = new Map<string, string>([
  ["urllib2.urlopen", "urllib.request.urlopen"],
  ["urllib2.Request", "urllib.request.Request"],
  ["urllib2.build_opener", "urllib.request.build_opener"],
  ["urllib.urlopen", "urllib.request.urlopen"],
  ["urllib.urlretrieve", "urllib.request.urlretrieve"],
  ["requests.api.get", "requests.get"],
  ["requests.api.post", "requests.post"],
  ["requests.api.request", "requests.request"],
  ["requests.session", "requests.Session"],
  ["requests.sessions.Session", "requests.Session"],
  ["requests.sessions.session", "requests.Session"],
  ["io.open", "builtins.open"],
  ["codecs.open", "builtins.open"],
  ["commands.getoutput", "subprocess.getoutput"],
  ["commands.getstatusoutput", "subprocess.getstatusoutput"],
  ["posix.system", "os.system"],
  ["nt.system", "os.system"],
  ["pathlib.PosixPath", "pathlib.Path"],
  ["pathlib.WindowsPath", "pathlib.Path"],
  ["pathlib.PurePath", "pathlib.Path"],
  ["pathlib.PurePosixPath", "pathlib.Path"],
  ["pathlib.PureWindowsPath", "pathlib.Path"],
  ["base64.decodestring", "base64.decodebytes"],
  ["base64.standard_b64decode", "base64.b64decode"],
  ["cryptography.fernet.Fernet", "Fernet"],
  ["importlib.__import__", "builtins.__import__"],
  ["socket.SocketType", "socket.socket"],
  ["os.path.os", "os"],
]);

const PREFIXES: [string, string][] = [
  ["six.moves.urllib.", "urllib."],
  ["six.moves.builtins.", "builtins."],
  ["builtins.bytes.", "bytes."],
  ["builtins.bytearray.", "bytearray."],
  ["six.moves.", ""],
  ["__builtin__.", "builtins."],
  ["__builtins__.", "builtins."],
  ["_winreg.", "winreg."],
  ["cPickle.", "pickle."],
  ["_pickle.", "pickle."],
  ["httplib.", "http.client."],
  ["urllib.request.urllib.", "urllib."],
];

function canon(q: string): string {
  for (const [from, to] of PREFIXES) if (q.startsWith(from)) q = to + q.slice(from.length);
  if (q === "__builtin__" || q === "__builtins__") return "builtins";
  if (q === "_winreg") return "winreg";
  if (q === "httplib") return "http.client";
  return CANON.get(q) ?? q;
}

const BUILTINS = new Set([
  "exec",
  "eval",
  "compile",
  "execfile",
  "getattr",
  "__import__",
  "open",
  "chr",
  "ord",
  "bytes",
  "bytearray",
  "str",
  "repr",
  "map",
  "globals",
  "locals",
  "vars",
  "dict",
  "list",
  "tuple",
  "set",
  "reversed",
  "sorted",
  "print",
  "input",
  "int",
  "range",
  "len",
  "zip",
  "enumerate",
  "__builtins__",
  "format",
]);

/** Calls whose result carries the data of their arguments. */
const PASSTHROUGH = new Set([
  "builtins.str",
  "builtins.repr",
  "builtins.bytes",
  "builtins.bytearray",
  "builtins.list",
  "builtins.tuple",
  "builtins.set",
  "builtins.dict",
  "builtins.sorted",
  "builtins.format",
  "builtins.compile",
  "builtins.memoryview",
  "json.dumps",
  "json.loads",
  "json.load",
  "json.dump",
  "pickle.dumps",
  "pickle.loads",
  "pickle.load",
  "marshal.dumps",
  "base64.b64encode",
  "base64.urlsafe_b64encode",
  "base64.b32encode",
  "base64.b16encode",
  "base64.encodebytes",
  "base64.standard_b64encode",
  "binascii.hexlify",
  "binascii.b2a_hex",
  "binascii.b2a_base64",
  "zlib.compress",
  "gzip.compress",
  "bz2.compress",
  "lzma.compress",
  "urllib.parse.urlencode",
  "urllib.parse.quote",
  "urllib.parse.quote_plus",
  "urllib.parse.unquote",
  "urllib.parse.unquote_plus",
  "io.BytesIO",
  "io.StringIO",
  "shlex.split",
  "shlex.join",
  "shlex.quote",
  "hashlib.md5",
  "hashlib.sha1",
  "hashlib.sha256",
  "hashlib.sha512",
  "hashlib.new",
  "hmac.new",
  "textwrap.dedent",
  "platform.node",
  "getpass.getuser",
  "codecs.encode",
  "ast.literal_eval",
  "string.Template",
]);

/** Constructors whose result is an object with a known interface. */
const INSTANCES = new Map<string, string>([
  ["requests.Session", "requests.Session#"],
  ["httpx.Client", "httpx.Client#"],
  ["httpx.AsyncClient", "httpx.Client#"],
  ["aiohttp.ClientSession", "aiohttp.ClientSession#"],
  ["urllib3.PoolManager", "urllib3.PoolManager#"],
  ["urllib3.ProxyManager", "urllib3.PoolManager#"],
  ["urllib3.HTTPConnectionPool", "urllib3.PoolManager#"],
  ["urllib3.HTTPSConnectionPool", "urllib3.PoolManager#"],
  ["urllib3.connection_from_url", "urllib3.PoolManager#"],
  ["http.client.HTTPConnection", "http.client.HTTPConnection#"],
  ["http.client.HTTPSConnection", "http.client.HTTPConnection#"],
  ["httplib2.Http", "httplib2.Http#"],
  ["smtplib.SMTP", "smtplib.SMTP#"],
  ["smtplib.SMTP_SSL", "smtplib.SMTP#"],
  ["ftplib.FTP", "ftplib.FTP#"],
  ["ftplib.FTP_TLS", "ftplib.FTP#"],
  ["urllib.request.build_opener", "urllib.request.Opener#"],
  ["urllib.request.Request", "urllib.request.Request#"],
  ["websocket.WebSocket", "websocket#"],
  ["websocket.create_connection", "websocket#"],
  ["discord_webhook.DiscordWebhook", "discord_webhook.DiscordWebhook#"],
  ["dhooks.Webhook", "dhooks.Webhook#"],
  ["telebot.TeleBot", "telebot.TeleBot#"],
  ["subprocess.Popen", "subprocess.Popen#"],
  ["sqlite3.connect", "sqlite3.Connection#"],
  ["zipfile.ZipFile", "zipfile.ZipFile#"],
  ["tarfile.open", "tarfile.TarFile#"],
  ["Fernet", "Fernet#"],
  ["socket.socket", "socket.socket#"],
  ["socket.create_connection", "socket.socket#"],
  ["ssl.wrap_socket", "socket.socket#"],
  ["dns.resolver.Resolver", "dns.resolver.Resolver#"],
]);

/** Request objects of web frameworks, imported rather than passed. */
const REQUEST_OBJECTS = new Set(["flask.request", "quart.request", "bottle.request", "sanic.request"]);

const HTTP_VERBS = "get|post|put|patch|delete|head|options|request|send|stream|urlopen|open|fetch";
const NET_CALL = new RegExp(
  [
    `^(?:requests|httpx|aiohttp|urllib3)\\.(?:${HTTP_VERBS})$`,
    `^(?:requests\\.Session|httpx\\.Client|aiohttp\\.ClientSession|urllib3\\.PoolManager|urllib\\.request\\.Opener|httplib2\\.Http)#\\.(?:${HTTP_VERBS}|request_encode_body|request_encode_url|ws_connect)$`,
    "^urllib\\.request\\.(?:urlopen|Request|urlretrieve)$",
    "^http\\.client\\.HTTPConnection(?:#\\.(?:request|putrequest|send|getresponse|endheaders))?$",
    "^socket\\.socket#\\.(?:connect|connect_ex|send|sendall|sendto|recv|recvfrom|recv_into|makefile)$",
    "^socket\\.create_connection$",
    // DNS lookups carry data out in the names they ask for.
    "^socket\\.(?:gethostbyname|gethostbyname_ex|getaddrinfo)$",
    "^dns\\.resolver\\.(?:resolve|query)$",
    "^dns\\.resolver\\.Resolver#\\.(?:resolve|query)$",
    "^smtplib\\.SMTP#\\.(?:sendmail|send_message)$",
    "^ftplib\\.FTP#\\.(?:storbinary|storlines|retrbinary|retrlines)$",
    "^websocket(?:#\\.send|\\.create_connection)$",
    "^discord_webhook\\.DiscordWebhook(?:#\\.execute)?$",
    "^dhooks\\.Webhook(?:#\\.send)?$",
    "^telebot\\.TeleBot#\\.send_\\w+$",
    "^wget\\.download$",
    "^pycurl\\.Curl#\\.perform$",
  ].join("|"),
);
/** Network calls whose result is data received. */
const NET_FETCH =
  /^(?:requests|httpx|aiohttp|urllib3)\.\w+$|#\.(?:get|post|put|patch|request|send|stream|urlopen|open|fetch|getresponse|recv|recvfrom|makefile|retrbinary|retrlines)$|^urllib\.request\.urlopen$|^wget\.download$/;

function isNetCall(q: string | undefined): boolean {
  return !!q && NET_CALL.test(q);
}

/** Process spawns: how their arguments form the command line. */
type ProcKind = "sub" | "shell" | "execl" | "execv" | "spawnl" | "spawnv" | "posix_spawn" | "file" | "pty";
const PROC = new Map<string, ProcKind>([
  ["subprocess.Popen", "sub"],
  ["subprocess.run", "sub"],
  ["subprocess.call", "sub"],
  ["subprocess.check_call", "sub"],
  ["subprocess.check_output", "sub"],
  ["subprocess.getoutput", "shell"],
  ["subprocess.getstatusoutput", "shell"],
  ["os.system", "shell"],
  ["os.popen", "shell"],
  ["os.popen2", "shell"],
  ["os.popen3", "shell"],
  ["os.popen4", "shell"],
  ["popen2.popen2", "shell"],
  ["popen2.popen3", "shell"],
  ["asyncio.create_subprocess_shell", "shell"],
  ["asyncio.create_subprocess_exec", "execl"],
  ["os.execl", "execl"],
  ["os.execle", "execl"],
  ["os.execlp", "execl"],
  ["os.execlpe", "execl"],
  ["os.execv", "execv"],
  ["os.execve", "execv"],
  ["os.execvp", "execv"],
  ["os.execvpe", "execv"],
  ["os.spawnl", "spawnl"],
  ["os.spawnle", "spawnl"],
  ["os.spawnlp", "spawnl"],
  ["os.spawnlpe", "spawnl"],
  ["os.spawnv", "spawnv"],
  ["os.spawnve", "spawnv"],
  ["os.spawnvp", "spawnv"],
  ["os.spawnvpe", "spawnv"],
  ["os.posix_spawn", "posix_spawn"],
  ["os.posix_spawnp", "posix_spawn"],
  ["os.startfile", "file"],
  ["pty.spawn", "pty"],
]);

const CODE_SINKS = new Set(["builtins.exec", "builtins.eval", "builtins.execfile", "types.FunctionType"]);
/** Calls that run or load a file given by path (argument index). */
const FILE_RUNNERS = new Map<string, number>([
  ["ctypes.CDLL", 0],
  ["ctypes.WinDLL", 0],
  ["ctypes.OleDLL", 0],
  ["ctypes.PyDLL", 0],
  ["ctypes.cdll.LoadLibrary", 0],
  ["ctypes.windll.LoadLibrary", 0],
  ["ctypes.oledll.LoadLibrary", 0],
  ["ctypes.windll.kernel32.LoadLibraryA", 0],
  ["ctypes.windll.kernel32.LoadLibraryW", 0],
  ["importlib.util.spec_from_file_location", 1],
  ["importlib.machinery.SourceFileLoader", 1],
  ["importlib.machinery.ExtensionFileLoader", 1],
  ["imp.load_source", 1],
  ["imp.load_dynamic", 1],
  ["zipimport.zipimporter", 0],
  ["runpy.run_path", 0],
  ["os.startfile", 0],
  ["builtins.execfile", 0],
]);
const SHELLCODE =
  /^ctypes\..*\b(?:RtlMoveMemory|memmove|WriteProcessMemory|VirtualAlloc(?:Ex)?|CreateThread|CreateRemoteThread|create_string_buffer|VirtualProtect)$/;

const DECODERS = new Map<string, string>([
  ["base64.b64decode", "base64"],
  ["base64.urlsafe_b64decode", "base64"],
  ["base64.decodebytes", "base64"],
  ["base64.b32decode", "base32"],
  ["base64.b16decode", "hex"],
  ["base64.b85decode", "b85"],
  ["base64.a85decode", "b85"],
  ["binascii.a2b_base64", "base64"],
  ["binascii.a2b_hex", "hex"],
  ["binascii.unhexlify", "hex"],
  ["binascii.a2b_uu", "uu"],
  ["binascii.a2b_qp", "qp"],
  ["bytes.fromhex", "hex"],
  ["bytearray.fromhex", "hex"],
]);
/** Decoders that only de-obfuscate when their input is itself a literal, decoded or downloaded. */
const SECOND_STAGE = new Map<string, string>([
  ["zlib.decompress", "zlib"],
  ["gzip.decompress", "gzip"],
  ["bz2.decompress", "bz2"],
  ["lzma.decompress", "lzma"],
  ["marshal.loads", "marshal"],
  ["marshal.load", "marshal"],
]);

const DANGEROUS_NAMES = new Set([
  "exec",
  "eval",
  "compile",
  "execfile",
  "__import__",
  "system",
  "popen",
  "startfile",
  "spawn",
  "Popen",
  "check_output",
  "check_call",
  "getoutput",
  "call",
  "run",
  "subprocess",
  "os",
  "nt",
  "posix",
  "pty",
  "socket",
  "ctypes",
  "builtins",
  "__builtin__",
  "__builtins__",
  "marshal",
  "pickle",
  "importlib",
  "import_module",
  "urllib",
  "urllib2",
  "urllib.request",
  "urlopen",
  "urlretrieve",
  "requests",
  "http.client",
  "httplib",
  "b64decode",
  "webbrowser",
  "open",
  "getattr",
  "globals",
]);

function isDangerousName(name: string): boolean {
  const last = name.split(".").pop() ?? name;
  return DANGEROUS_NAMES.has(name) || DANGEROUS_NAMES.has(last) || /^(?:exec|spawn)[lv]p?e?$/.test(last);
}

const ROUTE_METHODS = new Set([
  "route",
  "get",
  "post",
  "put",
  "delete",
  "patch",
  "head",
  "options",
  "api_route",
  "websocket",
  "add_route",
]);
/** Request attributes that are not values a client chooses freely enough to be a secret gate. */
const NOT_A_GATE =
  /\.(?:method|path|path_info|full_path|scheme|content_type|mimetype|user|is_\w+|encoding|session|resolver_match|url|base_url|host|remote_addr|endpoint|blueprint|url_rule)\b/;
const SQL_RECEIVER =
  /(?:^|[._])(?:cursor|cur|c|conn|connection|connections\[[^\]]*\]|db|database|engine|session|sess|sqlite|sql|con|dbapi_conn|dbconn|db_session|objects)(?:\(\))?$/i;

const CMD_BASES = new Set([
  "install",
  "develop",
  "egg_info",
  "build_py",
  "build_ext",
  "build",
  "sdist",
  "bdist_egg",
  "bdist_wheel",
  "bdist",
  "bdist_rpm",
  "install_lib",
  "install_scripts",
  "install_data",
  "easy_install",
  "build_clib",
  "build_scripts",
  "Command",
  "orig_install",
  "_install",
  "_develop",
  "_build_py",
  "_sdist",
  "_egg_info",
  "_build_ext",
]);

// ---------------------------------------------------------------------------------------------------------------
// Scopes

type Binding =
  | { kind: "assign"; at: number; value: PyNode; part?: number }
  | { kind: "aug"; at: number; value: PyNode; op: string }
  | { kind: "iter"; at: number; value: PyNode }
  | { kind: "import"; at: number; q: string }
  | { kind: "def"; at: number; scope: Scope }
  | { kind: "class"; at: number; scope: Scope }
  | { kind: "mutate"; at: number; value: PyNode; method: string }
  | { kind: "unknown"; at: number };

interface Scope {
  id: number;
  kind: "module" | "function" | "class" | "lambda";
  node: PyNode;
  name: string;
  parent: Scope | null;
  /** For a method: its class's scope. */
  cls: Scope | null;
  bindings: Map<string, Binding[]>;
  sorted: Set<string>;
  params: string[];
  /** Parameters that carry web-request data (handler parameters). */
  reqParams: Set<string>;
  globals: Set<string> | null;
  memo: Map<string, Val>;
  override: Map<string, Val>;
  calls: PyNode[];
  compares: PyNode[];
  returns: PyNode[];
  subscripts: PyNode[];
  children: Scope[];
  /** A web handler (route-decorated, Django-style view, or a function reading a request). */
  handler: "" | "route" | "view";
  /** Class scopes: base class names. */
  bases: string[];
  returnVal?: Val;
  /** Fixed-value gates on request data found in this scope. */
  gates: { line: number; text: string }[];
}

// ---------------------------------------------------------------------------------------------------------------
// Findings

interface Ctx {
  src: string;
  depth: number;
  setupPy: boolean;
  findings: RawFinding[];
  scopes: Scope[];
  module: Scope;
  memo: Map<PyNode, Val>;
  /** Lambda expressions and their scopes (a lambda's value is the function). */
  lambdas: Map<PyNode, Scope>;
  evalDepth: number;
  /** Downloaded files: values (identity) and exact paths. */
  dlVals: Set<Val>;
  dlPaths: Map<string, Origin>;
  dlOrigin: Map<Val, Origin>;
  hiddenReported: Set<number>;
  secretReads: { kind: SecretKind; path: string; node: PyNode }[];
  netCalls: number[];
  endpointStrings: { node: PyNode; kind: string; match: string }[];
  /** String literals (not parts of an implicit concatenation), with their scopes. */
  strings: [PyNode, Scope][];
  endpointSent: Set<string>;
  /** Lines of secret reads whose data was seen flowing into a send. */
  secretSent: Set<number>;
  dup2: Map<Scope, Origin>;
  spawns: { scope: Scope; node: PyNode; what: string }[];
  installTime: Set<Scope> | null;
  setupArgRanges: [number, number][];
  /** The file names an exfiltration endpoint somewhere (checked once, before looking at each string). */
  maybeEndpoints: boolean;
  /** The file uses pytest: `def f(request)` is a fixture, not a view. */
  pytest: boolean;
}

function defaultSeverity(rule: RuleId): Severity {
  return ruleById(rule)?.severity ?? "medium";
}

function report(
  ctx: Ctx,
  rule: RuleId,
  node: PyNode,
  why: string,
  severity?: Severity,
  snippet?: string,
): void {
  const f: RawFinding = { rule, line: node.row + 1, column: node.col + 1, why };
  if (severity && severity !== defaultSeverity(rule)) f.severity = severity;
  // The sink itself: the line may hide it far to the right of a harmless start.
  f.snippet = snippet ?? shorten(textOf(ctx, node), 160);
  ctx.findings.push(f);
}

function lineOf(n: PyNode): number {
  return n.row + 1;
}

function textOf(ctx: Ctx, n: PyNode): string {
  return ctx.src.slice(n.start, n.end);
}

// ---------------------------------------------------------------------------------------------------------------
// Entry point

export function analysePython(file: SourceFile, opts: { setupPy: boolean }): RawFinding[] {
  if (!parser) throw new Error("the Python parser is not loaded: call loadPythonParser() first");
  return analyseSource(file.text, 0, opts.setupPy);
}

const PARSE_BUDGET_MS = 20_000;

function analyseSource(src: string, depth: number, setupPy: boolean): RawFinding[] {
  const p = parser!;
  const started = Date.now();
  const tree = p.parse(src, null, { progressCallback: () => Date.now() - started > PARSE_BUDGET_MS });
  // A pathological input: say so (the engine reports the file as not analysed) rather than pass it as clean.
  if (!tree) {
    p.reset(); // otherwise the next parse would resume this one
    throw new Error(`parsing took longer than ${PARSE_BUDGET_MS / 1000} s`);
  }
  let root: PyNode;
  try {
    root = convert(tree, src);
  } finally {
    tree.delete();
  }
  const module = newScope("module", root, null, "<module>");
  const ctx: Ctx = {
    src,
    depth,
    setupPy,
    findings: [],
    scopes: [module],
    module,
    memo: new Map(),
    lambdas: new Map(),
    evalDepth: 0,
    dlVals: new Set(),
    dlPaths: new Map(),
    dlOrigin: new Map(),
    hiddenReported: new Set(),
    secretReads: [],
    netCalls: [],
    endpointStrings: [],
    strings: [],
    endpointSent: new Set(),
    secretSent: new Set(),
    dup2: new Map(),
    spawns: [],
    installTime: null,
    setupArgRanges: [],
    maybeEndpoints: exfilEndpoint(src) !== undefined,
    pytest: /^\s*(?:import pytest|from pytest|from _pytest)/m.test(src),
  };
  collect(ctx, root, module);
  if (setupPy) computeInstallTime(ctx);
  // Pass 1: files written with downloaded data. Pass 2: every rule.
  for (const s of ctx.scopes) for (const call of s.calls) trackDownloads(ctx, call, s);
  for (const s of ctx.scopes) for (const cmp of s.compares) checkGate(ctx, cmp, s);
  for (const s of ctx.scopes) {
    for (const call of s.calls) checkCall(ctx, call, s);
    for (const sub of s.subscripts) evalNode(ctx, sub, s);
  }
  for (const [node, scope] of ctx.strings) checkStringLiteral(ctx, node, scope);
  finishFile(ctx);
  return dedupe(ctx.findings);
}

function newScope(kind: Scope["kind"], node: PyNode, parent: Scope | null, name: string): Scope {
  return {
    id: 0,
    kind,
    node,
    name,
    parent,
    cls: null,
    bindings: new Map(),
    sorted: new Set(),
    params: [],
    reqParams: new Set(),
    globals: null,
    memo: new Map(),
    override: new Map(),
    calls: [],
    compares: [],
    returns: [],
    subscripts: [],
    children: [],
    handler: "",
    bases: [],
    gates: [],
  };
}

function dedupe(findings: RawFinding[]): RawFinding[] {
  const sev = (f: RawFinding) => SEVERITY_ORDER.indexOf(f.severity ?? defaultSeverity(f.rule));
  const best = new Map<string, RawFinding>();
  for (const f of findings) {
    const key = `${f.rule}:${f.line}`;
    const prev = best.get(key);
    if (!prev || sev(f) < sev(prev)) best.set(key, f);
  }
  return [...best.values()].sort(
    (a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0) || a.rule.localeCompare(b.rule),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Collection: scopes, bindings, calls

function addBinding(scope: Scope, name: string, b: Binding): void {
  const target = scope.globals?.has(name) ? rootScope(scope) : scope;
  let list = target.bindings.get(name);
  if (!list) {
    list = [];
    target.bindings.set(name, list);
  }
  list.push(b);
}

function rootScope(s: Scope): Scope {
  while (s.parent) s = s.parent;
  return s;
}

const TARGET_LISTS = new Set([
  "pattern_list",
  "tuple_pattern",
  "list_pattern",
  "tuple",
  "list",
  "expression_list",
  "parenthesized_expression",
]);

function bindTarget(
  ctx: Ctx,
  target: PyNode,
  scope: Scope,
  make: (part?: number) => Binding,
  part?: number,
): void {
  switch (target.type) {
    case "identifier":
      addBinding(scope, textOf(ctx, target), make(part));
      return;
    case "attribute": {
      const obj = fieldOf(target, "object");
      const attr = fieldOf(target, "attribute");
      if (obj?.type === "identifier" && attr && textOf(ctx, obj) === "self") {
        const cls = classOf(scope);
        if (cls) addBinding(cls, `self.${textOf(ctx, attr)}`, make(part));
      }
      return;
    }
    case "subscript": {
      // x[k] = v: x now holds v's data too.
      const obj = fieldOf(target, "value");
      const b = make(part);
      if (obj?.type === "identifier" && "value" in b)
        addBinding(scope, textOf(ctx, obj), { kind: "mutate", at: b.at, value: b.value, method: "[]" });
      return;
    }
    case "list_splat_pattern": {
      const inner = target.children.find((k) => k.named);
      if (inner) bindTarget(ctx, inner, scope, () => make(undefined));
      return;
    }
    default:
      if (TARGET_LISTS.has(target.type)) {
        const els = namedChildren(target);
        els.forEach((el, i) => {
          bindTarget(ctx, el, scope, make, part === undefined ? i : undefined);
        });
      }
  }
}

function classOf(scope: Scope): Scope | null {
  for (let s: Scope | null = scope; s; s = s.parent) {
    if (s.cls) return s.cls;
    if (s.kind === "class") return s;
  }
  return null;
}

function collectParams(
  ctx: Ctx,
  params: PyNode | undefined,
  inner: Scope,
  outer: Scope,
  stack: [PyNode, Scope][],
) {
  if (!params) return;
  for (const p of params.children) {
    if (!p.named) continue;
    let nameNode: PyNode | undefined;
    switch (p.type) {
      case "identifier":
        nameNode = p;
        break;
      case "default_parameter":
      case "typed_default_parameter": {
        nameNode = fieldOf(p, "name");
        const value = fieldOf(p, "value");
        if (value) stack.push([value, outer]);
        break;
      }
      case "typed_parameter":
      case "list_splat_pattern":
      case "dictionary_splat_pattern":
        nameNode = p.children.find((k) => k.type === "identifier");
        break;
    }
    if (nameNode) inner.params.push(textOf(ctx, nameNode));
  }
}

function collect(ctx: Ctx, root: PyNode, module: Scope): void {
  const stack: [PyNode, Scope][] = [[root, module]];
  while (stack.length) {
    const [node, scope] = stack.pop()!;
    switch (node.type) {
      case "function_definition":
      case "lambda": {
        const isDef = node.type === "function_definition";
        const nameNode = isDef ? fieldOf(node, "name") : undefined;
        const inner = newScope(
          isDef ? "function" : "lambda",
          node,
          scope,
          nameNode ? textOf(ctx, nameNode) : "<lambda>",
        );
        inner.id = ctx.scopes.length;
        ctx.scopes.push(inner);
        scope.children.push(inner);
        if (scope.kind === "class") inner.cls = scope;
        if (nameNode) addBinding(scope, inner.name, { kind: "def", at: node.start, scope: inner });
        else ctx.lambdas.set(node, inner);
        collectParams(ctx, fieldOf(node, "parameters"), inner, scope, stack);
        if (isDef) detectHandler(ctx, node, inner);
        const rt = fieldOf(node, "return_type");
        if (rt) stack.push([rt, scope]);
        const body = fieldOf(node, "body");
        if (body) stack.push([body, inner]);
        continue;
      }
      case "class_definition": {
        const nameNode = fieldOf(node, "name");
        const inner = newScope("class", node, scope, nameNode ? textOf(ctx, nameNode) : "<class>");
        inner.id = ctx.scopes.length;
        ctx.scopes.push(inner);
        scope.children.push(inner);
        if (nameNode) addBinding(scope, inner.name, { kind: "class", at: node.start, scope: inner });
        const sup = fieldOf(node, "superclasses");
        if (sup) {
          for (const b of namedChildren(sup)) {
            if (b.type === "identifier" || b.type === "attribute") inner.bases.push(textOf(ctx, b));
          }
          stack.push([sup, scope]);
        }
        const body = fieldOf(node, "body");
        if (body) stack.push([body, inner]);
        continue;
      }
      case "assignment": {
        const left = fieldOf(node, "left");
        let right = fieldOf(node, "right");
        while (right?.type === "assignment") right = fieldOf(right, "right");
        if (left && right) bindAssignment(ctx, left, right, scope);
        break;
      }
      case "augmented_assignment": {
        const left = fieldOf(node, "left");
        const right = fieldOf(node, "right");
        const op = fieldOf(node, "operator");
        if (left?.type === "identifier" && right && op)
          addBinding(scope, textOf(ctx, left), {
            kind: "aug",
            at: node.start,
            value: right,
            op: textOf(ctx, op).slice(0, -1),
          });
        else if (left && right)
          bindTarget(ctx, left, scope, () => ({ kind: "aug", at: node.start, value: right, op: "+" }));
        break;
      }
      case "for_statement":
      case "for_in_clause": {
        const left = fieldOf(node, "left");
        const right = fieldOf(node, "right");
        if (left && right)
          bindTarget(ctx, left, scope, () => ({ kind: "iter", at: node.start, value: right }));
        break;
      }
      case "with_item": {
        const value = fieldOf(node, "value");
        if (value?.type === "as_pattern") {
          const expr = value.children.find((k) => k.named && k.field !== "alias");
          const alias = fieldOf(value, "alias");
          const target = alias?.children.find((k) => k.named);
          if (expr && target)
            bindTarget(ctx, target, scope, () => ({ kind: "assign", at: node.start, value: expr }));
        }
        break;
      }
      case "named_expression": {
        const name = fieldOf(node, "name");
        const value = fieldOf(node, "value");
        if (name && value) addBinding(scope, textOf(ctx, name), { kind: "assign", at: node.start, value });
        break;
      }
      case "except_clause": {
        const alias = node.children.find((k) => k.type === "as_pattern");
        const target = alias ? fieldOf(alias, "alias")?.children.find((k) => k.named) : undefined;
        if (target?.type === "identifier")
          addBinding(scope, textOf(ctx, target), { kind: "unknown", at: node.start });
        break;
      }
      case "import_statement":
        collectImport(ctx, node, scope, "");
        continue;
      case "import_from_statement":
      case "future_import_statement": {
        const mod = fieldOf(node, "module_name");
        collectImport(ctx, node, scope, mod ? textOf(ctx, mod).replace(/\s+/g, "") : "__future__");
        continue;
      }
      case "global_statement":
        for (const k of node.children) {
          if (k.type !== "identifier") continue;
          scope.globals ??= new Set();
          scope.globals.add(textOf(ctx, k));
        }
        continue;
      case "call":
        scope.calls.push(node);
        collectMutation(ctx, node, scope);
        break;
      case "comparison_operator":
        scope.compares.push(node);
        break;
      case "return_statement": {
        const v = node.children.find((k) => k.named);
        if (v) scope.returns.push(v);
        break;
      }
      case "subscript": {
        const v = fieldOf(node, "value");
        if (v && /^(?:globals|locals|vars)\s*\(|__builtins__|__dict__$|sys\.modules$/.test(textOf(ctx, v)))
          scope.subscripts.push(node);
        break;
      }
      case "string":
      case "concatenated_string":
        // Judged after collection: an f-string's value depends on bindings not collected yet.
        if (node.parent?.type !== "concatenated_string" && ctx.maybeEndpoints)
          ctx.strings.push([node, scope]);
        if (node.type === "string") {
          // Only interpolations hold code.
          for (const k of node.children)
            if (k.type === "interpolation") for (const e of k.children) if (e.named) stack.push([e, scope]);
          continue;
        }
        break;
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i]!, scope]);
  }
}

const MUTATORS = new Set(["append", "extend", "insert", "add", "update", "appendleft", "extendleft"]);

/** `x.append(v)`, `x.update(v)`, `self.x.extend(v)`: x now holds v's data too. */
function collectMutation(ctx: Ctx, call: PyNode, scope: Scope): void {
  const fn = fieldOf(call, "function");
  if (fn?.type !== "attribute") return;
  const method = fieldOf(fn, "attribute");
  const obj = fieldOf(fn, "object");
  const args = fieldOf(call, "arguments");
  const value = args?.children.filter((k) => k.named).pop();
  if (!method || !obj || !value || !MUTATORS.has(textOf(ctx, method))) return;
  const b: Binding = { kind: "mutate", at: call.start, value, method: textOf(ctx, method) };
  if (obj.type === "identifier") addBinding(scope, textOf(ctx, obj), b);
  else if (obj.type === "attribute") {
    const base = fieldOf(obj, "object");
    const attr = fieldOf(obj, "attribute");
    const cls = classOf(scope);
    if (base?.type === "identifier" && textOf(ctx, base) === "self" && attr && cls)
      addBinding(cls, `self.${textOf(ctx, attr)}`, b);
  }
}

function bindAssignment(ctx: Ctx, left: PyNode, right: PyNode, scope: Scope): void {
  const at = left.start;
  if (TARGET_LISTS.has(left.type) && left.type !== "parenthesized_expression") {
    const targets = namedChildren(left);
    const values =
      right.type === "expression_list" || right.type === "tuple" || right.type === "list"
        ? namedChildren(right)
        : null;
    if (values && values.length === targets.length) {
      targets.forEach((t, i) => {
        bindTarget(ctx, t, scope, () => ({ kind: "assign", at, value: values[i]! }));
      });
      return;
    }
    targets.forEach((t, i) => {
      bindTarget(ctx, t, scope, () => ({ kind: "assign", at, value: right, part: i }));
    });
    return;
  }
  bindTarget(ctx, left, scope, () => ({ kind: "assign", at, value: right }));
}

function collectImport(ctx: Ctx, node: PyNode, scope: Scope, from: string): void {
  for (const k of node.children) {
    if (k.type === "wildcard_import" && from) {
      addBinding(scope, `*${from}`, { kind: "import", at: node.start, q: canon(from) });
      continue;
    }
    if (k.field !== "name") continue;
    let name: string;
    let alias: string | undefined;
    if (k.type === "aliased_import") {
      const n = fieldOf(k, "name");
      const a = fieldOf(k, "alias");
      if (!n || !a) continue;
      name = textOf(ctx, n).replace(/\s+/g, "");
      alias = textOf(ctx, a);
    } else {
      name = textOf(ctx, k).replace(/\s+/g, "");
    }
    if (from) {
      addBinding(scope, alias ?? name, { kind: "import", at: node.start, q: canon(`${from}.${name}`) });
    } else if (alias) {
      addBinding(scope, alias, { kind: "import", at: node.start, q: canon(name) });
    } else {
      const top = name.split(".")[0]!;
      addBinding(scope, top, { kind: "import", at: node.start, q: canon(top) });
    }
  }
}

function detectHandler(ctx: Ctx, def: PyNode, scope: Scope): void {
  const params = scope.params;
  const first = scope.cls ? params[1] : params[0];
  const deco =
    def.parent?.type === "decorated_definition"
      ? def.parent.children.filter((k) => k.type === "decorator")
      : [];
  let route = false;
  for (const d of deco) {
    const call = d.children.find((k) => k.named);
    if (call?.type !== "call") continue;
    const fn = fieldOf(call, "function");
    const attr = fn?.type === "attribute" ? fieldOf(fn, "attribute") : undefined;
    if (!attr || !ROUTE_METHODS.has(textOf(ctx, attr))) continue;
    const args = fieldOf(call, "arguments");
    const firstArg = args?.children.find((k) => k.named);
    if (
      firstArg &&
      (firstArg.type === "string" ||
        (firstArg.type === "keyword_argument" &&
          /^(?:path|rule|url)$/.test(textOf(ctx, fieldOf(firstArg, "name")!))))
    )
      route = true;
  }
  if (route) {
    scope.handler = "route";
    const paramNodes = fieldOf(def, "parameters")?.children.filter((k) => k.named) ?? [];
    for (const p of paramNodes) {
      const text = textOf(ctx, p);
      const nameNode =
        p.type === "identifier" ? p : (fieldOf(p, "name") ?? p.children.find((k) => k.type === "identifier"));
      if (!nameNode) continue;
      const name = textOf(ctx, nameNode);
      if (name === "self" || name === "cls") continue;
      // Injected dependencies (a database session, background tasks) are not request data.
      if (
        /=\s*(?:Depends|Security)\s*\(|:\s*(?:\w+\.)?(?:Session|AsyncSession|BackgroundTasks|Connection)\b/.test(
          text,
        )
      )
        continue;
      scope.reqParams.add(name);
    }
  } else if (
    (first === "request" || first === "req") &&
    !ctx.pytest &&
    !/^test/.test(scope.name) &&
    (!scope.cls || scope.cls.bases.some((b) => /(?:View|ViewSet|Handler|Resource|Endpoint|Mixin)$/.test(b)))
  ) {
    scope.handler = "view";
    for (const p of params) if (p !== "self" && p !== "cls") scope.reqParams.add(p);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Strings

function stringValue(ctx: Ctx, node: PyNode, scope: Scope): Val {
  if (node.type === "concatenated_string") {
    let v: Val | undefined;
    for (const k of node.children) {
      if (k.type !== "string") continue;
      const part = stringValue(ctx, k, scope);
      v = v ? { ...union(v, part), ss: concatSS(v.ss, part.ss) } : part;
    }
    return v ?? strVal("");
  }
  if (node.children.length === 0) return strVal(plainString(textOf(ctx, node)));
  let prefix = "";
  let out = "";
  let f = F_LIT;
  let holes = 0;
  let split = false;
  let afterInterpolation = false;
  const extra: Val[] = [];
  for (const k of node.children) {
    switch (k.type) {
      case "string_start":
        prefix = textOf(ctx, k).replace(/['"]/g, "").toLowerCase();
        break;
      case "string_content": {
        const raw = textOf(ctx, k);
        const text = unescapePy(raw, prefix.includes("r"), prefix.includes("f"));
        if (afterInterpolation && wordSplit(out, text)) split = true;
        out += text;
        afterInterpolation = false;
        break;
      }
      case "interpolation": {
        const e = fieldOf(k, "expression") ?? k.children.find((c) => c.named);
        const v = e ? evalNode(ctx, e, scope) : UNKNOWN;
        const s = constStr(v) ?? (v.n !== undefined ? String(v.n) : undefined);
        if (s !== undefined) {
          if (wordSplit(out, s)) split = true;
          out += s;
          afterInterpolation = true;
        } else {
          out += HOLE;
          holes++;
        }
        extra.push(v);
        break;
      }
    }
  }
  if (holes) f |= F_UNK;
  if (split && !holes) f |= F_BUILT;
  const v: Val = { f, ss: [out] };
  for (const e of extra) mergeData(v, e);
  if (holes) v.f |= F_UNK;
  return v;
}

/** The value of a string literal without interpolations, from its source text. */
function plainString(text: string): string {
  const m = /^([A-Za-z]*)('''|"""|'|")/.exec(text);
  if (!m) return text;
  const prefix = m[1]!.toLowerCase();
  const q = m[2]!;
  const open = m[0].length;
  const body =
    text.length >= open + q.length && text.endsWith(q) ? text.slice(open, -q.length) : text.slice(open);
  return unescapePy(body, prefix.includes("r"), false);
}

function unescapePy(s: string, raw: boolean, fmt: boolean): string {
  if (!s.includes("\\") && !(fmt && (s.includes("{{") || s.includes("}}")))) return s;
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (fmt && (ch === "{" || ch === "}") && s[i + 1] === ch) {
      out += ch;
      i++;
      continue;
    }
    if (ch !== "\\" || raw) {
      out += ch;
      continue;
    }
    const n = s[++i];
    if (n === undefined) {
      out += "\\";
      break;
    }
    switch (n) {
      case "n":
        out += "\n";
        break;
      case "t":
        out += "\t";
        break;
      case "r":
        out += "\r";
        break;
      case "\\":
      case "'":
      case '"':
        out += n;
        break;
      case "\n":
        break;
      case "a":
        out += "\x07";
        break;
      case "b":
        out += "\b";
        break;
      case "f":
        out += "\f";
        break;
      case "v":
        out += "\v";
        break;
      case "x": {
        const h = s.slice(i + 1, i + 3);
        if (/^[0-9a-fA-F]{2}$/.test(h)) {
          out += String.fromCharCode(Number.parseInt(h, 16));
          i += 2;
        } else out += "\\x";
        break;
      }
      case "u":
      case "U": {
        const len = n === "u" ? 4 : 8;
        const h = s.slice(i + 1, i + 1 + len);
        const cp = /^[0-9a-fA-F]+$/.test(h) && h.length === len ? Number.parseInt(h, 16) : Number.NaN;
        if (cp <= 0x10ffff) {
          out += String.fromCodePoint(cp);
          i += len;
        } else out += `\\${n}`;
        break;
      }
      case "N": {
        const close = s.indexOf("}", i);
        if (s[i + 1] === "{" && close > 0) {
          out += "?";
          i = close;
        } else out += "\\N";
        break;
      }
      default:
        if (n >= "0" && n <= "7") {
          let j = i;
          while (j < i + 3 && s[j]! >= "0" && s[j]! <= "7") j++;
          out += String.fromCharCode(Number.parseInt(s.slice(i, j), 8));
          i = j - 1;
        } else out += `\\${n}`;
    }
  }
  return out;
}

/** Strings that only document: docstrings, bare string statements, messages, help texts. */
function isDocumentation(ctx: Ctx, node: PyNode): boolean {
  let n = node;
  while (n.parent && (n.parent.type === "parenthesized_expression" || n.parent.type === "binary_operator"))
    n = n.parent;
  const p = n.parent;
  if (!p) return false;
  if (p.type === "expression_statement" && p.children.length === 1) return true;
  if (p.type === "keyword_argument") {
    const name = fieldOf(p, "name");
    if (
      name &&
      /^(?:help|description|epilog|usage|msg|message|long_description|doc|summary|title|example|examples)$/.test(
        textOf(ctx, name),
      )
    )
      return true;
  }
  const args = p.type === "argument_list" ? p : p.type === "keyword_argument" ? p.parent : null;
  const call = args?.parent;
  if (call?.type === "call") {
    const fn = fieldOf(call, "function");
    const name = fn ? textOf(ctx, fn) : "";
    if (
      /(?:^|\.)(?:print|debug|info|warning|warn|error|critical|exception|log|echo|secho|fail|skip|xfail|_|gettext|ngettext|add_argument|add_option|option|argument)$/.test(
        name,
      )
    )
      return true;
    if (/(?:Error|Exception|Warning)$/.test(name)) return true;
  }
  return false;
}

function checkStringLiteral(ctx: Ctx, node: PyNode, scope: Scope): void {
  const len = node.end - node.start;
  if (len < 10 || len > 100_000 || isDocumentation(ctx, node)) return;
  const v = stringValue(ctx, node, scope);
  for (const s of v.ss ?? []) {
    const ep = exfilEndpoint(forClassifier(s));
    if (ep) {
      ctx.endpointStrings.push({ node, kind: ep.kind, match: ep.match });
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

const IN_PROGRESS: Val = Object.freeze({ f: 0 }) as Val;

function evalNode(ctx: Ctx, node: PyNode, scope: Scope): Val {
  const cached = ctx.memo.get(node);
  if (cached) return cached === IN_PROGRESS ? EMPTY : cached;
  if (ctx.evalDepth > 200) return UNKNOWN;
  ctx.memo.set(node, IN_PROGRESS);
  ctx.evalDepth++;
  let v: Val;
  try {
    v = evalUncached(ctx, node, scope);
  } finally {
    ctx.evalDepth--;
  }
  ctx.memo.set(node, v);
  return v;
}

function evalUncached(ctx: Ctx, node: PyNode, scope: Scope): Val {
  switch (node.type) {
    case "identifier":
      return lookup(ctx, textOf(ctx, node), scope);
    case "string":
    case "concatenated_string":
      return stringValue(ctx, node, scope);
    case "integer": {
      const t = textOf(ctx, node).replace(/_/g, "").replace(/[lL]$/, "");
      const n = /^0[oO]/.test(t) ? Number.parseInt(t.slice(2), 8) : Number(t);
      return Number.isFinite(n) ? { f: F_LIT, n } : { f: F_LIT };
    }
    case "float":
    case "true":
    case "false":
    case "none":
    case "ellipsis":
      return { f: F_LIT };
    case "parenthesized_expression":
    case "await":
    case "expression_statement": {
      const inner = node.children.find((k) => k.named);
      return inner ? evalNode(ctx, inner, scope) : EMPTY;
    }
    case "list":
    case "tuple":
    case "set":
    case "expression_list": {
      const items = namedChildren(node).map((k) => evalNode(ctx, k, scope));
      const v: Val = { f: 0, items };
      for (const it of items) mergeData(v, it);
      return v;
    }
    case "dictionary": {
      const v: Val = { f: 0, dict: new Map() };
      for (const pair of node.children) {
        if (pair.type === "pair") {
          const k = fieldOf(pair, "key");
          const val = fieldOf(pair, "value");
          const kv = k ? evalNode(ctx, k, scope) : UNKNOWN;
          const vv = val ? evalNode(ctx, val, scope) : UNKNOWN;
          const key = constStr(kv);
          if (key !== undefined) v.dict!.set(key, vv);
          mergeData(v, vv);
          if (kv.f & F_ENV) mergeData(v, kv);
        } else if (pair.type === "dictionary_splat") {
          const inner = pair.children.find((k) => k.named);
          if (inner) mergeData(v, evalNode(ctx, inner, scope));
        }
      }
      return v;
    }
    case "list_splat":
    case "dictionary_splat":
    case "keyword_argument": {
      const inner = fieldOf(node, "value") ?? node.children.find((k) => k.named);
      return inner ? evalNode(ctx, inner, scope) : EMPTY;
    }
    case "conditional_expression":
    case "boolean_operator": {
      let v = EMPTY;
      for (const k of namedChildren(node)) {
        if (node.type === "conditional_expression" && k === namedChildren(node)[1]) continue; // the condition
        v = union(v, evalNode(ctx, k, scope));
      }
      return v;
    }
    case "named_expression": {
      const value = fieldOf(node, "value");
      return value ? evalNode(ctx, value, scope) : EMPTY;
    }
    case "binary_operator":
      return evalBinary(ctx, node, scope);
    case "unary_operator": {
      const arg = fieldOf(node, "argument");
      const v = arg ? evalNode(ctx, arg, scope) : UNKNOWN;
      const op = fieldOf(node, "operator");
      if (v.n !== undefined && op) {
        const o = textOf(ctx, op);
        return { f: F_LIT, n: o === "-" ? -v.n : o === "~" ? ~v.n : v.n };
      }
      return dataOf(v);
    }
    case "attribute":
      return evalAttribute(ctx, node, scope);
    case "subscript":
      return evalSubscript(ctx, node, scope);
    case "call":
      return evalCall(ctx, node, scope);
    case "generator_expression":
    case "list_comprehension":
    case "set_comprehension":
    case "dictionary_comprehension": {
      const body = fieldOf(node, "body");
      const v: Val = { f: 0 };
      if (body) mergeData(v, evalNode(ctx, body, scope));
      return v;
    }
    case "lambda": {
      const def = ctx.lambdas.get(node);
      return def ? { f: 0, q: "<def><lambda>", def } : UNKNOWN;
    }
    case "pair": {
      const val = fieldOf(node, "value");
      return val ? evalNode(ctx, val, scope) : EMPTY;
    }
    default:
      return UNKNOWN;
  }
}

function lookup(ctx: Ctx, name: string, scope: Scope): Val {
  let s: Scope | null = scope;
  let first = true;
  while (s) {
    if (first || s.kind !== "class") {
      const o = s.override.get(name);
      if (o) return o;
      if (s.bindings.has(name)) return bindingsVal(ctx, name, s);
      if (s.params.includes(name)) return paramVal(s, name);
    }
    first = false;
    s = s.parent;
  }
  if (name === "__builtins__") return { f: 0, q: "builtins" };
  // `from m import *`
  for (const [key, list] of ctx.module.bindings) {
    if (!key.startsWith("*")) continue;
    for (const b of list) {
      if (b.kind !== "import") continue;
      const q = canon(`${b.q}.${name}`);
      if (PROC.has(q) || DECODERS.has(q) || CODE_SINKS.has(q) || isNetCall(q) || INSTANCES.has(q))
        return { f: 0, q };
    }
  }
  if (BUILTINS.has(name)) return { f: 0, q: `builtins.${name}` };
  return UNKNOWN;
}

function paramVal(s: Scope, name: string): Val {
  const key = `param:${name}`;
  const m = s.memo.get(key);
  if (m) return m;
  // A fresh object per parameter: values are matched by identity (a downloaded file's path).
  let v: Val = { f: F_UNK };
  if (s.reqParams.has(name) || (name === "request" && s.handler)) {
    v = { f: F_REQ | F_UNK, req: { what: name, line: lineOf(s.node) } };
  }
  s.memo.set(key, v);
  return v;
}

function bindingsVal(ctx: Ctx, name: string, s: Scope): Val {
  const m = s.memo.get(name);
  if (m) return m === IN_PROGRESS ? (s.params.includes(name) ? paramVal(s, name) : UNKNOWN) : m;
  s.memo.set(name, IN_PROGRESS);
  const list = s.bindings.get(name)!;
  if (!s.sorted.has(name)) {
    list.sort((a, b) => a.at - b.at);
    s.sorted.add(name);
  }
  let acc: Val | undefined = s.params.includes(name) ? paramVal(s, name) : undefined;
  // Only mutated here (`results.append(x)` on a global or a closure's list): start from the outer value.
  if (!acc && list[0]?.kind === "mutate" && s.parent && !name.startsWith("self."))
    acc = lookup(ctx, name, s.parent);
  let count = 0;
  for (const b of list) {
    if (++count > 64) break;
    s.override.set(name, acc ?? UNKNOWN);
    let v: Val;
    try {
      v = bindingValue(ctx, b, s, acc);
    } finally {
      s.override.delete(name);
    }
    acc = b.kind === "aug" || b.kind === "mutate" || !acc ? v : union(acc, v);
  }
  const result = acc ?? UNKNOWN;
  s.memo.set(name, result);
  return result;
}

function bindingValue(ctx: Ctx, b: Binding, s: Scope, acc: Val | undefined): Val {
  switch (b.kind) {
    case "assign": {
      const v = evalNode(ctx, b.value, s);
      if (b.part === undefined) return v;
      return v.items?.[b.part] ?? dataOf(v);
    }
    case "aug": {
      const v = evalNode(ctx, b.value, s);
      return combine(acc ?? UNKNOWN, b.op, v);
    }
    case "iter": {
      const v = evalNode(ctx, b.value, s);
      if (v.items?.length) {
        let u = EMPTY;
        for (const it of v.items.slice(0, 16)) u = union(u, it);
        return u;
      }
      return elementOf(v);
    }
    case "mutate": {
      const v = evalNode(ctx, b.value, s);
      const base = acc ?? EMPTY;
      const out: Val = { f: base.f | (v.f & DATA) };
      copyOrigins(out, base);
      copyOrigins(out, v);
      if (base.items && b.method === "append") out.items = [...base.items, v];
      else if (base.items && b.method === "extend" && v.items) out.items = [...base.items, ...v.items];
      if (base.dict) out.dict = base.dict;
      return out;
    }
    case "import":
      if (REQUEST_OBJECTS.has(b.q)) return { f: F_REQ | F_UNK, req: { what: "request", line: 0 } };
      return { f: 0, q: b.q };
    case "def":
      return { f: 0, q: `<def>${b.scope.name}`, def: b.scope };
    case "class":
      return { f: 0, q: `<class>${b.scope.name}` };
    default:
      return UNKNOWN;
  }
}

/** An element of an iterable value (for loops, comprehensions). */
function elementOf(v: Val): Val {
  const d = dataOf(v);
  if (v.q === "os.environ" || v.f & F_ENV) {
    d.f |= F_ENV;
    d.env ??= v.env;
  }
  if (v.q?.endsWith("#") && v.f & F_SOCK) d.f |= F_SOCK;
  return d;
}

function evalBinary(ctx: Ctx, node: PyNode, scope: Scope): Val {
  // Long chains of `+` are left-deep: fold them iteratively.
  const chain: PyNode[] = [];
  let n: PyNode | undefined = node;
  let op = "";
  const opOf = (b: PyNode) => {
    const o = fieldOf(b, "operator");
    return o ? textOf(ctx, o) : "";
  };
  op = opOf(node);
  while (n && n.type === "binary_operator" && opOf(n) === op && (n === node || !ctx.memo.has(n))) {
    const right = fieldOf(n, "right");
    if (right) chain.push(right);
    n = fieldOf(n, "left");
  }
  let acc = n ? evalNode(ctx, n, scope) : UNKNOWN;
  for (let i = chain.length - 1; i >= 0; i--) acc = combine(acc, op, evalNode(ctx, chain[i]!, scope));
  return acc;
}

function combine(a: Val, op: string, b: Val): Val {
  if (a.n !== undefined && b.n !== undefined) {
    const x = a.n;
    const y = b.n;
    let n: number | undefined;
    switch (op) {
      case "+":
        n = x + y;
        break;
      case "-":
        n = x - y;
        break;
      case "*":
        n = x * y;
        break;
      case "^":
        n = x ^ y;
        break;
      case "%":
        n = y ? x % y : undefined;
        break;
      case "//":
        n = y ? Math.floor(x / y) : undefined;
        break;
      case "&":
        n = x & y;
        break;
      case "|":
        n = x | y;
        break;
      case "<<":
        n = x << y;
        break;
      case ">>":
        n = x >> y;
        break;
    }
    return n === undefined ? { f: F_LIT } : { f: F_LIT, n };
  }
  const v: Val = { f: (a.f | b.f) & DATA };
  copyOrigins(v, a);
  copyOrigins(v, b);
  if (op === "+" && (a.items || b.items)) {
    // List concatenation.
    if (a.items && b.items) v.items = [...a.items, ...b.items];
    return v;
  }
  if (op === "+" && (a.ss || b.ss)) {
    v.ss = concatSS(a.ss, b.ss);
    if (!a.ss || !b.ss) v.f |= F_UNK;
    if (a.f & F_LIT && b.f & F_LIT && anySplit(a.ss, b.ss)) v.f |= F_BUILT;
    return v;
  }
  if (op === "%" && a.ss) {
    // printf-style formatting: substitute the arguments' values when known.
    const args = b.items ?? [b];
    let split = false;
    v.ss = a.ss.map((fmt) => {
      let i = 0;
      const r = substitute(fmt, /%(?:\([^)]*\))?[-+ #0]*\d*(?:\.\d+)?[sdrifxXoeEgGc%]/g, (m) => {
        if (m[0] === "%%") return "%";
        const arg = args[i++];
        return arg ? (constStr(arg) ?? (arg.n !== undefined ? String(arg.n) : undefined)) : undefined;
      });
      split ||= r.split;
      return r.out;
    });
    if (v.ss.some((s) => s.includes(HOLE))) v.f |= F_UNK;
    if (b.f & F_LIT && split) v.f |= F_BUILT;
    return v;
  }
  if (op === "/" && a.q === "pathlib.Path#") {
    // Path / "part"
    const p: Val = { f: v.f, q: "pathlib.Path#", ss: joinPath(a.ss, b.ss) };
    p.path = p;
    copyOrigins(p, v);
    return p;
  }
  if (op === "*" && a.ss && b.n !== undefined && b.n < 1000) {
    v.ss = a.ss.map((s) => s.repeat(Math.max(0, b.n!)));
    return v;
  }
  return v;
}

function joinPath(a: string[] | undefined, b: string[] | undefined): string[] {
  const A = a ?? [HOLE];
  const B = b ?? [HOLE];
  const out: string[] = [];
  for (const x of A)
    for (const y of B) {
      if (out.length >= MAX_CANDIDATES) return out;
      if (y.startsWith("/") || /^[A-Za-z]:[\\/]/.test(y)) out.push(y);
      else if (x === "" || x.endsWith("/") || x.endsWith("\\")) out.push(x + y);
      else out.push(`${x}/${y}`);
    }
  return out;
}

function evalAttribute(ctx: Ctx, node: PyNode, scope: Scope): Val {
  const objNode = fieldOf(node, "object");
  const attrNode = fieldOf(node, "attribute");
  if (!objNode || !attrNode) return UNKNOWN;
  const attr = textOf(ctx, attrNode);
  if (objNode.type === "identifier" && textOf(ctx, objNode) === "self") {
    const cls = classOf(scope);
    if (cls?.bindings.has(`self.${attr}`)) return bindingsVal(ctx, `self.${attr}`, cls);
    if (cls?.bindings.has(attr)) return bindingsVal(ctx, attr, cls);
    if (attr === "request" && cls)
      return { f: F_REQ | F_UNK, req: { what: "self.request", line: lineOf(node) } };
  }
  const obj = evalNode(ctx, objNode, scope);
  if (obj.q && !obj.q.startsWith("<")) {
    const q = canon(`${obj.q}.${attr}`);
    if (q === "os.environ") return { f: F_ENV, q, env: { what: "os.environ", line: lineOf(node) } };
    if (q === "sys.prefix" || q === "sys.exec_prefix" || q === "sys.base_prefix")
      return { f: 0, ss: ["<prefix>"] };
    if (obj.q.endsWith("#")) {
      // An attribute of an object: a file's name, a response's content, a socket's …
      if (attr === "name" && obj.path) return obj.path;
      const v: Val = { f: obj.f & DATA, q: `${obj.q}.${attr}` };
      copyOrigins(v, obj);
      if (obj.q === "subprocess.Popen#" && (attr === "stdout" || attr === "stderr")) v.f |= F_PROCOUT;
      return v;
    }
    const v: Val = { f: obj.f & DATA, q };
    copyOrigins(v, obj);
    if (obj.f & F_REQ) return { ...v, q: undefined };
    return v;
  }
  if (obj.q === "<globals>") return lookup(ctx, attr, ctx.module);
  // An attribute of data (`resp.text`, `request.args`): the same data.
  const v = dataOf(obj);
  if (obj.path && (attr === "name" || attr === "parent")) return obj.path;
  return v;
}

function evalSubscript(ctx: Ctx, node: PyNode, scope: Scope): Val {
  const valueNode = fieldOf(node, "value");
  const subs = node.children.filter((k) => k.field === "subscript");
  if (!valueNode) return UNKNOWN;
  const obj = evalNode(ctx, valueNode, scope);
  const sub = subs[0];
  if (sub?.type === "slice") {
    const parts = sliceParts(ctx, sub);
    if (parts.step === "-1" && parts.start === "" && parts.stop === "") {
      const v: Val = dataOf(obj);
      if (obj.ss) v.ss = obj.ss.map((s) => [...s].reverse().join(""));
      if (obj.items) v.items = [...obj.items].reverse();
      // Reversing a string hides it; reversing a list is just iteration order.
      if (obj.ss && !obj.items && obj.f & (F_LIT | F_DEC)) {
        v.f |= F_DEC;
        v.dec ??= { what: "a reversed string ([::-1])", line: lineOf(node) };
      }
      return v;
    }
    const v: Val = dataOf(obj);
    const a = parts.start === "" ? 0 : Number(parts.start);
    const b = parts.stop === "" ? undefined : Number(parts.stop);
    if (obj.ss && parts.step === "" && Number.isInteger(a) && (b === undefined || Number.isInteger(b)))
      v.ss = obj.ss.map((s) => s.slice(a, b));
    return v;
  }
  const key = sub ? evalNode(ctx, sub, scope) : UNKNOWN;
  const k = constStr(key);
  if (obj.q === "os.environ") {
    if (k === undefined)
      return { f: F_ENV | F_UNK, env: { what: "os.environ[…] in a loop", line: lineOf(node) } };
    return envVar(k);
  }
  if (
    obj.q === "<globals>" ||
    obj.q === "builtins" ||
    obj.q === "builtins.__dict__" ||
    obj.q === "sys.modules"
  ) {
    const v = resolveName(ctx, node, obj.q, key);
    if (v) return v;
  }
  if (obj.q?.endsWith(".__dict__")) {
    const base = obj.q.slice(0, -".__dict__".length);
    const v = resolveName(ctx, node, base, key);
    if (v) return v;
  }
  if (k !== undefined && obj.dict?.has(k)) return obj.dict.get(k)!;
  if (key.n !== undefined && obj.items) {
    const it = obj.items[key.n < 0 ? obj.items.length + key.n : key.n];
    if (it) return it;
  }
  if (key.n !== undefined && obj.ss) {
    const v = dataOf(obj);
    v.ss = obj.ss.map((s) => s.charAt(key.n! < 0 ? s.length + key.n! : key.n!));
    return v;
  }
  const v = dataOf(obj);
  if (obj.path) v.path = obj.path;
  return v;
}

function sliceParts(ctx: Ctx, slice: PyNode): { start: string; stop: string; step: string } {
  // slice children: [start] ':' [stop] [':' [step]] — anonymous colons were dropped, so use the text.
  const t = textOf(ctx, slice).replace(/\s+/g, "");
  const [start = "", stop = "", step = ""] = t.split(":");
  return { start, stop, step };
}

function envVar(name: string): Val {
  const up = name.toUpperCase();
  if (up === "HOME" || up === "USERPROFILE") return { f: F_LIT, ss: ["~"] };
  if (up === "APPDATA" || up === "LOCALAPPDATA" || up === "TEMP" || up === "TMP" || up === "PROGRAMDATA")
    return { f: F_LIT, ss: [`%${up}%`] };
  return { f: F_UNK };
}

/**
 * `getattr(obj, name)`, `__import__(name)`, `globals()[name]`, …: resolves the name and reports a hidden import
 * when the name is built, decoded or reversed rather than written out and is dangerous or cannot be resolved.
 */
function resolveName(ctx: Ctx, at: PyNode, base: string | undefined, nameVal: Val): Val | undefined {
  const qualify = (name: string): string => {
    if (base === undefined || base === "sys.modules") return canon(name);
    if (base === "<globals>") return lookup(ctx, name, ctx.module).q ?? `builtins.${name}`;
    return canon(`${base}.${name}`);
  };
  const exact = isConst(nameVal);
  const single = constStr(nameVal);
  const resolved = single !== undefined && /^[\w.]+$/.test(single) ? qualify(single) : undefined;
  const obfuscated = nameVal.f & F_DEC || (nameVal.f & F_BUILT && exact);
  if (obfuscated && !ctx.hiddenReported.has(at.start)) {
    const names = exact ? nameVal.ss!.filter((n) => /^[\w.]+$/.test(n)) : [];
    const dangerous = names.find((n) => isDangerousName(n) || isDangerousName(qualify(n)));
    if (dangerous !== undefined || !exact) {
      ctx.hiddenReported.add(at.start);
      const how = nameVal.dec ? `decoded by ${nameVal.dec.what}` : "assembled from pieces";
      report(
        ctx,
        "hidden-import",
        at,
        dangerous !== undefined
          ? `${display(textOf(ctx, at).slice(0, 40))} resolves ${qualify(dangerous)} from a name ${how}`
          : `a module or function is looked up by a name ${how} that cannot be resolved statically`,
      );
    }
  }
  if (resolved === undefined) return undefined;
  return { f: 0, q: resolved };
}

// ---------------------------------------------------------------------------------------------------------------
// Calls

/** A call's arguments: positional (a lone generator `f(x for x in y)` is one), and keyword. */
interface Args {
  pos: PyNode[];
  kw: Map<string, PyNode>;
}

function argsOf(ctx: Ctx, call: PyNode): Args {
  const a = fieldOf(call, "arguments");
  const pos: PyNode[] = [];
  const kw = new Map<string, PyNode>();
  if (!a) return { pos, kw };
  if (a.type === "generator_expression") return { pos: [a], kw };
  for (const k of a.children) {
    if (!k.named) continue;
    if (k.type === "keyword_argument") {
      const n = fieldOf(k, "name");
      const v = fieldOf(k, "value");
      if (n && v) kw.set(textOf(ctx, n), v);
    } else pos.push(k);
  }
  return { pos, kw };
}

/** The value of the argument at position `i` or with keyword `name`. */
function arg(ctx: Ctx, a: Args, i: number, name: string | undefined, scope: Scope): Val | undefined {
  const n = (name ? a.kw.get(name) : undefined) ?? a.pos[i];
  return n ? evalNode(ctx, n, scope) : undefined;
}

function allArgVals(ctx: Ctx, a: Args, scope: Scope): Val[] {
  const out = a.pos.map((n) => evalNode(ctx, n, scope));
  for (const n of a.kw.values()) out.push(evalNode(ctx, n, scope));
  return out;
}

function calleeOf(
  ctx: Ctx,
  call: PyNode,
  scope: Scope,
): { q?: string; recv?: Val; method?: string; fn?: Val } {
  const fn = fieldOf(call, "function");
  if (!fn) return {};
  if (fn.type === "attribute") {
    const objNode = fieldOf(fn, "object");
    const attrNode = fieldOf(fn, "attribute");
    if (!objNode || !attrNode) return {};
    const method = textOf(ctx, attrNode);
    if (objNode.type === "identifier" && textOf(ctx, objNode) === "self") {
      const cls = classOf(scope);
      const b = cls?.bindings.get(method)?.find((x) => x.kind === "def");
      if (b?.kind === "def")
        return { q: `<def>${method}`, fn: { f: 0, q: `<def>${method}`, def: b.scope }, method };
    }
    const recv = evalNode(ctx, objNode, scope);
    if (recv.q && !recv.q.startsWith("<") && !(recv.f & F_REQ))
      return { q: canon(`${recv.q}.${method}`), recv, method };
    if (recv.q === "<globals>") return { q: lookup(ctx, method, ctx.module).q, recv, method };
    return { recv, method };
  }
  const v = evalNode(ctx, fn, scope);
  return { q: v.q, fn: v };
}

function evalCall(ctx: Ctx, call: PyNode, scope: Scope): Val {
  const { q, recv, method, fn } = calleeOf(ctx, call, scope);
  const a = argsOf(ctx, call);
  const line = lineOf(call);
  if (q) {
    const special = evalKnownCall(ctx, call, q, a, scope, recv);
    if (special) return special;
    if (fn?.def) return returnOf(ctx, fn.def);
    if (q.startsWith("<")) return UNKNOWN;
    const inst = INSTANCES.get(q);
    if (inst) {
      const v: Val = { f: 0, q: inst };
      if (inst === "socket.socket#") {
        v.f |= F_SOCK;
        v.sock = { what: displayQ(q), line };
      }
      if (isNetCall(q) && NET_FETCH.test(q)) {
        v.f |= F_NET;
        v.net = { what: displayQ(q), line };
      }
      return v;
    }
    if (isNetCall(q)) {
      if (NET_FETCH.test(q) || q === "urllib.request.urlopen") {
        const socket = q.startsWith("socket.");
        const v: Val = { f: F_NET, net: { what: displayQ(q), line, socket } };
        // A file over the socket is still the socket (a shell's stdio); received data is only data.
        if (q === "socket.socket#.makefile") {
          v.f |= F_SOCK;
          if (recv?.sock) v.sock = recv.sock;
        }
        return v;
      }
      return UNKNOWN;
    }
    if (PASSTHROUGH.has(q)) {
      const v: Val = { f: 0 };
      for (const x of allArgVals(ctx, a, scope)) {
        mergeData(v, x);
        if (x.rd) v.rd ??= x.rd;
      }
      if (
        q === "builtins.str" ||
        q === "builtins.bytes" ||
        q === "builtins.compile" ||
        q === "builtins.bytearray"
      ) {
        const first = a.pos[0] ? evalNode(ctx, a.pos[0], scope) : undefined;
        if (first?.ss) v.ss = first.ss;
        if (first?.items && q !== "builtins.compile") {
          const bytes = bytesFromItems(first.items);
          if (bytes !== undefined) {
            v.ss = [bytes];
            if (first.items.length >= 4) {
              v.f |= F_DEC;
              v.dec ??= { what: `${q.slice(9)}([…])`, line };
            }
          }
        }
        if (first?.n !== undefined && q === "builtins.str") v.ss = [String(first.n)];
      }
      return v;
    }
    if (recv?.q?.endsWith("#") || recv?.q === "os.environ")
      return methodOnData(ctx, call, recv, method ?? "", a, scope);
    // An unknown function: its result is unknown data.
    return UNKNOWN;
  }
  if (recv) return methodOnData(ctx, call, recv, method ?? "", a, scope);
  return UNKNOWN;
}

function displayQ(q: string): string {
  return q
    .replace(/#\./g, "().")
    .replace(/#$/, "()")
    .replace(/^builtins\./, "");
}

function returnOf(ctx: Ctx, def: Scope): Val {
  if (def.returnVal) return def.returnVal === IN_PROGRESS ? UNKNOWN : def.returnVal;
  def.returnVal = IN_PROGRESS;
  let v: Val = EMPTY;
  for (const r of def.returns.slice(0, 16)) v = union(v, evalNode(ctx, r, def));
  if (def.node.type === "lambda") {
    const body = fieldOf(def.node, "body");
    if (body) v = evalNode(ctx, body, def);
  }
  def.returnVal = v === EMPTY ? UNKNOWN : v;
  return def.returnVal;
}

function bytesFromItems(items: Val[]): string | undefined {
  if (items.length > MAX_FOLD) return undefined;
  let s = "";
  for (const it of items) {
    if (it.n === undefined || it.n < 0 || it.n > 255) return undefined;
    s += String.fromCharCode(it.n);
  }
  return s;
}

/** Calls with a meaning of their own: decoders, name resolution, files, paths, the environment. */
function evalKnownCall(
  ctx: Ctx,
  call: PyNode,
  q: string,
  a: Args,
  scope: Scope,
  recv?: Val,
): Val | undefined {
  const line = lineOf(call);
  const dec = DECODERS.get(q);
  if (dec) {
    const x = arg(ctx, a, 0, "s", scope) ?? UNKNOWN;
    return decoded(x, dec, displayQ(q), line, true);
  }
  const second = SECOND_STAGE.get(q);
  if (second) {
    const x = arg(ctx, a, 0, "data", scope) ?? UNKNOWN;
    return decoded(x, second, displayQ(q), line, !!(x.f & (F_LIT | F_DEC | F_NET) && !(x.f & F_FILE)));
  }
  switch (q) {
    case "codecs.decode":
    case "codecs.encode": {
      const x = arg(ctx, a, 0, "obj", scope) ?? UNKNOWN;
      const enc = constStr(arg(ctx, a, 1, "encoding", scope) ?? UNKNOWN)
        ?.toLowerCase()
        .replace(/[-_]/g, "");
      const codec =
        enc && /^(?:rot13|hex|hexcodec|base64|base64codec|zlib|zlibcodec|bz2|uu)$/.test(enc)
          ? enc.replace("codec", "")
          : undefined;
      if (codec && (q === "codecs.decode" || codec === "rot13"))
        return decoded(x, codec, `codecs.decode(…, '${enc}')`, line, true);
      return dataOf(x, true);
    }
    case "builtins.chr": {
      const x = arg(ctx, a, 0, undefined, scope) ?? UNKNOWN;
      const v: Val = { f: (x.f & DATA) | F_DEC, dec: x.dec ?? { what: "chr()", line } };
      if (x.n !== undefined && x.n >= 0 && x.n <= 0x10ffff) v.ss = [String.fromCodePoint(x.n)];
      else v.f |= F_UNK;
      return v;
    }
    case "builtins.ord": {
      const s = constStr(arg(ctx, a, 0, undefined, scope) ?? UNKNOWN);
      return s?.length === 1 ? { f: F_LIT, n: s.codePointAt(0)! } : UNKNOWN;
    }
    case "builtins.int": {
      const x = arg(ctx, a, 0, undefined, scope) ?? UNKNOWN;
      const s = constStr(x);
      const base = arg(ctx, a, 1, "base", scope)?.n ?? 10;
      if (x.n !== undefined) return { f: F_LIT, n: Math.trunc(x.n) };
      if (s !== undefined) {
        const n = Number.parseInt(s.trim(), base);
        if (Number.isFinite(n)) return { f: F_LIT | (x.f & F_DEC), n, ...(x.dec ? { dec: x.dec } : {}) };
      }
      return dataOf(x);
    }
    case "builtins.map": {
      const fnNode = a.pos[0];
      const it = a.pos[1] ? evalNode(ctx, a.pos[1], scope) : UNKNOWN;
      const fnVal = fnNode ? evalNode(ctx, fnNode, scope) : UNKNOWN;
      if (fnVal.q === "builtins.chr") {
        const items =
          it.items ?? (constStr(it) !== undefined ? [...constStr(it)!].map((c) => strVal(c)) : undefined);
        const v: Val = { f: (it.f & DATA) | F_DEC, dec: { what: "map(chr, …)", line } };
        if (items?.every((x) => x.n !== undefined))
          v.items = items.map((x) => strVal(String.fromCodePoint(x.n! & 0x1fffff)));
        return v;
      }
      return elementOf(it);
    }
    case "builtins.reversed": {
      const x = arg(ctx, a, 0, undefined, scope) ?? UNKNOWN;
      const v = dataOf(x);
      if (x.ss) v.ss = x.ss.map((s) => [...s].reverse().join(""));
      if (x.items) v.items = [...x.items].reverse();
      if (x.ss && !x.items && x.f & (F_LIT | F_DEC)) {
        v.f |= F_DEC;
        v.dec ??= { what: "reversed()", line };
      }
      return v;
    }
    case "builtins.getattr": {
      const obj = a.pos[0] ? evalNode(ctx, a.pos[0], scope) : UNKNOWN;
      const nameVal = a.pos[1] ? evalNode(ctx, a.pos[1], scope) : UNKNOWN;
      const base =
        obj.q && !obj.q.startsWith("<") && !obj.q.endsWith("#")
          ? obj.q
          : obj.q === "<globals>"
            ? "<globals>"
            : undefined;
      if (base) return resolveName(ctx, call, base, nameVal) ?? UNKNOWN;
      if (obj.q?.startsWith("<def>") || obj.q?.startsWith("<class>")) return UNKNOWN;
      // getattr on data or an object: still hidden when the name is obfuscated.
      resolveName(ctx, call, "<object>", nameVal);
      const name = constStr(nameVal);
      if (obj.q?.endsWith("#") && name) return { f: obj.f & DATA, q: `${obj.q}.${name}` };
      return dataOf(obj);
    }
    case "builtins.__import__":
    case "importlib.import_module": {
      const nameVal = arg(ctx, a, 0, "name", scope) ?? UNKNOWN;
      return resolveName(ctx, call, undefined, nameVal) ?? UNKNOWN;
    }
    case "builtins.globals":
    case "builtins.locals":
      return { f: 0, q: "<globals>" };
    case "builtins.vars": {
      if (!a.pos[0]) return { f: 0, q: "<globals>" };
      const obj = evalNode(ctx, a.pos[0], scope);
      return obj.q ? { f: 0, q: `${obj.q}.__dict__` } : dataOf(obj);
    }
    case "builtins.open":
    case "pathlib.Path#.open": {
      const pathVal =
        q === "builtins.open" ? (arg(ctx, a, 0, "file", scope) ?? UNKNOWN) : (recv?.path ?? UNKNOWN);
      const mode = constStr(arg(ctx, a, q === "builtins.open" ? 1 : 0, "mode", scope) ?? strVal("r")) ?? "r";
      return fileHandle(ctx, call, pathVal, mode);
    }
    case "tempfile.NamedTemporaryFile":
    case "tempfile.mkstemp": {
      const v: Val = { f: 0, q: "file#", mode: "w" };
      v.path = { f: F_UNK, ss: [`%TEMP%/${HOLE}`] };
      return q === "tempfile.mkstemp" ? { f: 0, items: [UNKNOWN, v.path] } : v;
    }
    case "pathlib.Path":
    case "pathlib.Path.home":
    case "pathlib.Path.cwd": {
      let ss: string[] | undefined;
      let f = 0;
      if (q === "pathlib.Path.home") ss = ["~"];
      else if (q === "pathlib.Path") {
        const parts = a.pos.map((n) => evalNode(ctx, n, scope));
        for (const p of parts) f |= p.f & DATA;
        ss = parts.length
          ? parts.reduce<string[] | undefined>((acc, p) => (acc ? joinPath(acc, p.ss) : p.ss), undefined)
          : [""];
        const v: Val = { f, q: "pathlib.Path#" };
        if (ss) v.ss = ss;
        for (const p of parts) copyOrigins(v, p);
        v.path = v;
        return v;
      }
      const v: Val = { f, q: "pathlib.Path#", ...(ss ? { ss } : {}) };
      v.path = v;
      return v;
    }
    case "os.path.join":
    case "pathlib.Path#.joinpath":
    case "posixpath.join":
    case "ntpath.join": {
      const parts = a.pos.map((n) => evalNode(ctx, n, scope));
      if (q === "pathlib.Path#.joinpath" && recv) parts.unshift(recv);
      const v: Val = { f: 0 };
      for (const p of parts) mergeData(v, p);
      v.ss = parts.reduce<string[] | undefined>(
        (acc, p) => (acc ? joinPath(acc, p.ss) : (p.ss ?? [HOLE])),
        undefined,
      ) ?? [HOLE];
      if (q === "pathlib.Path#.joinpath") {
        v.q = "pathlib.Path#";
        v.path = v;
      }
      return v;
    }
    case "os.path.expanduser":
    case "os.path.expandvars":
    case "os.path.abspath":
    case "os.path.normpath":
    case "os.path.realpath":
    case "os.fspath":
    case "pathlib.Path#.expanduser":
    case "pathlib.Path#.resolve":
    case "pathlib.Path#.absolute": {
      const x = q.startsWith("pathlib") ? (recv ?? UNKNOWN) : (arg(ctx, a, 0, "path", scope) ?? UNKNOWN);
      const v = dataOf(x, true);
      if (x.q === "pathlib.Path#") {
        v.q = "pathlib.Path#";
        v.path = v;
      }
      return v;
    }
    case "os.getenv":
    case "os.environ.get": {
      const k = constStr(arg(ctx, a, 0, "key", scope) ?? UNKNOWN);
      if (k === undefined)
        return { f: F_ENV | F_UNK, env: { what: "os.environ.get(…) of every name", line } };
      return envVar(k);
    }
    case "os.environ.copy":
    case "os.environ.items":
    case "os.environ.values":
    case "os.environ.keys":
    case "builtins.dict":
    case "builtins.str":
    case "builtins.repr":
    case "json.dumps": {
      const x = q.startsWith("os.environ")
        ? { f: 0, q: "os.environ" }
        : a.pos[0]
          ? evalNode(ctx, a.pos[0], scope)
          : undefined;
      if (x?.q === "os.environ") return { f: F_ENV, env: { what: textOf(ctx, call).slice(0, 60), line } };
      return undefined;
    }
    case "site.getsitepackages":
    case "site.getusersitepackages":
    case "sysconfig.get_paths":
    case "sysconfig.get_path":
    case "distutils.sysconfig.get_python_lib":
    case "sysconfig.get_python_lib":
      return { f: 0, ss: ["<site-packages>"] };
    case "glob.glob":
    case "glob.iglob":
    case "os.listdir":
    case "os.scandir":
    case "os.walk":
    case "pathlib.Path#.glob":
    case "pathlib.Path#.rglob":
    case "pathlib.Path#.iterdir": {
      const p = q.startsWith("pathlib")
        ? (recv ?? UNKNOWN)
        : (arg(ctx, a, 0, "pathname", scope) ?? strVal("."));
      const v: Val = { f: F_UNK | (p.f & DATA) };
      copyOrigins(v, p);
      const where = q.startsWith("pathlib") && p.ss && a.pos[0] ? joinSS(p, a.pos[0], ctx, scope) : p;
      // A glob enumerates a directory: "~/.ssh/*" reads what is in ~/.ssh.
      const dir: Val = { f: where.f };
      if (where.ss) dir.ss = where.ss.map((x) => x.replace(/(?:[/\\][^/\\]*[*?[][^/\\]*)+$/, ""));
      const kind = secretKindOf(where) ?? secretKindOf(dir);
      if (kind) markSecret(ctx, v, kind, call, p);
      return v;
    }
    case "pathlib.Path#.read_text":
    case "pathlib.Path#.read_bytes": {
      const p = recv ?? UNKNOWN;
      const v: Val = { f: F_FILE | F_UNK | (p.f & (F_SECRET | F_NET)), rd: p };
      copyOrigins(v, p);
      const kind = secretKindOf(p);
      if (kind) markSecret(ctx, v, kind, call, p);
      return v;
    }
    case "shutil.copy":
    case "shutil.copy2":
    case "shutil.copyfile":
    case "shutil.copytree":
    case "shutil.make_archive":
    case "sqlite3.connect":
    case "zipfile.ZipFile#.write":
    case "tarfile.TarFile#.add": {
      const idx = q === "shutil.make_archive" ? 2 : 0;
      const src = arg(ctx, a, idx, q === "shutil.make_archive" ? "root_dir" : undefined, scope) ?? UNKNOWN;
      const kind = secretKindOf(src);
      const v: Val = q === "sqlite3.connect" ? { f: 0, q: "sqlite3.Connection#" } : { f: F_UNK };
      if (q.startsWith("shutil.copy")) {
        const dst = arg(ctx, a, 1, "dst", scope);
        if (dst?.ss) v.ss = dst.ss;
      }
      if (kind) markSecret(ctx, v, kind, call, src);
      return v;
    }
    case "winreg.OpenKey":
    case "winreg.OpenKeyEx":
    case "winreg.CreateKey":
    case "winreg.CreateKeyEx": {
      const root = arg(ctx, a, 0, "key", scope) ?? UNKNOWN;
      const sub = arg(ctx, a, 1, "sub_key", scope) ?? UNKNOWN;
      const v: Val = { f: 0, q: "winreg.HKEY#" };
      v.ss = concatSS(root.ss ?? [""], sub.ss);
      return v;
    }
    case "urllib.request.urlretrieve": {
      const out = arg(ctx, a, 1, "filename", scope);
      const path: Val = out ?? { f: F_UNK, ss: [`%TEMP%/${HOLE}`] };
      return { f: F_NET, net: { what: "urllib.request.urlretrieve", line }, items: [path, UNKNOWN] };
    }
  }
  if (q.startsWith("hashlib.") || q.startsWith("hmac.")) {
    const v: Val = { f: 0 };
    for (const x of allArgVals(ctx, a, scope)) mergeData(v, x);
    return v;
  }
  if (q.startsWith("file#.") || q === "Fernet#.decrypt") {
    return methodOnData(ctx, call, recv ?? UNKNOWN, q.slice(q.lastIndexOf(".") + 1), a, scope);
  }
  return undefined;
}

function joinSS(p: Val, node: PyNode, ctx: Ctx, scope: Scope): Val {
  const pat = evalNode(ctx, node, scope);
  return { f: p.f, ss: joinPath(p.ss, pat.ss) };
}

function fileHandle(ctx: Ctx, call: PyNode, pathVal: Val, mode: string): Val {
  // A file found under a secret directory (glob of ~/.ssh/*) or downloaded holds that data.
  const v: Val = { f: pathVal.f & (F_NET | F_SECRET), q: "file#", path: pathVal, mode };
  copyOrigins(v, pathVal);
  if (!/[wax]/.test(mode)) {
    const kind = secretKindOf(pathVal);
    if (kind) markSecret(ctx, v, kind, call, pathVal);
  }
  return v;
}

function secretKindOf(p: Val): SecretKind | undefined {
  for (const s of p.ss ?? []) {
    if (s === HOLE) continue;
    const k = secretPathKind(forClassifier(s));
    if (k) return k;
    // An Electron/Chromium token store under a directory chosen at run time: token grabbers loop over
    // Discord, browsers and wallets with one function.
    if (/Local Storage[/\\]+leveldb/i.test(s)) return "discord";
  }
  return undefined;
}

function markSecret(ctx: Ctx, v: Val, kind: SecretKind, call: PyNode, pathVal?: Val): void {
  v.f |= F_SECRET;
  const folded = pathVal?.ss?.find((s) => secretPathKind(forClassifier(s)));
  const path = folded ? display(folded) : display(textOf(ctx, call));
  v.secret ??= { what: path, line: lineOf(call), kind, path };
  if (!ctx.secretReads.some((r) => r.node.row === call.row)) ctx.secretReads.push({ kind, path, node: call });
}

function decoded(x: Val, codec: string, what: string, line: number, obfuscation: boolean): Val {
  const v: Val = dataOf(x);
  if (x.rd) v.rd = x.rd;
  if (obfuscation) {
    v.f |= F_DEC;
    v.dec = x.dec ?? { what, line };
  }
  const s = constStr(x);
  if (s !== undefined) {
    const out = decodeLiteral(s, codec);
    if (out !== undefined) {
      v.ss = [out];
      v.f &= ~F_UNK;
      v.f |= F_LIT;
    }
  }
  return v;
}

function decodeLiteral(s: string, codec: string): string | undefined {
  try {
    switch (codec) {
      case "base64": {
        const clean = s.replace(/[^A-Za-z0-9+/=_-]/g, "");
        return Buffer.from(clean.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("latin1");
      }
      case "hex": {
        const clean = s.replace(/\s+/g, "");
        if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean)) return undefined;
        return Buffer.from(clean, "hex").toString("latin1");
      }
      case "rot13":
        return s.replace(/[a-zA-Z]/g, (c) => {
          const b = c <= "Z" ? 65 : 97;
          return String.fromCharCode(((c.charCodeAt(0) - b + 13) % 26) + b);
        });
      case "zlib": {
        const buf = Buffer.from(s, "latin1");
        const opts = { maxOutputLength: MAX_FOLD };
        for (const fn of [inflateSync, gunzipSync, inflateRawSync]) {
          try {
            return fn(buf, opts).toString("latin1");
          } catch {
            // try the next container
          }
        }
        return undefined;
      }
      case "gzip":
        return gunzipSync(Buffer.from(s, "latin1"), { maxOutputLength: MAX_FOLD }).toString("latin1");
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/** A method called on a data value or an object whose class is known. */
function methodOnData(ctx: Ctx, call: PyNode, recv: Val, method: string, a: Args, scope: Scope): Val {
  const line = lineOf(call);
  switch (method) {
    case "decode":
    case "encode": {
      const enc = constStr(arg(ctx, a, 0, "encoding", scope) ?? UNKNOWN)
        ?.toLowerCase()
        .replace(/[-_]/g, "");
      if (
        method === "decode" &&
        enc &&
        /^(?:hex|base64|rot13|zlib|bz2|uu|stringescape|unicodeescape)$/.test(enc)
      )
        return decoded(
          recv,
          enc === "stringescape" || enc === "unicodeescape" ? "none" : enc,
          `.decode('${enc}')`,
          line,
          true,
        );
      const v = dataOf(recv, true);
      if (recv.rd) v.rd = recv.rd;
      if (method === "decode" && recv.ss && (!enc || enc === "utf8")) v.ss = recv.ss.map(latin1ToText);
      return v;
    }
    case "join": {
      const it = a.pos[0];
      const sep = constStr(recv);
      if (!it) return dataOf(recv);
      const folded = foldJoin(ctx, it, scope, sep ?? "");
      if (folded) return folded;
      const items = evalNode(ctx, it, scope);
      const v = dataOf(items);
      if (items.items && sep !== undefined) {
        const parts = items.items.map((x) => constStr(x));
        if (parts.every((p) => p !== undefined)) {
          v.ss = [parts.join(sep)];
          v.f &= ~F_UNK;
          v.f |= F_LIT;
          // Joining lines or words is layout; joining pieces of one word hides it.
          if (parts.some((p, i) => i > 0 && wordSplit(parts[i - 1]! + sep, p!))) v.f |= F_BUILT;
        } else {
          v.ss = [items.items.map((x) => constStr(x) ?? HOLE).join(sep)];
          v.f |= F_UNK;
        }
      } else v.f |= F_UNK;
      return v;
    }
    case "format":
    case "format_map": {
      const v = dataOf(recv, true);
      const args = a.pos.map((n) => evalNode(ctx, n, scope));
      const kws = new Map([...a.kw].map(([k, n]) => [k, evalNode(ctx, n, scope)]));
      for (const x of args) mergeData(v, x);
      for (const x of kws.values()) mergeData(v, x);
      if (recv.ss) {
        let i = 0;
        let split = false;
        v.ss = recv.ss.map((fmt) => {
          const r = substitute(fmt, /\{\{|\}\}|\{([^{}]*)\}/g, (m) => {
            if (m[0] === "{{") return "{";
            if (m[0] === "}}") return "}";
            const name = (m[1] ?? "").split(/[!:]/)[0]!;
            const x = name === "" ? args[i++] : /^\d+$/.test(name) ? args[Number(name)] : kws.get(name);
            return x ? (constStr(x) ?? (x.n !== undefined ? String(x.n) : undefined)) : undefined;
          });
          split ||= r.split;
          return r.out;
        });
        if (v.ss.some((s) => s.includes(HOLE))) v.f |= F_UNK;
        else if (split) v.f |= F_BUILT;
      }
      return v;
    }
    case "replace": {
      const v = dataOf(recv, true);
      const from = constStr(arg(ctx, a, 0, undefined, scope) ?? UNKNOWN);
      const toVal = arg(ctx, a, 1, undefined, scope) ?? UNKNOWN;
      mergeData(v, toVal);
      const to = constStr(toVal);
      if (recv.ss && from !== undefined && from !== "" && to !== undefined) {
        v.ss = recv.ss.map((s) => s.split(from).join(to));
        if (recv.f & F_LIT) v.f |= F_BUILT;
      } else if (recv.ss) {
        delete v.ss;
        v.f |= F_UNK;
      }
      return v;
    }
    case "strip":
    case "lstrip":
    case "rstrip":
    case "lower":
    case "upper":
    case "casefold":
    case "title":
    case "capitalize":
    case "swapcase": {
      const v = dataOf(recv, true);
      if (recv.rd) v.rd = recv.rd;
      if (recv.ss && a.pos.length === 0) {
        const fns: Record<string, (s: string) => string> = {
          strip: (s) => s.trim(),
          lstrip: (s) => s.trimStart(),
          rstrip: (s) => s.trimEnd(),
          lower: (s) => s.toLowerCase(),
          upper: (s) => s.toUpperCase(),
          casefold: (s) => s.toLowerCase(),
        };
        const fn = fns[method];
        v.ss = fn ? recv.ss.map(fn) : recv.ss;
      } else if (a.pos.length) delete v.ss;
      return v;
    }
    case "decrypt": {
      // Fernet(key).decrypt(token), AES….decrypt(data): de-obfuscation when the token is a literal.
      const x = a.pos[0] ? evalNode(ctx, a.pos[0], scope) : UNKNOWN;
      const v = dataOf(x);
      if (x.f & (F_LIT | F_DEC | F_NET) && !(x.f & F_FILE)) {
        v.f |= F_DEC;
        v.dec = x.dec ?? { what: `${display(textOf(ctx, fieldOf(call, "function")!).slice(0, 50))}()`, line };
      }
      return v;
    }
    case "fileno":
    case "makefile":
    case "dup":
      return {
        f: recv.f & (F_SOCK | F_NET),
        ...(recv.sock ? { sock: recv.sock } : {}),
        ...(recv.net ? { net: recv.net } : {}),
      };
    case "accept": {
      const conn: Val = {
        f: recv.f & F_SOCK,
        q: "socket.socket#",
        ...(recv.sock ? { sock: recv.sock } : {}),
      };
      return { f: recv.f & F_SOCK, items: [conn, UNKNOWN] };
    }
    case "read":
    case "readlines":
    case "readline":
    case "read_text":
    case "read_bytes":
    case "content":
    case "json":
    case "text":
    case "getvalue":
    case "iter_content":
    case "iter_lines": {
      const v = dataOf(recv);
      if (recv.q === "file#" || recv.q === "pathlib.Path#") {
        v.f |= F_FILE | F_UNK;
        v.rd = recv.path ?? recv;
      }
      if (recv.rd) v.rd = recv.rd;
      return v;
    }
  }
  const v = dataOf(recv);
  // Method calls on request data keep being request data; on objects, they return unknown data.
  if (recv.q?.endsWith("#") && !(recv.f & (F_NET | F_SOCK | F_SECRET | F_REQ))) return UNKNOWN;
  if (recv.rd) v.rd = recv.rd;
  return v;
}

/** `"".join(chr(c) for c in [...])`, `"".join([chr(x ^ k) for x in data])`, `"".join(map(chr, …))`. */
function foldJoin(ctx: Ctx, it: PyNode, scope: Scope, sep: string): Val | undefined {
  if (it.type !== "generator_expression" && it.type !== "list_comprehension") return undefined;
  const body = fieldOf(it, "body");
  const clauses = it.children.filter((k) => k.type === "for_in_clause");
  if (!body || clauses.length !== 1 || it.children.some((k) => k.type === "if_clause")) return undefined;
  const clause = clauses[0]!;
  const left = fieldOf(clause, "left");
  const right = fieldOf(clause, "right");
  if (left?.type !== "identifier" || !right) return undefined;
  const src = evalNode(ctx, right, scope);
  const bodyText = textOf(ctx, body);
  const usesChr = /\bchr\s*\(/.test(bodyText);
  const v: Val = dataOf(src);
  v.f |= F_UNK;
  if (usesChr && src.f & (F_LIT | F_DEC)) {
    v.f |= F_DEC;
    v.dec ??= { what: "a chr() join", line: lineOf(it) };
  }
  let elems: (number | string)[] | undefined;
  const s = constStr(src);
  if (src.items?.every((x) => x.n !== undefined || constStr(x) !== undefined))
    elems = src.items.map((x) => x.n ?? constStr(x)!);
  else if (s !== undefined) elems = [...s];
  else if (src.q === "<range>") elems = undefined;
  if (!elems || elems.length > 100_000) return v;
  const name = textOf(ctx, left);
  const parts: string[] = [];
  for (const e of elems) {
    const r = constEval(ctx, body, scope, name, e, 0);
    if (r === undefined) return v;
    parts.push(typeof r === "number" ? String(r) : r);
  }
  v.ss = [parts.join(sep)];
  v.f &= ~F_UNK;
  v.f |= F_LIT | F_BUILT;
  return v;
}

/** A tiny evaluator for comprehension bodies over constants. */
function constEval(
  ctx: Ctx,
  n: PyNode,
  scope: Scope,
  name: string,
  value: number | string,
  depth: number,
): number | string | undefined {
  if (depth > 20) return undefined;
  switch (n.type) {
    case "identifier": {
      const t = textOf(ctx, n);
      if (t === name) return value;
      const v = evalNode(ctx, n, scope);
      return v.n ?? constStr(v);
    }
    case "integer":
    case "string":
    case "concatenated_string": {
      const v = evalNode(ctx, n, scope);
      return v.n ?? constStr(v);
    }
    case "parenthesized_expression": {
      const inner = n.children.find((k) => k.named);
      return inner ? constEval(ctx, inner, scope, name, value, depth + 1) : undefined;
    }
    case "binary_operator": {
      const l = fieldOf(n, "left");
      const r = fieldOf(n, "right");
      const op = fieldOf(n, "operator");
      if (!l || !r || !op) return undefined;
      const x = constEval(ctx, l, scope, name, value, depth + 1);
      const y = constEval(ctx, r, scope, name, value, depth + 1);
      if (x === undefined || y === undefined) return undefined;
      if (typeof x === "string" || typeof y === "string")
        return textOf(ctx, op) === "+" ? String(x) + String(y) : undefined;
      return combine({ f: F_LIT, n: x }, textOf(ctx, op), { f: F_LIT, n: y }).n;
    }
    case "call": {
      const fn = fieldOf(n, "function");
      const args = fieldOf(n, "arguments")?.children.filter((k) => k.named) ?? [];
      if (fn?.type !== "identifier" || !args[0]) return undefined;
      const f = textOf(ctx, fn);
      const x = constEval(ctx, args[0], scope, name, value, depth + 1);
      if (x === undefined) return undefined;
      if (f === "chr" && typeof x === "number" && x >= 0 && x <= 0x10ffff) return String.fromCodePoint(x);
      if (f === "ord" && typeof x === "string" && x.length >= 1) return x.codePointAt(0);
      if (f === "int") {
        const base = args[1] ? constEval(ctx, args[1], scope, name, value, depth + 1) : 10;
        const r = typeof x === "number" ? x : Number.parseInt(x, typeof base === "number" ? base : 10);
        return Number.isFinite(r) ? r : undefined;
      }
      if (f === "str") return String(x);
      return undefined;
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Rules

/** Pass 1: files written with downloaded data (`open(p, "wb").write(r.content)`, `urlretrieve(url, p)`, …). */
function trackDownloads(ctx: Ctx, call: PyNode, scope: Scope): void {
  const fnText = fieldOf(call, "function");
  if (!fnText) return;
  const t = textOf(ctx, fnText);
  if (
    !/(?:write|write_bytes|write_text|urlretrieve|copyfileobj|download|Popen|run|call|check_call|check_output|system)$/.test(
      t,
    )
  )
    return;
  const { q, recv, method } = calleeOf(ctx, call, scope);
  const a = argsOf(ctx, call);
  const mark = (path: Val | undefined, origin: Origin | undefined) => {
    if (!path || !origin || Object.isFrozen(path)) return;
    ctx.dlVals.add(path);
    ctx.dlOrigin.set(path, origin);
    const s = constStr(path);
    if (s && s.length > 1) ctx.dlPaths.set(s, origin);
  };
  if (q === "urllib.request.urlretrieve" || q === "wget.download") {
    const out = arg(ctx, a, 1, q === "wget.download" ? "out" : "filename", scope);
    const origin = { what: displayQ(q), line: lineOf(call) };
    if (out) mark(out, origin);
    // The call's own result names the file too.
    const r = evalNode(ctx, call, scope);
    if (r.items?.[0]) mark(r.items[0], origin);
    if (q === "wget.download") mark(r, origin);
    return;
  }
  if (q === "shutil.copyfileobj") {
    const src = arg(ctx, a, 0, "fsrc", scope);
    const dst = arg(ctx, a, 1, "fdst", scope);
    if (src && src.f & F_NET && dst?.path) mark(dst.path, src.net);
    return;
  }
  if ((method === "write" || method === "write_bytes" || method === "write_text") && recv) {
    const data = arg(ctx, a, 0, "data", scope);
    if (data && data.f & F_NET && !data.net?.socket) {
      const path = recv.q === "file#" ? recv.path : recv.q === "pathlib.Path#" ? recv : undefined;
      mark(path, data.net);
    }
    return;
  }
  // curl -o FILE URL / wget -O FILE URL
  if (q && PROC.get(q) === "sub") {
    const cmd = arg(ctx, a, 0, "args", scope);
    const items = cmd?.items;
    const prog = items?.[0] ? constStr(items[0]) : undefined;
    if (items && prog && /(?:^|\/)(?:curl|wget)(?:\.exe)?$/.test(prog)) {
      for (let i = 1; i < items.length - 1; i++) {
        const flag = constStr(items[i]!);
        if (flag && /^(?:-o|-O|--output|--output-document)$/.test(flag))
          mark(items[i + 1], { what: prog, line: lineOf(call) });
      }
    }
  }
}

function downloadedBy(ctx: Ctx, v: Val | undefined, depth = 0): Origin | undefined {
  if (!v || depth > 4) return undefined;
  if (ctx.dlVals.has(v)) return ctx.dlOrigin.get(v);
  for (const s of v.ss ?? []) {
    if (s.includes(HOLE)) continue;
    const o = ctx.dlPaths.get(s);
    if (o) return o;
    // A command line that names the downloaded file ("chmod +x /tmp/x && /tmp/x").
    for (const [p, origin] of ctx.dlPaths)
      if (p.length >= 5 && /[/\\.]/.test(p) && s.includes(p)) return origin;
  }
  return (
    downloadedBy(ctx, v.rd, depth + 1) ??
    downloadedBy(ctx, v.path !== v ? v.path : undefined, depth + 1) ??
    v.items?.map((x) => downloadedBy(ctx, x, depth + 1)).find(Boolean)
  );
}

function checkGate(ctx: Ctx, cmp: PyNode, scope: Scope): void {
  const ops = cmp.children
    .filter((k) => k.field === "operators")
    .map((k) => textOf(ctx, k).replace(/\s+/g, " "));
  if (
    !ops.some((o) => o === "==" || o === "!=" || o === "in" || o === "not in" || o === "is" || o === "is not")
  )
    return;
  const operands = cmp.children.filter((k) => k.named && k.field !== "operators");
  if (operands.length !== 2) return;
  const [l, r] = operands as [PyNode, PyNode];
  const lv = evalNode(ctx, l, scope);
  const rv = evalNode(ctx, r, scope);
  if (isGate(ctx, l, lv, rv) || isGate(ctx, r, rv, lv)) {
    handlerOf(scope).gates.push({ line: lineOf(cmp), text: shorten(textOf(ctx, cmp), 80) });
  }
}

function isGate(ctx: Ctx, reqNode: PyNode, req: Val, lit: Val): boolean {
  if (!(req.f & F_REQ) || NOT_A_GATE.test(textOf(ctx, reqNode))) return false;
  const fixed = (v: Val) => {
    const s = constStr(v);
    return (s !== undefined && s.length > 0) || (v.n !== undefined && v.f === F_LIT);
  };
  if (fixed(lit)) return true;
  return !!lit.items?.length && lit.items.every(fixed);
}

/** The function whose gates and sinks belong together: the enclosing non-lambda function. */
function handlerOf(scope: Scope): Scope {
  let s: Scope = scope;
  while (s.kind === "lambda" && s.parent) s = s.parent;
  return s;
}

interface Command {
  /** The command line as one string (argv joined by spaces), with holes. */
  ss: string[];
  /** Values in command position: the shell string, argv[0], the code of `-c`, stdin of an interpreter. */
  head: Val[];
  all: Val[];
  argv?: Val[];
}

function commandOf(ctx: Ctx, kind: ProcKind, a: Args, scope: Scope): Command {
  const vals: Val[] = [];
  let argv: Val[] | undefined;
  let shellString: Val | undefined;
  const take = (v: Val | undefined) => {
    if (!v) return;
    if (v.items) argv = (argv ?? []).concat(v.items);
    else if (argv) argv.push(v);
    else shellString = v;
  };
  switch (kind) {
    case "sub":
    case "shell":
    case "pty":
    case "file":
      take(arg(ctx, a, 0, kind === "sub" ? "args" : kind === "shell" ? "cmd" : undefined, scope));
      break;
    case "execl":
      argv = a.pos.map((n) => evalNode(ctx, n, scope)).slice(1);
      if (!argv.length && a.pos[0]) argv = [evalNode(ctx, a.pos[0], scope)];
      break;
    case "execv":
    case "posix_spawn":
      argv = arg(ctx, a, 1, "argv", scope)?.items ?? [arg(ctx, a, 0, "path", scope) ?? UNKNOWN];
      break;
    case "spawnl":
      argv = a.pos.slice(2).map((n) => evalNode(ctx, n, scope));
      break;
    case "spawnv":
      argv = arg(ctx, a, 2, "args", scope)?.items ?? [arg(ctx, a, 1, "file", scope) ?? UNKNOWN];
      break;
  }
  const head: Val[] = [];
  let ss: string[] = [];
  if (shellString) {
    head.push(shellString);
    vals.push(shellString);
    ss = shellString.ss ?? [HOLE];
  } else if (argv) {
    vals.push(...argv);
    ss = [argv.map((x) => x.ss?.[0] ?? HOLE).join(" ")];
    if (argv[0]) head.push(argv[0]);
    const prog = argv[0] ? constStr(argv[0]) : undefined;
    if (
      prog &&
      /(?:^|[/\\])(?:(?:ba|z|da|k)?sh|cmd|powershell|pwsh|python[\d.]*|perl|ruby|node)(?:\.exe)?$/i.test(prog)
    ) {
      for (let i = 1; i < argv.length - 1; i++) {
        const flag = constStr(argv[i]!);
        if (flag && /^(?:-c|-e|\/c|\/k|-Command|-command|-EncodedCommand)$/.test(flag))
          head.push(argv[i + 1]!);
      }
      const input = a.kw.get("input");
      if (input) head.push(evalNode(ctx, input, scope));
    }
  }
  return { ss, head, all: vals, ...(argv ? { argv } : {}) };
}

function checkCall(ctx: Ctx, call: PyNode, scope: Scope): void {
  const { q, recv, method } = calleeOf(ctx, call, scope);
  // Evaluating the call reports hidden imports and records secret reads.
  evalNode(ctx, call, scope);
  const a = argsOf(ctx, call);
  const line = lineOf(call);
  const callee = fieldOf(call, "function");
  const calleeText = callee ? display(textOf(ctx, callee).slice(0, 60)) : "call";
  const installTime = isInstallTime(ctx, call, scope);

  if (q && CODE_SINKS.has(q)) {
    const code = a.pos[0] ? evalNode(ctx, a.pos[0], scope) : UNKNOWN;
    checkCodeSink(ctx, call, code, `${calleeText}()`, installTime);
  }
  if (q && (q === "pickle.loads" || q === "pickle.load" || q === "dill.loads")) {
    const x = a.pos[0] ? evalNode(ctx, a.pos[0], scope) : UNKNOWN;
    if (x.f & F_DEC && x.f & F_LIT && !(x.f & (F_UNK | F_FILE)))
      report(
        ctx,
        "exec-obfuscated",
        call,
        `${calleeText}() unpickles a literal decoded by ${x.dec?.what ?? "a decoder"} (line ${x.dec?.line ?? line}): unpickling runs code`,
      );
  }
  const pk = q ? PROC.get(q) : undefined;
  if (pk) checkProcess(ctx, call, scope, pk, a, calleeText, installTime);
  if (q && FILE_RUNNERS.has(q)) {
    const p = arg(ctx, a, FILE_RUNNERS.get(q)!, undefined, scope);
    const dl = downloadedBy(ctx, p);
    if (dl)
      report(
        ctx,
        "download-exec",
        call,
        `${calleeText}() loads a file written with data downloaded by ${dl.what} (line ${dl.line})`,
      );
    if (installTime && /^ctypes\./.test(q))
      installFinding(ctx, call, "medium", `loads a native library at install time: ${calleeText}()`);
  }
  if (q && SHELLCODE.test(q)) {
    for (const x of allArgVals(ctx, a, scope)) {
      if (x.f & F_DEC) {
        report(
          ctx,
          "exec-obfuscated",
          call,
          `${calleeText}() moves data decoded by ${x.dec?.what ?? "a decoder"} (line ${x.dec?.line ?? line}) into executable memory`,
        );
        break;
      }
      if (x.f & F_NET) {
        report(
          ctx,
          "download-exec",
          call,
          `${calleeText}() moves data downloaded by ${x.net?.what} (line ${x.net?.line}) into executable memory`,
        );
        break;
      }
    }
  }
  if (q === "os.dup2") {
    const x = a.pos[0] ? evalNode(ctx, a.pos[0], scope) : UNKNOWN;
    if (x.f & F_SOCK && !ctx.dup2.has(handlerOf(scope)))
      ctx.dup2.set(handlerOf(scope), { what: textOf(ctx, call), line });
  }
  if (isNetCall(q)) checkNetCall(ctx, call, scope, q!, a, calleeText, installTime);
  if (q === "winreg.SetValueEx" || q === "winreg.SetValue") {
    const key = arg(ctx, a, 0, "key", scope) ?? UNKNOWN;
    const kind = key.ss?.map((s) => persistencePathKind(forClassifier(s))).find(Boolean);
    if (kind)
      report(
        ctx,
        "persistence",
        call,
        `${calleeText}() writes a value under the ${kind} (${display(key.ss![0]!)})`,
      );
  }
  checkFileWrite(ctx, call, scope, q, recv, a, calleeText, installTime);
  if (method === "write" && recv?.q === "subprocess.Popen#.stdin") {
    const x = a.pos[0] ? evalNode(ctx, a.pos[0], scope) : UNKNOWN;
    if (x.f & F_NET && x.net?.socket)
      report(
        ctx,
        "reverse-shell",
        call,
        `data received on a socket (line ${x.net.line}) is written to a process's stdin`,
      );
  }
  checkRequestSink(ctx, call, scope, q, recv, method, a, calleeText);
  if (
    installTime &&
    q &&
    /^(?:shutil\.rmtree|os\.(?:remove|unlink|rmdir|removedirs|chmod|chown|rename|replace|symlink))$/.test(q)
  ) {
    const p = arg(
      ctx,
      a,
      q === "os.rename" || q === "os.replace" || q === "os.symlink" ? 1 : 0,
      undefined,
      scope,
    );
    const where = outsideBuild(p);
    if (where)
      installFinding(
        ctx,
        call,
        "medium",
        `changes files outside the build at install time: ${calleeText}() on ${where}`,
      );
  }
}

function checkCodeSink(ctx: Ctx, call: PyNode, code: Val, what: string, installTime: boolean): void {
  const line = lineOf(call);
  if (code.f & F_DEC) {
    report(
      ctx,
      "exec-obfuscated",
      call,
      `${what} runs data decoded by ${code.dec?.what ?? "a decoder"} (line ${code.dec?.line ?? line})`,
    );
    if (installTime) installFinding(ctx, call, "high", `runs decoded code at install time: ${what}`);
  }
  if (code.f & F_NET) {
    if (code.net?.socket)
      report(ctx, "reverse-shell", call, `${what} runs code received on a socket (line ${code.net.line})`);
    else
      report(
        ctx,
        "download-exec",
        call,
        `${what} runs data downloaded by ${code.net?.what} (line ${code.net?.line})`,
      );
    if (installTime) installFinding(ctx, call, "high", `runs downloaded code at install time: ${what}`);
  } else {
    const dl = downloadedBy(ctx, code);
    if (dl)
      report(
        ctx,
        "download-exec",
        call,
        `${what} runs a file written with data downloaded by ${dl.what} (line ${dl.line})`,
      );
  }
  const builtOnly = code.f & F_BUILT && !(code.f & (F_UNK | F_DEC | F_NET)) && isConst(code);
  // eval("bsr" + "_matrix") only looks a name up: hidden-import judges names.
  const nameOnly = builtOnly && code.ss!.every((c) => /^\s*[A-Za-z_][\w.]*\s*$/.test(c));
  if (nameOnly) {
    const bad = code.ss!.find((c) => isDangerousName(c.trim()));
    if (bad && !ctx.hiddenReported.has(call.start)) {
      ctx.hiddenReported.add(call.start);
      report(ctx, "hidden-import", call, `${what} looks up ${bad.trim()} by a name assembled from pieces`);
    }
  } else if (builtOnly) {
    report(
      ctx,
      "exec-built-string",
      call,
      `${what} runs a string assembled from literal pieces: ${display(code.ss![0]!)}`,
    );
    if (installTime) installFinding(ctx, call, "high", `runs a built code string at install time: ${what}`);
  }
  // The code itself, when known: analyse it as Python.
  if (isConst(code)) analyseNested(ctx, call, latin1ToText(code.ss![0]!), what);
}

function analyseNested(ctx: Ctx, at: PyNode, code: string, what: string): void {
  if (ctx.depth >= 3 || code.length < 8 || code.length > 500_000) return;
  let inner: RawFinding[];
  try {
    inner = analyseSource(code, ctx.depth + 1, false);
  } catch {
    return;
  }
  const lines = code.split("\n");
  for (const f of inner) {
    const codeLine = lines[f.line - 1] ?? "";
    const out: RawFinding = {
      rule: f.rule,
      line: lineOf(at),
      column: at.col + 1,
      why: `${f.why} (in the code ${what} at line ${lineOf(at)} runs, its line ${f.line})`,
    };
    if (f.severity) out.severity = f.severity;
    out.snippet = f.snippet ?? shorten(codeLine, 200);
    ctx.findings.push(out);
  }
}

function checkProcess(
  ctx: Ctx,
  call: PyNode,
  scope: Scope,
  kind: ProcKind,
  a: Args,
  calleeText: string,
  installTime: boolean,
): void {
  const line = lineOf(call);
  const cmd = commandOf(ctx, kind, a, scope);
  const what = `${calleeText}()`;
  ctx.spawns.push({ scope: handlerOf(scope), node: call, what });
  const shown = display(cmd.ss[0] ?? "");
  let severe = false;
  for (const h of cmd.head) {
    if (h.f & F_DEC) {
      report(
        ctx,
        "exec-obfuscated",
        call,
        `${what} runs a command decoded by ${h.dec?.what ?? "a decoder"} (line ${h.dec?.line ?? line})`,
      );
      severe = true;
      break;
    }
  }
  for (const h of cmd.head) {
    if (h.f & F_NET) {
      if (h.net?.socket)
        report(ctx, "reverse-shell", call, `${what} runs commands received on a socket (line ${h.net.line})`);
      else
        report(
          ctx,
          "download-exec",
          call,
          `${what} runs data downloaded by ${h.net?.what} (line ${h.net?.line})`,
        );
      severe = true;
      break;
    }
  }
  for (const x of cmd.all) {
    const dl = downloadedBy(ctx, x);
    if (dl) {
      report(
        ctx,
        "download-exec",
        call,
        `${what} runs a file written with data downloaded by ${dl.what} (line ${dl.line})`,
      );
      severe = true;
      break;
    }
  }
  // The command line, and what is fed to the process's stdin (`crontab -` with a download-and-run line).
  const input = a.kw.get("input");
  const texts = [...cmd.ss, ...(input ? (evalNode(ctx, input, scope).ss ?? []) : [])];
  for (const s0 of texts.slice(0, MAX_CANDIDATES)) {
    const s = forClassifier(s0);
    const dl = downloadAndRunCommand(s);
    if (dl) {
      report(
        ctx,
        "download-exec",
        call,
        `${what} runs a shell command that downloads and runs code: ${shorten(dl)}`,
      );
      severe = true;
    }
    const rs = reverseShellCommand(s);
    if (rs) {
      report(ctx, "reverse-shell", call, `${what} runs a reverse shell: ${shorten(rs)}`);
      severe = true;
    }
    const enc = encodedCommand(s);
    if (enc) {
      report(ctx, "encoded-command", call, `${what} runs an encoded or hidden command: ${shorten(enc)}`);
      severe = true;
    }
    const pk = persistenceCommandKind(s) ?? shellWriteTargets(s).map(persistencePathKind).find(Boolean);
    if (pk) {
      report(ctx, "persistence", call, `${what} installs a ${pk} entry: ${shorten(s)}`);
      severe = true;
    }
    const ep = exfilEndpoint(s);
    if (ep && /\b(?:curl|wget|nc|ncat|scp|ftp|iwr|invoke-webrequest|invoke-restmethod)\b/i.test(s)) {
      report(ctx, "exfil-endpoint", call, `${what} sends to ${ep.kind} ${ep.match}`, "high");
      ctx.endpointSent.add(ep.match);
    }
    const secret = secretPathKind(s) ?? secretInCommand(s);
    if (secret) {
      const sending = /\b(?:curl|wget|nc|ncat|scp|ftp|iwr|invoke-webrequest|invoke-restmethod)\b/i.test(s);
      if (sending) report(ctx, "secret-exfil", call, `${what} sends ${secret} secrets: ${shorten(s)}`);
      else if (secret === "browser" || secret === "discord" || secret === "wallet" || secret === "keychain")
        ctx.secretReads.push({ kind: secret, path: shorten(s), node: call });
    }
    // `python -c CODE`: analyse the code.
    const m = /\bpython[\d.]*(?:\.exe)?\s+-c\s+(['"])([\s\S]*)\1\s*$/.exec(s0);
    if (m && !s0.includes(HOLE)) analyseNested(ctx, call, m[2]!, what);
  }
  if (cmd.argv) {
    const prog = cmd.argv[0] ? constStr(cmd.argv[0]) : undefined;
    const ci =
      prog && /python[\d.]*(?:\.exe)?$/.test(prog) ? cmd.argv.findIndex((x) => constStr(x) === "-c") : -1;
    if (ci > 0 && cmd.argv[ci + 1] && isConst(cmd.argv[ci + 1]!))
      analyseNested(ctx, call, constStr(cmd.argv[ci + 1]!)!, what);
  }
  // Reverse shell: the process's stdio is a socket.
  for (const k of ["stdin", "stdout", "stderr"]) {
    const n = a.kw.get(k);
    if (!n) continue;
    const v = evalNode(ctx, n, scope);
    if (v.f & F_SOCK) {
      report(
        ctx,
        "reverse-shell",
        call,
        `${what} starts ${shown || "a process"} with its ${k} connected to a socket`,
      );
      severe = true;
      break;
    }
  }
  // env-exfil through a sending command line (curl -d "$(env)" is a string; this is the argv form).
  if (cmd.all.some((x) => x.f & F_ENV) && /\b(?:curl|wget|nc|ncat)\b/.test(cmd.ss[0] ?? ""))
    report(
      ctx,
      "env-exfil",
      call,
      `${what} sends the whole environment with ${shorten(cmd.ss[0] ?? "", 40)}`,
    );
  if (installTime) {
    installFinding(
      ctx,
      call,
      severe ? "high" : "medium",
      `runs a process at install time: ${what}${shown ? ` ${shown}` : ""}`,
    );
  }
}

/** Files a shell command line writes: redirection targets, `tee` arguments, the destination of cp/mv/copy. */
function shellWriteTargets(s: string): string[] {
  const out: string[] = [];
  const unquote = (t: string) => t.replace(/^['"]|['"]$/g, "");
  for (const m of s.matchAll(/(?:^|[^<>&\d])>>?\s*([^\s;&|]+)/g)) out.push(unquote(m[1]!));
  for (const m of s.matchAll(/\btee\s+(?:-a\s+)?([^\s;&|]+)/g)) out.push(unquote(m[1]!));
  for (const m of s.matchAll(/\b(?:cp|mv|copy|move|install)\b[^;&|\n]*\s(\S+)\s*(?:$|[;&|])/gi))
    out.push(unquote(m[1]!));
  return out;
}

function secretInCommand(s: string): SecretKind | undefined {
  for (const tok of s.split(/\s+/)) {
    const k = secretPathKind(tok.replace(/^['"]|['"]$/g, ""));
    if (k) return k;
  }
  return undefined;
}

/** False for webhook/bot URLs whose ids or tokens are not literal. */
function ownEndpoint(kind: string, raw: string): boolean {
  switch (kind) {
    case "discord-webhook":
      return /\/api\/webhooks\/\d{6,}\/[\w-]{10,}/.test(raw);
    case "telegram-bot":
      return /api\.telegram\.org\/bot\d{5,}:[\w-]{10,}/.test(raw);
    case "slack-webhook":
      return /hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Z0-9]{6,}\/[\w/]{6,}/.test(raw);
    default:
      return true;
  }
}

function checkNetCall(
  ctx: Ctx,
  call: PyNode,
  scope: Scope,
  q: string,
  a: Args,
  calleeText: string,
  installTime: boolean,
): void {
  const line = lineOf(call);
  ctx.netCalls.push(line);
  const what = `${calleeText}()`;
  const vals = allArgVals(ctx, a, scope);
  let endpoint: { kind: string; match: string; raw: string } | undefined;
  const strings = vals.flatMap((v) => [
    ...(v.ss ?? []),
    ...[...(v.dict?.values() ?? [])].flatMap((d) => d.ss ?? []),
  ]);
  for (const raw of strings) {
    const ep = exfilEndpoint(forClassifier(raw));
    if (ep) {
      endpoint = { ...ep, raw };
      break;
    }
  }
  if (endpoint) {
    // A webhook or bot URL whose credentials are written out is the author's own endpoint; one built from a
    // parameter is an integration a user configures (tqdm's Telegram progress bar).
    const own = ownEndpoint(endpoint.kind, endpoint.raw);
    report(
      ctx,
      "exfil-endpoint",
      call,
      own
        ? `${what} contacts ${endpoint.kind} ${endpoint.match}`
        : `${what} contacts ${endpoint.kind} ${endpoint.match} (credentials supplied at run time)`,
      own ? "high" : "medium",
    );
    ctx.endpointSent.add(endpoint.match);
  }
  // What is sent: secrets, the environment.
  const sendVals = q.startsWith("socket.socket#.recv") ? [] : vals;
  for (const v of sendVals) {
    if (v.f & F_SECRET && v.secret) {
      ctx.secretSent.add(v.secret.line);
      report(
        ctx,
        "secret-exfil",
        call,
        `${what} sends ${v.secret.kind} secrets read at line ${v.secret.line} (${v.secret.path})`,
      );
      break;
    }
  }
  for (const v of sendVals) {
    if (v.f & F_ENV) {
      report(
        ctx,
        "env-exfil",
        call,
        `${what} sends the whole environment (${display(v.env?.what ?? "os.environ")}, line ${v.env?.line ?? line})`,
      );
      break;
    }
  }
  if (installTime) installFinding(ctx, call, "high", `contacts the network at install time: ${what}`);
}

/** The path a call writes to, and how: open(p, "w"), Path.write_*, shutil.copy/move targets, os.rename targets. */
function checkFileWrite(
  ctx: Ctx,
  call: PyNode,
  scope: Scope,
  q: string | undefined,
  recv: Val | undefined,
  a: Args,
  calleeText: string,
  installTime: boolean,
): void {
  let target: Val | undefined;
  if (q === "builtins.open") {
    const mode = constStr(arg(ctx, a, 1, "mode", scope) ?? strVal("r")) ?? "";
    if (/[wax+]/.test(mode)) target = arg(ctx, a, 0, "file", scope);
  } else if (q === "pathlib.Path#.open") {
    const mode = constStr(arg(ctx, a, 0, "mode", scope) ?? strVal("r")) ?? "";
    if (/[wax+]/.test(mode)) target = recv;
  } else if (
    q === "pathlib.Path#.write_text" ||
    q === "pathlib.Path#.write_bytes" ||
    q === "pathlib.Path#.touch" ||
    q === "pathlib.Path#.symlink_to"
  ) {
    target = recv;
  } else if (
    q &&
    /^(?:shutil\.(?:copy|copy2|copyfile|copytree|move)|os\.(?:rename|replace|symlink|link))$/.test(q)
  ) {
    target = arg(ctx, a, 1, "dst", scope);
  }
  if (!target) return;
  const kinds = (target.ss ?? []).map((s) => persistencePathKind(forClassifier(s))).filter(Boolean);
  if (kinds.length)
    report(
      ctx,
      "persistence",
      call,
      `${calleeText}() writes to a ${kinds[0]} location (${display(target.ss![0]!)})`,
    );
  if (installTime) {
    const where = outsideBuild(target);
    if (where)
      installFinding(
        ctx,
        call,
        "medium",
        `writes outside the build at install time: ${calleeText}() to ${where}`,
      );
  }
}

function outsideBuild(p: Val | undefined): string | undefined {
  for (const s of p?.ss ?? []) {
    if (s.startsWith(HOLE)) continue;
    if (/^(?:~|%[A-Z]+%|<site-packages>|<prefix>|\/(?!tmp\b|var\/tmp\b)|[A-Za-z]:[\\/]|\\\\)/.test(s))
      return display(s);
  }
  return undefined;
}

function checkRequestSink(
  ctx: Ctx,
  call: PyNode,
  scope: Scope,
  q: string | undefined,
  recv: Val | undefined,
  method: string | undefined,
  a: Args,
  calleeText: string,
): void {
  let kind: string | undefined;
  let data: Val | undefined;
  if (q && CODE_SINKS.has(q)) {
    kind = "code";
    data = a.pos[0] ? evalNode(ctx, a.pos[0], scope) : undefined;
  } else if (q && PROC.has(q)) {
    // The command itself, not an argument handed to a fixed program.
    kind = "a shell command";
    const cmd = commandOf(ctx, PROC.get(q)!, a, scope);
    data = cmd.head.find((x) => x.f & F_REQ);
  } else if (
    q === "sqlalchemy.text" ||
    q === "sqlalchemy.sql.text" ||
    q === "sqlalchemy.sql.expression.text"
  ) {
    kind = "SQL";
    data = a.pos[0] ? evalNode(ctx, a.pos[0], scope) : undefined;
  } else if (method && /^(?:execute|executescript|executemany|raw|exec_driver_sql)$/.test(method) && recv) {
    const recvNode = fieldOf(fieldOf(call, "function")!, "object");
    const rt = recvNode ? textOf(ctx, recvNode).replace(/\s+/g, "") : "";
    if (SQL_RECEIVER.test(rt) || /^(?:sqlite3\.Connection#|sqlalchemy)/.test(recv.q ?? "")) {
      kind = "SQL";
      data = a.pos[0] ? evalNode(ctx, a.pos[0], scope) : undefined;
    }
  }
  if (!kind || !data || !(data.f & F_REQ)) return;
  const h = handlerOf(scope);
  const src = data.req ? `${display(data.req.what)}` : "the request";
  const gate = h.gates[0];
  if (gate)
    report(
      ctx,
      "backdoor-route",
      call,
      `a handler gated on a fixed value (${gate.text}, line ${gate.line}) runs ${kind} from ${src} with ${calleeText}()`,
    );
  else report(ctx, "request-exec", call, `a web handler runs ${kind} taken from ${src} with ${calleeText}()`);
}

// ---------------------------------------------------------------------------------------------------------------
// setup.py

function computeInstallTime(ctx: Ctx): void {
  const region = new Set<Scope>([ctx.module]);
  // setup(...)'s own arguments are declarations, not install-time work.
  for (const call of ctx.module.calls) {
    const fn = fieldOf(call, "function");
    const t = fn ? textOf(ctx, fn) : "";
    if (/^(?:setuptools\.|distutils\.core\.)?setup$/.test(t)) {
      const args = fieldOf(call, "arguments");
      if (args) ctx.setupArgRanges.push([args.start, args.end]);
    }
  }
  const cmdNames = new Set<string>();
  for (const m of ctx.src.matchAll(/cmdclass\s*(?:=|\[[^\]]*\]\s*=)\s*(\{[^}]*\}|\w+)/g)) {
    const body = m[1]!;
    if (body.startsWith("{")) for (const v of body.matchAll(/:\s*([A-Za-z_]\w*)/g)) cmdNames.add(v[1]!);
    else cmdNames.add(body);
  }
  const work: Scope[] = [ctx.module];
  const add = (s: Scope) => {
    if (!region.has(s)) {
      region.add(s);
      work.push(s);
    }
  };
  for (const s of ctx.scopes) {
    if (s.kind !== "class") continue;
    const isCmd = cmdNames.has(s.name) || s.bases.some((b) => CMD_BASES.has(b.split(".").pop() ?? b));
    if (s.parent === ctx.module) add(s);
    if (isCmd) for (const m of s.children) add(m);
  }
  while (work.length) {
    const s = work.pop()!;
    for (const c of s.children) if (c.kind === "lambda") add(c);
    for (const call of s.calls) {
      if (inSetupArgs(ctx, call)) continue;
      const fn = fieldOf(call, "function");
      const targets: PyNode[] = fn ? [fn] : [];
      const args = fieldOf(call, "arguments");
      if (args)
        for (const k of args.children)
          if (k.type === "identifier" || k.type === "keyword_argument")
            targets.push(fieldOf(k, "value") ?? k);
      for (const t of targets) {
        if (t.type !== "identifier" && t.type !== "attribute") continue;
        const v = evalNode(ctx, t, s);
        if (v.def) add(v.def);
        else if (t.type === "attribute") {
          const attr = fieldOf(t, "attribute");
          const obj = fieldOf(t, "object");
          if (attr && obj && textOf(ctx, obj) === "self") {
            const cls = classOf(s);
            const b = cls?.bindings.get(textOf(ctx, attr))?.find((x) => x.kind === "def");
            if (b?.kind === "def") add(b.scope);
          }
        }
      }
    }
  }
  ctx.installTime = region;
}

function inSetupArgs(ctx: Ctx, n: PyNode): boolean {
  return ctx.setupArgRanges.some(([s, e]) => n.start >= s && n.end <= e);
}

function isInstallTime(ctx: Ctx, call: PyNode, scope: Scope): boolean {
  if (!ctx.installTime || ctx.depth > 0) return false;
  return ctx.installTime.has(scope) && !inSetupArgs(ctx, call);
}

function installFinding(ctx: Ctx, call: PyNode, severity: Severity, why: string): void {
  report(ctx, "setup-py-install-code", call, `setup.py ${why}`, severity);
}

// ---------------------------------------------------------------------------------------------------------------
// File-level rules

function finishFile(ctx: Ctx): void {
  // Reverse shell: a socket's descriptor duplicated onto stdio, and a process started in the same function.
  for (const [scope, origin] of ctx.dup2) {
    const spawn = ctx.spawns.find((s) => s.scope === scope);
    if (spawn)
      report(
        ctx,
        "reverse-shell",
        spawn.node,
        `a socket's descriptor is duplicated onto stdin/stdout (${shorten(origin.what, 40)}, line ${origin.line}) and ${spawn.what} starts a process`,
      );
  }
  // Exfiltration endpoints named in the code: medium, unless already reported where they are used.
  const seen = new Set<string>();
  for (const e of ctx.endpointStrings) {
    if (ctx.endpointSent.has(e.match) || seen.has(e.match)) continue;
    seen.add(e.match);
    report(ctx, "exfil-endpoint", e.node, `names ${e.kind} ${e.match}`);
  }
  // Secrets read: with an exfiltration endpoint or a network send in the same file, they are being stolen.
  const hasEndpoint = ctx.endpointStrings.length > 0 || ctx.endpointSent.size > 0;
  for (const r of ctx.secretReads) {
    const strong =
      r.kind === "browser" || r.kind === "discord" || r.kind === "wallet" || r.kind === "keychain";
    if (ctx.secretSent.has(lineOf(r.node))) continue;
    if (hasEndpoint) {
      report(
        ctx,
        "secret-exfil",
        r.node,
        `reads ${r.kind} secrets (${r.path}) in a file that names an exfiltration endpoint`,
      );
    } else if (strong && ctx.netCalls.length) {
      report(
        ctx,
        "secret-exfil",
        r.node,
        `reads ${r.kind} secrets (${r.path}) in a file that sends data over the network (line ${ctx.netCalls[0]})`,
        "high",
      );
    } else if (strong) {
      report(ctx, "secret-read", r.node, `reads ${r.kind} secrets (${r.path})`);
    }
  }
}
