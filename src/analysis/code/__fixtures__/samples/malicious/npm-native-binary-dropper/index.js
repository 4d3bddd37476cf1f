'use strict';

const os = require('os');

exports.check = async function check() {
  return { platform: os.platform(), release: os.release(), node: process.version, updates: [] };
};
