"""Pages whose destination has already started, shared by the tests that only send events and read
what arrived.

Starting an interpreter is most of a browser test's time (Pyodide about 1.5 s of CPU, MicroPython
about 0.4 s), and a test of what a mapping sends, or of how a value crosses the seam, learns nothing
from starting one more. So such a test asks `started(runtime, ...)` (conftest) for a page with the
settings it needs: the first test to ask starts it, the next ones get it back reset. Tests of how
the destination starts, fails, holds events or leaves the page still open a page of their own.

Between two tests a page is reset, so that neither can see the other:
- a boundary event is sent and waited for: events arrive in order, so everything the last test sent
  has been handled (or skipped) by then;
- the stand-in's records are emptied, and Analytics.js forgets its user (`analytics.reset()`);
- `stats()` counts from that moment (StartedPage.stats);
- console lines and page errors are collected per test.
The boundary is sent when a test ends, so a call the stand-in flags, however late it comes, fails
the test that caused it. A page whose test failed is closed, so a broken state never reaches the
next test.
"""
import re

import pages

# stats() that say how things are now, not how many have happened.
GAUGES = {"pending"}

# The event that marks where one test ends and the next begins; no test sends it.
BOUNDARY = "oneflow-test-boundary"


def attributes(settings: dict) -> dict:
    """camelCase settings as the script tag's attributes (projectApiKey is data-api-key)."""
    return {"data-api-key" if name == "projectApiKey" else "data-" + re.sub("([A-Z])", r"-\1", name).lower():
            value for name, value in settings.items()}


class StartedPage:
    """One started page: `settings` (camelCase, as a remotePlugins entry holds them) reach the
    destination from `entry` ("script-tag" or "remote-plugins"); `site_script` is what the site
    runs once Analytics.js is set up, before the loader's tag on the script-tag path."""

    def __init__(self, browser, site, entry: str, settings: dict, site_script: str = ""):
        self.settings = settings
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.console = []
        self.errors = []
        self._baseline = {}
        self.page.on("console", lambda message: self.console.append("%s: %s" % (message.type, message.text)))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        if entry == "script-tag":
            url = pages.script_tag_page(site, attributes(settings), before_loader=site_script)
        else:
            url = pages.remote_plugins_page(site, settings, site_script)
        self.page.goto(url)
        self.page.evaluate("oneflowWeb.started")

    def reset(self) -> list:
        """Everything sent so far handled, the records emptied, the user forgotten, counting anew;
        returns the calls the stand-in flagged before (the real SDK would not take them)."""
        flagged = self.page.evaluate("""async (boundary) => {
            analytics.track(boundary);
            await new Promise((resolve, reject) => {
              const arrived = () => oneflowStandIn.calls.some((call) => call.args[0] === boundary);
              const listen = () => arrived() && (window.removeEventListener('1flow:call', listen), resolve());
              window.addEventListener('1flow:call', listen);
              listen();
              setTimeout(() => reject(new Error('a track event sent between two tests never reached the ' +
                'stand-in: a shared page needs settings that deliver every track event')), 30000);
            });
            const flagged = oneflowStandIn.flagged.slice();
            for (const list of [oneflowStandIn.calls, oneflowStandIn.sent, oneflowStandIn.flagged]) list.length = 0;
            await analytics.reset();
            return flagged;
        }""", BOUNDARY)
        self._baseline = self.page.evaluate("oneflowWeb.stats()")
        self.console.clear()
        self.errors.clear()
        return flagged

    def send(self, calls: str):
        """Run the site's `calls` (statements) in the page; return the page, to read what arrived."""
        self.page.evaluate("() => { %s\n}" % calls)
        return self.page

    def stats(self) -> dict:
        """oneflowWeb.stats() since this test began: counts are differences, the rest as it is now."""
        now = self.page.evaluate("oneflowWeb.stats()")
        before = self._baseline
        since = {}
        for name, value in now.items():
            if isinstance(value, dict):  # counts by reason
                counted = {key: count - before.get(name, {}).get(key, 0) for key, count in value.items()}
                since[name] = {key: count for key, count in counted.items() if count}
            elif isinstance(value, (int, float)) and not isinstance(value, bool) and name not in GAUGES:
                since[name] = value - before.get(name, 0)
            else:
                since[name] = value
        return since

    def close(self) -> None:
        self.context.close()
