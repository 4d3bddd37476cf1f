'use strict';

module.exports = require('./build/Release/posix.node');
