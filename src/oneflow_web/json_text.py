"""JSON text for the calls and answers that cross the seam, in time that grows with its length.

MicroPython's json.dumps writes into one buffer a character or a piece at a time, and the
buffer grows by a little each time, so its time grows with the square of the text's length: a
1 MB properties object took 1.5 s to encode, and the worker's answer, which holds that text
again as a string, 3 s more. For large text MicroPython here writes small pieces with
json.dumps and joins them once, which is linear; the text is the same, character for character
(tests/test_json_text.py). Small text, every usual event, goes to json.dumps at once, which is
four times quicker than pieces then. CPython's json.dumps has no such cost and is used as it is.
"""
import json
import sys

_PIECEWISE = sys.implementation.name == "micropython"
# Below this length of source text, json.dumps's own time is a millisecond or two.
_SMALL = 16384
# Pieces short enough for json.dumps to write quickly.
_CHUNK = 4096
# Containers nested deeper than this are left to json.dumps whole: the event's data is rarely
# deep, and Python frames cost more of MicroPython's small stack than json.dumps's own.
_MAX_DEPTH = 16


def dumps(value, source_length: int) -> str:
    """json.dumps(value), with its separators (", " and ": "). `source_length` is the length of the
    JSON text `value` was made from (an event, a batch): the text to write is about as long, and
    knowing it costs nothing, where measuring `value` would cost what is saved."""
    if not _PIECEWISE or source_length < _SMALL:
        return json.dumps(value)
    pieces = []
    _write(value, pieces, 0)
    return "".join(pieces)


def _write(value, out: list, depth: int) -> None:
    if isinstance(value, str):
        if len(value) <= _CHUNK:
            out.append(json.dumps(value))
            return
        out.append('"')
        for start in range(0, len(value), _CHUNK):
            out.append(json.dumps(value[start:start + _CHUNK])[1:-1])
        out.append('"')
    elif isinstance(value, dict) and depth < _MAX_DEPTH and all(isinstance(key, str) for key in value):
        out.append("{")
        for index, key in enumerate(value):
            if index:
                out.append(", ")
            _write(key, out, depth)
            out.append(": ")
            _write(value[key], out, depth + 1)
        out.append("}")
    elif isinstance(value, (list, tuple)) and depth < _MAX_DEPTH:
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(", ")
            _write(item, out, depth + 1)
        out.append("]")
    else:
        out.append(json.dumps(value))
