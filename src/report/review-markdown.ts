/**
 * The review report as Markdown, posted as a pull-request comment: the verdict, the reasons, changes per
 * ecosystem and the blocking findings first, then what else blocks (changes without an approval, the
 * dependency-only rule), warnings, fixed findings, approvals, notes, and collapsible details per changed package,
 * each while it fits under GitHub's comment limit.
 * Text from lockfiles, advisories, config and approvals files is escaped with the scan report's helpers: it can
 * neither format the page, inject HTML, break a table, nor mention anyone. Deterministic: report order only.
 */
import { ECOSYSTEMS } from "../inventory/model.js";
import type { ReviewChange, ReviewFinding, ReviewReport } from "../review/model.js";
import { plural } from "../words.js";
import {
  ADDED_AS,
  approveCommand,
  blockingFindings,
  findingPackage,
  fromTo,
  isApprovalFinding,
  purlLabel,
  versionText,
} from "./review-table.js";
import {
  advisoryUrl,
  codeWhere,
  isCodeFinding,
  mdCode,
  mdLink,
  mdText,
  oneLine,
  remedy,
  safeHttpUrl,
  severityLabel,
  where,
} from "./scan-markdown.js";

/** GitHub refuses comments over 65,536 characters; this leaves room for whatever wraps the report. */
export const MARKDOWN_LIMIT = 60_000;

/** Room kept for the lines that say what was left out. */
const RESERVE = 1_500;

/** A snippet longer than this (a minified line) is cut: the finding's file and line say where the rest is. */
const SNIPPET_MAX = 1_000;

const KINDS = ["added", "upgraded", "downgraded", "removed"] as const;

/**
 * Text from data inside an HTML block (`<summary>`), where Markdown escapes do not apply: entities for the
 * characters HTML gives meaning to, and `@name` broken as mdText breaks it.
 */
function htmlText(text: string): string {
  return oneLine(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/(^|[^A-Za-z0-9_])@(?=[A-Za-z0-9])/g, "$1@&#8203;");
}

/** A fenced code block holding `code` literally: the fence is longer than any backtick run inside it. */
function fenced(code: string): string[] {
  let text = code.replace(/\r\n?/g, "\n");
  if (text.length > SNIPPET_MAX) text = `${text.slice(0, SNIPPET_MAX)}…`;
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return [fence, ...text.split("\n"), fence];
}

/** The finding, linked where there is a page to read: osv.dev, the imitated package's registry page, the rule. */
function findingRef(f: ReviewFinding): string {
  if (f.type === "policy") return `policy: ${mdText(f.id)}`;
  const url = safeHttpUrl(advisoryUrl(f));
  const label = f.type === "typosquat" && f.imitates ? `typosquat of ${f.imitates.name}` : f.id;
  return url ? mdLink(label, url) : mdText(label);
}

function severityText(f: ReviewFinding): string {
  return f.type === "malicious-package" ? "malicious (critical)" : mdText(severityLabel(f));
}

/** What to do about a finding of the review, as Markdown (the approve command in a code span). */
function whatToDo(f: ReviewFinding, inTable: boolean): string {
  const approve = mdCode(approveCommand(f.purl), inTable);
  if (isApprovalFinding(f)) return `record an approval: ${approve}`;
  if (f.type === "install-script" || (f.type === "policy" && f.id === "new-install-script")) {
    return (
      `review the install script${codeWhere(f) ? ` (${mdCode(codeWhere(f), inTable)})` : ""}: if it is benign, ` +
      `approve this version (${approve}) or allow it (${mdCode("review.allowInstallScripts", inTable)})`
    );
  }
  if (f.type === "policy") {
    switch (f.id) {
      case "denied-package":
        return "remove it: the policy denies this package";
      case "non-registry-source":
        return "depend on a version published on the registry";
      case "unpinned":
        return "pin an exact version (commit the lockfile)";
      case "integrity-changed":
        return "find out why the same version has other contents; regenerate the lockfile from the registry";
      case "resolved-host-changed":
        return "check the new download host; restore the registry unless the move is intended";
      case "downgrade":
        return "check that the downgrade is intended";
      default:
        return f.why ? mdText(f.why) : "review it";
    }
  }
  if (f.type === "vulnerability") {
    return f.fixedIn ? `upgrade to ${mdCode(f.fixedIn, inTable)}` : "no fix available: weigh the risk";
  }
  const text = remedy(f);
  return mdText(text.charAt(0).toLowerCase() + text.slice(1));
}

/** Why a non-blocking introduced finding does not block. */
function whyNotBlocking(f: ReviewFinding): string {
  if (f.approved) {
    return `approved by ${mdText(f.approved.by)} (${mdCode(where({ file: f.approved.source, line: f.approved.line }), true)}): ${mdText(f.approved.reason)}`;
  }
  if (f.suppressed) return `ignored until ${mdText(f.suppressed.expires)}: ${mdText(f.suppressed.reason)}`;
  if (f.accepted) return `accepted by ${mdText(f.accepted.approvedBy)}: ${mdText(f.accepted.reason)}`;
  return "";
}

function findingRow(f: ReviewFinding, note: string): string {
  const summary = f.summary ? `<br>${mdText(f.summary)}` : "";
  return (
    `| ${mdCode(f.name, true)} (${f.ecosystem}) | ${f.version ? mdCode(f.version, true) : "—"} | ` +
    `${findingRef(f)}${summary} | ${severityText(f)} | ${note} |`
  );
}

const FINDING_TABLE = ["| package | version | finding | severity | what to do |", "|---|---|---|---|---|"];

/** The lines of the page, counted as they are added, against the limit. */
class Page {
  readonly lines: string[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  static cost(lines: string[]): number {
    return lines.reduce((n, l) => n + l.length + 1, 0);
  }
  fits(lines: string[]): boolean {
    return this.size + Page.cost(lines) <= this.limit;
  }
  add(...lines: string[]): void {
    this.lines.push(...lines);
    this.size += Page.cost(lines);
  }
}

/**
 * A section: its heading, then items while they fit; when one does not, a line saying how many are left out.
 * Returns whether the section was shown at all.
 */
function addSection(page: Page, heading: string[], items: string[][], rest: (n: number) => string): boolean {
  if (!items.length || !page.fits([...heading, ...items[0]!])) return false;
  page.add(...heading);
  for (let i = 0; i < items.length; i++) {
    if (!page.fits(items[i]!)) {
      page.add(rest(items.length - i));
      break;
    }
    page.add(...items[i]!);
  }
  page.add("");
  return true;
}

/** The findings of each change: introduced ones on the head's version, fixed ones on the base's. */
function findingsByChange(report: ReviewReport): Map<ReviewChange, ReviewFinding[]> {
  const byName = new Map<string, ReviewChange[]>();
  for (const c of report.changes) {
    const key = `${c.ecosystem}\u0000${c.name}`;
    byName.set(key, [...(byName.get(key) ?? []), c]);
  }
  const out = new Map<ReviewChange, ReviewFinding[]>();
  for (const f of report.findings) {
    const candidates = byName.get(`${f.ecosystem}\u0000${f.name}`) ?? [];
    const version = (c: ReviewChange) => (f.status === "introduced" ? c.to : c.from);
    const change =
      candidates.find((c) => c.purl === f.purl && version(c) !== null) ??
      candidates.find((c) => version(c) === f.version);
    if (change) out.set(change, [...(out.get(change) ?? []), f]);
  }
  return out;
}

function changeDetails(c: ReviewChange, findings: ReviewFinding[]): string[] {
  const introduced = findings.filter((f) => f.status === "introduced");
  const fixed = findings.filter((f) => f.status === "fixed");
  const blocking = introduced.some((f) => f.blocking) || c.needsApproval;
  const marker = blocking ? "❌ " : introduced.length ? "⚠️ " : "";
  const counts = [
    introduced.length ? `${introduced.length} introduced` : "",
    fixed.length ? `${fixed.length} fixed` : "",
  ].filter(Boolean);
  const out = [
    `<details><summary>${marker}${htmlText(`${c.ecosystem} ${c.name} ${fromTo(c)} (${c.change}, ${c.direct ? "direct" : "transitive"})`)}` +
      `${counts.length ? `: ${counts.join(", ")}` : ""}</summary>`,
    "",
  ];
  const versions =
    c.from !== null && c.to !== null
      ? `${c.change} from ${mdCode(versionText(c.from))} to ${mdCode(versionText(c.to))}`
      : `${c.change}: ${mdCode(versionText(c.from ?? c.to))}`;
  out.push(`- ${mdCode(c.name)} (${c.ecosystem}), ${versions}; ${mdCode(c.purl)}`);
  out.push(
    (c.direct
      ? "- a direct dependency"
      : `- a transitive dependency${c.via.length ? `, via ${c.via.map((p) => mdCode(purlLabel(p))).join(", ")}` : ""}`) +
      (c.addedAs ? ` (${ADDED_AS[c.addedAs]})` : ""),
  );
  if (c.approval) {
    const a = c.approval;
    out.push(
      `- approved by ${mdText(a.by)}${a.expires ? ` until ${mdText(a.expires)}` : ""} ` +
        `(${mdCode(where({ file: a.source, line: a.line }))}): ${mdText(a.reason)}`,
    );
  } else if (c.needsApproval) {
    out.push(`- needs an approval: ${mdCode(approveCommand(c.purl))}`);
  }
  if (c.inspected) out.push("- package contents inspected");
  out.push("");
  for (const f of [...introduced, ...fixed]) {
    const state = f.status === "fixed" ? "Fixed" : f.blocking ? "Introduced, blocking" : "Introduced";
    const summary = f.summary ? `: ${mdText(f.summary)}` : "";
    const todo = f.status === "introduced" && !whyNotBlocking(f) ? ` What to do: ${whatToDo(f, false)}.` : "";
    const note = f.status === "introduced" && whyNotBlocking(f) ? ` ${whyNotBlocking(f)}.` : "";
    out.push(`**${state}:** ${findingRef(f)} (${severityText(f)})${summary}.${todo}${note}`, "");
    if (isCodeFinding(f) && f.location) {
      out.push(
        `In ${mdCode(codeWhere(f))}:`,
        "",
        ...(f.location.snippet ? fenced(f.location.snippet) : []),
        "",
      );
    }
  }
  out.push("</details>", "");
  return out;
}

function footer(report: ReviewReport): string {
  const side = (s: { rev: string | null; commit: string | null }) =>
    s.rev === null || s.commit === null
      ? "the working tree"
      : `${mdCode(s.rev)} (${mdCode(s.commit.slice(0, 7))})`;
  const db = report.database;
  return (
    `<sub>depwarden review: base ${side(report.base)}, head ${side(report.head)}` +
    (report.path ? `, in ${mdCode(report.path)}` : "") +
    `; advisory data ${db.updatedAt ? `of ${mdText(db.updatedAt.slice(0, 10))}` : "of unknown date"} ` +
    `(${mdCode(db.source)}).</sub>`
  );
}

export function formatReviewMarkdown(report: ReviewReport): string {
  const foot = footer(report);
  const page = new Page(MARKDOWN_LIMIT - Page.cost(["", foot]) - RESERVE);
  const s = report.summary;
  const passes = report.verdict === "pass";

  // The verdict, counts, reasons and changes per ecosystem: always shown, in full.
  page.add(
    passes
      ? "### ✅ depwarden: this dependency change passes the policy"
      : report.verdict === "incomplete"
        ? "### ⚠️ depwarden: this dependency change could not be fully reviewed"
        : "### ❌ depwarden: this dependency change fails the policy",
    "",
  );
  if (report.changes.length) {
    const kinds = KINDS.filter((k) => s[k] > 0).map((k) => `${s[k]} ${k}`);
    const findings =
      s.introduced || s.fixed
        ? `${plural(s.introduced, "finding")} introduced, ${s.fixed} fixed`
        : "no findings";
    page.add(`${plural(report.changes.length, "change")}: ${kinds.join(", ")} · ${findings}`, "");
  } else {
    page.add("No dependency changes.", "");
  }
  if (!passes && report.reasons.length) page.add(...report.reasons.map((r) => `- ${mdText(r)}`), "");

  if (report.changes.length) {
    page.add("| ecosystem | added | upgraded | downgraded | removed |", "|---|---:|---:|---:|---:|");
    for (const eco of ECOSYSTEMS) {
      const of = report.changes.filter((c) => c.ecosystem === eco);
      if (of.length)
        page.add(`| ${eco} | ${KINDS.map((k) => of.filter((c) => c.change === k).length).join(" | ")} |`);
    }
    page.add("");
  }

  // Sections are cut when they do not fit, the blocking findings only when they alone would break the limit;
  // the last lines say what was left out.
  const omitted: string[] = [];
  const section = (what: string, heading: string[], items: string[][], table = false) => {
    const rest = (n: number) =>
      table ? `| … | | and ${n} more: see the JSON report | | |` : `- … and ${n} more: see the JSON report`;
    if (!addSection(page, heading, items, rest) && items.length) omitted.push(`${what} (${items.length})`);
  };

  // Missing approvals are listed with their command below, not as rows of this table.
  section(
    "blocking findings",
    ["#### Blocking findings", "", ...FINDING_TABLE],
    blockingFindings(report).map((f) => [findingRow(f, whatToDo(f, true))]),
    true,
  );

  const requireApproval = report.policy.requireApproval;
  const label = (c: ReviewChange) =>
    `${mdCode(c.name)} ${mdText(fromTo(c))} (${c.ecosystem}, ${c.change}, ${c.direct ? "direct" : "transitive"})`;

  if (requireApproval !== "none") {
    section(
      "changes that need an approval",
      [
        "#### Changes that need an approval",
        "",
        `The policy (${mdCode(`requireApproval: ${requireApproval}`)}) asks for a recorded approval of these ` +
          "versions. Review each, then record it:",
        "",
      ],
      report.changes
        .filter((c) => c.needsApproval && !c.approval)
        .map((c) => [`- ${label(c)}: ${mdCode(approveCommand(c.purl))}`]),
    );
  }

  if (report.dependencyOnly?.violated) {
    const split = report.dependencyOnly.split;
    section(
      "files to split",
      [
        "#### Dependency-only rule",
        "",
        `This change touches dependency files and ${plural(split.length, "other file")}: dependency changes go ` +
          "in a pull request of their own. Move these files to another one:",
        "",
      ],
      split.map((file) => [`- ${mdCode(file)}`]),
    );
  }

  section(
    "warnings",
    ["#### Warnings", "", "Introduced, not blocking:", "", ...FINDING_TABLE],
    report.findings
      .filter((f) => f.status === "introduced" && !f.blocking)
      .map((f) => [findingRow(f, whyNotBlocking(f) || whatToDo(f, true))]),
    true,
  );

  section(
    "fixed findings",
    ["#### Fixed by this change", ""],
    report.findings
      .filter((f) => f.status === "fixed")
      .map((f) => [`- ${findingRef(f)} (${severityText(f)}) in ${mdCode(findingPackage(f))}`]),
  );

  if (requireApproval !== "none") {
    section(
      "approved changes",
      ["#### Approved changes", ""],
      report.changes
        .filter((c) => c.approval)
        .map((c) => {
          const a = c.approval!;
          return [
            `- ${label(c)}: approved by ${mdText(a.by)}${a.expires ? ` until ${mdText(a.expires)}` : ""} ` +
              `(${mdCode(where({ file: a.source, line: a.line }))}): ${mdText(a.reason)}`,
          ];
        }),
    );
  }

  section(
    "approvals added",
    [
      "#### Approvals added by this change",
      "",
      `⚠️ This change records ${plural(report.approvalsAdded.length, "approval")} itself: check that each was ` +
        "given by the person named, for the version and the reason shown.",
      "",
      "| package | by | reason | expires | entry |",
      "|---|---|---|---|---|",
    ],
    report.approvalsAdded.map((a) => [
      `| ${mdCode(a.purl, true)} | ${mdText(a.by)} | ${mdText(a.reason)} | ${a.expires ? mdText(a.expires) : "—"} | ` +
        `${mdCode(where({ file: a.source, line: a.line }), true)} |`,
    ]),
    true,
  );

  section(
    "notes",
    ["#### Notes", ""],
    // the message starts with the position already (`15:3: …`), as every inventory error does
    [...report.inventory.errors, ...report.notes].map((n) => [`- ${mdCode(n.file)}: ${mdText(n.message)}`]),
  );

  if (report.changes.length) {
    const byChange = findingsByChange(report);
    const ordered = [
      ...report.changes.filter((c) => byChange.has(c)),
      ...report.changes.filter((c) => !byChange.has(c)),
    ];
    let detailed = 0;
    for (const c of ordered) {
      const block = changeDetails(c, byChange.get(c) ?? []);
      const heading = detailed === 0 ? ["#### Changed packages", ""] : [];
      if (!page.fits([...heading, ...block])) break;
      page.add(...heading, ...block);
      detailed++;
    }
    const rest = ordered.length - detailed;
    if (rest) page.add(`… and ${plural(rest, "more change")}: see the JSON report.`, "");
  }
  if (omitted.length) page.add(`Not shown, for length: ${omitted.join(", ")}; see the JSON report.`, "");

  return `${[...page.lines, foot].join("\n")}\n`;
}
