'use strict';

const name = process.argv[2];
process.stdout.write(JSON.stringify({ report: name, format: process.env.REPORT_FORMAT, generatedAt: new Date().toISOString() }));
