/*
 * oneflow-web loader: the "1Flow Web (Actions)" destination for Segment's Analytics.js,
 * written in Python that runs in the browser through PyScript.
 *
 * This file stays small and dumb on purpose. It hands Analytics.js a plugin at once (so
 * Analytics.js never waits for an interpreter), boots PyScript with our Python package
 * from beside this file, and passes every event to Python, in order, as JSON text.
 * All decisions (settings, triggers, mappings, 1Flow calls) are made in Python.
 */
(function () {
  'use strict';

  var NAME = '1Flow Web (Actions)';
  var FACTORY = '1flowDestination';
  var VERSION = '0.1.0';
  var PREFIX = '[' + NAME + ']';
  var RUNTIMES = {
    pyodide: { type: 'py', interpreter: 'pyodide/pyodide.mjs' },
    micropython: { type: 'mpy', interpreter: 'micropython/micropython.mjs' }
  };

  if (window.oneflowWeb) {
    console.warn(PREFIX + ' oneflow-web.js is included more than once; the first copy is used.');
    return;
  }

  var script = document.currentScript;
  var base = new URL('.', script.src).href;
  var plugin = null;

  var hub = {
    version: VERSION,
    settings: null, // JSON text, read by Python
    nonce: script.nonce || '', // copied onto every script we inject, for pages with a CSP
    ready: null, // Python calls ready(receive) when it can deliver events
    fail: null // Python calls fail(message) when it never will
  };
  window.oneflowWeb = hub;

  // Analytics.js calls this with the remotePlugins entry's settings; called again with
  // none, it returns the plugin already made.
  function factory(settings) {
    if (!plugin) {
      plugin = createPlugin(settings || {});
    } else if (settings !== undefined && JSON.stringify(settings) !== hub.settings) {
      console.error(PREFIX + ' a second, different configuration was ignored: one page runs one 1Flow destination.');
    }
    return [plugin];
  }
  factory.pluginName = NAME;
  window[FACTORY] = factory;

  function createPlugin(settings) {
    var queue = [];
    var receive = null;
    var draining = false;
    var loaded = false;
    var settle = {};
    var ready = new Promise(function (resolve, reject) {
      settle.resolve = resolve;
      settle.reject = reject;
    });
    // Analytics.js reports a rejected load; this keeps it from surfacing as unhandled.
    ready.catch(function () {});

    hub.settings = JSON.stringify(settings);
    hub.ready = function (pythonReceive) {
      receive = pythonReceive;
      loaded = true;
      settle.resolve();
      drain();
    };
    hub.fail = function (message) {
      console.error(PREFIX + ' ' + message);
      queue = [];
      settle.reject(new Error(message));
    };

    function handle(ctx) {
      try {
        queue.push(JSON.stringify(ctx.event));
      } catch (error) {
        console.warn(PREFIX + ' skipped a ' + ctx.event.type + ' event that cannot be serialised: ' + error.message);
        return ctx;
      }
      drain();
      return ctx;
    }

    function drain() {
      if (!receive || draining) return;
      draining = true;
      try {
        for (var i = 0; i < queue.length; i++) {
          try {
            receive(queue[i]);
          } catch (error) {
            console.error(PREFIX + ' ' + error);
          }
        }
      } finally {
        queue = [];
        draining = false;
      }
    }

    boot(settings.runtime);

    return {
      name: NAME,
      type: 'destination',
      version: VERSION,
      isLoaded: function () { return loaded; },
      load: function () { return ready; },
      identify: handle,
      track: handle,
      page: handle,
      alias: handle,
      group: handle
    };
  }

  function boot(runtimeName) {
    var runtime = RUNTIMES[runtimeName || 'pyodide'];
    if (!Object.prototype.hasOwnProperty.call(RUNTIMES, runtimeName || 'pyodide')) {
      hub.fail('Unknown runtime "' + runtimeName + '": use "pyodide" (the default) or "micropython".');
      return;
    }
    var files = {};
    files[base + 'oneflow_web.zip'] = './*';
    var python = document.createElement('script');
    python.type = runtime.type;
    python.setAttribute('config', JSON.stringify({ interpreter: base + runtime.interpreter, files: files }));
    python.textContent = 'from oneflow_web.bridge import start\nstart()\n';
    document.head.appendChild(python);
    import(base + 'pyscript/core.js').catch(function (error) {
      hub.fail('PyScript could not be loaded from ' + base + 'pyscript/core.js: ' + error.message);
    });
  }

  // Script-tag use: <script src=".../oneflow-web.js" data-api-key="KEY"></script>
  if (script.hasAttribute('data-api-key')) {
    var analytics = window.analytics;
    var tagPlugin = factory({
      projectApiKey: script.getAttribute('data-api-key'),
      sdkUrl: script.getAttribute('data-sdk-url') || undefined,
      subscriptions: script.getAttribute('data-subscriptions') || undefined,
      debug: script.hasAttribute('data-debug'),
      runtime: script.getAttribute('data-runtime') || undefined
    })[0];
    if (!analytics || typeof analytics.register !== 'function') {
      console.error(PREFIX + ' window.analytics was not found: add the Segment snippet (or AnalyticsBrowser) before oneflow-web.js.');
    } else {
      var registered = analytics.register(tagPlugin);
      if (registered && typeof registered.catch === 'function') {
        registered.catch(function (error) { console.error(PREFIX + ' ' + error); });
      }
    }
  }
})();
