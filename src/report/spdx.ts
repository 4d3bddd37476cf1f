/**
 * The inventory as an SPDX 2.3 JSON document (https://spdx.github.io/spdx-spec/v2.3/). Deterministic: `created`
 * is 1970-01-01T00:00:00Z unless a timestamp is asked for (`depwarden sbom --timestamp`), the namespace comes
 * from a hash of the content, packages are in purl order and relationships in a fixed order.
 */
import type { Component, Inventory } from "../inventory/model.js";
import { TOOL_NAME } from "../version.js";
import { contentUuid, type SbomOptions } from "./cyclonedx.js";

export const SPDX_PROJECT_ID = "SPDXRef-Project";
const NOASSERTION = "NOASSERTION";

const CHECKSUM_ALG: Record<string, string> = {
  md5: "MD5",
  sha1: "SHA1",
  sha256: "SHA256",
  sha384: "SHA384",
  sha512: "SHA512",
};

interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  supplier: string;
  downloadLocation: string;
  filesAnalyzed: false;
  checksums?: { algorithm: string; checksumValue: string }[];
  sourceInfo?: string;
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  externalRefs?: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
  primaryPackagePurpose: string;
}

interface Relationship {
  spdxElementId: string;
  relationshipType: string;
  relatedSpdxElement: string;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SPDX timestamps are `YYYY-MM-DDThh:mm:ssZ` (clause 6.9), without fractions of a second. */
function spdxTime(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, "Z");
}

/** An SPDX idstring: letters, digits, `.` and `-` only (clause 3.2). */
function idPart(s: string): string {
  return s.replace(/[^A-Za-z0-9.-]+/g, "-").replace(/^-+|-+$/g, "") || "x";
}

/** Download locations are URLs (optionally `git+…`); anything else (a local path) is NOASSERTION. */
function downloadLocation(resolved: string | undefined): string {
  return resolved && /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/.test(resolved) ? resolved : NOASSERTION;
}

function toPackage(c: Component, id: string): SpdxPackage {
  const checksums: { algorithm: string; checksumValue: string }[] = [];
  for (const h of c.hashes) {
    const colon = h.indexOf(":");
    const alg = colon > 0 ? CHECKSUM_ALG[h.slice(0, colon)] : undefined;
    const hex = h.slice(colon + 1);
    if (alg && /^[0-9a-f]+$/.test(hex)) checksums.push({ algorithm: alg, checksumValue: hex });
  }
  const sources = c.sources.map((s) => (s.line ? `${s.file}:${s.line}` : s.file));
  return {
    SPDXID: id,
    name: c.name,
    // Without a version, the range (as GitHub's export does); the purl then has no version.
    ...(c.version !== null
      ? { versionInfo: c.version }
      : c.unpinned?.kind === "range"
        ? { versionInfo: c.unpinned.spec }
        : {}),
    // NTIA minimum element "supplier name": depwarden does not know it, and says so (clause 7.5).
    supplier: NOASSERTION,
    downloadLocation: downloadLocation(c.resolved),
    filesAnalyzed: false,
    ...(checksums.length ? { checksums } : {}),
    ...(sources.length ? { sourceInfo: `found by ${TOOL_NAME} in ${sources.join(", ")}` } : {}),
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    copyrightText: NOASSERTION,
    externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: c.purl }],
    primaryPackagePurpose: "LIBRARY",
  };
}

export function toSpdxJson(inventory: Inventory, options: SbomOptions): string {
  const components = [...inventory.components].sort((a, b) => cmp(a.purl, b.purl));
  const uuid = contentUuid(inventory, options.timestamp);

  // Unique ids: the purl's ecosystem, name and version made into an idstring, numbered when two collide.
  const ids = new Map<string, string>();
  const used = new Set<string>([SPDX_PROJECT_ID]);
  for (const c of components) {
    const base = `SPDXRef-Package-${c.ecosystem === "PyPI" ? "pypi" : "npm"}-${idPart(c.name)}${c.version !== null ? `-${idPart(c.version)}` : ""}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    ids.set(c.purl, id);
  }

  const root: SpdxPackage = {
    SPDXID: SPDX_PROJECT_ID,
    name: options.projectName,
    supplier: NOASSERTION,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    licenseConcluded: NOASSERTION,
    licenseDeclared: NOASSERTION,
    copyrightText: NOASSERTION,
    primaryPackagePurpose: "APPLICATION",
  };

  const relationships: Relationship[] = [
    { spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: SPDX_PROJECT_ID },
  ];
  // The project's direct dependencies, one relationship per scope: DEPENDS_ON for runtime ones, and the
  // reverse DEV_/OPTIONAL_DEPENDENCY_OF, or PREREQUISITE_FOR (as `npm sbom` writes peer dependencies).
  for (const c of components) {
    if (!c.direct) continue;
    const id = ids.get(c.purl)!;
    const scopes = c.scopes.length ? c.scopes : ["prod"];
    for (const s of scopes) {
      if (s === "prod") {
        relationships.push({
          spdxElementId: SPDX_PROJECT_ID,
          relationshipType: "DEPENDS_ON",
          relatedSpdxElement: id,
        });
      } else {
        const type =
          s === "dev"
            ? "DEV_DEPENDENCY_OF"
            : s === "optional"
              ? "OPTIONAL_DEPENDENCY_OF"
              : "PREREQUISITE_FOR";
        relationships.push({
          spdxElementId: id,
          relationshipType: type,
          relatedSpdxElement: SPDX_PROJECT_ID,
        });
      }
    }
  }
  for (const c of components) {
    const id = ids.get(c.purl)!;
    for (const d of [...c.dependencies].sort(cmp)) {
      const target = ids.get(d);
      if (target && target !== id) {
        relationships.push({ spdxElementId: id, relationshipType: "DEPENDS_ON", relatedSpdxElement: target });
      }
    }
  }

  const doc = {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: options.projectName,
    documentNamespace: `https://spdx.org/spdxdocs/${TOOL_NAME}/${encodeURIComponent(options.projectName)}-${uuid}`,
    creationInfo: {
      created: spdxTime(options.timestamp ?? new Date(0)),
      creators: [`Tool: ${TOOL_NAME}-${options.toolVersion}`],
    },
    packages: [root, ...components.map((c) => toPackage(c, ids.get(c.purl)!))],
    relationships,
  };
  return JSON.stringify(doc, null, 2);
}
