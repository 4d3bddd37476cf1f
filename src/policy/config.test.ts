import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { tmpTree } from "../test-helpers/tmp.js";
import { findConfigFile, loadConfigFile, loadProjectConfig } from "./config.js";

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
`;

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}

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
        scope: dir,
      },
      {
        id: "GHSA-jfh8-c2jp-5v3q",
        reason: "dev tool only",
        expires: "2027-01-15",
        file: ".depwarden.yaml",
        line: 11,
        scope: dir,
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
      "1:1: ignores: unknown key (expected one of: version, scan, ignore)",
    ],
    [
      "an unknown key in an ignore",
      "ignore:\n  - id: X\n    reason: r\n    expires: 2026-01-01\n    until: 2026-01-01\n",
      "5:5: ignore[0].until: unknown key (expected one of: id, package, reason, expires, approvedBy)",
    ],
    ["a missing reason", "ignore:\n  - id: X\n    expires: 2026-01-01\n", "2:5: ignore[0].reason:"],
    ["a missing expiry", "ignore:\n  - id: X\n    reason: r\n", "2:5: ignore[0].expires:"],
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
  ])("rejects %s with file, line and key", (_what, text, expected) => {
    const dir = tmpTree({ "c.yaml": text });
    const e = errorOf(() => loadConfigFile(join(dir, "c.yaml"), "c.yaml"));
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

  it("takes the nearest file, and the settings only when every path agrees", () => {
    const dir = tmpTree({
      ".git/HEAD": "x\n",
      ".depwarden.yaml": "scan:\n  failOn: low\nignore:\n  - {id: A, reason: r, expires: 2030-01-01}\n",
      "b/.depwarden.yml": "scan:\n  failOn: critical\nignore:\n  - {id: B, reason: r, expires: 2030-01-01}\n",
      "a/x.txt": "",
    });
    const one = loadProjectConfig([join(dir, "b")]);
    expect(one.failOn).toBe("critical");
    expect(one.ignores.map((i) => i.id)).toEqual(["B"]);
    const both = loadProjectConfig([join(dir, "a"), join(dir, "b")]);
    expect(both.failOn).toBeUndefined();
    expect(both.ignores.map((i) => [i.id, i.scope])).toEqual([
      ["A", dir],
      ["B", join(dir, "b")],
    ]);
  });

  it("--config applies to everything and must exist", () => {
    const dir = tmpTree({ "policy.yaml": "ignore:\n  - {id: A, reason: r, expires: 2030-01-01}\n" });
    const cfg = loadProjectConfig([dir], join(dir, "policy.yaml"));
    expect(cfg.ignores[0]?.scope).toBeUndefined();
    expect(errorOf(() => loadProjectConfig([dir], join(dir, "nope.yaml"))).message).toContain(
      "config file not found",
    );
  });
});
