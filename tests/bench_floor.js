/*
 * The floor for tests/benchmark.py: the smallest hand-written JavaScript destination that
 * does what oneflow-web does with its default presets, so our figures have something to be
 * measured against. It is added to the page exactly like oneflow-web.js (a script tag after
 * AnalyticsBrowser.load, registering with window.analytics) and does the same work: it
 * injects the 1Flow SDK with data-api-key, holds events until the SDK is usable, then
 *   identify with a userId -> _1flow.logUser(userId, traits)
 *   track with an event    -> _1flow.logEvent(event, properties)
 * It validates nothing and has no mappings: only what any 1Flow destination must do.
 * Not shipped; window.benchFloor exposes the plugin so the benchmark can call it directly.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  var sdk = null;
  var queue = [];
  var markReady;
  var ready = new Promise(function (resolve) { markReady = resolve; });

  function deliver(event) {
    if (event.type === 'identify' && event.userId) {
      sdk.logUser(event.userId, event.traits);
    } else if (event.type === 'track' && event.event) {
      sdk.logEvent(event.event, event.properties);
    }
  }

  function handle(ctx) {
    if (sdk) deliver(ctx.event);
    else queue.push(ctx.event);
    return ctx;
  }

  // The readiness rule any destination for the 2022 SDK needs: the global binding `_1flow`
  // (found by name: it is no window property) has both entry points, and window.glob is set.
  // Checked on the script's load event, then every 10 ms, as ours is.
  function check() {
    if (sdk) return;
    var candidate = typeof _1flow !== 'undefined' ? _1flow : undefined;
    if (candidate && typeof candidate.logUser === 'function' && typeof candidate.logEvent === 'function' &&
        window.glob) {
      sdk = candidate;
      queue.forEach(deliver);
      queue = [];
      markReady();
    } else {
      setTimeout(check, 10);
    }
  }

  var tag = document.createElement('script');
  tag.src = script.getAttribute('data-sdk-url');
  tag.async = true;
  tag.setAttribute('data-api-key', script.getAttribute('data-api-key'));
  tag.addEventListener('load', check);
  document.head.appendChild(tag);

  var plugin = {
    name: '1Flow floor (benchmark)',
    type: 'destination',
    version: '0.0.0',
    isLoaded: function () { return sdk !== null; },
    load: function () { return ready; },
    identify: handle,
    track: handle
  };
  window.benchFloor = plugin;
  window.analytics.register(plugin);
})();
