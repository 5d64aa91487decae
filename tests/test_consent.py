"""Consent: the destination's categories, and each event checked against its own stamp."""
import json

import pytest

from oneflow_web import consent, delivery, explain, sdk
from oneflow_web.settings import FROM_CDN, FROM_SETTING, SettingsError, load_settings

CDN = {"consentSettings": {"categories": ["Analytics", "Advertising"]}}


def stamped(preferences) -> dict:
    return {"type": "track", "event": "E", "context": {"consent": {"categoryPreferences": preferences}}}


# ---------------------------------------------------------------- where the categories come from

def test_the_setting_takes_a_list_or_comma_separated_text():
    assert load_settings({"projectApiKey": "k", "consentCategories": ["Analytics"]}).consent_categories == ["Analytics"]
    assert load_settings({"projectApiKey": "k", "consentCategories": " Analytics ,C0002"}).consent_categories == [
        "Analytics", "C0002"]


@pytest.mark.parametrize("raw", [5, {"Analytics": True}, ["Analytics", 3], "Analytics,,Ads", [" "]])
def test_a_setting_that_is_not_category_names_is_a_clear_error(raw):
    with pytest.raises(SettingsError, match='"consentCategories"'):
        load_settings({"projectApiKey": "k", "consentCategories": raw})


def test_the_setting_wins_over_the_cdn_settings():
    settings = load_settings({"projectApiKey": "k", "consentCategories": "Analytics"}, CDN)
    assert (settings.consent_categories, settings.consent_from) == (["Analytics"], FROM_SETTING)


def test_without_the_setting_the_cdn_settings_categories_apply():
    settings = load_settings({"projectApiKey": "k"}, CDN)
    assert (settings.consent_categories, settings.consent_from) == (["Analytics", "Advertising"], FROM_CDN)


@pytest.mark.parametrize("integration", [None, {}, {"consentSettings": None}, {"consentSettings": {"categories": "A"}},
                                         {"consentSettings": {"categories": []}}])
def test_no_categories_anywhere_means_no_consent_check(integration):
    settings = load_settings({"projectApiKey": "k", "consentCategories": ""}, integration)
    assert (settings.consent_categories, settings.consent_from) == ([], "")
    assert not delivery.waits_for_consent(settings)


# ---------------------------------------------------------------- each event against its stamp

def test_an_event_consenting_to_every_category_is_sent():
    assert consent.refusal(stamped({"Analytics": True, "Advertising": True, "Other": False}),
                           ["Analytics", "Advertising"]) == ""


def test_an_event_missing_one_category_is_refused_naming_it():
    reason = consent.refusal(stamped({"Analytics": True, "Advertising": False}), ["Analytics", "Advertising"])
    assert '"Advertising"' in reason and '"Analytics"' not in reason


@pytest.mark.parametrize("value", ["true", 1, None])
def test_only_true_is_consent(value):
    assert consent.refusal(stamped({"Analytics": value}), ["Analytics"])


@pytest.mark.parametrize("event", [{"type": "track", "event": "E"}, {"type": "track", "context": {}},
                                   {"type": "track", "context": {"consent": {}}}, stamped([True])])
def test_an_event_without_a_stamp_is_not_sent(event):
    assert "carries no context.consent.categoryPreferences" in consent.refusal(event, ["Analytics"])


def machine(debug=False, generation=""):
    settings = json.dumps({"projectApiKey": "k", "consentCategories": "Analytics", "debug": debug})
    _, destination, lines = delivery.prepare(settings)
    calls, console = [], list(lines)
    deliver = delivery.Delivery(destination, debug, generation, lambda *call: calls.append(call),
                                lambda level, text: console.append((level, text)))
    return deliver, calls, console


def test_a_refused_event_is_counted_as_no_consent_and_logged_only_when_debugging():
    quiet, _, quiet_lines = machine()
    quiet.receive(json.dumps(stamped({"Analytics": False})))
    assert json.loads(quiet.stats())["skipped"] == {"no consent": 1}
    assert quiet_lines == []
    loud, _, loud_lines = machine(debug=True)
    loud.receive(json.dumps(stamped({"Analytics": False})))
    assert any("no consent" in text and '"Analytics"' in text for _, text in loud_lines)


def test_a_consenting_event_before_the_sdk_is_on_the_page_asks_for_it_and_is_not_counted():
    deliver, calls, _ = machine()
    assert deliver.receive(json.dumps(stamped({"Analytics": True}))) == delivery.NEEDS_SDK
    assert calls == [] and json.loads(deliver.stats())["delivered"] == 0
    deliver.generation = sdk.OBJECT
    assert deliver.receive(json.dumps(stamped({"Analytics": True}))) == ""
    assert [call[0] for call in calls] == ["logEvent"]


def test_a_refused_event_never_asks_for_the_sdk():
    deliver, _, _ = machine()
    assert deliver.receive(json.dumps(stamped({"Analytics": False}))) == ""


def test_the_consent_stamp_is_among_what_the_page_sends():
    _, destination, _ = delivery.prepare(json.dumps({"projectApiKey": "k", "consentCategories": "Analytics"}))
    assert "context" in destination.reads()


def test_debug_says_once_where_the_categories_come_from_or_that_there_are_none():
    _, _, with_categories = machine(debug=True)
    assert any('"Analytics" (from the "consentCategories" setting)' in text for _, text in with_categories)
    _, _, lines = delivery.prepare(json.dumps({"projectApiKey": "k", "debug": True}))
    assert any("no consent categories are configured" in text for _, text in lines)


def test_preview_explains_a_refusal():
    answer = explain.explain({"projectApiKey": "k", "consentCategories": ["Analytics"]}, stamped({"Analytics": False}))
    assert "does not consent" in answer.text() and answer.summary().startswith("1Flow gets no call")
