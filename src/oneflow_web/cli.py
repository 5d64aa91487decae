"""`oneflow-web`: preview and check mappings on CPython, before they reach a browser.

The same engine runs here as in the page, so what `preview` prints is what the
destination would call on the 1Flow SDK for that event, in the shape of each SDK
generation (sdk.py): the 2022 object first, then the newer command function.
"""
import argparse
import json
import sys

from . import sdk
from .destination import Destination
from .settings import SettingsError, load_settings


def _read_json(path: str, what: str):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as error:
        raise SystemExit("oneflow-web: cannot read %s file %s: %s" % (what, path, error.strerror))
    except ValueError as error:
        raise SystemExit("oneflow-web: %s file %s is not valid JSON: %s" % (what, path, error))


def _settings(path: str):
    raw = _read_json(path, "settings")
    if isinstance(raw, dict) and "projectApiKey" not in raw:
        # Checking mappings does not need the real key, and it should never be typed in a file.
        raw = dict(raw, projectApiKey="preview")
    return load_settings(raw)


def check(path: str) -> int:
    try:
        settings = _settings(path)
    except SettingsError as error:
        for problem in str(error).split("\n"):
            print("%s: %s" % (path, problem))
        return 1
    # In the order of the settings, so each line matches an entry the user can find.
    lines = [(s.index, "ok  %s: %s -> %s" % (s.name, s.subscribe, s.action.key)) for s in settings.subscriptions]
    lines += [(problem.index, "%s: %s (left out)" % (path, problem.text())) for problem in settings.left_out]
    lines += [(s.index, "%s: warning: %s" % (path, s.warning())) for s in settings.subscriptions if s.warning()]
    for _, line in sorted(lines, key=lambda pair: pair[0]):
        print(line)
    if settings.left_out:
        print("%s: %d subscription(s) usable, %d left out: the destination runs without them"
              % (path, len(settings.subscriptions), len(settings.left_out)))
        return 1
    print("%s: %d enabled subscription(s), no problems" % (path, len(settings.subscriptions)))
    return 0


def preview(settings_path: str, event_path: str) -> int:
    try:
        settings = _settings(settings_path)
    except SettingsError as error:
        print("%s: %s" % (settings_path, error))
        return 1
    event = _read_json(event_path, "event")
    outcome = Destination(settings).handle(event)
    for call in outcome.calls:
        print(sdk.call_text(call, sdk.OBJECT))
        print("  newer SDK: " + sdk.call_text(call, sdk.COMMAND))
    if not outcome.calls:
        print("no 1Flow call")
    for name, kind, reason in outcome.skipped:
        print("not sent by %s (%s): %s" % ("any subscription" if name == "*" else name, kind, reason))
    return 0


def main(argv: list = None) -> int:
    parser = argparse.ArgumentParser(prog="oneflow-web", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    preview_parser = commands.add_parser("preview", help="print the 1Flow calls an event would make")
    preview_parser.add_argument("--settings", required=True, help="settings JSON (projectApiKey may be left out)")
    preview_parser.add_argument("--event", required=True, help="an event as Analytics.js sends it, in JSON")
    check_parser = commands.add_parser("check", help="validate settings and subscriptions")
    check_parser.add_argument("settings", help="settings JSON (projectApiKey may be left out)")
    options = parser.parse_args(argv)
    if options.command == "check":
        return check(options.settings)
    return preview(options.settings, options.event)


if __name__ == "__main__":
    sys.exit(main())
