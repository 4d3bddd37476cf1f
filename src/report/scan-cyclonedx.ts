/**
 * The scan report as CycloneDX 1.6 JSON: the same BOM as `depwarden sbom` plus one `vulnerabilities` entry per
 * advisory finding (a VEX-capable BOM), built with the CycloneDX library's models. Typosquat findings become
 * properties of their component; package-contents findings (`--deep`) are left out and only counted (they are
 * not advisories: see docs/scan-formats.md for why, the mapping, and why an ignored finding is `in_triage`).
 * Deterministic: same report, same bytes.
 */
import { Enums, Models } from "@cyclonedx/cyclonedx-library";
import type { CvssInfo, Finding, ScanReport } from "../analysis/finding.js";
import { sortFindings } from "../analysis/scan.js";
import {
  bomRefOf,
  buildCycloneDxBom,
  type SbomOptions,
  serializeCycloneDxBom,
  uuidOfLines,
} from "./cyclonedx.js";
import { oneLine, osvUrl, packageLabel, remedy, safeHttpUrl, where } from "./scan-markdown.js";

const OSV = "OSV";

/** Where an alias is published: NVD for CVEs, GitHub's database for GHSAs, osv.dev for every other id. */
export function aliasSource(id: string): Models.Vulnerability.Source {
  if (/^CVE-\d+-\d+$/.test(id)) {
    return new Models.Vulnerability.Source({ name: "NVD", url: `https://nvd.nist.gov/vuln/detail/${id}` });
  }
  if (/^GHSA(-[0-9a-z]{4}){3}$/.test(id)) {
    return new Models.Vulnerability.Source({ name: "GitHub", url: `https://github.com/advisories/${id}` });
  }
  return new Models.Vulnerability.Source({ name: OSV, url: osvUrl(id) });
}

/** The CycloneDX rating method of a CVSS version (`3.1`, `3.0`, `4.0`, `2.0`), from the vector if need be. */
export function ratingMethodOf(cvss: CvssInfo): Enums.Vulnerability.RatingMethod {
  const version = cvss.version || /^CVSS:(\d\.\d)\//.exec(cvss.vector)?.[1] || "";
  if (version.startsWith("4")) return Enums.Vulnerability.RatingMethod.CVSSv4;
  if (version === "3.1") return Enums.Vulnerability.RatingMethod.CVSSv31;
  if (version.startsWith("3")) return Enums.Vulnerability.RatingMethod.CVSSv3;
  if (version.startsWith("2")) return Enums.Vulnerability.RatingMethod.CVSSv2;
  return Enums.Vulnerability.RatingMethod.Other;
}

/** The qualitative rating of a base score, as the CVSS specification of that version bands it. */
export function cvssSeverity(cvss: CvssInfo): Enums.Vulnerability.Severity {
  const s = cvss.score;
  const S = Enums.Vulnerability.Severity;
  if (ratingMethodOf(cvss) === Enums.Vulnerability.RatingMethod.CVSSv2) {
    return s >= 7 ? S.High : s >= 4 ? S.Medium : S.Low;
  }
  return s >= 9 ? S.Critical : s >= 7 ? S.High : s >= 4 ? S.Medium : s > 0 ? S.Low : S.None;
}

const SEVERITY: Record<Finding["severity"], Enums.Vulnerability.Severity> = {
  critical: Enums.Vulnerability.Severity.Critical,
  high: Enums.Vulnerability.Severity.High,
  medium: Enums.Vulnerability.Severity.Medium,
  low: Enums.Vulnerability.Severity.Low,
  info: Enums.Vulnerability.Severity.Info,
  unknown: Enums.Vulnerability.Severity.Unknown,
};

function ratingsOf(f: Finding): Models.Vulnerability.Rating[] {
  const ratings: Models.Vulnerability.Rating[] = [];
  if (f.type === "malicious-package") {
    ratings.push(
      new Models.Vulnerability.Rating({
        severity: Enums.Vulnerability.Severity.Critical,
        method: Enums.Vulnerability.RatingMethod.Other,
        justification: "Known malicious package: rated critical whatever the advisory says.",
      }),
    );
  }
  if (f.cvss) {
    ratings.push(
      new Models.Vulnerability.Rating({
        method: ratingMethodOf(f.cvss),
        score: f.cvss.score,
        severity: cvssSeverity(f.cvss),
        vector: f.cvss.vector,
      }),
    );
  } else if (f.type !== "malicious-package") {
    // The database's own rating, or `unknown` said in so many words.
    ratings.push(new Models.Vulnerability.Rating({ severity: SEVERITY[f.severity] }));
  }
  return ratings;
}

function description(f: Finding): string {
  const summary = f.summary.trim();
  if (f.type === "malicious-package") {
    return (
      `Known malicious package: ${packageLabel(f)} is listed as malicious by ${f.id}. Remove it.` +
      (summary ? ` ${summary}` : "")
    );
  }
  return summary || f.id;
}

/**
 * An unexpired ignore entry is a time-boxed decision with a free-text reason, not a finding that the component is
 * unaffected (`not_affected` needs a justification depwarden cannot know) nor that it is exploitable: it is
 * recorded as `in_triage`, with the entry in `detail`, and VEX readers keep counting the vulnerability.
 */
function analysisOf(f: Finding): Models.Vulnerability.Analysis | undefined {
  const s = f.suppressed;
  if (!s) return undefined;
  return new Models.Vulnerability.Analysis({
    state: Enums.Vulnerability.AnalysisState.InTriage,
    detail:
      `Ignored (as ${s.id}) by ${where(s)} until ${s.expires}` +
      (s.approvedBy ? `, approved by ${s.approvedBy}` : "") +
      `: ${oneLine(s.reason)}`,
  });
}

function vulnerabilityOf(
  f: Finding,
  componentRefs: Map<string, Models.BomRef>,
): Models.Vulnerability.Vulnerability {
  const ref = bomRefOf(f.purl);
  const v = new Models.Vulnerability.Vulnerability({
    bomRef: `depwarden:vulnerability:${f.id}:${ref}`,
    id: f.id,
    // The database that publishes the id (Dependency-Track matches VEX entries on source and id).
    source: aliasSource(f.id),
    description: description(f),
    recommendation: `${remedy(f)}.`,
    analysis: analysisOf(f),
  });
  for (const alias of f.aliases)
    v.references.add(new Models.Vulnerability.Reference(alias, aliasSource(alias)));
  for (const r of ratingsOf(f)) v.ratings.add(r);
  const seen = new Set<string>();
  for (const r of f.references) {
    const url = safeHttpUrl(r);
    if (url && !seen.has(url)) {
      seen.add(url);
      v.advisories.add(new Models.Vulnerability.Advisory(url));
    }
  }
  const affect = new Models.Vulnerability.Affect(componentRefs.get(ref) ?? new Models.BomRef(ref));
  affect.versions.add(
    new Models.Vulnerability.AffectedSingleVersion(f.version, {
      status: Enums.Vulnerability.AffectStatus.Affected,
    }),
  );
  v.affects.add(affect);
  const prop = (name: string, value: string): void => {
    v.properties.add(new Models.Property(`depwarden:${name}`, value));
  };
  prop("type", f.type);
  prop("severity", f.severity);
  prop("direct", String(f.direct));
  if (f.fixedIn) prop("fixedIn", f.fixedIn);
  if (f.suppressed) {
    prop("suppressed:expires", f.suppressed.expires);
    if (f.suppressed.approvedBy) prop("suppressed:approvedBy", f.suppressed.approvedBy);
  }
  if (f.expiredSuppression) {
    const e = f.expiredSuppression;
    prop("ignoreExpired", `${where(e)} expired ${e.expires}: ${oneLine(e.reason)}`);
  }
  return v;
}

/**
 * Lines the serial number is derived from: the components and, for each finding, what it says, so that the
 * same inventory scanned against other advisories (or with other ignores) is a different BOM from the plain
 * SBOM and from each other.
 */
function identityLines(report: ScanReport, findings: Finding[]): string[] {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const lines = report.inventory.components.map((c) => c.purl).sort(cmp);
  lines.push("vulnerabilities");
  for (const f of findings) {
    // package-contents findings are not in the BOM: they do not make it another BOM
    if (f.type === "malicious-code" || f.type === "install-script") continue;
    lines.push(
      [
        f.id,
        f.purl,
        f.severity,
        f.fixedIn ?? "",
        f.suppressed ? `suppressed:${f.suppressed.expires}` : "",
      ].join(" "),
    );
  }
  return lines;
}

export function formatScanCycloneDx(report: ScanReport, options: SbomOptions): string {
  const bom = buildCycloneDxBom(report.inventory, options);
  const findings = sortFindings([...report.findings]);
  bom.serialNumber = `urn:uuid:${uuidOfLines(identityLines(report, findings), options.timestamp)}`;
  const db = report.database;
  const meta = (name: string, value: string): void => {
    bom.metadata.properties.add(new Models.Property(`depwarden:${name}`, value));
  };
  meta("advisories:source", db.source);
  meta("advisories:count", String(db.advisories));
  if (db.updatedAt) meta("advisories:updatedAt", db.updatedAt);
  meta("failOn", report.failOn);

  const s = report.summary;
  if (report.typosquat) meta("typosquats", String(s.typosquats));
  if (report.deep) {
    // Not CycloneDX vulnerabilities: counted here so that a reader of the BOM knows the scan found them.
    meta("omitted:malicious-code", String(s.maliciousCode));
    meta("omitted:install-script", String(s.installScripts));
    meta("omitted:accepted", String(s.accepted));
  }

  const componentRefs = new Map<string, Models.BomRef>();
  const components = new Map<string, Models.Component>();
  for (const c of bom.components) {
    componentRefs.set(c.bomRef.value ?? "", c.bomRef);
    components.set(c.bomRef.value ?? "", c);
  }
  for (const f of findings) {
    if (f.type === "vulnerability" || f.type === "malicious-package") {
      bom.vulnerabilities.add(vulnerabilityOf(f, componentRefs));
    } else if (f.type === "typosquat" && f.imitates) {
      const c = components.get(bomRefOf(f.purl));
      if (!c) continue;
      const prop = (name: string, value: string): void => {
        c.properties.add(new Models.Property(`depwarden:typosquat:${name}`, value));
      };
      prop("imitates", f.imitates.name);
      prop("technique", f.imitates.technique);
      prop("severity", f.severity);
      if (f.why) prop("why", oneLine(f.why));
      if (f.suppressed) prop("suppressed:expires", f.suppressed.expires);
    }
  }
  return serializeCycloneDxBom(bom);
}
