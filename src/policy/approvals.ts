/**
 * `.depwarden/approvals.yaml`: the dependency versions a reviewer accepted, with who, when and why (issue 5,
 * `requireApproval`). The file is the audit trail, so `depwarden approve` only ever appends to it: every decision
 * is one diffable addition in the repository's history.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { isMap, isNode, isSeq, type LineCounter, type parseDocument, stringify } from "yaml";
import { z } from "zod";
import { InputError, UsageError } from "../errors.js";
import type { Ecosystem } from "../inventory/model.js";
import { buildPurl, normaliseName, parsePurl } from "../inventory/normalise.js";
import { formatPath } from "../inventory/text.js";
import { writeFileAtomic } from "../io.js";
import type { Approval } from "../review/model.js";
import { compareVersions } from "../versions/index.js";
import { dateString, parseYamlDocument } from "./config.js";
import { expiryInstant } from "./ignores.js";
import { packageSpecMatches } from "./package-spec.js";

export const APPROVALS_FILE = ".depwarden/approvals.yaml";

const HEADER = `# depwarden approvals: dependency versions accepted by a reviewer. Appended by \`depwarden approve\`; never
# edit or remove entries (the file's history is the audit trail). See docs/review-policy.md.
`;

/** The purl in the form the inventory writes (PyPI names PEP 503-normalised, npm scopes as `%40`), or why not. */
function canonicalPurl(text: string): { purl: string } | { problem: string } {
  const trimmed = text.trim();
  let parsed: ReturnType<typeof parsePurl>;
  try {
    parsed = parsePurl(trimmed);
  } catch (e) {
    return { problem: `not a purl (${(e as Error).message}): expected e.g. pkg:npm/lodash@4.17.21` };
  }
  if (!parsed.ecosystem) {
    return {
      problem: `purl type "${parsed.type}" is not supported: approvals are for npm and pypi packages`,
    };
  }
  if (!parsed.version) {
    return { problem: "the purl has no version: an approval is for one version: pkg:npm/lodash@4.17.21" };
  }
  // Qualifiers (repository_url=...) would read as a restriction the matching does not apply.
  if (/[?#]/.test(trimmed)) return { problem: "purl qualifiers and subpaths are not supported in approvals" };
  const ecosystem: Ecosystem = parsed.ecosystem;
  // A range or a tag (`^4.17.0`, `latest`) is not one version: such an approval could never match.
  try {
    compareVersions(ecosystem, parsed.version, parsed.version);
  } catch {
    return {
      problem: `"${parsed.version}" is not an exact ${ecosystem === "PyPI" ? "PEP 440" : "SemVer"} version: an approval is for one version`,
    };
  }
  return { purl: buildPurl(ecosystem, normaliseName(ecosystem, parsed.name), parsed.version) };
}

/** A purl given on the command line, checked and written as the inventory writes purls. */
export function canonicalApprovalPurl(text: string): string {
  const result = canonicalPurl(text);
  if ("problem" in result) throw new UsageError(`${JSON.stringify(text)}: ${result.problem}`);
  return result.purl;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** An ISO 8601 UTC timestamp that names a real instant (`2026-11-24T10:15:00Z`). */
function isUtcTimestamp(text: string): boolean {
  if (!ISO_UTC.test(text)) return false;
  const d = new Date(text);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 19) === text.slice(0, 19);
}

const nonEmpty = (what: string) => z.string().trim().min(1, `${what} must not be empty`);

const approvalSchema = z.strictObject({
  purl: z.string().transform((v, ctx) => {
    const result = canonicalPurl(v);
    if ("problem" in result) {
      ctx.addIssue({ code: "custom", message: result.problem });
      return z.NEVER;
    }
    return result.purl;
  }),
  reason: nonEmpty("reason"),
  by: nonEmpty("by"),
  // A YAML 1.1 writer may have made it a timestamp.
  at: z.union([z.string(), z.date()]).transform((v, ctx) => {
    const text = v instanceof Date ? v.toISOString().replace(/\.000Z$/, "Z") : v.trim();
    if (!isUtcTimestamp(text)) {
      ctx.addIssue({
        code: "custom",
        message: `expected an ISO 8601 UTC timestamp such as 2026-11-24T10:15:00Z, got ${JSON.stringify(text)}`,
      });
      return z.NEVER;
    }
    return text;
  }),
  expires: dateString.optional(),
});

const fileSchema = z.strictObject({
  version: z.literal(1).optional(),
  approvals: z.array(approvalSchema).nullable().optional(),
});

const KNOWN_KEYS = {
  file: Object.keys(fileSchema.shape),
  entry: Object.keys(approvalSchema.shape),
};

type Parsed = { doc: ReturnType<typeof parseDocument>; lc: LineCounter; approvals: Approval[] };

function parseWithDocument(text: string, display: string): Parsed {
  const { doc, lc } = parseYamlDocument(text, display);
  const at = (offset: number) => {
    const p = lc.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const parsed = fileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    let path = issue.path as (string | number)[];
    let message = issue.message;
    let node: unknown;
    if (issue.code === "unrecognized_keys") {
      const key = issue.keys[0]!;
      const parent = path.length ? doc.getIn(path, true) : doc.contents;
      node = isMap(parent)
        ? parent.items.find((p) => isNode(p.key) && p.key.toJSON() === key)?.key
        : undefined;
      message = `unknown key (expected one of: ${(path.length ? KNOWN_KEYS.entry : KNOWN_KEYS.file).join(", ")})`;
      path = [...path, key];
    } else {
      // The value at the path, else the nearest enclosing node (a missing key: its entry).
      for (let n = path.length; n >= 0 && !(isNode(node) && node.range); n--) {
        node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      }
    }
    const pos = isNode(node) && node.range ? at(node.range[0]) : undefined;
    throw new InputError(display, `${formatPath(path) || "approvals file"}: ${message}`, pos);
  }
  const approvals = (parsed.data.approvals ?? []).map((e, i): Approval => {
    const node = doc.getIn(["approvals", i], true);
    const line = isNode(node) && node.range ? lc.linePos(node.range[0]).line : undefined;
    return {
      purl: e.purl,
      reason: e.reason,
      by: e.by,
      at: e.at,
      ...(e.expires ? { expires: e.expires } : {}),
      source: display,
      ...(line ? { line } : {}),
    };
  });
  return { doc, lc, approvals };
}

/** The approvals of a file's text, in file order. Errors name the file, the line and the key. */
export function parseApprovals(text: string, display: string): Approval[] {
  return parseWithDocument(text, display).approvals;
}

/** The approvals of a file; a missing file is no approvals yet. */
export function loadApprovals(path: string, display = path): Approval[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return [];
    throw new InputError(display, `cannot read approvals file (${code ?? e})`);
  }
  return parseApprovals(text, display);
}

/**
 * The approval is for this package (as its ecosystem compares names) at this version (PEP 440 / SemVer
 * equality: PyPI 1.0 is 1.0.0) and has not expired (it holds through the end of its `expires` day, UTC).
 */
export function approvalCovers(
  a: Approval,
  pkg: { ecosystem: Ecosystem | string; name: string; version: string | null | undefined },
  now: Date,
): boolean {
  if (a.expires && expiryInstant(a.expires) < now.getTime()) return false;
  if (!pkg.version) return false;
  return packageSpecMatches(a.purl, pkg);
}

export interface NewApproval {
  purl: string;
  reason: string;
  by: string;
  at: string;
  expires?: string;
}

/** The entry as list-item lines at this indentation (each string scalar quoted as YAML needs). */
function renderEntry(entry: NewApproval, indent: string): string {
  const fields = {
    purl: entry.purl,
    reason: entry.reason,
    by: entry.by,
    at: entry.at,
    ...(entry.expires ? { expires: entry.expires } : {}),
  };
  // lineWidth 0: a long reason stays on one line, so the diff shows it whole.
  const text = stringify([fields], { lineWidth: 0 });
  return text
    .split("\n")
    .map((line) => (line ? indent + line : line))
    .join("\n");
}

/** The column of a block list's `-` (its items' indentation), or undefined when it is not a block list. */
function blockListIndent(parsed: Parsed): string | undefined {
  const list = parsed.doc.get("approvals", true);
  if (!isSeq(list) || list.flow || !list.range) return undefined;
  return " ".repeat(parsed.lc.linePos(list.range[0]).col - 1);
}

const sameEntry = (a: Approval | undefined, e: NewApproval) =>
  a !== undefined &&
  a.purl === e.purl &&
  a.reason === e.reason &&
  a.by === e.by &&
  a.at === e.at &&
  a.expires === e.expires;

/**
 * Appends an approval to the file (created, with `.depwarden/`, when missing) and returns the entry's line. The
 * earlier bytes are kept: the new lines go at the end. Only when that would not give a valid file with the entry
 * last (a flow list `approvals: []`, another key after the list) is the file re-rendered through yaml's document
 * model. An existing file that does not parse is refused, untouched.
 */
export async function appendApproval(
  path: string,
  entry: NewApproval,
  display = path,
): Promise<{ line: number }> {
  const checked = approvalSchema.safeParse(entry);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new UsageError(
      `invalid approval: ${formatPath(issue.path as (string | number)[])}: ${issue.message}`,
    );
  }
  const { expires, ...fields } = checked.data;
  const fresh: NewApproval = { ...fields, ...(expires ? { expires } : {}) };
  let before = "";
  try {
    before = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") throw new InputError(display, `cannot read approvals file (${code ?? e})`);
  }
  const parsed = parseWithDocument(before, display);
  const count = parsed.approvals.length;

  const attempt = (text: string): Approval | undefined => {
    try {
      const after = parseApprovals(text, display);
      return after.length === count + 1 && sameEntry(after.at(-1), fresh) ? after.at(-1) : undefined;
    } catch {
      return undefined;
    }
  };

  const prefix = before === "" ? HEADER : before.endsWith("\n") ? before : `${before}\n`;
  let text =
    parsed.doc.get("approvals", true) === undefined
      ? `${prefix}approvals:\n${renderEntry(fresh, "  ")}`
      : `${prefix}${renderEntry(fresh, blockListIndent(parsed) ?? "  ")}`;
  let added = attempt(text);
  if (!added) {
    const doc = parsed.doc;
    const list = doc.get("approvals", true);
    const item = doc.createNode({
      purl: fresh.purl,
      reason: fresh.reason,
      by: fresh.by,
      at: fresh.at,
      ...(fresh.expires ? { expires: fresh.expires } : {}),
    });
    if (isSeq(list)) {
      list.flow = false;
      list.items.push(item);
    } else {
      if (!isMap(doc.contents)) doc.contents = doc.createNode({});
      doc.set("approvals", doc.createNode([item]));
    }
    text = doc.toString({ lineWidth: 0 });
    added = attempt(text);
    if (!added) throw new Error(`could not append an approval to ${display} as valid YAML`);
  }
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(display, `cannot create its directory (${code ?? e})`);
  }
  await writeFileAtomic(path, text, display);
  return { line: added.line ?? 1 };
}
