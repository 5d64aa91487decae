"""A slow network is not a fault: the start-up waits while files arrive, and still names a file that fails.

A second server, throttled (tests/network.py): a round trip per request and every byte
through one link, the worker's downloads included. Slow enough that the whole start takes
longer than the boot timeout these pages set, so a clock that counted time instead of
silence would fail them.
"""
import time

import pytest

import pages
from conftest import Site, sdk_calls, watch_errors
from network import Profile

pytestmark = pytest.mark.browser

KEY = "slow-network-app-id"
# Per runtime, a boot timeout longer than the interpreter needs once its files are there, and
# a link (4g's round trip) slow enough that the download outlasts it by half or more (MicroPython
# about 0.3 MB, Pyodide about 4.4 MB compressed: 5 s at 7 Mbit/s).
BOOT_TIMEOUT_MS = {"micropython": 1000, "pyodide": 3000}
LINKS = {"micropython": Profile("slow 4g", 150, 1.6), "pyodide": Profile("slow cable", 150, 7)}
# Throttled, so that downloads overlap as on a visitor's network, but not slow: this one counts requests.
FAST = Profile("fast cable", 40, 40)


@pytest.fixture(scope="module")
def slow_site():
    site = Site(profile=LINKS["micropython"], encodings=("gzip",))  # brotli -11 would cost minutes of CPU
    yield site
    site.server.shutdown()


def open_slow(slow_site, page, runtime, calls, link=None):
    slow_site.server.profile = link or LINKS[runtime]
    slow_site.server.take_sent()
    page.goto(pages.standin_page(slow_site, KEY, runtime, calls, data_boot_timeout=str(BOOT_TIMEOUT_MS[runtime])))


def test_a_start_slower_than_the_boot_timeout_delivers_while_files_keep_arriving(slow_site, page, runtime):
    errors = watch_errors(page)
    started = time.monotonic()
    open_slow(slow_site, page, runtime, "analytics.track('on a slow network')")
    assert sdk_calls(page, 1, timeout=120000)[0]["args"][0] == "on a slow network"
    assert time.monotonic() - started > 1.5 * BOOT_TIMEOUT_MS[runtime] / 1000  # a clock of time would have failed it
    assert page.evaluate("oneflowWeb.stats().state") == "ready"
    assert errors == []


def test_a_throttled_start_makes_no_request_beyond_the_files_it_needs(slow_site, page, runtime):
    open_slow(slow_site, page, runtime, "analytics.track('counted')", FAST)
    sdk_calls(page, 1, timeout=120000)
    sent = slow_site.server.take_sent()
    paths = [response.path for response in sent]
    assert [response for response in sent if response.method != "GET"] == []
    assert len(paths) == len(set(paths)), "a file was downloaded twice: %s" % sorted(paths)


def test_a_file_that_answers_404_on_a_slow_network_is_named_within_seconds(slow_site, page, runtime):
    missing = slow_site.assets + {"micropython": "micropython/micropython.wasm",
                                  "pyodide": "pyodide/pyodide.asm.wasm"}[runtime]
    page.route(missing, lambda route: route.fulfill(status=404, body="not found"))
    started = time.monotonic()
    with page.expect_console_message(lambda m: m.type == "error" and missing in m.text, timeout=30000) as message:
        open_slow(slow_site, page, runtime, "analytics.track('held')")
    assert "HTTP 404" in message.value.text
    assert time.monotonic() - started < 5
