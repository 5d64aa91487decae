"""Faults, bad input and security: the host page and Analytics.js keep working, nothing is lost silently."""
import json

import pytest

import pages
from conftest import ON_THE_DEFAULT_RUNTIME, AnsweredLater, fail_once_held, sdk_calls, watch_errors

pytestmark = pytest.mark.browser

KEY = "secret-app-id-123"

# Another destination on the same page: it must keep receiving events whatever happens to ours.
OTHER_DESTINATION = """
window.otherCalls = [];
analytics.register({name: 'Other', type: 'destination', version: '1.0.0',
  isLoaded: function () { return true; }, load: function () { return Promise.resolve(); },
  track: function (ctx) { otherCalls.push(ctx.event.event); return ctx; }});
"""


def tag_page(site, runtime, calls="", sdk_url=None, before_loader=OTHER_DESTINATION, **attributes):
    attrs = {"data-api-key": KEY, "data-sdk-url": sdk_url or pages.standin_url(site), "data-runtime": runtime}
    attrs.update({name.replace("_", "-"): value for name, value in attributes.items()})
    return pages.script_tag_page(site, attrs, calls, before_loader=before_loader)


def expect_failure(page, url, text):
    """Load the page, wait for our one clear error; return it."""
    with page.expect_console_message(lambda m: m.type == "error" and text in m.text, timeout=30000) as message:
        page.goto(url)
    return message.value.text


def assert_page_and_analytics_unaffected(page, errors):
    page.evaluate("analytics.track('after the failure')")
    page.wait_for_function("otherCalls.includes('after the failure')")
    assert errors == []


# ---------------------------------------------------------------- the 1Flow SDK fails

@pytest.mark.parametrize("failure", ["404", "abort"])
def test_sdk_that_cannot_load_is_one_clear_error_and_nothing_else_breaks(site, page, runtime, failure):
    errors = watch_errors(page)
    sdk_url = site.origin + "/cdn/1flow.js"
    if failure == "404":
        page.route(sdk_url, lambda route: route.fulfill(status=404, body="not found"))
    else:
        page.route(sdk_url, lambda route: route.abort())
    text = expect_failure(page, tag_page(site, runtime, "analytics.track('held')", sdk_url=sdk_url),
                          "could not be loaded")
    assert sdk_url in text and "projectApiKey" in text and "regional" in text
    assert KEY not in text
    assert page.evaluate("oneflowWeb.stats().state") == "failed"
    assert_page_and_analytics_unaffected(page, errors)


def test_sdk_that_never_becomes_ready_times_out_with_a_clear_error(site, page, runtime):
    errors = watch_errors(page)
    sdk_url = site.add("/cdn/silent-1flow.js", "window.notOneFlow = true;", "text/javascript")
    text = expect_failure(page, tag_page(site, runtime, sdk_url=sdk_url, data_sdk_timeout="1000"),
                          "did not become ready within 1 s")
    assert sdk_url in text
    assert_page_and_analytics_unaffected(page, errors)


# Each fault, and the words its console error and oneflowWeb.started's rejection share.
FAULTS = {
    "the SDK answers 404": ({"sdk_url": "/cdn/missing-1flow.js"}, "could not be loaded"),
    "the SDK never becomes ready": ({"sdk_url": "/cdn/silent-1flow.js", "data_sdk_timeout": "500"},
                                    "did not become ready within 0.5 s"),
    "a runtime file answers 404": ({}, "python/worker.mpy (HTTP 404)"),
    "the API key is blank": ({"data_api_key": " "}, "projectApiKey"),
    "the runtime is unknown": ({"data_runtime": "ruby"}, 'Unknown runtime "ruby"'),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_fault_is_one_console_error_and_rejects_started_with_it(site, page, fault):
    attributes, words = FAULTS[fault]
    attributes = dict(attributes)
    site.add("/cdn/silent-1flow.js", "window.notOneFlow = true;", "text/javascript")
    page.route(site.origin + "/cdn/missing-1flow.js", lambda route: route.fulfill(status=404, body=""))
    if fault == "a runtime file answers 404":
        page.route(site.assets + "python/worker.mpy", lambda route: route.fulfill(status=404, body=""))
    sdk_url = site.origin + attributes.pop("sdk_url") if "sdk_url" in attributes else None
    ours = []
    page.on("console", lambda message: message.type == "error" and message.text.startswith("[1Flow Web (Actions)]")
            and ours.append(message.text))
    page.goto(tag_page(site, "micropython", "analytics.track('held')", sdk_url=sdk_url, **attributes))
    rejection = page.evaluate("oneflowWeb.started.then(() => 'resolved', (error) => error.message)")
    assert words in rejection
    assert len(ours) == 1 and words in ours[0], ours


def test_slow_sdk_within_the_timeout_gets_every_held_event_in_order(site, page, runtime):
    # The 2022 stand-in, loading its configuration (and setting window.glob) only after 0.8 s.
    sdk_url = pages.standin_url(site) + "?config=800"
    page.goto(tag_page(site, runtime, "for (var i = 0; i < 5; i++) analytics.track('held-' + i)", sdk_url=sdk_url))
    assert [call["args"][0] for call in sdk_calls(page, 5)] == ["held-%d" % i for i in range(5)]
    assert page.evaluate("oneflowStandIn.apiKey") == KEY


def test_failed_load_reports_how_many_held_events_were_not_delivered(site, page, runtime):
    sdk_url = site.origin + "/cdn/missing-1flow.js"
    page.route(sdk_url, lambda route: route.fulfill(status=404, body=""))
    text = expect_failure(page, tag_page(site, runtime, "analytics.track('a'); analytics.track('b')",
                                         sdk_url=sdk_url), "could not be loaded")
    assert "2 held event(s) were not delivered" in text
    assert page.evaluate("oneflowWeb.stats().dropped") == 2


def test_an_event_after_a_failure_is_counted_as_dropped_and_throws_nothing(site, page, runtime):
    sdk_url = site.origin + "/cdn/gone-1flow.js"
    page.route(sdk_url, lambda route: route.fulfill(status=404, body=""))
    expect_failure(page, tag_page(site, runtime, sdk_url=sdk_url), "could not be loaded")
    thrown = page.evaluate("""() => { try { window['1flowDestination']()[0].track({event: {type: 'track', event: 'late'}});
        return null; } catch (error) { return String(error); } }""")
    assert thrown is None
    assert page.evaluate("oneflowWeb.stats().dropped") == 1


# ---------------------------------------------------------------- the runtime fails

# What each runtime fetches in the default (worker) mode, the package last (one file: source
# for Pyodide, bytecode for MicroPython).
PACKAGE = {"pyodide": "python/worker.py", "micropython": "python/worker.mpy"}
RUNTIME_FILES = {"pyodide": ["pyodide/pyodide.asm.wasm", "pyodide/python_stdlib.zip", PACKAGE["pyodide"]],
                 "micropython": ["micropython/micropython.wasm", "micropython/micropython.mjs", PACKAGE["micropython"]]}


@pytest.mark.parametrize("which", [0, 1, -1])
def test_runtime_file_answering_404_is_a_clear_error_and_nothing_else_breaks(site, page, runtime, which):
    errors = watch_errors(page)
    missing = site.assets + RUNTIME_FILES[runtime][which]
    text = fail_once_held(page, tag_page(site, runtime, "analytics.track('held')"), missing)
    assert text.startswith("[1Flow Web (Actions)] ") and "404" in text and "1 held event(s) were not delivered" in text
    assert_page_and_analytics_unaffected(page, errors)


# What start-up waits for besides each runtime's second file (RUNTIME_FILES[runtime][1]), our package and the
# worker's script.
OTHER_FILES = {"pyodide": ["pyodide/pyodide.mjs", "pyodide/pyodide.asm.mjs", "pyodide/pyodide.asm.wasm",
                           "pyodide/pyodide-lock.json"],
               "micropython": ["micropython/micropython.wasm"]}
SUFFIX = {"pyodide": ".py", "micropython": ".mpy"}
# Whether the page has started Python: a worker (pages.WORKER_SPY), or PyScript's script on the page.
PYTHON_STARTED = "spiedWorkers.length > 0 || document.querySelector('script[type=py], script[type=mpy]') !== null"


@pytest.mark.parametrize("thread", ["worker", "main"])
def test_a_runtime_file_that_fails_last_is_asked_for_once_and_nothing_is_started(site, page, runtime, thread):
    # The loader's own request answers only once everything else has arrived: Python started
    # before the loader knew would fetch the file again and throw into the page as well.
    errors = watch_errors(page)
    missing = site.assets + RUNTIME_FILES[runtime][1]
    answers = AnsweredLater(page, missing, status=404, body="not found")
    page.add_init_script(pages.WORKER_SPY)
    page.goto(tag_page(site, runtime, "analytics.track('held')", data_thread=thread), wait_until="commit")
    others = ["pyscript/core.js", "python/" + thread + SUFFIX[runtime]] + OTHER_FILES[runtime]
    if thread == "worker":
        others.append("oneflow-worker.py")
    page.wait_for_function("(urls) => urls.every((url) => performance.getEntriesByName(url).length)",
                           arg=[site.assets + name for name in others])
    with page.expect_console_message(lambda m: m.type == "error" and missing in m.text) as message:
        answers.release()
    assert "404" in message.value.text
    assert_page_and_analytics_unaffected(page, errors)
    assert (answers.requests, page.evaluate(PYTHON_STARTED)) == (1, False)


@ON_THE_DEFAULT_RUNTIME
def test_pyscript_that_cannot_load_is_a_clear_error(site, page, runtime):
    errors = watch_errors(page)
    page.route(site.assets + "pyscript/core.js", lambda route: route.abort())
    text = expect_failure(page, tag_page(site, runtime), "PyScript could not be loaded")
    assert site.assets + "pyscript/core.js" in text
    assert_page_and_analytics_unaffected(page, errors)


def test_a_download_that_stalls_is_reported_after_the_boot_timeout_naming_it(site, page, runtime):
    errors = watch_errors(page)
    stalled = site.assets + PACKAGE[runtime]
    page.route(stalled, lambda route: None)  # never answered
    text = expect_failure(page, tag_page(site, runtime, data_boot_timeout="1500"),
                          "Python did not start: nothing arrived from %s for 1.5 s" % stalled)
    assert text.startswith("[1Flow Web (Actions)] ")
    assert_page_and_analytics_unaffected(page, errors)


# ---------------------------------------------------------------- delivery guarantees

def test_buffer_beyond_its_limit_drops_the_oldest_counts_them_and_warns_once(site, page, runtime, console):
    page.goto(tag_page(site, runtime, "for (var i = 0; i < 8; i++) analytics.track('e' + i);",
                       data_buffer_limit="5"))
    calls = sdk_calls(page, 5)
    assert [call["args"][0] for call in calls] == ["e3", "e4", "e5", "e6", "e7"]
    assert page.evaluate("oneflowWeb.stats().dropped") == 3
    assert len([line for line in console if "the oldest are dropped" in line]) == 1


# 10,000 events in 40 batches, one every 10 ms, the SDK becoming ready (window.glob) after the 20th:
# Python and the SDK are ready while the burst goes on. `window.states` is the destination's
# state at each batch.
BURST_ACROSS_READY = """() => new Promise((resolve) => {
  const plugin = window['1flowDestination']()[0];
  window.states = [];
  let batch = 0;
  (function next() {
    states.push(oneflowWeb.stats().state);
    for (let i = batch * 250; i < (batch + 1) * 250; i++) plugin.track({event: {type: 'track', event: 'burst', properties: {i}}});
    if (++batch === 20) window.glob = {};
    if (batch < 40) setTimeout(next, 10); else resolve();
  })();
})"""


@pytest.mark.parametrize("thread", ["worker", "main"])
def test_a_burst_of_ten_thousand_events_across_the_moment_python_becomes_ready_arrives_complete_and_in_order(
        site, page, runtime, thread):
    page.goto(tag_page(site, runtime, sdk_url=pages.standin_url(site) + "?config=600000", data_thread=thread,
                       data_buffer_limit="10000", data_sdk_timeout="600000"))
    page.wait_for_function("window.oneflowStandIn !== undefined")  # Python has read the settings; glob comes later
    page.evaluate(BURST_ACROSS_READY)
    page.wait_for_function("oneflowStandIn.calls.length >= 10000", timeout=60000)
    assert page.evaluate("oneflowStandIn.calls.map(c => c.args[1].i)") == list(range(10000))
    states = page.evaluate("states")
    assert states[0] == "loading" and states[-1] == "ready", states


def test_stats_count_received_delivered_and_skipped_with_reasons(started, runtime):
    # Analytics.js itself filters {All: false} before destinations; a plugin can still be handed one.
    shared = started(runtime, projectApiKey=KEY, site_script=OTHER_DESTINATION)
    sdk_calls(shared.send("analytics.identify({noId: true}); analytics.page(); "
                          "window['1flowDestination']()[0].track({event: {type: 'track', event: 'x',"
                          " integrations: {All: false}}}); analytics.track('sent')"), 1)
    stats = shared.stats()
    assert stats["state"] == "ready"
    assert (stats["received"], stats["delivered"], stats["calls"], stats["dropped"]) == (4, 1, 1, 0)
    assert stats["skipped"] == {"failed field checks": 1, "no subscription matched": 1,
                                "turned off by the Integrations object": 1}


def test_debug_logs_every_decision_and_never_the_api_key(site, page, runtime, console):
    # The console lines come in order, the page event's first: once the track's line is here, both are.
    with page.expect_console_message(lambda m: "track event -> _1flow.logEvent(\"shown\"" in m.text, timeout=30000):
        page.goto(tag_page(site, runtime, "analytics.page(); analytics.track('shown')", data_debug=None))
    sdk_calls(page, 1)
    assert any("track event -> _1flow.logEvent(\"shown\"" in line for line in console)
    assert any("page event not sent by subscription \"Track Event\"" in line for line in console)
    assert not [line for line in console if KEY in line]


# ---------------------------------------------------------------- bad input

def send_then_sentinel(started, runtime, bad_call: str, fetch: bool = True):
    """Send one bad call, then a good one, on a started page; the good one must arrive and the page must
    not see an error. Returns the started page and what the stand-in received (None without `fetch`)."""
    shared = started(runtime, projectApiKey=KEY, site_script=OTHER_DESTINATION)
    page = shared.send(bad_call + "; analytics.track('sentinel')")
    page.wait_for_function("oneflowStandIn.calls.some(c => c.args[0] === 'sentinel')", timeout=30000)
    assert shared.errors == []
    return shared, page.evaluate("oneflowStandIn.calls") if fetch else None


def test_cyclic_properties_are_skipped_with_a_reason(started, runtime):
    shared, calls = send_then_sentinel(started, runtime, "var p = {a: 1}; p.self = p; analytics.track('cyclic', p)")
    assert [call["args"][0] for call in calls] == ["sentinel"]
    assert any("cannot be sent as JSON" in line for line in shared.console)


def test_a_part_of_an_event_no_subscription_reads_cannot_stop_it(site, page, runtime):
    """Only the keys the subscriptions read are serialised: a loop in `context` does not matter to the presets."""
    page.goto(tag_page(site, runtime))
    page.wait_for_function("window['1flowDestination']()[0].isLoaded()", timeout=30000)
    page.evaluate("""analytics.addSourceMiddleware(({payload, next}) => {
        const loop = {}; loop.self = loop; payload.obj.context.loop = loop; next(payload); });
      analytics.track('loop in context', {a: 1})""")
    page.wait_for_function("oneflowStandIn.calls.some(c => c.args[0] === 'loop in context')", timeout=30000)
    assert [call["args"] for call in page.evaluate("oneflowStandIn.calls") if call["method"] == "logEvent"] == [
        ["loop in context", {"a": 1}]]


def test_functions_are_left_out_as_json_leaves_them(started, runtime):
    _, calls = send_then_sentinel(started, runtime, "analytics.track('fn', {keep: 1, f: function () {}})")
    assert calls[0]["args"] == ["fn", {"keep": 1}]


def test_dates_arrive_as_iso_text(started, runtime):
    _, calls = send_then_sentinel(started, runtime, "analytics.track('date', {at: new Date(Date.UTC(2026, 0, 2))})")
    assert calls[0]["args"] == ["date", {"at": "2026-01-02T00:00:00.000Z"}]


def test_bigint_arrives_as_its_decimal_text(started, runtime):
    _, calls = send_then_sentinel(started, runtime, "analytics.track('big', {n: 12345678901234567890n})")
    assert calls[0]["args"] == ["big", {"n": "12345678901234567890"}]


def test_nan_and_infinity_arrive_as_null_as_in_json(started, runtime):
    _, calls = send_then_sentinel(started, runtime, "analytics.track('nums', {a: NaN, b: Infinity, c: -Infinity, d: 1.5})")
    assert calls[0]["args"] == ["nums", {"a": None, "b": None, "c": None, "d": 1.5}]


def test_a_one_megabyte_properties_object_is_delivered_whole(started, runtime):
    _, calls = send_then_sentinel(started, runtime,
                                  "var big = {}; for (var i = 0; i < 1000; i++) big['k' + i] = 'x'.repeat(1000);"
                                  "analytics.track('big', big)")
    assert len(calls[0]["args"][1]) == 1000
    assert all(value == "x" * 1000 for value in calls[0]["args"][1].values())


def test_a_thousand_levels_of_nesting_are_delivered_by_pyodide_and_skipped_with_a_reason_by_micropython(started, runtime):
    shared, _ = send_then_sentinel(started, runtime,
                                   "var deep = {}; var at = deep; for (var i = 0; i < 1000; i++) { at.d = {}; at = at.d; }"
                                   "analytics.track('deep', deep)", fetch=False)
    first, depth = shared.page.evaluate("""() => { const call = oneflowStandIn.calls[0];
        let depth = 0; for (let at = call.args[1]; at && at.d; at = at.d) depth++;
        return [call.args[0], depth]; }""")
    if runtime == "pyodide":  # CPython's recursion limit is far beyond a thousand levels
        assert (first, depth) == ("deep", 1000)
    else:  # MicroPython's, in the browser, is not
        assert first == "sentinel"
        assert any("nested too deeply" in line and "flatten" in line for line in shared.console)


# Analytics.js refuses these names itself ("Event missing"); middleware or a direct call can
# still hand them to the plugin, so they are sent straight to it.
DIRECT_TRACK = "window['1flowDestination']()[0].track({event: {type: 'track', event: %s, properties: {a: 1}}})"


NAMES_NOT_TEXT = ["''", "{}", "null", "[]"]


def test_empty_or_non_text_event_names_are_each_skipped_with_a_reason(started, runtime):
    shared, calls = send_then_sentinel(started, runtime, "; ".join(DIRECT_TRACK % name for name in NAMES_NOT_TEXT))
    assert [call["args"][0] for call in calls] == ["sentinel"]
    reasons = [line for line in shared.console if line.startswith("warning:") and '"event_name"' in line]
    assert len(reasons) == len(NAMES_NOT_TEXT), shared.console


def test_numeric_event_names_and_user_ids_arrive_as_text(started, runtime):
    _, calls = send_then_sentinel(started, runtime, "analytics.identify(42, {a: 1}); " + DIRECT_TRACK % "7")
    by_method = {call["method"]: call["args"] for call in calls if call["args"][0] != "sentinel"}
    assert by_method == {"logUser": ["42", {"a": 1}], "logEvent": ["7", {"a": 1}]}


def test_emoji_arrive_unchanged_and_lone_surrogates_as_the_replacement_character(started, runtime):
    # A lone surrogate is not Unicode: encoding it as UTF-8 for 1Flow turns it into U+FFFD
    # anyway, so the destination does so first, the same on both runtimes.
    _, calls = send_then_sentinel(started, runtime,
                                  r"analytics.track('uni', {t: 'h\u00e9llo \ud83d\udc4b \ud800 end', '\ud83d\udc4b': 1})")
    assert calls[0]["args"] == ["uni", {"t": "h\u00e9llo \U0001F44B \ufffd end", "\U0001F44B": 1}]


def test_proto_and_constructor_keys_arrive_as_data_without_polluting_prototypes(started, runtime):
    shared, _ = send_then_sentinel(started, runtime,
                                   "analytics.track('proto', JSON.parse('{\"__proto__\": {\"polluted\": 1}, \"constructor\": 2}'))")
    page = shared.page
    received = page.evaluate("""() => { const properties = oneflowStandIn.calls[0].args[1];
        return {keys: Object.keys(properties).sort(), proto: properties['__proto__'], constructor: properties.constructor}; }""")
    assert received == {"keys": ["__proto__", "constructor"], "proto": {"polluted": 1}, "constructor": 2}
    assert page.evaluate("({}).polluted === undefined && Object.prototype.polluted === undefined")


# ---------------------------------------------------------------- bad settings

# Each problem is Python's to find (tests/test_settings.py has them all under CPython): here
# each reaches the page as one clear error, on both runtimes.
BAD_SUBSCRIPTIONS = [
    ("[{", '"subscriptions" is not valid JSON'),
    ('[{"name": "x", "subscribe": "type = \\"track\\"", "partnerAction": "sendSms"}]', 'unknown partnerAction "sendSms"'),
    (json.dumps([{"name": "m%d" % i, "subscribe": 'type = "track"', "partnerAction": "trackEvent"} for i in range(51)]),
     "51 mappings; a destination instance allows at most 50"),
]


@pytest.mark.parametrize("subscriptions, text", BAD_SUBSCRIPTIONS)
def test_bad_subscriptions_are_one_clear_error_and_inject_nothing(site, page, runtime, subscriptions, text):
    errors = watch_errors(page)
    expect_failure(page, tag_page(site, runtime, data_subscriptions=subscriptions), text)
    assert page.evaluate("[...document.scripts].some(s => s.hasAttribute('data-api-key') && s.src.includes('standin'))") is False
    assert_page_and_analytics_unaffected(page, errors)


# ---------------------------------------------------------------- more than one copy

def test_loader_included_twice_injects_the_sdk_once_and_delivers_once(site, page, runtime, console):
    again = "<script src='%soneflow-web.js' data-api-key='%s' data-sdk-url='%s' data-runtime='%s'></script>" % (
        site.assets, KEY, pages.standin_url(site), runtime)
    page.goto(tag_page(site, runtime, "</script>%s<script>analytics.track('once'); analytics.track('sentinel')" % again))
    # Events reach the SDK in order: a second call for 'once' would come before the sentinel's.
    assert [call["args"][0] for call in sdk_calls(page, 2)] == ["once", "sentinel"]
    assert page.evaluate("[...document.scripts].filter(s => s.src.includes('standin')).length") == 1
    assert any("included more than once" in line for line in console)


def test_same_plugin_registered_twice_delivers_each_event_once(site, page, runtime):
    page.goto(tag_page(site, runtime, "analytics.register(...window['1flowDestination']()); analytics.track('once');"
                                       " analytics.track('sentinel')"))
    assert [call["args"][0] for call in sdk_calls(page, 2)] == ["once", "sentinel"]


def test_a_second_api_key_on_the_same_page_is_a_clear_error(site, page, runtime):
    with page.expect_console_message(lambda m: "second, different configuration" in m.text) as message:
        page.goto(tag_page(site, runtime, "window['1flowDestination']({projectApiKey: 'another-key'})"))
    assert message.value.type == "error"
    assert "another-key" not in message.value.text
