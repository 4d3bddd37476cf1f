/**
 * The JavaScript/TypeScript analyser of package contents (issue 4): parses one file with acorn (acorn-loose when
 * it does not parse: TypeScript, JSX, broken code), then
 *
 * 1. walks the tree once, recording scopes and bindings (declarations, assignments, destructuring, imports,
 *    function parameters), every call, computed lookups on global objects, web-framework handlers with their
 *    fixed-value gates, and the string literals that are not messages;
 * 2. evaluates, on demand, only what the candidate sinks (eval/Function/vm, child_process, fs writes and reads,
 *    network sends, require/import, SQL in handlers) receive: an abstract value per expression with the API it
 *    names (`child_process.exec`), its string when it can be computed (constant folding, base64/hex/charcode
 *    decoding, reversal), and taint bits (decoded, fetched, socket data, whole environment, secret, request data,
 *    exfiltration endpoint), followed through local variables, destructuring, callbacks and local functions.
 *
 * Nothing of the analysed code is executed: decoding is done by our own pure functions on literal strings.
 *
 * Severities differ from a rule's default only here:
 * - download-exec, reverse-shell, encoded-command: `medium` for a command string that is neither a message nor
 *   seen reaching a process call (the default when it reaches child_process, eval'd code or a zx/execa `$`);
 * - exfil-endpoint: `high` when the endpoint is used in a network call or a command;
 * - env-exfil: `critical` when the destination is an exfiltration endpoint;
 * - secret-exfil: `high` when browser/Discord/wallet data is read in a file that sends, but no flow was traced.
 *
 * TypeScript and JSX do not parse with acorn: acorn-loose recovers them, after annotations that would cost a value
 * (`const x: T = …`, return types, `as T`) are blanked out; parameter annotations are left to its recovery.
 */
import * as acorn from "acorn";
import * as acornLoose from "acorn-loose";
import { InputError } from "../../errors.js";
import type { Severity } from "../severity.js";
import { type RuleId, ruleById } from "./rules.js";
import {
  downloadAndRunCommand,
  encodedCommand,
  exfilEndpoint,
  persistenceKind,
  reverseShellCommand,
  type SecretKind,
  secretPathKind,
} from "./strings.js";
import type { RawFinding, SourceFile } from "./types.js";

// ---------------------------------------------------------------------------------------------------------------
// Pre-filter

const SECRET_WORDS = String.raw`\.ssh\b|\.aws\b|\.azure\b|gcloud|\.kube\b|\.docker\b|npmrc|pypirc|netrc|git-credentials|Login Data|[/\\]Cookies\b|Web Data|Local State|User Data|Firefox[/\\]|cookies\.sqlite|logins\.json|key4\.db|leveldb|Local Storage|[Ww]allet|Exodus|Electrum|[Kk]eystore|Keychains|Coinomi|nkbihfbeogaeaoehlefnkodbefgpgknn`;
const PERSIST_WORDS = String.raw`Startup|CurrentVersion|crontab|\/cron|bashrc|bash_profile|zshrc|zprofile|\.profile\b|bash_login|LaunchAgents|LaunchDaemons|systemctl|\/systemd\/|schtasks|launchctl`;
const SHELL_WORDS = String.raw`\b(?:curl|wget|iwr|irm|ncat|netcat|socat|mkfifo|[Pp]ower[Ss]hell|pwsh|certutil|mshta|rundll32|IEX|iex)\b|Invoke-(?:WebRequest|RestMethod|Expression)|WebClient|\/dev\/(?:tcp|udp)\/|\bnc\s+-|\bbase64\s+-(?:d|-decode|D)\b`;
const ENDPOINT_WORDS = String.raw`discord(?:app)?\.com\/api\/webhooks|hooks\.slack\.com|api\.telegram\.org|pastebin\.com|paste\.ee|hastebin|ghostbin|rentry\.|dpaste\.|pastie\.io|controlc\.com|transfer\.sh|0x0\.st|termbin|bashupload|file\.io|anonfiles|gofile\.io|ngrok|trycloudflare|serveo\.net|loca\.lt|localtunnel\.me|localhost\.run|pagekite|lhr\.life|bore\.pub|webhook\.site|pipedream\.net|requestbin|oast\.|interact\.sh|burpcollaborator|oastify|dnslog\.cn|ceye\.io|canarytokens|beeceptor|requestcatcher|hookb\.in|:\/\/\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}`;

/**
 * A file whose text does not match can produce no finding of this analyser: every rule needs one of these
 * tokens (a code or process sink, a dynamic require/import or global lookup, a bulk `process.env`, a secret,
 * autostart, shell or endpoint word, an obfuscator name, a SQL call).
 */
export const JS_PREFILTER = new RegExp(
  [
    String.raw`\beval\b`,
    String.raw`\bFunction\s*\(|(?<![=!<>])=\s*Function\s*[;,)\n]`,
    String.raw`\brunIn(?:This|New)?Context\b|\bcompileFunction\b|\bSourceTextModule\b|\bScript\s*\(`,
    String.raw`\b_compile\b|\bmodule\s*\.\s*constructor\b|\bmainModule\b|\b_load\s*\(`,
    String.raw`child_process|\bexeca\b|cross-spawn|shelljs`,
    String.raw`(?<![\w$.])require\s*\(\s*(?!['"][^'"\n]*['"]\s*\))|=\s*require\s*[;,)\n]`,
    String.raw`(?<![\w$.])import\s*\(\s*(?!['"][^'"\n]*['"]\s*[),])`,
    String.raw`\b(?:global|globalThis|window|self|process)\s*\[`,
    String.raw`constructor['"]?\s*\]?\s*(?:\.|\[)\s*['"]?constructor`,
    String.raw`\bprocess\s*\.\s*(?:binding|_linkedBinding|dlopen)\b`,
    String.raw`\bprocess\s*\.\s*env\b(?!\s*(?:\.\s*[\w$]|\[))`,
    SECRET_WORDS,
    PERSIST_WORDS,
    SHELL_WORDS,
    ENDPOINT_WORDS,
    String.raw`\b_0x[0-9a-fA-F]{4,}|\bset(?:Timeout|Interval)\s*\(\s*(?:atob|unescape|Buffer|String\.fromCharCode|decodeURI)`,
    String.raw`\.(?:query|execute|unsafe|\$queryRawUnsafe|\$executeRawUnsafe)\s*\(|\.raw\s*\(\s*(?:req|ctx|request|\x60)`,
    String.raw`\bWorker\s*\(`,
  ].join("|"),
);

const SHELL_WORDS_RE = new RegExp(SHELL_WORDS);
const ENDPOINT_WORDS_RE = new RegExp(ENDPOINT_WORDS);
const SECRET_WORDS_RE = new RegExp(SECRET_WORDS);

// ---------------------------------------------------------------------------------------------------------------
// Parsing

type AnyNode = acorn.AnyNode;
type FnNode =
  | acorn.FunctionDeclaration
  | acorn.AnonymousFunctionDeclaration
  | acorn.FunctionExpression
  | acorn.ArrowFunctionExpression;
type CallNode = acorn.CallExpression | acorn.NewExpression;
type ArgNode = acorn.Expression | acorn.SpreadElement;
/** Where a finding is reported. */
type Sited = { start: number };

const PARSE_OPTIONS: acorn.Options = {
  ecmaVersion: "latest",
  allowHashBang: true,
  allowReturnOutsideFunction: true,
  allowAwaitOutsideFunction: true,
  allowImportExportEverywhere: true,
  allowSuperOutsideMethod: true,
  checkPrivateFields: false,
};

/** Module first, then script (sloppy-mode code: `with`, octal escapes), then acorn-loose, which never throws. */
function parseTolerant(text: string, typescript: boolean): acorn.Program {
  try {
    return acorn.parse(text, { ...PARSE_OPTIONS, sourceType: "module" });
  } catch (e) {
    if (e instanceof RangeError) throw e;
  }
  if (!typescript) {
    try {
      return acorn.parse(text, { ...PARSE_OPTIONS, sourceType: "script" });
    } catch (e) {
      if (e instanceof RangeError) throw e;
    }
  }
  return acornLoose.parse(typescript ? blankTypeAnnotations(text) : text, {
    ...PARSE_OPTIONS,
    sourceType: "module",
  });
}

/**
 * A cheap help for acorn-loose on TypeScript, not a type stripper: blanks (with spaces, so offsets and lines stay)
 * the annotations that would otherwise cost a value: `const x: T = …`, `): T {`, `… as T`. Parameter annotations
 * are left to acorn-loose, which recovers the parameter names.
 */
function blankTypeAnnotations(text: string): string {
  const blank = (m: string) => m.replace(/[^\n]/g, " ");
  return text
    .replace(/(?<=\b(?:const|let|var)\s+[\w$]+\s*)[!?]?:\s*[^=;\n]{1,120}?(?=\s*=[^=>])/g, blank)
    .replace(/(?<=\))\s*:\s*[\w$.<>[\]|&, ]{1,80}?(?=\s*(?:\{|=>))/g, blank)
    .replace(/\s+as\s+(?:const|[\w$.]+(?:<[^<>\n]{0,80}>)?(?:\[\])*)(?=\s*[),;\]}])/g, blank);
}

// ---------------------------------------------------------------------------------------------------------------
// Abstract values

/** Taint bits. */
const T_DEC = 1; // decoded or de-obfuscated at run time
const T_NET = 2; // data fetched over the network
const T_SOCK = 4; // data from a raw socket (net, tls, WebSocket)
const T_ENV = 8; // the whole environment
const T_SECRET = 16; // content of a secret file
const T_SPATH = 32; // a path inside a secret location
const T_REQ = 64; // request data in a web handler
const T_EP = 128; // names an exfiltration endpoint
const T_FILE = 256; // content of a file (shipped data a payload may hide in)
/** What flows through a call to a function we know nothing about: everything but the whole environment. */
const PASS_UNKNOWN = ~T_ENV;

interface Origins {
  /** How it was decoded: "Buffer.from(…, 'base64') at line 3". */
  dec?: string;
  net?: string;
  env?: string;
  secret?: string;
  secretKind?: SecretKind;
  req?: string;
  /** The request came from a function only named like middleware (not registered on a router here). */
  reqUnregistered?: boolean;
  endpoint?: string;
  endpointKind?: string;
}

interface Val {
  t: number;
  /** The API the value is: `child_process`, `child_process.exec`, `eval`, `socket`, `Module`, … */
  ref?: string;
  /** The string value: exact when `x`, else an approximation with `…` for unknown parts. */
  s?: string;
  x?: boolean;
  /** Non-empty literal pieces the exact string was assembled from (2+: built). */
  n?: number;
  fn?: FnNode;
  arr?: Val[];
  obj?: Map<string, Val>;
  o?: Origins;
  /** For a file write stream: the key of the path written. */
  key?: string;
  /** An array or object modified after its literal (push, index assignment): its contents are not known exactly. */
  open?: boolean;
}

const NONE: Val = Object.freeze({ t: 0 }) as Val;
const UNKNOWN_PART = "…";
const MAX_STRING = 200_000;
const MAX_ITEMS = 256;

function mergeOrigins(a: Origins | undefined, b: Origins | undefined): Origins | undefined {
  if (!a) return b;
  if (!b || a === b) return a;
  return {
    dec: a.dec ?? b.dec,
    net: a.net ?? b.net,
    env: a.env ?? b.env,
    secret: a.secret ?? b.secret,
    secretKind: a.secretKind ?? b.secretKind,
    req: a.req ?? b.req,
    reqUnregistered: a.req ? a.reqUnregistered : b.reqUnregistered,
    endpoint: a.endpoint ?? b.endpoint,
    endpointKind: a.endpointKind ?? b.endpointKind,
  };
}

/** Either value (branches, several assignments). */
function join(a: Val, b: Val): Val {
  if (a === b || b === NONE) return a;
  if (a === NONE) return b;
  const v: Val = { t: a.t | b.t };
  const ref = a.ref ?? b.ref;
  if (ref !== undefined) v.ref = ref;
  if (a.s !== undefined && a.s === b.s) {
    v.s = a.s;
    if (a.x && b.x) {
      v.x = true;
      v.n = Math.max(a.n ?? 0, b.n ?? 0);
    }
  } else if (a.s !== undefined || b.s !== undefined) {
    v.s = a.s ?? b.s;
  }
  const fn = a.fn ?? b.fn;
  if (fn) v.fn = fn;
  const arr = a.arr ?? b.arr;
  if (arr) v.arr = arr;
  const obj = a.obj ?? b.obj;
  if (obj) v.obj = obj;
  const o = mergeOrigins(a.o, b.o);
  if (o) v.o = o;
  const key = a.key ?? b.key;
  if (key !== undefined) v.key = key;
  return v;
}

/** Only the taint of `v` (and its origins), with `mask` applied. */
function taintOf(v: Val, mask = -1): Val {
  const t = v.t & mask;
  if (t === 0) return NONE;
  return v.o ? { t, o: v.o } : { t };
}

function addTaint(v: Val, t: number, o: Origins): Val {
  return { ...v, t: v.t | t, o: mergeOrigins(v.o, o) };
}

/** String concatenation of two values. */
function concat(a: Val, b: Val): Val {
  const v: Val = { t: a.t | b.t };
  const o = mergeOrigins(a.o, b.o);
  if (o) v.o = o;
  const as = a.s ?? (a.fn || a.obj ? undefined : UNKNOWN_PART);
  const bs = b.s ?? (b.fn || b.obj ? undefined : UNKNOWN_PART);
  if (as !== undefined && bs !== undefined && as.length + bs.length <= MAX_STRING) {
    v.s = as + bs;
    if (a.x && b.x) {
      v.x = true;
      v.n = (a.n ?? 0) + (b.n ?? 0);
    }
  }
  return v;
}

/**
 * Whether decoding this value reveals something the package carries (a literal, a file, a module's data, fetched
 * or already decoded data) rather than input handed to a general-purpose decoder (jest decoding a `data:` URI).
 */
function embedded(v: Val): boolean {
  return v.s !== undefined || v.t !== 0 || v.ref !== undefined || v.arr !== undefined;
}

function str(s: string, pieces = s === "" ? 0 : 1): Val {
  return { t: 0, s, x: true, n: pieces };
}

// ---------------------------------------------------------------------------------------------------------------
// Scopes and bindings

const B_INIT = 0; // declaration with initialiser, or plain assignment
const B_ADD = 1; // `x += v`: string concatenation onto the previous value
const B_MIX = 2; // `x.p = v`, `x.push(v)`: taint (and array elements) join the value
const B_PARAM = 3;
const B_FN = 4;
const B_IMPORT = 5;
const B_ITER = 6; // for-of/for-in variable: an element of the value
const B_OPAQUE = 7; // catch parameter, class: nothing known

type PathStep = string | number | null;

interface Binding {
  kind: number;
  node: AnyNode | undefined;
  /** Destructuring path from the value of `node`. */
  path: PathStep[] | undefined;
  /** Where `node` is evaluated. */
  scope: Scope;
  index: number;
  ref: string | undefined;
  val: Val | undefined;
  busy: boolean;
  /** Made inside a loop: repeated an unknown number of times. */
  loop: boolean;
}

interface Gate {
  /** The request-side operand (`req.headers['x-token']`). */
  subject: AnyNode;
  /** The other operand (a literal, or a constant). */
  other: AnyNode;
  scope: Scope;
  start: number;
}

interface Handler {
  fn: FnNode;
  gates: Gate[];
  /** Allow-list checks in the handler (`allowed.has(x)`, `list.includes(x)`, `/re/.test(x)`, `x === 'lit'`): source text of x and where. */
  checks: { text: string; start: number }[];
  /** The index of the request parameter. */
  req: number;
  /** Passed to a route registration (app.get/use, createServer, …), not only named like middleware. */
  registered: boolean;
}

class Scope {
  vars: Map<string, Binding[]> | undefined;
  returns: AnyNode[] | undefined;
  handler: Handler | undefined;
  /** Whether this function is itself the handler (its first parameter is the request). */
  isHandler = false;
  name: string | undefined;
  constructor(
    readonly parent: Scope | undefined,
    readonly fn: FnNode | undefined,
    /** The call this function is an argument of. */
    readonly site: CallNode | undefined,
    readonly argIndex: number,
  ) {
    this.handler = parent?.handler;
  }

  declare(name: string, b: Binding): void {
    this.vars ??= new Map();
    const list = this.vars.get(name);
    if (list) list.push(b);
    else this.vars.set(name, [b]);
  }
}

function lookup(name: string, scope: Scope): Binding[] | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const list = s.vars?.get(name);
    if (list) return list;
  }
  return undefined;
}

function declaringScope(name: string, scope: Scope): Scope | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) if (s.vars?.has(name)) return s;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Knowledge about APIs

function moduleRef(spec: string): string {
  let m = spec.startsWith("node:") ? spec.slice(5) : spec;
  if (m.endsWith("/promises")) m = `${m.slice(0, -9)}.promises`;
  if (m === "fs-extra" || m === "graceful-fs" || m === "original-fs") return "fs";
  if (m === "fs-extra.promises") return "fs.promises";
  if (m === "module") return "Module";
  return m;
}

/** Identifiers that name something when they are not declared locally. */
const GLOBAL_REFS = new Map<string, string>([
  ["eval", "eval"],
  ["Function", "Function"],
  ["require", "require"],
  ["__non_webpack_require__", "require"],
  ["module", "module"],
  ["process", "process"],
  ["global", "global"],
  ["globalThis", "global"],
  ["window", "global"],
  ["self", "global"],
  ["GLOBAL", "global"],
  ["root", "global"],
  ["Buffer", "Buffer"],
  ["atob", "atob"],
  ["btoa", "btoa"],
  ["fetch", "fetch"],
  ["unescape", "unescape"],
  ["escape", "escape"],
  ["decodeURIComponent", "decodeURIComponent"],
  ["decodeURI", "decodeURI"],
  ["encodeURIComponent", "encodeURIComponent"],
  ["encodeURI", "encodeURI"],
  ["String", "String"],
  ["JSON", "JSON"],
  ["Object", "Object"],
  ["Array", "Array"],
  ["Reflect", "Reflect"],
  ["setTimeout", "setTimeout"],
  ["setInterval", "setInterval"],
  ["Worker", "Worker"],
  ["WebSocket", "WebSocket"],
  ["XMLHttpRequest", "XMLHttpRequest"],
  ["navigator", "navigator"],
  ["URLSearchParams", "URLSearchParams"],
  ["TextDecoder", "TextDecoder"],
]);

/** Members of the global object that resolve to a global name (`global.eval`, `window['fetch']`). */
function memberRef(base: string, prop: string): string | undefined {
  if (prop === "default" || prop === "__esModule") return base;
  switch (base) {
    case "global":
      return GLOBAL_REFS.get(prop) ?? `global.${prop}`;
    case "module":
      if (prop === "require") return "require";
      if (prop === "constructor") return "Module";
      break;
    case "process.mainModule":
    case "require.main":
      if (prop === "require") return "require";
      if (prop === "constructor") return "Module";
      break;
    case "Module":
      if (prop === "_load") return "require";
      break;
    case "process":
      if (prop === "mainModule") return "process.mainModule";
      break;
  }
  return `${base}.${prop}`;
}

const SHELL_STRING_PROCS = new Set([
  "child_process.exec",
  "child_process.execSync",
  "shelljs.exec",
  "execa.command",
  "execa.commandSync",
  "execa.execaCommand",
  "execa.execaCommandSync",
]);
const FILE_PROCS = new Set([
  "child_process.spawn",
  "child_process.spawnSync",
  "child_process.execFile",
  "child_process.execFileSync",
  "child_process.fork",
  "cross-spawn",
  "cross-spawn.sync",
  "cross-spawn.spawn",
  "execa",
  "execa.execa",
  "execa.sync",
  "execa.execaSync",
  "execa.execaNode",
]);
const CODE_SINKS = new Set([
  "eval",
  "Function",
  "vm.runInThisContext",
  "vm.runInNewContext",
  "vm.runInContext",
  "vm.Script",
  "vm.compileFunction",
  "vm.SourceTextModule",
  "Module._compile",
  "Module.prototype._compile",
  "setTimeout",
  "setInterval",
  "Worker",
  "worker_threads.Worker",
]);
const FS_WRITES = new Set([
  "writeFile",
  "writeFileSync",
  "appendFile",
  "appendFileSync",
  "outputFile",
  "outputFileSync",
]);
/** Copy-like: (source, destination). */
const FS_COPIES = new Set([
  "copyFile",
  "copyFileSync",
  "cp",
  "cpSync",
  "rename",
  "renameSync",
  "copy",
  "copySync",
  "move",
  "moveSync",
]);
const FS_READS = new Set([
  "readFile",
  "readFileSync",
  "createReadStream",
  "readdir",
  "readdirSync",
  "opendir",
  "opendirSync",
]);
const SEND_FUNCTIONS = new Set([
  "fetch",
  "node-fetch",
  "cross-fetch",
  "isomorphic-fetch",
  "undici.fetch",
  "undici.request",
  "axios",
  "got",
  "request",
  "needle",
  "phin",
  "ky",
  "superagent",
  "http.request",
  "http.get",
  "https.request",
  "https.get",
  "http2.connect",
  "net.connect",
  "net.createConnection",
  "net.Socket",
  "tls.connect",
  "tls.TLSSocket",
  "navigator.sendBeacon",
  "WebSocket",
  "ws",
  "ws.WebSocket",
]);
/** Client libraries whose methods (`axios.post`, `got.get`) send. */
const SEND_MODULES = new Set(["axios", "got", "request", "needle", "superagent", "ky", "undici"]);
const SEND_METHODS = new Set([
  "get",
  "post",
  "put",
  "patch",
  "delete",
  "del",
  "head",
  "options",
  "request",
  "postForm",
  "putForm",
  "stream",
  "fetch",
]);
const DNS_FUNCTIONS = new Set([
  "lookup",
  "resolve",
  "resolve4",
  "resolve6",
  "resolveTxt",
  "resolveAny",
  "resolveCname",
  "resolveMx",
  "resolveNs",
]);
const DECOMPRESS = new Set([
  "inflateSync",
  "inflateRawSync",
  "gunzipSync",
  "unzipSync",
  "brotliDecompressSync",
  "inflate",
  "inflateRaw",
  "gunzip",
  "unzip",
  "brotliDecompress",
  "ungzip",
  "decompress",
  "decompressSync",
  "strFromU8",
]);
const DECOMPRESS_MODULES = new Set(["zlib", "pako", "fflate", "lz-string"]);
/** Functions whose result carries all of their arguments' data, the whole environment included. */
const SERIALISERS = new Set([
  "JSON.stringify",
  "JSON.parse",
  "Object.entries",
  "Object.keys",
  "Object.values",
  "Object.assign",
  "Object.fromEntries",
  "String",
  "Buffer.concat",
  "encodeURIComponent",
  "encodeURI",
  "escape",
  "btoa",
  "querystring.stringify",
  "querystring.encode",
  "qs.stringify",
  "URLSearchParams",
  "util.inspect",
  "util.format",
  "zlib.gzipSync",
  "zlib.deflateSync",
  "zlib.brotliCompressSync",
]);
const DANGEROUS_MODULES = new Set([
  "child_process",
  "vm",
  "net",
  "tls",
  "dgram",
  "http",
  "https",
  "http2",
  "dns",
  "Module",
  "worker_threads",
  "cluster",
  "inspector",
  "fs",
  "fs.promises",
  "os",
]);
const DANGEROUS_NAMES = new Set([
  "eval",
  "Function",
  "require",
  "process",
  "mainModule",
  "binding",
  "_linkedBinding",
  "dlopen",
  "exec",
  "execSync",
  "spawn",
  "spawnSync",
  "execFile",
  "execFileSync",
  "fork",
  "_compile",
  "_load",
  "runInThisContext",
  "runInNewContext",
  "runInContext",
  "compileFunction",
  "constructor",
  "child_process",
  "writeFileSync",
  "readFileSync",
  "env",
]);
/** Internal bindings that start processes (tty_wrap, tcp_wrap and natives are used by benign libraries). */
const LOW_LEVEL_BINDINGS = new Set(["spawn_sync", "process_wrap"]);
const SHELL_EXE =
  /(?:^|[/\\])(?:(?:ba|z|da|k|c|tc|fi|a)?sh|cmd(?:\.exe)?|powershell(?:\.exe)?|pwsh(?:\.exe)?)$/i;
/** A shell or interpreter told to run code given on its command line. */
const RUNS_CODE =
  /^\s*(?:\S*[/\\])?(?:(?:ba|z|da|k)?sh|cmd(?:\.exe)?|powershell(?:\.exe)?|pwsh|node|python[\d.]*|perl|ruby|php|deno|bun)\s+(?:\S+\s+)*?(?:-c|-e|-p|--eval|--print|-Command|\/c|\/k)\b/i;
const UPLOAD_TOOL = /\b(?:curl|wget|scp|rsync|nc|ncat|ftp|Invoke-WebRequest|Invoke-RestMethod|iwr|irm)\b/i;
const DOWNLOAD_TOOL = /\b(?:curl|wget|iwr|irm|Invoke-WebRequest|Invoke-RestMethod)\b/i;
const PERSIST_COMMAND =
  /\breg(?:\.exe)?\s+add\b[^\n]*\\(?:Run|RunOnce)\b|\bschtasks(?:\.exe)?\s+\/create\b|\blaunchctl\s+(?:load|bootstrap)\b|\bcrontab\b|\bsystemctl\s+(?:--user\s+)?enable\b/i;
const POWERSHELL_ENC_FLAG = /^[-/](?:e|en|enc|enco|encod|encode|encoded|encodedc|encodedcommand|ec)$/i;

const ROUTE_METHODS = new Set([
  "get",
  "post",
  "put",
  "delete",
  "del",
  "patch",
  "all",
  "use",
  "options",
  "head",
  "any",
]);
const REQUEST_PARAM = /^(?:req|request|ctx|context|c|event|incoming|httpRequest|_req)$/;
/** Methods whose call on a set/list/regex with a value checks that value against an allow-list. */
const ALLOW_CHECKS = new Set(["includes", "has", "test", "indexOf", "hasOwnProperty", "hasOwn"]);
/** A program that runs a script or code named by its first operand (or a `-c`/`-e` argument). */
const INTERPRETER =
  /(?:^|[/\\])(?:(?:ba|z|da|k|c|tc|fi|a)?sh|cmd|powershell|pwsh|node|nodejs|python[\d.]*|perl|ruby|php|deno|bun|osascript|wscript|cscript)(?:\.exe)?$/i;
const CODE_FLAG = /^(?:-c|-e|-p|--eval|--print|-Command|-EncodedCommand|-enc|\/c|\/k|-r|--run)$/i;

/**
 * A function written as Express/Connect middleware or a Node request listener wherever it appears (returned by a
 * factory, exported, assigned): `(req, res)`, `(req, res, next)`, `(err, req, res, next)` with those exact names.
 */
function middlewareRequest(fn: FnNode): number {
  const ps = fn.params;
  if (ps.length < 2 || ps.length > 4) return -1;
  const names = ps.map((p) => (p.type === "Identifier" ? p.name : ""));
  const i = names[0] === "err" || names[0] === "error" ? 1 : 0;
  return (names[i] === "req" || names[i] === "request") &&
    /^(?:res|response)$/.test(names[i + 1] ?? "") &&
    (names.length === i + 2 || /^(?:next|done|cb|callback)$/.test(names[i + 2] ?? ""))
    ? i
    : -1;
}
const SQL_METHODS = new Set([
  "query",
  "raw",
  "execute",
  "unsafe",
  "$queryRawUnsafe",
  "$executeRawUnsafe",
  "exec",
]);
const DB_RECEIVER =
  /db|pool|conn|client|sequel|knex|sql|database|prisma|pg|mysql|sqlite|trx|tx|query|repo|manager/i;

/** Calls whose arguments are messages for people: strings there are documentation, not behaviour. */
const MESSAGE_FUNCTIONS = new Set([
  "alert",
  "confirm",
  "prompt",
  "log",
  "warn",
  "info",
  "debug",
  "error",
  "trace",
  "print",
  "printf",
  "echo",
  "notice",
  "fatal",
  "verbose",
  "silly",
  "success",
  "fail",
  "assert",
  "deprecate",
  "t",
  "__",
  "gettext",
  "description",
  "describe",
  "usage",
  "example",
  "epilog",
  "addHelpText",
  "help",
  "option",
  "requiredOption",
  "argument",
  "positional",
  "command",
  "setDescription",
  "summary",
  "it",
  "test",
]);
const MESSAGE_KEYS = new Set([
  "message",
  "msg",
  "description",
  "desc",
  "help",
  "hint",
  "usage",
  "example",
  "examples",
  "details",
  "detail",
  "summary",
  "title",
  "text",
  "label",
  "note",
  "notes",
  "reason",
  "warning",
  "tip",
  "docs",
  "documentation",
  "instructions",
  "describe",
  "comment",
]);

const CTX_MSG = 1;
const CTX_LOOP = 2;

/** Methods whose result carries their arguments' data (others return the receiver's data only). */
const PROPAGATING_METHODS = new Set([
  "concat",
  "join",
  "replace",
  "replaceAll",
  "format",
  "parse",
  "stringify",
  "decode",
  "decrypt",
  "decompress",
  "inflate",
  "inflateSync",
  "ungzip",
  "unzip",
  "from",
  "of",
  "assign",
  "encode",
  "resolve",
  "all",
  "allSettled",
  "race",
  "any",
  "fromEntries",
  "entries",
  "values",
  "keys",
  "update",
  "final",
]);
const DECODE_METHODS =
  /^(?:decode|decrypt|decipher|inflate|inflateSync|ungzip|gunzip|decompress|fromBase64|b64decode|unpack)$/;
const DECODE_RECEIVER = /base64|b64|crypt|cipher|zlib|pako|lz|aes|xor|gzip/i;

/** Method names worth evaluating the receiver of (the rest cannot be a sink). */
const SINK_PROPS = new Set([
  ...[...SHELL_STRING_PROCS, ...FILE_PROCS, ...CODE_SINKS].map((r) => r.slice(r.lastIndexOf(".") + 1)),
  ...FS_WRITES,
  ...FS_COPIES,
  ...FS_READS,
  ...SEND_METHODS,
  ...DNS_FUNCTIONS,
  ...SQL_METHODS,
  "createWriteStream",
  "symlink",
  "symlinkSync",
  "send",
  "write",
  "end",
  "connect",
  "createConnection",
  "sendBeacon",
  "open",
  "pipe",
  "pipeline",
  "binding",
  "_linkedBinding",
  "dlopen",
  "constructor",
  "call",
  "apply",
  "require",
  "import",
  "default",
  "_load",
  "then",
  "on",
  "once",
]);

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

function propName(m: acorn.MemberExpression): string | undefined {
  const p = m.property;
  if (!m.computed)
    return p.type === "Identifier" ? p.name : p.type === "PrivateIdentifier" ? `#${p.name}` : undefined;
  if (p.type === "Literal" && (typeof p.value === "string" || typeof p.value === "number"))
    return String(p.value);
  if (p.type === "TemplateLiteral" && p.expressions.length === 0)
    return p.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

function isFunctionNode(n: AnyNode | null | undefined): n is FnNode {
  return (
    n !== null &&
    n !== undefined &&
    (n.type === "FunctionExpression" ||
      n.type === "ArrowFunctionExpression" ||
      n.type === "FunctionDeclaration")
  );
}

function stringLiteral(n: AnyNode | null | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === "Literal" && typeof n.value === "string") return n.value;
  if (n.type === "TemplateLiteral" && n.expressions.length === 0)
    return n.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

function unwrap(n: AnyNode): AnyNode {
  let cur = n;
  for (;;) {
    if (cur.type === "ChainExpression" || cur.type === "ParenthesizedExpression") cur = cur.expression;
    else if (cur.type === "SequenceExpression" && cur.expressions.length > 0) cur = cur.expressions.at(-1)!;
    else return cur;
  }
}

function short(s: string, max = 60): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

const SECRET_LABEL: Record<SecretKind, string> = {
  ssh: "SSH",
  cloud: "cloud credential",
  "package-registry": "package-registry credential",
  browser: "browser profile",
  discord: "Discord token store",
  wallet: "crypto-wallet",
  keychain: "keychain",
};

function secretLabel(kind: SecretKind | undefined): string {
  return kind ? SECRET_LABEL[kind] : "secret";
}

const SEVERITY_RANK: Record<string, number> = {
  critical: 5,
  high: 4,
  medium: 3,
  low: 2,
  info: 1,
  unknown: 0,
};
function defaultSeverity(rule: RuleId): Severity {
  return ruleById(rule)?.severity ?? "medium";
}

// Pure decoders for literal strings (never running the analysed code).

function decodeBase64(s: string): string | undefined {
  const clean = s.replace(/\s+/g, "");
  if (clean.length > MAX_STRING || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean)) return undefined;
  return Buffer.from(clean, "base64").toString("latin1");
}

function decodeHex(s: string): string | undefined {
  if (s.length > MAX_STRING || s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return undefined;
  return Buffer.from(s, "hex").toString("latin1");
}

function decodePercent(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    try {
      return unescape(s);
    } catch {
      return undefined;
    }
  }
}

function printable(s: string): boolean {
  // A decoded value worth showing and treating as text.
  return /^[\t\n\r -~]*$/.test(s.slice(0, 200));
}

// ---------------------------------------------------------------------------------------------------------------
// The analysis

interface PendingWrite {
  name: string;
  scope: Scope;
  binding: Binding;
}

interface NeutralString {
  rule: RuleId;
  start: number;
  match: string;
  why: string;
}

interface SecretRead {
  kind: SecretKind;
  start: number;
  path: string;
  flowed: boolean;
}

interface FileEvent {
  key: string;
  /** Word-like key (a variable name) that a command string may mention. */
  word: string | undefined;
  start: number;
  what: string;
  via: string;
  rule: RuleId;
  /** The path as shown. */
  shown: string;
}

interface Finding {
  rule: RuleId;
  start: number;
  why: string;
  severity: Severity;
}

const MAX_DEPTH = 200;
const MAX_NESTED = 2;

class Analysis {
  private readonly program: acorn.Program;
  private readonly top: Scope;
  private readonly calls: CallNode[] = [];
  private readonly callScopes: Scope[] = [];
  private readonly callsByName = new Map<string, number[]>();
  private readonly imports: { node: acorn.ImportExpression; scope: Scope }[] = [];
  private readonly shellTemplates: { node: acorn.TaggedTemplateExpression; scope: Scope }[] = [];
  private readonly globalLookups: { node: acorn.MemberExpression; scope: Scope }[] = [];
  private readonly pending: PendingWrite[] = [];
  private readonly fnScopes = new Map<FnNode, Scope>();
  private readonly neutral: NeutralString[] = [];
  private readonly handlers: Handler[] = [];
  private readonly memo = new Map<AnyNode, Val>();
  private readonly fnReturns = new Map<FnNode, Val>();
  private readonly fnBusy = new Set<FnNode>();
  private readonly secretReads: SecretRead[] = [];
  private readonly writes: FileEvent[] = [];
  private readonly runs: { key: string; text: string; start: number; via: string }[] = [];
  private readonly findings = new Map<string, Finding>();
  /** Command/URL strings that produced a sink finding, per rule: neutral strings inside them are not repeated. */
  private readonly evidence = new Map<RuleId, string[]>();
  private readonly shellProcesses: { start: number; what: string }[] = [];
  /** Shell/socket pairs (root variable names) already reported as a reverse shell. */
  private readonly shellPipes = new Set<string>();
  private lineStarts: number[] | undefined;
  private hasSend = false;
  private endpointInFile: string | undefined;
  private readonly checkStrings: boolean;
  private readonly checkEndpoints: boolean;
  private readonly checkSecrets: boolean;
  private depth = 0;
  private inlining = 0;
  private readonly inlineCache = new Map<FnNode, Map<string, Val>>();
  private readonly combined = new Map<Binding[], Val>();
  private readonly inlined = new Set<Scope>();
  /** Evaluation steps left: a bound on the work per file, whatever the code looks like. */
  private budget: number;

  constructor(
    private readonly text: string,
    typescript: boolean,
    private readonly nesting: number,
  ) {
    try {
      this.program = parseTolerant(text, typescript);
    } catch (e) {
      if (e instanceof RangeError) throw new TooDeep();
      throw e;
    }
    this.top = new Scope(undefined, undefined, undefined, -1);
    this.checkStrings = SHELL_WORDS_RE.test(text);
    this.checkEndpoints = ENDPOINT_WORDS_RE.test(text);
    this.checkSecrets = SECRET_WORDS_RE.test(text);
    this.budget = 200_000 + text.length * 4;
  }

  run(): Finding[] {
    for (const s of this.program.body) this.visit(s, this.top, 0);
    this.resolvePending();
    this.evaluate();
    return [...this.findings.values()];
  }

  // -------------------------------------------------------------------------------------------------------------
  // Phase 1: one walk

  private visit(node: AnyNode | null | undefined, scope: Scope, ctx: number): void {
    if (!node) return;
    // The most frequent node types first: a string switch compares case by case.
    if (node.type === "Identifier") return;
    if (node.type === "MemberExpression") {
      this.visitMember(node, scope, ctx);
      return;
    }
    if (node.type === "CallExpression") {
      this.visitCall(node, scope, ctx);
      return;
    }
    if (node.type === "Literal") {
      if (typeof node.value === "string" && !(ctx & CTX_MSG) && (this.checkStrings || this.checkEndpoints))
        this.neutralString(node.value, node.start);
      return;
    }
    if (node.type === "ExpressionStatement") {
      this.visit(node.expression, scope, ctx);
      return;
    }
    switch (node.type) {
      case "Program":
      case "BlockStatement":
      case "StaticBlock":
      case "ClassBody":
        for (const s of node.body) this.visit(s, scope, ctx);
        return;
      case "VariableDeclaration":
        for (const d of node.declarations) {
          if (d.init && isFunctionNode(d.init) && d.id.type === "Identifier") {
            this.declarePattern(d.id, B_INIT, d.init, undefined, scope, scope, false);
            this.visitFunction(d.init, scope, undefined, -1, d.id.name, false);
            continue;
          }
          this.declarePattern(d.id, B_INIT, d.init ?? undefined, undefined, scope, scope, false);
          this.visit(d.init, scope, ctx);
        }
        return;
      case "FunctionDeclaration":
        if (node.id) scope.declare(node.id.name, this.binding(B_FN, node, scope));
        this.visitFunction(node, scope, undefined, -1, node.id?.name, false);
        return;
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        this.visitFunction(node, scope, undefined, -1, undefined, false);
        return;
      case "ClassDeclaration":
      case "ClassExpression":
        if (node.id && node.type === "ClassDeclaration")
          scope.declare(node.id.name, this.binding(B_OPAQUE, node, scope));
        this.visit(node.superClass, scope, ctx);
        this.visit(node.body, scope, ctx);
        return;
      case "MethodDefinition":
      case "PropertyDefinition":
        if (node.computed) this.visit(node.key, scope, ctx);
        this.visit(node.value, scope, ctx);
        return;
      case "NewExpression":
        this.visitCall(node, scope, ctx);
        return;
      case "AssignmentExpression":
        this.visitAssignment(node, scope, ctx);
        return;
      case "TemplateLiteral":
        if (!(ctx & CTX_MSG) && (this.checkStrings || this.checkEndpoints)) {
          let joined = "";
          for (let i = 0; i < node.quasis.length; i++) {
            if (i > 0) joined += UNKNOWN_PART;
            joined += node.quasis[i]!.value.cooked ?? node.quasis[i]!.value.raw;
          }
          this.neutralString(joined, node.start);
        }
        for (const e of node.expressions) this.visit(e, scope, ctx);
        return;
      case "TaggedTemplateExpression": {
        // zx and execa: $`curl … | sh` runs its template as a command.
        const tag = node.tag;
        if (
          (tag.type === "Identifier" && tag.name === "$") ||
          (tag.type === "MemberExpression" && propName(tag) === "$")
        )
          this.shellTemplates.push({ node, scope });
        this.visit(node.tag, scope, ctx);
        for (const e of node.quasi.expressions) this.visit(e, scope, ctx);
        return;
      }
      case "ThrowStatement":
        this.visit(node.argument, scope, ctx | CTX_MSG);
        return;
      case "ReturnStatement":
        if (node.argument) {
          scope.returns ??= [];
          scope.returns.push(node.argument);
        }
        this.visit(node.argument, scope, ctx);
        return;
      case "ObjectExpression":
        for (const p of node.properties) {
          if (p.type === "SpreadElement") {
            this.visit(p.argument, scope, ctx);
            continue;
          }
          if (p.computed) this.visit(p.key, scope, ctx);
          const key = p.key.type === "Identifier" ? p.key.name : stringLiteral(p.key);
          const value = p.value as AnyNode;
          if (isFunctionNode(value)) {
            this.visitFunction(value, scope, undefined, -1, key, false);
            continue;
          }
          this.visit(value, scope, key !== undefined && MESSAGE_KEYS.has(key) ? ctx | CTX_MSG : ctx);
        }
        return;
      case "BinaryExpression": {
        if (node.left.type !== "BinaryExpression") {
          if (scope.handler) this.maybeGate(node, scope);
          this.visit(node.left, scope, ctx);
          this.visit(node.right, scope, ctx);
          return;
        }
        // Long `a + b + c + …` chains are left-deep: walk the spine without recursion.
        let cur: AnyNode = node;
        const rights: AnyNode[] = [];
        while (cur.type === "BinaryExpression" && rights.length < 100_000) {
          if (scope.handler) this.maybeGate(cur, scope);
          rights.push(cur.right);
          cur = cur.left;
        }
        this.visit(cur, scope, ctx);
        for (let i = rights.length - 1; i >= 0; i--) this.visit(rights[i], scope, ctx);
        return;
      }
      case "ImportDeclaration": {
        const mod = typeof node.source.value === "string" ? moduleRef(node.source.value) : undefined;
        for (const sp of node.specifiers) {
          let ref: string | undefined;
          if (mod === undefined) ref = undefined;
          else if (sp.type === "ImportSpecifier") {
            const imported = sp.imported.type === "Identifier" ? sp.imported.name : String(sp.imported.value);
            ref = imported === "default" ? mod : memberRef(mod, imported);
          } else ref = mod;
          const b = this.binding(B_IMPORT, sp, scope);
          b.ref = ref;
          scope.declare(sp.local.name, b);
        }
        return;
      }
      case "ImportExpression":
        this.imports.push({ node, scope });
        this.visit(node.source, scope, ctx);
        return;
      case "ForOfStatement":
      case "ForInStatement": {
        const left = node.left;
        if (left.type === "VariableDeclaration") {
          for (const d of left.declarations)
            this.declarePattern(d.id, B_ITER, node.right, undefined, scope, scope, false);
        } else this.declarePattern(left as acorn.Pattern, B_ITER, node.right, undefined, scope, scope, true);
        this.visit(node.right, scope, ctx);
        this.visit(node.body, scope, ctx | CTX_LOOP);
        return;
      }
      case "CatchClause":
        if (node.param) this.declarePattern(node.param, B_OPAQUE, undefined, undefined, scope, scope, false);
        this.visit(node.body, scope, ctx);
        return;
      case "Property":
        if (node.computed) this.visit(node.key, scope, ctx);
        this.visit(node.value as AnyNode, scope, ctx);
        return;
      case "PrivateIdentifier":
      case "ThisExpression":
      case "Super":
      case "EmptyStatement":
      case "DebuggerStatement":
      case "BreakStatement":
      case "ContinueStatement":
      case "MetaProperty":
      case "TemplateElement":
        return;
      default:
        this.visitChildren(node, scope, ctx);
    }
  }

  private visitChildren(node: AnyNode, scope: Scope, ctx: number): void {
    switch (node.type) {
      case "IfStatement":
      case "ConditionalExpression":
        this.visit(node.test, scope, ctx);
        this.visit(node.consequent, scope, ctx);
        this.visit(node.alternate, scope, ctx);
        return;
      case "SwitchStatement":
        this.visit(node.discriminant, scope, ctx);
        for (const c of node.cases) {
          this.visit(c.test, scope, ctx);
          for (const s of c.consequent) this.visit(s, scope, ctx);
        }
        return;
      case "TryStatement":
        this.visit(node.block, scope, ctx);
        this.visit(node.handler, scope, ctx);
        this.visit(node.finalizer, scope, ctx);
        return;
      case "WhileStatement":
      case "DoWhileStatement":
        this.visit(node.test, scope, ctx | CTX_LOOP);
        this.visit(node.body, scope, ctx | CTX_LOOP);
        return;
      case "ForStatement":
        this.visit(node.init, scope, ctx);
        this.visit(node.test, scope, ctx | CTX_LOOP);
        this.visit(node.update, scope, ctx | CTX_LOOP);
        this.visit(node.body, scope, ctx | CTX_LOOP);
        return;
      case "LabeledStatement":
        this.visit(node.body, scope, ctx);
        return;
      case "WithStatement":
        this.visit(node.object, scope, ctx);
        this.visit(node.body, scope, ctx);
        return;
      case "ArrayExpression":
        for (const e of node.elements) this.visit(e, scope, ctx);
        return;
      case "SequenceExpression":
        for (const e of node.expressions) this.visit(e, scope, ctx);
        return;
      case "LogicalExpression":
        this.visit(node.left, scope, ctx);
        this.visit(node.right, scope, ctx);
        return;
      case "UpdateExpression":
        // i++: no longer a constant.
        if (node.argument.type === "Identifier")
          this.pending.push({
            name: node.argument.name,
            scope,
            binding: this.binding(B_MIX, undefined, scope),
          });
        this.visit(node.argument, scope, ctx);
        return;
      case "UnaryExpression":
      case "SpreadElement":
      case "AwaitExpression":
      case "YieldExpression":
      case "RestElement":
        this.visit(node.argument, scope, ctx);
        return;
      case "ChainExpression":
      case "ParenthesizedExpression":
        this.visit(node.expression, scope, ctx);
        return;
      case "ExportNamedDeclaration":
        this.visit(node.declaration, scope, ctx);
        return;
      case "ExportDefaultDeclaration":
        this.visit(node.declaration as AnyNode, scope, ctx);
        return;
      case "VariableDeclarator":
        this.visit(node.init, scope, ctx);
        return;
      case "AssignmentPattern":
        this.visit(node.right, scope, ctx);
        return;
      default:
        return;
    }
  }

  private binding(kind: number, node: AnyNode | undefined, scope: Scope): Binding {
    return {
      kind,
      node,
      path: undefined,
      scope,
      index: -1,
      ref: undefined,
      val: undefined,
      busy: false,
      loop: false,
    };
  }

  /** Declares the names of a pattern (destructuring included); `assign`: an assignment, resolved after the walk. */
  private declarePattern(
    p: acorn.Pattern,
    kind: number,
    init: AnyNode | undefined,
    path: PathStep[] | undefined,
    scope: Scope,
    evalScope: Scope,
    assign: boolean,
  ): void {
    switch (p.type) {
      case "Identifier": {
        const b = this.binding(kind, init, evalScope);
        b.path = path;
        if (assign) this.pending.push({ name: p.name, scope, binding: b });
        else scope.declare(p.name, b);
        return;
      }
      case "ObjectPattern":
        for (const prop of p.properties) {
          if (prop.type === "RestElement") {
            this.declarePattern(prop.argument, kind, init, [...(path ?? []), null], scope, evalScope, assign);
            continue;
          }
          const key = prop.computed
            ? stringLiteral(prop.key)
            : prop.key.type === "Identifier"
              ? prop.key.name
              : stringLiteral(prop.key);
          if (prop.computed) this.visit(prop.key, scope, 0);
          this.declarePattern(
            prop.value,
            kind,
            init,
            [...(path ?? []), key ?? null],
            scope,
            evalScope,
            assign,
          );
        }
        return;
      case "ArrayPattern":
        p.elements.forEach((el, i) => {
          if (el)
            this.declarePattern(
              el,
              kind,
              init,
              [...(path ?? []), el.type === "RestElement" ? null : i],
              scope,
              evalScope,
              assign,
            );
        });
        return;
      case "RestElement":
        this.declarePattern(p.argument, kind, init, path, scope, evalScope, assign);
        return;
      case "AssignmentPattern":
        this.declarePattern(p.left, kind, init, path, scope, evalScope, assign);
        // The default value is another possible value.
        this.declarePattern(p.left, B_INIT, p.right, undefined, scope, evalScope, assign);
        this.visit(p.right, scope, 0);
        return;
      case "MemberExpression":
        this.visit(p, scope, 0);
        return;
    }
  }

  private visitFunction(
    fn: FnNode,
    parent: Scope,
    site: CallNode | undefined,
    argIndex: number,
    name: string | undefined,
    handler: boolean,
  ): void {
    const s = new Scope(parent, fn, site, argIndex);
    s.name = name;
    this.fnScopes.set(fn, s);
    const mw = handler ? -1 : middlewareRequest(fn);
    if (handler || mw >= 0) {
      const h: Handler = { fn, gates: [], checks: [], req: Math.max(mw, 0), registered: handler };
      s.handler = h;
      s.isHandler = true;
      this.handlers.push(h);
    }
    if (fn.type === "FunctionExpression" && fn.id) s.declare(fn.id.name, this.binding(B_FN, fn, s));
    fn.params.forEach((p, i) => {
      if (p.type === "Identifier") {
        const b = this.binding(B_PARAM, undefined, s);
        b.index = i;
        s.declare(p.name, b);
      } else {
        // Destructured parameter: the parts of the parameter's value.
        const b = this.binding(B_PARAM, undefined, s);
        b.index = i;
        this.declareParamPattern(p, b, s);
      }
    });
    if (fn.body.type === "BlockStatement") {
      for (const st of fn.body.body) this.visit(st, s, 0);
    } else {
      s.returns = [fn.body];
      this.visit(fn.body, s, 0);
    }
  }

  private declareParamPattern(p: acorn.Pattern, param: Binding, s: Scope, path: PathStep[] = []): void {
    switch (p.type) {
      case "Identifier": {
        const b = this.binding(B_PARAM, undefined, s);
        b.index = param.index;
        b.path = path;
        s.declare(p.name, b);
        return;
      }
      case "ObjectPattern":
        for (const prop of p.properties) {
          if (prop.type === "RestElement") this.declareParamPattern(prop.argument, param, s, [...path, null]);
          else {
            const key = prop.computed
              ? stringLiteral(prop.key)
              : prop.key.type === "Identifier"
                ? prop.key.name
                : stringLiteral(prop.key);
            this.declareParamPattern(prop.value, param, s, [...path, key ?? null]);
          }
        }
        return;
      case "ArrayPattern":
        p.elements.forEach((el, i) => {
          if (el) this.declareParamPattern(el, param, s, [...path, i]);
        });
        return;
      case "RestElement":
        this.declareParamPattern(p.argument, param, s, [...path, null]);
        return;
      case "AssignmentPattern":
        this.declareParamPattern(p.left, param, s, path);
        this.declarePattern(p.left, B_INIT, p.right, undefined, s, s, false);
        this.visit(p.right, s, 0);
        return;
      default:
        return;
    }
  }

  private visitCall(node: CallNode, scope: Scope, ctx: number): void {
    const index = this.calls.length;
    this.calls.push(node);
    this.callScopes.push(scope);
    const callee = node.callee;
    let msg = 0;
    let route = false;
    let routeObject = false;
    if (callee.type === "Identifier") {
      const list = this.callsByName.get(callee.name);
      if (list) list.push(index);
      else this.callsByName.set(callee.name, [index]);
      if (MESSAGE_FUNCTIONS.has(callee.name) || isErrorName(callee.name)) msg = CTX_MSG;
    } else if (callee.type === "MemberExpression") {
      const prop = propName(callee);
      if (prop !== undefined) {
        const obj = callee.object;
        if (
          MESSAGE_FUNCTIONS.has(prop) ||
          isErrorName(prop) ||
          (obj.type === "Identifier" && (obj.name === "console" || obj.name === "logger")) ||
          ((prop === "write" || prop === "end") &&
            obj.type === "MemberExpression" &&
            obj.object.type === "Identifier" &&
            obj.object.name === "process" &&
            /^std(?:out|err)$/.test(propName(obj) ?? ""))
        )
          msg = CTX_MSG;
        if (ROUTE_METHODS.has(prop)) {
          const first = node.arguments[0];
          route =
            prop === "use" ||
            (first !== undefined &&
              (stringLiteral(first) !== undefined ||
                first.type === "TemplateLiteral" ||
                (first.type === "Literal" && "regex" in first && first.regex !== undefined) ||
                first.type === "ArrayExpression"));
        } else if (prop === "createServer" || prop === "createSecureServer") route = true;
        else if ((prop === "on" || prop === "addListener") && stringLiteral(node.arguments[0]) === "request")
          route = true;
        else if (prop === "route") routeObject = true;
        if (scope.handler && ALLOW_CHECKS.has(prop) && node.arguments.length > 0) {
          const a = node.arguments[node.arguments.length === 2 && prop === "hasOwn" ? 1 : 0]!;
          scope.handler.checks.push({ text: this.src(a), start: node.start });
        }
      }
    }
    this.visit(callee, scope, ctx);
    if (
      callee.type === "MemberExpression" &&
      callee.object.type === "Identifier" &&
      !callee.computed &&
      callee.property.type === "Identifier" &&
      COLLECTING_METHODS.has(callee.property.name)
    ) {
      // `chunks.push(d)`: the array (or buffer, map) now holds d.
      for (const a of node.arguments) {
        const b = this.binding(B_MIX, a.type === "SpreadElement" ? a.argument : a, scope);
        this.pending.push({ name: callee.object.name, scope, binding: b });
      }
    } else if (
      callee.type === "MemberExpression" &&
      callee.object.type === "Identifier" &&
      callee.object.name === "Object" &&
      propName(callee) === "assign" &&
      node.arguments[0]?.type === "Identifier"
    ) {
      const target = node.arguments[0].name;
      for (const a of node.arguments.slice(1)) {
        const b = this.binding(B_MIX, a.type === "SpreadElement" ? a.argument : a, scope);
        this.pending.push({ name: target, scope, binding: b });
      }
    }
    node.arguments.forEach((a, i) => {
      if (isFunctionNode(a)) {
        this.visitFunction(a, scope, node, i, undefined, route && this.looksLikeHandler(a));
      } else if (routeObject && a.type === "ObjectExpression") {
        for (const p of a.properties) {
          if (p.type === "Property" && isFunctionNode(p.value as AnyNode) && propKey(p) === "handler") {
            const fn = p.value as FnNode;
            this.visitFunction(fn, scope, undefined, -1, undefined, this.looksLikeHandler(fn));
          } else this.visit(p, scope, ctx);
        }
      } else this.visit(a, scope, ctx | msg);
    });
  }

  private looksLikeHandler(fn: FnNode): boolean {
    const p = fn.params[0];
    if (!p) return false;
    if (p.type === "Identifier") return REQUEST_PARAM.test(p.name);
    if (p.type === "ObjectPattern")
      return p.properties.some(
        (q) =>
          q.type === "Property" && /^(?:body|query|params|headers|request|cookies)$/.test(propKey(q) ?? ""),
      );
    return false;
  }

  private visitAssignment(node: acorn.AssignmentExpression, scope: Scope, ctx: number): void {
    const left = node.left;
    if (left.type === "Identifier") {
      const kind =
        node.operator === "=" || node.operator === "||=" || node.operator === "??="
          ? B_INIT
          : node.operator === "+="
            ? B_ADD
            : B_MIX;
      const b = this.binding(kind, node.right, scope);
      b.loop = (ctx & CTX_LOOP) !== 0;
      this.pending.push({ name: left.name, scope, binding: b });
      if (isFunctionNode(node.right)) {
        this.visitFunction(node.right, scope, undefined, -1, left.name, false);
        return;
      }
    } else if (left.type === "MemberExpression") {
      const root = rootIdentifier(left);
      if (root) {
        const b = this.binding(B_MIX, node.right, scope);
        this.pending.push({ name: root, scope, binding: b });
      }
      this.visit(left, scope, ctx);
    } else {
      this.declarePattern(left, B_INIT, node.right, undefined, scope, scope, true);
    }
    this.visit(node.right, scope, ctx);
  }

  private visitMember(node: acorn.MemberExpression, scope: Scope, ctx: number): void {
    const obj = node.object;
    if (node.computed && obj.type === "Identifier" && GLOBAL_REFS.get(obj.name) === "global") {
      if (node.property.type !== "Literal" || typeof node.property.value === "string")
        this.globalLookups.push({ node, scope });
    } else if (node.computed && obj.type === "Identifier" && obj.name === "process") {
      this.globalLookups.push({ node, scope });
    }
    this.visit(obj, scope, ctx);
    if (node.computed) this.visit(node.property, scope, ctx);
  }

  private maybeGate(node: acorn.BinaryExpression, scope: Scope): void {
    const op = node.operator;
    if (op === "===" || op === "==" || op === "!==" || op === "!=") this.recordGate(node, scope);
  }

  private recordGate(node: acorn.BinaryExpression, scope: Scope): void {
    const handler = scope.handler;
    if (!handler) return;
    const l = node.left;
    const r = node.right;
    const lLit = l.type === "Literal" || l.type === "TemplateLiteral" || l.type === "Identifier";
    const rLit = r.type === "Literal" || r.type === "TemplateLiteral" || r.type === "Identifier";
    if (node.operator === "===" || node.operator === "!==") {
      if (r.type === "Literal" && typeof r.value === "string")
        handler.checks.push({ text: this.src(l), start: node.start });
      else if (l.type === "Literal" && typeof l.value === "string")
        handler.checks.push({ text: this.src(r), start: node.start });
    }
    if ((l.type === "MemberExpression" || l.type === "CallExpression") && rLit)
      handler.gates.push({ subject: l, other: r, scope, start: node.start });
    else if ((r.type === "MemberExpression" || r.type === "CallExpression") && lLit)
      handler.gates.push({ subject: r, other: l as AnyNode, scope, start: node.start });
  }

  private neutralString(s: string, start: number): void {
    if (s.length < 8 || s.length > 20_000) return;
    if (this.checkStrings) {
      const download = downloadAndRunCommand(s);
      const reverse = download ? undefined : reverseShellCommand(s);
      const encoded = encodedCommand(s);
      if (download)
        this.neutral.push({
          rule: "download-exec",
          start,
          match: download,
          why: `string holds a download-and-run command: ${short(download)}`,
        });
      if (reverse)
        this.neutral.push({
          rule: "reverse-shell",
          start,
          match: reverse,
          why: `string holds a reverse-shell command: ${short(reverse)}`,
        });
      if (encoded)
        this.neutral.push({
          rule: "encoded-command",
          start,
          match: encoded,
          why: `string holds an encoded or hidden command: ${short(encoded)}`,
        });
    }
    if (this.checkEndpoints) {
      const ep = exfilEndpoint(s);
      if (ep) {
        this.endpointInFile ??= ep.match;
        this.neutral.push({
          rule: "exfil-endpoint",
          start,
          match: ep.match,
          why: `string names ${ENDPOINT_LABEL[ep.kind] ?? ep.kind}: ${short(ep.match)}`,
        });
      }
    }
  }

  /** Assignments attach to the scope that declares the name (or the module scope for implicit globals). */
  private resolvePending(): void {
    for (const p of this.pending) {
      const s = declaringScope(p.name, p.scope);
      if (s) s.declare(p.name, p.binding);
      else if (p.binding.kind === B_INIT || p.binding.kind === B_ADD) this.top.declare(p.name, p.binding);
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Phase 2: evaluation

  private ev(node: AnyNode | null | undefined, scope: Scope, envIn?: Map<Binding, Val>): Val {
    if (!node) return NONE;
    // Parameter overrides matter only inside the functions being inlined: elsewhere, use (and fill) the memo.
    const env = envIn && this.insideInlined(scope) ? envIn : undefined;
    if (!env) {
      const m = this.memo.get(node);
      if (m) return m;
    }
    if (this.depth > MAX_DEPTH || --this.budget < 0) return NONE;
    this.depth++;
    let v: Val;
    try {
      v = this.evalNode(node, scope, env);
    } finally {
      this.depth--;
    }
    if (!env) this.memo.set(node, v);
    return v;
  }

  private evalNode(node: AnyNode, scope: Scope, env: Map<Binding, Val> | undefined): Val {
    switch (node.type) {
      case "Literal":
        if (typeof node.value === "string") return this.literal(node.value);
        if (typeof node.value === "number" || typeof node.value === "boolean")
          return str(String(node.value), 0);
        return NONE;
      case "TemplateLiteral": {
        let v = str(node.quasis[0]?.value.cooked ?? "");
        for (let i = 0; i < node.expressions.length; i++) {
          v = concat(v, this.ev(node.expressions[i], scope, env));
          v = concat(v, str(node.quasis[i + 1]?.value.cooked ?? ""));
        }
        if (v.s !== undefined && (this.checkEndpoints || this.checkSecrets)) v = this.classifyString(v);
        return v;
      }
      case "Identifier":
        return this.identifier(node.name, scope, env);
      case "MemberExpression":
        return this.member(node, scope, env);
      case "ChainExpression":
      case "ParenthesizedExpression":
        return this.ev(node.expression, scope, env);
      case "AwaitExpression":
        return node.argument ? this.ev(node.argument, scope, env) : NONE;
      case "SequenceExpression":
        return this.ev(node.expressions.at(-1), scope, env);
      case "ConditionalExpression":
        return join(this.ev(node.consequent, scope, env), this.ev(node.alternate, scope, env));
      case "LogicalExpression":
        return join(this.ev(node.left, scope, env), this.ev(node.right, scope, env));
      case "AssignmentExpression":
        if (node.operator === "+=")
          return concat(this.ev(node.left as AnyNode, scope, env), this.ev(node.right, scope, env));
        return this.ev(node.right, scope, env);
      case "BinaryExpression": {
        if (node.operator !== "+") return NONE;
        const rights: AnyNode[] = [];
        let cur: AnyNode = node;
        while (cur.type === "BinaryExpression" && cur.operator === "+") {
          rights.push(cur.right);
          cur = cur.left;
        }
        let v = this.ev(cur, scope, env);
        for (let i = rights.length - 1; i >= 0; i--) v = concat(v, this.ev(rights[i], scope, env));
        if (v.s !== undefined && (this.checkEndpoints || this.checkSecrets)) v = this.classifyString(v);
        return v;
      }
      case "ArrayExpression": {
        const arr: Val[] = [];
        let t = 0;
        let o: Origins | undefined;
        for (const e of node.elements) {
          if (!e) continue;
          if (e.type === "SpreadElement") {
            const sv = this.ev(e.argument, scope, env);
            if (sv.arr) arr.push(...sv.arr.slice(0, MAX_ITEMS));
            else arr.push(taintOf(sv));
            t |= sv.t;
            o = mergeOrigins(o, sv.o);
          } else if (arr.length < MAX_ITEMS) {
            const ev = this.ev(e, scope, env);
            arr.push(ev);
            t |= ev.t;
            o = mergeOrigins(o, ev.o);
          }
        }
        const v: Val = { t, arr };
        if (o) v.o = o;
        return v;
      }
      case "ObjectExpression": {
        const obj = new Map<string, Val>();
        let t = 0;
        let o: Origins | undefined;
        for (const p of node.properties) {
          if (obj.size >= MAX_ITEMS) break;
          if (p.type === "SpreadElement") {
            const sv = this.ev(p.argument, scope, env);
            if (sv.obj) for (const [k, pv] of sv.obj) obj.set(k, pv);
            t |= sv.t;
            o = mergeOrigins(o, sv.o);
            continue;
          }
          const key = p.computed ? exact(this.ev(p.key, scope, env)) : propKey(p);
          const pv = this.ev(p.value as AnyNode, scope, env);
          if (key !== undefined) obj.set(key, pv);
          t |= pv.t;
          o = mergeOrigins(o, pv.o);
        }
        const v: Val = { t, obj };
        if (o) v.o = o;
        return v;
      }
      case "FunctionExpression":
      case "ArrowFunctionExpression":
      case "FunctionDeclaration":
        return { t: 0, fn: node };
      case "CallExpression":
      case "NewExpression":
        return this.call(node, scope, env);
      case "ImportExpression": {
        const src = this.ev(node.source, scope, env);
        return src.x && src.s !== undefined ? { t: 0, ref: moduleRef(src.s) } : NONE;
      }
      case "UnaryExpression":
        if (node.operator === "-" || node.operator === "+") {
          const a = this.ev(node.argument, scope, env);
          if (a.x && a.s !== undefined && /^\d+(?:\.\d+)?$/.test(a.s))
            return str(node.operator === "-" ? `-${a.s}` : a.s, 0);
        }
        return NONE;
      default:
        return NONE;
    }
  }

  private literal(s: string): Val {
    const v = str(s);
    return this.checkEndpoints || this.checkSecrets ? this.classifyString(v) : v;
  }

  /** Marks strings naming an exfiltration endpoint or a secret location. */
  private classifyString(v: Val): Val {
    if (v.s === undefined || v.s.length > 20_000) return v;
    let out = v;
    if (this.checkEndpoints && !(v.t & T_EP)) {
      const ep = exfilEndpoint(v.s);
      if (ep) out = addTaint(out, T_EP, { endpoint: ep.match, endpointKind: ep.kind });
    }
    if (this.checkSecrets && !(v.t & T_SPATH) && v.s.length < 400) {
      const kind = secretPathKind(v.s);
      if (kind) out = addTaint(out, T_SPATH, { secretKind: kind, secret: v.s });
    }
    return out;
  }

  private identifier(name: string, scope: Scope, env: Map<Binding, Val> | undefined): Val {
    if (name === "undefined") return NONE;
    const list = lookup(name, scope);
    if (!list) {
      const ref = GLOBAL_REFS.get(name);
      return ref ? { t: 0, ref } : NONE;
    }
    if (list.length === 1) return this.bindingVal(list[0]!, name, env);
    if (!env) {
      const m = this.combined.get(list);
      if (m) return m;
    }
    const v = this.combine(list, name, env);
    if (!env) this.combined.set(list, v);
    return v;
  }

  /** Several assignments: a string built by `s = 'a'; s += 'b'` stays exact; otherwise any of the values. */
  private combine(list: Binding[], name: string, env: Map<Binding, Val> | undefined): Val {
    let v: Val | undefined;
    let exactChain = true;
    let n = 0;
    for (const b of list) {
      if (++n > 200) break;
      if (b.kind === B_INIT && !b.node) continue; // `let x;`
      const bv = this.bindingVal(b, name, env);
      if (!v) {
        v = bv;
        exactChain = b.kind === B_INIT && bv.x === true;
        continue;
      }
      if (b.kind === B_ADD) {
        const c = concat(v, bv);
        if (b.loop) exactChain = false;
        if (exactChain && c.x) {
          v = c;
          continue;
        }
        exactChain = false;
        v = join(v, { ...taintOf(bv), s: c.s });
        continue;
      }
      exactChain = false;
      if (b.kind === B_MIX) {
        v = mix(v, bv);
        continue;
      }
      v = join(v, bv);
    }
    if (v && !exactChain && v.x) v = { ...v, x: false };
    return v ?? NONE;
  }

  private insideInlined(scope: Scope): boolean {
    for (let s: Scope | undefined = scope; s; s = s.parent) if (this.inlined.has(s)) return true;
    return false;
  }

  private bindingVal(b: Binding, name: string, envIn: Map<Binding, Val> | undefined): Val {
    if (envIn?.has(b)) return envIn.get(b)!;
    const env = envIn && this.insideInlined(b.scope) ? envIn : undefined;
    if (b.val && !env) return b.val;
    if (b.busy) return NONE;
    b.busy = true;
    let v: Val;
    try {
      v = this.computeBinding(b, name, env);
    } finally {
      b.busy = false;
    }
    if (!env) b.val = v;
    return v;
  }

  private computeBinding(b: Binding, name: string, env: Map<Binding, Val> | undefined): Val {
    let v: Val;
    switch (b.kind) {
      case B_INIT:
      case B_ADD:
      case B_MIX:
        v = this.ev(b.node, b.scope, env);
        break;
      case B_ITER: {
        // Iterating over the whole environment (Object.entries(process.env)) hands out all of it.
        const it = this.ev(b.node, b.scope, env);
        v = element(it);
        if (b.path) for (const step of b.path) v = this.pathStep(v, step);
        return it.t & T_ENV ? addTaint(v, T_ENV, { env: it.o?.env ?? "process.env" }) : v;
      }
      case B_FN:
        return { t: 0, fn: b.node as FnNode };
      case B_IMPORT:
        return b.ref ? { t: 0, ref: b.ref } : NONE;
      case B_PARAM:
        v = this.param(b, name, env);
        break;
      default:
        return NONE;
    }
    if (b.path) for (const step of b.path) v = this.pathStep(v, step);
    return v;
  }

  private pathStep(v: Val, step: PathStep): Val {
    if (step === null) return v.ref ? taintOf(v, ~T_ENV) : taintOf(v);
    return this.memberOf(v, String(step), true);
  }

  /** The value of a parameter: the request of a handler, a callback's data, or what local callers pass. */
  private param(b: Binding, name: string, env: Map<Binding, Val> | undefined): Val {
    const s = b.scope;
    const fn = s.fn;
    if (!fn) return NONE;
    if (s.isHandler && b.index === s.handler?.req) {
      const registered = s.handler.registered;
      return {
        t: T_REQ,
        o: {
          req: `request parameter ${name} of the ${registered ? "handler" : "middleware"} at line ${this.lineOf(fn.start)}`,
          reqUnregistered: !registered,
        },
      };
    }
    if (s.site) {
      const v = this.callbackParam(s.site, b.index, s);
      if (v !== NONE) return v;
    }
    if (name === "require" || name === "module" || name === "exports") {
      // Bundler module wrappers: function (module, exports, require) { … }
      return { t: 0, ref: GLOBAL_REFS.get(name) ?? name };
    }
    // Local callers of a named function (context-insensitive, capped).
    const fnName = s.name ?? (fn.type !== "ArrowFunctionExpression" ? fn.id?.name : undefined);
    if (!fnName) return NONE;
    const sites = this.callsByName.get(fnName);
    if (!sites) return NONE;
    let v: Val = NONE;
    let n = 0;
    for (const i of sites) {
      if (++n > 24) break;
      const call = this.calls[i]!;
      const cs = this.callScopes[i]!;
      const callee = this.ev(call.callee, cs, env);
      if (callee.fn !== fn) continue;
      const arg = call.arguments[b.index];
      if (!arg) continue;
      v = join(
        v,
        arg.type === "SpreadElement" ? taintOf(this.ev(arg.argument, cs, env)) : this.ev(arg, cs, env),
      );
    }
    return v;
  }

  /** Parameters of a function passed to a call: a response, data events, fs callbacks, array iteration. */
  private callbackParam(call: CallNode, paramIndex: number, fnScope: Scope): Val {
    const scope = fnScope.parent ?? this.top;
    const callee = unwrap(call.callee);
    const cv = this.ev(callee, scope);
    const ref = cv.ref;
    const line = this.lineOf(call.start);
    if (ref) {
      const last = ref.slice(ref.lastIndexOf(".") + 1);
      if (ref.startsWith("dns.") && DNS_FUNCTIONS.has(last))
        return this.dnsPayload(call, scope, last)
          ? { t: T_NET, o: { net: `${short(this.src(callee), 40)}() at line ${line}` } }
          : NONE;
      if (this.isSendRef(ref) && ref !== "navigator.sendBeacon") {
        const t = ref.startsWith("net.") || ref.startsWith("tls.") ? T_SOCK : T_NET;
        return { t, o: { net: `${short(this.src(callee), 40)}() at line ${line}` } };
      }
      if (
        (ref.startsWith("fs.") || ref.startsWith("fs.promises.")) &&
        FS_READS.has(last) &&
        paramIndex >= 1
      ) {
        return this.readResult(call, scope, last, undefined);
      }
      if (DECOMPRESS.has(last) && DECOMPRESS_MODULES.has(ref.slice(0, ref.indexOf(".")))) {
        const data = this.ev(call.arguments[0], scope);
        if (!embedded(data)) return taintOf(data);
        return {
          t: data.t | T_DEC,
          o: mergeOrigins(data.o, { dec: `${short(this.src(callee), 40)}() at line ${line}` }),
        };
      }
      if (SHELL_STRING_PROCS.has(ref) && paramIndex >= 1) {
        const cmd = this.ev(call.arguments[0], scope);
        if (cmd.s !== undefined && DOWNLOAD_TOOL.test(cmd.s))
          return { t: T_NET, o: { net: `${short(cmd.s, 40)} at line ${line}` } };
      }
    }
    if (callee.type === "MemberExpression") {
      const prop = propName(callee);
      if (
        prop !== undefined &&
        /^(?:on|once|addListener|prependListener|then|catch|finally|forEach|map|filter|reduce|flatMap|find|some|every|pipe|subscribe)$/.test(
          prop,
        )
      ) {
        const recv = this.ev(callee.object, scope);
        // import('child_process').then((cp) => …): the module itself.
        if (prop === "then" && recv.ref !== undefined && paramIndex === 0)
          return { t: recv.t, ref: recv.ref };
        if (recv.t) return taintOf(recv);
      }
    }
    return NONE;
  }

  private member(node: acorn.MemberExpression, scope: Scope, env: Map<Binding, Val> | undefined): Val {
    const obj = node.object;
    // x.constructor.constructor is Function, reached through the prototype chain.
    const prop = node.computed ? exact(this.ev(node.property, scope, env)) : propName(node);
    if (prop === "constructor" && obj.type === "MemberExpression") {
      const inner = obj.computed ? exact(this.ev(obj.property, scope, env)) : propName(obj);
      if (inner === "constructor") return { t: 0, ref: "Function" };
    }
    if (obj.type === "Super") return NONE;
    const base = this.ev(obj, scope, env);
    if (prop === undefined) {
      // Unknown key: an element of an array/object, or obfuscated access.
      if (obj.type === "Identifier" && /^_0x[0-9a-f]{4,}$/i.test(obj.name))
        return {
          t: T_DEC,
          o: { dec: `obfuscator.io string array ${obj.name}[…] at line ${this.lineOf(node.start)}` },
        };
      if (base.ref === "global" || base.ref === "process" || base.ref === "child_process") return NONE;
      return element(base);
    }
    return this.memberOf(base, prop, false, node);
  }

  private memberOf(base: Val, prop: string, destructuring: boolean, node?: AnyNode): Val {
    if (base.ref !== undefined) {
      if (base.ref === "process.env") return { t: 0, s: `%${prop}%` };
      if (base.ref === "process" && prop === "env") {
        return {
          t: T_ENV,
          ref: "process.env",
          o: { env: `process.env${node ? ` at line ${this.lineOf(node.start)}` : ""}` },
        };
      }
      if (prop === "constructor" && base.fn) return { t: 0, ref: "Function" };
      const ref = memberRef(base.ref, prop);
      if (ref !== undefined) {
        const v: Val = { t: base.t & ~T_ENV, ref };
        if (base.o && v.t) v.o = base.o;
        return v;
      }
    }
    if (prop === "constructor" && base.fn) return { t: 0, ref: "Function" };
    if (base.obj) {
      const pv = base.obj.get(prop);
      if (pv) return pv;
    }
    if (base.arr && /^\d+$/.test(prop)) {
      const e = base.arr[Number(prop)];
      if (e) return e;
    }
    if (prop === "length") return NONE;
    if (base.s !== undefined && base.x && !destructuring) return NONE;
    // Data read from a tainted object stays tainted (`res.data`, `req.body.cmd`); the whole environment does not.
    return taintOf(base, ~T_ENV);
  }

  /** DNS answers that can carry a payload: TXT (and ANY) records, not addresses. */
  private dnsPayload(call: CallNode, scope: Scope, method: string): boolean {
    if (method === "resolveTxt" || method === "resolveAny") return true;
    if (method !== "resolve") return false;
    const type = this.arg(call.arguments, 1, scope).s;
    return type === "TXT" || type === "ANY";
  }

  private isSendRef(ref: string): boolean {
    if (SEND_FUNCTIONS.has(ref)) return true;
    const dot = ref.indexOf(".");
    if (dot > 0) {
      const mod = ref.slice(0, dot);
      const method = ref.slice(dot + 1);
      if (SEND_MODULES.has(mod) && SEND_METHODS.has(method)) return true;
      if (mod === "socket" || mod === "client" || mod === "xhr")
        return /^(?:write|end|send|connect|open)$/.test(method);
      if (mod === "dns" && DNS_FUNCTIONS.has(method)) return true;
      if (ref.startsWith("dns.promises.") && DNS_FUNCTIONS.has(ref.slice(13))) return true;
    }
    return false;
  }

  /** The callee's value, `.call`/`.apply` unwrapped, with the argument list it is called with. */
  private callee(
    node: CallNode,
    scope: Scope,
    env?: Map<Binding, Val>,
  ): { cv: Val; args: ArgNode[]; recv?: Val; prop?: string } {
    const callee = unwrap(node.callee);
    if (callee.type === "MemberExpression") {
      const prop = callee.computed ? exact(this.ev(callee.property, scope, env)) : propName(callee);
      if ((prop === "call" || prop === "apply") && node.type === "CallExpression") {
        const target = this.ev(callee.object, scope, env);
        if (target.ref || target.fn) {
          if (prop === "call") return { cv: target, args: node.arguments.slice(1) };
          const arr = node.arguments[1];
          if (arr?.type === "ArrayExpression")
            return { cv: target, args: arr.elements.filter((e) => e !== null) };
          return {
            cv: target,
            args: arr
              ? [{ type: "SpreadElement", argument: arr as acorn.Expression, start: arr.start, end: arr.end }]
              : [],
          };
        }
      }
      const recv = callee.object.type === "Super" ? NONE : this.ev(callee.object, scope, env);
      return { cv: this.ev(callee, scope, env), args: node.arguments, recv, prop };
    }
    return { cv: this.ev(callee, scope, env), args: node.arguments };
  }

  private arg(args: ArgNode[], i: number, scope: Scope, env?: Map<Binding, Val>): Val {
    const a = args[i];
    if (!a) return NONE;
    if (a.type === "SpreadElement") {
      const v = this.ev(a.argument, scope, env);
      return v.arr?.[0] ?? taintOf(v);
    }
    return this.ev(a, scope, env);
  }

  /** What a call returns. */
  private call(node: CallNode, scope: Scope, env: Map<Binding, Val> | undefined): Val {
    const callee = unwrap(node.callee);
    if (callee.type === "Identifier" && /^_0x[0-9a-f]{4,}$/i.test(callee.name)) {
      return {
        t: T_DEC,
        o: { dec: `obfuscator.io string decoder ${callee.name}() at line ${this.lineOf(node.start)}` },
      };
    }
    const { cv, args, recv, prop } = this.callee(node, scope, env);
    const ref = cv.ref;
    const line = this.lineOf(node.start);
    const a0 = () => this.arg(args, 0, scope, env);
    const allArgs = (mask: number) => {
      let v: Val = NONE;
      for (let i = 0; i < args.length && i < 16; i++)
        v = join(v, taintOf(this.arg(args, i, scope, env), mask));
      return v;
    };
    if (ref !== undefined) {
      switch (ref) {
        case "require":
        case "createRequire()": {
          const a = a0();
          if (a.x && a.s !== undefined) return { t: a.t & T_DEC, ref: moduleRef(a.s), o: a.o };
          // A module whose name was decoded: everything it gives is as hidden as its name.
          return taintOf(a, T_DEC);
        }
        case "Module.createRequire":
        case "createRequire":
          return { t: 0, ref: "require" };
        case "Buffer.from":
        case "Buffer":
        case "Buffer.alloc": {
          const data = a0();
          const enc = this.arg(args, 1, scope, env).s?.toLowerCase();
          if ((enc === "base64" || enc === "base64url" || enc === "hex") && embedded(data)) {
            const decoded =
              data.x && data.s !== undefined
                ? enc === "hex"
                  ? decodeHex(data.s)
                  : decodeBase64(data.s)
                : undefined;
            const v: Val = {
              t: data.t | T_DEC,
              o: mergeOrigins({ dec: `Buffer.from(…, '${enc}') at line ${line}` }, data.o),
            };
            if (decoded !== undefined && printable(decoded)) {
              v.s = decoded;
              v.x = true;
              v.n = 1;
            }
            return this.classifyString(v);
          }
          return data.arr ? { ...taintOf(data), s: charCodes(data.arr) } : data;
        }
        case "atob": {
          const data = a0();
          if (!embedded(data)) return NONE;
          const decoded = data.x && data.s !== undefined ? decodeBase64(data.s) : undefined;
          const v: Val = { t: data.t | T_DEC, o: mergeOrigins({ dec: `atob() at line ${line}` }, data.o) };
          if (decoded !== undefined && printable(decoded)) Object.assign(v, { s: decoded, x: true, n: 1 });
          return this.classifyString(v);
        }
        case "String.fromCharCode":
        case "String.fromCodePoint": {
          const spread = args.some((a) => a.type === "SpreadElement");
          if (args.length < 3 && !spread) return allArgs(PASS_UNKNOWN);
          const vals = spread
            ? (this.arg(args, 0, scope, env).arr ?? [])
            : args.map((_, i) => this.arg(args, i, scope, env));
          if (!vals.some(embedded) && !(spread && embedded(this.arg(args, 0, scope, env)))) return NONE;
          const s = charCodes(vals);
          const v: Val = { ...allArgs(PASS_UNKNOWN), o: { dec: `String.fromCharCode() at line ${line}` } };
          v.t |= T_DEC;
          if (s !== undefined) Object.assign(v, { s, x: true, n: 1 });
          return this.classifyString(v);
        }
        case "unescape":
        case "decodeURIComponent":
        case "decodeURI":
        case "querystring.unescape": {
          const data = a0();
          if (
            data.x &&
            data.s !== undefined &&
            (data.s.match(/%[0-9a-fA-F]{2}|%u[0-9a-fA-F]{4}/g)?.length ?? 0) >= 3
          ) {
            const decoded = decodePercent(data.s);
            const v: Val = {
              t: data.t | T_DEC,
              o: mergeOrigins({ dec: `${ref}() of %-escapes at line ${line}` }, data.o),
            };
            if (decoded !== undefined) Object.assign(v, { s: decoded, x: true, n: 1 });
            return this.classifyString(v);
          }
          return taintOf(data);
        }
        case "eval": {
          const a = a0();
          if (a.x && a.s !== undefined) {
            const code = a.s.trim();
            if (code === "require") return { t: 0, ref: "require" };
            if (/^(?:this|globalThis|global|window|self)$/.test(code)) return { t: 0, ref: "global" };
          }
          return taintOf(a);
        }
        case "Function": {
          const body = this.arg(args, args.length - 1, scope, env);
          if (
            body.x &&
            body.s !== undefined &&
            /^\s*return\s+(?:this|globalThis|global|window|self)\b\s*;?\s*$/.test(body.s)
          )
            return { t: 0, ref: "global-getter" };
          if (body.x && body.s !== undefined && /^\s*return\s+require\s*;?\s*$/.test(body.s))
            return { t: 0, ref: "require-getter" };
          return taintOf(body);
        }
        case "global-getter":
          return { t: 0, ref: "global" };
        case "require-getter":
          return { t: 0, ref: "require" };
        case "Object.getPrototypeOf":
        case "util.promisify":
        case "promisify":
        case "Reflect.get":
          return ref === "Reflect.get" ? NONE : a0();
        case "os.homedir":
          return { t: 0, s: "~" };
        case "os.tmpdir":
          return { t: 0, s: "/tmp" };
        case "process.cwd":
          return { t: 0, s: "." };
        case "crypto.createDecipher":
        case "crypto.createDecipheriv":
          return { t: T_DEC, ref: "decipher", o: { dec: `${ref}() at line ${line}` } };
        case "fs.createWriteStream": {
          const p = this.arg(args, 0, scope, env);
          const v: Val = { t: 0, ref: "wstream", key: this.pathKey(args[0], scope, env) };
          if (p.s !== undefined) v.s = p.s;
          return v;
        }
        case "XMLHttpRequest":
          return { t: T_NET, ref: "xhr", o: { net: `XMLHttpRequest at line ${line}` } };
        case "Module":
          return { t: 0, ref: "Module" };
      }
      if (this.isSendRef(ref)) {
        if (ref.startsWith("dns.")) {
          const method = ref.slice(ref.lastIndexOf(".") + 1);
          return this.dnsPayload(node, scope, method)
            ? { t: T_NET, o: { net: `${short(this.src(callee), 40)}() at line ${line}` } }
            : NONE;
        }
        const sock =
          ref.startsWith("net.") ||
          ref.startsWith("tls.") ||
          ref === "WebSocket" ||
          ref === "ws" ||
          ref === "ws.WebSocket";
        const o: Origins = { net: `${short(this.src(callee), 40)}() at line ${line}` };
        if (sock) return { t: T_SOCK, ref: "socket", o };
        if (
          ref === "http.request" ||
          ref === "https.request" ||
          ref === "http.get" ||
          ref === "https.get" ||
          ref === "http2.connect"
        )
          return { t: T_NET, ref: "client", o };
        if (ref === "axios.create" || ref === "got.extend")
          return { t: 0, ref: ref.slice(0, ref.indexOf(".")) };
        return { t: T_NET, o };
      }
      if (ref === "axios.create" || ref === "got.extend")
        return { t: 0, ref: ref.slice(0, ref.indexOf(".")) };
      if (ref === "dgram.createSocket")
        return { t: T_SOCK, ref: "socket", o: { net: `dgram socket at line ${line}` } };
      if (SHELL_STRING_PROCS.has(ref) || FILE_PROCS.has(ref)) {
        const cmd = this.arg(args, 0, scope, env);
        if (cmd.s !== undefined && SHELL_EXE.test(cmd.s.trim())) return { t: 0, ref: "shell-process" };
        if (
          SHELL_STRING_PROCS.has(ref) &&
          cmd.s !== undefined &&
          DOWNLOAD_TOOL.test(cmd.s) &&
          !/[|>]/.test(cmd.s)
        )
          return { t: T_NET, o: { net: `${short(cmd.s, 40)} at line ${line}` } };
        return { t: 0, ref: "process" };
      }
      if (SERIALISERS.has(ref)) return join(allArgs(-1), stringOfArgs(ref, args.length === 1 ? a0() : NONE));
      const dot = ref.indexOf(".");
      const mod = dot > 0 ? ref.slice(0, dot) : ref;
      const last = ref.slice(ref.lastIndexOf(".") + 1);
      if (DECOMPRESS.has(last) && DECOMPRESS_MODULES.has(mod)) {
        const data = a0();
        if (!embedded(data)) return taintOf(data);
        return { t: data.t | T_DEC, o: mergeOrigins({ dec: `${ref}() at line ${line}` }, data.o) };
      }
      if (mod === "path" || ref.startsWith("path.posix.") || ref.startsWith("path.win32.")) {
        if (last === "join" || last === "resolve" || last === "normalize" || last === "format")
          return this.pathJoin(args, scope, env);
        if (last === "basename" || last === "dirname" || last === "extname" || last === "relative")
          return taintOf(allArgs(-1), ~T_ENV);
      }
      if ((mod === "fs" || ref.startsWith("fs.promises.")) && FS_READS.has(last))
        return this.readResult(node, scope, last, env, args);
      if (ref === "decipher.update" || ref === "decipher.final")
        return { t: T_DEC | (cv.t & ~T_DEC), o: cv.o };
      if (ref === "process.binding" || ref === "process._linkedBinding") return NONE;
    }
    if (cv.fn) return this.callLocal(cv.fn, args, scope, env);
    // Methods computed on constant strings and arrays (split/reverse/join games).
    if (recv && prop !== undefined) {
      const m = this.method(recv, prop, args, scope, env, line);
      if (m) return m;
      if (
        DECODE_METHODS.test(prop) &&
        (DECODE_RECEIVER.test(this.src(callee)) || /^(?:decrypt|decipher|fromBase64|b64decode)$/.test(prop))
      ) {
        const data = allArgs(PASS_UNKNOWN);
        if (!args.some((_, i) => embedded(this.arg(args, i, scope, env)))) return join(taintOf(recv), data);
        return {
          t: data.t | recv.t | T_DEC,
          o: mergeOrigins({ dec: `${short(this.src(callee), 40)}() at line ${line}` }, data.o),
        };
      }
      // A method of tainted data returns tainted data (`res.text()`, `buf.toString()`); its arguments flow into
      // the result only for methods that combine or convert them (indices and callbacks do not).
      if (PROPAGATING_METHODS.has(prop)) return join(taintOf(recv), allArgs(PASS_UNKNOWN));
      return taintOf(recv);
    }
    return allArgs(PASS_UNKNOWN);
  }

  private method(
    recv: Val,
    prop: string,
    args: ArgNode[],
    scope: Scope,
    env: Map<Binding, Val> | undefined,
    line: number,
  ): Val | undefined {
    const a0 = () => this.arg(args, 0, scope, env);
    if (
      prop === "toString" ||
      prop === "valueOf" ||
      prop === "trim" ||
      prop === "toLowerCase" ||
      prop === "toUpperCase"
    ) {
      const enc = this.arg(args, 0, scope, env).s;
      if (prop === "toString" && enc && /^(?:hex|base64|base64url)$/.test(enc)) return taintOf(recv);
      if (recv.s === undefined) return recv.arr ? taintOf(recv) : recv;
      const s =
        prop === "trim"
          ? recv.s.trim()
          : prop === "toLowerCase"
            ? recv.s.toLowerCase()
            : prop === "toUpperCase"
              ? recv.s.toUpperCase()
              : recv.s;
      return { ...recv, s };
    }
    if (recv.s !== undefined && recv.x) {
      switch (prop) {
        case "split": {
          const sep = a0();
          if (sep.x && sep.s !== undefined && recv.s.length <= 20_000) {
            const parts = recv.s.split(sep.s);
            return { t: recv.t, arr: parts.slice(0, MAX_ITEMS * 16).map((p) => str(p)), o: recv.o };
          }
          return taintOf(recv);
        }
        case "replace":
        case "replaceAll": {
          const from = args[0];
          const to = this.arg(args, 1, scope, env);
          const fromS = from && from.type !== "SpreadElement" ? stringLiteral(from) : undefined;
          if (fromS !== undefined && to.x && to.s !== undefined) {
            const s =
              prop === "replace" ? recv.s.replace(fromS, () => to.s!) : recv.s.split(fromS).join(to.s);
            return { ...recv, s, n: Math.max(recv.n ?? 1, 2) };
          }
          return { ...taintOf(recv), s: recv.s };
        }
        case "concat": {
          let v: Val = recv;
          for (let i = 0; i < args.length; i++) v = concat(v, this.arg(args, i, scope, env));
          return v;
        }
        case "slice":
        case "substring":
        case "substr": {
          const a = Number(a0().s);
          const bArg = this.arg(args, 1, scope, env).s;
          const b = bArg === undefined ? undefined : Number(bArg);
          if (Number.isFinite(a) && (b === undefined || Number.isFinite(b))) {
            const s =
              prop === "slice"
                ? recv.s.slice(a, b)
                : prop === "substring"
                  ? recv.s.substring(a, b)
                  : recv.s.substr(a, b);
            return { ...recv, s };
          }
          return taintOf(recv);
        }
        case "charAt":
          return taintOf(recv);
      }
    }
    if (recv.arr) {
      switch (prop) {
        case "reverse": {
          const v: Val = {
            t: recv.t | T_DEC,
            arr: [...recv.arr].reverse(),
            o: mergeOrigins({ dec: `reversed string at line ${line}` }, recv.o),
          };
          return v;
        }
        case "join": {
          const sep = args.length ? a0() : str(",");
          if (sep.s === undefined) return taintOf(recv);
          let s = "";
          let exact = sep.x === true && !recv.open;
          let pieces = 0;
          let t = recv.t;
          let o = recv.o;
          for (let i = 0; i < recv.arr.length; i++) {
            const e = recv.arr[i]!;
            if (i > 0) s += sep.s;
            s += e.s ?? UNKNOWN_PART;
            if (!e.x) exact = false;
            if (e.s) pieces += Math.max(1, e.n ?? 1);
            t |= e.t;
            o = mergeOrigins(o, e.o);
            if (s.length > MAX_STRING) return taintOf(recv);
          }
          const v: Val = { t, s };
          if (exact) Object.assign(v, { x: true, n: pieces });
          if (o) v.o = o;
          return this.classifyString(v);
        }
        case "map": {
          // arr.map(c => String.fromCharCode(c)) / arr.map(String.fromCharCode)
          const f = args[0];
          if (f && f.type !== "SpreadElement" && this.src(f).includes("fromCharCode")) {
            const codes = charCodes(recv.arr);
            const v: Val = {
              t: recv.t | T_DEC,
              o: mergeOrigins({ dec: `String.fromCharCode mapping at line ${line}` }, recv.o),
            };
            if (codes !== undefined && isFunctionNode(f) === false) v.arr = [...codes].map((c) => str(c));
            return v;
          }
          return taintOf(recv);
        }
        case "concat":
        case "slice":
        case "filter":
          return { ...taintOf(recv), arr: recv.arr };
      }
    }
    if (
      prop === "then" ||
      prop === "json" ||
      prop === "text" ||
      prop === "arrayBuffer" ||
      prop === "buffer" ||
      prop === "blob"
    )
      return taintOf(recv);
    return undefined;
  }

  /** A call to a local function: its return value, evaluated for these constant arguments when it is small. */
  private callLocal(fn: FnNode, args: ArgNode[], scope: Scope, env: Map<Binding, Val> | undefined): Val {
    const fs = this.fnScopes.get(fn);
    if (!fs?.returns) return NONE;
    // Context-sensitive for small decoders (`function e(r){ return Buffer.from(r, 'hex').toString() }`): at most
    // two levels deep, small functions only, cached per argument values.
    if (
      fs.returns.length === 1 &&
      fn.params.length <= 4 &&
      fn.end - fn.start <= 1500 &&
      this.inlining < 2 &&
      args.length > 0 &&
      !this.fnBusy.has(fn)
    ) {
      const argVals = args.map((_, i) => this.arg(args, i, scope, env));
      if (argVals.some((a) => a.x || a.t) && fn.params.every((p) => p.type === "Identifier")) {
        const key = argVals.map((a) => `${a.t}:${a.x ? a.s : ""}`).join("\u0000");
        let cache = this.inlineCache.get(fn);
        const hit = cache?.get(key);
        if (hit) return hit;
        const inner = new Map(env ?? []);
        fn.params.forEach((p, i) => {
          const b = fs.vars?.get((p as acorn.Identifier).name)?.find((x) => x.kind === B_PARAM);
          if (b) inner.set(b, argVals[i] ?? NONE);
        });
        this.fnBusy.add(fn);
        this.inlining++;
        this.inlined.add(fs);
        let v: Val;
        try {
          v = this.ev(fs.returns[0], fs, inner);
        } finally {
          this.inlining--;
          this.fnBusy.delete(fn);
          this.inlined.delete(fs);
        }
        if (!cache) {
          cache = new Map();
          this.inlineCache.set(fn, cache);
        }
        if (cache.size < 64) cache.set(key, v);
        return v;
      }
    }
    const memo = this.fnReturns.get(fn);
    if (memo) return memo;
    if (this.fnBusy.has(fn)) return NONE;
    this.fnBusy.add(fn);
    let v: Val = NONE;
    try {
      for (const r of fs.returns.slice(0, 16)) v = join(v, this.ev(r, fs));
    } finally {
      this.fnBusy.delete(fn);
    }
    this.fnReturns.set(fn, v);
    return v;
  }

  private pathJoin(args: ArgNode[], scope: Scope, env: Map<Binding, Val> | undefined): Val {
    let v: Val | undefined;
    for (let i = 0; i < args.length && i < 16; i++) {
      const a = this.arg(args, i, scope, env);
      const part: Val =
        a.s === undefined
          ? { ...taintOf(a, ~T_ENV), s: UNKNOWN_PART }
          : taintOf(a, ~T_ENV).t
            ? { ...a, t: a.t & ~T_ENV }
            : a;
      v = v === undefined ? part : concat(concat(v, str("/", 0)), part);
    }
    if (!v) return NONE;
    if (v.s !== undefined) {
      const kind = secretPathKind(v.s);
      if (kind) v = addTaint(v, T_SPATH, { secretKind: kind, secret: v.s });
    }
    return v;
  }

  /** A read of a file (or directory): secret content when the path is a secret location. */
  private readResult(
    call: CallNode,
    scope: Scope,
    method: string,
    env: Map<Binding, Val> | undefined,
    args?: ArgNode[],
  ): Val {
    const path = this.arg(args ?? call.arguments, 0, scope, env);
    const kind = this.secretKindOf(path);
    if (!kind)
      return method.startsWith("read") || method.startsWith("create")
        ? { t: T_FILE | (path.t & ~(T_SPATH | T_ENV | T_EP)) }
        : NONE;
    const line = this.lineOf(call.start);
    const shown = this.secretShown(path);
    if (method.startsWith("readdir") || method.startsWith("opendir"))
      return {
        t: T_SPATH,
        s: `${path.s ?? UNKNOWN_PART}/${UNKNOWN_PART}`,
        o: { secretKind: kind, secret: `${short(shown)} listed at line ${line}` },
      };
    return { t: T_SECRET, o: { secretKind: kind, secret: `${short(shown)} read at line ${line}` } };
  }

  /** The path to show: the computed one when it names the secret, else the literal it came from. */
  private secretShown(path: Val): string {
    if (path.s !== undefined && secretPathKind(path.s)) return path.s;
    return path.o?.secret ?? path.s ?? "a secret location";
  }

  private secretKindOf(path: Val): SecretKind | undefined {
    if (path.s !== undefined) {
      const k = secretPathKind(path.s);
      if (k) return k;
    }
    if (path.t & T_SPATH) return path.o?.secretKind;
    return undefined;
  }

  private pathKey(node: ArgNode | undefined, scope: Scope, env?: Map<Binding, Val>): string {
    if (!node) return "";
    const v = node.type === "SpreadElement" ? NONE : this.ev(node, scope, env);
    if (v.x && v.s !== undefined) return `s:${v.s}`;
    return `n:${this.src(node).replace(/\s+/g, "")}`;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Phase 2: the sinks

  private evaluate(): void {
    const calls = this.calls;
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!;
      const scope = this.callScopes[i]!;
      const callee = unwrap(call.callee);
      if (callee.type === "Identifier") {
        if (!GLOBAL_REFS.has(callee.name) && !/^_0x/i.test(callee.name)) {
          const list = lookup(callee.name, scope);
          if (!list || list.every((b) => b.kind === B_FN || (b.kind === B_INIT && isFunctionNode(b.node))))
            continue;
        }
      } else if (callee.type === "MemberExpression") {
        if (!callee.computed) {
          const p = callee.property;
          if (p.type !== "Identifier" || !SINK_PROPS.has(p.name)) continue;
        }
      } else if (callee.type !== "CallExpression") continue;
      this.checkCall(call, scope);
    }
    for (const { node, scope } of this.imports) this.checkRequire(node, [node.source], scope, "import()");
    for (const { node, scope } of this.shellTemplates)
      this.checkProcess(node, [node.quasi], scope, "child_process.execSync", short(this.src(node.tag), 20));
    for (const { node, scope } of this.globalLookups) this.checkGlobalLookup(node, scope);
    this.finish();
  }

  private checkCall(call: CallNode, scope: Scope): void {
    const callee = unwrap(call.callee);
    const { cv, args, recv, prop } = this.callee(call, scope);
    const ref = cv.ref;
    const name = short(this.src(callee), 40);
    if (callee.type === "MemberExpression" && callee.computed && prop === undefined) {
      this.checkHiddenMethod(call, callee, scope);
    } else if (callee.type === "MemberExpression" && callee.computed) {
      // obj['ex' + 'ec'](…): a built method name.
      const key = this.ev(callee.property, scope);
      if (key.x && key.s !== undefined && (key.t & T_DEC || (key.n ?? 0) >= 2) && DANGEROUS_NAMES.has(key.s))
        this.add(
          "hidden-import",
          call.start,
          `calls ${key.s}() through a name ${key.t & T_DEC ? `decoded by ${key.o?.dec}` : "built from pieces"}`,
        );
      else if (key.t & T_DEC) this.checkHiddenMethod(call, callee, scope);
    }
    if (
      (prop === "then" || prop === "on" || prop === "once") &&
      recv &&
      recv.t & (T_NET | T_SOCK | T_DEC | T_REQ)
    ) {
      // fetch(u).then((r) => r.text()).then(eval): a code sink handed the data as a callback.
      for (let i = 0; i < args.length; i++) {
        const f = this.arg(args, i, scope);
        if (
          f.ref !== undefined &&
          CODE_SINKS.has(f.ref) &&
          f.ref !== "setTimeout" &&
          f.ref !== "setInterval"
        ) {
          this.checkCodeValue(call, taintOf(recv), `${f.ref}() (as a callback)`, scope);
          break;
        }
      }
      return;
    }
    if (ref === undefined) {
      if (prop === "_compile") this.checkCode(call, args, scope, `${name}()`, 0);
      else if (prop === "pipe" || prop === "pipeline") this.checkPipe(call, args, recv, scope);
      else if (prop !== undefined && SQL_METHODS.has(prop) && this.handlers.length)
        this.checkSql(call, callee, args, scope, prop);
      return;
    }
    if (ref === "Function" && callee.type === "MemberExpression" && propName(callee) === "constructor") {
      const body = this.arg(args, args.length - 1, scope);
      if (!(body.x && body.s !== undefined && /^\s*return\s+this\s*;?\s*$/.test(body.s)))
        this.add(
          "hidden-import",
          call.start,
          "reaches the Function constructor through x.constructor.constructor",
        );
    }
    if (CODE_SINKS.has(ref) || ref.endsWith("._compile")) {
      if (ref === "setTimeout" || ref === "setInterval") {
        const a = this.arg(args, 0, scope);
        if (a.fn || (a.s === undefined && !(a.t & (T_DEC | T_NET | T_SOCK | T_REQ)))) return;
        this.checkCode(call, args, scope, `${ref}()`, 0);
        return;
      }
      if (ref === "Worker" || ref === "worker_threads.Worker") {
        const opts = this.arg(args, 1, scope);
        if (opts.obj?.get("eval")?.s !== "true") return;
        this.checkCode(call, args, scope, "new Worker(…, { eval: true })", 0);
        return;
      }
      if (ref === "Function") {
        this.checkCode(call, args, scope, "Function()", args.length - 1);
        return;
      }
      this.checkCode(call, args, scope, `${ref === "eval" ? "eval" : name}()`, 0);
      return;
    }
    if (SHELL_STRING_PROCS.has(ref) || FILE_PROCS.has(ref)) {
      this.checkProcess(call, args, scope, ref, name);
      return;
    }
    if (ref === "require" || ref === "Module._load") {
      this.checkRequire(call, args, scope, "require()");
      return;
    }
    if (ref === "process.dlopen") {
      this.recordRun(args[1], scope, call.start, "process.dlopen()");
      return;
    }
    if (ref === "process.binding" || ref === "process._linkedBinding") {
      const b = this.arg(args, 0, scope);
      if (b.s !== undefined && LOW_LEVEL_BINDINGS.has(b.s))
        this.add(
          "hidden-import",
          call.start,
          `uses the internal ${b.s} binding to run processes without child_process`,
        );
      return;
    }
    if (this.isSendRef(ref)) {
      this.checkSend(call, args, scope, name);
      return;
    }
    const dot = ref.lastIndexOf(".");
    const last = ref.slice(dot + 1);
    const fsRef = ref.startsWith("fs.") ? ref : undefined;
    if (fsRef) {
      if (FS_WRITES.has(last) || last === "createWriteStream")
        this.checkWrite(call, args, scope, name, last === "createWriteStream" ? -1 : 1, 0);
      else if (FS_COPIES.has(last) || last === "symlink" || last === "symlinkSync") {
        this.checkWrite(call, args, scope, name, -1, 1);
        this.checkRead(call, args, scope);
      } else if (FS_READS.has(last)) this.checkRead(call, args, scope);
      return;
    }
    if (ref === "shell-process.stdin.write" || ref === "shell-process.stdin.end") {
      const d = this.arg(args, 0, scope);
      if (d.t & T_SOCK)
        this.add(
          "reverse-shell",
          call.start,
          `writes data received on a network socket (${d.o?.net}) to a shell's stdin`,
        );
      return;
    }
    if (
      prop === "pipe" ||
      prop === "pipeline" ||
      ref === "stream.pipeline" ||
      ref === "stream.promises.pipeline"
    ) {
      this.checkPipe(call, args, recv, scope);
      return;
    }
    if (prop !== undefined && SQL_METHODS.has(prop) && this.handlers.length)
      this.checkSql(call, callee, args, scope, prop);
    // Any other call handed a browser, Discord or wallet path (sqlite, leveldb readers) reads it.
    if (args.length && this.checkSecrets) {
      const p = this.arg(args, 0, scope);
      const kind = p.s !== undefined ? this.secretKindOf(p) : undefined;
      if (kind && (kind === "browser" || kind === "discord" || kind === "wallet" || kind === "keychain"))
        this.secretReads.push({ kind, start: call.start, path: p.s ?? "", flowed: false });
    }
  }

  private checkHiddenMethod(call: CallNode, callee: acorn.MemberExpression, scope: Scope): void {
    const key = this.ev(callee.property, scope);
    if (!(key.t & T_DEC)) return;
    const shown = key.x && key.s !== undefined ? ` ("${short(key.s, 30)}")` : "";
    this.add(
      "hidden-import",
      call.start,
      `calls a method whose name${shown} is decoded at run time by ${key.o?.dec ?? "a decoder"}`,
    );
    // Decoded method name and decoded payload: `f[e(n[7])](decipheredCode)` (event-stream).
    for (let i = 0; i < call.arguments.length; i++) {
      const a = this.arg(call.arguments, i, scope);
      if (a.t & T_DEC && a !== key) {
        const obj = this.ev(callee.object, scope);
        if (
          obj.ref === "Module" ||
          obj.ref === "global" ||
          obj.ref === "child_process" ||
          obj.ref === "vm" ||
          obj.t & T_DEC
        ) {
          const what = obj.ref ?? "a module loaded by a decoded name";
          this.add(
            "exec-obfuscated",
            call.start,
            `calls a hidden method of ${what} with data decoded by ${a.o?.dec ?? "a decoder"}`,
          );
        }
        break;
      }
    }
  }

  /** eval/Function/vm/_compile/setTimeout(string): decoded, fetched, built or request data run as code. */
  private checkCode(call: CallNode, args: ArgNode[], scope: Scope, sink: string, index: number): void {
    const from = sink === "Function()" ? 0 : index;
    const to = sink === "Function()" ? args.length - 1 : index;
    for (let i = from; i <= to; i++) {
      const v = this.arg(args, i, scope);
      if (this.checkCodeValue(call, v, sink, scope)) return;
    }
  }

  private checkCodeValue(call: CallNode, v: Val, sink: string, scope: Scope): boolean {
    const start = call.start;
    if (v.t & T_DEC) {
      const preview = v.x && v.s !== undefined ? `: ${JSON.stringify(short(v.s, 50))}` : "";
      this.add("exec-obfuscated", start, `${sink} runs data decoded by ${v.o?.dec ?? "a decoder"}${preview}`);
      this.nested(v, start, sink);
      return true;
    }
    if (v.t & (T_NET | T_SOCK)) {
      this.add("download-exec", start, `${sink} runs data fetched by ${v.o?.net ?? "a network call"}`);
      return true;
    }
    if (v.t & T_REQ) {
      this.requestSink(call, scope, v, sink);
      return true;
    }
    if (v.x && v.s !== undefined && (v.n ?? 0) >= 2) {
      this.add(
        "exec-built-string",
        start,
        `${sink} runs a string assembled from ${v.n} pieces: ${JSON.stringify(short(v.s, 50))}`,
      );
      this.nested(v, start, sink);
      return true;
    }
    if (v.x && v.s !== undefined) this.nested(v, start, sink);
    return false;
  }

  /** Analyses a constant code string run by eval/Function (decoded payloads included) as code of its own. */
  private nested(v: Val, start: number, sink: string): void {
    if (this.nesting >= MAX_NESTED || v.s === undefined || v.s.length < 16 || !JS_PREFILTER.test(v.s)) return;
    let inner: Finding[];
    try {
      const a = new Analysis(v.s, false, this.nesting + 1);
      inner = a.run();
    } catch {
      return;
    }
    const line = this.lineOf(start);
    for (const f of inner) {
      this.add(f.rule, start, `in code run by ${sink} at line ${line}: ${f.why}`, f.severity);
    }
  }

  /** child_process: what the command runs and what it carries. */
  private checkProcess(call: Sited, args: ArgNode[], scope: Scope, ref: string, name: string): void {
    const start = call.start;
    const file = this.arg(args, 0, scope);
    let cmd = file;
    let argv: Val[] = [];
    if (FILE_PROCS.has(ref)) {
      const a1 = this.arg(args, 1, scope);
      if (a1.arr) {
        argv = a1.arr;
        for (const a of a1.arr) cmd = concat(concat(cmd, str(" ", 0)), a);
      } else if (a1.t && !a1.obj) cmd = join(cmd, taintOf(a1));
    }
    const text = cmd.s ?? "";
    const sink = `${name}()`;
    if (cmd.t & T_DEC) {
      const preview = cmd.x && cmd.s !== undefined ? `: ${JSON.stringify(short(cmd.s, 50))}` : "";
      this.add(
        "exec-obfuscated",
        start,
        `${sink} runs a command decoded by ${cmd.o?.dec ?? "a decoder"}${preview}`,
      );
    }
    if (cmd.t & T_SOCK)
      this.add("reverse-shell", start, `${sink} runs commands received on a network socket (${cmd.o?.net})`);
    else if (cmd.t & T_NET && this.runsData(file, argv, cmd, FILE_PROCS.has(ref)))
      this.add("download-exec", start, `${sink} runs a command fetched by ${cmd.o?.net ?? "a network call"}`);
    if (cmd.t & T_REQ) this.requestToProcess(call, args, scope, ref, file, argv, cmd, sink);
    if (cmd.t & T_ENV)
      this.add(
        "env-exfil",
        start,
        `${sink} is handed the whole environment (${cmd.o?.env ?? "process.env"})`,
      );
    if (cmd.t & T_SECRET) {
      this.add(
        "secret-exfil",
        start,
        `${sink} is handed ${secretLabel(cmd.o?.secretKind)} data (${cmd.o?.secret})`,
      );
      this.markFlowed(cmd);
    } else if (UPLOAD_TOOL.test(text)) {
      // `curl -F f=@~/.ssh/id_rsa …`: a network tool handed a secret file.
      const kind = this.secretKindOf(cmd) ?? secretKindIn(text);
      if (kind)
        this.add(
          "secret-exfil",
          start,
          `${sink} hands ${SECRET_LABEL[kind]} files to a network tool: ${short(text)}`,
        );
    }
    if (text) {
      const download = downloadAndRunCommand(text);
      if (download)
        this.addEvidence(
          "download-exec",
          start,
          `${sink} runs a download-and-run command: ${short(download)}`,
          text,
        );
      const reverse = reverseShellCommand(text);
      if (reverse)
        this.addEvidence("reverse-shell", start, `${sink} runs a reverse shell: ${short(reverse)}`, text);
      const encoded = encodedCommand(text);
      const ps = /(?:^|[/\\])(?:powershell|pwsh)(?:\.exe)?$/i.test(file.s?.trim() ?? "");
      const flag = ps ? argv.findIndex((a) => a.s !== undefined && POWERSHELL_ENC_FLAG.test(a.s)) : -1;
      const payload = flag >= 0 ? argv[flag + 1] : undefined;
      if (payload?.x && payload.s !== undefined) {
        // An opaque literal after -EncodedCommand (one encoded here from readable text, as `open` does, is not hidden).
        const decoded = decodeBase64(payload.s);
        const shown = decoded ? Buffer.from(decoded, "latin1").toString("utf16le") : payload.s;
        this.addEvidence(
          "encoded-command",
          start,
          `${sink} runs PowerShell with an encoded command: ${short(shown)}`,
          text,
        );
      } else if (encoded)
        this.addEvidence(
          "encoded-command",
          start,
          `${sink} runs an encoded or hidden command: ${short(encoded)}`,
          text,
        );
      const p = persistenceKind(text);
      if (p || PERSIST_COMMAND.test(text)) {
        const what = p ?? short(PERSIST_COMMAND.exec(text)?.[0] ?? "", 40);
        this.addEvidence(
          "persistence",
          start,
          `${sink} installs an autostart entry (${what}): ${short(text)}`,
          text,
        );
      }
      const ep = this.checkEndpoints ? exfilEndpoint(text) : undefined;
      if (ep)
        this.addEvidence(
          "exfil-endpoint",
          start,
          `${sink} contacts ${ENDPOINT_LABEL[ep.kind] ?? ep.kind}: ${short(ep.match)}`,
          text,
          "high",
        );
    }
    if (file.s !== undefined && SHELL_EXE.test(file.s.trim()))
      this.shellProcesses.push({ start, what: file.s.trim() });
    // A downloaded or decoded file being run.
    this.recordRun(args[0], scope, start, sink, text);
    for (const a of argv) if (a.x && a.s) this.runs.push({ key: `s:${a.s}`, text: a.s, start, via: sink });
  }

  /**
   * Whether fetched data in a command is what runs (the program, the whole command line, or code handed to a
   * shell or interpreter with -c/-e) rather than an argument of a fixed program (`open(url)` → `xdg-open <url>`).
   */
  private runsData(file: Val, argv: Val[], cmd: Val, fileAndArgs: boolean): boolean {
    if (file.t & T_NET) {
      // (`''` is no program name: a buffer that fetched chunks were appended to elsewhere, `b += d` in a callback)
      if (!fileAndArgs && file.s && !file.s.startsWith(UNKNOWN_PART)) {
        // A shell string: fetched data after a literal program name is an argument, unless that program runs code.
        return RUNS_CODE.test(file.s);
      }
      return true;
    }
    const text = cmd.s ?? "";
    return fileAndArgs && argv.some((a) => a.t & T_NET) && RUNS_CODE.test(text);
  }

  private recordRun(
    node: ArgNode | undefined,
    scope: Scope,
    start: number,
    via: string,
    text?: string,
  ): void {
    if (!node) return;
    this.runs.push({ key: this.pathKey(node, scope), text: `${text ?? ""}\n${this.src(node)}`, start, via });
  }

  private checkRequire(
    node: CallNode | acorn.ImportExpression,
    args: (ArgNode | acorn.Expression)[],
    scope: Scope,
    sink: string,
  ): void {
    const a = args[0];
    if (!a || a.type === "SpreadElement") return;
    if (stringLiteral(a) !== undefined) return;
    const v = this.ev(a, scope);
    const start = node.start;
    this.recordRun(a, scope, start, sink);
    if (v.t & T_DEC) {
      const shown = v.x && v.s !== undefined ? ` "${short(v.s, 40)}"` : "";
      this.add(
        "hidden-import",
        start,
        `${sink} of a module name${shown} decoded by ${v.o?.dec ?? "a decoder"}`,
      );
      return;
    }
    if (v.t & (T_NET | T_SOCK)) {
      this.add("download-exec", start, `${sink} loads a module named by data fetched by ${v.o?.net}`);
      return;
    }
    if (v.x && v.s !== undefined && (v.n ?? 0) >= 2 && DANGEROUS_MODULES.has(moduleRef(v.s)))
      this.add("hidden-import", start, `${sink} of "${v.s}", a module name built from ${v.n} pieces`);
  }

  private checkGlobalLookup(node: acorn.MemberExpression, scope: Scope): void {
    const obj = node.object as acorn.Identifier;
    const p = node.property;
    const lit = stringLiteral(p);
    const isProcess = obj.name === "process" && !lookup("process", scope);
    if (lookup(obj.name, scope)) return;
    if (lit !== undefined) {
      if (isProcess && /^(?:binding|_linkedBinding|dlopen|mainModule)$/.test(lit))
        this.add("hidden-import", node.start, `reaches process.${lit} through a computed lookup`);
      return;
    }
    const key = this.ev(p, scope);
    if (key.t & T_DEC) {
      const shown = key.x && key.s !== undefined ? ` ("${short(key.s, 30)}")` : "";
      this.add(
        "hidden-import",
        node.start,
        `looks up ${obj.name}[…] with a name${shown} decoded by ${key.o?.dec ?? "a decoder"}`,
      );
      return;
    }
    if (key.x && key.s !== undefined && (key.n ?? 0) >= 2 && DANGEROUS_NAMES.has(key.s))
      this.add(
        "hidden-import",
        node.start,
        `looks up ${obj.name}["${key.s}"] through a name built from ${key.n} pieces`,
      );
  }

  private checkSend(call: CallNode, args: ArgNode[], scope: Scope, name: string): void {
    this.hasSend = true;
    const start = call.start;
    let all: Val = NONE;
    for (let i = 0; i < args.length && i < 8; i++) {
      const a = this.arg(args, i, scope);
      if (a.fn) continue;
      all = join(all, deepTaint(a));
    }
    const sink = `${name}()`;
    let endpoint = all.t & T_EP ? all.o?.endpoint : undefined;
    let endpointKind = all.o?.endpointKind;
    if (!endpoint && this.checkEndpoints) {
      // A URL assembled so that no literal names the endpoint whole.
      const url = this.arg(args, 0, scope);
      for (const s of stringsOf(url)) {
        const ep = exfilEndpoint(s);
        if (ep) {
          endpoint = ep.match;
          endpointKind = ep.kind;
          break;
        }
      }
    }
    const to = endpoint
      ? ` to ${ENDPOINT_LABEL[endpointKind ?? ""] ?? "an exfiltration endpoint"} (${short(endpoint, 50)})`
      : "";
    if (endpoint)
      this.addEvidence(
        "exfil-endpoint",
        start,
        `${sink} sends to ${ENDPOINT_LABEL[endpointKind ?? ""] ?? endpointKind}: ${short(endpoint)}`,
        endpoint,
        "high",
      );
    if (all.t & T_ENV)
      this.add(
        "env-exfil",
        start,
        `${sink} sends the whole environment (${all.o?.env ?? "process.env"})${to}`,
        endpoint ? "critical" : undefined,
      );
    if (all.t & T_SECRET) {
      this.add(
        "secret-exfil",
        start,
        `${sink} sends ${secretLabel(all.o?.secretKind)} data (${all.o?.secret})${to}`,
      );
      this.markFlowed(all);
    }
  }

  private markFlowed(v: Val): void {
    for (const r of this.secretReads) if (r.kind === v.o?.secretKind) r.flowed = true;
  }

  private checkWrite(
    call: CallNode,
    args: ArgNode[],
    scope: Scope,
    name: string,
    dataIndex: number,
    pathIndex: number,
  ): void {
    const start = call.start;
    const path = this.arg(args, pathIndex, scope);
    if (path.s !== undefined) {
      const kind = persistenceKind(path.s);
      if (kind) this.add("persistence", start, `${name}() writes to a ${kind}: ${short(path.s)}`);
    }
    if (dataIndex < 0) return;
    const data = this.arg(args, dataIndex, scope);
    if (data.t & (T_NET | T_SOCK | T_DEC)) {
      const key = this.pathKey(args[pathIndex], scope);
      const fetched = data.t & (T_NET | T_SOCK);
      this.writes.push({
        key,
        shown: path.s ?? key.slice(2),
        word: wordOf(args[pathIndex]),
        start,
        what: fetched ? `data fetched by ${data.o?.net}` : `data decoded by ${data.o?.dec}`,
        via: `${name}()`,
        rule: fetched ? "download-exec" : "exec-obfuscated",
      });
    }
  }

  private checkRead(call: CallNode, args: ArgNode[], scope: Scope): void {
    const path = this.arg(args, 0, scope);
    const kind = this.secretKindOf(path);
    if (!kind) return;
    this.secretReads.push({ kind, start: call.start, path: this.secretShown(path), flowed: false });
  }

  /** `socket.pipe(sh.stdin)`, `sh.stdout.pipe(socket)`: a shell wired to a network connection. */
  private checkPipe(call: CallNode, args: ArgNode[], recv: Val | undefined, scope: Scope): void {
    const vals = recv ? [recv] : [];
    for (let i = 0; i < args.length && i < 6; i++) vals.push(this.arg(args, i, scope));
    const shell = vals.some((v) => v.ref?.startsWith("shell-process"));
    const socket = vals.some(
      (v) => v.ref === "socket" || (v.t & T_SOCK && !v.ref?.startsWith("shell-process")),
    );
    if (shell && socket) {
      // One finding per shell/socket pair, not one per `.pipe` line wiring its streams.
      const roots: string[] = [];
      const callee = call.callee;
      const nodes: AnyNode[] = callee.type === "MemberExpression" ? [callee.object as AnyNode] : [];
      for (const a of args) nodes.push(a.type === "SpreadElement" ? a.argument : a);
      for (const n of nodes) {
        const r = rootIdentifier(n);
        if (r && !roots.includes(r)) roots.push(r);
      }
      const pair = roots.length >= 2 ? roots.sort().join("|") : `@${call.start}`;
      if (this.shellPipes.has(pair)) return;
      this.shellPipes.add(pair);
      this.add(
        "reverse-shell",
        call.start,
        `connects a shell process (${this.shellProcesses[0]?.what ?? "a shell"}) to a network socket`,
      );
      return;
    }
    // response.pipe(fs.createWriteStream(p)): a download written to a file.
    const net = vals.find((v) => v.t & (T_NET | T_SOCK) && v.ref !== "wstream");
    const stream = vals.find((v) => v.ref === "wstream");
    if (net && stream?.key)
      this.writes.push({
        key: stream.key,
        shown: stream.s ?? stream.key.slice(2),
        word: stream.key.startsWith("n:") && /^n:[\w$]+$/.test(stream.key) ? stream.key.slice(2) : undefined,
        start: call.start,
        what: `data fetched by ${net.o?.net}`,
        via: "a write stream",
        rule: "download-exec",
      });
  }

  private checkSql(call: CallNode, callee: AnyNode, args: ArgNode[], scope: Scope, prop: string): void {
    if (callee.type !== "MemberExpression") return;
    const obj = unwrap(callee.object);
    if (obj.type === "Literal") return;
    if (prop === "exec" || prop === "query") {
      const root = rootIdentifier(obj) ?? (obj.type === "MemberExpression" ? propName(obj) : undefined);
      const text = this.src(obj);
      if (prop === "exec" && !DB_RECEIVER.test(root ?? text)) return;
      if (/^(?:req|request|ctx|url|location|document|\$|jQuery)$/.test(root ?? "")) return;
    }
    const v = this.arg(args, 0, scope);
    if (v.t & T_REQ) this.requestSink(call, scope, v, `${short(this.src(callee), 40)}() (SQL)`);
  }

  /**
   * Request data reaching a child process. Only as operands of a fixed program started without a shell (not the
   * program, not a script an interpreter runs, not `-c`/`-e` code) it cannot run commands of its own: medium, and
   * nothing when the handler checked it against an allow-list first.
   */
  private requestToProcess(
    call: Sited,
    args: ArgNode[],
    scope: Scope,
    ref: string,
    file: Val,
    argv: Val[],
    cmd: Val,
    sink: string,
  ): void {
    const a0 = args[0];
    const a1 = args[1];
    const fixed =
      !(file.t & T_REQ) &&
      ((file.x && file.s !== undefined && file.s.trim() !== "") ||
        (a0 !== undefined && /^process\.(?:execPath|argv0)$/.test(this.src(a0))));
    if (
      !FILE_PROCS.has(ref) ||
      !fixed ||
      a1 === undefined ||
      a1.type === "SpreadElement" ||
      argv.length === 0
    ) {
      this.requestSink(call, scope, cmd, sink);
      return;
    }
    if (this.shellOption(args, scope)) {
      this.requestSink(call, scope, cmd, sink);
      return;
    }
    const program = file.s?.trim() ?? "node";
    if (INTERPRETER.test(program) || ref === "child_process.fork" || ref === "execa.execaNode") {
      // The first operand is the script run (for fork, the program itself is the module run).
      const first =
        ref === "child_process.fork" || ref === "execa.execaNode"
          ? -1
          : argv.findIndex((a) => !(a.x && a.s?.startsWith("-")));
      if (
        (first >= 0 && argv[first]!.t & T_REQ) ||
        argv.some((a) => a.x && a.s !== undefined && CODE_FLAG.test(a.s))
      ) {
        this.requestSink(call, scope, cmd, sink);
        return;
      }
    }
    // Operands only: suppressed when each request-derived element was checked against an allow-list before the call.
    const handler = scope.handler;
    if (handler && a1.type === "ArrayExpression") {
      let all = true;
      let seen = 0;
      a1.elements.forEach((el, i) => {
        if (!all || !el || !(argv[i] && argv[i].t & T_REQ)) return;
        seen++;
        if (el.type === "SpreadElement") {
          all = false;
          return;
        }
        const text = this.src(el);
        if (!handler.checks.some((c) => c.start < call.start && c.text === text)) all = false;
      });
      if (all && seen > 0) return;
    }
    this.requestSink(call, scope, cmd, `${sink} as arguments of a fixed program`, "medium");
  }

  /** Whether a spawn/execFile call passes `shell` (anything but a literal false) in its options. */
  private shellOption(args: ArgNode[], scope: Scope): boolean {
    for (let i = 1; i < args.length && i < 4; i++) {
      const a = args[i]!;
      if (a.type === "ObjectExpression") {
        for (const p of a.properties) {
          if (p.type === "SpreadElement") {
            if (this.ev(p.argument, scope).obj?.has("shell")) return true;
            continue;
          }
          if (propKey(p) !== "shell") continue;
          const v = p.value;
          return !(
            v.type === "Literal" &&
            (v.value === false || v.value === null || v.value === 0 || v.value === "")
          );
        }
      } else if (a.type === "Identifier" || a.type === "MemberExpression") {
        if (this.ev(a, scope).obj?.has("shell")) return true;
      }
    }
    return false;
  }

  /** Request data reaching a sink: request-exec, or backdoor-route when the handler is gated on a fixed value. */
  private requestSink(call: Sited, scope: Scope, v: Val, sink: string, severity?: Severity): void {
    const handler = scope.handler;
    // A function merely named like middleware counts only for sinks inside it (not helpers it calls with a URL).
    if (v.o?.reqUnregistered && !handler) return;
    const gate = handler ? this.gateOf(handler) : undefined;
    if (gate) {
      this.add(
        "backdoor-route",
        call.start,
        `handler gated on ${short(this.src(gate.subject), 50)} == ${short(this.src(gate.other), 30)} (line ${this.lineOf(gate.start)}) passes request data to ${sink}`,
        severity,
      );
    } else {
      this.add(
        "request-exec",
        call.start,
        `web handler passes request data (${v.o?.req ?? "the request"}) to ${sink}`,
        severity,
      );
    }
  }

  private gateOf(handler: Handler): Gate | undefined {
    for (const g of handler.gates) {
      const names = memberChain(g.subject);
      if (!names) continue;
      const root = this.ev(
        {
          type: "Identifier",
          name: names.root,
          start: g.subject.start,
          end: g.subject.start,
        } as acorn.Identifier,
        g.scope,
      );
      if (!(root.t & T_REQ)) continue;
      const other = this.ev(g.other, g.scope);
      if (!(other.x && other.s !== undefined && other.s.length > 0)) continue;
      const path = names.path;
      let ok = false;
      for (let i = 0; i < path.length; i++) {
        const seg = path[i]!;
        if (
          /^(?:method|url|path|originalUrl|baseUrl|protocol|hostname|host|ip|ips|secure|xhr|httpVersion|statusCode)$/.test(
            seg,
          )
        ) {
          ok = false;
          break;
        }
        const next = path[i + 1];
        if (/^(?:headers|header|get|getHeader|headersDistinct)$/.test(seg) && next !== undefined) {
          if (/^(?:x-|authorization$|user-agent$|cookie$)/i.test(next)) ok = true;
        } else if (
          /^(?:query|body|params|cookies|searchParams|signedCookies)$/.test(seg) &&
          next !== undefined
        )
          ok = true;
        else if (/^x[-_]/i.test(seg) || /^authorization$/i.test(seg)) ok = true;
      }
      if (ok) return g;
    }
    return undefined;
  }

  private finish(): void {
    // Downloaded or decoded files that are then run.
    for (const w of this.writes) {
      for (const r of this.runs) {
        const hit =
          r.key === w.key ||
          (w.key.startsWith("s:") && w.key.length > 4 && r.text.includes(w.key.slice(2))) ||
          (w.word !== undefined && new RegExp(`(?<![\\w$])${escapeRe(w.word)}(?![\\w$])`).test(r.text));
        if (hit) {
          const what = w.shown;
          this.add(
            w.rule,
            r.start,
            `writes ${w.what} to ${short(what, 50)} (${w.via}, line ${this.lineOf(w.start)}) and runs it with ${r.via}`,
          );
          break;
        }
      }
    }
    // Secrets read in this file.
    for (const r of this.secretReads) {
      if (r.flowed) continue;
      const label = SECRET_LABEL[r.kind];
      const stealer =
        r.kind === "browser" || r.kind === "discord" || r.kind === "wallet" || r.kind === "keychain";
      if (this.endpointInFile) {
        this.add(
          "secret-exfil",
          r.start,
          `reads ${label} data (${short(r.path)}) in a file that names an exfiltration endpoint (${short(this.endpointInFile, 50)})`,
        );
      } else if (stealer && this.hasSend) {
        this.add(
          "secret-exfil",
          r.start,
          `reads ${label} data (${short(r.path)}) in a file that sends data over the network`,
          "high",
        );
      } else if (stealer) {
        this.add("secret-read", r.start, `reads ${label} data: ${short(r.path)}`);
      }
    }
    // Strings that are not messages and did not already show up at a sink.
    for (const s of this.neutral) {
      const ev = this.evidence.get(s.rule);
      if (ev?.some((e) => e.includes(s.match) || s.match.includes(e))) continue;
      const severity: Severity | undefined = s.rule === "exfil-endpoint" ? undefined : "medium";
      this.add(s.rule, s.start, s.why, severity, true);
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Findings

  private addEvidence(rule: RuleId, start: number, why: string, text: string, severity?: Severity): void {
    const list = this.evidence.get(rule);
    if (list) list.push(text);
    else this.evidence.set(rule, [text]);
    this.add(rule, start, why, severity);
  }

  private add(rule: RuleId, start: number, why: string, severity?: Severity, weak = false): void {
    const sev = severity ?? defaultSeverity(rule);
    const line = this.lineOf(start);
    const k = `${rule}:${line}`;
    const prev = this.findings.get(k);
    if (prev && (SEVERITY_RANK[prev.severity] ?? 0) >= (SEVERITY_RANK[sev] ?? 0)) return;
    if (prev && weak) return;
    this.findings.set(k, { rule, start, why, severity: sev });
  }

  lineOf(offset: number): number {
    const starts = this.lineStartsArray();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  columnOf(offset: number): number {
    const starts = this.lineStartsArray();
    return offset - starts[this.lineOf(offset) - 1]! + 1;
  }

  private lineStartsArray(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    const t = this.text;
    for (let i = t.indexOf("\n"); i !== -1; i = t.indexOf("\n", i + 1)) starts.push(i + 1);
    this.lineStarts = starts;
    return starts;
  }

  private src(node: { start: number; end: number }): string {
    const s = this.text.slice(node.start, Math.min(node.end, node.start + 200));
    return s;
  }
}

class TooDeep extends Error {}

const ENDPOINT_LABEL: Record<string, string> = {
  "discord-webhook": "a Discord webhook",
  "slack-webhook": "a Slack webhook",
  "telegram-bot": "the Telegram bot API",
  "paste-site": "a paste site",
  tunnel: "a tunnel service",
  "request-capture": "a request-capture service",
  "raw-ip": "a raw IP address",
};

function isErrorName(name: string): boolean {
  return name.endsWith("Error") || name.endsWith("Exception") || name.endsWith("Warning");
}

const COLLECTING_METHODS = new Set(["push", "unshift", "set", "add", "append", "write"]);

function propKey(p: acorn.Property | acorn.AssignmentProperty): string | undefined {
  if (p.computed) return stringLiteral(p.key);
  return p.key.type === "Identifier"
    ? p.key.name
    : (stringLiteral(p.key) ?? (p.key.type === "Literal" ? String(p.key.value) : undefined));
}

function rootIdentifier(n: AnyNode): string | undefined {
  let cur = n;
  for (let i = 0; i < 64; i++) {
    if (cur.type === "Identifier") return cur.name;
    if (cur.type === "MemberExpression") cur = cur.object;
    else if (cur.type === "CallExpression") cur = cur.callee;
    else if (cur.type === "ChainExpression") cur = cur.expression;
    else return undefined;
  }
  return undefined;
}

/** `req.headers['x-token']` → root `req`, path [headers, x-token]; `req.get('X-Token')` → [get, X-Token]. */
function memberChain(n: AnyNode): { root: string; path: string[] } | undefined {
  const path: string[] = [];
  let cur = n;
  for (let i = 0; i < 16; i++) {
    if (cur.type === "ChainExpression") cur = cur.expression;
    else if (cur.type === "MemberExpression") {
      const p = propName(cur);
      path.unshift(p ?? "?");
      cur = cur.object;
    } else if (cur.type === "CallExpression") {
      const a = stringLiteral(cur.arguments[0]);
      if (a !== undefined) path.unshift(a);
      cur = cur.callee;
    } else if (cur.type === "Identifier") return { root: cur.name, path };
    else return undefined;
  }
  return undefined;
}

function wordOf(node: ArgNode | undefined): string | undefined {
  return node?.type === "Identifier" ? node.name : undefined;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** An element of an array-like value (for-of, index with an unknown key). */
function element(v: Val): Val {
  if (v.arr?.length) {
    let e: Val = NONE;
    for (const x of v.arr.slice(0, 32)) e = join(e, x);
    return join(e, taintOf(v, ~T_ENV));
  }
  return taintOf(v, ~T_ENV);
}

/** `x.p = v` / `x.push(v)`: x's value with v's data (and, for arrays, v as an element). */
function mix(base: Val, v: Val): Val {
  const out: Val = { ...base, t: base.t | v.t };
  const o = mergeOrigins(base.o, v.o);
  if (o) out.o = o;
  if (base.arr && base.arr.length < MAX_ITEMS) out.arr = [...base.arr, v];
  if (out.x) out.x = false;
  out.open = true;
  return out;
}

/** Taint of a value including what its array elements and object properties hold. */
function deepTaint(v: Val, depth = 0): Val {
  let out = taintOf(v);
  if (depth > 3) return out;
  if (v.obj) for (const pv of v.obj.values()) out = join(out, deepTaint(pv, depth + 1));
  if (v.arr) for (const e of v.arr.slice(0, 32)) out = join(out, deepTaint(e, depth + 1));
  return out;
}

/** The strings a value holds (its own, its elements', its properties'), for classification. */
function stringsOf(v: Val, out: string[] = [], depth = 0): string[] {
  if (v.s !== undefined) out.push(v.s);
  if (depth > 2 || out.length > 32) return out;
  if (v.obj) for (const pv of v.obj.values()) stringsOf(pv, out, depth + 1);
  if (v.arr) for (const e of v.arr.slice(0, 16)) stringsOf(e, out, depth + 1);
  return out;
}

/** A secret path inside a command line (`curl -F f=@/home/u/.ssh/id_rsa https://…`). */
function secretKindIn(text: string): SecretKind | undefined {
  for (const word of text.split(/[\s"'=@]+/)) {
    const kind = word.length > 3 ? secretPathKind(word) : undefined;
    if (kind) return kind;
  }
  return undefined;
}

function exact(v: Val): string | undefined {
  return v.x ? v.s : undefined;
}

function charCodes(vals: Val[]): string | undefined {
  if (vals.length === 0 || vals.length > MAX_STRING) return undefined;
  let s = "";
  for (const v of vals) {
    if (!v.x || v.s === undefined) return undefined;
    const n = Number(v.s);
    if (!Number.isInteger(n) || n < 0 || n > 0x10ffff) return undefined;
    s += String.fromCodePoint(n);
  }
  return s;
}

/** JSON.stringify of a constant, String(x): keep the string. */
function stringOfArgs(ref: string, a: Val): Val {
  if ((ref === "String" || ref === "JSON.stringify") && a.x && a.s !== undefined) return { t: 0, s: a.s };
  return NONE;
}

// ---------------------------------------------------------------------------------------------------------------
// Entry point

const TS_FILE = /\.(?:ts|tsx|mts|cts)$/i;

/**
 * Analyses one JavaScript or TypeScript file (`.js .cjs .mjs .jsx .ts .tsx .mts .cts`; the engine skips `.d.ts` and
 * `.map`). Returns nothing for files that do not match `JS_PREFILTER`. Throws `InputError` only for code nested so
 * deeply that it cannot be parsed or walked (itself a sign of generated or hostile code).
 */
export function analyseJavaScript(file: SourceFile): RawFinding[] {
  const text = file.text;
  if (!JS_PREFILTER.test(text)) return [];
  let analysis: Analysis;
  let found: Finding[];
  try {
    analysis = new Analysis(text, TS_FILE.test(file.path), 0);
    found = analysis.run();
  } catch (e) {
    if (e instanceof TooDeep || e instanceof RangeError)
      throw new InputError(
        file.path,
        "JavaScript nested too deeply to analyse (generated or deliberately obfuscated code)",
      );
    throw e;
  }
  const out: RawFinding[] = [];
  for (const f of found) {
    const r: RawFinding = {
      rule: f.rule,
      line: analysis.lineOf(f.start),
      column: analysis.columnOf(f.start),
      why: f.why,
    };
    if (f.severity !== defaultSeverity(f.rule)) r.severity = f.severity;
    out.push(r);
  }
  out.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0) || a.rule.localeCompare(b.rule));
  return out;
}
