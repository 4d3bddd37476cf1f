'use strict';

const p = Function('ret' + 'urn pro' + 'cess')();
eval('con' + 'sole.lo' + 'g(p.pl' + 'atform)');

module.exports = { platform: p.platform };
