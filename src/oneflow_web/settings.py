"""Destination settings: checked once, before anything is injected into the page.

A missing key is the most common set-up mistake, so it fails loudly and names the
setting instead of loading an SDK that would answer 404.
"""
from . import consent, definition
from .jsvalue import shown
from .subscriptions import SubscriptionError, load_subscriptions


class SettingsError(ValueError):
    """Settings cannot be used; the message names the setting and what to do."""


class Settings:
    """Validated settings; unknown keys in the raw settings are ignored, as Segment does."""

    def __init__(self, api_key: str, sdk_url: str, subscriptions: list, debug: bool = False,
                 sdk_timeout: int = definition.DEFAULT_SDK_TIMEOUT_MS, left_out: list = (), disabled: list = (),
                 consent_categories: list = (), consent_from: str = ""):
        self.api_key = api_key
        self.sdk_url = sdk_url
        self.subscriptions = subscriptions
        self.left_out = list(left_out)  # subscriptions.LeftOut: entries that cannot be used
        self.disabled = list(disabled)  # (index, where) of entries with "enabled": false
        self.debug = debug
        self.sdk_timeout = sdk_timeout
        # Every event must consent to all of these (consent.py); none: no consent check.
        self.consent_categories = list(consent_categories)
        self.consent_from = consent_from  # where they came from, for messages


# Where the consent categories come from, first found wins.
FROM_SETTING = 'the "consentCategories" setting'
FROM_CDN = "Segment's CDN settings for \"%s\" (consentSettings.categories)" % definition.NAME


def load_settings(raw, cdn_integration=None) -> Settings:
    """Check the raw settings; `cdn_integration` is what the Analytics instance's CDN settings
    hold for this destination (its consent categories are used when the settings name none)."""
    if not isinstance(raw, dict):
        raise SettingsError("Settings must be an object such as {\"projectApiKey\": \"...\"}.")
    api_key = raw.get("projectApiKey")
    if not isinstance(api_key, str) or not api_key.strip():
        raise SettingsError(
            'Setting "projectApiKey" (Project API Key) is missing or blank: set it to your 1Flow '
            "app id (data-api-key on the script tag, or projectApiKey in the plugin settings).")
    sdk_url = raw.get("sdkUrl")
    if sdk_url is None or sdk_url == "":
        sdk_url = definition.DEFAULT_SDK_URL
    elif not _is_script_url(sdk_url):
        raise SettingsError(
            'Setting "sdkUrl" must be an http(s) URL or a path such as /js/1flow.js, not %s.' % shown(sdk_url))
    try:
        subscriptions, left_out, disabled = load_subscriptions(raw.get("subscriptions"))
    except SubscriptionError as error:
        raise SettingsError(str(error))
    if left_out and not subscriptions:
        raise SettingsError("No subscription can be used:\n" + "\n".join(problem.text() for problem in left_out))
    runtime = raw.get("runtime")
    if runtime not in (None, "") and runtime not in definition.RUNTIMES:
        raise SettingsError('Setting "runtime" is %s: use "micropython" (the default) or "pyodide".' % shown(runtime))
    nonce = raw.get("nonce")
    if nonce is not None and not isinstance(nonce, str):
        raise SettingsError('Setting "nonce" must be text: the nonce of your Content-Security-Policy, not %s.' % shown(nonce))
    thread = raw.get("thread")
    if thread not in (None, "") and thread not in definition.THREADS:
        raise SettingsError('Setting "thread" is %s: use "worker" (the default) or "main".' % shown(thread))
    persist = raw.get("persist")
    if not (persist is None or isinstance(persist, bool) or persist in ("true", "false")):
        raise SettingsError('Setting "persist" is %s: use true (the default) or false, "false" on the script tag'
                            ' (data-persist="false").' % shown(persist))
    for key in ("bufferLimit", "bootTimeout"):
        _whole_number(raw, key, 1)  # used by the loader; checked here so a typo is reported
    sdk_timeout = _whole_number(raw, "sdkTimeout", definition.DEFAULT_SDK_TIMEOUT_MS)
    try:
        categories, source = consent.parse_categories(raw.get("consentCategories")), FROM_SETTING
    except consent.ConsentError as error:
        raise SettingsError(str(error))
    if not categories:
        categories, source = consent.cdn_categories(cdn_integration), FROM_CDN
    return Settings(api_key.strip(), sdk_url, subscriptions, raw.get("debug") is True, sdk_timeout, left_out,
                    disabled, categories, source if categories else "")


def _whole_number(raw: dict, key: str, default: int) -> int:
    """Whole numbers may come as text, from data-* attributes."""
    value = raw.get(key)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if isinstance(value, bool) or number <= 0 or (isinstance(value, float) and value != number):
        raise SettingsError('Setting "%s" must be a whole number above 0, not %s.' % (key, shown(value)))
    return number


def _is_script_url(url) -> bool:
    """Only URLs a script can really load from; rules out javascript: and data: tricks."""
    if not isinstance(url, str) or not url.strip() or url != url.strip():
        return False
    lowered = url.lower()
    if lowered.startswith("https://") or lowered.startswith("http://") or lowered.startswith("//"):
        return True
    return ":" not in url.split("/")[0]
