/**
 * Plain purl lists (`--purls FILE`): one package URL a line, blank lines and `#` comments ignored.
 * Also the purl helpers the CycloneDX and SPDX readers share. https://github.com/package-url/purl-spec
 */
import { PackageURL } from "packageurl-js";
import { InputError } from "../../errors.js";
import type { FileExtractor, FileInput } from "../extractor.js";
import type { Ecosystem, ExtractedPackage, ExtractResult, Unpinned } from "../model.js";
import { type ParsedPurl, parsePurl } from "../normalise.js";
import { classifyNpmSpec, unpinnedKindOf } from "../npm/spec.js";
import { pinnedVersion } from "../pypi/pep508.js";

/** What a pypi or npm purl says about a package. */
export interface PurlPackage {
  ecosystem: Ecosystem;
  name: string;
  version: string | null;
  unpinned?: Unpinned;
  resolved?: string;
}

export type PurlReading = { package: PurlPackage } | { skip: string };

/** `pkg:` then the type; the spec tolerates slashes after the scheme (`pkg://npm/…`). */
const PURL_HEAD = /^pkg:\/*([A-Za-z.+-][A-Za-z0-9.+-]*)\//i;

/** PEP 508 names: letters, digits, `-_.`, starting and ending alphanumeric. */
const PYPI_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
/** A plain semver version (the usual case, checked before npm's spec classification). */
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** Characters of a PEP 440 version (and of legacy ones); a range has operators, commas, spaces or `*`. */
const PEP440_CHARS = /^v?[A-Za-z0-9][A-Za-z0-9.+!_-]*$/;

/**
 * The common shape of npm and pypi purls: unreserved characters only, an `@scope` (npm), and a version that
 * may have an encoded `+`. Read without the WHATWG URL parse packageurl-js does (several µs a purl, which
 * dominates on 10,000-component SBOMs); anything else goes to parsePurl.
 */
const SIMPLE_PURL = /^pkg:(npm|pypi)\/(?:(?:%40|@)([\w.~-]+)\/)?([\w.~-]+)(?:@((?:[\w.~!+-]|%2[Bb])+))?$/;

/** What parsePurl gives for a purl of the simple shape, or undefined for any other purl. */
export function parseSimplePurl(purl: string): ParsedPurl | undefined {
  const m = SIMPLE_PURL.exec(purl);
  if (!m) return undefined;
  const [, type, scope, bare, version] = m;
  // dot segments are resolved by the URL parser; a pypi purl has no namespace
  if (/^\.+$/.test(bare!) || (scope !== undefined && (type === "pypi" || /^\.+$/.test(scope))))
    return undefined;
  const v = version === undefined ? null : version.replace(/%2[Bb]/g, "+");
  if (type === "npm") {
    const name = scope === undefined ? bare!.toLowerCase() : `@${scope.toLowerCase()}/${bare!.toLowerCase()}`;
    return { ecosystem: "npm", type: "npm", name, version: v };
  }
  return { ecosystem: "PyPI", type: "pypi", name: bare!.toLowerCase().replace(/_/g, "-"), version: v };
}

/**
 * Reads a purl; `fallbackVersion` (an SBOM's own version field) is used when the purl has none. Only pypi
 * and npm purls are parsed in full (other types are skipped by type, so a library quirk for some other type
 * cannot fail a whole SBOM). Throws Error with the reason when the text is not a purl or a pypi/npm purl is
 * malformed.
 */
export function readPurl(text: string, fallbackVersion?: string): PurlReading {
  const purl = text.trim();
  if (/\s/.test(purl)) throw new Error("a purl has no spaces");
  const head = PURL_HEAD.exec(purl);
  if (!head) throw new Error('expected "pkg:<type>/<name>"');
  const type = head[1]!.toLowerCase();
  if (type !== "pypi" && type !== "npm") return { skip: type };
  let parsed = parseSimplePurl(purl);
  if (!parsed) {
    try {
      parsed = parsePurl(purl);
    } catch (e) {
      throw new Error((e as Error).message.replace(/^Invalid purl:\s*/i, ""));
    }
  }
  if (!parsed.ecosystem || !parsed.name) throw new Error("no package name");
  if (parsed.ecosystem === "PyPI" && !PYPI_NAME.test(parsed.name)) {
    throw new Error(`${JSON.stringify(parsed.name)} is not a PyPI project name`);
  }
  if (parsed.ecosystem === "npm" && (/^@[^/]*$/.test(parsed.name) || /\/@/.test(parsed.name))) {
    throw new Error(`${JSON.stringify(parsed.name)} is not an npm package name`);
  }
  const raw = parsed.version?.trim() || fallbackVersion?.trim() || "";
  const pinned = pinVersion(parsed.ecosystem, raw);
  const out: PurlPackage = { ecosystem: parsed.ecosystem, name: parsed.name, version: pinned.version };
  if (pinned.unpinned) out.unpinned = pinned.unpinned;
  if (purl.includes("?")) {
    const q = PackageURL.fromString(purl).qualifiers ?? {};
    if (q.vcs_url) {
      out.unpinned = { kind: "vcs", spec: q.vcs_url };
      out.resolved = q.vcs_url;
    } else if (q.download_url) {
      out.resolved = q.download_url;
      // No version, a download URL: a direct URL requirement (`urllib3 @ https://…/2.2.0.zip`, as cyclonedx-py
      // writes it). With a version it is a release fetched from some registry or mirror: still pinned.
      if (out.version === null) out.unpinned = { kind: "url", spec: q.download_url };
    }
  }
  return { package: out };
}

/**
 * An SBOM version is usually exact, but some writers (GitHub's dependency graph export) record the manifest's
 * range when nothing is locked (`pkg:npm/left-pad@%5E1.3.0`, versionInfo `>= 2.0`): those are not versions.
 */
export function pinVersion(
  ecosystem: Ecosystem,
  raw: string,
): { version: string | null; unpinned?: Unpinned } {
  const v = raw.trim();
  if (!v || v === "*") return { version: null, unpinned: { kind: "any", spec: "*" } };
  if (ecosystem === "npm") {
    if (SEMVER.test(v)) return { version: v };
    const spec = classifyNpmSpec(v);
    if (spec.type === "version") return { version: spec.version };
    return { version: null, unpinned: { kind: unpinnedKindOf(spec) ?? "range", spec: v } };
  }
  const pinned = /^===?/.test(v) ? pinnedVersion(v) : PEP440_CHARS.test(v) ? v : null;
  return pinned ? { version: pinned } : { version: null, unpinned: { kind: "range", spec: v } };
}

/**
 * The purl spec lower-cases npm names, but some npm packages are published in mixed case (`JSONStream`):
 * the name an SBOM writes next to the purl is kept when it is the same name in another case.
 */
export function writtenName(p: PurlPackage, written: string | undefined): string {
  if (p.ecosystem !== "npm" || !written) return p.name;
  const w = written.trim().replace(/^npm:/, "");
  return w !== p.name && w.toLowerCase() === p.name.toLowerCase() ? w : p.name;
}

/** Counts entries skipped because they are not PyPI or npm packages, per purl type; one warning at the end. */
export class SkipCounter {
  private readonly counts = new Map<string, number>();
  private total = 0;

  add(type: string | undefined): void {
    const key = type ?? "";
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.total++;
  }

  /** `skipped 3 components that are not PyPI or npm packages: maven 2, no purl 1`, or undefined. */
  warning(noun: string): string | undefined {
    if (this.total === 0) return undefined;
    const parts = [...this.counts]
      .sort(([a], [b]) => (a === "" ? 1 : b === "" ? -1 : a < b ? -1 : a > b ? 1 : 0))
      .map(([type, n]) => `${type || "no purl"} ${n}`);
    const what =
      this.total === 1
        ? `${noun} that is not a PyPI or npm package`
        : `${noun}s that are not PyPI or npm packages`;
    return `skipped ${this.total} ${what}: ${parts.join(", ")}`;
  }
}

function extractPurlList(input: FileInput): ExtractResult {
  const packages: ExtractedPackage[] = [];
  const skipped = new SkipCounter();
  const lines = input.text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    // `#` starts a comment at the start of a line or after whitespace; inside a purl it is the subpath.
    const comment = /(^|\s)#/.exec(raw);
    const body = comment ? raw.slice(0, comment.index) : raw;
    const purl = body.trim();
    if (!purl) continue;
    const column = body.length - body.trimStart().length + 1;
    let reading: PurlReading;
    try {
      reading = readPurl(purl);
    } catch (e) {
      throw new InputError(
        input.file,
        `invalid purl ${JSON.stringify(purl)}: ${(e as Error).message}; expected one package URL a line (pkg:npm/name@version, pkg:pypi/name@version)`,
        { line: i + 1, column },
      );
    }
    if ("skip" in reading) {
      skipped.add(reading.skip);
      continue;
    }
    const p = reading.package;
    const pkg: ExtractedPackage = { ecosystem: p.ecosystem, name: p.name, version: p.version, line: i + 1 };
    if (p.unpinned) pkg.unpinned = p.unpinned;
    if (p.resolved) pkg.resolved = p.resolved;
    packages.push(pkg);
  }
  const warning = skipped.warning("purl");
  return warning ? { packages, warnings: [warning] } : { packages };
}

export const purlListExtractor: FileExtractor = {
  id: "purls",
  ecosystem: "mixed",
  kind: "sbom",
  description: "plain list of package URLs, one a line (read with --purls FILE)",
  matchFile: () => false,
  extract: extractPurlList,
};
