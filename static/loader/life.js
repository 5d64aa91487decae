// The page's life, as the loader's deadlines and faults must see it.
// A clock that stands still while the page is frozen: in the back/forward cache (pagehide
// with `persisted`, until pageshow) or frozen in a background tab (freeze, until resume).
// Wall-clock time runs on there, and a page shown again after a minute would find every
// deadline (the boot clock, sdkTimeout, the worker's answer) past.
// And whether the visitor is leaving: a download the browser aborts then is no fault. Firefox
// aborts the page's pending scripts and fetches as soon as a navigation starts, with their
// `error` before `pagehide`; `beforeunload` comes first, so it is listened to while a
// download of ours is pending (only then: in Firefox a beforeunload listener keeps a page
// out of the back/forward cache).
var frozenMs = 0;
var frozenAt = null;
export var leaving = false;
var pendingDownloads = 0;
export var restored = 0;  // times the page came back from the back/forward cache
var parkedFaults = [];
var NO_ANSWER_GRACE_MS = 200;
var LEAVING_MS = 10000;  // a navigation that never left (cancelled, a download link) ends this

export function clockNow() {
  return (frozenAt === null ? performance.now() : frozenAt) - frozenMs;
}

// Calls `then` once `ms` of the clock have passed; returns a function that cancels it.
export function after(ms, then) {
  var end = clockNow() + ms;
  var timer = null;
  function check() {
    var left = end - clockNow();
    if (left <= 0) then();
    else timer = setTimeout(check, Math.min(left, 1000));
  }
  timer = setTimeout(check, Math.min(ms, 1000));
  return function () { clearTimeout(timer); };
}

// One of our downloads started (true) or ended (false).
export function downloading(started) {
  pendingDownloads += started ? 1 : -1;
  if (started && pendingDownloads === 1) window.addEventListener('beforeunload', onBeforeUnload);
  if (!started && pendingDownloads === 0) window.removeEventListener('beforeunload', onBeforeUnload);
}

function onBeforeUnload() {
  leaving = true;
  // Still here and shown a while later: the navigation did not happen.
  setTimeout(function () {
    if (leaving && document.visibilityState === 'visible') back();
  }, LEAVING_MS);
}

// A download ended without an answer: `fault` is called a moment later (the browser may
// abort a download before it says the page is going), unless the visitor is leaving or the
// page is hidden; then `retry` (or, without one, `fault`) waits until the page is shown again.
export function unlessLeaving(fault, retry) {
  setTimeout(function () {
    if (leaving || document.visibilityState === 'hidden') parkedFaults.push(retry || fault);
    else fault();
  }, NO_ANSWER_GRACE_MS);
}

// The page is shown again, or stayed: what was aborted on the way out is retried or reported.
function back() {
  leaving = false;
  var parked = parkedFaults;
  parkedFaults = [];
  parked.forEach(function (then) { then(); });
}

function freeze() {
  if (frozenAt === null) frozenAt = performance.now();
}

function thaw() {
  if (frozenAt === null) return;
  frozenMs += performance.now() - frozenAt;
  frozenAt = null;
}

// Listens to the page's life from now on: called once, when the destination is installed on
// the page (never when the module is imported: a server rendering the page has no window).
export function watchPageLife() {
  window.addEventListener('pagehide', function (event) {
    leaving = true;
    if (event.persisted) freeze();
  });
  window.addEventListener('pageshow', function (event) {
    if (!event.persisted) return;
    restored++;
    thaw();
    back();
  });
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible' && parkedFaults.length) back();
  });
  document.addEventListener('freeze', freeze);
  document.addEventListener('resume', thaw);
}
