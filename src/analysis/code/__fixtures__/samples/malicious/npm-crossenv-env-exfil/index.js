#!/usr/bin/env node
require('cross-env/dist/bin/cross-env');
