// The demo page's own script: loads Analytics.js and the destination the way a site would,
// and shows what reaches 1Flow. None of this is needed on a real site.
(async function () {
  'use strict';
  var status = document.getElementById('status');
  var log = document.getElementById('log');
  var started = performance.now();

  function show(text, kind) {
    var item = document.createElement('li');
    item.textContent = text;
    if (kind) item.className = kind;
    log.appendChild(item);
  }

  function setStatus(text, kind) {
    status.textContent = text;
    status.className = 'status ' + (kind || '');
  }

  // Show every call the local 1Flow stand-in receives: it announces each with a "1flow:call"
  // event. The 2022 SDK is a global `const`, which no page script can wrap, so with the real
  // SDK the calls are in the console instead (the demo turns data-debug on).
  window.addEventListener('1flow:call', function (event) {
    var call = event.detail;
    var args = call.args.map(function (arg) { return JSON.stringify(arg); }).join(', ');
    show(oneflowStandIn.generation === 'command'
      ? '_1flow(' + JSON.stringify(call.method) + ', ' + args + ')'
      : '_1flow.' + call.method + '(' + args + ')');
  });

  var settings = await (await fetch('settings.json', { cache: 'no-store' })).json();
  var cdnURL = new URL('..', location.href).href.replace(/\/$/, '');
  window.analytics = AnalyticsNext.AnalyticsBrowser.load(
    { writeKey: 'demo', cdnURL: cdnURL, cdnSettings: { integrations: {}, metrics: { sampleRate: 0 } } },
    { integrations: { 'Segment.io': false } }
  );

  var loader = document.createElement('script');
  loader.src = '../oneflow-web.js';
  loader.setAttribute('data-api-key', settings.projectApiKey);
  if (settings.sdkUrl) loader.setAttribute('data-sdk-url', new URL(settings.sdkUrl, location.href).href);
  loader.setAttribute('data-runtime', settings.runtime);
  loader.setAttribute('data-debug', '');
  loader.onload = function () {
    var plugin = window['1flowDestination']()[0];
    setStatus('Booting Python (' + settings.runtime + ')… events you send now are held and delivered in order.');
    plugin.load().then(function () {
      setStatus('Ready: Python on ' + settings.runtime + ' and the 1Flow SDK loaded in ' +
        Math.round(performance.now() - started) + ' ms.' +
        (window.oneflowStandIn ? '' : ' The real SDK logs nothing here: each call is in the console.'), 'ready');
    }, function (error) {
      setStatus('Not loaded: ' + error.message, 'error');
    });
  };
  document.head.appendChild(loader);

  function json(form, name) {
    try {
      return JSON.parse(form.elements[name].value || '{}');
    } catch (error) {
      show(name + ' is not valid JSON: ' + error.message, 'error');
      return null;
    }
  }

  document.getElementById('identify').addEventListener('submit', function (event) {
    event.preventDefault();
    var traits = json(this, 'traits');
    if (traits) analytics.identify(this.elements.userId.value || undefined, traits);
  });
  document.getElementById('track').addEventListener('submit', function (event) {
    event.preventDefault();
    var properties = json(this, 'properties');
    if (properties) analytics.track(this.elements.event.value, properties);
  });
  document.getElementById('page').addEventListener('submit', function (event) {
    event.preventDefault();
    analytics.page(this.elements.name.value);
  });
  document.getElementById('clear').addEventListener('click', function () { log.textContent = ''; });
})();
