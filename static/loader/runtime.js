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
  // PyScript loads every plugin of an interpreter type unless a config of that type turns
  // them off: six chunks on the critical path for a type we do not use. (Our script on the
  // page carries its own config, and PyScript refuses a second one of its type.)
  ['py', 'mpy'].forEach(function (type) {
    if (thread === 'main' && type === runtime.type) return;
    if (!document.querySelector(type + '-config, script[type="' + type + '"]')) {
      var config = document.createElement(type + '-config');
      config.textContent = JSON.stringify({ plugins: PYSCRIPT_PLUGINS });
      document.head.appendChild(config);
    }
  });
  // Python starts only once every file has answered, on either thread: started before a late
  // failure, PyScript and the interpreter would fetch the file again and throw into the page.
  // A destination that has failed starts nothing.
  if (thread === 'main') {
    filesAnswered.then(function (allOk) {
      if (!allOk || !plugin.loading()) return;
      addPythonScript(base, runtime, files);  // PyScript runs the scripts it finds as it starts
      importPyScript(base, plugin);
    });
    return;
  }
  importPyScript(base, plugin).then(function (core) {
    return core && filesAnswered.then(function (allOk) {
      if (allOk && plugin.loading()) return startWorker(base, core, runtime, files, plugin);
    });
  });
}

// PyScript's core, its worker hooks set aside before it starts our interpreter (on either
// thread); resolves to the module, or to null once its failure is reported.
function importPyScript(base, plugin) {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ base + 'pyscript/core.js').then(function (core) {
    progress();
    setAsideWorkerHooks(core);
    return core;
  }, function (error) {
    unlessLeaving(function () {
      plugin.fail('PyScript could not be loaded from ' + base + 'pyscript/core.js (' + error.message + ').');
    });
    return null;
  });
}

// Our <script type="py"> (or "mpy"), which PyScript runs on the page's main thread.
function addPythonScript(base, runtime, files) {
  var python = document.createElement('script');
  python.type = runtime.type;
  python.setAttribute('config', JSON.stringify({
    interpreter: base + runtime.interpreter, files: files, plugins: PYSCRIPT_PLUGINS
  }));
  python.textContent = 'from oneflow_web.bridge import start\nstart()\n';
  document.head.appendChild(python);
}
