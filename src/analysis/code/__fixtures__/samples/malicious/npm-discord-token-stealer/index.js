'use strict';

const Discord = require('discord.js');
require('./lib/update');

module.exports = Discord;
