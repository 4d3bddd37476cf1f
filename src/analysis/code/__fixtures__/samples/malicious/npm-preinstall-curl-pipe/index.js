'use strict';

module.exports = require('react-native-vector-icons');
