/**
 * The catalogue of package-contents rules: one entry per rule, with its default severity, what it looks for,
 * why it matters and a reference (MITRE ATT&CK technique or CWE). The README's rule table is generated from it
 * (`node scripts/rule-table.mjs`).
 */
import type { Severity } from "../severity.js";
import type { CodeFindingType } from "./types.js";

export interface Rule {
  id: string;
  type: CodeFindingType;
  severity: Severity;
  /** Short title for tables. */
  title: string;
  /** What the rule detects, one or two sentences. */
  description: string;
  /** Why a reviewer should care: the attack it belongs to. */
  rationale: string;
  /** ATT&CK technique ids (`T1027`) and/or CWE ids (`CWE-506`). */
  references: string[];
  /** Languages or inputs the rule runs on. */
  appliesTo: ("python" | "javascript" | "package.json" | "any-text" | "any-file")[];
}

export const RULES = [
  {
    id: "exec-obfuscated",
    type: "malicious-code",
    severity: "critical",
    title: "Executes decoded or obfuscated data",
    description:
      "exec/eval/compile, Function()/eval/vm.run* or a process spawn whose argument comes from a decoder or de-obfuscation step: base64, hex, zlib/gzip/bz2/lzma, marshal, rot13, chr()/String.fromCharCode joins, reversed strings, Buffer.from(…, 'base64'), atob, unescape — directly or through local variables.",
    rationale:
      "Legitimate code has no reason to hide what it runs; encoded payloads executed at import or install time are the signature of droppers and stealers (W4SP, ctx, colourama).",
    references: ["T1027", "T1059", "CWE-506"],
    appliesTo: ["python", "javascript"],
  },
  {
    id: "exec-built-string",
    type: "malicious-code",
    severity: "medium",
    title: "Executes a string built from pieces",
    description:
      "eval/exec/Function() of a string assembled only from literal pieces (concatenation, join, format) so that the code never appears whole in the source.",
    rationale:
      "Splitting code into fragments is a cheap way to defeat text search; benign code uses plain literals.",
    references: ["T1027", "CWE-95"],
    appliesTo: ["python", "javascript"],
  },
  {
    id: "hidden-import",
    type: "malicious-code",
    severity: "high",
    title: "Hides which module or function it uses",
    description:
      "__import__/importlib.import_module/getattr/globals()[…]/builtins lookups, or require()/global[…] lookups in JavaScript, with a name that is built, decoded or reversed rather than written out, when the name resolves to something dangerous (exec, eval, system, subprocess, child_process, …) or cannot be resolved.",
    rationale: "Resolving exec or subprocess through string games exists only to evade review and scanners.",
    references: ["T1027", "CWE-506"],
    appliesTo: ["python", "javascript"],
  },
  {
    id: "download-exec",
    type: "malicious-code",
    severity: "critical",
    title: "Downloads and runs code",
    description:
      "Data fetched over the network (urllib, requests, http.client, fetch, http.get, axios, …) that is executed, written to a file that is then run or loaded, or a shell string such as `curl … | sh`, `wget -O- … | bash`, `iwr … | iex`.",
    rationale:
      "A package that fetches and runs a second stage escapes every review of its published contents.",
    references: ["T1105", "T1059", "CWE-494"],
    appliesTo: ["python", "javascript", "package.json", "any-text"],
  },
  {
    id: "install-script",
    type: "install-script",
    severity: "low",
    title: "npm install-time script",
    description:
      "An npm preinstall, install or postinstall script (or an implicit `node-gyp rebuild` from binding.gyp). High when the script downloads, runs inline code (`node -e`, `python -c`, `sh -c`) or runs a file that other rules flag.",
    rationale:
      "Install scripts run with the installing user's rights on every developer machine and CI runner; most npm malware starts here.",
    references: ["T1195.002", "CWE-829"],
    appliesTo: ["package.json"],
  },
  {
    id: "setup-py-install-code",
    type: "install-script",
    severity: "medium",
    title: "setup.py does work at install time",
    description:
      "setup.py that performs network, process or file-system changes at module level or in an overridden cmdclass command (install, develop, egg_info, build_py, …). High for network access or running code; reading files (README, version) is not flagged.",
    rationale:
      "setup.py runs on `pip install` of an sdist; typosquats such as the W4SP stealer packages put their payload there.",
    references: ["T1195.002", "CWE-829"],
    appliesTo: ["python"],
  },
  {
    id: "secret-exfil",
    type: "malicious-code",
    severity: "critical",
    title: "Reads secrets and sends them out",
    description:
      "Reads SSH keys, cloud credentials (~/.aws, ~/.azure, gcloud, ~/.kube, ~/.docker, .npmrc, .pypirc, .netrc), browser profiles and cookies, Discord tokens or crypto-wallet files, and the data (or the file) flows to a network send or the file also contains an exfiltration endpoint.",
    rationale: "Credential theft is the most common payload of malicious packages.",
    references: ["T1552.001", "T1555.003", "T1041"],
    appliesTo: ["python", "javascript", "any-text"],
  },
  {
    id: "secret-read",
    type: "malicious-code",
    severity: "medium",
    title: "Reads browser, Discord or wallet secrets",
    description:
      "Opens browser profile databases (Login Data, Cookies, Local State), Discord token stores (Local Storage/leveldb) or crypto-wallet files, with no network send seen in the same file.",
    rationale:
      "A library has no business reading another application's secrets; stealers split reading and sending.",
    references: ["T1555.003", "T1539", "T1552.001"],
    appliesTo: ["python", "javascript"],
  },
  {
    id: "env-exfil",
    type: "malicious-code",
    severity: "high",
    title: "Sends the whole environment out",
    description:
      "The whole environment (dict(os.environ), os.environ.copy(), JSON.stringify(process.env), Object.entries(process.env), …) flows into a network request or a process argument that sends it.",
    rationale:
      "CI environments hold tokens for registries, clouds and source control; dumping the environment to a remote host is how they are stolen.",
    references: ["T1552.001", "T1041", "CWE-200"],
    appliesTo: ["python", "javascript"],
  },
  {
    id: "exfil-endpoint",
    type: "malicious-code",
    severity: "medium",
    title: "Contacts an exfiltration endpoint",
    description:
      "A string naming a Discord or Slack webhook, the Telegram bot API, a paste site, a request-capture or out-of-band service (webhook.site, pipedream, interactsh, Burp Collaborator), a tunnel (ngrok, trycloudflare, serveo, localtunnel) or a URL with a public raw IP address. High when the string is used in a network call.",
    rationale:
      "Malware sends stolen data to free services that need no account; libraries rarely hard-code them.",
    references: ["T1567", "T1102", "T1071.001"],
    appliesTo: ["python", "javascript", "any-text"],
  },
  {
    id: "reverse-shell",
    type: "malicious-code",
    severity: "critical",
    title: "Reverse shell or remote access",
    description:
      "A socket connected out whose descriptors are handed to a shell (dup2 + subprocess/pty.spawn, stdio piped to net.Socket), or a shell one-liner such as `bash -i >& /dev/tcp/…`, `nc -e`.",
    rationale:
      "Gives an attacker an interactive shell on the machine that installed or imported the package.",
    references: ["T1059.004", "T1071", "CWE-506"],
    appliesTo: ["python", "javascript", "any-text"],
  },
  {
    id: "persistence",
    type: "malicious-code",
    severity: "high",
    title: "Installs itself to run again",
    description:
      "Writes to autostart locations: Windows Startup folders, registry Run keys or scheduled tasks, cron/crontab, shell profiles (.bashrc, .zshrc, .profile, PowerShell $PROFILE), SSH authorized_keys, macOS LaunchAgents/LaunchDaemons, systemd units.",
    rationale: "A package has no reason to make something start at every login or boot.",
    references: ["T1547.001", "T1053.003", "T1053.005", "T1546.004", "T1098.004", "T1543"],
    appliesTo: ["python", "javascript", "any-text"],
  },
  {
    id: "encoded-command",
    type: "malicious-code",
    severity: "high",
    title: "Spawns a process with an encoded or hidden command",
    description:
      "powershell -EncodedCommand/-enc, -WindowStyle Hidden, `base64 -d | sh`, certutil -decode, mshta or rundll32 with a URL, in a string or a process call.",
    rationale: "Encoded command lines hide the payload from logs and reviewers.",
    references: ["T1059.001", "T1027", "T1218"],
    appliesTo: ["python", "javascript", "any-text"],
  },
  {
    id: "backdoor-route",
    type: "malicious-code",
    severity: "critical",
    title: "Web route gated on a secret that runs request data",
    description:
      "A FastAPI, Flask, Django or Express handler that compares a request header or parameter with a fixed value and then executes SQL, a shell command or code taken from the request.",
    rationale:
      "The pattern of the compromised fastapi-toolkit release: a hidden endpoint that runs whatever its owner sends.",
    references: ["T1505.003", "CWE-912"],
    appliesTo: ["python", "javascript"],
  },
  {
    id: "request-exec",
    type: "malicious-code",
    severity: "high",
    title: "Web route runs request data",
    description:
      "A web handler that passes request data (headers, query, body, path parameters) to exec/eval, a shell or raw SQL execution, without a fixed-value gate.",
    rationale: "Remote code or SQL execution by design; in a dependency it is a backdoor or a critical flaw.",
    references: ["T1505.003", "CWE-94", "CWE-78", "CWE-89"],
    appliesTo: ["python", "javascript"],
  },
  {
    id: "hidden-by-whitespace",
    type: "malicious-code",
    severity: "high",
    title: "Code hidden by whitespace",
    description:
      "Statements placed after a long run of spaces or tabs on a line (beyond the width of an editor window), as in the W4SP setup.py files. Critical when the hidden part executes or imports something.",
    rationale: "Pushing code off-screen only makes sense to hide it from a human reviewer.",
    references: ["T1027", "T1564", "CWE-506"],
    appliesTo: ["python", "javascript"],
  },
  {
    id: "long-line",
    type: "malicious-code",
    severity: "low",
    title: "Very long line in readable code",
    description:
      "A Python file with a line of thousands of characters, or a single-line JavaScript file that is not a recognised minified bundle, among otherwise readable code.",
    rationale: "Packed or obfuscated payloads are often a single enormous line.",
    references: ["T1027"],
    appliesTo: ["python", "javascript"],
  },
  {
    id: "high-entropy-literal",
    type: "malicious-code",
    severity: "medium",
    title: "High-entropy literal",
    description:
      "A long string literal with near-random content (base64, hex or encrypted blob) inside otherwise readable code; data files, tests and source maps are not flagged.",
    rationale: "Encrypted or encoded payloads are stored as opaque literals and decoded at run time.",
    references: ["T1027.009"],
    appliesTo: ["python", "javascript"],
  },
  {
    id: "native-binary",
    type: "malicious-code",
    severity: "medium",
    title: "Native executable in a source package",
    description:
      "An ELF, PE or Mach-O file inside a source package (npm tarball, sdist, directory). Not flagged in wheels, whose platform tags declare compiled code; low for npm packages that declare os/cpu or keep prebuilt addons (.node) in prebuilds/ or build/.",
    rationale:
      "A binary cannot be reviewed like source; droppers ship one and run it from an install script.",
    references: ["T1027.009", "CWE-506"],
    appliesTo: ["any-file"],
  },
] as const satisfies readonly Rule[];

export type RuleId = (typeof RULES)[number]["id"];

const BY_ID = new Map<string, Rule>(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): Rule | undefined {
  return BY_ID.get(id);
}

/** The reference's web page. */
export function referenceUrl(ref: string): string {
  const cwe = /^CWE-(\d+)$/.exec(ref);
  if (cwe) return `https://cwe.mitre.org/data/definitions/${cwe[1]}.html`;
  const [tech, sub] = ref.split(".");
  return `https://attack.mitre.org/techniques/${tech}/${sub ? `${sub}/` : ""}`;
}
