import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RULE_TABLE_END, RULE_TABLE_START, ruleTableMarkdown, withRuleTable } from "./rule-table.js";
import { RULES } from "./rules.js";

describe("rule table", () => {
  it("has one row per rule, each with a reference link", () => {
    const rows = ruleTableMarkdown().split("\n").slice(2);
    expect(rows).toHaveLength(RULES.length);
    for (const [i, r] of RULES.entries()) {
      expect(rows[i]).toContain(`\`${r.id}\``);
      expect(rows[i]).toMatch(/\]\(https:\/\/(attack|cwe)\.mitre\.org\//);
    }
  });

  it("is current in README.md (run `npm run rules` after changing rules.ts)", () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    expect(readme).toContain(RULE_TABLE_START);
    expect(readme).toContain(RULE_TABLE_END);
    expect(withRuleTable(readme)).toBe(readme);
  });

  it("replaces only the block between the markers", () => {
    const text = `a\n${RULE_TABLE_START}\nSTALE-ROW\n${RULE_TABLE_END}\nb\n`;
    const out = withRuleTable(text);
    expect(out.startsWith(`a\n${RULE_TABLE_START}\n| rule |`)).toBe(true);
    expect(out.endsWith(`\n${RULE_TABLE_END}\nb\n`)).toBe(true);
    expect(out).not.toContain("STALE-ROW");
  });
});
