// Held events that survive the visitor leaving the page. When the page is hidden or left
// with events not yet delivered, they are saved in the site's localStorage, tagged with the
// API key and the time, in an entry of this page's own (one per save); the next page with the
// same key takes every such entry, under a Web Lock where there is one (two tabs never both
// take one), once its settings are valid, and delivers those events before its own.
// Saved events belong to storage, not to the page: while the page has events saved it
// delivers nothing (they are the oldest, and another tab may take them at any moment), and
// saves what arrives while it is hidden at once. Shown again (the tab, or the back/forward
// cache), it takes back what is still there, under the same lock, and delivers it; what
// another page took is that page's to deliver, never both. A worker batch in flight when the
// page is hidden is saved too; its answer is acted on only if its entry is still there.
// Where consent categories may apply, nothing is saved: an event is stored only if it could
// have been sent. `persist: false` turns it off.
import { PREFIX, VERSION } from './config.js';
import { consentMayApply } from './consent.js';
import { hub } from './hub.js';

var SAVED_PREFIX = 'oneflow-web:held:';
var SAVED_VERSION = 1;
var SAVED_MAX_AGE_MS = 24 * 60 * 60 * 1000;
var LOCK_HELD_MS = 100;

// `page` is the plugin's side: `take()` hands over (and forgets) the events it holds, as JSON
// text in order, `inFlight()` lists the worker's batch in flight, `giveBack(events)` puts
// events taken back first in its queue.
export function createPersistence(settings, counts, bufferLimit, page) {
  var key = typeof settings.projectApiKey === 'string' ? settings.projectApiKey.trim() : '';
  var off = settings.persist === false || settings.persist === 'false' || !key;
  var keyPrefix = SAVED_PREFIX + encodeURIComponent(key) + ':';
  var ownPrefix = keyPrefix + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2) + '-';
  var saves = 0;
  var parked = [];  // this page's entries in storage: {key, events, inFlight}
  var hidden = false;
  var warned = false;

  function warnOnce(text) {
    if (warned) return;
    warned = true;
    console.warn(PREFIX + ' ' + text);
  }
  function debug(text) {
    if (settings.debug === true) console.log(PREFIX, text);
  }
  function storage() {
    try {
      var store = window.localStorage;
      store.getItem(SAVED_PREFIX);  // a store that is disabled throws here, not before
      return store;
    } catch (error) {
      warnOnce('held events cannot be kept for the next page: this page has no usable localStorage (' + error.message + ').');
      return null;
    }
  }
  function recount() {
    counts.saved = parked.reduce(function (sum, entry) { return sum + entry.events.length; }, 0);
  }
  // Resolves to what work() returns, done under the Web Lock where there is one. The lock is
  // held a moment after: Chromium hands a tab's localStorage writes to other tabs
  // asynchronously, and the next tab to take the lock must read the entries this one removed
  // as removed.
  function withLock(work) {
    if (!navigator.locks) return Promise.resolve(work());
    return new Promise(function (resolve) {
      var done = false;
      navigator.locks.request(SAVED_PREFIX + encodeURIComponent(key), function () {
        done = true;
        resolve(work());
        return new Promise(function (release) { setTimeout(release, LOCK_HELD_MS); });
      }).catch(function () {
        // A lock refused (an opaque origin, say) is the only failure here: work() itself never throws.
        if (!done) resolve(work());
      });
    });
  }

  // Writes `events` in one new entry, as many as storage takes, oldest first (the rest stay
  // held, after them); returns how many it wrote.
  function write(store, events, inFlight) {
    var kept = events.slice(0, bufferLimit);
    var seq = saves++;
    var name = ownPrefix + seq;
    while (kept.length) {
      try {
        store.setItem(name, JSON.stringify({ version: SAVED_VERSION, time: Date.now(), seq: seq, events: kept }));
        break;
      } catch (error) {
        kept = kept.slice(0, Math.floor(kept.length / 2));  // storage is full: keep the oldest half
        warnOnce('the browser\'s storage did not take every held event (' + error.name + '); the newest are not saved.');
      }
    }
    if (kept.length) parked.push({ key: name, events: kept, inFlight: inFlight });
    return kept.length;
  }

  // The page is hidden or left: every event it holds goes to storage (see above).
  function save() {
    if (off || consentMayApply(settings, hub.integration)) return;
    var flight = page.inFlight();
    var flightSaved = parked.some(function (entry) { return entry.inFlight; });
    var held = page.take();
    if (!held.length && (!flight.length || flightSaved)) return;
    var store = storage();
    if (!store) {
      page.giveBack(held);
      counts.unsaved = held.length;
      return;
    }
    if (flight.length && !flightSaved) write(store, flight, true);
    var written = held.length ? write(store, held, false) : 0;
    page.giveBack(held.slice(written));
    counts.unsaved = held.length - written;
    recount();
    if (written) debug('saved ' + written + ' held event(s) in localStorage for the next page.');
  }

  // Shown again: this page's entries that are still there are its own again.
  function takeBack() {
    var taking = parked.filter(function (entry) { return !entry.taking; });  // shown twice: taken once
    if (!taking.length) return;
    taking.forEach(function (entry) { entry.taking = true; });
    withLock(function () {
      var store = storage();
      var back = [];
      var taken = 0;
      taking.forEach(function (entry) {
        var there = false;
        try {
          there = store.getItem(entry.key) !== null;
          if (there) store.removeItem(entry.key);
        } catch (error) {
          there = false;
        }
        if (!there) counts.handedOver += entry.events.length;
        else if (!entry.inFlight) back = back.concat(entry.events);  // a batch in flight is acted on when it answers
        taken += there ? entry.events.length : 0;
        parked.splice(parked.indexOf(entry), 1);
      });
      recount();
      if (taken) debug('took back the ' + taken + ' saved event(s): this page delivers them itself.');
      return back;
    }).then(page.giveBack);
  }

  // The worker's answer to a batch that was saved while in flight: act on it only if its
  // entry is still there (removed now), else another page has taken those events.
  function mayAct() {
    var entry = parked.filter(function (saved) { return saved.inFlight; })[0];
    if (!entry) return true;
    parked.splice(parked.indexOf(entry), 1);
    recount();
    var there = false;
    try {
      var store = window.localStorage;
      there = store.getItem(entry.key) !== null;
      if (there) store.removeItem(entry.key);
    } catch (error) {
      there = false;
    }
    if (!there) counts.handedOver += entry.events.length;
    return there;
  }

  // Every save of the same key but this page's, removed from storage as it is read.
  function takeSaved(store) {
    var saved = [];
    var names = [];
    for (var i = 0; i < store.length; i++) {
      var name = store.key(i);
      if (name && name.indexOf(keyPrefix) === 0 && name.indexOf(ownPrefix) !== 0) names.push(name);
    }
    names.forEach(function (name) {
      var entry = parseSave(store.getItem(name));
      store.removeItem(name);
      if (!entry) {
        warnOnce('removed an entry under ' + SAVED_PREFIX + ' from localStorage: it does not hold events saved by oneflow-web ' + VERSION + '.');
      } else if (Date.now() - entry.time > SAVED_MAX_AGE_MS) {
        counts.dropped += entry.events.length;
        debug('dropped ' + entry.events.length + ' saved event(s) older than a day.');
      } else {
        saved.push(entry);
      }
    });
    saved.sort(function (a, b) { return a.time - b.time || (a.seq || 0) - (b.seq || 0); });
    return saved.reduce(function (all, entry) { return all.concat(entry.events); }, []);
  }

  // Resolves to the saved events to deliver first: each messageId once, at most bufferLimit.
  function claim() {
    var store = storage();
    if (!store) return Promise.resolve([]);
    return withLock(function () {
      var ids = Object.create(null);
      var events;
      try {
        events = takeSaved(store);
      } catch (error) {
        warnOnce('saved events could not be read from localStorage (' + error.name + ').');
        return [];
      }
      events = events.filter(function (text) {
        var id = messageIdOf(text);
        if (id === null) return true;
        if (ids[id]) return false;
        ids[id] = true;
        return true;
      });
      counts.dropped += Math.max(0, events.length - bufferLimit);
      events = events.slice(-bufferLimit);
      counts.replayed += events.length;
      if (events.length) debug('replaying ' + events.length + ' event(s) saved by an earlier page.');
      return events;
    });
  }

  function onHidden() {
    hidden = true;
    save();
  }
  function onShown() {
    hidden = false;
    takeBack();
  }
  if (!off) {
    window.addEventListener('pagehide', onHidden);
    window.addEventListener('pageshow', function (event) {
      if (event.persisted) onShown();
    });
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') onHidden();
      else onShown();
    });
  }

  return {
    claim: off ? function () { return Promise.resolve([]); } : claim,
    // While the page has events in storage it delivers nothing (see above).
    holding: function () { return parked.some(function (entry) { return !entry.inFlight; }); },
    // An event the page holds arrived: while hidden, it goes to storage at once.
    arrived: function () {
      if (hidden) save();
    },
    mayAct: mayAct
  };
}

function parseSave(text) {
  var saved;
  try {
    saved = JSON.parse(text);
  } catch (error) {
    return null;
  }
  var valid = saved && saved.version === SAVED_VERSION && typeof saved.time === 'number' &&
    Array.isArray(saved.events) && saved.events.every(function (event) { return typeof event === 'string'; });
  return valid ? saved : null;
}

function messageIdOf(text) {
  try {
    var id = JSON.parse(text).messageId;
    return typeof id === 'string' ? id : null;
  } catch (error) {
    return null;
  }
}
