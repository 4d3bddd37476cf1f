import { describe, expect, it } from "vitest";
import { jsonObjectLines, jsonPath } from "./json-lines.js";

describe("jsonObjectLines", () => {
  const text = [
    "{", // 1
    '  "name": "x",', // 2
    '  "packages": {', // 3
    '    "": {"version": "1"},', // 4
    '    "node_modules/a\\"b": {', // 5
    '      "version": "1.0.0", "note": "{ not an object }"', // 6
    "    },", // 7
    '    "node_modules/c": {}', // 8
    "  },", // 9
    '  "components": [', // 10
    '    {"a": 1},', // 11
    "    [1, 2],", // 12
    "    {", // 13
    '      "nested": {"deep": {}}', // 14
    "    }", // 15
    "  ]", // 16
    "}", // 17
  ].join("\n");
  const lines = jsonObjectLines(text);

  it("maps object keys to their lines, with escapes decoded", () => {
    expect(lines.get(jsonPath("packages"))).toBe(3);
    expect(lines.get(jsonPath("packages", ""))).toBe(4);
    expect(lines.get(jsonPath("packages", 'node_modules/a"b'))).toBe(5);
    expect(lines.get(jsonPath("packages", "node_modules/c"))).toBe(8);
  });
  it("indexes objects inside arrays by position, braces inside strings ignored", () => {
    expect(lines.get(jsonPath("components", 0))).toBe(11);
    expect(lines.get(jsonPath("components", 2))).toBe(13);
    expect(lines.get(jsonPath("components", 2, "nested", "deep"))).toBe(14);
    expect(lines.has(jsonPath("components", 1))).toBe(false);
  });
  it("gives the root object the empty path", () => {
    expect(lines.get("")).toBe(1);
  });
});

describe("jsonObjectLines with maxDepth", () => {
  it("records objects down to that depth only", () => {
    const text = '{\n "packages": {\n  "a": {\n   "deps": {"x": {}}\n  },\n  "b\\u0041": {}\n }\n}';
    const lines = jsonObjectLines(text, 2);
    expect([...lines.keys()]).toEqual(["", "packages", jsonPath("packages", "a"), jsonPath("packages", "bA")]);
    expect(lines.get(jsonPath("packages", "bA"))).toBe(6);
    expect(jsonObjectLines(text).get(jsonPath("packages", "a", "deps", "x"))).toBe(4);
  });
});
