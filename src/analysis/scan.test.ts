import { describe, expect, it } from "vitest";
import type { OsvRecord } from "../advisories/osv.js";
import { InputError } from "../errors.js";
import type { Component, Ecosystem, Inventory } from "../inventory/model.js";
import type { IgnoreEntry } from "../policy/config.js";
import { lockedComponent, memorySource } from "../test-helpers/advisories.js";
import type { Finding, ScanReport } from "./finding.js";
import { type PopularList, parsePopularList } from "./popular.js";
import {
  failsGate,
  registryUrl,
  type ScanOptions,
  scanExitCode,
  scanInventory,
  sortFindings,
  summarise,
} from "./scan.js";

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

// ---------------------------------------------------------------------------------------------------------------
// Typosquats and the supply-chain findings in the scan

const POPULAR_NPM = "lodash\nexpress\nreact\nchalk\ndebug\n";
const POPULAR_PYPI = "requests\nnumpy\nurllib3\ncolorama\npython-dateutil\n";

/** Hand-made lists (independent of the bundled ones), recording which ecosystems were loaded. */
function lists(loaded: string[] = []) {
  return (ecosystem: Ecosystem, file?: string): PopularList => {
    loaded.push(`${ecosystem}${file ? `:${file}` : ""}`);
    return parsePopularList(
      ecosystem,
      ecosystem === "npm" ? POPULAR_NPM : POPULAR_PYPI,
      "test",
      file ?? "bundled",
    );
  };
}

function component(
  ecosystem: Ecosystem,
  name: string,
  version: string | null,
  extra: Partial<Component> = {},
) {
  return { ...lockedComponent(ecosystem, name, version), ...extra };
}

const ignore = (id: string, pkg: string, expires = "2099-01-01"): IgnoreEntry => ({
  id,
  package: pkg,
  reason: "reviewed",
  expires,
  approvedBy: "sec",
  file: ".depwarden.yaml",
  line: 3,
});

async function scanWith(components: Component[], options: Partial<ScanOptions> = {}) {
  return scanInventory(
    inventory(components),
    memorySource([], { npm: NOW.toISOString(), PyPI: NOW.toISOString() }),
    {
      failOn: "high",
      ignores: [],
      now: NOW,
      typosquat: { loadList: lists() },
      ...options,
    },
  );
}

describe("typosquat findings", () => {
  it("reports a component whose name imitates a popular one, with what, how, why and where to check", async () => {
    const report = await scanWith([
      component("PyPI", "reqeusts", "2.31.0"),
      component("PyPI", "requests", "2.31.0"),
      component("npm", "left-pad", "1.3.0"),
    ]);
    expect(report.findings).toHaveLength(1);
    const f = report.findings[0]!;
    expect(f).toMatchObject({
      type: "typosquat",
      id: "typosquat",
      aliases: [],
      purl: "pkg:pypi/reqeusts@2.31.0",
      name: "reqeusts",
      version: "2.31.0",
      summary: "reqeusts looks like requests",
      fixedIn: null,
      references: ["https://pypi.org/project/requests/"],
      direct: true,
      scopes: ["prod"],
      sources: [{ file: "poetry.lock", line: 7 }],
      imitates: { name: "requests", technique: "transposition", rank: 1 },
    });
    expect(f.why).toMatch(/requests/);
    expect(["high", "medium"]).toContain(f.severity);
    expect(report.summary).toMatchObject({ typosquats: 1, findings: 1, maliciousCode: 0, installScripts: 0 });
    expect(report.typosquat).toEqual({
      lists: [
        { ecosystem: "PyPI", source: "bundled", entries: 5 },
        { ecosystem: "npm", source: "bundled", entries: 5 },
      ],
    });
  });

  it("links an npm imitation to the npm registry page, scoped names included", () => {
    expect(registryUrl("npm", "@babel/core")).toBe("https://www.npmjs.com/package/@babel/core");
    expect(registryUrl("npm", "lodash")).toBe("https://www.npmjs.com/package/lodash");
    expect(registryUrl("PyPI", "python-dateutil")).toBe("https://pypi.org/project/python-dateutil/");
  });

  it("checks components without an exact version too, and each component of a name once", async () => {
    const report = await scanWith([
      component("npm", "lodahs", null),
      component("npm", "lodahs", "1.0.0", { direct: false }),
      component("npm", "lodahs", "1.0.1", { direct: false }),
    ]);
    expect(report.findings.map((f) => [f.purl, f.version])).toEqual([
      ["pkg:npm/lodahs", ""],
      ["pkg:npm/lodahs@1.0.0", "1.0.0"],
      ["pkg:npm/lodahs@1.0.1", "1.0.1"],
    ]);
    expect(report.findings.every((f) => f.references[0] === "https://www.npmjs.com/package/lodash")).toBe(
      true,
    );
  });

  it("skips git, URL and local-path dependencies: their names are not looked up in the registry", async () => {
    const report = await scanWith([
      component("npm", "lodahs", null, { unpinned: { kind: "path", spec: "./packages/lodahs" } }),
      component("npm", "expresss", null, {
        unpinned: { kind: "vcs", spec: "git+https://example.com/x.git" },
      }),
      component("npm", "lodsah", null, { unpinned: { kind: "range", spec: "^1.0.0" } }),
    ]);
    expect(report.findings.map((f) => f.name)).toEqual(["lodsah"]);
  });

  it("loads only the lists of the ecosystems present, the user's own when configured", async () => {
    const loaded: string[] = [];
    await scanWith([component("npm", "react", "18.0.0")], { typosquat: { loadList: lists(loaded) } });
    expect(loaded).toEqual(["npm"]);
    const none: string[] = [];
    await scanWith([], { typosquat: { loadList: lists(none) } });
    expect(none).toEqual([]);
    const own: string[] = [];
    const report = await scanWith([component("PyPI", "numpi", "1.0")], {
      typosquat: { loadList: lists(own), popular: { PyPI: "/work/lists/pypi.txt" }, cwd: "/work" },
    });
    expect(own).toEqual(["PyPI:/work/lists/pypi.txt"]);
    expect(report.typosquat?.lists).toEqual([{ ecosystem: "PyPI", source: "lists/pypi.txt", entries: 5 }]);
  });

  it("is off with typosquat: false (--no-typosquat): no finding, no list loaded", async () => {
    const report = await scanWith([component("PyPI", "reqeusts", "1.0")], { typosquat: false });
    expect(report.findings).toEqual([]);
    expect(report.typosquat).toBeUndefined();
  });

  it("never flags allowed names: a name (either ecosystem), a purl, or a purl of one version", async () => {
    const allow = (...names: string[]) => names.map((name) => ({ name, source: ".depwarden.yaml" }));
    const comps = [component("PyPI", "reqeusts", "1.0"), component("npm", "lodahs", "1.0.0")];
    const names = (r: ScanReport) => r.findings.map((f) => f.purl);
    expect(
      names(await scanWith(comps, { typosquat: { loadList: lists(), allow: allow("Reqeusts") } })),
    ).toEqual(["pkg:npm/lodahs@1.0.0"]);
    expect(
      names(await scanWith(comps, { typosquat: { loadList: lists(), allow: allow("pkg:npm/lodahs") } })),
    ).toEqual(["pkg:pypi/reqeusts@1.0"]);
    expect(
      names(
        await scanWith(comps, { typosquat: { loadList: lists(), allow: allow("pkg:npm/lodahs@2.0.0") } }),
      ),
    ).toEqual(["pkg:npm/lodahs@1.0.0", "pkg:pypi/reqeusts@1.0"]);
    // a purl of the other ecosystem does not cover a name of this one
    expect(
      names(await scanWith(comps, { typosquat: { loadList: lists(), allow: allow("pkg:pypi/lodahs") } })),
    ).toContain("pkg:npm/lodahs@1.0.0");
  });

  it("honours ignore entries with id: typosquat and the package; an expired one gates again", async () => {
    const comps = [component("PyPI", "reqeusts", "1.0")];
    const ok = await scanWith(comps, { ignores: [ignore("typosquat", "reqeusts")], failOn: "low" });
    expect(ok.findings[0]!.suppressed).toMatchObject({ id: "typosquat", reason: "reviewed" });
    expect(ok.summary).toMatchObject({ typosquats: 0, suppressed: 1, findings: 0 });
    expect(scanExitCode(ok)).toBe(0);
    const old = await scanWith(comps, {
      ignores: [ignore("typosquat", "reqeusts", "2020-01-01")],
      failOn: "low",
    });
    expect(old.findings[0]!.expiredSuppression).toBeDefined();
    expect(scanExitCode(old)).toBe(1);
    // another package's entry does not cover it
    const other = await scanWith(comps, { ignores: [ignore("typosquat", "requests")] });
    expect(other.findings[0]!.suppressed).toBeUndefined();
  });

  it("a bad list of the user's is an input error (exit 2 from the CLI)", async () => {
    await expect(
      scanWith([component("npm", "lodahs", "1.0.0")], {
        typosquat: {
          loadList: () => {
            throw new InputError("popular.tsv", "line 2: expected rank as a whole number");
          },
        },
      }),
    ).rejects.toBeInstanceOf(InputError);
  });
});

describe("accepted findings and the summary", () => {
  const base = { severity: "critical", type: "malicious-code" } as Finding;
  const acceptance = { reason: "reviewed", approvedBy: "sec", source: ".depwarden.yaml", line: 4 };

  it("an accepted finding never gates; an expired acceptance gates again", () => {
    expect(failsGate(base, "high")).toBe(true);
    expect(failsGate({ ...base, accepted: acceptance }, "low")).toBe(false);
    expect(failsGate({ ...base, expiredAcceptance: { ...acceptance, expires: "2020-01-01" } }, "high")).toBe(
      true,
    );
  });

  it("counts each type, and accepted findings apart from the open ones", () => {
    const f = (type: Finding["type"], extra: Partial<Finding> = {}) =>
      ({ type, severity: "high", ...extra }) as Finding;
    const s = summarise(
      [
        f("vulnerability"),
        f("malicious-package", { severity: "critical" }),
        f("typosquat", { severity: "medium" }),
        f("malicious-code"),
        f("malicious-code", { accepted: acceptance }),
        f("install-script", { severity: "low" }),
        f("typosquat", { suppressed: { id: "typosquat", reason: "r", expires: "2099-01-01", file: "c" } }),
      ],
      3,
      1,
    );
    expect(s).toEqual({
      bySeverity: { critical: 1, high: 2, medium: 1, low: 1, info: 0, unknown: 0 },
      findings: 5,
      suppressed: 1,
      accepted: 1,
      malicious: 1,
      typosquats: 1,
      maliciousCode: 1,
      installScripts: 1,
      componentsChecked: 3,
      componentsNotChecked: 1,
    });
  });

  it("sorts code findings of one rule in one package by place", () => {
    const at = (file: string, line: number) =>
      ({
        type: "malicious-code",
        id: "exec-obfuscated",
        severity: "critical",
        direct: false,
        purl: "pkg:npm/x@1.0.0",
        location: { packagePath: "node_modules/x", file, line, snippet: "", sha256: "" },
      }) as Finding;
    const sorted = sortFindings([at("b.js", 1), at("a.js", 9), at("a.js", 2)]);
    expect(sorted.map((f) => `${f.location!.file}:${f.location!.line}`)).toEqual([
      "a.js:2",
      "a.js:9",
      "b.js:1",
    ]);
  });
});
