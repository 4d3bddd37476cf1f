import { describe, expect, it } from "vitest";
import type { Ecosystem } from "../inventory/model.js";
import { loadPopularList, type PopularList, parsePopularList } from "./popular.js";
import { editDistance, findTyposquat, TyposquatDetector, type TyposquatTechnique } from "./typosquat.js";

const npm = loadPopularList("npm");
const pypi = loadPopularList("PyPI");
const bundled = (ecosystem: Ecosystem) => (ecosystem === "npm" ? npm : pypi);

/**
 * A hand-made npm list for real attacks whose targets are not in today's top 5,000 (electron, discord.js and
 * babel-cli were typosquatted when they were among the most downloaded).
 */
const older = parsePopularList(
  "npm",
  [
    "name\tdownloads_a_month",
    "electron\t90000000",
    "discord.js\t80000000",
    "babel-cli\t70000000",
    "left-pad\t1000",
  ].join("\n"),
  "older.tsv",
);

function check(ecosystem: Ecosystem, name: string, list: PopularList = bundled(ecosystem)) {
  return findTyposquat(ecosystem, name, list);
}

describe("typosquats of popular names are found, with the technique and the imitated name", () => {
  // [ecosystem, name, imitates, technique, severity]: real-world typosquats (or their exact shape).
  const cases: [Ecosystem, string, string, TyposquatTechnique, "high" | "medium", PopularList?][] = [
    // PyPI
    ["PyPI", "reqeusts", "requests", "transposition", "high"],
    ["PyPI", "colourama", "colorama", "edit-distance", "high"],
    ["PyPI", "djago", "django", "edit-distance", "high"],
    ["PyPI", "urlib3", "urllib3", "edit-distance", "high"],
    ["PyPI", "beautifulsop4", "beautifulsoup4", "edit-distance", "high"],
    ["PyPI", "beautifullsop4", "beautifulsoup4", "edit-distance", "medium"],
    // `py` is a prefix by convention, `python` a word: both get their typos found.
    ["PyPI", "pydamtic", "pydantic", "edit-distance", "high"],
    ["PyPI", "google-api-pyhton-client", "google-api-python-client", "transposition", "high"],
    ["PyPI", "request", "requests", "edit-distance", "medium"],
    ["PyPI", "jeIlyfish", "jellyfish", "homoglyph", "high"],
    ["PyPI", "urlIib3", "urllib3", "homoglyph", "high"],
    ["PyPI", "setup-tools", "setuptools", "separator", "high"],
    ["PyPI", "pythondateutil", "python-dateutil", "separator", "high"],
    ["PyPI", "python3-dateutil", "python-dateutil", "affix", "medium"],
    ["PyPI", "urllib", "urllib3", "affix", "medium"],
    ["PyPI", "pyrequests", "requests", "affix", "medium"],
    ["PyPI", "dateutil-python", "python-dateutil", "token-order", "medium"],
    ["PyPI", "requests-stealer", "requests", "combosquat", "medium"],
    ["PyPI", "discord.py-selfbot", "discord-py", "combosquat", "medium"],
    // npm
    ["npm", "lodahs", "lodash", "transposition", "high"],
    ["npm", "axois", "axios", "transposition", "high"],
    ["npm", "electorn", "electron", "transposition", "high", older],
    ["npm", "exprress", "express", "edit-distance", "high"],
    ["npm", "webpackk", "webpack", "edit-distance", "high"],
    ["npm", "mongose", "mongoose", "edit-distance", "medium"],
    ["npm", "l0dash", "lodash", "homoglyph", "high"],
    ["npm", "rnongoose", "mongoose", "homoglyph", "high"],
    ["npm", "crossenv", "cross-env", "separator", "medium"],
    ["npm", "cross_env", "cross-env", "separator", "medium"],
    ["npm", "babelcli", "babel-cli", "separator", "medium", older],
    ["npm", "noderequest", "request", "affix", "medium"],
    ["npm", "node-ts", "ts-node", "token-order", "medium"],
    [
      "npm",
      "@typescript_eslint/eslint-plugin",
      "@typescript-eslint/eslint-plugin",
      "scope-confusion",
      "high",
    ],
    ["npm", "@typescriptt-eslint/parser", "@typescript-eslint/parser", "scope-confusion", "high"],
    ["npm", "@bable/core", "@babel/core", "scope-confusion", "high"],
    ["npm", "@type/node", "@types/node", "scope-confusion", "high"],
    ["npm", "discord.js-user", "discord.js", "combosquat", "medium", older],
    ["npm", "axios-stealer", "axios", "combosquat", "medium"],
  ];

  it.each(cases)("%s %s imitates %s (%s, %s)", (ecosystem, name, imitates, technique, severity, list) => {
    const match = check(ecosystem, name, list);
    expect(match).toMatchObject({ ecosystem, name, imitates, technique, severity });
  });

  it("says what is imitated, how, and the popularity gap, in one sentence", () => {
    expect(check("PyPI", "reqeusts")).toEqual({
      ecosystem: "PyPI",
      name: "reqeusts",
      imitates: "requests",
      technique: "transposition",
      severity: "high",
      imitatedRank: 6,
      why:
        'reqeusts looks like requests (#6 on PyPI): two adjacent characters swapped ("eu" in place of "ue"); ' +
        "reqeusts is not among the 5,000 most popular",
    });
    const lodash = check("npm", "lodahs");
    expect(lodash?.imitatedDownloads).toBe(452434618);
    expect(lodash?.why).toBe(
      "lodahs looks like lodash (#145 on npm, 452 million downloads a month): two adjacent characters swapped " +
        '("hs" in place of "sh"); lodahs is not among the 5,000 most popular',
    );
    expect(check("npm", "crossenv")?.why).toContain('separators changed ("-" left out)');
    expect(check("npm", "@typescript_eslint/eslint-plugin")?.why).toContain(
      'the scope "@typescript_eslint" imitates "@typescript-eslint" (separators changed)',
    );
  });

  it("keeps look-alike characters that lower-casing would hide (PEP 503 lower-cases jeIlyfish)", () => {
    expect(check("PyPI", "jeIlyfish")?.why).toContain('("I" in place of "l")');
    // Once normalised the name is still one typo away, but no longer a homoglyph: medium, as jellyfish is #1240.
    expect(check("PyPI", "jeilyfish")).toMatchObject({ technique: "edit-distance", severity: "medium" });
  });

  it("high needs a top-1,000 name, except for look-alike characters", () => {
    expect(check("npm", "mongose")?.imitatedRank).toBeGreaterThan(1000);
    expect(check("npm", "mongose")?.severity).toBe("medium");
    expect(check("npm", "rnongoose")?.severity).toBe("high");
  });

  it("prefers the more popular of two imitated names, then the stronger technique", () => {
    const two = parsePopularList("npm", "marked\nmasked\n", "two.txt");
    expect(check("npm", "mavked", two)?.imitates).toBe("marked");
    const swapped = parsePopularList("npm", "masked\nmarked\n", "two.txt");
    expect(check("npm", "mavked", swapped)?.imitates).toBe("masked");
    // A high finding wins over a medium one for a more popular name: rnasked is a homoglyph of masked (#2, high)
    // and rnaske with a letter added at the end (#1, medium).
    const mixed = parsePopularList("npm", "rnaske\nmasked\n", "mixed.txt");
    expect(check("npm", "rnasked", mixed)).toMatchObject({ imitates: "masked", severity: "high" });
    expect(check("npm", "rnaskedx", parsePopularList("npm", "rnaske\nzzzzzz\n", "m.txt"))).toBeUndefined();
    expect(check("npm", "rnaskes", parsePopularList("npm", "rnaske\n", "m.txt"))).toMatchObject({
      imitates: "rnaske",
      severity: "medium",
    });
  });
});

describe("names that must not be flagged", () => {
  it("never flags a popular name: every name of both bundled lists", () => {
    for (const list of [npm, pypi]) {
      const flagged = list.entries.filter((e) => findTyposquat(list.ecosystem, e.name, list));
      expect(flagged).toEqual([]);
    }
  });

  it("compares names as the ecosystem does: PEP 503 on PyPI, case-insensitively on npm", () => {
    for (const name of ["python_dateutil", "Python.DateUtil", "PYTHON-DATEUTIL", "python__dateutil"]) {
      expect(check("PyPI", name)).toBeUndefined();
    }
    expect(check("npm", "Lodash")).toBeUndefined();
    expect(check("npm", "  lodash ")).toBeUndefined();
  });

  it("never flags a package in a popular npm scope: the scope's owner published it", () => {
    for (const name of ["@types/node", "@types/lodahs", "@babel/cor", "@typescript-eslint/parsr"]) {
      expect(check("npm", name)).toBeUndefined();
    }
  });

  it("never flags a package in a popular scope, even one that looks like another popular scope", () => {
    const scopes = parsePopularList("npm", "@nestjs/core\n@nestjs/common\n@nest-js/core\n", "scopes.txt");
    expect(check("npm", "@nest-js/common", scopes)).toBeUndefined();
    expect(check("npm", "@nest_js/common", scopes)).toMatchObject({ imitates: "@nestjs/common" });
  });

  it("takes a digit for another digit as a version, not a typo", () => {
    const list = parsePopularList("PyPI", "ipv4address\n", "l.txt");
    expect(check("PyPI", "ipv6address", list)).toBeUndefined();
    expect(check("PyPI", "ipv4adress", list)).toMatchObject({
      imitates: "ipv4address",
      technique: "edit-distance",
    });
  });

  it("ignores look-alike scopes that hold other names (another organisation's)", () => {
    for (const name of ["@remotion/cli", "@orpc/client", "@rslint/core", "@npm/types"]) {
      expect(check("npm", name)).toBeUndefined();
    }
  });

  // Popular names checked as if they were not popular (the list's own precision measure): each is a legitimate
  // neighbour of another popular name, and shows one rule.
  const neighbours: [Ecosystem, string, string][] = [
    ["npm", "preact", "a different first letter (react)"],
    ["npm", "xtend", "a different first letter (extend)"],
    ["npm", "gaxios", "a letter put before the name (axios)"],
    ["npm", "https-proxy-agent", "a word other popular names use (http-proxy-agent)"],
    ["npm", "is-regexp", "a word other popular names use (is-regex)"],
    ["npm", "callsite", "the end of a word, near a name below the top 100 (callsites)"],
    ["npm", "source-map-js", "npm's -js suffix (source-map)"],
    ["npm", "punycode.js", "npm's .js suffix (punycode)"],
    ["npm", "node-domexception", "npm's node- prefix (domexception)"],
    ["npm", "camel-case", "separators added on npm (camelcase)"],
    ["npm", "dateformat", "separators removed from an npm name below the top 2,000 (date-format)"],
    ["npm", "eventemitter2", "another version of a family (eventemitter3)"],
    ["npm", "parse-path", "words reordered, none of them an ecosystem word (path-parse)"],
    ["npm", "colors", "a plural (color)"],
    ["npm", "mz", "a two-letter name (ms)"],
    ["PyPI", "pyshark", "a typo in a short word after the py prefix (pyspark)"],
    ["PyPI", "tensorboardx", "the end of a word, near a name below the top 100 (tensorboard)"],
    ["PyPI", "pytest-timeouts", "the end of a word, near a name below the top 100 (pytest-timeout)"],
    ["PyPI", "aiofile", "the end of a word, near a name below the top 100 (aiofiles)"],
    ["PyPI", "pyqt6", "another version of a family (pyqt5)"],
    ["PyPI", "jsonpatch", "a run of known words (jsonpath)"],
    ["PyPI", "pyarrow-hotfix", "an ordinary word added (pyarrow)"],
    ["PyPI", "python-dotenv", "an affix added to a name below the top 100 (dotenv)"],
    ["PyPI", "requests-toolbelt", "an extension of requests"],
    ["PyPI", "types-requests", "a stub package"],
  ];
  it.each(neighbours)("%s %s: %s", (ecosystem, name) => {
    expect(bundled(ecosystem).byKey.has(name)).toBe(true);
    expect(findTyposquat(ecosystem, name, bundled(ecosystem), { assumeUnpopular: true })).toBeUndefined();
  });

  it.each([
    ["npm", "graphql-sse", "a typo in a short word cannot be told from another name (graphql-ws)"],
    ["npm", "cliff", "look-alike characters in a short name (diff)"],
    ["npm", "yam", "look-alike characters in a short name (yarn)"],
    ["npm", "jquery.js", "npm's .js suffix"],
    ["PyPI", "requests3", "digits added: a successor's name"],
    ["PyPI", "elasticsearch7", "another version of a family (elasticsearch8)"],
    ["npm", "lodashs", "a letter added at the end, near a name below the top 100 (lodash)"],
    ["PyPI", "flask-user", "a lure word added to a name with a family of extensions"],
    ["PyPI", "fastapi-injector", "an ordinary word added"],
    ["PyPI", "lodahs", "an npm name checked against PyPI"],
  ] as [Ecosystem, string, string][])("%s %s: %s", (ecosystem, name) => {
    expect(bundled(ecosystem).byKey.has(name.toLowerCase())).toBe(false);
    expect(check(ecosystem, name)).toBeUndefined();
  });

  it("flags a popular name only when asked to assume it is not popular, and never as itself", () => {
    expect(check("PyPI", "dotenv")).toBeUndefined();
    expect(findTyposquat("PyPI", "dotenv", pypi, { assumeUnpopular: true })).toMatchObject({
      imitates: "python-dotenv",
      technique: "affix",
    });
    expect(findTyposquat("npm", "lodash", npm, { assumeUnpopular: true })).toBeUndefined();
  });

  it("returns nothing for empty or odd input", () => {
    for (const name of ["", "   ", "@", "@/", "a", "-", "@scope"]) {
      expect(check("npm", name)).toBeUndefined();
      expect(check("PyPI", name)).toBeUndefined();
    }
  });
});

describe("TyposquatDetector", () => {
  it("checks each ecosystem against its own list", () => {
    const detector = new TyposquatDetector([npm, pypi]);
    expect(detector.check("npm", "lodahs")?.imitates).toBe("lodash");
    expect(detector.check("PyPI", "reqeusts")?.imitates).toBe("requests");
    expect(detector.check("PyPI", "lodahs")).toBeUndefined();
  });

  it("finds nothing for an ecosystem it has no list for", () => {
    expect(new TyposquatDetector([pypi]).check("npm", "lodahs")).toBeUndefined();
  });

  it("refuses two lists for one ecosystem", () => {
    expect(() => new TyposquatDetector([npm, older])).toThrowError("two popularity lists for npm");
  });

  it("works with a user's list: their internal names are protected, the bundled ones are not", () => {
    const ours = parsePopularList("npm", "acme-billing-client\nacme-auth\n", "ours.txt");
    const detector = new TyposquatDetector([ours]);
    expect(detector.check("npm", "acme-biling-client")).toMatchObject({
      imitates: "acme-billing-client",
      technique: "edit-distance",
      severity: "high",
      imitatedRank: 1,
    });
    expect(detector.check("npm", "acme-billing-client")).toBeUndefined();
    expect(detector.check("npm", "lodahs")).toBeUndefined();
  });
});

describe("editDistance", () => {
  it("counts insertions, deletions, substitutions and adjacent swaps as one", () => {
    expect(editDistance("requests", "requests")).toBe(0);
    expect(editDistance("requets", "requests")).toBe(1);
    expect(editDistance("requestss", "requests")).toBe(1);
    expect(editDistance("requezts", "requests")).toBe(1);
    expect(editDistance("reqeusts", "requests")).toBe(1);
    expect(editDistance("reqeustss", "requests")).toBe(2);
    expect(editDistance("", "ab")).toBe(2);
  });

  it("stops at max + 1", () => {
    expect(editDistance("abcdef", "ghijkl", 2)).toBe(3);
    expect(editDistance("abc", "abcdefgh", 1)).toBe(2);
    expect(editDistance("kitten", "sitting", 2)).toBe(3);
    expect(editDistance("kitten", "sitting", 3)).toBe(3);
  });

  it("agrees with the full dynamic programme on random strings", () => {
    const full = (a: string, b: string) => {
      const d = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
      );
      for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
          const row = d[i]!;
          row[j] = Math.min(
            d[i - 1]![j]! + 1,
            row[j - 1]! + 1,
            d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
          );
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
            row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
          }
        }
      }
      return d[a.length]![b.length]!;
    };
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const word = () =>
      Array.from({ length: Math.floor(random() * 9) }, () => "abc-"[Math.floor(random() * 4)]).join("");
    for (let k = 0; k < 5000; k++) {
      const a = word();
      const b = word();
      for (const max of [1, 2]) expect(editDistance(a, b, max)).toBe(Math.min(full(a, b), max + 1));
    }
  });
});
