import { describe, expect, it } from "vitest";
import type { OsvRecord } from "../advisories/osv.js";
import type { Component, Inventory } from "../inventory/model.js";
import { lockedComponent, memorySource } from "../test-helpers/advisories.js";
import type { Finding } from "./finding.js";
import { failsGate, scanExitCode, scanInventory } from "./scan.js";

function inventory(components: Component[]): Inventory {
  return { target: ["."], components, files: [], errors: [], warnings: [] };
}

const rec = (id: string, name: string, extra: Partial<OsvRecord> = {}): OsvRecord => ({
  id,
  modified: "2024-01-01T00:00:00Z",
  affected: [
    { package: { ecosystem: "npm", name }, ranges: [{ type: "SEMVER", events: [{ introduced: "0" }] }] },
  ],
  ...extra,
});

const NOW = new Date("2026-11-23T00:00:00Z");

describe("scanInventory", () => {
  it("warns per scanned ecosystem whose data is older than the limit, and reports the oldest", async () => {
    const report = await scanInventory(
      inventory([lockedComponent("npm", "a", "1.0.0"), lockedComponent("PyPI", "b", "1.0")]),
      memorySource([], { npm: "2026-11-22T00:00:00Z", PyPI: "2024-10-10T17:22:00Z" }),
      { failOn: "high", ignores: [], now: NOW, maxAdvisoryAgeMs: 7 * 86_400_000, databaseLabel: "store.db" },
    );
    expect(report.inventory.warnings.map((w) => w.message)).toEqual([
      "PyPI advisory data is 773 days old (last updated 2024-10-10): vulnerabilities published since are not known; run `depwarden db update` or import a newer snapshot",
    ]);
    expect(report.database.updatedAt).toBe("2024-10-10T17:22:00Z");
  });

  it("says so when the store has no data at all for a scanned ecosystem", async () => {
    const report = await scanInventory(
      inventory([lockedComponent("PyPI", "b", "1.0")]),
      memorySource([], { npm: "2026-11-22T00:00:00Z" }),
      {
        failOn: "high",
        ignores: [],
        now: NOW,
        maxAdvisoryAgeMs: 7 * 86_400_000,
      },
    );
    expect(report.inventory.warnings[0]?.message).toMatch(/holds no PyPI advisories/);
  });

  it("gates: unknown as high, suppressed never, none never; input errors make it 2", async () => {
    const report = await scanInventory(
      inventory([lockedComponent("npm", "a", "1.0.0")]),
      memorySource([rec("GHSA-1", "a")], { npm: NOW.toISOString() }),
      { failOn: "high", ignores: [], now: NOW },
    );
    const f = report.findings[0]!;
    expect(f.severity).toBe("unknown");
    expect(failsGate(f, "high")).toBe(true);
    expect(failsGate(f, "critical")).toBe(false);
    expect(failsGate(f, "none")).toBe(false);
    expect(
      failsGate(
        { ...f, suppressed: { id: "x", reason: "r", expires: "2099-01-01", file: "c" } } as Finding,
        "low",
      ),
    ).toBe(false);
    expect(scanExitCode(report)).toBe(1);
    expect(scanExitCode({ ...report, failOn: "critical" })).toBe(0);
    expect(
      scanExitCode({
        ...report,
        inventory: { ...report.inventory, errors: [{ file: "x", message: "bad" }] },
      }),
    ).toBe(2);
  });

  it.each([
    ["critical", ["critical"]],
    ["high", ["critical", "high", "unknown"]],
    ["medium", ["critical", "high", "unknown", "medium"]],
    ["low", ["critical", "high", "unknown", "medium", "low"]],
  ] as const)("--fail-on %s fails on %j", (failOn, failing) => {
    const all = ["critical", "high", "unknown", "medium", "low", "info"] as const;
    const f = (severity: (typeof all)[number]) => ({ severity }) as Finding;
    expect(all.filter((s) => failsGate(f(s), failOn))).toEqual(failing);
  });
});
