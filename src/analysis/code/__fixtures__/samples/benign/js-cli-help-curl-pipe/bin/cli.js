#!/usr/bin/env node
'use strict';

const { execFileSync } = require('child_process');

const INSTALL = 'curl -fsSL https://bun.sh/install | bash';

const HELP = `Usage: bunx-compat <command> [options]

Runs package binaries with Bun when it is available, falling back to npx.

Commands:
  run <bin> [args...]   run a package binary
  doctor                check that Bun is installed

To install Bun:
  ${INSTALL}
  (Windows: powershell -c "irm bun.sh/install.ps1 | iex")
`;

function hasBun() {
  try {
    execFileSync('bun', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const [command, ...rest] = process.argv.slice(2);
if (!command || command === '--help' || command === '-h') {
  process.stdout.write(HELP);
} else if (command === 'doctor') {
  if (hasBun()) console.log('bun: ok');
  else console.error(`bun: not found. Install it with:\n  ${INSTALL}`);
} else if (command === 'run') {
  const [runner, args] = hasBun() ? ['bunx', rest] : ['npx', ['--yes', ...rest]];
  execFileSync(runner, args, { stdio: 'inherit' });
} else {
  console.error(`unknown command: ${command}\n\n${HELP}`);
  process.exitCode = 2;
}
