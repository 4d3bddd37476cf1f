'use strict';

const crypto = require('crypto');
const { execFile, exec, spawn } = require('child_process');
const express = require('express');
const { Pool } = require('pg');

const app = express();
const pool = new Pool();
const API_KEY = process.env.STATUS_API_KEY || '';

function sameKey(given) {
  const a = Buffer.from(String(given || ''));
  const b = Buffer.from(API_KEY);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function requireKey(req, res, next) {
  if (!API_KEY || !sameKey(req.get('x-api-key'))) return res.sendStatus(401);
  next();
}

app.get('/version', (req, res) => {
  execFile('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname }, (err, stdout) => {
    res.json({ commit: err ? null : stdout.trim(), node: process.version });
  });
});

app.get('/health', (req, res) => {
  exec('uptime', (err, stdout) => {
    if (req.query.verbose === '1') return res.json({ ok: !err, uptime: stdout.trim() });
    res.json({ ok: !err });
  });
});

app.get('/orders/:id', requireKey, async (req, res) => {
  const { rows } = await pool.query('SELECT id, status, total FROM orders WHERE id = $1', [req.params.id]);
  if (rows.length === 0) return res.sendStatus(404);
  res.json(rows[0]);
});

app.post('/reports/:name', requireKey, express.json(), (req, res) => {
  const allowed = new Set(['daily', 'weekly']);
  if (!allowed.has(req.params.name)) return res.sendStatus(400);
  const child = spawn(process.execPath, [require.resolve('./report.js'), req.params.name], {
    env: { ...process.env, REPORT_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.pipe(res.type('application/json'));
});

module.exports = app;

if (require.main === module) {
  app.listen(process.env.PORT || 3000);
}
