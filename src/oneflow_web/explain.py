"""What every subscription does with one event, and why: the answer `oneflow-web preview` prints
and the mappings playground shows.

Both ask this one function (the playground in the browser, on MicroPython or Pyodide), so an
answer is the same wherever it is asked; the text is that answer, line for line. It goes through
the subscriptions in the order of the settings, disabled and unusable entries included, because
"why did this event not reach 1Flow?" is asked about one entry the user can find in Segment.
"""
import json

from . import sdk
from .destination import ERROR, FILTERED, INVALID, NO_CONSENT, NO_MATCH, Destination, Outcome
from .events import parse_event
from .settings import SettingsError, load_settings

SENDS = "sends"
NOT_SENT = "not sent"
LEFT_OUT = "left out"
DISABLED = "disabled"

# The first line of a "not sent" entry, by the kind of skip (destination.py).
_WHY_NOT = {
    NO_MATCH: "its trigger does not match this event",
    INVALID: "a field check failed",
    FILTERED: "the event's Integrations object turns this destination off",
    NO_CONSENT: "the event does not consent to the destination's consent categories",
    ERROR: "an internal error (a bug in oneflow-web: please report it with this event)",
}

NO_SUBSCRIPTIONS = "No enabled subscription: nothing reaches 1Flow. (Leave the subscriptions out for the presets.)"


class Entry:
    """One subscription's answer: its verdict, why (`reason`), and the call or the evidence (`details`)."""

    def __init__(self, where: str, action: str, verdict: str, reason: str, details: list,
                 calls: list = (), warning: str = ""):
        self.where = where
        self.action = action  # the partnerAction key, "" when the entry has no usable one
        self.verdict = verdict  # SENDS, NOT_SENT, LEFT_OUT or DISABLED
        self.reason = reason
        self.details = details
        self.calls = list(calls)  # [{"object": text, "command": text}] for SENDS
        self.warning = warning

    def lines(self) -> list:
        head = self.where + (" -> " + self.action if self.action else "")
        lines = ["%s: %s" % (head, self.verdict + (": " + self.reason if self.reason else ""))]
        lines += ["  " + line for detail in self.details for line in detail.split("\n")]
        if self.warning:
            lines.append("  warning: " + self.warning)
        return lines

    def to_json(self) -> dict:
        return {"where": self.where, "action": self.action, "verdict": self.verdict, "reason": self.reason,
                "details": self.details, "calls": self.calls, "warning": self.warning}


class Answer:
    """Every subscription's entry in order, or the one problem that stops the destination."""

    def __init__(self, entries: list = (), problem: str = ""):
        self.entries = list(entries)
        self.problem = problem

    def summary(self) -> str:
        """The answer in one line: how many calls 1Flow gets, out of how many subscriptions."""
        if self.problem:
            return "The destination would not start: " + self.problem
        if not self.entries:
            return NO_SUBSCRIPTIONS
        calls = sum(len(entry.calls) for entry in self.entries)
        return "1Flow gets %s from this event (%d subscription%s)." % (
            "no call" if not calls else "1 call" if calls == 1 else "%d calls" % calls,
            len(self.entries), "" if len(self.entries) == 1 else "s")

    def text(self) -> str:
        return "\n".join([self.summary()] + [line for entry in self.entries for line in entry.lines()])

    def to_json(self) -> dict:
        return {"problem": self.problem, "summary": self.summary(),
                "entries": [entry.to_json() for entry in self.entries], "text": self.text()}


def settings_from(value) -> dict:
    """The settings a preview runs with: a settings object, or just the subscriptions.

    Segment's settings hold the subscriptions as a list or as a JSON string, and nothing at all
    means the presets; the API key is not needed to preview, and should never be pasted.
    """
    if value is None:
        value = {}
    elif isinstance(value, (list, str)):
        value = {"subscriptions": value}
    elif not isinstance(value, dict):
        raise SettingsError("Paste a settings object, a list of subscriptions or a JSON string of them, "
                            "not a %s." % ("boolean" if isinstance(value, bool) else type(value).__name__))
    if "projectApiKey" not in value:
        value = dict(value, projectApiKey="preview")
    return value


def explain(settings, event) -> Answer:
    """The answer for `event` (a JSON value) under `settings` (see `settings_from`)."""
    try:
        loaded = load_settings(settings_from(settings))
    except SettingsError as error:
        return Answer(problem=str(error))
    outcome = Destination(loaded).handle(event, _Recorded())
    entries = []
    for subscription in loaded.subscriptions:
        result = outcome.whole_event or outcome.results[subscription.index]
        entries.append((subscription.index, _used(subscription, result, event)))
    for problem in loaded.left_out:
        entries.append((problem.index, Entry(problem.where, "", LEFT_OUT, "the destination runs without it",
                                             [problem.problem])))
    for index, where in loaded.disabled:
        entries.append((index, Entry(where, "", DISABLED, 'its "enabled" is false', [])))
    entries.sort(key=lambda pair: pair[0])
    return Answer([entry for _, entry in entries])


def explain_json(settings_text: str, event_text: str) -> str:
    """`explain` for the playground: editor texts in, the answer as JSON text out.

    An empty settings editor means the presets. The page has already checked that both texts
    are JSON, and says where they are not; this reports it too, for any other caller.
    """
    try:
        settings = json.loads(settings_text) if settings_text.strip() else None
    except ValueError as error:
        return json.dumps(Answer(problem="the settings are not valid JSON: %s" % error).to_json())
    try:
        event = parse_event(event_text)  # as the destination reads events, lone surrogates and all
    except ValueError as error:
        return json.dumps(Answer(problem="the event is not valid JSON: %s" % error).to_json())
    return json.dumps(explain(settings, event).to_json())


class _Recorded(Outcome):
    """An Outcome that also keeps, by subscription, its call or its (kind, reason)."""

    def __init__(self):
        super().__init__()
        self.results = {}
        self.whole_event = None  # (kind, reason) when the event as a whole was skipped

    def send(self, subscription, call) -> None:
        super().send(subscription, call)
        self.results[subscription.index] = call

    def skip(self, subscription, kind: str, reason: str) -> None:
        super().skip(subscription, kind, reason)
        if subscription:
            self.results[subscription.index] = (kind, reason)
        else:
            self.whole_event = (kind, reason)


def _used(subscription, result, event) -> Entry:
    warning = subscription.trigger_warning()
    action = subscription.action.key
    if isinstance(result, tuple):
        kind, reason = result
        details = [reason]
        if kind == NO_MATCH:  # each condition, and what the event holds there
            conditions = subscription.trigger.explain(event)
            details = ["trigger: " + subscription.subscribe] + ["  " + line for line in conditions]
        return Entry(subscription.where, action, NOT_SENT, _WHY_NOT[kind], details, warning=warning)
    texts = {"object": sdk.call_text(result, sdk.OBJECT), "command": sdk.call_text(result, sdk.COMMAND)}
    return Entry(subscription.where, action, SENDS, "", [texts["object"], "newer SDK: " + texts["command"]],
                 [texts], warning)
