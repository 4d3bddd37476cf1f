import { describe, expect, it } from "vitest";
import {
  buildPurl,
  buildPurlSlow,
  normaliseHashes,
  normaliseName,
  normalisePypiName,
  parsePurl,
} from "./normalise.js";

describe("names", () => {
  it("PEP 503 normalisation", () => {
    expect(normalisePypiName("Django_REST.framework")).toBe("django-rest-framework");
    expect(normalisePypiName("zope..interface")).toBe("zope-interface");
    expect(normaliseName("npm", "JSONStream")).toBe("JSONStream");
  });
});

describe("purls", () => {
  it("builds npm purls with the scope as namespace", () => {
    expect(buildPurl("npm", "@babel/core", "7.22.0")).toBe("pkg:npm/%40babel/core@7.22.0");
    expect(buildPurl("npm", "lodash", null)).toBe("pkg:npm/lodash");
  });
  it("builds PyPI purls with normalised names", () => {
    expect(buildPurl("PyPI", "Flask_Login", "0.6.2")).toBe("pkg:pypi/flask-login@0.6.2");
  });
  it("the fast path agrees with packageurl-js", () => {
    const names = [
      "lodash",
      "JSONStream",
      "@Babel/Core",
      "@types/node",
      "a~b",
      "x.y_z",
      "Foo__Bar..baz",
      "@s/a b",
      "ü",
    ];
    const versions = [
      null,
      "1.0.0",
      "1.0.0-rc.1+build.5",
      "1!2.0.post1",
      "1.0+abc.1",
      "1.0 beta",
      "v1/2",
      "1%",
    ];
    for (const eco of ["npm", "PyPI"] as const) {
      for (const n of names) {
        for (const v of versions) {
          const name = eco === "PyPI" ? n.replace(/^@[^/]*\//, "") : n;
          expect(buildPurl(eco, name, v)).toBe(buildPurlSlow(eco, name, v));
        }
      }
    }
  });

  it("parses purls back", () => {
    expect(parsePurl("pkg:npm/%40types/node@20.1.0")).toEqual({
      ecosystem: "npm",
      type: "npm",
      name: "@types/node",
      version: "20.1.0",
    });
    expect(parsePurl("pkg:maven/org.a/b@1").ecosystem).toBeUndefined();
    expect(() => parsePurl("not a purl")).toThrow();
  });
});

describe("normaliseHashes", () => {
  it("reads SRI, several at once", () => {
    const sha1 = Buffer.from("a".repeat(40), "hex").toString("base64");
    expect(normaliseHashes(`sha512-${Buffer.alloc(64, 1).toString("base64")} sha1-${sha1}`)).toEqual([
      `sha512:${"01".repeat(64)}`,
      `sha1:${"a".repeat(40)}`,
    ]);
  });
  it("reads pip and URL-fragment forms", () => {
    expect(normaliseHashes(`sha256:${"AB".repeat(32)}`)).toEqual([`sha256:${"ab".repeat(32)}`]);
    expect(normaliseHashes(`sha256=${"cd".repeat(32)}`)).toEqual([`sha256:${"cd".repeat(32)}`]);
  });
  it("reads urlsafe base64 without padding (wheel RECORD)", () => {
    const bytes = Buffer.alloc(32, 0xfb);
    const b64 = bytes.toString("base64url");
    expect(normaliseHashes(`sha256=${b64}`)).toEqual([`sha256:${bytes.toString("hex")}`]);
  });
  it("keeps unknown forms as they are", () => {
    expect(normaliseHashes("yarn-cache-checksum:10c0/abc")).toEqual(["yarn-cache-checksum:10c0/abc"]);
  });
});
