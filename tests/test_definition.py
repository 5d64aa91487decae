"""The destination definition matches Segment's documented 1Flow Web (Actions) destination."""
from oneflow_web import definition
from oneflow_web.jsvalue import UNDEFINED


def fields_of(action):
    return {field.key: (field.type, field.default, field.required) for field in action.fields}


def test_destination_is_named_as_in_the_integrations_object():
    assert definition.NAME == "1Flow Web (Actions)"


def test_project_api_key_is_the_one_required_password_setting():
    required = [(s.key, s.label, s.type) for s in definition.SETTINGS if s.required]
    assert required == [("projectApiKey", "Project API Key", "password")]


def test_identify_user_fields_and_defaults():
    action = definition.ACTIONS["identifyUser"]
    assert action.title == "Identify User"
    assert fields_of(action) == {
        "userId": ("string", {"@path": "$.userId"}, True),
        "traits": ("object", {"@path": "$.traits"}, False),
    }
    assert [f.label for f in action.fields if f.key == "traits"] == ["Custom Attributes"]


def test_track_event_fields_and_defaults():
    action = definition.ACTIONS["trackEvent"]
    assert action.title == "Track Event"
    assert fields_of(action) == {
        "event_name": ("string", {"@path": "$.event"}, True),
        "userId": ("string", {"@path": "$.userId"}, False),
        "anonymousId": ("string", {"@path": "$.anonymousId"}, False),
        "properties": ("object", {"@path": "$.properties"}, False),
    }


def test_presets_subscribe_identify_and_track_with_default_mappings():
    presets = {p["name"]: (p["subscribe"], p["partnerAction"], p["mapping"], p["enabled"])
               for p in definition.PRESETS}
    assert presets == {
        "Identify User": ('type = "identify"', "identifyUser",
                          {"userId": {"@path": "$.userId"}, "traits": {"@path": "$.traits"}}, True),
        "Track Event": ('type = "track"', "trackEvent",
                        {"event_name": {"@path": "$.event"}, "userId": {"@path": "$.userId"},
                         "anonymousId": {"@path": "$.anonymousId"},
                         "properties": {"@path": "$.properties"}}, True),
    }


def test_identify_user_performs_log_user_with_user_id_and_traits():
    call = definition.ACTIONS["identifyUser"].perform({"userId": "u1", "traits": {"a": 1}})
    assert (call.method, call.args) == ("logUser", ["u1", {"a": 1}])


def test_identify_user_as_a_command_passes_the_traits_themselves_third():
    call = definition.ACTIONS["identifyUser"].perform({"userId": "u1", "traits": {"a": 1}})
    assert call.command == ["identify", "u1", {"a": 1}]


def test_identify_user_without_traits_sends_an_empty_object_in_both_shapes():
    call = definition.ACTIONS["identifyUser"].perform({"userId": "u1"})
    assert call == definition.Call("logUser", ["u1", {}], ["identify", "u1", {}])


def test_track_event_performs_log_event_with_name_and_properties():
    call = definition.ACTIONS["trackEvent"].perform({"event_name": "E", "userId": "u", "properties": {"p": [1]}})
    assert (call.method, call.args) == ("logEvent", ["E", {"p": [1]}])


def test_track_event_as_a_command_carries_the_ids_beside_the_properties():
    call = definition.ACTIONS["trackEvent"].perform(
        {"event_name": "E", "userId": "u", "anonymousId": "a", "properties": {"p": [1]}})
    assert call.command == ["track", "E", {"userId": "u", "anonymousId": "a", "properties": {"p": [1]}}]


def test_track_event_as_a_command_keeps_every_key_undefined_where_the_payload_has_no_value():
    call = definition.ACTIONS["trackEvent"].perform({"event_name": "E"})
    assert call.command == ["track", "E", {"userId": UNDEFINED, "anonymousId": UNDEFINED, "properties": UNDEFINED}]


def test_track_event_without_properties_sends_the_2022_object_an_empty_object():
    call = definition.ACTIONS["trackEvent"].perform({"event_name": "E"})
    assert call.args == ["E", {}]


def test_default_sdk_url_is_the_one_1flows_destination_loads_today():
    assert definition.DEFAULT_SDK_URL == "https://1flow.app/js/1flow.js"
