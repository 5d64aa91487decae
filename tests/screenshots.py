"""Screenshots of the demo and the playground for the README, taken in headless Chromium.

    .venv/bin/python tests/screenshots.py      # writes docs/demo.png and docs/playground.png

Not a test: run it after changing either page, and commit the pictures with the change.
"""
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from playwright.sync_api import sync_playwright  # noqa: E402

import build  # noqa: E402
from conftest import ASSETS, CHROMIUM_ARGS, Site  # noqa: E402

DOCS = build.ROOT / "docs"
# The playground's own subscriptions, plus one of the mistakes it is there to explain.
TYPO = {"name": "Signups", "subscribe": 'type = "track" and event = "Signed Up', "partnerAction": "trackEvent"}


def demo(browser, site: Site) -> None:
    site.add(ASSETS + "demo/settings.json", json.dumps(
        {"projectApiKey": "demo-key", "runtime": "micropython", "sdkUrl": "../standins/1flow-2022.js"}),
        "application/json")
    page = browser.new_page(viewport={"width": 1100, "height": 680})
    page.goto(site.assets + "demo/")
    page.wait_for_selector("#status.ready", timeout=60000)
    for form in ("identify", "track", "page"):
        page.click("#%s button" % form)
    page.wait_for_function("document.querySelectorAll('#log li').length >= 2")
    page.screenshot(path=str(DOCS / "demo.png"))
    page.close()


def playground(browser, site: Site) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1180})
    page.goto(site.assets + "playground/")
    page.wait_for_function("oneflowPlayground.answers > 0", timeout=60000)
    subscriptions = page.evaluate("oneflowPlayground.subscriptions") + [TYPO]
    page.fill("#settings", json.dumps(subscriptions, indent=2))
    page.click("[data-example=page]")
    page.wait_for_function("oneflowPlayground.answers > 1")
    page.screenshot(path=str(DOCS / "playground.png"))
    page.close()


def main() -> None:
    site = Site()
    DOCS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(build.CHROMIUM), args=CHROMIUM_ARGS)
        demo(browser, site)
        playground(browser, site)
        browser.close()
    site.server.shutdown()
    print("wrote %s and %s" % (DOCS / "demo.png", DOCS / "playground.png"))


if __name__ == "__main__":
    main()
