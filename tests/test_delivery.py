"""Delivery: each event's 1Flow calls in the shape of the SDK the page found, console lines, counts."""
import json

import pytest

from oneflow_web import delivery, sdk


def deliver(generation=sdk.OBJECT, debug=False, subscriptions=None):
    settings = json.dumps({"projectApiKey": "k", "debug": debug, "subscriptions": subscriptions})
    _, destination, _ = delivery.prepare(settings)
    calls, lines = [], []
    machine = delivery.Delivery(destination, debug, generation, lambda method, args, undefined: calls.append(
        (method, json.loads(args), json.loads(undefined or "[]"))), lambda level, text: lines.append((level, text)))
    return machine, calls, lines


def test_calls_go_out_in_the_shape_of_the_2022_object():
    machine, calls, _ = deliver()
    machine.receive('{"type": "identify", "userId": "u1", "traits": {"a": 1}}')
    assert calls == [("logUser", ["u1", {"a": 1}], [])]


def test_calls_go_out_in_the_shape_of_the_command_function():
    machine, calls, _ = deliver(sdk.COMMAND)
    machine.receive('{"type": "track", "event": "E", "userId": "u1", "properties": {}}')
    assert calls == [("", ["track", "E", {"userId": "u1", "anonymousId": None, "properties": {}}],
                      [[2, "anonymousId"]])]


def test_debug_writes_the_exact_call_and_each_routine_skip():
    machine, _, lines = deliver(debug=True)
    machine.receive('{"type": "track", "event": "E", "properties": {}}')
    assert lines[0] == ("log", 'track event -> _1flow.logEvent("E", {})')
    assert lines[1] == ("log", 'track event not sent by subscription "Identify User" (no subscription matched): '
                               'trigger did not match: type = "identify"')


def test_a_fault_is_one_error_line_and_the_next_event_still_goes_out():
    machine, calls, lines = deliver()
    machine.receive("not json")
    machine.receive('{"type": "track", "event": "E"}')
    assert lines[0][0] == "error" and lines[0][1].startswith("could not handle a unknown event: ")
    assert calls == [("logEvent", ["E", {}], [])]
    assert json.loads(machine.stats()) == {"sdk": "object", "delivered": 1, "calls": 1,
                                           "skipped": {"internal error": 1}}


def test_prepare_gives_one_line_per_left_out_subscription_and_per_warned_trigger():
    subscriptions = [{"name": "Bad", "subscribe": "type =", "partnerAction": "trackEvent"},
                     {"name": "Nulls", "subscribe": "event = null", "partnerAction": "trackEvent"}]
    settings, _, lines = delivery.prepare(json.dumps({"projectApiKey": "k", "subscriptions": subscriptions}))
    assert [level for level, _ in lines] == ["error", "warn"]
    assert lines[0][1].startswith('subscriptions[0] ("Bad"): ') and lines[0][1].endswith("the other subscriptions run.")
    assert json.loads(delivery.left_out_json(settings))[0]["subscription"] == 'subscriptions[0] ("Bad")'


def test_prepare_refuses_a_loader_of_another_version_by_name():
    from oneflow_web.definition import VERSION
    settings = json.dumps({"projectApiKey": "k"})
    assert delivery.prepare(settings, "null", VERSION)[0].api_key == "k"
    with pytest.raises(ValueError) as refused:
        delivery.prepare(settings, "null", "0.0.1")
    assert str(refused.value) == (
        "the runtime files (assets/) are oneflow-web %s, but the JavaScript that loads them is oneflow-web 0.0.1: "
        "serve the assets/ folder of the same version as the package you import (node_modules/oneflow-web/assets), "
        "under a path that carries the version, such as /oneflow/0.0.1/." % VERSION)
