/**
 * The project file `.depwarden.yaml`: scan settings and ignored vulnerabilities with an owner, a reason and an
 * expiry. Found by walking up from each scanned path to the repository root, or given with `--config`.
 * Unknown keys and invalid values are errors naming the file, the line and the key.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { isMap, isNode, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { SEVERITIES } from "../analysis/finding.js";
import { InputError } from "../errors.js";
import { formatPath } from "../inventory/text.js";

export const CONFIG_FILE_NAMES = [".depwarden.yaml", ".depwarden.yml"];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const dateString = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const text = v instanceof Date ? v.toISOString().slice(0, 10) : v.trim();
  const m = DATE.exec(text);
  const d = m ? new Date(`${text}T00:00:00Z`) : undefined;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text) {
    ctx.addIssue({ code: "custom", message: `expected a date as YYYY-MM-DD, got ${JSON.stringify(text)}` });
    return z.NEVER;
  }
  return text;
});

/** `7d`, `12h`, `2w` or a number of days. */
const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  if (typeof v === "number" && v >= 0) return v * 86_400_000;
  const m = typeof v === "string" ? /^(\d+(?:\.\d+)?)\s*(h|d|w)$/.exec(v.trim()) : null;
  if (!m) {
    ctx.addIssue({
      code: "custom",
      message: `expected a duration such as 7d, 12h or 2w, got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  const unit = m[2] === "h" ? 3_600_000 : m[2] === "d" ? 86_400_000 : 7 * 86_400_000;
  return Number(m[1]) * unit;
});

const nonEmpty = (what: string) => z.string().trim().min(1, `${what} must not be empty`);

const ignoreSchema = z.strictObject({
  id: nonEmpty("id"),
  package: nonEmpty("package").optional(),
  reason: nonEmpty("reason"),
  expires: dateString,
  approvedBy: nonEmpty("approvedBy").optional(),
});

const configSchema = z.strictObject({
  version: z.literal(1).optional(),
  scan: z
    .strictObject({
      failOn: z.enum([...SEVERITIES.filter((s) => s !== "unknown" && s !== "info"), "none"]).optional(),
      maxAdvisoryAge: duration.optional(),
    })
    .optional(),
  ignore: z.array(ignoreSchema).optional(),
});

export interface IgnoreEntry {
  id: string;
  /** A package name (compared as its ecosystem compares names), `name@version`, or a purl. */
  package?: string;
  reason: string;
  expires: string;
  approvedBy?: string;
  /** Display path of the config file and the entry's line. */
  file: string;
  line?: number;
  /** Directory the config applies to (absolute); undefined for `--config`, which applies to everything. */
  scope?: string;
}

export interface ProjectConfig {
  files: string[];
  failOn?: (typeof SEVERITIES)[number] | "none";
  maxAdvisoryAgeMs?: number;
  ignores: IgnoreEntry[];
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

/** Reads and validates one config file. `display` is how the file is named in messages. */
export function loadConfigFile(path: string, display = path, scope?: string): ProjectConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(display, `cannot read config file (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
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
  const data = doc.toJS() ?? {};
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
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
      ...(e.approvedBy ? { approvedBy: e.approvedBy } : {}),
      file: display,
      ...(line ? { line } : {}),
      ...(scope ? { scope } : {}),
    };
  });
  return {
    files: [display],
    ...(cfg.scan?.failOn ? { failOn: cfg.scan.failOn } : {}),
    ...(cfg.scan?.maxAdvisoryAge !== undefined ? { maxAdvisoryAgeMs: cfg.scan.maxAdvisoryAge } : {}),
    ignores,
  };
}

function knownKeys(path: (string | number)[]): string[] {
  if (path.length === 0) return ["version", "scan", "ignore"];
  if (path[0] === "scan") return ["failOn", "maxAdvisoryAge"];
  if (path[0] === "ignore") return ["id", "package", "reason", "expires", "approvedBy"];
  return [];
}

/** The nearest config file at or above `start`, stopping at the repository root (a directory with `.git`). */
export function findConfigFile(start: string): string | undefined {
  let dir = resolve(start);
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
  } catch {
    dir = dirname(dir);
  }
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    if (existsSync(join(dir, ".git"))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The configuration for a scan: `--config FILE` when given (it applies to everything), otherwise the nearest
 * file above each scanned path; each file's ignores apply to components found under its directory, and its
 * scan settings are used when all scanned paths agree on one file.
 */
export function loadProjectConfig(paths: string[], explicit?: string): ProjectConfig {
  const display = (p: string) => relative(process.cwd(), p) || p;
  if (explicit) {
    if (!existsSync(explicit)) throw new InputError(explicit, "config file not found");
    return loadConfigFile(explicit, explicit);
  }
  const found = new Map<string, ProjectConfig>();
  for (const p of paths.length ? paths : ["."]) {
    const file = findConfigFile(p);
    if (file && !found.has(file)) found.set(file, loadConfigFile(file, display(file), dirname(file)));
  }
  const configs = [...found.values()];
  const merged: ProjectConfig = {
    files: configs.flatMap((c) => c.files),
    ignores: configs.flatMap((c) => c.ignores),
  };
  if (configs.length === 1) {
    const only = configs[0]!;
    if (only.failOn) merged.failOn = only.failOn;
    if (only.maxAdvisoryAgeMs !== undefined) merged.maxAdvisoryAgeMs = only.maxAdvisoryAgeMs;
  }
  return merged;
}
