"""`oneflow-web preview` and `check`: the browser's engine, on the command line."""
import json
import pathlib
import subprocess
import sys

import pytest

from oneflow_web import definition
from oneflow_web.cli import main

PAGE_AS_TRACK = {"name": "Pages", "subscribe": 'type = "page"', "partnerAction": "trackEvent", "enabled": True,
                 "mapping": {"event_name": {"@template": "Viewed {{name}}"}, "properties": {"@path": "$.properties"}}}


@pytest.fixture
def write(tmp_path):
    def write(name, value):
        path = tmp_path / name
        path.write_text(value if isinstance(value, str) else json.dumps(value))
        return str(path)
    return write


def test_preview_answers_for_every_subscription_in_order(write, capsys):
    settings = write("s.json", {"projectApiKey": "k"})
    event = write("e.json", {"type": "track", "event": "Signed Up", "properties": {"plan": "pro"}})
    assert main(["preview", "--settings", settings, "--event", event]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "1Flow gets 1 call from this event (2 subscriptions).",
        'subscriptions[0] ("Identify User") -> identifyUser: not sent: its trigger does not match this event',
        '  trigger: type = "identify"',
        '    type = "identify": no (type is "track")',
        'subscriptions[1] ("Track Event") -> trackEvent: sends',
        '  _1flow.logEvent("Signed Up", {"plan": "pro"})',
        '  newer SDK: _1flow("track", "Signed Up", {"anonymousId": undefined, "properties": {"plan": "pro"}, "userId": undefined})']


def test_preview_runs_custom_mappings_without_an_api_key(write, capsys):
    settings = write("s.json", {"subscriptions": [PAGE_AS_TRACK]})
    event = write("e.json", {"type": "page", "name": "Pricing", "properties": {"path": "/pricing"}})
    assert main(["preview", "--settings", settings, "--event", event]) == 0
    assert capsys.readouterr().out.splitlines()[2:] == [
        '  _1flow.logEvent("Viewed Pricing", {"path": "/pricing"})',
        '  newer SDK: _1flow("track", "Viewed Pricing", {"anonymousId": undefined, "properties": {"path": "/pricing"}, '
        '"userId": undefined})']


def test_preview_takes_just_the_subscriptions_or_an_empty_file_for_the_presets(write, capsys):
    event = write("e.json", {"type": "page", "name": "Pricing"})
    assert main(["preview", "--settings", write("list.json", [PAGE_AS_TRACK]), "--event", event]) == 0
    assert capsys.readouterr().out.splitlines()[1] == 'subscriptions[0] ("Pages") -> trackEvent: sends'
    assert main(["preview", "--settings", write("empty.json", ""), "--event", event]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith('subscriptions[0] ("Identify User")')


def test_preview_says_why_nothing_was_sent(write, capsys):
    settings = write("s.json", {})
    event = write("e.json", {"type": "identify", "traits": {"a": 1}})
    assert main(["preview", "--settings", settings, "--event", event]) == 0
    assert capsys.readouterr().out.splitlines()[:3] == [
        "1Flow gets no call from this event (2 subscriptions).",
        'subscriptions[0] ("Identify User") -> identifyUser: not sent: a field check failed',
        '  required field "userId" (User ID) is missing or empty (mapped from {"@path": "$.userId"})']


def test_preview_fails_on_settings_the_destination_would_not_start_with(write, capsys):
    settings = write("s.json", {"sdkUrl": "javascript:alert(1)"})
    assert main(["preview", "--settings", settings, "--event", write("e.json", {"type": "track"})]) == 1
    assert capsys.readouterr().out.startswith('The destination would not start: Setting "sdkUrl" must be')


def test_check_lists_the_enabled_subscriptions(write, capsys):
    assert main(["check", write("s.json", {"subscriptions": json.dumps(definition.PRESETS)})]) == 0
    assert "2 enabled subscription(s), no problems" in capsys.readouterr().out


def test_check_reports_the_consent_categories_of_the_settings(write, capsys):
    assert main(["check", write("s.json", {"projectApiKey": "k", "consentCategories": "Analytics, C0004"})]) == 0
    assert 'every event must consent to "Analytics", "C0004" (from the "consentCategories" setting)' in capsys.readouterr().out


def test_check_reports_the_consent_categories_of_the_cdn_settings(write, capsys):
    cdn = {"integrations": {definition.NAME: {"consentSettings": {"categories": ["Analytics"]}}}}
    assert main(["check", write("s.json", {"projectApiKey": "k"}), "--cdn-settings", write("cdn.json", cdn)]) == 0
    assert "\"Analytics\" (from Segment's CDN settings" in capsys.readouterr().out


def test_check_says_when_no_consent_category_applies(write, capsys):
    assert main(["check", write("s.json", {"projectApiKey": "k"})]) == 0
    out = capsys.readouterr().out
    assert "no consent categories are configured" in out and "--cdn-settings FILE" in out


def test_check_reports_each_subscription_in_order_and_fails_when_any_is_left_out(write, capsys):
    entries = [PAGE_AS_TRACK,
               {"name": "typo", "subscribe": 'type = "track"', "partnerAction": "trackEvnt"},
               {"name": "broken", "subscribe": 'type = ', "partnerAction": "trackEvent"}]
    path = write("s.json", {"subscriptions": entries})
    assert main(["check", path]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == 'ok  Pages: type = "page" -> trackEvent'
    assert lines[1].startswith(path + ': left out: subscriptions[1] ("typo"): unknown partnerAction "trackEvnt"')
    assert lines[2].startswith(path + ': left out: subscriptions[2] ("broken"): ')
    assert lines[-1] == path + ": 1 subscription(s) usable, 2 left out: the destination runs without them"


def test_check_warns_about_a_trigger_segments_engine_reads_differently_and_passes(write, capsys):
    entries = [{"name": "Nulls", "subscribe": "event = null", "partnerAction": "trackEvent"}]
    path = write("s.json", {"subscriptions": entries})
    assert main(["check", path]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == (path + ': warning: subscriptions[0] ("Nulls"): the trigger "event = null" runs as written, '
                        "but Segment's own engine compares event with the text \"null\", not with a missing value "
                        "(at position 8).")


def test_check_refuses_more_than_fifty_mappings(write, capsys):
    path = write("s.json", {"subscriptions": [PAGE_AS_TRACK] * 51})
    assert main(["check", path]) == 1
    assert "51 mappings; a destination instance allows at most 50" in capsys.readouterr().out


def test_unreadable_or_invalid_json_files_are_clear_errors(write):
    with pytest.raises(SystemExit, match="settings file .* is not valid JSON"):
        main(["check", write("s.json", "{nope")])
    with pytest.raises(SystemExit, match="cannot read settings file"):
        main(["check", "/nonexistent/settings.json"])


def test_the_command_is_installed_with_the_package(write):
    command = pathlib.Path(sys.executable).parent / "oneflow-web"
    done = subprocess.run([str(command), "check", write("s.json", {})], capture_output=True, text=True)
    assert done.returncode == 0 and "no problems" in done.stdout
