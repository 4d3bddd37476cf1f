/**
 * The data of `depwarden review` (issue 5): the policy it judges a dependency change by, the approvals it honours,
 * and the report every formatter (table, JSON, Markdown) consumes. See docs/review.md.
 */
import type { DatabaseInfo } from "../advisories/osv.js";
import type { DeepSummary, Finding, PopularListInfo } from "../analysis/finding.js";
import type { FailOn } from "../analysis/scan.js";
import type { Inventory, InventoryError } from "../inventory/model.js";
import type { DependencyChange } from "./diff.js";

// ---------------------------------------------------------------------------------------------------------------
// Policy (`review:` in .depwarden.yaml)

/** What a policy check does with what it finds: fail the review, show it without failing, or not check. */
export type PolicyAction = "fail" | "warn" | "off";

/** A denied package: a name pattern (`*` matches any run of characters, `@evil/*`), or a purl. */
export interface DenyEntry {
  package: string;
  reason?: string;
  /** Display path of the config file and the entry's line. */
  source?: string;
  line?: number;
}

export interface ReviewPolicy {
  /** Introduced vulnerabilities (and package-contents findings) at or above this severity fail (default: scan.failOn, else high). */
  failOn: FailOn;
  /** Typosquat findings on names the change adds (default: fail). */
  typosquats: PolicyAction;
  /** Package-contents findings (`--packages`, `--deep`) at or above `failOn` in changed packages (default: fail). */
  maliciousCode: PolicyAction;
  /** Packages the change adds or changes whose name matches a deny entry always fail. */
  deny: DenyEntry[];
  /** Packages that gain an install script (lockfile `hasInstallScript`, or seen in their contents) (default: fail). */
  installScripts: PolicyAction;
  /** Name patterns (as deny) whose install scripts are accepted. */
  allowInstallScripts: string[];
  /** Added or changed dependencies from a git, URL or local source (default: fail). */
  nonRegistrySources: PolicyAction;
  /** Added or changed dependencies without an exact version (a range in a manifest without a lockfile) (default: fail). */
  unpinned: PolicyAction;
  /** Same name and version with a different integrity digest or download host (default: fail). */
  integrity: PolicyAction;
  /** A version that went backwards (default: warn). */
  downgrades: PolicyAction;
  /**
   * The dependency-only rule (default: off): a change that touches dependency files and other files fails, except
   * for other files matching `allow` (gitignore-style globs, e.g. `CHANGELOG.md`, `docs/**`).
   */
  dependencyOnly: { enabled: boolean; allow: string[] };
  /** Which added/upgraded/downgraded dependencies need a recorded approval (default: none). */
  requireApproval: "none" | "direct" | "all";
}

export const DEFAULT_REVIEW_POLICY: ReviewPolicy = {
  failOn: "high",
  typosquats: "fail",
  maliciousCode: "fail",
  deny: [],
  installScripts: "fail",
  allowInstallScripts: [],
  nonRegistrySources: "fail",
  unpinned: "fail",
  integrity: "fail",
  downgrades: "warn",
  dependencyOnly: { enabled: false, allow: [] },
  requireApproval: "none",
};

// ---------------------------------------------------------------------------------------------------------------
// Approvals (`.depwarden/approvals.yaml`)

/** One recorded approval: who accepted which package version, when, and why. */
export interface Approval {
  /** A purl with a version: the approval is for that version only. */
  purl: string;
  reason: string;
  by: string;
  /** When it was recorded: an ISO 8601 UTC timestamp (`2026-11-24T10:15:00Z`). */
  at: string;
  /** YYYY-MM-DD; the approval holds through the end of that day (UTC). */
  expires?: string;
  /** Display path of the approvals file and the entry's line. */
  source: string;
  line?: number;
}

// ---------------------------------------------------------------------------------------------------------------
// The report

/** The policy checks that are not advisories or package-contents rules: findings of type `policy`. */
export type PolicyRule =
  | "denied-package"
  | "new-install-script"
  | "non-registry-source"
  | "unpinned"
  | "integrity-changed"
  | "resolved-host-changed"
  | "downgrade"
  | "approval-required";

/** A finding of the review: on the head side (`introduced`) or one the change removes (`fixed`). */
export interface ReviewFinding extends Finding {
  status: "introduced" | "fixed";
  /** Fails the review under the policy. Never true for `fixed`, suppressed, accepted or approved findings. */
  blocking: boolean;
  /** For findings an approval covers (new install scripts): the approval. */
  approved?: Approval;
}

export interface ReviewChange extends DependencyChange {
  /**
   * For a transitive change: the direct dependencies of the head (purls, sorted) whose dependency tree, as the
   * lockfile records it, contains it; the changed direct dependencies when any of them does. Empty when the
   * files record no edges, and for direct changes.
   */
  via: string[];
  /** The approval that covers this change (same package, the head's version), when one does. */
  approval?: Approval;
  /** `requireApproval` applies to this change and no valid approval covers it. */
  needsApproval: boolean;
  /** The package's contents were analysed (`--packages`, `--deep`). */
  inspected: boolean;
}

export interface ReviewSummary {
  added: number;
  removed: number;
  upgraded: number;
  downgraded: number;
  /** Changes to direct dependencies (of the head; of the base for removals). */
  direct: number;
  /** Introduced findings (suppressed and accepted ones not counted), and fixed ones. */
  introduced: number;
  fixed: number;
  /** Findings that fail the review. */
  blocking: number;
  /** Changes covered by an approval, and changes that need one and have none. */
  approved: number;
  unapproved: number;
  /** Changes whose package contents were analysed. */
  inspected: number;
}

export interface ReviewReport {
  /** The revision as given, and the commit compared (the merge base of base and head unless --no-merge-base). */
  base: { rev: string; commit: string };
  /** `rev` and `commit` are null when the head is the working tree. */
  head: { rev: string | null; commit: string | null };
  /** The directory reviewed, relative to the repository root (`""`: the whole repository). */
  path: string;
  /**
   * The head's inventory. Its errors and warnings hold both sides': a base-side file is named `<base rev>:<path>`,
   * a head-side file by its path (`<head rev>:<path>` when the head is a commit).
   */
  inventory: Inventory;
  database: DatabaseInfo;
  policy: ReviewPolicy;
  /** `.depwarden.yaml` files and the approvals file read (display paths). */
  configFiles: string[];
  changes: ReviewChange[];
  /** Files the change touches (repository-relative, sorted): dependency files (manifests, lockfiles) and others. */
  changedFiles: { dependency: string[]; other: string[] };
  /** The dependency-only rule, when enabled and the change touches dependency files. */
  dependencyOnly?: {
    violated: boolean;
    /** Other files the change touches that the rule's `allow` globs do not cover: split them out. */
    split: string[];
  };
  /** Blocking first, then as `scan` sorts; introduced before fixed. */
  findings: ReviewFinding[];
  /** Approvals the change itself adds to the approvals file (a reviewer should look at those). */
  approvalsAdded: Approval[];
  summary: ReviewSummary;
  /**
   * `fail` when something blocks or the dependency-only rule is violated; `incomplete` when an input could not be
   * read (exit 2: what was not compared cannot pass).
   */
  verdict: "pass" | "fail" | "incomplete";
  /** One line per reason the review fails (empty when it passes). */
  reasons: string[];
  typosquat?: { lists: PopularListInfo[] };
  /** Package contents analysed for the changed packages (`--packages`, `--deep`). */
  contents?: DeepSummary;
  /** Remarks of the review itself (a policy file changed by the change, contents not found); shown as warnings. */
  notes: InventoryError[];
}
