"""What Python knows of the two 1Flow SDK generations: the shape of each call and the words for failures."""
import json

from oneflow_web import definition, sdk
from oneflow_web.jsvalue import UNDEFINED

IDENTIFY = definition.ACTIONS["identifyUser"].perform({"userId": "u1", "traits": {"plan": "pro"}})
TRACK = definition.ACTIONS["trackEvent"].perform({"event_name": "Signed Up", "anonymousId": "a1", "properties": {}})


def test_the_2022_object_is_called_by_method():
    assert sdk.shape(IDENTIFY, sdk.OBJECT) == ("logUser", ["u1", {"plan": "pro"}])


def test_the_command_function_is_called_with_the_command_first():
    method, args = sdk.shape(TRACK, sdk.COMMAND)
    assert (method, args[:2]) == ("", ["track", "Signed Up"])


def test_encode_sends_undefined_as_null_and_says_where_it_goes():
    method, args, undefined = sdk.encode(TRACK, sdk.COMMAND)
    assert (method, json.loads(args)) == ("", ["track", "Signed Up", {"userId": None, "anonymousId": "a1", "properties": {}}])
    assert json.loads(undefined) == [[2, "userId"]]


def test_encode_marks_an_undefined_argument_by_its_index():
    call = definition.Call("logUser", ["u1", {}], ["identify", UNDEFINED, {"a": None}])
    _, args, undefined = sdk.encode(call, sdk.COMMAND)
    assert (json.loads(args), json.loads(undefined)) == (["identify", None, {"a": None}], [[1]])


def test_encode_leaves_null_data_alone_and_says_nothing_when_nothing_is_undefined():
    _, args, undefined = sdk.encode(IDENTIFY, sdk.COMMAND)
    assert (json.loads(args), undefined) == (["identify", "u1", {"plan": "pro"}], "")


def test_encode_does_not_change_the_call_it_encodes():
    sdk.encode(TRACK, sdk.COMMAND)
    assert TRACK.command[2]["userId"] is UNDEFINED


def test_call_text_reads_like_the_javascript_call_for_the_object():
    assert sdk.call_text(IDENTIFY, sdk.OBJECT) == '_1flow.logUser("u1", {"plan": "pro"})'


def test_call_text_shows_the_command_identify_with_the_traits_third():
    assert sdk.call_text(IDENTIFY, sdk.COMMAND) == '_1flow("identify", "u1", {"plan": "pro"})'


def test_call_text_shows_keys_left_undefined_as_undefined():
    assert sdk.call_text(TRACK, sdk.COMMAND) == (
        '_1flow("track", "Signed Up", {"anonymousId": "a1", "properties": {}, "userId": undefined})')


def test_an_sdk_that_cannot_load_names_the_url_and_the_likely_causes():
    text = sdk.problem_message("error", "https://cdn.example/1flow.js", 10000)
    assert text.startswith("The 1Flow SDK could not be loaded from https://cdn.example/1flow.js.")
    assert "projectApiKey" in text and "regional" in text


def test_a_timeout_says_how_long_and_what_was_seen():
    text = sdk.problem_message("no-glob", "/1flow.js", 1500)
    assert "did not become ready within 1.5 s" in text and "window.glob" in text


def test_a_stub_the_sdk_never_replaced_is_named_as_such():
    assert "queueing stub" in sdk.problem_message("stub", "/1flow.js", 10000)


def test_every_state_the_loader_reports_has_its_own_words():
    states = ["not-loaded", "missing", "no-glob", "stub", "unusable"]
    texts = {sdk.problem_message(state, "/1flow.js", 1000) for state in states}
    assert len(texts) == len(states)
    assert not [text for text in texts if any(": %s." % state in text for state in states)]
