"""The seam in worker mode: the engine runs in a Web Worker and meets the page only through
PyScript's `sync`. The page asks, Python answers with JSON text, and the page acts on the answer:
Python decides, the page acts (a worker cannot touch `window` or `document`).

    start(settings, integration, version)
                        settings and what the CDN settings hold for the destination, both JSON,
                        and the loader's version (delivery.version_problem);
                        answers {"error": message}, or {"sdk": [url, key, timeoutMs], "consent": true
                        when the SDK waits for an event that consents, "reads": keys or null,
                        "leftOut": JSON text, "console": [[level, text], ...]}
    sdk_problem(state)  the message for an SDK that failed to load or to become ready
    ready(generation)   the SDK the page found ("object" or "command"; "" while it waits for
                        consent, called again once it is there); answers the stats text
    deliver(events)     events: a JSON list of event texts; answers {"actions": [...], "stats": text,
                        "wait": n}, actions in order: ["call", method, argsJson, undefinedJson]
                        (sdk.encode) or [level, text] for the console; "wait" (null when all were
                        handled) is the index of the first event that needs the SDK first
"""
import json

from pyscript import sync

from . import delivery, json_text, sdk
from .settings import SettingsError

_engine = {}
_actions = []


def start(settings_text: str, integration_text: str = "null", loader_version: str = delivery.VERSION) -> str:
    try:
        settings, destination, lines = delivery.prepare(settings_text, integration_text, loader_version)
    except (SettingsError, ValueError) as error:
        return json.dumps({"error": str(error)})
    _engine["settings"], _engine["destination"] = settings, destination
    return json.dumps({"sdk": [settings.sdk_url, settings.api_key, settings.sdk_timeout],
                       "consent": delivery.waits_for_consent(settings), "reads": destination.reads(),
                       "leftOut": delivery.left_out_json(settings), "console": [list(line) for line in lines]})


def sdk_problem(state: str) -> str:
    settings = _engine["settings"]
    return sdk.problem_message(state, settings.sdk_url, settings.sdk_timeout)


def ready(generation: str) -> str:
    if "delivery" in _engine:  # the SDK has arrived after a consenting event
        _engine["delivery"].generation = generation
        return _engine["delivery"].stats()
    _engine["delivery"] = delivery.Delivery(
        _engine["destination"], _engine["settings"].debug, generation,
        lambda method, args, undefined: _actions.append(["call", method, args, undefined]),
        lambda level, text: _actions.append([level, text]))
    return _engine["delivery"].stats()


def deliver(events_text: str) -> str:
    """Every event of the batch, in order; one event's fault never stops the next (Delivery)."""
    machine = _engine["delivery"]
    del _actions[:]
    wait = None
    for index, text in enumerate(json.loads(events_text)):
        if machine.receive(text) == delivery.NEEDS_SDK:
            wait = index
            break
    return json_text.dumps({"actions": _actions, "stats": machine.stats(), "wait": wait}, len(events_text))


def serve() -> None:
    """Publish the functions the page calls through `worker.sync`."""
    sync.start = start
    sync.sdk_problem = sdk_problem
    sync.ready = ready
    sync.deliver = deliver
