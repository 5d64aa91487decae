"""Shared fixtures: one server for dist/ and one Chromium per session, a fresh context per test.

dist/ is served under /assets/oneflow/ while test pages live elsewhere on the origin,
as on a real site, which also proves the loader finds its files relative to itself.
"""
import functools
import http.server
import itertools
import json
import pathlib
import select
import socket
import subprocess
import sys
import tarfile
import threading
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import build  # noqa: E402
import engines  # noqa: E402
import network  # noqa: E402
import pages  # noqa: E402
import started as started_pages  # noqa: E402

ASSETS = "/assets/oneflow/"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


# The suite's Chromium runs WebAssembly with V8's baseline compiler only. By default each Pyodide
# start also spends about 0.9 s of CPU recompiling its busiest functions with the optimising
# compiler in the background, which on two cores the other tests wait for: the whole suite took
# 359 s with this flag against 403 s without. Only speed differs; the benchmark, which measures
# speed, runs Chromium's defaults (CHROMIUM_ARGS).
SUITE_ONLY_ARGS = ["--js-flags=--liftoff-only"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(build.CHROMIUM), "args": CHROMIUM_ARGS + SUITE_ONLY_ARGS}


FRESH = "/fresh/"


class TestHandler(build.DistHandler):
    """build.py's handler, plus what Playwright's routing gives the Chromium tests, for engines
    Playwright does not drive: a path Site.add()ed with a `status` answers with it (404), one with
    a `delay_ms` answers only after that long (a download still under way when the visitor leaves;
    a client that goes away first is let go without an answer). Folders Site.serve()s are served
    under their own prefixes (the npm package's assets/)."""

    def __init__(self, *args, folders: dict, **kwargs):
        self.folders = folders
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        found = self.generated.get(self.path.split("?")[0])
        if found is None or len(found) < 5:
            return super().do_GET()
        content_type, body, headers, status, delay_ms = found
        if delay_ms and self._client_left_within(delay_ms / 1000):
            self.close_connection = True
            return
        self.send_generated(content_type, body, headers, status)

    def translate_path(self, path: str) -> str:
        """FRESH/<any name>/... is dist/ too: a URL space no browser has cached yet."""
        for prefix, folder in self.folders.items():
            if path.startswith(prefix):
                dist, self.directory = self.directory, str(folder)  # one handler serves a connection's requests
                try:
                    return http.server.SimpleHTTPRequestHandler.translate_path(self, "/" + path[len(prefix):])
                finally:
                    self.directory = dist
        if path.startswith(FRESH):
            path = self.prefix + path[len(FRESH):].partition("/")[2]
        return super().translate_path(path)

    def _client_left_within(self, seconds: float) -> bool:
        """Wait `seconds`; True as soon as the client closes the connection (it sends nothing else meanwhile)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if select.select([self.connection], [], [], left)[0]:
                try:
                    if self.connection.recv(1, socket.MSG_PEEK) == b"":
                        return True
                except OSError:
                    return True
                time.sleep(min(left, 0.05))
        return False


class Site:
    """The test web server: dist/ under ASSETS plus pages each test writes.

    With a `profile` (tests/network.py), it serves them compressed, through a throttled
    link (`server.profile` may change between page loads), offering `encodings`;
    without, uncompressed and as fast as it can.
    """

    def __init__(self, profile: network.Profile = None, encodings: tuple = network.ENCODINGS):
        if not build.is_built():
            build.build()
        self.generated = {}
        self.folders = {}
        if profile is None:
            handler = functools.partial(TestHandler, directory=str(build.DIST), generated=self.generated, prefix=ASSETS,
                                        folders=self.folders)
            self.server = build.DistServer(("127.0.0.1", 0), handler)
        else:
            self.server = network.make_server(0, self.generated, prefix=ASSETS, profile=profile, encodings=encodings)
        self.origin = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.assets = self.origin + ASSETS
        self._ids = itertools.count()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, path: str, body, content_type: str = "text/html", headers: dict = None,
            status: int = 200, delay_ms: int = 0) -> str:
        """Serve `body` (text or bytes) at `path`; with `status` or `delay_ms` (unthrottled Site only),
        answer with that status, or only after that long."""
        body = body.encode() if isinstance(body, str) else body
        if status != 200 or delay_ms:
            self.generated[path] = (content_type, body, headers or {}, status, delay_ms)
        else:
            self.generated[path] = (content_type, body, headers or {})
        return self.origin + path

    def serve(self, prefix: str, folder: pathlib.Path) -> str:
        """Serve `folder` under `prefix` (unthrottled Site only); return its URL."""
        self.folders[prefix] = folder
        return self.origin + prefix

    def fresh_assets(self) -> str:
        """dist/ under a URL of its own, which no browser has cached (an engine keeps its cache across tests)."""
        return "%s%s%d/" % (self.origin, FRESH, next(self._ids))

    def page(self, html: str, headers: dict = None) -> str:
        return self.add("/site/page-%d.html" % next(self._ids), html, headers=headers)

    def other_origin(self, url: str) -> str:
        """The same server seen from another origin (localhost instead of 127.0.0.1)."""
        return url.replace("http://127.0.0.1:", "http://localhost:", 1)


@pytest.fixture(scope="session")
def site():
    site = Site()
    yield site
    site.server.shutdown()


class NpmApp:
    """`python3 build.py pack`'s tarball installed in an app's node_modules, as npm would: the package
    extracted into node_modules/oneflow-web, and its peer, Analytics.js (with the rest of @segment),
    linked from the project's node_modules (the package has no dependencies, so nothing else is
    needed, and nothing is fetched)."""

    def __init__(self, folder: pathlib.Path):
        done = subprocess.run([sys.executable, str(build.ROOT / "build.py"), "pack"], check=True, capture_output=True,
                              text=True, timeout=600)
        self.stdout = done.stdout
        self.tarball = pathlib.Path(done.stdout.strip().splitlines()[-1])
        self.folder = folder
        self.package = folder / "node_modules" / "oneflow-web"
        self.package.mkdir(parents=True)
        with tarfile.open(self.tarball) as tar:
            members = tar.getmembers()
            for member in members:
                member.name = member.name.partition("/")[2]  # npm's tarballs hold package/...
            tar.extractall(self.package, [member for member in members if member.name], filter="data")
        (folder / "node_modules" / "@segment").symlink_to(build.NODE_MODULES / "@segment", target_is_directory=True)
        self.manifest = json.loads((self.package / "package.json").read_text())


@pytest.fixture(scope="session")
def npm_app(tmp_path_factory) -> NpmApp:
    """One packed tarball per session, installed in an app folder."""
    return NpmApp(tmp_path_factory.mktemp("npm-app"))


NPM_ASSETS = "/npm/oneflow-web/assets/"


@pytest.fixture(scope="session")
def npm_assets(site, npm_app) -> str:
    """The URL at which the site serves the installed package's assets/ folder."""
    return site.serve(NPM_ASSETS, npm_app.package / "assets")


def to_js(value) -> str:
    """A Python value as a JavaScript literal for page templates."""
    return json.dumps(value)


RUNTIMES = ["pyodide", "micropython"]


@pytest.fixture(params=RUNTIMES)
def runtime(request) -> str:
    """Every browser test runs on both interpreters the loader offers."""
    return request.param


# The two entry points (a script tag, Segment's remote plugin) are the loader's; the runtimes
# are Python's, and receive the same settings from either. So tests of both entry points run
# each entry point on MicroPython (the default) and the remote-plugin path on Pyodide, whose
# script-tag path every other browser test takes: each pair is covered, not the whole product,
# which would boot Pyodide once more per test for nothing the loader does differently.
ENTRY_RUNTIMES = [("script-tag", "micropython"), ("remote-plugins", "micropython"), ("remote-plugins", "pyodide")]


# For a test of how the loader is added to a page (or fails before any interpreter starts):
# that is the loader's work, the same whichever runtime it then starts, so it runs on the
# default one; the remote-plugin entry, which every such way leads to, runs on both.
ON_THE_DEFAULT_RUNTIME = pytest.mark.parametrize("runtime", ["micropython"])


@pytest.fixture(params=ENTRY_RUNTIMES, ids=["-".join(pair) for pair in ENTRY_RUNTIMES])
def entry_runtime(request) -> tuple:
    """(entry point, runtime) for a test of both entry points."""
    return request.param


# For a test of the loader's own work on both entry points, which Python takes no part in (finding
# the SDK on the page, waiting until it is ready, the order it hands held events over in): both
# entry points on the default runtime, as ON_THE_DEFAULT_RUNTIME does for one.
BOTH_ENTRIES_ON_THE_DEFAULT_RUNTIME = pytest.mark.parametrize(
    "entry_runtime", ENTRY_RUNTIMES[:2], ids=["-".join(pair) for pair in ENTRY_RUNTIMES[:2]])


@pytest.fixture
def console(page) -> list:
    """Console messages of the test's page, as 'type: text'."""
    messages = []
    page.on("console", lambda message: messages.append("%s: %s" % (message.type, message.text)))
    page.on("pageerror", lambda error: messages.append("pageerror: %s" % error))
    return messages


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Each phase's report on the test (item.rep_call...), for fixtures that clean up after a failure."""
    report = yield
    setattr(item, "rep_" + report.when, report)
    return report


def did_fail(request) -> bool:
    """Whether the test of this fixture `request` failed (or never ran): its shared page must not be reused."""
    report = getattr(request.node, "rep_call", None)
    return report is None or report.failed


@pytest.fixture(scope="session")
def _started_pages():
    """The session's started pages (tests/started.py), by what they were started with."""
    shared = {}
    yield shared
    for page in shared.values():
        page.close()


@pytest.fixture
def started(request, browser, site, _started_pages):
    """`started(runtime, entry="script-tag", site_script="", **settings)`: a page whose destination has
    started with these camelCase settings (projectApiKey, sdkUrl: the 2022 stand-in, unless given),
    shared with the other tests that ask for the same, reset for this one (tests/started.py). After the
    test, a call the stand-in flagged fails it."""
    used = []

    def start(runtime: str, entry: str = "script-tag", site_script: str = "", **settings) -> started_pages.StartedPage:
        settings = {"projectApiKey": "shared-page-key", "sdkUrl": pages.standin_url(site), "runtime": runtime,
                    **settings}
        key = (entry, site_script, json.dumps(settings, sort_keys=True))
        shared = _started_pages.get(key)
        if shared is None:
            shared = _started_pages[key] = started_pages.StartedPage(browser, site, entry, settings, site_script)
            shared.reset()
        used.append((key, shared))
        return shared

    yield start
    failed = did_fail(request)
    flagged = []
    for key, shared in used:
        print("console of the started page:\n  %s" % "\n  ".join(line[:500] for line in shared.console))
        try:
            if failed:
                raise RuntimeError("its test failed")
            flagged += shared.reset()
        except Exception:
            _started_pages.pop(key, None)
            shared.close()
            if not failed:
                raise
    assert not flagged, "the 1Flow stand-in flagged calls the real SDK would not accept: %s" % flagged


def sdk_calls(page, count: int, timeout: float = 30000) -> list:
    """Wait until the 1Flow stand-in has received `count` calls; return them all.

    A call the real SDK would not accept (the stand-in flags it) fails the test here.
    """
    page.wait_for_function("(n) => window.oneflowStandIn && oneflowStandIn.calls.length >= n",
                           arg=count, timeout=timeout)
    calls = page.evaluate("oneflowStandIn.calls")
    flagged = [call for call in calls if call.get("problem")]
    assert not flagged, "the 1Flow stand-in flagged calls the real SDK would not accept: %s" % flagged
    return calls


class AnsweredLater:
    """Requests of `page` for `url` wait unanswered until release(), then (and from then on) get
    `status`, or, without one, the server's answer: a file that fails or arrives only once the page
    has reached a given point, without a sleep. Never released, the file is still on its way when
    the visitor leaves."""

    def __init__(self, page, url: str, status: int = None, body: str = ""):
        self.status, self.body = status, body
        self.waiting = []
        self.released = False
        self.requests = 0  # how many times the file was asked for
        page.route(url, self._asked)

    def _asked(self, route) -> None:
        self.requests += 1
        self._answer(route)

    def _answer(self, route) -> None:
        if not self.released:
            self.waiting.append(route)
        elif self.status is None:
            route.continue_()
        else:
            route.fulfill(status=self.status, body=self.body)

    def release(self) -> None:
        self.released = True
        while self.waiting:
            self._answer(self.waiting.pop(0))


def fail_once_held(page, url: str, missing: str) -> str:
    """Open `url`, whose calls hold one event, with `missing` answering 404 only once that event is
    held, as on a network slower than Analytics.js's start; return our console error naming it."""
    answers = AnsweredLater(page, missing, status=404, body="not found")
    page.goto(url, wait_until="commit")
    page.wait_for_function("window.oneflowWeb && oneflowWeb.stats().pending === 1")
    with expect_error(page, missing) as message:
        answers.release()
    return message.value.text


def watch_errors(page) -> list:
    """Uncaught errors of the page, as text: a destination must never add one."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def expect_error(page, text: str):
    """A context manager waiting for the console error that holds `text`."""
    return page.expect_console_message(lambda m: m.type == "error" and text in m.text, timeout=30000)


# ---------------------------------------------------------------- Firefox and WebKit (tests/engines.py)

@pytest.fixture(scope="session")
def _engine_browsers():
    """One browser per engine for the session, started when a test first asks for it."""
    launched = {}
    yield launched
    for browser in launched.values():
        browser.close()


@pytest.fixture(params=engines.ENGINES)
def engine(request) -> str:
    """A test marked `engines` runs in Firefox ESR and in WebKitGTK."""
    return request.param


@pytest.fixture
def engine_page(engine, _engine_browsers) -> engines.EnginePage:
    """A fresh tab of the engine's session browser (a browser that died is started again)."""
    browser = _engine_browsers.get(engine)
    try:
        if browser is None:
            raise LookupError
        page = browser.new_page()
    except Exception:
        if browser is not None:
            browser.close()
        browser = _engine_browsers[engine] = engines.launch(engine)
        page = browser.new_page()
    yield page
    console = page.console()
    print("console of %s:\n  %s" % (engine, "\n  ".join(line[:500] for line in console)))  # shown on failure
    page.close()
    assert not [line for line in console if STANDIN_FLAG in line], "a stand-in flagged a call (console above)"


# What a stand-in SDK writes to the console for a call the real SDK would not accept.
STANDIN_FLAG = "a call the SDK would not accept"


@pytest.fixture(autouse=True)
def _no_call_the_real_sdk_would_refuse(request):
    """After every Chromium test, on every page it opened: a call a stand-in flagged fails the test,
    whether or not the test read the calls (and however late the call came). A test of the
    stand-ins themselves says `@pytest.mark.flags_expected`."""
    if (request.node.get_closest_marker("browser") is None or "page" not in request.fixturenames
            or request.node.get_closest_marker("flags_expected")):
        yield
        return
    flagged = []
    request.getfixturevalue("context").on(
        "console", lambda message: STANDIN_FLAG in message.text and flagged.append(message.text))
    yield
    assert not flagged, "the 1Flow stand-in flagged calls the real SDK would not accept: %s" % flagged


@pytest.fixture(autouse=True)
def _show_browser_console_on_failure(request):
    """Browser tests print their page's console, which pytest shows only when a test fails."""
    if request.node.get_closest_marker("browser") is None or "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    page.on("console", lambda message: print("console %s: %s" % (message.type, message.text[:500])))
    page.on("pageerror", lambda error: print("pageerror: %s" % error))
    yield
