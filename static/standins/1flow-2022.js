/*
 * A stand-in for the 2022 build of 1Flow's web SDK (the one 1Flow's own npm wrapper loads),
 * for the demo and the tests: the real SDK lives only on 1Flow's CDN. Written from what is
 * known of that build (the project's design notes), it keeps every trait a destination must
 * cope with:
 *  - `const _1flow = {logEvent, logUser}` at the top of a classic script: a global binding
 *    other scripts call by name, while window._1flow stays undefined;
 *  - its key comes from the FIRST script[data-api-key] in the document, not its own tag;
 *  - it loads its configuration asynchronously and then sets window.glob; calls made
 *    before that are retried every 10 ms;
 *  - on a first visit (no session stored yet), calls made before its first session exists
 *    are mishandled: each starts a session request, and each request, when it completes,
 *    sends the calls made so far but the last (a burst of three is sent as the first two,
 *    three times each; the third is lost).
 *  - without a key it never becomes ready: the real build fetches its configuration with
 *    the key, and never sets window.glob without a valid one.
 * Instead of talking to 1Flow it records each call exactly as it arrives in
 * oneflowStandIn.calls ({method, args: a JSON copy, undefinedAt: where the arguments held
 * undefined, "1" or "1.key", plain}), announced by a "1flow:call" event, and what it would send
 * to 1Flow in oneflowStandIn.sent. A missing argument is missing from `args`, never filled in.
 * A call of a shape 1Flow's own wrapper never makes (more than two arguments, a name or id
 * that is not text, details that are not a plain object, or any call while it has no key) is
 * flagged: listed in oneflowStandIn.flagged with the reason, written to the console as an
 * error, not sent.
 * Query parameters on its URL slow it down for tests: config=MS (default 20) before
 * window.glob, session=MS (default 40) for a session request.
 */
const _1flow = (function () {
  'use strict';
  var SESSION_KEY = 'oneflow-standin-session';
  var options = new URL(document.currentScript.src).searchParams;
  var first = document.querySelector('script[data-api-key]');
  var record = window.oneflowStandIn = {
    generation: '2022',
    apiKey: first ? first.getAttribute('data-api-key') : null,
    loadedAt: performance.now(),  // when this script ran
    calls: [],
    sent: [],
    flagged: []
  };
  var session = stored();
  var beforeSession = [];

  function stored() {
    try {
      return window.localStorage.getItem(SESSION_KEY);
    } catch (error) {
      return null;  // storage blocked: every visit is a first visit
    }
  }

  // True when the value is built only of plain objects, arrays and primitives: what a
  // caller of the real SDK passes, so no proxy or Map leaks out of Python.
  function plain(value) {
    if (value === null || typeof value !== 'object') return typeof value !== 'function';
    var proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== Array.prototype) return false;
    return Object.keys(value).every(function (key) { return plain(value[key]); });
  }

  // Where the arguments hold undefined: "1" for an argument, "1.plan" for a key of one.
  function undefinedAt(args) {
    var paths = [];
    args.forEach(function (arg, index) {
      if (arg === undefined) paths.push(String(index));
      else if (arg !== null && typeof arg === 'object' && !Array.isArray(arg)) {
        Object.keys(arg).forEach(function (key) { if (arg[key] === undefined) paths.push(index + '.' + key); });
      }
    });
    return paths.sort();
  }

  // Why the real build would not take this call (name, then an optional details object), or ''.
  function problem(method, args) {
    if (!record.apiKey) return method + ' on an SDK without a key: no script[data-api-key] came before it';
    if (args.length > 2) return method + ' takes (' + (method === 'logUser' ? 'userId' : 'name') + ', details): got ' + args.length + ' arguments';
    if (typeof args[0] !== 'string' || args[0] === '') return method + ' needs text first';
    var details = args[1];
    if (details !== undefined && (details === null || typeof details !== 'object' || Array.isArray(details))) {
      return method + ' needs an object (or nothing) second';
    }
    if (!plain(args)) return method + ' got a value that is not a plain object, array or primitive (a proxy, Map or class instance)';
    return '';
  }

  function receive(method, args) {
    // A deep copy, so a test sees what the SDK received even if the page mutates it later.
    var call = { method: method, args: JSON.parse(JSON.stringify(args)), undefinedAt: undefinedAt(args),
      plain: plain(args), glob: !!window.glob, problem: problem(method, args) };
    record.calls.push(call);
    window.dispatchEvent(new CustomEvent('1flow:call', { detail: call }));
    if (call.problem) {
      record.flagged.push(call);
      console.error('1Flow stand-in (2022 SDK): a call the SDK would not accept: ' + call.problem);
      return;
    }
    handle(call);
  }

  function handle(call) {
    if (!window.glob) {
      setTimeout(function () { handle(call); }, 10);
    } else if (session) {
      record.sent.push(call);
    } else {
      beforeSession.push(call);
      setTimeout(startSession, Number(options.get('session') || 40));
    }
  }

  function startSession() {
    session = 'stand-in session';
    try {
      window.localStorage.setItem(SESSION_KEY, session);
    } catch (error) {
      // storage blocked: the session lasts as long as the page
    }
    beforeSession.slice(0, Math.max(1, beforeSession.length - 1)).forEach(function (call) {
      record.sent.push(call);
    });
  }

  if (record.apiKey) setTimeout(function () { window.glob = { apiKey: record.apiKey }; }, Number(options.get('config') || 20));

  return {
    logEvent: function () { receive('logEvent', [].slice.call(arguments)); },
    logUser: function () { receive('logUser', [].slice.call(arguments)); }
  };
})();
