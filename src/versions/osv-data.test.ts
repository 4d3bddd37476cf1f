/**
 * Range evaluation against the real OSV dumps bundled with depwarden (issue 3, "Correctness evidence"): for every
 * advisory that is not withdrawn, every version its `versions` lists must be reported affected, and every
 * `fixed` version must not be, unless the list or another range of the entry covers it. Every exception is
 * named below with its record ids and the reason; a new one fails the test.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { strFromU8, unzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import type { OsvAffected, OsvRange, OsvRecord } from "../advisories/osv.js";
import type { Ecosystem } from "../inventory/model.js";
import { checkAffected, UnparsableVersionError, versionOrder } from "./index.js";

const REPO_ROOT = new URL("../../", import.meta.url);

/** The dump in the repository (`data/osv/`), else the shared copy it is taken from (`../shared/data/osv/`). */
function dumpPath(ecosystem: Ecosystem): string {
  const candidates = [`data/osv/${ecosystem}/all.zip`, `../shared/data/osv/${ecosystem}/all.zip`].map((p) =>
    fileURLToPath(new URL(p, REPO_ROOT)),
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no OSV dump for ${ecosystem}: looked at ${candidates.join(", ")}`);
  return found;
}

type ById = Record<string, string[]>;

interface Survey {
  records: number;
  withdrawn: number;
  entries: number;
  listed: number;
  fixed: number;
  bounds: number;
  /** Listed versions that are not versions of the ecosystem (checkAffected throws for them). */
  listedUnparsable: ById;
  /** Listed versions the entry's ranges alone do not cover (the list still does). */
  listedOutsideRanges: ById;
  /** `fixed` versions affected through the versions list or another range of the entry: allowed. */
  fixedCoveredElsewhere: ById;
  /** `fixed` versions where the same range also has `introduced` (adjacent pairs): allowed, see ranges.ts. */
  fixedReintroduced: ById;
  /** `fixed` bounds that do not parse (read as "never fixed", reported in `unparsable`). */
  fixedUnparsable: ById;
  /** Anything else: a listed version not affected, a fixed version affected, an `introduced` or `last_affected`
   * version its own range does not affect. */
  violations: string[];
}

function add(map: ById, id: string, v: string): void {
  const list = map[id] ?? [];
  if (!list.includes(v)) list.push(v);
  map[id] = list;
}

function survey(ecosystem: Ecosystem): Survey {
  const s: Survey = {
    records: 0,
    withdrawn: 0,
    entries: 0,
    listed: 0,
    fixed: 0,
    bounds: 0,
    listedUnparsable: {},
    listedOutsideRanges: {},
    fixedCoveredElsewhere: {},
    fixedReintroduced: {},
    fixedUnparsable: {},
    violations: [],
  };
  const order = versionOrder(ecosystem);
  const files = unzipSync(readFileSync(dumpPath(ecosystem)));
  for (const data of Object.values(files)) {
    const record = JSON.parse(strFromU8(data)) as OsvRecord;
    s.records++;
    if (record.withdrawn) {
      s.withdrawn++;
      continue;
    }
    const id = record.id;
    for (const entry of record.affected ?? []) {
      if (entry.package?.ecosystem !== ecosystem) continue;
      s.entries++;
      const matchable = (entry.ranges ?? []).filter((r) => r.type === "ECOSYSTEM" || r.type === "SEMVER");
      for (const v of entry.versions ?? []) {
        s.listed++;
        try {
          if (!checkAffected(ecosystem, entry, v).affected)
            s.violations.push(`${id}: listed ${v} not affected`);
        } catch (e) {
          if (!(e instanceof UnparsableVersionError)) throw e;
          add(s.listedUnparsable, id, v);
          continue;
        }
        if (matchable.length && !checkAffected(ecosystem, { ranges: matchable }, v).affected) {
          add(s.listedOutsideRanges, id, v);
        }
      }
      for (const range of matchable) checkRange(s, ecosystem, order, id, entry, range);
    }
  }
  return s;
}

function checkRange(
  s: Survey,
  ecosystem: Ecosystem,
  order: ReturnType<typeof versionOrder>,
  id: string,
  entry: OsvAffected,
  range: OsvRange,
): void {
  for (const event of range.events) {
    for (const bound of [event.introduced, event.last_affected]) {
      if (bound === undefined || bound === "0") continue;
      s.bounds++;
      const check = checkAffected(ecosystem, { ranges: [range] }, bound);
      if (!check.affected) s.violations.push(`${id}: ${bound} bounds its range but is not affected by it`);
    }
    const fixed = event.fixed;
    if (fixed === undefined) continue;
    s.fixed++;
    if (order.parse(fixed) === null) {
      add(s.fixedUnparsable, id, fixed);
      continue;
    }
    if (!checkAffected(ecosystem, entry, fixed).affected) continue;
    const elsewhere: OsvAffected = {
      versions: entry.versions,
      ranges: entry.ranges?.filter((r) => r !== range),
    };
    if (checkAffected(ecosystem, elsewhere, fixed).affected) add(s.fixedCoveredElsewhere, id, fixed);
    else if (
      range.events.some(
        (e) =>
          e.introduced !== undefined &&
          e.introduced !== "0" &&
          order.parse(e.introduced) !== null &&
          order.compare(e.introduced, fixed) === 0,
      )
    ) {
      add(s.fixedReintroduced, id, fixed);
    } else s.violations.push(`${id}: fixed ${fixed} is affected by its own range`);
  }
}

function report(ecosystem: Ecosystem, s: Survey): void {
  const n = (m: ById) => `${Object.values(m).flat().length} (${Object.keys(m).length} records)`;
  console.info(
    `${ecosystem}: ${s.records} records (${s.withdrawn} withdrawn), ${s.entries} affected entries; ` +
      `${s.listed} listed versions, ${n(s.listedUnparsable)} not versions of ${ecosystem}, ` +
      `${n(s.listedOutsideRanges)} outside the ranges; ${s.fixed} fixed versions, ` +
      `${n(s.fixedCoveredElsewhere)} covered elsewhere, ${n(s.fixedReintroduced)} re-introduced, ` +
      `${n(s.fixedUnparsable)} unparsable; ${s.bounds} introduced/last_affected versions; ` +
      `${s.violations.length} violations`,
  );
}

describe("OSV range evaluation over the bundled PyPI dump", () => {
  let s: Survey;
  beforeAll(() => {
    s = survey("PyPI");
    report("PyPI", s);
  });

  it("walked the whole dump", () => {
    expect(s.records).toBeGreaterThan(2000);
    expect(s.listed).toBeGreaterThan(50_000);
    expect(s.fixed).toBeGreaterThan(4000);
  });

  it("reports every listed version affected, every fixed version not, every bound inside its range", () => {
    expect(s.violations).toEqual([]);
  });

  it("cannot evaluate listed legacy versions (not PEP 440; packaging >= 22 rejects them too)", () => {
    // checkAffected throws UnparsableVersionError for them; the scan then matches the list by exact string.
    // e.g. cherrypy 2.0.0-final, paramiko 0.1-bulbasaur, ipython 0.7.4.svn.r2010, rope 0.3m1, jubatus 0.3.1-p1,
    // limnoria 2013-01-21T20:33:09+0100, nltk 2.0.1rc2-git, buildbot 0.7.10p1, jw.util
    // -class.-jw.util.version.Version-, pywps trunk, leo 4.11-final, joblib 0.3.2d, mailman 3.0.0b3-.
    expect(Object.keys(s.listedUnparsable).sort()).toEqual([
      "PYSEC-2006-1",
      "PYSEC-2008-3",
      "PYSEC-2008-8",
      "PYSEC-2015-24",
      "PYSEC-2015-25",
      "PYSEC-2017-103",
      "PYSEC-2017-41",
      "PYSEC-2017-46",
      "PYSEC-2017-47",
      "PYSEC-2018-100",
      "PYSEC-2018-114",
      "PYSEC-2018-115",
      "PYSEC-2018-19",
      "PYSEC-2019-102",
      "PYSEC-2019-106",
      "PYSEC-2019-126",
      "PYSEC-2019-6",
      "PYSEC-2020-341",
      "PYSEC-2021-121",
      "PYSEC-2021-338",
      "PYSEC-2021-356",
      "PYSEC-2021-859",
      "PYSEC-2022-12",
      "PYSEC-2022-166",
      "PYSEC-2022-288",
      "PYSEC-2022-5",
      "PYSEC-2023-17",
      "PYSEC-2023-22",
    ]);
    expect(s.listedUnparsable["PYSEC-2006-1"]).toEqual(["2.0.0-final"]);
  });

  it("finds listed versions outside the ranges only where the record itself disagrees", () => {
    expect(s.listedOutsideRanges).toEqual({
      // wagtail: one range holds overlapping pairs [2.11, 2.11.7) and [0, 2.11.6); sorted as the schema says,
      // `fixed: 2.11.6` ends the range there, so 2.11.6 is unaffected by the range (the list has it).
      "PYSEC-2021-114": ["2.11.6"],
      // gevent: `fixed: 23.9.0`, yet the list has 23.9.0 and 23.9.0.post1.
      "PYSEC-2023-177": ["23.9.0", "23.9.0.post1"],
      // django: `introduced: 3.2` / `4.2`; their pre-releases sort before them (PEP 440) but are listed.
      "PYSEC-2023-61": ["3.2a1", "3.2b1", "3.2rc1", "4.2a1", "4.2b1", "4.2rc1"],
    });
  });

  it("finds fixed versions affected only where the entry says so elsewhere or re-introduces them", () => {
    // covered by the versions list or by another range of the same entry (PYSEC-2021-114 and -2023-177: see
    // above; pyspark PYSEC-2022-236 and -2023-72 list 3.1.1, their `fixed` and `introduced` at once)
    expect(Object.keys(s.fixedCoveredElsewhere).sort()).toEqual([
      "PYSEC-2021-114",
      "PYSEC-2022-236",
      "PYSEC-2023-177",
      "PYSEC-2023-72",
    ]);
    // adjacent pairs written out of order in one range: the shared bound starts the next pair
    expect(s.fixedReintroduced).toEqual({ "PYSEC-2022-42972": ["0.13.0"], "PYSEC-2023-72": ["3.2.0"] });
    // not PEP 440: read as "never fixed", and reported (steam's fix is a date)
    expect(s.fixedUnparsable).toEqual({ "PYSEC-2019-125": ["2019-09-12"], "PYSEC-2021-371": ["0.2.0-n653"] });
  });
});

describe("OSV range evaluation over the bundled npm dump", () => {
  let s: Survey;
  beforeAll(() => {
    s = survey("npm");
    report("npm", s);
  });

  it("walked the whole dump", () => {
    expect(s.records).toBeGreaterThan(400);
    expect(s.fixed).toBeGreaterThan(200);
    expect(s.bounds).toBeGreaterThan(300);
  });

  it("reports every listed version affected, every fixed version not, every bound inside its range", () => {
    expect(s.violations).toEqual([]);
    expect(s.listedUnparsable).toEqual({});
    expect(s.listedOutsideRanges).toEqual({});
    expect(s.fixedReintroduced).toEqual({});
    expect(s.fixedUnparsable).toEqual({});
  });

  it("finds fixed versions affected only where another range of the entry covers them", () => {
    // NSWG-ECO-495 (electron) and -490 (node.extend) give one range per release line, each from
    // `introduced: 0`, so a line's fix is inside the next line's range (the union the schema asks for reports
    // it affected: the record over-states, the evaluation is right); NSWG-ECO-305 has [0.2.0, 0.9.6] and
    // [0.8.0-pre, 0.9.0-0), the second inside the first.
    expect(Object.keys(s.fixedCoveredElsewhere).sort()).toEqual([
      "NSWG-ECO-305",
      "NSWG-ECO-490",
      "NSWG-ECO-495",
    ]);
  });
});
