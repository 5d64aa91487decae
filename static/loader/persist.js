// Held events that survive the visitor leaving the page. When the page is hidden or left
// with events not yet delivered (held, or in the worker's batch in flight), they are saved
// in the site's localStorage under a key of this page's own, tagged with the API key and
// the time; the next page with the same key takes every such save, under a Web Lock where
// there is one (two tabs never both take one), once its settings are valid, and delivers
// them before its own events. A page shown again takes its own save back out: it delivers
// those events itself. Where consent categories may apply, nothing is saved: an event is
// stored only if it could have been sent. `persist: false` turns it off.
var SAVED_PREFIX = 'oneflow-web:held:';
var SAVED_VERSION = 1;
var SAVED_MAX_AGE_MS = 24 * 60 * 60 * 1000;

// `undelivered()` lists the page's events not yet delivered, as JSON text, in order.
function createPersistence(settings, counts, bufferLimit, undelivered) {
  var key = typeof settings.projectApiKey === 'string' ? settings.projectApiKey.trim() : '';
  var off = settings.persist === false || settings.persist === 'false' || !key;
  var keyPrefix = SAVED_PREFIX + encodeURIComponent(key) + ':';
  var ownKey = keyPrefix + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
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
      store.getItem(ownKey);  // a store that is disabled throws here, not before
      return store;
    } catch (error) {
      warnOnce('held events cannot be kept for the next page: this page has no usable localStorage (' + error.message + ').');
      return null;
    }
  }

  // `saved` counts the events this page has in storage now, `unsaved` those its last save
  // could not keep (no usable storage, storage full, more than bufferLimit).
  function save() {
    if (off || consentMayApply(settings, hub.integration)) return;
    var events = undelivered();
    if (!events.length && !counts.saved) return;
    var store = storage();
    if (!store) {
      counts.unsaved = events.length;
      return;
    }
    if (!events.length) return takeBack(store);
    var kept = events.slice(-bufferLimit);
    while (kept.length) {
      try {
        store.setItem(ownKey, JSON.stringify({ version: SAVED_VERSION, time: Date.now(), events: kept }));
        break;
      } catch (error) {
        kept = kept.slice(Math.ceil(kept.length / 2));  // storage is full: keep the newest half
        warnOnce('the browser\'s storage did not take every held event (' + error.name + '); the oldest are not saved.');
      }
    }
    if (!kept.length) store.removeItem(ownKey);
    counts.unsaved = events.length - kept.length;
    counts.saved = kept.length;
    if (kept.length) debug('saved ' + kept.length + ' held event(s) in localStorage for the next page.');
  }

  function takeBack(store) {
    if (!counts.saved) return;
    try {
      (store || storage()).removeItem(ownKey);
    } catch (error) {
      // no storage: nothing was saved in it
    }
    debug('took back the ' + counts.saved + ' saved event(s): this page delivers them itself.');
    counts.saved = 0;
  }

  // Every save of the same key but this page's, removed from storage as it is read.
  function takeSaved(store) {
    var saves = [];
    var names = [];
    for (var i = 0; i < store.length; i++) {
      var name = store.key(i);
      if (name && name.indexOf(keyPrefix) === 0 && name !== ownKey) names.push(name);
    }
    names.forEach(function (name) {
      var saved = parseSave(store.getItem(name));
      store.removeItem(name);
      if (!saved) {
        warnOnce('removed an entry under ' + SAVED_PREFIX + ' from localStorage: it does not hold events saved by oneflow-web ' + VERSION + '.');
      } else if (Date.now() - saved.time > SAVED_MAX_AGE_MS) {
        counts.dropped += saved.events.length;
        debug('dropped ' + saved.events.length + ' saved event(s) older than a day.');
      } else {
        saves.push(saved);
      }
    });
    saves.sort(function (a, b) { return a.time - b.time; });
    return saves.reduce(function (all, saved) { return all.concat(saved.events); }, []);
  }

  // Hands `done` the saved events to deliver first: each messageId once, at most bufferLimit.
  function claim(then) {
    var store = storage();
    var called = false;
    function done(events) {
      if (called) return;
      called = true;
      then(events);
    }
    if (!store) return done([]);
    function take() {
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
    }
    if (!navigator.locks) return done(take());
    navigator.locks.request(SAVED_PREFIX + encodeURIComponent(key), function () {
      done(take());
    }).catch(function () {
      done(take());  // a lock refused (an opaque origin, say): take them without one
    });
  }

  if (!off) {
    window.addEventListener('pagehide', save);
    window.addEventListener('pageshow', function (event) {
      if (event.persisted) takeBack();
    });
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') save();
      else takeBack();
    });
  }

  return {
    claim: off ? function (done) { done([]); } : claim,
    // Events were delivered while the page's save stands: it now holds fewer, or none.
    delivered: function () {
      if (counts.saved) save();
    }
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
