/** The terminal report of `inspect`: per package, findings by severity with file:line, the code and why. */
import { codeFindingFailsGate, type InspectReport } from "../analysis/code/inspect.js";
import { ruleById } from "../analysis/code/rules.js";
import { COLORS, plain } from "./scan-table.js";

export interface InspectTableOptions {
  color?: boolean;
}

function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${bytes} B`;
}

export function formatInspectTable(report: InspectReport, options: InspectTableOptions = {}): string {
  const paint = (s: string, code: string | undefined) => (options.color && code ? `${code}${s}\x1b[0m` : s);
  const bold = (s: string) => paint(s, "\x1b[1m");
  const dim = (s: string) => paint(s, "\x1b[2m");
  const lines: string[] = [];
  for (const p of report.packages) {
    const id = p.name
      ? `${p.name}${p.version ? ` ${p.version}` : ""} (${p.ecosystem}, ${p.kind})`
      : `(${p.kind})`;
    lines.push(
      `${bold(plain(p.path))}  ${dim(`${plain(id)}, ${p.sourceFiles} source ${p.sourceFiles === 1 ? "file" : "files"}, ${size(p.sourceBytes)}`)}`,
    );
    if (!p.findings.length) lines.push(`  ${dim("no findings")}`);
    for (const f of p.findings) {
      const rule = ruleById(f.rule);
      const tag = f.accepted
        ? dim(" [accepted]")
        : f.expiredAcceptance
          ? paint(" [acceptance expired]", COLORS.medium)
          : "";
      lines.push(
        `  ${paint(f.severity.toUpperCase().padEnd(8), COLORS[f.severity])} ${f.rule}  ${plain(f.file)}:${f.line}${tag}`,
      );
      if (rule) lines.push(`      ${plain(rule.title)}: ${plain(f.why)}`);
      if (f.snippet) lines.push(`      ${dim("│")} ${f.snippet}`);
      if (f.accepted) {
        lines.push(
          dim(
            `      accepted by ${plain(f.accepted.approvedBy)} (${f.accepted.source}${f.accepted.line ? `:${f.accepted.line}` : ""}): ${plain(f.accepted.reason)}`,
          ),
        );
      }
    }
    lines.push("");
  }
  const s = report.summary;
  const counts = (["critical", "high", "medium", "low", "info"] as const)
    .filter((k) => s.bySeverity[k] > 0)
    .map((k) => `${s.bySeverity[k]} ${k}`);
  const failing = report.packages.reduce(
    (n, p) => n + p.findings.filter((f) => codeFindingFailsGate(f, report.failOn)).length,
    0,
  );
  lines.push(
    `${s.findings === 0 ? "No findings" : `${s.findings} ${s.findings === 1 ? "finding" : "findings"} (${counts.join(", ")})`}` +
      ` in ${s.packages} ${s.packages === 1 ? "package" : "packages"}, ${s.sourceFiles} source ${s.sourceFiles === 1 ? "file" : "files"} (${size(s.sourceBytes)})` +
      (s.accepted ? `, ${s.accepted} accepted` : "") +
      ".",
  );
  lines.push(
    dim(
      report.errors.length
        ? `Gate not passed: ${report.errors.length} ${report.errors.length === 1 ? "input" : "inputs"} could not be read or fully analysed (see the errors).`
        : `Gate: --fail-on ${report.failOn}${report.failOn === "none" ? "" : failing ? ` (${failing} at or above)` : " (passed)"}.`,
    ),
  );
  return `${lines.join("\n")}\n`;
}
