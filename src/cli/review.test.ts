/** End-to-end: `depwarden review` and `depwarden approve` on the built CLI, in real temporary git repositories. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { tmpTree } from "../test-helpers/tmp.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = join(root, "dist/cli/main.js");
let dir: string;
let db: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "depwarden-review-"));
  db = join(dir, "advisories.db");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, DEPWARDEN_DB: db, NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(repo: string, ...args: string[]): string {
  return execFileSync("git", ["-C", repo, "-c", "user.name=T", "-c", "user.email=t@example.com", ...args], {
    encoding: "utf8",
  }).trim();
}

function lock(packages: Record<string, string>): string {
  const entries: Record<string, unknown> = {
    "": {
      name: "app",
      version: "1.0.0",
      dependencies: Object.fromEntries(Object.keys(packages).map((n) => [n, "*"])),
    },
  };
  for (const [name, version] of Object.entries(packages)) entries[`node_modules/${name}`] = { version };
  return `${JSON.stringify({ name: "app", version: "1.0.0", lockfileVersion: 3, packages: entries }, null, 2)}\n`;
}

/** base: lodash 4.17.20 (vulnerable in the bundled snapshot); head: lodash 4.17.21 plus axios 1.6.0 (vulnerable). */
function project(
  head: Record<string, string> = { lodash: "4.17.21", axios: "1.6.0" },
  extra: Record<string, string> = {},
) {
  const repo = tmpTree({ "package-lock.json": lock({ lodash: "4.17.20" }), ...extra });
  git(repo, "init", "-q", "-b", "main");
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "base");
  writeFileSync(join(repo, "package-lock.json"), lock(head));
  git(repo, "commit", "-q", "-am", "head");
  return repo;
}

describe("depwarden review", () => {
  it("gates: exit 1 on an introduced vulnerability, 0 on a clean upgrade", () => {
    const bad = run(["review", "--base", "HEAD~1", "--head", "HEAD", "-q"], project());
    expect(bad.stderr).toBe("");
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/GHSA-8hc4-vh64-cxmj {2}axios@1\.6\.0/);
    expect(bad.stdout.trim().split("\n").at(-1)).toMatch(/^FAIL: 1 blocking finding/);
    const good = run(["review", "--base", "HEAD~1", "--head", "HEAD", "-q"], project({ lodash: "4.17.21" }));
    expect(good.code).toBe(0);
    expect(good.stdout.trim().split("\n").at(-1)).toMatch(/^PASS/);
  });

  it("json: the scan contract plus changes, findings marked introduced or fixed", () => {
    const r = run(["review", "--base", "HEAD~1", "--head", "HEAD", "-q", "-f", "json"], project());
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(
      expect.arrayContaining([
        "components",
        "database",
        "failOn",
        "findings",
        "changes",
        "summary",
        "verdict",
      ]),
    );
    expect(doc.changes).toEqual([
      expect.objectContaining({
        purl: "pkg:npm/axios@1.6.0",
        change: "added",
        from: null,
        to: "1.6.0",
        direct: true,
      }),
      expect.objectContaining({
        purl: "pkg:npm/lodash@4.17.21",
        change: "upgraded",
        from: "4.17.20",
        to: "4.17.21",
      }),
    ]);
    expect(
      doc.findings.map(
        (f: { id: string; status: string; blocking: boolean }) => `${f.id} ${f.status} ${f.blocking}`,
      ),
    ).toEqual(["GHSA-8hc4-vh64-cxmj introduced true", "GHSA-35jh-r3h4-6jhm fixed false"]);
    expect(doc.verdict).toBe("fail");
  });

  it("markdown is the same text on every run of the same change", () => {
    const repo = project();
    const a = run(["review", "--base", "HEAD~1", "--head", "HEAD", "-q", "-f", "markdown"], repo);
    const b = run(["review", "--base", "HEAD~1", "--head", "HEAD", "-q", "-f", "markdown"], repo);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout.split("\n")[0]).toMatch(/fails the policy/);
  });

  it("bad input is one line and exit 2: unknown revision, not a repository, invalid policy, shallow clone", () => {
    const repo = project();
    const unknown = run(["review", "--base", "no-such-branch"], repo);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^depwarden: unknown revision "no-such-branch"/);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);

    const notRepo = run(["review", "--base", "HEAD"], tmpTree({ "requirements.txt": "flask==2.0.0\n" }));
    expect(notRepo.code).toBe(2);
    expect(notRepo.stderr).toMatch(/not a git repository/);

    const policy = project(undefined, { ".depwarden.yaml": "review:\n  requireApproval: sometimes\n" });
    const invalid = run(["review", "--base", "HEAD~1", "--head", "HEAD"], policy);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr.trim()).toMatch(
      /^depwarden: HEAD:\.depwarden\.yaml:2:\d+: review\.requireApproval/,
    );
    expect(invalid.stderr.trim().split("\n")).toHaveLength(1);

    const clone = join(tmpTree({}), "clone");
    execFileSync("git", ["clone", "-q", "--depth", "1", `file://${repo}`, clone]);
    const base = git(repo, "rev-parse", "HEAD~1");
    const shallow = run(["review", "--base", base], clone);
    expect(shallow.code).toBe(2);
    expect(shallow.stderr).toMatch(/shallow clone/);

    const noBase = run(["review"], repo);
    expect(noBase.code).toBe(2);
    expect(noBase.stderr).toMatch(/--base/);
  });

  it("a lockfile broken in the head: the report is written, the file named, exit 2", () => {
    const repo = project(undefined, { "requirements.txt": "requests==2.31.0\n" });
    writeFileSync(join(repo, "package-lock.json"), "{ broken");
    writeFileSync(join(repo, "requirements.txt"), "requests==2.32.0\n");
    const r = run(["review", "--base", "HEAD", "-q", "-f", "json"], repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^depwarden: package-lock\.json: /m);
    expect(JSON.parse(r.stdout).changes.map((c: { purl: string }) => c.purl)).toEqual([
      "pkg:pypi/requests@2.32.0",
    ]);
  });

  it("approve records an approval that review then honours", () => {
    const repo = project(
      { lodash: "4.17.21" },
      { ".depwarden.yaml": "review:\n  requireApproval: direct\n" },
    );
    expect(run(["review", "--base", "HEAD~1", "-q"], repo).code).toBe(1);
    const a = run(["approve", "pkg:npm/lodash@4.17.21", "--reason", "fixes GHSA-35jh", "--by", "Ana"], repo);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(
      /^approved pkg:npm\/lodash@4\.17\.21 \(by Ana\): \.depwarden\/approvals\.yaml:\d+/,
    );
    const recorded = parse(readFileSync(join(repo, ".depwarden/approvals.yaml"), "utf8"));
    expect(recorded.approvals[0]).toMatchObject({
      purl: "pkg:npm/lodash@4.17.21",
      by: "Ana",
      reason: "fixes GHSA-35jh",
    });
    // the working tree (with the uncommitted approval) passes; the committed head does not have it yet
    expect(run(["review", "--base", "HEAD~1", "-q"], repo).code).toBe(0);
    expect(run(["review", "--base", "HEAD~1", "--head", "HEAD", "-q"], repo).code).toBe(1);
  });

  it("the CI examples of docs/ci.md run as written", () => {
    const doc = readFileSync(join(root, "docs/ci.md"), "utf8");
    const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(2);
    const commands: string[] = [];
    const scripts = (node: unknown): string[] =>
      typeof node === "string"
        ? [node]
        : Array.isArray(node)
          ? node.flatMap(scripts)
          : node && typeof node === "object"
            ? Object.values(node).flatMap(scripts)
            : [];
    for (const block of blocks) {
      for (const script of scripts(parse(block))) {
        for (const line of script.replace(/\\\n\s*/g, " ").split("\n")) {
          const m = /depwarden review (.*?)(?:\|\||$)/.exec(line);
          if (m) commands.push(m[1]!);
        }
      }
    }
    expect(commands).toHaveLength(2);
    const repo = project();
    for (const command of commands) {
      const args = command
        .replace(
          /"\$\{\{ github\.event\.pull_request\.base\.sha \}\}"|"\$CI_MERGE_REQUEST_DIFF_BASE_SHA"/,
          "HEAD~1",
        )
        .trim()
        .split(/\s+/);
      const r = run(["review", "-q", ...args], repo);
      expect(r.code, `${command}: ${r.stderr}`).toBe(1);
      expect(readFileSync(join(repo, "depwarden-review.md"), "utf8")).toMatch(/^### ❌ depwarden/);
    }
  });
});
