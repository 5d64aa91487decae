"""Destination settings: checked once, before anything is injected into the page.

A missing key is the most common set-up mistake, so it fails loudly and names the
setting instead of loading an SDK that would answer 404.
"""
from . import definition
from .subscriptions import SubscriptionError, load_subscriptions


class SettingsError(ValueError):
    """Settings cannot be used; the message names the setting and what to do."""


class Settings:
    """Validated settings; unknown keys in the raw settings are ignored, as Segment does."""

    def __init__(self, api_key: str, sdk_url: str, subscriptions: list, debug: bool):
        self.api_key = api_key
        self.sdk_url = sdk_url
        self.subscriptions = subscriptions
        self.debug = debug


def load_settings(raw) -> Settings:
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
            'Setting "sdkUrl" must be an http(s) URL or a path such as /js/1flow.js, not %r.' % (sdk_url,))
    try:
        subscriptions = load_subscriptions(raw.get("subscriptions"))
    except SubscriptionError as error:
        raise SettingsError(str(error))
    debug = raw.get("debug") is True
    return Settings(api_key.strip(), sdk_url, subscriptions, debug)


def _is_script_url(url) -> bool:
    """Only URLs a script can really load from; rules out javascript: and data: tricks."""
    if not isinstance(url, str) or not url.strip() or url != url.strip():
        return False
    lowered = url.lower()
    if lowered.startswith("https://") or lowered.startswith("http://") or lowered.startswith("//"):
        return True
    return ":" not in url.split("/")[0]
