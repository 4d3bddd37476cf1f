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

export function buildPurl(ecosystem: Ecosystem, name: string, version: string | null): string {
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

const HEX_LENGTH: Record<string, number> = { md5: 32, sha1: 40, sha256: 64, sha384: 96, sha512: 128 };

/**
 * Normalises a recorded hash to `<alg>:<hex>`: SRI (`sha512-<base64>`, several separated by spaces),
 * pip (`sha256:<hex>`), wheel RECORD / URL fragments (`sha256=<hex>`, urlsafe base64 in RECORD). Returns
 * the hashes it could read; an unknown form is returned as it was.
 */
export function normaliseHashes(recorded: string): string[] {
  const out: string[] = [];
  for (const part of recorded.trim().split(/\s+/)) {
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
    const bytes = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (bytes.length * 2 === want) out.push(`${alg}:${bytes.toString("hex")}`);
    else out.push(part);
  }
  return out;
}
