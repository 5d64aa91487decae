"""The text mapping-kit makes of values: what a template prints, what @replace and @json give.

Each follows a JavaScript built-in (String(value), String.prototype.replace with an escaped
RegExp, JSON.stringify, JSON.parse) on values that may still hold `undefined` while a
mapping resolves; needing that sentinel is what keeps them here rather than in jsvalue.py.
"""
import json

from .jsvalue import json_string, number_text, object_keys, trim, utf16
from .mapping_checks import _MAX_PATTERN, _fail, _within
from .mapping_paths import _UNDEFINED, _get


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
            found = _get(payload, trim(text[start + width:end]))
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


def _is_bool(value):
    return value is True or value is False


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
        return json_string(value)
    if isinstance(value, (int, float)):
        return number_text(value) if value - value == 0 else "null"  # Infinity prints null
    if isinstance(value, list):
        return "[" + ",".join("null" if item is _UNDEFINED else _to_json(item) for item in value) + "]"
    return "{" + ",".join(json_string(key) + ":" + _to_json(value[key])
                          for key in object_keys(value) if value[key] is not _UNDEFINED) + "}"


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
