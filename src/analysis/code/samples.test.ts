/**
 * End to end: the package-contents rules against hand-made samples of real attacks and of benign code that looks
 * like them (__fixtures__/samples, see its README.md). Each sample is a package directory inspected by the engine
 * as `depwarden inspect DIR` would; the samples are data, read and parsed, never imported or run.
 *
 * malicious/<case>/expected.json names the findings that must be reported (rule, file, at least a severity);
 * benign/<case>/expected.json the highest severity any finding may have.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { SEVERITY_ORDER, type Severity } from "../severity.js";
import { type InspectedPackage, inspectPackage } from "./inspect.js";
import { RULES } from "./rules.js";

const SAMPLES = fileURLToPath(new URL("./__fixtures__/samples/", import.meta.url));

const severitySchema = z.enum(["critical", "high", "medium", "low", "info"]);
const ruleSchema = z.enum(RULES.map((r) => r.id) as [string, ...string[]]);

const maliciousSchema = z
  .object({
    description: z.string().min(40),
    incident: z.string().regex(/https:\/\/\S+/, "must link to a write-up of the real case"),
    findings: z
      .array(z.object({ rule: ruleSchema, file: z.string().min(1), minSeverity: severitySchema }).strict())
      .min(1),
  })
  .strict();

const benignSchema = z.object({ description: z.string().min(40), maxSeverity: severitySchema }).strict();

type Malicious = z.infer<typeof maliciousSchema>;
type Benign = z.infer<typeof benignSchema>;

function caseNames(kind: "malicious" | "benign"): string[] {
  const dir = join(SAMPLES, kind);
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort();
}

function readExpected<T>(kind: "malicious" | "benign", name: string, schema: z.ZodType<T>): T {
  const file = join(SAMPLES, kind, name, "expected.json");
  const parsed = schema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw new Error(`${kind}/${name}/expected.json: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

const MALICIOUS = caseNames("malicious").map((name) => ({
  name,
  expected: readExpected<Malicious>("malicious", name, maliciousSchema),
}));
const BENIGN = caseNames("benign").map((name) => ({
  name,
  expected: readExpected<Benign>("benign", name, benignSchema),
}));

const rank = (s: Severity) => SEVERITY_ORDER.indexOf(s);

/** One inspection per sample, shared by the tests that look at it. */
const inspections = new Map<string, Promise<InspectedPackage>>();
function inspect(kind: "malicious" | "benign", name: string): Promise<InspectedPackage> {
  const key = `${kind}/${name}`;
  let p = inspections.get(key);
  if (!p) {
    p = inspectPackage(join(SAMPLES, kind, name), { workers: 0 });
    inspections.set(key, p);
  }
  return p;
}

function describeFindings(pkg: InspectedPackage, file?: string): string {
  const shown = pkg.findings.filter((f) => file === undefined || f.file === file);
  if (!shown.length) return file ? `no findings in ${file}` : "no findings";
  return shown.map((f) => `  ${f.severity} ${f.rule} ${f.file}:${f.line}: ${f.why}`).join("\n");
}

const PY_OR_JS = /\.(?:py|js|cjs|mjs)$/;
const MANIFESTS = ["package.json", "setup.py", "pyproject.toml", "PKG-INFO"];

describe("the samples themselves", () => {
  it("exist in both kinds", () => {
    expect(MALICIOUS.length).toBeGreaterThanOrEqual(20);
    expect(BENIGN.length).toBeGreaterThanOrEqual(10);
  });

  it.each([
    ...MALICIOUS.map((c) => ["malicious", c.name] as const),
    ...BENIGN.map((c) => ["benign", c.name] as const),
  ])("%s/%s is a package directory (has a manifest)", (kind, name) => {
    const present = MANIFESTS.filter((m) => existsSync(join(SAMPLES, kind, name, m)));
    expect(present, `${kind}/${name} has none of ${MANIFESTS.join(", ")}`).not.toEqual([]);
  });

  it.each(MALICIOUS)("malicious/$name: every expected file exists", ({ name, expected }) => {
    const missing = expected.findings
      .map((f) => f.file)
      .filter((f) => !existsSync(join(SAMPLES, "malicious", name, f)));
    expect(missing).toEqual([]);
  });

  it("cover every rule of the catalogue in at least one malicious sample", () => {
    const covered = new Set(MALICIOUS.flatMap((c) => c.expected.findings.map((f) => f.rule)));
    expect(RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it("cover every rule that applies to both languages in a Python and in a JavaScript file", () => {
    const seen = new Map<string, Set<string>>();
    for (const c of MALICIOUS) {
      for (const f of c.expected.findings) {
        const lang = f.file.endsWith(".py") ? "python" : PY_OR_JS.test(f.file) ? "javascript" : undefined;
        if (!lang) continue;
        let langs = seen.get(f.rule);
        if (!langs) {
          langs = new Set();
          seen.set(f.rule, langs);
        }
        langs.add(lang);
      }
    }
    const both = RULES.filter((r) => (r.appliesTo as readonly string[]).includes("python"))
      .filter((r) => (r.appliesTo as readonly string[]).includes("javascript"))
      .map((r) => r.id);
    const missing = both.flatMap((id) =>
      ["python", "javascript"].filter((l) => !seen.get(id)?.has(l)).map((l) => `${id} (${l})`),
    );
    expect(missing).toEqual([]);
  });

  it("include the two incidents the issue names", () => {
    const incidents = MALICIOUS.map((c) => `${c.name} ${c.expected.incident}`).join("\n");
    expect(incidents).toMatch(/w4sp/i);
    expect(incidents).toMatch(/fastapi-toolkit/);
  });

  it("keep the benign look-alikes out of high and critical", () => {
    for (const c of BENIGN) expect(rank(c.expected.maxSeverity), c.name).toBeGreaterThan(rank("high"));
  });
});

describe("malicious samples are caught", () => {
  const expectations = MALICIOUS.flatMap(({ name, expected }) =>
    expected.findings.map((f) => ({ name, ...f })),
  );

  it.each(expectations)(
    "$name: $rule in $file (at least $minSeverity)",
    async ({ name, rule, file, minSeverity }) => {
      const pkg = await inspect("malicious", name);
      const hit = pkg.findings.find(
        (f) => f.rule === rule && f.file === file && rank(f.severity) <= rank(minSeverity),
      );
      expect(
        hit,
        `expected ${rule} (>= ${minSeverity}) in ${file}; found:\n${describeFindings(pkg, file)}`,
      ).toBeDefined();
    },
  );

  it.each(MALICIOUS)("$name: every file was analysed", async ({ name }) => {
    const pkg = await inspect("malicious", name);
    expect({ errors: pkg.errors, skipped: pkg.skipped }).toEqual({ errors: [], skipped: [] });
  });
});

describe("benign look-alikes are not flagged", () => {
  it.each(BENIGN)("$name: nothing above $expected.maxSeverity", async ({ name, expected }) => {
    const pkg = await inspect("benign", name);
    const tooHigh = pkg.findings.filter((f) => rank(f.severity) < rank(expected.maxSeverity));
    expect(tooHigh, `findings above ${expected.maxSeverity}:\n${describeFindings(pkg)}`).toEqual([]);
    expect({ errors: pkg.errors, skipped: pkg.skipped }).toEqual({ errors: [], skipped: [] });
  });
});
