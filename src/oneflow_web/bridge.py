"""The one seam between Python and the page on the main thread: only it touches JavaScript there.

The loader (dist/oneflow-web.js, built from static/loader/) publishes `window.oneflowWeb`, a
small hub holding the settings as JSON, what the CDN settings hold for the destination (`integration`) and a few
functions: `whenLoaded(start)` once Analytics.js has loaded the plugin; `loadSdk(url, key,
timeout, done)` injects the 1Flow SDK and answers `done(generation, problem)` once the SDK
itself is usable or never will be; `reading(reads)` once the settings are valid, `reads` naming,
as JSON, the top-level event keys our subscriptions read (the loader keeps and sends only those);
`ready(receive, stats, batch, wantSdk)` once we can deliver (with `wantSdk` when the SDK waits for
consent: the loader calls it when `receive` answers "sdk", and `resume()` hands over the held events
once the SDK is there), `fail(message)` when we never will and `stop(message)` at any time;
`call(method, args, undefined)` for each 1Flow call (sdk.encode). Python never reads
`window._1flow`: the 2022 SDK is a global binding only JavaScript can find by name (see sdk.py). Events arrive as JSON text and 1Flow calls leave as objects made by the page's
own JSON.parse, so the SDK only ever sees plain objects and arrays, and the seam behaves
the same on Pyodide and on MicroPython. (In worker mode, worker.py is the seam instead.)
"""
import json

from pyscript import window
from pyscript.ffi import create_proxy

from . import delivery, sdk
from .definition import NAME
from .settings import SettingsError

PREFIX = "[%s]" % NAME

# Proxies handed to JavaScript are kept here so that Pyodide never collects them.
_keep = []


# Marks in the page's performance timeline (DevTools shows them), for anyone asking how
# much of the start-up is ours: everything before RUNNING is PyScript and the interpreter.
RUNNING = "oneflow-web: Python running"


def start() -> None:
    """Once Analytics.js has loaded the plugin (its CDN settings may hold our consent categories)."""
    window.performance.mark(RUNNING)
    window.oneflowWeb.whenLoaded(_proxy(_start))


def _start() -> None:
    """Validate settings, have the loader inject the 1Flow SDK, then tell the hub we are ready.

    Where the destination waits for consent, the hub is ready at once and the SDK is injected
    only when the loader asks (`wantSdk`): for the first event that consents and has a call.
    """
    hub = window.oneflowWeb
    try:
        settings, destination, lines = delivery.prepare(hub.settings, hub.integration, hub.version)
    except (SettingsError, ValueError) as error:
        hub.fail(str(error))
        return
    try:
        for level, text in lines:
            _console(level, text)
        hub.leftOut = delivery.left_out_json(settings)
        hub.reading(json.dumps(destination.reads()))
        deliver = delivery.Delivery(destination, settings.debug, "", hub.call, _console)
        waits = delivery.waits_for_consent(settings)

        def on_sdk(generation: str, problem: str) -> None:
            if problem:
                hub.stop(sdk.problem_message(problem, settings.sdk_url, settings.sdk_timeout))
                return
            try:
                deliver.generation = generation
                if waits:
                    hub.resume()
                else:
                    hub.ready(_proxy(deliver.receive), _proxy(deliver.stats))
            except Exception as error:  # called from a JS timer: never let it reach the page
                _fail_with_bug(hub, error)

        def load_sdk() -> None:
            # The key only ever goes into the SDK script's data-api-key attribute.
            hub.loadSdk(settings.sdk_url, settings.api_key, settings.sdk_timeout, _proxy(on_sdk))

        if waits:
            hub.ready(_proxy(deliver.receive), _proxy(deliver.stats), None, _proxy(load_sdk))
        else:
            load_sdk()
    except Exception as error:
        _fail_with_bug(hub, error)


def _console(level: str, text: str) -> None:
    getattr(window.console, level)(PREFIX, text)


def _fail_with_bug(hub, error: Exception) -> None:
    """A bug of ours while starting: one clear error now, not a silent boot timeout."""
    hub.fail("could not start: %s: %s" % (type(error).__name__, error))


def _proxy(function):
    proxy = create_proxy(function)
    _keep.append(proxy)
    return proxy
