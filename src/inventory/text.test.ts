import { describe, expect, it } from "vitest";
import { z } from "zod";
import { inputErrorOfCall } from "../test-helpers/extract.js";
import {
  decodeText,
  forEachLine,
  formatPath,
  jsonErrorOffset,
  parseJson,
  parseToml,
  parseYaml,
  validate,
} from "./text.js";

const errorOf = inputErrorOfCall;

describe("decodeText", () => {
  it("decodes UTF-8 and drops a BOM", () => {
    expect(decodeText("a", new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa9]))).toBe("hé");
  });
  it("rejects UTF-16 with a message naming the encoding", () => {
    const e = errorOf(() => decodeText("req.txt", new Uint8Array([0xff, 0xfe, 0x61, 0x00])));
    expect(e.message).toBe("req.txt: file is UTF-16 encoded; expected UTF-8 text");
  });
  it("rejects invalid UTF-8 and says at which byte", () => {
    const e = errorOf(() => decodeText("x.lock", new Uint8Array([0x61, 0x0a, 0x62, 0xe9, 0x63])));
    expect(e.message).toBe("x.lock:2: not valid UTF-8 (byte 3); expected UTF-8 text");
    // an overlong encoding and a lone surrogate are not UTF-8 either
    expect(errorOf(() => decodeText("o", new Uint8Array([0xc0, 0xaf]))).message).toMatch(/\(byte 0\)/);
    expect(errorOf(() => decodeText("s", new Uint8Array([0x41, 0xed, 0xa0, 0x80]))).message).toMatch(
      /\(byte 1\)/,
    );
  });
  it("rejects binary content", () => {
    expect(errorOf(() => decodeText("b", new Uint8Array([0x61, 0x00]))).message).toMatch(
      /NUL byte at offset 1/,
    );
  });
});

describe("parseJson", () => {
  it("gives line and column of a syntax error", () => {
    const e = errorOf(() => parseJson("package-lock.json", '{\n  "a": 1,\n}'));
    expect(e.file).toBe("package-lock.json");
    expect(e.position).toEqual({ line: 3, column: 1 });
    expect(e.message).toMatch(/^package-lock\.json:3:1: invalid JSON: /);
  });
  it("reports truncation at the end of the text", () => {
    const e = errorOf(() => parseJson("p.json", '{\n "a": ['));
    expect(e.position?.line).toBe(2);
    expect(e.message).toMatch(/invalid JSON: Unexpected end of JSON input/);
  });
});

describe("jsonErrorOffset", () => {
  it("finds where JSON stops being JSON", () => {
    expect(jsonErrorOffset('{"a": [1, 2]}')).toBeUndefined();
    expect(jsonErrorOffset("name: x")).toBe(0);
    expect(jsonErrorOffset('{"a": tru}')).toBe(6);
    expect(jsonErrorOffset('{"a": 1,}')).toBe(8);
    expect(jsonErrorOffset('{"a": "x\\q"}')).toBe(9);
    expect(jsonErrorOffset("[1, 2] 3")).toBe(7);
    expect(jsonErrorOffset('{"a": 01}')).toBe(7);
    expect(jsonErrorOffset('{"a"')).toBe(4);
  });

  it("gives parseJson a position when the runtime's message has none", () => {
    const e = errorOf(() => parseJson("package-lock.json", '{\n  "a": [1,\n  x]\n}'));
    expect(e.position).toEqual({ line: 3, column: 3 });
  });
});

describe("parseToml / parseYaml", () => {
  it("TOML errors carry the parser's position", () => {
    const e = errorOf(() => parseToml("poetry.lock", '[[package]]\nname = "a"\nversion = \n'));
    expect(e.position?.line).toBe(3);
    expect(e.message).toMatch(/^poetry\.lock:3:\d+: invalid TOML: /);
  });
  it("YAML errors carry the parser's position", () => {
    const e = errorOf(() => parseYaml("pnpm-lock.yaml", "a: 1\nb: [1, 2\n"));
    expect(e.message).toMatch(/^pnpm-lock\.yaml:\d+:\d+: invalid YAML: /);
  });
});

describe("validate", () => {
  it("names the path inside the document", () => {
    const schema = z.object({ packages: z.record(z.string(), z.object({ version: z.string() })) });
    const e = errorOf(() =>
      validate("l.json", schema, { packages: { "node_modules/a": { version: 1 } } }, "lockfile"),
    );
    expect(e.message).toMatch(/^l\.json: not a valid lockfile: packages\["node_modules\/a"\]\.version: /);
  });
  it("formats paths", () => {
    expect(formatPath(["a", 0, "b-c", "x/y"])).toBe('a[0].b-c["x/y"]');
  });
});

describe("forEachLine", () => {
  it("gives each line's bounds without its line ending, CRLF included, and 1-based numbers", () => {
    const text = "a\r\nbc\n\nd";
    const seen: [string, number][] = [];
    forEachLine(text, (start, end, line) => seen.push([text.slice(start, end), line]));
    expect(seen).toEqual([
      ["a", 1],
      ["bc", 2],
      ["", 3],
      ["d", 4],
    ]);
  });
});
