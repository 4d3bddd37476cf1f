/** End-to-end: the built CLI (npm test builds first), run as a user runs it. */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tmpTree } from "../test-helpers/tmp.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const bin = join(repo, "dist/cli/main.js");

function run(args: string[], cwd = repo) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("depwarden CLI", () => {
  it("--version prints the package version", () => {
    const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string };
    expect(run(["--version"])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it("--help lists the commands, and each command has help", () => {
    const help = run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/inventory \[options\] \[paths\.\.\.\]/);
    expect(help.stdout).toMatch(/sbom \[options\] \[paths\.\.\.\]/);
    expect(run(["inventory", "--help"]).stdout).toMatch(/--format <format>/);
    expect(run(["sbom", "--help"]).stdout).toMatch(/cyclonedx-json/);
  });

  it("an unknown flag or format is a usage error: exit 2", () => {
    const r = run(["inventory", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--bogus'/);
    expect(run(["inventory", "-f", "xml"]).code).toBe(2);
  });

  it("a missing path: one line, exit 2, no stack trace", () => {
    const r = run(["inventory", "does-not-exist"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("depwarden: does-not-exist: no such file or directory\n");
  });

  it("inventories the bundled examples", () => {
    const r = run(["inventory", "examples", "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual([
      "schemaVersion",
      "tool",
      "target",
      "files",
      "components",
      "errors",
      "warnings",
    ]);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.tool.name).toBe("depwarden");
    expect(doc.target).toEqual(["examples"]);
    expect(doc.files.map((f: { file: string }) => f.file)).toEqual([
      "examples/python-service/poetry.lock",
      "examples/python-service/pyproject.toml",
      "examples/web-frontend/package-lock.json",
      "examples/web-frontend/package.json",
    ]);
    const byPurl = new Map(doc.components.map((c: { purl: string }) => [c.purl, c]));
    expect(byPurl.get("pkg:pypi/flask@2.2.2")).toMatchObject({ direct: true, scopes: ["prod"] });
    expect(byPurl.get("pkg:pypi/werkzeug@2.2.2")).toMatchObject({ direct: false, scopes: ["prod"] });
    expect(byPurl.get("pkg:pypi/pytest@7.1.3")).toMatchObject({ direct: true, scopes: ["dev"] });
    expect(byPurl.get("pkg:npm/axios@0.21.1")).toMatchObject({
      direct: true,
      scopes: ["prod"],
      dependencies: ["pkg:npm/follow-redirects@1.14.0"],
    });
    expect(byPurl.get("pkg:npm/minimist@1.2.5")).toMatchObject({ direct: false, scopes: ["dev"] });
    expect(byPurl.get("pkg:npm/fsevents@2.3.2")).toMatchObject({ direct: true, scopes: ["optional"] });
    expect(doc.components).toHaveLength(25 + 13);
  });

  it("table output lists each file with counts", () => {
    const r = run(["inventory", "examples/web-frontend"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^13 components \(8 direct, 5 transitive\) from 2 files\n/);
    expect(r.stdout).toMatch(
      /examples\/web-frontend\/package-lock\.json {2}\[package-lock, npm\] {2}13 components \(8 direct\)/,
    );
  });

  it("table output shows a NOTE column only when something is unpinned", () => {
    expect(run(["inventory", "examples/python-service"]).stdout).toMatch(
      /\n {2}NAME +VERSION +TYPE +SCOPES +WHERE\n/,
    );
    const root = tmpTree({ "requirements.txt": "flask>=2\nrequests==2.31.0\n" });
    const out = run(["inventory", "requirements.txt"], root).stdout;
    expect(out).toMatch(/\n {2}NAME +VERSION +TYPE +SCOPES +NOTE +WHERE\n/);
    expect(out).toMatch(/\n {2}flask +>=2 +direct +prod +unpinned \(range\) +line 1\n/);
  });

  it("a broken lockfile among good ones: the others are listed, the error too, exit 2", () => {
    const root = tmpTree({
      "ok/package-lock.json": JSON.stringify({
        lockfileVersion: 3,
        packages: { "": { dependencies: { ms: "2.1.3" } }, "node_modules/ms": { version: "2.1.3" } },
      }),
      "broken/poetry.lock": '[[package]]\nname = "a"\nversion = ',
    });
    const r = run(["inventory", ".", "--format", "json"], root);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.components.map((c: { purl: string }) => c.purl)).toEqual(["pkg:npm/ms@2.1.3"]);
    expect(doc.errors).toHaveLength(1);
    expect(doc.errors[0]).toMatchObject({ file: "broken/poetry.lock", line: 3 });
    expect(doc.errors[0].message).toMatch(/^3:\d+: invalid TOML/);
    expect(r.stderr).toMatch(/^depwarden: broken\/poetry\.lock: 3:\d+: invalid TOML: .*\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // nothing was written into the scanned directory
    expect(readdirSync(root).sort()).toEqual(["broken", "ok"]);
  });

  it("--quiet keeps warnings off stderr and leaves the output as it is", () => {
    const root = tmpTree({ "requirements.txt": "./vendored/pkg\n" });
    const loud = run(["inventory", "requirements.txt"], root);
    expect(loud.stderr).toMatch(/^depwarden: warning: requirements\.txt: 1: cannot tell the package name/);
    const quiet = run(["--quiet", "inventory", "requirements.txt"], root);
    expect(quiet).toMatchObject({ code: 0, stderr: "" });
    expect(quiet.stdout).toBe(loud.stdout);
  });

  it("a reader that closes the pipe early gets no stack trace", () => {
    const lines = Array.from({ length: 20000 }, (_, i) => `package-${i}==1.0.${i}`).join("\n");
    const root = tmpTree({ "requirements.txt": `${lines}\n` });
    const r = spawnSync(
      "bash",
      ["-c", `"${process.execPath}" "${bin}" inventory requirements.txt -f json | head -c 10`],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    expect(r.stdout).toBe('{\n  "schem');
    expect(r.stderr).toBe("");
  });

  it("--output writes the file and nothing to stdout", () => {
    const root = tmpTree({ "requirements.txt": "requests==2.31.0\n" });
    const r = run(["inventory", "requirements.txt", "-f", "json", "-o", "out.json"], root);
    expect(r).toMatchObject({ code: 0, stdout: "" });
    const doc = JSON.parse(readFileSync(join(root, "out.json"), "utf8"));
    expect(doc.components[0].purl).toBe("pkg:pypi/requests@2.31.0");
    expect(readdirSync(root).sort()).toEqual(["out.json", "requirements.txt"]);
  });

  it("sbom writes CycloneDX by default and SPDX on request, reproducibly", () => {
    const a = run(["sbom", "examples/web-frontend"]);
    expect(a.code).toBe(0);
    const bom = JSON.parse(a.stdout);
    expect(bom.bomFormat).toBe("CycloneDX");
    expect(bom.specVersion).toBe("1.6");
    expect(run(["sbom", "examples/web-frontend"]).stdout).toBe(a.stdout);
    const spdx = JSON.parse(run(["sbom", "examples/python-service", "--format", "spdx-json"]).stdout);
    expect(spdx.spdxVersion).toBe("SPDX-2.3");
  });

  it("sbom of a lockfile names the project after its directory", () => {
    const bom = JSON.parse(run(["sbom", "examples/web-frontend/package-lock.json"]).stdout);
    expect(bom.metadata.component.name).toBe("web-frontend");
  });

  it("sbom refuses to write an incomplete SBOM", () => {
    const root = tmpTree({ "package-lock.json": "{" });
    const r = run(["sbom", ".", "-o", "bom.json"], root);
    expect(r.code).toBe(2);
    expect(readdirSync(root)).toEqual(["package-lock.json"]);
  });
});
