import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { inputErrorOfCall } from "../../test-helpers/extract.js";
import {
  arrayOfTablesLines,
  compileCheck,
  entryLines,
  keyLine,
  majorVersion,
  relativeDir,
  validateEntries,
} from "./toml-lines.js";

const errorOf = inputErrorOfCall;

describe("arrayOfTablesLines", () => {
  it("finds [[package]] headers, indented or quoted, and skips sub-tables", () => {
    const text = [
      "[[package]]", // 1
      'name = "a"',
      "[[package.wheels]]", // 3: a sub-array, not an entry
      'url = "x"',
      "  [[ package ]]  # indented, spaced, commented", // 5
      'name = "b"',
      "[package.dependencies]",
      'c = "*"',
      '[["package"]]', // 9
      "name = 'c'",
      "[metadata]",
      'lock-version = "2.0"',
    ].join("\n");
    expect(arrayOfTablesLines(text, "package")).toEqual([1, 5, 9]);
    expect(parse(text).package).toHaveLength(3);
  });

  it("ignores header-like text inside strings and comments", () => {
    const text = [
      "# [[package]] in a comment", // 1
      "[[package]]", // 2
      'description = """', // 3
      "[[package]]", // 4: inside a multi-line basic string
      'still the "description" \\"""', // 5: an escaped quote does not end it
      '"""',
      "summary = '''", // 7
      "[[package]]", // 8: inside a multi-line literal string
      "'''",
      'x = "[[package]]"', // 10
      "[[package]]", // 11
      'name = "b"',
    ].join("\n");
    expect(parse(text).package).toHaveLength(2);
    expect(arrayOfTablesLines(text, "package")).toEqual([2, 11]);
  });

  it("finds the elements of an inline array, across lines", () => {
    const text = [
      'lock-version = "1.0"',
      "packages = [", // 2
      '  { name = "a", directory = { path = "." } },', // 3
      "  # a comment with { braces",
      "  {", // 5
      '    name = "b", wheels = [{ url = "u", hashes = { sha256 = "x" } }] },',
      "]",
      "[tool.x]",
      "packages = [{ name = 'not top level' }]",
    ].join("\n");
    expect(arrayOfTablesLines(text, "packages")).toEqual([3, 5]);
  });

  it("counts CRLF line ends", () => {
    const text = '[[package]]\r\nname = "a"\r\n\r\n[[package]]\r\nname = "b"\r\n';
    expect(arrayOfTablesLines(text, "package")).toEqual([1, 4]);
    expect(entryLines(text, "package", 2)).toEqual([1, 4]);
  });
});

describe("entryLines", () => {
  it("falls back to the full scan when a string holds a header-like line", () => {
    const text = ["[[package]]", 'description = """', "[[package]]", '"""', "[[package]]", 'name = "b"'].join(
      "\n",
    );
    expect(entryLines(text, "package", 2)).toEqual([1, 5]);
  });

  it("gives no lines rather than wrong ones when the scans do not account for every entry", () => {
    expect(entryLines("[[package]]\nname = 'a'\n", "package", 2)).toEqual([]);
    expect(entryLines("", "package", 0)).toEqual([]);
  });
});

describe("compileCheck", () => {
  const schema = z.object({
    name: z.string().min(1),
    n: z.number().optional(),
    flag: z.boolean().optional(),
    tags: z.array(z.string()).optional(),
    table: z.record(z.string(), z.array(z.object({ hash: z.string() }))).optional(),
    either: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
    loose: z.looseObject({ k: z.string() }).optional(),
    any: z.unknown(),
  });
  const check = compileCheck(schema)!;
  const samples: unknown[] = [
    { name: "a" },
    { name: "a", any: 1 },
    { name: "" },
    { name: 1 },
    {
      name: "a",
      any: null,
      n: 1,
      flag: true,
      tags: ["x"],
      table: { f: [{ hash: "h" }] },
      either: "s",
      loose: { k: "v", z: 1 },
    },
    { name: "a", any: 0, n: Number.POSITIVE_INFINITY },
    { name: "a", any: 0, n: "1" },
    { name: "a", any: 0, flag: "yes" },
    { name: "a", any: 0, tags: ["x", 1] },
    { name: "a", any: 0, tags: "x" },
    { name: "a", any: 0, table: { f: [{ file: "x" }] } },
    { name: "a", any: 0, table: [] },
    { name: "a", any: 0, either: { m: "x" } },
    { name: "a", any: 0, either: { m: 1 } },
    { name: "a", any: 0, loose: { z: 1 } },
    { name: "a", any: 0, extra: { anything: true } },
    null,
    [],
    "a",
  ];

  it("accepts exactly what zod accepts", () => {
    expect(check).toBeTypeOf("function");
    for (const s of samples) expect([s, check(s)]).toEqual([s, schema.safeParse(s).success]);
  });

  it("accepts the parser's null-prototype tables and rejects dates in place of tables", () => {
    const data = parse('name = "a"\nany = 1\n[table]\nf = [{ hash = "h" }]\n[loose]\nk = "v"\n');
    expect(check(data)).toBe(true);
    const withDate = parse('name = "a"\nany = 1\nloose = 2024-01-01T00:00:00Z\n');
    expect(check(withDate)).toBe(false);
    expect(schema.safeParse(withDate).success).toBe(false);
  });

  it("declines schemas it does not understand, leaving them to zod", () => {
    expect(compileCheck(z.string().regex(/x/))).toBeUndefined();
    expect(compileCheck(z.object({ a: z.string().max(3) }))).toBeUndefined();
    expect(compileCheck(z.strictObject({ a: z.string() }))).toBeUndefined();
  });
});

describe("validateEntries", () => {
  const schema = z.object({ package: z.array(z.object({ name: z.string(), version: z.string() })) });

  it("returns the data as parsed when it is valid", () => {
    const data = { package: [{ name: "a", version: "1", extra: true }] };
    expect(validateEntries("f.lock", schema, data, "lockfile", "package", [3])).toBe(data);
  });

  it("reports zod's message at the line of the offending entry", () => {
    const data = {
      package: [
        { name: "a", version: "1" },
        { name: "b", version: 2 },
      ],
    };
    const e = errorOf(() => validateEntries("f.lock", schema, data, "lockfile", "package", [1, 7]));
    expect(e.message).toMatch(/^f\.lock:7: not a valid lockfile: package\[1\]\.version: .*expected string/);
  });

  it("has no line when the problem is outside the entries", () => {
    const e = errorOf(() => validateEntries("f.lock", schema, { package: "x" }, "lockfile", "package", []));
    expect(e.message).toMatch(/^f\.lock: not a valid lockfile: package: /);
  });
});

describe("small helpers", () => {
  it("majorVersion reads format versions", () => {
    expect(majorVersion("2.1")).toBe(2);
    expect(majorVersion("4.4.2")).toBe(4);
    expect(majorVersion(1)).toBe(1);
    expect(majorVersion("v2")).toBeUndefined();
    expect(majorVersion(1.5)).toBeUndefined();
    expect(majorVersion(undefined)).toBeUndefined();
  });

  it("relativeDir normalises member directories", () => {
    expect(relativeDir("./libs/core/")).toBe("libs/core");
    expect(relativeDir("packages\\api")).toBe("packages/api");
    expect(relativeDir(".")).toBe(".");
    expect(relativeDir("./")).toBe(".");
  });

  it("keyLine finds a top-level assignment", () => {
    expect(keyLine('# c\n\nlock-version = "3.0"\n', "lock-version")).toBe(3);
    expect(keyLine('x = 1\n  "version" = 2\n', "version")).toBe(2);
    expect(keyLine("y = 1\n", "version")).toBeUndefined();
  });
});
