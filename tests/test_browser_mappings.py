"""Users' own mappings in the browser, through the script tag and through remotePlugins."""
import json

import pytest

import pages
from conftest import sdk_calls

pytestmark = pytest.mark.browser

KEY = "test-app-id"


def entry(name, subscribe, action, mapping, enabled=True):
    return {"name": name, "subscribe": subscribe, "partnerAction": action, "mapping": mapping, "enabled": enabled}


PAGE_AS_TRACK = entry("Viewed pages", 'type = "page"', "trackEvent",
                      {"event_name": {"@template": "Viewed {{name}}"}, "properties": {"@path": "$.properties"}})
BIG_ORDERS = entry("Big orders", 'type = "track" and properties.total > 100', "trackEvent",
                   {"event_name": {"@path": "$.event"}, "properties": {"total": {"@path": "$.properties.total"}}})
RENAMED_TRAITS = entry("Users", 'type = "identify"', "identifyUser",
                       {"userId": {"@path": "$.userId"},
                        "traits": {"full_name": {"@path": "$.traits.name"}, "tier": {"@path": "$.traits.plan"}}})
GROUPS_TURNED_OFF = entry("Groups", 'type = "group"', "trackEvent", {"event_name": {"@path": "$.groupId"}},
                          enabled=False)
SENTINEL = entry("Sentinel", 'event = "sentinel"', "trackEvent", {"event_name": {"@path": "$.event"}})
# Every track event but an order, by name only: the started page's own events between tests, and sentinels.
OTHER_TRACKS = entry("Other tracks", 'type = "track" and event != "Order"', "trackEvent",
                     {"event_name": {"@path": "$.event"}})

# The mappings the tests below share a started page with: none of them reads an event another one sends.
SHARED = [PAGE_AS_TRACK, BIG_ORDERS, RENAMED_TRAITS, GROUPS_TURNED_OFF, OTHER_TRACKS]


@pytest.fixture
def mapped(started, entry_runtime):
    """A started page whose destination has the SHARED mappings, added one way or the other."""
    entry, runtime = entry_runtime
    return started(runtime, entry=entry, subscriptions=json.dumps(SHARED))


@pytest.fixture
def install(site, entry_runtime):
    """Open a page with the destination added one way or the other, with these subscriptions."""
    entry, runtime = entry_runtime

    def install(page, subscriptions, calls):
        text = json.dumps(subscriptions)
        if entry == "script-tag":
            url = pages.script_tag_page(site, {"data-api-key": KEY, "data-sdk-url": pages.standin_url(site),
                                               "data-runtime": runtime, "data-subscriptions": text}, calls)
        else:
            url = pages.remote_plugins_page(site, {"projectApiKey": KEY, "sdkUrl": pages.standin_url(site),
                                                   "runtime": runtime, "subscriptions": text}, calls)
        page.goto(url)
    return install


def delivered(page):
    return [(call["method"], call["args"]) for call in page.evaluate("oneflowStandIn.calls")]


def test_page_call_mapped_to_track_event_with_a_template(mapped):
    page = mapped.send("analytics.page('Pricing', {plan: 'pro'})")
    assert [(c["method"], c["args"]) for c in sdk_calls(page, 1)] == [
        ("logEvent", ["Viewed Pricing", {"plan": "pro", "name": "Pricing", "path": "/" + page.url.split("/", 3)[3],
                                         "url": page.url, "title": "site", "referrer": "", "search": ""}])]


def test_trigger_on_a_property_value(mapped):
    page = mapped.send("analytics.track('Order', {total: 50}); analytics.track('Order', {total: 150}); "
                       "analytics.track('sentinel')")
    sdk_calls(page, 2)
    assert delivered(page) == [("logEvent", ["Order", {"total": 150}]), ("logEvent", ["sentinel", {}])]


def test_identify_mapped_with_renamed_traits(mapped):
    page = mapped.send("analytics.identify('u-1', {name: 'Ada', plan: 'team', other: 1})")
    assert [(c["method"], c["args"]) for c in sdk_calls(page, 1)] == [
        ("logUser", ["u-1", {"full_name": "Ada", "tier": "team"}])]


def test_disabled_subscription_sends_nothing(mapped):
    page = mapped.send("analytics.group('g-1'); analytics.track('sentinel')")
    sdk_calls(page, 1)
    assert delivered(page) == [("logEvent", ["sentinel", {}])]


def test_fifty_one_mappings_are_refused_with_a_clear_error(page, install):
    many = [dict(SENTINEL, name="m%d" % i) for i in range(51)]
    with page.expect_console_message(lambda m: m.type == "error" and "51 mappings" in m.text) as message:
        install(page, many, "analytics.track('sentinel')")
    assert "at most 50" in message.value.text


def test_a_subscription_that_cannot_be_used_is_left_out_and_the_others_run(page, install):
    broken = entry("Broken", 'type = "track"', "sendSms", {})
    with page.expect_console_message(lambda m: m.type == "error" and "left out" in m.text, timeout=30000) as message:
        install(page, [broken, SENTINEL], "analytics.track('sentinel')")
    assert 'subscriptions[0] ("Broken"): unknown partnerAction "sendSms"' in message.value.text
    assert [call["args"][0] for call in sdk_calls(page, 1)] == ["sentinel"]
    stats = page.evaluate("oneflowWeb.started.then(() => oneflowWeb.stats())")
    assert (stats["state"], [left["subscription"] for left in stats["leftOut"]]) == ("ready", ['subscriptions[0] ("Broken")'])


def test_a_trigger_segments_engine_reads_differently_runs_as_written_with_one_warning(page, install):
    # Segment's parseFql reads this as three conditions joined by "and", so it would send nothing.
    builders = entry("Big orders", 'type = "identify" or (contains(event, "Order") and properties.total > 100)',
                     "trackEvent", {"event_name": {"@path": "$.event"}})
    with page.expect_console_message(lambda m: m.type == "warning" and "runs as written" in m.text,
                                     timeout=30000) as message:
        install(page, [builders, SENTINEL],
                "analytics.track('Order', {total: 150}); analytics.track('Order', {total: 5}); analytics.track('sentinel')")
    assert 'subscriptions[0] ("Big orders")' in message.value.text and "ends the group" in message.value.text
    sdk_calls(page, 2)  # the sentinel's call is the last: any other would have come before it
    assert delivered(page) == [("logEvent", ["Order", {}]), ("logEvent", ["sentinel", {}])]
