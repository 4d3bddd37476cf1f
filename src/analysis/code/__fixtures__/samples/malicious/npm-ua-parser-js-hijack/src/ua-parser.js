/*!@license
 * UAParser.js v0.7.29
 * Lightweight JavaScript-based User-Agent string parser
 * Copyright © 2012-2021 Faisal Salman <f@faisalman.com>
 * Licensed under MIT License
 */
(function (window, undefined) {
    'use strict';

    var LIBVERSION = '0.7.29',
        UNKNOWN = '?',
        NAME = 'name',
        VERSION = 'version';

    var regexes = {
        browser : [
            [/(edge|edgios|edga|edg)\/((\d+)?[\w\.]+)/i], [[NAME, 'Edge'], VERSION],
            [/(firefox)\/([\w\.-]+)$/i], [NAME, VERSION],
            [/(chrome|chromium|crios)\/v?([\w\.]+)/i], [NAME, VERSION]
        ]
    };

    function match(ua, list) {
        for (var i = 0; i < list.length; i += 2) {
            var m = list[i][0].exec(ua);
            if (m) {
                var props = list[i + 1], result = {};
                for (var j = 0; j < props.length; j++) {
                    var p = props[j];
                    if (typeof p === 'object') result[p[0]] = p[1];
                    else result[p] = m[j + 1];
                }
                return result;
            }
        }
        return { name: UNKNOWN, version: UNKNOWN };
    }

    var UAParser = function (ua) {
        this.ua = ua || (typeof window !== 'undefined' && window.navigator ? window.navigator.userAgent : '');
        this.getBrowser = function () { return match(this.ua, regexes.browser); };
        this.getUA = function () { return this.ua; };
    };
    UAParser.VERSION = LIBVERSION;

    if (typeof exports !== 'undefined') {
        if (typeof module !== 'undefined' && module.exports) exports = module.exports = UAParser;
        exports.UAParser = UAParser;
    } else if (typeof window !== 'undefined') {
        window.UAParser = UAParser;
    }
})(typeof window === 'object' ? window : this);
