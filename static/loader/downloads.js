// What start-up waits for is requested at once, when the loader starts, instead of each
// file only once the one before it has arrived (PyScript's core, its chunks, the worker's
// script, the interpreter, its files: six round trips one after another). PyScript and the
// worker then find each in the browser's cache, which is why dist/ must be served
// cacheable (README). The loader reads the interpreter's files itself, so an HTTP error is
// named at once, and it knows while bytes are arriving: a slow network is not a fault.
var WORKER_SCRIPT = 'oneflow-worker.py';
var downloads = {};  // url -> true while its bytes are arriving
var lastProgress = 0;
var bootTimer = null;

function fetchAtOnce(runtime, thread, pythonPackage) {
  PYSCRIPT_MODULES.forEach(function (name) { preload('modulepreload', base + name); });
  // PyScript fetches the worker's script on this page, where a preload answers it.
  if (thread === 'worker') preload('preload', base + WORKER_SCRIPT, 'fetch');
  [runtime.interpreter].concat(runtime.files, [pythonPackage]).forEach(function (name) {
    download(base + name);
  });
}

function preload(rel, url, as) {
  var link = document.createElement('link');
  link.rel = rel;
  link.href = url;
  if (as) {
    link.as = as;
    link.crossOrigin = 'anonymous';  // as PyScript's fetch() asks for it
  }
  if (hub.nonce) link.setAttribute('nonce', hub.nonce);
  document.head.appendChild(link);  // a failure is reported by what needs the file (faults.js names it)
}

function couldNotLoad(url, why) {
  hub.fail('Could not load ' + url + (why ? ' (' + why + ')' : '') + '. Serve the whole dist/ folder beside oneflow-web.js.');
}

// Read to the end, noting each chunk as progress; the browser keeps the response for the
// interpreter, which asks for the same URL.
function download(url) {
  downloads[url] = true;
  fetch(url).then(function (response) {
    if (!response.ok) throw new Error('HTTP ' + response.status);
    var reader = response.body.getReader();
    function read() {
      return reader.read().then(function (chunk) {
        progress();
        if (!chunk.done) return read();
        delete downloads[url];
      });
    }
    return read();
  }).catch(function (error) {
    delete downloads[url];
    couldNotLoad(url, error.message);
  });
}

// The boot clock measures silence, not time: `timeoutMs` without a byte arriving or a step
// of the start-up, while files are still downloading (a stalled download), or after they all
// have (Python not starting). Python's first answer stops it; sdkTimeout covers the SDK.
function progress() {
  lastProgress = Date.now();
}

function startBootClock(timeoutMs) {
  progress();
  bootTimer = setInterval(function () {
    if (Date.now() - lastProgress < timeoutMs) return;
    var waiting = Object.keys(downloads)[0];
    var seconds = timeoutMs / 1000 + ' s';
    hub.fail(waiting
      ? 'Python did not start: nothing arrived from ' + waiting + ' for ' + seconds + '. Check the network, and that every file of dist/ is served beside ' + base + 'oneflow-web.js.'
      : 'Python did not start within ' + seconds + ' of its files arriving. Check that every file of dist/ is served beside ' + base + 'oneflow-web.js.');
  }, Math.min(1000, timeoutMs / 4));
}

function stopBootClock() {
  clearInterval(bootTimer);
}
