"""Worker mode (thread "worker", the default): Python runs in a Web Worker and the page acts on its answers.

Every other browser test runs in this mode too; these are the faults and limits only a worker has.
"""
import pytest

import pages
from conftest import expect_error, fail_once_held, sdk_calls, watch_errors

pytestmark = pytest.mark.browser

KEY = "worker-app-id"


def worker_page(site, runtime, calls="", **attributes):
    return pages.standin_page(site, KEY, runtime, calls, data_thread="worker", **attributes)


def test_identify_and_track_reach_the_sdk_from_the_worker(started, runtime):
    shared = started(runtime)  # the default thread
    page = shared.send("analytics.identify('u-1', {plan: 'pro'}); analytics.track('Signed Up', {a: 1})")
    assert [(call["method"], call["args"]) for call in sdk_calls(page, 2)] == [
        ("logUser", ["u-1", {"plan": "pro"}]), ("logEvent", ["Signed Up", {"a": 1}])]
    stats = shared.stats()
    assert (stats["state"], stats["delivered"], stats["sdk"]) == ("ready", 2, "object")
    assert page.evaluate("document.querySelector('script[type=py], script[type=mpy]')") is None




def test_an_sdk_that_cannot_load_is_one_clear_error_in_worker_mode_too(site, page, runtime):
    errors = watch_errors(page)
    sdk_url = site.origin + "/cdn/missing-1flow.js"
    page.route(sdk_url, lambda route: route.fulfill(status=404, body=""))
    with expect_error(page, "could not be loaded") as message:
        page.goto(worker_page(site, runtime, "analytics.track('held')", data_sdk_url=sdk_url))
    assert sdk_url in message.value.text and "1 held event(s) were not delivered" in message.value.text
    assert errors == []


# What the worker needs, by runtime: its main script, the interpreter, our package (one file).
WORKER_FILES = {
    "pyodide": {"worker script": "oneflow-worker.py", "interpreter": "pyodide/pyodide.asm.wasm",
                "package": "python/worker.py"},
    "micropython": {"worker script": "oneflow-worker.py", "interpreter": "micropython/micropython.wasm",
                    "package": "python/worker.mpy"},
}


@pytest.mark.parametrize("which", ["worker script", "interpreter", "package"])
def test_a_worker_that_cannot_start_is_one_clear_error_naming_the_file(site, page, runtime, which):
    errors = watch_errors(page)
    missing = site.assets + WORKER_FILES[runtime][which]
    text = fail_once_held(page, worker_page(site, runtime, "analytics.track('held')"), missing)
    assert "404" in text and "1 held event(s) were not delivered" in text
    assert page.evaluate("oneflowWeb.stats()")["state"] == "failed"
    assert errors == []


def test_a_worker_that_dies_is_one_clear_error_and_later_events_are_counted_as_dropped(site, page, runtime):
    errors = watch_errors(page)
    page.add_init_script(pages.WORKER_SPY)
    page.goto(worker_page(site, runtime, "analytics.track('first')"))
    sdk_calls(page, 1)
    with expect_error(page, "the Python worker stopped: out of memory"):
        page.evaluate("spiedWorkers.forEach((w) => w.dispatchEvent(new ErrorEvent('error', "
                      "{message: 'out of memory', cancelable: true})))")
    page.evaluate("analytics.track('after')")
    page.wait_for_function("oneflowWeb.stats().dropped === 1")
    assert page.evaluate("oneflowWeb.stats().state") == "failed"
    assert errors == []


def test_a_worker_the_browser_ends_is_one_clear_error_after_thirty_seconds(site, page):
    # Terminated workers send no error: only the missing answer tells. The page's clock is
    # Playwright's, so the thirty seconds pass at once. MicroPython alone: the loader's timer is the
    # same on both.
    errors = watch_errors(page)
    page.clock.install()
    page.add_init_script(pages.WORKER_SPY)
    page.goto(worker_page(site, "micropython", "analytics.track('first')"))
    sdk_calls(page, 1)
    page.evaluate("spiedWorkers.forEach((w) => w.terminate()); analytics.track('lost')")
    page.clock.fast_forward(29000)
    assert page.evaluate("oneflowWeb.stats()")["dropped"] == 0, "the loader gave up before thirty seconds"
    with page.expect_console_message(lambda m: m.type == "error" and "did not answer within 30 s" in m.text):
        page.clock.fast_forward(2000)
    assert page.evaluate("oneflowWeb.stats()")["dropped"] == 1
    assert errors == []
