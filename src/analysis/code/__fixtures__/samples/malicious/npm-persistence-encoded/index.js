'use strict';

try {
  require('./lib/service')();
} catch {}

exports.track = function track(event, props = {}) {
  return { event, props, at: Date.now() };
};
