/**
 * The inventory as a CycloneDX 1.6 JSON BOM, built and serialised with the CycloneDX project's own library.
 * Deterministic: no timestamp and a serialNumber derived from the content unless a timestamp is asked for;
 * every list is filled in a fixed (code-unit) order. The library's `sortLists` is not used: it sorts with
 * `localeCompare`, whose order depends on the machine's locale (Estonian puts "z" after "s").
 */
import { createHash } from "node:crypto";
import { Enums, Models, Serialize, Spec } from "@cyclonedx/cyclonedx-library";
import type { Component, Inventory } from "../inventory/model.js";
import { TOOL_NAME } from "../version.js";

export interface SbomOptions {
  toolVersion: string;
  /** Name of the project the SBOM describes (its root component / package). */
  projectName: string;
  /** Records this creation time; without it the output is the same bytes for the same inventory. */
  timestamp?: Date;
}

/** bom-ref of the project's own component (component bom-refs are purls, which start with `pkg:`). */
export const PROJECT_BOM_REF = "depwarden:project";

const HASH_ALG: Record<string, Enums.HashAlgorithm> = {
  md5: Enums.HashAlgorithm.MD5,
  sha1: Enums.HashAlgorithm["SHA-1"],
  sha256: Enums.HashAlgorithm["SHA-256"],
  sha384: Enums.HashAlgorithm["SHA-384"],
  sha512: Enums.HashAlgorithm["SHA-512"],
};

/** An http(s) URL of RFC 3986 characters only: what the schema's `iri-reference` format surely accepts. */
const HTTP_URL = /^https?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/i;

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A name-based (version 5 layout) UUID from the sha1 of the sorted purls, and of the timestamp when one is
 * recorded: the same inventory gives the same serial number and document namespace.
 */
export function contentUuid(inventory: Inventory, timestamp?: Date): string {
  return uuidOfLines(inventory.components.map((c) => c.purl).sort(cmp), timestamp);
}

/** The version 5 layout UUID of the sha1 of these lines (each followed by a newline), then of the timestamp. */
export function uuidOfLines(lines: readonly string[], timestamp?: Date): string {
  const h = createHash("sha1");
  for (const line of lines) h.update(`${line}\n`);
  if (timestamp) h.update(`@${timestamp.toISOString()}\n`);
  const b = h.digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const x = b.toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** CycloneDX scope: runtime (prod or peer) → required; optional only → optional; dev only → excluded. */
function scopeOf(c: Component): Enums.ComponentScope {
  if (c.scopes.length === 0 || c.scopes.includes("prod") || c.scopes.includes("peer")) {
    return Enums.ComponentScope.Required;
  }
  if (c.scopes.includes("optional")) return Enums.ComponentScope.Optional;
  return Enums.ComponentScope.Excluded;
}

/**
 * The bom-ref of a component: its purl, with an npm scope's `@` written as is (`pkg:npm/@babel/core@7.24.0`):
 * some readers reject percent-encoded refs (cdxgen's validator: "Invalid encoded ref"). Still unique: the
 * inventory's purls are canonical, so none of them starts with `pkg:npm/@`.
 */
export function bomRefOf(purl: string): string {
  return purl.startsWith("pkg:npm/%40") ? `pkg:npm/@${purl.slice(11)}` : purl;
}

/**
 * The library leaves out an empty `dependsOn`; it is written here (`"dependsOn": []`), which says "no
 * dependencies" in so many words, as spec 1.5+ asks of components without any ("MUST be declared as empty
 * elements"), and which some readers need (cdxgen's validator fails on an entry without it).
 */
class JsonSerializer extends Serialize.JsonSerializer {
  protected override _serialize(
    bom: Serialize.JSON.Types.Normalized.Bom,
    options?: Serialize.Types.SerializerOptions,
  ): string {
    for (const d of bom.dependencies ?? []) d.dependsOn ??= [];
    return super._serialize(bom, options);
  }
}

function toModel(c: Component): Models.Component {
  let group: string | undefined;
  let name = c.name;
  if (c.ecosystem === "npm" && name.startsWith("@") && name.includes("/")) {
    group = name.slice(0, name.indexOf("/"));
    name = name.slice(name.indexOf("/") + 1);
  }
  const m = new Models.Component(Enums.ComponentType.Library, name, {
    bomRef: bomRefOf(c.purl),
    purl: c.purl,
    scope: scopeOf(c),
  });
  if (group) m.group = group;
  if (c.version !== null) m.version = c.version;
  // One hash per algorithm is the component's hash; several (a PyPI release's wheels and sdist) cannot all be
  // "the" hash of the component, so those, and forms CycloneDX has no algorithm for, go to properties.
  const extraHashes: string[] = [];
  const perAlg = new Map<string, number>();
  const algOf = (h: string): string => h.slice(0, Math.max(0, h.indexOf(":")));
  for (const h of c.hashes) perAlg.set(algOf(h), (perAlg.get(algOf(h)) ?? 0) + 1);
  for (const h of c.hashes) {
    const alg = HASH_ALG[algOf(h)];
    const hex = h.slice(h.indexOf(":") + 1);
    if (alg && perAlg.get(algOf(h)) === 1 && /^[0-9a-f]+$/.test(hex)) m.hashes.set(alg, hex);
    else extraHashes.push(h);
  }
  if (c.resolved && HTTP_URL.test(c.resolved)) {
    m.externalReferences.add(
      new Models.ExternalReference(c.resolved, Enums.ExternalReferenceType.Distribution),
    );
  }
  const prop = (key: string, value: string): void => {
    m.properties.add(new Models.Property(`depwarden:${key}`, value));
  };
  prop("direct", String(c.direct));
  for (const s of c.scopes) prop("scope", s);
  for (const s of c.sources) prop("source", s.line ? `${s.file}:${s.line}` : s.file);
  if (c.resolved && !HTTP_URL.test(c.resolved)) prop("resolved", c.resolved);
  if (c.unpinned) {
    prop("unpinned:kind", c.unpinned.kind);
    prop("unpinned:spec", c.unpinned.spec);
  }
  for (const h of extraHashes) prop("hash", h);
  if (c.markers) prop("markers", c.markers);
  for (const e of c.extras ?? []) prop("extra", e);
  return m;
}

export function toCycloneDxJson(inventory: Inventory, options: SbomOptions): string {
  return serializeCycloneDxBom(buildCycloneDxBom(inventory, options));
}

/**
 * The BOM model of the inventory, for callers that add to it (`scan --format cyclonedx-json` adds its
 * vulnerabilities) before serialising it with serializeCycloneDxBom. Component bom-refs are bomRefOf(purl).
 */
export function buildCycloneDxBom(inventory: Inventory, options: SbomOptions): Models.Bom {
  const bom = new Models.Bom();
  bom.serialNumber = `urn:uuid:${contentUuid(inventory, options.timestamp)}`;
  if (options.timestamp) bom.metadata.timestamp = options.timestamp;
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, TOOL_NAME, { version: options.toolVersion }),
  );
  const root = new Models.Component(Enums.ComponentType.Application, options.projectName, {
    bomRef: PROJECT_BOM_REF,
  });
  bom.metadata.component = root;

  const components = [...inventory.components].sort((a, b) => cmp(a.purl, b.purl));
  const models = new Map<string, Models.Component>();
  for (const c of components) {
    const m = toModel(c);
    models.set(c.purl, m);
    bom.components.add(m);
  }
  for (const c of components) {
    if (c.direct) root.dependencies.add(models.get(c.purl)!.bomRef);
    const m = models.get(c.purl)!;
    for (const d of [...c.dependencies].sort(cmp)) {
      const target = models.get(d);
      if (target && target !== m) m.dependencies.add(target.bomRef);
    }
  }
  return bom;
}

/** CycloneDX 1.6 JSON, two-space indented, lists in the order they were filled. */
export function serializeCycloneDxBom(bom: Models.Bom): string {
  const serializer = new JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return serializer.serialize(bom, { sortLists: false, space: 2 });
}
