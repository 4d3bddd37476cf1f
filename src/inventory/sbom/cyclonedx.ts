/**
 * CycloneDX JSON BOMs (spec 1.2 to 1.7; written by cyclonedx-npm, cyclonedx-py, cdxgen, syft, `npm sbom`, trivy …).
 * https://cyclonedx.org/docs/1.6/json/ — components (nested at any depth), purls, hashes, scope, the
 * dependency graph (`dependencies[].ref/dependsOn` by bom-ref), and metadata.component as the project root.
 */
import { z } from "zod";
import { InputError } from "../../errors.js";
import type { FileExtractor, FileInput } from "../extractor.js";
import { jsonObjectLines } from "../json-lines.js";
import type {
  DependencyRef,
  ExtractedPackage,
  ExtractResult,
  Scope,
  Unpinned,
  UnpinnedKind,
} from "../model.js";
import { SCOPES } from "../model.js";
import { formatPath, isRecord, parseJson, validate } from "../text.js";
import { type PurlPackage, readPurl, SkipCounter, writtenName } from "./purls.js";
import { extractSpdxData, looksLikeSpdx } from "./spdx.js";

const Hash = z.object({ alg: z.string(), content: z.string() });
const Property = z.object({ name: z.string(), value: z.string().optional() });
const ExternalReference = z.object({ type: z.string(), url: z.string(), hashes: z.array(Hash).optional() });

const Component = z.object({
  type: z.string().optional(),
  "bom-ref": z.string().optional(),
  group: z.string().optional(),
  name: z.string().optional(),
  version: z.string().optional(),
  purl: z.string().optional(),
  scope: z
    .enum(["required", "optional", "excluded"], { error: 'expected "required", "optional" or "excluded"' })
    .optional(),
  hashes: z.array(Hash).optional(),
  properties: z.array(Property).optional(),
  externalReferences: z.array(ExternalReference).optional(),
  get components() {
    return z.array(Component).optional();
  },
});
type CdxComponent = z.infer<typeof Component>;

const Bom = z.object({
  metadata: z.object({ component: Component.optional() }).optional(),
  components: z.array(Component).optional(),
  dependencies: z.array(z.object({ ref: z.string(), dependsOn: z.array(z.string()).optional() })).optional(),
});

/** CycloneDX JSON exists from spec 1.2; 1.7 is read the same way (it only adds fields). */
const SPEC_VERSION = /^1\.([2-7])$/;

const HASH_ALG: Record<string, string> = {
  MD5: "md5",
  "SHA-1": "sha1",
  "SHA-256": "sha256",
  "SHA-384": "sha384",
  "SHA-512": "sha512",
};

interface Entry {
  pkg: ExtractedPackage;
  seen: Set<string> | undefined;
}

type RefTarget = { entry: Entry } | "root" | "other";

/** The properties this reader knows, gathered in one pass over a component's properties. */
interface KnownProperties {
  ownScopes?: Scope[];
  npmDev?: boolean;
  groups?: string[];
  hashes?: string[];
  resolved?: string;
  unpinnedKind?: string;
  unpinnedSpec?: string;
  markers?: string;
  extras?: string[];
}

function knownProperties(c: CdxComponent): KnownProperties {
  const out: KnownProperties = {};
  for (const p of c.properties ?? []) {
    const { name, value } = p;
    if (value === undefined || !(name.startsWith("depwarden:") || name.startsWith("cdx:"))) continue;
    switch (name) {
      case "depwarden:scope":
        out.ownScopes = [...(out.ownScopes ?? []), value as Scope];
        break;
      case "depwarden:hash":
        if (value) out.hashes = [...(out.hashes ?? []), value];
        break;
      case "depwarden:resolved":
        out.resolved = value;
        break;
      case "depwarden:unpinned:kind":
        out.unpinnedKind = value;
        break;
      case "depwarden:unpinned:spec":
        out.unpinnedSpec = value;
        break;
      case "depwarden:markers":
        out.markers = value;
        break;
      case "depwarden:extra":
        if (value) out.extras = [...(out.extras ?? []), value];
        break;
      case "cdx:npm:package:development":
        if (value === "true") out.npmDev = true;
        break;
      // current taxonomy names, and the older `package:` ones
      case "cdx:poetry:group":
      case "cdx:poetry:package:group":
      case "cdx:pipenv:category":
      case "cdx:pipenv:package:category":
        out.groups = [...(out.groups ?? []), value];
        break;
    }
  }
  return out;
}

function scopesOf(c: CdxComponent, known: KnownProperties, npmLockOnly: boolean): Scope[] | undefined {
  // depwarden's own SBOMs record every scope; read them back exactly.
  const own = known.ownScopes;
  if (own) return SCOPES.filter((s) => own.includes(s));
  // cyclonedx-npm and `npm sbom`: dev dependencies carry this property; their scope still says whether they are
  // optional too ("optional" for a dev dependency's optional dependency, as npm's `dev` + `optional` flags),
  // except in `npm sbom --package-lock-only`, which writes "optional" for every dev dependency.
  if (known.npmDev) return c.scope === "optional" && !npmLockOnly ? ["dev", "optional"] : ["dev"];
  // cyclonedx-py: Poetry groups ("main" is the runtime) and Pipenv categories ("default" is the runtime).
  if (known.groups) {
    const set = new Set<Scope>(known.groups.map((g) => (g === "main" || g === "default" ? "prod" : "dev")));
    return SCOPES.filter((s) => set.has(s));
  }
  if (c.scope === "required") return ["prod"];
  if (c.scope === "optional") return ["optional"];
  if (c.scope === "excluded") return ["dev"]; // not part of the runtime
  return undefined;
}

const UNPINNED_KINDS = new Set<string>(["range", "vcs", "url", "path", "editable", "any"]);

/** depwarden's own SBOMs record why a component has no exact version (`depwarden:unpinned:kind` / `:spec`). */
function ownUnpinned(known: KnownProperties): Unpinned | undefined {
  const { unpinnedKind: kind, unpinnedSpec: spec } = known;
  return kind && UNPINNED_KINDS.has(kind) && spec !== undefined
    ? { kind: kind as UnpinnedKind, spec }
    : undefined;
}

function hashesOf(c: CdxComponent, known: KnownProperties): string[] | undefined {
  const out: string[] = [];
  const add = (h: { alg: string; content: string }): void => {
    const alg = HASH_ALG[h.alg.toUpperCase()];
    if (alg && h.content) out.push(`${alg}:${h.content}`);
  };
  for (const h of c.hashes ?? []) add(h);
  // cyclonedx-py (spec 1.5+) records each distribution file of a release with its own hashes.
  for (const r of c.externalReferences ?? []) {
    if (r.type === "distribution") for (const h of r.hashes ?? []) add(h);
  }
  // depwarden's own SBOMs put several hashes of one algorithm (a release's files) in properties.
  if (known.hashes) out.push(...known.hashes);
  return out.length ? out : undefined;
}

/**
 * A package index page or directory (`https://pypi.org/simple/toml/`, as cyclonedx-py records a Pipenv or
 * requirements package's index, or `…/simple/arrow/#arrow-1.3.0.whl`) is not where a package is downloaded from.
 */
function isIndexUrl(url: string): boolean {
  const end = url.search(/[?#]/);
  return (end < 0 ? url : url.slice(0, end)).endsWith("/");
}

function resolvedOf(c: CdxComponent, p: PurlPackage, known: KnownProperties): string | undefined {
  if (p.resolved) return p.resolved;
  // One distribution reference is where the package comes from (npm's tarball); several are a release's files.
  let dist: string | undefined;
  let count = 0;
  for (const r of c.externalReferences ?? []) {
    if (r.type === "distribution" && r.url) {
      dist = r.url;
      count++;
    }
  }
  if (count === 1 && !isIndexUrl(dist!)) return dist;
  return known.resolved;
}

const optString = (v: unknown): boolean => v === undefined || typeof v === "string";
const isHash = (h: unknown): boolean =>
  isRecord(h) && typeof h.alg === "string" && typeof h.content === "string";

/**
 * The fields this reader uses have the types the schema gives (nested components are checked when visited).
 * A fast check on every entry; when it fails, the zod schema says what is wrong, and where.
 */
function componentShapeOk(c: unknown): c is CdxComponent {
  if (!isRecord(c)) return false;
  if (!optString(c.type) || !optString(c["bom-ref"]) || !optString(c.group) || !optString(c.name))
    return false;
  if (!optString(c.version) || !optString(c.purl)) return false;
  if (c.scope !== undefined && c.scope !== "required" && c.scope !== "optional" && c.scope !== "excluded") {
    return false;
  }
  if (c.hashes !== undefined && !(Array.isArray(c.hashes) && c.hashes.every(isHash))) return false;
  if (c.properties !== undefined) {
    if (!Array.isArray(c.properties)) return false;
    for (const p of c.properties)
      if (!isRecord(p) || typeof p.name !== "string" || !optString(p.value)) return false;
  }
  if (c.externalReferences !== undefined) {
    if (!Array.isArray(c.externalReferences)) return false;
    for (const r of c.externalReferences) {
      if (!isRecord(r) || typeof r.type !== "string" || typeof r.url !== "string") return false;
      if (r.hashes !== undefined && !(Array.isArray(r.hashes) && r.hashes.every(isHash))) return false;
    }
  }
  return c.components === undefined || Array.isArray(c.components);
}

/**
 * `npm sbom --package-lock-only`: npm's own writer (tool `npm` `cli`) records that lifecycle as "pre-build".
 * Only the shape is looked at: anything else is another writer.
 */
function isNpmLockOnly(metadata: unknown): boolean {
  if (!isRecord(metadata) || !Array.isArray(metadata.tools) || !Array.isArray(metadata.lifecycles))
    return false;
  const npm = metadata.tools.some((t) => isRecord(t) && t.vendor === "npm" && t.name === "cli");
  return npm && metadata.lifecycles.some((l) => isRecord(l) && l.phase === "pre-build");
}

type Dependency = { ref: string; dependsOn?: string[] };
const dependencyShapeOk = (d: unknown): d is Dependency =>
  isRecord(d) &&
  typeof d.ref === "string" &&
  (d.dependsOn === undefined ||
    (Array.isArray(d.dependsOn) && d.dependsOn.every((x) => typeof x === "string")));

/** `components\u00003\u0000components\u00000` → `components[3].components[0]` */
function pathText(key: string): string {
  return formatPath(key.split("\u0000").map((s) => (/^\d+$/.test(s) ? Number(s) : s)));
}

export function extractCycloneDxData(input: FileInput, data: unknown): ExtractResult {
  if (!isRecord(data) || data.bomFormat !== "CycloneDX") {
    throw new InputError(
      input.file,
      'not a CycloneDX BOM: expected a JSON object with "bomFormat": "CycloneDX"',
    );
  }
  const spec = data.specVersion;
  if (typeof spec !== "string" || !SPEC_VERSION.test(spec)) {
    throw new InputError(
      input.file,
      `not a CycloneDX BOM this tool reads: specVersion ${JSON.stringify(spec ?? null)}; expected "1.2" to "1.7"`,
    );
  }
  const invalid: () => never = () => {
    validate(input.file, Bom, data, "CycloneDX BOM");
    throw new InputError(input.file, "not a valid CycloneDX BOM"); // not reached: the schema finds the issue
  };
  const metadata = data.metadata;
  if (metadata !== undefined && !isRecord(metadata)) invalid();
  const rootComponent = isRecord(metadata) ? metadata.component : undefined;
  const components = data.components;
  const dependencies = data.dependencies;
  if (components !== undefined && !Array.isArray(components)) invalid();
  if (dependencies !== undefined && !(Array.isArray(dependencies) && dependencies.every(dependencyShapeOk)))
    invalid();
  const lines = jsonObjectLines(input.text);
  const npmLockOnly = isNpmLockOnly(metadata);

  const packages: ExtractedPackage[] = [];
  const skipped: { ref: string | undefined; type: string | undefined }[] = [];
  const applications = new Set<string>(); // bom-refs of purl-less application components
  const byRef = new Map<string, RefTarget>();
  const byPurl = new Map<string, RefTarget>();
  const rootRefs = new Set<string>();

  const rootPurls = new Set<string>();
  const markRoot = (c: unknown): void => {
    if (!componentShapeOk(c)) invalid();
    if (c["bom-ref"]) rootRefs.add(c["bom-ref"]);
    if (c.purl) {
      byPurl.set(c.purl, "root");
      rootPurls.add(c.purl);
    }
    for (const sub of c.components ?? []) markRoot(sub); // workspace members of the project
  };
  if (rootComponent !== undefined) markRoot(rootComponent);
  for (const ref of rootRefs) byRef.set(ref, "root");

  const visit = (c: unknown, key: string): void => {
    if (!componentShapeOk(c)) invalid();
    const ref = c["bom-ref"];
    let target: RefTarget = "other";
    if ((ref && rootRefs.has(ref)) || (c.purl && rootPurls.has(c.purl))) {
      // The project itself, also when listed again as a component: cyclonedx-npm lists a package's dependency
      // on itself (`"name": "file:."`) as a component with the root's purl.
      target = "root";
      if (ref) rootRefs.add(ref);
    } else if (c.purl === undefined) {
      skipped.push({ ref, type: undefined });
      if (ref && c.type === "application") applications.add(ref);
    } else {
      let reading: ReturnType<typeof readPurl>;
      try {
        reading = readPurl(c.purl, c.version);
      } catch (e) {
        const line = lines.get(key);
        throw new InputError(
          input.file,
          `${pathText(key)}.purl: invalid purl ${JSON.stringify(c.purl)}: ${(e as Error).message}`,
          line ? { line } : undefined,
        );
      }
      if ("skip" in reading) {
        skipped.push({ ref, type: reading.skip });
      } else {
        const p = reading.package;
        const written = c.group && c.name ? `${c.group}/${c.name}` : c.name;
        const pkg: ExtractedPackage = {
          ecosystem: p.ecosystem,
          name: writtenName(p, written),
          version: p.version,
        };
        const line = lines.get(key);
        if (line) pkg.line = line;
        const known = knownProperties(c);
        const scopes = scopesOf(c, known, npmLockOnly);
        if (scopes) pkg.scopes = scopes;
        const hashes = hashesOf(c, known);
        if (hashes) pkg.hashes = hashes;
        const resolved = resolvedOf(c, p, known);
        if (resolved) pkg.resolved = resolved;
        const unpinned = ownUnpinned(known) ?? p.unpinned;
        if (unpinned) pkg.unpinned = unpinned;
        if (known.markers) pkg.markers = known.markers;
        if (known.extras) pkg.extras = known.extras;
        packages.push(pkg);
        target = { entry: { pkg, seen: undefined } };
      }
    }
    if (ref) byRef.set(ref, target);
    if (c.purl && !byPurl.has(c.purl)) byPurl.set(c.purl, target);
    const subs = c.components;
    if (subs) for (let i = 0; i < subs.length; i++) visit(subs[i], `${key}\u0000components\u0000${i}`);
  };
  const top = (components ?? []) as unknown[];
  for (let i = 0; i < top.length; i++) visit(top[i], `components\u0000${i}`);

  // The dependency graph: edges between packages; the root's (and workspace members') edges mark direct ones.
  const direct = new Set<ExtractedPackage>();
  let rootEdges = false;
  const find = (ref: string): RefTarget | undefined => byRef.get(ref) ?? byPurl.get(ref);
  const deps = (dependencies ?? []) as Dependency[];
  // Trivy puts a purl-less application component per lockfile between the root and its packages: part of
  // the project, so the packages it depends on are direct.
  for (const d of deps) {
    if (!rootRefs.has(d.ref)) continue;
    for (const to of d.dependsOn ?? []) if (applications.has(to)) byRef.set(to, "root");
  }
  for (const d of deps) {
    const from = find(d.ref);
    if (!from || from === "other") continue;
    for (const to of d.dependsOn ?? []) {
      const t = find(to);
      if (!t || typeof t === "string") continue;
      if (from === "root") {
        direct.add(t.entry.pkg);
        rootEdges = true;
        continue;
      }
      const dep: DependencyRef = { name: t.entry.pkg.name, version: t.entry.pkg.version };
      const key = `${t.entry.pkg.ecosystem}\u0000${dep.name}\u0000${dep.version}`;
      if (t.entry === from.entry) continue;
      if (!from.entry.seen) from.entry.seen = new Set();
      else if (from.entry.seen.has(key)) continue;
      from.entry.seen.add(key);
      if (from.entry.pkg.dependencies) from.entry.pkg.dependencies.push(dep);
      else from.entry.pkg.dependencies = [dep];
    }
  }
  if (rootEdges) for (const p of packages) p.direct = direct.has(p);

  const counter = new SkipCounter();
  for (const s of skipped) if (!s.ref || byRef.get(s.ref) !== "root") counter.add(s.type);
  const warning = counter.warning("component");
  return warning ? { packages, warnings: [warning] } : { packages };
}

/** Names only a CycloneDX BOM has; a file under any other name is here by a generic name or by `--sbom FILE`. */
const CDX_NAME = /\.(cdx|bom|cyclonedx)\.json$/i;

/** SPDX 3 JSON-LD (`"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"`), as cdxgen's cdx-convert writes. */
const isSpdx3 = (data: Record<string, unknown>): boolean =>
  "@context" in data && /spdx/i.test(JSON.stringify(data["@context"]));

function extract(input: FileInput): ExtractResult {
  const data = parseJson(input.file, input.text);
  if (isRecord(data) && data.bomFormat === undefined && (looksLikeSpdx(data) || isSpdx3(data))) {
    // An SPDX document under a generic name (bom.json), or named with --sbom when its first bytes did not show
    // `spdxVersion` (keys in sorted order put it last), is read as SPDX; under a CycloneDX name it is a mistake.
    if (!CDX_NAME.test(input.file)) return extractSpdxData(input, data);
    throw new InputError(
      input.file,
      "not a CycloneDX BOM: this is an SPDX document (spdxVersion); name it *.spdx.json or pass it with --sbom",
    );
  }
  return extractCycloneDxData(input, data);
}

export const cyclonedxExtractor: FileExtractor = {
  id: "cyclonedx",
  ecosystem: "mixed",
  kind: "sbom",
  description: "CycloneDX JSON SBOM (bom.json, *.cdx.json, *.bom.json, sbom.json, *.cyclonedx.json)",
  matchFile: (name) => {
    const n = name.toLowerCase();
    return (
      n === "bom.json" ||
      n === "sbom.json" ||
      n.endsWith(".cdx.json") ||
      n.endsWith(".bom.json") ||
      n.endsWith(".cyclonedx.json")
    );
  },
  extract,
};
