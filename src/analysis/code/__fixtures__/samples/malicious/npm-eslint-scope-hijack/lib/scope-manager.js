"use strict";

class ScopeManager {
    constructor(options) {
        this.scopes = [];
        this.globalScope = null;
        this.__nodeToScope = new WeakMap();
        this.__currentScope = null;
        this.__options = options;
    }

    analyze(tree) {
        this.globalScope = { type: "global", block: tree, variables: [] };
        this.scopes.push(this.globalScope);
        this.__nodeToScope.set(tree, [this.globalScope]);
    }

    acquire(node) {
        const scopes = this.__nodeToScope.get(node);
        return scopes ? scopes[0] : null;
    }
}

module.exports = ScopeManager;
