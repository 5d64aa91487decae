/*
 * A stand-in for the newer generation of 1Flow's web SDK, a command function on
 * window._1flow, holding it to the calls 1Flow's own Segment destination has made since
 * May 2024 (the project's design notes, "Facts checked"):
 *   _1flow('identify', userId, {...traits})                    three arguments, traits as they are
 *   _1flow('track', eventName, {userId, anonymousId, properties})  the three keys always there,
 *                                                              undefined where there is no value
 * A page may hold a queueing stub in window._1flow before this loads (Segment's destination
 * installs one that retries every 5 ms and keeps three arguments); when this script runs, it
 * replaces it with the SDK's own function. The key is read from the first
 * script[data-api-key] in the document (as the 2022 build does) and from its own tag.
 * Instead of talking to 1Flow it records each call in oneflowStandIn.calls as {method:
 * command, args: the other arguments (a JSON copy), undefinedAt: where they hold undefined,
 * "1.userId" or "0"}, announces it with a "1flow:call" event, and counts it as sent. A call
 * of any other shape (the 2023 revision's four-argument identify, traits wrapped in
 * {traits} (beside other keys or not), a missing key, a value that is not plain data, an
 * unknown command) is flagged: listed in oneflowStandIn.flagged
 * with the reason, written to the console as an error, and not sent.
 */
(function () {
  'use strict';
  var first = document.querySelector('script[data-api-key]');
  var own = document.currentScript;
  var record = window.oneflowStandIn = {
    generation: 'command',
    apiKey: first ? first.getAttribute('data-api-key') : null,
    ownApiKey: own ? own.getAttribute('data-api-key') : null,
    calls: [],
    sent: [],
    flagged: []
  };
  var TRACK_KEYS = ['anonymousId', 'properties', 'userId'];

  // Plain objects, arrays and primitives only: no proxy or Map may leak out of Python.
  function plain(value) {
    if (value === null || typeof value !== 'object') return typeof value !== 'function';
    var proto = Object.getPrototypeOf(value);
    return (proto === Object.prototype || proto === Array.prototype) &&
      Object.keys(value).every(function (key) { return plain(value[key]); });
  }

  function isObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  }

  function text(value) {
    return typeof value === 'string' && value !== '';
  }

  // Where the arguments hold undefined: "0" for an argument, "1.userId" for a key of one.
  function undefinedAt(args) {
    var paths = [];
    args.forEach(function (arg, index) {
      if (arg === undefined) paths.push(String(index));
      else if (isObject(arg)) {
        Object.keys(arg).forEach(function (key) { if (arg[key] === undefined) paths.push(index + '.' + key); });
      }
    });
    return paths.sort();
  }

  // Why the real SDK would not take this call as 1Flow's destination makes it, or ''.
  function problem(command, args) {
    if (command === 'identify') {
      if (args.length !== 2) return 'identify takes (userId, traits): got ' + args.length + ' arguments after the command';
      if (!text(args[0])) return 'identify needs the user id as text first';
      if (!isObject(args[1])) return 'identify needs the traits object second';
      if (isObject(args[1].traits)) {
        return 'identify got its traits wrapped in {traits: ...}; the SDK takes the traits themselves';
      }
      return plain(args) ? '' : 'identify got a value that is not a plain object, array or primitive';
    }
    if (command === 'track') {
      if (args.length !== 2) return 'track takes (eventName, {userId, anonymousId, properties}): got ' + args.length + ' arguments after the command';
      if (!text(args[0])) return 'track needs the event name as text first';
      if (!isObject(args[1])) return 'track needs the options object second';
      var options = args[1];
      if (Object.keys(options).sort().join() !== TRACK_KEYS.join()) {
        return 'track options must hold exactly the keys userId, anonymousId and properties (undefined where there is none): got ' + Object.keys(options).sort().join(', ');
      }
      if (options.userId !== undefined && !text(options.userId)) return 'track userId must be text or undefined';
      if (options.anonymousId !== undefined && !text(options.anonymousId)) return 'track anonymousId must be text or undefined';
      if (options.properties !== undefined && !isObject(options.properties)) return 'track properties must be an object or undefined';
      return plain(args) ? '' : 'track got a value that is not a plain object, array or primitive';
    }
    return 'unknown command ' + JSON.stringify(command);
  }

  window._1flow = function (command) {
    var args = [].slice.call(arguments, 1);
    var call = {
      method: command,
      args: JSON.parse(JSON.stringify(args)),
      plain: plain(args),
      undefinedAt: undefinedAt(args),
      problem: problem(command, args)
    };
    record.calls.push(call);
    if (call.problem) {
      record.flagged.push(call);
      console.error('1Flow stand-in (command SDK): a call the SDK would not accept: ' + call.problem);
    } else {
      record.sent.push(call);
    }
    window.dispatchEvent(new CustomEvent('1flow:call', { detail: call }));
  };
})();
