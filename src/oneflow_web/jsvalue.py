"""JavaScript's view of JSON data, which triggers, mappings and payload checks all share.

Segment evaluates triggers and mappings in JavaScript, so reading `value[key]`, counting
a string's length, printing a number or writing JSON must behave as JavaScript does, on
every runtime (CPython, Pyodide, MicroPython) alike.
"""

_DIGITS = "0123456789"
_SPACE = ("\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
          "\u2028\u2029\u202f\u205f\u3000\ufeff")  # what String.prototype.trim removes
_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def utf16(text: str) -> list:
    """JavaScript strings index and count UTF-16 units, so a character beyond U+FFFF counts twice."""
    units = []
    for char in text:
        code = ord(char)
        if code < 0x10000:
            units.append(char)
        else:
            code -= 0x10000
            units.append(chr(0xD800 + (code >> 10)))
            units.append(chr(0xDC00 + (code & 0x3FF)))
    return units


def is_array_index(key: str) -> bool:
    """Whether JavaScript treats the key as an array index: "7" yes; "07", "-1" and "1.0" no."""
    if not key or (key[0] == "0" and len(key) > 1):
        return False
    for char in key:
        if char not in _DIGITS:
            return False
    return int(key) < 4294967295


def member(value, key: str, missing):
    """`value[key]` on JSON data, or `missing`; prototype members such as toString are not data."""
    if isinstance(value, dict):
        return value.get(key, missing)
    if isinstance(value, str):
        value = utf16(value)
    elif not isinstance(value, list):
        return missing
    if key == "length":
        return len(value)
    if is_array_index(key) and int(key) < len(value):
        return value[int(key)]
    return missing


def object_keys(obj: dict) -> list:
    """Object.keys: array-index keys first, by number, then the rest as inserted."""
    indexes = [key for key in obj if is_array_index(key)]
    if not indexes:
        return list(obj)
    indexes.sort(key=int)
    return indexes + [key for key in obj if not is_array_index(key)]


def trim(text: str) -> str:
    """String.prototype.trim, which removes more kinds of space than Python's strip()."""
    return text.strip(_SPACE)


def json_string(text: str) -> str:
    """JSON.stringify of a string: quoted, with JavaScript's escapes; non-ASCII kept as is
    and lone surrogates written as \\u escapes."""
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


class _Undefined:
    """JavaScript's undefined, which JSON cannot hold: a call argument or a key that 1Flow's
    own destination leaves undefined. sdk.encode carries it across the seam."""

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = _Undefined()


def literal(value) -> str:
    """A JSON value as people read it in a message or a preview: JavaScript's strings and
    numbers, keys sorted. Sorted, because MicroPython's dicts do not keep the order the keys
    came in, and an answer must read the same on every runtime."""
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return json_string(value)
    if isinstance(value, (int, float)):
        return number_text(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    return "{" + ", ".join(json_string(key) + ": " + literal(value[key]) for key in sorted(value)) + "}"


def shown(value, limit: int = 80) -> str:
    """`literal`, cut short: a value quoted in a message, which must stay one readable line."""
    text = literal(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def number_text(number) -> str:
    """String(number): JavaScript prints 1.0 as "1", 1e21 as "1e+21" and 1e-7 as "1e-7"."""
    if isinstance(number, int) and -9007199254740992 < number < 9007199254740992:
        return str(number)
    number = float(number)
    if number in (_INFINITY, -_INFINITY):  # from decoding JSON like 1e400
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    mantissa, _, exponent = repr(abs(number)).partition("e")  # shortest round-trip digits
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    point = len(whole) - (len(whole + fraction) - len(digits)) + int(exponent or "0")
    digits = digits.rstrip("0")
    sign = "-" if number < 0 else ""
    if len(digits) <= point <= 21:
        return sign + digits + "0" * (point - len(digits))
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    shown = point - 1
    tail = "." + digits[1:] if len(digits) > 1 else ""
    return sign + digits[0] + tail + "e" + ("+" if shown >= 0 else "-") + str(abs(shown))


def kind(value) -> str:
    """How an error message names a JSON value's type."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "an array"
    return "an object"


_INFINITY = float("inf")
