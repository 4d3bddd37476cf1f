import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../errors.js";
import { buildInventory } from "../inventory/inventory.js";
import { tmpTree } from "../test-helpers/tmp.js";
import { diffInventories, redFlags } from "./diff.js";
import { dependencyFiles, repositoryRoot, resolveRevision, withRevisionTree } from "./git.js";

function git(repo: string, ...args: string[]): string {
  return execFileSync("git", ["-C", repo, "-c", "user.name=T", "-c", "user.email=t@example.com", ...args], {
    encoding: "utf8",
  }).trim();
}

function lock(packages: Record<string, string>, direct: string[] = []): string {
  const entries: Record<string, unknown> = {
    "": { name: "app", version: "1.0.0", dependencies: Object.fromEntries(direct.map((d) => [d, "*"])) },
  };
  for (const [name, version] of Object.entries(packages)) entries[`node_modules/${name}`] = { version };
  return JSON.stringify({ name: "app", version: "1.0.0", lockfileVersion: 3, packages: entries }, null, 2);
}

/** A repository with two commits: base locks lodash 4.17.20, minimist 1.2.5 and left-pad; head changes them. */
function repo() {
  const dir = tmpTree({
    "package-lock.json": lock({ lodash: "4.17.20", minimist: "1.2.5", "left-pad": "1.3.0" }, ["lodash"]),
    "requirements.txt": "flask==2.0.0\nrequests==2.31.0\n",
    "src/app.js": "console.log(1)\n",
  });
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "base");
  writeFileSync(
    join(dir, "package-lock.json"),
    lock({ lodash: "4.17.21", minimist: "1.2.0", axios: "1.6.0" }, ["lodash", "axios"]),
  );
  writeFileSync(join(dir, "requirements.txt"), "flask==2.0.0\nrequests==2.32.0\n");
  git(dir, "commit", "-q", "-am", "head");
  return dir;
}

async function inventoryAt(dir: string, rev: string) {
  const commit = resolveRevision(dir, rev);
  return withRevisionTree(dir, commit, (tree) => buildInventory([tree], { cwd: tree, gitignore: false }));
}

describe("reading revisions from git objects", () => {
  it("lists only the dependency files of a revision, and reads them without a checkout", async () => {
    const dir = repo();
    const head = resolveRevision(dir, "HEAD");
    expect(dependencyFiles(dir, head).map((f) => f.path)).toEqual(["package-lock.json", "requirements.txt"]);
    // a dirty work tree does not matter: the revision's own content is read
    writeFileSync(join(dir, "requirements.txt"), "this is not a requirement ===\n");
    const inv = await inventoryAt(dir, "HEAD~1");
    expect(inv.errors).toEqual([]);
    expect(inv.components.map((c) => `${c.name}@${c.version}`).sort()).toEqual([
      "flask@2.0.0",
      "left-pad@1.3.0",
      "lodash@4.17.20",
      "minimist@1.2.5",
      "requests@2.31.0",
    ]);
  });

  it("removes its temporary directory, also when the callback fails", async () => {
    const dir = repo();
    let seen = "";
    await expect(
      withRevisionTree(dir, resolveRevision(dir, "HEAD"), async (tree) => {
        seen = tree;
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(seen).not.toBe("");
    expect(existsSync(seen)).toBe(false);
  });

  it("unknown revisions, option-like revisions and non-repositories are clear errors", () => {
    const dir = repo();
    expect(() => resolveRevision(dir, "no-such-branch")).toThrow(UsageError);
    expect(() => resolveRevision(dir, "no-such-branch")).toThrow(/unknown revision "no-such-branch"/);
    expect(() => resolveRevision(dir, "--output=/tmp/x")).toThrow(/not a revision/);
    expect(() => repositoryRoot(tmpTree({ "a.txt": "" }))).toThrow(/not a git repository/);
  });

  it("says that a shallow clone may lack the base commit", () => {
    const origin = repo();
    const clone = join(tmpTree({}), "clone");
    execFileSync("git", ["clone", "-q", "--depth", "1", `file://${origin}`, clone]);
    const base = git(origin, "rev-parse", "HEAD~1");
    expect(() => resolveRevision(clone, base)).toThrow(/shallow clone/);
  });
});

describe("diffInventories", () => {
  it("reports added, removed, upgraded and downgraded packages, direct first", async () => {
    const dir = repo();
    const changes = diffInventories(await inventoryAt(dir, "HEAD~1"), await inventoryAt(dir, "HEAD"));
    expect(
      changes.map(
        (c) =>
          `${c.ecosystem} ${c.name} ${c.change} ${c.from}->${c.to} ${c.direct ? "direct" : "transitive"}`,
      ),
    ).toEqual([
      "PyPI requests upgraded 2.31.0->2.32.0 direct",
      "npm axios added null->1.6.0 direct",
      "npm lodash upgraded 4.17.20->4.17.21 direct",
      "npm left-pad removed 1.3.0->null transitive",
      "npm minimist downgraded 1.2.5->1.2.0 transitive",
    ]);
    expect(changes.find((c) => c.name === "axios")?.purl).toBe("pkg:npm/axios@1.6.0");
  });

  it("compares a name locked at several versions as a set", async () => {
    const base = { components: [] as unknown[] } as never;
    const mk = (version: string) => ({
      ecosystem: "npm",
      name: "debug",
      version,
      purl: `pkg:npm/debug@${version}`,
      direct: false,
      sources: [{ file: "package-lock.json" }],
    });
    const a = { ...(base as object), components: [mk("2.6.9"), mk("4.3.4")] } as never;
    const b = { ...(base as object), components: [mk("2.6.9"), mk("4.3.4"), mk("3.2.7")] } as never;
    expect(diffInventories(a, b).map((c) => `${c.change} ${c.to}`)).toEqual(["added 3.2.7"]);
    const c = { ...(base as object), components: [mk("2.6.9"), mk("4.3.5")] } as never;
    expect(diffInventories(a, c).map((x) => `${x.change} ${x.from}->${x.to}`)).toEqual([
      "upgraded 4.3.4->4.3.5",
    ]);
  });
});

describe("redFlags", () => {
  const entry = (integrity: string, resolved = "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz") =>
    JSON.stringify(
      {
        name: "app",
        version: "1.0.0",
        lockfileVersion: 3,
        packages: {
          "": { name: "app", version: "1.0.0", dependencies: { "left-pad": "1.3.0" } },
          "node_modules/left-pad": { version: "1.3.0", resolved, integrity },
        },
      },
      null,
      2,
    );
  const A = `sha512-${Buffer.alloc(64, 1).toString("base64")}`;
  const B = `sha512-${Buffer.alloc(64, 2).toString("base64")}`;

  async function flagsBetween(base: string, head: string) {
    const dir = tmpTree({ "package-lock.json": base });
    git(dir, "init", "-q", "-b", "main");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "base");
    writeFileSync(join(dir, "package-lock.json"), head);
    git(dir, "commit", "-q", "--allow-empty", "-am", "head");
    return redFlags(await inventoryAt(dir, "HEAD~1"), await inventoryAt(dir, "HEAD"));
  }

  it("flags the same version with a different integrity hash", async () => {
    const flags = await flagsBetween(entry(A), entry(B));
    expect(flags.map((f) => `${f.kind} ${f.purl}`)).toEqual(["integrity-changed pkg:npm/left-pad@1.3.0"]);
    expect(flags[0]!.detail).toMatch(/different sha512 digest/);
  });

  it("flags a digest added beside the old one (a tampered copy, an extra --hash)", async () => {
    const two = (x: string, y: string) =>
      JSON.stringify({
        name: "app",
        version: "1.0.0",
        lockfileVersion: 3,
        packages: {
          "": { name: "app", version: "1.0.0", dependencies: { "left-pad": "1.3.0", x: "1.0.0" } },
          "node_modules/left-pad": { version: "1.3.0", integrity: x },
          "node_modules/x": { version: "1.0.0" },
          "node_modules/x/node_modules/left-pad": { version: "1.3.0", integrity: y },
        },
      });
    const flags = await flagsBetween(two(A, A), two(A, B));
    expect(flags.map((f) => f.kind)).toEqual(["integrity-changed"]);
    expect(flags[0]!.detail).toMatch(/a new sha512 digest beside the ones it had/);
  });

  it("does not flag Yarn's checksums recomputed under a new cache key, nor Yarn's alias of the npm registry", () => {
    const comp = (hashes: string[], resolved?: string) =>
      ({
        components: [
          {
            ecosystem: "npm",
            name: "ms",
            version: "2.1.3",
            purl: "pkg:npm/ms@2.1.3",
            direct: true,
            hashes,
            sources: [{ file: "yarn.lock" }],
            ...(resolved ? { resolved } : {}),
          },
        ],
      }) as never;
    expect(redFlags(comp(["yarn-cache-checksum:8/aaaa"]), comp(["yarn-cache-checksum:10c0/bbbb"]))).toEqual(
      [],
    );
    // one entry re-keyed while the lockfile's key stays: a swap, not Yarn's re-computation
    const entry = (name: string, hash: string) => ({
      ecosystem: "npm",
      name,
      version: "1.0.0",
      purl: `pkg:npm/${name}@1.0.0`,
      direct: true,
      hashes: [hash],
      sources: [{ file: "yarn.lock" }],
    });
    const two = (a: string, b: string) =>
      ({
        components: [entry("ms", a), entry("debug", b), entry("nanoid", "yarn-cache-checksum:10c0/ffff")],
      }) as never;
    expect(
      redFlags(
        two("yarn-cache-checksum:10c0/aaaa", "yarn-cache-checksum:10c0/dddd"),
        two("yarn-cache-checksum:10c1/eeee", "yarn-cache-checksum:10c0/dddd"),
      ).map((f) => `${f.kind} ${f.name}`),
    ).toEqual(["integrity-changed ms"]);
    expect(
      redFlags(comp(["yarn-cache-checksum:8/aaaa"]), comp(["yarn-cache-checksum:8/cccc"])).map((f) => f.kind),
    ).toEqual(["integrity-changed"]);
    expect(
      redFlags(
        comp([], "https://registry.yarnpkg.com/ms/-/ms-2.1.3.tgz"),
        comp([], "https://registry.npmjs.org/ms/-/ms-2.1.3.tgz"),
      ),
    ).toEqual([]);
  });

  it("flags a changed download host, and nothing when nothing changed", async () => {
    const flags = await flagsBetween(entry(A), entry(A, "https://evil.example/left-pad-1.3.0.tgz"));
    // a tarball from outside the registry is also a move to a URL source
    expect(flags.map((f) => f.kind)).toEqual(["moved-to-non-registry-source", "resolved-host-changed"]);
    expect(flags[1]!.detail).toContain("evil.example instead of registry.npmjs.org");
    expect(await flagsBetween(entry(A), entry(A))).toEqual([]);
  });
});
