import { describe, expect, it } from "vitest";
import { buildPurl } from "../inventory/normalise.js";
import type { Approval, ReviewChange, ReviewFinding, ReviewPolicy, ReviewReport } from "../review/model.js";
import { DEFAULT_REVIEW_POLICY } from "../review/model.js";
import { formatReviewJson, reviewDocument } from "./review-json.js";

const APPROVAL: Approval = {
  purl: "pkg:npm/lodash@4.17.21",
  reason: "Changelog reviewed",
  by: "Jane Doe",
  at: "2026-11-24T10:15:00Z",
  expires: "2027-05-24",
  source: ".depwarden/approvals.yaml",
  line: 4,
};

/** An upgrade with an approval, a transitive addition without one, a blocking finding and a fixed one. */
function sample(): ReviewReport {
  const lodash: ReviewChange = {
    ecosystem: "npm",
    name: "lodash",
    purl: "pkg:npm/lodash@4.17.21",
    change: "upgraded",
    from: "4.17.20",
    to: "4.17.21",
    direct: true,
    via: [],
    approval: APPROVAL,
    needsApproval: false,
    inspected: true,
  };
  const ms: ReviewChange = {
    ecosystem: "npm",
    name: "ms",
    purl: "pkg:npm/ms@2.1.3",
    change: "added",
    from: null,
    to: "2.1.3",
    direct: false,
    via: ["pkg:npm/debug@4.3.4"],
    needsApproval: true,
    inspected: false,
  };
  const finding = (
    name: string,
    version: string,
    f: Partial<ReviewFinding> & Pick<ReviewFinding, "id" | "status" | "blocking">,
  ): ReviewFinding => ({
    type: "vulnerability",
    aliases: [],
    purl: buildPurl("npm", name, version),
    ecosystem: "npm",
    name,
    version,
    severity: "high",
    summary: "A flaw",
    fixedIn: null,
    references: [],
    direct: true,
    scopes: ["prod"],
    sources: [{ file: "package-lock.json", line: 12 }],
    ...f,
  });
  return {
    base: { rev: "origin/main", commit: "1a2b3c4d5e6f7081920a1b2c3d4e5f6071829304" },
    head: { rev: null, commit: null },
    path: "",
    inventory: { target: ["."], components: [], files: [], errors: [], warnings: [] },
    database: { source: "bundled", advisories: 1200, updatedAt: "2026-11-20T08:00:00Z" },
    policy: { ...structuredClone(DEFAULT_REVIEW_POLICY), failOn: "medium" },
    configFiles: [".depwarden.yaml", ".depwarden/approvals.yaml"],
    changes: [lodash, ms],
    changedFiles: { dependency: ["package-lock.json"], other: ["src/index.ts"] },
    findings: [
      finding("lodash", "4.17.21", { id: "GHSA-aaaa-bbbb-cccc", status: "introduced", blocking: true }),
      finding("lodash", "4.17.21", {
        type: "install-script",
        id: "install-script",
        status: "introduced",
        blocking: false,
        approved: { ...APPROVAL, expires: undefined, line: undefined },
      }),
      finding("lodash", "4.17.20", { id: "GHSA-fixed-0000-0001", status: "fixed", blocking: false }),
    ],
    approvalsAdded: [APPROVAL],
    summary: {
      added: 1,
      removed: 0,
      upgraded: 1,
      downgraded: 0,
      direct: 1,
      introduced: 2,
      fixed: 1,
      blocking: 1,
      approved: 1,
      unapproved: 1,
      inspected: 1,
    },
    verdict: "fail",
    reasons: ["1 vulnerability introduced at or above medium"],
    notes: [{ file: ".depwarden.yaml", message: "the policy file is changed by this change" }],
  };
}

describe("formatReviewJson", () => {
  it("is the scan contract plus the change, keys in a fixed order", () => {
    const doc = JSON.parse(formatReviewJson(sample()));
    expect(Object.keys(doc)).toEqual([
      "schemaVersion",
      "tool",
      "target",
      "files",
      "components",
      "errors",
      "warnings",
      "database",
      "failOn",
      "config",
      "base",
      "head",
      "path",
      "policy",
      "changes",
      "changedFiles",
      "findings",
      "approvalsAdded",
      "summary",
      "verdict",
      "reasons",
      "notes",
    ]);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.failOn).toBe("medium");
    expect(doc.config).toEqual({ files: [".depwarden.yaml", ".depwarden/approvals.yaml"] });
    expect(doc.base).toEqual({ rev: "origin/main", commit: "1a2b3c4d5e6f7081920a1b2c3d4e5f6071829304" });
    expect(doc.head).toEqual({ rev: null, commit: null });
    expect(doc.changedFiles).toEqual({ dependency: ["package-lock.json"], other: ["src/index.ts"] });
    expect(doc.verdict).toBe("fail");
    expect(doc.reasons).toEqual(["1 vulnerability introduced at or above medium"]);
    expect(doc.approvalsAdded).toEqual([APPROVAL]);
    expect(doc.notes).toEqual([
      { file: ".depwarden.yaml", message: "the policy file is changed by this change" },
    ]);
  });

  it("adds the optional sections only when the report has them", () => {
    const r = sample();
    r.typosquat = { lists: [{ ecosystem: "npm", source: "bundled", entries: 5000 }] };
    r.dependencyOnly = { violated: true, split: ["src/index.ts"] };
    r.contents = { packages: 1, files: 10, sourceFiles: 4, sourceBytes: 2048 };
    const doc = reviewDocument(r);
    const keys = Object.keys(doc);
    expect(keys.slice(keys.indexOf("config"), keys.indexOf("base") + 1)).toEqual([
      "config",
      "typosquat",
      "base",
    ]);
    expect(keys.slice(keys.indexOf("changedFiles"), keys.indexOf("findings") + 1)).toEqual([
      "changedFiles",
      "dependencyOnly",
      "findings",
    ]);
    expect(keys.slice(keys.indexOf("approvalsAdded"), keys.indexOf("summary") + 1)).toEqual([
      "approvalsAdded",
      "contents",
      "summary",
    ]);
    expect(doc.dependencyOnly).toEqual({ violated: true, split: ["src/index.ts"] });
    expect(doc.contents).toEqual({ packages: 1, files: 10, sourceFiles: 4, sourceBytes: 2048 });
  });

  it("writes each change with its approval, or none", () => {
    const [lodash, ms] = reviewDocument(sample()).changes as Record<string, unknown>[];
    expect(Object.keys(lodash!)).toEqual([
      "purl",
      "change",
      "from",
      "to",
      "direct",
      "ecosystem",
      "name",
      "via",
      "approval",
      "needsApproval",
      "inspected",
    ]);
    expect(lodash!.approval).toEqual({
      purl: "pkg:npm/lodash@4.17.21",
      reason: "Changelog reviewed",
      by: "Jane Doe",
      at: "2026-11-24T10:15:00Z",
      expires: "2027-05-24",
      source: ".depwarden/approvals.yaml",
      line: 4,
    });
    expect(Object.keys(lodash!.approval as object)).toEqual([
      "purl",
      "reason",
      "by",
      "at",
      "expires",
      "source",
      "line",
    ]);
    expect(ms).toEqual({
      purl: "pkg:npm/ms@2.1.3",
      change: "added",
      from: null,
      to: "2.1.3",
      direct: false,
      ecosystem: "npm",
      name: "ms",
      via: ["pkg:npm/debug@4.3.4"],
      needsApproval: true,
      inspected: false,
    });
    expect("approval" in ms!).toBe(false);
  });

  it("writes findings as scan does, with their status, whether they block, and the approval that covers them", () => {
    const [vuln, script, fixed] = reviewDocument(sample()).findings as Record<string, unknown>[];
    expect(Object.keys(vuln!)).toEqual([
      "type",
      "id",
      "aliases",
      "purl",
      "name",
      "version",
      "severity",
      "cvss",
      "summary",
      "fixedIn",
      "references",
      "direct",
      "scopes",
      "sources",
      "status",
      "blocking",
    ]);
    expect(vuln).toMatchObject({
      id: "GHSA-aaaa-bbbb-cccc",
      status: "introduced",
      blocking: true,
      cvss: null,
    });
    expect(fixed).toMatchObject({
      id: "GHSA-fixed-0000-0001",
      version: "4.17.20",
      status: "fixed",
      blocking: false,
    });
    expect("approved" in vuln!).toBe(false);
    // an approval without an expiry or a line has neither key
    expect(script!.approved).toEqual({
      purl: "pkg:npm/lodash@4.17.21",
      reason: "Changelog reviewed",
      by: "Jane Doe",
      at: "2026-11-24T10:15:00Z",
      source: ".depwarden/approvals.yaml",
    });
    expect(script).toMatchObject({ type: "install-script", status: "introduced", blocking: false });
  });

  it("writes the policy and the summary in a fixed key order, whatever order they were built in", () => {
    const r = sample();
    const reversed = Object.fromEntries(Object.entries(r.policy).reverse()) as unknown as ReviewPolicy;
    reversed.deny = [{ reason: "sabotaged", line: 7, package: "colors", source: ".depwarden.yaml" }];
    r.policy = reversed;
    r.summary = Object.fromEntries(Object.entries(r.summary).reverse()) as unknown as ReviewReport["summary"];
    const doc = reviewDocument(r);
    expect(Object.keys(doc.policy as object)).toEqual([
      "failOn",
      "typosquats",
      "maliciousCode",
      "deny",
      "installScripts",
      "allowInstallScripts",
      "nonRegistrySources",
      "unpinned",
      "integrity",
      "downgrades",
      "dependencyOnly",
      "requireApproval",
    ]);
    expect((doc.policy as ReviewPolicy).deny).toEqual([
      { package: "colors", reason: "sabotaged", source: ".depwarden.yaml", line: 7 },
    ]);
    expect(Object.keys((doc.policy as ReviewPolicy).deny[0]!)).toEqual([
      "package",
      "reason",
      "source",
      "line",
    ]);
    expect(Object.keys(doc.summary as object)).toEqual([
      "added",
      "removed",
      "upgraded",
      "downgraded",
      "direct",
      "introduced",
      "fixed",
      "blocking",
      "approved",
      "unapproved",
      "inspected",
    ]);
  });

  it("is indented by two spaces, ends with a newline, and gives the same bytes for the same report", () => {
    const text = formatReviewJson(sample());
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.split("\n")[1]).toBe('  "schemaVersion": 1,');
    expect(formatReviewJson(sample())).toBe(text);
  });
});
