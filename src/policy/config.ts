/**
 * The project file `.depwarden.yaml`: scan settings and ignored vulnerabilities with an owner, a reason and an
 * expiry. Found by walking up from each scanned path to the repository root, or given with `--config`.
 * Unknown keys and invalid values are errors naming the file, the line and the key.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { isMap, isNode, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { RULES, ruleById } from "../analysis/code/rules.js";
import type { FailOn } from "../analysis/scan.js";
import { InputError } from "../errors.js";
import type { InventoryError } from "../inventory/model.js";
import { formatPath } from "../inventory/text.js";
import { DEFAULT_REVIEW_POLICY, type DenyEntry, type ReviewPolicy } from "../review/model.js";
import { packagePatternProblem } from "./package-spec.js";

export const CONFIG_FILE_NAMES = [".depwarden.yaml", ".depwarden.yml"];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day written YYYY-MM-DD (`2026-02-30` is not). */
export function isCalendarDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** An expiry date: YYYY-MM-DD, also when a YAML 1.1 reader or writer made it a date. */
export const dateString = z.union([z.string(), z.date(), z.number()]).transform((v, ctx) => {
  const text = v instanceof Date ? v.toISOString().slice(0, 10) : String(v).trim();
  if (!isCalendarDate(text)) {
    ctx.addIssue({ code: "custom", message: `expected a date as YYYY-MM-DD, got ${JSON.stringify(text)}` });
    return z.NEVER;
  }
  return text;
});

/** `7d`, `12h`, `2w` or a number of days, in milliseconds; undefined when it is none of those. */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === "number") return text >= 0 ? text * 86_400_000 : undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(h|d|w)?$/.exec(text.trim());
  if (!m) return undefined;
  const unit = m[2] === "h" ? 3_600_000 : m[2] === "w" ? 7 * 86_400_000 : 86_400_000;
  return Number(m[1]) * unit;
}

const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `expected a duration such as 7d, 12h or 2w, got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  return ms;
});

const nonEmpty = (what: string) => z.string().trim().min(1, `${what} must not be empty`);

const ignoreSchema = z.strictObject({
  id: nonEmpty("id"),
  package: nonEmpty("package").optional(),
  reason: nonEmpty("reason"),
  expires: dateString,
  // Who accepted the risk: the audit trail ISO 27001 asks for (A.12.6.1, A.14.2.4).
  approvedBy: nonEmpty("approvedBy"),
});

const SHA256 = /^[0-9a-f]{64}$/;

// A reviewed false positive of the package-contents rules, tied to the file's content: a changed file is flagged
// again (issue 4, triage).
const acceptSchema = z.strictObject({
  package: nonEmpty("package"),
  rule: nonEmpty("rule").refine((v) => ruleById(v) !== undefined, {
    message: `unknown rule (expected one of: ${RULES.map((r) => r.id).join(", ")})`,
  }),
  sha256: z
    .string()
    .trim()
    .transform((v) => v.toLowerCase())
    .refine(
      (v) => SHA256.test(v),
      "expected the file's sha256 as 64 hex digits (shown by `depwarden inspect`)",
    ),
  file: nonEmpty("file").optional(),
  reason: nonEmpty("reason"),
  approvedBy: nonEmpty("approvedBy"),
  expires: dateString.optional(),
});

const policyAction = z.enum(["fail", "warn", "off"]);
const failOnSchema = z.enum(["critical", "high", "medium", "low", "none"] satisfies FailOn[]);

// A pattern that can never match (a malformed purl) would silently deny or allow nothing.
const packagePattern = (what: string) =>
  nonEmpty(what).superRefine((v, ctx) => {
    const problem = packagePatternProblem(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const reviewSchema = z.strictObject({
  failOn: failOnSchema.optional(),
  typosquats: policyAction.optional(),
  maliciousCode: policyAction.optional(),
  installScripts: policyAction.optional(),
  allowInstallScripts: z.array(packagePattern("allowInstallScripts entry")).optional(),
  nonRegistrySources: policyAction.optional(),
  unpinned: policyAction.optional(),
  integrity: policyAction.optional(),
  downgrades: policyAction.optional(),
  deny: z
    .array(
      z.union(
        [
          packagePattern("deny entry"),
          z.strictObject({ package: packagePattern("package"), reason: nonEmpty("reason").optional() }),
        ],
        { error: "expected a package pattern or {package, reason}" },
      ),
    )
    .optional(),
  // `true`, or an object: the rule is on unless the object says `enabled: false`.
  dependencyOnly: z
    .union(
      [
        z.boolean(),
        z.strictObject({
          enabled: z.boolean().optional(),
          allow: z.array(nonEmpty("allow entry")).optional(),
        }),
      ],
      { error: "expected true, false or {allow: [globs]}" },
    )
    .optional(),
  requireApproval: z.enum(["none", "direct", "all"]).optional(),
});

const configSchema = z.strictObject({
  version: z.literal(1).optional(),
  typosquat: z
    .strictObject({
      allow: z.array(nonEmpty("allow entry")).optional(),
      popular: z
        .strictObject({ npm: nonEmpty("popular.npm").optional(), PyPI: nonEmpty("popular.PyPI").optional() })
        .optional(),
    })
    .optional(),
  accept: z.array(acceptSchema).optional(),
  scan: z
    .strictObject({
      failOn: failOnSchema.optional(),
      maxAdvisoryAge: duration.optional(),
    })
    .optional(),
  ignore: z.array(ignoreSchema).optional(),
  review: reviewSchema.optional(),
});

/** The `review:` keys a config file sets (deny entries with where they are); resolveReviewPolicy fills the rest. */
export type ReviewPolicyOverrides = Partial<ReviewPolicy>;

export interface IgnoreEntry {
  id: string;
  /** A package name (compared as its ecosystem compares names), `name@version`, or a purl. */
  package?: string;
  reason: string;
  expires: string;
  approvedBy: string;
  /** Display path of the config file and the entry's line. */
  file: string;
  line?: number;
  /** The config file (absolute path) the entry is from; undefined for `--config`, which applies to everything. */
  configPath?: string;
}

/** An `accept` entry: a reviewed package-contents finding, valid while the file's content is unchanged. */
export interface AcceptEntry {
  /** A package name, `name@version` or a purl. */
  package: string;
  rule: string;
  sha256: string;
  /** Relative path of the file in the package (optional: the hash already identifies the content). */
  file?: string;
  reason: string;
  approvedBy: string;
  expires?: string;
  /** Display path of the config file and the entry's line. */
  source: string;
  line?: number;
}

/** Where a typosquat allow-list entry came from. */
export interface AllowEntry {
  /** A package name (compared as its ecosystem compares names) or a purl. */
  name: string;
  source: string;
  line?: number;
}

export interface ProjectConfig {
  /** Config files read (display paths). */
  files: string[];
  /** Remarks about the configuration (conflicting settings). */
  warnings: InventoryError[];
  failOn?: FailOn;
  maxAdvisoryAgeMs?: number;
  ignores: IgnoreEntry[];
  /** `typosquat.allow`: names never reported as typosquats. */
  typosquatAllow: AllowEntry[];
  /** `typosquat.popular`: the user's own popularity lists (absolute paths), per ecosystem. */
  popularLists: { npm?: string; PyPI?: string };
  accepts: AcceptEntry[];
  /** `review:` as the file sets it (see resolveReviewPolicy). */
  review?: ReviewPolicyOverrides;
}

/** The review policy: the config's `review:` keys over DEFAULT_REVIEW_POLICY; failOn falls back to `scan.failOn`. */
export function resolveReviewPolicy(config: ProjectConfig): ReviewPolicy {
  const review = config.review ?? {};
  return {
    ...DEFAULT_REVIEW_POLICY,
    ...review,
    failOn: review.failOn ?? config.failOn ?? DEFAULT_REVIEW_POLICY.failOn,
    deny: [...(review.deny ?? DEFAULT_REVIEW_POLICY.deny)],
    allowInstallScripts: [...(review.allowInstallScripts ?? DEFAULT_REVIEW_POLICY.allowInstallScripts)],
    dependencyOnly: {
      enabled: review.dependencyOnly?.enabled ?? DEFAULT_REVIEW_POLICY.dependencyOnly.enabled,
      allow: [...(review.dependencyOnly?.allow ?? DEFAULT_REVIEW_POLICY.dependencyOnly.allow)],
    },
  };
}

function positionOf(
  doc: ReturnType<typeof parseDocument>,
  lc: LineCounter,
  path: (string | number)[],
  atKey = false,
) {
  if (atKey && path.length) {
    // An unknown key: point at the key itself, not at its value.
    const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find(
        (p) => isNode(p.key) && (p.key as { value?: unknown }).value === path.at(-1),
      );
      if (pair && isNode(pair.key) && pair.key.range) return lc.linePos(pair.key.range[0]);
    }
  }
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]);
  }
  return undefined;
}

/**
 * A YAML document of depwarden's own files (the config, the approvals), keys unique, with line positions; a
 * syntax error is an InputError naming the line and column.
 */
export function parseYamlDocument(
  text: string,
  display: string,
): { doc: ReturnType<typeof parseDocument>; lc: LineCounter } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  if (doc.errors.length) {
    const err = doc.errors[0]!;
    const pos = err.linePos?.[0];
    throw new InputError(
      display,
      `invalid YAML: ${err.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "")}`,
      pos ? { line: pos.line, column: pos.col } : undefined,
    );
  }
  return { doc, lc };
}

/** Reads and validates one config file. `display` is how the file is named in messages. */
export function loadConfigFile(path: string, display = path, configPath?: string): ProjectConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(display, `cannot read config file (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  const { doc, lc } = parseYamlDocument(text, display);
  const data = doc.toJS() ?? {};
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    const issue = closestIssue(parsed.error.issues[0]!);
    let path = issue.path as (string | number)[];
    let message = issue.message;
    if (issue.code === "unrecognized_keys") {
      path = [...path, issue.keys[0]!];
      message = `unknown key (expected one of: ${knownKeys(issue.path as (string | number)[]).join(", ")})`;
    }
    const pos = positionOf(doc, lc, path, issue.code === "unrecognized_keys");
    throw new InputError(
      display,
      `${formatPath(path) || "config"}: ${message}`,
      pos ? { line: pos.line, column: pos.col } : undefined,
    );
  }
  const cfg = parsed.data;
  const ignores: IgnoreEntry[] = (cfg.ignore ?? []).map((e, i) => {
    const node = doc.getIn(["ignore", i], true);
    const line = isNode(node) && node.range ? lc.linePos(node.range[0]).line : undefined;
    return {
      id: e.id,
      ...(e.package ? { package: e.package } : {}),
      reason: e.reason,
      expires: e.expires,
      approvedBy: e.approvedBy,
      file: display,
      ...(line ? { line } : {}),
      ...(configPath ? { configPath } : {}),
    };
  });
  const lineOf = (path: (string | number)[]) => {
    const node = doc.getIn(path, true);
    return isNode(node) && node.range ? lc.linePos(node.range[0]).line : undefined;
  };
  const typosquatAllow: AllowEntry[] = (cfg.typosquat?.allow ?? []).map((name, i) => {
    const line = lineOf(["typosquat", "allow", i]);
    return { name, source: display, ...(line ? { line } : {}) };
  });
  const base = dirname(resolve(path));
  const popularLists: ProjectConfig["popularLists"] = {};
  for (const eco of ["npm", "PyPI"] as const) {
    const file = cfg.typosquat?.popular?.[eco];
    if (file) popularLists[eco] = resolve(base, file);
  }
  const accepts: AcceptEntry[] = (cfg.accept ?? []).map((e, i) => {
    const line = lineOf(["accept", i]);
    return {
      package: e.package,
      rule: e.rule,
      sha256: e.sha256,
      ...(e.file ? { file: e.file } : {}),
      reason: e.reason,
      approvedBy: e.approvedBy,
      ...(e.expires ? { expires: e.expires } : {}),
      source: display,
      ...(line ? { line } : {}),
    };
  });
  return {
    files: [display],
    warnings: [],
    typosquatAllow,
    popularLists,
    accepts,
    ...(cfg.scan?.failOn ? { failOn: cfg.scan.failOn } : {}),
    ...(cfg.scan?.maxAdvisoryAge !== undefined ? { maxAdvisoryAgeMs: cfg.scan.maxAdvisoryAge } : {}),
    ignores,
    ...(cfg.review ? { review: reviewOverrides(cfg.review, display, lineOf) } : {}),
  };
}

function reviewOverrides(
  review: z.infer<typeof reviewSchema>,
  display: string,
  lineOf: (path: (string | number)[]) => number | undefined,
): ReviewPolicyOverrides {
  const { deny, dependencyOnly, ...rest } = review;
  const out: ReviewPolicyOverrides = { ...rest };
  if (deny) {
    out.deny = deny.map((e, i): DenyEntry => {
      const line = lineOf(["review", "deny", i]);
      const entry = typeof e === "string" ? { package: e } : e;
      return { ...entry, source: display, ...(line ? { line } : {}) };
    });
  }
  if (dependencyOnly !== undefined) {
    out.dependencyOnly =
      typeof dependencyOnly === "boolean"
        ? { enabled: dependencyOnly, allow: [] }
        : { enabled: dependencyOnly.enabled ?? true, allow: dependencyOnly.allow ?? [] };
  }
  return out;
}

type Issue = z.core.$ZodIssue;

/**
 * The issue to report for a value that matched no branch of a union: when exactly one branch got past the value's
 * type (`{package: 3}` is an object, so the object branch), that branch's own first issue, with its full path;
 * otherwise the union's message.
 */
function closestIssue(issue: Issue): Issue {
  if (issue.code !== "invalid_union") return issue;
  const typeMismatch = (branch: Issue[]) =>
    branch.length > 0 && branch.every((i) => i.code === "invalid_type" && i.path.length === 0);
  const near = issue.errors.filter((branch) => branch.length > 0 && !typeMismatch(branch));
  if (near.length !== 1) return issue;
  const inner = near[0]![0]!;
  return closestIssue({ ...inner, path: [...issue.path, ...inner.path] } as Issue);
}

function knownKeys(path: (string | number)[]): string[] {
  if (path.length === 0) return ["version", "scan", "ignore", "typosquat", "accept", "review"];
  if (path[0] === "typosquat") return path[1] === "popular" ? ["npm", "PyPI"] : ["allow", "popular"];
  if (path[0] === "accept") return ["package", "rule", "sha256", "file", "reason", "approvedBy", "expires"];
  if (path[0] === "scan") return ["failOn", "maxAdvisoryAge"];
  if (path[0] === "ignore") return ["id", "package", "reason", "expires", "approvedBy"];
  if (path[0] === "review") {
    if (path[1] === "deny") return ["package", "reason"];
    if (path[1] === "dependencyOnly") return ["enabled", "allow"];
    return Object.keys(reviewSchema.shape);
  }
  return [];
}

/**
 * The nearest config file at or above `start`, up to the repository root (the nearest directory with `.git`).
 * Outside any repository only `start`'s own directory counts: a `.depwarden.yaml` planted in a parent
 * directory (`/tmp`) must not switch a scan's gate off.
 */
export function findConfigFile(start: string): string | undefined {
  let dir = resolve(start);
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
  } catch {
    dir = dirname(dir);
  }
  let nearest: string | undefined;
  let first = true;
  for (;;) {
    if (!nearest) {
      for (const name of CONFIG_FILE_NAMES) {
        const candidate = join(dir, name);
        if (existsSync(candidate)) {
          nearest = candidate;
          break;
        }
      }
      if (nearest && first) return nearest;
    }
    if (existsSync(join(dir, ".git"))) return nearest;
    const parent = dirname(dir);
    if (parent === dir) return undefined; // no repository: only the start directory's own file counts
    dir = parent;
    first = false;
  }
}

/** Ignore entries as a scan applies them: those that cover a finding, and every entry in play (to report). */
export interface IgnoreSource {
  /** The entries that apply to a component found in these files (sorted by file, then line). */
  entriesFor(sourceFiles: string[]): IgnoreEntry[];
  /** Every entry of every config file read so far. */
  all(): IgnoreEntry[];
}

const byPlace = (a: IgnoreEntry, b: IgnoreEntry) =>
  a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0);

/** The same entries for every component (`--config FILE`, tests). */
export function staticIgnores(entries: IgnoreEntry[]): IgnoreSource {
  const sorted = [...entries].sort(byPlace);
  return { entriesFor: () => sorted, all: () => sorted };
}

// Strictest first: the threshold that fails on the most findings.
const STRICTNESS: Record<string, number> = { low: 0, medium: 1, high: 2, critical: 3, none: 4 };

/**
 * The configuration for a scan. `--config FILE`: that file, for everything. Otherwise the scan's settings
 * (`failOn`, `maxAdvisoryAge`) come from the nearest file above each scanned path (when they differ, the
 * strictest wins, with a warning), and each component's ignores from the nearest file above the file it was
 * found in, so a subproject with its own file gets its own decisions; a component found outside any
 * configured directory (an SBOM in /tmp) gets those of the scanned paths' files. `review` is the section of the
 * first of the scanned paths' files that has one.
 *
 * `options.display` names the files (in `files`, entries and errors) instead of their path relative to the
 * working directory: review reads a revision's files from a temporary copy and names them by repository path.
 */
export function loadProjectConfig(
  paths: string[],
  explicit?: string,
  options: {
    display?: (absolutePath: string) => string;
    /** Directory the components' source paths are relative to (default: the current directory). */
    cwd?: string;
  } = {},
): ProjectConfig & { source: IgnoreSource } {
  const display = options.display ?? ((p: string) => relative(process.cwd(), p) || p);
  if (explicit) {
    const name = options.display ? options.display(resolve(explicit)) : explicit;
    if (!existsSync(explicit)) throw new InputError(name, "config file not found");
    const cfg = loadConfigFile(explicit, name);
    return { ...cfg, source: staticIgnores(cfg.ignores) };
  }
  const loaded = new Map<string, ProjectConfig>();
  const load = (file: string): ProjectConfig => {
    let cfg = loaded.get(file);
    if (!cfg) {
      cfg = loadConfigFile(file, display(file), file);
      loaded.set(file, cfg);
    }
    return cfg;
  };
  const rootFiles = [
    ...new Set(
      (paths.length ? paths : ["."])
        .map((p) => findConfigFile(p))
        .filter((f): f is string => f !== undefined),
    ),
  ].sort();
  const roots = rootFiles.map(load);
  const merged: ProjectConfig = {
    files: roots.flatMap((c) => c.files),
    ignores: [],
    warnings: [],
    typosquatAllow: roots.flatMap((c) => c.typosquatAllow),
    popularLists: {},
    accepts: roots.flatMap((c) => c.accepts),
  };
  const reviewed = roots.filter((c) => c.review);
  if (reviewed[0]?.review) merged.review = reviewed[0].review;
  if (reviewed.length > 1) {
    merged.warnings.push({
      file: rootFiles.map(display).join(", "),
      message: `several config files have a review section: using the one of ${reviewed[0]!.files[0]}`,
    });
  }
  for (const eco of ["npm", "PyPI"] as const) {
    const lists = [...new Set(roots.map((c) => c.popularLists[eco]).filter((f) => f !== undefined))];
    if (lists[0]) merged.popularLists[eco] = lists[0];
    if (lists.length > 1) {
      merged.warnings.push({
        file: rootFiles.map(display).join(", "),
        message: `the config files name different typosquat.popular.${eco} lists: using ${display(lists[0]!)}`,
      });
    }
  }
  const failOns = [...new Set(roots.map((c) => c.failOn).filter((f) => f !== undefined))];
  if (failOns.length) {
    merged.failOn = failOns.sort((a, b) => STRICTNESS[a]! - STRICTNESS[b]!)[0];
    if (failOns.length > 1) {
      merged.warnings.push({
        file: rootFiles.map(display).join(", "),
        message: `the config files set different scan.failOn (${failOns.join(", ")}): using the strictest, ${merged.failOn}`,
      });
    }
  }
  const ages = roots.map((c) => c.maxAdvisoryAgeMs).filter((a): a is number => a !== undefined);
  if (ages.length) merged.maxAdvisoryAgeMs = Math.min(...ages);

  const nearestByDir = new Map<string, string | undefined>();
  const nearestFor = (sourceFile: string): string | undefined => {
    const dir = dirname(resolve(options.cwd ?? process.cwd(), sourceFile));
    if (!nearestByDir.has(dir)) nearestByDir.set(dir, findConfigFile(dir));
    return nearestByDir.get(dir);
  };
  const rootEntries = roots.flatMap((c) => c.ignores).sort(byPlace);
  const source: IgnoreSource = {
    entriesFor(sourceFiles) {
      const files = new Set<string>();
      let outside = sourceFiles.length === 0;
      for (const f of sourceFiles) {
        const c = nearestFor(f);
        if (c) files.add(c);
        else outside = true;
      }
      const entries = [...files].flatMap((f) => load(f).ignores);
      if (outside) entries.push(...rootEntries);
      return [...new Set(entries)].sort(byPlace);
    },
    all: () => [...loaded.values()].flatMap((c) => c.ignores).sort(byPlace),
  };
  merged.files = [...new Set(merged.files)];
  return {
    ...merged,
    source,
    get files() {
      return [...loaded.values()].flatMap((c) => c.files).sort();
    },
  };
}
