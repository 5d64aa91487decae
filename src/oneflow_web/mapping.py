"""Segment's mapping-kit mappings in plain Python: the public API, and `prepare`.

Field mappings come from Segment settings written for mapping-kit's `transform`
(@segment/actions-core), so running them here must produce the same payload. What each
directive computes is in mapping_directives.py; this module checks a mapping once, runs
it, settles what still holds undefined and names the field of a problem, and prepares
the per-event path. The modules run unchanged on CPython, Pyodide and MicroPython, hence
no typing, re or functools.
"""
from .jsvalue import member
from .mapping_checks import _Problem, _check_root, _kind
from .mapping_directives import _directive_name, _resolve
from .mapping_paths import _UNDEFINED, _collect_reads, _split, _truthy, _unprefix


class MappingError(ValueError):
    """A mapping that cannot run; the message names the field so the settings can be fixed."""


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


def _settle(container):
    if isinstance(container, dict):
        for key in [key for key in container if container[key] is _UNDEFINED]:
            del container[key]
    else:
        for index in range(len(container)):
            if container[index] is _UNDEFINED:
                container[index] = None


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
