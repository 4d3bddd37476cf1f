import { describe, expect, it } from "vitest";
import type { OsvAffected, OsvEvent } from "../advisories/osv.js";
import type { Ecosystem } from "../inventory/model.js";
import { type AffectedCheck, checkAffected, UnparsableVersionError } from "./index.js";

function range(type: string, ...events: OsvEvent[]): OsvAffected {
  return { ranges: [{ type, events }] };
}
const eco = (...events: OsvEvent[]) => range("ECOSYSTEM", ...events);
const semverRange = (...events: OsvEvent[]) => range("SEMVER", ...events);

function affectedSet(ecosystem: Ecosystem, entry: OsvAffected, versions: string[]): string[] {
  return versions.filter((v) => checkAffected(ecosystem, entry, v).affected);
}

describe("checkAffected: events", () => {
  it("introduced/fixed: from introduced (inclusive) to fixed (exclusive)", () => {
    const entry = eco({ introduced: "1.0" }, { fixed: "1.5" });
    expect(
      affectedSet("PyPI", entry, [
        "0.9",
        "1.0",
        "1.0.0",
        "1.2",
        "1.5.dev0",
        "1.5rc1",
        "1.5",
        "1.5.post1",
        "2",
      ]),
    ).toEqual(["1.0", "1.0.0", "1.2", "1.5.dev0", "1.5rc1"]);
  });

  it('introduced "0" is before every version, pre and dev releases included', () => {
    expect(
      affectedSet("PyPI", eco({ introduced: "0" }, { fixed: "1.0" }), ["0.dev0", "0a0", "0", "0.9", "1.0"]),
    ).toEqual(["0.dev0", "0a0", "0", "0.9"]);
    expect(
      affectedSet("npm", semverRange({ introduced: "0" }, { fixed: "1.0.0" }), ["0.0.0-0", "0.0.0", "1.0.0"]),
    ).toEqual(["0.0.0-0", "0.0.0"]);
  });

  it("introduced only: every version from there on (unfixed)", () => {
    const entry = semverRange({ introduced: "2.0.0" });
    expect(affectedSet("npm", entry, ["1.9.9", "2.0.0-rc.1", "2.0.0", "99.0.0"])).toEqual([
      "2.0.0",
      "99.0.0",
    ]);
    expect(checkAffected("npm", entry, "3.0.0")).toEqual({ affected: true, fixes: [], unparsable: [] });
  });

  it("introduced/last_affected: last_affected is inclusive, then unaffected", () => {
    const entry = eco({ introduced: "0" }, { last_affected: "2.1.214" });
    expect(affectedSet("PyPI", entry, ["1.0", "2.1.214", "2.1.214.0", "2.1.214.post1", "2.1.215"])).toEqual([
      "1.0",
      "2.1.214",
      "2.1.214.0",
    ]);
    expect(checkAffected("PyPI", entry, "1.0").fixes).toEqual([]);
  });

  it("a prerelease of the fixed version is affected (2.0.0-rc.1 < 2.0.0)", () => {
    const entry = semverRange({ introduced: "1.0.0" }, { fixed: "2.0.0" });
    expect(checkAffected("npm", entry, "2.0.0-rc.1")).toEqual({
      affected: true,
      fixes: ["2.0.0"],
      unparsable: [],
    });
    expect(checkAffected("npm", entry, "2.0.0").affected).toBe(false);
    expect(checkAffected("npm", entry, "2.0.0+build.5").affected).toBe(false);
    // and a prerelease of the introduced version is not yet affected
    expect(checkAffected("npm", entry, "1.0.0-beta").affected).toBe(false);
  });

  it("several introduced/fixed pairs in one range (re-introduced)", () => {
    const entry = semverRange(
      { introduced: "1.0.0" },
      { fixed: "1.0.2" },
      { introduced: "3.0.0" },
      { fixed: "3.2.5" },
    );
    const versions = ["0.9.0", "1.0.0", "1.0.1", "1.0.2", "2.0.0", "3.0.0", "3.2.4", "3.2.5", "4.0.0"];
    expect(affectedSet("npm", entry, versions)).toEqual(["1.0.0", "1.0.1", "3.0.0", "3.2.4"]);
    expect(checkAffected("npm", entry, "1.0.1").fixes).toEqual(["1.0.2"]);
    expect(checkAffected("npm", entry, "3.1.0").fixes).toEqual(["3.2.5"]);
  });

  it("unsorted events are sorted first", () => {
    const entry = semverRange(
      { fixed: "3.2.5" },
      { introduced: "3.0.0" },
      { fixed: "1.0.2" },
      { introduced: "1.0.0" },
    );
    const versions = ["0.9.0", "1.0.0", "1.0.1", "1.0.2", "2.0.0", "3.0.0", "3.2.4", "3.2.5", "4.0.0"];
    expect(affectedSet("npm", entry, versions)).toEqual(["1.0.0", "1.0.1", "3.0.0", "3.2.4"]);
    expect(checkAffected("npm", entry, "1.0.1").fixes).toEqual(["1.0.2"]);
    // "0" sorts first wherever it is written
    const zeroLast = eco({ fixed: "1.0" }, { introduced: "0" });
    expect(affectedSet("PyPI", zeroLast, ["0.5", "1.0"])).toEqual(["0.5"]);
  });

  it("at the same version, introduced sorts after fixed and last_affected, whatever the written order", () => {
    // PYSEC-2022-42972's shape: adjacent pairs written out of order; 0.13.0 ends one pair and starts the next.
    const adjacent = eco(
      { introduced: "0.13.0" },
      { fixed: "0.14.0rc1" },
      { introduced: "0.12.2" },
      { fixed: "0.13.0" },
    );
    expect(affectedSet("PyPI", adjacent, ["0.12.1", "0.12.2", "0.13.0", "0.13.1", "0.14.0rc1"])).toEqual([
      "0.12.2",
      "0.13.0",
      "0.13.1",
    ]);
    expect(checkAffected("PyPI", adjacent, "0.13.0").fixes).toEqual(["0.14.0rc1"]);
    // PEP 440-equal spellings tie too.
    expect(checkAffected("PyPI", eco({ fixed: "1.0" }, { introduced: "1.0.0" }), "1.0").affected).toBe(true);
    expect(checkAffected("PyPI", eco({ introduced: "1.0.0" }, { fixed: "1.0" }), "1.0").affected).toBe(true);
    // introduced and last_affected at the same version: exactly that version, whatever the written order
    // (the schema's stable sort; eleven NSWG records say "only X" this way).
    const la = semverRange({ introduced: "2.0.0" }, { introduced: "1.0.0" }, { last_affected: "2.0.0" });
    expect(affectedSet("npm", la, ["0.9.0", "1.0.0", "2.0.0", "2.0.1"])).toEqual(["1.0.0", "2.0.0"]);
    const only = semverRange({ last_affected: "3.7.2" }, { introduced: "3.7.2" });
    expect(affectedSet("npm", only, ["3.7.1", "3.7.2", "3.7.3", "7.2.2"])).toEqual(["3.7.2"]);
    // a tie with another kind at a lower version does not count
    const below = eco({ introduced: "1.0" }, { fixed: "2.0" }, { introduced: "0.5" });
    expect(affectedSet("PyPI", below, ["0.4", "0.5", "1.5", "2.0"])).toEqual(["0.5", "1.5"]);
  });

  it("limit: only versions below a limit count; '*' is infinity; several limits widen", () => {
    const entry = eco({ introduced: "1.0" }, { limit: "1.5" });
    expect(affectedSet("PyPI", entry, ["0.9", "1.0", "1.4", "1.5", "2.0"])).toEqual(["1.0", "1.4"]);
    const star = eco({ introduced: "1.0" }, { limit: "*" });
    expect(affectedSet("PyPI", star, ["0.9", "1.0", "99"])).toEqual(["1.0", "99"]);
    const two = eco({ introduced: "1.0" }, { fixed: "3.0" }, { limit: "1.5" }, { limit: "2.5" });
    expect(affectedSet("PyPI", two, ["1.0", "1.4", "2.0", "2.4", "2.5", "2.9", "3.0"])).toEqual([
      "1.0",
      "1.4",
      "2.0",
      "2.4",
    ]);
    // a limit does not re-open a fixed range
    const fixedBelow = eco({ introduced: "1.0" }, { fixed: "1.2" }, { limit: "2.0" });
    expect(affectedSet("PyPI", fixedBelow, ["1.1", "1.2", "1.9"])).toEqual(["1.1"]);
  });

  it("a range with no introduced event affects nothing", () => {
    expect(checkAffected("PyPI", eco({ fixed: "1.0" }), "0.5").affected).toBe(false);
    expect(checkAffected("PyPI", eco(), "0.5").affected).toBe(false);
  });
});

describe("checkAffected: versions list and range types", () => {
  it("matches a versions list only, by ecosystem equality", () => {
    const entry: OsvAffected = { versions: ["1.0rc1", "1.1", "2.0.0"] };
    expect(affectedSet("PyPI", entry, ["1.0RC1", "1.0c1", "1.1", "1.1.0", "2", "1.2", "1.1+local"])).toEqual([
      "1.0RC1",
      "1.0c1",
      "1.1",
      "1.1.0",
      "2",
    ]);
    expect(checkAffected("PyPI", entry, "1.1")).toEqual({ affected: true, fixes: [], unparsable: [] });
    const npm: OsvAffected = { versions: ["1.0.0", "2.0.0-rc.1"] };
    expect(affectedSet("npm", npm, ["1.0.0", "v1.0.0", "1.0.0+build", "2.0.0-rc.1", "2.0.0-rc.2"])).toEqual([
      "1.0.0",
      "v1.0.0",
      "1.0.0+build",
      "2.0.0-rc.1",
    ]);
  });

  it("matches when either the list or a range says so, and gives the range's fix", () => {
    const entry: OsvAffected = {
      versions: ["0.5"],
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "1.0" }, { fixed: "1.5" }] }],
    };
    expect(checkAffected("PyPI", entry, "0.5")).toEqual({ affected: true, fixes: [], unparsable: [] });
    expect(checkAffected("PyPI", entry, "1.2")).toEqual({ affected: true, fixes: ["1.5"], unparsable: [] });
    expect(checkAffected("PyPI", entry, "0.7").affected).toBe(false);
  });

  it("never matches a package version on a GIT range, nor on a range of unknown type", () => {
    const git: OsvAffected = {
      ranges: [
        { type: "GIT", repo: "https://example.org/r.git", events: [{ introduced: "0" }, { fixed: "abc" }] },
      ],
    };
    expect(checkAffected("PyPI", git, "1.0")).toEqual({ affected: false, fixes: [], unparsable: [] });
    expect(checkAffected("npm", range("FANCY", { introduced: "0" }), "1.0.0").affected).toBe(false);
    const both: OsvAffected = {
      ranges: [
        { type: "GIT", repo: "https://example.org/r.git", events: [{ introduced: "0" }, { fixed: "abc" }] },
        { type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "2.0" }] },
      ],
    };
    expect(checkAffected("PyPI", both, "1.0")).toEqual({ affected: true, fixes: ["2.0"], unparsable: [] });
    expect(checkAffected("PyPI", both, "2.0").affected).toBe(false);
  });

  it("gives the lowest fix above the version for each affecting range", () => {
    const entry: OsvAffected = {
      ranges: [
        { type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "2.0" }, { fixed: "1.8" }] },
        { type: "ECOSYSTEM", events: [{ introduced: "1.0" }, { fixed: "1.9" }] },
        { type: "ECOSYSTEM", events: [{ introduced: "5.0" }, { fixed: "5.1" }] },
      ],
    };
    expect(checkAffected("PyPI", entry, "1.2").fixes).toEqual(["1.8", "1.9"]);
    expect(checkAffected("PyPI", entry, "0.2").fixes).toEqual(["1.8"]);
  });

  it("evaluates SEMVER and ECOSYSTEM ranges of npm with the same precedence", () => {
    for (const make of [eco, semverRange]) {
      const entry = make({ introduced: "1.0.0-beta.2" }, { fixed: "1.0.0" });
      expect(
        affectedSet("npm", entry, ["1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"]),
      ).toEqual(["1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1"]);
    }
  });

  it("evaluates a SEMVER range of a PyPI package with SemVer precedence", () => {
    const entry = semverRange({ introduced: "0" }, { fixed: "1.0.0" });
    // 1.0.0-1 is a SemVer prerelease (affected), though PEP 440 reads it as a post release.
    expect(checkAffected("PyPI", entry, "1.0.0-1").affected).toBe(true);
    expect(checkAffected("PyPI", entry, "1.0.0").affected).toBe(false);
    // A PEP 440 version SemVer cannot read: the range is not evaluated, and the caller is told.
    expect(checkAffected("PyPI", entry, "1.0.post1")).toEqual({
      affected: false,
      fixes: [],
      unparsable: ["1.0.post1"],
    });
  });
});

describe("checkAffected: versions that do not parse", () => {
  it("throws UnparsableVersionError for an installed version the ecosystem cannot read", () => {
    expect(() => checkAffected("PyPI", eco({ introduced: "0" }), "1.0-final")).toThrow(
      UnparsableVersionError,
    );
    expect(() => checkAffected("npm", semverRange({ introduced: "0" }), "latest")).toThrow(
      UnparsableVersionError,
    );
    expect(() => checkAffected("npm", { versions: ["latest"] }, "latest")).toThrow(UnparsableVersionError);
  });

  it("reads an unparsable bound in the direction that reports more, and says so", () => {
    // introduced: as "0"
    expect(
      checkAffected("PyPI", eco({ introduced: "2019-09-12" }, { fixed: "2.0" }), "0.1"),
    ).toEqual<AffectedCheck>({
      affected: true,
      fixes: ["2.0"],
      unparsable: ["2019-09-12"],
    });
    // fixed: never fixed (PYSEC-2019-125 has `fixed: "2019-09-12"`)
    expect(
      checkAffected("PyPI", eco({ introduced: "0" }, { fixed: "2019-09-12" }), "99.0"),
    ).toEqual<AffectedCheck>({
      affected: true,
      fixes: [],
      unparsable: ["2019-09-12"],
    });
    // last_affected: as the last version there is
    expect(
      checkAffected("npm", eco({ introduced: "1.0.0" }, { last_affected: "next" }), "9.0.0"),
    ).toEqual<AffectedCheck>({ affected: true, fixes: [], unparsable: ["next"] });
    // limit: as no limit
    expect(
      checkAffected("npm", eco({ introduced: "1.0.0" }, { limit: "x.y" }), "9.0.0"),
    ).toEqual<AffectedCheck>({
      affected: true,
      fixes: [],
      unparsable: ["x.y"],
    });
    // still not affected below a parsable introduced
    expect(
      checkAffected("PyPI", eco({ introduced: "1.0" }, { fixed: "junk" }), "0.5"),
    ).toEqual<AffectedCheck>({
      affected: false,
      fixes: [],
      unparsable: ["junk"],
    });
  });

  it("does not report unparsable listed versions: they cannot equal a version that parses", () => {
    const entry: OsvAffected = { versions: ["0.3m1", "1.0"] };
    expect(checkAffected("PyPI", entry, "1.0")).toEqual({ affected: true, fixes: [], unparsable: [] });
    expect(checkAffected("PyPI", entry, "0.3")).toEqual({ affected: false, fixes: [], unparsable: [] });
  });

  it("reads a partial npm bound as osv.dev does (GHSA-r683-j2x4-v87g: introduced 1.0)", () => {
    const entry = eco({ introduced: "1.0" }, { fixed: "3.1.1" });
    expect(affectedSet("npm", entry, ["0.9.0", "1.0.0", "2.6.7", "3.1.1"])).toEqual(["1.0.0", "2.6.7"]);
    expect(checkAffected("npm", entry, "2.0.0").unparsable).toEqual([]);
  });

  it("ignores malformed events rather than crashing", () => {
    const entry = {
      ranges: [{ type: "ECOSYSTEM", events: [null, {}, { introduced: 5 }, { introduced: "1.0" }] }],
    } as unknown as OsvAffected;
    expect(checkAffected("PyPI", entry, "1.0").affected).toBe(true);
    const noEvents = { ranges: [{ type: "ECOSYSTEM" }] } as unknown as OsvAffected;
    expect(checkAffected("PyPI", noEvents, "1.0").affected).toBe(false);
  });
});
