"""Subscriptions: which action runs for which event, with which mapping.

Parsed and checked once, when settings load, so a broken trigger or mapping is one
clear error at start-up naming the entry, never a failure on every event. Like Segment's
own runtime, an entry that cannot be used is left out and the others run; only a
`subscriptions` setting that cannot be read at all stops the destination.
"""
import json

from . import definition, mapping, triggers
from .jsvalue import json_string, shown


class SubscriptionError(ValueError):
    """The subscriptions, or one entry of them, cannot be used; the message says where and the fix."""


class LeftOut:
    """An enabled entry that cannot be used: reported once at load, never run."""

    def __init__(self, index: int, where: str, problem: str):
        self.index = index
        self.where = where  # subscriptions[i] ("name")
        self.problem = problem  # what is wrong and what to do

    def text(self) -> str:
        return "%s: %s" % (self.where, self.problem)

    def to_json(self) -> dict:
        return {"subscription": self.where, "problem": self.problem}


class Subscription:
    """One enabled entry: a parsed trigger, the action it runs and the mapping it feeds it."""

    def __init__(self, index: int, where: str, name: str, subscribe: str, action, mapping_: dict):
        self.index = index
        self.where = where  # subscriptions[i] ("name"), as messages name it
        self.name = name
        self.subscribe = subscribe
        self.trigger = triggers.parse(subscribe)
        self.action = action
        self.mapping = mapping_
        self.transform = mapping.prepare(mapping_)
        mapped = mapping.reads(mapping_)
        self.reads = None if mapped is None else mapped | self.trigger.reads  # None: any key

    def trigger_warning(self) -> str:
        """One sentence when Segment's own engine would read the trigger differently, else ""."""
        if not self.trigger.warnings:
            return ""
        return "the trigger %s runs as written, but %s." % (json_string(self.subscribe), "; ".join(self.trigger.warnings))

    def warning(self) -> str:
        """The warning as a line of its own, naming the entry."""
        text = self.trigger_warning()
        return "%s: %s" % (self.where, text) if text else ""


def load_subscriptions(raw) -> tuple:
    """(usable, left out, disabled): from a list, a JSON string (Segment's CDN sends one) or nothing
    (the presets). Disabled entries are (index, where): never run, but a preview lists them.

    Raises SubscriptionError only when the setting as a whole cannot be used.
    """
    if raw is None or raw == "":
        raw = definition.PRESETS
    elif isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as error:
            raise SubscriptionError(
                'Setting "subscriptions" is not valid JSON (%s): pass a JSON array of '
                "{name, subscribe, partnerAction, mapping, enabled} entries." % error)
    if not isinstance(raw, list):
        raise SubscriptionError(
            'Setting "subscriptions" must be a list of {name, subscribe, partnerAction, '
            "mapping, enabled} entries, not %s." % type(raw).__name__)
    if len(raw) > definition.MAX_SUBSCRIPTIONS:
        raise SubscriptionError(
            'Setting "subscriptions" has %d mappings; a destination instance allows at most %d. '
            "Remove or merge some." % (len(raw), definition.MAX_SUBSCRIPTIONS))
    usable, left_out, disabled = [], [], []
    for index, entry in enumerate(raw):
        where = _where(index, entry)
        if isinstance(entry, dict) and entry.get("enabled", True) is False:
            disabled.append((index, where))
            continue
        try:
            usable.append(_load_entry(index, where, entry))
        except SubscriptionError as error:
            left_out.append(LeftOut(index, where, str(error)))
    return usable, left_out, disabled


def _where(index: int, entry) -> str:
    """How messages name an entry: its place and, if it has one, its name."""
    where = "subscriptions[%d]" % index
    name = entry.get("name") if isinstance(entry, dict) else None
    return '%s ("%s")' % (where, name) if isinstance(name, str) and name else where


def _load_entry(index: int, where: str, entry) -> Subscription:
    if not isinstance(entry, dict):
        raise SubscriptionError("must be an object, not %s." % type(entry).__name__)
    name = entry.get("name")
    if not (isinstance(name, str) and name):
        name = "subscriptions[%d]" % index
    action_key = entry.get("partnerAction")
    action = definition.ACTIONS.get(action_key) if isinstance(action_key, str) else None
    if action is None:
        raise SubscriptionError(
            'unknown partnerAction %s; use one of: %s.'
            % (shown(action_key), ", ".join(sorted(definition.ACTIONS))))
    subscribe = entry.get("subscribe")
    if not isinstance(subscribe, str) or not subscribe.strip():
        raise SubscriptionError('"subscribe" must be a trigger such as \'type = "track"\'.')
    mapping_ = entry.get("mapping")
    if mapping_ is None:
        mapping_ = action.default_mapping()
    if not isinstance(mapping_, dict):
        raise SubscriptionError('"mapping" must be an object of field: value.')
    try:
        return Subscription(index, where, name, subscribe, action, mapping_)
    except (triggers.TriggerError, mapping.MappingError) as error:
        raise SubscriptionError(str(error))
