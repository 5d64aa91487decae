"""What Python knows of the two 1Flow SDK generations: the shape of each call and the words for failures."""
from oneflow_web import definition, sdk

IDENTIFY = definition.ACTIONS["identifyUser"].perform({"userId": "u1", "traits": {"plan": "pro"}})
TRACK = definition.ACTIONS["trackEvent"].perform({"event_name": "Signed Up", "anonymousId": "a1", "properties": {}})


def test_the_2022_object_is_called_by_method():
    assert sdk.shape(IDENTIFY, sdk.OBJECT) == ("logUser", ["u1", {"plan": "pro"}])


def test_the_command_function_is_called_with_the_command_first():
    assert sdk.shape(TRACK, sdk.COMMAND) == ("", ["track", "Signed Up", {"anonymousId": "a1", "properties": {}}])


def test_call_text_reads_like_the_javascript_call_for_the_object():
    assert sdk.call_text(IDENTIFY, sdk.OBJECT) == '_1flow.logUser("u1", {"plan": "pro"})'


def test_call_text_shows_an_undefined_argument_of_the_command_function_as_undefined():
    assert sdk.call_text(IDENTIFY, sdk.COMMAND) == '_1flow("identify", "u1", undefined, {"traits": {"plan": "pro"}})'


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
