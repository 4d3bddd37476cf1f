/**
 * The JSON contract of `depwarden review`: the contract of `scan` (inventory, database, gate, config, findings,
 * summary) plus what the dependency change is (base, head, changes, changed files) and how the policy judged it.
 * Objects the review builds are written key by key, so the key order is fixed whatever order they were built in.
 */
import type { Approval, ReviewChange, ReviewFinding, ReviewPolicy, ReviewReport } from "../review/model.js";
import { inventoryDocument } from "./inventory-json.js";
import { findingJson } from "./scan-json.js";

export function approvalJson(a: Approval): Record<string, unknown> {
  return {
    purl: a.purl,
    reason: a.reason,
    by: a.by,
    at: a.at,
    ...(a.expires ? { expires: a.expires } : {}),
    source: a.source,
    ...(a.line ? { line: a.line } : {}),
  };
}

function policyJson(p: ReviewPolicy): Record<string, unknown> {
  return {
    failOn: p.failOn,
    typosquats: p.typosquats,
    maliciousCode: p.maliciousCode,
    deny: p.deny.map((d) => ({
      package: d.package,
      ...(d.reason ? { reason: d.reason } : {}),
      ...(d.source ? { source: d.source } : {}),
      ...(d.line ? { line: d.line } : {}),
    })),
    installScripts: p.installScripts,
    allowInstallScripts: p.allowInstallScripts,
    nonRegistrySources: p.nonRegistrySources,
    unpinned: p.unpinned,
    integrity: p.integrity,
    downgrades: p.downgrades,
    dependencyOnly: { enabled: p.dependencyOnly.enabled, allow: p.dependencyOnly.allow },
    requireApproval: p.requireApproval,
  };
}

function changeJson(c: ReviewChange): Record<string, unknown> {
  return {
    purl: c.purl,
    change: c.change,
    from: c.from,
    to: c.to,
    direct: c.direct,
    ecosystem: c.ecosystem,
    name: c.name,
    via: c.via,
    ...(c.addedAs ? { addedAs: c.addedAs } : {}),
    ...(c.approval ? { approval: approvalJson(c.approval) } : {}),
    needsApproval: c.needsApproval,
    inspected: c.inspected,
  };
}

function reviewFindingJson(f: ReviewFinding): Record<string, unknown> {
  return {
    ...findingJson(f),
    status: f.status,
    blocking: f.blocking,
    ...(f.approved ? { approved: approvalJson(f.approved) } : {}),
  };
}

export function reviewDocument(report: ReviewReport): Record<string, unknown> {
  const s = report.summary;
  return {
    ...inventoryDocument(report.inventory),
    database: report.database,
    failOn: report.policy.failOn,
    config: { files: report.configFiles },
    // Which supply-chain checks ran (absent: off), as in scan.
    ...(report.typosquat ? { typosquat: report.typosquat } : {}),
    base: { rev: report.base.rev, commit: report.base.commit },
    head: { rev: report.head.rev, commit: report.head.commit },
    path: report.path,
    policy: policyJson(report.policy),
    changes: report.changes.map(changeJson),
    changedFiles: { dependency: report.changedFiles.dependency, other: report.changedFiles.other },
    ...(report.dependencyOnly
      ? { dependencyOnly: { violated: report.dependencyOnly.violated, split: report.dependencyOnly.split } }
      : {}),
    findings: report.findings.map(reviewFindingJson),
    approvalsAdded: report.approvalsAdded.map(approvalJson),
    ...(report.contents ? { contents: report.contents } : {}),
    summary: {
      added: s.added,
      removed: s.removed,
      upgraded: s.upgraded,
      downgraded: s.downgraded,
      direct: s.direct,
      introduced: s.introduced,
      fixed: s.fixed,
      blocking: s.blocking,
      approved: s.approved,
      unapproved: s.unapproved,
      inspected: s.inspected,
    },
    verdict: report.verdict,
    reasons: report.reasons,
    notes: report.notes,
  };
}

export function formatReviewJson(report: ReviewReport): string {
  return `${JSON.stringify(reviewDocument(report), null, 2)}\n`;
}
