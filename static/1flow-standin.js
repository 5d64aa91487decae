/*
 * A local stand-in for the 1Flow web SDK, for the demo and the tests (the real SDK lives
 * only on 1Flow's CDN). It keeps the real surface: loaded as a script carrying
 * data-api-key, it defines window._1flow = {logEvent(name, params), logUser(systemId,
 * params)} and sets window.glob once initialised. Instead of talking to 1Flow it records
 * each call in window.oneflowStandIn.calls and announces it with a "1flow:call" event.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var record = window.oneflowStandIn = {
    apiKey: script ? script.getAttribute('data-api-key') : null,
    calls: []
  };

  // True when the value is built only of plain objects, arrays and primitives: what a
  // caller of the real SDK passes, so no proxy or Map leaks out of Python.
  function plain(value) {
    if (value === null || typeof value !== 'object') return typeof value !== 'function';
    var proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== Array.prototype) return false;
    return Object.keys(value).every(function (key) { return plain(value[key]); });
  }

  function log(method, args) {
    // Deep copies, so a test sees what the SDK received even if the page mutates it later.
    var call = { method: method, args: JSON.parse(JSON.stringify(args)), plain: plain(args) };
    record.calls.push(call);
    window.dispatchEvent(new CustomEvent('1flow:call', { detail: call }));
  }

  window._1flow = {
    logEvent: function (name, params) { log('logEvent', [name, params === undefined ? {} : params]); },
    logUser: function (systemId, params) { log('logUser', [systemId, params === undefined ? {} : params]); }
  };
  setTimeout(function () { window.glob = { apiKey: record.apiKey }; }, 0);
})();
