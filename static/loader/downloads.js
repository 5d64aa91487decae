// What start-up waits for is requested at once, when the loader starts, instead of each
// file only once the one before it has arrived (PyScript's core, its chunks, the worker's
// script, the interpreter, its files: six round trips one after another). PyScript and the
// worker then find each in the browser's cache, which is why dist/ must be served
// cacheable (README). The loader reads the interpreter's files itself, so an HTTP error is
// named at once, and it knows while bytes are arriving: a slow network is not a fault.
// Python starts (in a worker or on the page) only once every file has answered: a file that
// fails is named once, and nothing is started to fail on it again (PyScript's or the
// interpreter's own fetch would leave an uncaught error in the page beside ours).
// Each fault here ends the start-up through `fail`, the plugin's (plugin.js).
import { PYSCRIPT_MODULES, SERVE_ALL, WORKER_SCRIPT } from './config.js';
import { hub } from './hub.js';
import { clockNow, downloading, unlessLeaving } from './life.js';

var downloads = {};  // url -> true while its bytes are arriving
var lastProgress = 0;
var bootTimer = null;

// Resolves, once every file has answered, to whether all of them answered OK. `base` is
// where dist/ is served.
export function fetchAtOnce(base, runtime, thread, pythonPackage, fail) {
  PYSCRIPT_MODULES.forEach(function (name) { preload('modulepreload', base + name); });
  var answered = [runtime.interpreter].concat(runtime.files, [pythonPackage]).map(function (name) {
    return download(base + name, fail);
  });
  // PyScript fetches the worker's script on this page, where a preload answers it. The worker
  // waits for it too: started before a late failure, PyScript would fetch it again and throw.
  if (thread === 'worker') answered.push(preload('preload', base + WORKER_SCRIPT, 'fetch'));
  return Promise.all(answered).then(function (oks) { return oks.every(Boolean); });
}

// Resolves, once the file has answered, to whether it answered OK.
function preload(rel, url, as) {
  var link = document.createElement('link');
  link.rel = rel;
  link.href = url;
  if (as) {
    link.as = as;
    link.crossOrigin = 'anonymous';  // as PyScript's fetch() asks for it
  }
  if (hub.nonce) link.setAttribute('nonce', hub.nonce);
  // A browser without this kind of preload never answers it: PyScript's own fetch then reports.
  var supported = link.relList && link.relList.supports && link.relList.supports(rel);
  var answered = !supported ? Promise.resolve(true) : new Promise(function (resolve) {
    link.onload = function () { resolve(true); };
    link.onerror = function () { resolve(false); };  // faults.js names the file that failed
  });
  document.head.appendChild(link);
  return answered;
}

// Read to the end, noting each chunk as progress; the browser keeps the response for the
// interpreter, which asks for the same URL. Resolves, once the file has answered, to whether
// it answered OK.
function download(url, fail) {
  downloads[url] = true;
  downloading(true);
  return fetch(url).then(function (response) {
    if (!response.ok) throw new Error('HTTP ' + response.status);
    var reader = response.body.getReader();
    function read() {
      return reader.read().then(function (chunk) {
        progress();
        if (!chunk.done) return read();
        ended();
      });
    }
    read().catch(failed);
    return true;
  }).catch(function (error) {
    failed(error);
    return false;
  });
  function ended() {
    if (!downloads[url]) return;
    delete downloads[url];
    downloading(false);
  }
  function failed(error) {
    ended();
    var message = 'Could not load ' + url + ' (' + error.message + '). ' + SERVE_ALL;
    if (/^HTTP /.test(error.message)) fail(message);
    else unlessLeaving(function () { fail(message); });
  }
}

// The boot clock measures silence, not time, and only of our own start: `timeoutMs` without a
// byte arriving or a step of the start-up, while files are still downloading (a stalled
// download), or once they all have and Analytics.js has loaded the destination (Python not
// starting). A page that calls analytics.load() late (after its consent banner, say) is
// waiting on itself, not on us. Python's first answer stops it; sdkTimeout covers the SDK.
var analyticsLoaded = false;

export function progress() {
  lastProgress = clockNow();
}

export function startBootClock(base, timeoutMs, fail) {
  progress();
  bootTimer = setInterval(function () {
    var waiting = Object.keys(downloads)[0];
    if (!waiting && !analyticsLoaded) return progress();
    if (clockNow() - lastProgress < timeoutMs) return;
    var seconds = timeoutMs / 1000 + ' s';
    fail(waiting
      ? 'Python did not start: nothing arrived from ' + waiting + ' for ' + seconds + '. Check the network, and that every file of dist/ is served beside ' + base + 'oneflow-web.js.'
      : 'Python did not start within ' + seconds + ' of its files arriving and Analytics.js loading the destination. Check that every file of dist/ is served beside ' + base + 'oneflow-web.js.');
  }, Math.min(1000, timeoutMs / 4));
}

// Analytics.js has loaded the plugin: from now on Python not starting is ours to time.
export function bootClockLoaded() {
  analyticsLoaded = true;
  progress();
}

export function stopBootClock() {
  clearInterval(bootTimer);
}
