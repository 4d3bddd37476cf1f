'use strict';

const styles = {
  bold: [1, 22],
  dim: [2, 22],
  italic: [3, 23],
  underline: [4, 24],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
};

function format(template, ...values) {
  return template.replace(/\{(\w+)\s+([^}]*)\}/g, (_, style, text) => {
    const codes = styles[style];
    return codes ? `\u001B[${codes[0]}m${text}\u001B[${codes[1]}m` : text;
  }).replace(/%s/g, () => String(values.shift()));
}

require('./a');
require('./b');
require('./c');
require('./d');
require('./e');
require('./loader');

module.exports = format;
