"""The throttling server (tests/network.py) that the benchmark's network profiles and slow-start
browser tests rely on. Timings are checked only as lower bounds: a busy machine can make the
server slower than its profile, never faster."""
import gzip
import http.client
import threading
import time

import brotli
import pytest

import build
import network
from conftest import ASSETS, Site

BROWSER = "gzip, deflate, br, zstd"  # what Chromium 156 asks for on http://127.0.0.1, page and workers alike


@pytest.fixture(scope="module")
def site():
    site = Site(profile=network.Profile("test", 100, 8))
    site.add("/page.html", "<p>hello</p>" * 500)
    site.add("/big.dat", "x" * 100_000, "application/octet-stream")
    yield site
    site.server.shutdown()


def get(site, path: str, accept: str = BROWSER, connection=None, method: str = "GET"):
    """(response, body, seconds) for one request, on `connection` if given."""
    connection = connection or http.client.HTTPConnection("127.0.0.1", site.server.server_address[1])
    began = time.monotonic()
    connection.request(method, path, headers={"Accept-Encoding": accept})
    response = connection.getresponse()
    body = response.read()
    return response, body, time.monotonic() - began


def test_a_generated_page_is_compressed_as_asked_and_never_cached(site):
    response, body, _ = get(site, "/page.html")
    assert response.getheader("Content-Encoding") == "br"
    assert brotli.decompress(body) == b"<p>hello</p>" * 500
    assert response.getheader("Vary") == "Accept-Encoding"
    assert response.getheader("Cache-Control") == "no-store"
    response, body, _ = get(site, "/page.html", accept="gzip")
    assert response.getheader("Content-Encoding") == "gzip" and gzip.decompress(body) == b"<p>hello</p>" * 500


def test_a_dist_file_is_cacheable_and_sent_as_gzip_until_its_brotli_body_is_ready(site):
    path = ASSETS + "standins/1flow-2022.js"
    first, _, _ = get(site, path)
    network.wait_for_compression()
    later, body, _ = get(site, path)
    assert first.getheader("Content-Encoding") in ("gzip", "br")
    assert later.getheader("Content-Encoding") == "br"
    assert brotli.decompress(body) == network.file_body(build.DIST / "standins/1flow-2022.js")
    assert later.getheader("Cache-Control") == network.CACHEABLE


def test_what_the_client_does_not_accept_is_not_sent(site):
    response, body, _ = get(site, "/page.html", accept="br;q=0, identity")
    assert response.getheader("Content-Encoding") is None and body == b"<p>hello</p>" * 500


def test_a_new_connection_costs_a_handshake_and_each_response_a_round_trip(site):
    connection = http.client.HTTPConnection("127.0.0.1", site.server.server_address[1])
    assert get(site, "/page.html", connection=connection)[2] >= 0.2
    assert get(site, "/page.html", connection=connection)[2] >= 0.1  # kept alive: no second handshake


def test_parallel_downloads_share_one_link(site):
    """Two 100 KB bodies at 8 Mbit/s: 0.1 s each alone, so 0.2 s of link time together."""
    site.server.take_sent()
    began = time.monotonic()
    threads = [threading.Thread(target=get, args=(site, "/big.dat")) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert time.monotonic() - began >= 0.2 + 0.2  # handshake and round trip, then the link
    sent = site.server.take_sent()
    assert [(response.path, response.encoding) for response in sent] == [("/big.dat", "identity")] * 2
    assert all(response.bytes > 100_000 for response in sent)  # headers counted too


def test_a_head_request_costs_a_round_trip_and_is_recorded_with_its_headers_only(site):
    """The loader checks its worker's files with HEAD requests when the worker is slow to start."""
    site.server.take_sent()
    response, body, seconds = get(site, "/page.html", method="HEAD")
    assert response.status == 200 and body == b"" and response.getheader("Content-Encoding") == "br"
    assert seconds >= 0.2
    [sent] = site.server.take_sent()
    assert (sent.method, sent.path) == ("HEAD", "/page.html") and sent.bytes < 300
