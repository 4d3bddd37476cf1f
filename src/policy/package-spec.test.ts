import { describe, expect, it } from "vitest";
import { packagePatternMatches, packagePatternProblem, packageSpecMatches } from "./package-spec.js";

const npm = (name: string, version?: string) => ({ ecosystem: "npm", name, version });
const pypi = (name: string, version?: string) => ({ ecosystem: "PyPI", name, version });

describe("packageSpecMatches", () => {
  it("compares names as the ecosystem does and versions by equality", () => {
    expect(packageSpecMatches("Flask_Login", pypi("flask-login"))).toBe(true);
    expect(packageSpecMatches("flask@2.2.02", pypi("flask", "2.2.2"))).toBe(true);
    expect(packageSpecMatches("flask@2.2.3", pypi("flask", "2.2.2"))).toBe(false);
    expect(packageSpecMatches("pkg:npm/%40babel/core@7.0.0", npm("@babel/core", "7.0.0"))).toBe(true);
    expect(packageSpecMatches("pkg:npm/lodash", pypi("lodash"))).toBe(false);
  });
});

describe("packagePatternMatches", () => {
  it.each([
    ["@evil/*", npm("@evil/a"), true],
    ["@evil/*", npm("@evil/deep/name"), true],
    ["@evil/*", npm("@evilcorp/a"), false],
    ["@evil/*", npm("evil"), false],
    ["*-colors", npm("super-colors"), true],
    ["*-colors", npm("colors"), false],
    ["colo*rs", npm("colors"), true],
    ["colo*rs", npm("colours"), true],
    ["colo*rs", npm("colorsx"), false],
    // `.` is a literal, not "any character"
    ["a.b*", npm("a.bc"), true],
    ["a.b*", npm("axbc"), false],
    ["*", npm("anything"), true],
    // npm compares case-insensitively
    ["Evil-*", npm("evil-pkg"), true],
    // PEP 503 for PyPI, piece by piece
    ["Foo_Bar*", pypi("foo-bar-x"), true],
    ["foo.bar*", pypi("Foo_Bar_X"), true],
    ["foo-*", pypi("foobar"), false],
  ])("%s matches %j: %s", (pattern, pkg, expected) => {
    expect(packagePatternMatches(pattern, pkg)).toBe(expected);
  });

  it("a name without * is an exact name in any ecosystem", () => {
    expect(packagePatternMatches("event-stream", npm("event-stream", "3.3.6"))).toBe(true);
    expect(packagePatternMatches("event-stream", pypi("event_stream"))).toBe(true);
    expect(packagePatternMatches("event-stream", npm("event-stream2"))).toBe(false);
    expect(packagePatternMatches("stream", npm("event-stream"))).toBe(false);
  });

  it("name@version and purls as packageSpecMatches", () => {
    expect(packagePatternMatches("event-stream@3.3.6", npm("event-stream", "3.3.6"))).toBe(true);
    expect(packagePatternMatches("event-stream@3.3.6", npm("event-stream", "3.3.5"))).toBe(false);
    expect(packagePatternMatches("pkg:pypi/requests@2.0", pypi("requests", "2.0.0"))).toBe(true);
    expect(packagePatternMatches("pkg:pypi/requests", npm("requests"))).toBe(false);
    // a purl is never a glob
    expect(packagePatternMatches("pkg:npm/%40evil/*", npm("@evil/a"))).toBe(false);
  });

  it("a pattern with * can be narrowed to a version", () => {
    expect(packagePatternMatches("@evil/*@1.0.0", npm("@evil/a", "1.0.0"))).toBe(true);
    expect(packagePatternMatches("@evil/*@1.0.0", npm("@evil/a", "1.0.1"))).toBe(false);
    expect(packagePatternMatches("@evil/*@1.0.0", npm("@evil/a"))).toBe(false);
  });
});

describe("packagePatternProblem", () => {
  it("flags purls that could never match, and nothing else", () => {
    expect(packagePatternProblem("@evil/*")).toBeUndefined();
    expect(packagePatternProblem("pkg:npm/lodash")).toBeUndefined();
    expect(packagePatternProblem("pkg:maven/org.x/y")).toMatch(/purl type "maven" is not supported/);
    expect(packagePatternProblem("pkg:")).toMatch(/not a valid purl/);
  });
});
