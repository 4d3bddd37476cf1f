/**
 * Cases found by the differential test against independent references (Python `packaging` for PEP 440, npm
 * `semver` for npm, both evaluating the OSV schema's pseudo-code), over every record of the bundled dumps.
 * Each case is the shape of a real record, named after it.
 */
import { describe, expect, it } from "vitest";
import type { OsvAffected, OsvEvent } from "../advisories/osv.js";
import type { Ecosystem } from "../inventory/model.js";
import { checkAffected } from "./index.js";

const semverRange = (...events: OsvEvent[]): OsvAffected => ({ ranges: [{ type: "SEMVER", events }] });

function affectedSet(ecosystem: Ecosystem, entry: OsvAffected, versions: string[]): string[] {
  return versions.filter((v) => checkAffected(ecosystem, entry, v).affected);
}

describe("reference: introduced and last_affected at the same version", () => {
  // 11 NSWG records of the npm dump say "exactly this version" as `introduced: X, last_affected: X`. The schema's
  // pseudo-code (a stable sort keeps the written order on ties), osv.dev and osv-scanner read it as [X, X].
  // Sorting `introduced` after `last_affected` at the same version turns it into "X and every later version".

  it("NSWG-ECO-450 (eslint-scope, the compromised 3.7.2 release) affects 3.7.2 only", () => {
    const entry = semverRange({ introduced: "3.7.2" }, { last_affected: "3.7.2" });
    expect(affectedSet("npm", entry, ["3.7.1", "3.7.2", "3.7.3", "7.2.2"])).toEqual(["3.7.2"]);
  });

  it("NSWG-ECO-330 (jquery 3.0.0-rc.1) does not affect jquery 3.7.1", () => {
    const entry = semverRange({ introduced: "3.0.0-rc.1" }, { last_affected: "3.0.0-rc.1" });
    expect(affectedSet("npm", entry, ["3.0.0-beta1", "3.0.0-rc.1", "3.0.0", "3.7.1"])).toEqual([
      "3.0.0-rc.1",
    ]);
  });

  it("NSWG-ECO-391 (bl): a single-version range after a last_affected range", () => {
    const entry: OsvAffected = {
      ranges: [
        { type: "SEMVER", events: [{ introduced: "0" }, { last_affected: "0.9.4" }] },
        { type: "SEMVER", events: [{ introduced: "1.0.0" }, { last_affected: "1.0.0" }] },
      ],
    };
    expect(affectedSet("npm", entry, ["0.9.4", "0.9.5", "1.0.0", "1.0.1", "6.0.0"])).toEqual([
      "0.9.4",
      "1.0.0",
    ]);
  });

  it("the same shape on PyPI (PEP 440-equal spellings tie too)", () => {
    const entry: OsvAffected = {
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "2.0" }, { last_affected: "2.0.0" }] }],
    };
    expect(affectedSet("PyPI", entry, ["1.9", "2.0", "2.0.0", "2.0.post1", "2.0.1", "3"])).toEqual([
      "2.0",
      "2.0.0",
    ]);
  });
});
