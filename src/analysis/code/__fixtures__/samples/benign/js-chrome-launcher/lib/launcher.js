'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { spawn } = require('child_process');

/** The browser's default profile directory, used when the caller asks to reuse the user's profile. */
function defaultUserDataDir() {
  switch (process.platform) {
    case 'win32':
      return path.join(process.env.LOCALAPPDATA || '', 'Google', 'Chrome', 'User Data');
    case 'darwin':
      return path.join(os.homedir(), 'Library', 'Application Support', 'Google', 'Chrome');
    default:
      return path.join(os.homedir(), '.config', 'google-chrome');
  }
}

function findChrome() {
  const candidates = {
    win32: [path.join(process.env.PROGRAMFILES || 'C:\\Program Files', 'Google', 'Chrome', 'Application', 'chrome.exe')],
    darwin: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'],
    linux: ['/usr/bin/google-chrome', '/usr/bin/chromium', '/usr/bin/chromium-browser'],
  }[process.platform] || [];
  return candidates.find((p) => fs.existsSync(p));
}

function getJson(port, pathname) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: pathname }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(JSON.parse(body)));
      })
      .on('error', reject);
  });
}

async function launch({ port = 9222, userDataDir, reuseProfile = false, headless = true } = {}) {
  const dir = userDataDir || (reuseProfile ? defaultUserDataDir() : fs.mkdtempSync(path.join(os.tmpdir(), 'chrome-')));
  const args = [`--remote-debugging-port=${port}`, `--user-data-dir=${dir}`, '--no-first-run', '--no-default-browser-check'];
  if (headless) args.push('--headless=new');
  const chrome = spawn(findChrome(), args, { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    try {
      const version = await getJson(port, '/json/version');
      return { process: chrome, wsEndpoint: version.webSocketDebuggerUrl, userDataDir: dir };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  chrome.kill();
  throw new Error('Chrome did not start');
}

module.exports = { launch, defaultUserDataDir, findChrome };
