"""Events arrive as JSON text; lone surrogates become U+FFFD, everything else is untouched."""
import json

import pytest

from _micropython import run_micropython
from oneflow_web.events import parse_event

CASES = [
    ('{"t": "plain"}', {"t": "plain"}),
    ('{"t": "\\ud800"}', {"t": "\ufffd"}),
    ('{"t": "a\\udfffb"}', {"t": "a\ufffdb"}),
    ('{"t": "\\ud83d\\udc4b"}', {"t": "\U0001F44B"}),
    ('{"t": "\\ud800\\ud800\\udc00"}', {"t": "\ufffd\U00010000"}),
    ('{"t": "\\\\ud800"}', {"t": "\\ud800"}),
    ('{"t": "\\\\\\ud800"}', {"t": "\\\ufffd"}),
    ('{"\\udc00": "\\u00e9"}', {"\ufffd": "\u00e9"}),
    ('{"t": "\\ud800"', None),
]


@pytest.mark.parametrize("text, expected", CASES[:-1])
def test_lone_surrogates_become_the_replacement_character_and_nothing_else_changes(text, expected):
    assert parse_event(text) == expected


def test_text_that_is_not_json_is_still_an_error():
    with pytest.raises(ValueError):
        parse_event(CASES[-1][0])


def test_json_stringify_output_of_emoji_and_escapes_round_trips():
    event = {"type": "track", "properties": {"e": "\U0001F44B", "q": "\"\\", "n": [1, None, True]}}
    assert parse_event(json.dumps(event, ensure_ascii=False)) == event


def test_the_same_answers_on_micropython():
    code = "import json\nfrom oneflow_web.events import parse_event\n"
    code += "for text in json.loads(%r):\n    print(json.dumps(parse_event(text)))\n" % json.dumps(
        [text for text, _ in CASES[:-1]])
    lines = run_micropython(code).strip().splitlines()
    assert [json.loads(line) for line in lines] == [expected for _, expected in CASES[:-1]]
