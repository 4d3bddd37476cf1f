import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_REVIEW_POLICY } from "../review/model.js";
import { inputErrorOfCall } from "../test-helpers/extract.js";
import { tmpTree } from "../test-helpers/tmp.js";
import { findConfigFile, loadConfigFile, loadProjectConfig, resolveReviewPolicy } from "./config.js";

const VALID = `version: 1
scan:
  failOn: medium
  maxAdvisoryAge: 3d
ignore:
  - id: CVE-2023-30861
    package: flask
    reason: session cookie not used behind our proxy
    expires: 2026-12-31
    approvedBy: alice
  - id: GHSA-jfh8-c2jp-5v3q
    reason: dev tool only
    expires: "2027-01-15"
    approvedBy: bob
`;

describe("loadConfigFile", () => {
  it("reads settings and ignores with their lines", () => {
    const dir = tmpTree({ ".depwarden.yaml": VALID });
    const cfg = loadConfigFile(join(dir, ".depwarden.yaml"), ".depwarden.yaml", dir);
    expect(cfg.failOn).toBe("medium");
    expect(cfg.maxAdvisoryAgeMs).toBe(3 * 86_400_000);
    expect(cfg.ignores).toEqual([
      {
        id: "CVE-2023-30861",
        package: "flask",
        reason: "session cookie not used behind our proxy",
        expires: "2026-12-31",
        approvedBy: "alice",
        file: ".depwarden.yaml",
        line: 6,
        configPath: dir,
      },
      {
        id: "GHSA-jfh8-c2jp-5v3q",
        reason: "dev tool only",
        expires: "2027-01-15",
        approvedBy: "bob",
        file: ".depwarden.yaml",
        line: 11,
        configPath: dir,
      },
    ]);
  });

  it("reads typosquat settings and accepted findings with their lines", () => {
    const hash = "AB".repeat(32);
    const dir = tmpTree({
      ".depwarden.yaml": `typosquat:
  allow:
    - reqeusts-internal
    - pkg:npm/lodahs
  popular:
    npm: lists/npm.tsv
accept:
  - package: esbuild@0.25.0
    rule: native-binary
    file: bin/esbuild
    sha256: ${hash}
    reason: esbuild's own binary
    approvedBy: alice
    expires: 2027-01-31
`,
    });
    const cfg = loadConfigFile(join(dir, ".depwarden.yaml"), ".depwarden.yaml", dir);
    expect(cfg.typosquatAllow).toEqual([
      { name: "reqeusts-internal", source: ".depwarden.yaml", line: 3 },
      { name: "pkg:npm/lodahs", source: ".depwarden.yaml", line: 4 },
    ]);
    // relative to the config file's directory, not to the working directory
    expect(cfg.popularLists).toEqual({ npm: join(dir, "lists/npm.tsv") });
    expect(cfg.accepts).toEqual([
      {
        package: "esbuild@0.25.0",
        rule: "native-binary",
        sha256: "ab".repeat(32),
        file: "bin/esbuild",
        reason: "esbuild's own binary",
        approvedBy: "alice",
        expires: "2027-01-31",
        source: ".depwarden.yaml",
        line: 8,
      },
    ]);
  });

  it("accepts an empty file", () => {
    const dir = tmpTree({ ".depwarden.yaml": "# nothing yet\n" });
    expect(loadConfigFile(join(dir, ".depwarden.yaml")).ignores).toEqual([]);
  });

  it.each([
    [
      "an unknown top-level key",
      "ignores:\n  - id: X\n",
      "1:1: ignores: unknown key (expected one of: version, scan, ignore, typosquat, accept, review)",
    ],
    [
      "an unknown key in an ignore",
      "ignore:\n  - id: X\n    reason: r\n    expires: 2026-01-01\n    approvedBy: a\n    until: 2026-01-01\n",
      "6:5: ignore[0].until: unknown key (expected one of: id, package, reason, expires, approvedBy)",
    ],
    ["a missing reason", "ignore:\n  - id: X\n    expires: 2026-01-01\n", "2:5: ignore[0].reason:"],
    ["a missing expiry", "ignore:\n  - id: X\n    reason: r\n", "2:5: ignore[0].expires:"],
    [
      "a missing approver",
      "ignore:\n  - id: X\n    reason: r\n    expires: 2026-01-01\n",
      "2:5: ignore[0].approvedBy:",
    ],
    [
      "a date written as a number",
      "ignore:\n  - id: X\n    reason: r\n    expires: 20261231\n    approvedBy: a\n",
      '4:14: ignore[0].expires: expected a date as YYYY-MM-DD, got "20261231"',
    ],
    [
      "an impossible date",
      "ignore:\n  - id: X\n    reason: r\n    expires: 2026-02-30\n",
      '4:14: ignore[0].expires: expected a date as YYYY-MM-DD, got "2026-02-30"',
    ],
    [
      "a date in another format",
      "ignore:\n  - id: X\n    reason: r\n    expires: 31/12/2026\n",
      '4:14: ignore[0].expires: expected a date as YYYY-MM-DD, got "31/12/2026"',
    ],
    [
      "an empty reason",
      "ignore:\n  - id: X\n    reason: '  '\n    expires: 2026-01-01\n",
      "3:13: ignore[0].reason: reason must not be empty",
    ],
    ["a bad failOn", "scan:\n  failOn: severe\n", "2:11: scan.failOn:"],
    [
      "a bad age",
      "scan:\n  maxAdvisoryAge: soon\n",
      '2:19: scan.maxAdvisoryAge: expected a duration such as 7d, 12h or 2w, got "soon"',
    ],
    ["ignore not a list", "ignore: CVE-1\n", "1:9: ignore:"],
    ["a duplicate key", "scan: {}\nscan: {}\n", "2:1: invalid YAML: Map keys must be unique"],
    ["broken YAML", "ignore:\n  - id: [\n", "invalid YAML"],
    [
      "an accept of an unknown rule",
      `accept:\n  - package: p\n    rule: evil\n    sha256: ${"a".repeat(64)}\n    reason: r\n    approvedBy: a\n`,
      "3:11: accept[0].rule: unknown rule (expected one of: exec-obfuscated,",
    ],
    [
      "an accept with a malformed hash",
      "accept:\n  - package: p\n    rule: install-script\n    sha256: abc\n    reason: r\n    approvedBy: a\n",
      "4:13: accept[0].sha256: expected the file's sha256 as 64 hex digits",
    ],
    [
      "an accept without a reason",
      `accept:\n  - package: p\n    rule: install-script\n    sha256: ${"a".repeat(64)}\n    approvedBy: a\n`,
      "2:5: accept[0].reason:",
    ],
    [
      "an unknown typosquat key",
      "typosquat:\n  allowed: [x]\n",
      "2:3: typosquat.allowed: unknown key (expected one of: allow, popular)",
    ],
    [
      "a popular list for an unknown ecosystem",
      "typosquat:\n  popular:\n    maven: x.tsv\n",
      "3:5: typosquat.popular.maven: unknown key (expected one of: npm, PyPI)",
    ],
  ])("rejects %s with file, line and key", (_what, text, expected) => {
    const dir = tmpTree({ "c.yaml": text });
    const e = inputErrorOfCall(() => loadConfigFile(join(dir, "c.yaml"), "c.yaml"));
    expect(e.message).toContain(expected.startsWith("invalid") ? expected : `c.yaml:${expected}`);
    expect(e.message.split("\n")).toHaveLength(1);
  });
});

describe("findConfigFile / loadProjectConfig", () => {
  it("walks up from a scanned path to the repository root", () => {
    const dir = tmpTree({
      ".git/HEAD": "ref: refs/heads/main\n",
      ".depwarden.yaml": "scan:\n  failOn: low\n",
      "services/api/poetry.lock": "",
    });
    expect(findConfigFile(join(dir, "services/api/poetry.lock"))).toBe(join(dir, ".depwarden.yaml"));
    expect(findConfigFile(join(dir, "services/api"))).toBe(join(dir, ".depwarden.yaml"));
  });

  it("does not look above the repository root", () => {
    const dir = tmpTree({
      ".depwarden.yaml": "scan:\n  failOn: low\n",
      "repo/.git/HEAD": "x\n",
      "repo/a/package.json": "{}",
    });
    expect(findConfigFile(join(dir, "repo/a"))).toBeUndefined();
  });

  it("settings come from the scanned paths' nearest files; the strictest wins when they differ", () => {
    const dir = tmpTree({
      ".git/HEAD": "x\n",
      ".depwarden.yaml": "scan:\n  failOn: low\n  maxAdvisoryAge: 2d\n",
      "b/.depwarden.yml": "scan:\n  failOn: critical\n  maxAdvisoryAge: 9d\n",
      "a/x.txt": "",
    });
    const one = loadProjectConfig([join(dir, "b")]);
    expect(one.failOn).toBe("critical");
    expect(one.warnings).toEqual([]);
    const both = loadProjectConfig([join(dir, "b"), join(dir, "a")]);
    expect(both.failOn).toBe("low");
    expect(both.maxAdvisoryAgeMs).toBe(2 * 86_400_000);
    expect(both.warnings[0]?.message).toMatch(/different scan\.failOn .*using the strictest, low/);
  });

  it("each component gets the ignores of the nearest file above where it was found", () => {
    const dir = tmpTree({
      ".git/HEAD": "x\n",
      ".depwarden.yaml": "ignore:\n  - {id: ROOT, reason: r, expires: 2030-01-01, approvedBy: a}\n",
      "services/web/.depwarden.yaml":
        "ignore:\n  - {id: WEB, reason: r, expires: 2030-01-01, approvedBy: a}\n",
      "services/web/package-lock.json": "{}",
      "services/api/poetry.lock": "",
    });
    // scanned from the root: the nested file still decides for the web service's components
    const cfg = loadProjectConfig([dir]);
    const ids = (files: string[]) => cfg.source.entriesFor(files).map((e) => e.id);
    expect(ids([join(dir, "services/web/package-lock.json")])).toEqual(["WEB"]);
    expect(ids([join(dir, "services/api/poetry.lock")])).toEqual(["ROOT"]);
    expect(ids([join(dir, "services/api/poetry.lock"), join(dir, "services/web/package-lock.json")])).toEqual(
      ["ROOT", "WEB"],
    );
    // found outside any configured directory (an SBOM elsewhere): the scanned paths' files apply
    expect(ids([join(tmpTree({ "bom.json": "{}" }), "bom.json")])).toEqual(["ROOT"]);
    expect(cfg.source.all().map((e) => e.id)).toEqual(["ROOT", "WEB"]);
    expect(cfg.files).toEqual(
      [".depwarden.yaml", "services/web/.depwarden.yaml"].map((f) => relative(process.cwd(), join(dir, f))),
    );
  });

  it("options.cwd: relative source paths are resolved there, not in the current directory", () => {
    const dir = tmpTree({
      ".git/HEAD": "x\n",
      "services/web/.depwarden.yaml":
        "ignore:\n  - {id: WEB, reason: r, expires: 2030-01-01, approvedBy: a}\n",
      "services/web/package-lock.json": "{}",
    });
    const ids = (cwd?: string) =>
      loadProjectConfig([dir], undefined, cwd ? { cwd } : {})
        .source.entriesFor(["services/web/package-lock.json"])
        .map((e) => e.id);
    expect(ids(dir)).toEqual(["WEB"]);
    expect(ids()).toEqual([]); // relative to the current directory, which is not the tree
  });

  it("outside a repository only the scanned directory's own file counts", () => {
    const dir = tmpTree({ ".depwarden.yaml": "scan:\n  failOn: none\n", "proj/requirements.txt": "" });
    expect(findConfigFile(join(dir, "proj"))).toBeUndefined();
    expect(findConfigFile(dir)).toBe(join(dir, ".depwarden.yaml"));
  });

  it("--config applies to everything and must exist", () => {
    const dir = tmpTree({
      "policy.yaml": "ignore:\n  - {id: A, reason: r, expires: 2030-01-01, approvedBy: a}\n",
    });
    const cfg = loadProjectConfig([dir], join(dir, "policy.yaml"));
    expect(cfg.source.entriesFor([join(tmpTree({ x: "" }), "x")]).map((e) => e.id)).toEqual(["A"]);
    expect(inputErrorOfCall(() => loadProjectConfig([dir], join(dir, "nope.yaml"))).message).toContain(
      "config file not found",
    );
  });
});

const REVIEW = `scan:
  failOn: critical
review:
  failOn: medium
  typosquats: warn
  maliciousCode: off
  installScripts: warn
  allowInstallScripts: [esbuild, "@swc/*"]
  nonRegistrySources: warn
  unpinned: off
  integrity: warn
  downgrades: fail
  deny:
    - event-stream
    - package: "colors"
      reason: sabotaged by its maintainer in 2022
  dependencyOnly: {allow: [CHANGELOG.md, "docs/**"]}
  requireApproval: direct
`;

describe("review:", () => {
  const load = (text: string) => {
    const dir = tmpTree({ ".depwarden.yaml": text });
    return loadConfigFile(join(dir, ".depwarden.yaml"), ".depwarden.yaml");
  };

  it("reads every key, deny entries with their lines", () => {
    const cfg = load(REVIEW);
    expect(cfg.review).toEqual({
      failOn: "medium",
      typosquats: "warn",
      maliciousCode: "off",
      installScripts: "warn",
      allowInstallScripts: ["esbuild", "@swc/*"],
      nonRegistrySources: "warn",
      unpinned: "off",
      integrity: "warn",
      downgrades: "fail",
      deny: [
        { package: "event-stream", source: ".depwarden.yaml", line: 14 },
        {
          package: "colors",
          reason: "sabotaged by its maintainer in 2022",
          source: ".depwarden.yaml",
          line: 15,
        },
      ],
      dependencyOnly: { enabled: true, allow: ["CHANGELOG.md", "docs/**"] },
      requireApproval: "direct",
    });
    expect(resolveReviewPolicy(cfg)).toEqual({ ...cfg.review, failOn: "medium" });
  });

  it("keeps only the keys the file sets; the policy fills the defaults", () => {
    const cfg = load("review:\n  downgrades: off\n");
    expect(cfg.review).toEqual({ downgrades: "off" });
    expect(Object.keys(cfg.review ?? {})).toEqual(["downgrades"]);
    expect(resolveReviewPolicy(cfg)).toEqual({ ...DEFAULT_REVIEW_POLICY, downgrades: "off" });
    // no review section at all: the defaults
    expect(load("version: 1\n").review).toBeUndefined();
    expect(resolveReviewPolicy(load("version: 1\n"))).toEqual(DEFAULT_REVIEW_POLICY);
  });

  it("failOn falls back to scan.failOn of the file, then high", () => {
    expect(resolveReviewPolicy(load("scan:\n  failOn: low\nreview:\n  unpinned: warn\n")).failOn).toBe("low");
    expect(resolveReviewPolicy(load("scan:\n  failOn: low\n")).failOn).toBe("low");
    expect(resolveReviewPolicy(load("review:\n  failOn: none\nscan:\n  failOn: low\n")).failOn).toBe("none");
    expect(resolveReviewPolicy(load("review: {}\n")).failOn).toBe("high");
  });

  it("the resolved policy does not share the defaults' arrays", () => {
    const policy = resolveReviewPolicy(load("review: {}\n"));
    policy.deny.push({ package: "x" });
    policy.dependencyOnly.allow.push("x");
    expect(DEFAULT_REVIEW_POLICY.deny).toEqual([]);
    expect(DEFAULT_REVIEW_POLICY.dependencyOnly.allow).toEqual([]);
  });

  it.each([
    ["true", { enabled: true, allow: [] }],
    ["false", { enabled: false, allow: [] }],
    ["{allow: [README.md]}", { enabled: true, allow: ["README.md"] }],
    ["{}", { enabled: true, allow: [] }],
    ["{enabled: false, allow: [README.md]}", { enabled: false, allow: ["README.md"] }],
  ])("dependencyOnly: %s", (value, expected) => {
    const cfg = load(`review:\n  dependencyOnly: ${value}\n`);
    expect(cfg.review?.dependencyOnly).toEqual(expected);
    expect(resolveReviewPolicy(cfg).dependencyOnly).toEqual(expected);
  });

  it.each([
    [
      "an unknown review key",
      "review:\n  typosquat: warn\n",
      "2:3: review.typosquat: unknown key (expected one of: failOn, typosquats, maliciousCode, installScripts, allowInstallScripts, nonRegistrySources, unpinned, integrity, downgrades, deny, dependencyOnly, requireApproval)",
    ],
    [
      "a bad action",
      "review:\n  unpinned: block\n",
      '2:13: review.unpinned: Invalid option: expected one of "fail"|"warn"|"off"',
    ],
    ["a bad failOn", "review:\n  failOn: info\n", "2:11: review.failOn:"],
    ["a bad requireApproval", "review:\n  requireApproval: some\n", "2:20: review.requireApproval:"],
    [
      "an unknown key in a deny entry",
      "review:\n  deny:\n    - package: x\n      why: bad\n",
      "4:7: review.deny[0].why: unknown key (expected one of: package, reason)",
    ],
    [
      "a deny entry without a package",
      "review:\n  deny:\n    - reason: bad\n",
      "3:7: review.deny[0].package: Invalid input: expected string, received undefined",
    ],
    [
      "a deny entry of the wrong type",
      "review:\n  deny:\n    - 3\n",
      "3:7: review.deny[0]: expected a package pattern or {package, reason}",
    ],
    ["an empty deny entry", "review:\n  deny: ['']\n", "2:10: review.deny[0]: deny entry must not be empty"],
    [
      "a deny purl of another ecosystem",
      "review:\n  deny:\n    - package: pkg:maven/a/b\n",
      '3:16: review.deny[0].package: purl type "maven" is not supported',
    ],
    [
      "an allowInstallScripts entry that is not a purl",
      "review:\n  allowInstallScripts: ['pkg:']\n",
      "2:25: review.allowInstallScripts[0]: not a valid purl",
    ],
    [
      "an unknown dependencyOnly key",
      "review:\n  dependencyOnly: {allowed: [a]}\n",
      "2:20: review.dependencyOnly.allowed: unknown key (expected one of: enabled, allow)",
    ],
    [
      "dependencyOnly of the wrong type",
      "review:\n  dependencyOnly: yes\n",
      "2:19: review.dependencyOnly: expected true, false or {allow: [globs]}",
    ],
    [
      "a dependencyOnly allow that is not a list",
      "review:\n  dependencyOnly: {allow: README.md}\n",
      "2:27: review.dependencyOnly.allow: Invalid input: expected array, received string",
    ],
    ["review not a map", "review: strict\n", "1:9: review: Invalid input: expected object"],
  ])("rejects %s with file, line and key", (_what, text, expected) => {
    const dir = tmpTree({ "c.yaml": text });
    const e = inputErrorOfCall(() => loadConfigFile(join(dir, "c.yaml"), "c.yaml"));
    expect(e.message).toContain(`c.yaml:${expected}`);
    expect(e.message.split("\n")).toHaveLength(1);
  });
});

describe("loadProjectConfig: review and display names", () => {
  it("takes review from the first root file that has one, with a warning when several do", () => {
    const dir = tmpTree({
      ".git/HEAD": "x\n",
      "a/.depwarden.yaml": "scan:\n  failOn: low\n",
      "b/.depwarden.yaml": "review:\n  unpinned: warn\n",
      "c/.depwarden.yaml": "review:\n  unpinned: off\n",
    });
    const ab = loadProjectConfig([join(dir, "a"), join(dir, "b")]);
    expect(ab.review).toEqual({ unpinned: "warn" });
    expect(ab.warnings).toEqual([]);
    const bc = loadProjectConfig([join(dir, "c"), join(dir, "b")]);
    expect(bc.review?.unpinned).toBe("warn");
    expect(bc.warnings.map((w) => w.message)).toEqual([
      `several config files have a review section: using the one of ${relative(process.cwd(), join(dir, "b/.depwarden.yaml"))}`,
    ]);
    expect(loadProjectConfig([join(dir, "a")]).review).toBeUndefined();
  });

  it("options.display names files, entries and errors", () => {
    const dir = tmpTree({
      ".git/HEAD": "x\n",
      "svc/.depwarden.yaml":
        "review:\n  deny: [left-pad]\nignore:\n  - {id: A, reason: r, expires: 2030-01-01, approvedBy: a}\n",
      "bad/.depwarden.yaml": "review:\n  deny: [3]\n",
    });
    const display = (p: string) => `head:${relative(dir, p)}`;
    const cfg = loadProjectConfig([join(dir, "svc")], undefined, { display });
    expect(cfg.files).toEqual(["head:svc/.depwarden.yaml"]);
    expect(cfg.review?.deny).toEqual([{ package: "left-pad", source: "head:svc/.depwarden.yaml", line: 2 }]);
    expect(cfg.source.all().map((e) => e.file)).toEqual(["head:svc/.depwarden.yaml"]);
    expect(
      inputErrorOfCall(() => loadProjectConfig([join(dir, "bad")], undefined, { display })).message,
    ).toMatch(/^head:bad\/\.depwarden\.yaml:2:10: review\.deny\[0\]/);
    // --config too
    const explicit = loadProjectConfig([], join(dir, "svc/.depwarden.yaml"), { display });
    expect(explicit.files).toEqual(["head:svc/.depwarden.yaml"]);
    expect(explicit.review?.deny?.[0]?.source).toBe("head:svc/.depwarden.yaml");
    expect(inputErrorOfCall(() => loadProjectConfig([], join(dir, "nope.yaml"), { display })).message).toBe(
      "head:nope.yaml: config file not found",
    );
  });
});
