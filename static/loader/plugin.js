// The plugin Analytics.js calls: it holds events in order until Python and the SDK are
// ready, hands them to Python as JSON text, and counts what became of them. Where the
// destination waits for consent, Python is ready first and the SDK comes when Python asks
// for it (wantSdk): for the first event that consents; that event and the ones after it
// are held until the SDK is there, then handed over again. Events not yet delivered when
// the visitor leaves are saved for the next page (persist.js), which delivers them first.
import { DEFAULT_BOOT_TIMEOUT, DEFAULT_BUFFER_LIMIT, NAME, PREFIX, VERSION } from './config.js';
import { consentMayApply, integrationSettings } from './consent.js';
import { bootClockLoaded, startBootClock, stopBootClock } from './downloads.js';
import { stopWatchingBoot } from './faults.js';
import { putBackWorkerHooks } from './hooks.js';
import { hub } from './hub.js';
import { pick, picked, toJson } from './json.js';
import { createMiddleware } from './middleware.js';
import { createPersistence } from './persist.js';
import { boot } from './runtime.js';
import { findSdk, preloadSdk } from './sdk.js';

function whole(value, fallback) {
  var number = Number(value);
  return value != null && value !== '' && number > 0 && number % 1 === 0 ? number : fallback;
}

// The CSP nonce the scripts we add get: the `nonce` setting, else our own tag's (`tag`, null
// for the module), else that of a script already on the page. Analytics.js injects remote
// plugins without one, and browsers hide the attribute, so it is read from the `nonce` property.
function pageNonce(setting, tag) {
  if (typeof setting === 'string' && setting) return setting;
  if (tag && tag.nonce) return tag.nonce;
  var scripts = document.getElementsByTagName('script');
  for (var i = 0; i < scripts.length; i++) {
    if (scripts[i].nonce) return scripts[i].nonce;
  }
  return '';
}

// The plugin for `settings`, starting Python from `base` (where dist/ is served); `tag` is the
// loader's own script tag, if any. Its functions for Python go on the hub (hub.js).
export function createPlugin(settings, base, tag) {
  var bufferLimit = whole(settings.bufferLimit, DEFAULT_BUFFER_LIMIT);
  var queue = [];
  var receive = null;
  var pythonStats = null;
  var reads = null;
  var batch = null;
  var draining = false;
  var inFlight = [];  // the worker's batch, until its answer has been acted on
  var claiming = false;
  var state = 'loading';
  var failure = null;
  var wantSdk = null;
  var waitingForSdk = false;
  var counts = { received: 0, duplicates: 0, unserialisable: 0, dropped: 0, blocked: 0, saved: 0, unsaved: 0, replayed: 0,
    handedOver: 0 };
  var middleware = createMiddleware(counts, take);
  var persistence = createPersistence(settings, counts, bufferLimit, {
    take: function () {
      var held = queue;
      queue = [];
      return held;
    },
    inFlight: function () { return inFlight; },
    giveBack: function (events) {
      queue = trimmed(events).concat(queue);
      drain();
    }
  });
  var recentIds = [];
  var settle = {};
  // oneflowWeb.started: settles once Python (and the SDK, unless it waits for consent) is
  // ready, or with the fault that stopped the destination.
  var started = hub.started = new Promise(function (resolve, reject) {
    settle.resolve = resolve;
    settle.reject = reject;
  });
  started.catch(function () {});  // a fault is a console error already; no one need listen

  hub.settings = JSON.stringify(settings);
  hub.nonce = pageNonce(settings.nonce, tag);
  // Python starts once Analytics.js has loaded the plugin: the instance's CDN settings may
  // name our consent categories, and so decide whether the SDK may be fetched at once.
  var loaded = null;
  var onLoaded = new Promise(function (resolve) { loaded = resolve; });
  function whenLoaded(start) {
    onLoaded.then(function () {
      if (state !== 'failed') start();
    });
  }
  // Python names, as JSON, the top-level keys its subscriptions read (null: any), once it has
  // read the settings: from then on only those are kept of an event, held or saved, and the
  // events held already are cut down to them too.
  function reading(readsJson) {
    var keys = JSON.parse(readsJson);
    if (!keys) return;
    reads = Object.create(null);
    keys.concat(['messageId']).forEach(function (key) { reads[key] = true; });  // a saved event's identity
    queue = trimmed(queue);
  }
  function trimmed(texts) {
    return reads ? texts.map(function (text) { return picked(text, reads); }) : texts;
  }
  // receive(text) takes one event on the main thread (answering 'sdk' for one that needs the
  // SDK first); in worker mode, receiveBatch(texts) takes every held event at once and
  // settles, with the index of the first that needs the SDK or null, when the worker's answer
  // has been acted on. `askForSdk` is given when the SDK waits for consent.
  function ready(pythonReceive, pythonCounts, receiveBatch, askForSdk) {
    if (state !== 'loading') return;
    endStartUp();
    receive = pythonReceive;
    batch = receiveBatch || null;
    wantSdk = askForSdk || null;
    pythonStats = pythonCounts;
    performance.mark('oneflow-web: ready');
    state = 'ready';
    settle.resolve();
    // Settings are valid: events an earlier page saved go first, as much of them as ours read.
    claiming = true;
    persistence.claim().then(function (saved) {
      claiming = false;
      queue = trimmed(saved).concat(queue);
      drain();
    });
  }
  // The SDK asked for has arrived: the events held for it go to Python again, in order.
  function resume() {
    if (state !== 'ready' || !waitingForSdk) return;
    waitingForSdk = false;
    drain();
  }
  // Once: `fail` while starting (what watches the start-up calls it, so the page's own
  // troubles later never stop us), `stop` at any time (a worker may die after it was ready).
  function fail(message) {
    if (state === 'loading') stop(message);
  }
  function stop(message) {
    if (state === 'failed') return;
    endStartUp();
    state = 'failed';
    hub.failed = true;
    failure = message;
    counts.dropped += queue.length;
    console.error(PREFIX + ' ' + message + (queue.length ? ' ' + queue.length + ' held event(s) were not delivered.' : ''));
    queue = [];
    settle.reject(new Error(message));
  }
  // Python calls the SDK through this: one crossing with JSON text, so the SDK gets
  // plain objects made by the page's own JSON.parse. Method '' calls the command function.
  // JSON cannot carry undefined, which 1Flow's own destination passes where a field has no
  // value: `undefinedJson` lists where it goes ([argument] or [argument, key]).
  function call(method, argsJson, undefinedJson) {
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
  }
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
    middleware.apply(event);
    return ctx;
  }

  // An event the destination middleware (if any) let through.
  function take(event) {
    if (state === 'failed') {
      counts.dropped++;
      return;
    }
    var text;
    try {
      text = toJson(pick(event, reads));
    } catch (error) {
      counts.unserialisable++;
      console.warn(PREFIX + ' skipped a ' + (event && event.type) + ' event that cannot be sent as JSON (' + error.message + ').');
      return;
    }
    queue.push(text);
    // The limit is for start-up and the SDK's; else events wait only for the worker's batch in flight.
    var held = state === 'loading' || waitingForSdk || persistence.holding();
    if (held && queue.length > bufferLimit) {
      queue.shift();
      if (counts.dropped++ === 0) {
        console.warn(PREFIX + ' more than ' + bufferLimit + ' events arrived before 1Flow was ready; the oldest are dropped (see oneflowWeb.stats()).');
      }
    }
    if (held) persistence.arrived();
    drain();
  }

  // Python answered that events[index] needs the SDK: hold it and the rest, and ask once.
  function holdForSdk(events, index) {
    queue = events.slice(index).concat(queue);
    waitingForSdk = true;
    try {
      wantSdk();
    } catch (error) {
      stop('could not load the 1Flow SDK: ' + error);
    }
  }

  function drain() {
    if (state !== 'ready' || draining || claiming || waitingForSdk || persistence.holding() || !queue.length) return;
    draining = true;
    if (batch) {
      var events = inFlight = queue;
      queue = [];
      batch(events, persistence.mayAct).then(function (wait) {
        draining = false;
        inFlight = [];
        if (wait != null && state === 'ready') holdForSdk(events, wait);
        drain();
      }, function (error) {
        inFlight = [];
        counts.dropped += events.length;
        stop('the Python worker could not handle events: ' + (error && error.message || error));
      });
      return;
    }
    var handed = queue;
    queue = [];
    try {
      for (var i = 0; i < handed.length; i++) {
        var answer = '';
        try {
          answer = receive(handed[i]);
        } catch (error) {
          console.error(PREFIX + ' ' + error);
        }
        if (answer === 'sdk') {
          holdForSdk(handed, i);
          break;
        }
      }
    } finally {
      draining = false;
    }
    drain();
  }

  // The end of start-up, ready or failed: what watched and held it is put away.
  function endStartUp() {
    stopBootClock();
    putBackWorkerHooks();
    stopWatchingBoot();
  }

  // What Python calls (bridge.py on the main thread; worker.js, which plays its part, in worker mode).
  var forPython = { whenLoaded: whenLoaded, reading: reading, ready: ready, resume: resume, fail: fail, stop: stop,
    call: call };
  Object.assign(hub, forPython);
  startBootClock(base, whole(settings.bootTimeout, DEFAULT_BOOT_TIMEOUT), fail);
  boot(base, settings.runtime, settings.thread, Object.assign({
    loading: function () { return state === 'loading'; }
  }, forPython));

  return {
    name: NAME,
    type: 'destination',
    version: VERSION,
    isLoaded: function () { return state === 'ready'; },
    // Analytics.js hands over its instance: the CDN settings it holds for us go to Python.
    // Resolves at once, so that Analytics.js hands every event over from now on, on every
    // path (an action destination's events wait for load()), and the plugin holds them;
    // rejects only for a fault already known. oneflowWeb.started says when all is ready.
    load: function (ctx, analytics) {
      if (loaded) {
        hub.integration = integrationSettings(analytics);
        if (state !== 'failed' && !consentMayApply(settings, hub.integration)) preloadSdk(settings);
        bootClockLoaded();
        loaded();
        loaded = null;
      }
      return state === 'failed' ? Promise.reject(new Error(failure)) : Promise.resolve();
    },
    addMiddleware: middleware.add,
    identify: handle,
    track: handle,
    page: handle,
    alias: handle,
    group: handle
  };
}

