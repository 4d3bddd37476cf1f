import { describe, expect, it } from "vitest";
import {
  classifyNpmSpec,
  isRegistryTarball,
  matchesWorkspaces,
  sourceOfResolved,
  unpinnedKindOf,
  versionFromTarball,
  workspaceGlobs,
} from "./spec.js";

describe("classifyNpmSpec", () => {
  it.each([
    ["1.2.3", { type: "version", version: "1.2.3" }],
    ["v1.2.3", { type: "version", version: "1.2.3" }],
    ["=1.2.3", { type: "version", version: "1.2.3" }],
    [" 1.0.0-beta.2+build.5 ", { type: "version", version: "1.0.0-beta.2+build.5" }],
    ["^1.2.3", { type: "range", range: "^1.2.3" }],
    ["~1.2", { type: "range", range: "~1.2" }],
    ["1.x", { type: "range", range: "1.x" }],
    [">= 1.0.0 < 2", { type: "range", range: ">= 1.0.0 < 2" }],
    ["1.0.0 - 2.0.0", { type: "range", range: "1.0.0 - 2.0.0" }],
    ["^1.0.0 || ^2.0.0-rc.1", { type: "range", range: "^1.0.0 || ^2.0.0-rc.1" }],
    ["*", { type: "range", range: "*" }],
    ["", { type: "range", range: "*" }],
    ["latest", { type: "tag", tag: "latest" }],
    ["next", { type: "tag", tag: "next" }],
    [
      "npm:string-width@^4.2.0",
      { type: "alias", name: "string-width", spec: { type: "range", range: "^4.2.0" } },
    ],
    [
      "npm:@scope/pkg@1.0.0",
      { type: "alias", name: "@scope/pkg", spec: { type: "version", version: "1.0.0" } },
    ],
    ["npm:@scope/pkg", { type: "alias", name: "@scope/pkg", spec: { type: "range", range: "*" } }],
    // Yarn Berry's protocol-prefixed range: no other name
    ["npm:^4.20.0", { type: "alias", name: "", spec: { type: "range", range: "^4.20.0" } }],
    ["npm:1.2.3", { type: "alias", name: "", spec: { type: "version", version: "1.2.3" } }],
    ["npm:left-pad", { type: "alias", name: "left-pad", spec: { type: "range", range: "*" } }],
    [
      "jsr:@std/path@^1.0.0",
      { type: "alias", name: "@jsr/std__path", spec: { type: "range", range: "^1.0.0" } },
    ],
    ["user/repo", { type: "git", url: "user/repo" }],
    ["user/repo#v1.0.0", { type: "git", url: "user/repo#v1.0.0" }],
    ["github:user/repo#semver:^1", { type: "git", url: "github:user/repo#semver:^1" }],
    ["gitlab:group/repo", { type: "git", url: "gitlab:group/repo" }],
    ["git@github.com:user/repo.git", { type: "git", url: "git@github.com:user/repo.git" }],
    [
      "git+ssh://git@example.com/repo.git#abc",
      { type: "git", url: "git+ssh://git@example.com/repo.git#abc" },
    ],
    ["git://example.com/repo.git", { type: "git", url: "git://example.com/repo.git" }],
    ["https://github.com/user/repo", { type: "git", url: "https://github.com/user/repo" }],
    [
      "https://github.com/user/repo/tarball/main",
      { type: "remote", url: "https://github.com/user/repo/tarball/main" },
    ],
    ["https://example.com/pkg-1.0.0.tgz", { type: "remote", url: "https://example.com/pkg-1.0.0.tgz" }],
    ["file:../lib", { type: "file", path: "file:../lib" }],
    ["../lib", { type: "file", path: "../lib" }],
    ["./vendor/pkg.tgz", { type: "file", path: "./vendor/pkg.tgz" }],
    ["~/lib", { type: "file", path: "~/lib" }],
    ["/opt/lib", { type: "file", path: "/opt/lib" }],
    ["link:../lib", { type: "file", path: "link:../lib" }],
    ["vendor/lib/sub", { type: "file", path: "vendor/lib/sub" }],
    ["pkg.tgz", { type: "file", path: "pkg.tgz" }],
    ["workspace:^", { type: "workspace", spec: "workspace:^" }],
    ["catalog:", { type: "tag", tag: "catalog:" }],
  ])("%j", (spec, expected) => {
    expect(classifyNpmSpec(spec)).toEqual(expected);
  });
});

describe("unpinnedKindOf", () => {
  it("maps spec types to unpinned kinds", () => {
    const kind = (s: string) => unpinnedKindOf(classifyNpmSpec(s));
    expect(kind("1.2.3")).toBeUndefined();
    expect(kind("npm:a@1.2.3")).toBeUndefined();
    expect(kind("^1.2.3")).toBe("range");
    expect(kind("latest")).toBe("range");
    expect(kind("*")).toBe("any");
    expect(kind("x")).toBe("any");
    expect(kind("")).toBe("any");
    expect(kind("user/repo")).toBe("vcs");
    expect(kind("https://example.com/a.tgz")).toBe("url");
    expect(kind("file:a")).toBe("path");
  });
});

describe("sourceOfResolved", () => {
  it("tells registry tarballs from git, file and other URLs", () => {
    expect(sourceOfResolved(undefined)).toBeUndefined();
    expect(sourceOfResolved("https://registry.npmjs.org/@babel/core/-/core-7.24.5.tgz")).toBeUndefined();
    expect(sourceOfResolved("https://registry.yarnpkg.com/ms/-/ms-2.1.3.tgz")).toBeUndefined();
    expect(
      sourceOfResolved("https://nexus.example.com/repository/npm-group/lodash/-/lodash-4.17.21.tgz?x=1"),
    ).toBeUndefined();
    expect(sourceOfResolved("https://npm.pkg.github.com/download/@o/p/1.0.0/0abc")).toBeUndefined();
    expect(sourceOfResolved("git+ssh://git@github.com/u/r.git#abc")).toEqual({
      kind: "vcs",
      spec: "git+ssh://git@github.com/u/r.git#abc",
    });
    expect(sourceOfResolved("https://codeload.github.com/u/r/tar.gz/abc")?.kind).toBe("vcs");
    expect(sourceOfResolved("https://github.com/u/r/archive/v1.0.0.tar.gz")?.kind).toBe("vcs");
    expect(sourceOfResolved("https://gitlab.com/g/r/-/archive/v1/r-v1.tar.gz")?.kind).toBe("vcs");
    expect(sourceOfResolved("file:vendor/a-1.0.0.tgz")).toEqual({
      kind: "path",
      spec: "file:vendor/a-1.0.0.tgz",
    });
    expect(sourceOfResolved("https://cdn.example.com/a-1.0.0.tgz")).toEqual({
      kind: "url",
      spec: "https://cdn.example.com/a-1.0.0.tgz",
    });
    expect(isRegistryTarball("https://cdn.example.com/a-1.0.0.tgz")).toBe(false);
  });
});

describe("versionFromTarball", () => {
  it("reads the version from a tarball file name for the package", () => {
    expect(versionFromTarball("foo", "https://example.com/foo-1.3.0.tgz")).toBe("1.3.0");
    expect(versionFromTarball("@s/foo", "file:vendor/foo-2.0.0-rc.1.tgz")).toBe("2.0.0-rc.1");
    expect(versionFromTarball("foo", "https://example.com/bar-1.3.0.tgz")).toBeUndefined();
    expect(versionFromTarball("foo", "file:libs/foo")).toBeUndefined();
  });
});

describe("workspace globs", () => {
  it("reads both shapes of the workspaces field", () => {
    expect(workspaceGlobs(["a/*"])).toEqual(["a/*"]);
    expect(workspaceGlobs({ packages: ["a/*"], nohoist: ["**/x"] })).toEqual(["a/*"]);
    expect(workspaceGlobs({ nohoist: [] })).toEqual([]);
    expect(workspaceGlobs("a/*")).toBeUndefined();
    expect(workspaceGlobs([1])).toBeUndefined();
  });

  it("matches directories as map-workspaces does", () => {
    expect(matchesWorkspaces(["packages/*"], "packages/a")).toBe(true);
    expect(matchesWorkspaces(["packages/*"], "packages/a/b")).toBe(false);
    expect(matchesWorkspaces(["packages/**"], "packages/a/b")).toBe(true);
    expect(matchesWorkspaces(["./apps/web/"], "apps/web")).toBe(true);
    expect(matchesWorkspaces(["packages/*", "!packages/legacy"], "packages/legacy")).toBe(false);
    expect(matchesWorkspaces(["**/pkg-?"], "deep/dir/pkg-1")).toBe(true);
    expect(matchesWorkspaces(["**/pkg-?"], "pkg-1")).toBe(true);
    expect(matchesWorkspaces([], "packages/a")).toBe(false);
  });
});
