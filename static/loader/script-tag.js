// The classic script's entry (dist/oneflow-web.js): <script src=".../oneflow-web.js">, or a
// remote plugin Analytics.js loads from its CDN settings. It defines window['1flowDestination']
// and, with data-api-key, registers with window.analytics:
//   <script src=".../oneflow-web.js" data-api-key="KEY"></script>
// Without an Analytics.js to register with, nothing is started.
// Modules are strict; so is the classic script esbuild makes of them (this directive).
'use strict';

import { PREFIX } from './config.js';
import { install, installed } from './install.js';

function ourTag() {
  var tags = document.querySelectorAll('script[src]');
  for (var i = tags.length - 1; i >= 0; i--) {
    if (/\/oneflow-web(\.min)?\.js(\?|#|$)/.test(tags[i].src)) return tags[i];
  }
  return null;
}

function register(factory, script) {
  var analytics = window.analytics;
  if (!analytics) {
    console.error(PREFIX + ' window.analytics was not found: add the Segment snippet (or AnalyticsBrowser) before oneflow-web.js.');
  } else if (typeof analytics.register !== 'function') {
    console.error(PREFIX + ' window.analytics has no register(): use Segment snippet 5 or newer, or AnalyticsBrowser.');
  } else {
    var registered = analytics.register(factory({
      projectApiKey: script.getAttribute('data-api-key'),
      sdkUrl: script.getAttribute('data-sdk-url') || undefined,
      subscriptions: script.getAttribute('data-subscriptions') || undefined,
      debug: script.hasAttribute('data-debug'),
      runtime: script.getAttribute('data-runtime') || undefined,
      bufferLimit: script.getAttribute('data-buffer-limit') || undefined,
      sdkTimeout: script.getAttribute('data-sdk-timeout') || undefined,
      bootTimeout: script.getAttribute('data-boot-timeout') || undefined,
      thread: script.getAttribute('data-thread') || undefined,
      nonce: script.getAttribute('data-nonce') || undefined,
      persist: script.getAttribute('data-persist') || undefined,
      consentCategories: script.getAttribute('data-consent-categories') || undefined
    })[0]);
    if (registered && typeof registered.catch === 'function') {
      registered.catch(function (error) { console.error(PREFIX + ' ' + error); });
    }
  }
}

function main() {
  if (installed()) {
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
  var factory = install(new URL('.', script.src).href, script);
  if (script.hasAttribute('data-api-key')) register(factory, script);
}

main();
