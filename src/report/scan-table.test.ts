import { describe, expect, it } from "vitest";
import { sampleScanReport } from "./__fixtures__/sample-scan.js";
import { NASTY_SNIPPET, supplyChainScanReport } from "./__fixtures__/sample-supply-chain.js";
import { formatScanTable } from "./scan-table.js";

describe("formatScanTable", () => {
  it("groups by package, direct first, and ends with the summary and the gate", () => {
    const text = formatScanTable(sampleScanReport());
    const headers = text.split("\n").filter((l) => /^\S.* \((npm|PyPI), (direct|transitive)\)/.test(l));
    const firstTransitive = headers.findIndex((h) => h.includes("transitive"));
    expect(firstTransitive).toBeGreaterThan(0);
    expect(headers.slice(firstTransitive).every((h) => h.includes("transitive"))).toBe(true);
    expect(text).toMatch(/Gate: --fail-on high \(\d+ at or above\)\.\n$/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this strips or checks
    expect(text).not.toMatch(/\x1b\[/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this strips or checks
    expect(formatScanTable(sampleScanReport(), { color: true })).toMatch(/\x1b\[1m/);
  });

  it("never passes control characters from advisory or config text to the terminal", () => {
    const report = sampleScanReport();
    const f = report.findings[0]!;
    f.summary = "Evil\x1b[2J\rfake line\nsecond line\x07";
    f.suppressed = { id: f.id, reason: "ok\x1b]0;title\x07", expires: "2099-01-01", file: "c.yaml" };
    const text = formatScanTable(report);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this strips or checks
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(text).toContain("Evil[2Jfake line second line");
  });

  it("an incomplete scan (an input could not be read) never says the gate passed", () => {
    const report = sampleScanReport();
    report.findings = [];
    report.inventory.errors = [{ file: "poetry.lock", line: 3, message: "3:1: invalid TOML" }];
    const text = formatScanTable(report);
    expect(text).not.toMatch(/\(passed\)/);
    expect(text).toMatch(/Gate not passed: 1 input could not be read/);
  });
});

describe("formatScanTable: supply-chain findings", () => {
  const text = formatScanTable(supplyChainScanReport());
  const block = (header: RegExp): string[] => {
    const lines = text.split("\n");
    const start = lines.findIndex((l) => header.test(l));
    expect(start).toBeGreaterThanOrEqual(0);
    const end = lines.indexOf("", start);
    return lines.slice(start, end);
  };

  it("names the imitated package and the technique of a typosquat, why, and what to do", () => {
    expect(block(/^reqeusts 2\.31\.0 \(PyPI, direct\)/)).toEqual([
      "reqeusts 2.31.0 (PyPI, direct)  poetry.lock:40",
      "  HIGH  typosquat: imitates requests (transposition)",
      '      reqeusts looks like requests (#6 on PyPI): two adjacent characters swapped ("eu" in place of "ue"); reqeusts is not among the 5,000 most popular',
      "      check that you meant reqeusts, not requests: if not, replace it with requests; if so, allow it (typosquat.allow)",
    ]);
    // no exact version: the name alone; suppressed as any finding
    expect(block(/^lodahs \(npm, direct\)/)[1]).toBe(
      "  MEDIUM  typosquat: imitates lodash (transposition) [suppressed]",
    );
  });

  it("shows a code finding's rule, file:line:column, snippet and why under its installed package", () => {
    expect(block(/^evil-logger 1\.0\.2/)).toEqual([
      "evil-logger 1.0.2 (npm, transitive)  node_modules/evil-logger",
      "  CRITICAL  exec-obfuscated  lib/index.js:14:3",
      "      Executes decoded or obfuscated data",
      `      > ${NASTY_SNIPPET}`,
      "      eval() runs data decoded by atob() at line 14",
      "  HIGH  install-script  package.json:7 [acceptance expired]",
      "      npm install-time script",
      '      > "postinstall": "node lib/index.js"',
      "      the postinstall script runs lib/index.js, which has a critical exec-obfuscated finding (line 14)",
      "      acceptance expired on 2025-06-30: review it again",
    ]);
    const font = block(/^font-kit 2\.0\.0/);
    expect(font[1]).toBe("  MEDIUM  high-entropy-literal  dist/glyphs.js:2:15 [accepted]");
    expect(font.at(-1)).toBe("      accepted by dave@example.com: An embedded font, reviewed");
  });

  it("counts the new types and says which checks ran; the gate line stays last", () => {
    expect(text).toContain(
      "2 suppressed, 1 accepted, 1 known malicious; of them 1 typosquat, 1 malicious-code, 1 install-script.",
    );
    expect(text).toContain(
      "Typosquats: checked against PyPI top 5000 (bundled), npm top 5000 (bundled). Installed packages: 212 inspected (2904 source files, 30.0 MB).",
    );
    expect(text).toMatch(/Gate: --fail-on high \(6 at or above\)\.\n$/);
    // without the checks (older reports, --no-typosquat): no such line
    expect(formatScanTable(sampleScanReport())).not.toMatch(/Typosquats:|Installed packages:/);
  });

  it("never passes control characters from code or config text to the terminal", () => {
    const report = supplyChainScanReport();
    const f = report.findings.find((x) => x.id === "exec-obfuscated")!;
    f.location!.snippet = "x\x1b[2Jy\rz";
    f.why = "why\x1b]0;t\x07";
    const out = formatScanTable(report);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this checks
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(out).toContain("> x[2Jyz");
  });
});

describe("formatScanTable: what --deep inspected", () => {
  it("gives the source size in MB, or KB below one MB", () => {
    const report = supplyChainScanReport();
    report.deep = { packages: 1, files: 2, sourceFiles: 1, sourceBytes: 1500 };
    expect(formatScanTable(report)).toContain("Installed packages: 1 inspected (1 source file, 2 KB).");
  });
});
