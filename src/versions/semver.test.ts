import { describe, expect, it } from "vitest";
import { compareVersions, UnparsableVersionError, versionOrder } from "./index.js";
import { parseSemver, semverKey } from "./semver.js";

const cmp = (a: string, b: string) => Math.sign(compareVersions("npm", a, b));

describe("npm version ordering (SemVer 2.0 precedence)", () => {
  it("orders the precedence examples of SemVer 2.0 §11", () => {
    const ordered = [
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta",
      "1.0.0-beta.2",
      "1.0.0-beta.11",
      "1.0.0-rc.1",
      "1.0.0",
      "2.0.0",
      "2.1.0",
      "2.1.1",
    ];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect(cmp(ordered[i]!, ordered[j]!), `${ordered[i]} vs ${ordered[j]}`).toBe(Math.sign(i - j));
      }
    }
  });

  it.each([
    ["1.0.0+build.1", "1.0.0", 0], // build metadata does not count (§10, §11)
    ["1.0.0-alpha+001", "1.0.0-alpha+002", 0],
    ["1.0.0-rc.1+build", "1.0.0", -1],
    ["2.0.0-rc.1", "2.0.0", -1], // a prerelease of a fixed version is before it
    ["1.10.0", "1.9.0", 1], // numerically, not as text
    ["1.0.0-2", "1.0.0-10", -1], // numeric identifiers numerically
    ["1.0.0-10", "1.0.0-a", -1], // numeric identifiers before alphanumeric ones
    ["1.0.0-a.b", "1.0.0-a", 1], // more identifiers sort later
    ["0.0.0-0", "0.0.0", -1],
  ] as const)("%s vs %s is %i", (a, b, sign) => {
    expect(cmp(a, b)).toBe(sign);
    expect(cmp(b, a)).toBe(-sign || 0);
  });

  it.each([
    ["v1.2.3", "1.2.3"],
    ["=1.2.3", "1.2.3"],
    [" 1.2.3 ", "1.2.3"],
    ["v 1.2.3", "1.2.3"],
    ["01.02.03", "1.2.3"],
    ["1.2.3beta", "1.2.3-beta"],
    ["1.2.3-beta.01", "1.2.3-beta.1"],
    ["1.2.3+build", "1.2.3"],
    // partial versions, padded as osv.dev does for advisory bounds
    ["1.0", "1.0.0"],
    ["1", "1.0.0"],
    ["v2.1", "2.1.0"],
    ["1.2-beta.1", "1.2.0-beta.1"],
  ])("reads the loose version %j as npm does: %s", (input, expected) => {
    const p = parseSemver(input);
    expect(p && semverKey(p)).toBe(expected);
  });

  it.each(["", "abc", "latest", "1.2.3.4", "^1.2.3", ">=1.2.3", "1.2.x", "*", "1.2.3 - 2.0.0", "1.2.3.beta"])(
    "rejects %j",
    (v) => {
      expect(parseSemver(v)).toBeNull();
      expect(versionOrder("npm").parse(v)).toBeNull();
      expect(() => compareVersions("npm", v, "1.0.0")).toThrow(UnparsableVersionError);
    },
  );

  it("names the version and ecosystem in the error", () => {
    try {
      compareVersions("npm", "1.0.0", "latest");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UnparsableVersionError);
      expect((e as UnparsableVersionError).version).toBe("latest");
      expect((e as UnparsableVersionError).ecosystem).toBe("npm");
      expect((e as Error).message).toBe('"latest" is not a valid npm semver version');
    }
  });

  it("uses the same precedence for ECOSYSTEM and SEMVER ranges of npm", () => {
    expect(versionOrder("npm", "SEMVER").compare("2.0.0-rc.1", "2.0.0")).toBeLessThan(0);
    expect(versionOrder("npm", "ECOSYSTEM").compare("2.0.0-rc.1", "2.0.0")).toBeLessThan(0);
  });
});

describe("versionOrder for PyPI", () => {
  it("orders PyPI by PEP 440 and a SEMVER range by SemVer", () => {
    expect(versionOrder("PyPI").compare("1.0RC1", "1.0rc1")).toBe(0);
    expect(compareVersions("PyPI", "1.0.post1", "1.0")).toBeGreaterThan(0);
    expect(() => compareVersions("PyPI", "1.0-final", "1.0")).toThrow(UnparsableVersionError);
    // SemVer reads 1.0.0-1 as a prerelease; PEP 440 as a post release.
    expect(versionOrder("PyPI", "SEMVER").compare("1.0.0-1", "1.0.0")).toBeLessThan(0);
    expect(versionOrder("PyPI").compare("1.0.0-1", "1.0.0")).toBeGreaterThan(0);
  });

  it("checks an identical unparsable pair too", () => {
    expect(() => compareVersions("PyPI", "junk", "junk")).toThrow(UnparsableVersionError);
  });
});
