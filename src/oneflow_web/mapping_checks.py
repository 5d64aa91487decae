"""What mapping-kit rejects before it runs a mapping, checked once, when settings load.

mapping-kit validates a mapping before running it and refuses the whole mapping for one
bad option; doing the same here means a mistake in the settings fails at start-up, with
its field named, instead of giving some events a wrong payload. Running a mapping
(mapping_directives.py) reports its problems the same way, so `_Problem` and its helpers
live here, where the first problems arise.
"""
from .jsvalue import json_string, kind, utf16
from .mapping_paths import _UNDEFINED

_ROOT_KEY = "__segment_internal_directive"
_MAX_PATTERN = 10  # mapping-kit's limit, for @replace patterns and replacements alike


class _Problem(Exception):
    """A problem travelling up the mapping; each level adds its key to `route` on the
    way, so no path has to be tracked while everything goes well."""

    def __init__(self, text):
        super().__init__(text)
        self.text = text
        self.route = []


def _within(step, fn, *args):
    try:
        return fn(*args)
    except _Problem as problem:
        problem.route.append(str(step))
        raise


def _fail(text):
    raise _Problem(text)


def _check_root(mapping):
    if not isinstance(mapping, dict):
        raise _Problem(f"should be an object of fields, but it is {_kind(mapping)}")
    if _ROOT_KEY in mapping:
        _within(_ROOT_KEY, _fail, "(a Segment-internal root directive) is not supported by this engine")
    _check(mapping)


def _check(value):
    """mapping-kit looks into objects and directives but never inside lists."""
    if not isinstance(value, dict):
        return
    if _has_directive_key(value):
        return _check_directive(value)
    for key in value:
        try:
            _check(value[key])
        except _Problem as problem:
            problem.route.append(key)
            raise


def _check_directive(obj):
    names = [key for key in obj if key[:1] == "@"]
    if len(names) > 1:
        names.sort()
        raise _Problem(f"has {len(names)} directives ({', '.join(names)}); an object holds only one")
    name = names[0]
    others = sorted(key for key in obj if key[:1] != "@" and key != "_metadata") if len(obj) > 1 else ()
    try:
        if others:
            raise _Problem(f"cannot share its object with other keys ({', '.join(others)}); "
                           "give them fields of their own")
        _CHECKS.get(name, _unknown_directive)(obj[name])
    except _Problem as problem:
        problem.route.append(name)
        raise


# The next two serve both validation (value only) and running (value, payload, held).
def _unknown_directive(value, payload=None, held=None):
    known = sorted(name for name in _CHECKS if name != "@liquid")
    raise _Problem(f"is not a mapping directive; use one of {', '.join(known)}")


def _no_liquid(value, payload=None, held=None):
    raise _Problem("is not supported by the browser engine (it needs liquidjs); use @template or @path instead")


def _check_options(value, checks, required=()):
    if not isinstance(value, dict) or _has_directive_key(value):
        raise _Problem(f"should be an object of options ({', '.join(sorted(checks))}), but it is {_described(value)}")
    _check(value)
    for name in checks:
        if name in value:
            _within(name, checks[name], value[name])
        elif name in required:
            raise _Problem(f'needs a "{name}" option')


def _any_value(value):
    if isinstance(value, dict) and _has_directive_key(value):
        _check_directive(value)


def _text_or_directive(value):
    if isinstance(value, dict) and _has_directive_key(value):
        _check_directive(value)
    elif not isinstance(value, str):
        raise _Problem(f"should be a string or a directive, but it is {_described(value)}")


def _object_or_directive(value):
    if not isinstance(value, dict):
        raise _Problem(f"should be an object or a directive, but it is {_described(value)}")
    _check(value)


def _text(value):
    if not isinstance(value, str):
        raise _Problem(f"should be a string, but it is {_described(value)}")


def _flag(value):
    if value is not True and value is not False:
        raise _Problem(f"should be true or false, but it is {_described(value)}")


def _list(value):
    if not isinstance(value, list):
        raise _Problem(f"should be a list, but it is {_described(value)}")


def _text_up_to(low, high):
    def check(value):
        _text(value)
        length = len(utf16(value))
        if not low <= length <= high:
            raise _Problem(f"should be {low} to {high} characters long, but it has {length}")
    return check


def _one_of(*allowed):
    def check(value):
        _text(value)
        if value.lower() not in allowed:  # mapping-kit ignores case here, but not when running
            raise _Problem(f"should be {' or '.join(allowed)}, but it is {json_string(value)}")
    return check


def _check_array_path(value):
    if not isinstance(value, list):
        raise _Problem(f"should be a list [path, item mapping], but it is {_described(value)}")
    _within(0, _text_or_directive, value[0] if value else _UNDEFINED)
    if len(value) > 1:
        _within(1, _check, value[1])


def _check_merge(value):
    _check_options(value, {"direction": _one_of("left", "right"), "objects": _list}, ("objects",))
    for index, item in enumerate(value["objects"]):
        _within("objects", _within, index, _object_or_directive, item)


_IF_OPTIONS = {"exists": _any_value, "blank": _any_value, "then": _any_value, "else": _any_value}
_CASE_OPTIONS = {"operator": _text, "value": _text_or_directive}
_REPLACE_OPTIONS = {"pattern": _text_up_to(1, _MAX_PATTERN), "replacement": _text_up_to(0, _MAX_PATTERN),
                    "value": _text_or_directive, "ignorecase": _flag, "global": _flag}
_JSON_OPTIONS = {"mode": _one_of("encode", "decode"), "value": _any_value}
_FLATTEN_OPTIONS = {"separator": _text, "value": _any_value}
_TRANSFORM_OPTIONS = {"apply": _object_or_directive, "mapping": _object_or_directive}

_CHECKS = {
    "@arrayPath": _check_array_path,
    "@case": lambda value: _check_options(value, _CASE_OPTIONS),
    "@excludeWhenNull": _any_value,
    "@flatten": lambda value: _check_options(value, _FLATTEN_OPTIONS, ("value",)),
    "@if": lambda value: _check_options(value, _IF_OPTIONS),
    "@json": lambda value: _check_options(value, _JSON_OPTIONS, ("mode", "value")),
    "@liquid": _no_liquid,
    "@literal": _any_value,
    "@merge": _check_merge,
    "@path": _text_or_directive,
    "@replace": lambda value: _check_options(value, _REPLACE_OPTIONS, ("pattern", "value")),
    "@template": _text_or_directive,
    "@transform": lambda value: _check_options(value, _TRANSFORM_OPTIONS, ("apply", "mapping")),
}


# ---- descriptions for messages ----

def _has_directive_key(obj):
    for key in obj:
        if key[:1] == "@":
            return True
    return False


def _kind(value):
    return "missing" if value is _UNDEFINED else kind(value)


def _described(value):
    """_kind for a value written in the mapping, where an @-keyed object is a directive."""
    return "a directive" if isinstance(value, dict) and _has_directive_key(value) else _kind(value)
