/**
 * The scan report as SARIF 2.1.0 (OASIS), shaped for GitHub code scanning: one run, one rule per advisory id,
 * one result per finding and per place the component is locked, located at the lockfile line. See
 * docs/scan-formats.md for the mapping and the choices made. Deterministic: same report, same bytes.
 */
import { createHash } from "node:crypto";
import semver from "semver";
import { referenceUrl, ruleById } from "../analysis/code/rules.js";
import type { Acceptance, Finding, FindingSeverity, ScanReport, Suppression } from "../analysis/finding.js";
import { type FailOn, failsGate, sortFindings } from "../analysis/scan.js";
import type { SourceRef } from "../inventory/model.js";
import { TOOL_NAME } from "../version.js";
import {
  advisoryUrl,
  codeFile,
  codeWhere,
  isCodeFinding,
  mdLink,
  mdText,
  oneLine,
  packageLabel,
  remedy,
  safeHttpUrl,
  severityLabel,
  where,
} from "./scan-markdown.js";

export interface SarifOptions {
  toolVersion: string;
}

/** The schema's own id (OASIS SARIF 2.1.0 errata 01). */
export const SARIF_SCHEMA_URI =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/** The uriBaseId of lockfile paths: they are relative to the directory depwarden ran in (as CodeQL's are). */
export const SRCROOT = "%SRCROOT%";

/**
 * GitHub's `security-severity` when there is no CVSS score, in the middle of the band GitHub maps to each
 * rating (over 9.0 critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low). `unknown` is rated as `high`, as
 * the gate treats it; `info` has none (GitHub: no security severity).
 */
export const SEVERITY_SCORE: Partial<Record<FindingSeverity, number>> = {
  critical: 9.5,
  high: 8.0,
  unknown: 8.0,
  medium: 5.5,
  low: 2.0,
};

/** GitHub limits rule descriptions to 1024 characters. */
const MAX_DESCRIPTION = 1024;

type Level = "error" | "warning" | "note";

export function levelOf(f: Finding): Level {
  if (f.type === "malicious-package") return "error";
  switch (f.severity) {
    case "critical":
    case "high":
    case "unknown":
      return "error";
    case "medium":
      return "warning";
    default:
      return "note";
  }
}

/**
 * The `security-severity` of a finding: 10.0 for a known malicious package (whatever its record says), the CVSS
 * base score when there is one above 0, else the value of its rating; undefined for `info`.
 */
export function securitySeverityOf(f: Finding): number | undefined {
  if (f.type === "malicious-package") return 10;
  if (f.cvss && f.cvss.score > 0) return f.cvss.score;
  return SEVERITY_SCORE[f.severity];
}

/** Characters kept as they are in a URI path segment: unreserved, sub-delims and `@` (RFC 3986 `pchar`). */
const PCHAR = /[A-Za-z0-9\-._~!$&'()*+,;=@]/;

function encodeSegment(segment: string): string {
  let out = "";
  for (const ch of segment) {
    if (PCHAR.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, "utf8")) out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * A display path (posix, relative to the directory depwarden ran in, or absolute when outside it) as a SARIF
 * artifact location: a relative URI reference (each segment percent-encoded; `:` too, so that a first segment
 * cannot read as a scheme) based on %SRCROOT%, or a `file:` URI for an absolute path.
 */
export function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  const encode = (p: string): string => p.split("/").map(encodeSegment).join("/");
  const drive = /^([A-Za-z]):\//.exec(file);
  if (drive) return { uri: `file:///${drive[1]}:/${encode(file.slice(3))}` };
  if (file.startsWith("/")) return { uri: `file://${encode(file)}` };
  return { uri: encode(file), uriBaseId: SRCROOT };
}

function physicalLocation(s: SourceRef): Record<string, unknown> {
  return {
    physicalLocation: {
      artifactLocation: artifactLocation(s.file),
      // No line known (a flat requirements list, an SBOM): the file itself, not a made-up line 1.
      ...(s.line && s.line >= 1 ? { region: { startLine: s.line } } : {}),
    },
  };
}

/** `text` cut to `max` UTF-16 code units with an ellipsis, never between the halves of a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

function alsoKnownAs(f: Finding): string {
  return f.aliases.length ? ` (also ${f.aliases.join(", ")})` : "";
}

function suppressionLine(s: Suppression): string {
  return `${where(s)}, until ${s.expires}${s.approvedBy ? `, approved by ${s.approvedBy}` : ""}: ${oneLine(s.reason)}`;
}

/** The result's message: package@version, the ids, the advisory's summary, the severity and what to do. */
export function messageOf(f: Finding): string {
  const summary = oneLine(f.summary);
  const parts: string[] = [];
  if (f.type === "typosquat") {
    const im = f.imitates;
    const why = f.why
      ? oneLine(f.why).replace(/\.$/, "")
      : `${f.name} looks like ${im?.name ?? "a popular package"}${im ? ` (${im.technique})` : ""}`;
    parts.push(`Possible typosquat: ${packageLabel(f)}. ${why}.`);
    parts.push(`Severity: ${f.severity}.`);
    parts.push(`${remedy(f)}.`);
  } else if (isCodeFinding(f)) {
    parts.push(`${packageLabel(f)}: ${summary || f.id} (${f.id}) at ${codeWhere(f)}.`);
    if (f.why) parts.push(`${oneLine(f.why).replace(/\.$/, "")}.`);
    parts.push(`Severity: ${f.severity}.`);
    parts.push(`${remedy(f)}.`);
    if (f.location?.snippet) parts.push(`Code: ${oneLine(f.location.snippet)}`);
  } else if (f.type === "malicious-package") {
    parts.push(`${packageLabel(f)} is a known malicious package: ${f.id}${alsoKnownAs(f)}.`);
    parts.push(`${remedy(f)}.`);
    if (summary) parts.push(`${summary.replace(/\.$/, "")}.`);
  } else {
    parts.push(
      `${packageLabel(f)} is affected by ${f.id}${alsoKnownAs(f)}${summary ? `: ${summary.replace(/\.$/, "")}` : ""}.`,
    );
    parts.push(`Severity: ${severityLabel(f)}.`);
    parts.push(`${remedy(f)}.`);
  }
  if (f.suppressed) parts.push(`Suppressed by ${suppressionLine(f.suppressed)}`);
  if (f.expiredSuppression) {
    parts.push(
      `The ignore entry ${where(f.expiredSuppression)} expired on ${f.expiredSuppression.expires}: this finding counts again.`,
    );
  }
  if (f.accepted) parts.push(`Accepted by ${acceptanceWhere(f.accepted)}: ${oneLine(f.accepted.reason)}`);
  if (f.expiredAcceptance) {
    parts.push(
      `The accept entry ${acceptanceWhere(f.expiredAcceptance)} expired on ${f.expiredAcceptance.expires}: this finding counts again.`,
    );
  }
  return parts.join(" ");
}

function acceptanceWhere(a: Acceptance): string {
  return `${where({ file: a.source, line: a.line })}${a.approvedBy ? `, approved by ${a.approvedBy}` : ""}`;
}

interface Rule {
  id: string;
  findings: Finding[];
}

/** The rule's properties: tags, and the highest `security-severity` of its findings. */
function ruleProperties(rule: Rule, kind: string, extraTags: string[] = []): Record<string, unknown> {
  const scores = rule.findings.map(securitySeverityOf).filter((x): x is number => x !== undefined);
  return {
    tags: ["security", kind, ...ecosystemTags(rule), ...extraTags],
    ...(scores.length ? { "security-severity": Math.max(...scores).toFixed(1) } : {}),
  };
}

function ruleLevel(rule: Rule): Level {
  return rule.findings.map(levelOf).sort((a, b) => LEVEL_RANK[a] - LEVEL_RANK[b])[0]!;
}

/** ATT&CK technique or CWE id as a link's text and URL. */
function referenceLinks(refs: readonly string[]): { id: string; url: string }[] {
  return refs.map((id) => ({ id, url: referenceUrl(id) }));
}

/** GitHub's tag for a CWE (as CodeQL writes it: `external/cwe/cwe-078`), or an ATT&CK technique's. */
function referenceTag(ref: string): string {
  const cwe = /^CWE-(\d+)$/.exec(ref);
  if (cwe) return `external/cwe/cwe-${cwe[1]!.padStart(3, "0")}`;
  return `external/mitre-attack/${ref}`;
}

export const TYPOSQUAT_HELP_URI = "https://attack.mitre.org/techniques/T1195/002/";

function typosquatRuleJson(rule: Rule): Record<string, unknown> {
  const full =
    "The package's name is a near copy of a popular package's name (one letter changed, letters swapped, " +
    "separators or affixes added or dropped, tokens reordered, look-alike characters, another npm scope, or the " +
    "popular name with a suspicious addition). Attackers publish look-alikes to be installed by mistake " +
    "(MITRE ATT&CK T1195.002, supply chain compromise).";
  const todo =
    "Check that the dependency is the package you meant. If it is not, replace it with the popular package and " +
    "treat every machine that installed it as exposed (rotate the secrets it could reach). If it is, allow it in " +
    "`.depwarden.yaml` (`typosquat.allow`).";
  return {
    id: rule.id,
    shortDescription: { text: "typosquat: Package name imitates a popular package" },
    fullDescription: { text: clip(full, MAX_DESCRIPTION) },
    helpUri: TYPOSQUAT_HELP_URI,
    help: {
      text: `${full}\n${todo.replace(/`/g, "")}\nReference: ${TYPOSQUAT_HELP_URI}`,
      markdown: `**typosquat**: package name imitates a popular package\n\n${full}\n\n${todo}\n\nReference: <${TYPOSQUAT_HELP_URI}>`,
    },
    defaultConfiguration: { level: ruleLevel(rule) },
    properties: ruleProperties(rule, "typosquat", [referenceTag("T1195.002")]),
  };
}

/**
 * The description, help and help link of a package-contents rule (src/analysis/code/rules.ts), as `scan --deep`
 * and `inspect` both show it. `fallback` describes a rule id the catalogue does not know.
 */
export function codeRuleDescription(id: string, fallback = ""): Record<string, unknown> {
  const meta = ruleById(id);
  const title = meta?.title ?? id;
  const description = meta?.description ?? fallback;
  const rationale = meta?.rationale ?? "";
  const refs = referenceLinks(meta?.references ?? []);
  const todo =
    "Review the reported code. If it is malicious, remove the package and rotate any secrets it could reach; if " +
    "it is a false positive, accept it in .depwarden.yaml (accept: package, rule, the file's sha256, reason, " +
    "approvedBy): it stays accepted while the file is unchanged.";
  return {
    shortDescription: { text: clip(`${id}: ${title}`, MAX_DESCRIPTION) },
    fullDescription: { text: clip(`${description} ${rationale}`.trim(), MAX_DESCRIPTION) },
    ...(refs[0] ? { helpUri: refs[0].url } : {}),
    help: {
      text: [
        `${id}: ${title}`,
        description,
        ...(rationale ? [rationale] : []),
        todo,
        ...(refs.length ? ["References:", ...refs.map((r) => `- ${r.id}: ${r.url}`)] : []),
      ].join("\n"),
      markdown: [
        `**${mdText(id)}**: ${mdText(title)}`,
        "",
        mdText(description),
        ...(rationale ? ["", mdText(rationale)] : []),
        "",
        mdText(todo),
        ...(refs.length ? ["", "References:", "", ...refs.map((r) => `- ${mdLink(r.id, r.url)}`)] : []),
      ].join("\n"),
    },
  };
}

/** GitHub tags for a package-contents rule: its type and its CWE/ATT&CK references. */
export function codeRuleTags(id: string): string[] {
  return (ruleById(id)?.references ?? []).map(referenceTag);
}

function codeRuleJson(rule: Rule): Record<string, unknown> {
  const f = rule.findings[0]!;
  return {
    id: rule.id,
    ...codeRuleDescription(rule.id, oneLine(f.summary)),
    defaultConfiguration: { level: ruleLevel(rule) },
    properties: ruleProperties(rule, ruleById(rule.id)?.type ?? f.type, codeRuleTags(rule.id)),
  };
}

function ruleJson(rule: Rule): Record<string, unknown> {
  // The rule describes the advisory; its first finding (the most severe, findings being sorted) speaks for it.
  const f = rule.findings[0]!;
  if (f.type === "typosquat") return typosquatRuleJson(rule);
  if (isCodeFinding(f)) return codeRuleJson(rule);
  const malicious = rule.findings.some((x) => x.type === "malicious-package");
  // in the findings' order: preferred ids first
  const aliases = [...new Set(rule.findings.flatMap((x) => x.aliases))];
  const summary = oneLine(f.summary) || (malicious ? "Known malicious package" : rule.id);
  const also = aliases.length ? ` Also known as ${aliases.join(", ")}.` : "";
  const kind = malicious
    ? "Known malicious package: remove it."
    : `Known vulnerability, severity ${severityLabel(f)}.`;
  const scores = rule.findings.map(securitySeverityOf).filter((x): x is number => x !== undefined);
  const level = rule.findings.map(levelOf).sort((a, b) => LEVEL_RANK[a] - LEVEL_RANK[b])[0]!;
  const refs = [...new Set(rule.findings.flatMap((x) => x.references).map(safeHttpUrl))].filter(
    (u): u is string => u !== undefined,
  );
  const helpText = [
    `${rule.id}${aliases.length ? ` (also ${aliases.join(", ")})` : ""}`,
    summary,
    kind,
    ...(refs.length ? ["References:", ...refs.map((u) => `- ${u}`)] : []),
  ].join("\n");
  const helpMarkdown = [
    `**${mdLink(rule.id, advisoryUrl(f))}**${aliases.length ? ` (also ${aliases.map(mdText).join(", ")})` : ""}`,
    "",
    mdText(summary),
    "",
    malicious ? "**Known malicious package: remove it.**" : `Severity: ${mdText(severityLabel(f))}.`,
    ...(refs.length ? ["", "References:", "", ...refs.map((u) => `- <${u}>`)] : []),
  ].join("\n");
  return {
    id: rule.id,
    shortDescription: { text: clip(`${rule.id}: ${summary}`, MAX_DESCRIPTION) },
    fullDescription: {
      text: clip(`${summary}${/[.!?]$/.test(summary) ? "" : "."}${also} ${kind}`, MAX_DESCRIPTION),
    },
    helpUri: advisoryUrl(f),
    help: { text: helpText, markdown: helpMarkdown },
    defaultConfiguration: { level },
    properties: {
      tags: ["security", malicious ? "malicious-package" : "vulnerability", ...ecosystemTags(rule)],
      ...(scores.length ? { "security-severity": Math.max(...scores).toFixed(1) } : {}),
    },
  };
}

const LEVEL_RANK: Record<Level, number> = { error: 0, warning: 1, note: 2 };

function ecosystemTags(rule: Rule): string[] {
  return [...new Set(rule.findings.map((f) => f.ecosystem))].sort();
}

function suppressionJson(s: Suppression): Record<string, unknown> {
  return {
    kind: "external",
    status: "accepted",
    justification: oneLine(s.reason),
    location: physicalLocation(s),
    properties: {
      ignoredId: s.id,
      expires: s.expires,
      ...(s.approvedBy ? { approvedBy: s.approvedBy } : {}),
    },
  };
}

/**
 * Stable across runs and line moves: the same advisory (or rule), package version and file give the same value;
 * for a code finding the code itself too (its snippet, white space collapsed), so that two findings of one rule
 * in one file stay apart while edits elsewhere in the file move nothing.
 */
function fingerprint(f: Finding, file: string): string {
  const code = f.location ? `\n${oneLine(f.location.snippet)}` : "";
  return createHash("sha256").update(`${f.id}\n${f.purl}\n${file}${code}`).digest("hex");
}

/** A code finding's place: the file inside the installed package, at the line (and column), with the snippet. */
function codeLocation(f: Finding): Record<string, unknown> {
  const l = f.location!;
  return {
    physicalLocation: {
      artifactLocation: artifactLocation(codeFile(f)),
      // No region.snippet: SARIF means the artifact's exact text there, and the finding's snippet is cleaned
      // (shortened, control characters escaped); it is in the result's properties instead.
      region: {
        startLine: Math.max(1, l.line),
        ...(l.column && l.column >= 1 ? { startColumn: l.column } : {}),
      },
    },
  };
}

function acceptanceJson(f: Finding, a: Acceptance): Record<string, unknown> {
  return {
    kind: "external",
    status: "accepted",
    justification: oneLine(a.reason),
    location: physicalLocation({ file: a.source, ...(a.line ? { line: a.line } : {}) }),
    properties: {
      accept: true,
      rule: f.rule ?? f.id,
      sha256: f.location?.sha256 ?? "",
      approvedBy: a.approvedBy,
      ...(a.expires ? { expires: a.expires } : {}),
    },
  };
}

export function formatScanSarif(report: ScanReport, options: SarifOptions): string {
  const failOn = report.failOn as FailOn;
  const findings = sortFindings([...report.findings]);
  const rules = new Map<string, Rule>();
  for (const f of findings) {
    const rule = rules.get(f.id) ?? { id: f.id, findings: [] };
    rule.findings.push(f);
    rules.set(f.id, rule);
  }
  const ruleIds = [...rules.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));

  const results: Record<string, unknown>[] = [];
  const occurrences = new Map<string, number>();
  for (const f of findings) {
    // One result per place the component is locked or declared; a component from nowhere still gets one. A code
    // finding has one place: the file of the installed package.
    const code = isCodeFinding(f) && f.location !== undefined;
    const sources: (SourceRef | undefined)[] = code
      ? [{ file: codeFile(f) }]
      : f.sources.length
        ? f.sources
        : [undefined];
    for (const source of sources) {
      const hash = fingerprint(f, source?.file ?? "");
      const n = (occurrences.get(hash) ?? 0) + 1;
      occurrences.set(hash, n);
      const suppressions = f.suppressed
        ? [suppressionJson(f.suppressed)]
        : f.accepted
          ? [acceptanceJson(f, f.accepted)]
          : undefined;
      results.push({
        ruleId: f.id,
        ruleIndex: ruleIndex.get(f.id)!,
        level: levelOf(f),
        message: { text: messageOf(f) },
        ...(code
          ? { locations: [codeLocation(f)] }
          : source
            ? { locations: [physicalLocation(source)] }
            : {}),
        partialFingerprints: {
          // GitHub reads only this key, as an opaque value: here the finding's identity, not a line's text.
          primaryLocationLineHash: `${hash.slice(0, 16)}:${n}`,
          "depwarden/finding/v1": hash,
        },
        ...(suppressions ? { suppressions } : {}),
        properties: {
          type: f.type,
          purl: f.purl,
          ecosystem: f.ecosystem,
          package: f.name,
          version: f.version === "" ? null : f.version,
          severity: f.severity,
          ...(f.cvss ? { cvss: f.cvss } : {}),
          fixedIn: f.fixedIn,
          direct: f.direct,
          scopes: f.scopes,
          gating: failsGate(f, failOn),
          ...(f.expiredSuppression ? { expiredSuppression: f.expiredSuppression } : {}),
          ...(f.imitates ? { imitates: f.imitates } : {}),
          ...(f.rule ? { rule: f.rule } : {}),
          ...(f.location
            ? {
                packagePath: f.location.packagePath,
                file: f.location.file,
                sha256: f.location.sha256,
                snippet: f.location.snippet,
              }
            : {}),
          ...(f.why ? { why: f.why } : {}),
          ...(f.accepted ? { accepted: f.accepted } : {}),
          ...(f.expiredAcceptance ? { expiredAcceptance: f.expiredAcceptance } : {}),
        },
      });
    }
  }

  const version = options.toolVersion;
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version,
            ...(semver.valid(version) ? { semanticVersion: version } : {}),
            rules: ruleIds.map((id) => ruleJson(rules.get(id)!)),
          },
        },
        results,
        // A scan that could not read an input is not a clean bill of health: code scanning must not close
        // alerts on it (the reasons are the notifications).
        invocations: [
          {
            executionSuccessful: report.inventory.errors.length === 0,
            ...(report.inventory.errors.length
              ? {
                  toolExecutionNotifications: report.inventory.errors.map((e) => ({
                    level: "error",
                    message: { text: `${e.file}: ${e.message}` },
                  })),
                }
              : {}),
          },
        ],
        properties: {
          database: report.database,
          failOn: report.failOn,
          summary: report.summary,
          ...(report.typosquat ? { typosquat: report.typosquat } : {}),
          ...(report.deep ? { deep: report.deep } : {}),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
