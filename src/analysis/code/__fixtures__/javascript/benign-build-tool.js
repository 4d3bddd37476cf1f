// Benign look-alikes from build tools and CLIs: spawning with the environment, reading config, help texts.
const { spawn, execSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const https = require("https");

function run(cmd, args) {
  return spawn(cmd, args, { stdio: "inherit", env: { ...process.env, FORCE_COLOR: "1" }, shell: process.platform === "win32" });
}

function gitHead() {
  return execSync("git rev-parse HEAD", { env: process.env }).toString().trim();
}

function readNpmrc() {
  const file = path.join(os.homedir(), ".npmrc");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
}

function help() {
  console.log("Install the CLI with: curl -fsSL https://example.com/install.sh | sh");
  throw new Error("unsupported platform, try: wget -qO- https://example.com/install.sh | bash");
}

function download(url, dest, done) {
  const file = fs.createWriteStream(dest);
  https.get(url, (res) => {
    res.pipe(file);
    file.on("finish", () => file.close(done));
  });
}

const globalObject = Function("return this")();
const debugKeys = Object.keys(process.env).filter((k) => /^debug_/i.test(k));
module.exports = { run, gitHead, readNpmrc, help, download, globalObject, debugKeys };
