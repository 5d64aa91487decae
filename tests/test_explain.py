"""explain.py: every subscription's answer for one event, as `oneflow-web preview` and the playground show it."""
import json

import pytest

from _micropython import run_micropython
from oneflow_web import definition
from oneflow_web.explain import DISABLED, LEFT_OUT, NO_SUBSCRIPTIONS, NOT_SENT, SENDS, explain, explain_json

TRACK = {"type": "track", "event": "Order Completed", "userId": "u1", "anonymousId": "a1",
         "properties": {"total": 42.5, "currency": "EUR"}}
IDENTIFY = {"type": "identify", "userId": "u1", "traits": {"plan": "pro"}}
PAGES = {"name": "Pages", "subscribe": 'type = "page"', "partnerAction": "trackEvent",
         "mapping": {"event_name": {"@template": "Viewed {{name}}"}, "properties": {"@path": "$.properties"}}}


def verdicts(answer) -> list:
    return [(entry.where, entry.verdict) for entry in answer.entries]


def test_every_subscription_is_answered_in_the_order_of_the_settings():
    subscriptions = [PAGES, dict(PAGES, name="Off", enabled=False), definition.PRESETS[1],
                     {"name": "Typo", "subscribe": 'type = "track"', "partnerAction": "trackEvnt"}]
    assert verdicts(explain(subscriptions, TRACK)) == [
        ('subscriptions[0] ("Pages")', NOT_SENT), ('subscriptions[1] ("Off")', DISABLED),
        ('subscriptions[2] ("Track Event")', SENDS), ('subscriptions[3] ("Typo")', LEFT_OUT)]


def test_a_subscription_that_sends_shows_the_call_to_each_sdk_generation():
    entry = explain(None, IDENTIFY).entries[0]
    assert entry.calls == [{"object": '_1flow.logUser("u1", {"plan": "pro"})',
                            "command": '_1flow("identify", "u1", {"plan": "pro"})'}]
    assert entry.lines() == ['subscriptions[0] ("Identify User") -> identifyUser: sends',
                             '  _1flow.logUser("u1", {"plan": "pro"})',
                             '  newer SDK: _1flow("identify", "u1", {"plan": "pro"})']


def test_a_trigger_that_does_not_match_shows_each_condition_and_what_the_event_holds_there():
    entry = explain(None, TRACK).entries[0]
    assert entry.lines() == ['subscriptions[0] ("Identify User") -> identifyUser: not sent: '
                             "its trigger does not match this event", '  trigger: type = "identify"',
                             '    type = "identify": no (type is "track")']


def test_each_condition_of_a_longer_trigger_is_shown_as_written():
    trigger = 'type = "track" and (event = "Signed Up" or !contains(properties.plan, "trial")) and userId != null'
    subscription = {"name": "Signups", "subscribe": trigger, "partnerAction": "trackEvent"}
    entry = explain([subscription], dict(TRACK, properties={"plan": "trial-pro"}, userId=None)).entries[0]
    assert entry.details[1:] == ['  type = "track": yes (type is "track")',
                                 '  event = "Signed Up": no (event is "Order Completed")',
                                 '  !contains(properties.plan, "trial"): no (properties.plan is "trial-pro")',
                                 '  userId != null: no (userId is missing)']


def test_a_failed_field_check_names_the_field():
    entry = explain(None, {"type": "identify", "traits": {}}).entries[0]
    assert entry.verdict == NOT_SENT
    assert entry.reason == "a field check failed"
    assert entry.details[0].startswith('required field "userId" (User ID) is missing or empty')


def test_a_field_of_the_wrong_type_shows_the_value_it_got():
    entry = explain(None, dict(TRACK, properties=[1, "two"])).entries[1]
    assert entry.details == ['field "properties" (Event Properties) must be an object, got an array: [1, "two"]']


def test_the_integrations_object_turning_the_destination_off_is_said_for_every_subscription():
    answer = explain(None, dict(TRACK, integrations={definition.NAME: False}))
    assert [entry.reason for entry in answer.entries] == [
        "the event's Integrations object turns this destination off"] * 2
    assert answer.entries[1].details == ['integrations["1Flow Web (Actions)"] is false']


def test_a_subscription_that_cannot_be_used_shows_its_error_with_a_caret():
    broken = {"name": "Broken", "subscribe": 'type = "track" and (event = "x"', "partnerAction": "trackEvent"}
    answer = explain([broken, definition.PRESETS[1]], TRACK)
    assert answer.entries[0].lines() == [
        'subscriptions[0] ("Broken"): left out: the destination runs without it',
        "  expected 'and', 'or' (followed by a space) or ')' at position 31:",
        '    type = "track" and (event = "x"',
        "                                   ^"]


def test_a_trigger_segment_reads_differently_carries_its_warning():
    nulls = {"name": "Nulls", "subscribe": "event = null", "partnerAction": "trackEvent"}
    entry = explain([nulls], dict(TRACK, event=None)).entries[0]
    assert entry.warning.startswith('the trigger "event = null" runs as written, but Segment\'s own engine')
    assert entry.lines()[-1] == "  warning: " + entry.warning


def test_settings_that_stop_the_destination_are_the_whole_answer():
    answer = explain({"runtime": "cpython"}, TRACK)
    assert answer.entries == []
    assert answer.text() == ('The destination would not start: Setting "runtime" is "cpython": '
                             'use "micropython" (the default) or "pyodide".')


@pytest.mark.parametrize("settings", [None, {}, {"subscriptions": ""}, {"projectApiKey": "k"}],
                         ids=["nothing", "empty object", "empty string", "only a key"])
def test_no_subscriptions_means_the_presets(settings):
    assert [entry.where for entry in explain(settings, TRACK).entries] == [
        'subscriptions[0] ("Identify User")', 'subscriptions[1] ("Track Event")']


@pytest.mark.parametrize("form", ["list", "JSON string", "settings object"])
def test_the_subscriptions_may_be_pasted_in_each_form_segment_holds_them(form):
    settings = {"list": [PAGES], "JSON string": json.dumps([PAGES]), "settings object": {"subscriptions": [PAGES]}}
    answer = explain(settings[form], {"type": "page", "name": "Pricing"})
    assert answer.entries[0].calls[0]["object"] == '_1flow.logEvent("Viewed Pricing", {})'


def test_an_empty_list_of_subscriptions_sends_nothing_and_says_so():
    assert explain([], TRACK).text() == NO_SUBSCRIPTIONS


def test_settings_that_are_not_an_object_or_subscriptions_are_refused():
    assert explain(42, TRACK).problem == ("Paste a settings object, a list of subscriptions or a JSON string "
                                          "of them, not a int.")


def test_an_event_that_is_not_an_object_is_not_sent_by_any_subscription():
    answer = explain(None, [TRACK])
    assert {entry.details[0] for entry in answer.entries} == {"the event is not an object"}


def test_objects_in_a_call_are_shown_with_sorted_keys_and_characters_as_written():
    event = dict(TRACK, properties={"zeta": 1, "alpha": "é ✓", "mid": {"b": 0.5, "a": 1e21}})
    call = explain(None, event).entries[1].calls[0]["object"]
    assert call == '_1flow.logEvent("Order Completed", {"alpha": "é ✓", "mid": {"a": 1e+21, "b": 0.5}, "zeta": 1})'


def test_explain_json_reads_editor_texts_and_an_empty_settings_editor_means_the_presets():
    answer = json.loads(explain_json("  \n", json.dumps(IDENTIFY)))
    assert answer["entries"][0]["verdict"] == SENDS
    assert answer["text"] == explain(None, IDENTIFY).text()


def test_explain_json_names_the_editor_whose_text_is_not_json():
    assert json.loads(explain_json("[", "{}"))["problem"].startswith("the settings are not valid JSON")
    assert json.loads(explain_json("", "{"))["problem"].startswith("the event is not valid JSON")


def test_explain_json_reads_events_as_the_destination_does_lone_surrogates_included():
    answer = json.loads(explain_json("", '{"type": "track", "event": "Order \\ud83d"}'))
    assert answer["entries"][1]["calls"][0]["object"] == '_1flow.logEvent("Order \ufffd", {})'


# The playground runs explain_json on MicroPython by default: its answers must be CPython's.
MICROPYTHON_CASES = [
    ("", TRACK),
    ("", {"type": "identify", "traits": {"b": 2, "a": [1, 2.5, None, True]}}),
    (json.dumps([PAGES, dict(PAGES, enabled=False), {"subscribe": "type = ", "partnerAction": "trackEvent"},
                 {"name": "Nulls", "subscribe": "event = null", "partnerAction": "trackEvent"}]),
     {"type": "page", "name": "Prix ✓", "properties": {"z": 1, "y": {"x": 0.1, "w": -0.0}}}),
    (json.dumps({"runtime": "x"}), TRACK),
    ("", dict(TRACK, integrations={"All": False})),
    ("", {"type": "track", "event": "Order \ud83d\ude00 \ud83d"}),
    (json.dumps({"bufferLimit": {"b": 1, "a": [0.5]}}), TRACK),
    (json.dumps([{"name": "Prix", "subscribe": 'event = null and name = "Prix ✓"', "partnerAction": "trackEvent"},
                 {"name": "Odd", "subscribe": 'type = "track"', "partnerAction": {"z": 1, "y": "é"}}]),
     {"type": "page", "name": "Prix ✓", "event": None}),
]


def test_micropython_gives_the_same_answers_as_cpython():
    code = "import json\nfrom oneflow_web.explain import explain_json\n" + "".join(
        "print(explain_json(%r, %r))\n" % (settings, json.dumps(event)) for settings, event in MICROPYTHON_CASES)
    lines = run_micropython(code).splitlines()
    expected = [json.loads(explain_json(settings, json.dumps(event))) for settings, event in MICROPYTHON_CASES]
    assert [json.loads(line) for line in lines] == expected
