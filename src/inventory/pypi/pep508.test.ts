import { describe, expect, it } from "vitest";
import {
  distributionFromFileName,
  eggFragment,
  fragmentHashes,
  isArchivePath,
  isUrlReference,
  parseRequirement,
  pinnedVersion,
  referenceKind,
  requirementPackage,
} from "./pep508.js";

describe("parseRequirement", () => {
  it("parses names, extras, specifiers, URLs and markers", () => {
    expect(parseRequirement('requests[socks, security] >= 2.8.1, == 2.8.* ; python_version < "2.7"')).toEqual(
      {
        name: "requests",
        extras: ["socks", "security"],
        specifier: ">=2.8.1,==2.8.*",
        marker: 'python_version < "2.7"',
      },
    );
    expect(parseRequirement("zope.interface (>=3.6.0)")).toEqual({
      name: "zope.interface",
      extras: [],
      specifier: ">=3.6.0",
      marker: undefined,
    });
    expect(
      parseRequirement("pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee ; os_name == 'nt'"),
    ).toEqual({
      name: "pip",
      extras: [],
      specifier: "",
      url: "https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee",
      marker: "os_name == 'nt'",
    });
    expect(parseRequirement("legacy===2013b")?.specifier).toBe("===2013b");
  });

  it("rejects what is not a requirement", () => {
    expect(parseRequirement("flask = 2.0")).toBeUndefined();
    expect(parseRequirement("flask 2.0")).toBeUndefined();
    expect(parseRequirement("flask>=2.0 and more")).toBeUndefined();
    expect(parseRequirement("flask>=2.0,")).toBeUndefined();
    expect(parseRequirement("flask>=")).toBeUndefined();
    expect(parseRequirement("flask>=2.0;<3")?.marker).toBe("<3");
    expect(parseRequirement("flask[async")).toBeUndefined();
    expect(parseRequirement("-e .")).toBeUndefined();
    expect(parseRequirement("pkg @ ")).toBeUndefined();
  });

  it("pinnedVersion: only a single == or === clause without wildcard pins", () => {
    expect(pinnedVersion("==1.2.3")).toBe("1.2.3");
    expect(pinnedVersion("===1.0-custom")).toBe("1.0-custom");
    expect(pinnedVersion("==1.*")).toBeNull();
    expect(pinnedVersion(">=1,<2")).toBeNull();
    expect(pinnedVersion("")).toBeNull();
  });
});

describe("direct references", () => {
  it("classifies VCS, remote and local references", () => {
    expect(referenceKind("git+https://github.com/a/b.git@v1")).toBe("vcs");
    expect(referenceKind("hg+ssh://hg@example.com/repo")).toBe("vcs");
    expect(referenceKind("git://github.com/a/b.git")).toBe("vcs");
    expect(referenceKind("git@github.com:a/b.git")).toBe("vcs");
    expect(referenceKind("https://example.com/x-1.0.tar.gz")).toBe("url");
    expect(referenceKind("ftp://example.com/x.zip")).toBe("url");
    expect(referenceKind("file:///srv/x")).toBe("path");
    expect(referenceKind("../libs/x")).toBe("path");
    expect(isUrlReference("file:../x")).toBe(true);
    expect(isUrlReference("svn+https://svn.example.com/x")).toBe(true);
    expect(isUrlReference("./x")).toBe(false);
    expect(isUrlReference("name @ https://x")).toBe(false);
  });

  it("reads #egg= fragments", () => {
    expect(eggFragment("git+https://x/y.git@main#egg=My_Pkg")).toEqual({ name: "My_Pkg", extras: [] });
    expect(eggFragment("git+https://x/y.git#subdirectory=sub&egg=pkg[a,b]")).toEqual({
      name: "pkg",
      extras: ["a", "b"],
    });
    expect(eggFragment("git+https://x/y.git#egg=")).toBeUndefined();
    expect(eggFragment("https://x/y.zip")).toBeUndefined();
  });

  it("reads names and versions from wheel and sdist file names", () => {
    expect(
      distributionFromFileName("https://h/p/numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.whl"),
    ).toEqual({
      name: "numpy",
      version: "1.26.4",
    });
    expect(distributionFromFileName("./dist/pkg-1.0-1-py3-none-any.whl?x=1#sha256=ab")).toEqual({
      name: "pkg",
      version: "1.0",
    });
    expect(distributionFromFileName("https://h/torch-2.2.0%2Bcpu-cp311-cp311-linux_x86_64.whl")).toEqual({
      name: "torch",
      version: "2.2.0+cpu",
    });
    expect(distributionFromFileName("C:\\wheels\\python-dateutil-2.9.0.tar.gz")).toEqual({
      name: "python-dateutil",
      version: "2.9.0",
    });
    expect(
      distributionFromFileName("https://github.com/o/r/archive/refs/tags/v1.2.3.tar.gz"),
    ).toBeUndefined();
    expect(distributionFromFileName("https://github.com/o/r/archive/main.zip")).toBeUndefined();
    expect(distributionFromFileName("not-a-wheel.whl")).toBeUndefined();
    expect(isArchivePath("x-1.0.tar.bz2")).toBe(true);
    expect(isArchivePath("./pkg")).toBe(false);
  });

  it("reads hashes from URL fragments", () => {
    expect(fragmentHashes("https://x/y.whl#sha256=ABCD&egg=y")).toEqual(["sha256=ABCD"]);
    expect(fragmentHashes("https://x/y.whl#egg=y&md5=00ff")).toEqual(["md5=00ff"]);
    expect(fragmentHashes("https://x/y.whl")).toEqual([]);
  });

  it("requirementPackage turns a requirement into package fields", () => {
    expect(requirementPackage(parseRequirement("a[x]==1.0 ; os_name == 'nt'")!)).toEqual({
      name: "a",
      version: "1.0",
      extras: ["x"],
      markers: "os_name == 'nt'",
    });
    expect(requirementPackage(parseRequirement("b")!)).toEqual({
      name: "b",
      version: null,
      unpinned: { kind: "any", spec: "*" },
    });
    expect(requirementPackage(parseRequirement("c @ https://h/other-2.0-py3-none-any.whl")!)).toEqual({
      name: "c",
      version: null,
      unpinned: { kind: "url", spec: "https://h/other-2.0-py3-none-any.whl" },
      resolved: "https://h/other-2.0-py3-none-any.whl",
    });
  });
});
