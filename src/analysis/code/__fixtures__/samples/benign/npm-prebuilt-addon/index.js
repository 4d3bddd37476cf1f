'use strict';

let binding;
try {
  binding = require('node-gyp-build')(__dirname);
} catch {
  binding = require('./fallback');
}

module.exports = function crc32c(buf, initial = 0) {
  return binding.crc32c(Buffer.isBuffer(buf) ? buf : Buffer.from(buf), initial >>> 0);
};
