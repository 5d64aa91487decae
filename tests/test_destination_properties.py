"""Property-based: whatever event arrives, the engine answers with well-formed calls or reasons, never an exception."""
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oneflow_web.definition import NAME
from oneflow_web.destination import Destination
from oneflow_web.settings import load_settings

JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**53, 2**53),
                         st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
JSON = st.recursive(JSON_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)), max_leaves=20)
TYPES = st.sampled_from(["identify", "track", "page", "group", "alias", "screen", "Track", ""])
INTEGRATIONS = st.one_of(JSON, st.fixed_dictionaries({}, optional={
    "All": st.one_of(st.booleans(), JSON), NAME: st.one_of(st.booleans(), JSON)}))
EVENT_OBJECTS = st.fixed_dictionaries({"type": st.one_of(TYPES, JSON)}, optional={
    "event": JSON, "userId": JSON, "anonymousId": JSON, "name": JSON, "traits": JSON,
    "properties": JSON, "context": JSON, "integrations": INTEGRATIONS})
EVENTS = st.one_of(JSON, EVENT_OBJECTS)
# Events the presets send: an identify with a user id, or a track with a name, whatever else they hold.
OBJECTS = st.dictionaries(st.text(max_size=8), JSON, max_size=4)
SENT = st.one_of(
    st.fixed_dictionaries({"type": st.just("identify"), "userId": st.text(min_size=1, max_size=12)},
                          optional={"traits": OBJECTS, "context": JSON}),
    st.fixed_dictionaries({"type": st.just("track"), "event": st.text(min_size=1, max_size=12)},
                          optional={"properties": OBJECTS, "userId": st.text(min_size=1, max_size=12),
                                    "anonymousId": st.text(min_size=1, max_size=12), "context": JSON}))

CUSTOM = [
    {"name": "pages", "subscribe": 'type = "page" or type = "screen"', "partnerAction": "trackEvent",
     "mapping": {"event_name": {"@template": "Viewed {{name}}"}, "properties": {"@path": "$.properties"}}},
    {"name": "big", "subscribe": 'properties.total > 10 and contains(event, "Order")', "partnerAction": "trackEvent",
     "mapping": {"event_name": {"@path": "$.event"}, "properties": {"@merge": {
         "objects": [{"@path": "$.properties"}, {"@path": "$.context"}], "direction": "right"}}}},
    {"name": "users", "subscribe": "userId != null", "partnerAction": "identifyUser",
     "mapping": {"userId": {"@path": "$.userId"}, "traits": {"@flatten": {"separator": ".", "value": {"@path": "$.traits"}}}}},
]
DESTINATIONS = [Destination(load_settings({"projectApiKey": "k"})),
                Destination(load_settings({"projectApiKey": "k", "subscriptions": json.dumps(CUSTOM)}))]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def well_formed(call) -> bool:
    name, params = call.args
    return (call.method in ("logUser", "logEvent") and isinstance(name, str) and name != ""
            and isinstance(params, dict))


@FAST
@given(EVENTS)
def test_any_event_gives_well_formed_calls_or_reasons_never_an_exception(event):
    for destination in DESTINATIONS:
        outcome = destination.handle(event)
        assert all(well_formed(call) for call in outcome.calls)
        assert outcome.calls or outcome.skipped
        assert all(kind != "internal error" for _, kind, _ in outcome.skipped), outcome.skipped


@FAST
@given(SENT)
def test_calls_are_json_that_the_page_can_parse_back_unchanged(event):
    calls = DESTINATIONS[0].handle(event).calls
    assert calls
    for call in calls:
        assert json.loads(json.dumps(call.args)) == call.args


@FAST
@given(st.one_of(SENT, EVENT_OBJECTS))
def test_the_destination_turned_off_sends_nothing_whatever_the_event(event):
    assert all(destination.handle(dict(event, integrations={NAME: False})).calls == [] for destination in DESTINATIONS)
