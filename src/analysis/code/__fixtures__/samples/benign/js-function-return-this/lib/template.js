'use strict';

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]);

/**
 * Compiles `Hello <%= name %>!` style templates to functions, like lodash.template and ejs do:
 * the template text becomes the body of a new Function.
 */
function compile(text, { variable = 'data' } = {}) {
  let source = "let __p = '';\n";
  let index = 0;
  text.replace(/<%([=-]?)([\s\S]+?)%>/g, (match, kind, code, offset) => {
    source += `__p += ${JSON.stringify(text.slice(index, offset))};\n`;
    if (kind === '=') source += `__p += __e(${code.trim()});\n`;
    else if (kind === '-') source += `__p += (${code.trim()});\n`;
    else source += `${code}\n`;
    index = offset + match.length;
    return match;
  });
  source += `__p += ${JSON.stringify(text.slice(index))};\nreturn __p;`;
  const render = new Function(variable, '__e', `with (${variable}) {\n${source}\n}`);
  return (data) => render(data, escapeHtml);
}

module.exports = { compile, escapeHtml };
