"""json_text.dumps: the same text as json.dumps, on MicroPython too, where large text is built in
pieces (json.dumps there takes time that grows with the square of the text's length)."""
import json

from _micropython import run_micropython
from oneflow_web import json_text

# Values that cross the seam: long text split across pieces (escapes, quotes and characters
# beyond ASCII at the joins), many keys, deep nesting beyond the depth built in pieces, numbers.
CASES = """[
    "x" * 10000,
    ('"\\\\' + "\\n\\u00e9\\U0001F44B\\u2028<>&") * 1500,
    {"k%d" % i: "v" * 100 for i in range(300)},
    [1, 1.5, -0.0, 1e300, None, True, False, "", [], {}, [[]], {"a": {}}],
    {"nested": {"d": {"d": {"d": {"d": {"d": {"d": {"d": {"d": {"d": {"d": {"d": {"d": {"d": {"d": {"d": {"d": {"d": {"d": [1, "x" * 5000]}}}}}}}}}}}}}}}}}}},
    ("tuple", ["in", "a", "list"]),
    [{"method": "logEvent", "args": '["big", {"k": "' + "q" * 9000 + '"}]'}],
]"""


def pieces(value) -> str:
    out = []
    json_text._write(value, out, 0)
    return "".join(out)


def test_the_text_built_in_pieces_is_json_dumps_character_for_character():
    for value in eval(CASES):
        assert pieces(value) == json.dumps(value)


def test_on_micropython_dumps_is_json_dumps_character_for_character_from_large_sources_and_small():
    answers = run_micropython("import json\nfrom oneflow_web import json_text\n"
                              "for value in %s:\n"
                              "    large, small = json_text.dumps(value, 1 << 20), json_text.dumps(value, 10)\n"
                              "    print(json.dumps([json_text._PIECEWISE, large == json.dumps(value) == small,"
                              " len(large)]))\n" % CASES)
    lines = [json.loads(line) for line in answers.splitlines()]
    assert len(lines) == len(eval(CASES))
    assert all(piecewise and same for piecewise, same, _ in lines), lines
    assert lines[0][2] == 10002
