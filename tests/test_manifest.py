"""manifest.yml creates the whole app in one paste: valid against Slack's schema and in step
with what Pact uses."""

import json
import os
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.scopes import BOT_SCOPES

ROOT = Path(__file__).parents[1]
SCHEMA = ROOT.parent / "shared" / "slack" / "manifest.schema.json"


@pytest.fixture(scope="module")
def manifest():
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_is_valid_against_slacks_schema(manifest):
    if not SCHEMA.exists():
        if os.environ.get("CI"):
            pytest.fail(f"Slack's manifest schema is missing at {SCHEMA}")
        pytest.skip("Slack's manifest schema is not beside the project")
    schema = json.loads(SCHEMA.read_text())
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(manifest), key=str)
    assert errors == [], "\n".join(e.message for e in errors)


def test_schema_check_would_catch_a_broken_manifest(manifest):
    if not SCHEMA.exists():
        pytest.skip("Slack's manifest schema is not beside the project")
    schema = json.loads(SCHEMA.read_text())
    broken = json.loads(json.dumps(manifest))
    broken["features"]["slash_commands"][0]["command"] = "pact"
    assert list(jsonschema.Draft7Validator(schema).iter_errors(broken))


def test_manifest_asks_for_exactly_the_scopes_pact_uses(manifest):
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)


def test_manifest_has_command_home_tab_events_interactivity_and_socket_mode(manifest):
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/pact"
    assert command["should_escape"] is True  # mentions arrive as <@U…> ids
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True


def test_usage_hint_and_help_show_pacts_and_kudos(manifest, pact):
    (command,) = manifest["features"]["slash_commands"]
    hint = command["usage_hint"].split(" | ")
    assert "pacts" in hint and "kudos @someone for …" in hint
    answer = pact.slack.command("help", user="U0ALICE0001").json()
    shown = answer["text"] + "".join(b.get("text", {}).get("text", "") for b in answer["blocks"])
    assert "/pact pacts" in shown and "/pact kudos [privately] @someone for …" in shown
