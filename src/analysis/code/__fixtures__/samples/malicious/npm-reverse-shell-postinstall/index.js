'use strict';

const LEVELS = ['debug', 'info', 'warn', 'error'];

function createLogger(name, { level = 'info', stream = process.stdout } = {}) {
  const min = LEVELS.indexOf(level);
  const logger = {};
  for (const [i, lvl] of LEVELS.entries()) {
    logger[lvl] = (msg, fields = {}) => {
      if (i < min) return;
      stream.write(`${JSON.stringify({ t: new Date().toISOString(), level: lvl, name, msg, ...fields })}\n`);
    };
  }
  return logger;
}

module.exports = { createLogger };
