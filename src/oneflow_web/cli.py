"""`oneflow-web`: preview and check mappings on CPython, before they reach a browser.

The same engine runs here as in the page, and `preview` prints the very answer the mappings
playground shows (explain.py): for every subscription, in order, the 1Flow call it makes in the
shape of each SDK generation (sdk.py), or why it makes none.
"""
import argparse
import json
import sys

from .definition import NAME
from .delivery import consent_line
from .explain import explain, settings_from
from .settings import SettingsError, load_settings


def _read_json(path: str, what: str, empty=False):
    """The JSON value in a file; `empty` is returned for a blank file, where one is allowed."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise SystemExit("oneflow-web: cannot read %s file %s: %s" % (what, path, error.strerror))
    if empty is not False and not text.strip():
        return empty
    try:
        return json.loads(text)
    except ValueError as error:
        raise SystemExit("oneflow-web: %s file %s is not valid JSON: %s" % (what, path, error))


def check(path: str, cdn_path: str = None) -> int:
    """Validate the settings; `cdn_path` is a project's CDN settings (Segment's settings JSON),
    whose entry for the destination may give it consent categories."""
    integration = None
    if cdn_path:
        cdn = _read_json(cdn_path, "CDN settings")
        integrations = cdn.get("integrations") if isinstance(cdn, dict) else None
        integration = integrations.get(NAME) if isinstance(integrations, dict) else None
    try:
        settings = load_settings(settings_from(_read_json(path, "settings", empty=None)), integration)
    except SettingsError as error:
        for problem in str(error).split("\n"):
            print("%s: %s" % (path, problem))
        return 1
    # In the order of the settings, so each line matches an entry the user can find.
    lines = [(s.index, "ok  %s: %s -> %s" % (s.name, s.subscribe, s.action.key)) for s in settings.subscriptions]
    lines += [(problem.index, "%s: left out: %s" % (path, problem.text())) for problem in settings.left_out]
    lines += [(s.index, "%s: warning: %s" % (path, s.warning())) for s in settings.subscriptions if s.warning()]
    for _, line in sorted(lines, key=lambda pair: pair[0]):
        print(line)
    print("%s: consent: %s" % (path, consent_line(settings)))
    if not settings.consent_categories and not cdn_path:
        print("%s: consent: (in the browser, the categories Segment's CDN settings give \"%s\" apply when the "
              "settings name none; --cdn-settings FILE checks them)" % (path, NAME))
    if settings.left_out:
        print("%s: %d subscription(s) usable, %d left out: the destination runs without them"
              % (path, len(settings.subscriptions), len(settings.left_out)))
        return 1
    print("%s: %d enabled subscription(s), no problems" % (path, len(settings.subscriptions)))
    return 0


def preview(settings_path: str, event_path: str) -> int:
    answer = explain(_read_json(settings_path, "settings", empty=None), _read_json(event_path, "event"))
    print(answer.text())
    return 1 if answer.problem else 0


def main(argv: list = None) -> int:
    parser = argparse.ArgumentParser(prog="oneflow-web", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    preview_parser = commands.add_parser("preview", help="print the 1Flow calls an event would make")
    preview_parser.add_argument("--settings", required=True, help="settings JSON, or just the subscriptions (a list, or empty for the presets)")
    preview_parser.add_argument("--event", required=True, help="an event as Analytics.js sends it, in JSON")
    check_parser = commands.add_parser("check", help="validate settings and subscriptions")
    check_parser.add_argument("settings", help="settings JSON, or just the subscriptions")
    check_parser.add_argument("--cdn-settings", metavar="FILE",
                              help="your Segment project's CDN settings JSON, for the consent categories it gives")
    options = parser.parse_args(argv)
    if options.command == "check":
        return check(options.settings, options.cdn_settings)
    return preview(options.settings, options.event)


if __name__ == "__main__":
    sys.exit(main())
