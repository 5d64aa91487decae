"""Event in, 1Flow calls out: the whole decision for one event, in pure Python.

Returning calls instead of performing them keeps this testable under CPython and lets
the command line preview exactly what the browser would send.
"""
from . import consent, definition, mapping
from .jsvalue import kind, number_text, shown
from .settings import Settings


# Why an event (or one subscription) sent nothing, from least to most worth a look.
NO_CONSENT = "no consent"
FILTERED = "turned off by the Integrations object"
NO_MATCH = "no subscription matched"
INVALID = "failed field checks"
ERROR = "internal error"
_SEVERITY = (NO_CONSENT, FILTERED, NO_MATCH, INVALID, ERROR)
ROUTINE = (NO_CONSENT, FILTERED, NO_MATCH)  # worth a console line only when debugging

_STRING = definition.STRING
_OBJECT = definition.OBJECT

# What `handle` and the bridge read of every event, whatever the subscriptions are.
_OWN_READS = {"type", "integrations"}


class Outcome:
    """What one event produced: the calls to make and, per subscription, why it sent nothing.

    A skip of the whole event (subscription None) is named "*". A preview that answers per
    subscription passes `handle` an Outcome that also records who did what (explain.py).
    """

    def __init__(self):
        self.calls = []
        self.skipped = []

    def send(self, subscription, call) -> None:
        self.calls.append(call)

    def skip(self, subscription, kind: str, reason: str) -> None:
        self.skipped.append((subscription.name if subscription else "*", kind, reason))

    def kind(self) -> str:
        """The one word for an event that sent nothing: its most serious skip."""
        kinds = [kind for _, kind, _ in self.skipped] or [NO_MATCH]
        return max(kinds, key=_SEVERITY.index)


class Destination:
    def __init__(self, settings: Settings):
        self.settings = settings

    def reads(self) -> list:
        """The top-level event keys that can change what `handle` does, or None for any.

        The page serialises only these: on MicroPython, parsing the whole of a typical
        event costs more than everything else `handle` does with it.
        """
        keys = set(_OWN_READS)
        if self.settings.consent_categories:
            keys.add("context")  # the consent stamp
        for subscription in self.settings.subscriptions:
            if subscription.reads is None:
                return None
            keys |= subscription.reads
        return sorted(keys)

    def handle(self, event: dict, outcome: Outcome = None) -> Outcome:
        """Run every matching subscription once, in order; one failing never stops the next."""
        outcome = Outcome() if outcome is None else outcome
        if not isinstance(event, dict):
            outcome.skip(None, INVALID, "the event is not an object")
            return outcome
        if self.settings.consent_categories:
            refused = consent.refusal(event, self.settings.consent_categories)
            if refused:
                outcome.skip(None, NO_CONSENT, refused)
                return outcome
        integrations = event.get("integrations")
        blocked = _blocked_by_integrations(integrations) if integrations else ""
        if blocked:
            outcome.skip(None, FILTERED, blocked)
            return outcome
        for subscription in self.settings.subscriptions:
            try:
                if subscription.trigger.matches(event):
                    self._run(subscription, event, outcome)
                else:
                    outcome.skip(subscription, NO_MATCH, "trigger did not match: " + subscription.subscribe)
            except Exception as error:  # a bug of ours costs one subscription, not the event
                outcome.skip(subscription, ERROR, "%s: %s" % (type(error).__name__, error))
        return outcome

    def _run(self, subscription, event: dict, outcome: Outcome) -> None:
        try:
            payload = subscription.transform(event)
            problem = check_payload(subscription.action, payload, subscription.mapping)
        except mapping.MappingError as error:
            problem = str(error)
        if problem:
            outcome.skip(subscription, INVALID, problem)
        else:
            outcome.send(subscription, subscription.action.perform(payload))


def _blocked_by_integrations(integrations) -> str:
    """Honour the event's Integrations object the way Analytics.js does for destinations."""
    if not isinstance(integrations, dict):
        return ""
    own = integrations.get(definition.NAME)
    if own is False:
        return 'integrations["%s"] is false' % definition.NAME
    if integrations.get("All") is False and own is not True and not isinstance(own, dict):
        return 'integrations.All is false and "%s" is not enabled' % definition.NAME
    return ""


def check_payload(action, payload: dict, mapping_: dict) -> str:
    """Check and coerce a mapped payload against the action's fields; return the problem, if any.

    Coercions follow what Segment's schema validation accepts for a string field
    (numbers and booleans become their JSON text); an empty required string counts as
    missing, since 1Flow cannot use an empty user id or event name. The problem names the
    field and shows the value, or the mapping that gave none: the two things to look at.
    """
    for field in action.fields:
        value = payload.get(field.key)
        if value is None or (value == "" and field.required):
            payload.pop(field.key, None)
            if field.required:
                return 'required field "%s" (%s) is missing or empty (%s)' % (
                    field.key, field.label, _source(mapping_, field.key))
            continue
        if field.type == _STRING:
            if isinstance(value, str):
                continue
            if isinstance(value, bool):
                payload[field.key] = "true" if value else "false"
            elif isinstance(value, (int, float)):
                payload[field.key] = number_text(value)
            else:
                return 'field "%s" (%s) must be a string, got %s: %s' % (field.key, field.label, kind(value), shown(value))
        elif field.type == _OBJECT and not isinstance(value, dict):
            return 'field "%s" (%s) must be an object, got %s: %s' % (field.key, field.label, kind(value), shown(value))
    return ""


def _source(mapping_: dict, key: str) -> str:
    if key not in mapping_:
        return "the mapping does not set it"
    return "mapped from " + shown(mapping_[key])

