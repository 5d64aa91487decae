// Script-tag use: <script src=".../oneflow-web.js" data-api-key="KEY"></script>
// Without an Analytics.js to register with, nothing is started.
if (script.hasAttribute('data-api-key')) {
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
