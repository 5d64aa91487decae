/*
 * oneflow-web loader: the "1Flow Web (Actions)" destination for Segment's Analytics.js,
 * written in Python that runs in the browser through PyScript.
 *
 * This file stays small and dumb on purpose. It hands Analytics.js a plugin at once (so
 * Analytics.js never waits for an interpreter), boots PyScript with our Python package
 * from beside this file, and passes every event to Python, in order, as JSON text.
 * All decisions (settings, triggers, mappings, 1Flow calls) are made in Python; this
 * file only holds events until Python is ready and reports when it never will be.
 *
 * build.py writes dist/oneflow-web.js from the parts in static/loader/, one concern each,
 * inside one function: hub.js (this: the page-wide hub and the factory), life.js (the page's
 * life: a clock that stops while the page is frozen, and a visitor leaving), plugin.js (the
 * plugin Analytics.js calls), middleware.js (destination middleware), consent.js (what the
 * page must know of consent), persist.js (held events kept for the next page), sdk.js (the 1Flow SDK), downloads.js (what start-up fetches,
 * and the boot clock), runtime.js (starting PyScript), worker.js (worker mode), faults.js
 * (start-up failures the browser reports), script-tag.js (the script-tag entry).
 */
var NAME = '1Flow Web (Actions)';
var FACTORY = '1flowDestination';
var VERSION = '0.1.0';
var PREFIX = '[' + NAME + ']';
var DEFAULT_BUFFER_LIMIT = 1000;
var DEFAULT_BOOT_TIMEOUT = 60000;

if (window.oneflowWeb) {
  console.warn(PREFIX + ' oneflow-web.js is included more than once; the first copy is used.');
  return;
}

// Our own tag says where dist/ is. Run by another script (a bundler's, an eval, an inline
// copy), there is no such tag: then the last tag that loaded a file of this name, if any.
var script = document.currentScript && document.currentScript.src ? document.currentScript : ourTag();
if (!script) {
  console.error(PREFIX + ' oneflow-web.js could not find its own <script> tag, so it cannot tell where the rest of dist/ is: include it with <script src=".../oneflow-web.js">.');
  return;
}
var base = new URL('.', script.src).href;
var plugin = null;

// The page-wide hub: Python starts `whenLoaded`, reads `settings` and `integration` (what the
// CDN settings hold for us), sets `leftOut` (the subscriptions it cannot use, as JSON), calls
// `reading` (the event keys it reads) and `loadSdk` once, `ready` or `fail` once (`resume` once the SDK it waited for is there), and
// `call` for each 1Flow call. `stats` is for people debugging a site, and `started` (a promise,
// once a plugin is made) for a site that wants to know when 1Flow is ready or why it never will
// be. (`stop` ends at any time; `failed` says it has.)
var hub = window.oneflowWeb = {
  version: VERSION,
  settings: null,
  integration: 'null',
  leftOut: '[]',
  nonce: '',
  loadSdk: loadSdk,
  whenLoaded: null,
  reading: null,
  ready: null,
  resume: null,
  fail: null,
  stop: null,
  call: null,
  started: null,
  failed: false,
  stats: function () { return { state: 'no plugin created yet' }; }
};

// Analytics.js calls this with the remotePlugins entry's settings; called again with
// none, it returns the plugin already made.
function factory(settings) {
  if (!plugin) {
    plugin = createPlugin(settings || {});
  } else if (settings !== undefined && JSON.stringify(settings) !== hub.settings) {
    console.error(PREFIX + ' a second, different configuration was ignored: one page runs one 1Flow destination.');
  }
  return [plugin];
}
factory.pluginName = NAME;
window[FACTORY] = factory;

function ourTag() {
  var tags = document.querySelectorAll('script[src]');
  for (var i = tags.length - 1; i >= 0; i--) {
    if (/\/oneflow-web(\.min)?\.js(\?|#|$)/.test(tags[i].src)) return tags[i];
  }
  return null;
}

function whole(value, fallback) {
  var number = Number(value);
  return value != null && value !== '' && number > 0 && number % 1 === 0 ? number : fallback;
}

// The CSP nonce the scripts we add get: the `nonce` setting, else our own tag's, else that
// of a script already on the page. Analytics.js injects remote plugins without one, and
// browsers hide the attribute, so it is read from the `nonce` property.
function pageNonce(setting) {
  if (typeof setting === 'string' && setting) return setting;
  if (script.nonce) return script.nonce;
  var scripts = document.getElementsByTagName('script');
  for (var i = 0; i < scripts.length; i++) {
    if (scripts[i].nonce) return scripts[i].nonce;
  }
  return '';
}
