// Start-up failures the browser reports but PyScript does not: an HTTP error on one of our
// runtime files, a Content-Security-Policy refusal, an error thrown from a runtime's files.
// Each ends in one clear error and a rejected load(); the boot clock covers the rest.
// Both interpreters are WebAssembly, compiled on this page or in a worker that inherits its
// policy, where a refusal is seen by no one here (Pyodide then waits forever). So the loader
// compiles the smallest module there is first: a policy without 'wasm-unsafe-eval' refuses it.
// Each fault ends the start-up through `fail`, the plugin's (plugin.js).
import { SERVE_ALL, WORKER_SCRIPT } from './config.js';
import { unlessLeaving } from './life.js';

var stopWatching = function () {};
var EMPTY_WASM_MODULE = [0, 97, 115, 109, 1, 0, 0, 0];

export function webAssemblyAllowed(fail) {
  try {
    new WebAssembly.Module(new Uint8Array(EMPTY_WASM_MODULE));
    return true;
  } catch (error) {
    fail('The page\'s Content-Security-Policy does not allow WebAssembly, which the Python interpreter is: ' +
      'its script-src needs \'wasm-unsafe-eval\' (' + error.message + '). See "Content-Security-Policy" in the oneflow-web README.');
    return false;
  }
}

// Watches until start-up ends (ready or failed: stopWatchingBoot). After that, the page's own
// troubles, and every resource of a single-page app's visit, are none of ours. `base` is where
// dist/ is served.
export function watchBoot(base, fail) {
  var runtimeFiles = [base + 'pyscript/', base + 'pyodide/', base + 'micropython/', base + 'python/', base + WORKER_SCRIPT];
  var ours = function (url) {
    return runtimeFiles.some(function (prefix) { return url.indexOf(prefix) === 0; });
  };
  // The most useful report names the file that failed, if the browser saw one fail.
  function httpFailure(entries) {
    var failed = entries.filter(function (entry) { return entry.responseStatus >= 400 && ours(entry.name); })[0];
    return failed && 'Could not load ' + failed.name + ' (HTTP ' + failed.responseStatus + '). ' + SERVE_ALL;
  }
  var observer = null;
  if (window.PerformanceObserver) {
    observer = new PerformanceObserver(function (list) {
      var message = httpFailure(list.getEntries());
      if (message) fail(message);
    });
    observer.observe({ type: 'resource' });
  }
  function violation(event) {
    var blocked = event.blockedURI;
    // PyScript starts its workers from blob: URLs, which worker-src (or child-src) must allow.
    var worker = blocked.indexOf('blob') === 0 && /^(worker|child|script)-src/.test(event.effectiveDirective);
    // Code evaluated or compiled by our files only: the page's own scripts may trip the policy too.
    var compiled = (blocked === 'wasm-eval' || blocked === 'eval') && ours(event.sourceFile || '');
    if (compiled || worker || ours(blocked)) {
      fail('The page\'s Content-Security-Policy blocked ' + event.blockedURI + ' (' + event.effectiveDirective + '). See "Content-Security-Policy" in the oneflow-web README for the policy it needs.');
    }
  }
  // A runtime that fails while starting throws from its own files (or names them):
  // report it as ours and keep it out of the page's error handlers.
  function contain(event, text) {
    if (ours(text) || runtimeFiles.some(function (prefix) { return text.indexOf(prefix) !== -1; })) {
      event.preventDefault();
      // Give the browser a moment to record the failed request, which names the file; a
      // fault with no answer may be the visitor leaving.
      unlessLeaving(function () {
        fail(httpFailure(performance.getEntriesByType('resource')) || 'Python could not start: ' + text.split('\n')[0]);
      });
    }
  }
  function rejection(event) {
    var reason = event.reason || {};
    contain(event, String(reason.message || reason) + '\n' + (reason.stack || ''));
  }
  function error(event) {
    contain(event, String(event.message) + '\n' + (event.filename || '') + '\n' + ((event.error && event.error.stack) || ''));
  }
  document.addEventListener('securitypolicyviolation', violation);
  window.addEventListener('unhandledrejection', rejection);
  window.addEventListener('error', error);
  stopWatching = function () {
    stopWatching = function () {};
    if (observer) observer.disconnect();
    document.removeEventListener('securitypolicyviolation', violation);
    window.removeEventListener('unhandledrejection', rejection);
    window.removeEventListener('error', error);
  };
}

// Stops what watchBoot watches (nothing, if it watches nothing).
export function stopWatchingBoot() {
  stopWatching();
}
