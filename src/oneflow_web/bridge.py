"""The one seam between Python and the page: the only module that touches JavaScript.

The loader (static/oneflow-web.js) publishes `window.oneflowWeb`, a small hub holding
the settings as JSON and two callbacks: `ready(receive)` once we can deliver, and
`fail(message)` when we never will. Events arrive as JSON text and 1Flow calls leave
as objects made by the page's own JSON.parse, so the SDK only ever sees plain objects
and arrays, and the seam behaves the same on Pyodide and on MicroPython.
"""
import json

from pyscript import document, window
from pyscript.ffi import create_proxy

from .definition import NAME
from .destination import Destination
from .settings import SettingsError, load_settings

PREFIX = "[%s]" % NAME
SDK_TIMEOUT_MS = 10000
POLL_MS = 50

# Proxies handed to JavaScript are kept here so that Pyodide never collects them.
_keep = []


def start() -> None:
    """Validate settings, inject the 1Flow SDK once, then tell the hub we are ready."""
    hub = window.oneflowWeb
    try:
        settings = load_settings(json.loads(hub.settings))
    except (SettingsError, ValueError) as error:
        hub.fail(str(error))
        return
    destination = Destination(settings)

    def receive(text):
        _deliver(destination, text, settings.debug)

    def on_ready():
        hub.ready(_proxy(receive))

    _load_sdk(settings, hub, on_ready)


def _deliver(destination: Destination, text: str, debug: bool) -> None:
    """Handle one event; any fault is reported and contained so the next event is unaffected."""
    event_type = "unknown"
    try:
        event = json.loads(text)
        if isinstance(event, dict):
            event_type = event.get("type", event_type)
        outcome = destination.handle(event)
        for call in outcome.calls:
            _call_sdk(call)
            if debug:
                window.console.log(PREFIX, "%s event -> _1flow.%s" % (event_type, call.method), text)
        if debug:
            for subscription, reason in outcome.skipped:
                window.console.log(PREFIX, "%s event skipped by %s: %s" % (event_type, subscription, reason))
        else:
            for subscription, reason in outcome.skipped:
                if not reason.startswith("trigger") and subscription != "*":
                    window.console.warn(PREFIX, "%s event not sent by %s: %s" % (event_type, subscription, reason))
    except Exception as error:  # a fault in our code must never reach the host page
        window.console.error(PREFIX, "could not handle a %s event: %r" % (event_type, error))


def _call_sdk(call) -> None:
    sdk = window._1flow
    args = window.JSON.parse(json.dumps(call.args))
    window.Reflect.apply(getattr(sdk, call.method), sdk, args)


def _sdk():
    return getattr(window, "_1flow", None)


def _sdk_ready() -> bool:
    """The SDK is usable once both entry points are functions (it defines them on load)."""
    sdk = _sdk()
    if sdk is None:
        return False
    kind = window.Object.prototype.toString
    return all(str(kind.call(getattr(sdk, name, None))) == "[object Function]"
               for name in ("logUser", "logEvent"))


def _load_sdk(settings, hub, on_ready) -> None:
    """Inject the SDK script once per page and wait until it is usable, or give up clearly.

    The key only ever goes into an attribute, never into HTML text or a URL.
    """
    if _sdk_ready():
        on_ready()
        return
    settled = []
    deadline = window.Date.now() + SDK_TIMEOUT_MS

    def settle(message=None):
        if settled:
            return
        settled.append(True)
        if message is None:
            on_ready()
        else:
            hub.fail(message)

    def on_load(*_):
        if _sdk_ready():
            settle()

    def poll(*_):
        if settled:
            return
        if _sdk_ready():
            settle()
        elif window.Date.now() >= deadline:
            settle("The 1Flow SDK from %s did not become ready within %d s. %s"
                   % (settings.sdk_url, SDK_TIMEOUT_MS // 1000, SDK_HINT))
        else:
            window.setTimeout(poll_proxy, POLL_MS)

    def on_error(*_):
        settle("The 1Flow SDK could not be loaded from %s. %s" % (settings.sdk_url, SDK_HINT))

    poll_proxy = _proxy(poll)
    script = document.createElement("script")
    script.src = settings.sdk_url
    script.setAttribute("async", "")
    script.setAttribute("data-api-key", settings.api_key)
    nonce = hub.nonce
    if nonce:
        script.setAttribute("nonce", nonce)
    script.addEventListener("load", _proxy(on_load))
    script.addEventListener("error", _proxy(on_error))
    document.head.appendChild(script)
    window.setTimeout(poll_proxy, POLL_MS)


SDK_HINT = ("If the request answered 404, check projectApiKey (your 1Flow app id) and that your "
            "1Flow plan includes the regional endpoint you use.")


def _proxy(function):
    proxy = create_proxy(function)
    _keep.append(proxy)
    return proxy
