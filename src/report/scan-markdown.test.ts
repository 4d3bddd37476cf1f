import { describe, expect, it } from "vitest";
import type { ScanReport } from "../analysis/finding.js";
import { sampleScanReport } from "./__fixtures__/sample-scan.js";
import { SHA_EVIL, supplyChainScanReport } from "./__fixtures__/sample-supply-chain.js";
import { formatScanMarkdown, mdCode, mdText, safeHttpUrl } from "./scan-markdown.js";

const md = (report: ScanReport = sampleScanReport()): string => formatScanMarkdown(report);

/** The lines of the section under `## title`, up to the next `## `. */
function section(text: string, title: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf(`## ${title}`);
  if (start === -1) return [];
  const end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

/** A GFM table row's cells: split on the pipes that are not backslash-escaped. */
function cells(row: string): string[] {
  return row
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** The rows (header and delimiter excluded) of the first table at or after the line starting with `startsWith`. */
function rowsAfter(lines: string[], startsWith: string): string[][] {
  const at = lines.findIndex((l) => l.startsWith(startsWith));
  expect(at).toBeGreaterThanOrEqual(0);
  const header = lines.findIndex((l, i) => i >= at && l.startsWith("|"));
  expect(lines[header + 1]).toMatch(/^\|(-|:|\|)+$/); // the delimiter row
  const rows: string[][] = [];
  for (let i = header + 2; i < lines.length && lines[i]!.startsWith("|"); i++) rows.push(cells(lines[i]!));
  return rows;
}

function reportWith(change: (r: ScanReport) => void): ScanReport {
  const r = sampleScanReport();
  change(r);
  return r;
}

describe("formatScanMarkdown", () => {
  it("opens with a one-line verdict at the threshold", () => {
    expect(md().split("\n").slice(0, 3)).toEqual([
      "# depwarden scan",
      "",
      "**❌ Failed:** 3 of 6 findings at or above the threshold (`--fail-on high`).",
    ]);
    expect(md(reportWith((r) => (r.failOn = "critical")))).toContain(
      "**❌ Failed:** 2 of 6 findings at or above the threshold (`--fail-on critical`).",
    );
    expect(md(reportWith((r) => (r.failOn = "none")))).toContain(
      "**✅ Passed:** the gate is off (`--fail-on none`); 6 findings reported.",
    );
    const belowOnly = reportWith((r) => {
      r.findings = r.findings.filter((f) => f.severity === "low" || f.severity === "medium");
      r.summary.findings = 3;
    });
    expect(md(belowOnly)).toContain(
      "**✅ Passed:** no finding at or above the threshold (`--fail-on high`); 3 below it.",
    );
    const clean = reportWith((r) => {
      r.findings = [];
      r.summary.findings = 0;
    });
    expect(md(clean)).toContain(
      "**✅ Passed:** no known vulnerabilities in 14 components (`--fail-on high`).",
    );
    expect(md(clean)).not.toContain("## Findings");
  });

  it("never passes a scan that could not read an input", () => {
    const broken = reportWith((r) => {
      r.findings = [];
      r.summary.findings = 0;
      r.inventory.errors = [
        { file: "broken/poetry.lock", line: 3, column: 10, message: "3:10: invalid TOML | <x>" },
      ];
    });
    const text = md(broken);
    expect(text).toContain("**⚠️ Incomplete:** 1 input could not be read");
    expect(text).not.toContain("Passed");
    expect(section(text, "Inputs that could not be read")).toContain(
      "- `broken/poetry.lock`: 3:10: invalid TOML \\| \\<x\\>",
    );
  });

  it("calls out known malicious packages plainly, before anything else", () => {
    const text = md();
    const callout = text
      .split("\n")
      .findIndex((l) => l.startsWith("> **🚨 Known malicious package: remove it.**"));
    expect(callout).toBeGreaterThan(0);
    expect(callout).toBeLessThan(text.split("\n").indexOf("## Summary"));
    expect(text.split("\n")[callout]).toContain(
      "`flatmap-stream@0.1.1` (npm, transitive) is listed as malicious by",
    );
    expect(text).toContain("### `flatmap-stream@0.1.1` (npm, transitive, **known malicious**)");
    const row = rowsAfter(section(text, "Findings"), "### `flatmap-stream@0.1.1`")[0]!;
    expect(row.slice(1, 3)).toEqual(["**malicious (critical)**", "**remove it**"]);
  });

  it("counts findings and suppressed findings per severity", () => {
    const rows = rowsAfter(section(md(), "Summary"), "| severity");
    expect(rows).toEqual([
      ["critical", "2", "0"],
      ["high", "0", "0"],
      ["medium", "2", "1"],
      ["low", "1", "0"],
      ["info", "0", "0"],
      ["unknown", "1", "0"],
      ["**total**", "**6**", "**1**"],
    ]);
    expect(section(md(), "Summary")).toContain(
      "14 components checked, 1 not checked (no exact version), 1 known malicious package. " +
        "Advisories: 3144 from `bundled`, updated 2026-04-08.",
    );
  });

  it("groups findings by package, direct packages first", () => {
    const findings = section(md(), "Findings");
    const headings = findings.filter((l) => l.startsWith("### "));
    expect(headings).toEqual([
      "### `@babel/core@7.24.5` (npm, direct)",
      "### `express@4.19.2` (npm, direct)",
      "### `flatmap-stream@0.1.1` (npm, transitive, **known malicious**)",
      "### `debug@4.3.4` (npm, transitive)",
      "### `urllib3@2.2.1` (PyPI, transitive)",
      "### `ms@2.1.2` (npm, transitive)",
    ]);
    expect(findings).toContain("Found in `package-lock.json:20`, `packages/api/package-lock.json:8`.");
    expect(findings).toContain("Found in `poetry.lock`."); // no line known
    // the suppressed finding's package has no other finding: it is not listed here
    expect(findings.join("\n")).not.toContain("requests");
  });

  it("gives each finding its linked id, aliases, severity with CVSS score, fix and summary", () => {
    const findings = section(md(), "Findings");
    expect(rowsAfter(findings, "### `@babel/core@7.24.5`")).toEqual([
      [
        "[GHSA-67hx-6x53-jw92](https://osv.dev/vulnerability/GHSA-67hx-6x53-jw92)<br>CVE-2023-45133",
        "**critical (CVSS 3.1 9.8)**", // at or above the threshold: bold
        "`7.24.6`",
        "Babel vulnerable to arbitrary code execution when compiling specifically crafted malicious code",
      ],
    ]);
    const urllib3 = rowsAfter(findings, "### `urllib3@2.2.1`")[0]!;
    expect(urllib3[0]).toBe(
      "[GHSA-34jh-p97f-mpxf](https://osv.dev/vulnerability/GHSA-34jh-p97f-mpxf)" +
        "<br>PYSEC-2024-60, CVE-2024-37891",
    );
    expect(urllib3[1]).toBe("medium (CVSS 3.1 4.4)"); // below the threshold: plain
    // no reference: the osv.dev page; no severity; no fix
    const debug = rowsAfter(findings, "### `debug@4.3.4`")[0]!;
    expect(debug.slice(0, 3)).toEqual([
      "[GHSA-gxpj-cx7g-858c](https://osv.dev/vulnerability/GHSA-gxpj-cx7g-858c)<br>CVE-2017-16137",
      "**unknown**",
      "no fix available",
    ]);
  });

  it("escapes advisory text: no HTML, no formatting, no broken table, no mention", () => {
    const text = md();
    const row = rowsAfter(section(text, "Findings"), "### `express@4.19.2`");
    expect(row).toHaveLength(1);
    expect(row[0]).toHaveLength(4); // the `|` in the summary did not split the row
    const summary = row[0]![3]!;
    expect(summary).toBe(
      "Open redirect in \\`res.location()\\` \\| \\<script\\>alert(1)\\</script\\> \\*bold\\* \\_em\\_ " +
        "\\[x\\](javascript:alert(1)) # not a heading @&#8203;attacker \\& friends",
    );
    expect(text).not.toMatch(/(?<!\\)<script/);
    expect(text).not.toMatch(/(?<!\\)\]\(javascript:/);
    // the reference that is not an http(s) URL is never a link destination
    expect(text).not.toContain("](javascript:alert(1))<br>");
    expect(row[0]![0]).toMatch(
      /^\[GHSA-rv95-896h-c2vc\]\(https:\/\/osv\.dev\/vulnerability\/GHSA-rv95-896h-c2vc\)/,
    );
  });

  it("lists suppressed findings apart with reason, approver, expiry and entry", () => {
    const lines = section(md(), "Suppressed");
    expect(rowsAfter(lines, "| package")).toEqual([
      [
        "`requests@2.31.0`",
        "[GHSA-9wx4-h78v-vm56](https://osv.dev/vulnerability/GHSA-9wx4-h78v-vm56) " +
          "(ignored as CVE-2024-35195)",
        "medium (CVSS 4.0 5.6)",
        "`2.32.0`",
        "We never pass verify=False; see \\| \\<b\\>ADR-7\\</b\\>",
        "alice@example.com",
        "2099-12-31",
        "`.depwarden.yaml:4`",
      ],
    ]);
    expect(md(reportWith((r) => (r.findings = r.findings.filter((f) => !f.suppressed))))).not.toContain(
      "## Suppressed",
    );
  });

  it("flags expired ignores on the finding and in their own section", () => {
    const text = md();
    const debug = rowsAfter(section(text, "Findings"), "### `debug@4.3.4`")[0]!;
    expect(debug[3]).toBe(
      "Regular expression denial of service<br>⚠️ **Ignore expired on 2024-01-31 " +
        "(`packages/api/.depwarden.yaml:9`): Only used by the dev server**",
    );
    expect(rowsAfter(section(text, "Expired ignores"), "| package")).toEqual([
      [
        "`debug@4.3.4`",
        "[GHSA-gxpj-cx7g-858c](https://osv.dev/vulnerability/GHSA-gxpj-cx7g-858c)",
        "2024-01-31",
        "Only used by the dev server",
        "—",
        "`packages/api/.depwarden.yaml:9`",
      ],
    ]);
  });

  it("lists the scan's warnings", () => {
    const warned = reportWith((r) => {
      r.inventory.warnings = [
        { file: "bundled", message: "advisory data is 9 days old (last updated 2026-03-30)" },
      ];
    });
    expect(section(md(warned), "Warnings")).toContain(
      "- `bundled`: advisory data is 9 days old (last updated 2026-03-30)",
    );
    expect(md()).not.toContain("## Warnings");
  });

  it("is deterministic: the same report in any order gives the same text", () => {
    const shuffled = sampleScanReport();
    shuffled.findings.reverse();
    expect(md(shuffled)).toBe(md());
    expect(md().endsWith("\n")).toBe(true);
    expect(md().endsWith("\n\n")).toBe(false);
  });
});

describe("Markdown escaping", () => {
  it("escapes what could format, and breaks mentions but not e-mail addresses", () => {
    expect(mdText("a*b*_c_ `d` [e](f) <g> h|i ~~j~~ &amp; \\")).toBe(
      "a\\*b\\*\\_c\\_ \\`d\\` \\[e\\](f) \\<g\\> h\\|i \\~\\~j\\~\\~ \\&amp; \\\\",
    );
    expect(mdText("line one\n\n  line two\r\n")).toBe("line one line two");
    expect(mdText("thanks @octocat and @babel/core")).toBe("thanks @&#8203;octocat and @&#8203;babel/core");
    expect(mdText("@lead: mail bob@example.com")).toBe("@&#8203;lead: mail bob@example.com");
    // after an (escaped) backtick too: `\`@admin` is plain text on GitHub, and would notify
    expect(mdText("`@admin")).toBe("\\`@&#8203;admin");
    // GitHub renders $…$ as math
    expect(mdText("costs $x$ or $$y$$")).toBe("costs \\$x\\$ or \\$\\$y\\$\\$");
  });

  it("makes code spans that hold any text", () => {
    expect(mdCode("flask@2.2.2")).toBe("`flask@2.2.2`");
    expect(mdCode("a`b")).toBe("``a`b``");
    expect(mdCode("`x`")).toBe("`` `x` ``");
    expect(mdCode("a|b", true)).toBe("`a\\|b`");
    expect(mdCode("a|b")).toBe("`a|b`");
  });

  it("only accepts http(s) URLs made of URI characters as links", () => {
    expect(safeHttpUrl("https://example.com/a?b=c#d")).toBe("https://example.com/a?b=c#d");
    expect(safeHttpUrl(" http://example.com ")).toBe("http://example.com/");
    expect(safeHttpUrl("javascript:alert(1)")).toBeUndefined();
    expect(safeHttpUrl("ftp://example.com/x")).toBeUndefined();
    expect(safeHttpUrl("not a url")).toBeUndefined();
    expect(safeHttpUrl("https://example.com/a b")).toBe("https://example.com/a%20b"); // encoded by URL
    expect(safeHttpUrl("https://example.com/<x>")).toBe("https://example.com/%3Cx%3E");
  });
});

describe("formatScanMarkdown: supply-chain findings", () => {
  const text = formatScanMarkdown(supplyChainScanReport());

  it("counts every type in the verdict and says which checks ran", () => {
    expect(text.split("\n")[2]).toBe(
      "**❌ Failed:** 6 of 9 findings at or above the threshold (`--fail-on high`).",
    );
    expect(section(text, "Summary")).toContain(
      "Typosquats: 1 finding, names checked against the PyPI top 5000 (bundled) and the npm top 5000 (bundled). " +
        "Installed packages: 212 packages inspected (2904 source files); 1 malicious-code finding, " +
        "1 install-script finding, 1 accepted.",
    );
    expect(md()).not.toMatch(/Typosquats:|Installed packages:/);
  });

  it("keeps advisory findings in Findings and gives typosquats and code findings their own sections", () => {
    const findings = section(text, "Findings").join("\n");
    expect(findings).not.toMatch(/typosquat|evil-logger|font-kit/);
    const headings = text.split("\n").filter((l) => l.startsWith("## "));
    expect(headings).toEqual([
      "## Summary",
      "## Findings",
      "## Typosquats",
      "## Package contents",
      "## Expired ignores",
      "## Suppressed",
      "## Accepted",
    ]);
  });

  it("tells what to do with a typosquat: check you meant it, replace it, or allow it", () => {
    const lines = section(text, "Typosquats");
    expect(lines.join("\n")).toMatch(/Check that each is the package you meant.*`typosquat\.allow`/);
    expect(rowsAfter(lines, "| package")).toEqual([
      [
        "`reqeusts@2.31.0` (PyPI, direct)",
        "[requests](https://pypi.org/project/requests/)",
        "transposition",
        "**high**",
        'reqeusts looks like requests (#6 on PyPI): two adjacent characters swapped ("eu" in place of "ue"); reqeusts is not among the 5,000 most popular',
        "`poetry.lock:40`",
      ],
    ]);
  });

  it("lists code findings per installed package with rule, place, hash, snippet and why", () => {
    const lines = section(text, "Package contents");
    expect(lines.join("\n")).toMatch(/Review each snippet.*accept it/);
    expect(lines).toContain("### `evil-logger@1.0.2` (npm, transitive)");
    expect(lines).toContain("Installed in `node_modules/evil-logger`.");
    const rows = rowsAfter(lines, "### `evil-logger@1.0.2`");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual([
      "**critical**",
      "[exec-obfuscated](https://attack.mitre.org/techniques/T1027/)<br>Executes decoded or obfuscated data",
      `\`lib/index.js:14\`<br>sha256 \`${SHA_EVIL}\``,
      // the snippet in a code span: shown literally, its pipe escaped for the table
      "``eval(atob(`ZXZhbA==`)) /* \\| <b>x</b> *y* */``",
      "eval() runs data decoded by atob() at line 14",
    ]);
    expect(rows[1]![0]).toBe("**high**");
    expect(rows[1]![4]).toContain(
      "⚠️ **Acceptance expired on 2025-06-30, approved by carol@example.com (`.depwarden.yaml:20`): Builds the native addon**",
    );
    // accepted findings are not here
    expect(lines.join("\n")).not.toContain("font-kit");
  });

  it("lists accepted findings apart, with reason, approver and entry", () => {
    expect(rowsAfter(section(text, "Accepted"), "| package")).toEqual([
      [
        "`font-kit@2.0.0`",
        "[high-entropy-literal](https://attack.mitre.org/techniques/T1027/009/)",
        "`node_modules/font-kit/dist/glyphs.js:2`",
        "medium",
        "An embedded font, reviewed",
        "dave@example.com",
        "—",
        "`.depwarden.yaml:16`",
      ],
    ]);
  });

  it("lists a suppressed typosquat with the package it imitates", () => {
    const rows = rowsAfter(section(text, "Suppressed"), "| package");
    expect(rows[0]!.slice(0, 4)).toEqual([
      "`lodahs`",
      "[typosquat](https://www.npmjs.com/package/lodash)",
      "medium",
      "check you meant it, not `lodash`",
    ]);
  });

  it("escapes the why of a finding: analysers quote code", () => {
    const report = supplyChainScanReport();
    report.findings.find((f) => f.id === "exec-obfuscated")!.why =
      "runs `x` | <img src=x onerror=alert(1)> @evil";
    const row = rowsAfter(section(formatScanMarkdown(report), "Package contents"), "### `evil-logger")[0]!;
    expect(row).toHaveLength(5);
    expect(row[4]).toBe("runs \\`x\\` \\| \\<img src=x onerror=alert(1)\\> @&#8203;evil");
  });
});
