"""The 1Flow web SDK as the page finds it: its two generations, and what "not ready" means.

1Flow has shipped two shapes of web SDK, and a site may be served either:

- the 2022 build, an object: `_1flow.logUser(userId, traits)`, `_1flow.logEvent(name,
  properties)`. It declares `const _1flow` at the top of a classic script, so only a lookup
  by name finds it (`window._1flow` stays undefined), and it is usable once it has loaded its
  configuration, which it signals by setting `window.glob`;
- the newer build, a command function on `window._1flow`, called the way 1Flow's own Segment
  destination has called it since May 2024: `_1flow("identify", userId, {...traits})` and
  `_1flow("track", name, {userId, anonymousId, properties})`, the three keys always there and
  undefined where the event has no value.

The loader (the only code that can read a global binding by name) finds the SDK, tells
which generation it is, and calls it; this module holds what Python needs to know of both:
the shape of each call and the words for each way the SDK can fail to become ready.
"""
import json

from .json_text import dumps
from .jsvalue import UNDEFINED, literal

OBJECT = "object"
COMMAND = "command"

HINT = ("If the request answered 404, check projectApiKey (your 1Flow app id) and that your "
        "1Flow plan includes the regional endpoint you use.")

# What the loader saw when the time ran out, by the state it reports.
_NOT_READY = {
    "not-loaded": "its script never finished loading",
    "missing": "it defined no _1flow",
    "no-glob": ("_1flow is there, but window.glob, which the SDK sets once it has loaded its "
                "configuration, never was"),
    "stub": ("_1flow is still the queueing stub that was on the page before the SDK loaded, "
             "and the SDK never replaced it"),
    "unusable": "_1flow is neither an object with logUser and logEvent nor a function",
}


def shape(call, generation: str) -> tuple:
    """The (method, args) the loader calls on the SDK it found; method "" calls the function."""
    if generation == COMMAND:
        return "", call.command
    return call.method, call.args


def encode(call, generation: str, source_length: int = 0) -> tuple:
    """(method, args as JSON, paths of undefined values as JSON or "") for the loader's `call`.

    JSON has no undefined, so each UNDEFINED goes across as null and its path ([argument
    index] or [argument index, key]) beside it, and the page puts undefined back. Only
    arguments and the keys of object arguments are looked at: that is where a call holds
    undefined, and the event's own data (deep, possibly large) is never walked. `source_length`
    is the length of the event's JSON text (json_text.dumps).
    """
    method, args = shape(call, generation)
    holes = []
    plain = []
    for index, arg in enumerate(args):
        if arg is UNDEFINED:
            holes.append([index])
            arg = None
        elif isinstance(arg, dict) and any(value is UNDEFINED for value in arg.values()):
            arg = dict(arg)
            for key in arg:
                if arg[key] is UNDEFINED:
                    holes.append([index, key])
                    arg[key] = None
        plain.append(arg)
    return method, dumps(plain, source_length), json.dumps(holes) if holes else ""


def call_text(call, generation: str) -> str:
    """A call as JavaScript would read it, for debug logs and previews (keys sorted: jsvalue.literal)."""
    method, args = shape(call, generation)
    return "_1flow%s(%s)" % ("." + method if method else "", ", ".join(literal(arg) for arg in args))


def problem_message(state: str, url: str, timeout_ms: int) -> str:
    """One clear sentence for an SDK that failed to load or to become ready."""
    if state == "error":
        return "The 1Flow SDK could not be loaded from %s. %s" % (url, HINT)
    seen = _NOT_READY.get(state, state)
    return "The 1Flow SDK from %s did not become ready within %g s: %s. %s" % (url, timeout_ms / 1000, seen, HINT)
