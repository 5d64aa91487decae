"""Subscriptions: which action runs for which event, with which mapping.

Parsed and checked once, when settings load, so a broken trigger or mapping is one
clear error at start-up naming the entry, never a failure on every event.
"""
import json

from . import definition, mapping, triggers


class SubscriptionError(ValueError):
    """A subscription entry cannot be used; the message names the entry and the fix."""


class Subscription:
    """One enabled entry: a parsed trigger, the action it runs and the mapping it feeds it."""

    def __init__(self, name: str, subscribe: str, action, mapping_: dict):
        self.name = name
        self.subscribe = subscribe
        self.trigger = triggers.parse(subscribe)
        self.action = action
        self.mapping = mapping_
        self.transform = mapping.prepare(mapping_)
        mapped = mapping.reads(mapping_)
        self.reads = None if mapped is None else mapped | self.trigger.reads  # None: any key


def load_subscriptions(raw) -> list:
    """Accept a list, a JSON string (Segment's CDN sends one) or nothing (the presets)."""
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
    problems = []
    if len(raw) > definition.MAX_SUBSCRIPTIONS:
        problems.append(
            'Setting "subscriptions" has %d mappings; a destination instance allows at most %d. '
            "Remove or merge some." % (len(raw), definition.MAX_SUBSCRIPTIONS))
    loaded = []
    for index, entry in enumerate(raw):
        if isinstance(entry, dict) and entry.get("enabled", True) is False:
            continue
        try:
            loaded.append(_load_entry(index, entry))
        except SubscriptionError as error:
            problems.append(str(error))
    if problems:
        # Every problem at once, so a user fixes them in one go.
        raise SubscriptionError("\n".join(problems))
    return loaded


def _load_entry(index: int, entry) -> Subscription:
    where = "subscriptions[%d]" % index
    if not isinstance(entry, dict):
        raise SubscriptionError("%s must be an object, not %s." % (where, type(entry).__name__))
    name = entry.get("name")
    if isinstance(name, str) and name:
        where = '%s ("%s")' % (where, name)
    else:
        name = where
    action_key = entry.get("partnerAction")
    action = definition.ACTIONS.get(action_key) if isinstance(action_key, str) else None
    if action is None:
        raise SubscriptionError(
            '%s: unknown partnerAction %s; use one of: %s.'
            % (where, json.dumps(action_key), ", ".join(sorted(definition.ACTIONS))))
    subscribe = entry.get("subscribe")
    if not isinstance(subscribe, str) or not subscribe.strip():
        raise SubscriptionError('%s: "subscribe" must be a trigger such as \'type = "track"\'.' % where)
    mapping_ = entry.get("mapping")
    if mapping_ is None:
        mapping_ = action.default_mapping()
    if not isinstance(mapping_, dict):
        raise SubscriptionError('%s: "mapping" must be an object of field: value.' % where)
    try:
        return Subscription(name, subscribe, action, mapping_)
    except (triggers.TriggerError, mapping.MappingError) as error:
        raise SubscriptionError("%s: %s" % (where, error))
