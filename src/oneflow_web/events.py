"""Events as they arrive: JSON text from the loader, turned into plain dicts.

Analytics.js serialises with JSON.stringify, which writes a lone UTF-16 surrogate as a
`\\udXXX` escape. CPython can hold such a string, MicroPython cannot (its strings are
UTF-8, and its json module does not join escaped pairs either), and 1Flow could not
store it: encoding it as UTF-8 on the way to 1Flow turns it into U+FFFD. So we do that
here, once, the same on every runtime, and write escaped pairs as the character they are.
"""
import json

REPLACEMENT = "\\ufffd"


def parse_event(text: str):
    if "\\ud" in text or "\\uD" in text:
        text = _replace_lone_surrogates(text)
    return json.loads(text)


def _replace_lone_surrogates(text: str) -> str:
    """Rewrite surrogate escapes: a pair as its character, a lone half as U+FFFD."""
    out = []
    i = 0
    start = 0
    length = len(text)
    while i < length:
        if text[i] != "\\":
            i += 1
            continue
        if text[i + 1:i + 2] != "u":
            i += 2  # an escaped character, possibly a backslash: never the start of \u
            continue
        unit = _unit(text, i)
        if unit is None or not 0xD800 <= unit <= 0xDFFF:
            i += 6
            continue
        following = _unit(text, i + 6) if unit < 0xDC00 else None
        out.append(text[start:i])
        if following is not None and 0xDC00 <= following <= 0xDFFF:
            out.append(chr(0x10000 + ((unit - 0xD800) << 10) + (following - 0xDC00)))
            i += 12
        else:
            out.append(REPLACEMENT)
            i += 6
        start = i
    out.append(text[start:])
    return "".join(out)


def _unit(text: str, at: int):
    """The code unit of a `\\uXXXX` escape at `at`, or None if there is none there."""
    if text[at:at + 2] != "\\u" or len(text) < at + 6:
        return None
    try:
        return int(text[at + 2:at + 6], 16)
    except ValueError:
        return None
