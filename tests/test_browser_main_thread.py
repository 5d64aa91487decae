"""The other mode: thread "main", Python beside the page (the default is a Web Worker).

On both runtimes, everything that crosses bridge.py (the main thread's seam, where worker.py is the
worker's): identify and track, mappings and the command SDK's undefined, held events in order,
consent (Python ready before the SDK), bad input and stats, the buffer limit, a fault, and what the
page fetches and reports when Python itself cannot start (its CSP: test_browser_csp.py; held events
across pages: test_browser_persist.py; a burst across the ready moment: test_browser_reliability.py).
"""
import json

import pytest

import pages
from oneflow_web.definition import PRESETS
from conftest import expect_error, fail_once_held, sdk_calls, watch_errors

pytestmark = pytest.mark.browser

KEY = "main-thread-app-id"


def main_page(site, runtime, calls="", **attributes):
    return pages.standin_page(site, KEY, runtime, calls, data_thread="main", **attributes)


def started_on_the_main_thread(started, runtime):
    return started(runtime, thread="main")


def test_identify_and_track_reach_the_sdk_from_the_main_thread(started, runtime):
    page = started_on_the_main_thread(started, runtime).send(
        "analytics.identify('u-1', {plan: 'pro'}); analytics.track('Signed Up', {a: 1})")
    assert [(call["method"], call["args"]) for call in sdk_calls(page, 2)] == [
        ("logUser", ["u-1", {"plan": "pro"}]), ("logEvent", ["Signed Up", {"a": 1}])]
    assert page.evaluate("document.querySelectorAll('script[type=py], script[type=mpy]').length") == 1


def test_events_held_while_python_starts_arrive_in_order(site, page, runtime):
    page.goto(main_page(site, runtime, "for (var i = 0; i < 30; i++) analytics.track('held', {i: i})"))
    assert [call["args"][1]["i"] for call in sdk_calls(page, 30)] == list(range(30))


# Our package, as one file with the main thread's seam (python/main.py or .mpy).
PACKAGE = {"pyodide": "python/main.py", "micropython": "python/main.mpy"}


def test_the_page_fetches_the_package_and_not_the_worker_script(site, page, runtime):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(main_page(site, runtime, "analytics.track('first')"))
    sdk_calls(page, 1)
    assert site.assets + PACKAGE[runtime] in requests
    assert [url for url in requests if "oneflow-worker.py" in url] == []


def test_a_runtime_file_answering_404_is_a_clear_error(site, page, runtime):
    errors = watch_errors(page)
    missing = site.assets + PACKAGE[runtime]
    text = fail_once_held(page, main_page(site, runtime, "analytics.track('held')"), missing)
    assert "404" in text and "1 held event(s) were not delivered" in text
    assert page.evaluate("oneflowWeb.stats()")["state"] == "failed"
    assert errors == []


def test_an_sdk_that_cannot_load_is_one_clear_error(site, page, runtime):
    sdk_url = site.origin + "/cdn/missing-1flow.js"
    page.route(sdk_url, lambda route: route.fulfill(status=404, body=""))
    with expect_error(page, "could not be loaded") as message:
        page.goto(main_page(site, runtime, "analytics.track('held')", data_sdk_url=sdk_url))
    assert sdk_url in message.value.text and "1 held event(s) were not delivered" in message.value.text


# Identify User as preset, and a track mapping that sets only the event name.
IDENTIFY_AND_NAME_ONLY = json.dumps([PRESETS[0], {"name": "Names", "subscribe": 'type = "track"',
                                                  "partnerAction": "trackEvent",
                                                  "mapping": {"event_name": {"@path": "$.event"}}}])


def test_the_command_sdk_gets_todays_calls_from_the_main_thread_undefined_included(site, page, runtime):
    page.goto(main_page(site, runtime, "analytics.identify('u-1', {plan: 'pro'}); analytics.track('Signed Up')",
                        data_sdk_url=pages.standin_url(site, pages.COMMAND_STANDIN),
                        data_subscriptions=IDENTIFY_AND_NAME_ONLY))
    assert [(call["method"], call["args"], call["undefinedAt"]) for call in sdk_calls(page, 2)] == [
        ("identify", ["u-1", {"plan": "pro"}], []),
        ("track", ["Signed Up", {}], ["1.anonymousId", "1.properties", "1.userId"])]


# ---------------------------------------------------------------- bridge.py as fully as the worker's seam

def test_consent_on_the_main_thread_injects_no_sdk_until_an_event_consents(site, page, runtime):
    page.goto(pages.consent_page(site, "opt-out", {"Analytics": False}, ["Analytics"], tag_attributes={
        "data-api-key": KEY, "data-sdk-url": pages.standin_url(site), "data-runtime": runtime, "data-thread": "main",
        "data-consent-categories": "Analytics"}))
    page.wait_for_function("window.oneflowWeb && oneflowWeb.stats().state === 'ready'")
    page.evaluate("analytics.track('refused')")
    page.wait_for_function("oneflowWeb.stats().skipped['no consent'] === 1 || oneflowWeb.stats().blocked === 1")
    assert page.evaluate("[...document.scripts].some((tag) => tag.src.includes('/standins/'))") is False
    page.evaluate("setConsent({Analytics: true}); analytics.track('granted')")
    assert [call["args"][0] for call in sdk_calls(page, 2)] == ["Segment Consent Preference Updated", "granted"]


def test_stats_and_bad_input_on_the_main_thread(started, runtime):
    # An empty event name never leaves Analytics.js: it is handed to the plugin directly.
    shared = started_on_the_main_thread(started, runtime)
    page = shared.send("window['1flowDestination']()[0].track({event: {type: 'track', event: ''}});"
                       " analytics.identify(); analytics.page('Home');"
                       " var cyclic = {}; cyclic.self = cyclic; analytics.track('Cyclic', cyclic);"
                       " analytics.track('Good', {n: 1})")
    assert [call["args"] for call in sdk_calls(page, 1)] == [["Good", {"n": 1}]]
    stats = shared.stats()
    assert (stats["received"], stats["delivered"], stats["calls"], stats["unserialisable"]) == (5, 1, 1, 1)
    assert stats["skipped"] == {"failed field checks": 2, "no subscription matched": 1}
    assert any('"event_name"' in line for line in shared.console if line.startswith("warning:"))


def test_the_buffer_limit_on_the_main_thread_drops_the_oldest(site, page, runtime):
    page.goto(main_page(site, runtime, "for (var i = 0; i < 8; i++) analytics.track('e' + i);", data_buffer_limit="5"))
    assert [call["args"][0] for call in sdk_calls(page, 5)] == ["e3", "e4", "e5", "e6", "e7"]
    assert page.evaluate("oneflowWeb.stats().dropped") == 3
