"""The mappings playground (dist/playground/), driven as a person would: paste, run, read the answer.

It runs the destination's engine (explain.py) in the browser on MicroPython or Pyodide, with no
network and no SDK, and its answer must be the one `oneflow-web preview` prints for the same input.
What the page itself does with an answer or an error (the editors, the caret, the warnings) is the
playground's JavaScript, the same whichever runtime answered: those tests run on MicroPython, the
playground's default; answering, agreeing with `oneflow-web preview`, needing no network and failing
to start run on both runtimes.
"""
import json
import subprocess
import sys

import pytest

import pages
from conftest import did_fail, watch_errors
from oneflow_web import definition

pytestmark = pytest.mark.browser

PAGES = {"name": "Pricing views", "subscribe": 'type = "page" and name = "Pricing"', "partnerAction": "trackEvent",
         "mapping": {"event_name": {"@template": "Viewed {{name}}"}, "properties": {"@path": "$.properties"}}}
BROKEN = {"name": "Broken", "subscribe": 'type = "track" and (event = "x"', "partnerAction": "trackEvent"}
TRACK = {"type": "track", "event": "Signed Up", "userId": "u-1", "properties": {"plan": "pro", "seats": 3}}


def open_playground(site, page, runtime: str) -> None:
    page.goto(site.assets + "playground/?runtime=" + runtime)
    wait_for_answers(page, 1)


@pytest.fixture(scope="module")
def _opened_playgrounds(browser, site):
    """One opened playground per runtime, for the tests that only paste, run and read (`playground`)."""
    opened = {}
    yield opened
    for context, _, _ in opened.values():
        context.close()


@pytest.fixture
def playground(request, browser, site, _opened_playgrounds):
    """`playground(runtime)`: the page of a playground opened once per runtime, its editors put back
    as it opened them and answered, its error message gone. Closed after a failed test."""
    used = []

    def playground(runtime: str):
        if runtime not in _opened_playgrounds:
            context = browser.new_context()
            page = context.new_page()
            open_playground(site, page, runtime)
            _opened_playgrounds[runtime] = (context, page, (page.input_value("#settings"), page.input_value("#event")))
        else:
            _, page, (settings, event) = _opened_playgrounds[runtime]
            paste_and_run(page, settings, event)
            assert not page.locator("#input-error").is_visible()
        used.append(runtime)
        return _opened_playgrounds[runtime][1]

    yield playground
    if did_fail(request):
        for runtime in used:
            _opened_playgrounds.pop(runtime)[0].close()


def wait_for_answers(page, count: int) -> None:
    page.wait_for_function("(n) => window.oneflowPlayground && oneflowPlayground.answers >= n",
                           arg=count, timeout=60000)


def answered(page, action) -> None:
    """Do `action` (a click, a key) and wait for the answer it asks for."""
    before = page.evaluate("oneflowPlayground.answers")
    action()
    wait_for_answers(page, before + 1)


def paste_and_run(page, settings=None, event=None) -> None:
    """Paste into the editors (None leaves one as it is) and press Ctrl+Enter."""
    if settings is not None:
        page.fill("#settings", settings if isinstance(settings, str) else json.dumps(settings, indent=2))
    if event is not None:
        page.fill("#event", event if isinstance(event, str) else json.dumps(event, indent=2))
    answered(page, lambda: page.keyboard.press("Control+Enter"))


def cards(page) -> list:
    """Each entry of the answer as drawn: verdict, where, reason and the code or details shown."""
    return page.eval_on_selector_all("#entries > li", """items => items.map(item => ({
        verdict: item.querySelector('.badge').textContent,
        where: item.querySelector('.where').textContent,
        reason: item.querySelector('.reason') ? item.querySelector('.reason').textContent : '',
        code: [...item.querySelectorAll('code')].map(code => code.textContent),
        details: item.querySelector('pre.details') ? item.querySelector('pre.details').textContent : '',
        warning: item.querySelector('.warning') ? item.querySelector('.warning').textContent : ''}))""")


def test_the_prefilled_track_event_is_answered_when_the_page_opens(site, page, runtime):
    open_playground(site, page, runtime)
    shown = cards(page)
    assert [(card["where"], card["verdict"]) for card in shown] == [
        ('subscriptions[0] ("Identify User")', "not sent"), ('subscriptions[1] ("Track Event")', "sends"),
        ('subscriptions[2] ("Pricing page views")', "not sent")]
    assert shown[1]["code"][0].startswith('_1flow.logEvent("Order Completed", {"currency": "EUR", ')
    assert shown[2]["details"].split("\n") == ['trigger: type = "page" and name = "Pricing"',
                                               '  type = "page": no (type is "track")',
                                               '  name = "Pricing": no (name is missing)']
    assert page.inner_text("#summary") == "1Flow gets 1 call from this event (3 subscriptions)."
    assert page.inner_text("#status").startswith("Answered by %s" % {"pyodide": "Pyodide"}.get(runtime, "MicroPython"))


def test_pasted_subscriptions_and_event_are_answered_on_ctrl_enter(playground):
    page = playground("micropython")
    paste_and_run(page, [PAGES], {"type": "page", "name": "Pricing", "properties": {"path": "/pricing"}})
    assert cards(page) == [{
        "verdict": "sends", "where": 'subscriptions[0] ("Pricing views")', "reason": "", "details": "", "warning": "",
        "code": ['_1flow.logEvent("Viewed Pricing", {"path": "/pricing"})',
                 '_1flow("track", "Viewed Pricing", {"anonymousId": undefined, "properties": {"path": "/pricing"}, '
                 '"userId": undefined})']}]


def test_the_run_button_answers_what_the_editors_hold(playground):
    page = playground("micropython")
    page.fill("#event", json.dumps({"type": "identify", "traits": {"plan": "pro"}}))
    answered(page, lambda: page.click("#run"))
    identify = cards(page)[0]
    assert (identify["verdict"], identify["reason"]) == ("not sent", "a field check failed")
    assert identify["details"] == ('required field "userId" (User ID) is missing or empty '
                                   '(mapped from {"@path": "$.userId"})')


def test_bad_json_in_the_event_editor_names_the_editor_and_the_position_and_keeps_the_last_answer(playground):
    page = playground("micropython")
    before = cards(page)
    page.fill("#event", '{\n  "type": "track",\n  "event": tru,\n  "userId": "u-1"\n}')
    page.keyboard.press("Control+Enter")
    message = page.locator("#input-error")
    assert message.is_visible()
    assert message.inner_text() == ("The event editor does not hold valid JSON: line 3, column 15: Unexpected token ','. "
                                    "The answer below is from the last run.")
    assert cards(page) == before
    assert page.evaluate("[document.activeElement.id, document.activeElement.selectionStart]") == ["event", 35]
    assert_no_run_answered_the_bad_input(page)


def assert_no_run_answered_the_bad_input(page):
    """A run on the bad input would have answered before one on good input does: count the answers."""
    answers = page.evaluate("oneflowPlayground.answers")
    page.fill("#event", '{"type": "track", "event": "After"}')
    page.keyboard.press("Control+Enter")
    page.wait_for_function("(n) => oneflowPlayground.answers > n", arg=answers)
    assert page.evaluate("oneflowPlayground.answers") == answers + 1


def test_bad_json_in_the_settings_editor_names_the_editor_and_the_position(playground):
    page = playground("micropython")
    before = page.evaluate("oneflowPlayground.answers")
    page.fill("#settings", '[{"name": "A",}]')
    page.keyboard.press("Control+Enter")
    assert page.inner_text("#input-error").startswith(
        "The settings editor does not hold valid JSON: line 1, column 15: Expected double-quoted property name.")
    assert page.evaluate("oneflowPlayground.answers") == before
    page.fill("#settings", "")
    assert_no_run_answered_the_bad_input(page)


def test_a_good_run_after_bad_json_clears_the_message(playground):
    page = playground("micropython")
    page.fill("#event", "{")
    page.keyboard.press("Control+Enter")
    assert page.locator("#input-error").is_visible()
    paste_and_run(page, event=TRACK)
    assert not page.locator("#input-error").is_visible()


def test_a_subscription_that_cannot_be_used_shows_its_error_with_a_caret_under_the_position(playground):
    page = playground("micropython")
    paste_and_run(page, [BROKEN, definition.PRESETS[1]], TRACK)
    card = cards(page)[0]
    assert (card["verdict"], card["reason"]) == ("left out", "the destination runs without it")
    message, trigger, caret = card["details"].split("\n")
    assert message == "expected 'and', 'or' (followed by a space) or ')' at position 31:"
    assert caret.index("^") - trigger.index("type") == 31


def test_a_trigger_segment_reads_differently_shows_the_warning(playground):
    page = playground("micropython")
    nulls = {"name": "Nulls", "subscribe": "event = null", "partnerAction": "trackEvent"}
    paste_and_run(page, [nulls], TRACK)
    assert cards(page)[0]["warning"].startswith('Warning: the trigger "event = null" runs as written, but Segment')


def test_settings_the_destination_would_not_start_with_are_shown_instead_of_entries(playground):
    page = playground("micropython")
    paste_and_run(page, {"thread": "gpu"})
    assert cards(page) == []
    assert page.inner_text("#summary") == ('The destination would not start: Setting "thread" is "gpu": '
                                           'use "worker" (the default) or "main".')


def test_an_empty_settings_editor_runs_the_presets(playground):
    page = playground("micropython")
    paste_and_run(page, "", TRACK)
    assert [card["where"] for card in cards(page)] == ['subscriptions[0] ("Identify User")',
                                                       'subscriptions[1] ("Track Event")']


@pytest.mark.parametrize("example, sends", [("identify", "Identify User"), ("track", "Track Event"),
                                            ("page", "Pricing page views")])
def test_each_example_button_loads_its_event_and_answers(playground, example, sends):
    page = playground("micropython")
    answered(page, lambda: page.click("[data-example=%s]" % example))
    assert json.loads(page.input_value("#event"))["type"] == example
    assert [card["where"] for card in cards(page) if card["verdict"] == "sends"] == [
        'subscriptions[%d] ("%s")' % ([s["name"] for s in page.evaluate("oneflowPlayground.subscriptions")].index(sends),
                                      sends)]


def test_switching_to_pyodide_keeps_the_editors_and_answers_with_pyodide(site, page):
    open_playground(site, page, "micropython")
    page.fill("#event", json.dumps(TRACK))
    answered(page, lambda: page.check("input[value=pyodide]"))
    assert page.inner_text("#status").startswith("Answered by Pyodide")
    assert json.loads(page.input_value("#event")) == TRACK
    assert cards(page)[1]["code"][0] == '_1flow.logEvent("Signed Up", {"plan": "pro", "seats": 3})'
    assert page.url.endswith("?runtime=pyodide")


def test_running_needs_no_network_and_everything_comes_from_dist(site, page, context, runtime):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    open_playground(site, page, runtime)
    context.set_offline(True)
    paste_and_run(page, event=dict(TRACK, event="Offline"))
    assert cards(page)[1]["code"][0].startswith('_1flow.logEvent("Offline"')
    assert requests and all(url.startswith(site.assets) for url in requests), requests
    assert not [url for url in requests if "1flow" in url.lower()]  # no SDK, not even the stand-in


# What the status says: the runtime's own words, which name the file unless MicroPython's wasm is missing.
@pytest.mark.parametrize("runtime, missing, says, names_the_file", [
    ("micropython", "python/playground.mpy", "[404] Unable to fetch ", True),
    ("pyodide", "python/playground.py", "[404] Unable to fetch ", True),
    ("micropython", "micropython/micropython.wasm", "Aborted(both async and sync fetching of the wasm failed)", False),
    ("micropython", "playground/playground.py", "", True)])
def test_a_runtime_that_cannot_start_says_why_instead_of_answering(site, page, context, runtime, missing, says,
                                                                    names_the_file):
    context.route(site.assets + missing, lambda route: route.fulfill(status=404, body="missing"))
    page.goto(site.assets + "playground/?runtime=" + runtime)
    page.wait_for_selector("#status.error", timeout=60000)
    status = page.inner_text("#status")
    assert status.startswith("No answer: %s could not start: " % {"pyodide": "Pyodide"}.get(runtime, "MicroPython")
                             + says), status
    assert (missing.rsplit("/", 1)[1] in status) == names_the_file, status
    assert cards(page) == []


# The playground's Python, with an engine that fails on every input: what a bug of ours would do.
FAILING_ENGINE = """
from pyscript import window
from pyscript.ffi import create_proxy

def answer(settings, event):
    raise RuntimeError("a bug")

window.oneflowPlayground.ready("micropython", create_proxy(answer))
"""


def test_an_engine_that_fails_on_an_input_is_reported_and_never_breaks_the_page(site, page, context):
    errors = watch_errors(page)
    context.route(site.assets + "playground/playground.py",
                  lambda route: route.fulfill(status=200, body=FAILING_ENGINE, content_type="text/plain"))
    page.goto(site.assets + "playground/?runtime=micropython")
    page.wait_for_selector("#status.error", timeout=60000)
    assert page.inner_text("#status").startswith("No answer: the engine failed on this input (a bug in oneflow-web")
    assert "a bug" in page.inner_text("#status")
    assert errors == []


def test_after_one_runtime_fails_the_other_still_answers(site, page, context):
    context.route(site.assets + "python/playground.mpy", lambda route: route.fulfill(status=404, body="missing"))
    page.goto(site.assets + "playground/?runtime=micropython")
    page.wait_for_selector("#status.error", timeout=60000)
    page.check("input[value=pyodide]")
    wait_for_answers(page, 1)
    assert page.inner_text("#status").startswith("Answered by Pyodide")


# Inputs for the equivalence test: (settings editor text, event editor text).
CASES = [
    ("", json.dumps(TRACK)),
    (json.dumps([PAGES, dict(PAGES, name="Off", enabled=False), BROKEN] + definition.PRESETS),
     json.dumps({"type": "page", "name": "Pricing", "properties": {"z": [1, 0.1, 1e21, None], "é": "✓ ü"}})),
    (json.dumps({"subscriptions": json.dumps(definition.PRESETS), "debug": True}),
     json.dumps({"type": "identify", "userId": 42, "traits": {"b": {"y": False, "x": -0.5}, "a": "line\nbreak"}})),
    (json.dumps([{"name": "Nulls", "subscribe": "event = null", "partnerAction": "trackEvent"}]),
     json.dumps({"type": "track", "properties": []})),
    ("[]", json.dumps(TRACK)),
    ("", json.dumps(dict(TRACK, integrations={"All": False}))),
    ("", "[1, 2]"),
    (json.dumps({"sdkUrl": "javascript:alert(1)"}), json.dumps(TRACK)),
]


def cli_preview(tmp_path, settings: str, event: str) -> str:
    (tmp_path / "settings.json").write_text(settings)
    (tmp_path / "event.json").write_text(event)
    done = subprocess.run([sys.executable, "-m", "oneflow_web", "preview", "--settings", str(tmp_path / "settings.json"),
                           "--event", str(tmp_path / "event.json")], capture_output=True, text=True, check=False)
    assert done.stderr == ""
    return done.stdout.rstrip("\n")


def test_the_answer_is_what_oneflow_web_preview_prints_for_the_same_input(playground, runtime, tmp_path):
    page = playground(runtime)
    for settings, event in CASES:
        paste_and_run(page, settings, event)
        printed = cli_preview(tmp_path, settings, event)
        assert page.text_content("#answer-text") == printed
        headers = [line for line in printed.split("\n") if line.startswith("subscriptions[")]
        assert [card["where"] for card in cards(page)] == [line.split(":")[0].split(" -> ")[0] for line in headers]


# A site page with the real analytics-next and a destination plugin that records ctx.event.
RECORDER = """<script>
window.capture = async function () {
  var seen = {};
  var recorder = {name: 'recorder', type: 'destination', version: '1', isLoaded: () => true,
                  load: () => Promise.resolve()};
  ['identify', 'track', 'page'].forEach(type => { recorder[type] = ctx => { seen[type] = ctx.event; return ctx; }; });
  var [analytics] = await AnalyticsNext.AnalyticsBrowser.load(
    {writeKey: 'w', cdnURL: CDN_URL, cdnSettings: CDN_SETTINGS, plugins: [recorder]}, {integrations: {'Segment.io': false}});
  await analytics.identify('u-1', {plan: 'pro'});
  await analytics.track('Order Completed', {total: 5});
  await analytics.page('Pricing', {path: '/pricing'});
  return JSON.parse(JSON.stringify(seen));
};
</script>"""


def test_the_examples_are_shaped_like_the_events_analytics_next_hands_a_destination(site, page):
    """Their keys (user data aside) are those analytics-next 1.84 puts in ctx.event, in this browser."""
    page.goto(pages.site_page(site, RECORDER))
    real = page.evaluate("capture()")
    open_playground(site, page, "micropython")
    examples = page.evaluate("oneflowPlayground.examples")
    for kind in ("identify", "track", "page"):
        assert shape(examples[kind]) == shape(real[kind]), kind


def shape(event: dict, prefix: str = "") -> set:
    """The key paths of an event, but inside what the site itself decides (properties, traits, integrations)."""
    paths = set()
    for key, value in event.items():
        path = prefix + key
        paths.add(path)
        if isinstance(value, dict) and path not in ("properties", "traits", "integrations"):
            paths |= shape(value, path + ".")
    return paths


def test_the_prefilled_subscriptions_begin_with_the_destinations_presets(site, page):
    open_playground(site, page, "micropython")
    assert page.evaluate("oneflowPlayground.subscriptions.slice(0, 2)") == definition.PRESETS


def test_the_page_can_be_used_from_the_keyboard_alone(site, page):
    open_playground(site, page, "micropython")
    page.evaluate("document.activeElement.blur()")
    order = []
    for _ in range(8):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.value || "
                                   "document.activeElement.textContent"))
    assert order[:8] == ["demo", "run", "micropython", "settings", "identify", "track", "page", "event"]
    page.focus("[data-example=identify]")
    answered(page, lambda: page.keyboard.press("Enter"))
    assert json.loads(page.input_value("#event"))["type"] == "identify"


def test_the_page_fits_a_phone_screen(site, page):
    page.set_viewport_size({"width": 390, "height": 844})
    open_playground(site, page, "micropython")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("#run").is_visible()
