/**
 * The terminal report of `review`: what the change compares, the dependency changes, the findings it introduces
 * and fixes, the dependency-only rule, notes, and a last verdict line. Also the display helpers the Markdown
 * report shares. Text from lockfiles, advisories and config files goes through `plain`.
 */
import { parsePurl } from "../inventory/normalise.js";
import type { ReviewChange, ReviewFinding, ReviewReport } from "../review/model.js";
import { plural } from "../words.js";
import { codeWhere } from "./scan-markdown.js";
import { COLORS, plain, type TableOptions } from "./scan-table.js";

// ---------------------------------------------------------------------------------------------------------
// Helpers shared with the Markdown report

/** The policy finding of a change that needs an approval: counted as an unapproved change, not as a finding. */
export function isApprovalFinding(f: ReviewFinding): boolean {
  return f.type === "policy" && f.id === "approval-required";
}

/** Blocking findings other than missing approvals (those are counted by `summary.unapproved`). */
export function blockingFindings(report: ReviewReport): ReviewFinding[] {
  return report.findings.filter((f) => f.blocking && !isApprovalFinding(f));
}

/** A version as shown: `""` is a dependency without an exact version. */
export function versionText(v: string | null): string {
  return v === null ? "" : v === "" ? "(no exact version)" : v;
}

/** `1.0.0 → 1.1.0`, or the one version of an added or removed dependency. */
export function fromTo(c: ReviewChange): string {
  if (c.from === null) return versionText(c.to);
  if (c.to === null) return versionText(c.from);
  return `${versionText(c.from)} → ${versionText(c.to)}`;
}

/** `name@version` of a purl, as people write it; the purl itself when it does not parse. */
export function purlLabel(purl: string): string {
  try {
    const p = parsePurl(purl);
    return p.version ? `${p.name}@${p.version}` : p.name;
  } catch {
    return purl;
  }
}

/** The command that records an approval of this change's head version. */
export function approveCommand(purl: string): string {
  return `depwarden approve ${purl} --reason "…"`;
}

/** `origin/main (1a2b3c4)`, `HEAD (5d6e7f8)`, or `working tree`. */
export function sideLabel(side: { rev: string | null; commit: string | null }): string {
  if (side.rev === null || side.commit === null) return "working tree";
  return `${side.rev} (${side.commit.slice(0, 7)})`;
}

/** The finding's package as `name@version`, or the name alone (no exact version). */
export function findingPackage(f: ReviewFinding): string {
  return f.version ? `${f.name}@${f.version}` : f.name;
}

// ---------------------------------------------------------------------------------------------------------
// The report

/** What an `added` change of a version the repository already had means. */
export const ADDED_AS: Record<NonNullable<ReviewChange["addedAs"]>, string> = {
  "new-project": "already in the repository, now declared by another project too",
  "now-direct": "was a transitive dependency, now declared directly",
};

export function formatReviewTable(report: ReviewReport, options: TableOptions = {}): string {
  const paint = (s: string, code: string | undefined) => (options.color && code ? `${code}${s}\x1b[0m` : s);
  const bold = (s: string) => paint(s, "\x1b[1m");
  const dim = (s: string) => paint(s, "\x1b[2m");
  const red = (s: string) => paint(s, "\x1b[1;31m");
  const green = (s: string) => paint(s, "\x1b[1;32m");
  const lines: string[] = [];
  const requireApproval = report.policy.requireApproval !== "none";

  lines.push(
    bold(`review ${plain(sideLabel(report.base))} → ${plain(sideLabel(report.head))}`) +
      (report.path ? ` in ${plain(report.path)}` : ""),
    "",
  );

  if (report.changes.length) {
    lines.push(bold(`Changes (${report.changes.length}):`));
    const kindWidth = Math.max(...report.changes.map((c) => c.change.length));
    const ecoWidth = Math.max(...report.changes.map((c) => c.ecosystem.length));
    for (const c of report.changes) {
      const scope =
        (c.direct
          ? "direct"
          : `transitive${c.via.length ? `, via ${c.via.map((p) => plain(purlLabel(p))).join(", ")}` : ""}`) +
        (c.addedAs ? `, ${ADDED_AS[c.addedAs]}` : "");
      const approval = !requireApproval
        ? ""
        : c.approval
          ? `  ${dim(`approved by ${plain(c.approval.by)}: ${plain(c.approval.reason)}`)}`
          : c.needsApproval
            ? `  ${paint("needs approval", COLORS.high)}`
            : "";
      lines.push(
        `  ${c.change.padEnd(kindWidth)}  ${c.ecosystem.padEnd(ecoWidth)}  ${plain(c.name)} ${plain(fromTo(c))}  ` +
          `${dim(`(${scope})`)}${approval}`,
      );
    }
    lines.push("");
  }

  const findingLines = (f: ReviewFinding, mark: string): string[] => {
    const sev = paint(
      f.type === "malicious-package" ? "MALICIOUS" : f.severity.toUpperCase(),
      COLORS[f.type === "malicious-package" ? "critical" : f.severity],
    );
    const tag = f.approved
      ? dim(` [approved by ${plain(f.approved.by)}]`)
      : f.suppressed
        ? dim(" [suppressed]")
        : f.accepted
          ? dim(" [accepted]")
          : "";
    const out = [`  ${mark} ${sev}  ${f.type}  ${plain(f.id)}  ${plain(findingPackage(f))}${tag}`];
    if (f.summary) out.push(`      ${plain(f.summary)}`);
    if (f.location) {
      const col = f.location.column ? `:${f.location.column}` : "";
      out.push(`      at ${plain(codeWhere(f))}${col}`);
      if (f.location.snippet) out.push(`      ${dim(`> ${plain(f.location.snippet)}`)}`);
    }
    if (f.status === "introduced" && f.type === "vulnerability") {
      out.push(`      ${f.fixedIn ? `fixed in ${plain(f.fixedIn)}` : "no fix available"}`);
    }
    return out;
  };

  const introduced = report.findings.filter((f) => f.status === "introduced");
  if (introduced.length) {
    lines.push(bold(`Introduced findings (${introduced.length}):`));
    for (const f of introduced) lines.push(...findingLines(f, f.blocking ? red("✗") : dim("·")));
    lines.push("");
  }
  const fixed = report.findings.filter((f) => f.status === "fixed");
  if (fixed.length) {
    lines.push(bold(`Fixed findings (${fixed.length}):`));
    for (const f of fixed) lines.push(...findingLines(f, green("✓")));
    lines.push("");
  }

  if (report.dependencyOnly?.violated) {
    lines.push(
      paint(
        `Dependency-only rule: this change touches dependency files and ${plural(report.dependencyOnly.split.length, "other file")}; ` +
          "move these to their own pull request:",
        COLORS.high,
      ),
    );
    for (const file of report.dependencyOnly.split) lines.push(`  ${plain(file)}`);
    lines.push("");
  }

  if (report.approvalsAdded.length) {
    lines.push(bold(`Approvals this change adds (${report.approvalsAdded.length}): check them`));
    for (const a of report.approvalsAdded) {
      lines.push(
        `  ${plain(a.purl)} by ${plain(a.by)}${a.expires ? ` until ${plain(a.expires)}` : ""}: ${plain(a.reason)}  ` +
          dim(`(${plain(a.source)}${a.line ? `:${a.line}` : ""})`),
      );
    }
    lines.push("");
  }

  const problems = [...report.inventory.errors, ...report.notes];
  if (problems.length) {
    lines.push(bold("Notes:"));
    for (const n of problems) {
      lines.push(
        // the message starts with the position already (`15:3: …`), as every inventory error does
        `  ${paint(plain(n.file), COLORS.medium)}: ${plain(n.message)}`,
      );
    }
    lines.push("");
  }

  lines.push(verdictLine(report, { red, green }));
  return `${lines.join("\n")}\n`;
}

function verdictLine(
  report: ReviewReport,
  paint: { red: (s: string) => string; green: (s: string) => string },
): string {
  if (report.verdict === "pass") {
    const warnings = report.findings.filter((f) => f.status === "introduced" && !f.blocking).length;
    const what = report.changes.length ? plural(report.changes.length, "change") : "no dependency changes";
    return `${paint.green("PASS")}: ${what}, nothing blocking${warnings ? ` (${plural(warnings, "warning")})` : ""}`;
  }
  if (report.verdict === "incomplete")
    return `${paint.red("INCOMPLETE")}: ${report.reasons.map(plain).join("; ")}`;
  const blocking = blockingFindings(report).length;
  const parts = [
    blocking ? plural(blocking, "blocking finding") : "",
    report.summary.unapproved ? plural(report.summary.unapproved, "unapproved change") : "",
    report.dependencyOnly?.violated
      ? `dependency-only rule (${plural(report.dependencyOnly.split.length, "file")} to split)`
      : "",
  ].filter(Boolean);
  // A failure none of the counts explains (an unreadable input): the review's own reasons.
  const why = parts.length ? parts.join(", ") : report.reasons.map(plain).join("; ") || "see above";
  return `${paint.red("FAIL")}: ${why}`;
}
