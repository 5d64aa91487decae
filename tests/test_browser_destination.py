"""The destination end to end: real Chromium, real analytics-next, real PyScript, built dist/."""
import json

import pytest

import pages
from conftest import ON_THE_DEFAULT_RUNTIME, sdk_calls

pytestmark = pytest.mark.browser

KEY = "test-app-id"


def tag_page(site, runtime, calls, **attributes):
    return pages.standin_page(site, KEY, runtime, calls, **attributes)


def remote_settings(site, runtime, **extra):
    return {"projectApiKey": KEY, "sdkUrl": pages.standin_url(site), "runtime": runtime, **extra}


TRAITS = {"name": "Ada", "plan": {"tier": "pro", "seats": [1, 2, {"admin": True}]}, "score": 1.5}
PROPERTIES = {"order": {"id": "o-1", "items": [{"sku": "a", "qty": 2}, {"sku": "b", "price": 9.99}]},
              "tags": ["x", "y"], "empty": {}, "none": None, "flag": False}


def test_identify_reaches_log_user_with_user_id_and_traits(started, runtime):
    page = started(runtime).send("analytics.identify('user-1', %s)" % json.dumps(TRAITS))
    call, = sdk_calls(page, 1)
    assert call["method"] == "logUser"
    assert call["args"] == ["user-1", TRAITS]


def test_track_reaches_log_event_with_nested_properties_intact(started, runtime):
    page = started(runtime).send("analytics.track('Order Completed', %s)" % json.dumps(PROPERTIES))
    call, = sdk_calls(page, 1)
    assert (call["method"], call["args"], call["plain"]) == ("logEvent", ["Order Completed", PROPERTIES], True)


def test_sdk_receives_plain_objects_not_proxies_or_maps(started, runtime):
    page = started(runtime).send("analytics.identify('u', %s); analytics.track('T', %s)"
                                                    % (json.dumps(TRAITS), json.dumps(PROPERTIES)))
    assert [call["plain"] for call in sdk_calls(page, 2)] == [True, True]


def test_identify_without_user_id_is_not_sent(started, runtime):
    page = started(runtime).send("analytics.identify({plan: 'free'}); analytics.track('Sentinel')")
    calls = sdk_calls(page, 1)
    assert [call["method"] for call in page.evaluate("oneflowStandIn.calls")] == ["logEvent"]
    assert calls[0]["args"][0] == "Sentinel"


def test_later_identify_without_id_carries_the_stored_user_id(started, runtime):
    page = started(runtime).send("analytics.identify('user-7'); analytics.identify({plan: 'team'})")
    first, second = sdk_calls(page, 2)
    assert first["args"][0] == second["args"][0] == "user-7"
    assert second["args"][1] == {"plan": "team"}


def test_page_call_sends_nothing_with_the_default_presets(started, runtime):
    page = started(runtime).send("analytics.page('Home'); analytics.group('g-1'); "
                                                    "analytics.alias('new-id'); analytics.track('Sentinel')")
    sdk_calls(page, 1)
    assert [call["args"][0] for call in page.evaluate("oneflowStandIn.calls")] == ["Sentinel"]


@pytest.mark.parametrize("integrations", [{"1Flow Web (Actions)": False}, {"All": False}])
def test_integrations_object_turning_the_destination_off_sends_nothing(started, runtime, integrations):
    page = started(runtime).send("analytics.track('Hidden', {}, {integrations: %s}); "
                                                    "analytics.track('Sentinel')" % json.dumps(integrations))
    sdk_calls(page, 1)
    assert [call["args"][0] for call in page.evaluate("oneflowStandIn.calls")] == ["Sentinel"]


def test_all_false_with_the_destination_named_true_still_sends(started, runtime):
    page = started(runtime).send("analytics.track('Shown', {}, {integrations: "
                                                    "{All: false, '1Flow Web (Actions)': true}})")
    assert sdk_calls(page, 1)[0]["args"][0] == "Shown"


def test_events_fired_before_python_is_ready_all_arrive_in_order(site, page, runtime):
    page.goto(tag_page(site, runtime, "for (var i = 0; i < 60; i++) {"
                                       " if (i % 3 === 0) analytics.identify('user-' + i, {i: i});"
                                       " else analytics.track('event-' + i, {i: i}); }"))
    calls = sdk_calls(page, 60)
    assert [call["args"][1].get("i") for call in calls] == list(range(60))
    assert [call["method"] for call in calls] == ["logUser" if i % 3 == 0 else "logEvent" for i in range(60)]


PYSCRIPT_PLUGINS = ("codemirror", "deprecations-manager", "donkey", "py-editor", "py-game", "py-terminal")
# Our package, as one file: source for Pyodide, bytecode for MicroPython; the worker's seam, not the bridge.
OUR_PACKAGE = {"pyodide": ["python/worker.py"], "micropython": ["python/worker.mpy"]}


def test_the_page_fetches_only_what_its_runtime_needs_and_all_of_it_from_dist(site, page, runtime):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(tag_page(site, runtime, "analytics.track('first')"))
    sdk_calls(page, 1)
    # blob: URLs are made in the page (PyScript starts its worker from one), not fetched.
    assert all(url.startswith(site.origin) or url.startswith("blob:" + site.origin) for url in requests), requests
    ours = [url[len(site.assets):] for url in requests if url.startswith(site.assets)]
    assert sorted(set(url for url in ours if url.startswith("python/"))) == OUR_PACKAGE[runtime]
    other = "micropython/" if runtime == "pyodide" else "pyodide/"
    assert [url for url in ours if url.startswith(other) or any(name in url for name in PYSCRIPT_PLUGINS)] == []


def test_start_up_is_marked_in_the_performance_timeline(started, runtime):
    page = started(runtime).page
    running, ready = page.evaluate("""[performance.getEntriesByName('oneflow-web: Python running')[0].startTime,
        performance.getEntriesByName('oneflow-web: ready')[0].startTime]""")
    assert 0 < running < ready


def test_the_sdk_downloads_while_python_starts_and_runs_only_once_python_injects_it(site, started, runtime):
    page = started(runtime).page
    requested, running, injected = page.evaluate("""[
        performance.getEntriesByName(%s)[0].startTime,
        performance.getEntriesByName('oneflow-web: Python running')[0].startTime,
        oneflowStandIn.loadedAt]""" % json.dumps(pages.standin_url(site)))
    assert requested < running < injected
    assert page.evaluate("document.querySelectorAll('script[src*=\"1flow-2022\"]').length") == 1


def test_sdk_script_carries_the_api_key_and_is_injected_once(site, started, runtime):
    shared = started(runtime)
    key = shared.settings["projectApiKey"]
    page = shared.send("analytics.track('A'); analytics.track('B')")
    sdk_calls(page, 2)
    scripts = page.evaluate("""(url) => [...document.scripts].filter(s => s.src === url)
                               .map(s => ({key: s.getAttribute('data-api-key'), async: s.async}))""",
                            pages.standin_url(site))
    assert scripts == [{"key": key, "async": True}]
    assert page.evaluate("oneflowStandIn.apiKey") == key


def test_api_key_with_quotes_and_markup_only_ever_goes_into_the_attribute(site, page, runtime):
    key = "k\"'><img src=x onerror=alert(1)>"
    page.goto(tag_page(site, runtime, "analytics.track('A')", data_api_key=key))
    sdk_calls(page, 1)
    assert page.evaluate("oneflowStandIn.apiKey") == key
    assert page.evaluate("document.images.length") == 0


@ON_THE_DEFAULT_RUNTIME
def test_script_tag_registers_with_the_segment_snippets_buffered_stub(site, page, runtime):
    page.route(pages.SEGMENT_SETTINGS_URL, lambda route: route.fulfill(json=pages.cdn_settings()))
    attrs = {"data-api-key": KEY, "data-sdk-url": pages.standin_url(site), "data-runtime": runtime}
    page.goto(pages.snippet_page(site, attrs, "analytics.track('After the tag')",
                                 before_loader="analytics.identify('user-3', {early: true});"))
    assert [(call["method"], call["args"]) for call in sdk_calls(page, 2)] == [
        ("logUser", ["user-3", {"early": True}]), ("logEvent", ["After the tag", {}])]


def test_remote_plugins_entry_loads_the_destination(site, page, runtime):
    page.goto(pages.remote_plugins_page(site, remote_settings(site, runtime),
                                        "analytics.identify('user-2', {a: 1}); analytics.track('Remote', {b: [2]})"))
    assert [(call["method"], call["args"]) for call in sdk_calls(page, 2)] == [
        ("logUser", ["user-2", {"a": 1}]), ("logEvent", ["Remote", {"b": [2]}])]


@ON_THE_DEFAULT_RUNTIME
def test_factory_passed_in_plugins_is_used_without_loading_the_url(site, page, runtime):
    entry = pages.remote_plugin_entry(site, remote_settings(site, runtime))
    entry["url"] = site.assets + "does-not-exist.js"
    html = pages.site_page(site, (
        "<script src='%soneflow-web.js'></script><script>"
        "window.analytics = AnalyticsNext.AnalyticsBrowser.load({writeKey: 'w', cdnURL: CDN_URL,"
        " cdnSettings: Object.assign({}, CDN_SETTINGS, {remotePlugins: [%s]}),"
        " plugins: [window['1flowDestination']]}, {integrations: {'Segment.io': false}});"
        "analytics.track('Via plugins option');</script>") % (site.assets, json.dumps(entry)))
    page.goto(html)
    assert sdk_calls(page, 1)[0]["args"][0] == "Via plugins option"
    assert page.evaluate("[...document.scripts].some(s => s.src.includes('does-not-exist'))") is False


@ON_THE_DEFAULT_RUNTIME
def test_registering_by_hand_with_the_factory(site, page, runtime):
    html = pages.site_page(site, (
        "<script src='%soneflow-web.js'></script><script>"
        "window.analytics = AnalyticsNext.AnalyticsBrowser.load({writeKey: 'w', cdnURL: CDN_URL,"
        " cdnSettings: CDN_SETTINGS}, {integrations: {'Segment.io': false}});"
        "(async () => { await analytics.register(...await window['1flowDestination'](%s));"
        " analytics.track('By hand'); })();</script>") % (site.assets, json.dumps(remote_settings(site, runtime))))
    page.goto(html)
    assert sdk_calls(page, 1)[0]["args"][0] == "By hand"


@ON_THE_DEFAULT_RUNTIME
def test_script_tag_registers_with_a_loaded_analytics_instance(site, page, runtime):
    html = pages.site_page(site, (
        "<script>(async () => {"
        " const [analytics] = await AnalyticsNext.AnalyticsBrowser.load({writeKey: 'w', cdnURL: CDN_URL,"
        " cdnSettings: CDN_SETTINGS}, {integrations: {'Segment.io': false}});"
        " window.analytics = analytics;"
        " const tag = document.createElement('script'); tag.src = %s;"
        " tag.setAttribute('data-api-key', %s); tag.setAttribute('data-sdk-url', %s);"
        " tag.setAttribute('data-runtime', %s);"
        " tag.onload = () => analytics.track('After load'); document.head.appendChild(tag);"
        "})();</script>") % (json.dumps(site.assets + "oneflow-web.js"), json.dumps(KEY),
                             json.dumps(pages.standin_url(site)), json.dumps(runtime)))
    page.goto(html)
    assert sdk_calls(page, 1)[0]["args"][0] == "After load"


def test_missing_api_key_is_a_clear_error_and_injects_nothing(site, page, runtime, console):
    with page.expect_console_message(lambda m: "projectApiKey" in m.text, timeout=30000) as message:
        page.goto(tag_page(site, runtime, "analytics.track('A')", data_api_key=" "))
    assert message.value.type == "error"
    assert "Project API Key" in message.value.text
    assert "projectApiKey" in page.evaluate("oneflowWeb.started.then(() => 'resolved', (error) => error.message)")
    assert page.evaluate("[...document.scripts].some(s => s.src.includes('1flow'))") is False


def test_unknown_runtime_is_a_clear_error(site, page):
    with page.expect_console_message(lambda m: "Unknown runtime" in m.text) as message:
        page.goto(tag_page(site, "lua", "analytics.track('A')"))
    assert message.value.type == "error"
    assert '"lua"' in message.value.text and "micropython" in message.value.text


@ON_THE_DEFAULT_RUNTIME
def test_script_tag_without_analytics_on_the_page_is_a_clear_error(site, page, runtime):
    html = site.page("<!doctype html><html><head><script src='%soneflow-web.js' data-api-key='k' "
                     "data-runtime='%s'></script></head><body></body></html>" % (site.assets, runtime))
    with page.expect_console_message(lambda m: "window.analytics was not found" in m.text) as message:
        page.goto(html)
    assert message.value.type == "error" and "before oneflow-web.js" in message.value.text
    # The loader gave up as it ran, and goto() has waited for the page's load event since.
    assert page.evaluate("[...document.scripts].filter(s => s.type === 'py' || s.type === 'mpy').length") == 0
