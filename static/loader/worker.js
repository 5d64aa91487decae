// Worker mode: the interpreter and the whole engine run in a Web Worker started through
// PyScript; Python decides (worker.py answers in JSON text) and this page acts: it injects
// the SDK, makes the 1Flow calls and writes the console lines Python hands it: on this thread
// it plays bridge.py's part, through `plugin`, the functions the plugin gives Python (plugin.js).
import { PREFIX, PYSCRIPT_PLUGINS, WORKER_SCRIPT } from './config.js';
import { progress } from './downloads.js';
import { putBackWorkerHooks } from './hooks.js';
import { hub } from './hub.js';
import { after, restored, unlessLeaving } from './life.js';
import { loadSdk } from './sdk.js';

var WORKER_REPLY_MS = 30000;  // a batch of 10,000 events takes about a second here

var workerAttempt = 0;

// A worker frozen in the back/forward cache while it started may not survive the page's return
// (WebKit then fails its next call with "Importing a module script failed"): a fault after such
// a return, while starting, gets one new worker (its files are in the browser's cache), and
// the first one's answers are no longer listened to. `base` is where dist/ is served.
export function startWorker(base, core, runtime, files, plugin) {
  var attempt = ++workerAttempt;
  var restoredBefore = restored;
  var worker = null;
  var workerStats = '{}';
  function current() { return attempt === workerAttempt; }
  function fault(error) {
    if (!current()) return;
    if (restored !== restoredBefore && attempt === 1 && plugin.loading()) {
      if (worker) worker.terminate();
      startWorker(base, core, runtime, files, plugin);
    } else {
      workerFault(error, plugin.fail);
    }
  }
  // PyScript's worker support is ready once its custom element is: a worker made earlier
  // starts without the `pyscript` module.
  return customElements.whenDefined(runtime.type + '-script').then(function () {
    progress();
    var start = runtime.type === 'py' ? core.PyWorker : core.MPWorker;
    var started = start(base + WORKER_SCRIPT, {
      version: base + runtime.interpreter, config: { files: files, sync_main_only: true, plugins: PYSCRIPT_PLUGINS }
    });
    setTimeout(putBackWorkerHooks, 0);  // PyScript has read them by then (it waits one microtask)
    return started;
  }).then(function (started) {
    worker = started;
    worker.addEventListener('error', function (event) {
      event.preventDefault();
      var message = 'the Python worker stopped: ' + (event.message || 'it failed without a message') + '.';
      if (current()) unlessLeaving(function () { plugin.stop(message); });
    });
    return new Promise(plugin.whenLoaded);
  }).then(function () {
    return worker.sync.start(hub.settings, hub.integration, hub.version);
  }).then(function (text) {
    if (!current()) return;
    performance.mark('oneflow-web: Python running');  // in the worker, answering its first call
    var answer = JSON.parse(text);
    if (answer.error) return plugin.fail(answer.error);
    answer.console.forEach(function (line) { console[line[0]](PREFIX, line[1]); });
    hub.leftOut = answer.leftOut;
    var stats = function () { return workerStats; };
    plugin.reading(JSON.stringify(answer.reads));
    // `mayAct()` says whether the answer is still ours to act on (persist.js).
    function deliver(events, mayAct) {
      return withinTime(worker.sync.deliver(JSON.stringify(events))).then(function (reply) {
        var done = JSON.parse(reply);
        workerStats = done.stats;
        if (!mayAct()) return null;
        done.actions.forEach(function (action) { act(action, plugin.call); });
        return done.wait;
      });
    }
    // Python tells the SDK it found (none yet, while it waits for consent), then acts.
    function withSdk(generation, then) {
      worker.sync.ready(generation).then(function (text) {
        if (!current()) return;
        workerStats = text;
        then();
      }, fault);
    }
    function loadThen(then) {
      loadSdk(answer.sdk[0], answer.sdk[1], answer.sdk[2], function (generation, problem) {
        if (!current()) return;
        if (problem) worker.sync.sdk_problem(problem).then(plugin.stop, fault);
        else withSdk(generation, then);
      });
    }
    if (answer.consent) {
      withSdk('', function () {
        plugin.ready(null, stats, deliver, function () { loadThen(plugin.resume); });
      });
    } else {
      loadThen(function () { plugin.ready(null, stats, deliver); });
    }
  }).catch(fault);
}

// A worker the browser ended (or that hangs) never answers: after WORKER_REPLY_MS, say so.
function withinTime(answer) {
  return new Promise(function (resolve, reject) {
    var cancel = after(WORKER_REPLY_MS, function () {
      reject(new Error('it did not answer within ' + WORKER_REPLY_MS / 1000 + ' s'));
    });
    answer.then(function (value) {
      cancel();
      resolve(value);
    }, function (error) {
      cancel();
      reject(error);
    });
  });
}

// Reported a moment later, so that a more precise report of the same fault (the file that
// failed, the Content-Security-Policy directive that refused) comes first; not while the
// visitor is leaving, when the browser aborts the worker's downloads.
function workerFault(error, fail) {
  var message = String(error && error.message || error);
  // A policy the worker inherits refuses inside it, where the page sees no violation event.
  var policy = /Content.Security.Policy/i.test(message) ? ' See "Content-Security-Policy" in the oneflow-web README.' : '';
  unlessLeaving(function () {
    fail('the Python worker failed: ' + message + '.' + policy);
  });
}

// One action of the worker's answer: a 1Flow call (through `call`, the plugin's), or a console line.
function act(action, call) {
  if (action[0] !== 'call') {
    console[action[0]](PREFIX, action[1]);
    return;
  }
  try {
    call(action[1], action[2], action[3]);
  } catch (error) {
    console.error(PREFIX + ' the 1Flow SDK threw on a call: ' + error);
  }
}
