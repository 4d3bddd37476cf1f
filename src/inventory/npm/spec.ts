/**
 * What an npm dependency spec (the value in `dependencies`) points at, as npm-package-arg classifies it:
 * a registry range or exact version, an alias (`npm:other@^1`), git, a remote tarball, a local path,
 * a workspace, or a tag.
 */
import type { UnpinnedKind } from "../model.js";

export type NpmSpec =
  | { type: "version"; version: string }
  | { type: "range"; range: string }
  | { type: "tag"; tag: string }
  | { type: "alias"; name: string; spec: NpmSpec }
  | { type: "git"; url: string }
  | { type: "remote"; url: string }
  | { type: "file"; path: string }
  | { type: "workspace"; spec: string };

const EXACT = /^v?=?\s*(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;
const GIT = /^(git\+|git:\/\/|github:|gitlab:|bitbucket:|gist:)|^[\w.-]+\/[\w.-]+(#.*)?$|\.git(#.*)?$/;

export function classifyNpmSpec(raw: string): NpmSpec {
  const spec = raw.trim();
  if (spec.startsWith("npm:")) {
    const body = spec.slice(4);
    const at = body.lastIndexOf("@");
    if (at > 0) return { type: "alias", name: body.slice(0, at), spec: classifyNpmSpec(body.slice(at + 1)) };
    return { type: "alias", name: body, spec: { type: "range", range: "*" } };
  }
  if (spec.startsWith("workspace:")) return { type: "workspace", spec };
  if (/^(file:|link:|portal:|\.{0,2}\/|~\/|[A-Za-z]:[\\/])/.test(spec)) return { type: "file", path: spec };
  if (/^https?:\/\//.test(spec) && !/\.git(#.*)?$/.test(spec)) return { type: "remote", url: spec };
  if (GIT.test(spec)) return { type: "git", url: spec };
  const exact = EXACT.exec(spec);
  if (exact) return { type: "version", version: exact[1]! };
  if (spec === "" || spec === "*" || spec === "latest" || /[\d*xX<>=~^|]/.test(spec) || /\s-\s/.test(spec)) {
    return { type: "range", range: spec || "*" };
  }
  return { type: "tag", tag: spec };
}

/** How an unpinned spec is reported (`Component.unpinned.kind`). */
export function unpinnedKindOf(spec: NpmSpec): UnpinnedKind | undefined {
  switch (spec.type) {
    case "version":
      return undefined;
    case "range":
      return spec.range === "*" ? "any" : "range";
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
