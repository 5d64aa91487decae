"""The one seam between Python and the page: the only module that touches JavaScript.

The loader (static/oneflow-web.js) publishes `window.oneflowWeb`, a small hub holding
the settings as JSON, the loader's CSP nonce and two callbacks: `ready(receive, stats,
reads)` once we can deliver, and `fail(message)` when we never will. `reads` names, as
JSON, the top-level event keys our subscriptions read: the loader sends only those.
Events arrive as JSON text and 1Flow calls leave as objects made by the page's own
JSON.parse, so the SDK only ever sees plain objects and arrays, and the seam behaves the
same on Pyodide and on MicroPython.
"""
import json

from pyscript import document, window
from pyscript.ffi import create_proxy

from .definition import NAME
from .destination import ERROR, FILTERED, NO_MATCH, Destination
from .events import parse_event
from .settings import SettingsError, load_settings

PREFIX = "[%s]" % NAME
POLL_MS = 50
SDK_HINT = ("If the request answered 404, check projectApiKey (your 1Flow app id) and that your "
            "1Flow plan includes the regional endpoint you use.")

# Proxies handed to JavaScript are kept here so that Pyodide never collects them.
_keep = []


# Marks in the page's performance timeline (DevTools shows them), for anyone asking how
# much of the start-up is ours: everything before RUNNING is PyScript and the interpreter.
RUNNING = "oneflow-web: Python running"


def start() -> None:
    """Validate settings, inject the 1Flow SDK once, then tell the hub we are ready."""
    window.performance.mark(RUNNING)
    hub = window.oneflowWeb
    try:
        settings = load_settings(json.loads(hub.settings))
    except (SettingsError, ValueError) as error:
        hub.fail(str(error))
        return
    try:
        destination = Destination(settings)
        counter = Counter(destination, settings.debug, hub.call)
        reads = json.dumps(destination.reads())
        _load_sdk(settings, hub, lambda: hub.ready(_proxy(counter.receive), _proxy(counter.stats), reads))
    except Exception as error:  # a bug of ours: one clear error now, not a silent boot timeout
        hub.fail("could not start: %s: %s" % (type(error).__name__, error))


class Counter:
    """Delivers events and counts what became of them, for `oneflowWeb.stats()`."""

    def __init__(self, destination: Destination, debug: bool, call_sdk):
        self.destination = destination
        self.call_sdk = call_sdk  # the hub's call(method, argsJson): one crossing per call
        self.debug = debug
        self.delivered = 0
        self.calls = 0
        self.skipped = {}

    def stats(self) -> str:
        return json.dumps({"delivered": self.delivered, "calls": self.calls, "skipped": self.skipped})

    def receive(self, text: str) -> None:
        """Handle one event; any fault is reported and contained so the next event is unaffected."""
        event_type = "unknown"
        try:
            event = parse_event(text)
            if isinstance(event, dict) and isinstance(event.get("type"), str):
                event_type = event["type"]
            outcome = self.destination.handle(event)
            for call in outcome.calls:
                self.call_sdk(call.method, json.dumps(call.args))
        except Exception as error:  # a fault in our code must never reach the host page
            self._count(ERROR)
            window.console.error(PREFIX, "could not handle a %s event: %s" % (event_type, _describe(error)))
            return
        if outcome.calls:
            self.delivered += 1
            self.calls += len(outcome.calls)
        else:
            self._count(outcome.kind())
        self._report(event_type, outcome)

    def _count(self, kind: str) -> None:
        self.skipped[kind] = self.skipped.get(kind, 0) + 1

    def _report(self, event_type: str, outcome) -> None:
        if self.debug:
            for call in outcome.calls:
                window.console.log(PREFIX, "%s event -> _1flow.%s(%s)"
                                   % (event_type, call.method, json.dumps(call.args)[1:-1]))
        for subscription, kind, reason in outcome.skipped:
            if kind in (NO_MATCH, FILTERED) and not self.debug:
                continue  # routine: only worth a line when debugging
            line = "%s event not sent by %s (%s): %s" % (event_type, _who(subscription), kind, reason)
            if kind == ERROR:
                window.console.error(PREFIX, line)
            elif kind not in (NO_MATCH, FILTERED):
                window.console.warn(PREFIX, line)
            else:
                window.console.log(PREFIX, line)


def _who(subscription: str) -> str:
    return "any subscription" if subscription == "*" else 'subscription "%s"' % subscription


def _describe(error: Exception) -> str:
    text = "%s: %s" % (type(error).__name__, error)
    if "recursion" in text.lower():
        return "it is nested too deeply to handle (%s); flatten its properties or traits" % text
    return text




def _sdk_ready() -> bool:
    """The SDK is usable once both entry points are functions (it defines them on load)."""
    sdk = getattr(window, "_1flow", None)
    if sdk is None:
        return False
    kind = window.Object.prototype.toString
    return all(str(kind.call(getattr(sdk, name, None))) == "[object Function]"
               for name in ("logUser", "logEvent"))


def _load_sdk(settings, hub, on_ready) -> None:
    """Inject the SDK script once per page and wait until it is usable, or give up clearly.

    The key only ever goes into an attribute, never into HTML text, a URL or the console.
    """
    if _sdk_ready():
        on_ready()
        return
    settled = []
    deadline = window.Date.now() + settings.sdk_timeout

    def settle(message=None):
        if settled:
            return
        settled.append(True)
        if message is None:
            on_ready()
        else:
            hub.fail(message)

    def on_load(*_):
        if _sdk_ready():
            settle()

    def poll(*_):
        if settled:
            return
        if _sdk_ready():
            settle()
        elif window.Date.now() >= deadline:
            settle("The 1Flow SDK from %s did not become ready within %g s. %s"
                   % (settings.sdk_url, settings.sdk_timeout / 1000, SDK_HINT))
        else:
            window.setTimeout(poll_proxy, POLL_MS)

    def on_error(*_):
        settle("The 1Flow SDK could not be loaded from %s. %s" % (settings.sdk_url, SDK_HINT))

    poll_proxy = _proxy(poll)
    script = document.createElement("script")
    script.src = settings.sdk_url
    script.setAttribute("async", "")
    script.setAttribute("data-api-key", settings.api_key)
    nonce = hub.nonce
    if nonce:
        script.setAttribute("nonce", nonce)
    script.addEventListener("load", _proxy(on_load))
    script.addEventListener("error", _proxy(on_error))
    document.head.appendChild(script)
    window.setTimeout(poll_proxy, POLL_MS)


def _proxy(function):
    proxy = create_proxy(function)
    _keep.append(proxy)
    return proxy
