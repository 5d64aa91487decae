"""The one seam between Python and the page: the only module that touches JavaScript.

The loader (static/oneflow-web.js) publishes `window.oneflowWeb`, a small hub holding
the settings as JSON and four functions: `loadSdk(url, key, timeout, done)` injects the
1Flow SDK and answers `done(generation, problem)` once the SDK itself is usable or never
will be; `ready(receive, stats, reads)` once we can deliver, and `fail(message)` when we
never will; `call(method, args)` for each 1Flow call. Python never reads `window._1flow`:
the 2022 SDK is a global binding only JavaScript can find by name (see sdk.py).
`reads` names, as JSON, the top-level event keys our subscriptions read: the loader sends
only those. Events arrive as JSON text and 1Flow calls leave as objects made by the page's
own JSON.parse, so the SDK only ever sees plain objects and arrays, and the seam behaves
the same on Pyodide and on MicroPython.
"""
import json

from pyscript import window
from pyscript.ffi import create_proxy

from . import sdk
from .definition import NAME
from .destination import ERROR, FILTERED, NO_MATCH, Destination
from .events import parse_event
from .settings import SettingsError, load_settings

PREFIX = "[%s]" % NAME

# Proxies handed to JavaScript are kept here so that Pyodide never collects them.
_keep = []


# Marks in the page's performance timeline (DevTools shows them), for anyone asking how
# much of the start-up is ours: everything before RUNNING is PyScript and the interpreter.
RUNNING = "oneflow-web: Python running"


def start() -> None:
    """Validate settings, have the loader inject the 1Flow SDK, then tell the hub we are ready."""
    window.performance.mark(RUNNING)
    hub = window.oneflowWeb
    try:
        settings = load_settings(json.loads(hub.settings))
    except (SettingsError, ValueError) as error:
        hub.fail(str(error))
        return
    try:
        _report_subscriptions(hub, settings)
        destination = Destination(settings)
        reads = json.dumps(destination.reads())

        def on_sdk(generation: str, problem: str) -> None:
            if problem:
                hub.fail(sdk.problem_message(problem, settings.sdk_url, settings.sdk_timeout))
                return
            try:
                counter = Counter(destination, settings.debug, hub.call, generation)
                hub.ready(_proxy(counter.receive), _proxy(counter.stats), reads)
            except Exception as error:  # called from a JS timer: never let it reach the page
                _fail_with_bug(hub, error)

        # The key only ever goes into the SDK script's data-api-key attribute.
        hub.loadSdk(settings.sdk_url, settings.api_key, settings.sdk_timeout, _proxy(on_sdk))
    except Exception as error:
        _fail_with_bug(hub, error)


def _report_subscriptions(hub, settings) -> None:
    """Once, at load: an error per subscription left out (`oneflowWeb.stats()` lists them too),
    and a warning per trigger that Segment's own engine would read differently."""
    for problem in settings.left_out:
        window.console.error(PREFIX, "%s is left out; the other subscriptions run." % problem.text())
    hub.leftOut = json.dumps([problem.to_json() for problem in settings.left_out])
    for subscription in settings.subscriptions:
        if subscription.trigger.warnings:
            window.console.warn(PREFIX, subscription.warning())


def _fail_with_bug(hub, error: Exception) -> None:
    """A bug of ours while starting: one clear error now, not a silent boot timeout."""
    hub.fail("could not start: %s: %s" % (type(error).__name__, error))


class Counter:
    """Delivers events and counts what became of them, for `oneflowWeb.stats()`."""

    def __init__(self, destination: Destination, debug: bool, call_sdk, generation: str):
        self.destination = destination
        self.call_sdk = call_sdk  # the hub's call(method, argsJson): one crossing per call
        self.generation = generation  # which SDK the loader found: sdk.OBJECT or sdk.COMMAND
        self.debug = debug
        self.delivered = 0
        self.calls = 0
        self.skipped = {}

    def stats(self) -> str:
        return json.dumps({"sdk": self.generation, "delivered": self.delivered, "calls": self.calls,
                           "skipped": self.skipped})

    def receive(self, text: str) -> None:
        """Handle one event; any fault is reported and contained so the next event is unaffected."""
        event_type = "unknown"
        try:
            event = parse_event(text)
            if isinstance(event, dict) and isinstance(event.get("type"), str):
                event_type = event["type"]
            outcome = self.destination.handle(event)
            for call in outcome.calls:
                method, args = sdk.shape(call, self.generation)
                self.call_sdk(method, json.dumps(args))
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
                window.console.log(PREFIX, "%s event -> %s" % (event_type, sdk.call_text(call, self.generation)))
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


def _proxy(function):
    proxy = create_proxy(function)
    _keep.append(proxy)
    return proxy
