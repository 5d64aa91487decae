"""The delivery path (delivery.py), the SDK call shapes with undefined across the seam (sdk.encode)
and consent (consent.py) give the same answers on MicroPython, the default runtime, as on CPython.

One scenario per module, written once, run by both interpreters: each prints one JSON line per
step, and the steps' answers are compared as values (MicroPython's dicts keep no order). Each test
also checks a few answers outright, so two interpreters that agreed on nothing useful still fail.
"""
import json
import subprocess
import sys

from _micropython import ROOT, run_micropython
from oneflow_web import delivery

PRELUDE = """
import json
from oneflow_web import consent, delivery, definition, sdk
from oneflow_web.jsvalue import UNDEFINED


def show(value):
    print(json.dumps(value))


def machine(settings, generation, integration="null"):
    _, destination, lines = delivery.prepare(json.dumps(settings), integration)
    calls, console = [], [list(line) for line in lines]
    # Where undefined goes is a set of paths; an error's last words are the interpreter's own.
    deliver = delivery.Delivery(
        destination, settings.get("debug", False), generation,
        lambda method, args, undefined: calls.append([method, json.loads(args), sorted(json.loads(undefined or "[]"))]),
        lambda level, text: console.append([level, text.split(": ")[0] if level == "error" else text]))
    return deliver, calls, console
"""

DELIVERY = PRELUDE + """
for generation in (sdk.OBJECT, sdk.COMMAND):
    deliver, calls, console = machine({"projectApiKey": "k", "debug": True}, generation)
    for text in ['{"type": "identify", "userId": "u1", "traits": {"b": 2, "a": 1}}',
                 '{"type": "track", "event": "E", "userId": "u1", "properties": {"z": [1, null]}}',
                 '{"type": "track", "event": "No properties"}', 'not json', '{"type": "page", "name": "P"}']:
        show(deliver.receive(text))
    show(calls)
    show(console)
    show(json.loads(deliver.stats()))
"""

ENCODE = PRELUDE + """
track = definition.ACTIONS["trackEvent"].perform({"event_name": "Signed Up", "anonymousId": "a1", "properties": {}})
identify = definition.ACTIONS["identifyUser"].perform({"userId": "u1"})
odd = definition.Call("logUser", ["u1", {}], ["identify", UNDEFINED, {"a": None, "b": UNDEFINED}])
for call in (track, identify, odd):
    for generation in (sdk.OBJECT, sdk.COMMAND):
        method, args, undefined = sdk.encode(call, generation)
        show([method, json.loads(args), sorted(json.loads(undefined or "[]")), sdk.call_text(call, generation)])
"""

CONSENT = PRELUDE + """
def stamped(preferences, **event):
    event = dict({"type": "track", "event": "E", "properties": {}}, **event)
    event["context"] = {"consent": {"categoryPreferences": preferences}}
    return json.dumps(event)


settings = {"projectApiKey": "k", "consentCategories": "Analytics, Advertising", "debug": True}
deliver, calls, console = machine(settings, "")
show([consent.refusal(json.loads(stamped(value)), ["Analytics", "Advertising"]) for value in
      ({"Analytics": True, "Advertising": True}, {"Analytics": True, "Advertising": False}, {"Analytics": "true"}, [True])])
show(deliver.receive(stamped({"Analytics": False, "Advertising": True})))
show(deliver.receive(stamped({"Analytics": True, "Advertising": True})))
deliver.generation = sdk.COMMAND
show(deliver.receive(stamped({"Analytics": True, "Advertising": True})))
show(deliver.receive('{"type": "track", "event": "Unstamped"}'))
show([calls, console, json.loads(deliver.stats())])
from_cdn = delivery.prepare('{"projectApiKey": "k"}', json.dumps({"consentSettings": {"categories": ["Functional"]}}))[0]
show([from_cdn.consent_categories, from_cdn.consent_from, delivery.waits_for_consent(from_cdn)])
"""


def both(code: str) -> tuple:
    """The scenario's lines as values, on CPython and on MicroPython."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(ROOT / "src")})
    return [json.loads(line) for line in done.stdout.splitlines()], \
        [json.loads(line) for line in run_micropython(code).splitlines()]


def test_delivery_gives_the_same_calls_console_lines_and_counts_on_micropython():
    cpython, micropython = both(DELIVERY)
    assert micropython == cpython
    calls = cpython[5]
    assert calls[0] == ["logUser", ["u1", {"b": 2, "a": 1}], []]
    assert calls[2] == ["logEvent", ["No properties", {}], []]
    assert cpython[7]["skipped"]["internal error"] == 1


def test_sdk_encode_carries_undefined_across_the_seam_the_same_on_micropython():
    cpython, micropython = both(ENCODE)
    assert micropython == cpython
    track_command = cpython[1]
    assert track_command[:3] == ["", ["track", "Signed Up", {"userId": None, "anonymousId": "a1", "properties": {}}],
                                 [[2, "userId"]]]
    assert cpython[5][2] == [[1], [2, "b"]]


def test_consent_decides_every_event_the_same_on_micropython():
    cpython, micropython = both(CONSENT)
    assert micropython == cpython
    refusals = cpython[0]
    assert refusals[0] == "" and all(refusals[1:])
    assert cpython[1:5] == ["", delivery.NEEDS_SDK, "", ""]
    assert cpython[6][0::2] == [["Functional"], True] and "CDN settings" in cpython[6][1]
