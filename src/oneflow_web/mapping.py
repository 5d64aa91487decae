"""Segment's mapping-kit directives (@path, @template, @if, ...) in plain Python.

Field mappings come from Segment settings written for mapping-kit's `transform`
(@segment/actions-core), so running them here must produce the same payload: its
JavaScript quirks are kept on purpose and noted where they bite. The module runs
unchanged on CPython, Pyodide and MicroPython, hence no typing, re or functools.
MicroPython's dicts do not keep insertion order, so nothing rests on it; only where
JavaScript's key order shows (the text @json encodes, which of two clashing @flatten
keys wins) does it matter, and CPython's order then reproduces JavaScript's.
"""
import json

from .jsvalue import is_array_index, kind, member, number_text, utf16

# JavaScript's `undefined`: a value that resolved to nothing. mapping-kit keeps it
# while resolving (so @merge can let it override a key) and removes it at the end:
# object keys holding it are dropped, list items holding it become null.
_UNDEFINED = object()

_ROOT_KEY = "__segment_internal_directive"
_INDEX_MARKS = "0123456789\"'"
_JS_SPACE = ("\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
             "\u2028\u2029\u202f\u205f\u3000\ufeff")  # what String.prototype.trim removes
_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_MAX_PATTERN = 10  # mapping-kit's limit, for @replace patterns and replacements alike


class MappingError(ValueError):
    """A mapping that cannot run; the message names the field so the settings can be fixed."""


class _Problem(Exception):
    """A problem travelling up the mapping; each level adds its key to `route` on the
    way, so no path has to be tracked while everything goes well."""

    def __init__(self, text):
        super().__init__(text)
        self.text = text
        self.route = []


def validate(mapping: dict) -> None:
    """Reject what mapping-kit rejects before running a mapping, once, when settings load."""
    try:
        _check_root(mapping)
    except _Problem as problem:
        raise _error(problem) from None


def transform(mapping: dict, data: dict) -> dict:
    """The payload `mapping` makes of `data`, as mapping-kit's transform computes it.

    The result may share lists and objects with `data`; treat both as read-only.
    A mapping that is itself one directive gives whatever that directive gives.
    """
    validate(mapping)
    return apply(mapping, data)


def prepare(mapping: dict):
    """Validate once and return `transform` for this mapping as a function of the data.

    This is the per-event path, so plain objects of fields and `@path` reads (what
    the presets use) are prepared here instead of being interpreted on every event.
    """
    validate(mapping)
    try:
        run = _prepared(mapping)
    except _Problem as problem:
        raise _error(problem) from None

    return _finisher(run)


def apply(mapping: dict, data: dict) -> dict:
    """`transform` for a mapping already validated."""
    return _finisher(lambda payload, held: _resolve(mapping, payload, held))(data)


def reads(mapping) -> set:
    """The top-level keys of the data that `mapping` can read, or None when it may read any.

    The page then sends only those keys of each event. Counting a key too many is harmless,
    one too few is not: so every @path, @template and @arrayPath string counts, wherever it
    is (even where it reads a list item, not the event), and a path or template computed
    from the data counts as "any".
    """
    keys = set()
    return keys if _collect_reads(mapping, keys) else None


def _collect_reads(value, keys):
    """Add to `keys` what `value` can read; False when that is not known before the data."""
    if isinstance(value, list):
        return all(_collect_reads(item, keys) for item in value)
    if not isinstance(value, dict):
        return True
    for name, item in value.items():
        if name == "@path":
            if not (isinstance(item, str) and _add_path(_unprefix(item), keys)):
                return False
        elif name == "@template":
            if not (isinstance(item, str) and _add_template(item, keys)):
                return False
        elif name == "@arrayPath" and isinstance(item, list) and item and isinstance(item[0], str):
            if not _add_path(_unprefix(item[0]), keys):
                return False
        if not _collect_reads(item, keys):
            return False
    return True


def _add_path(path, keys):
    parts = _split(path)
    if parts:
        keys.add(parts[0])
    return bool(parts)  # "", "." and the like read the whole data


def _add_template(text, keys):
    if "{{{" in text:
        return False  # the triple-brace pass writes data into the text the "{{" pass then reads
    start = text.find("{{")
    while start >= 0:
        end = text.find("}", start + 2)
        if end < 0:
            break
        if end > start + 2 and not _add_path(text[start + 2:end].strip(_JS_SPACE), keys):
            return False
        start = text.find("{{", start + 1)
    return True


def _finisher(run):
    """`transform` around `run`: it settles what still holds undefined and names the field of a problem."""
    def finish(data):
        if not isinstance(data, dict):
            raise TypeError(f"data must be an object, not {_kind(data)}")
        held = []
        try:
            result = run(data, held)
        except _Problem as problem:
            raise _error(problem) from None
        for container in held:
            _settle(container)
        return None if result is _UNDEFINED else result
    return finish


def _prepared(mapping):
    """A function (payload, held) -> value giving what `_resolve` gives for `mapping`."""
    if isinstance(mapping, dict):
        name = _directive_name(mapping)
        if name == "@path" and isinstance(mapping[name], str):
            return _prepared_path(_unprefix(mapping[name]))
        if name is None:
            return _prepared_object([(key, _prepared(mapping[key])) for key in mapping])
    return lambda payload, held: _resolve(mapping, payload, held)


def _prepared_path(path):
    """`_get` with the path split once; a one-step read of the event (the presets) is one lookup."""
    if path == "" or path == ".":
        return lambda payload, held: payload
    parts = _split(path)
    if len(parts) == 1:
        return _Read(parts[0])

    def read(payload, held):
        value = payload
        for key in parts:
            if not _truthy(value):
                return value
            value = member(value, key, _UNDEFINED)
        return value
    return read


def _prepared_object(fields):
    # A field that reads one key (the presets' only kind) is read in place, in order:
    # on MicroPython a Python call costs more than the read itself.
    steps = [(key, field.key if isinstance(field, _Read) else None, field) for key, field in fields]

    def run(payload, held):
        out = {}
        undefined = False
        is_dict = isinstance(payload, dict)
        for key, name, field in steps:
            if name is None:
                try:
                    value = field(payload, held)
                except _Problem as problem:
                    problem.route.append(key)
                    raise
            elif is_dict:
                value = payload.get(name, _UNDEFINED)
            else:
                value = member(payload, name, _UNDEFINED)
            out[key] = value
            undefined = undefined or value is _UNDEFINED
        if undefined:
            held.append(out)  # what `_track` does, noted while the values go by
        return out
    return run


class _Read:
    """A prepared `@path` of one key: `member(payload, key)`, callable like every prepared field."""

    def __init__(self, key):
        self.key = key

    def __call__(self, payload, held):
        return member(payload, self.key, _UNDEFINED)


def _error(problem):
    route = problem.route[::-1]
    split = 0
    while split < len(route) and route[split][:1] != "@":
        split += 1
    field = ".".join(route[:split])
    head = f'Mapping field "{field}"' if field else "Mapping"
    where = ".".join(route[split:])
    return MappingError(f"{head}: {where} {problem.text}" if where else f"{head}: {problem.text}")


def _within(step, fn, *args):
    try:
        return fn(*args)
    except _Problem as problem:
        problem.route.append(str(step))
        raise


def _fail(text):
    raise _Problem(text)


# ---- validation: what mapping-kit checks before it runs a mapping ----

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
    known = sorted(name for name in _RUNS if name != "@liquid")
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
            raise _Problem(f"should be {' or '.join(allowed)}, but it is {_to_json(value)}")
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


# ---- resolution: what mapping-kit does with a (validated or not) mapping ----

def _resolve(mapping, payload, held):
    if isinstance(mapping, dict):
        name = _directive_name(mapping)
        if name is not None:
            try:
                return _RUNS.get(name, _unknown_directive)(mapping[name], payload, held)
            except _Problem as problem:
                problem.route.append(name)
                raise
        out = {}
        for key in mapping:
            try:
                out[key] = _resolve(mapping[key], payload, held)
            except _Problem as problem:
                problem.route.append(key)
                raise
        return _track(out, held)
    if isinstance(mapping, list):
        out = []
        for index in range(len(mapping)):
            out.append(_within(index, _resolve, mapping[index], payload, held))
        return _track(out, held)
    return mapping


def _directive_name(obj):
    """An object runs as a directive only when all its other keys are `_metadata`;
    otherwise mapping-kit treats it as a plain object, @-keys and all (validation
    rejects those, but it does not look inside lists)."""
    name = None
    several = False
    for key in obj:
        if key[:1] == "@":
            several = name is not None
            name = key
        elif key != "_metadata":
            return None
    if several:
        # mapping-kit would run whichever @-key came first in the JSON text; that
        # order is not kept by every runtime, so refuse instead of guessing.
        names = sorted(key for key in obj if key[:1] == "@")
        raise _Problem(f"has several directives ({', '.join(names)}); an object holds only one")
    return name


def _option(opts, key, payload, held):
    try:
        return _resolve(opts.get(key, _UNDEFINED), payload, held)
    except _Problem as problem:
        problem.route.append(key)
        raise


def _options(value, text):
    if not isinstance(value, dict):
        raise _Problem(f"should be an object with {text}, but it is {_kind(value)}")
    return value


def _run_path(value, payload, held):
    path = _resolve(value, payload, held)
    if not isinstance(path, str):
        raise _Problem(f'should give a path string like "$.properties.plan", but it gave {_kind(path)}')
    return _get(payload, _unprefix(path))


def _run_template(value, payload, held):
    template = _resolve(value, payload, held)
    if not isinstance(template, str):
        raise _Problem(f'should give a template string like "Hi {{{{traits.name}}}}", but it gave {_kind(template)}')
    if payload is _UNDEFINED:  # JavaScript's default parameter kicks in for undefined only
        payload = {}
    return _fill(_fill(template, payload, "{{{", "}}}"), payload, "{{", "}}")


def _run_literal(value, payload, held):
    return _resolve(value, payload, held)  # mapping-kit resolves directives inside @literal too


def _run_if(value, payload, held):
    opts = _options(value, 'an "exists" or "blank" option')
    if not (_truthy(opts.get("exists")) or _truthy(opts.get("blank"))):
        raise _Problem('needs an "exists" or a "blank" option')
    if "exists" in opts:  # even a falsy "exists" wins once "blank" let the check pass
        found = _option(opts, "exists", payload, held)
        met = found is not None and found is not _UNDEFINED
    else:
        found = _option(opts, "blank", payload, held)
        met = found is not None and found is not _UNDEFINED and not _equals_empty_string(found)
    if met and "then" in opts:
        return _option(opts, "then", payload, held)
    if not met and _truthy(opts.get("else")):  # a falsy "else" (false, 0, "") gives nothing
        return _option(opts, "else", payload, held)
    return _UNDEFINED


def _run_case(value, payload, held):
    opts = _options(value, 'an "operator" option')
    operator = opts.get("operator")
    if not _truthy(operator):
        raise _Problem('needs an "operator" option: "lower" or "upper"')
    if not _truthy(opts.get("value")):
        return _UNDEFINED
    found = _option(opts, "value", payload, held)
    if not isinstance(found, str):
        return found
    if operator == "lower":
        return found.lower()
    if operator == "upper":
        return found.upper()
    return _within("operator", _fail, f'should be "lower" or "upper", but it is {_to_json(operator)}')


def _run_replace(value, payload, held):
    opts = _options(value, '"pattern" and "value" options')
    if not _truthy(opts.get("pattern")):
        raise _Problem('needs a "pattern" option: the text to replace')
    if not _truthy(opts.get("value")):
        return _UNDEFINED
    found = _option(opts, "value", payload, held)
    if isinstance(found, (bool, int, float)):
        found = _js_string(found)
    pattern = opts["pattern"]
    replacement = _or(opts.get("replacement"), "")
    ignore_case = _or(opts.get("ignorecase"), False)
    every = _or(opts.get("global"), True)
    if not (isinstance(found, str) and isinstance(pattern, str) and isinstance(replacement, str)
            and _is_bool(ignore_case) and _is_bool(every)):
        return ""
    found = _replace(found, "pattern", pattern, replacement, every, ignore_case)
    second = opts.get("pattern2")
    replacement = _or(opts.get("replacement2"), "")
    if _truthy(second) and isinstance(second, str) and isinstance(replacement, str):
        found = _replace(found, "pattern2", second, replacement, every, ignore_case)
    return found


def _run_array_path(value, payload, held):
    if not isinstance(value, list):
        raise _Problem(f"should be a list [path, item mapping], but it is {_kind(value)}")
    path = value[0] if value else _UNDEFINED
    shape = value[1] if len(value) > 1 else _UNDEFINED
    if isinstance(path, str):  # a plain path is looked up without being resolved
        root = _get(payload, _unprefix(path))
    else:
        root = _within(0, _resolve, path, payload, held)
    if not (isinstance(root, (dict, list)) and isinstance(shape, dict) and shape):
        return root
    items = root if isinstance(root, list) else [root]
    return _track([_within(1, _resolve, shape, item, held) for item in items], held)


def _run_json(value, payload, held):
    opts = _options(value, '"mode" and "value" options')
    mode = opts.get("mode")
    if not _truthy(mode):
        raise _Problem('needs a "mode" option: "encode" or "decode"')
    if not _truthy(opts.get("value")):  # so false, 0, "" and null are refused too
        raise _Problem('needs a "value" option that is not false, 0, "" or null')
    found = _option(opts, "value", payload, held)
    if mode == "encode":
        return _UNDEFINED if found is _UNDEFINED else _to_json(found)
    if mode == "decode":
        return _from_json(found) if isinstance(found, str) else found
    return _UNDEFINED  # e.g. "Encode": validation ignores case, running does not


def _run_flatten(value, payload, held):
    opts = _options(value, '"separator" and "value" options')
    if not _truthy(opts.get("separator")):
        raise _Problem('needs a "separator" option, like "."')
    separator = _option(opts, "separator", payload, held)
    if not isinstance(separator, str):
        _within("separator", _fail, f"should give a string, but it gave {_kind(separator)}")
    out = {}
    _flatten_into(out, _option(opts, "value", payload, held), "", separator, _truthy(opts.get("omitArrays")))
    return _track(out, held)


def _flatten_into(out, value, prefix, separator, keep_lists):
    if isinstance(value, dict) or (isinstance(value, list) and not keep_lists):
        keys = _js_keys(value) if isinstance(value, dict) else range(len(value))
        for key in keys:
            name = str(key)
            _flatten_into(out, value[key], prefix + separator + name if prefix else name, separator, keep_lists)
    else:
        out[prefix] = value  # later keys overwrite earlier ones, as with JS object spread


def _run_merge(value, payload, held):
    opts = _options(value, '"objects" and "direction" options')
    if not _truthy(opts.get("direction")):
        raise _Problem('needs a "direction" option: "left" or "right"')
    direction = _option(opts, "direction", payload, held)
    objects = opts.get("objects")
    if not _truthy(objects):
        raise _Problem('needs an "objects" option: a list of objects to merge')
    if not isinstance(objects, list):
        _within("objects", _fail, f"should be a list, but it is {_kind(objects)}")
    sources = [_within("objects", _within, index, _resolve, objects[index], payload, held)
               for index in range(len(objects))]
    if direction == "left":
        sources.reverse()
    out = {}
    for source in sources:  # Object.assign: a key that resolved to nothing still overrides
        if isinstance(source, dict):
            out.update(source)
        elif isinstance(source, (list, str)):
            items = utf16(source) if isinstance(source, str) else source
            for index in range(len(items)):
                out[str(index)] = items[index]
    return _track(out, held)


def _run_transform(value, payload, held):
    opts = _options(value, '"apply" and "mapping" options')
    if not _truthy(opts.get("mapping")):
        raise _Problem('needs a "mapping" option')
    apply = opts.get("apply")
    if not _truthy(apply):
        raise _Problem('needs an "apply" option')
    if not isinstance(apply, dict):
        _within("apply", _fail, f"should be an object, but it is {_kind(apply)}")
    if payload is _UNDEFINED:  # JavaScript's default parameter kicks in for undefined only
        payload = {}
    if not isinstance(payload, dict):
        raise _Problem(f"can only run on an object, but the data here is {_kind(payload)}")
    _within("apply", _check_root, apply)
    applied = _strip(_within("apply", _resolve, apply, payload, held), held)
    return _option(opts, "mapping", applied, held)


def _run_exclude_when_null(value, payload, held):
    found = _resolve(value, payload, held)
    return _UNDEFINED if found is None else _without_nulls(found, held)


def _without_nulls(value, held):
    if not isinstance(value, dict):
        return value  # lists are left alone, nulls in them included
    out = {}
    for key in value:
        item = value[key]
        out[key] = _UNDEFINED if item is None else _without_nulls(item, held)
    return _track(out, held)


_RUNS = {
    "@arrayPath": _run_array_path,
    "@case": _run_case,
    "@excludeWhenNull": _run_exclude_when_null,
    "@flatten": _run_flatten,
    "@if": _run_if,
    "@json": _run_json,
    "@liquid": _no_liquid,
    "@literal": _run_literal,
    "@merge": _run_merge,
    "@path": _run_path,
    "@replace": _run_replace,
    "@template": _run_template,
    "@transform": _run_transform,
}


# ---- holding and settling undefined ----

def _track(container, held):
    """Note a container holding undefined so `transform` can settle it at the end;
    containers from the data never hold it, so they are never walked."""
    for item in container.values() if isinstance(container, dict) else container:
        if item is _UNDEFINED:
            held.append(container)
            break
    return container


def _settle(container):
    if isinstance(container, dict):
        for key in [key for key in container if container[key] is _UNDEFINED]:
            del container[key]
    else:
        for index in range(len(container)):
            if container[index] is _UNDEFINED:
                container[index] = None


def _strip(value, held):
    """A full removeUndefined, as @transform's inner transform ends with one; lists keep undefined."""
    if isinstance(value, dict):
        return {key: _strip(item, held) for key, item in value.items() if item is not _UNDEFINED}
    if isinstance(value, list):
        return _track([_strip(item, held) for item in value], held)
    return value


# ---- paths: mapping-kit's `get` ----

def _unprefix(path):
    """The first "$." goes, wherever it is: "a.$.b" reads "a.b"."""
    at = path.find("$.")
    return path if at < 0 else path[:at] + path[at + 2:]


_SPLIT_CACHE = {}  # the same few paths are read for every event


def _split(path):
    parts = _SPLIT_CACHE.get(path)
    if parts is None:
        if len(_SPLIT_CACHE) > 1000:
            _SPLIT_CACHE.clear()
        parts = _SPLIT_CACHE[path] = _split_fresh(path)
    return parts


def _split_fresh(path):
    """Split as mapping-kit's regex does: on ".", on "[" before a quote or digit, and on
    "]"s after one; quotes are then dropped, so `a["b.c"]` still splits at the dot."""
    if "[" not in path and "]" not in path and '"' not in path and "'" not in path:
        return [part for part in path.split(".") if part]
    parts = []
    part = ""
    index = 0
    while index < len(path):
        char = path[index]
        if (char == "." or (char == "[" and index + 1 < len(path) and path[index + 1] in _INDEX_MARKS)
                or (char == "]" and index > 0 and path[index - 1] in _INDEX_MARKS)):
            while char == "]" and index + 1 < len(path) and path[index + 1] == "]":
                index += 1
            parts.append(part)
            part = ""
        else:
            part += char
        index += 1
    parts.append(part)
    return [part.replace('"', "").replace("'", "") for part in parts if part]


def _get(value, path):
    if path == "" or path == ".":
        return value
    for key in _split(path):
        if not _truthy(value):  # `obj && obj[key]`: a falsy value stops the walk and is the answer
            return value
        value = member(value, key, _UNDEFINED)
    return value


def _js_keys(obj):
    """JS orders keys: array-index keys first by number, then the rest as inserted."""
    indexes = [key for key in obj if is_array_index(key)]
    if not indexes:
        return list(obj)
    indexes.sort(key=int)
    return indexes + [key for key in obj if not is_array_index(key)]


# ---- templates and @replace ----

def _fill(text, payload, opener, closer):
    """One pass of /{{([^}]+)}}/g (or the triple-brace form) over `text`."""
    width = len(opener)
    parts = []
    done = 0
    start = text.find(opener)
    while start >= 0:
        end = text.find("}", start + width)
        if end < 0:
            break
        if end > start + width and text[end:end + width] == closer:
            found = _get(payload, text[start + width:end].strip(_JS_SPACE))
            parts.append(text[done:start])
            parts.append("" if found is None or found is _UNDEFINED else _js_string(found))
            done = end + width
            start = text.find(opener, done)
        else:
            start = text.find(opener, start + 1)
    parts.append(text[done:])
    return "".join(parts)


def _replace(text, option, pattern, replacement, every, ignore_case):
    """mapping-kit escapes the pattern into a RegExp, so it matches literally; the
    replacement still expands $$, $&, $` and $'."""
    if len(utf16(pattern)) > _MAX_PATTERN:
        _within(option, _fail, f"should be at most {_MAX_PATTERN} characters long")
    if len(utf16(replacement)) > _MAX_PATTERN:
        _within(option.replace("pattern", "replacement"), _fail, f"should be at most {_MAX_PATTERN} characters long")
    haystack, needle = (_fold(text), _fold(pattern)) if ignore_case else (text, pattern)
    parts = []
    done = 0
    at = haystack.find(needle)
    while at >= 0:
        end = at + len(needle)
        parts.append(text[done:at])
        parts.append(_expand(replacement, text, at, end))
        done = end
        at = haystack.find(needle, end) if every else -1
    parts.append(text[done:])
    return "".join(parts)


def _fold(text):
    """A RegExp's `i` flag without `u`: upper-case one character at a time, unless that
    gives several characters or turns a non-ASCII character into ASCII."""
    out = []
    for char in text:
        upper = char.upper()
        keep = len(upper) != 1 or ord(char) > 0xFFFF or (ord(char) > 127 and ord(upper) < 128)
        out.append(char if keep else upper)
    return "".join(out)


def _expand(replacement, text, start, end):
    if "$" not in replacement:
        return replacement
    parts = []
    index = 0
    while index < len(replacement):
        pair = replacement[index:index + 2]
        if pair == "$$":
            parts.append("$")
        elif pair == "$&":
            parts.append(text[start:end])
        elif pair == "$`":
            parts.append(text[:start])
        elif pair == "$'":
            parts.append(text[end:])
        else:
            parts.append(replacement[index])
            index += 1
            continue
        index += 2
    return "".join(parts)


# ---- JavaScript values ----

def _truthy(value):
    if value is None or value is _UNDEFINED or value is False:
        return False
    if isinstance(value, (str, int, float)):
        return bool(value)
    return True


def _is_bool(value):
    return value is True or value is False


def _or(value, default):
    """`value ?? default` for an option read from the mapping (absent or null)."""
    return default if value is None else value


def _equals_empty_string(value):
    """JS `value == ''`: true for "", 0, false, and lists that print as "" ([] or [null])."""
    if _is_bool(value):
        return value is False
    if isinstance(value, str):
        return value == ""
    if isinstance(value, (int, float)):
        return value == 0
    if isinstance(value, list):
        return _js_string(value) == ""
    return False


def _js_string(value):
    """String(value): what templates print and what @replace works on."""
    if isinstance(value, str):
        return value
    if _is_bool(value):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, list):
        return ",".join("" if item is None or item is _UNDEFINED else _js_string(item) for item in value)
    return "[object Object]"



def _to_json(value):
    """JSON.stringify: JS numbers and key order, no spaces, non-ASCII kept as is."""
    if value is None:
        return "null"
    if _is_bool(value):
        return "true" if value else "false"
    if isinstance(value, str):
        return _json_string(value)
    if isinstance(value, (int, float)):
        return number_text(value) if value - value == 0 else "null"  # Infinity prints null
    if isinstance(value, list):
        return "[" + ",".join("null" if item is _UNDEFINED else _to_json(item) for item in value) + "]"
    return "{" + ",".join(_json_string(key) + ":" + _to_json(value[key])
                          for key in _js_keys(value) if value[key] is not _UNDEFINED) + "}"


def _json_string(text):
    parts = ['"']
    for char in text:
        if char in _JSON_ESCAPES:
            parts.append(_JSON_ESCAPES[char])
        elif char < " " or 0xD800 <= ord(char) <= 0xDFFF:
            parts.append("\\u%04x" % ord(char))
        else:
            parts.append(char)
    parts.append('"')
    return "".join(parts)


def _from_json(text):
    """JSON.parse, or the text unchanged when it is not JSON."""
    try:
        try:
            return json.loads(text, parse_constant=_not_json)
        except TypeError:  # MicroPython's json takes no options (and is laxer than JSON.parse)
            return json.loads(text)
    except ValueError:
        return text


def _not_json(name):
    raise ValueError(f"{name} is not JSON")  # JSON.parse refuses NaN and Infinity


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
