/** `depwarden approve`, run through the CLI's entry point in a temporary directory (a real git repository or none). */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { loadApprovals } from "../policy/approvals.js";
import { tmpTree } from "../test-helpers/tmp.js";
import { main } from "./program.js";

const ENV_KEYS = ["USER", "USERNAME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM", "GIT_CEILING_DIRECTORIES"];
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
const savedCwd = process.cwd();

beforeEach(() => {
  // No user or system git configuration: what git says comes from the test's repository only.
  process.env.GIT_CONFIG_GLOBAL = "/dev/null";
  process.env.GIT_CONFIG_NOSYSTEM = "1";
  process.env.USER = "ci-user";
  delete process.env.USERNAME;
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-11-24T10:15:00.123Z"));
});

afterEach(() => {
  vi.useRealTimers();
  process.chdir(savedCwd);
  for (const k of ENV_KEYS) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

/** Runs `depwarden ...args` in `cwd`, capturing what it writes. */
async function run(args: string[], cwd: string) {
  let stdout = "";
  let stderr = "";
  const capture =
    (append: (s: string) => void) =>
    (chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
      append(String(chunk));
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") done();
      return true;
    };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(capture((s) => (stdout += s)) as never);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(capture((s) => (stderr += s)) as never);
  process.chdir(cwd);
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.chdir(savedCwd);
  }
}

function gitRepo(files: Record<string, string> = {}): string {
  const dir = realpathSync(tmpTree({ "sub/dir/.keep": "", ...files }));
  execFileSync("git", ["init", "-q", dir]);
  execFileSync("git", ["-C", dir, "config", "user.name", "Jane Doe"]);
  return dir;
}

/** A directory git does not see as part of any repository. */
function plainDir(): string {
  const dir = realpathSync(tmpTree({ ".keep": "" }));
  process.env.GIT_CEILING_DIRECTORIES = dirname(dir);
  return dir;
}

describe("depwarden approve", () => {
  it("appends to .depwarden/approvals.yaml at the repository root, by git user.name, now", async () => {
    const repo = gitRepo();
    const r = await run(
      ["approve", "pkg:npm/lodash@4.17.21", "--reason", "Fixes CVE-2021-23337; changelog reviewed"],
      join(repo, "sub/dir"),
    );
    expect(r).toEqual({
      code: 0,
      stdout: "approved pkg:npm/lodash@4.17.21 (by Jane Doe): ../../.depwarden/approvals.yaml:4\n",
      stderr: "",
    });
    expect(existsSync(join(repo, "sub/dir/.depwarden"))).toBe(false);
    expect(loadApprovals(join(repo, ".depwarden/approvals.yaml"), "f")).toEqual([
      {
        purl: "pkg:npm/lodash@4.17.21",
        reason: "Fixes CVE-2021-23337; changelog reviewed",
        by: "Jane Doe",
        at: "2026-11-24T10:15:00Z",
        source: "f",
        line: 4,
      },
    ]);

    // from the root, the next one: canonical purl, --by, --expires (today is not in the past)
    const next = await run(
      [
        "approve",
        "pkg:pypi/Flask_Login@0.6.3",
        "--reason",
        "SSO: reviewed # twice",
        "--by",
        "Bob",
        "--expires",
        "2026-11-24",
      ],
      repo,
    );
    expect(next.stdout).toBe("approved pkg:pypi/flask-login@0.6.3 (by Bob): .depwarden/approvals.yaml:8\n");
    expect(loadApprovals(join(repo, ".depwarden/approvals.yaml")).at(-1)).toMatchObject({
      purl: "pkg:pypi/flask-login@0.6.3",
      reason: "SSO: reviewed # twice",
      by: "Bob",
      expires: "2026-11-24",
    });
  });

  it("outside a repository: the current directory, and $USER when git knows no name", async () => {
    const dir = plainDir();
    const r = await run(["approve", "pkg:npm/left-pad@1.3.0", "--reason", "tiny"], dir);
    expect(r.stdout).toBe("approved pkg:npm/left-pad@1.3.0 (by ci-user): .depwarden/approvals.yaml:4\n");
    expect(existsSync(join(dir, ".depwarden/approvals.yaml"))).toBe(true);
  });

  it("--file names the file, created with its directories", async () => {
    const dir = plainDir();
    const r = await run(
      ["approve", "pkg:npm/left-pad@1.3.0", "--reason", "tiny", "--file", "policy/ok.yaml"],
      dir,
    );
    expect(r.stdout).toBe("approved pkg:npm/left-pad@1.3.0 (by ci-user): policy/ok.yaml:4\n");
    expect(loadApprovals(join(dir, "policy/ok.yaml"))).toHaveLength(1);
    expect(existsSync(join(dir, ".depwarden"))).toBe(false);
  });

  it("asks for --by when nobody can be named", async () => {
    const dir = plainDir();
    delete process.env.USER;
    const r = await run(["approve", "pkg:npm/left-pad@1.3.0", "--reason", "tiny"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "depwarden: cannot tell who approves (no git user.name, USER or USERNAME): give --by NAME\n",
    );
    expect(existsSync(join(dir, ".depwarden"))).toBe(false);
    process.env.USERNAME = "win-user";
    expect((await run(["approve", "pkg:npm/left-pad@1.3.0", "--reason", "tiny"], dir)).stdout).toContain(
      "(by win-user)",
    );
  });

  it.each([
    [["pkg:npm/lodash", "--reason", "r"], "an approval is for one version: pkg:npm/lodash@4.17.21"],
    [["lodash@4.17.21", "--reason", "r"], "not a purl"],
    [["pkg:gem/rails@7.0.0", "--reason", "r"], 'purl type "gem" is not supported'],
    [["pkg:npm/a@1.0.0", "--reason", "  "], "--reason must not be empty"],
    [["pkg:npm/a@1.0.0", "--reason", "r", "--by", ""], "--by must not be empty"],
    [
      ["pkg:npm/a@1.0.0", "--reason", "r", "--expires", "2027-02-30"],
      "--expires: expected a date as YYYY-MM-DD",
    ],
    [["pkg:npm/a@1.0.0", "--reason", "r", "--expires", "2026-11-23"], "--expires 2026-11-23 is in the past"],
  ])("refuses %j: one line, exit 2, nothing written", async (args, message) => {
    const repo = gitRepo();
    const r = await run(["approve", ...args], repo);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^depwarden: [^\n]+\n$/);
    expect(r.stderr).toContain(message);
    expect(existsSync(join(repo, ".depwarden"))).toBe(false);
  });

  it("--reason is required", async () => {
    const repo = gitRepo();
    const r = await run(["approve", "pkg:npm/a@1.0.0"], repo);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("error: required option '--reason <text>' not specified");
    expect(existsSync(join(repo, ".depwarden"))).toBe(false);
  });

  it("refuses to append to an approvals file that does not parse, and leaves it as it was", async () => {
    const broken =
      "approvals:\n  - purl: pkg:npm/a@1.0.0\n    reason: r\n    by: b\n    at: 2026-01-01T00:00:00Z\n    who: b\n";
    const repo = gitRepo({ ".depwarden/approvals.yaml": broken });
    const r = await run(["approve", "pkg:npm/left-pad@1.3.0", "--reason", "tiny"], repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "depwarden: .depwarden/approvals.yaml:6:5: approvals[0].who: unknown key (expected one of: purl, reason, by, at, expires)\n",
    );
    expect(readFileSync(join(repo, ".depwarden/approvals.yaml"), "utf8")).toBe(broken);
  });
});
