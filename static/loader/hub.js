/*
 * oneflow-web loader: the "1Flow Web (Actions)" destination for Segment's Analytics.js,
 * written in Python that runs in the browser through PyScript.
 *
 * The loader stays small and dumb on purpose. It hands Analytics.js a plugin at once (so
 * Analytics.js never waits for an interpreter), boots PyScript with our Python package
 * from where dist/ is served, and passes every event to Python, in order, as JSON text.
 * All decisions (settings, triggers, mappings, 1Flow calls) are made in Python; the loader
 * only holds events until Python is ready and reports when it never will be.
 *
 * static/loader/ holds it as ES modules, one concern each, which esbuild bundles (build.py)
 * into dist/oneflow-web.js (the classic script, from script-tag.js) and dist/esm/oneflow-web.mjs
 * (the module for bundlers, from module.js). This one is the page-wide hub, window.oneflowWeb:
 * what Python (bridge.py, worker.py) and people debugging a site see of the loader.
 */
import { VERSION } from './config.js';

// The page's hub, once the destination is installed on the page (install.js); null before.
export var hub = null;

// The page-wide hub: Python starts `whenLoaded`, reads `settings` and `integration` (what the
// CDN settings hold for us), sets `leftOut` (the subscriptions it cannot use, as JSON), calls
// `reading` (the event keys it reads) and `loadSdk` once, `ready` or `fail` once (`resume` once the SDK it waited for is there), and
// `call` for each 1Flow call. `stats` is for people debugging a site, and `started` (a promise,
// once a plugin is made) for a site that wants to know when 1Flow is ready or why it never will
// be. (`stop` ends at any time; `failed` says it has.) The functions Python calls are the
// plugin's (plugin.js), set here when it is made; `loadSdk` is sdk.js's.
export function createHub(loadSdk) {
  hub = window.oneflowWeb = {
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
  return hub;
}
