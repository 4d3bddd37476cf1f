'use strict';

const path = require('path');

/** Loads `tiny-tpl-plugin-<name>` packages or local files named in the user's config. */
function loadPlugins(names, { cwd = process.cwd() } = {}) {
  return names.map((name) => {
    const id = name.startsWith('.') ? path.resolve(cwd, name) : `tiny-tpl-plugin-${name}`;
    return require(id);
  });
}

module.exports = { loadPlugins };
