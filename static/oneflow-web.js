/*
 * oneflow-web loader: the "1Flow Web (Actions)" destination for Segment's Analytics.js,
 * written in Python that runs in the browser through PyScript.
 *
 * This file stays small and dumb on purpose. It hands Analytics.js a plugin at once (so
 * Analytics.js never waits for an interpreter), boots PyScript with our Python package
 * from beside this file, and passes every event to Python, in order, as JSON text.
 * All decisions (settings, triggers, mappings, 1Flow calls) are made in Python; this
 * file only holds events until Python is ready and reports when it never will be.
 */
(function () {
  'use strict';

  var NAME = '1Flow Web (Actions)';
  var FACTORY = '1flowDestination';
  var VERSION = '0.1.0';
  var PREFIX = '[' + NAME + ']';
  // `files`: what the interpreter fetches itself (a worker's downloads are not in the page's
  // Resource Timing, so these are checked by hand when a worker fails).
  var RUNTIMES = {
    pyodide: { type: 'py', interpreter: 'pyodide/boot.mjs',
      files: ['pyodide/pyodide.mjs', 'pyodide/pyodide.asm.mjs', 'pyodide/pyodide.asm.wasm', 'pyodide/snapshot.bin',
        'pyodide/python_stdlib.zip'] },
    micropython: { type: 'mpy', interpreter: 'micropython/micropython.mjs', files: ['micropython/micropython.wasm'] }
  };
  // PyScript plugins we do not use: skipping them saves requests, and without "error"
  // PyScript never writes its error banner into the host page.
  var PYSCRIPT_PLUGINS = ['!error', '!codemirror', '!deprecations-manager', '!donkey',
    '!py-editor', '!py-game', '!py-terminal'];
  // Our Python modules, served beside this file, by interpreter type: source for Pyodide
  // (only those its memory snapshot lacks), bytecode for MicroPython. build.py writes them.
  var PACKAGE = {};
  var DEFAULT_BUFFER_LIMIT = 1000;
  var DEFAULT_BOOT_TIMEOUT = 60000;
  var SDK_POLL_MS = 10;
  var WORKER_CHECK_MS = 3000;
  var WORKER_REPLY_MS = 30000;  // a batch of 10,000 events takes about a second here

  if (window.oneflowWeb) {
    console.warn(PREFIX + ' oneflow-web.js is included more than once; the first copy is used.');
    return;
  }

  var script = document.currentScript;
  var base = new URL('.', script.src).href;
  var plugin = null;

  // The page-wide hub: Python reads `settings`, sets `leftOut` (the subscriptions it cannot
  // use, as JSON), calls `loadSdk` once, then `ready` or `fail` once, and `call` for each
  // 1Flow call. `stats` is for people debugging a site. (`stop` ends a worker that died.)
  var hub = window.oneflowWeb = {
    version: VERSION,
    settings: null,
    leftOut: '[]',
    nonce: '',
    loadSdk: loadSdk,
    ready: null,
    fail: null,
    stop: null,
    call: null,
    stats: function () { return { state: 'no plugin created yet' }; }
  };

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

  function whole(value, fallback) {
    var number = Number(value);
    return value != null && value !== '' && number > 0 && number % 1 === 0 ? number : fallback;
  }

  // BigInt has no JSON form; its decimal text keeps the value. A replacer slows every
  // stringify down, so it is only used for the rare event that needs it.
  function jsonValue(key, value) {
    return typeof value === 'bigint' ? value.toString() : value;
  }

  function toJson(event) {
    try {
      return JSON.stringify(event);
    } catch (error) {
      return JSON.stringify(event, jsonValue);
    }
  }

  // Python names the top-level keys its subscriptions read (null: it may read any), so
  // the rest of an event is never serialised, copied into the interpreter or parsed.
  function pick(event, keys) {
    if (!keys || !event || typeof event !== 'object') return event;
    var picked = Object.create(null);  // so that a read "__proto__" stays a plain key
    for (var key in event) {
      if (keys[key] === true && Object.prototype.hasOwnProperty.call(event, key)) picked[key] = event[key];
    }
    return picked;
  }

  // The CSP nonce the SDK's script gets: the `nonce` setting, else our own tag's, else that
  // of a script already on the page. Analytics.js injects remote plugins without one, and
  // browsers hide the attribute, so it is read from the `nonce` property.
  function pageNonce(setting) {
    if (typeof setting === 'string' && setting) return setting;
    if (script.nonce) return script.nonce;
    var scripts = document.getElementsByTagName('script');
    for (var i = 0; i < scripts.length; i++) {
      if (scripts[i].nonce) return scripts[i].nonce;
    }
    return '';
  }

  function createPlugin(settings) {
    var bufferLimit = whole(settings.bufferLimit, DEFAULT_BUFFER_LIMIT);
    var queue = [];
    var receive = null;
    var pythonStats = null;
    var reads = null;
    var batch = null;
    var draining = false;
    var state = 'loading';
    var failure = null;
    var counts = { received: 0, duplicates: 0, unserialisable: 0, dropped: 0 };
    var recentIds = [];
    var settle = {};
    var ready = new Promise(function (resolve, reject) {
      settle.resolve = resolve;
      settle.reject = reject;
    });
    // Analytics.js reports a rejected load; this keeps it from surfacing as unhandled.
    ready.catch(function () {});

    hub.settings = JSON.stringify(settings);
    hub.nonce = pageNonce(settings.nonce);
    // receive(text) takes one event on the main thread; in worker mode, receiveBatch(texts)
    // takes every held event at once and settles when the worker's answer has been acted on.
    hub.ready = function (pythonReceive, pythonCounts, readsJson, receiveBatch) {
      if (state !== 'loading') return;
      clearTimeout(bootTimer);
      receive = pythonReceive;
      batch = receiveBatch || null;
      pythonStats = pythonCounts;
      performance.mark('oneflow-web: ready');
      var keys = JSON.parse(readsJson);
      if (keys) {
        reads = Object.create(null);
        keys.forEach(function (key) { reads[key] = true; });
      }
      state = 'ready';
      settle.resolve();
      drain();
    };
    // Once: `fail` while starting (what watches the start-up calls it, so the page's own
    // troubles later never stop us), `stop` at any time (a worker may die after it was ready).
    hub.fail = function (message) {
      if (state === 'loading') hub.stop(message);
    };
    hub.stop = function (message) {
      if (state === 'failed') return;
      clearTimeout(bootTimer);
      state = 'failed';
      failure = message;
      counts.dropped += queue.length;
      console.error(PREFIX + ' ' + message + (queue.length ? ' ' + queue.length + ' held event(s) were not delivered.' : ''));
      queue = [];
      settle.reject(new Error(message));
    };
    // Python calls the SDK through this: one crossing with JSON text, so the SDK gets
    // plain objects made by the page's own JSON.parse. Method '' calls the command function.
    // JSON cannot carry undefined, which 1Flow's own destination passes where a field has no
    // value: `undefinedJson` lists where it goes ([argument] or [argument, key]).
    hub.call = function (method, argsJson, undefinedJson) {
      var sdk = findSdk();
      var args = JSON.parse(argsJson);
      if (undefinedJson) {
        JSON.parse(undefinedJson).forEach(function (path) {
          if (path.length === 1) args[path[0]] = undefined;
          else args[path[0]][path[1]] = undefined;
        });
      }
      if (method) sdk[method].apply(sdk, args);
      else sdk.apply(undefined, args);
    };
    hub.stats = function () {
      var python = pythonStats ? JSON.parse(pythonStats()) : {};
      return Object.assign({ state: state, error: failure, pending: queue.length, leftOut: JSON.parse(hub.leftOut) },
        counts, python);
    };

    // The same plugin registered twice sees each event twice: deliver it once.
    function seen(id) {
      if (typeof id !== 'string') return false;
      if (recentIds.indexOf(id) !== -1) return true;
      recentIds.push(id);
      if (recentIds.length > 20) recentIds.shift();
      return false;
    }

    function handle(ctx) {
      var event = ctx && ctx.event;
      counts.received++;
      if (seen(event && event.messageId)) {
        counts.duplicates++;
        return ctx;
      }
      if (state === 'failed') {
        counts.dropped++;
        return ctx;
      }
      var text;
      try {
        text = toJson(pick(event, reads));
      } catch (error) {
        counts.unserialisable++;
        console.warn(PREFIX + ' skipped a ' + (event && event.type) + ' event that cannot be sent as JSON (' + error.message + ').');
        return ctx;
      }
      queue.push(text);
      // The limit is for start-up; once ready, events wait only for the worker's batch in flight.
      if (state === 'loading' && queue.length > bufferLimit) {
        queue.shift();
        if (counts.dropped++ === 0) {
          console.warn(PREFIX + ' more than ' + bufferLimit + ' events arrived before 1Flow was ready; the oldest are dropped (see oneflowWeb.stats()).');
        }
      }
      drain();
      return ctx;
    }

    function drain() {
      if (state !== 'ready' || draining || !queue.length) return;
      draining = true;
      if (batch) {
        var events = queue;
        queue = [];
        batch(events).then(function () {
          draining = false;
          drain();
        }, function (error) {
          counts.dropped += events.length;
          hub.stop('the Python worker could not handle events: ' + (error && error.message || error));
        });
        return;
      }
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

    var bootTimeout = whole(settings.bootTimeout, DEFAULT_BOOT_TIMEOUT);
    var bootTimer = setTimeout(function () {
      hub.fail('Python did not start within ' + bootTimeout / 1000 + ' s. Check that every file of dist/ is served beside ' + base + 'oneflow-web.js.');
    }, bootTimeout);
    boot(settings.runtime, settings.thread);

    return {
      name: NAME,
      type: 'destination',
      version: VERSION,
      isLoaded: function () { return state === 'ready'; },
      load: function () { return ready; },
      identify: handle,
      track: handle,
      page: handle,
      alias: handle,
      group: handle
    };
  }

  // The 1Flow SDK, wherever it lives. The 2022 build declares `const _1flow` at the top of
  // a classic script: a global binding that only a lookup by name finds (window._1flow stays
  // undefined, and Python cannot see it). The newer build assigns window._1flow, which the
  // same lookup finds. A binding declared by a script that failed before setting it throws.
  function findSdk() {
    try {
      if (typeof _1flow !== 'undefined') return _1flow;
    } catch (error) {
      // declared but never initialised: fall back to the window property
    }
    return window._1flow;
  }

  // 'object' (the 2022 build: logUser and logEvent), 'command' (a function) or ''.
  function generation(sdk) {
    if (sdk && typeof sdk.logUser === 'function' && typeof sdk.logEvent === 'function') return 'object';
    return typeof sdk === 'function' ? 'command' : '';
  }

  // Python says what to load; this injects it once and answers done(generation, '') when the
  // SDK itself is usable, or done('', state) when it failed to load or time ran out. Usable
  // means: our script has loaded, and _1flow is the 2022 object with window.glob set (its
  // signal that its configuration has loaded), or a command function other than the one on
  // the page before the SDK ran (a queueing stub, such as Segment's, is not the SDK).
  function loadSdk(url, apiKey, timeoutMs, done) {
    var before = findSdk();
    var stub = generation(before) === 'command' ? before : null;
    var loaded = generation(before) === 'object';  // already on the page: never run it twice
    var deadline = Date.now() + timeoutMs;
    var finished = false;

    function state() {
      var sdk = findSdk();
      var kind = generation(sdk);
      if (!loaded) return 'not-loaded';
      if (kind === 'object') return window.glob ? kind : 'no-glob';
      if (kind === 'command') return sdk === stub ? 'stub' : kind;
      return sdk === undefined ? 'missing' : 'unusable';
    }
    function finish(kind, problem) {
      if (finished) return;
      finished = true;
      done(kind, problem);
    }
    function poll() {
      if (finished) return;
      var now = state();
      if (now === 'object' || now === 'command') finish(now, '');
      else if (Date.now() >= deadline) finish('', now);
      else setTimeout(poll, SDK_POLL_MS);
    }
    if (!loaded) {
      injectSdk(url, apiKey, function () { loaded = true; }, function () { finish('', 'error'); });
    }
    poll();
  }

  // The 2022 build reads its key from the FIRST script[data-api-key] in the document, so the
  // SDK's script goes before any other (another vendor's tag, or our own in script-tag use).
  function injectSdk(url, apiKey, onLoad, onError) {
    var tag = document.createElement('script');
    tag.src = url;
    tag.async = true;
    tag.setAttribute('data-api-key', apiKey);
    if (hub.nonce) tag.setAttribute('nonce', hub.nonce);
    tag.addEventListener('load', onLoad);
    tag.addEventListener('error', onError);
    var first = document.querySelector('script[data-api-key]');
    (first ? first.parentNode : document.head).insertBefore(tag, first);
  }

  function boot(runtimeName, threadName) {
    var name = runtimeName || 'pyodide';
    var thread = threadName || 'worker';
    if (!Object.prototype.hasOwnProperty.call(RUNTIMES, name)) {
      hub.fail('Unknown runtime "' + name + '": use "pyodide" (the default) or "micropython".');
      return;
    }
    if (thread !== 'main' && thread !== 'worker') {
      hub.fail('Unknown thread "' + thread + '": use "worker" (the default) or "main".');
      return;
    }
    watchBoot();
    var runtime = RUNTIMES[name];
    var files = {};
    var unused = thread === 'main' ? 'worker.' : 'bridge.';  // each thread has its own seam
    PACKAGE[runtime.type].forEach(function (name) {
      if (name.indexOf(unused) !== 0) files[base + 'oneflow_web/' + name] = './oneflow_web/' + name;
    });
    if (thread === 'main') {
      var python = document.createElement('script');
      python.type = runtime.type;
      python.setAttribute('config', JSON.stringify({
        interpreter: base + runtime.interpreter, files: files, plugins: PYSCRIPT_PLUGINS
      }));
      python.textContent = 'from oneflow_web.bridge import start\nstart()\n';
      document.head.appendChild(python);
    }
    // PyScript loads every plugin of an interpreter type unless a config of that type turns
    // them off: six chunks on the critical path for a type we do not use.
    ['py', 'mpy'].forEach(function (type) {
      if (!document.querySelector(type + '-config, script[type="' + type + '"]')) {
        var config = document.createElement(type + '-config');
        config.textContent = JSON.stringify({ plugins: PYSCRIPT_PLUGINS });
        document.head.appendChild(config);
      }
    });
    import(base + 'pyscript/core.js').then(function (core) {
      if (thread === 'worker') return startWorker(core, runtime, files);
    }, function (error) {
      hub.fail('PyScript could not be loaded from ' + base + 'pyscript/core.js (' + error.message + ').');
    });
  }

  // Worker mode: the interpreter and the whole engine run in a Web Worker started through
  // PyScript; Python decides (worker.py answers in JSON text) and this page acts: it injects
  // the SDK, makes the 1Flow calls and writes the console lines Python hands it.
  var workerFiles = [];

  function startWorker(core, runtime, files) {
    workerFiles = [base + 'oneflow-worker.py', base + runtime.interpreter].concat(
      runtime.files.map(function (name) { return base + name; }), Object.keys(files));
    var worker = null;
    var workerStats = '{}';
    var answered = false;
    // Some failures inside a worker never reach the page (Pyodide waits forever for a
    // WebAssembly file that answered 404): if it is slow to answer, look for a missing file.
    setTimeout(function () {
      if (!answered) whichFileFails(workerFiles).then(function (failed) { if (failed) hub.fail(failed); });
    }, WORKER_CHECK_MS);
    // PyScript's worker support is ready once its custom element is: a worker made earlier
    // starts without the `pyscript` module.
    return customElements.whenDefined(runtime.type + '-script').then(function () {
      var start = runtime.type === 'py' ? core.PyWorker : core.MPWorker;
      return start(base + 'oneflow-worker.py', {
        version: base + runtime.interpreter, config: { files: files, sync_main_only: true, plugins: PYSCRIPT_PLUGINS }
      });
    }).then(function (started) {
      worker = started;
      worker.addEventListener('error', function (event) {
        event.preventDefault();
        hub.stop('the Python worker stopped: ' + (event.message || 'it failed without a message') + '.');
      });
      return worker.sync.start(hub.settings);
    }).then(function (text) {
      answered = true;
      performance.mark('oneflow-web: Python running');  // in the worker, answering its first call
      var answer = JSON.parse(text);
      if (answer.error) return hub.fail(answer.error);
      answer.console.forEach(function (line) { console[line[0]](PREFIX, line[1]); });
      hub.leftOut = answer.leftOut;
      loadSdk(answer.sdk[0], answer.sdk[1], answer.sdk[2], function (generation, problem) {
        if (problem) {
          worker.sync.sdk_problem(problem).then(hub.fail, workerFault);
          return;
        }
        worker.sync.ready(generation).then(function (stats) {
          workerStats = stats;
          hub.ready(null, function () { return workerStats; }, JSON.stringify(answer.reads), function (events) {
            return withinTime(worker.sync.deliver(JSON.stringify(events))).then(function (reply) {
              var done = JSON.parse(reply);
              workerStats = done.stats;
              done.actions.forEach(act);
            });
          });
        }, workerFault);
      });
    }).catch(workerFault);
  }

  // A worker the browser ended (or that hangs) never answers: after WORKER_REPLY_MS, say so.
  function withinTime(answer) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () {
        reject(new Error('it did not answer within ' + WORKER_REPLY_MS / 1000 + ' s'));
      }, WORKER_REPLY_MS);
      answer.then(function (value) {
        clearTimeout(timer);
        resolve(value);
      }, function (error) {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  function workerFault(error) {
    var message = String(error && error.message || error);
    whichFileFails(workerFiles).then(function (failed) {
      hub.fail(failed || 'the Python worker failed: ' + message + '.');
    });
  }

  // The first of these URLs that does not load, as a sentence, or '' when all do.
  function whichFileFails(urls) {
    return Promise.all(urls.map(function (url) {
      return fetch(url, { method: 'HEAD', cache: 'no-store' }).then(function (response) {
        return response.ok ? '' : 'Could not load ' + url + ' (HTTP ' + response.status + ').';
      }, function () { return 'Could not load ' + url + '.'; });
    })).then(function (answers) {
      var failed = answers.filter(Boolean)[0];
      return failed ? failed + ' Serve the whole dist/ folder beside oneflow-web.js.' : '';
    });
  }

  // One action of the worker's answer: a 1Flow call, or a console line.
  function act(action) {
    if (action[0] !== 'call') {
      console[action[0]](PREFIX, action[1]);
      return;
    }
    try {
      hub.call(action[1], action[2], action[3]);
    } catch (error) {
      console.error(PREFIX + ' the 1Flow SDK threw on a call: ' + error);
    }
  }

  // PyScript does not report a runtime file that fails to load, so watch for it here:
  // an HTTP error on one of our runtime files, or a Content-Security-Policy refusal.
  // Either ends in one clear error and a rejected load(); the boot timeout covers the rest.
  function watchBoot() {
    var runtimeFiles = [base + 'pyscript/', base + 'pyodide/', base + 'micropython/', base + 'oneflow_web/'];
    var ours = function (url) {
      return runtimeFiles.some(function (prefix) { return url.indexOf(prefix) === 0; });
    };
    // The most useful report names the file that failed, if the browser saw one fail.
    function httpFailure(entries) {
      var failed = entries.filter(function (entry) { return entry.responseStatus >= 400 && ours(entry.name); })[0];
      return failed && 'Could not load ' + failed.name + ' (HTTP ' + failed.responseStatus + '). Serve the whole dist/ folder beside oneflow-web.js.';
    }
    if (window.PerformanceObserver) {
      new PerformanceObserver(function (list) {
        var message = httpFailure(list.getEntries());
        if (message) hub.fail(message);
      }).observe({ type: 'resource' });
    }
    document.addEventListener('securitypolicyviolation', function (event) {
      var blocked = event.blockedURI;
      // PyScript starts its workers from blob: URLs, which worker-src (or child-src) must allow.
      var worker = blocked.indexOf('blob') === 0 && /^(worker|child|script)-src/.test(event.effectiveDirective);
      if (blocked === 'wasm-eval' || blocked === 'eval' || worker || ours(blocked)) {
        hub.fail('The page\'s Content-Security-Policy blocked ' + event.blockedURI + ' (' + event.violatedDirective + '). See "Reliability and security" in the oneflow-web README for the policy it needs.');
      }
    });
    // A runtime that fails while starting throws from its own files (or names them):
    // report it as ours and keep it out of the page's error handlers.
    function contain(event, text) {
      if (ours(text) || runtimeFiles.some(function (prefix) { return text.indexOf(prefix) !== -1; })) {
        event.preventDefault();
        // Give the browser a moment to record the failed request, which names the file.
        setTimeout(function () {
          hub.fail(httpFailure(performance.getEntriesByType('resource')) || 'Python could not start: ' + text.split('\n')[0]);
        }, 200);
      }
    }
    window.addEventListener('unhandledrejection', function (event) {
      var reason = event.reason || {};
      contain(event, String(reason.message || reason) + '\n' + (reason.stack || ''));
    });
    window.addEventListener('error', function (event) {
      contain(event, String(event.message) + '\n' + (event.filename || '') + '\n' + ((event.error && event.error.stack) || ''));
    });
  }

  // Script-tag use: <script src=".../oneflow-web.js" data-api-key="KEY"></script>
  // Without an Analytics.js to register with, nothing is started.
  if (script.hasAttribute('data-api-key')) {
    var analytics = window.analytics;
    if (!analytics) {
      console.error(PREFIX + ' window.analytics was not found: add the Segment snippet (or AnalyticsBrowser) before oneflow-web.js.');
    } else if (typeof analytics.register !== 'function') {
      console.error(PREFIX + ' window.analytics has no register(): use Segment snippet 5 or newer, or AnalyticsBrowser.');
    } else {
      var registered = analytics.register(factory({
        projectApiKey: script.getAttribute('data-api-key'),
        sdkUrl: script.getAttribute('data-sdk-url') || undefined,
        subscriptions: script.getAttribute('data-subscriptions') || undefined,
        debug: script.hasAttribute('data-debug'),
        runtime: script.getAttribute('data-runtime') || undefined,
        bufferLimit: script.getAttribute('data-buffer-limit') || undefined,
        sdkTimeout: script.getAttribute('data-sdk-timeout') || undefined,
        bootTimeout: script.getAttribute('data-boot-timeout') || undefined,
        thread: script.getAttribute('data-thread') || undefined,
        nonce: script.getAttribute('data-nonce') || undefined
      })[0]);
      if (registered && typeof registered.catch === 'function') {
        registered.catch(function (error) { console.error(PREFIX + ' ' + error); });
      }
    }
  }
})();
