/**
 * What an npm dependency spec (the value in `dependencies`) points at, as npm-package-arg classifies it:
 * a registry range or exact version, an alias (`npm:other@^1`), git, a remote tarball, a local path,
 * a workspace, or a tag. Also: what a lockfile's `resolved` URL says about where a package came from, and
 * workspace glob matching. Shared by the npm, yarn and pnpm extractors.
 *
 * Reference: npm-package-arg lib/npa.js (order of the checks), hosted-git-info (git host shortcuts and URLs).
 */
import type { Unpinned, UnpinnedKind } from "../model.js";

export type NpmSpec =
  | { type: "version"; version: string }
  | { type: "range"; range: string }
  | { type: "tag"; tag: string }
  | { type: "alias"; name: string; spec: NpmSpec }
  | { type: "git"; url: string }
  | { type: "remote"; url: string }
  | { type: "file"; path: string }
  | { type: "workspace"; spec: string };

/** semver.valid(spec, loose): `1.2.3`, `v1.2.3`, `=1.2.3`, `1.2.3-rc.1+build`. */
const EXACT = /^[v=\s]*(\d+\.\d+\.\d+(?:-?[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;
/** One comparator of a semver range (`^1.2`, `>=1.0.0-rc.1`, `1.x`, `*`). */
const COMPARATOR =
  /^(?:[<>]=?|=|~>?|\^)?\s*[v=]?\s*(?:[\dxX*]+)(?:\.[\dxX*]+){0,2}(?:-?[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** Git host shortcuts hosted-git-info knows. */
const GIT_SHORTCUT = /^(github|gitlab|bitbucket|gist|sourcehut):/i;
/** hosted-git-info's GitHub shorthand: `user/repo`, `user/repo#ref`. */
const GITHUB_SHORTHAND = /^[^@%/\s.-][^:@%/\s]*\/[^:@\s/%#]+(?:#.*)?$/;
/** npa's scp-like git spec: `git@github.com:user/repo.git`. */
const SCP_GIT = /^[^@/:\s]+@[^:.\s]+\.[^:\s]+:.+$/;
/** npa: any `scheme:` (`git+ssh:`, `https:`); checked after file:, npm:, jsr:, workspace:. */
const URL_SCHEME = /^(?:git\+)?[a-z]+:/i;
/** npa's isPosixFile / isWindowsFile, plus the yarn and pnpm local protocols. */
const FILE_SPEC = /^(?:file:|link:|portal:|\.|~\/|\/|\\|[a-zA-Z]:)/i;
const TARBALL = /\.(?:tgz|tar\.gz|tar)$/i;

export function classifyNpmSpec(raw: string): NpmSpec {
  const spec = raw.trim();
  const lower = spec.toLowerCase();
  if (lower.startsWith("workspace:")) return { type: "workspace", spec };
  if (FILE_SPEC.test(spec)) return { type: "file", path: spec };
  if (lower.startsWith("npm:")) {
    const body = spec.slice(4);
    const at = body.lastIndexOf("@");
    if (at > 0) return { type: "alias", name: body.slice(0, at), spec: classifyNpmSpec(body.slice(at + 1)) };
    // Yarn Berry writes the default protocol before a plain range (`npm:^4.20.0`): no other name, so the
    // alias has an empty name and the dependency is the package it is declared under.
    if (EXACT.test(body) || (body !== "" && isRange(body))) {
      return { type: "alias", name: "", spec: classifyNpmSpec(body) };
    }
    return { type: "alias", name: body, spec: { type: "range", range: "*" } };
  }
  if (lower.startsWith("jsr:")) {
    // npa maps `jsr:@scope/name@range` to the npm package `@jsr/scope__name`.
    const body = spec.slice(4);
    const at = body.indexOf("@", 1);
    const jsrName = at > 0 ? body.slice(0, at) : body;
    const m = /^@([^/]+)\/(.+)$/.exec(jsrName);
    if (m) {
      const inner = at > 0 ? body.slice(at + 1) : "*";
      return { type: "alias", name: `@jsr/${m[1]}__${m[2]}`, spec: classifyNpmSpec(inner || "*") };
    }
    return { type: "tag", tag: spec };
  }
  if (GIT_SHORTCUT.test(spec) || SCP_GIT.test(spec) || isHostedGitUrl(spec))
    return { type: "git", url: spec };
  if (URL_SCHEME.test(spec)) {
    if (/^https?:/i.test(spec)) return { type: "remote", url: spec };
    if (/^(?:git(?:\+[a-z]+)?|ssh):/i.test(spec)) return { type: "git", url: spec };
    return { type: "tag", tag: spec }; // another tool's protocol (pnpm `catalog:`, yarn `patch:`)
  }
  if (GITHUB_SHORTHAND.test(spec)) return { type: "git", url: spec };
  if (spec.includes("/") || TARBALL.test(spec)) return { type: "file", path: spec };
  const exact = EXACT.exec(spec);
  if (exact) return { type: "version", version: exact[1]! };
  if (isRange(spec)) return { type: "range", range: spec || "*" };
  return { type: "tag", tag: spec };
}

/** Roughly semver.validRange(spec, loose): comparators joined by spaces, ` - ` and `||`. */
function isRange(spec: string): boolean {
  if (spec === "") return true;
  for (const alt of spec.split("||")) {
    const set = alt.trim().replace(/([<>=~^])\s+/g, "$1");
    if (set === "") continue; // `1 || ` is a valid range
    const parts = set.split(/\s+/);
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (p === "-" && i > 0 && i < parts.length - 1) continue;
      if (!COMPARATOR.test(p)) return false;
    }
  }
  return true;
}

/** A browsable git host URL (hosted-git-info): `https://github.com/user/repo`, `…/repo.git#ref`, `…/tree/ref`. */
function isHostedGitUrl(spec: string): boolean {
  const m =
    /^(?:git\+)?https?:\/\/(?:www\.)?(github\.com|gitlab\.com|bitbucket\.org|gist\.github\.com)\/([^?#]*)/i.exec(
      spec,
    );
  if (!m) return false;
  const host = m[1]!.toLowerCase();
  const segments = m[2]!.split("/").filter((s) => s !== "");
  if (host === "gist.github.com") return segments.length >= 1;
  if (segments.length < 2) return false;
  if (host === "github.com") return segments.length === 2 || (segments.length >= 3 && segments[2] === "tree");
  if (host === "gitlab.com") return !m[2]!.includes("/-/") && !m[2]!.endsWith("archive.tar.gz");
  return segments[2] !== "get"; // bitbucket.org/user/repo/get/<ref>.tar.gz is a tarball
}

/** How an unpinned spec is reported (`Component.unpinned.kind`). */
export function unpinnedKindOf(spec: NpmSpec): UnpinnedKind | undefined {
  switch (spec.type) {
    case "version":
      return undefined;
    case "range":
      return isAnyRange(spec.range) ? "any" : "range";
    case "tag":
      return "range";
    case "alias":
      return unpinnedKindOf(spec.spec);
    case "git":
      return "vcs";
    case "remote":
      return "url";
    case "file":
      return "path";
    case "workspace":
      return "path";
  }
}

function isAnyRange(range: string): boolean {
  const r = range.trim();
  return r === "" || r === "*" || r === "x" || r === "X" || r === ">=0" || r === ">=0.0.0";
}

/** A git host's tarball download (treated as a git source, the version being a commit or tag). */
const GIT_TARBALL =
  /^https?:\/\/(?:codeload\.github\.com\/|api\.github\.com\/repos\/|(?:www\.)?github\.com\/[^/]+\/[^/]+\/(?:archive|tarball)\/|(?:www\.)?gitlab\.com\/.+\/-\/archive\/|(?:www\.)?bitbucket\.org\/[^/]+\/[^/]+\/get\/)/i;
/**
 * A registry tarball: the npm registry protocol serves `<registry>/<name>/-/<basename>-<version>.tgz`
 * (npmjs, yarnpkg, Verdaccio, Artifactory, Nexus, Azure Artifacts, CodeArtifact, GitLab); GitHub Packages
 * serves `https://npm.pkg.github.com/download/<name>/<version>/<hash>`.
 */
const REGISTRY_TARBALL =
  /^https?:\/\/(?:[^/?#]+\/(?:[^?#]*\/)?-\/[^/?#]+\.tgz(?:[?#].*)?|npm\.pkg\.github\.com\/download\/.+)$/i;

/** Whether a lockfile's `resolved` URL is a registry tarball. */
export function isRegistryTarball(url: string): boolean {
  return REGISTRY_TARBALL.test(url) && !GIT_TARBALL.test(url);
}

/**
 * Where a locked package came from, from its `resolved` value: undefined for a registry tarball (or nothing
 * recorded), else the unpinned source (`vcs` for git URLs and git-host tarballs, `path` for `file:`, `url` for
 * any other remote tarball).
 */
export function sourceOfResolved(resolved: string | undefined): Unpinned | undefined {
  if (!resolved) return undefined;
  const r = resolved.trim();
  if (/^git(?:\+[a-z]+)?:/i.test(r) || GIT_SHORTCUT.test(r) || SCP_GIT.test(r) || GIT_TARBALL.test(r)) {
    return { kind: "vcs", spec: r };
  }
  if (/^(?:file|link|portal):/i.test(r)) return { kind: "path", spec: r };
  if (/^https?:\/\//i.test(r)) return isRegistryTarball(r) ? undefined : { kind: "url", spec: r };
  if (/^ssh:/i.test(r)) return { kind: "vcs", spec: r };
  return undefined;
}

/** The version in a tarball's file name (`…/foo-1.2.3.tgz` for package `foo` or `@s/foo`), as npm infers it. */
export function versionFromTarball(name: string, url: string): string | undefined {
  const path = url.replace(/[?#].*$/, "");
  const base = path.slice(path.lastIndexOf("/") + 1).replace(TARBALL, "");
  const bare = name.slice(name.lastIndexOf("/") + 1);
  if (!bare || !base.startsWith(`${bare}-`)) return undefined;
  return EXACT.exec(base.slice(bare.length + 1))?.[1];
}

/**
 * The `workspaces` field of a package.json (or of a lockfile's root entry) as a list of globs: an array,
 * or yarn's `{packages: [...]}`. Returns undefined when the value is neither.
 */
export function workspaceGlobs(value: unknown): string[] | undefined {
  let list: unknown = value;
  if (value === undefined || value === null) list = [];
  else if (!Array.isArray(value) && typeof value === "object")
    list = (value as { packages?: unknown }).packages ?? [];
  if (!Array.isArray(list) || !list.every((g): g is string => typeof g === "string")) return undefined;
  return list;
}

/**
 * Whether a directory (relative, posix) is one of the workspaces the globs name, as @npmcli/map-workspaces
 * reads them: `*` within a segment, `**` across segments, `!pattern` excludes.
 */
export function matchesWorkspaces(globs: readonly string[], dir: string): boolean {
  const d = dir.replace(/^\.\//, "").replace(/\/+$/, "");
  let matched = false;
  for (const g of globs) {
    const negated = g.startsWith("!");
    const re = globRegExp(negated ? g.slice(1) : g);
    if (!re?.test(d)) continue;
    matched = !negated;
  }
  return matched;
}

const globCache = new Map<string, RegExp | undefined>();

export function globRegExp(pattern: string): RegExp | undefined {
  if (globCache.has(pattern)) return globCache.get(pattern);
  const p = pattern.trim().replace(/^\.\//, "").replace(/\/+$/, "");
  let re: RegExp | undefined;
  if (p) {
    let src = "";
    for (let i = 0; i < p.length; i++) {
      const c = p[i]!;
      if (c === "*" && p[i + 1] === "*") {
        i++;
        if (p[i + 1] === "/") {
          i++;
          src += "(?:[^/]+/)*"; // `**/` matches zero or more directories
        } else src += ".*";
      } else if (c === "*") src += "[^/]*";
      else if (c === "?") src += "[^/]";
      else src += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
    re = new RegExp(`^${src}$`);
  }
  globCache.set(pattern, re);
  return re;
}
