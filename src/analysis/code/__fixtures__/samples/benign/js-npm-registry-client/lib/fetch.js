'use strict';

const https = require('https');
const { readNpmrc, registryFor, tokenFor } = require('./npmrc');

/** Fetches a packument from the package's registry, authenticating with that registry's own token. */
function fetchPackument(name, { cwd } = {}) {
  const config = readNpmrc(cwd);
  const registry = registryFor(name, config);
  const token = tokenFor(registry, config);
  const url = new URL(encodeURIComponent(name).replace(/^%40/, '@'), registry);
  const headers = { accept: 'application/vnd.npm.install-v1+json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    https
      .get(url, { headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`${res.statusCode} ${url}`))));
      })
      .on('error', reject);
  });
}

module.exports = { fetchPackument };
