"""The demo: `python build.py serve` serves dist/ and a page that shows what reaches 1Flow."""
import json
import socket
import subprocess
import sys
import urllib.request

import pytest

from conftest import ASSETS, ROOT

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_command_serves_the_demo_with_the_local_standin_by_default():
    port = free_port()
    server = subprocess.Popen([sys.executable, "build.py", "serve", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in server.stdout:
            if "demo on http://127.0.0.1:%d/demo/" % port in line:
                break
        settings = json.load(urllib.request.urlopen("http://127.0.0.1:%d/demo/settings.json" % port))
        page = urllib.request.urlopen("http://127.0.0.1:%d/demo/" % port).read().decode()
    finally:
        server.terminate()
        server.wait()
    assert settings == {"projectApiKey": "demo-key", "runtime": "micropython", "sdkUrl": "../standins/1flow-2022.js"}
    assert "analytics.identify()" in page


def test_demo_page_logs_each_call_that_reached_1flow(site, page, runtime):
    settings = {"projectApiKey": "demo-key", "runtime": runtime, "sdkUrl": "../standins/1flow-2022.js"}
    site.add(ASSETS + "demo/settings.json", json.dumps(settings), "application/json")
    page.goto(site.assets + "demo/")
    page.click("#identify button")
    page.click("#page button")
    page.click("#track button")
    page.wait_for_selector("#status.ready", timeout=30000)
    page.wait_for_function("document.querySelectorAll('#log li').length >= 2")
    page.wait_for_timeout(200)
    assert page.locator("#log li").all_inner_texts() == [
        '_1flow.logUser("user-123", {"name":"Ada","plan":"pro"})',
        '_1flow.logEvent("Order Completed", {"order":{"id":"o-1","total":42}})']
