"""Reading the data along mapping-kit's paths ("$.properties.plan", `items[0]`, `a["b.c"]`).

A read must stop where mapping-kit's `get` stops and give what it gives, JavaScript's
`undefined` included, so the sentinel for it is defined here, below the other mapping
modules. The same paths, read before any data is there, tell the page which keys of an
event a mapping can need (`mapping.reads`).
"""
from .jsvalue import member, trim

# JavaScript's `undefined`: a value that resolved to nothing. mapping-kit keeps it
# while resolving (so @merge can let it override a key) and removes it at the end:
# object keys holding it are dropped, list items holding it become null.
_UNDEFINED = object()
_INDEX_MARKS = "0123456789\"'"


def _truthy(value):
    """JavaScript's truthiness, undefined included, as in `obj && obj[key]` and mapping-kit's option tests."""
    if value is None or value is _UNDEFINED or value is False:
        return False
    if isinstance(value, (str, int, float)):
        return bool(value)
    return True


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


# ---- what a mapping can read, known before the data ----

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
        if end > start + 2 and not _add_path(trim(text[start + 2:end]), keys):
            return False
        start = text.find("{{", start + 1)
    return True
