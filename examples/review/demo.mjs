#!/usr/bin/env node
/**
 * `depwarden review` on the bundled examples: builds a throw-away git repository whose first commit holds
 * examples/web-frontend and examples/python-service with the policy below, commits a dependency change on top,
 * runs `depwarden review --base HEAD~1 --head HEAD` on it (Markdown unless other flags are given), and removes the
 * repository. Exit code: review's.
 *
 *   node examples/review/demo.mjs                    # the pull-request comment
 *   node examples/review/demo.mjs --format table     # any other review flags
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const examples = fileURLToPath(new URL("..", import.meta.url));
const cli = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

// The team's policy: every new or changed direct dependency needs an approval, dependency changes travel alone
// (a changelog line may come with them), fsevents may run its install script.
const POLICY = `version: 1
review:
  requireApproval: direct
  allowInstallScripts: [fsevents]
  dependencyOnly:
    allow: [CHANGELOG.md]
`;

// What the reviewer approved while looking at the pull request (depwarden approve writes this).
const APPROVALS = `# depwarden approvals: dependency versions accepted by a reviewer. Appended by \`depwarden approve\`.
approvals:
  - purl: pkg:npm/lodash@4.17.21
    reason: fixes GHSA-35jh-r3h4-6jhm (command injection in template); changelog read
    by: Ana Security
    at: 2026-11-20T09:30:00Z
  - purl: pkg:npm/axios@1.6.0
    reason: needed for the new upload API
    by: Ana Security
    at: 2026-11-20T09:31:00Z
`;

/** The change under review: what a developer's "bump dependencies" pull request did. */
function change(repo) {
  const lockPath = join(repo, "web-frontend/package-lock.json");
  const lock = JSON.parse(readFileSync(lockPath, "utf8"));
  const pkgs = lock.packages;
  pkgs["node_modules/lodash"].version = "4.17.21"; // fixes an advisory
  pkgs["node_modules/axios"].version = "1.6.0"; // fixes one, introduces another
  pkgs["node_modules/follow-redirects"].version = "1.15.4"; // pulled along by axios
  pkgs["node_modules/prettier"].version = "2.7.1"; // goes backwards
  // the same nanoid 3.1.20, different bytes: a swapped lockfile entry
  pkgs["node_modules/nanoid"].integrity = `sha512-${Buffer.alloc(64, 7).toString("base64")}`;
  // a new dependency with a name one typo away from a popular one
  pkgs[""].dependencies.reqeust = "^2.88.0";
  pkgs["node_modules/reqeust"] = {
    version: "2.88.0",
    resolved: "https://registry.npmjs.org/reqeust/-/reqeust-2.88.0.tgz",
  };
  // a new build tool that runs a script at install
  pkgs[""].devDependencies.esbuild = "^0.19.0";
  pkgs["node_modules/esbuild"] = { version: "0.19.0", dev: true, hasInstallScript: true };
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);

  const manifestPath = join(repo, "web-frontend/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  manifest.dependencies.lodash = "^4.17.21";
  manifest.dependencies.axios = "^1.6.0";
  manifest.dependencies.reqeust = "^2.88.0";
  manifest.devDependencies.prettier = "2.7.1";
  manifest.devDependencies.esbuild = "^0.19.0";
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

  const poetryPath = join(repo, "python-service/poetry.lock");
  writeFileSync(
    poetryPath,
    readFileSync(poetryPath, "utf8").replace(
      'name = "requests"\nversion = "2.28.1"',
      'name = "requests"\nversion = "2.31.0"',
    ),
  );
  // ... and, in the same pull request, a code change that belongs in its own
  writeFileSync(
    join(repo, "web-frontend/src/main.js"),
    `${readFileSync(join(repo, "web-frontend/src/main.js"), "utf8")}// upload API\n`,
  );
  writeFileSync(join(repo, "CHANGELOG.md"), "- Bump lodash, axios and requests\n");
  mkdirSync(join(repo, ".depwarden"), { recursive: true });
  writeFileSync(join(repo, ".depwarden/approvals.yaml"), APPROVALS);
}

const git = (repo, ...args) =>
  execFileSync("git", ["-C", repo, "-c", "user.name=Demo", "-c", "user.email=demo@example.com", ...args], {
    stdio: ["ignore", "ignore", "inherit"],
  });

const repo = mkdtempSync(join(tmpdir(), "depwarden-review-demo-"));
let status = 2;
try {
  cpSync(join(examples, "web-frontend"), join(repo, "web-frontend"), { recursive: true });
  cpSync(join(examples, "python-service"), join(repo, "python-service"), { recursive: true });
  writeFileSync(join(repo, ".depwarden.yaml"), POLICY);
  git(repo, "init", "-q", "-b", "main");
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "Base: the example projects and their policy");
  change(repo);
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "Bump dependencies");
  const extra = process.argv.slice(2);
  const args = ["review", "--base", "HEAD~1", "--head", "HEAD", ...(extra.length ? extra : ["--format", "markdown"])];
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repo, stdio: "inherit" });
  status = r.status ?? 2;
} finally {
  rmSync(repo, { recursive: true, force: true });
}
process.exit(status);
