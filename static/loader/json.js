// Events as JSON text: what crosses into Python, and what is saved for the next page.

// BigInt has no JSON form; its decimal text keeps the value. A replacer slows every
// stringify down, so it is only used for the rare event that needs it.
function jsonValue(key, value) {
  return typeof value === 'bigint' ? value.toString() : value;
}

export function toJson(event) {
  try {
    return JSON.stringify(event);
  } catch (error) {
    return JSON.stringify(event, jsonValue);
  }
}

// Python names the top-level keys its subscriptions read (null: it may read any), so
// the rest of an event is never serialised, copied into the interpreter or parsed.
export function pick(event, keys) {
  if (!keys || !event || typeof event !== 'object') return event;
  var picked = Object.create(null);  // so that a read "__proto__" stays a plain key
  for (var key in event) {
    if (keys[key] === true && Object.prototype.hasOwnProperty.call(event, key)) picked[key] = event[key];
  }
  return picked;
}

// A saved event's text, cut down to the keys this page's subscriptions read.
export function picked(text, reads) {
  try {
    return toJson(pick(JSON.parse(text), reads));
  } catch (error) {
    return text;  // Python says what is wrong with it
  }
}
