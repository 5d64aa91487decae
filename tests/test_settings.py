"""Settings are checked once, before anything reaches the page."""
import json

import pytest

from oneflow_web import definition
from oneflow_web.settings import SettingsError, load_settings


@pytest.mark.parametrize("raw", [{}, {"projectApiKey": ""}, {"projectApiKey": "   "}, {"projectApiKey": 42}])
def test_missing_or_blank_api_key_names_the_setting(raw):
    with pytest.raises(SettingsError, match=r'"projectApiKey" \(Project API Key\) is missing or blank'):
        load_settings(raw)


def test_settings_that_are_not_an_object_are_refused():
    with pytest.raises(SettingsError, match="must be an object"):
        load_settings(["projectApiKey"])


def test_unknown_settings_are_ignored():
    settings = load_settings({"projectApiKey": "k", "somethingElse": 1, "runtime": "pyodide"})
    assert settings.api_key == "k"


def test_sdk_url_defaults_to_segments():
    assert load_settings({"projectApiKey": "k"}).sdk_url == definition.DEFAULT_SDK_URL


@pytest.mark.parametrize("url", ["https://sdk.1flow.app/js/1flow.js", "/js/1flow.js", "./1flow.js",
                                 "//cdn.example/1flow.js"])
def test_sdk_url_accepts_http_urls_and_paths(url):
    assert load_settings({"projectApiKey": "k", "sdkUrl": url}).sdk_url == url


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/javascript,1", 5, " https://x/1.js"])
def test_sdk_url_refuses_what_is_not_a_script_url(url):
    with pytest.raises(SettingsError, match='"sdkUrl"'):
        load_settings({"projectApiKey": "k", "sdkUrl": url})


def test_without_subscriptions_the_two_presets_apply():
    settings = load_settings({"projectApiKey": "k"})
    assert [(s.name, s.action.key) for s in settings.subscriptions] == [
        ("Identify User", "identifyUser"), ("Track Event", "trackEvent")]


def test_subscriptions_may_be_a_json_string():
    raw = json.dumps([{"name": "Pages", "subscribe": 'type = "page"', "partnerAction": "trackEvent",
                       "mapping": {"event_name": {"@path": "$.name"}}, "enabled": True}])
    settings = load_settings({"projectApiKey": "k", "subscriptions": raw})
    assert [s.name for s in settings.subscriptions] == ["Pages"]


def test_disabled_subscriptions_do_not_count():
    raw = [dict(preset, enabled=(preset["name"] == "Track Event")) for preset in definition.PRESETS]
    assert [s.name for s in load_settings({"projectApiKey": "k", "subscriptions": raw}).subscriptions] == [
        "Track Event"]


def test_invalid_subscriptions_json_is_a_clear_error():
    with pytest.raises(SettingsError, match='"subscriptions" is not valid JSON'):
        load_settings({"projectApiKey": "k", "subscriptions": "[{"})


def test_more_than_fifty_mappings_are_refused():
    many = [dict(definition.PRESETS[1], name="m%d" % i) for i in range(51)]
    with pytest.raises(SettingsError, match="51 mappings; a destination instance allows at most 50"):
        load_settings({"projectApiKey": "k", "subscriptions": many})


def test_fifty_mappings_are_accepted():
    many = [dict(definition.PRESETS[1], name="m%d" % i) for i in range(50)]
    assert len(load_settings({"projectApiKey": "k", "subscriptions": many}).subscriptions) == 50


def test_unknown_partner_action_names_the_entry():
    raw = [{"name": "Bad", "subscribe": 'type = "track"', "partnerAction": "sendEmail", "mapping": {}}]
    with pytest.raises(SettingsError, match=r'subscriptions\[0\] \("Bad"\): unknown partnerAction "sendEmail"'):
        load_settings({"projectApiKey": "k", "subscriptions": raw})


def test_a_subscription_that_cannot_be_used_is_left_out_and_the_others_load():
    raw = [{"name": "Bad", "subscribe": 'type = "track"', "partnerAction": "sendEmail"}, definition.PRESETS[1]]
    settings = load_settings({"projectApiKey": "k", "subscriptions": raw})
    assert [subscription.name for subscription in settings.subscriptions] == ["Track Event"]
    assert [problem.to_json() for problem in settings.left_out] == [
        {"subscription": 'subscriptions[0] ("Bad")',
         "problem": 'unknown partnerAction "sendEmail"; use one of: identifyUser, trackEvent.'}]


def test_an_entry_that_is_not_an_object_is_left_out_by_its_place():
    settings = load_settings({"projectApiKey": "k", "subscriptions": ["oops", definition.PRESETS[0]]})
    assert [problem.text() for problem in settings.left_out] == ["subscriptions[0]: must be an object, not str."]


def test_settings_whose_every_subscription_is_left_out_are_refused_with_each_problem():
    raw = [{"name": "A", "subscribe": "type =", "partnerAction": "trackEvent"},
           {"name": "B", "subscribe": 'type = "track"', "partnerAction": "nope"}]
    with pytest.raises(SettingsError) as error:
        load_settings({"projectApiKey": "k", "subscriptions": raw})
    lines = str(error.value).splitlines()
    assert lines[0] == "No subscription can be used:"
    assert lines[1].startswith('subscriptions[0] ("A"): ') and 'subscriptions[1] ("B"): unknown partnerAction' in str(error.value)


def test_only_disabled_subscriptions_load_as_none_without_an_error():
    raw = [dict(definition.PRESETS[0], enabled=False)]
    settings = load_settings({"projectApiKey": "k", "subscriptions": raw})
    assert (settings.subscriptions, settings.left_out) == ([], [])


def test_trigger_that_does_not_parse_names_the_entry():
    raw = [{"name": "Broken", "subscribe": 'type = ', "partnerAction": "trackEvent", "mapping": {}}]
    with pytest.raises(SettingsError, match=r'subscriptions\[0\] \("Broken"\)'):
        load_settings({"projectApiKey": "k", "subscriptions": raw})


@pytest.mark.parametrize("runtime", ["pyodide", "micropython", None])
def test_known_runtimes_are_accepted(runtime):
    assert load_settings({"projectApiKey": "k", "runtime": runtime}).api_key == "k"


def test_a_nonce_that_is_not_text_is_a_clear_error():
    with pytest.raises(SettingsError, match='"nonce" must be text'):
        load_settings({"projectApiKey": "k", "nonce": 123})


@pytest.mark.parametrize("thread", ["main", "worker", None])
def test_known_threads_are_accepted(thread):
    assert load_settings({"projectApiKey": "k", "thread": thread}).api_key == "k"


def test_unknown_thread_is_a_clear_error():
    with pytest.raises(SettingsError, match='"thread" is "gpu": use "worker"'):
        load_settings({"projectApiKey": "k", "thread": "gpu"})


def test_unknown_runtime_is_a_clear_error():
    with pytest.raises(SettingsError, match='"runtime" is "lua": use "micropython" \\(the default\\) or "pyodide"'):
        load_settings({"projectApiKey": "k", "runtime": "lua"})


def test_sdk_timeout_defaults_to_ten_seconds_and_accepts_text_from_attributes():
    assert load_settings({"projectApiKey": "k"}).sdk_timeout == 10000
    assert load_settings({"projectApiKey": "k", "sdkTimeout": "2500"}).sdk_timeout == 2500


@pytest.mark.parametrize("key", ["sdkTimeout", "bufferLimit", "bootTimeout"])
@pytest.mark.parametrize("value", [0, -5, "soon", 1.5, True])
def test_limits_must_be_whole_numbers_above_zero(key, value):
    with pytest.raises(SettingsError, match='"%s" must be a whole number above 0' % key):
        load_settings({"projectApiKey": "k", key: value})


@pytest.mark.parametrize("value", [True, False, "true", "false"])
def test_persist_accepts_true_or_false_as_values_or_attribute_text(value):
    assert load_settings({"projectApiKey": "k", "persist": value}).api_key == "k"


@pytest.mark.parametrize("value", ["no", 0, "off"])
def test_persist_that_is_not_true_or_false_is_a_clear_error(value):
    with pytest.raises(SettingsError, match=r'"persist" is .*use true \(the default\) or false'):
        load_settings({"projectApiKey": "k", "persist": value})
