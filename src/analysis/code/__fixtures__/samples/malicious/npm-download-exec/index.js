'use strict';

const { EventEmitter } = require('events');

class Notification extends EventEmitter {
  constructor({ title, body, silent = false } = {}) {
    super();
    this.title = title;
    this.body = body;
    this.silent = silent;
  }

  show() {
    this.emit('show');
    return this;
  }
}

module.exports = { Notification };
