/**
 * The scan report as SARIF 2.1.0 (OASIS), shaped for GitHub code scanning: one run, one rule per advisory id,
 * one result per finding and per place the component is locked, located at the lockfile line. See
 * docs/scan-formats.md for the mapping and the choices made. Deterministic: same report, same bytes.
 */
import { createHash } from "node:crypto";
import semver from "semver";
import type { Finding, FindingSeverity, ScanReport, Suppression } from "../analysis/finding.js";
import { type FailOn, failsGate, sortFindings } from "../analysis/scan.js";
import type { SourceRef } from "../inventory/model.js";
import { TOOL_NAME } from "../version.js";
import {
  advisoryUrl,
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
const SEVERITY_SCORE: Partial<Record<FindingSeverity, number>> = {
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
  if (f.type === "malicious-package") {
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
  return parts.join(" ");
}

interface Rule {
  id: string;
  findings: Finding[];
}

function ruleJson(rule: Rule): Record<string, unknown> {
  // The rule describes the advisory; its first finding (the most severe, findings being sorted) speaks for it.
  const f = rule.findings[0]!;
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

/** Stable across runs and line moves: the same advisory, package version and lockfile give the same value. */
function fingerprint(f: Finding, file: string): string {
  return createHash("sha256").update(`${f.id}\n${f.purl}\n${file}`).digest("hex");
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
    // One result per place the component is locked or declared; a component from nowhere still gets one.
    const sources: (SourceRef | undefined)[] = f.sources.length ? f.sources : [undefined];
    for (const source of sources) {
      const hash = fingerprint(f, source?.file ?? "");
      const n = (occurrences.get(hash) ?? 0) + 1;
      occurrences.set(hash, n);
      results.push({
        ruleId: f.id,
        ruleIndex: ruleIndex.get(f.id)!,
        level: levelOf(f),
        message: { text: messageOf(f) },
        ...(source ? { locations: [physicalLocation(source)] } : {}),
        partialFingerprints: {
          // GitHub reads only this key, as an opaque value: here the finding's identity, not a line's text.
          primaryLocationLineHash: `${hash.slice(0, 16)}:${n}`,
          "depwarden/finding/v1": hash,
        },
        ...(f.suppressed ? { suppressions: [suppressionJson(f.suppressed)] } : {}),
        properties: {
          type: f.type,
          purl: f.purl,
          ecosystem: f.ecosystem,
          package: f.name,
          version: f.version,
          severity: f.severity,
          ...(f.cvss ? { cvss: f.cvss } : {}),
          fixedIn: f.fixedIn,
          direct: f.direct,
          scopes: f.scopes,
          gating: failsGate(f, failOn),
          ...(f.expiredSuppression ? { expiredSuppression: f.expiredSuppression } : {}),
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
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
