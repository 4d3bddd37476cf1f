/**
 * The `inspect` report as SARIF 2.1.0: one rule per package-contents rule that fired (metadata, ATT&CK/CWE help
 * links), one result per finding, located at the file and line. A directory's files are given relative to where
 * depwarden ran (so code scanning can show them); a file inside an archive as `<archive>/<path in archive>`.
 */
import { createHash } from "node:crypto";
import { relative, resolve } from "node:path";
import { codeFindingFailsGate, type InspectFinding, type InspectReport } from "../analysis/code/inspect.js";
import { ruleById } from "../analysis/code/rules.js";
import type { Severity } from "../analysis/severity.js";
import { TOOL_NAME } from "../version.js";
import {
  artifactLocation,
  codeRuleDescription,
  codeRuleTags,
  SARIF_SCHEMA_URI,
  SEVERITY_SCORE,
} from "./scan-sarif.js";

function level(s: Severity): "error" | "warning" | "note" {
  return s === "critical" || s === "high" ? "error" : s === "medium" ? "warning" : "note";
}

function displayPath(pkgPath: string, kind: string, file: string): string {
  if (kind === "file") return toPosix(pkgPath);
  const base = kind === "directory" ? toPosix(pkgPath) : toPosix(pkgPath);
  return base === "." || base === "" ? file : `${base.replace(/\/+$/, "")}/${file}`;
}

function toPosix(p: string): string {
  const rel = relative(process.cwd(), resolve(p));
  const shown = rel && !rel.startsWith("..") ? rel : resolve(p);
  return shown.split("\\").join("/") || ".";
}

export function formatInspectSarif(report: InspectReport, options: { toolVersion: string }): string {
  const used = new Map<string, InspectFinding[]>();
  for (const p of report.packages) {
    for (const f of p.findings) {
      const list = used.get(f.rule) ?? [];
      list.push(f);
      used.set(f.rule, list);
    }
  }
  const ruleIds = [...used.keys()].sort();
  const rules = ruleIds.map((id) => {
    const r = ruleById(id)!;
    return {
      id,
      name: r.title,
      ...codeRuleDescription(id),
      defaultConfiguration: { level: level(r.severity) },
      properties: {
        tags: ["security", r.type, ...codeRuleTags(id)],
        ...(SEVERITY_SCORE[r.severity] !== undefined
          ? { "security-severity": SEVERITY_SCORE[r.severity]!.toFixed(1) }
          : {}),
      },
    };
  });
  const results = report.packages.flatMap((p) =>
    p.findings.map((f) => {
      const file = displayPath(p.path, p.kind, f.file);
      const fingerprint = createHash("sha256")
        .update(`${p.purl ?? p.path}\u0000${f.rule}\u0000${f.file}\u0000${f.snippet}`)
        .digest("hex");
      const acceptance = f.accepted;
      return {
        ruleId: f.rule,
        ruleIndex: ruleIds.indexOf(f.rule),
        level: level(f.severity),
        message: {
          text: `${ruleById(f.rule)?.title ?? f.rule}: ${f.why}${p.name ? ` (in ${p.name}${p.version ? ` ${p.version}` : ""})` : ""}.`,
        },
        locations: [
          {
            physicalLocation: {
              artifactLocation: artifactLocation(file),
              region: {
                startLine: f.line,
                ...(f.column ? { startColumn: f.column } : {}),
                ...(f.snippet ? { snippet: { text: f.snippet } } : {}),
              },
            },
          },
        ],
        partialFingerprints: { "depwarden/v1": fingerprint },
        properties: {
          severity: f.severity,
          sha256: f.sha256,
          ...(SEVERITY_SCORE[f.severity] !== undefined
            ? { "security-severity": SEVERITY_SCORE[f.severity]!.toFixed(1) }
            : {}),
          ...(f.expiredAcceptance ? { expiredAcceptance: f.expiredAcceptance } : {}),
        },
        ...(acceptance
          ? {
              suppressions: [
                {
                  kind: "external",
                  status: "accepted",
                  justification: `${acceptance.reason} (approved by ${acceptance.approvedBy}; ${acceptance.source}${acceptance.line ? `:${acceptance.line}` : ""})`,
                },
              ],
            }
          : {}),
      };
    }),
  );
  const failing = report.packages.some((p) => p.findings.some((f) => codeFindingFailsGate(f, report.failOn)));
  const doc = {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: options.toolVersion,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            ...(report.errors.length
              ? {
                  toolExecutionNotifications: report.errors.map((e) => ({
                    level: "error",
                    message: { text: `${e.file}: ${e.message}` },
                  })),
                }
              : {}),
            properties: { failOn: report.failOn, gateFailed: failing },
          },
        ],
        results,
        columnKind: "utf16CodeUnits",
      },
    ],
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
