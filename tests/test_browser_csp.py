"""Content-Security-Policy: the smallest policy each runtime and thread needs, as the README's table
gives it, proved under exactly that policy on both entry points with the SDK on another origin;
and a policy too strict for us is one clear error naming the directive, while the page goes on.

No policy here allows 'unsafe-eval': PyScript's worker hooks are set aside while our interpreter
starts (static/loader/runtime.js), and WebAssembly needs only 'wasm-unsafe-eval'.
"""
import time

import pytest

import pages
from conftest import sdk_calls, watch_errors

pytestmark = pytest.mark.browser

KEY = "csp-app-id"
TAIL = "; object-src 'none'; base-uri 'none'"
# The README's table, row for row: (thread, policy); {n} is the page's nonce.
POLICIES = {
    "worker, nonce and host": ("worker", "script-src 'self' 'nonce-{n}' 'wasm-unsafe-eval'; worker-src blob:" + TAIL),
    "main, nonce and host": ("main", "script-src 'self' 'nonce-{n}' 'wasm-unsafe-eval'" + TAIL),
    # Google's strict CSP as it is published: under 'strict-dynamic', host lists and 'self' are
    # ignored and what a trusted script adds is trusted; worker-src falls back to script-src.
    "worker, Google's strict": ("worker", "script-src 'nonce-{n}' 'strict-dynamic' 'wasm-unsafe-eval' https: "
                                          "'unsafe-inline'" + TAIL),
    "main, Google's strict": ("main", "script-src 'nonce-{n}' 'strict-dynamic' 'wasm-unsafe-eval' https: "
                                      "'unsafe-inline'" + TAIL),
}

# Another destination on the page: it must keep receiving events whatever happens to ours.
OTHER = ("window.otherCalls = []; analytics.register({name: 'Other', type: 'destination', version: '1.0.0', "
         "isLoaded: () => true, load: () => Promise.resolve(), "
         "track: (ctx) => { otherCalls.push(ctx.event.event); return ctx; }});")


def open_under(site, page, runtime, policy, thread, entry, calls="analytics.identify('u-1'); analytics.track('under CSP')"):
    nonce = "r4nd0m-%s" % runtime
    settings = {"runtime": runtime, "thread": thread, "sdkUrl": site.other_origin(pages.standin_url(site))}
    if entry == "script tag":
        attributes = {"data-api-key": KEY, "data-sdk-url": settings["sdkUrl"], "data-runtime": runtime,
                      "data-thread": thread}
        url = pages.csp_page(site, policy.format(n=nonce), nonce, attributes, OTHER + calls)
    else:
        url = pages.csp_page(site, policy.format(n=nonce), nonce, calls=OTHER + calls,
                             remote_settings=dict(settings, projectApiKey=KEY))
    page.goto(url)
    return nonce


@pytest.mark.parametrize("row", list(POLICIES))
def test_each_policy_of_the_readme_is_enough_on_each_runtime_and_entry_point(site, page, entry_runtime, row):
    # Each entry point on MicroPython, the remote-plugin path on Pyodide (conftest.ENTRY_RUNTIMES).
    entry, runtime = {"script-tag": "script tag", "remote-plugins": "remote plugin"}[entry_runtime[0]], entry_runtime[1]
    errors = watch_errors(page)
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    thread, policy = POLICIES[row]
    nonce = open_under(site, page, runtime, policy, thread, entry)
    assert [call["method"] for call in sdk_calls(page, 2)] == ["logUser", "logEvent"]
    assert page.evaluate("document.querySelector('script[data-api-key]').nonce") == nonce
    assert page.evaluate("oneflowWeb.stats().state") == "ready"
    assert (errors, violations) == ([], [])


@pytest.mark.parametrize("nonce_from", ["the page's scripts", "the nonce setting"])
def test_on_the_remote_plugin_path_the_sdk_gets_the_nonce_setting_or_else_a_page_scripts(site, page, runtime,
                                                                                      nonce_from):
    # Analytics.js injects oneflow-web.js without a nonce (it has no nonce support).
    page_nonce, setting = "page-%s" % runtime, "setting-%s" % runtime
    policy = POLICIES["worker, nonce and host"][1].format(n=page_nonce).replace(
        "'nonce-", "'nonce-%s' 'nonce-" % setting, 1)
    settings = {"projectApiKey": KEY, "sdkUrl": site.other_origin(pages.standin_url(site)), "runtime": runtime}
    if nonce_from == "the nonce setting":
        settings["nonce"] = setting
    page.goto(pages.csp_page(site, policy, page_nonce, calls="analytics.track('under CSP')", remote_settings=settings))
    assert sdk_calls(page, 1)[0]["args"][0] == "under CSP"
    assert page.evaluate("document.querySelector('script[data-api-key]').nonce") == settings.get("nonce", page_nonce)


# Too strict for us: without 'wasm-unsafe-eval' no interpreter can start; in worker mode,
# without blob: workers PyScript cannot start ours.
TOO_STRICT = {
    "no 'wasm-unsafe-eval', worker": ("worker", "script-src 'self' 'nonce-{n}'; worker-src blob:" + TAIL,
                                      "wasm-unsafe-eval"),
    "no 'wasm-unsafe-eval', main": ("main", "script-src 'self' 'nonce-{n}'" + TAIL, "script-src"),
    "no blob: workers": ("worker", "script-src 'self' 'nonce-{n}' 'wasm-unsafe-eval'; worker-src 'self'" + TAIL,
                         "worker-src"),
}


@pytest.mark.parametrize("case", list(TOO_STRICT))
def test_a_policy_too_strict_is_one_clear_error_naming_the_directive_and_the_page_goes_on(site, page, runtime, case):
    errors = watch_errors(page)
    thread, policy, directive = TOO_STRICT[case]
    ours = []
    page.on("console", lambda message: ours.append(message.text)
            if message.type == "error" and message.text.startswith("[1Flow Web (Actions)]") else None)
    open_under(site, page, runtime, policy, thread, "script tag", "analytics.track('held')")
    poll(page, "oneflowWeb.stats().state === 'failed'")
    assert page.evaluate("[...document.scripts].filter((tag) => tag.src.includes('/standins/')).length") == 0
    assert directive in page.evaluate("oneflowWeb.started.then(() => '', (error) => error.message)")
    page.evaluate("analytics.track('after the failure')")
    poll(page, "otherCalls.includes('after the failure')")
    assert errors == []
    # Checked last: a second report of the same fault would have come while the page went on.
    assert len(ours) == 1 and directive in ours[0] and "README" in ours[0], ours


def poll(page, expression: str, timeout: float = 30) -> None:
    """page.wait_for_function evaluates its predicate with eval, which these policies refuse;
    page.evaluate goes through DevTools, which they do not govern."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, "still not true after %d s: %s" % (timeout, expression)
        page.wait_for_timeout(100)
