import { describe, expect, it } from "vitest";
import { InputError } from "../../errors.js";
import { extractFile, extractText } from "../../test-helpers/extract.js";
import { parsePurl } from "../normalise.js";
import { parseSimplePurl, pinVersion, purlListExtractor, readPurl, SkipCounter } from "./purls.js";

const fixture = (name: string): string => new URL(`./__fixtures__/purls/${name}`, import.meta.url).pathname;

async function failure(text: string): Promise<InputError> {
  try {
    await extractText(purlListExtractor, "deps.txt", text);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

describe("purlListExtractor", () => {
  it("is read only when named (--purls), never by file name", () => {
    expect(purlListExtractor.matchFile("purls.txt", "/x/purls.txt")).toBe(false);
    expect(purlListExtractor.matchFile("release.purls.txt", "/x/release.purls.txt")).toBe(false);
  });

  it("reads one purl a line, with comments, blank lines and whitespace ignored", async () => {
    const result = await extractFile(purlListExtractor, fixture("release.purls.txt"));
    expect(result.packages).toEqual([
      { ecosystem: "npm", name: "@angular/core", version: "17.3.0", line: 3 },
      { ecosystem: "npm", name: "@types/node", version: "20.11.5", line: 4 },
      { ecosystem: "PyPI", name: "django", version: "4.2.11", line: 5 }, // the purl spec lower-cases pypi names
      { ecosystem: "PyPI", name: "requests", version: null, line: 6, unpinned: { kind: "any", spec: "*" } },
      {
        ecosystem: "npm",
        name: "left-pad",
        version: "1.3.0",
        line: 7,
        unpinned: { kind: "vcs", spec: "git+https://github.com/left-pad/left-pad.git#5e9a9e8" },
        resolved: "git+https://github.com/left-pad/left-pad.git#5e9a9e8",
      },
      {
        ecosystem: "PyPI",
        name: "torch",
        version: "2.2.0+cpu",
        line: 8,
        resolved: "https://download.pytorch.org/whl/cpu/torch-2.2.0%2Bcpu-cp311-cp311-linux_x86_64.whl",
      },
      {
        ecosystem: "npm",
        name: "chalk",
        version: null,
        line: 12,
        unpinned: { kind: "range", spec: "^5.0.0" },
      },
    ]);
    expect(result.warnings).toEqual([
      "skipped 3 purls that are not PyPI or npm packages: deb 1, golang 1, maven 1",
    ]);
  });

  it("reads CRLF line ends and leaves direct unsaid", async () => {
    const result = await extractFile(purlListExtractor, fixture("crlf.txt"));
    expect(result).toEqual({
      packages: [
        { ecosystem: "npm", name: "lodash", version: "4.17.21", line: 1 },
        { ecosystem: "PyPI", name: "six", version: "1.16.0", line: 2 },
      ],
    });
  });

  it("reads an empty list as no packages", async () => {
    expect(await extractText(purlListExtractor, "deps.txt", "")).toEqual({ packages: [] });
    expect(await extractText(purlListExtractor, "deps.txt", "# nothing yet\n\n")).toEqual({ packages: [] });
  });

  it("keeps a `#` inside a purl (the subpath) and drops a comment after whitespace", async () => {
    const r = await extractText(purlListExtractor, "deps.txt", "pkg:npm/a@1.0.0#lib/x.js\t# pinned by ops\n");
    expect(r.packages).toEqual([{ ecosystem: "npm", name: "a", version: "1.0.0", line: 1 }]);
  });

  it("reports an invalid purl with its line and column", async () => {
    const e = await failure("pkg:npm/a@1.0.0\n\n   npm/lodash@4.17.21\n");
    expect(e.message).toBe(
      'deps.txt:3:4: invalid purl "npm/lodash@4.17.21": expected "pkg:<type>/<name>"; expected one package URL a line (pkg:npm/name@version, pkg:pypi/name@version)',
    );
    expect(e.position).toEqual({ line: 3, column: 4 });
  });

  it("rejects another format given as a purl list", async () => {
    const json = await failure('{\n  "name": "x"\n}\n');
    expect(json.position).toEqual({ line: 1, column: 1 });
    expect(json.detail).toMatch(/^invalid purl "\{": /);
    const req = await failure("requests==2.31.0\n");
    expect(req.detail).toMatch(/^invalid purl "requests==2.31.0": expected "pkg:<type>\/<name>"/);
  });

  it("rejects malformed pypi and npm purls", async () => {
    expect((await failure("pkg:npm/\n")).detail).toMatch(
      /^invalid purl "pkg:npm\/": "name" is a required component;/,
    );
    expect((await failure("pkg:npm/a b@1\n")).detail).toMatch(
      /^invalid purl "pkg:npm\/a b@1": a purl has no spaces;/,
    );
    expect((await failure("pkg:pypi/-bad-@1\n")).detail).toMatch(/"-bad-" is not a PyPI project name/);
    expect((await failure("pkg:npm/%40scope@1\n")).detail).toMatch(/"@scope" is not an npm package name/);
  });
});

describe("purl helpers", () => {
  it("reads simple npm and pypi purls exactly as packageurl-js does, and leaves the rest to it", () => {
    const simple = [
      "pkg:npm/lodash@4.17.21",
      "pkg:npm/%40babel/core@7.24.5",
      "pkg:npm/@types/node@20.11.5",
      "pkg:npm/JSONStream@1.3.5",
      "pkg:npm/%40Scope/Mixed_Case.js@1.0.0-beta.1",
      "pkg:npm/left-pad",
      "pkg:npm/a@1.0.0%2Bbuild.5",
      "pkg:pypi/Django_Rest.Framework@3.14.0",
      "pkg:pypi/torch@2.2.0%2bcpu",
      "pkg:pypi/torch@2.2.0+cpu",
      "pkg:pypi/zope.interface@6.0",
      "pkg:pypi/pytz@2024.1!1",
      "pkg:pypi/a~b@1",
    ];
    for (const purl of simple) {
      expect(parseSimplePurl(purl), purl).toEqual(parsePurl(purl));
    }
    const other = [
      "pkg:npm/a@1?vcs_url=git%2Bhttps://x",
      "pkg:npm/a@1#sub",
      "pkg:NPM/a@1",
      "pkg://npm/a@1",
      "pkg:npm/%41bc@1",
      "pkg:npm/a@%5E1.0.0",
      "pkg:npm/scope/a@1",
      "pkg:pypi/@ns/a@1",
      "pkg:npm/../a@1",
      "pkg:npm/@../a@1",
      "pkg:npm/a@",
    ];
    for (const purl of other) expect(parseSimplePurl(purl), purl).toBeUndefined();
  });

  it("skips other types without parsing them further", () => {
    expect(readPurl("pkg:golang/github.com/a/b@v1.0.0")).toEqual({ skip: "golang" });
    expect(readPurl("pkg://Maven/org.x/y@1")).toEqual({ skip: "maven" });
  });

  it("takes the fallback version only when the purl has none", () => {
    expect(readPurl("pkg:pypi/six", "1.16.0")).toEqual({
      package: { ecosystem: "PyPI", name: "six", version: "1.16.0" },
    });
    expect(readPurl("pkg:pypi/six@1.15.0", "1.16.0")).toEqual({
      package: { ecosystem: "PyPI", name: "six", version: "1.15.0" },
    });
  });

  it("reads a download_url without a version as a URL requirement, and with one as a pinned release", () => {
    // cyclonedx-py writes `urllib3 @ https://…/2.2.0.zip` this way; a private registry's tarball has a version
    expect(
      readPurl("pkg:pypi/urllib3?download_url=https://github.com/urllib3/urllib3/archive/2.2.0.zip"),
    ).toEqual({
      package: {
        ecosystem: "PyPI",
        name: "urllib3",
        version: null,
        unpinned: { kind: "url", spec: "https://github.com/urllib3/urllib3/archive/2.2.0.zip" },
        resolved: "https://github.com/urllib3/urllib3/archive/2.2.0.zip",
      },
    });
    expect(
      readPurl("pkg:npm/left-pad@1.3.0?download_url=https://npm.example.com/left-pad-1.3.0.tgz"),
    ).toEqual({
      package: {
        ecosystem: "npm",
        name: "left-pad",
        version: "1.3.0",
        resolved: "https://npm.example.com/left-pad-1.3.0.tgz",
      },
    });
  });

  it("tells exact versions from ranges", () => {
    expect(pinVersion("npm", "1.2.3-beta.1")).toEqual({ version: "1.2.3-beta.1" });
    expect(pinVersion("npm", "~1.2")).toEqual({ version: null, unpinned: { kind: "range", spec: "~1.2" } });
    expect(pinVersion("npm", "latest")).toEqual({
      version: null,
      unpinned: { kind: "range", spec: "latest" },
    });
    expect(pinVersion("PyPI", "2.0.post1")).toEqual({ version: "2.0.post1" });
    expect(pinVersion("PyPI", "==2.0")).toEqual({ version: "2.0" });
    expect(pinVersion("PyPI", "1.*")).toEqual({ version: null, unpinned: { kind: "range", spec: "1.*" } });
    expect(pinVersion("PyPI", "")).toEqual({ version: null, unpinned: { kind: "any", spec: "*" } });
  });

  it("counts skipped entries per type, entries without a purl last", () => {
    const s = new SkipCounter();
    expect(s.warning("component")).toBeUndefined();
    s.add(undefined);
    s.add("maven");
    s.add("apk");
    s.add("maven");
    expect(s.warning("component")).toBe(
      "skipped 4 components that are not PyPI or npm packages: apk 1, maven 2, no purl 1",
    );
  });
});
