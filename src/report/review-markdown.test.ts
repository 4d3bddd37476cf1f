import { describe, expect, it } from "vitest";
import type { Approval, ReviewChange, ReviewFinding, ReviewReport } from "../review/model.js";
import { DEFAULT_REVIEW_POLICY } from "../review/model.js";
import { reviewChange as change, reviewFinding as finding } from "../test-helpers/review.js";
import { formatReviewMarkdown, MARKDOWN_LIMIT } from "./review-markdown.js";

// ---------------------------------------------------------------------------------------------------------
// Hand-made reports

const APPROVAL: Approval = {
  purl: "pkg:npm/lodash@4.17.21",
  reason: "Changelog reviewed",
  by: "Jane Doe",
  at: "2026-11-24T10:15:00Z",
  source: ".depwarden/approvals.yaml",
  line: 4,
};

/** A report over these changes and findings, its summary and verdict derived from them. */
function report(
  changes: ReviewChange[] = [],
  findings: ReviewFinding[] = [],
  extra: Partial<ReviewReport> = {},
): ReviewReport {
  const count = (k: ReviewChange["change"]) => changes.filter((c) => c.change === k).length;
  const blocking = findings.filter((f) => f.blocking).length;
  return {
    base: { rev: "origin/main", commit: "1a2b3c4d5e6f7081920a1b2c3d4e5f6071829304" },
    head: { rev: null, commit: null },
    path: "",
    inventory: { target: ["."], components: [], files: [], errors: [], warnings: [] },
    database: { source: "bundled", advisories: 1200, updatedAt: "2026-11-20T08:00:00Z" },
    policy: structuredClone(DEFAULT_REVIEW_POLICY),
    configFiles: [".depwarden.yaml"],
    changes,
    changedFiles: { dependency: changes.length ? ["package-lock.json"] : [], other: [] },
    findings,
    approvalsAdded: [],
    summary: {
      added: count("added"),
      removed: count("removed"),
      upgraded: count("upgraded"),
      downgraded: count("downgraded"),
      direct: changes.filter((c) => c.direct).length,
      introduced: findings.filter((f) => f.status === "introduced").length,
      fixed: findings.filter((f) => f.status === "fixed").length,
      blocking,
      approved: changes.filter((c) => c.approval).length,
      unapproved: changes.filter((c) => c.needsApproval).length,
      inspected: changes.filter((c) => c.inspected).length,
    },
    verdict: blocking ? "fail" : "pass",
    reasons: blocking ? [`${blocking} blocking`] : [],
    notes: [],
    ...extra,
  };
}

/** An upgrade with a blocking vulnerability and a fixed one, a warning, an added package, a transitive removal. */
function sample(): ReviewReport {
  const lodash = change("lodash", "upgraded", "4.17.20", "4.17.21");
  const leftPad = change("left-pad", "added", null, "1.3.0");
  const ms = change("ms", "removed", "2.1.3", null, { direct: false });
  const urllib3 = change("urllib3", "upgraded", "1.26.0", "2.0.7", {
    ecosystem: "PyPI",
    direct: false,
    via: ["pkg:pypi/requests@2.31.0"],
  });
  return report(
    [leftPad, lodash, ms, urllib3],
    [
      finding(lodash, {
        id: "GHSA-aaaa-bbbb-cccc",
        severity: "high",
        summary: "Prototype pollution",
        fixedIn: "4.17.22",
        blocking: true,
      }),
      finding(urllib3, { id: "GHSA-warn-only-0001", severity: "low", summary: "Minor leak" }),
      finding(lodash, { id: "GHSA-fixed-0000-0001", severity: "critical", status: "fixed" }),
    ],
    { reasons: ["1 vulnerability introduced at or above high"] },
  );
}

// ---------------------------------------------------------------------------------------------------------
// Reading the output

/** The lines of the section under `#### title`, up to the next heading. */
function section(text: string, title: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf(`#### ${title}`);
  if (start === -1) return [];
  const end = lines.findIndex((l, i) => i > start && l.startsWith("#### "));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

/** A GFM table row's cells: split on the pipes that are not backslash-escaped. */
function cells(row: string): string[] {
  return row
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** The body rows of the first table in these lines. */
function tableRows(lines: string[]): string[][] {
  const header = lines.findIndex((l) => l.startsWith("|"));
  expect(header).toBeGreaterThanOrEqual(0);
  expect(lines[header + 1]).toMatch(/^\|(-|:|\|)+$/);
  const rows: string[][] = [];
  for (let i = header + 2; i < lines.length && lines[i]!.startsWith("|"); i++) rows.push(cells(lines[i]!));
  return rows;
}

/** The `<details>` blocks, each as its lines from `<details>` to `</details>`. */
function details(text: string): string[][] {
  const lines = text.split("\n");
  const out: string[][] = [];
  lines.forEach((l, i) => {
    if (l.startsWith("<details>")) out.push(lines.slice(i, lines.indexOf("</details>", i) + 1));
  });
  return out;
}

describe("formatReviewMarkdown", () => {
  it("opens with the verdict and the counts, then the reasons of a failure", () => {
    const lines = formatReviewMarkdown(sample()).split("\n");
    expect(lines.slice(0, 5)).toEqual([
      "### ❌ depwarden: this dependency change fails the policy",
      "",
      "4 changes: 1 added, 2 upgraded, 1 removed · 2 findings introduced, 1 fixed",
      "",
      "- 1 vulnerability introduced at or above high",
    ]);

    const passing = sample();
    passing.findings = passing.findings.filter((f) => !f.blocking);
    passing.verdict = "pass";
    passing.summary.introduced = 1;
    const text = formatReviewMarkdown(passing);
    expect(text.split("\n")[0]).toBe("### ✅ depwarden: this dependency change passes the policy");
    // the reasons of a report are only shown when it fails
    expect(text).not.toContain("- 1 vulnerability introduced");
    expect(section(text, "Blocking findings")).toEqual([]);
  });

  it("says plainly when nothing changed", () => {
    const text = formatReviewMarkdown(report());
    expect(text.split("\n").slice(0, 3)).toEqual([
      "### ✅ depwarden: this dependency change passes the policy",
      "",
      "No dependency changes.",
    ]);
    expect(text).not.toContain("| ecosystem |");
    expect(text).not.toContain("<details>");
    expect(text).not.toContain("more change");
  });

  it("counts the changes per ecosystem", () => {
    const text = formatReviewMarkdown(sample());
    const lines = text.split("\n");
    expect(
      tableRows(lines.slice(lines.indexOf("| ecosystem | added | upgraded | downgraded | removed |"))),
    ).toEqual([
      ["PyPI", "0", "1", "0", "0"],
      ["npm", "1", "1", "0", "1"],
    ]);
  });

  it("tables the blocking findings with what to do, then the warnings, then what the change fixes", () => {
    const text = formatReviewMarkdown(sample());
    expect(tableRows(section(text, "Blocking findings"))).toEqual([
      [
        "`lodash` (npm)",
        "`4.17.21`",
        "[GHSA-aaaa-bbbb-cccc](https://osv.dev/vulnerability/GHSA-aaaa-bbbb-cccc)<br>Prototype pollution",
        "high",
        "upgrade to `4.17.22`",
      ],
    ]);
    const warnings = tableRows(section(text, "Warnings"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.slice(0, 4)).toEqual([
      "`urllib3` (PyPI)",
      "`2.0.7`",
      "[GHSA-warn-only-0001](https://osv.dev/vulnerability/GHSA-warn-only-0001)<br>Minor leak",
      "low",
    ]);
    expect(section(text, "Fixed by this change").filter(Boolean)).toEqual([
      "- [GHSA-fixed-0000-0001](https://osv.dev/vulnerability/GHSA-fixed-0000-0001) (critical) in `lodash@4.17.20`",
    ]);
  });

  it("links typosquats to the imitated package's registry page and does not link policy findings", () => {
    const added = change("lodahs", "added", null, "1.0.0");
    const text = formatReviewMarkdown(
      report(
        [added],
        [
          finding(added, {
            type: "typosquat",
            id: "typosquat",
            severity: "high",
            imitates: { name: "lodash", technique: "transposition", rank: 3 },
            blocking: true,
          }),
          finding(added, { type: "policy", id: "denied-package", severity: "high", blocking: true }),
        ],
      ),
    );
    const rows = tableRows(section(text, "Blocking findings"));
    expect(rows.map((r) => r[2])).toEqual([
      "[typosquat of lodash](https://www.npmjs.com/package/lodash)",
      "policy: denied-package",
    ]);
    expect(rows[1]![4]).toBe("remove it: the policy denies this package");
    expect(text).not.toContain("osv.dev/vulnerability/denied-package");
  });

  it("escapes data so it can neither format the page, inject HTML, break a table nor mention anyone", () => {
    const evil = change("evil-pkg", "added", null, "1.0.0");
    const nasty = "Bad | <script>alert(1)</script> *bold* @user [x](javascript:alert(1))";
    const r = report(
      [evil],
      [finding(evil, { id: "GHSA-evil-0000-0000", severity: "critical", summary: nasty, blocking: true })],
      { reasons: ["denied by @security-team | <b>now</b>"] },
    );
    const text = formatReviewMarkdown(r);
    expect(text).not.toContain("<script>");
    expect(text).not.toContain("<b>");
    expect(text).not.toMatch(/(^|[^\\])@user/);
    expect(text).not.toMatch(/(^|[^\\])@security-team/);
    expect(text).toContain("- denied by @&#8203;security-team \\| \\<b\\>now\\</b\\>");
    const rows = tableRows(section(text, "Blocking findings"));
    // the `|` of the summary did not split the row
    expect(rows[0]).toHaveLength(5);
    expect(rows[0]![2]).toContain("Bad \\| \\<script\\>alert(1)\\</script\\> \\*bold\\* @&#8203;user");
  });

  it("drops terminal control characters (ESC, BEL) taken from package data", () => {
    const c = change("ctl-pkg", "added", null, "1.0.0");
    const r = report(
      [c],
      [
        finding(c, {
          id: "GHSA-ctl0-0000-0000",
          severity: "high",
          summary: "a\u001b[31mred\u0007b",
          blocking: true,
        }),
      ],
    );
    const text = formatReviewMarkdown(r);
    expect(text.includes("\u001b") || text.includes("\u0007")).toBe(false);
    expect(text).toContain("a\\[31mredb");
  });

  it("escapes names in the HTML of a details summary with entities", () => {
    const weird = change("x<img src=y>@z", "added", null, "1.0.0");
    const block = details(formatReviewMarkdown(report([weird])))[0]!;
    expect(block[0]).toBe(
      "<details><summary>npm x&lt;img src=y&gt;@&#8203;z 1.0.0 (added, direct)</summary>",
    );
    // elsewhere the name is in code spans, where HTML is text
    expect(block.join("\n").replace(/`[^`]*`/g, "")).not.toContain("<img");
    expect(block[2]).toBe(
      "- `x<img src=y>@z` (npm), added: `1.0.0`; `pkg:npm/x%3Cimg%20src%3Dy%3E%40z@1.0.0`",
    );
  });

  it("shows a code finding's snippet in a fence that its backticks cannot close", () => {
    const c = change("evil-logger", "added", null, "1.0.2", { inspected: true });
    const snippet = "run(```\n</details>\n`````)";
    const r = report(
      [c],
      [
        finding(c, {
          type: "malicious-code",
          id: "exec-obfuscated",
          rule: "exec-obfuscated",
          severity: "critical",
          summary: "Executes decoded code",
          blocking: true,
          location: {
            packagePath: "node_modules/evil-logger",
            file: "index.js",
            line: 3,
            snippet,
            sha256: "0".repeat(64),
          },
        }),
      ],
    );
    const text = formatReviewMarkdown(r);
    const lines = text.split("\n");
    const open = lines.indexOf("``````");
    expect(open).toBeGreaterThan(0);
    expect(lines.slice(open, open + 5)).toEqual(["``````", "run(```", "</details>", "`````)", "``````"]);
    expect(lines[open - 2]).toBe("In `node_modules/evil-logger/index.js:3`:");
    // the details block ends after the fence, not at the `</details>` in the snippet
    expect(lines.indexOf("</details>", open + 5)).toBeGreaterThan(open + 4);
    expect(details(text)[0]![0]).toBe(
      "<details><summary>❌ npm evil-logger 1.0.2 (added, direct): 1 introduced</summary>",
    );
  });

  it("details packages with findings first, then the others in report order", () => {
    const text = formatReviewMarkdown(sample());
    expect(details(text).map((d) => d[0])).toEqual([
      "<details><summary>❌ npm lodash 4.17.20 → 4.17.21 (upgraded, direct): 1 introduced, 1 fixed</summary>",
      "<details><summary>⚠️ PyPI urllib3 1.26.0 → 2.0.7 (upgraded, transitive): 1 introduced</summary>",
      "<details><summary>npm left-pad 1.3.0 (added, direct)</summary>",
      "<details><summary>npm ms 2.1.3 (removed, transitive)</summary>",
    ]);
    const urllib3 = details(text)[1]!.join("\n");
    expect(urllib3).toContain("- a transitive dependency, via `requests@2.31.0`");
    expect(urllib3).toContain("**Introduced:** [GHSA-warn-only-0001]");
    const lodash = details(text)[0]!.join("\n");
    expect(lodash).toContain("**Introduced, blocking:** [GHSA-aaaa-bbbb-cccc]");
    expect(lodash).toContain("**Fixed:** [GHSA-fixed-0000-0001]");
  });

  it("lists changes that need an approval with the command, apart from approved ones", () => {
    const lodash = change("lodash", "upgraded", "4.17.20", "4.17.21", { approval: APPROVAL });
    const leftPad = change("left-pad", "added", null, "1.3.0", { needsApproval: true });
    const r = report([leftPad, lodash], [], { verdict: "fail", reasons: ["1 change without an approval"] });
    r.policy.requireApproval = "direct";
    const text = formatReviewMarkdown(r);
    expect(section(text, "Changes that need an approval").filter(Boolean)).toEqual([
      "The policy (`requireApproval: direct`) asks for a recorded approval of these versions. Review each, then record it:",
      '- `left-pad` 1.3.0 (npm, added, direct): `depwarden approve pkg:npm/left-pad@1.3.0 --reason "…"`',
    ]);
    expect(section(text, "Approved changes").filter(Boolean)).toEqual([
      "- `lodash` 4.17.20 → 4.17.21 (npm, upgraded, direct): approved by Jane Doe " +
        "(`.depwarden/approvals.yaml:4`): Changelog reviewed",
    ]);

    r.policy.requireApproval = "none";
    const off = formatReviewMarkdown(r);
    expect(off).not.toContain("#### Changes that need an approval");
    expect(off).not.toContain("#### Approved changes");
  });

  it("calls out the approvals the change adds, escaped", () => {
    const r = sample();
    r.approvalsAdded = [{ ...APPROVAL, by: "@mallory | x", reason: "trust me <b>", expires: "2027-01-31" }];
    const rows = tableRows(section(formatReviewMarkdown(r), "Approvals added by this change"));
    expect(rows).toEqual([
      [
        "`pkg:npm/lodash@4.17.21`",
        "@&#8203;mallory \\| x",
        "trust me \\<b\\>",
        "2027-01-31",
        "`.depwarden/approvals.yaml:4`",
      ],
    ]);
    expect(formatReviewMarkdown(sample())).not.toContain("Approvals added");
  });

  it("names the files to split out when the dependency-only rule is violated", () => {
    const r = sample();
    r.dependencyOnly = { violated: true, split: ["src/index.ts", "README `x`.md"] };
    expect(section(formatReviewMarkdown(r), "Dependency-only rule").filter(Boolean)).toEqual([
      "This change touches dependency files and 2 other files: dependency changes go in a pull request of their own. Move these files to another one:",
      "- `src/index.ts`",
      "- ``README `x`.md``",
    ]);
    r.dependencyOnly = { violated: false, split: [] };
    expect(formatReviewMarkdown(r)).not.toContain("Dependency-only rule");
  });

  it("ends with a footer naming the commits and the advisory data date, and is stable", () => {
    const r = sample();
    r.head = { rev: "feature/x", commit: "5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80" };
    const text = formatReviewMarkdown(r);
    expect(text.endsWith("\n")).toBe(true);
    expect(text.trimEnd().split("\n").at(-1)).toBe(
      "<sub>depwarden review: base `origin/main` (`1a2b3c4`), head `feature/x` (`5d6e7f8`); " +
        "advisory data of 2026-11-20 (`bundled`).</sub>",
    );
    expect(formatReviewMarkdown(sample())).toContain("head the working tree;");
    expect(formatReviewMarkdown(r)).toBe(text);
  });

  it("stays under the comment limit with 3,000 changes, cutting only the details", () => {
    const changes = Array.from({ length: 3000 }, (_, i) =>
      change(`package-with-a-long-name-${String(i).padStart(4, "0")}`, "upgraded", "1.0.0", "1.0.1", {
        direct: false,
        via: ["pkg:npm/some-direct-dependency@2.0.0"],
      }),
    );
    const blockingOn = changes
      .slice(0, 40)
      .map((c, i) =>
        finding(c, { id: `GHSA-0000-0000-${String(i).padStart(4, "0")}`, severity: "high", blocking: true }),
      );
    const r = report(changes, blockingOn, { reasons: ["40 vulnerabilities introduced at or above high"] });
    const text = formatReviewMarkdown(r);
    expect(MARKDOWN_LIMIT).toBeLessThanOrEqual(60_000);
    expect(text.length).toBeLessThan(60_000);
    expect(text.length).toBeGreaterThan(55_000); // the room is used, not wasted
    // the blocking table is complete
    expect(tableRows(section(text, "Blocking findings"))).toHaveLength(40);
    const shown = details(text).length;
    expect(shown).toBeGreaterThan(40);
    expect(shown).toBeLessThan(3000);
    // packages with findings come first
    expect(details(text)[39]![0]).toContain("package-with-a-long-name-0039");
    expect(text).toContain(`… and ${3000 - shown} more changes: see the JSON report.`);
    expect(text.trimEnd().split("\n").at(-1)).toMatch(/^<sub>depwarden review:/);
  });

  it("cuts even the blocking findings when they alone would break the comment limit, and says so", () => {
    const changes = Array.from({ length: 2000 }, (_, i) => change(`pkg-${i}`, "added", null, "1.0.0"));
    const findings = changes.map((c, i) =>
      finding(c, { id: `GHSA-${i}`, severity: "high", summary: "x".repeat(60), blocking: true }),
    );
    const text = formatReviewMarkdown(report(changes, findings));
    expect(text.length).toBeLessThan(60_000);
    const rows = tableRows(section(text, "Blocking findings"));
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.at(-1)![2]).toBe(`and ${2000 - rows.length + 1} more: see the JSON report`);
    expect(text).toContain("… and 2000 more changes: see the JSON report.");
  });

  it("details every change when they fit", () => {
    const text = formatReviewMarkdown(sample());
    expect(details(text)).toHaveLength(4);
    expect(text).not.toContain("more change");
  });
});
