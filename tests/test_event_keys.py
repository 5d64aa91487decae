"""The page sends Python only the top-level event keys the subscriptions read.

`Destination.reads()` names them (None: any key may matter) and the loader serialises
only those. Sending too few keys would silently change what reaches 1Flow, so besides
the named cases, random mappings and triggers must give the same answer on an event
cut down to what they read as on the whole event.
"""
import json

from hypothesis import HealthCheck, given, settings, strategies as st

from oneflow_web.destination import Destination
from oneflow_web.mapping import MappingError, reads, transform
from oneflow_web.settings import load_settings
from oneflow_web.triggers import TriggerError, parse
from test_mapping import DATA, MAPPINGS
from test_triggers import events, valid_triggers

CUT_DOWN = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def cut_down(event: dict, keys) -> dict:
    """What the loader sends: the event's own keys that are read, in the event's order."""
    return event if keys is None else {key: value for key, value in event.items() if key in keys}


def reads_of(subscriptions) -> list:
    return Destination(load_settings({"projectApiKey": "k", "subscriptions": subscriptions})).reads()


def entry(subscribe, mapping, action="trackEvent"):
    return {"subscribe": subscribe, "partnerAction": action, "mapping": mapping}


def test_the_presets_leave_out_context_and_metadata():
    assert Destination(load_settings({"projectApiKey": "k"})).reads() == [
        "anonymousId", "event", "integrations", "properties", "traits", "type", "userId"]


def test_a_mapping_adds_the_first_key_of_each_path():
    mapping = {"event_name": {"@path": "$.context.page['title']"},
               "parameters": {"@path": "properties"}}
    assert reads_of([entry('type = "track"', mapping)]) == [
        "context", "integrations", "properties", "type"]


def test_a_trigger_adds_the_fields_it_tests():
    mapping = {"event_name": {"@path": "$.event"}}
    assert reads_of([entry('name = "x" or traits.plan = "pro"', mapping)]) == [
        "event", "integrations", "name", "traits", "type"]


def test_template_placeholders_are_read():
    assert reads({"a": {"@template": "{{ traits.name }} on {{context.page.url}}"}}) == {"traits", "context"}


def test_array_path_reads_its_list():
    assert reads({"a": {"@arrayPath": ["$.properties.products", {"sku": {"@path": "$.sku"}}]}}) == {
        "properties", "sku"}


def test_a_path_to_the_whole_event_reads_every_key():
    assert reads({"a": {"@path": "$."}}) is None
    assert reads_of([entry('type = "track"', {"event_name": {"@json": {"mode": "encode", "value": {"@path": ""}}}})
                     ]) is None


def test_a_path_computed_from_the_event_reads_every_key():
    assert reads({"a": {"@path": {"@template": "$.properties.{{properties.field}}"}}}) is None


def test_a_triple_brace_template_reads_every_key():
    """Its pass writes event data into the text that the "{{" pass then reads."""
    assert reads({"a": {"@template": "{{{properties.note}}}"}}) is None


def test_literal_text_reads_nothing():
    assert reads({"a": "$.context", "b": {"@literal": "{{traits.email}}"}, "c": ""}) == set()


def outcome(mapping, data):
    try:
        return "ok", json.dumps(transform(mapping, data), sort_keys=True, default=repr)
    except MappingError as error:
        return "refused", str(error)


@CUT_DOWN
@given(st.lists(MAPPINGS, min_size=10, max_size=10), st.lists(DATA, min_size=10, max_size=10))
def test_random_mappings_give_the_same_payload_from_the_keys_they_read(mappings, datas):
    for mapping in mappings:
        keys = reads(mapping)
        for data in datas:
            assert outcome(mapping, cut_down(data, keys)) == outcome(mapping, data), (mapping, data, keys)


@CUT_DOWN
@given(st.lists(valid_triggers(), min_size=10, max_size=10), st.lists(events, min_size=10, max_size=10))
def test_random_triggers_give_the_same_answer_from_the_keys_they_read(triggers, event_list):
    for subscribe in triggers:
        try:
            trigger = parse(subscribe)
        except TriggerError:
            continue
        for event in event_list:
            assert trigger.matches(cut_down(event, trigger.reads)) == trigger.matches(event), (subscribe, event)
