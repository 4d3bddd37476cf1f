import { describe, expect, it } from "vitest";
import { jsonMemberLines, jsonObjectLines, jsonPath } from "./json-lines.js";

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

describe("jsonMemberLines", () => {
  it("gives the line of each object value of one root member, in document order", () => {
    const text = [
      "{",
      '  "name": "x", "other": {"node_modules/z": {}},',
      '  "packages": {',
      '    "": {"dependencies": {"a": "1"}},',
      '    "node_modules/a\\u0041": {',
      '      "version": "1.0.0", "note": "{ \\"not\\": an object }"',
      "    },",
      '    "node_modules/b": {}',
      "  }",
      "}",
    ].join("\n");
    expect(jsonMemberLines(text, "packages")).toEqual({
      keys: ["", "node_modules/aA", "node_modules/b"],
      lines: [4, 5, 8],
    });
    expect(jsonMemberLines(text, "missing")).toEqual({ keys: [], lines: [] });
  });
});
