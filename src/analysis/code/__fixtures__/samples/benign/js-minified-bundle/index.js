'use strict';

module.exports = require('./umd/tiny-timing.min.js');
