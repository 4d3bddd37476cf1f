/**
 * SPDX 2.2 / 2.3 JSON documents (written by `npm sbom`, syft, GitHub's dependency graph export, trivy …).
 * https://spdx.github.io/spdx-spec/v2.3/ — packages with a purl external reference (clause 7.21, Annex F),
 * versionInfo, checksums, downloadLocation; relationships (clause 11) give edges, scopes and, from the
 * described root package, which packages are direct.
 */
import { z } from "zod";
import { InputError } from "../../errors.js";
import type { FileExtractor, FileInput } from "../extractor.js";
import { jsonObjectLines, jsonPath } from "../json-lines.js";
import type { Ecosystem, ExtractedPackage, ExtractResult, Scope } from "../model.js";
import { SCOPES } from "../model.js";
import { formatPath, isRecord, parseJson, validate } from "../text.js";
import { extractCycloneDxData } from "./cyclonedx.js";
import { type PurlPackage, pinVersion, readPurl, SkipCounter, writtenName } from "./purls.js";

const Package = z.object({
  SPDXID: z.string(),
  name: z.string().optional(),
  versionInfo: z.string().optional(),
  downloadLocation: z.string().optional(),
  primaryPackagePurpose: z.string().optional(),
  checksums: z.array(z.object({ algorithm: z.string(), checksumValue: z.string() })).optional(),
  externalRefs: z
    .array(
      z.object({
        referenceCategory: z.string(),
        referenceType: z.string(),
        referenceLocator: z.string(),
      }),
    )
    .optional(),
});

const Document = z.object({
  SPDXID: z.string().optional(),
  documentDescribes: z.array(z.string()).optional(),
  packages: z.array(Package).optional(),
  relationships: z
    .array(
      z.object({
        spdxElementId: z.string(),
        relationshipType: z.string(),
        relatedSpdxElement: z.string(),
      }),
    )
    .optional(),
});

type SpdxDocument = z.infer<typeof Document>;

const optString = (v: unknown): boolean => v === undefined || typeof v === "string";
const stringArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === "string");

/** The fields this reader uses have the types the schema gives: a fast check of every entry. */
function documentShapeOk(d: Record<string, unknown>): d is Record<string, unknown> & SpdxDocument {
  if (!optString(d.SPDXID)) return false;
  if (d.documentDescribes !== undefined && !stringArray(d.documentDescribes)) return false;
  if (d.packages !== undefined) {
    if (!Array.isArray(d.packages)) return false;
    for (const p of d.packages) {
      if (!isRecord(p) || typeof p.SPDXID !== "string") return false;
      if (!optString(p.name) || !optString(p.versionInfo) || !optString(p.downloadLocation)) return false;
      if (!optString(p.primaryPackagePurpose)) return false;
      if (p.checksums !== undefined) {
        if (!Array.isArray(p.checksums)) return false;
        for (const c of p.checksums) {
          if (!isRecord(c) || typeof c.algorithm !== "string" || typeof c.checksumValue !== "string")
            return false;
        }
      }
      if (p.externalRefs !== undefined) {
        if (!Array.isArray(p.externalRefs)) return false;
        for (const r of p.externalRefs) {
          if (!isRecord(r) || typeof r.referenceCategory !== "string") return false;
          if (typeof r.referenceType !== "string" || typeof r.referenceLocator !== "string") return false;
        }
      }
    }
  }
  if (d.relationships !== undefined) {
    if (!Array.isArray(d.relationships)) return false;
    for (const r of d.relationships) {
      if (!isRecord(r) || typeof r.spdxElementId !== "string") return false;
      if (typeof r.relationshipType !== "string" || typeof r.relatedSpdxElement !== "string") return false;
    }
  }
  return true;
}

const SPDX_VERSION = /^SPDX-2\.[0-3]$/;

const CHECKSUM_ALG: Record<string, string> = {
  MD5: "md5",
  SHA1: "sha1",
  SHA256: "sha256",
  SHA384: "sha384",
  SHA512: "sha512",
};

/**
 * Relationship types that are dependency edges: [reversed (A … OF B means B depends on A), scope the
 * dependency gets when the dependent is the project root]. `npm sbom` writes peer dependencies as
 * PREREQUISITE_FOR; CONTAINS is an edge but says nothing about direct dependencies (syft puts every
 * package in the scanned directory's root this way).
 */
const EDGE_TYPES: Record<string, [boolean, Scope | undefined]> = {
  DEPENDS_ON: [false, "prod"],
  DEPENDENCY_OF: [true, "prod"],
  RUNTIME_DEPENDENCY_OF: [true, "prod"],
  PROVIDED_DEPENDENCY_OF: [true, "prod"],
  DEV_DEPENDENCY_OF: [true, "dev"],
  BUILD_DEPENDENCY_OF: [true, "dev"],
  TEST_DEPENDENCY_OF: [true, "dev"],
  OPTIONAL_DEPENDENCY_OF: [true, "optional"],
  PREREQUISITE_FOR: [true, "peer"],
  HAS_PREREQUISITE: [false, "peer"],
  CONTAINS: [false, undefined],
  CONTAINED_BY: [true, undefined],
};

interface Node {
  index: number;
  pkg?: ExtractedPackage;
  deps: Node[];
  /** Per edge in `deps`: "dev" or "optional" when the relationship says so (DEV_DEPENDENCY_OF …), else undefined. */
  kinds: (Scope | undefined)[];
  scopes?: Set<Scope>;
}

/**
 * GitHub's older exports list a dependency whose version it could not resolve without any purl, named with the
 * ecosystem (`"name": "pip:flake8"`, `"versionInfo": ">= 3.5.0"`): that is still a PyPI or npm dependency.
 */
function githubPackage(name: string | undefined, versionInfo: string | undefined): PurlPackage | undefined {
  const m = name ? /^(npm|pip):(\S+)$/.exec(name.trim()) : null;
  if (!m) return undefined;
  const ecosystem: Ecosystem = m[1] === "pip" ? "PyPI" : "npm";
  const bare = m[2]!;
  if (ecosystem === "PyPI" ? !PYPI_NAME.test(bare) : !NPM_NAME.test(bare)) return undefined;
  const pinned = pinVersion(ecosystem, versionInfo ?? "");
  const out: PurlPackage = { ecosystem, name: bare, version: pinned.version };
  if (pinned.unpinned) out.unpinned = pinned.unpinned;
  return out;
}

/** npm package names: an optional `@scope/`, then URL-safe characters. */
const NPM_NAME = /^(?:@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*$/i;
/** PEP 508 names. */
const PYPI_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

function isPurlRef(r: { referenceCategory: string; referenceType: string }): boolean {
  const type = r.referenceType.toLowerCase();
  // Category is PACKAGE-MANAGER (2.3) or PACKAGE_MANAGER (2.2); a purl is a purl whatever category it is filed under.
  return type === "purl" || type === "http://spdx.org/rdf/references/purl";
}

/** Whether parsed JSON is an SPDX 2 document, or GitHub's SBOM export API response (`{"sbom": {…}}`). */
export function looksLikeSpdx(data: unknown): boolean {
  return isRecord(data) && (typeof data.spdxVersion === "string" || unwrapGitHub(data) !== undefined);
}

function unwrapGitHub(data: Record<string, unknown>): Record<string, unknown> | undefined {
  const inner = data.sbom;
  return data.spdxVersion === undefined && isRecord(inner) && typeof inner.spdxVersion === "string"
    ? inner
    : undefined;
}

export function extractSpdxData(input: FileInput, data: unknown): ExtractResult {
  // GitHub's REST API wraps the document: GET /repos/{owner}/{repo}/dependency-graph/sbom → {"sbom": {…}}.
  const wrapped = isRecord(data) ? unwrapGitHub(data) : undefined;
  const prefix: string[] = wrapped ? ["sbom"] : [];
  if (wrapped) data = wrapped;
  if (!isRecord(data)) {
    throw new InputError(
      input.file,
      'not an SPDX document: expected a JSON object with "spdxVersion": "SPDX-2.3"',
    );
  }
  const version = data.spdxVersion;
  if (typeof version !== "string") {
    if (data.bomFormat === "CycloneDX") {
      throw new InputError(
        input.file,
        "not an SPDX document: this is a CycloneDX BOM; name it *.cdx.json or pass it with --sbom",
      );
    }
    if ("@context" in data || "@graph" in data) {
      throw new InputError(
        input.file,
        "SPDX 3 JSON-LD is not supported; expected an SPDX 2.2 or 2.3 JSON document",
      );
    }
    throw new InputError(
      input.file,
      'not an SPDX document: expected a JSON object with "spdxVersion": "SPDX-2.3"',
    );
  }
  if (!SPDX_VERSION.test(version)) {
    throw new InputError(
      input.file,
      `not an SPDX document this tool reads: spdxVersion ${JSON.stringify(version)}; expected "SPDX-2.2" or "SPDX-2.3"`,
    );
  }
  const raw = data;
  if (!documentShapeOk(raw)) {
    // The fast check failed: the zod schema says what is wrong, and where.
    if (wrapped) validate(input.file, z.object({ sbom: Document }), { sbom: raw }, "SPDX document");
    else validate(input.file, Document, raw, "SPDX document");
    throw new InputError(input.file, "not a valid SPDX document"); // not reached
  }
  const doc = raw;
  const lines = jsonObjectLines(input.text);
  const docId = doc.SPDXID ?? "SPDXRef-DOCUMENT";

  const packages: ExtractedPackage[] = [];
  const skipped = new SkipCounter();
  const nodes = new Map<string, Node>();
  const order: Node[] = [];
  const list = doc.packages ?? [];
  const skips: (string | undefined)[] = [];
  for (let i = 0; i < list.length; i++) {
    const p = list[i]!;
    const node: Node = { index: i, deps: [], kinds: [] };
    nodes.set(p.SPDXID, node);
    order.push(node);
    let found: PurlPackage | undefined;
    let other: string | undefined;
    const refs = p.externalRefs ?? [];
    for (let r = 0; r < refs.length; r++) {
      const ref = refs[r]!;
      if (!isPurlRef(ref)) continue;
      let reading: ReturnType<typeof readPurl>;
      try {
        reading = readPurl(ref.referenceLocator, p.versionInfo);
      } catch (e) {
        const line = lines.get(jsonPath(...prefix, "packages", i));
        throw new InputError(
          input.file,
          `${formatPath([...prefix, "packages", i, "externalRefs", r, "referenceLocator"])}: invalid purl ${JSON.stringify(ref.referenceLocator)}: ${(e as Error).message}`,
          line ? { line } : undefined,
        );
      }
      if ("package" in reading) {
        found ??= reading.package;
      } else {
        other ??= reading.skip;
      }
    }
    if (!found && !other) found = githubPackage(p.name, p.versionInfo);
    if (!found) {
      skips[i] = other; // counted once the roots are known: the project's own package is not skipped
      continue;
    }
    const pkg: ExtractedPackage = {
      ecosystem: found.ecosystem,
      name: writtenName(found, p.name),
      version: found.version,
    };
    const line = lines.get(jsonPath(...prefix, "packages", i));
    if (line) pkg.line = line;
    const hashes: string[] = [];
    for (const c of p.checksums ?? []) {
      const alg = CHECKSUM_ALG[c.algorithm.toUpperCase()];
      if (alg && c.checksumValue) hashes.push(`${alg}:${c.checksumValue}`);
    }
    if (hashes.length) pkg.hashes = hashes;
    const location = p.downloadLocation?.trim();
    const resolved =
      found.resolved ?? (location && !/^(NOASSERTION|NONE)$/i.test(location) ? location : undefined);
    if (resolved) pkg.resolved = resolved;
    if (found.unpinned) pkg.unpinned = found.unpinned;
    else if (resolved && /^(git|hg|svn|bzr)\+/i.test(resolved))
      pkg.unpinned = { kind: "vcs", spec: resolved };
    node.pkg = pkg;
  }

  // Relationships: the described packages are the project; edges between packages; root edges mark direct.
  const described = new Set<string>(doc.documentDescribes ?? []);
  const edges: { from: Node; to: Node; scope: Scope | undefined; dependency: boolean }[] = [];
  let typedInner = false; // a DEV_ / OPTIONAL_ … relationship between two packages
  for (const rel of doc.relationships ?? []) {
    const type = rel.relationshipType.toUpperCase();
    const a = rel.spdxElementId;
    const b = rel.relatedSpdxElement;
    if (type === "DESCRIBES" && a === docId) described.add(b);
    else if (type === "DESCRIBED_BY" && b === docId) described.add(a);
    const kind = EDGE_TYPES[type];
    if (!kind) continue;
    const from = nodes.get(kind[0] ? b : a);
    const to = nodes.get(kind[0] ? a : b);
    if (!from || !to || from === to) continue;
    edges.push({ from, to, scope: kind[1], dependency: kind[1] !== undefined });
  }
  const roots = new Set<Node>();
  for (const id of described) {
    const n = nodes.get(id);
    if (n) roots.add(n);
  }
  // A document that describes every one of its packages is a flat list: none of them is the project.
  if (roots.size > 1 && roots.size === order.length) roots.clear();
  // A described package that another described package depends on is a dependency, not the project.
  for (const e of edges) if (e.dependency && roots.has(e.from) && roots.has(e.to)) roots.delete(e.to);
  // Trivy puts an APPLICATION package without any purl per lockfile between the scanned root and the packages:
  // the root CONTAINS it, and it CONTAINS the lockfile's direct dependencies. It is part of the project.
  const apps = new Set<Node>();
  for (const e of edges) {
    const to = e.to;
    if (roots.has(e.from) && !to.pkg && skips[to.index] === undefined) {
      if (list[to.index]!.primaryPackagePurpose === "APPLICATION") apps.add(to);
    }
  }
  for (const a of apps) roots.add(a);

  let rootEdges = false;
  for (const e of edges) {
    if (!e.to.pkg || roots.has(e.to)) continue; // edges to the project are not dependencies
    if (roots.has(e.from)) {
      if (!e.dependency && !apps.has(e.from)) continue;
      rootEdges = true;
      if (!e.to.scopes) e.to.scopes = new Set();
      e.to.scopes.add(e.scope ?? "prod");
    } else if (e.from.pkg) {
      const kind = e.scope === "dev" || e.scope === "optional" ? e.scope : undefined;
      if (kind) typedInner = true;
      e.from.deps.push(e.to);
      e.from.kinds.push(kind);
    }
  }
  // `npm sbom` types the edges between packages too: a workspace's dev dependencies (DEV_DEPENDENCY_OF), a
  // package's optional ones (OPTIONAL_DEPENDENCY_OF). The pipeline's scopes from untyped edges would lose that:
  // every package the direct ones reach gets their scopes here, a dev edge making the rest of the path dev and an
  // optional edge making it optional (and still dev on a dev path).
  const reached = rootEdges && typedInner ? reachedScopes(order) : undefined;

  for (const node of order) {
    if (roots.has(node)) continue;
    const pkg = node.pkg;
    if (!pkg) {
      skipped.add(skips[node.index]);
      continue;
    }
    if (rootEdges) pkg.direct = node.scopes !== undefined;
    const scopes = reached?.get(node) ?? node.scopes;
    if (scopes) pkg.scopes = SCOPES.filter((s) => scopes.has(s));
    if (node.deps.length) {
      const seen = new Set<Node>();
      pkg.dependencies = [];
      for (const d of node.deps) {
        if (seen.has(d)) continue;
        seen.add(d);
        pkg.dependencies.push({ name: d.pkg!.name, version: d.pkg!.version });
      }
    }
    packages.push(pkg);
  }

  const warning = skipped.warning("package");
  return warning ? { packages, warnings: [warning] } : { packages };
}

/** The scopes with which each package is reached from the direct ones (whose `scopes` the root's edges gave). */
function reachedScopes(nodes: Node[]): Map<Node, Set<Scope>> {
  const out = new Map<Node, Set<Scope>>();
  const stack: [Node, Scope][] = [];
  const add = (n: Node, s: Scope): void => {
    let set = out.get(n);
    if (!set) {
      set = new Set();
      out.set(n, set);
    }
    if (set.has(s)) return;
    set.add(s);
    stack.push([n, s]);
  };
  for (const n of nodes) if (n.scopes) for (const s of n.scopes) add(n, s);
  while (stack.length) {
    const [n, s] = stack.pop()!;
    for (let i = 0; i < n.deps.length; i++) {
      const kind = n.kinds[i];
      const d = n.deps[i]!;
      if (kind === "dev") add(d, "dev");
      else if (kind !== "optional") add(d, s);
      else {
        // as npm's flags: past an optional edge a package is optional; on a dev path, dev and optional
        add(d, "optional");
        if (s === "dev") add(d, "dev");
      }
    }
  }
  return out;
}

function extract(input: FileInput): ExtractResult {
  const data = parseJson(input.file, input.text);
  // Named with --sbom, a CycloneDX BOM whose first bytes mention `spdxVersion` (in a description) comes here.
  if (isRecord(data) && data.bomFormat === "CycloneDX" && !/\.spdx\.json$/i.test(input.file)) {
    return extractCycloneDxData(input, data);
  }
  return extractSpdxData(input, data);
}

export const spdxExtractor: FileExtractor = {
  id: "spdx",
  ecosystem: "mixed",
  kind: "sbom",
  description: "SPDX 2.2/2.3 JSON SBOM (*.spdx.json)",
  matchFile: (name) => name.toLowerCase().endsWith(".spdx.json"),
  extract,
};
