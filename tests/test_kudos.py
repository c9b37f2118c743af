"""Kudos from `/pact kudos`, the Give kudos message shortcut and the Kudos button: limits, not to
oneself, bots or deactivated people, mention markup in the reason escaped."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.playground.emulator import check_message_blocks, check_view
from bot.playground.slack_requests import text_value, users_value
from handlers.kit import ids
from handlers.kudos.listeners import parse
from storage.engine import session_scope
from storage.models import Kudos
from tests.test_pdp import opened, text_of
from tests.test_pdp_world import make_world


@pytest.fixture
def world(pact):
    return make_world(pact.engine, pact.emulator)


def kudos_rows(engine) -> list[Kudos]:
    with session_scope(engine) as s:
        return list(s.exec(select(Kudos).order_by(Kudos.id)))


def give(pact, world, text, user=None):
    answer = pact.slack.command(f"kudos {text}", user=user or world.owner, channel=world.channel)
    pact.wait_idle()
    return answer


def said(pact, *answers) -> str:
    """What Pact answered: in the command's ack, or later through its response URL."""
    return text_of([a.body.decode() if isinstance(a.body, bytes) else a.body for a in answers]
                   + pact.emulator.responses())


def test_parse_reads_people_reason_and_privately():
    assert parse("kudos <@U0AAA|ann> <@U0BBB> for the review") == (
        ["U0AAA", "U0BBB"], "the review", False)
    assert parse("kudos privately <@U0AAA> for patience") == (["U0AAA"], "patience", True)
    assert parse("kudos for nothing") is None


def test_kudos_go_to_the_team_channel_and_count_on_home(pact, world):
    answer = give(pact, world, f"<@{world.teammate}> for the <@{world.stranger}> <!here> review")
    assert answer.status == 200
    [post] = pact.emulator.messages(world.channel)
    assert world.teammate in post["text"] and check_message_blocks(post["blocks"]) == []
    assert f"<@{world.stranger}>" not in post["text"] and "<!here>" not in post["text"]
    assert "&lt;!here&gt;" in post["text"]
    [row] = kudos_rows(pact.engine)
    assert not row.private
    pact.slack.event({"type": "app_home_opened", "user": world.teammate, "tab": "home"})
    pact.wait_idle()
    assert "1 kudo received this month" in text_of(pact.emulator.home_view(world.teammate))
    assert "leaderboard" not in text_of(pact.emulator.home_view(world.teammate)).lower()


def test_privately_sends_only_a_dm(pact, world):
    give(pact, world, f"privately <@{world.teammate}> for the patience")
    assert pact.emulator.messages(world.channel) == []
    assert "sends you kudos" in pact.emulator.dms(world.teammate)[-1]["text"]


def test_not_to_oneself_a_bot_or_a_deactivated_user(pact, world):
    bot = pact.emulator.add_user(name="robot", is_bot=True)
    gone = pact.emulator.add_user(name="gone", deleted=True)
    answer = give(pact, world, f"<@{world.owner}> for me")
    assert "someone else" in said(pact, answer)
    give(pact, world, f"<@{bot}> for beeping")
    give(pact, world, f"<@{gone}> for leaving")
    assert said(pact).count("active people of this workspace") == 2
    assert kudos_rows(pact.engine) == [] and pact.emulator.messages(world.channel) == []


def test_at_most_ten_a_day_per_giver(pact, world):
    for n in range(10):
        give(pact, world, f"<@{world.teammate}> for help number {n}")
    assert len(kudos_rows(pact.engine)) == 10
    give(pact, world, f"<@{world.teammate}> for one more")
    assert "10 kudos today already" in said(pact)
    assert len(kudos_rows(pact.engine)) == 10


def test_message_shortcut_links_the_message(pact, world):
    ts = pact.emulator.post_user_message(world.channel, world.teammate, "Here's my write-up")
    payload = pact.slack._interaction_base("message_action", world.owner)
    payload.update({"callback_id": ids.KUDOS_SHORTCUT, "channel": {"id": world.channel},
                    "message": {"type": "message", "ts": ts, "user": world.teammate,
                                "text": "Here's my write-up"},
                    "message_ts": ts, "response_url": pact.slack.response_url("shortcut")})
    assert pact.slack.post_payload(payload).status == 200
    pact.wait_idle()
    form = opened(pact)
    assert form["callback_id"] == ids.KUDOS_FORM and check_view(form) == []
    answer = pact.slack.view_submission(user=world.owner, view=form, values={
        "who": {"who": users_value([world.teammate])},
        "reason": {"reason": text_value("a clear write-up")},
        "private": {"private": {"type": "checkboxes", "selected_options": []}}})
    assert not answer.body
    pact.wait_idle()
    [post] = pact.emulator.messages(world.channel)[-1:]
    assert "a clear write-up" in post["text"]
    assert f"/archives/{world.channel}/p{ts.replace('.', '')}" in text_of(post["blocks"])
    assert pact.emulator.violations == []


def test_kudos_button_opens_the_form_for_that_person(pact, world):
    pact.slack.block_action(user=world.owner, action_id=ids.KUDOS_BUTTON, value=world.teammate,
                            channel=world.channel)
    pact.wait_idle()
    form = opened(pact)
    assert form["callback_id"] == ids.KUDOS_FORM
    assert world.teammate in text_of(form["blocks"])
    answer = pact.slack.view_submission(user=world.owner, view=form, values={
        "who": {"who": users_value([world.owner])},
        "reason": {"reason": text_value("me")},
        "private": {"private": {"type": "checkboxes", "selected_options": []}}})
    assert answer.json()["errors"]["who"] == "Kudos go to someone else."
