/*
 * A stand-in for the newer generation of 1Flow's web SDK, a command function on
 * window._1flow, called the way Segment's own 1Flow destination calls it:
 *   _1flow('identify', userId, anonymousId, {traits, first_name, last_name, phone, email})
 *   _1flow('track', eventName, {userId, anonymousId, properties})
 * A page may hold a queueing stub in window._1flow before this loads (Segment's destination
 * installs one that retries every 5 ms); when this script runs, it replaces it with the
 * SDK's own function. Like the 2022 build it reads its key from the first
 * script[data-api-key] in the document.
 * Instead of talking to 1Flow it records each call in oneflowStandIn.calls as
 * {method: command, args: the other arguments} (undefined ones listed in `undefinedAt`),
 * announces it with a "1flow:call" event, and counts it as sent.
 */
(function () {
  'use strict';
  var first = document.querySelector('script[data-api-key]');
  var record = window.oneflowStandIn = {
    generation: 'command',
    apiKey: first ? first.getAttribute('data-api-key') : null,
    calls: [],
    sent: []
  };

  // Plain objects, arrays and primitives only: no proxy or Map may leak out of Python.
  function plain(value) {
    if (value === null || typeof value !== 'object') return typeof value !== 'function';
    var proto = Object.getPrototypeOf(value);
    return (proto === Object.prototype || proto === Array.prototype) &&
      Object.keys(value).every(function (key) { return plain(value[key]); });
  }

  window._1flow = function (command) {
    var args = [].slice.call(arguments, 1);
    var call = {
      method: command,
      args: JSON.parse(JSON.stringify(args)),
      plain: plain(args),
      undefinedAt: args.map(function (arg, index) { return arg === undefined ? index : -1; })
        .filter(function (index) { return index >= 0; })
    };
    record.calls.push(call);
    record.sent.push(call);
    window.dispatchEvent(new CustomEvent('1flow:call', { detail: call }));
  };
})();
