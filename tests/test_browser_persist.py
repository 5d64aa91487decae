"""Held events survive the visitor leaving the page: saved in localStorage, delivered by the next page.

Page one's SDK is slow (its stand-in sets window.glob only after a minute), so its events are
still held when the visitor goes on; the next page of the same site loads the SDK at once.
Saving and taking saved events is the loader's work, the same whatever runs Python: what the
issue names runs on both runtimes, the finer limits (age, buffer, duplicates, a page shown
again, no storage at all) on MicroPython, the default.
"""
import json
import time

import pytest

import pages
from conftest import AnsweredLater, sdk_calls, watch_errors

pytestmark = pytest.mark.browser

KEY = "persist-app-id"
SAVED = "oneflow-web:held:"
OURS_IN_STORAGE = "Object.keys(localStorage).filter((name) => name.startsWith(%s)).sort()" % json.dumps(SAVED)
# The page's own last event: saved events are delivered before a page's own, so once this
# one has reached the SDK, every saved event the page took has too.
OWN = "analytics.track('own')"
OUR_WARNING = "warning: [1Flow Web (Actions)] "


# The SDK sets window.glob 0.3 s after it runs, which is after Python has started: the tests hide the
# page as soon as the event is held, long before that.
CONFIGURED_LATER = "?config=300"


def slow_page(site, runtime, calls, key=KEY, **attributes):
    """A page whose SDK never becomes ready while the test looks: every event stays held."""
    return pages.standin_page(site, key, runtime, calls, data_sdk_url=pages.standin_url(site) + "?config=60000",
                              data_sdk_timeout="60000", **attributes)


def leave_with_held(page, url, count):
    """Open `url`, wait until its `count` events are held, and go on to another page."""
    page.goto(url)
    page.wait_for_function("(n) => oneflowWeb.stats().pending === n", arg=count)
    page.goto("about:blank")


def open_page(page, site, runtime, key=KEY, **attributes):
    """A page whose SDK loads at once and which tracks "own"; waits until "own" has reached the SDK."""
    page.goto(pages.standin_page(site, key, runtime, OWN, **attributes))
    wait_for_own(page)


def wait_for_own(page):
    page.wait_for_function("window.oneflowStandIn && oneflowStandIn.calls.some((call) => call.args[0] === 'own')",
                           timeout=30000)


def events_sent(page):
    """The events the SDK got before the page's own: the saved ones it delivered."""
    names = [call["args"][0] for call in sdk_calls(page, 1) if call["method"] == "logEvent"]
    assert names[-1] == "own"
    return names[:-1]


def stored(page):
    return page.evaluate(OURS_IN_STORAGE)


def saved_events(page):
    """The events this origin's entries hold, in the order of their names."""
    return page.evaluate("%s.flatMap((name) => JSON.parse(localStorage.getItem(name)).events.map(JSON.parse))"
                         % OURS_IN_STORAGE)


def write_saves(page, site, saves: dict):
    """Put entries in the site's localStorage, as an earlier page (or someone else) left them."""
    page.goto(site.page("<!doctype html><title>storage</title>"))
    page.evaluate("(saves) => { for (const [name, value] of Object.entries(saves)) localStorage.setItem(name, value); }",
                  saves)


def a_save(names, age_ms=0, **event):
    events = [json.dumps(dict({"type": "track", "event": name, "properties": {}, "messageId": "id-" + name}, **event))
              for name in names]
    return json.dumps({"version": 1, "time": int(time.time() * 1000) - age_ms, "events": events})


def hide(page):
    page.evaluate("""() => { Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
        document.dispatchEvent(new Event('visibilitychange')); }""")


def show(page):
    page.evaluate("""() => { Object.defineProperty(document, 'visibilityState', {value: 'visible', configurable: true});
        document.dispatchEvent(new Event('visibilitychange')); }""")


def test_events_held_when_the_visitor_leaves_are_delivered_by_the_next_page_first_and_once(site, page, runtime):
    errors = watch_errors(page)
    leave_with_held(page, slow_page(site, runtime, "analytics.track('one'); analytics.track('two')"), 2)
    open_page(page, site, runtime)
    assert events_sent(page) == ["one", "two"]
    assert page.evaluate("oneflowWeb.stats().replayed") == 2
    assert stored(page) == []
    open_page(page, site, runtime)
    assert events_sent(page) == []
    assert page.evaluate("oneflowWeb.stats().replayed") == 0
    assert errors == []


def test_two_tabs_opened_at_once_deliver_the_saved_events_once(site, page, context, runtime):
    leave_with_held(page, slow_page(site, runtime, "analytics.track('one'); analytics.track('two')"), 2)
    tabs = [page, context.new_page()]
    url = pages.standin_page(site, KEY, runtime, OWN)
    for tab in tabs:
        tab.goto(url, wait_until="commit")
    for tab in tabs:
        wait_for_own(tab)
    assert sorted(events_sent(tabs[0]) + events_sent(tabs[1])) == ["one", "two"]
    assert stored(page) == []


def test_saved_events_wait_for_a_page_with_the_same_api_key(site, page, runtime):
    leave_with_held(page, slow_page(site, runtime, "analytics.track('one')"), 1)
    open_page(page, site, runtime, key="another-app-id")
    assert events_sent(page) == []
    assert len(stored(page)) == 1
    open_page(page, site, runtime)
    assert events_sent(page) == ["one"]


def test_a_page_shown_again_takes_its_saved_events_back_and_delivers_them_once(site, page):
    page.goto(pages.standin_page(site, KEY, "micropython", "analytics.track('one')",
                                 data_sdk_url=pages.standin_url(site) + CONFIGURED_LATER))
    page.wait_for_function("oneflowWeb.stats().pending === 1")
    hide(page)
    assert len(stored(page)) == 1 and page.evaluate("oneflowWeb.stats().saved") == 1
    show(page)
    page.wait_for_function("oneflowWeb.stats().saved === 0")  # taken back under the Web Lock
    assert stored(page) == []
    sdk_calls(page, 1)
    open_page(page, site, "micropython")
    assert events_sent(page) == []


def test_a_hidden_page_delivers_none_of_its_saved_events_and_saves_new_ones_until_shown_again(site, page):
    page.goto(pages.standin_page(site, KEY, "micropython", "analytics.track('one')",
                                 data_sdk_url=pages.standin_url(site) + CONFIGURED_LATER))
    page.wait_for_function("oneflowWeb.stats().pending === 1")
    hide(page)
    page.wait_for_function("oneflowWeb.stats().state === 'ready'")
    page.evaluate("analytics.track('two')")
    page.wait_for_function("oneflowWeb.stats().saved === 2")
    assert len(stored(page)) == 2 and page.evaluate("oneflowStandIn.calls.length") == 0
    show(page)
    assert [call["args"][0] for call in sdk_calls(page, 2)] == ["one", "two"]
    assert stored(page) == []


def test_events_another_tab_took_while_the_page_was_hidden_are_never_delivered_by_it_too(site, page, context):
    page.goto(pages.standin_page(site, KEY, "micropython", "analytics.track('one')",
                                 data_sdk_url=pages.standin_url(site) + CONFIGURED_LATER))
    page.wait_for_function("oneflowWeb.stats().pending === 1")
    hide(page)
    other = context.new_page()
    open_page(other, site, "micropython")
    assert events_sent(other) == ["one"]
    page.wait_for_function("oneflowWeb.stats().state === 'ready'")
    show(page)
    page.wait_for_function("oneflowWeb.stats().handedOver === 1")
    page.evaluate("analytics.track('after')")
    assert [call["args"][0] for call in sdk_calls(page, 1)] == ["after"]
    assert page.evaluate("oneflowWeb.stats().saved") == 0


def test_a_page_back_from_the_back_forward_cache_never_delivers_what_the_next_page_took(site, page, context):
    page.goto(pages.standin_page(site, KEY, "micropython", "analytics.track('one')",
                                 data_sdk_url=pages.standin_url(site) + CONFIGURED_LATER))
    page.wait_for_function("oneflowWeb.stats().pending === 1")
    page.evaluate("dispatchEvent(new PageTransitionEvent('pagehide', {persisted: true}))")
    assert len(stored(page)) == 1
    other = context.new_page()
    open_page(other, site, "micropython")
    assert events_sent(other) == ["one"]
    page.evaluate("dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    page.wait_for_function("oneflowWeb.stats().handedOver === 1")
    page.evaluate("analytics.track('after')")
    assert [call["args"][0] for call in sdk_calls(page, 1)] == ["after"]


def test_persist_false_stores_nothing(site, page, runtime):
    leave_with_held(page, slow_page(site, runtime, "analytics.track('one')", data_persist="false"), 1)
    open_page(page, site, runtime)
    assert stored(page) == [] and events_sent(page) == []


def test_saved_events_older_than_a_day_or_beyond_the_buffer_limit_are_dropped_and_counted(site, page):
    write_saves(page, site, {SAVED + KEY + ":old": a_save(["stale"], age_ms=25 * 3600 * 1000),
                             SAVED + KEY + ":new": a_save(["a", "b", "c", "d"])})
    open_page(page, site, "micropython", data_buffer_limit="3")
    assert events_sent(page) == ["b", "c", "d"]
    assert page.evaluate("oneflowWeb.stats().dropped") == 2
    assert stored(page) == []


def test_a_message_id_saved_twice_is_delivered_once(site, page):
    write_saves(page, site, {SAVED + KEY + ":first": a_save(["same"]), SAVED + KEY + ":second": a_save(["same"])})
    open_page(page, site, "micropython")
    assert events_sent(page) == ["same"]


def test_storage_we_did_not_write_is_one_warning_and_removed(site, page, runtime, console):
    errors = watch_errors(page)
    write_saves(page, site, {SAVED + KEY + ":bad-json": "{not json", SAVED + KEY + ":other-shape": '{"version": 1}',
                             SAVED + KEY + ":good": a_save(["kept"])})
    open_page(page, site, runtime)
    assert events_sent(page) == ["kept"]
    assert len([line for line in console if line.startswith(OUR_WARNING) and "localStorage" in line]) == 1
    assert stored(page) == [] and errors == []


def test_full_storage_is_one_warning_and_the_page_keeps_working(site, page, runtime, console):
    errors = watch_errors(page)
    page.goto(slow_page(site, runtime, "analytics.track('one'); analytics.track('two')"))
    page.wait_for_function("oneflowWeb.stats().pending === 2")
    page.evaluate("""() => { let n = 0;
        for (const size of [262144, 8192, 256, 8, 1]) {
          try { for (;;) localStorage.setItem('filler-' + n++, 'x'.repeat(size)); } catch (full) {} } }""")
    hide(page)
    stats = page.evaluate("oneflowWeb.stats()")
    assert stats["saved"] == 0 and stats["unsaved"] == 2
    assert len([line for line in console if line.startswith(OUR_WARNING) and "storage" in line]) == 1
    page.evaluate("analytics.track('after')")
    page.wait_for_function("oneflowWeb.stats().pending === 3")
    assert errors == []


def test_a_page_without_usable_storage_is_one_warning_and_keeps_working(site, page, console):
    errors = watch_errors(page)
    page.add_init_script("""Object.defineProperty(window, 'localStorage',
        {get() { throw new DOMException('The operation is insecure.', 'SecurityError'); }});""")
    page.goto(slow_page(site, "micropython", "analytics.track('one')"))
    page.wait_for_function("oneflowWeb.stats().pending === 1")
    hide(page)
    show(page)
    hide(page)
    assert len([line for line in console if line.startswith(OUR_WARNING) and "localStorage" in line]) == 1
    stats = page.evaluate("oneflowWeb.stats()")
    assert stats["saved"] == 0 and stats["unsaved"] == 1 and errors == []


def test_events_held_where_consent_categories_apply_are_never_saved(site, page):
    # Python's package is still on its way when the visitor leaves, so the event is still undecided.
    AnsweredLater(page, site.assets + "python/worker.mpy")
    leave_with_held(page, slow_page(site, "micropython", "analytics.track('one')", data_consent_categories="Analytics"), 1)
    page.unroute(site.assets + "python/worker.mpy")
    open_page(page, site, "micropython")
    assert stored(page) == [] and events_sent(page) == []


def test_events_held_while_python_is_still_starting_are_saved_whole_and_delivered_by_the_next_page(site, page,
                                                                                                   runtime):
    # The visitor leaves while Python's package is still on its way.
    package = site.assets + "python/worker" + (".mpy" if runtime == "micropython" else ".py")
    AnsweredLater(page, package)
    page.goto(slow_page(site, runtime, "analytics.track('one')"))
    page.wait_for_function("oneflowWeb.stats().pending === 1")
    hide(page)
    assert "context" in saved_events(page)[0]  # which fields the subscriptions read is not known yet
    page.goto("about:blank")
    page.unroute(package)
    open_page(page, site, runtime)
    assert events_sent(page) == ["one"]


def test_once_python_has_read_the_settings_saved_events_hold_only_what_the_subscriptions_read(site, page, runtime):
    page.goto(slow_page(site, runtime, "analytics.track('one', {a: 1})"))
    page.wait_for_function("document.querySelector('script[src*=\"standins\"]') !== null")  # asked for after the settings
    page.evaluate("analytics.track('two')")
    page.wait_for_function("oneflowWeb.stats().pending === 2")
    hide(page)
    events = saved_events(page)
    assert [(event["event"], event["properties"]) for event in events] == [("one", {"a": 1}), ("two", {})]
    assert all("context" not in event and event["messageId"] for event in events)


def test_settings_that_fail_validation_take_nothing_and_the_saved_events_stay(site, page):
    write_saves(page, site, {SAVED + KEY + ":earlier": a_save(["kept"])})
    with page.expect_console_message(lambda m: m.type == "error" and "sdkTimeout" in m.text):
        page.goto(pages.standin_page(site, KEY, "micropython", OWN, data_sdk_timeout="soon"))
    assert stored(page) == [SAVED + KEY + ":earlier"]
    assert page.evaluate("oneflowWeb.stats().replayed") == 0


def test_debug_says_when_events_are_saved_and_replayed(site, page, console):
    page.goto(slow_page(site, "micropython", "analytics.track('one')", data_debug=None))
    page.wait_for_function("oneflowWeb.stats().pending === 1")
    hide(page)
    page.goto("about:blank")
    open_page(page, site, "micropython", data_debug=None)
    ours = [line for line in console if line.startswith("log: [1Flow Web (Actions)] ")]
    assert any("saved 1 held event(s)" in line for line in ours)
    assert any("replaying 1 event(s) saved by an earlier page" in line for line in ours)
    assert not any(KEY in line for line in console)


def test_on_the_main_thread_too_events_held_when_the_visitor_leaves_are_delivered_by_the_next_page(site, page, runtime):
    leave_with_held(page, slow_page(site, runtime, "analytics.track('one')", data_thread="main"), 1)
    open_page(page, site, runtime, data_thread="main")
    assert events_sent(page) == ["one"]
