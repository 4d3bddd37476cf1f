import { describe, expect, it } from "vitest";
import { sampleScanReport } from "./__fixtures__/sample-scan.js";
import { SHA_EVIL, SHA_FONT, supplyChainScanReport } from "./__fixtures__/sample-supply-chain.js";
import { findingJson, formatScanJson, scanDocument } from "./scan-json.js";

type Doc = { findings: Record<string, unknown>[] } & Record<string, unknown>;
const doc = (report = supplyChainScanReport()): Doc => JSON.parse(formatScanJson(report)) as Doc;
const byId = (d: Doc, id: string, name?: string) =>
  d.findings.find((f) => f.id === id && (name === undefined || f.name === name))!;

const VULNERABILITY_KEYS = [
  "type",
  "id",
  "aliases",
  "purl",
  "name",
  "version",
  "severity",
  "cvss",
  "summary",
  "fixedIn",
  "references",
  "direct",
  "scopes",
  "sources",
];

describe("formatScanJson", () => {
  it("keeps the vulnerability findings' JSON as it was: no supply-chain keys on them", () => {
    for (const f of doc(sampleScanReport()).findings) {
      const extra = Object.keys(f).filter((k) => !VULNERABILITY_KEYS.includes(k));
      expect(
        extra.every((k) => k === "suppressed" || k === "expiredSuppression"),
        extra.join(),
      ).toBe(true);
      expect(Object.keys(f).slice(0, VULNERABILITY_KEYS.length)).toEqual(VULNERABILITY_KEYS);
    }
    const plain = doc(sampleScanReport());
    expect(plain).not.toHaveProperty("typosquat");
    expect(plain).not.toHaveProperty("deep");
  });

  it("gives a typosquat what it imitates and why; no exact version is null", () => {
    const d = doc();
    expect(byId(d, "typosquat", "reqeusts")).toMatchObject({
      type: "typosquat",
      version: "2.31.0",
      severity: "high",
      summary: "reqeusts looks like requests",
      fixedIn: null,
      references: ["https://pypi.org/project/requests/"],
      imitates: { name: "requests", technique: "transposition", rank: 6 },
      why: expect.stringMatching(/^reqeusts looks like requests \(#6 on PyPI\)/),
    });
    const lodahs = byId(d, "typosquat", "lodahs");
    expect(lodahs.version).toBeNull();
    expect(lodahs.imitates).toEqual({
      name: "lodash",
      technique: "transposition",
      rank: 145,
      downloads: 452434618,
    });
    expect(lodahs).not.toHaveProperty("rule");
    expect(lodahs).not.toHaveProperty("location");
  });

  it("gives a code finding its rule, location (with the file's sha256), why, and acceptance", () => {
    const d = doc();
    expect(byId(d, "exec-obfuscated")).toMatchObject({
      type: "malicious-code",
      rule: "exec-obfuscated",
      location: {
        packagePath: "node_modules/evil-logger",
        file: "lib/index.js",
        line: 14,
        column: 3,
        sha256: SHA_EVIL,
      },
      why: "eval() runs data decoded by atob() at line 14",
      sources: [{ file: "node_modules/evil-logger" }],
    });
    expect(byId(d, "exec-obfuscated")).not.toHaveProperty("accepted");
    expect(byId(d, "high-entropy-literal")).toMatchObject({
      location: { sha256: SHA_FONT },
      accepted: {
        reason: "An embedded font, reviewed",
        approvedBy: "dave@example.com",
        source: ".depwarden.yaml",
        line: 16,
      },
    });
    expect(byId(d, "install-script").expiredAcceptance).toMatchObject({ expires: "2025-06-30" });
  });

  it("says which checks ran, and counts the new types in the summary", () => {
    const d = scanDocument(supplyChainScanReport());
    expect(d.typosquat).toEqual({
      lists: [
        { ecosystem: "PyPI", source: "bundled", entries: 5000 },
        { ecosystem: "npm", source: "bundled", entries: 5000 },
      ],
    });
    expect(d.deep).toEqual({ packages: 212, files: 4310, sourceFiles: 2904, sourceBytes: 31457280 });
    expect(d.summary).toMatchObject({
      typosquats: 1,
      maliciousCode: 1,
      installScripts: 1,
      accepted: 1,
      suppressed: 2,
    });
    const keys = Object.keys(d);
    expect(keys.slice(keys.indexOf("database"))).toEqual([
      "database",
      "failOn",
      "config",
      "typosquat",
      "deep",
      "findings",
      "summary",
    ]);
  });

  it("writes a finding's JSON without any undefined field", () => {
    for (const f of supplyChainScanReport().findings) {
      expect(Object.values(findingJson(f)).includes(undefined)).toBe(false);
    }
  });
});
