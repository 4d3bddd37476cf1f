/** The terminal report of `scan`: findings grouped by package, direct packages first. */
import type { Finding, ScanReport } from "../analysis/finding.js";
import { type FailOn, failsGate } from "../analysis/scan.js";

export interface TableOptions {
  /** ANSI colours (only on a terminal). */
  color?: boolean;
}

export const COLORS: Record<string, string> = {
  critical: "\x1b[1;31m",
  high: "\x1b[31m",
  unknown: "\x1b[35m",
  medium: "\x1b[33m",
  low: "\x1b[36m",
  info: "\x1b[2m",
};

/**
 * Text from advisories and config files, made safe for a terminal: control characters (ESC sequences that
 * could clear the screen or fake output, carriage returns) dropped, whitespace runs and newlines collapsed.
 */
export function plain(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this strips or checks
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "")
      .replace(/\s+/g, " ")
      .trim()
  );
}

export function formatScanTable(report: ScanReport, options: TableOptions = {}): string {
  const paint = (s: string, code: string | undefined) => (options.color && code ? `${code}${s}\x1b[0m` : s);
  const bold = (s: string) => paint(s, "\x1b[1m");
  const dim = (s: string) => paint(s, "\x1b[2m");
  const lines: string[] = [];
  const byPackage = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const list = byPackage.get(f.purl) ?? [];
    list.push(f);
    byPackage.set(f.purl, list);
  }
  // Packages in the order of their most severe finding (findings are sorted), direct before transitive.
  const packages = [...byPackage.values()].sort(
    (a, b) =>
      Number(b[0]!.direct) - Number(a[0]!.direct) ||
      report.findings.indexOf(a[0]!) - report.findings.indexOf(b[0]!),
  );
  for (const list of packages) {
    const f0 = list[0]!;
    const where = f0.sources[0]
      ? `  ${dim(`${f0.sources[0].file}${f0.sources[0].line ? `:${f0.sources[0].line}` : ""}`)}`
      : "";
    const version = f0.version ? ` ${f0.version}` : "";
    lines.push(
      `${bold(plain(`${f0.name}${version}`))} (${f0.ecosystem}, ${f0.direct ? "direct" : "transitive"})${where}`,
    );
    for (const f of list) {
      const sev = f.type === "malicious-package" ? "MALICIOUS" : f.severity.toUpperCase();
      const score = f.cvss ? ` ${f.cvss.score.toFixed(1)}` : "";
      const ids = f.aliases.length ? ` (${f.aliases.join(", ")})` : "";
      const tag = f.suppressed
        ? dim(" [suppressed]")
        : f.accepted
          ? dim(" [accepted]")
          : f.expiredSuppression
            ? paint(" [ignore expired]", COLORS.medium)
            : f.expiredAcceptance
              ? paint(" [acceptance expired]", COLORS.medium)
              : "";
      const label = paint(`${sev}${score}`, COLORS[f.type === "malicious-package" ? "critical" : f.severity]);
      if (f.type === "typosquat") {
        const im = f.imitates;
        lines.push(
          `  ${label}  typosquat: imitates ${plain(im?.name ?? "?")}${im ? ` (${plain(im.technique)})` : ""}${tag}`,
        );
        if (f.why) lines.push(`      ${plain(f.why)}`);
        const meant = plain(im?.name ?? "the popular package");
        lines.push(
          `      check that you meant ${plain(f.name)}, not ${meant}: if not, replace it with ${meant}; if so, allow it (typosquat.allow)`,
        );
      } else if (f.location) {
        const col = f.location.column ? `:${f.location.column}` : "";
        lines.push(`  ${label}  ${plain(f.id)}  ${plain(f.location.file)}:${f.location.line}${col}${tag}`);
        if (f.summary) lines.push(`      ${plain(f.summary)}`);
        if (f.location.snippet) lines.push(`      ${dim(`> ${plain(f.location.snippet)}`)}`);
        if (f.why) lines.push(`      ${plain(f.why)}`);
        if (f.accepted) {
          lines.push(
            dim(
              `      accepted${f.accepted.expires ? ` until ${f.accepted.expires}` : ""} by ${plain(f.accepted.approvedBy)}: ${plain(f.accepted.reason)}`,
            ),
          );
        } else if (f.expiredAcceptance) {
          lines.push(
            paint(
              `      acceptance expired on ${f.expiredAcceptance.expires}: review it again`,
              COLORS.medium,
            ),
          );
        }
      } else {
        lines.push(`  ${label}  ${plain(f.id + ids)}${tag}`);
        if (f.summary) lines.push(`      ${plain(f.summary)}`);
        if (f.type === "malicious-package")
          lines.push(
            `      ${paint("known malicious package: remove it and rotate any secrets it could reach", COLORS.critical)}`,
          );
        else lines.push(`      ${f.fixedIn ? `fixed in ${f.fixedIn}` : "no fix available"}`);
      }
      if (f.suppressed) {
        lines.push(
          dim(
            `      suppressed until ${f.suppressed.expires}${f.suppressed.approvedBy ? ` by ${plain(f.suppressed.approvedBy)}` : ""}: ${plain(f.suppressed.reason)}`,
          ),
        );
      }
    }
    lines.push("");
  }
  const s = report.summary;
  const counts = (["critical", "high", "medium", "low", "info", "unknown"] as const)
    .filter((k) => s.bySeverity[k] > 0)
    .map((k) => `${s.bySeverity[k]} ${k}`);
  const failing = report.findings.filter((f) => failsGate(f, report.failOn as FailOn)).length;
  const head =
    s.findings === 0
      ? "No known vulnerabilities"
      : `${s.findings} ${s.findings === 1 ? "finding" : "findings"} (${counts.join(", ")})`;
  const kinds = [
    s.typosquats ? `${s.typosquats} ${s.typosquats === 1 ? "typosquat" : "typosquats"}` : "",
    s.maliciousCode ? `${s.maliciousCode} malicious-code` : "",
    s.installScripts ? `${s.installScripts} install-script` : "",
  ].filter(Boolean);
  lines.push(
    `${head} in ${s.componentsChecked} ${s.componentsChecked === 1 ? "component" : "components"} checked` +
      (s.componentsNotChecked ? `, ${s.componentsNotChecked} not checked (no exact version)` : "") +
      (s.suppressed ? `, ${s.suppressed} suppressed` : "") +
      (s.accepted ? `, ${s.accepted} accepted` : "") +
      (s.malicious ? `, ${paint(`${s.malicious} known malicious`, COLORS.critical)}` : "") +
      (kinds.length ? `; of them ${kinds.join(", ")}` : "") +
      ".",
  );
  const checks: string[] = [];
  if (report.typosquat) {
    const lists = report.typosquat.lists.map((l) => `${l.ecosystem} top ${l.entries} (${plain(l.source)})`);
    checks.push(`Typosquats: checked${lists.length ? ` against ${lists.join(", ")}` : ""}`);
  }
  if (report.deep) {
    const d = report.deep;
    checks.push(
      `Installed packages: ${d.packages} inspected (${d.sourceFiles} source ${d.sourceFiles === 1 ? "file" : "files"}, ${d.sourceBytes >= 1048576 ? `${(d.sourceBytes / 1048576).toFixed(1)} MB` : `${Math.ceil(d.sourceBytes / 1024)} KB`})`,
    );
  }
  if (checks.length) lines.push(dim(`${checks.join(". ")}.`));
  const incomplete = report.inventory.errors.length;
  lines.push(
    dim(
      `Advisories: ${report.database.advisories} from ${report.database.source}` +
        (report.database.updatedAt ? `, updated ${report.database.updatedAt.slice(0, 10)}` : "") +
        (incomplete
          ? `. Gate not passed: ${incomplete} ${incomplete === 1 ? "input" : "inputs"} could not be read (see the errors), so the scan is incomplete.`
          : `. Gate: --fail-on ${report.failOn}${report.failOn === "none" ? "" : failing ? ` (${failing} at or above)` : " (passed)"}.`),
    ),
  );
  return `${lines.join("\n")}\n`;
}
