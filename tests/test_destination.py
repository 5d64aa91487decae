"""One event in, the 1Flow calls out, with the default presets."""
import pytest

from oneflow_web import destination as outcomes
from oneflow_web.destination import Destination
from oneflow_web.settings import load_settings


@pytest.fixture
def destination():
    return Destination(load_settings({"projectApiKey": "k"}))


def calls(destination, event):
    """The calls an event makes, in the 2022 SDK's shape (test_definition covers the other)."""
    return [(call.method, call.args) for call in destination.handle(event).calls]


def test_identify_becomes_log_user(destination):
    event = {"type": "identify", "userId": "u1", "anonymousId": "a1", "traits": {"plan": {"tier": "pro"}}}
    assert calls(destination, event) == [("logUser", ["u1", {"plan": {"tier": "pro"}}])]


def test_identify_without_traits_sends_an_empty_object(destination):
    assert calls(destination, {"type": "identify", "userId": "u1"}) == [("logUser", ["u1", {}])]


@pytest.mark.parametrize("user_id", [None, ""])
def test_identify_without_user_id_is_skipped_with_a_reason(destination, user_id):
    outcome = destination.handle({"type": "identify", "userId": user_id, "traits": {"a": 1}})
    assert outcome.calls == []
    assert ("Identify User", outcomes.INVALID,
            'required field "userId" (User ID) is missing or empty (mapped from {"@path": "$.userId"})') in outcome.skipped
    assert outcome.kind() == outcomes.INVALID


def test_numeric_user_id_is_sent_as_text_as_segment_coerces_it(destination):
    assert calls(destination, {"type": "identify", "userId": 42}) == [("logUser", ["42", {}])]


def test_track_becomes_log_event_with_properties(destination):
    event = {"type": "track", "event": "Signed Up", "properties": {"items": [{"a": 1}], "n": None}}
    assert calls(destination, event) == [("logEvent", ["Signed Up", {"items": [{"a": 1}], "n": None}])]


@pytest.mark.parametrize("name", [None, ""])
def test_track_without_event_name_is_skipped(destination, name):
    outcome = destination.handle({"type": "track", "event": name})
    assert outcome.calls == []
    assert ("Track Event", outcomes.INVALID,
            'required field "event_name" (Event Name) is missing or empty (mapped from {"@path": "$.event"})') in outcome.skipped


def test_track_with_properties_that_are_not_an_object_is_skipped(destination):
    outcome = destination.handle({"type": "track", "event": "E", "properties": [1, 2]})
    assert outcome.calls == []
    assert ("Track Event", outcomes.INVALID,
            'field "properties" (Event Properties) must be an object, got an array: [1, 2]') in outcome.skipped


@pytest.mark.parametrize("event_type", ["page", "screen", "group", "alias"])
def test_other_calls_send_nothing_with_the_presets(destination, event_type):
    outcome = destination.handle({"type": event_type, "name": "Home", "userId": "u", "event": "x"})
    assert outcome.calls == []
    assert outcome.kind() == outcomes.NO_MATCH


@pytest.mark.parametrize("integrations", [{"1Flow Web (Actions)": False}, {"All": False},
                                          {"All": False, "1Flow Web (Actions)": False}])
def test_integrations_turning_the_destination_off_send_nothing(destination, integrations):
    outcome = destination.handle({"type": "track", "event": "E", "integrations": integrations})
    assert outcome.calls == []
    assert [(name, kind) for name, kind, _ in outcome.skipped] == [("*", outcomes.FILTERED)]


@pytest.mark.parametrize("integrations", [{"All": False, "1Flow Web (Actions)": True},
                                          {"All": False, "1Flow Web (Actions)": {"option": 1}},
                                          {"Segment.io": False}, {}])
def test_integrations_that_leave_the_destination_on_still_send(destination, integrations):
    assert calls(destination, {"type": "track", "event": "E", "integrations": integrations}) == [
        ("logEvent", ["E", {}])]


def test_an_event_that_is_not_an_object_is_skipped(destination):
    assert destination.handle(["track"]).calls == []


def test_every_matching_subscription_runs_once_in_order():
    two = [{"name": "first", "subscribe": 'type = "track"', "partnerAction": "trackEvent",
            "mapping": {"event_name": {"@path": "$.event"}}},
           {"name": "second", "subscribe": 'type = "track"', "partnerAction": "identifyUser",
            "mapping": {"userId": {"@path": "$.userId"}}}]
    destination = Destination(load_settings({"projectApiKey": "k", "subscriptions": two}))
    assert calls(destination, {"type": "track", "event": "E", "userId": "u"}) == [
        ("logEvent", ["E", {}]), ("logUser", ["u", {}])]


def test_a_fault_in_one_subscription_is_reported_and_the_next_still_runs(monkeypatch):
    two = [{"name": "broken", "subscribe": 'type = "track"', "partnerAction": "trackEvent"},
           {"name": "fine", "subscribe": 'type = "track"', "partnerAction": "trackEvent"}]
    destination = Destination(load_settings({"projectApiKey": "k", "subscriptions": two}))
    broken = destination.settings.subscriptions[0]

    class Boom:
        def matches(self, event):
            raise KeyError("bug")

    monkeypatch.setattr(broken, "trigger", Boom())
    assert calls(destination, {"type": "track", "event": "E"}) == [("logEvent", ["E", {}])]
    outcome = destination.handle({"type": "track", "event": "E"})
    assert outcome.skipped == [("broken", outcomes.ERROR, "KeyError: 'bug'")]
