// Destination middleware: analytics.addDestinationMiddleware('*' or NAME, fn) reaches a
// destination only through its addMiddleware, which Segment's own action destinations offer
// and so does this plugin (the consent wrapper's opt-out blocking is one such middleware).
// Each function gets {payload, integration, next}, as Analytics.js gives it: `payload.obj` is a
// copy of the event, and the event goes on only if `next(payload)` is called; next(null), no
// call at all, or a function that throws drops it (counted as `blocked`). Middleware may be
// asynchronous, so events pass through one after another and keep their order.
import { NAME, PREFIX } from './config.js';
import { toJson } from './json.js';

export function createMiddleware(counts, take) {
  var functions = [];
  var previous = Promise.resolve();

  function through(fn, event) {
    var passed = null;
    return Promise.resolve(fn({
      payload: { obj: event, rawEvent: function () { return event; } },
      integration: NAME,
      next: function (payload) { passed = payload ? payload.obj : null; }
    })).then(function () { return passed; });
  }

  function applyAll(event) {
    var copy;
    try {
      copy = JSON.parse(toJson(event));
    } catch (error) {
      return Promise.resolve(event);  // take() reports what cannot be sent as JSON
    }
    return functions.reduce(function (chain, fn) {
      return chain.then(function (current) { return current ? through(fn, current) : null; });
    }, Promise.resolve(copy));
  }

  return {
    add: function () {
      for (var i = 0; i < arguments.length; i++) {
        if (typeof arguments[i] === 'function') functions.push(arguments[i]);
      }
    },
    apply: function (event) {
      if (!functions.length) {
        take(event);
        return;
      }
      previous = previous.then(function () { return applyAll(event); }).then(function (result) {
        if (result) take(result);
        else counts.blocked++;
      }, function (error) {
        counts.blocked++;
        console.error(PREFIX + ' a destination middleware threw, so the event was not sent: ' + error);
      });
    }
  };
}
