"""The same product in Firefox ESR and WebKitGTK (Safari's engine), not only in Chromium.

Each test runs in both engines (conftest's `engine_page`, tests/engines.py), on the pages a site
owner writes (pages.py) with the 2022 stand-in SDK: both entry points and both threads on both
runtimes, a strict Content-Security-Policy, events held when the visitor leaves, consent, and an
SDK that answers 404. A smoke set, kept lean: the rest of the suite proves the behaviour in
Chromium; this proves the engines run it. Every page captures its console (`engines.capture()`)
since classic WebDriver reports none.
"""
import json
import urllib.parse

import pytest

import build
import engines
import pages

pytestmark = [pytest.mark.browser, pytest.mark.engines]

KEY = "engines-app-id"
FIRST = engines.capture()
IDENTIFY_AND_TRACK = "analytics.identify('u-1', {plan: 'pro'}); analytics.track('Signed Up', {a: 1})"
EXPECTED = [("logUser", ["u-1", {"plan": "pro"}]), ("logEvent", ["Signed Up", {"a": 1}])]
OUR_ERROR = "error: [1Flow Web (Actions)] "
ON_MICROPYTHON = pytest.mark.parametrize("runtime", ["micropython"])


def sdk_calls(page, count: int, timeout: float = 30) -> list:
    """Wait until the stand-in SDK has `count` calls; return them all, none flagged as one the real SDK refuses."""
    page.wait_for("(n) => window.oneflowStandIn && oneflowStandIn.calls.length >= n", timeout, arg=count)
    calls, flagged = page.evaluate("[oneflowStandIn.calls, oneflowStandIn.flagged]")
    assert flagged == [], "the stand-in flagged calls the real SDK would not accept: %s" % flagged
    return calls


def made(calls: list) -> list:
    return [(call["method"], call["args"]) for call in calls]


def remote_settings(site, runtime: str, **extra) -> dict:
    return {"projectApiKey": KEY, "sdkUrl": pages.standin_url(site), "runtime": runtime, **extra}


def problems(page) -> list:
    """Uncaught errors and Content-Security-Policy refusals the page's console recorded."""
    return [line for line in page.console() if line.startswith(("pageerror:", "csp:"))]


# ---------------------------------------------------------------- both entry points, both threads, both runtimes

def test_identify_and_track_from_the_script_tag_reach_the_sdk(engine_page, site, runtime):
    engine_page.goto(pages.standin_page(site, KEY, runtime, IDENTIFY_AND_TRACK, first=FIRST))
    assert made(sdk_calls(engine_page, 2)) == EXPECTED
    assert problems(engine_page) == []


def test_identify_and_track_from_the_remote_plugin_reach_the_sdk(engine_page, site, runtime):
    engine_page.goto(pages.remote_plugins_page(site, remote_settings(site, runtime), IDENTIFY_AND_TRACK, first=FIRST))
    assert made(sdk_calls(engine_page, 2)) == EXPECTED
    assert problems(engine_page) == []


def test_identify_and_track_reach_the_sdk_from_the_main_thread(engine_page, site, runtime):
    engine_page.goto(pages.standin_page(site, KEY, runtime, IDENTIFY_AND_TRACK, first=FIRST, data_thread="main"))
    assert made(sdk_calls(engine_page, 2)) == EXPECTED
    assert engine_page.evaluate("document.querySelectorAll('script[type=py], script[type=mpy]').length") == 1


# ---------------------------------------------------------------- Content-Security-Policy

# The README's smallest policy for the default (worker) thread: no 'unsafe-eval'.
STRICT_POLICY = ("script-src 'self' 'nonce-{n}' 'wasm-unsafe-eval'; worker-src blob:; object-src 'none'; "
                 "base-uri 'none'")


@ON_MICROPYTHON
def test_the_readmes_strict_policy_is_enough_on_the_script_tag(engine_page, site, runtime):
    nonce = "engines-nonce"
    sdk = site.other_origin(pages.standin_url(site))  # the SDK on another origin, as 1Flow's CDN is
    attributes = {"data-api-key": KEY, "data-sdk-url": sdk, "data-runtime": runtime}
    engine_page.goto(pages.csp_page(site, STRICT_POLICY.format(n=nonce), nonce, attributes, IDENTIFY_AND_TRACK,
                                    first=engines.capture(nonce)))
    assert made(sdk_calls(engine_page, 2)) == EXPECTED
    assert engine_page.evaluate("[document.querySelector('script[data-api-key]').nonce, oneflowWeb.stats().state]") == [
        nonce, "ready"]
    assert problems(engine_page) == []


# ---------------------------------------------------------------- events held when the visitor leaves

HELD = "analytics.track('one'); analytics.track('two')"
ENTRIES = ["script-tag", "remote-plugin"]


def entry_page(site, entry: str, sdk_url: str, calls: str, runtime: str = "micropython") -> str:
    """A page of the site with the destination (API key KEY) added the `entry` way."""
    if entry == "script-tag":
        return pages.standin_page(site, KEY, runtime, calls, first=FIRST, data_sdk_url=sdk_url,
                                  data_sdk_timeout="60000")
    return pages.remote_plugins_page(site, remote_settings(site, runtime, sdkUrl=sdk_url, sdkTimeout=60000),
                                     calls, first=FIRST)


def leave_with_two_held(page, url: str, sdk_url: str) -> None:
    """Open `url`; once its two events are held and Python has injected the SDK's script, the test goes on."""
    page.goto(url)
    page.wait_for("(sdk) => window.oneflowWeb && oneflowWeb.stats().pending === 2 && "
                  "[...document.scripts].some((script) => script.src === sdk)", timeout=30, arg=sdk_url,
                  explain="window.oneflowWeb && oneflowWeb.stats()")


def assert_the_next_page_delivers_them_first_and_once(page, site, entry: str, runtime: str = "micropython") -> None:
    page.goto(entry_page(site, entry, pages.standin_url(site), "analytics.track('own')", runtime))
    page.wait_for("window.oneflowStandIn && oneflowStandIn.calls.some((call) => call.args[0] === 'own')")
    assert [name for method, (name, _) in made(sdk_calls(page, 1)) if method == "logEvent"] == ["one", "two", "own"]
    # The console of both pages (the same tab and origin): the slow SDK was never called a failure.
    assert [line for line in page.console() if line.startswith("error:") and "could not be loaded" in line] == []


@pytest.mark.parametrize("entry", ENTRIES)
def test_events_held_while_the_sdk_starts_slowly_are_delivered_by_the_next_page(engine_page, site, entry):
    # The SDK's script loads at once but would set window.glob only after a minute.
    slow = pages.standin_url(site) + "?config=60000"
    leave_with_two_held(engine_page, entry_page(site, entry, slow, HELD), slow)
    assert_the_next_page_delivers_them_first_and_once(engine_page, site, entry)


@pytest.mark.parametrize("entry", ENTRIES)
def test_events_held_while_the_sdk_is_still_downloading_are_delivered_by_the_next_page(engine_page, site, entry,
                                                                                       runtime):
    # The SDK's script itself answers only after a minute: the visitor leaves during its download,
    # which the browser then aborts (Firefox and WebKit with an `error` before `pagehide`).
    slow = site.add("/cdn/downloading/1flow-2022.js", (build.DIST / pages.STANDIN).read_bytes(), "text/javascript",
                    delay_ms=60000)
    leave_with_two_held(engine_page, entry_page(site, entry, slow, HELD, runtime), slow)
    assert engine_page.evaluate("[window.oneflowStandIn === undefined, oneflowWeb.stats().state]") == [True, "loading"]
    assert_the_next_page_delivers_them_first_and_once(engine_page, site, entry, runtime)


def test_events_held_while_a_runtime_file_is_still_downloading_are_delivered_by_the_next_page(engine_page, site):
    # Python's package answers only after a minute: the visitor leaves during its download.
    assets = site.fresh_assets()
    site.add(urllib.parse.urlsplit(assets).path + "python/worker.mpy",
             (build.DIST / "python" / "worker.mpy").read_bytes(), "application/octet-stream", delay_ms=60000)
    attributes = {"data-api-key": KEY, "data-sdk-url": pages.standin_url(site), "data-runtime": "micropython"}
    engine_page.goto(pages.site_page(site, "%s<script>%s</script>%s<script>%s</script>" % (
        FIRST, pages.LOAD_BROWSER, pages._tag(site, attributes).replace(site.assets, assets), HELD)))
    engine_page.wait_for("window.oneflowWeb && oneflowWeb.stats().pending === 2", explain="oneflowWeb.stats()")
    assert_the_next_page_delivers_them_first_and_once(engine_page, site, "script-tag")
    assert [line for line in engine_page.console() if line.startswith("error:")] == []


@ON_MICROPYTHON
def test_a_late_analytics_load_still_delivers_after_the_boot_timeout(engine_page, site, runtime):
    attributes = {"data-api-key": KEY, "data-sdk-url": pages.standin_url(site), "data-runtime": runtime,
                  "data-boot-timeout": "1000"}
    engine_page.goto(pages.site_page(site, "%s<script>window.analytics = new AnalyticsNext.AnalyticsBrowser();</script>%s"
                                     % (FIRST, pages._tag(site, attributes))))
    engine_page.sleep(1.6)  # the boot timeout, and more, passes before the site loads Analytics.js
    engine_page.evaluate("(() => { analytics.load({writeKey: 'w', cdnURL: CDN_URL, cdnSettings: CDN_SETTINGS},"
                         " {integrations: {'Segment.io': false}}); analytics.track('late'); })()")
    assert [call["args"][0] for call in sdk_calls(engine_page, 1)] == ["late"]
    assert [line for line in engine_page.console() if line.startswith("error:")] == []


@pytest.mark.parametrize("engine", ["webkit"])  # Firefox keeps no such page in its back/forward cache
def test_a_page_back_from_the_back_forward_cache_never_delivers_what_the_next_page_took(engine_page, site):
    # Page one's SDK becomes ready 3 s after it loads: after the visitor has left, and come back.
    engine_page.goto(entry_page(site, "script-tag", pages.standin_url(site) + "?config=3000", "analytics.track('one')"))
    # Left once Python has asked for the SDK: a page frozen while its runtime files are still
    # downloading is another case (their downloads fail on its return).
    engine_page.wait_for("oneflowWeb.stats().pending === 1 && "
                         "[...document.scripts].some((tag) => tag.src.includes('/standins/'))")
    engine_page.evaluate("window.beforeLeaving = true")
    assert_the_next_page_delivers_one_and_own(engine_page, site)
    engine_page.back()
    engine_page.wait_for("window.beforeLeaving === true", explain="'not restored from the back/forward cache'")
    engine_page.wait_for("oneflowWeb.stats().state === 'ready' && oneflowWeb.stats().handedOver === 1",
                         explain="oneflowWeb.stats()")
    engine_page.evaluate("analytics.track('after')")
    assert [call["args"][0] for call in sdk_calls(engine_page, 1)] == ["after"]


def assert_the_next_page_delivers_one_and_own(page, site) -> None:
    page.goto(entry_page(site, "script-tag", pages.standin_url(site), "analytics.track('own')"))
    page.wait_for("window.oneflowStandIn && oneflowStandIn.calls.some((call) => call.args[0] === 'own')")
    assert [name for method, (name, _) in made(sdk_calls(page, 1)) if method == "logEvent"] == ["one", "own"]


# ---------------------------------------------------------------- consent (Segment's consent wrapper, opt-in)

CATEGORIES = ["Analytics"]
GRANTED = {"Analytics": True, "Advertising": False}
REFUSED = {"Analytics": False, "Advertising": True}
# Every event that reached the destination has been dealt with: none held or in flight.
SETTLED = """() => { const s = oneflowWeb.stats();
    const skipped = Object.values(s.skipped || {}).reduce((a, b) => a + b, 0);
    const done = s.blocked + s.dropped + s.duplicates + s.unserialisable + (s.delivered || 0) + skipped;
    return s.pending === 0 && done === s.received; }"""
SDK_REQUESTS = "performance.getEntriesByType('resource').filter((entry) => entry.name.includes('/standins/')).length"


def consent_visit(page, site, consent: dict) -> None:
    page.goto(pages.consent_page(site, "opt-in", consent, CATEGORIES, first=FIRST, tag_attributes={
        "data-api-key": KEY, "data-sdk-url": pages.standin_url(site), "data-runtime": "micropython",
        "data-consent-categories": ",".join(CATEGORIES)}))


def act(page, calls: str) -> None:
    """The site's calls, each awaited through Analytics.js; then wait until the destination has dealt with them."""
    page.evaluate("async () => { %s }" % "; ".join("await " + call for call in calls.split("; ")))
    page.wait_for("window.oneflowWeb !== undefined && (%s)()" % SETTLED)


def sent(page) -> list:
    return [call["args"][0] for call in page.evaluate("window.oneflowStandIn ? oneflowStandIn.calls : []")]


def test_a_consent_grant_mid_visit_sends_later_events_and_never_earlier_ones(engine_page, site):
    consent_visit(engine_page, site, REFUSED)
    act(engine_page, "analytics.track('before'); analytics.track('also before')")
    assert engine_page.evaluate(SDK_REQUESTS) == 0
    engine_page.evaluate("(choices) => setConsent(choices)", GRANTED)
    act(engine_page, "analytics.track('after')")
    sdk_calls(engine_page, 2)
    # The wrapper reports the change as an event of its own, stamped with the new choices.
    assert sent(engine_page) == ["Segment Consent Preference Updated", "after"]


def test_a_consent_revocation_mid_visit_sends_nothing_after_it(engine_page, site):
    consent_visit(engine_page, site, GRANTED)
    act(engine_page, "analytics.track('before')")
    sdk_calls(engine_page, 1)
    engine_page.evaluate("(choices) => setConsent(choices)", REFUSED)
    act(engine_page, "analytics.track('after'); analytics.identify('u-2')")
    engine_page.sleep(0.3)
    assert sent(engine_page) == ["before"]


# ---------------------------------------------------------------- an SDK that answers 404

# Another destination on the page: it must keep receiving events whatever happens to ours.
OTHER_DESTINATION = """
window.otherCalls = [];
analytics.register({name: 'Other', type: 'destination', version: '1.0.0',
  isLoaded: function () { return true; }, load: function () { return Promise.resolve(); },
  track: function (ctx) { otherCalls.push(ctx.event.event); return ctx; }});
"""


def test_an_sdk_answering_404_is_one_clear_error_and_the_page_keeps_working(engine_page, site):
    missing = site.add("/cdn/missing/1flow.js", "not found", "text/plain", status=404)
    engine_page.goto(pages.script_tag_page(site, {"data-api-key": KEY, "data-sdk-url": missing,
                                                  "data-runtime": "micropython"},
                                           "analytics.track('held')", before_loader=OTHER_DESTINATION, first=FIRST))
    engine_page.wait_for("oneflowWeb.stats().state === 'failed'")
    engine_page.sleep(0.5)  # a second report would come by now
    ours = [line for line in engine_page.console() if line.startswith(OUR_ERROR)]
    assert len(ours) == 1, ours
    assert "could not be loaded" in ours[0] and missing in ours[0]
    assert "projectApiKey" in ours[0] and "regional" in ours[0] and KEY not in ours[0]
    engine_page.evaluate("analytics.track('after the failure')")
    engine_page.wait_for("otherCalls.includes('after the failure')")
    assert problems(engine_page) == []
