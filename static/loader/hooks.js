// PyScript hands the functions of its worker hooks to each interpreter it starts as text, made
// back into functions by the Function constructor: what a Content-Security-Policy without
// 'unsafe-eval' refuses, on both threads. By default the one such hook serves `async` workers (pyscript.fs),
// which ours is not. So while our interpreter starts, these hooks (the page's own too) are set
// aside, and put back as soon as PyScript has read them: no 'unsafe-eval', nothing patched.
var WORKER_JS_HOOKS = ['onReady', 'onBeforeRun', 'onBeforeRunAsync', 'onAfterRun', 'onAfterRunAsync'];
var putBack = function () {};

export function setAsideWorkerHooks(core) {
  var kept = WORKER_JS_HOOKS.map(function (name) {
    var hooks = core.hooks.worker[name];
    var functions = Array.from(hooks);
    hooks.clear();
    return function () { functions.forEach(function (hook) { hooks.add(hook); }); };
  });
  putBack = function () {
    putBack = function () {};
    kept.forEach(function (each) { each(); });
  };
}

// Puts back what setAsideWorkerHooks set aside, once (later calls do nothing).
export function putBackWorkerHooks() {
  putBack();
}
