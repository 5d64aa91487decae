"""Events in, 1Flow calls and console lines out, counted: the decisions both threads share.

On the main thread the bridge acts on them at once; in worker mode the worker sends them to the
page as JSON and the loader acts on them. Either way, what reaches the SDK and the console is
decided here, in pure Python, so it is the same on every runtime and testable under CPython.
"""
import json

from . import sdk
from .definition import VERSION
from .destination import ERROR, ROUTINE, Destination
from .events import parse_event
from .settings import load_settings


# What `receive` answers for an event that consented but finds no SDK on the page yet.
NEEDS_SDK = "sdk"


def prepare(settings_text: str, integration_text: str = "null", loader_version: str = VERSION) -> tuple:
    """(settings, destination, console lines to show once) from the loader's settings text and
    what the Analytics instance's CDN settings hold for the destination (JSON, or "null").
    `loader_version` is the JavaScript's (oneflowWeb.version), which must be ours (version_problem).

    Raises SettingsError, or ValueError for text that is not JSON, with the message to show.
    """
    problem = version_problem(loader_version)
    if problem:
        raise ValueError(problem)
    settings = load_settings(json.loads(settings_text), json.loads(integration_text or "null"))
    lines = [("error", "%s is left out; the other subscriptions run." % problem.text())
             for problem in settings.left_out]
    if settings.debug:
        lines.append(("log", consent_line(settings)))
    lines += [("warn", subscription.warning()) for subscription in settings.subscriptions
              if subscription.trigger.warnings]
    return settings, Destination(settings), lines


def version_problem(loader_version: str) -> str:
    """Python comes from the files a site serves (dist/, the npm package's assets/), the JavaScript
    from a script tag or from an app's bundle: two copies a site upgrades apart. They talk through
    the hub, whose shape only the same version knows, so another version is refused, by name."""
    if loader_version == VERSION:
        return ""
    return ("the runtime files (assets/) are oneflow-web %s, but the JavaScript that loads them is oneflow-web %s: "
            "serve the assets/ folder of the same version as the package you import (node_modules/oneflow-web/assets), "
            "under a path that carries the version, such as /oneflow/%s/." % (VERSION, loader_version, loader_version))


def consent_line(settings) -> str:
    """What the destination does about consent, said once when debugging."""
    if not settings.consent_categories:
        return ("no consent categories are configured (the consentCategories setting, or consentSettings in "
                "Segment's CDN settings): events are sent without a consent check, and the 1Flow SDK is loaded at once.")
    return ("every event must consent to %s (from %s); the 1Flow SDK is loaded only for the first event that does."
            % (", ".join('"%s"' % name for name in settings.consent_categories), settings.consent_from))


def waits_for_consent(settings) -> bool:
    """Whether the SDK is injected only once an event consents (else at once, before any event)."""
    return bool(settings.consent_categories)


def left_out_json(settings) -> str:
    """The subscriptions that cannot be used, for `oneflowWeb.stats().leftOut`."""
    return json.dumps([problem.to_json() for problem in settings.left_out])


class Delivery:
    """Delivers events and counts what became of them, for `oneflowWeb.stats()`.

    `call_sdk(method, args_json, undefined_json)` makes one 1Flow call (method "" calls the
    command function; undefined_json, when not "", lists where the arguments hold undefined:
    sdk.encode);
    `console(level, text)` writes one line ("log", "warn" or "error"). `generation` is "" while
    the SDK waits for consent: then an event that would make a call is not handled but answered
    NEEDS_SDK, and the loader injects the SDK and hands it over again once it is ready.
    """

    def __init__(self, destination: Destination, debug: bool, generation: str, call_sdk, console):
        self.destination = destination
        self.debug = debug
        self.generation = generation  # which SDK the loader found: sdk.OBJECT or sdk.COMMAND
        self.call_sdk = call_sdk
        self.console = console
        self.delivered = 0
        self.calls = 0
        self.skipped = {}

    def stats(self) -> str:
        return json.dumps({"sdk": self.generation, "delivered": self.delivered, "calls": self.calls,
                           "skipped": self.skipped})

    def receive(self, text: str) -> str:
        """Handle one event; any fault is reported and contained so the next event is unaffected.

        Answers NEEDS_SDK, having done nothing, for an event with calls to make before the SDK is
        on the page; else "".
        """
        event_type = "unknown"
        try:
            event = parse_event(text)
            if isinstance(event, dict) and isinstance(event.get("type"), str):
                event_type = event["type"]
            outcome = self.destination.handle(event)
            if outcome.calls and not self.generation:
                return NEEDS_SDK
            for call in outcome.calls:
                self.call_sdk(*sdk.encode(call, self.generation, len(text)))
        except Exception as error:  # a fault in our code must never reach the host page
            self._count(ERROR)
            self.console("error", "could not handle a %s event: %s" % (event_type, _describe(error)))
            return ""
        if outcome.calls:
            self.delivered += 1
            self.calls += len(outcome.calls)
        else:
            self._count(outcome.kind())
        self._report(event_type, outcome)
        return ""

    def _count(self, kind: str) -> None:
        self.skipped[kind] = self.skipped.get(kind, 0) + 1

    def _report(self, event_type: str, outcome) -> None:
        if self.debug:
            for call in outcome.calls:
                self.console("log", "%s event -> %s" % (event_type, sdk.call_text(call, self.generation)))
        for subscription, kind, reason in outcome.skipped:
            if kind in ROUTINE and not self.debug:
                continue  # routine: only worth a line when debugging
            line = "%s event not sent by %s (%s): %s" % (event_type, _who(subscription), kind, reason)
            if kind == ERROR:
                self.console("error", line)
            elif kind not in ROUTINE:
                self.console("warn", line)
            else:
                self.console("log", line)


def _who(subscription: str) -> str:
    return "any subscription" if subscription == "*" else 'subscription "%s"' % subscription


def _describe(error: Exception) -> str:
    text = "%s: %s" % (type(error).__name__, error)
    if "recursion" in text.lower():
        return "it is nested too deeply to handle (%s); flatten its properties or traits" % text
    return text
