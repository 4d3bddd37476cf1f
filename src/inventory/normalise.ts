import { PackageURL } from "packageurl-js";
import type { Ecosystem } from "./model.js";

/** PEP 503: runs of `-`, `_`, `.` become one `-`, lower case. */
export function normalisePypiName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

/** The name as the ecosystem compares names. npm names are kept as published (scope included). */
export function normaliseName(ecosystem: Ecosystem, name: string): string {
  return ecosystem === "PyPI" ? normalisePypiName(name.trim()) : name.trim();
}

export const PURL_TYPE: Record<Ecosystem, string> = { PyPI: "pypi", npm: "npm" };

export function ecosystemOfPurlType(type: string): Ecosystem | undefined {
  const t = type.toLowerCase();
  if (t === "pypi") return "PyPI";
  if (t === "npm") return "npm";
  return undefined;
}

const SAFE_NAME = /^[a-z0-9._~-]+$/;
const SAFE_VERSION = /^[A-Za-z0-9._~+!-]+$/;

/**
 * The purl of a package. Names and versions made only of characters the purl spec leaves unencoded take a fast
 * path (this runs once per component); anything else goes through packageurl-js. A test checks both agree.
 */
export function buildPurl(ecosystem: Ecosystem, name: string, version: string | null): string {
  const lower = name.toLowerCase();
  if (version === null || SAFE_VERSION.test(version)) {
    const at = version === null ? "" : `@${version}`;
    if (ecosystem === "PyPI" && SAFE_NAME.test(lower)) return `pkg:pypi/${lower.replace(/_/g, "-")}${at}`;
    if (ecosystem === "npm") {
      const slash = lower.indexOf("/");
      if (slash === -1 && SAFE_NAME.test(lower)) return `pkg:npm/${lower}${at}`;
      if (lower.startsWith("@") && slash > 1) {
        const scope = lower.slice(1, slash);
        const bare = lower.slice(slash + 1);
        if (SAFE_NAME.test(scope) && SAFE_NAME.test(bare)) return `pkg:npm/%40${scope}/${bare}${at}`;
      }
    }
  }
  return buildPurlSlow(ecosystem, name, version);
}

export function buildPurlSlow(ecosystem: Ecosystem, name: string, version: string | null): string {
  let namespace: string | undefined;
  let bare = name;
  if (ecosystem === "npm" && name.startsWith("@")) {
    const slash = name.indexOf("/");
    if (slash > 0) {
      namespace = name.slice(0, slash);
      bare = name.slice(slash + 1);
    }
  }
  return new PackageURL(
    PURL_TYPE[ecosystem],
    namespace,
    bare,
    version ?? undefined,
    undefined,
    undefined,
  ).toString();
}

export interface ParsedPurl {
  ecosystem: Ecosystem | undefined;
  type: string;
  name: string;
  version: string | null;
}

/** Parses a purl; throws Error (with the library's message) when it is not one. */
export function parsePurl(purl: string): ParsedPurl {
  const p = PackageURL.fromString(purl.trim());
  const ecosystem = ecosystemOfPurlType(p.type);
  const name = p.namespace ? `${p.namespace}/${p.name}` : p.name;
  return { ecosystem, type: p.type, name, version: p.version ?? null };
}

/** Scratch space for the sha512 fast path of normaliseHashes (synchronous: never shared by two calls). */
const SHA512_BYTES = Buffer.alloc(64);

const HEX_LENGTH: Record<string, number> = { md5: 32, sha1: 40, sha256: 64, sha384: 96, sha512: 128 };

/**
 * Normalises a recorded hash to `<alg>:<hex>`: SRI (`sha512-<base64>`, several separated by spaces),
 * pip (`sha256:<hex>`), wheel RECORD / URL fragments (`sha256=<hex>`, urlsafe base64 in RECORD). Returns
 * the hashes it could read; an unknown form is returned as it was.
 */
export function normaliseHashes(recorded: string): string[] {
  // The common case, one npm SRI sha512 (88 base64 characters), without the general parse's allocations.
  // Decoded into one reused buffer: a Buffer per hash is a large share of this function's cost.
  if (recorded.length === 95 && recorded.startsWith("sha512-") && recorded.endsWith("==")) {
    if (SHA512_BYTES.write(recorded.slice(7), "base64") === 64)
      return [`sha512:${SHA512_BYTES.toString("hex")}`];
  }
  const out: string[] = [];
  const parts = /\s/.test(recorded) ? recorded.trim().split(/\s+/) : [recorded];
  for (const part of parts) {
    if (!part) continue;
    const m = /^(md5|sha1|sha256|sha384|sha512)([-:=])(.+)$/i.exec(part);
    if (!m) {
      out.push(part);
      continue;
    }
    const alg = m[1]!.toLowerCase();
    const value = m[3]!.replace(/\?.*$/, "");
    const want = HEX_LENGTH[alg]!;
    if (value.length === want && /^[0-9a-f]+$/i.test(value)) {
      out.push(`${alg}:${value.toLowerCase()}`);
      continue;
    }
    // Node's base64 decoder reads the URL-safe alphabet (wheel RECORD files) as well.
    const bytes = Buffer.from(value, "base64");
    if (bytes.length * 2 === want) out.push(`${alg}:${bytes.toString("hex")}`);
    else out.push(part);
  }
  return out;
}
