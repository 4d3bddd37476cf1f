import { describe, expect, it } from "vitest";
import type { Finding } from "../analysis/finding.js";
import { type IgnoreEntry, staticIgnores } from "./config.js";
import { applyIgnores } from "./ignores.js";

function finding(over: Partial<Finding> = {}): Finding {
  return {
    type: "vulnerability",
    id: "GHSA-m2qf-hxjv-5gpq",
    aliases: ["CVE-2023-30861", "PYSEC-2023-62"],
    purl: "pkg:pypi/flask@2.2.2",
    ecosystem: "PyPI",
    name: "flask",
    version: "2.2.2",
    severity: "high",
    summary: "Flask vulnerable to possible disclosure of permanent session cookie",
    fixedIn: "2.2.5",
    references: [],
    direct: true,
    scopes: ["prod"],
    sources: [{ file: "examples/python-service/poetry.lock", line: 12 }],
    ...over,
  };
}

const entry = (over: Partial<IgnoreEntry> = {}): IgnoreEntry => ({
  id: "CVE-2023-30861",
  reason: "not reachable",
  expires: "2026-12-31",
  approvedBy: "alice",
  file: ".depwarden.yaml",
  line: 3,
  ...over,
});

const NOW = new Date("2026-11-23T12:00:00Z");

describe("applyIgnores", () => {
  it("an ignore of an alias suppresses the finding and keeps the reason", () => {
    const f = finding();
    expect(applyIgnores([f], staticIgnores([entry()]), NOW)).toEqual([]);
    expect(f.suppressed).toEqual({
      id: "CVE-2023-30861",
      reason: "not reachable",
      expires: "2026-12-31",
      approvedBy: "alice",
      file: ".depwarden.yaml",
      line: 3,
    });
  });

  it("matches ids case-insensitively and by the primary id", () => {
    const f = finding();
    applyIgnores([f], staticIgnores([entry({ id: "ghsa-m2qf-hxjv-5gpq" })]), NOW);
    expect(f.suppressed).toBeDefined();
  });

  it("an entry is valid through the whole of its expiry day (UTC)", () => {
    const f = finding();
    applyIgnores([f], staticIgnores([entry({ expires: "2026-11-23" })]), new Date("2026-11-23T23:59:59Z"));
    expect(f.suppressed).toBeDefined();
    const g = finding();
    const warnings = applyIgnores(
      [g],
      staticIgnores([entry({ expires: "2026-11-23" })]),
      new Date("2026-11-24T00:00:00Z"),
    );
    expect(g.suppressed).toBeUndefined();
    expect(g.expiredSuppression?.expires).toBe("2026-11-23");
    expect(warnings).toEqual([
      {
        file: ".depwarden.yaml",
        line: 3,
        message:
          "3: ignore of CVE-2023-30861 expired on 2026-11-23: it no longer suppresses (its finding counts again)",
      },
    ]);
  });

  it("an unexpired entry wins over an expired one for the same finding", () => {
    const f = finding();
    applyIgnores(
      [f],
      staticIgnores([entry({ expires: "2020-01-01" }), entry({ id: "PYSEC-2023-62", line: 9 })]),
      NOW,
    );
    expect(f.suppressed?.id).toBe("PYSEC-2023-62");
    expect(f.expiredSuppression).toBeUndefined();
  });

  it.each([
    ["flask", true],
    ["Flask", true],
    ["flask@2.2.2", true],
    ["flask@2.2.3", false],
    ["pkg:pypi/flask", true],
    ["pkg:pypi/flask@2.2.2", true],
    ["pkg:pypi/flask@2.2.3", false],
    ["werkzeug", false],
    ["flask@2.2.02", true], // PEP 440-equal
    ["pkg:pypi/Flask", true],
    ["pkg:npm/flask", false],
  ])("package %s limits the entry (matches: %s)", (pkg, matches) => {
    const f = finding();
    applyIgnores([f], staticIgnores([entry({ package: pkg })]), NOW);
    expect(Boolean(f.suppressed)).toBe(matches);
  });

  it("a scoped npm name with a version", () => {
    const f = finding({
      ecosystem: "npm",
      name: "@babel/traverse",
      version: "7.22.0",
      purl: "pkg:npm/%40babel/traverse@7.22.0",
    });
    applyIgnores(
      [f],
      staticIgnores([entry({ id: "GHSA-m2qf-hxjv-5gpq", package: "@babel/traverse@7.22.0" })]),
      NOW,
    );
    expect(f.suppressed).toBeDefined();
    for (const spec of ["pkg:npm/@babel/traverse", "pkg:npm/%40babel/traverse@7.22.0"]) {
      const g = finding({
        ecosystem: "npm",
        name: "@babel/traverse",
        version: "7.22.0",
        purl: "pkg:npm/%40babel/traverse@7.22.0",
      });
      applyIgnores([g], staticIgnores([entry({ id: "GHSA-m2qf-hxjv-5gpq", package: spec })]), NOW);
      expect(g.suppressed, spec).toBeDefined();
    }
  });

  it("reports entries that match nothing", () => {
    expect(applyIgnores([finding()], staticIgnores([entry({ id: "CVE-1999-0001" })]), NOW)[0]?.message).toBe(
      "3: ignore of CVE-1999-0001 matches no finding of this scan",
    );
  });
});
