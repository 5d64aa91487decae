"""Firefox and WebKit for the browser tests: one small API over two ways of driving a browser.

Chromium runs through Playwright (conftest.py); the other two engines cannot:
- Firefox (Debian's firefox-esr) speaks WebDriver BiDi itself: it is started headless with a
  fresh profile and driven over one websocket (`Firefox`, a small synchronous BiDi client).
- WebKit (WebKitGTK, Safari's engine) is driven by Selenium through Debian's WebKitWebDriver,
  which starts WebKitGTK's MiniBrowser; MiniBrowser needs a screen, so the harness starts its own
  Xvfb on a free display (`WebKit`). Nothing has to wrap pytest.

Each gives a test an `EnginePage` with the same few methods: `goto(url)`, `evaluate(js)`,
`wait_for(js)` and `console()`. Classic WebDriver has no console events, so the console is
captured inside the page by `capture()`, a script every test page puts first: the same
mechanism in every engine. Its records are kept in the tab's sessionStorage too, so messages of
a page the test has left (the same origin, the same tab) are still there to read.
"""
import contextlib
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

FIREFOX = pathlib.Path("/usr/bin/firefox-esr")
WEBKIT_DRIVER = pathlib.Path("/usr/bin/WebKitWebDriver")
MINIBROWSER = pathlib.Path("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
XVFB = pathlib.Path("/usr/bin/Xvfb")
ENGINES = ["firefox", "webkit"]

# ---------------------------------------------------------------- the console, captured in the page

CONSOLE_KEY = "engines:console"
CAPTURE_JS = r"""(function () {
  if (window.__engineConsole) return;
  var KEY = %s;
  var own = window.__engineConsole = [];
  function text(value) {
    if (typeof value === 'string') return value;
    if (value instanceof Error) return String(value);
    try {
      var json = JSON.stringify(value);
      return json === undefined ? String(value) : json;
    } catch (error) {
      return String(value);
    }
  }
  function record(type, values) {
    var entry = {type: type, text: [].map.call(values, text).join(' ').slice(0, 4000), page: location.pathname};
    own.push(entry);
    try {
      var all = JSON.parse(sessionStorage.getItem(KEY) || '[]');
      all.push(entry);
      sessionStorage.setItem(KEY, JSON.stringify(all));
    } catch (error) {
      // no storage: this page's own records still answer
    }
  }
  ['error', 'warn', 'log', 'info', 'debug'].forEach(function (method) {
    var original = console[method];
    console[method] = function () {
      record(method === 'warn' ? 'warning' : method, arguments);
      return original.apply(this, arguments);
    };
  });
  // Bubbling only: a resource's load error (a <script> answering 404) does not bubble, an uncaught error does.
  window.addEventListener('error', function (event) { record('pageerror', [event.error || event.message]); });
  window.addEventListener('unhandledrejection', function (event) {
    record('pageerror', ['unhandled rejection:', event.reason]);
  });
  document.addEventListener('securitypolicyviolation', function (event) {
    record('csp', [event.effectiveDirective + ' refused ' + (event.blockedURI || 'inline')]);
  });
})();""" % json.dumps(CONSOLE_KEY)

# Read by the harness: every record of this tab on this origin, else this page's own.
READ_CONSOLE = """(() => { try { const all = sessionStorage.getItem(%s); if (all) return JSON.parse(all); } catch (e) {}
    return window.__engineConsole || []; })()""" % json.dumps(CONSOLE_KEY)


def capture(nonce: str = None) -> str:
    """The console-capturing script, as HTML for the head of a test page (pages.py's `first=`)."""
    return "<script%s>%s</script>" % (" nonce='%s'" % nonce if nonce else "", CAPTURE_JS)


# ---------------------------------------------------------------- what a test sees

class EngineError(AssertionError):
    """A script that threw in the page, or a condition that never became true."""


def _function(expression: str) -> str:
    """An async function of one JSON text argument that evaluates `expression` (called with the
    argument if it is a function, awaited if a promise) and answers JSON text. The driver, not the
    page, turns this text into a function, so a Content-Security-Policy without 'unsafe-eval' allows it."""
    return ("async (argument) => { let value = (%s\n); if (typeof value === 'function') value = value(JSON.parse(argument)); "
            "value = await value; return JSON.stringify(value === undefined ? null : value); }" % expression)


class EnginePage:
    """One tab of one engine, as a test drives it."""

    engine = ""

    def __init__(self):
        self.origins = set()

    def goto(self, url: str) -> None:
        """Open `url` and wait for its load event."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme in ("http", "https"):
            self.origins.add("%s://%s" % (parts.scheme, parts.netloc))
        self._navigate(url)

    def evaluate(self, expression: str, arg=None):
        """The value of a JavaScript expression (awaited; a function is called with `arg`), as JSON gives it."""
        return json.loads(self._call(_function(expression), json.dumps(arg)))

    def wait_for(self, condition: str, timeout: float = 30, arg=None, explain: str = None):
        """Poll `condition` (an expression, or a function of `arg`) until it is truthy; return its value.

        A condition that throws counts as not yet true. On timeout, fails naming the condition, its last
        answer, the value of `explain` (an expression saying what the page holds instead) and the console."""
        deadline = time.monotonic() + timeout
        last = None
        while True:
            try:
                value = self.evaluate(condition, arg)
                if value:
                    return value
                last = "last value: %s" % json.dumps(value)
            except EngineError as error:
                last = "last error: %s" % error
            if time.monotonic() >= deadline:
                if explain:
                    try:
                        last += "\n%s: %s" % (explain, json.dumps(self.evaluate(explain)))
                    except EngineError as error:
                        last += "\n%s threw %s" % (explain, error)
                raise EngineError("%s: still not true after %g s: %s\n%s\nconsole of %s:\n  %s" % (
                    self.engine, timeout, condition, last, self.url(), "\n  ".join(self.console()) or "(empty)"))
            time.sleep(0.05)

    def console(self) -> list:
        """What pages of this tab on the current origin logged, as 'type: text' ('warning: ...',
        'pageerror: ...', 'csp: ...'); types as Playwright names them. Only pages with `capture()` record."""
        try:
            return ["%s: %s" % (entry["type"], entry["text"]) for entry in self.evaluate(READ_CONSOLE)]
        except EngineError as error:
            return ["(the console could not be read: %s)" % error]

    def url(self) -> str:
        return self.evaluate("location.href")

    def back(self) -> None:
        """The browser's Back button."""
        self._back()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def close(self) -> None:
        raise NotImplementedError

    def _navigate(self, url: str) -> None:
        raise NotImplementedError

    def _back(self) -> None:
        raise NotImplementedError

    def _call(self, function: str, argument: str) -> str:
        raise NotImplementedError


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("%s exited with status %s before it listened" % (what, process.returncode))
            if time.monotonic() > deadline:
                raise RuntimeError("%s did not listen on port %d within %g s" % (what, port, timeout))
            time.sleep(0.05)


def _stop(process: subprocess.Popen, timeout: float = 5) -> None:
    """End a process we started in a session of its own, and whatever it started in that session."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout)


# ---------------------------------------------------------------- Firefox, over WebDriver BiDi

# Quiet, offline-friendly defaults on top of what Firefox's remote agent already sets.
FIREFOX_PREFS = {
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "app.update.disabledForTesting": True,
    "app.normandy.enabled": False,
    "messaging-system.rsexperimentloader.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "browser.safebrowsing.update.enabled": False,
    "extensions.update.enabled": False,
}


class Firefox:
    """One headless firefox-esr for the session, each test in a user context of its own (its own
    storage and cache, as a fresh Playwright context is for Chromium)."""

    name = "firefox"

    def __init__(self):
        from websockets.sync.client import connect
        self.connection = contextlib.ExitStack()
        self.profile = pathlib.Path(tempfile.mkdtemp(prefix="engines-firefox-"))
        (self.profile / "user.js").write_text("".join(
            "user_pref(%s, %s);\n" % (json.dumps(name), json.dumps(value)) for name, value in FIREFOX_PREFS.items()))
        self.log = open(self.profile / "firefox.log", "w+b")
        self.process = subprocess.Popen(
            [str(FIREFOX), "--headless", "--no-remote", "--remote-debugging-port", "0", "--profile", str(self.profile)],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            env={**os.environ, "MOZ_CRASHREPORTER_DISABLE": "1"})
        self.socket = None
        self._ids = 0
        try:
            self.socket = self.connection.enter_context(
                connect(self._websocket_url() + "/session", proxy=None, max_size=None, ping_interval=None))
            self.command("session.new", {"capabilities": {}})
        except BaseException:
            self.close()
            raise

    def _websocket_url(self, timeout: float = 30) -> str:
        """Firefox prints where it listens ("WebDriver BiDi listening on ws://127.0.0.1:PORT")."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in (self.profile / "firefox.log").read_text(errors="replace").splitlines():
                if line.startswith("WebDriver BiDi listening on "):
                    return line.split(" on ", 1)[1].strip()
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("firefox-esr did not start WebDriver BiDi:\n" +
                           (self.profile / "firefox.log").read_text(errors="replace")[-3000:])

    def command(self, method: str, params: dict, timeout: float = 120) -> dict:
        """Send one BiDi command and wait for its answer (events in between are not subscribed to)."""
        self._ids += 1
        self.socket.send(json.dumps({"id": self._ids, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise EngineError("firefox: no answer to %s within %g s" % (method, timeout))
            try:
                message = json.loads(self.socket.recv(timeout=left))
            except TimeoutError:
                continue
            if message.get("id") != self._ids:
                continue
            if message.get("type") == "error":
                raise EngineError("firefox: %s failed: %s: %s" % (method, message.get("error"), message.get("message")))
            return message["result"]

    def new_page(self) -> "FirefoxPage":
        user_context = self.command("browser.createUserContext", {})["userContext"]
        context = self.command("browsingContext.create", {"type": "tab", "userContext": user_context})["context"]
        return FirefoxPage(self, user_context, context)

    def close(self) -> None:
        if self.socket is not None:
            try:
                self.command("browser.close", {}, timeout=10)
            except Exception:
                pass
            self.connection.close()
            self.socket = None
        _stop(self.process)
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


class FirefoxPage(EnginePage):
    engine = "firefox"

    def __init__(self, browser: Firefox, user_context: str, context: str):
        super().__init__()
        self.browser, self.user_context, self.context = browser, user_context, context

    def _navigate(self, url: str) -> None:
        self.browser.command("browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"})

    def _back(self) -> None:
        self.browser.command("browsingContext.traverseHistory", {"context": self.context, "delta": -1})

    def _call(self, function: str, argument: str) -> str:
        result = self.browser.command("script.callFunction", {
            "functionDeclaration": function, "awaitPromise": True, "target": {"context": self.context},
            "arguments": [{"type": "string", "value": argument}], "resultOwnership": "none"})
        if result["type"] == "exception":
            details = result["exceptionDetails"]
            raise EngineError("firefox: %s" % (details.get("text") or details))
        return result["result"]["value"]

    def close(self) -> None:
        self.browser.command("browsingContext.close", {"context": self.context})
        self.browser.command("browser.removeUserContext", {"userContext": self.user_context})


# ---------------------------------------------------------------- WebKit, through Selenium and WebKitWebDriver

class WebKit:
    """One MiniBrowser (WebKitGTK) for the session on a private Xvfb, each test in a new window;
    a test's origins have their storage cleared when it ends."""

    name = "webkit"

    def __init__(self):
        from selenium import webdriver
        from selenium.webdriver.remote.client_config import ClientConfig
        from selenium.webdriver.remote.remote_connection import RemoteConnection
        from selenium.webdriver.webkitgtk.options import Options
        self.xvfb = self.driver_process = self.driver = None
        try:
            self.xvfb, display = self._start_xvfb()
            port = _free_port()
            self.driver_process = subprocess.Popen(
                [str(WEBKIT_DRIVER), "--port=%d" % port], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True, env={**os.environ, "DISPLAY": display})
            _wait_for_port(port, self.driver_process, "WebKitWebDriver")
            options = Options()
            options.binary_location = str(MINIBROWSER)
            options.add_argument("--automation")
            self.driver = webdriver.Remote(command_executor=RemoteConnection(client_config=ClientConfig(
                remote_server_addr="http://127.0.0.1:%d" % port, timeout=180)), options=options)
            self.driver.set_script_timeout(120)
            self.driver.set_page_load_timeout(120)
            self.home = self.driver.current_window_handle  # kept open: the session ends with its last window
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _start_xvfb():
        """Xvfb on a display it picks itself (-displayfd writes the number it took)."""
        read, write = os.pipe()
        process = subprocess.Popen([str(XVFB), "-displayfd", str(write), "-screen", "0", "1280x1024x24", "-nolisten",
                                    "tcp", "-noreset"], pass_fds=[write], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        os.close(write)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        if not number:
            _stop(process)
            raise RuntimeError("Xvfb did not start")
        return process, ":" + number

    def new_page(self) -> "WebKitPage":
        self.driver.switch_to.new_window("window")
        return WebKitPage(self, self.driver.current_window_handle)

    def close(self) -> None:
        if self.driver is not None:
            try:
                self.driver.quit()
            except Exception:
                pass
            self.driver = None
        _stop(self.driver_process)
        _stop(self.xvfb)


class WebKitPage(EnginePage):
    engine = "webkit"

    def __init__(self, browser: WebKit, handle: str):
        super().__init__()
        self.browser, self.handle = browser, handle

    @property
    def driver(self):
        return self.browser.driver

    def _navigate(self, url: str) -> None:
        self.driver.get(url)

    def _back(self) -> None:
        self.driver.back()

    def _call(self, function: str, argument: str) -> str:
        from selenium.common.exceptions import JavascriptException
        try:
            return self.driver.execute_script("return (%s)(arguments[0]);" % function, argument)
        except JavascriptException as error:
            raise EngineError("webkit: %s" % error.msg) from None

    def close(self) -> None:
        """Clear what the test left in each origin's storage (the window's session storage goes with it)."""
        for origin in sorted(self.origins):
            try:
                self.driver.get(origin + "/engines-cleanup")
                self.driver.execute_script("localStorage.clear(); sessionStorage.clear();")
            except Exception:
                pass
        self.driver.close()
        self.driver.switch_to.window(self.browser.home)


def launch(name: str):
    return {"firefox": Firefox, "webkit": WebKit}[name]()
