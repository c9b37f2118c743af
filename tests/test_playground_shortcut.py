"""The message shortcut in the playground: each message's menu lists Pact's message shortcuts,
and choosing one sends Pact a signed `message_action` payload shaped as Slack's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.playground import demo, surfaces
from bot.playground.demo import LEAD, MEMBERS, TEAM_CHANNEL, fill
from bot.playground.slack_requests import message_action
from bot.playground.web import do
from bot.playground.world import MESSAGE_SHORTCUTS, Playground

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def pg(database_url):
    playground = Playground(database_url).start()
    demo.add_people(playground)
    playground.command(LEAD, TEAM_CHANNEL, "team setup")
    fill(playground, LEAD, {"name": "Platform", "leads": [LEAD], "members": list(MEMBERS),
                           "tz": "Europe/Berlin", "weekday": "mon", "time": "10:00"})
    yield playground
    playground.stop()


def test_the_shortcuts_are_the_manifests():
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    declared = [(s["callback_id"], s["name"]) for s in manifest["features"]["shortcuts"]
                if s["type"] == "message"]
    assert list(MESSAGE_SHORTCUTS) == declared


def test_the_payload_has_slacks_shape():
    base = {"type": "message_action", "token": "t", "team": {"id": "T1", "domain": "d"},
            "user": {"id": "U1", "name": "u", "username": "u", "team_id": "T1"},
            "enterprise": None, "is_enterprise_install": False, "trigger_id": "old",
            "api_app_id": "A1"}
    payload = message_action(base, callback_id="give_kudos",
                             channel={"id": "C1", "name": "team"},
                             message={"ts": "1.000200", "text": "hi", "user": "U2",
                                      "blocks": []},
                             team="T1", trigger_id="1.2.abc", response_url="https://h/x")
    # slack/platform.md 5.5
    assert {"type", "token", "action_ts", "team", "user", "channel", "callback_id", "trigger_id",
            "message_ts", "response_url", "message", "enterprise",
            "is_enterprise_install"} <= set(payload)
    assert payload["type"] == "message_action" and payload["message_ts"] == "1.000200"
    assert {"type", "text", "user", "ts", "team", "blocks", "client_msg_id"} <= \
        set(payload["message"])
    assert payload["channel"] == {"id": "C1", "name": "team"}
    assert re.fullmatch(r"\d+\.\d{6}", payload["action_ts"])


def test_every_message_has_the_menu_and_give_kudos_thanks_its_author(pg):
    ts = pg.emulator.post_user_message(TEAM_CHANNEL, MEMBERS[0], "Fixed the flaky build")
    page = surfaces.conversation(pg, LEAD, TEAM_CHANNEL)
    assert page.count('data-shortcut="give_kudos"') == page.count('class="msg"')
    assert "Give kudos" in page

    do(pg, {"user": LEAD, "kind": "shortcut", "channel": TEAM_CHANNEL, "ts": ts,
            "callback_id": "give_kudos"})
    form = pg.modal_of(LEAD)
    assert form is not None and form["title"]["text"] == "Give kudos"
    assert "The message will be linked." in str(form["blocks"])
    who = next(b for b in form["blocks"] if b.get("block_id") == "who")
    assert who["element"]["initial_users"] == [MEMBERS[0]]  # its author, from the payload
    fill(pg, LEAD, {"who": [MEMBERS[0]], "reason": "the build fix"})
    pg.executor.wait_idle(10)
    pg._settle()
    thanks = [m for m in pg.emulator.messages(TEAM_CHANNEL) if "thanks" in m["text"]]
    assert thanks and "the build fix" in thanks[-1]["text"]
    link = f"/archives/{TEAM_CHANNEL}/p{ts.replace('.', '')}"
    assert link in str(thanks[-1])  # the message it was used on is linked
    assert pg.problems == []


def test_an_unknown_shortcut_or_message_is_refused(pg):
    with pytest.raises(ValueError):
        do(pg, {"user": LEAD, "kind": "shortcut", "channel": TEAM_CHANNEL, "ts": "1.000001",
                "callback_id": "delete_everything"})
    with pytest.raises(KeyError):
        do(pg, {"user": LEAD, "kind": "shortcut", "channel": TEAM_CHANNEL, "ts": "1.000001",
                "callback_id": "give_kudos"})
