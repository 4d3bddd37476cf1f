import type { Unpinned } from "../model.js";
import { normalisePypiName } from "../normalise.js";

/**
 * PEP 508 dependency specifiers: `name [extras] (specifier | @ url) ; marker`.
 * https://peps.python.org/pep-0508/ — names are letters, digits, `-_.`, starting and ending alphanumeric.
 */

export interface Requirement {
  /** As written (not normalised). */
  name: string;
  extras: string[];
  /** Version specifier as written, whitespace removed (`>=1.0,<2`), "" when none. */
  specifier: string;
  /** Direct reference (`name @ https://…`, `name @ git+https://…`). */
  url?: string;
  /** Environment marker as written, trimmed. */
  marker?: string;
}

const NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*/;

/** Parses one PEP 508 requirement; returns undefined when it is not one (the caller reports where). */
export function parseRequirement(text: string): Requirement | undefined {
  const m = NAME.exec(text);
  if (!m) return undefined;
  const name = m[1]!;
  let rest = text.slice(m[0].length);
  const extras: string[] = [];
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close === -1) return undefined;
    for (const e of rest.slice(1, close).split(",")) {
      const x = e.trim();
      if (x) extras.push(x);
    }
    rest = rest.slice(close + 1).trimStart();
  }
  let marker: string | undefined;
  let url: string | undefined;
  if (rest.startsWith("@")) {
    // A URL may itself contain ';' only in rare cases; PEP 508 requires whitespace before the marker's ';'.
    const body = rest.slice(1).trim();
    const semi = body.search(/\s;/);
    url = (semi === -1 ? body : body.slice(0, semi)).trim();
    if (semi !== -1) marker = body.slice(semi + 2).trim();
    if (!url) return undefined;
    return { name, extras, specifier: "", url, marker: marker || undefined };
  }
  const semi = rest.indexOf(";");
  let spec = semi === -1 ? rest : rest.slice(0, semi);
  if (semi !== -1) marker = rest.slice(semi + 1).trim();
  spec = spec.trim();
  if (spec.startsWith("(") && spec.endsWith(")")) spec = spec.slice(1, -1).trim();
  if (spec && !validSpecifier(spec)) return undefined;
  spec = spec.replace(/\s+/g, "");
  return { name, extras, specifier: spec, marker: marker || undefined };
}

/**
 * The exact version a specifier pins, or null: `==1.2.3` and `===1.2.3` pin; `==1.2.*`, ranges and
 * several clauses do not.
 */
export function pinnedVersion(specifier: string): string | null {
  const m = /^(===?)([^,*\s]+)$/.exec(specifier.trim());
  return m ? m[2]! : null;
}

const CLAUSE = /^(~=|===|==|!=|<=|>=|<|>)\s*(\S+)$/;
const VERSION_CHARS = /^[A-Za-z0-9.*+!_-]+$/;
/** The common case in one test: clauses of an operator and PEP 440 version characters. */
const SIMPLE_SPECIFIER =
  /^\s*(?:~=|===?|!=|[<>]=?)\s*[A-Za-z0-9.*+!_-]+\s*(?:,\s*(?:~=|===?|!=|[<>]=?)\s*[A-Za-z0-9.*+!_-]+\s*)*$/;

/** Whether every comma-separated clause of a specifier is `<operator> <version>` (PEP 440 characters). */
function validSpecifier(spec: string): boolean {
  if (SIMPLE_SPECIFIER.test(spec)) return true;
  for (const raw of spec.split(",")) {
    const m = CLAUSE.exec(raw.trim());
    if (!m) return false;
    if (m[1] !== "===" && !VERSION_CHARS.test(m[2]!)) return false;
  }
  return true;
}

/** Where a direct reference points: a version-control URL, a remote file, or a local path. */
export type ReferenceKind = "vcs" | "url" | "path";

/** `git+https://…`, `hg+ssh://…`, `svn+…`, `bzr+…` (pip's VCS schemes), plain `git://`/`svn://`, scp-like `git@host:`. */
const VCS_REFERENCE = /^(?:(?:git|hg|svn|bzr)\+|(?:git|svn):\/\/|git@[^:/]+:)/i;
const REMOTE_REFERENCE = /^(?:https?|ftp):\/\//i;

export function referenceKind(ref: string): ReferenceKind {
  const r = ref.trim();
  if (VCS_REFERENCE.test(r)) return "vcs";
  if (REMOTE_REFERENCE.test(r)) return "url";
  return "path";
}

/** Whether a string is a URL pip reads as a link (`http:`, `https:`, `ftp:`, `file:` or a VCS scheme). */
export function isUrlReference(ref: string): boolean {
  return /^(?:https?|ftp|file):/i.test(ref) || VCS_REFERENCE.test(ref);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const PROJECT_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** The `#egg=name[extras]` fragment of a URL (pip's `Link.egg_fragment`), when it names a project. */
export function eggFragment(ref: string): { name: string; extras: string[] } | undefined {
  const m = /[#&]egg=([^&#]*)/.exec(ref);
  if (!m) return undefined;
  let value = safeDecode(m[1]!).trim();
  const extras: string[] = [];
  const bracket = /^([^[]*)\[([^\]]*)\]$/.exec(value);
  if (bracket) {
    value = bracket[1]!.trim();
    for (const e of bracket[2]!.split(",")) if (e.trim()) extras.push(e.trim());
  }
  return PROJECT_NAME.test(value) ? { name: value, extras } : undefined;
}

const SDIST_SUFFIX = /\.(?:tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|tar\.lz|tar\.lzma|tlz|tar|zip)$/i;

/**
 * Name and version from the wheel or sdist file name at the end of a URL or path
 * (`…/requests-2.31.0-py3-none-any.whl`, `…/Django-4.2.tar.gz`), or undefined when it is not one.
 */
export function distributionFromFileName(ref: string): { name: string; version: string } | undefined {
  const path = ref.replace(/[?#].*$/s, "");
  const base = safeDecode(path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1));
  if (/\.whl$/i.test(base)) {
    // {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl
    const parts = base.slice(0, -4).split("-");
    if ((parts.length === 5 || parts.length === 6) && PROJECT_NAME.test(parts[0]!) && /^\d/.test(parts[1]!)) {
      return { name: parts[0]!, version: parts[1]! };
    }
    return undefined;
  }
  const suffix = SDIST_SUFFIX.exec(base);
  if (!suffix) return undefined;
  const m = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)-(\d[A-Za-z0-9.!+_]*)$/.exec(
    base.slice(0, suffix.index),
  );
  return m ? { name: m[1]!, version: m[2]! } : undefined;
}

/** Whether a path names a distribution archive pip would install as a file (`*.whl`, `*.tar.gz`, `*.zip`…). */
export function isArchivePath(ref: string): boolean {
  const path = ref.replace(/[?#].*$/s, "");
  return /\.whl$/i.test(path) || SDIST_SUFFIX.test(path);
}

/** Hashes recorded in a URL fragment (`#sha256=<hex>`), in the `alg=hex` form. */
export function fragmentHashes(ref: string): string[] {
  const hash = ref.indexOf("#");
  if (hash === -1) return [];
  const out: string[] = [];
  for (const m of ref
    .slice(hash + 1)
    .matchAll(/(?:^|&)(md5|sha1|sha224|sha256|sha384|sha512)=([0-9A-Fa-f]+)/g)) {
    out.push(`${m[1]!.toLowerCase()}=${m[2]!}`);
  }
  return out;
}

/** What a PEP 508 requirement says about the package it names, in `ExtractedPackage` terms. */
export interface RequirementFields {
  name: string;
  version: string | null;
  unpinned?: Unpinned;
  extras?: string[];
  markers?: string;
  resolved?: string;
  hashes?: string[];
}

/**
 * A requirement's package fields: `==1.2` / `===1.2` give the version; other specifiers are a range, none is
 * `any`; a direct reference (`name @ url`) is vcs/url/path, with the version of a wheel/sdist file name.
 */
export function requirementPackage(req: Requirement): RequirementFields {
  const out: RequirementFields = { name: req.name, version: null };
  if (req.url) {
    const kind = referenceKind(req.url);
    out.unpinned = { kind, spec: req.url };
    if (kind === "url") out.resolved = req.url;
    if (kind !== "vcs") {
      const dist = distributionFromFileName(req.url);
      if (dist && normalisePypiName(dist.name) === normalisePypiName(req.name)) out.version = dist.version;
    }
    const hashes = fragmentHashes(req.url);
    if (hashes.length) out.hashes = hashes;
  } else {
    out.version = pinnedVersion(req.specifier);
    if (out.version === null) {
      out.unpinned = req.specifier ? { kind: "range", spec: req.specifier } : { kind: "any", spec: "*" };
    }
  }
  if (req.extras.length) out.extras = req.extras;
  if (req.marker) out.markers = req.marker;
  return out;
}
