/** The JSON contract of `inspect`: packages with their findings, the gate and a summary. Deterministic. */
import type { InspectReport } from "../analysis/code/inspect.js";
import { ruleById } from "../analysis/code/rules.js";
import { TOOL_NAME, TOOL_VERSION } from "../version.js";

export function inspectDocument(report: InspectReport): Record<string, unknown> {
  return {
    schemaVersion: 1,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    failOn: report.failOn,
    config: { files: report.configFiles },
    packages: report.packages.map((p) => ({
      path: p.path,
      kind: p.kind,
      ecosystem: p.ecosystem ?? null,
      name: p.name ?? null,
      version: p.version ?? null,
      purl: p.purl ?? null,
      files: p.files,
      sourceFiles: p.sourceFiles,
      sourceBytes: p.sourceBytes,
      parsedFiles: p.parsedFiles,
      findings: p.findings.map((f) => {
        const rule = ruleById(f.rule);
        return {
          type: f.type,
          rule: f.rule,
          title: rule?.title ?? f.rule,
          severity: f.severity,
          file: f.file,
          line: f.line,
          ...(f.column !== undefined ? { column: f.column } : {}),
          snippet: f.snippet,
          why: f.why,
          references: rule?.references ?? [],
          sha256: f.sha256,
          ...(f.accepted ? { accepted: f.accepted } : {}),
          ...(f.expiredAcceptance ? { expiredAcceptance: f.expiredAcceptance } : {}),
        };
      }),
      skipped: p.skipped,
      errors: p.errors,
    })),
    summary: report.summary,
    errors: report.errors,
    warnings: report.warnings,
  };
}

export function formatInspectJson(report: InspectReport): string {
  return `${JSON.stringify(inspectDocument(report), null, 2)}\n`;
}
