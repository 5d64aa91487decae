// The 1Flow SDK: found where each generation lives, injected once (after a preload that
// overlaps its download with Python's start), ready when the SDK itself says so.
import { DEFAULT_SDK_URL } from './config.js';
import { stopBootClock } from './downloads.js';
import { putBackWorkerHooks } from './hooks.js';
import { hub } from './hub.js';
import { clockNow, downloading, leaving, unlessLeaving } from './life.js';

var SDK_POLL_MS = 10;

// The 1Flow SDK, wherever it lives. The 2022 build declares `const _1flow` at the top of
// a classic script: a global binding that only a lookup by name finds (window._1flow stays
// undefined, and Python cannot see it). The newer build assigns window._1flow, which the
// same lookup finds. A binding declared by a script that failed before setting it throws.
export function findSdk() {
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

// The one SDK script this page injected: {stub, loaded}. A worker started again asks again.
var injected = null;

// Python says what to load; this injects it once and answers done(generation, '') when the
// SDK itself is usable, or done('', state) when it failed to load or time ran out. Usable
// means: our script has loaded, and _1flow is the 2022 object with window.glob set (its
// signal that its configuration has loaded), or a command function other than the one on
// the page before the SDK ran (a queueing stub, such as Segment's, is not the SDK).
export function loadSdk(url, apiKey, timeoutMs, done) {
  if (hub.failed) return;  // Python may start after a fault (a late analytics.load())
  stopBootClock();  // Python is running: it asks for the SDK once the settings are valid
  putBackWorkerHooks();  // on the main thread, PyScript has read them by now
  var before = findSdk();
  var stub = injected ? injected.stub : generation(before) === 'command' ? before : null;
  var loaded = !injected && generation(before) === 'object';  // already on the page: never run it twice
  var deadline = clockNow() + timeoutMs;
  var finished = false;
  var retrying = false;  // the download was aborted as the visitor left: tried again on return

  function state() {
    var sdk = findSdk();
    var kind = generation(sdk);
    if (!loaded && !(injected && injected.loaded)) return 'not-loaded';
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
    else if (clockNow() >= deadline && !retrying && !leaving) finish('', now);
    else setTimeout(poll, SDK_POLL_MS);
  }
  function inject() {
    retrying = false;
    deadline = clockNow() + timeoutMs;
    downloading(true);
    var tag = injectSdk(url, apiKey, function () {
      downloading(false);
      injected.loaded = true;
    }, function () {
      downloading(false);
      retrying = true;
      unlessLeaving(function () { finish('', 'error'); }, function () {
        tag.parentNode.removeChild(tag);
        inject();
      });
    });
  }
  if (!loaded && !injected) {
    injected = { stub: stub, loaded: false };
    afterPyScriptRuns(inject);
  }
  poll();
}

// While PyScript runs a <script type="py"> (ours, on the main thread), document.currentScript
// is that tag (an own property of document, deleted when the run ends): an SDK that reads its
// own tag would find ours. So the SDK's script is added once no such run is going on.
function afterPyScriptRuns(then) {
  if (!Object.prototype.hasOwnProperty.call(document, 'currentScript')) return then();
  setTimeout(function () { afterPyScriptRuns(then); }, SDK_POLL_MS);
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
  return tag;
}

// Start the SDK's download while Python starts, without running it: the script Python has
// injected once the settings are valid then takes the preloaded copy. Only where the
// settings name a key and an http(s) URL (Python checks them all; one it refuses is
// never injected), and never where the 2022 build is already on the page. No key is sent.
export function preloadSdk(settings) {
  var key = settings.projectApiKey;
  var url;
  try {
    url = new URL(settings.sdkUrl || DEFAULT_SDK_URL, location.href);
  } catch (error) {
    return;
  }
  if (typeof key !== 'string' || !key.trim() || !/^https?:$/.test(url.protocol)) return;
  if (generation(findSdk()) === 'object') return;
  var link = document.createElement('link');
  link.rel = 'prefetch';  // kept in the HTTP cache for the script; a preload would warn when unused for seconds
  link.href = url.href;
  if (hub.nonce) link.setAttribute('nonce', hub.nonce);
  document.head.appendChild(link);
}
