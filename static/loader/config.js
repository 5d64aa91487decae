// What every part of the loader shares and nothing changes: names, defaults, and the values
// only the build knows. build.py hands esbuild those as `define`s: ONEFLOW_VERSION (the
// package's, definition.VERSION), ONEFLOW_DEFAULT_SDK_URL (definition.DEFAULT_SDK_URL) and
// ONEFLOW_PYSCRIPT_MODULES (PyScript's core and the chunks it imports before it can start a
// worker, whose names carry a hash: build.pyscript_modules() reads them from the files).
/* global ONEFLOW_VERSION, ONEFLOW_DEFAULT_SDK_URL, ONEFLOW_PYSCRIPT_MODULES */
export var NAME = '1Flow Web (Actions)';
export var FACTORY = '1flowDestination';
export var VERSION = ONEFLOW_VERSION;
export var PREFIX = '[' + NAME + ']';
// The advice for a runtime file that does not load: often part of dist/, or another version's.
export var SERVE_ALL = 'Serve the whole dist/ folder of oneflow-web ' + VERSION +
  ' (in the npm package: assets/), not a part of it or another version\'s.';
export var DEFAULT_BUFFER_LIMIT = 1000;
export var DEFAULT_BOOT_TIMEOUT = 60000;
export var DEFAULT_SDK_URL = ONEFLOW_DEFAULT_SDK_URL;
export var PYSCRIPT_MODULES = ONEFLOW_PYSCRIPT_MODULES;
// The Web Worker's main script in worker mode, beside oneflow-web.js.
export var WORKER_SCRIPT = 'oneflow-worker.py';
// PyScript plugins we do not use: skipping them saves requests, and without "error"
// PyScript never writes its error banner into the host page.
export var PYSCRIPT_PLUGINS = ['!error', '!codemirror', '!deprecations-manager', '!donkey',
  '!py-editor', '!py-game', '!py-terminal'];
