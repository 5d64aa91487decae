// Starting PyScript with our package, on the main thread or in a worker.
// Per runtime: the interpreter module PyScript loads, what the interpreter fetches itself
// (`files`), and our package as one file per thread (build.py writes python/THREAD.py and
// .mpy: oneflow_web/__init__, which unpacks the other modules when it is imported), placed
// where Python's file system has the package.
var RUNTIMES = {
  micropython: { type: 'mpy', interpreter: 'micropython/micropython.mjs', files: ['micropython/micropython.wasm'],
    suffix: '.mpy' },
  pyodide: { type: 'py', interpreter: 'pyodide/pyodide.mjs',
    files: ['pyodide/pyodide.asm.mjs', 'pyodide/pyodide.asm.wasm', 'pyodide/python_stdlib.zip', 'pyodide/pyodide-lock.json'],
    suffix: '.py' }
};
var DEFAULT_RUNTIME = 'micropython';
// PyScript plugins we do not use: skipping them saves requests, and without "error"
// PyScript never writes its error banner into the host page.
var PYSCRIPT_PLUGINS = ['!error', '!codemirror', '!deprecations-manager', '!donkey',
  '!py-editor', '!py-game', '!py-terminal'];
// PyScript's core and the chunks it imports before it can start a worker; build.py writes
// their (hashed) names.
var PYSCRIPT_MODULES = [];

// PyScript hands the functions of its worker hooks to each interpreter it starts as text, made
// back into functions by the Function constructor: what a Content-Security-Policy without
// 'unsafe-eval' refuses, on both threads. By default the one such hook serves `async` workers (pyscript.fs),
// which ours is not. So while our interpreter starts, these hooks (the page's own too) are set
// aside, and put back as soon as PyScript has read them: no 'unsafe-eval', nothing patched.
var WORKER_JS_HOOKS = ['onReady', 'onBeforeRun', 'onBeforeRunAsync', 'onAfterRun', 'onAfterRunAsync'];
var putBackWorkerHooks = function () {};

function setAsideWorkerHooks(core) {
  var kept = WORKER_JS_HOOKS.map(function (name) {
    var hooks = core.hooks.worker[name];
    var functions = Array.from(hooks);
    hooks.clear();
    return function () { functions.forEach(function (hook) { hooks.add(hook); }); };
  });
  putBackWorkerHooks = function () {
    putBackWorkerHooks = function () {};
    kept.forEach(function (putBack) { putBack(); });
  };
}

function boot(runtimeName, threadName) {
  var name = runtimeName || DEFAULT_RUNTIME;
  var thread = threadName || 'worker';
  if (!Object.prototype.hasOwnProperty.call(RUNTIMES, name)) {
    hub.fail('Unknown runtime "' + name + '": use "micropython" (the default) or "pyodide".');
    return;
  }
  if (thread !== 'main' && thread !== 'worker') {
    hub.fail('Unknown thread "' + thread + '": use "worker" (the default) or "main".');
    return;
  }
  stopWatchingBoot = watchBoot();
  if (!webAssemblyAllowed()) return;
  var runtime = RUNTIMES[name];
  var pythonPackage = 'python/' + thread + runtime.suffix;
  var filesAnswered = fetchAtOnce(runtime, thread, pythonPackage);
  var files = {};
  files[base + pythonPackage] = './oneflow_web/__init__' + runtime.suffix;
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
    progress();
    setAsideWorkerHooks(core);  // before PyScript starts our interpreter, on either thread
    // A worker is not started for a destination that has failed (a file it needs did not load).
    if (thread !== 'worker') return;
    return filesAnswered.then(function (allOk) {
      if (allOk && hub.stats().state === 'loading') return startWorker(core, runtime, files);
    });
  }, function (error) {
    unlessLeaving(function () {
      hub.fail('PyScript could not be loaded from ' + base + 'pyscript/core.js (' + error.message + ').');
    });
  });
}
