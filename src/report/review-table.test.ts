import { describe, expect, it } from "vitest";
import type { ReviewChange, ReviewFinding, ReviewReport } from "../review/model.js";
import { DEFAULT_REVIEW_POLICY } from "../review/model.js";
import { reviewChange as change, reviewFinding as finding } from "../test-helpers/review.js";
import { formatReviewTable } from "./review-table.js";
import { COLORS } from "./scan-table.js";

/** A report over these changes and findings; the summary counts what the verdict line needs. */
function report(
  changes: ReviewChange[],
  findings: ReviewFinding[],
  extra: Partial<ReviewReport> = {},
): ReviewReport {
  const blocking = findings.filter((f) => f.blocking).length;
  const unapproved = changes.filter((c) => c.needsApproval).length;
  return {
    base: { rev: "origin/main", commit: "1a2b3c4d5e6f7081920a1b2c3d4e5f6071829304" },
    head: { rev: null, commit: null },
    path: "",
    inventory: { target: ["."], components: [], files: [], errors: [], warnings: [] },
    database: { source: "bundled", advisories: 1200, updatedAt: "2026-11-20T08:00:00Z" },
    policy: structuredClone(DEFAULT_REVIEW_POLICY),
    configFiles: [],
    changes,
    changedFiles: { dependency: ["package-lock.json"], other: [] },
    findings,
    approvalsAdded: [],
    summary: {
      added: 0,
      removed: 0,
      upgraded: 0,
      downgraded: 0,
      direct: 0,
      introduced: findings.filter((f) => f.status === "introduced").length,
      fixed: findings.filter((f) => f.status === "fixed").length,
      blocking,
      approved: changes.filter((c) => c.approval).length,
      unapproved,
      inspected: 0,
    },
    verdict: blocking || unapproved ? "fail" : "pass",
    reasons: [],
    notes: [],
    ...extra,
  };
}

const lodash = () => change("lodash", "upgraded", "4.17.20", "4.17.21");
const ms = () => change("ms", "added", null, "2.1.3", { direct: false, via: ["pkg:npm/debug@4.3.4"] });

function failing(): ReviewReport {
  const l = lodash();
  const m = ms();
  return report(
    [l, m],
    [
      finding(l, {
        id: "GHSA-aaaa-bbbb-cccc",
        severity: "high",
        summary: "Prototype pollution",
        blocking: true,
      }),
      finding(m, { id: "GHSA-dddd-eeee-ffff", severity: "critical", blocking: true }),
      finding(m, { id: "GHSA-low0-0000-0000", severity: "low", blocking: false }),
      finding(l, { id: "GHSA-fixed-0000-0001", severity: "medium", status: "fixed", blocking: false }),
    ],
  );
}

/** The lines of the section that starts with `title`, up to the blank line after it. */
function block(text: string, title: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith(title));
  if (start === -1) return [];
  return lines.slice(start, lines.indexOf("", start));
}

describe("formatReviewTable", () => {
  it("says what an added change of a version the repository already had is", () => {
    const text = formatReviewTable(
      report([change("ms", "added", null, "2.1.3", { addedAs: "now-direct" })], []),
    );
    expect(text).toContain("ms 2.1.3  (direct, was a transitive dependency, now declared directly)");
  });

  it("shows what is compared, the changes, the findings introduced and fixed, and a verdict", () => {
    const text = formatReviewTable(failing());
    expect(text.split("\n")[0]).toBe("review origin/main (1a2b3c4) → working tree");
    expect(block(text, "Changes")).toEqual([
      "Changes (2):",
      "  upgraded  npm  lodash 4.17.20 → 4.17.21  (direct)",
      "  added     npm  ms 2.1.3  (transitive, via debug@4.3.4)",
    ]);
    expect(block(text, "Introduced findings")).toEqual([
      "Introduced findings (3):",
      "  ✗ HIGH  vulnerability  GHSA-aaaa-bbbb-cccc  lodash@4.17.21",
      "      Prototype pollution",
      "      no fix available",
      "  ✗ CRITICAL  vulnerability  GHSA-dddd-eeee-ffff  ms@2.1.3",
      "      no fix available",
      "  · LOW  vulnerability  GHSA-low0-0000-0000  ms@2.1.3",
      "      no fix available",
    ]);
    expect(block(text, "Fixed findings")).toEqual([
      "Fixed findings (1):",
      "  ✓ MEDIUM  vulnerability  GHSA-fixed-0000-0001  lodash@4.17.20",
    ]);
    expect(text.endsWith("\nFAIL: 2 blocking findings\n")).toBe(true);
  });

  it("names the head commit and the reviewed directory", () => {
    const r = failing();
    r.head = { rev: "HEAD", commit: "5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80" };
    r.path = "services/api";
    expect(formatReviewTable(r).split("\n")[0]).toBe(
      "review origin/main (1a2b3c4) → HEAD (5d6e7f8) in services/api",
    );
  });

  it("passes with the number of changes and of warnings; says when nothing changed", () => {
    const l = lodash();
    const passing = report(
      [l, ms()],
      [finding(l, { id: "GHSA-low0-0000-0000", severity: "low", blocking: false })],
    );
    expect(formatReviewTable(passing).endsWith("\nPASS: 2 changes, nothing blocking (1 warning)\n")).toBe(
      true,
    );
    const empty = report([], []);
    expect(formatReviewTable(empty)).toBe(
      "review origin/main (1a2b3c4) → working tree\n\nPASS: no dependency changes, nothing blocking\n",
    );
  });

  it("shows approvals only when the policy requires them, and counts unapproved changes apart", () => {
    const l = {
      ...lodash(),
      approval: {
        purl: "pkg:npm/lodash@4.17.21",
        reason: "Changelog reviewed",
        by: "Jane Doe",
        at: "2026-11-24T10:15:00Z",
        source: ".depwarden/approvals.yaml",
        line: 4,
      },
    };
    const m = { ...ms(), needsApproval: true };
    const r = report(
      [l, m],
      [
        finding(l, { id: "GHSA-aaaa-bbbb-cccc", severity: "high", blocking: true }),
        // the review's finding for the missing approval: counted as an unapproved change, not twice
        finding(m, { type: "policy", id: "approval-required", severity: "info", blocking: true }),
      ],
    );
    r.policy.requireApproval = "all";
    const text = formatReviewTable(r);
    expect(block(text, "Changes").slice(1)).toEqual([
      "  upgraded  npm  lodash 4.17.20 → 4.17.21  (direct)  approved by Jane Doe: Changelog reviewed",
      "  added     npm  ms 2.1.3  (transitive, via debug@4.3.4)  needs approval",
    ]);
    expect(text.endsWith("\nFAIL: 1 blocking finding, 1 unapproved change\n")).toBe(true);

    r.policy.requireApproval = "none";
    expect(formatReviewTable(r)).not.toMatch(/approved by|needs approval/);
  });

  it("names the files the dependency-only rule asks to split out, the approvals added, and the notes", () => {
    const r = report([lodash()], [], {
      verdict: "fail",
      dependencyOnly: { violated: true, split: ["src/a.ts", "src/b.ts"] },
      approvalsAdded: [
        {
          purl: "pkg:npm/lodash@4.17.21",
          reason: "trust me",
          by: "Mallory",
          at: "2026-11-24T10:15:00Z",
          expires: "2027-01-31",
          source: ".depwarden/approvals.yaml",
          line: 9,
        },
      ],
      notes: [{ file: ".depwarden.yaml", line: 3, message: "3: the policy file is changed by this change" }],
    });
    const text = formatReviewTable(r);
    expect(block(text, "Dependency-only rule")).toEqual([
      "Dependency-only rule: this change touches dependency files and 2 other files; move these to their own pull request:",
      "  src/a.ts",
      "  src/b.ts",
    ]);
    expect(block(text, "Approvals this change adds")).toEqual([
      "Approvals this change adds (1): check them",
      "  pkg:npm/lodash@4.17.21 by Mallory until 2027-01-31: trust me  (.depwarden/approvals.yaml:9)",
    ]);
    expect(block(text, "Notes")).toEqual([
      "Notes:",
      "  .depwarden.yaml: 3: the policy file is changed by this change",
    ]);
    expect(text.endsWith("\nFAIL: dependency-only rule (2 files to split)\n")).toBe(true);
    expect(formatReviewTable(failing())).not.toMatch(/Dependency-only|Approvals this change adds|Notes:/);
  });

  it("falls back to the review's reasons when no count explains a failure", () => {
    const r = report([lodash()], [], { verdict: "fail", reasons: ["an input could not be read"] });
    expect(formatReviewTable(r).endsWith("\nFAIL: an input could not be read\n")).toBe(true);
  });

  it("colours only when asked, severities as the scan table does", () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this checks
    expect(formatReviewTable(failing(), { color: false })).not.toMatch(/\x1b/);
    const coloured = formatReviewTable(failing(), { color: true });
    expect(coloured).toContain(`${COLORS.high}HIGH\x1b[0m`);
    expect(coloured).toContain(`${COLORS.critical}CRITICAL\x1b[0m`);
    expect(coloured).toContain("\x1b[1;31mFAIL\x1b[0m: 2 blocking findings");
  });

  it("never passes control characters from lockfiles, advisories or approvals to the terminal", () => {
    const l = change("lo\x1b[2Jdash", "upgraded", "1.0.0", "1.0.1\r");
    const r = report(
      [l],
      [finding(l, { id: "GHSA-x", severity: "high", summary: "Evil\x1b]0;t\x07\nline", blocking: true })],
    );
    r.notes = [{ file: "a\x1b[31m.yaml", message: "bad\x07" }];
    const text = formatReviewTable(r);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this checks
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(text).toContain("      Evil]0;t line");
  });

  it("gives the same text for the same report", () => {
    expect(formatReviewTable(failing(), { color: true })).toBe(formatReviewTable(failing(), { color: true }));
  });
});
