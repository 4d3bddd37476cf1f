/**
 * `depwarden review` without the command line: the dependency files of two revisions read from git objects (the
 * head may be the working tree), their inventories compared, and what the change brings in judged against the
 * policy of `.depwarden.yaml` (`review:`) and the approvals of `.depwarden/approvals.yaml`. See docs/review.md.
 *
 * Only what the change touches is judged: findings are computed for the packages whose versions changed, and a
 * finding is `introduced` when the base had no finding with the same id for that package name, `fixed` when the
 * head has none any more. Nothing read is executed; package contents are analysed only when given (`--packages`)
 * or installed (`--deep`).
 */
import { readdirSync, realpathSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import ignore from "ignore";
import { parse as parseToml } from "smol-toml";
import { nameKey } from "../advisories/names.js";
import type { AdvisorySource } from "../advisories/osv.js";
import { distributionFromFileName } from "../analysis/code/archive.js";
import { codeFinding } from "../analysis/deep.js";
import type { DeepSummary, Finding } from "../analysis/finding.js";
import {
  displayPath,
  type FailOn,
  failsGate,
  findTyposquats,
  scanInventory,
  sortFindings,
} from "../analysis/scan.js";
import { InputError } from "../errors.js";
import { fileExtractorFor } from "../inventory/discover.js";
import { buildInventory } from "../inventory/inventory.js";
import type { Component, Ecosystem, Inventory, InventoryError } from "../inventory/model.js";
import { approvalCovers, loadApprovals } from "../policy/approvals.js";
import {
  type IgnoreSource,
  loadProjectConfig,
  type ProjectConfig,
  resolveReviewPolicy,
} from "../policy/config.js";
import { applyIgnores, expiryInstant } from "../policy/ignores.js";
import { packagePatternMatches, packageSpecMatches } from "../policy/package-spec.js";
import { sameVersion } from "../versions/index.js";
import { plural } from "../words.js";
import { type DependencyChange, diffInventories, dirOf, type RedFlag, redFlags } from "./diff.js";
import {
  APPROVALS_PATH,
  changedBetween,
  changedInWorkTree,
  headCommit,
  isDecisionFile,
  isDependencyFile,
  mergeBase,
  readFileAt,
  readWorkTreeFile,
  repositoryRoot,
  resolveRevision,
  withRevisionTree,
  withWorkTree,
} from "./git.js";
import type {
  Approval,
  PolicyRule,
  ReviewChange,
  ReviewFinding,
  ReviewPolicy,
  ReviewReport,
  ReviewSummary,
} from "./model.js";

export interface ReviewOptions {
  /** A directory of the working tree: its repository is compared, and only the dependency files under it. */
  path: string;
  /** The base revision as the user gave it. */
  base: string;
  /** The head revision; undefined: the working tree. */
  head?: string;
  /** Compare with where the head branched from the base (default), or with the base itself (false). */
  mergeBase?: boolean;
  source: AdvisorySource;
  /** Where the advisory data lives, for the staleness warning. */
  databaseLabel?: string;
  maxAdvisoryAgeMs?: number;
  /** `--config FILE`: the policy file for both sides (default: the head's nearest `.depwarden.yaml`). */
  config?: string;
  /** `--approvals FILE` in the working tree (default: `.depwarden/approvals.yaml` of each side). */
  approvals?: string;
  /** `--fail-on`: overrides `review.failOn`. */
  failOn?: FailOn;
  /** `--packages DIR`: tarballs, wheels and sdists of changed packages to analyse. */
  packages?: string;
  /** `--deep`: analyse the changed packages installed under the path (node_modules, site-packages). */
  deep?: boolean;
  /** `--no-typosquat`: false. */
  typosquat?: boolean;
  /** `--exclude`: gitignore-style patterns, relative to the path, of files left out on both sides. */
  exclude?: string[];
  now?: Date;
  onInternalError?: (file: string, e: unknown) => void;
}

/** One side of the comparison, read. */
interface Side {
  inventory: Inventory;
  config?: ProjectConfig & { source: IgnoreSource };
  approvals: Approval[];
}

const NON_REGISTRY: ReadonlySet<string> = new Set(["vcs", "url", "path", "editable"]);

const keyOf = (ecosystem: Ecosystem, name: string) => `${ecosystem}\u0000${nameKey(ecosystem, name)}`;

const posix = (p: string) => p.split(sep).join("/");

/** Files named `<label>:<path>`, as `git show` names a revision's file. */
function relabel(list: InventoryError[], label: string | undefined): InventoryError[] {
  return label ? list.map((e) => ({ ...e, file: `${label}:${e.file}` })) : list;
}

/**
 * Reads one side: the inventory of `root/sub` (paths shown relative to `root`, a copy of a revision's or the
 * working tree's dependency and decision files), and, when asked, its policy and approvals.
 */
async function readSide(
  root: string,
  sub: string,
  label: string | undefined,
  o: ReviewOptions,
  want: { config: boolean; repo: string },
): Promise<Side> {
  const target = sub ? join(root, sub) : root;
  const inv = await buildInventory([target], {
    cwd: root,
    gitignore: false, // the copy holds what git sees, ignored or not
    confineTo: root, // a requirements file's `-r /etc/passwd` is refused, not read
    ...(o.exclude?.length ? { exclude: o.exclude } : {}),
    ...(o.onInternalError ? { onInternalError: o.onInternalError } : {}),
  });
  // Errors keep the copy's paths until broken files are set aside (by path); the report labels them.
  inv.warnings = relabel(inv.warnings, label);
  const display = (abs: string) => {
    const rel = posix(relative(root, abs));
    return label ? `${label}:${rel}` : rel;
  };
  let config: Side["config"];
  if (want.config) {
    config = loadProjectConfig([target], o.config, { display, cwd: root });
    // `typosquat.popular` lists are read from the working tree, where they live (the copy holds no such file).
    for (const eco of ["npm", "PyPI"] as const) {
      const file = config.popularLists[eco];
      if (file?.startsWith(root + sep)) config.popularLists[eco] = join(want.repo, relative(root, file));
    }
  }
  let approvals: Approval[] = [];
  try {
    approvals = o.approvals
      ? loadApprovals(resolve(o.approvals), o.approvals)
      : loadApprovals(join(root, APPROVALS_PATH), label ? `${label}:${APPROVALS_PATH}` : APPROVALS_PATH);
  } catch (e) {
    // The base's approvals only tell which ones the change adds: a broken base file (the change may be fixing
    // it) does not stop the review. The head's are the ones applied, and must be valid.
    if (want.config || !(e instanceof InputError)) throw e;
    inv.warnings.push({ file: e.file, message: `${e.detail} (the base's approvals are not compared)` });
  }
  return { inventory: inv, ...(config ? { config } : {}), approvals };
}

/** `npm ` for a file the npm extractors read; empty for a mixed one (an SBOM). */
function ecosystemLabel(file: string): string {
  const eco = fileExtractorFor(join("/", file))?.ecosystem;
  return eco && eco !== "mixed" ? `${eco} ` : "";
}

/**
 * A dependency file that could not be read on one side. Broken in the base: the head's packages of that directory
 * are all new to the comparison (reviewed in full). Broken in the head: that directory's packages cannot be
 * compared and are left out on both sides rather than shown as removed.
 */
function setAsideBroken(
  base: Inventory,
  head: Inventory,
  labels: { base: string; head: string | undefined },
  notes: InventoryError[],
): void {
  const headBroken = new Set(head.errors.map((e) => e.file));
  const baseBroken = new Set(base.errors.map((e) => e.file));
  for (const file of [...baseBroken].sort()) {
    notes.push({
      file: `${labels.base}:${file}`,
      message: `could not be read in the base: the head's packages of ${dirOf(file) || "the root directory"} are all reviewed as added`,
    });
  }
  if (!headBroken.size) return;
  // The broken file's ecosystem in its directory: a requirements.txt beside a broken package-lock.json is compared.
  const broken = new Set(
    [...headBroken].map((f) => `${fileExtractorFor(join("/", f))?.ecosystem ?? "mixed"}\u0000${dirOf(f)}`),
  );
  const setAside = (c: Component) =>
    c.sources.some(
      (s) => broken.has(`${c.ecosystem}\u0000${dirOf(s.file)}`) || broken.has(`mixed\u0000${dirOf(s.file)}`),
    );
  base.components = base.components.filter((c) => !setAside(c));
  head.components = head.components.filter((c) => !setAside(c));
  for (const file of [...headBroken].sort()) {
    notes.push({
      file: labels.head ? `${labels.head}:${file}` : file,
      message: `could not be read in the head: the ${ecosystemLabel(file)}dependencies of ${dirOf(file) || "the root directory"} were not compared`,
    });
  }
}

/**
 * The direct dependencies (purls, sorted) of `inv` whose recorded dependency tree contains each of `targets`.
 * One propagation over the whole graph: every package carries a bit set of the direct dependencies that reach it,
 * pushed along the edges until nothing changes (cycles included), so 500 changes in a 10,000-package lockfile
 * cost one pass, not 500 walks.
 */
export function directAncestors(inv: Inventory, targets: Set<string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!targets.size) return out;
  const index = new Map(inv.components.map((c, i) => [c.purl, i]));
  const directs = inv.components
    .map((c, i) => ({ purl: c.purl, i, direct: c.direct }))
    .filter((d) => d.direct)
    .sort((a, b) => (a.purl < b.purl ? -1 : a.purl > b.purl ? 1 : 0));
  const words = Math.ceil(directs.length / 32) || 1;
  const bits = new Uint32Array(inv.components.length * words);
  const children = inv.components.map((c) =>
    c.dependencies.map((d) => index.get(d)).filter((i): i is number => i !== undefined),
  );
  const queue: number[] = [];
  const queued = new Uint8Array(inv.components.length);
  directs.forEach((d, k) => {
    bits[d.i * words + (k >>> 5)]! |= 1 << (k & 31);
    if (!queued[d.i]) {
      queued[d.i] = 1;
      queue.push(d.i);
    }
  });
  while (queue.length) {
    const from = queue.pop()!;
    queued[from] = 0;
    for (const to of children[from]!) {
      let changed = false;
      for (let w = 0; w < words; w++) {
        const merged = (bits[to * words + w]! | bits[from * words + w]!) >>> 0; // unsigned, as stored
        if (merged !== bits[to * words + w]) {
          bits[to * words + w] = merged;
          changed = true;
        }
      }
      if (changed && !queued[to]) {
        queued[to] = 1;
        queue.push(to);
      }
    }
  }
  for (const t of targets) {
    const i = index.get(t);
    const found: string[] = [];
    if (i !== undefined) {
      directs.forEach((d, k) => {
        // a direct dependency reaches itself only through a cycle, which says nothing here
        if (d.i !== i && bits[i * words + (k >>> 5)]! & (1 << (k & 31))) found.push(d.purl);
      });
    }
    out.set(t, found);
  }
  return out;
}

/**
 * For each transitive change, the direct dependencies whose recorded dependency tree contains it: the changed
 * ones when any do (they pulled it in), else every one (an update of the lockfile alone).
 */
function viaOf(changes: DependencyChange[], base: Inventory, head: Inventory): string[][] {
  const transitive = (removed: boolean) =>
    new Set(changes.filter((c) => !c.direct && (c.change === "removed") === removed).map((c) => c.purl));
  const ancestors = {
    base: directAncestors(base, transitive(true)),
    head: directAncestors(head, transitive(false)),
  };
  const changedDirect = new Set(changes.filter((c) => c.direct).map((c) => c.purl));
  return changes.map((change) => {
    if (change.direct) return [];
    const directs = (change.change === "removed" ? ancestors.base : ancestors.head).get(change.purl) ?? [];
    const changed = directs.filter((p) => changedDirect.has(p));
    return changed.length ? changed : directs;
  });
}

/** A finding of a review policy check on a component of the head (or the base, for removals). */
function policyFinding(
  c: Component,
  rule: PolicyRule,
  severity: Finding["severity"],
  summary: string,
  why: string,
): Finding {
  return {
    type: "policy",
    id: rule,
    aliases: [],
    purl: c.purl,
    ecosystem: c.ecosystem,
    name: c.name,
    version: c.version ?? "",
    severity,
    summary,
    fixedIn: null,
    references: [],
    direct: c.direct,
    scopes: [...c.scopes],
    sources: c.sources,
    why,
  };
}

/** Ignore entries as review applies them: to introduced findings, without "matches nothing" remarks. */
function quietIgnores(source: IgnoreSource): IgnoreSource {
  return { entriesFor: (files) => source.entriesFor(files), all: () => [] };
}

const ARCHIVE = /\.(?:tgz|tar\.gz|tar|whl|egg|zip)$/i;

export async function reviewChange(o: ReviewOptions): Promise<ReviewReport> {
  const now = o.now ?? new Date();
  let isDir = false;
  try {
    isDir = statSync(o.path).isDirectory();
  } catch {
    throw new InputError(o.path, "not found");
  }
  if (!isDir) throw new InputError(o.path, "expected a directory of a git repository");
  const repo = repositoryRoot(o.path);
  const sub = posix(relative(realpathSync(repo), realpathSync(o.path)));
  if (sub.startsWith("..")) throw new InputError(o.path, "is outside the repository it belongs to");
  const notes: InventoryError[] = [];

  const baseTip = resolveRevision(repo, o.base);
  const headId = o.head !== undefined ? resolveRevision(repo, o.head) : undefined;
  const headRef = headId ?? headCommit(repo);
  let baseCommit = baseTip;
  if (o.mergeBase !== false && headRef) {
    const mb = mergeBase(repo, baseTip, headRef);
    if (mb) baseCommit = mb;
    else
      notes.push({
        file: o.base,
        message: "the base and the head share no history: the head is compared with the base itself",
      });
  }
  const labels = { base: o.base, head: o.head };

  // Files copied because a requirements file includes them: dependency files too.
  const included = new Set<string>();
  const side =
    (label: string | undefined, config: boolean) =>
    (tree: string, files: { path: string; included?: boolean }[]) => {
      for (const f of files) if (f.included) included.add(f.path);
      return readSide(tree, sub, label, o, { config, repo });
    };
  const baseSide = await withRevisionTree(repo, baseCommit, side(labels.base, false), sub);
  const headSide =
    headId !== undefined
      ? await withRevisionTree(repo, headId, side(labels.head, true), sub)
      : await withWorkTree(repo, side(undefined, true), sub);
  const config = headSide.config!;
  const policy: ReviewPolicy = resolveReviewPolicy(config);
  if (o.failOn) policy.failOn = o.failOn;
  const base = baseSide.inventory;
  const head = headSide.inventory;
  setAsideBroken(base, head, labels, notes);
  const baseErrors = relabel(base.errors, labels.base);
  const headErrors = relabel(head.errors, labels.head);

  // ---- what changed
  const diff = diffInventories(base, head);
  const flags = redFlags(base, head);
  const touched =
    headId !== undefined ? changedBetween(repo, baseCommit, headId) : changedInWorkTree(repo, baseCommit);
  // A dependency file: one an extractor reads or one that steers installs (requirements.in, .npmrc …), not
  // excluded (a test fixture's lockfile is code), and for a manifest, one whose dependency fields changed (a
  // package.json whose scripts alone changed is code). Its other fields changed too: named for the rule below.
  const excluded = o.exclude?.length ? ignore().add(o.exclude) : undefined;
  const isExcluded = (p: string) =>
    excluded !== undefined &&
    (!sub ? excluded.ignores(p) : p.startsWith(`${sub}/`) && excluded.ignores(p.slice(sub.length + 1)));
  const manifestFields = new Map<string, string[]>();
  const isDependency = (p: string) => {
    if (!(isDependencyFile(p) || isDependencyCompanion(p) || included.has(p)) || isExcluded(p)) return false;
    const m = manifestChange(repo, baseCommit, headId, p);
    if (!m) return true;
    if (m.other.length) manifestFields.set(p, m.other);
    return m.dependency;
  };
  const dependencyTouched = new Set(touched.filter(isDependency));
  const changedFiles = {
    dependency: touched.filter((p) => dependencyTouched.has(p)),
    other: touched.filter((p) => !dependencyTouched.has(p)),
  };
  for (const p of touched.filter((f) => INSTALL_SETTINGS.test(f) && !isExcluded(f))) {
    notes.push({
      file: p,
      message:
        "this change edits install settings (registries, scripts, hooks): they decide where packages come from and what runs at install; review those lines",
    });
  }
  for (const p of touched.filter(isDecisionFile)) {
    notes.push({
      file: p,
      message:
        "this change edits depwarden's decisions (policy, ignores, accepts or approvals): the head's version is applied; review those lines",
    });
  }

  const headByPurl = new Map(head.components.map((c) => [c.purl, c]));
  const baseByPurl = new Map(base.components.map((c) => [c.purl, c]));
  const componentOf = (c: DependencyChange): Component =>
    (c.change === "removed" ? baseByPurl.get(c.purl) : headByPurl.get(c.purl)) ??
    ({
      ecosystem: c.ecosystem,
      name: c.name,
      version: c.to ?? c.from,
      purl: c.purl,
      direct: c.direct,
      scopes: [],
      hashes: [],
      sources: [],
      dependencies: [],
    } satisfies Component);

  // ---- approvals
  const approvalFor = (c: Component): Approval | undefined => {
    if (!c.version) return undefined;
    let found: Approval | undefined;
    for (const a of headSide.approvals)
      if (approvalCovers(a, { ecosystem: c.ecosystem, name: c.name, version: c.version }, now)) found = a;
    return found; // the latest recorded
  };
  // An entry the base did not have word for word: added, or edited (a reason rewritten, an expiry pushed back).
  const entryKey = (a: Approval) => JSON.stringify([a.purl, a.at, a.by, a.reason, a.expires ?? null]);
  const baseEntries = new Set(baseSide.approvals.map(entryKey));
  const approvalsAdded = headSide.approvals.filter((a) => !baseEntries.has(entryKey(a)));
  const headEntries = new Set(headSide.approvals.map(entryKey));
  const gone = baseSide.approvals.filter((a) => !headEntries.has(entryKey(a)));
  if (gone.length) {
    notes.push({
      file: gone[0]!.source,
      message: `this change removes or edits ${plural(gone.length, "recorded approval")} (${gone
        .slice(0, 3)
        .map((a) => a.purl)
        .join(", ")}${gone.length > 3 ? ", …" : ""}): the approvals file is an append-only record`,
    });
  }
  for (const a of headSide.approvals) {
    if (a.expires && expiryInstant(a.expires) < now.getTime()) {
      const changed = diff.some(
        (c) => c.change !== "removed" && c.to && packageSpecMatches(a.purl, { ...c, version: c.to }),
      );
      if (changed)
        notes.push({
          file: a.source,
          ...(a.line ? { line: a.line } : {}),
          message: `${a.line ? `${a.line}: ` : ""}the approval of ${a.purl} expired on ${a.expires}: it no longer counts`,
        });
    }
  }

  const via = viaOf(diff, base, head);
  const changes: ReviewChange[] = diff.map((c, i) => {
    const comp = componentOf(c);
    const approval = c.change === "removed" ? undefined : approvalFor(comp);
    const needsApproval =
      c.change !== "removed" &&
      !approval &&
      (policy.requireApproval === "all" || (policy.requireApproval === "direct" && c.direct));
    return { ...c, via: via[i]!, ...(approval ? { approval } : {}), needsApproval, inspected: false };
  });
  const incoming = changes.filter((c) => c.change !== "removed");

  // ---- vulnerabilities introduced and fixed: only the changed names can differ
  const changedNames = new Set(diff.map((c) => keyOf(c.ecosystem, c.name)));
  const subset = (inv: Inventory): Inventory => ({
    ...inv,
    components: inv.components.filter((c) => changedNames.has(keyOf(c.ecosystem, c.name))),
    errors: [],
    warnings: [],
  });
  const ignores = quietIgnores(config.source);
  const headScan = await scanInventory(subset(head), o.source, {
    failOn: policy.failOn,
    ignores,
    now,
    typosquat: false,
    ...(o.maxAdvisoryAgeMs !== undefined ? { maxAdvisoryAgeMs: o.maxAdvisoryAgeMs } : {}),
    ...(o.databaseLabel ? { databaseLabel: o.databaseLabel } : {}),
  });
  const baseScan = await scanInventory(subset(base), o.source, {
    failOn: "none",
    ignores: [],
    now,
    typosquat: false,
  });
  const findingKey = (f: Finding) => `${f.type}\u0000${keyOf(f.ecosystem, f.name)}\u0000${f.id}`;
  const baseKeys = new Set(baseScan.findings.map(findingKey));
  const headKeys = new Set(headScan.findings.map(findingKey));
  const introduced: Finding[] = headScan.findings.filter((f) => !baseKeys.has(findingKey(f)));
  // A name the head still has without an exact version (a lockfile deleted, a pin loosened) may still install the
  // vulnerable version: nothing of it is fixed.
  const loosened = new Set(
    head.components.filter((c) => c.version === null).map((c) => keyOf(c.ecosystem, c.name)),
  );
  const fixed: Finding[] = baseScan.findings.filter(
    (f) => !headKeys.has(findingKey(f)) && !loosened.has(keyOf(f.ecosystem, f.name)),
  );
  const warnings: InventoryError[] = [...headScan.inventory.warnings];

  // ---- typosquats on the names the change adds
  let typosquat: ReviewReport["typosquat"];
  if (o.typosquat !== false && policy.typosquats !== "off") {
    const baseNames = new Set(base.components.map((c) => keyOf(c.ecosystem, c.name)));
    const fresh = head.components.filter(
      (c) => changedNames.has(keyOf(c.ecosystem, c.name)) && !baseNames.has(keyOf(c.ecosystem, c.name)),
    );
    const found = await findTyposquats(fresh, {
      allow: config.typosquatAllow,
      popular: config.popularLists,
      cwd: repo,
    });
    const typos = found.findings;
    applyIgnores(typos, ignores, now);
    introduced.push(...typos);
    typosquat = { lists: found.lists };
  }

  // ---- package contents of the changed packages, where available
  const errors: InventoryError[] = [];
  const inspectedPurls = new Set<string>();
  let contents: DeepSummary | undefined;
  const codeFindings: Finding[] = [];
  if (o.packages !== undefined) {
    const r = await inspectArchives(o.packages, incoming.map(componentOf), config.accepts, now, repo);
    codeFindings.push(...r.findings);
    warnings.push(...r.warnings);
    errors.push(...r.errors);
    for (const p of r.inspected) inspectedPurls.add(p);
    contents = r.summary;
    const missing = incoming.filter((c) => c.to && !inspectedPurls.has(c.purl));
    if (missing.length) {
      notes.push({
        file: o.packages,
        message: `no archive here for ${plural(missing.length, "changed package")} (${missing
          .slice(0, 5)
          .map((c) => `${c.name}@${c.to}`)
          .join(
            ", ",
          )}${missing.length > 5 ? ", …" : ""}): ${missing.length === 1 ? "its" : "their"} contents were not analysed`,
      });
    }
  }
  if (o.deep) {
    if (headId !== undefined)
      notes.push({
        file: sub || ".",
        message:
          "--deep reads the packages installed in the working tree: only those at the head's versions were analysed",
      });
    const { inspectInstalled } = await import("../analysis/deep.js");
    const wanted = new Set(incoming.map((c) => c.purl));
    const r = await inspectInstalled([sub ? join(repo, sub) : repo], head.components, {
      accepts: config.accepts,
      now,
      cwd: repo,
      select: (pkg) => wanted.has(pkg.purl) && !inspectedPurls.has(pkg.purl),
      ...(o.onInternalError ? { onInternalError: o.onInternalError } : {}),
    });
    codeFindings.push(...r.findings);
    warnings.push(...r.warnings);
    errors.push(...r.errors);
    contents = addSummaries(contents, r.summary);
    for (const purl of r.inspected) inspectedPurls.add(purl);
  }
  if (policy.maliciousCode !== "off") introduced.push(...codeFindings);
  for (const c of changes) c.inspected = inspectedPurls.has(c.purl);

  // ---- policy checks on what the change brings in
  const policyFindings: Finding[] = [];
  const baseScripted = new Set(
    base.components.filter((c) => c.installScript).map((c) => keyOf(c.ecosystem, c.name)),
  );
  for (const change of incoming) {
    const c = componentOf(change);
    const what = `${c.name}${c.version ? ` ${c.version}` : ""}`;
    const deny = policy.deny.find((d) => packagePatternMatches(d.package, c));
    if (deny) {
      policyFindings.push(
        policyFinding(
          c,
          "denied-package",
          "high",
          `${what} is denied by the policy`,
          `review.deny entry "${deny.package}"${deny.reason ? `: ${deny.reason}` : ""}${deny.source ? ` (${deny.source}${deny.line ? `:${deny.line}` : ""})` : ""}`,
        ),
      );
    }
    const kind = c.unpinned?.kind;
    if (kind && NON_REGISTRY.has(kind)) {
      if (policy.nonRegistrySources !== "off")
        policyFindings.push(
          policyFinding(
            c,
            "non-registry-source",
            "medium",
            `${c.name} comes from a ${kind} source, not the registry`,
            `${c.unpinned!.spec}: such a source can change under the same name, bypasses the registry's immutability, and no advisory database covers it`,
          ),
        );
    } else if (c.version === null && policy.unpinned !== "off") {
      policyFindings.push(
        policyFinding(
          c,
          "unpinned",
          "low",
          `${c.name} has no exact version (${c.unpinned?.spec || "any version"})`,
          "without a lockfile entry the version installed is whatever the registry serves that day: it cannot be reviewed, checked for vulnerabilities or reproduced",
        ),
      );
    }
    if (change.change === "downgraded" && change.from && change.to && policy.downgrades !== "off") {
      policyFindings.push(
        policyFinding(
          c,
          "downgrade",
          "low",
          `${c.name} goes back from ${change.from} to ${change.to}`,
          "a version that goes backwards may bring back fixed vulnerabilities and bugs; check that it is intended",
        ),
      );
    }
    const scriptFinding = codeFindings.find((f) => f.purl === c.purl && f.rule === "install-script");
    if (
      policy.installScripts !== "off" &&
      (c.installScript || scriptFinding) &&
      !baseScripted.has(keyOf(c.ecosystem, c.name)) &&
      !policy.allowInstallScripts.some((p) => packagePatternMatches(p, c))
    ) {
      policyFindings.push(
        policyFinding(
          c,
          "new-install-script",
          scriptFinding?.severity === "high" || scriptFinding?.severity === "critical" ? "high" : "medium",
          `${what} runs a script when it is installed`,
          `${change.change === "added" ? "a new package" : "the base's version did not"} ${c.installScript ? "(the lockfile records hasInstallScript)" : "(its package declares one)"}: install scripts run with the installing user's rights on every developer machine and CI runner; allow it with review.allowInstallScripts or approve this version`,
        ),
      );
    }
    if (change.needsApproval) {
      policyFindings.push(
        policyFinding(
          c,
          "approval-required",
          "info",
          `${what} needs an approval`,
          c.version
            ? `review.requireApproval is ${policy.requireApproval}: record one with depwarden approve ${c.purl} --reason "..."`
            : `review.requireApproval is ${policy.requireApproval}, and an approval is for one version: pin an exact version (a lockfile), then approve it`,
        ),
      );
    }
  }
  const nonRegistryFlagged = new Set(
    policyFindings.filter((f) => f.id === "non-registry-source").map((f) => f.purl),
  );
  for (const flag of flags) {
    const c = headByPurl.get(flag.purl);
    if (!c) continue;
    const finding = redFlagFinding(flag, c, policy, nonRegistryFlagged);
    if (finding) policyFindings.push(finding);
  }
  applyIgnores(policyFindings, ignores, now);
  introduced.push(...policyFindings);

  // ---- gate
  const findings: ReviewFinding[] = [
    ...sortFindings(introduced).map((f) => {
      // An approval of the version accepts its new install script (the allow-list does so for every version).
      const comp = f.type === "policy" && f.id === "new-install-script" ? headByPurl.get(f.purl) : undefined;
      const approved = comp ? approvalFor(comp) : undefined;
      const out: ReviewFinding = {
        ...f,
        status: "introduced",
        blocking: false,
        ...(approved ? { approved } : {}),
      };
      out.blocking = blocks(out, policy);
      return out;
    }),
    ...sortFindings(fixed).map((f): ReviewFinding => ({ ...f, status: "fixed", blocking: false })),
  ];
  findings.sort(
    (a, b) =>
      Number(b.blocking) - Number(a.blocking) || Number(a.status === "fixed") - Number(b.status === "fixed"),
  );

  let dependencyOnly: ReviewReport["dependencyOnly"];
  // It applies when dependencies changed: versions or sources, a manifest's dependency fields, install settings
  // or included requirement files (a lockfile whose own version alone was bumped by a release is not that).
  const dependencyEdit =
    diff.length > 0 ||
    flags.length > 0 ||
    changedFiles.dependency.some((p) => !isDependencyFile(p) || isManifest(p));
  if (policy.dependencyOnly.enabled && changedFiles.dependency.length && dependencyEdit) {
    const allow = ignore().add(policy.dependencyOnly.allow);
    const split = changedFiles.other.filter((p) => !isDecisionFile(p) && !allow.ignores(p));
    // A manifest's other fields changed with its dependencies (a root postinstall): code riding along.
    for (const path of changedFiles.dependency) {
      const fields = manifestFields.get(path);
      if (fields && !allow.ignores(path)) split.push(`${path} (${fields.join(", ")})`);
    }
    dependencyOnly = { violated: split.length > 0, split };
  }

  const open = findings.filter((f) => f.status === "introduced" && !f.suppressed && !f.accepted);
  const summary: ReviewSummary = {
    added: changes.filter((c) => c.change === "added").length,
    removed: changes.filter((c) => c.change === "removed").length,
    upgraded: changes.filter((c) => c.change === "upgraded").length,
    downgraded: changes.filter((c) => c.change === "downgraded").length,
    direct: changes.filter((c) => c.direct).length,
    introduced: open.length,
    fixed: findings.filter((f) => f.status === "fixed").length,
    blocking: findings.filter((f) => f.blocking).length,
    approved: changes.filter((c) => c.approval).length,
    unapproved: changes.filter((c) => c.needsApproval).length,
    inspected: changes.filter((c) => c.inspected).length,
  };
  const reasons = reasonsOf(findings, policy, dependencyOnly);
  const allErrors = [...baseErrors, ...headErrors, ...errors];
  if (allErrors.length) {
    const files = [...new Set(allErrors.map((e) => e.file))];
    reasons.unshift(
      `the review is incomplete: ${plural(files.length, "input")} could not be read (${files.slice(0, 3).join(", ")}${files.length > 3 ? ", …" : ""})`,
    );
  }

  return {
    base: { rev: o.base, commit: baseCommit },
    head: { rev: o.head ?? null, commit: headId ?? null },
    path: sub,
    inventory: {
      ...head,
      errors: allErrors,
      warnings: [...base.warnings, ...head.warnings, ...warnings, ...config.warnings],
    },
    database: headScan.database,
    policy,
    configFiles: [...config.files, ...approvalFiles(headSide, o)],
    changes,
    changedFiles,
    ...(dependencyOnly ? { dependencyOnly } : {}),
    findings,
    approvalsAdded,
    summary,
    verdict: allErrors.length ? "incomplete" : reasons.length ? "fail" : "pass",
    reasons,
    ...(typosquat ? { typosquat } : {}),
    ...(contents ? { contents } : {}),
    notes,
  };
}

/** Manifest fields (dotted paths) that declare dependencies or how they are resolved and installed. */
const DEPENDENCY_PATHS: Record<string, ReadonlySet<string>> = {
  "package.json": new Set([
    "dependencies",
    "devDependencies",
    "optionalDependencies",
    "peerDependencies",
    "peerDependenciesMeta",
    "bundleDependencies",
    "bundledDependencies",
    "overrides",
    "resolutions",
    "pnpm",
    "packageManager",
    "engines",
    "workspaces",
  ]),
  "pyproject.toml": new Set([
    "project.dependencies",
    "project.optional-dependencies",
    "project.requires-python",
    "dependency-groups",
    "build-system",
    "tool.poetry.dependencies",
    "tool.poetry.dev-dependencies",
    "tool.poetry.group",
    "tool.poetry.source",
    "tool.uv",
    "tool.pdm.dev-dependencies",
    "tool.pdm.resolution",
    "tool.pdm.source",
  ]),
};

/** Files that steer what gets installed without being read by an extractor. */
const COMPANION =
  /(^|\/)(requirements[^/]*\.in|[^/]*constraints[^/]*\.txt|pnpm-workspace\.yaml|\.yarnrc(\.yml)?|\.npmrc|pip\.conf)$/;

/** Companions that say where packages come from and whether their scripts run: their edits are noted. */
const INSTALL_SETTINGS = /(^|\/)(\.yarnrc(\.yml)?|\.npmrc|pip\.conf|pnpm-workspace\.yaml)$/;

/** A package.json or pyproject.toml: in `changedFiles.dependency` only when its dependency fields changed. */
function isManifest(path: string): boolean {
  const name = path.split("/").pop()!;
  return name in DEPENDENCY_PATHS;
}

function isDependencyCompanion(path: string): boolean {
  return COMPANION.test(path);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * How a package.json or pyproject.toml changed between base and head: whether a dependency field did, and which
 * other fields did (dotted paths, sorted). Undefined for another file, or when either side does not parse (the
 * inventory reports a broken manifest).
 */
function manifestChange(
  repo: string,
  base: string,
  head: string | undefined,
  path: string,
): { dependency: boolean; other: string[] } | undefined {
  const kind = path.split("/").pop()!;
  const deps = DEPENDENCY_PATHS[kind];
  if (!deps) return undefined;
  const parse = (bytes: Buffer | undefined): Record<string, unknown> | undefined => {
    if (!bytes) return undefined;
    try {
      const text = bytes.toString("utf8");
      const v: unknown = kind === "package.json" ? JSON.parse(text) : parseToml(text);
      return isPlainObject(v) ? v : undefined;
    } catch {
      return undefined;
    }
  };
  const was = readFileAt(repo, base, path);
  const now = head !== undefined ? readFileAt(repo, head, path) : (readWorkTreeFile(repo, path) ?? undefined);
  // A manifest added or deleted is a project's dependencies coming or going: a dependency file, nothing to split.
  if (!was || !now) return { dependency: true, other: [] };
  const before = parse(was);
  const after = parse(now);
  if (!before || !after) return undefined;
  let dependency = false;
  const other: string[] = [];
  const walk = (a: unknown, b: unknown, at: string, depth: number) => {
    if (deps.has(at)) {
      if (JSON.stringify(a) !== JSON.stringify(b)) dependency = true;
      return;
    }
    // Descend where a dependency table may be nested (tool.poetry.dependencies); compare whole below that.
    // A table on one side only (`[tool.uv.sources]` added where there was no `[tool]`) is walked against nothing.
    const ta = a === undefined ? {} : a;
    const tb = b === undefined ? {} : b;
    if (depth < 3 && isPlainObject(ta) && isPlainObject(tb)) {
      for (const k of [...new Set([...Object.keys(ta), ...Object.keys(tb)])])
        walk(ta[k], tb[k], at ? `${at}.${k}` : k, depth + 1);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) other.push(at);
  };
  walk(before, after, "", 0);
  return { dependency, other: other.sort() };
}

function approvalFiles(side: Side, o: ReviewOptions): string[] {
  if (o.approvals) return [o.approvals];
  return [...new Set(side.approvals.map((a) => a.source))];
}

function addSummaries(a: DeepSummary | undefined, b: DeepSummary): DeepSummary {
  if (!a) return b;
  return {
    packages: a.packages + b.packages,
    files: a.files + b.files,
    sourceFiles: a.sourceFiles + b.sourceFiles,
    sourceBytes: a.sourceBytes + b.sourceBytes,
  };
}

function redFlagFinding(
  flag: RedFlag,
  c: Component,
  policy: ReviewPolicy,
  nonRegistryFlagged: Set<string>,
): Finding | undefined {
  switch (flag.kind) {
    case "integrity-changed":
      return policy.integrity === "off"
        ? undefined
        : policyFinding(
            c,
            "integrity-changed",
            "high",
            `${c.name} ${c.version}: integrity hash changed`,
            flag.detail,
          );
    case "resolved-host-changed":
      return policy.integrity === "off"
        ? undefined
        : policyFinding(
            c,
            "resolved-host-changed",
            "medium",
            `${c.name} ${c.version}: download host changed`,
            flag.detail,
          );
    case "non-registry-source-changed":
      if (policy.nonRegistrySources === "off" || nonRegistryFlagged.has(c.purl)) return undefined;
      return policyFinding(
        c,
        "non-registry-source",
        "medium",
        `${c.name}: its git, URL or path source changed`,
        flag.detail,
      );
    default:
      if (policy.nonRegistrySources === "off" || nonRegistryFlagged.has(c.purl)) return undefined;
      return policyFinding(
        c,
        "non-registry-source",
        "medium",
        `${c.name} moved to a non-registry source`,
        flag.detail,
      );
  }
}

const ACTION_OF: Record<PolicyRule, keyof ReviewPolicy | undefined> = {
  "denied-package": undefined,
  "new-install-script": "installScripts",
  "non-registry-source": "nonRegistrySources",
  unpinned: "unpinned",
  "integrity-changed": "integrity",
  "resolved-host-changed": "integrity",
  downgrade: "downgrades",
  "approval-required": undefined,
};

/** Does this introduced finding fail the review under the policy? */
export function blocks(f: ReviewFinding, policy: ReviewPolicy): boolean {
  if (f.status !== "introduced" || f.suppressed || f.accepted || f.approved) return false;
  switch (f.type) {
    case "malicious-package":
      return true;
    case "vulnerability":
      return failsGate(f, policy.failOn);
    case "typosquat":
      return policy.typosquats === "fail";
    case "malicious-code":
    case "install-script":
      return policy.maliciousCode === "fail" && failsGate(f, policy.failOn);
    case "policy": {
      const action = ACTION_OF[f.id as PolicyRule];
      return action === undefined ? true : policy[action] === "fail";
    }
    default:
      return false;
  }
}

const REASON: Record<string, (n: number, policy: ReviewPolicy) => string> = {
  "malicious-package": (n) => `${plural(n, "known malicious package")} added`,
  vulnerability: (n, p) =>
    `${plural(n, "vulnerability", "vulnerabilities")} introduced at or above ${p.failOn}`,
  typosquat: (n) =>
    `${plural(n, "new name")} that ${n === 1 ? "looks" : "look"} like a popular package (typosquat)`,
  "malicious-code": (n, p) => `${plural(n, "package-contents finding")} at or above ${p.failOn}`,
  "install-script": (n, p) =>
    `${plural(n, "install-script finding")} in package contents at or above ${p.failOn}`,
  "denied-package": (n) => `${plural(n, "denied package")} (review.deny)`,
  "new-install-script": (n) => `${plural(n, "new install script")}`,
  "non-registry-source": (n) => `${plural(n, "dependency", "dependencies")} from a git, URL or local source`,
  unpinned: (n) => `${plural(n, "dependency", "dependencies")} without an exact version`,
  "integrity-changed": (n) => `${plural(n, "package")} whose integrity hash changed for the same version`,
  "resolved-host-changed": (n) => `${plural(n, "package")} now downloaded from another host`,
  downgrade: (n) => `${plural(n, "downgrade")}`,
  "approval-required": (n) => `${plural(n, "change")} without the approval review.requireApproval asks for`,
};

const REASON_ORDER = Object.keys(REASON);

function reasonsOf(
  findings: ReviewFinding[],
  policy: ReviewPolicy,
  dependencyOnly: ReviewReport["dependencyOnly"],
): string[] {
  const counts = new Map<string, number>();
  for (const f of findings) {
    if (!f.blocking) continue;
    const k = f.type === "policy" ? f.id : f.type;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const out = [...counts.keys()]
    .sort((a, b) => REASON_ORDER.indexOf(a) - REASON_ORDER.indexOf(b))
    .map((k) => REASON[k]?.(counts.get(k)!, policy) ?? `${counts.get(k)} ${k}`);
  if (dependencyOnly?.violated) {
    const short = (p: string) => (p.length > 120 ? `${p.slice(0, 60)}…${p.slice(-59)}` : p);
    const shown = dependencyOnly.split.slice(0, 5).map(short).join(", ");
    const more = dependencyOnly.split.length - 5;
    out.push(
      `dependency files changed together with other files: move ${shown}${more > 0 ? ` and ${more} more` : ""} into their own pull request (review.dependencyOnly)`,
    );
  }
  return out;
}

/**
 * `--packages DIR`: the archives in DIR (tarballs, wheels, sdists, not recursing) that are a changed package at
 * the head's version, each read with the archive limits and analysed by the package-contents rules.
 */
async function inspectArchives(
  dir: string,
  components: Component[],
  accepts: ProjectConfig["accepts"],
  now: Date,
  cwd: string,
): Promise<{
  findings: Finding[];
  warnings: InventoryError[];
  errors: InventoryError[];
  inspected: string[];
  summary: DeepSummary;
}> {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory())
      throw new InputError(dir, "--packages expects a directory of tarballs and wheels");
    names = readdirSync(dir).sort();
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(
      dir,
      `cannot read the --packages directory (${(e as NodeJS.ErrnoException).code ?? e})`,
    );
  }
  const { readPackage } = await import("../analysis/code/archive.js");
  const { inspectContents } = await import("../analysis/code/inspect.js");
  const findings: Finding[] = [];
  const warnings: InventoryError[] = [];
  const errors: InventoryError[] = [];
  const inspected: string[] = [];
  const summary: DeepSummary = { packages: 0, files: 0, sourceFiles: 0, sourceBytes: 0 };
  for (const name of names) {
    const path = join(dir, name);
    if (!ARCHIVE.test(name)) continue;
    try {
      if (!statSync(path).isFile()) continue;
    } catch {
      continue;
    }
    // Named after a package this change does not bring in (npm pack's `name-1.2.3.tgz`, a wheel, an sdist):
    // not opened, so an unrelated broken archive cannot make the review incomplete.
    const named = nameFromFileName(name);
    if (named && !components.some((c) => named(c))) continue;
    const shown = displayPath(path, cwd);
    let contents: Awaited<ReturnType<typeof readPackage>>;
    try {
      contents = await readPackage(path);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      errors.push({ file: shown, message: e.detail });
      continue;
    }
    const { ecosystem, name: pkgName, version } = contents;
    if (!ecosystem || !pkgName || !version) {
      warnings.push({ file: shown, message: "not analysed: cannot tell which package and version this is" });
      continue;
    }
    const c = components.find(
      (x) =>
        x.ecosystem === ecosystem &&
        nameKey(ecosystem, x.name) === nameKey(ecosystem, pkgName) &&
        x.version !== null &&
        sameVersion(ecosystem, x.version, version),
    );
    if (!c) continue; // not a package this change brings in
    const result = await inspectContents(contents, { accepts, now });
    summary.packages++;
    summary.files += result.files;
    summary.sourceFiles += result.sourceFiles;
    summary.sourceBytes += result.sourceBytes;
    inspected.push(c.purl);
    const pkg = { ecosystem: c.ecosystem, name: c.name, version: c.version!, purl: c.purl };
    for (const f of result.findings) findings.push(codeFinding(pkg, shown, f, c));
    for (const s of result.skipped) warnings.push({ file: shown, message: `${s.path}: ${s.reason}` });
    for (const e of result.errors)
      errors.push({ file: shown, message: `${e.file}: not analysed: ${e.message}` });
  }
  return { findings, warnings, errors, inspected, summary };
}

/**
 * A test of "is this component the package this archive's file name names", or undefined when the name says
 * nothing: `npm pack` writes `name-1.2.3.tgz` (`scope-name-1.2.3.tgz` for `@scope/name`); wheels, eggs and
 * sdists follow their PEPs.
 */
function nameFromFileName(file: string): ((c: Component) => boolean) | undefined {
  // Either ecosystem may name a `.tgz` or `.tar.gz` this way: the archive is skipped only if neither reading of
  // its name is a changed package.
  const npm = /^(.+)-(\d+\.\d+\.\d+(?:[-+][^/]*)?)\.(?:tgz|tar\.gz)$/.exec(file);
  const kind = /\.(whl|egg)$/i.test(file) ? "wheel" : "sdist";
  const dist = distributionFromFileName(file, kind);
  if (!npm && !dist) return undefined;
  return (c) =>
    (npm !== null &&
      c.ecosystem === "npm" &&
      c.name.replace(/^@/, "").replace("/", "-") === npm[1] &&
      c.version === npm[2]) ||
    (dist !== undefined &&
      c.ecosystem === "PyPI" &&
      nameKey("PyPI", c.name) === nameKey("PyPI", dist.name) &&
      c.version !== null &&
      sameVersion("PyPI", c.version, dist.version));
}

/** 0: the review passes; 1: it fails under the policy; 2: an input could not be read (the review is incomplete). */
export function reviewExitCode(report: ReviewReport): number {
  if (report.inventory.errors.length) return 2;
  return report.verdict === "fail" ? 1 : 0;
}
