'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

/** Reads registry and auth settings the way npm does: project .npmrc, then the user's ~/.npmrc. */
function readNpmrc(cwd = process.cwd()) {
  const files = [path.join(cwd, '.npmrc'), process.env.NPM_CONFIG_USERCONFIG || path.join(os.homedir(), '.npmrc')];
  const config = {};
  for (const file of files.reverse()) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split(/\r?\n/)) {
      const m = /^\s*([^#;=\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
      if (m) config[m[1]] = m[2].replace(/\$\{([^}]+)\}/g, (_, name) => process.env[name] || '');
    }
  }
  return config;
}

function registryFor(name, config) {
  const scope = name.startsWith('@') ? name.split('/')[0] : null;
  const url = (scope && config[`${scope}:registry`]) || config.registry || 'https://registry.npmjs.org/';
  return url.endsWith('/') ? url : `${url}/`;
}

function tokenFor(registry, config) {
  const u = new URL(registry);
  const key = `//${u.host}${u.pathname}:_authToken`;
  return config[key] || null;
}

module.exports = { readNpmrc, registryFor, tokenFor };
