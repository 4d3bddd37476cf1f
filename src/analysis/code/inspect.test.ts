import { createHash } from "node:crypto";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { AcceptEntry } from "../../policy/config.js";
import { tmpTree } from "../../test-helpers/tmp.js";
import {
  cleanSnippet,
  inspectExitCode,
  inspectPackage,
  inspectPaths,
  languageOf,
  snippetOf,
} from "./inspect.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

const DECODE_EXEC = `import base64
payload = "cHJpbnQoJ2hlbGxvJyk="
code = base64.b64decode(payload)
exec(code)
`;

/** A minimal ustar archive (one regular file per entry), gzipped: an npm tarball built in the test. */
function tgz(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, content] of Object.entries(files)) {
    const body = Buffer.from(content);
    const h = Buffer.alloc(512);
    h.write(name, 0, 100);
    h.write("0000644\0", 100);
    h.write("0000000\0", 108);
    h.write("0000000\0", 116);
    h.write(`${body.length.toString(8).padStart(11, "0")}\0`, 124);
    h.write("00000000000\0", 136);
    h.write("        ", 148);
    h.write("0", 156);
    h.write("ustar\0", 257);
    h.write("00", 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
    blocks.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

describe("languageOf", () => {
  it.each([
    ["pkg/mod.py", "", "python"],
    ["x.pyw", "", "python"],
    ["distutils-precedence.pth", "", "python"],
    ["lib/index.js", "", "javascript"],
    ["lib/index.mjs", "", "javascript"],
    ["src/a.tsx", "", "javascript"],
    ["types/index.d.ts", "", undefined],
    ["install.sh", "", "shell"],
    ["run.ps1", "", "shell"],
    ["bin/tool", "#!/usr/bin/env python3\nimport os\n", "python"],
    ["bin/cli", "#!/usr/bin/env node\n", "javascript"],
    ["bin/setup", "#!/bin/bash\n", "shell"],
    ["README.md", "# x", undefined],
    ["data.json", "{}", undefined],
  ])("%s is %s", (path, head, lang) => {
    expect(languageOf(path, head)).toBe(lang);
  });
});

describe("snippets", () => {
  it("is the trimmed line", () => {
    expect(snippetOf("a\n   exec(x)  \nb", 2)).toBe("exec(x)");
  });

  it("shortens a minified line around the column", () => {
    const line = `${"a;".repeat(500)}eval(atob(p));${"b;".repeat(500)}`;
    const s = snippetOf(line, 1, 1001);
    expect(s).toContain("eval(atob(p))");
    expect(s.length).toBeLessThan(210);
    expect(s.startsWith("…")).toBe(true);
    expect(s.endsWith("…")).toBe(true);
  });

  it("shows long whitespace runs and escapes control characters", () => {
    expect(cleanSnippet(`import os${" ".repeat(300)};exec(x)`)).toBe("import os ⟨300 spaces⟩ ;exec(x)");
    expect(cleanSnippet("a\x1b[2Jb")).toBe("a\\u001b[2Jb");
    expect(cleanSnippet("x\u202ey")).toBe("x\\u202ey");
    // invisible direction marks and line separators (Trojan Source style) are shown too
    expect(cleanSnippet("a\u200fb\u2028c\u061cd")).toBe("a\\u200fb\\u2028c\\u061cd");
  });
});

describe("inspectPackage", () => {
  it("follows a decoded value into exec, and reports file, line, hash and why", async () => {
    const dir = tmpTree({ "evil/__init__.py": DECODE_EXEC, "evil/ok.py": 'exec("x = 1")\n' });
    const pkg = await inspectPackage(dir, { workers: 0 });
    expect(pkg.kind).toBe("directory");
    const f = pkg.findings.find((x) => x.rule === "exec-obfuscated");
    expect(f).toMatchObject({
      type: "malicious-code",
      severity: "critical",
      file: "evil/__init__.py",
      line: 4,
      snippet: "exec(code)",
      sha256: sha(DECODE_EXEC),
    });
    expect(f?.why).toMatch(/b64decode/);
    // exec of a literal is not a finding
    expect(pkg.findings.filter((x) => x.file === "evil/ok.py" && x.severity !== "low")).toEqual([]);
    expect(pkg.sourceFiles).toBe(2);
  });

  it("names a single file by its base name", async () => {
    const dir = tmpTree({ "deep/er/payload.py": DECODE_EXEC });
    const pkg = await inspectPackage(join(dir, "deep/er/payload.py"), { workers: 0 });
    expect(pkg.kind).toBe("file");
    expect(pkg.findings.map((f) => f.file)).toContain("payload.py");
  });

  it("reports every npm install script, and raises one that runs a flagged file to high", async () => {
    const manifest = JSON.stringify(
      {
        name: "helper-lib",
        version: "1.0.0",
        scripts: { postinstall: "node scripts/setup", test: "vitest" },
      },
      null,
      2,
    );
    const setup = `const cp = require("child_process");\nconst cmd = Buffer.from("ZWNobyBoaQ==", "base64").toString();\ncp.exec(cmd);\n`;
    const archive = tgz({ "package/package.json": manifest, "package/scripts/setup.js": setup });
    const dir = tmpTree({ "helper-lib-1.0.0.tgz": archive });
    const pkg = await inspectPackage(join(dir, "helper-lib-1.0.0.tgz"), { workers: 0 });
    expect(pkg).toMatchObject({
      kind: "npm-tarball",
      name: "helper-lib",
      version: "1.0.0",
      ecosystem: "npm",
    });
    expect(pkg.purl).toBe("pkg:npm/helper-lib@1.0.0");
    const script = pkg.findings.find((f) => f.rule === "install-script");
    expect(script).toMatchObject({ type: "install-script", file: "package.json", severity: "high" });
    expect(script?.why).toMatch(/scripts\/setup\.js/);
    expect(pkg.findings.some((f) => f.rule === "exec-obfuscated" && f.file === "scripts/setup.js")).toBe(
      true,
    );
  });

  it("analyses a file an install script runs whatever its extension, and .pth start-up lines", async () => {
    const dir = tmpTree({
      "package.json": JSON.stringify({
        name: "x",
        version: "1.0.0",
        scripts: { postinstall: "node build.dat" },
      }),
      "build.dat":
        'const cp = require("child_process");\ncp.exec(Buffer.from("ZWNobyBoaQ==", "base64").toString());\n',
      "evil.pth": 'import base64;exec(base64.b64decode("cHJpbnQoMSk="))\n',
    });
    const pkg = await inspectPackage(dir, { workers: 0 });
    const seen = pkg.findings.map((f) => `${f.severity} ${f.rule} ${f.file}`);
    expect(seen).toContain("critical exec-obfuscated build.dat");
    expect(seen).toContain("critical exec-obfuscated evil.pth");
    expect(seen).toContain("high install-script package.json");
  });

  it("keeps a plain install script low", async () => {
    const dir = tmpTree({
      "package.json": JSON.stringify({
        name: "addon",
        version: "2.0.0",
        scripts: { install: "node-gyp rebuild" },
      }),
      "binding.gyp": "{}",
    });
    const pkg = await inspectPackage(dir, { workers: 0 });
    expect(pkg.findings.filter((f) => f.rule === "install-script").map((f) => f.severity)).toEqual(["low"]);
  });

  it("sorts by severity, then file and line, and is deterministic", async () => {
    const dir = tmpTree({
      "b.py": DECODE_EXEC,
      "a.py": DECODE_EXEC,
      "package.json": JSON.stringify({ name: "x", version: "1.0.0", scripts: { preinstall: "echo hi" } }),
    });
    const one = await inspectPackage(dir, { workers: 0 });
    const two = await inspectPackage(dir, { workers: 0 });
    expect(one).toEqual(two);
    const order = one.findings.map((f) => `${f.severity} ${f.file}`);
    expect(order.indexOf("critical a.py")).toBeLessThan(order.indexOf("critical b.py"));
    expect(order.at(-1)).toBe("low package.json");
  });
});

describe("accepted findings", () => {
  const entry = (over: Partial<AcceptEntry>): AcceptEntry => ({
    package: "evil-pkg",
    rule: "exec-obfuscated",
    sha256: sha(DECODE_EXEC),
    reason: "reviewed: decodes a constant greeting",
    approvedBy: "alice",
    source: ".depwarden.yaml",
    line: 3,
    ...over,
  });
  const pkgDir = (code: string) =>
    tmpTree({
      "PKG-INFO": "Metadata-Version: 2.1\nName: evil-pkg\nVersion: 1.0\n",
      "setup.py": "",
      "m.py": code,
    });

  it("an entry for the same package, rule and content accepts the finding; it no longer gates", async () => {
    const dir = pkgDir(DECODE_EXEC);
    const report = await inspectPaths([dir], { workers: 0, failOn: "high", accepts: [entry({})] });
    const f = report.packages[0]!.findings.find((x) => x.rule === "exec-obfuscated")!;
    expect(f.accepted).toMatchObject({ approvedBy: "alice", source: ".depwarden.yaml", line: 3 });
    expect(report.summary.accepted).toBeGreaterThan(0);
    expect(report.packages[0]!.findings.filter((x) => !x.accepted && x.severity === "critical")).toEqual([]);
    expect(report.warnings.filter((w) => /matched no finding/.test(w.message))).toEqual([]);
  });

  it("a changed file is flagged again and the stale entry is reported", async () => {
    const dir = pkgDir(`${DECODE_EXEC}# changed\n`);
    const report = await inspectPaths([dir], { workers: 0, failOn: "high", accepts: [entry({})] });
    const f = report.packages[0]!.findings.find((x) => x.rule === "exec-obfuscated")!;
    expect(f.accepted).toBeUndefined();
    expect(inspectExitCode(report)).toBe(1);
    expect(report.warnings.map((w) => w.message).join("\n")).toMatch(
      /3: accept of exec-obfuscated for evil-pkg matched no finding/,
    );
  });

  it("another package, another rule or an expired entry does not accept", async () => {
    const dir = pkgDir(DECODE_EXEC);
    for (const e of [
      entry({ package: "other" }),
      entry({ rule: "download-exec" }),
      entry({ package: "evil-pkg@2.0" }),
      entry({ expires: "2020-01-01" }),
    ]) {
      const report = await inspectPaths([dir], { workers: 0, failOn: "high", accepts: [e] });
      const f = report.packages[0]!.findings.find((x) => x.rule === "exec-obfuscated")!;
      expect(f.accepted).toBeUndefined();
      if (e.expires) expect(f.expiredAcceptance?.expires).toBe("2020-01-01");
      expect(inspectExitCode(report)).toBe(1);
    }
  });

  it("matches by purl and name@version too", async () => {
    const dir = pkgDir(DECODE_EXEC);
    for (const p of ["pkg:pypi/evil-pkg@1.0", "Evil_Pkg@1.0"]) {
      const report = await inspectPaths([dir], {
        workers: 0,
        failOn: "high",
        accepts: [entry({ package: p })],
      });
      expect(report.packages[0]!.findings.find((x) => x.rule === "exec-obfuscated")!.accepted).toBeDefined();
    }
  });
});

describe("inspectPaths", () => {
  it("reports an unreadable input as an error (exit 2) and still inspects the others", async () => {
    const dir = tmpTree({ "ok/m.py": DECODE_EXEC, "broken.tgz": Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]) });
    const report = await inspectPaths([join(dir, "ok"), join(dir, "broken.tgz"), join(dir, "missing")], {
      workers: 0,
      failOn: "high",
    });
    expect(report.packages).toHaveLength(1);
    expect(report.errors.map((e) => e.file)).toEqual([join(dir, "broken.tgz"), join(dir, "missing")]);
    expect(inspectExitCode(report)).toBe(2);
  });

  it("passes the gate when nothing reaches the threshold", async () => {
    const dir = tmpTree({ "m.py": 'print("hello")\n' });
    const report = await inspectPaths([dir], { workers: 0, failOn: "high" });
    expect(report.summary.findings).toBe(0);
    expect(inspectExitCode(report)).toBe(0);
  });
});
