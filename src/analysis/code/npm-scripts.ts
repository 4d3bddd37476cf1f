/**
 * npm install-time scripts: every `preinstall`, `install` and `postinstall` script of a package's own
 * package.json (and the `node-gyp rebuild` npm runs when binding.gyp exists and neither install nor preinstall
 * is given) is an `install-script` finding. Low by default; high when the command downloads, runs inline code
 * (`node -e`, `python -c`, `sh -c`, `powershell -c`, …) or matches the shell-string rules, which are also reported
 * as findings of their own (download-exec, reverse-shell, encoded-command, persistence, exfil-endpoint). The
 * files a script runs are listed in `runsFiles`, so that the engine can raise the finding to high when one of
 * them is flagged.
 *
 * `prepare` runs on install only for git dependencies and in the package's own checkout, never for a registry
 * tarball: it is reported only when it would be high (download, inline code, a shell-string rule), as medium.
 * `preuninstall`/`uninstall`/`postuninstall` are not run by npm 7+; `prepublish` ran on install only before npm 5.
 */
import type { Severity } from "../severity.js";
import { analyseShellCommand, shellCommandWords } from "./text.js";
import type { RawFinding, SourceFile } from "./types.js";

export interface InstallScriptFinding extends RawFinding {
  /** `preinstall`, `install`, `postinstall` (or `prepare`, see above). */
  script: string;
  /** The script's command as written in package.json. */
  command: string;
  /**
   * Package-relative files the command runs (`node x.js`, `sh ./y.sh`, `python z.py`, `./bin/setup`, and those of
   * `npm run other` scripts it calls). A path written without extension for node gives Node's candidates in
   * resolution order (`scripts/x`, `scripts/x.js`, `scripts/x.cjs`, `scripts/x.mjs`, `scripts/x/index.js`):
   * the engine keeps those that exist.
   */
  runsFiles: string[];
}

export interface NpmManifestOptions {
  /** binding.gyp exists beside package.json. */
  hasBindingGyp: boolean;
  /** binding.gyp's text, when the engine has it: its `<!(…)` command expansions run at install too. */
  bindingGyp?: string;
}

const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall"] as const;

/**
 * Install-time findings of one package.json. Text that is not a JSON object gives [] (the engine reports
 * unreadable manifests itself). Lines are those of the script's key in the text.
 */
export function analyseNpmManifest(file: SourceFile, opts: NpmManifestOptions): InstallScriptFinding[] {
  const text = file.text.replace(/^\uFEFF/, "");
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isObject(manifest)) return [];
  const scripts = isObject(manifest.scripts) ? manifest.scripts : {};
  const lines = scriptLines(text);
  const main = typeof manifest.main === "string" ? manifest.main : "index.js";
  const findings: InstallScriptFinding[] = [];

  for (const name of INSTALL_SCRIPTS) {
    const command = scripts[name];
    if (typeof command !== "string") continue;
    findings.push(...scriptFindings(name, command, lines.get(name) ?? 1, scripts, main, false));
  }
  if (typeof scripts.prepare === "string") {
    const prepare = scriptFindings(
      "prepare",
      scripts.prepare,
      lines.get("prepare") ?? 1,
      scripts,
      main,
      true,
    );
    if (prepare.some((f) => f.rule !== "install-script" || f.severity === "medium"))
      findings.push(...prepare);
  }

  const implicit =
    opts.hasBindingGyp &&
    manifest.gypfile !== false &&
    typeof scripts.install !== "string" &&
    typeof scripts.preinstall !== "string";
  if (implicit) {
    const gyp = gypCommands(opts.bindingGyp ?? "");
    const risky = gyp.flatMap((c) => analyseShellCommand(c));
    const inline = gyp.map((c) => inlineOrDownload(c)).find((r) => r !== undefined);
    const high = risky.length > 0 || inline !== undefined;
    findings.push({
      rule: "install-script",
      line: 1,
      severity: high ? "high" : "low",
      script: "install",
      command: "node-gyp rebuild",
      runsFiles: ["binding.gyp"],
      why: `binding.gyp and no install or preinstall script: npm runs \`node-gyp rebuild\` at install, which builds the native addon${high ? ` and runs the command expansions of binding.gyp, one of which ${inline ?? risky[0]!.why.replace(/^the script /, "")}` : gyp.length > 0 ? `, running ${gyp.length} command expansion${gyp.length > 1 ? "s" : ""} of binding.gyp` : ""}`,
      snippet: "node-gyp rebuild",
    });
    for (const f of risky) {
      findings.push({
        ...f,
        line: 1,
        script: "install",
        command: "node-gyp rebuild",
        runsFiles: ["binding.gyp"],
      });
    }
  }
  return findings;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function scriptFindings(
  name: string,
  command: string,
  line: number,
  scripts: Record<string, unknown>,
  main: string,
  prepare: boolean,
): InstallScriptFinding[] {
  const analysis = analyseCommand(command, scripts, main, new Set([name]), 0);
  const high = analysis.reasons.length > 0;
  const severity: Severity = high ? (prepare ? "medium" : "high") : "low";
  const when = prepare
    ? "prepare runs on install from git and in the package's own checkout (not from the registry)"
    : `${name} runs at every \`npm install\` of this package, with the installing user's rights`;
  const what = high
    ? `: it ${analysis.reasons.join("; ")}`
    : analysis.known
      ? ` (${analysis.known})`
      : analysis.runsFiles.length > 0
        ? `: it runs ${analysis.runsFiles[0]}`
        : "";
  const base = { script: name, command, runsFiles: analysis.runsFiles };
  const out: InstallScriptFinding[] = [
    { rule: "install-script", line, severity, why: when + what, snippet: shorten(command, 300), ...base },
  ];
  for (const f of analysis.shellFindings) {
    out.push({
      ...f,
      line,
      ...(prepare ? { severity: "medium" as const } : {}),
      why: `${name} script: ${f.why.replace(/^the script /, "")}`,
      ...base,
    });
  }
  return out;
}

interface CommandAnalysis {
  /** Why the command is high risk, one phrase each. */
  reasons: string[];
  runsFiles: string[];
  /** Findings of the shell-string rules. */
  shellFindings: RawFinding[];
  /** A well-known build step, for the why of a low finding. */
  known?: string;
}

const KNOWN_TOOLS: [RegExp, string][] = [
  [/^node-gyp$/, "node-gyp builds the native addon from source"],
  [/^node-gyp-build$/, "node-gyp-build loads a prebuilt addon or builds it"],
  [/^prebuild-install$/, "prebuild-install fetches a prebuilt addon from the package's releases"],
  [/^(?:node-pre-gyp|@mapbox\/node-pre-gyp)$/, "node-pre-gyp fetches or builds the native addon"],
  [/^husky$/, "husky installs git hooks in the package's own checkout"],
  [/^patch-package$/, "patch-package applies the project's patches to node_modules"],
  [/^(?:opencollective|opencollective-postinstall)$/, "prints a funding message"],
];

/** Programs that download (a printed `curl` in an echo is not one: only the program of a command counts). */
const DOWNLOADERS =
  /^(?:curl|wget|invoke-webrequest|iwr|invoke-restmethod|irm|start-bitstransfer|bitsadmin|aria2c|http|xh)$/i;

/** `node -e`, `python -c`, `sh -c`, `powershell -Command`, … : the interpreter and the code it is given. */
function inlineCode(words: string[]): { interpreter: string; code: string } | undefined {
  const prog = (words[0] ?? "")
    .replace(/^.*[/\\]/, "")
    .replace(/\.exe$/i, "")
    .toLowerCase();
  let flags: RegExp | undefined;
  if (/^(?:node|nodejs|bun)$/.test(prog)) flags = /^(?:-e|-p|-pe|--eval|--print)$/;
  else if (/^(?:python[0-9.]*|py|pypy[0-9.]*)$/.test(prog)) flags = /^-[A-Za-z]*c$/;
  else if (/^(?:ba|z|da|k|c|tc)?sh$/.test(prog)) flags = /^-[A-Za-z]*c[A-Za-z]*$/;
  else if (/^(?:powershell|pwsh)$/.test(prog)) flags = /^[-/](?:c|command|co|com|comm|comma|comman)$/i;
  else if (/^(?:perl|ruby)$/.test(prog)) flags = /^-[A-Za-z]*e$/;
  else if (prog === "deno" && words[1] === "eval") return { interpreter: "deno eval", code: words[2] ?? "" };
  else if (prog === "eval") return { interpreter: "eval", code: words.slice(1).join(" ") };
  if (!flags) return undefined;
  for (let i = 1; i < words.length; i++) {
    if (flags.test(words[i]!))
      return { interpreter: `${prog} ${words[i]}`, code: words.slice(i + 1).join(" ") };
  }
  return undefined;
}

const REQUIRE_ONLY =
  /\btry\s*\{|\}\s*catch\s*(?:\(\s*\w*\s*\))?\s*\{\s*\}|\brequire\s*\(\s*(["'])[\w@.][\w@./-]*\1\s*\)(?:\.\w+)*|[;\s]/g;

/**
 * Inline code that only loads modules: `node -e "try{require('./postinstall')}catch(e){}"` (core-js, es5-ext)
 * runs package files and is judged by them; `node -p "require('node-addon-api').include"` (binding.gyp of
 * most addons) reads a value from an installed dependency. The package files it loads (possibly none), or
 * undefined for any other inline code.
 */
function requiredFiles(inline: { interpreter: string; code: string }): string[] | undefined {
  if (!/^(?:node|nodejs|bun) /.test(inline.interpreter)) return undefined;
  const code = inline.code.trim();
  if (code === "" || code.replace(REQUIRE_ONLY, "") !== "") return undefined;
  return [...code.matchAll(/\brequire\s*\(\s*["'](\.{1,2}\/[^"'\\]+)["']/g)].map((m) => m[1]!);
}

/** Why a single command line is high risk by itself (downloads, inline code), or undefined. */
function inlineOrDownload(command: string): string | undefined {
  for (const written of shellCommandWords(command)) {
    const w = unwrap(written);
    const prog = (w[0] ?? "").replace(/^.*[/\\]/, "").replace(/\.exe$/i, "");
    if (DOWNLOADERS.test(prog) || (/^certutil$/i.test(prog) && w.some((x) => /^[-/]urlcache$/i.test(x))))
      return `downloads (${prog})`;
    const inline = inlineCode(w);
    if (inline && requiredFiles(inline) === undefined) {
      const fetches =
        /\bhttps?:\/\/|\b(?:fetch|https?\.get|https?\.request|urlopen|urllib|requests\.|XMLHttpRequest|axios)\b/.test(
          inline.code,
        );
      return `runs inline code (${inline.interpreter})${fetches ? " that downloads" : ""}`;
    }
  }
  return undefined;
}

function analyseCommand(
  command: string,
  scripts: Record<string, unknown>,
  main: string,
  visiting: Set<string>,
  depth: number,
): CommandAnalysis {
  const result: CommandAnalysis = { reasons: [], runsFiles: [], shellFindings: [] };
  result.shellFindings = analyseShellCommand(command);
  for (const f of result.shellFindings) {
    const phrase = SHELL_RULE_PHRASES[f.rule];
    if (phrase && !result.reasons.includes(phrase)) result.reasons.push(phrase);
  }
  const risk = inlineOrDownload(command);
  // "downloads (curl)" says less than "downloads code and runs it"
  if (risk && !(risk.startsWith("downloads") && result.shellFindings.some((f) => f.rule === "download-exec")))
    result.reasons.push(risk);
  for (const written of shellCommandWords(command)) {
    const words = unwrap(written);
    const prog = words[0] ?? "";
    const known = KNOWN_TOOLS.find(([re]) => re.test(prog.replace(/^npx$/, words[1] ?? "")));
    if (known && !result.known) result.known = known[1];
    // npm run other-script: follow it
    const called = calledScript(words, scripts);
    if (called !== undefined) {
      const target = scripts[called];
      if (typeof target === "string" && !visiting.has(called) && depth < 8) {
        visiting.add(called);
        const sub = analyseCommand(target, scripts, main, visiting, depth + 1);
        if (sub.reasons.length > 0)
          result.reasons.push(`calls \`npm run ${called}\`, which ${sub.reasons.join(" and ")}`);
        result.runsFiles.push(...sub.runsFiles);
        result.shellFindings.push(...sub.shellFindings);
        result.known ??= sub.known;
      }
      continue;
    }
    result.runsFiles.push(...filesRun(words, main));
  }
  result.runsFiles = [...new Set(result.runsFiles)];
  return result;
}

const SHELL_RULE_PHRASES: Partial<Record<RawFinding["rule"], string>> = {
  "download-exec": "downloads code and runs it",
  "reverse-shell": "opens a reverse shell",
  "encoded-command": "runs an encoded or hidden command",
  persistence: "installs something to run at login or on a schedule",
  "exfil-endpoint": "names an exfiltration endpoint",
};

/** The command under `cross-env A=1 …` and `env A=1 …`. */
function unwrap(words: string[]): string[] {
  let i = 0;
  if (/^(?:cross-env|cross-env-shell|env)$/.test(words[0] ?? "")) i++;
  while (i < words.length && /^[A-Za-z_]\w*=/.test(words[i]!)) i++;
  return i === 0 ? words : words.slice(i);
}

/** `npm run x`, `npm run-script x`, `yarn x`, `yarn run x`, `pnpm x`, `pnpm run x`, `bun run x`: the script x. */
function calledScript(words: string[], scripts: Record<string, unknown>): string | undefined {
  const [prog, a, b] = words;
  if (prog === "npm" && (a === "run" || a === "run-script") && b) return b;
  if ((prog === "yarn" || prog === "pnpm" || prog === "bun") && a === "run" && b) return b;
  if ((prog === "yarn" || prog === "pnpm") && a && !a.startsWith("-") && Object.hasOwn(scripts, a)) return a;
  if (prog === "npm" && (a === "start" || a === "test") && typeof scripts[a] === "string") return a;
  return undefined;
}

/** Options that take a value, per interpreter; a value of --require/--import is a file run too. */
const NODE_VALUE_OPTIONS =
  /^(?:-r|--require|--import|--loader|--experimental-loader|-C|--conditions|--title|--env-file|--max-old-space-size|--stack-size|--inspect-port|--input-type)$/;
const NODE_PRELOAD = /^(?:-r|--require|--import|--loader|--experimental-loader)$/;

/** Package-relative files one simple command runs. */
function filesRun(words: string[], main: string): string[] {
  const prog = words[0] ?? "";
  const base = prog.replace(/^.*\//, "").toLowerCase();
  const out: string[] = [];
  if (/^(?:node|nodejs|bun|ts-node|tsx|babel-node)$/.test(base)) {
    const inline = inlineCode(words);
    if (inline) return (requiredFiles(inline) ?? []).flatMap((f) => nodeCandidates(f, main, true));
    let i = 1;
    for (; i < words.length; i++) {
      const w = words[i]!;
      if (NODE_PRELOAD.test(w) && words[i + 1]) out.push(...nodeCandidates(words[i + 1]!, main, true));
      if (NODE_VALUE_OPTIONS.test(w)) i++;
      else if (!w.startsWith("-")) break;
    }
    if (base === "bun" && words[i] === "run") i++;
    if (i < words.length) out.push(...nodeCandidates(words[i]!, main, false));
  } else if (base === "deno" && words[1] === "run") {
    const file = words.slice(2).find((w) => !w.startsWith("-"));
    if (file) out.push(...relative(file));
  } else if (/^(?:(?:ba|z|da|k)?sh|python[0-9.]*|py|perl|ruby|php|cscript|wscript)$/.test(base)) {
    if (inlineCode(words) || words.includes("-m")) return out;
    const file = words.slice(1).find((w) => !w.startsWith("-"));
    if (file) out.push(...relative(file));
  } else if (/^(?:powershell|pwsh)(?:\.exe)?$/.test(base)) {
    const f = words.findIndex((w) => /^[-/]file$/i.test(w));
    const file = f > 0 ? words[f + 1] : words.slice(1).find((w) => /\.ps1$/i.test(w));
    if (file) out.push(...relative(file));
  } else if (base === "cmd" || base === "cmd.exe") {
    const file = words.slice(1).find((w) => /\.(?:bat|cmd)$/i.test(w));
    if (file) out.push(...relative(file));
  } else if (/[/\\]/.test(prog) || /\.(?:sh|js|cjs|mjs|py|bat|cmd|ps1)$/i.test(prog)) {
    // ./install.sh, bin/setup, scripts\install.bat
    out.push(...relative(prog));
  }
  return out;
}

/** A path relative to the package root, or nothing for absolute paths, escapes and variables. */
function relative(p: string): string[] {
  let s = p.replace(/\\/g, "/");
  if (s === "" || s.startsWith("/") || /^[A-Za-z]:/.test(s) || /[$%`*?]/.test(s)) return [];
  const parts: string[] = [];
  for (const part of s.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return [];
      parts.pop();
    } else parts.push(part);
  }
  s = parts.join("/");
  return s === "" ? [] : [s];
}

/** What `node x` may load: the file as written, else Node's extensions and index; `node .` loads main. */
function nodeCandidates(spec: string, main: string, preload: boolean): string[] {
  // a bare name (`-r dotenv/config`, `node-gyp`) is a package or a file in the cwd: a preload is a package
  if (preload && !/^\.{1,2}(?:\/|$)/.test(spec)) return [];
  const rel = relative(spec === "." || spec === "./" ? main : spec);
  if (rel.length === 0) return [];
  const p = rel[0]!;
  if (/\.(?:js|cjs|mjs|ts|cts|mts|json|node)$/i.test(p)) return [p];
  return [p, `${p}.js`, `${p}.cjs`, `${p}.mjs`, `${p}/index.js`];
}

/** `<!(cmd)` and `<!@(cmd)` command expansions of binding.gyp, which gyp runs while configuring. */
function gypCommands(gyp: string): string[] {
  const out: string[] = [];
  const re = /<!@?\(/g;
  for (let m = re.exec(gyp); m; m = re.exec(gyp)) {
    // up to the matching parenthesis
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < gyp.length && depth > 0; i++) {
      const c = gyp[i];
      if (c === "(") depth++;
      else if (c === ")") depth--;
    }
    out.push(gyp.slice(start, i - 1).replace(/\\"/g, '"'));
  }
  return out;
}

/**
 * The line of each key of the top-level `scripts` object, found in the text (JSON.parse gives no positions).
 * Keys are decoded as JSON does ("post\u0069nstall" is postinstall); for repeated keys, and a repeated
 * `scripts`, the last wins, as in JSON.parse.
 */
export function scriptLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let depth = 0;
  let line = 1;
  let inScripts = false;
  let scriptsDepth = -1;
  let pendingKey: string | undefined;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    else if (c === 34) {
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 ? 2 : 1;
      const raw = text.slice(i, j + 1);
      // a key: followed by a colon
      let k = j + 1;
      while (k < n && /\s/.test(text[k]!)) k++;
      if (text[k] === ":") {
        let key: string | undefined;
        try {
          key = JSON.parse(raw) as string;
        } catch {
          key = undefined;
        }
        if (key !== undefined) {
          if (depth === 1) {
            pendingKey = key;
          } else if (inScripts && depth === scriptsDepth) lines.set(key, line);
        }
      }
      for (let x = i; x < j; x++) if (text.charCodeAt(x) === 10) line++;
      i = j;
    } else if (c === 123 || c === 91) {
      depth++;
      if (c === 123 && depth === 2 && pendingKey === "scripts") {
        inScripts = true;
        scriptsDepth = 2;
        lines.clear();
      }
      pendingKey = undefined;
    } else if (c === 125 || c === 93) {
      if (inScripts && depth === scriptsDepth) inScripts = false;
      depth--;
    } else if (c === 44) {
      if (depth === 1) pendingKey = undefined;
    }
  }
  return lines;
}

function shorten(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
