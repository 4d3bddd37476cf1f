/**
 * The scan report as Markdown, for a pull-request comment or a file: a verdict, counts per severity, known
 * malicious packages called out first, findings grouped by package, suppressed findings and expired ignores
 * apart. Text taken from advisories or the config file is escaped so that it can neither format the page,
 * inject HTML, break a table, nor mention anyone. Deterministic: no timestamps, report order only.
 */
import { referenceUrl, ruleById } from "../analysis/code/rules.js";
import type { Acceptance, Finding, FindingSeverity, ScanReport, Suppression } from "../analysis/finding.js";
import { SEVERITIES } from "../analysis/finding.js";
import { type FailOn, failsGate, registryUrl, sortFindings } from "../analysis/scan.js";
import { plural } from "../words.js";
import { plain } from "./scan-table.js";

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

/** Is this a finding of the package-contents rules (`scan --deep`)? */
export function isCodeFinding(f: Finding): boolean {
  return f.type === "malicious-code" || f.type === "install-script";
}

/**
 * Where to read about a finding. An advisory: its page on osv.dev, which shows the record as matched, with every
 * alias and reference (a record's first reference is often a commit or a mailing-list post, not the advisory). A
 * typosquat: the registry page of the package it imitates (the one you probably meant). A code finding: the
 * rule's first reference (ATT&CK technique or CWE).
 */
export function advisoryUrl(f: Finding): string {
  if (f.type === "typosquat" && f.imitates) return registryUrl(f.ecosystem, f.imitates.name);
  if (isCodeFinding(f)) {
    const ref = ruleById(f.rule ?? f.id)?.references[0];
    return ref ? referenceUrl(ref) : "https://cwe.mitre.org/data/definitions/506.html";
  }
  return osvUrl(f.id);
}

/**
 * Whitespace (newlines included) collapsed to single spaces, control characters (ESC, BEL … from package data)
 * dropped: the terminal sanitiser of the scan table.
 */
export function oneLine(text: string): string {
  return plain(text);
}

/** `name@version` as people write it (`@babel/core@7.24.5`); the name alone when there is no exact version. */
export function packageLabel(f: Finding): string {
  return f.version ? `${f.name}@${f.version}` : f.name;
}

/** The file of a code finding, with its installed package's path (`node_modules/x/index.js`). */
export function codeFile(f: Finding): string {
  const l = f.location;
  if (!l) return "";
  return l.packagePath === "." || l.packagePath === ""
    ? l.file
    : `${l.packagePath.replace(/\/+$/, "")}/${l.file}`;
}

/** `file:line` of a code finding inside its installed package (`node_modules/x/index.js:3`). */
export function codeWhere(f: Finding): string {
  return f.location ? `${codeFile(f)}:${f.location.line}` : "";
}

/** What to do about a finding, as a sentence without its full stop. */
export function remedy(f: Finding): string {
  if (f.type === "malicious-package") {
    return "Remove this package: known malicious; rotate any secrets it could reach";
  }
  if (f.type === "typosquat") {
    const meant = f.imitates?.name ?? "the popular package";
    return (
      `Check that you meant ${f.name} and not ${meant}: if not, replace it with ${meant} and treat any machine ` +
      `that installed it as exposed; if so, allow it (typosquat.allow in .depwarden.yaml)`
    );
  }
  if (isCodeFinding(f)) {
    return (
      `Review the code at ${codeWhere(f) || "the reported place"}: if it is malicious, remove ${packageLabel(f)} and ` +
      "rotate any secrets it could reach; if it is benign, accept it (accept in .depwarden.yaml, with the file's sha256)"
    );
  }
  return f.fixedIn ? `Upgrade to ${f.fixedIn}` : "No fix available";
}

/** `approved by X (file:line): reason` of an accept entry. */
export function acceptanceLine(a: Acceptance): string {
  return (
    `${a.expires ? `until ${a.expires}, ` : ""}approved by ${a.approvedBy} (${where({ file: a.source, line: a.line })}): ` +
    oneLine(a.reason)
  );
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
  if (f.type === "typosquat") return `check you meant it, not ${mdCode(f.imitates?.name ?? "?", true)}`;
  if (isCodeFinding(f)) return "review the code";
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

function typosquatSection(list: Finding[], failOn: FailOn): string[] {
  const out = [
    "## Typosquats",
    "",
    "These names imitate a popular package. Check that each is the package you meant: if not, replace it with the " +
      "popular one and treat any machine that installed it as exposed (rotate the secrets it could reach); if it " +
      "is, allow it (`typosquat.allow` in `.depwarden.yaml`).",
    "",
    "| package | looks like | technique | severity | why | found in |",
    "|---|---|---|---|---|---|",
  ];
  for (const f of list) {
    const im = f.imitates;
    const looksLike = im ? mdLink(im.name, advisoryUrl(f)) : "—";
    const found = f.sources.length ? f.sources.map((s) => mdCode(where(s), true)).join(", ") : "—";
    const why = [f.why ? mdText(f.why) : "—"];
    if (f.expiredSuppression) why.push(`⚠️ **${ignoreLine("Ignore expired on", f.expiredSuppression)}**`);
    out.push(
      `| ${mdCode(packageLabel(f), true)} (${f.ecosystem}, ${f.direct ? "direct" : "transitive"}) | ${looksLike} | ` +
        `${im ? mdText(im.technique) : "—"} | ${severityCell(f, failOn)} | ${why.join("<br>")} | ${found} |`,
    );
  }
  out.push("");
  return out;
}

function acceptLine(kind: string, a: Acceptance): string {
  return (
    `${kind}${a.expires ? ` ${mdText(a.expires)}` : ""}, approved by ${mdText(a.approvedBy)} ` +
    `(${mdCode(where({ file: a.source, line: a.line }), true)}): ${mdText(a.reason)}`
  );
}

function codeSection(list: Finding[], failOn: FailOn): string[] {
  const out = [
    "## Package contents",
    "",
    "Code in installed packages that matches a package-contents rule. Review each snippet: if it is malicious, " +
      "remove the package and rotate any secrets it could reach; if it is benign, accept it (`accept` in " +
      "`.depwarden.yaml`: package, rule, the file's sha256, reason, approvedBy), which holds while the file is " +
      "unchanged.",
    "",
  ];
  for (const group of byPackage(list)) {
    const f0 = group[0]!;
    out.push(packageHeading(f0), "");
    if (f0.location) out.push(`Installed in ${mdCode(f0.location.packagePath)}.`, "");
    out.push("| severity | rule | where | code | why |", "|---|---|---|---|---|");
    for (const f of group) {
      const l = f.location;
      const at = l ? `${mdCode(`${l.file}:${l.line}`, true)}<br>sha256 ${mdCode(l.sha256, true)}` : "—";
      const why = [f.why ? mdText(f.why) : "—"];
      if (f.expiredAcceptance) why.push(`⚠️ **${acceptLine("Acceptance expired on", f.expiredAcceptance)}**`);
      if (f.expiredSuppression) why.push(`⚠️ **${ignoreLine("Ignore expired on", f.expiredSuppression)}**`);
      out.push(
        `| ${severityCell(f, failOn)} | ${mdLink(f.id, advisoryUrl(f))}<br>${mdText(f.summary)} | ${at} | ` +
          `${l?.snippet ? mdCode(l.snippet, true) : "—"} | ${why.join("<br>")} |`,
      );
    }
    out.push("");
  }
  return out;
}

function acceptedSection(list: Finding[]): string[] {
  const out = [
    "## Accepted",
    "",
    "Package-contents findings reviewed as false positives (`accept` entries, tied to the file's content): reported, " +
      "but not gated. A changed file is flagged again.",
    "",
    "| package | rule | where | severity | reason | approved by | expires | entry |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const f of list) {
    const a = f.accepted!;
    out.push(
      `| ${mdCode(packageLabel(f), true)} | ${mdLink(f.id, advisoryUrl(f))} | ${mdCode(codeWhere(f), true)} | ` +
        `${mdText(f.severity)} | ${mdText(a.reason)} | ${mdText(a.approvedBy)} | ${a.expires ? mdText(a.expires) : "—"} | ` +
        `${mdCode(where({ file: a.source, line: a.line }), true)} |`,
    );
  }
  out.push("");
  return out;
}

export function formatScanMarkdown(report: ScanReport): string {
  const failOn = report.failOn as FailOn;
  const findings = sortFindings([...report.findings]);
  const open = findings.filter((f) => !f.suppressed && !f.accepted);
  const suppressed = findings.filter((f) => f.suppressed);
  const accepted = findings.filter((f) => f.accepted && !f.suppressed);
  const advisories = open.filter((f) => f.type === "vulnerability" || f.type === "malicious-package");
  const typosquats = open.filter((f) => f.type === "typosquat");
  const code = open.filter(isCodeFinding);
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
  const checks: string[] = [];
  if (report.typosquat) {
    const lists = report.typosquat.lists.map(
      (l) =>
        `the ${mdText(l.ecosystem)} top ${l.entries} (${l.source === "bundled" ? "bundled" : mdCode(l.source)})`,
    );
    checks.push(
      `Typosquats: ${plural(s.typosquats, "finding")}${lists.length ? `, names checked against ${lists.join(" and ")}` : ""}.`,
    );
  }
  if (report.deep) {
    const d = report.deep;
    checks.push(
      `Installed packages: ${plural(d.packages, "package")} inspected (${plural(d.sourceFiles, "source file")}); ` +
        `${plural(s.maliciousCode, "malicious-code finding")}, ${plural(s.installScripts, "install-script finding")}` +
        (s.accepted ? `, ${s.accepted} accepted` : "") +
        ".",
    );
  }
  if (checks.length) out.push(checks.join(" "), "");

  if (advisories.length) {
    out.push("## Findings", "");
    for (const list of byPackage(advisories)) {
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

  if (typosquats.length) out.push(...typosquatSection(typosquats, failOn));
  if (code.length) out.push(...codeSection(code, failOn));

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

  if (accepted.length) out.push(...acceptedSection(accepted));

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
