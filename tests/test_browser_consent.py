"""Consent: no 1Flow SDK and no event without the visitor's consent, with Segment's real consent wrapper.

The wrapper (@segment/analytics-consent-tools, from npm) wraps the real analytics-next in
either of its models: opt-in (destinations without consent at load are left out of the CDN
settings) or opt-out (everything loads, and destination middleware blocks the events).
The destination's category is "Analytics"; the visitor's choices change mid-visit through
`setConsent`, as a consent manager would tell the wrapper.
"""
import pytest

import pages
from conftest import sdk_calls, watch_errors

pytestmark = pytest.mark.browser

KEY = "consent-app-id"
CATEGORIES = ["Analytics"]
GRANTED = {"Analytics": True, "Advertising": False}
REFUSED = {"Analytics": False, "Advertising": True}
MODELS = ["opt-in", "opt-out"]
# Every event that reached the destination has been dealt with: none held or in flight.
SETTLED = """() => { const s = oneflowWeb.stats();
    const skipped = Object.values(s.skipped || {}).reduce((a, b) => a + b, 0);
    const done = s.blocked + s.dropped + s.duplicates + s.unserialisable + (s.delivered || 0) + skipped;
    return s.pending === 0 && done === s.received; }"""


@pytest.fixture
def visit(site, page, entry_runtime):
    """Open a page with the wrapper in `model` and the destination added one way or the other.

    The script tag names its category itself (the CDN settings hold categories only for a
    destination enabled in the Segment workspace, and opt-in deletes them when refused); the
    remote plugin takes them from the CDN settings. Answers the SDK requests the page makes.
    """
    entry, runtime = entry_runtime
    requests = []
    page.on("request", lambda request: requests.append(request.url) if "standins/" in request.url else None)

    def visit(model, consent):
        sdk = pages.standin_url(site)
        if entry == "script-tag":
            url = pages.consent_page(site, model, consent, CATEGORIES, tag_attributes={
                "data-api-key": KEY, "data-sdk-url": sdk, "data-runtime": runtime,
                "data-consent-categories": ",".join(CATEGORIES)})
        else:
            url = pages.consent_page(site, model, consent, CATEGORIES, remote_settings={
                "projectApiKey": KEY, "sdkUrl": sdk, "runtime": runtime})
        page.goto(url)
        return requests
    visit.entry = entry
    return visit


def act(page, calls: str) -> None:
    """Make the site's calls one after another, each awaited through Analytics.js (its
    destination middleware included), then wait until the destination has dealt with them: an
    event it holds for the SDK is pending until delivered, so once settled nothing more comes of them."""
    page.evaluate("async () => { %s }" % "; ".join("await " + call for call in calls.split("; ")))
    page.wait_for_function("window.oneflowWeb === undefined || (%s)()" % SETTLED, timeout=30000)


def sdk_in_the_page(page) -> bool:
    """Whether the page holds the SDK's script, or a hint to fetch it, already: a request on its way."""
    return page.evaluate("[...document.querySelectorAll('script[src], link[href]')]"
                         ".some((tag) => (tag.src || tag.href).includes('standins/'))")


def sent(page) -> list:
    return [call["args"][0] for call in page.evaluate("window.oneflowStandIn ? oneflowStandIn.calls : []")]


def wrapper_leaves_the_destination_out(model: str, entry: str) -> bool:
    """Opt-in on the remote-plugin path: the wrapper removes a destination refused at load from
    the CDN settings, so Analytics.js never loads it on this page (a grant takes effect on the next)."""
    return model == "opt-in" and entry == "remote-plugins"


@pytest.mark.parametrize("model", MODELS)
def test_without_consent_no_sdk_is_requested_and_nothing_is_sent(page, visit, model):
    errors = watch_errors(page)
    requests = visit(model, REFUSED)
    act(page, "analytics.identify('u-1', {plan: 'pro'}); analytics.track('Signed Up')")
    assert not sdk_in_the_page(page) and requests == []
    assert sent(page) == []
    assert errors == []


@pytest.mark.parametrize("model", MODELS)
def test_with_consent_events_are_sent(page, visit, model):
    visit(model, GRANTED)
    act(page, "analytics.identify('u-1', {plan: 'pro'}); analytics.track('Signed Up')")
    assert [call["args"][0] for call in sdk_calls(page, 2)] == ["u-1", "Signed Up"]


@pytest.mark.parametrize("model", MODELS)
def test_a_grant_mid_visit_sends_later_events_and_never_earlier_ones(page, visit, model):
    requests = visit(model, REFUSED)
    act(page, "analytics.track('before'); analytics.track('also before')")
    assert requests == []
    page.evaluate("(choices) => setConsent(choices)", GRANTED)
    act(page, "analytics.track('after')")
    if wrapper_leaves_the_destination_out(model, visit.entry):
        assert page.evaluate("window.oneflowWeb === undefined") and not sdk_in_the_page(page) and requests == []
        return
    sdk_calls(page, 2)
    # The wrapper reports the change as an event of its own, stamped with the new choices.
    assert sent(page) == ["Segment Consent Preference Updated", "after"]
    assert len(requests) == 1


@pytest.mark.parametrize("model", MODELS)
def test_a_revocation_mid_visit_sends_nothing_after_it(page, visit, model):
    visit(model, GRANTED)
    act(page, "analytics.track('before')")
    sdk_calls(page, 1)
    page.evaluate("(choices) => setConsent(choices)", REFUSED)
    act(page, "analytics.track('after'); analytics.identify('u-2')")
    assert sent(page) == ["before"]


# ---------------------------------------------------------------- the destination's categories, without the wrapper's help

def test_on_the_script_tag_the_cdn_settings_categories_apply_without_the_setting(site, page):
    # Opt-out keeps the CDN entry; no SDK is fetched before an event consents to it.
    requests = []
    page.on("request", lambda request: requests.append(request.url) if "standins/" in request.url else None)
    page.goto(pages.consent_page(site, "opt-out", REFUSED, CATEGORIES, tag_attributes={
        "data-api-key": KEY, "data-sdk-url": pages.standin_url(site)}))
    act(page, "analytics.track('refused')")
    assert requests == [] and sent(page) == []
    page.evaluate("(choices) => setConsent(choices)", GRANTED)
    act(page, "analytics.track('granted')")
    assert [call["args"][0] for call in sdk_calls(page, 2)][-1] == "granted"


def test_an_event_without_a_consent_stamp_is_not_sent_when_categories_are_configured(site, page, runtime):
    # No consent manager on the page answered for the visitor: the safe side is not to send.
    requests = []
    page.on("request", lambda request: requests.append(request.url) if "standins/" in request.url else None)
    page.goto(pages.standin_page(site, KEY, runtime, data_consent_categories="Analytics"))
    act(page, "analytics.track('unstamped')")
    assert page.evaluate("oneflowWeb.stats().skipped") == {"no consent": 1}
    assert requests == []


# ---------------------------------------------------------------- destination middleware on the script-tag path

MIDDLEWARE = """
analytics.addDestinationMiddleware('1Flow Web (Actions)', async function ({payload, integration, next}) {
  await new Promise(function (resolve) { setTimeout(resolve, payload.obj.event === 'slow' ? 50 : 0); });
  if (payload.obj.event === 'secret') return next(null);
  if (payload.obj.event === 'thrown') throw new Error('middleware bug');
  payload.obj.properties.by = integration;
  next(payload);
});"""


def test_destination_middleware_changes_and_drops_events_in_order(site, page, runtime, console):
    page.goto(pages.script_tag_page(site, {"data-api-key": KEY, "data-sdk-url": pages.standin_url(site),
                                           "data-runtime": runtime}, MIDDLEWARE))
    act(page, "analytics.track('slow'); analytics.track('secret'); analytics.track('thrown'); analytics.track('fast')")
    calls = sdk_calls(page, 2)
    assert [call["args"] for call in calls] == [["slow", {"by": "1Flow Web (Actions)"}],
                                                ["fast", {"by": "1Flow Web (Actions)"}]]
    assert page.evaluate("oneflowWeb.stats().blocked") == 2
    assert any(line.startswith("error:") and "middleware bug" in line for line in console)
