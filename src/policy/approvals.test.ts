import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import type { Approval } from "../review/model.js";
import { inputErrorOf, inputErrorOfCall } from "../test-helpers/extract.js";
import { tmpTree } from "../test-helpers/tmp.js";
import {
  APPROVALS_FILE,
  appendApproval,
  approvalCovers,
  canonicalApprovalPurl,
  loadApprovals,
  parseApprovals,
} from "./approvals.js";

const FILE = `# reviewed dependency versions
approvals:
  - purl: pkg:npm/lodash@4.17.21
    reason: Fixes CVE-2021-23337; changelog reviewed
    by: Jane Doe
    at: 2026-11-24T10:15:00Z
    expires: 2027-05-24
  - purl: pkg:pypi/Flask_Login@0.6.3   # written by hand: normalised on reading
    reason: "needed for SSO: reviewed"
    by: bob
    at: 2026-11-25T08:00:00.5Z
`;

const entry = (over: Partial<Parameters<typeof appendApproval>[1]> = {}) => ({
  purl: "pkg:npm/left-pad@1.3.0",
  reason: "tiny, reviewed",
  by: "Jane Doe",
  at: "2026-12-01T09:00:00Z",
  ...over,
});

describe("parseApprovals", () => {
  it("reads entries in order, with their lines, purls canonicalised", () => {
    expect(parseApprovals(FILE, APPROVALS_FILE)).toEqual([
      {
        purl: "pkg:npm/lodash@4.17.21",
        reason: "Fixes CVE-2021-23337; changelog reviewed",
        by: "Jane Doe",
        at: "2026-11-24T10:15:00Z",
        expires: "2027-05-24",
        source: APPROVALS_FILE,
        line: 3,
      },
      {
        purl: "pkg:pypi/flask-login@0.6.3",
        reason: "needed for SSO: reviewed",
        by: "bob",
        at: "2026-11-25T08:00:00.5Z",
        source: APPROVALS_FILE,
        line: 8,
      },
    ]);
  });

  it.each([
    ["an empty file", ""],
    ["comments only", "# nothing yet\n"],
    ["an empty list", "approvals: []\n"],
    ["a key without a list", "approvals:\n"],
  ])("%s is no approvals", (_what, text) => {
    expect(parseApprovals(text, "a.yaml")).toEqual([]);
  });

  it.each([
    [
      "an unknown top-level key",
      "approval:\n  - purl: x\n",
      "a.yaml:1:1: approval: unknown key (expected one of: version, approvals)",
    ],
    [
      "an unknown key in an entry",
      "approvals:\n  - purl: pkg:npm/a@1.0.0\n    reason: r\n    by: b\n    at: 2026-01-01T00:00:00Z\n    until: 2027-01-01\n",
      "a.yaml:6:5: approvals[0].until: unknown key (expected one of: purl, reason, by, at, expires)",
    ],
    [
      "a purl without a version",
      "approvals:\n  - purl: pkg:npm/a\n    reason: r\n    by: b\n    at: 2026-01-01T00:00:00Z\n",
      "a.yaml:2:11: approvals[0].purl: the purl has no version: an approval is for one version",
    ],
    [
      "a purl of another ecosystem",
      "approvals:\n  - purl: pkg:maven/g/a@1\n    reason: r\n    by: b\n    at: 2026-01-01T00:00:00Z\n",
      'a.yaml:2:11: approvals[0].purl: purl type "maven" is not supported',
    ],
    [
      "a name instead of a purl",
      "approvals:\n  - purl: lodash@4.17.21\n    reason: r\n    by: b\n    at: 2026-01-01T00:00:00Z\n",
      "a.yaml:2:11: approvals[0].purl: not a purl",
    ],
    [
      "a purl with qualifiers",
      "approvals:\n  - purl: pkg:npm/a@1.0.0?repository_url=https://evil.example\n    reason: r\n    by: b\n    at: 2026-01-01T00:00:00Z\n",
      "a.yaml:2:11: approvals[0].purl: purl qualifiers and subpaths are not supported",
    ],
    [
      "a missing reason",
      "approvals:\n  - purl: pkg:npm/a@1.0.0\n    by: b\n    at: 2026-01-01T00:00:00Z\n",
      "a.yaml:2:5: approvals[0].reason:",
    ],
    [
      "an empty approver",
      "approvals:\n  - purl: pkg:npm/a@1.0.0\n    reason: r\n    by: ' '\n    at: 2026-01-01T00:00:00Z\n",
      "a.yaml:4:9: approvals[0].by: by must not be empty",
    ],
    [
      "a local time",
      "approvals:\n  - purl: pkg:npm/a@1.0.0\n    reason: r\n    by: b\n    at: 2026-01-01T10:00:00+02:00\n",
      "a.yaml:5:9: approvals[0].at: expected an ISO 8601 UTC timestamp",
    ],
    [
      "an impossible time",
      "approvals:\n  - purl: pkg:npm/a@1.0.0\n    reason: r\n    by: b\n    at: 2026-02-30T10:00:00Z\n",
      "a.yaml:5:9: approvals[0].at: expected an ISO 8601 UTC timestamp",
    ],
    [
      "a bad expiry",
      "approvals:\n  - purl: pkg:npm/a@1.0.0\n    reason: r\n    by: b\n    at: 2026-01-01T00:00:00Z\n    expires: 2027-13-01\n",
      'a.yaml:6:14: approvals[0].expires: expected a date as YYYY-MM-DD, got "2027-13-01"',
    ],
    ["approvals not a list", "approvals: yes\n", "a.yaml:1:12: approvals: Invalid input: expected array"],
    ["a list at the top", "- purl: x\n", "a.yaml:1:1: approvals file: Invalid input: expected object"],
    ["broken YAML", "approvals:\n  - purl: [\n", "a.yaml:3:1: invalid YAML"],
  ])("rejects %s with the line", (_what, text, expected) => {
    const e = inputErrorOfCall(() => parseApprovals(text, "a.yaml"));
    expect(e.message).toContain(expected);
    expect(e.message.split("\n")).toHaveLength(1);
  });
});

describe("loadApprovals", () => {
  it("a missing file is no approvals; an existing one is read", () => {
    const dir = tmpTree({ "a.yaml": FILE });
    expect(loadApprovals(join(dir, "missing.yaml"))).toEqual([]);
    expect(loadApprovals(join(dir, "a.yaml"), "shown.yaml").map((a) => [a.source, a.line])).toEqual([
      ["shown.yaml", 3],
      ["shown.yaml", 8],
    ]);
  });
});

describe("canonicalApprovalPurl", () => {
  it("refuses a range or a tag: an approval is for one exact version", () => {
    expect(() => canonicalApprovalPurl("pkg:npm/lodash@%5E4.17.0")).toThrow(/not an exact SemVer version/);
    expect(() => canonicalApprovalPurl("pkg:pypi/requests@latest")).toThrow(/not an exact PEP 440 version/);
    expect(canonicalApprovalPurl("pkg:pypi/requests@2.31")).toBe("pkg:pypi/requests@2.31");
  });

  it("writes purls as the inventory does", () => {
    expect(canonicalApprovalPurl("pkg:pypi/Flask_Login@0.6.3")).toBe("pkg:pypi/flask-login@0.6.3");
    expect(canonicalApprovalPurl("pkg:npm/@babel/core@7.24.0")).toBe("pkg:npm/%40babel/core@7.24.0");
    expect(canonicalApprovalPurl(" pkg:npm/%40babel/core@7.24.0 ")).toBe("pkg:npm/%40babel/core@7.24.0");
  });

  it.each([
    ["lodash@4.17.21", /"lodash@4.17.21": not a purl .*: expected e.g. pkg:npm\/lodash@4.17.21$/],
    ["pkg:npm/lodash", /an approval is for one version: pkg:npm\/lodash@4.17.21$/],
    ["pkg:cargo/serde@1.0.0", /purl type "cargo" is not supported/],
  ])("refuses %s with a usage error", (text, message) => {
    expect(() => canonicalApprovalPurl(text)).toThrow(UsageError);
    expect(() => canonicalApprovalPurl(text)).toThrow(message);
  });
});

describe("approvalCovers", () => {
  const approval = (purl: string, expires?: string): Approval => ({
    purl,
    reason: "r",
    by: "b",
    at: "2026-01-01T00:00:00Z",
    ...(expires ? { expires } : {}),
    source: APPROVALS_FILE,
  });
  const now = new Date("2026-06-01T12:00:00Z");

  it("covers the same package at an equal version only", () => {
    const a = approval("pkg:npm/lodash@4.17.21");
    expect(approvalCovers(a, { ecosystem: "npm", name: "lodash", version: "4.17.21" }, now)).toBe(true);
    expect(approvalCovers(a, { ecosystem: "npm", name: "lodash", version: "4.17.20" }, now)).toBe(false);
    expect(approvalCovers(a, { ecosystem: "npm", name: "lodash-es", version: "4.17.21" }, now)).toBe(false);
    expect(approvalCovers(a, { ecosystem: "PyPI", name: "lodash", version: "4.17.21" }, now)).toBe(false);
    expect(approvalCovers(a, { ecosystem: "npm", name: "lodash", version: null }, now)).toBe(false);
  });

  it("compares versions and names as the ecosystem does", () => {
    const a = approval("pkg:pypi/flask-login@1.0");
    expect(approvalCovers(a, { ecosystem: "PyPI", name: "Flask_Login", version: "1.0.0" }, now)).toBe(true);
    expect(approvalCovers(a, { ecosystem: "PyPI", name: "flask.login", version: "1.0.post1" }, now)).toBe(
      false,
    );
    const scoped = approval("pkg:npm/%40babel/core@7.24.0");
    expect(approvalCovers(scoped, { ecosystem: "npm", name: "@babel/core", version: "7.24.0" }, now)).toBe(
      true,
    );
  });

  it("holds through the end of its expiry day (UTC), not after", () => {
    const a = approval("pkg:npm/lodash@4.17.21", "2026-06-01");
    const pkg = { ecosystem: "npm", name: "lodash", version: "4.17.21" };
    expect(approvalCovers(a, pkg, new Date("2026-06-01T23:59:59.999Z"))).toBe(true);
    expect(approvalCovers(a, pkg, new Date("2026-06-02T00:00:00Z"))).toBe(false);
  });
});

describe("appendApproval", () => {
  it("creates the directory and a commented file; the round trip gives the entry back", async () => {
    const dir = tmpTree({});
    const path = join(dir, APPROVALS_FILE);
    const { line } = await appendApproval(path, entry({ expires: "2027-01-31" }), APPROVALS_FILE);
    const text = readFileSync(path, "utf8");
    expect(text).toMatch(/^# depwarden approvals: /);
    expect(text.split("\n")[line - 1]).toBe("  - purl: pkg:npm/left-pad@1.3.0");
    expect(loadApprovals(path, APPROVALS_FILE)).toEqual([
      { ...entry(), expires: "2027-01-31", source: APPROVALS_FILE, line },
    ]);
  });

  it("appends: the earlier bytes are unchanged and the new entry is last", async () => {
    const dir = tmpTree({ "a.yaml": FILE });
    const path = join(dir, "a.yaml");
    const { line } = await appendApproval(path, entry());
    const text = readFileSync(path, "utf8");
    expect(text.startsWith(FILE)).toBe(true);
    expect(text.slice(FILE.length)).toBe(
      "  - purl: pkg:npm/left-pad@1.3.0\n    reason: tiny, reviewed\n    by: Jane Doe\n    at: 2026-12-01T09:00:00Z\n",
    );
    expect(line).toBe(12);
    const again = await appendApproval(path, entry({ purl: "pkg:npm/lodash@4.17.22" }));
    expect(readFileSync(path, "utf8").startsWith(text)).toBe(true);
    expect(again.line).toBe(16);
    expect(loadApprovals(path).map((a) => a.purl)).toEqual([
      "pkg:npm/lodash@4.17.21",
      "pkg:pypi/flask-login@0.6.3",
      "pkg:npm/left-pad@1.3.0",
      "pkg:npm/lodash@4.17.22",
    ]);
  });

  it.each([
    [
      "a list at column 0",
      "approvals:\n- purl: pkg:npm/a@1.0.0\n  reason: r\n  by: b\n  at: 2026-01-01T00:00:00Z\n",
    ],
    [
      "no final newline",
      "approvals:\n    - purl: pkg:npm/a@1.0.0\n      reason: r\n      by: b\n      at: 2026-01-01T00:00:00Z",
    ],
    ["a key without a list", "# first approval to come\napprovals:\n"],
    ["comments only", "# nothing yet\n"],
  ])("appends to %s as plain text", async (_what, before) => {
    const dir = tmpTree({ "a.yaml": before });
    const path = join(dir, "a.yaml");
    const { line } = await appendApproval(path, entry());
    const text = readFileSync(path, "utf8");
    expect(text.startsWith(before)).toBe(true);
    const approvals = loadApprovals(path);
    expect(approvals.at(-1)).toMatchObject({ ...entry(), line });
    expect(text.split("\n")[line - 1]).toMatch(/^\s*- purl: pkg:npm\/left-pad@1\.3\.0$/);
  });

  it.each([
    ["a flow list", "# format\napprovals: []\n"],
    [
      "a key after the list",
      "approvals:\n  - purl: pkg:npm/a@1.0.0\n    reason: r\n    by: b\n    at: 2026-01-01T00:00:00Z\nversion: 1 # format\n",
    ],
  ])("still gives a valid file with the entry last for %s", async (_what, before) => {
    const dir = tmpTree({ "a.yaml": before });
    const path = join(dir, "a.yaml");
    const earlier = parseApprovals(before, "a.yaml");
    const { line } = await appendApproval(path, entry());
    const after = loadApprovals(path);
    expect(after.slice(0, -1).map((a) => a.purl)).toEqual(earlier.map((a) => a.purl));
    expect(after.at(-1)).toMatchObject({ ...entry(), line });
    expect(readFileSync(path, "utf8")).toContain("# format");
  });

  it.each([
    ["a colon and a hash", "Fixes: CVE-2021-23337 # see changelog"],
    ["several lines", "first line\n\n  indented second: yes\nthird"],
    ["a leading dash", "- not a list"],
    ["a leading @", "@security-team reviewed"],
    ["leading quotes", "'quoted' and \"double\""],
    ["a YAML-looking value", "true"],
    ["a flow indicator", "[x], {y}"],
    ["a document marker", "--- then ..."],
  ])("quotes a reason with %s safely", async (_what, reason) => {
    const dir = tmpTree({ "a.yaml": FILE });
    const path = join(dir, "a.yaml");
    await appendApproval(path, entry({ reason, by: "@jane: ops #1" }));
    const last = loadApprovals(path).at(-1);
    expect(last?.reason).toBe(reason);
    expect(last?.by).toBe("@jane: ops #1");
  });

  it("refuses a file that does not parse, naming its line, and leaves it untouched", async () => {
    const broken = "approvals:\n  - purl: pkg:npm/a@1.0.0\n    reason: r\n    by: b\n    at: yesterday\n";
    const dir = tmpTree({ "a.yaml": broken });
    const path = join(dir, "a.yaml");
    const e = await inputErrorOf(appendApproval(path, entry(), "shown.yaml"));
    expect(e.message).toMatch(/^shown\.yaml:5:9: approvals\[0\]\.at: expected an ISO 8601 UTC timestamp/);
    expect(readFileSync(path, "utf8")).toBe(broken);
  });

  it("names the file when it cannot be read or its directory made", async () => {
    const dir = tmpTree({ "a.yaml/x": "", blocker: "" });
    const unreadable = await inputErrorOf(appendApproval(join(dir, "a.yaml"), entry(), "a.yaml"));
    expect(unreadable.message).toBe("a.yaml: cannot read approvals file (EISDIR)");
    const noDir = await inputErrorOf(appendApproval(join(dir, "blocker/a.yaml"), entry(), "blocker/a.yaml"));
    expect(noDir.message).toMatch(
      /^blocker\/a\.yaml: cannot (create its directory|read approvals file) \(ENOTDIR\)$/,
    );
  });

  it("refuses an invalid entry without creating anything", async () => {
    const dir = tmpTree({});
    const path = join(dir, APPROVALS_FILE);
    await expect(appendApproval(path, entry({ purl: "pkg:npm/x" }))).rejects.toThrow(
      /invalid approval: purl: the purl has no version/,
    );
    await expect(appendApproval(path, entry({ at: "2026-12-01 09:00" }))).rejects.toThrow(UsageError);
    expect(existsSync(join(dir, ".depwarden"))).toBe(false);
  });
});
