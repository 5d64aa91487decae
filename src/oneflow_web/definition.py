"""The 1Flow Web (Actions) destination as data.

Segment describes a destination declaratively (settings, presets, actions and their
fields with default mappings) and keeps each action's `perform` tiny. We keep the same
shape so that the definition can be read against Segment's documentation line by line,
and so that settings validation and payload checks are driven by it rather than by
hand-written code per field.
"""
from .jsvalue import UNDEFINED

NAME = "1Flow Web (Actions)"
SLUG = "actions-1flow"
VERSION = "0.1.0"

# The URL Segment's own 1Flow destination has injected since December 2023 (the newer,
# command-function SDK). The 2022 build lives at https://sdk.1flow.app/js/1flow.js.
DEFAULT_SDK_URL = "https://1flow.app/js/1flow.js"

# Segment caps user-built mappings per destination instance.
MAX_SUBSCRIPTIONS = 50

STRING = "string"
OBJECT = "object"
PASSWORD = "password"
BOOLEAN = "boolean"
WHOLE_NUMBER = "integer"


class Field:
    """One input of an action: what it is called, its type, and where it comes from by default."""

    def __init__(self, key: str, label: str, type: str, default: dict, required: bool = False,
                 description: str = ""):
        self.key = key
        self.label = label
        self.type = type
        self.default = default
        self.required = required
        self.description = description


class Action:
    """A 1Flow call the destination can make; `perform` turns a checked payload into one."""

    def __init__(self, key: str, title: str, description: str, default_subscription: str,
                 fields: list, perform):
        self.key = key
        self.title = title
        self.description = description
        self.default_subscription = default_subscription
        self.fields = fields
        self.perform = perform

    def default_mapping(self) -> dict:
        """The mapping a preset uses: every field at its documented default."""
        mapping = {}
        for field in self.fields:
            mapping[field.key] = field.default
        return mapping


class Setting:
    """A destination setting as Segment's UI shows it."""

    def __init__(self, key: str, label: str, type: str, required: bool = False, description: str = ""):
        self.key = key
        self.label = label
        self.type = type
        self.required = required
        self.description = description


class Call:
    """One 1Flow call, in the shape of each SDK generation: the engine's only output.

    `method` and `args` call the 2022 object (`_1flow.logUser(...)`); `command` holds the
    arguments of the newer command function (`_1flow("identify", ...)`), where
    jsvalue.UNDEFINED stands for a value left undefined, as 1Flow's own destination leaves
    it. The page says which SDK it found (see sdk.py); making both keeps the engine free of
    the page and lets a preview show either.
    """

    def __init__(self, method: str, args: list, command: list):
        self.method = method
        self.args = args
        self.command = command

    def to_json(self) -> dict:
        return {"method": self.method, "args": self.args, "command": self.command}

    def __eq__(self, other) -> bool:
        return isinstance(other, Call) and self.to_json() == other.to_json()

    def __repr__(self) -> str:
        return "Call(%r, %r, %r)" % (self.method, self.args, self.command)


def _log_user(payload: dict) -> Call:
    # 1Flow names them userID and userDetails; Segment's are userId and traits. 1Flow's own
    # destination passes the traits themselves to the command function (`{...traits}`).
    traits = payload.get("traits") or {}
    return Call("logUser", [payload["userId"], traits], ["identify", payload["userId"], traits])


def _log_event(payload: dict) -> Call:
    # 1Flow's own destination always passes the three keys, undefined where the payload has
    # no value; the 2022 object gets the properties alone, {} when there are none.
    options = {key: payload.get(key, UNDEFINED) for key in ("userId", "anonymousId", "properties")}
    return Call("logEvent", [payload["event_name"], payload.get("properties") or {}],
                ["track", payload["event_name"], options])


IDENTIFY_USER = Action(
    key="identifyUser",
    title="Identify User",
    description="Create or update a user in 1Flow.",
    default_subscription='type = "identify"',
    fields=[
        # Segment's schema leaves it optional, but its destination sends no identify
        # without one and 1Flow cannot identify nobody: required here, so such an
        # identify is skipped with a reason instead of reaching the SDK.
        Field("userId", "User ID", STRING, {"@path": "$.userId"}, required=True,
              description="A unique identifier for the user."),
        Field("traits", "Custom Attributes", OBJECT, {"@path": "$.traits"},
              description="The user's custom attributes."),
    ],
    perform=_log_user,
)

TRACK_EVENT = Action(
    key="trackEvent",
    title="Track Event",
    description="Submit an event to 1Flow.",
    default_subscription='type = "track"',
    fields=[
        Field("event_name", "Event Name", STRING, {"@path": "$.event"}, required=True,
              description="The name of the event."),
        Field("userId", "User ID", STRING, {"@path": "$.userId"},
              description="A unique identifier for the user."),
        Field("anonymousId", "Anonymous ID", STRING, {"@path": "$.anonymousId"},
              description="An anonymous identifier for the user."),
        Field("properties", "Event Properties", OBJECT, {"@path": "$.properties"},
              description="Information associated with the event."),
    ],
    perform=_log_event,
)

ACTIONS = {IDENTIFY_USER.key: IDENTIFY_USER, TRACK_EVENT.key: TRACK_EVENT}

# Presets are the subscriptions a new destination instance starts with.
PRESETS = [
    {"name": IDENTIFY_USER.title, "subscribe": IDENTIFY_USER.default_subscription,
     "partnerAction": IDENTIFY_USER.key, "mapping": IDENTIFY_USER.default_mapping(), "enabled": True},
    {"name": TRACK_EVENT.title, "subscribe": TRACK_EVENT.default_subscription,
     "partnerAction": TRACK_EVENT.key, "mapping": TRACK_EVENT.default_mapping(), "enabled": True},
]

SETTINGS = [
    Setting("projectApiKey", "Project API Key", PASSWORD, required=True,
            description="The app id of your 1Flow application."),
    # The ones below are ours, not Segment's: they configure the browser loader.
    Setting("sdkUrl", "1Flow SDK URL", STRING,
            description="Where the 1Flow web SDK is loaded from; defaults to Segment's."),
    Setting("subscriptions", "Mappings", STRING,
            description="Your own trigger + action + mapping entries; the presets apply without them."),
    Setting("debug", "Debug", BOOLEAN, description="Log every decision to the console."),
    Setting("runtime", "Runtime", STRING, description='"micropython" (the default) or "pyodide".'),
    Setting("thread", "Thread", STRING,
            description='"worker" (the default) or "main": where Python runs, in a Web Worker or beside the page.'),
    Setting("bufferLimit", "Buffer limit", WHOLE_NUMBER,
            description="Events held while Python and the SDK load; beyond it the oldest are dropped."),
    Setting("sdkTimeout", "SDK timeout (ms)", WHOLE_NUMBER,
            description="How long to wait for the 1Flow SDK before giving up."),
    Setting("bootTimeout", "Boot timeout (ms)", WHOLE_NUMBER,
            description="How long the loader waits for Python to start before giving up."),
    Setting("consentCategories", "Consent categories", STRING,
            description="The consent categories every event must consent to (comma-separated on the script tag);"
                        " by default the ones Segment's CDN settings give the destination."),
    Setting("persist", "Keep held events", BOOLEAN,
            description="Save events not yet delivered when the visitor leaves, for the next page to deliver"
                        " (on by default; false turns it off)."),
    Setting("nonce", "CSP nonce", STRING,
            description="The nonce the 1Flow SDK's script gets; by default the loader's own or the page's."),
]

RUNTIMES = ("pyodide", "micropython")
THREADS = ("main", "worker")
DEFAULT_SDK_TIMEOUT_MS = 10000
