"""The 1Flow SDK as sites get it: either generation, found where it lives, every call delivered once and in order.

The stand-ins (static/standins/) model what is known of the real builds: the 2022 build is a
global `const _1flow` (no window property) that reads the first script[data-api-key] and sets
window.glob once its configuration has loaded; the newer build is a command function that
replaces whatever stub held window._1flow.
"""
import json
import re

import pytest

import build
import pages
from conftest import BOTH_ENTRIES_ON_THE_DEFAULT_RUNTIME, expect_error, sdk_calls

pytestmark = pytest.mark.browser

KEY = "our-app-id"
CALLS = "analytics.identify('u-1', {plan: 'pro'}); analytics.track('Signed Up', {total: 5})"

# What Segment's own 1Flow destination puts in window._1flow before the SDK loads, written
# for the tests from that description: a stub that calls window._1flow again 5 ms later with
# its first three arguments only. It counts the calls it is given.
SEGMENT_STUB = """<script>
window.stubCalls = 0;
window._1flow = function (command, a, b) {
  stubCalls++;
  setTimeout(function () { window._1flow(command, a, b); }, 5);
};
</script>"""

# The 2022 build keeps its session in the browser: a returning visitor already has one.
RETURNING_VISITOR = "localStorage.setItem('oneflow-standin-session', 'an earlier visit')"


@pytest.fixture
def open_site(site, entry_runtime, page):
    """Open a page with the destination added one way or the other; settings in camelCase."""
    entry, runtime = entry_runtime

    def open_site(sdk_url, calls="", first="", **settings):
        if entry == "script-tag":
            attributes = {"data-api-key": KEY, "data-runtime": runtime}
            if sdk_url:
                attributes["data-sdk-url"] = sdk_url
            attributes.update({"data-" + re.sub("([A-Z])", r"-\1", name).lower(): str(value)
                               for name, value in settings.items()})
            url = pages.script_tag_page(site, attributes, calls, first=first)
        else:
            settings = {"projectApiKey": KEY, "runtime": runtime, **settings}
            if sdk_url:
                settings["sdkUrl"] = sdk_url
            url = pages.remote_plugins_page(site, settings, calls, first=first)
        page.goto(url)
    return open_site


@pytest.fixture
def started_site(started, entry_runtime):
    """A started page (tests/started.py) with the destination added one way or the other, its SDK from `sdk_url`."""
    entry, runtime = entry_runtime
    return lambda sdk_url: started(runtime, entry=entry, sdkUrl=sdk_url)


def received(page, what="calls") -> list:
    """What the stand-in received (`calls`) or would send to 1Flow (`sent`), as (method, args)."""
    return [(call["method"], call["args"]) for call in page.evaluate("oneflowStandIn." + what)]


# ---------------------------------------------------------------- the 2022 build: a global const

@BOTH_ENTRIES_ON_THE_DEFAULT_RUNTIME
def test_the_2022_sdk_gets_identify_and_track_once_each_in_order(site, page, open_site):
    page.add_init_script(RETURNING_VISITOR)
    open_site(pages.standin_url(site) + "?config=300", CALLS)
    sdk_calls(page, 2)
    # Once the SDK is ready: whatever it retried of the calls made before has been sent by then.
    page.evaluate("analytics.track('sentinel')")
    sdk_calls(page, 3)
    page.wait_for_function("oneflowStandIn.sent.length >= 3")
    expected = [("logUser", ["u-1", {"plan": "pro"}]), ("logEvent", ["Signed Up", {"total": 5}]),
                ("logEvent", ["sentinel", {}])]
    assert received(page) == expected
    assert received(page, "sent") == expected


def test_the_2022_sdk_is_a_global_binding_that_window_does_not_hold(site, started_site):
    page = started_site(pages.standin_url(site)).page
    assert page.evaluate("[window._1flow === undefined, typeof _1flow]") == [True, "object"]
    assert page.evaluate("oneflowWeb.stats().sdk") == "object"


@BOTH_ENTRIES_ON_THE_DEFAULT_RUNTIME
def test_the_2022_sdk_is_called_only_once_it_has_set_window_glob(site, page, open_site):
    open_site(pages.standin_url(site) + "?config=300", CALLS)
    assert [call["glob"] for call in sdk_calls(page, 2)] == [True, True]


@BOTH_ENTRIES_ON_THE_DEFAULT_RUNTIME
def test_the_sdk_reads_our_key_even_after_another_vendors_data_api_key_script(site, page, open_site):
    vendor = site.add("/vendor/widget.js", "window.vendorLoaded = true;", "text/javascript")
    open_site(pages.standin_url(site), "analytics.track('keyed')",
              first="<script data-api-key='another-vendors-key' src='%s'></script>" % vendor)
    sdk_calls(page, 1)
    assert page.evaluate("oneflowStandIn.apiKey") == KEY
    first = page.evaluate("""(() => { const tag = document.querySelector('script[data-api-key]');
        return [tag.src, tag.async, tag.getAttribute('data-api-key')]; })()""")
    assert first == [pages.standin_url(site), True, KEY]
    assert page.evaluate("window.vendorLoaded") is True


@BOTH_ENTRIES_ON_THE_DEFAULT_RUNTIME
def test_a_2022_sdk_the_page_already_holds_is_used_and_not_injected_again(site, page, open_site):
    open_site(pages.standin_url(site), "analytics.track('on the page already')",
              first="<script data-api-key='%s' src='%s'></script>" % (KEY, pages.standin_url(site)))
    assert sdk_calls(page, 1)[0]["args"][0] == "on the page already"
    assert page.evaluate("document.querySelectorAll('script[src*=\"1flow-2022\"]').length") == 1


@BOTH_ENTRIES_ON_THE_DEFAULT_RUNTIME
def test_on_a_first_visit_a_burst_reaches_the_sdk_once_in_order_though_the_sdk_itself_mangles_it(
        site, page, open_site):
    # Our part: each held event reaches the SDK once, in order. The 2022 build's part, on a
    # visitor's first page view (README, Troubleshooting): calls made before its first
    # session exists are sent as the first two, three times each, and the third is lost.
    open_site(pages.standin_url(site), "for (var i = 0; i < 3; i++) analytics.track('burst-' + i)")
    assert [call["args"][0] for call in sdk_calls(page, 3)] == ["burst-0", "burst-1", "burst-2"]
    page.wait_for_function("oneflowStandIn.sent.length >= 6")
    # Its session exists now: a later call is sent at once, after anything else it still had to send.
    page.evaluate("analytics.track('sentinel')")
    page.wait_for_function("oneflowStandIn.sent.length >= 7")
    assert [call["args"][0] for call in page.evaluate("oneflowStandIn.calls")] == [
        "burst-0", "burst-1", "burst-2", "sentinel"]
    assert [args[0] for _, args in received(page, "sent")] == ["burst-0", "burst-1"] * 3 + ["sentinel"]


# ---------------------------------------------------------------- the newer build: a command function
# Called as 1Flow's own destination has called it since May 2024: identify(userId, {...traits}),
# track(name, {userId, anonymousId, properties}), the three keys always there. The stand-in
# records where the arguments hold undefined ("1.userId": a key present, its value undefined),
# seen in the page before any JSON, and flags any other shape (sdk_calls fails on a flagged call).

COMMAND = pages.COMMAND_STANDIN


def commands(page, count) -> list:
    """(command, args, undefinedAt) of the first `count` calls, once the stand-in has them."""
    return [(call["method"], call["args"], call["undefinedAt"]) for call in sdk_calls(page, count)][:count]


def anonymous_id(page) -> str:
    return page.evaluate("analytics.user().then((user) => user.anonymousId())")


def test_the_command_sdk_gets_identify_with_the_traits_themselves(site, started_site):
    page = started_site(pages.standin_url(site, COMMAND)).send("analytics.identify('u-1', {plan: 'pro', seats: 3})")
    assert commands(page, 1) == [("identify", ["u-1", {"plan": "pro", "seats": 3}], [])]
    assert page.evaluate("oneflowWeb.stats().sdk") == "command"


def test_the_command_sdk_gets_an_empty_object_for_an_identify_without_traits(site, started_site):
    page = started_site(pages.standin_url(site, COMMAND)).send("analytics.identify('u-2')")
    assert commands(page, 1) == [("identify", ["u-2", {}], [])]


def test_the_command_sdk_gets_nested_and_unicode_traits_unchanged(site, started_site):
    traits = {"company": {"name": "Åsa & Søn", "tags": ["α", "😀", None]}, "ключ": "значение", "n": -0.5}
    page = started_site(pages.standin_url(site, COMMAND)).send("analytics.identify('ü-3', %s)" % json.dumps(traits))
    assert commands(page, 1) == [("identify", ["ü-3", traits], [])]


def test_the_command_sdk_gets_track_with_user_id_anonymous_id_and_properties(site, started_site):
    page = started_site(pages.standin_url(site, COMMAND)).send(CALLS)
    track = commands(page, 2)[1]
    assert track == ("track", ["Signed Up", {"userId": "u-1", "anonymousId": anonymous_id(page),
                                             "properties": {"total": 5}}], [])


def test_a_track_without_a_user_id_keeps_the_key_with_undefined(site, started_site):
    page = started_site(pages.standin_url(site, COMMAND)).send("analytics.track('Anonymous', {})")
    assert commands(page, 1) == [("track", ["Anonymous", {"anonymousId": anonymous_id(page), "properties": {}}],
                                  ["1.userId"])]


# A mapping that sets only the event name: userId, anonymousId and properties are unmapped.
NAME_ONLY = [{"name": "Names", "subscribe": 'type = "track"', "partnerAction": "trackEvent",
              "mapping": {"event_name": {"@path": "$.event"}}}]


def test_unmapped_fields_reach_the_command_sdk_as_keys_holding_undefined(site, page, open_site):
    open_site(pages.standin_url(site, COMMAND), "analytics.track('Bare', {ignored: true})",
              subscriptions=json.dumps(NAME_ONLY))
    assert commands(page, 1) == [("track", ["Bare", {}], ["1.anonymousId", "1.properties", "1.userId"])]


def test_the_2022_sdk_gets_an_empty_object_where_properties_are_unmapped(site, page, open_site):
    page.add_init_script(RETURNING_VISITOR)
    open_site(pages.standin_url(site), "analytics.track('Bare', {ignored: true})", subscriptions=json.dumps(NAME_ONLY))
    assert [(call["method"], call["args"]) for call in sdk_calls(page, 1)] == [("logEvent", ["Bare", {}])]


@BOTH_ENTRIES_ON_THE_DEFAULT_RUNTIME
def test_a_queueing_stub_on_the_page_is_not_taken_for_the_sdk(site, page, open_site):
    # Through the stub, a track would lose its undefined keys' meaning and be retried every 5 ms.
    open_site(pages.standin_url(site, COMMAND), CALLS, first=SEGMENT_STUB)
    assert [call[0] for call in commands(page, 2)] == ["identify", "track"]
    page.evaluate("analytics.track('sentinel')")
    # Events arrive in order: a call the stub passed on again would come before the sentinel.
    assert [call[1][0] for call in commands(page, 3)] == ["u-1", "Signed Up", "sentinel"]
    assert page.evaluate("stubCalls") == 0


def test_without_sdk_url_the_sdk_is_loaded_from_1flows_url_of_today(site, page, open_site):
    requested = []

    def serve_standin(route, request):
        requested.append(request.url)
        route.fulfill(status=200, body=(build.DIST / COMMAND).read_text(), content_type="text/javascript")
    page.route("https://1flow.app/js/1flow.js", serve_standin)
    open_site(None, "analytics.track('default url')")
    assert commands(page, 1)[0][:2] == ("track", ["default url", {"anonymousId": anonymous_id(page), "properties": {}}])
    assert requested and set(requested) == {"https://1flow.app/js/1flow.js"}  # the prefetch, then the script
    assert page.evaluate("[oneflowStandIn.apiKey, oneflowStandIn.ownApiKey]") == [KEY, KEY]


# ---------------------------------------------------------------- an SDK that never becomes usable

def open_tag_page(site, page, runtime, sdk_url, first=""):
    page.goto(pages.script_tag_page(site, {"data-api-key": KEY, "data-sdk-url": sdk_url, "data-runtime": runtime,
                                           "data-sdk-timeout": "1000"}, "analytics.track('held')", first=first))


def test_a_stub_the_sdk_never_replaces_is_a_clear_error(site, page, runtime):
    not_the_sdk = site.add("/cdn/not-the-sdk.js", "window.notOneFlow = true;", "text/javascript")
    with expect_error(page, "queueing stub") as message:
        open_tag_page(site, page, runtime, not_the_sdk, first=SEGMENT_STUB)
    assert "did not become ready within 1 s" in message.value.text and "1 held event(s)" in message.value.text
    assert page.evaluate("stubCalls") == 0


def test_a_2022_sdk_that_never_sets_window_glob_is_a_clear_error(site, page, runtime):
    with expect_error(page, "window.glob") as message:
        open_tag_page(site, page, runtime, pages.standin_url(site) + "?config=60000")
    assert "did not become ready within 1 s" in message.value.text
    assert page.evaluate("oneflowStandIn.calls") == []


def test_an_sdk_that_throws_before_setting_its_binding_is_a_clear_error_and_ours_throws_nothing(site, page, runtime):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    broken = site.add("/cdn/broken-1flow.js", "const _1flow = (function () { throw new Error('SDK bug'); })();",
                      "text/javascript")
    with expect_error(page, "it defined no _1flow"):
        open_tag_page(site, page, runtime, broken)
    assert [error for error in errors if "SDK bug" not in error] == []
