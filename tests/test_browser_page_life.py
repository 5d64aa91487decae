"""The whole page life: held events on the remote-plugin path, a late analytics.load(), a page
frozen in the back/forward cache, and start-up leaving nothing behind (issue 24, in Chromium; the
other engines' share is in test_browser_engines.py)."""
import json
import time

import pytest

import pages
from conftest import ON_THE_DEFAULT_RUNTIME, expect_error, sdk_calls, watch_errors

pytestmark = pytest.mark.browser

KEY = "page-life-app-id"
OUR_ERROR = "error: [1Flow Web (Actions)]"
NEVER_READY = "?config=60000"  # the stand-in loads, but sets window.glob only after a minute


def remote_settings(site, runtime, sdk_query="", **more):
    return dict({"projectApiKey": KEY, "sdkUrl": pages.standin_url(site) + sdk_query, "runtime": runtime}, **more)


def names(calls):
    return [call["args"][0] for call in calls]


# ---------------------------------------------------------------- the remote-plugin path

def test_on_the_remote_plugin_path_events_are_held_and_counted_by_the_loader_while_python_starts(site, page, runtime):
    page.goto(pages.remote_plugins_page(site, remote_settings(site, runtime, NEVER_READY),
                                        "analytics.track('one'); analytics.track('two')"))
    page.wait_for_function("window.oneflowWeb && oneflowWeb.stats().pending === 2")
    stats = page.evaluate("oneflowWeb.stats()")
    assert stats["received"] == 2 and stats["state"] == "loading"


@ON_THE_DEFAULT_RUNTIME
def test_on_the_remote_plugin_path_the_buffer_limit_applies_while_python_starts(site, page, runtime):
    page.goto(pages.remote_plugins_page(site, remote_settings(site, runtime, NEVER_READY, bufferLimit=2),
                                        "for (var i = 0; i < 5; i++) analytics.track('e' + i);"))
    page.wait_for_function("window.oneflowWeb && oneflowWeb.stats().received === 5")
    assert page.evaluate("[oneflowWeb.stats().pending, oneflowWeb.stats().dropped]") == [2, 3]


def test_on_the_remote_plugin_path_events_held_when_the_visitor_leaves_reach_the_next_page(site, page, runtime):
    page.goto(pages.remote_plugins_page(site, remote_settings(site, runtime, NEVER_READY),
                                        "analytics.track('one'); analytics.track('two')"))
    page.wait_for_function("window.oneflowWeb && oneflowWeb.stats().pending === 2")
    page.goto("about:blank")
    page.goto(pages.remote_plugins_page(site, remote_settings(site, runtime), "analytics.track('own')"))
    assert names(sdk_calls(page, 3)) == ["one", "two", "own"]
    assert page.evaluate("oneflowWeb.stats().replayed") == 2


@ON_THE_DEFAULT_RUNTIME
def test_load_resolves_once_the_plugin_holds_events_and_started_settles_when_1flow_is_ready(site, page, runtime):
    page.goto(pages.remote_plugins_page(site, remote_settings(site, runtime, "?config=500"), (
        "window.order = []; analytics.ready(function () { order.push('analytics ready'); });"
        "var wait = setInterval(function () { if (window.oneflowWeb && oneflowWeb.started) { clearInterval(wait);"
        " oneflowWeb.started.then(function () { order.push('1flow started ' + oneflowWeb.stats().state); }); } }, 5);")))
    page.wait_for_function("order.length === 2")
    assert page.evaluate("order") == ["analytics ready", "1flow started ready"]


@ON_THE_DEFAULT_RUNTIME
def test_a_fault_rejects_started_with_the_error(site, page, runtime):
    sdk_url = site.origin + "/cdn/missing-1flow.js"
    page.route(sdk_url, lambda route: route.fulfill(status=404, body="not found"))
    page.goto(pages.standin_page(site, KEY, runtime, "", data_sdk_url=sdk_url))
    error = page.evaluate("oneflowWeb.started.then(() => 'resolved', (error) => error.message)")
    assert "could not be loaded" in error and sdk_url in error


@ON_THE_DEFAULT_RUNTIME
def test_a_fault_known_at_once_rejects_load(site, page, runtime):
    settings = remote_settings(site, "ruby")
    page.goto(pages.site_page(site, (
        "<script src='%soneflow-web.js'></script><script>"
        "window.loadResult = window['1flowDestination'](%s)[0].load({}, {settings: {}})"
        ".then(() => 'resolved', (error) => error.message);</script>") % (site.assets, json.dumps(settings))))
    assert "Unknown runtime" in page.evaluate("loadResult")


# ---------------------------------------------------------------- a late analytics.load()

LATE_LOAD = """
window.analytics = new AnalyticsNext.AnalyticsBrowser();
window.loadAnalytics = function () {
  analytics.load({writeKey: 'test-write-key', cdnURL: CDN_URL, cdnSettings: CDN_SETTINGS},
                 {integrations: {'Segment.io': false}});
};
"""


def test_a_late_analytics_load_still_delivers_however_long_after_the_boot_timeout(site, page, runtime, console):
    attributes = {"data-api-key": KEY, "data-sdk-url": pages.standin_url(site), "data-runtime": runtime,
                  "data-boot-timeout": "1000"}
    page.goto(site.page(pages._head(site, pages.cdn_settings()) + "<script>%s</script>\n%s\n</head></html>"
                        % (LATE_LOAD, pages._tag(site, attributes))))
    wasm = {"micropython": "micropython/micropython.wasm", "pyodide": "pyodide/pyodide.asm.wasm"}[runtime]
    page.wait_for_function("performance.getEntriesByName(%s).length > 0" % json.dumps(site.assets + wasm))
    page.wait_for_timeout(1600)  # the boot timeout, and more, passes before the site loads Analytics.js
    assert page.evaluate("oneflowWeb.stats().state") == "loading"
    assert page.evaluate("document.querySelector('script[src*=\"standins\"]')") is None
    page.evaluate("loadAnalytics(); analytics.track('late')")
    assert names(sdk_calls(page, 1)) == ["late"]
    assert not [line for line in console if line.startswith((OUR_ERROR, "pageerror:"))]


# ---------------------------------------------------------------- a frozen page

def test_time_in_the_back_forward_cache_does_not_count_against_sdk_timeout(site, page, runtime, console):
    page.goto(pages.standin_page(site, KEY, runtime, "analytics.track('one')",
                                 data_sdk_url=pages.standin_url(site) + "?config=1800", data_sdk_timeout="1000"))
    page.wait_for_function("window.oneflowStandIn !== undefined")
    page.evaluate("dispatchEvent(new PageTransitionEvent('pagehide', {persisted: true}))")
    page.wait_for_function("window.glob !== undefined", timeout=10000)
    page.evaluate("dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    assert names(sdk_calls(page, 1)) == ["one"]
    assert not [line for line in console if line.startswith((OUR_ERROR, "pageerror:"))]


# ---------------------------------------------------------------- start-up leaves nothing behind

def test_start_up_watchers_end_when_start_up_ends(site, page, runtime):
    page.add_init_script("""
        window.watchers = {observing: 0, violations: 0};
        const observe = PerformanceObserver.prototype.observe, disconnect = PerformanceObserver.prototype.disconnect;
        PerformanceObserver.prototype.observe = function (...args) { watchers.observing++; return observe.apply(this, args); };
        PerformanceObserver.prototype.disconnect = function () { watchers.observing--; return disconnect.call(this); };
        const add = Document.prototype.addEventListener, remove = Document.prototype.removeEventListener;
        Document.prototype.addEventListener = function (type, ...rest) {
          if (type === 'securitypolicyviolation') watchers.violations++; return add.call(this, type, ...rest); };
        Document.prototype.removeEventListener = function (type, ...rest) {
          if (type === 'securitypolicyviolation') watchers.violations--; return remove.call(this, type, ...rest); };""")
    page.goto(pages.standin_page(site, KEY, runtime, "analytics.track('one')"))
    sdk_calls(page, 1)
    assert page.evaluate("watchers") == {"observing": 0, "violations": 0}


def test_pyscript_worker_hooks_are_back_once_python_is_ready_while_the_sdk_waits_for_consent(site, page, runtime):
    page.goto(pages.standin_page(site, KEY, runtime, "", data_thread="main", data_consent_categories="Analytics"))
    page.wait_for_function("oneflowWeb.stats().state === 'ready'")
    assert page.evaluate("document.querySelector('script[src*=\"standins\"]')") is None
    hooks = page.evaluate("import(%s).then((core) => core.hooks.worker.onBeforeRunAsync.size)"
                          % json.dumps(site.assets + "pyscript/core.js"))
    assert hooks > 0


def test_the_sdk_script_waits_until_no_pyscript_run_holds_document_current_script(site, page, runtime):
    # What PyScript does while it runs a <script type="py">: document.currentScript, an own property, is that tag.
    page.add_init_script("Object.defineProperty(document, 'currentScript', {configurable: true, get: () => null});")
    page.goto(pages.standin_page(site, KEY, runtime, "analytics.track('one')"))
    page.wait_for_function("performance.getEntriesByName('oneflow-web: Python running').length > 0")
    assert page.evaluate("document.querySelector('script[src*=\"standins\"]')") is None
    page.evaluate("delete document.currentScript")
    assert names(sdk_calls(page, 1)) == ["one"]


def test_saved_events_are_delivered_once_where_the_browser_refuses_a_web_lock(site, page):
    page.add_init_script("navigator.locks.request = () => Promise.reject(new DOMException('refused', 'SecurityError'));")
    saved = {"version": 1, "time": int(time.time() * 1000), "events": [
        json.dumps({"type": "track", "event": "saved", "properties": {}, "messageId": "id-saved"})]}
    page.goto(pages.site_page(site, "<script>localStorage.setItem(%s, %s)</script>" % (
        json.dumps("oneflow-web:held:%s:earlier" % KEY), json.dumps(json.dumps(saved)))))
    page.goto(pages.standin_page(site, KEY, "micropython", "analytics.track('own')"))
    assert names(sdk_calls(page, 2)) == ["saved", "own"]
    assert page.evaluate("Object.keys(localStorage).filter((name) => name.startsWith('oneflow-web:'))") == []


def test_a_loader_run_without_its_own_tag_is_one_clear_error_and_throws_nothing(site, page, console):
    errors = watch_errors(page)
    with expect_error(page, "could not find its own <script> tag"):
        page.goto(pages.site_page(site, (
            "<script>fetch(%s).then((answer) => answer.text()).then((code) => (0, eval)(code));</script>")
            % json.dumps(site.assets + "oneflow-web.js")))
    assert errors == [] and page.evaluate("window.oneflowWeb") is None
