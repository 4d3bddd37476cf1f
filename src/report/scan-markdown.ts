/**
 * The scan report as Markdown, for a pull-request comment or a file: a verdict, counts per severity, known
 * malicious packages called out first, findings grouped by package, suppressed findings and expired ignores
 * apart. Text taken from advisories or the config file is escaped so that it can neither format the page,
 * inject HTML, break a table, nor mention anyone. Deterministic: no timestamps, report order only.
 */
import type { Finding, FindingSeverity, ScanReport, Suppression } from "../analysis/finding.js";
import { SEVERITIES } from "../analysis/finding.js";
import { type FailOn, failsGate, sortFindings } from "../analysis/scan.js";

// ---------------------------------------------------------------------------------------------------------
// Helpers shared with the SARIF and CycloneDX formatters

/** The advisory's page on osv.dev. */
export function osvUrl(id: string): string {
  return `https://osv.dev/vulnerability/${encodeURIComponent(id)}`;
}

/** Characters an http(s) URL may hold as written for every consumer (RFC 3986, no brackets). */
const URL_CHARS = /^[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%]+$/;

/**
 * `text` as an absolute http(s) URL that JSON-schema `uri` checks, Markdown link destinations and CycloneDX
 * `iri-reference` all accept, or undefined: advisory references are data, and `javascript:` or a URL with a
 * space in it is not a link to write out.
 */
export function safeHttpUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  return URL_CHARS.test(url.href) ? url.href : undefined;
}

/**
 * Where to read about a finding: its page on osv.dev, which shows the record as matched, with every alias and
 * reference (a record's first reference is often a commit or a mailing-list post, not the advisory).
 */
export function advisoryUrl(f: Finding): string {
  return osvUrl(f.id);
}

/** Whitespace (newlines included) collapsed to single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** `name@version` as people write it (`@babel/core@7.24.5`). */
export function packageLabel(f: Finding): string {
  return `${f.name}@${f.version}`;
}

/** What to do about a finding, as a sentence without its full stop. */
export function remedy(f: Finding): string {
  if (f.type === "malicious-package") {
    return "Remove this package: known malicious; rotate any secrets it could reach";
  }
  return f.fixedIn ? `Upgrade to ${f.fixedIn}` : "No fix available";
}

/** `critical`, or `medium (CVSS 3.1 6.1)`. */
export function severityLabel(f: Finding): string {
  const score = f.cvss ? ` (CVSS ${f.cvss.version} ${f.cvss.score.toFixed(1)})` : "";
  return `${f.severity}${score}`;
}

/** `file:line`, or the file when the line is not known. */
export function where(s: { file: string; line?: number }): string {
  return s.line ? `${s.file}:${s.line}` : s.file;
}

// ---------------------------------------------------------------------------------------------------------
// Markdown escaping

/**
 * Text from advisories or config files as inline Markdown text: on one line; every character that could start
 * emphasis, code, a link, HTML, an entity, strikethrough or a table cell backslash-escaped (CommonMark lets any
 * ASCII punctuation be escaped); and `@name` broken with a zero-width space (as Dependabot does) so that a
 * comment never notifies a GitHub user or team named in an advisory.
 */
export function mdText(text: string): string {
  return oneLine(text)
    .replace(/[\\`*_[\]<>|~&]/g, (c) => `\\${c}`)
    .replace(/[$]/g, "\\$")
    .replace(/(^|[^A-Za-z0-9_])@(?=[A-Za-z0-9])/g, "$1@&#8203;");
}

/**
 * A code span holding `text` literally: fenced with more backticks than any run inside it, padded when it
 * starts or ends with one. In a table cell, `|` is escaped too (GFM splits cells before parsing code spans).
 */
export function mdCode(text: string, inTable = false): string {
  const t = oneLine(text);
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const pad = t.startsWith("`") || t.endsWith("`") ? " " : "";
  const body = inTable ? t.replace(/\|/g, "\\|") : t;
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** A link whose text is escaped and whose destination is a checked http(s) URL (parentheses encoded). */
export function mdLink(text: string, url: string): string {
  return `[${mdText(text)}](${url.replace(/\(/g, "%28").replace(/\)/g, "%29")})`;
}

// ---------------------------------------------------------------------------------------------------------
// The report

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function verdict(report: ScanReport, failing: number): string {
  const failOn = `\`--fail-on ${report.failOn}\``;
  const errors = report.inventory.errors.length;
  if (errors) {
    return (
      `**⚠️ Incomplete:** ${plural(errors, "input")} could not be read, so this scan cannot say the ` +
      "dependencies are free of known vulnerabilities" +
      (failing
        ? `; ${plural(failing, "finding is", "findings are")} at or above the threshold (${failOn}).`
        : ".")
    );
  }
  const total = report.summary.findings;
  if (failing) {
    return `**❌ Failed:** ${failing} of ${plural(total, "finding")} at or above the threshold (${failOn}).`;
  }
  if (report.failOn === "none") {
    return `**✅ Passed:** the gate is off (${failOn}); ${plural(total, "finding")} reported.`;
  }
  if (total) return `**✅ Passed:** no finding at or above the threshold (${failOn}); ${total} below it.`;
  return `**✅ Passed:** no known vulnerabilities in ${plural(report.summary.componentsChecked, "component")} (${failOn}).`;
}

function idCell(f: Finding): string {
  const aliases = f.aliases.length ? `<br>${f.aliases.map(mdText).join(", ")}` : "";
  return `${mdLink(f.id, advisoryUrl(f))}${aliases}`;
}

function severityCell(f: Finding, failOn: FailOn): string {
  const label = f.type === "malicious-package" ? "malicious (critical)" : mdText(severityLabel(f));
  // at or above the threshold: bold, so the failing rows stand out
  return failsGate(f, failOn) ? `**${label}**` : label;
}

function fixCell(f: Finding): string {
  if (f.type === "malicious-package") return "**remove it**";
  return f.fixedIn ? mdCode(f.fixedIn, true) : "no fix available";
}

function ignoreLine(kind: string, s: Suppression): string {
  return (
    `${kind} ${mdText(s.expires)}` +
    (s.approvedBy ? `, approved by ${mdText(s.approvedBy)}` : "") +
    ` (${mdCode(where(s), true)}): ${mdText(s.reason)}`
  );
}

function summaryCell(f: Finding): string {
  const parts = [f.summary ? mdText(f.summary) : "—"];
  if (f.expiredSuppression) parts.push(`⚠️ **${ignoreLine("Ignore expired on", f.expiredSuppression)}**`);
  return parts.join("<br>");
}

function packageHeading(f: Finding): string {
  const kind = f.type === "malicious-package" ? ", **known malicious**" : "";
  return `### ${mdCode(packageLabel(f))} (${f.ecosystem}, ${f.direct ? "direct" : "transitive"}${kind})`;
}

function foundIn(f: Finding): string {
  if (!f.sources.length) return "";
  return `Found in ${f.sources.map((s) => mdCode(where(s))).join(", ")}.`;
}

/** Packages of these findings, direct first, then in the order of their most severe finding. */
function byPackage(findings: Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = groups.get(f.purl) ?? [];
    list.push(f);
    groups.set(f.purl, list);
  }
  return [...groups.values()].sort(
    (a, b) =>
      Number(b[0]!.direct) - Number(a[0]!.direct) || findings.indexOf(a[0]!) - findings.indexOf(b[0]!),
  );
}

export function formatScanMarkdown(report: ScanReport): string {
  const failOn = report.failOn as FailOn;
  const findings = sortFindings([...report.findings]);
  const open = findings.filter((f) => !f.suppressed);
  const suppressed = findings.filter((f) => f.suppressed);
  const failing = open.filter((f) => failsGate(f, failOn)).length;
  const out: string[] = ["# depwarden scan", "", verdict(report, failing), ""];

  for (const f of open.filter((x) => x.type === "malicious-package")) {
    const also = f.aliases.length ? `, also ${f.aliases.map(mdText).join(", ")}` : "";
    out.push(
      `> **🚨 Known malicious package: remove it.** ${mdCode(packageLabel(f))} (${f.ecosystem}, ` +
        `${f.direct ? "direct" : "transitive"}) is listed as malicious by ${mdLink(f.id, advisoryUrl(f))}${also}. ` +
        "Remove it from the project and its lockfile, and rotate any secrets it could reach.",
      "",
    );
  }

  const s = report.summary;
  const suppressedBy = (sev: FindingSeverity): number => suppressed.filter((f) => f.severity === sev).length;
  out.push("## Summary", "", "| severity | findings | suppressed |", "|---|---:|---:|");
  for (const sev of SEVERITIES) out.push(`| ${sev} | ${s.bySeverity[sev]} | ${suppressedBy(sev)} |`);
  out.push(`| **total** | **${s.findings}** | **${s.suppressed}** |`, "");
  const db = report.database;
  out.push(
    `${plural(s.componentsChecked, "component")} checked` +
      (s.componentsNotChecked ? `, ${s.componentsNotChecked} not checked (no exact version)` : "") +
      (s.malicious ? `, ${plural(s.malicious, "known malicious package")}` : "") +
      `. Advisories: ${db.advisories} from ${mdCode(db.source)}` +
      (db.updatedAt ? `, updated ${mdText(db.updatedAt.slice(0, 10))}` : ", date unknown") +
      ".",
    "",
  );

  if (open.length) {
    out.push("## Findings", "");
    for (const list of byPackage(open)) {
      const f0 = list[0]!;
      out.push(packageHeading(f0), "");
      const at = foundIn(f0);
      if (at) out.push(at, "");
      out.push("| id | severity | fix | summary |", "|---|---|---|---|");
      for (const f of list) {
        out.push(`| ${idCell(f)} | ${severityCell(f, failOn)} | ${fixCell(f)} | ${summaryCell(f)} |`);
      }
      out.push("");
    }
  }

  const expired = open.filter((f) => f.expiredSuppression);
  if (expired.length) {
    out.push(
      "## Expired ignores",
      "",
      "These ignore entries have expired: their findings count again. Fix the finding, or renew the entry " +
        "with a new review.",
      "",
      "| package | id | expired | reason | approved by | entry |",
      "|---|---|---|---|---|---|",
    );
    for (const f of expired) {
      const e = f.expiredSuppression!;
      out.push(
        `| ${mdCode(packageLabel(f), true)} | ${mdLink(f.id, advisoryUrl(f))} | ${mdText(e.expires)} | ` +
          `${mdText(e.reason)} | ${e.approvedBy ? mdText(e.approvedBy) : "—"} | ${mdCode(where(e), true)} |`,
      );
    }
    out.push("");
  }

  if (suppressed.length) {
    out.push(
      "## Suppressed",
      "",
      "Ignored by an unexpired entry of the project's config file: reported, but not gated.",
      "",
      "| package | id | severity | fix | reason | approved by | expires | entry |",
      "|---|---|---|---|---|---|---|---|",
    );
    for (const f of suppressed) {
      const x = f.suppressed!;
      const as = x.id !== f.id ? ` (ignored as ${mdText(x.id)})` : "";
      out.push(
        `| ${mdCode(packageLabel(f), true)} | ${mdLink(f.id, advisoryUrl(f))}${as} | ${mdText(severityLabel(f))} | ` +
          `${fixCell(f)} | ${mdText(x.reason)} | ${x.approvedBy ? mdText(x.approvedBy) : "—"} | ` +
          `${mdText(x.expires)} | ${mdCode(where(x), true)} |`,
      );
    }
    out.push("");
  }

  const errors = report.inventory.errors;
  if (errors.length) {
    out.push("## Inputs that could not be read", "");
    for (const e of errors) out.push(`- ${mdCode(e.file)}: ${mdText(e.message)}`);
    out.push("");
  }
  const warnings = report.inventory.warnings;
  if (warnings.length) {
    out.push("## Warnings", "");
    for (const w of warnings) out.push(`- ${mdCode(where(w))}: ${mdText(w.message)}`);
    out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
