'use strict';

const os = require('os');

setInterval(() => {
  const sample = { t: Date.now(), load: os.loadavg(), free: os.freemem() };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}, 60_000);
