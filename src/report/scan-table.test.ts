import { describe, expect, it } from "vitest";
import { sampleScanReport } from "./__fixtures__/sample-scan.js";
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
