import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inputErrorOfCall } from "../../test-helpers/extract.js";
import { tmpTree } from "../../test-helpers/tmp.js";
import {
  findInstalledPackages,
  type InstalledPackage,
  installedPackageContents,
  listedPaths,
  recordPaths,
} from "./installed.js";

const pj = (name: string, version: string) => JSON.stringify({ name, version });

function find(dir: string): { pkgs: InstalledPackage[]; warnings: string[] } {
  const warnings: string[] = [];
  const pkgs = findInstalledPackages(dir, { onWarning: (w) => warnings.push(w) });
  return { pkgs, warnings };
}

function only(pkgs: InstalledPackage[], name: string): InstalledPackage {
  const found = pkgs.filter((p) => p.name === name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
}

describe("npm node_modules", () => {
  it("finds plain, scoped and nested packages; a package's files exclude its own node_modules", () => {
    const dir = tmpTree({
      "package.json": pj("app", "1.0.0"),
      "src/app.js": "own code",
      "node_modules/.package-lock.json": "{}",
      "node_modules/.bin/tool": "#!/bin/sh",
      "node_modules/.cache/x/package.json": pj("cached", "1.0.0"),
      "node_modules/left-pad/package.json": pj("left-pad", "1.3.0"),
      "node_modules/left-pad/index.js": "module.exports = 1",
      "node_modules/left-pad/lib/util.js": "x",
      "node_modules/left-pad/.git/HEAD": "ref",
      "node_modules/left-pad/node_modules/debug/package.json": pj("debug", "2.6.9"),
      "node_modules/left-pad/node_modules/debug/src/index.js": "x",
      "node_modules/@babel/core/package.json": pj("@babel/core", "7.24.0"),
      "node_modules/@babel/core/lib/index.js": "x",
      "node_modules/not-a-package/readme.txt": "x",
    });
    const { pkgs, warnings } = find(dir);
    expect(pkgs.map((p) => `${p.display} ${p.name}@${p.version}`)).toEqual([
      "node_modules/@babel/core @babel/core@7.24.0",
      "node_modules/left-pad left-pad@1.3.0",
      "node_modules/left-pad/node_modules/debug debug@2.6.9",
    ]);
    const leftPad = only(pkgs, "left-pad");
    expect(leftPad.files).toEqual(["index.js", "lib/util.js", "package.json"]);
    expect(leftPad.root).toBe(join(dir, "node_modules/left-pad"));
    expect(leftPad.purl).toBe("pkg:npm/left-pad@1.3.0");
    expect(only(pkgs, "@babel/core").purl).toBe("pkg:npm/%40babel/core@7.24.0");
    expect(only(pkgs, "debug").files).toEqual(["package.json", "src/index.js"]);
    expect(warnings).toEqual(["node_modules/not-a-package: no package.json; skipped"]);
  });

  it("reads pnpm's store once per package and never follows its links", () => {
    const dir = tmpTree({
      "node_modules/.pnpm/foo@1.0.0/node_modules/foo/package.json": pj("foo", "1.0.0"),
      "node_modules/.pnpm/foo@1.0.0/node_modules/foo/index.js": "x",
      "node_modules/.pnpm/@s+bar@2.0.0/node_modules/@s/bar/package.json": pj("@s/bar", "2.0.0"),
      "node_modules/.pnpm/lock.yaml": "x",
      "packages/own/package.json": pj("own", "0.0.0"),
    });
    const nm = join(dir, "node_modules");
    symlinkSync(join(nm, ".pnpm/foo@1.0.0/node_modules/foo"), join(nm, "foo"));
    mkdirSync(join(nm, "@s"));
    symlinkSync(join(nm, ".pnpm/@s+bar@2.0.0/node_modules/@s/bar"), join(nm, "@s/bar"));
    symlinkSync("../../@s+bar@2.0.0/node_modules/@s/bar", join(nm, ".pnpm/foo@1.0.0/node_modules/bar"));
    mkdirSync(join(nm, ".pnpm/node_modules"));
    symlinkSync("../foo@1.0.0/node_modules/foo", join(nm, ".pnpm/node_modules/foo"));
    symlinkSync(join(dir, "packages/own"), join(nm, "own")); // a workspace link: the project's own code
    const { pkgs, warnings } = find(dir);
    expect(pkgs.map((p) => `${p.display} ${p.name}`)).toEqual([
      "node_modules/.pnpm/@s+bar@2.0.0/node_modules/@s/bar @s/bar",
      "node_modules/.pnpm/foo@1.0.0/node_modules/foo foo",
    ]);
    expect(only(pkgs, "foo").files).toEqual(["index.js", "package.json"]);
    expect(warnings).toEqual([]);
  });

  it("finds node_modules trees at any depth, and shows paths from node_modules when given one", () => {
    const dir = tmpTree({
      "web/node_modules/a/package.json": pj("a", "1.0.0"),
      "tools/x/node_modules/b/package.json": pj("b", "2.0.0"),
      ".git/node_modules/c/package.json": pj("c", "3.0.0"),
    });
    expect(find(dir).pkgs.map((p) => p.display)).toEqual(["tools/x/node_modules/b", "web/node_modules/a"]);
    expect(find(join(dir, "web/node_modules")).pkgs.map((p) => p.display)).toEqual(["node_modules/a"]);
  });

  it("warns about a package.json without a version or with bad JSON", () => {
    const dir = tmpTree({
      "node_modules/a/package.json": JSON.stringify({ name: "a" }),
      "node_modules/b/package.json": "{ nope",
    });
    const { pkgs, warnings } = find(dir);
    expect(pkgs).toEqual([]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toBe("node_modules/a/package.json: no version; skipped");
    expect(warnings[1]).toMatch(/^node_modules\/b\/package.json: .*JSON.*; skipped$/);
  });
});

describe("Python site-packages", () => {
  const SP = ".venv/lib/python3.11/site-packages";
  const meta = (name: string, version: string) =>
    `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n\nbody\n`;

  function venv(): string {
    return tmpTree({
      [`${SP}/requests-2.31.0.dist-info/METADATA`]: meta("requests", "2.31.0"),
      [`${SP}/requests-2.31.0.dist-info/RECORD`]: [
        "requests/__init__.py,sha256=abc,10",
        "requests/api.py,sha256=abc,10",
        '"requests/odd,name.py",sha256=abc,10',
        "requests-2.31.0.dist-info/METADATA,,",
        "requests-2.31.0.dist-info/RECORD,,",
        "../../../bin/normalizer,sha256=abc,10",
        "/usr/bin/evil,sha256=abc,10",
        "requests/__pycache__/api.cpython-311.pyc,,",
        "",
      ].join("\n"),
      [`${SP}/requests/__init__.py`]: "x",
      [`${SP}/requests/api.py`]: "x",
      [`${SP}/requests/odd,name.py`]: "x",
      [`${SP}/requests/extra_not_in_record.py`]: "x",
      [`${SP}/Django-3.2.25.egg-info/PKG-INFO`]: meta("Django", "3.2.25"),
      [`${SP}/Django-3.2.25.egg-info/top_level.txt`]: "django\n",
      [`${SP}/django/__init__.py`]: "x",
      [`${SP}/django/db/models.py`]: "x",
      [`${SP}/django/__pycache__/x.cpython-311.pyc`]: "x",
      [`${SP}/foo-1.0.egg-info/PKG-INFO`]: meta("foo", "1.0"),
      [`${SP}/foo-1.0.egg-info/installed-files.txt`]:
        "../foo/__init__.py\n../foo_helper.py\n../../../../bin/foo\nPKG-INFO\n",
      [`${SP}/foo/__init__.py`]: "x",
      [`${SP}/foo_helper.py`]: "x",
      [`${SP}/PyYAML-6.0.dist-info/METADATA`]: meta("PyYAML", "6.0"),
      [`${SP}/PyYAML-6.0.dist-info/top_level.txt`]: "_yaml\nyaml\n",
      [`${SP}/yaml/__init__.py`]: "x",
      [`${SP}/_yaml.cpython-311-x86_64-linux-gnu.so`]: "ELF",
      [`${SP}/_yaml_other.py`]: "not PyYAML's",
      [`${SP}/pexpect-4.8.0.egg-info`]: meta("pexpect", "4.8.0"),
      [`${SP}/pexpect/__init__.py`]: "x",
      [`${SP}/mystery-1.0.egg-info`]: meta("mystery", "1.0"),
      [`${SP}/bar-1.0-py3.11.egg/EGG-INFO/PKG-INFO`]: meta("bar", "1.0"),
      [`${SP}/bar-1.0-py3.11.egg/bar/__init__.py`]: "x",
      [`${SP}/broken-1.0.dist-info/METADATA`]: "Metadata-Version: 2.1\nName: broken\n",
    });
  }

  it("finds every distribution, with its files from RECORD, installed-files.txt, top_level.txt or its name", () => {
    const dir = venv();
    const { pkgs, warnings } = find(dir);
    expect(pkgs.map((p) => `${p.display} ${p.version} ${p.filesFrom}`)).toEqual([
      `${SP}/Django 3.2.25 top_level.txt`,
      `${SP}/PyYAML 6.0 top_level.txt`,
      `${SP}/bar 1.0 directory`,
      `${SP}/foo 1.0 installed-files.txt`,
      `${SP}/mystery 1.0 none`,
      `${SP}/pexpect 4.8.0 name`,
      `${SP}/requests 2.31.0 RECORD`,
    ]);
    const requests = only(pkgs, "requests");
    expect(requests.root).toBe(join(dir, SP));
    expect(requests.purl).toBe("pkg:pypi/requests@2.31.0");
    expect(requests.files).toEqual([
      "requests-2.31.0.dist-info/METADATA",
      "requests-2.31.0.dist-info/RECORD",
      "requests/__init__.py",
      "requests/__pycache__/api.cpython-311.pyc",
      "requests/api.py",
      "requests/odd,name.py",
    ]);
    expect(only(pkgs, "Django").files).toEqual([
      "Django-3.2.25.egg-info/PKG-INFO",
      "Django-3.2.25.egg-info/top_level.txt",
      "django/__init__.py",
      "django/db/models.py",
    ]);
    expect(only(pkgs, "Django").purl).toBe("pkg:pypi/django@3.2.25");
    expect(only(pkgs, "foo").files).toEqual([
      "foo-1.0.egg-info/PKG-INFO",
      "foo-1.0.egg-info/installed-files.txt",
      "foo/__init__.py",
      "foo_helper.py",
    ]);
    expect(only(pkgs, "PyYAML").files).toEqual([
      "PyYAML-6.0.dist-info/METADATA",
      "PyYAML-6.0.dist-info/top_level.txt",
      "_yaml.cpython-311-x86_64-linux-gnu.so",
      "yaml/__init__.py",
    ]);
    expect(only(pkgs, "pexpect").files).toEqual(["pexpect-4.8.0.egg-info", "pexpect/__init__.py"]);
    expect(only(pkgs, "bar").files).toEqual([
      "bar-1.0-py3.11.egg/EGG-INFO/PKG-INFO",
      "bar-1.0-py3.11.egg/bar/__init__.py",
    ]);
    expect(only(pkgs, "mystery").files).toEqual(["mystery-1.0.egg-info"]);
    expect(warnings).toEqual([
      `${SP}/broken-1.0.dist-info/METADATA: no Version header; skipped`,
      expect.stringMatching(
        /^\.venv\/.*\/mystery-1\.0\.egg-info: the files of mystery 1\.0 could not be determined/,
      ),
    ]);
  });

  it("reads dist-packages too, shown from its own name when given it", () => {
    const dir = tmpTree({
      "dist-packages/six-1.16.0.egg-info/PKG-INFO": meta("six", "1.16.0"),
      "dist-packages/six-1.16.0.egg-info/top_level.txt": "six\n",
      "dist-packages/six.py": "x",
    });
    const { pkgs } = find(join(dir, "dist-packages"));
    expect(pkgs.map((p) => [p.display, p.files])).toEqual([
      ["dist-packages/six", ["six-1.16.0.egg-info/PKG-INFO", "six-1.16.0.egg-info/top_level.txt", "six.py"]],
    ]);
  });

  it("parses RECORD as CSV and keeps only paths inside site-packages", () => {
    expect(
      recordPaths(
        'a/b.py,sha256=x,1\n"c/""q"",d.py",,\n./e.py,,\nf/../g.py,,\n../h,,\n/abs,,\nC:/win,,\nf/../../i,,\n',
      ),
    ).toEqual(["a/b.py", 'c/"q",d.py', "e.py", "g.py"]);
    expect(listedPaths("../pkg/a.py\nPKG-INFO\n../../x\n", "pkg-1.egg-info")).toEqual([
      "pkg/a.py",
      "pkg-1.egg-info/PKG-INFO",
    ]);
  });
});

describe("installedPackageContents", () => {
  it("reads the files lazily; links and paths through linked folders are skipped, missing files left out", () => {
    const dir = tmpTree({
      "site-packages/evil-1.0.dist-info/METADATA": "Name: evil\nVersion: 1.0\n",
      "site-packages/evil-1.0.dist-info/RECORD":
        "evil/__init__.py,,\nevil/gone.py,,\nevil/link.py,,\nout/secret,,\n",
      "site-packages/evil/__init__.py": "import os\n",
      "outside/secret": "do not read",
    });
    const sp = join(dir, "site-packages");
    symlinkSync("/etc/passwd", join(sp, "evil/link.py"));
    symlinkSync(join(dir, "outside"), join(sp, "out"));
    const [pkg] = findInstalledPackages(sp);
    const contents = installedPackageContents(pkg!);
    expect(contents).toMatchObject({ kind: "wheel", name: "evil", version: "1.0", ecosystem: "PyPI" });
    expect(contents.files.map((f) => f.path)).toEqual([
      "evil-1.0.dist-info/METADATA",
      "evil-1.0.dist-info/RECORD",
      "evil/__init__.py",
    ]);
    expect(contents.skipped).toEqual([
      { path: "evil/link.py", reason: "symbolic link (not followed)" },
      { path: "out/secret", reason: "reached through a symbolic link (not followed)" },
    ]);
    writeFileSync(join(sp, "evil/__init__.py"), "changed");
    expect(contents.files[2]!.read().toString()).toBe("changed");
  });

  it("skips files over the per-file limit", () => {
    const dir = tmpTree({
      "node_modules/a/package.json": pj("a", "1.0.0"),
      "node_modules/a/big.js": "x".repeat(500),
    });
    const [pkg] = findInstalledPackages(dir);
    const contents = installedPackageContents(pkg!, { maxFileBytes: 100 });
    expect(contents.files.map((f) => f.path)).toEqual(["package.json"]);
    expect(contents.skipped).toEqual([
      {
        path: "big.js",
        reason: expect.stringContaining("per-file limit"),
        head: Buffer.from("x".repeat(64)),
      },
    ]);
  });
});

describe("errors and bounds", () => {
  it("a path that is not a directory is an InputError", () => {
    const dir = tmpTree({ "f.txt": "x" });
    expect(inputErrorOfCall(() => findInstalledPackages(join(dir, "f.txt"))).detail).toBe("not a directory");
    expect(inputErrorOfCall(() => findInstalledPackages(join(dir, "nope"))).detail).toBe(
      "no such file or directory",
    );
  });

  it("stops at the entry bound and says so", () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`node_modules/p${i}/package.json`] = pj(`p${i}`, "1.0.0");
    const dir = tmpTree(files);
    const warnings: string[] = [];
    const pkgs = findInstalledPackages(dir, { maxEntries: 10, onWarning: (w) => warnings.push(w) });
    expect(pkgs.length).toBeLessThan(20);
    expect(warnings.at(-1)).toMatch(/stopped after 10 directory entries/);
  });
});
