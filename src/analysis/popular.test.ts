import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.js";
import { tmpTree } from "../test-helpers/tmp.js";
import { bundledPopularDir, loadPopularList, parsePopularList } from "./popular.js";

describe("bundled popularity lists", () => {
  it("live in data/popular beside the package", () => {
    expect(existsSync(join(bundledPopularDir(), "npm.tsv"))).toBe(true);
    expect(existsSync(join(bundledPopularDir(), "pypi.tsv"))).toBe(true);
  });

  it("npm: the top 5,000 by monthly downloads, most downloaded first", () => {
    const list = loadPopularList("npm");
    expect(list.source).toBe("bundled");
    expect(list.ecosystem).toBe("npm");
    expect(list.entries).toHaveLength(5000);
    expect(list.entries[0]).toEqual({ name: "semver", rank: 1, downloads: 2399072936 });
    expect(list.byKey.get("lodash")?.rank).toBe(145);
    expect(list.byKey.get("@types/node")).toBeDefined();
    const downloads = list.entries.map((e) => e.downloads ?? 0);
    expect(downloads.every((d, i) => i === 0 || d <= downloads[i - 1]!)).toBe(true);
  });

  it("PyPI: the top 5,000 by rank, keyed by PEP 503 name; the listing's gap at rank 4285 is kept", () => {
    const list = loadPopularList("PyPI");
    expect(list.entries).toHaveLength(5000);
    expect(list.entries[0]).toEqual({ name: "boto3", rank: 1 });
    expect(list.entries.at(-1)?.rank).toBe(5001);
    expect(list.entries.some((e) => e.rank === 4285)).toBe(false);
    expect(list.byKey.get("python-dateutil")?.rank).toBe(13);
    expect(list.entries.every((e) => e.downloads === undefined)).toBe(true);
  });

  it("is parsed once: the same object comes back", () => {
    expect(loadPopularList("npm")).toBe(loadPopularList("npm"));
  });
});

describe("a user's own list", () => {
  it("reads a TSV with downloads, sorting by downloads and ranking by position", () => {
    const dir = tmpTree({
      "npm.tsv": "name\tdownloads_a_month\nleft-pad\t10\nour-ui\t900\n@acme/core\t50\n",
    });
    const list = loadPopularList("npm", join(dir, "npm.tsv"));
    expect(list.source).toBe(join(dir, "npm.tsv"));
    expect(list.entries).toEqual([
      { name: "our-ui", rank: 1, downloads: 900 },
      { name: "@acme/core", rank: 2, downloads: 50 },
      { name: "left-pad", rank: 3, downloads: 10 },
    ]);
  });

  it("reads a TSV with ranks (extra columns ignored, ranks kept as given)", () => {
    const list = parsePopularList("PyPI", "name\trank\tnote\nFlask_Login\t7\tx\nrequests\t2\ty\n", "p.tsv");
    expect(list.entries).toEqual([
      { name: "requests", rank: 2 },
      { name: "Flask_Login", rank: 7 },
    ]);
    expect(list.byKey.get("flask-login")?.name).toBe("Flask_Login");
  });

  it("reads a plain list of names, most popular first, with comments and blank lines", () => {
    const list = parsePopularList("PyPI", "# ours\nacme-core\n\n  acme.utils  \r\nrequests\n", "names.txt");
    expect(list.entries.map((e) => [e.name, e.rank])).toEqual([
      ["acme-core", 1],
      ["acme.utils", 2],
      ["requests", 3],
    ]);
  });

  it("keeps the first of names that are the same once normalised", () => {
    const list = parsePopularList("PyPI", "Foo_Bar\nfoo-bar\nfoo.bar\nbaz\n", "names.txt");
    expect(list.entries.map((e) => [e.name, e.rank])).toEqual([
      ["Foo_Bar", 1],
      ["baz", 2],
    ]);
  });

  it.each([
    [
      "name\tdownloads\nx\t1\n",
      'line 1: expected a second column "rank" or "downloads_a_month", got "downloads"',
    ],
    ["a\t1\nb\t2\n", 'line 1: expected a header "name<TAB>rank" or "name<TAB>downloads_a_month"'],
    ["name\trank\nrequests\tfirst\n", 'line 2: expected rank as a whole number, got "first"'],
    ["name\trank\nrequests\t0\n", 'line 2: rank out of range: "0"'],
    ["name\trank\nrequests\t1\nflask\t1\n", "line 3: rank 1 is also given on line 2"],
    [
      "name\tdownloads_a_month\nrequests\t-5\n",
      'line 2: expected downloads_a_month as a whole number, got "-5"',
    ],
    ["requests\nnot a name\n", 'line 2: "not a name" is not a valid PyPI package name'],
    ["name\trank\n-requests\t1\n", 'line 2: "-requests" is not a valid PyPI package name'],
    ["# only comments\n\n", "the popularity list names no package"],
  ])("rejects a bad PyPI list %#", (text, detail) => {
    expect(() => parsePopularList("PyPI", text, "list.tsv")).toThrowError(new InputError("list.tsv", detail));
  });

  it("checks npm names as npm writes them", () => {
    expect(parsePopularList("npm", "@scope/pkg\nJSONStream\nlodash.merge\n", "n").entries).toHaveLength(3);
    expect(() => parsePopularList("npm", "@scope/\n", "n")).toThrowError(
      'line 1: "@scope/" is not a valid npm',
    );
    expect(() => parsePopularList("npm", "a/b\n", "n")).toThrowError('line 1: "a/b" is not a valid npm');
  });

  it("reports a missing file as an input error naming it", () => {
    const dir = tmpTree({});
    const file = join(dir, "nope.tsv");
    expect(() => loadPopularList("npm", file)).toThrowError(
      new InputError(file, "popularity list not found"),
    );
  });

  it("reports a bad file through loadPopularList with the file's name", () => {
    const dir = tmpTree({ "bad.tsv": "name\trank\nrequests\tone\n" });
    const file = join(dir, "bad.tsv");
    expect(() => loadPopularList("PyPI", file)).toThrowError(
      new InputError(file, 'line 2: expected rank as a whole number, got "one"'),
    );
  });
});
