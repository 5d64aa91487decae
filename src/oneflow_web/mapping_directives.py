"""What each mapping-kit directive (@path, @template, @if, ...) computes from the data.

Field mappings come from Segment settings written for mapping-kit's `transform`
(@segment/actions-core), so each directive here must compute what mapping-kit's
JavaScript computes, quirks included: they are kept on purpose and noted where they
bite. MicroPython's dicts do not keep insertion order, so nothing rests on it; only
where JavaScript's key order shows (the text @json encodes, which of two clashing
@flatten keys wins) does it matter, and CPython's order then reproduces JavaScript's.
"""
from .jsvalue import object_keys, utf16
from .mapping_checks import _Problem, _check_root, _fail, _kind, _no_liquid, _unknown_directive, _within
from .mapping_paths import _UNDEFINED, _get, _truthy, _unprefix
from .mapping_text import _fill, _from_json, _is_bool, _js_string, _replace, _to_json


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
        keys = object_keys(value) if isinstance(value, dict) else range(len(value))
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


# ---- holding undefined ----

def _track(container, held):
    """Note a container holding undefined so `transform` can settle it at the end (`_settle`
    in mapping.py); containers from the data never hold it, so they are never walked."""
    for item in container.values() if isinstance(container, dict) else container:
        if item is _UNDEFINED:
            held.append(container)
            break
    return container


def _strip(value, held):
    """A full removeUndefined, as @transform's inner transform ends with one; lists keep undefined."""
    if isinstance(value, dict):
        return {key: _strip(item, held) for key, item in value.items() if item is not _UNDEFINED}
    if isinstance(value, list):
        return _track([_strip(item, held) for item in value], held)
    return value


# ---- JavaScript values ----

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
