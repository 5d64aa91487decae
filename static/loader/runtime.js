// Starting PyScript with our package, on the main thread or in a worker.
// Per runtime: the interpreter module PyScript loads, what the interpreter fetches itself
// (`files`), and our package as one file per thread (build.py writes python/THREAD.py and
// .mpy: oneflow_web/__init__, which unpacks the other modules when it is imported), placed
// where Python's file system has the package.
import { PYSCRIPT_PLUGINS } from './config.js';
import { fetchAtOnce, progress } from './downloads.js';
import { watchBoot, webAssemblyAllowed } from './faults.js';
import { setAsideWorkerHooks } from './hooks.js';
import { unlessLeaving } from './life.js';
import { startWorker } from './worker.js';

var RUNTIMES = {
  micropython: { type: 'mpy', interpreter: 'micropython/micropython.mjs', files: ['micropython/micropython.wasm'],
    suffix: '.mpy' },
  pyodide: { type: 'py', interpreter: 'pyodide/pyodide.mjs',
    files: ['pyodide/pyodide.asm.mjs', 'pyodide/pyodide.asm.wasm', 'pyodide/python_stdlib.zip', 'pyodide/pyodide-lock.json'],
    suffix: '.py' }
};
var DEFAULT_RUNTIME = 'micropython';

// Starts PyScript from `base` (where dist/ is served). `plugin` is what the plugin gives
// Python (plugin.js): its `fail` ends the start-up, `loading()` says it has not ended yet.
// PyScript and the interpreters are never imported statically: a bundler must leave these
// runtime import()s alone (the comments tell webpack and Vite), and nothing is fetched before
// the plugin starts.
export function boot(base, runtimeName, threadName, plugin) {
  var name = runtimeName || DEFAULT_RUNTIME;
  var thread = threadName || 'worker';
  if (!Object.prototype.hasOwnProperty.call(RUNTIMES, name)) {
    plugin.fail('Unknown runtime "' + name + '": use "micropython" (the default) or "pyodide".');
    return;
  }
  if (thread !== 'main' && thread !== 'worker') {
    plugin.fail('Unknown thread "' + thread + '": use "worker" (the default) or "main".');
    return;
  }
  watchBoot(base, plugin.fail);
  if (!webAssemblyAllowed(plugin.fail)) return;
  var runtime = RUNTIMES[name];
  var pythonPackage = 'python/' + thread + runtime.suffix;
  var filesAnswered = fetchAtOnce(base, runtime, thread, pythonPackage, plugin.fail);
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
  import(/* webpackIgnore: true */ /* @vite-ignore */ base + 'pyscript/core.js').then(function (core) {
    progress();
    setAsideWorkerHooks(core);  // before PyScript starts our interpreter, on either thread
    // A worker is not started for a destination that has failed (a file it needs did not load).
    if (thread !== 'worker') return;
    return filesAnswered.then(function (allOk) {
      if (allOk && plugin.loading()) return startWorker(base, core, runtime, files, plugin);
    });
  }, function (error) {
    unlessLeaving(function () {
      plugin.fail('PyScript could not be loaded from ' + base + 'pyscript/core.js (' + error.message + ').');
    });
  });
}
