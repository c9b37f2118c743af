"""An Accept / Decline (or Accept / Not now) DM once answered: edited in place, its buttons
replaced by a short state line; a click on an old one gets a clear answer only the clicker
sees, and changes nothing."""

from __future__ import annotations

import pytest

from bot.playground.emulator import check_message_blocks
from bot.playground.slack_requests import text_value, users_value
from handlers.kit import ids
from tests.test_pacts import buttons, offer, opened, pacts
from tests.test_pdp import add_objective, create_plan, text_of
from tests.test_pdp_world import make_world


@pytest.fixture
def world(pact):
    return make_world(pact.engine, pact.emulator)


def click_dm(pact, user, action_id, value, message):
    """`user` clicks a button of `message`, a DM Pact sent them."""
    answer = pact.slack.block_action(user=user, action_id=action_id, value=str(value),
                                     channel=pact.emulator.dm_channel(user),
                                     message_ts=message["ts"])
    pact.wait_idle()
    return answer


def live(pact, user, ts) -> dict:
    [message] = [m for m in pact.emulator.dms(user) if m["ts"] == ts]
    return message


def said_to(pact, user) -> str:
    return text_of(pact.emulator.ephemerals(pact.emulator.dm_channel(user), user))


def test_an_accepted_offer_reads_accepted_and_an_old_click_is_told_so(pact, world):
    create_plan(pact, world)
    oid = add_objective(pact, world, visibility="team", title="Run a sprint <review>")
    offer(pact, world.teammate, f"o:{oid}")
    [made] = pacts(pact.engine)
    dm = pact.emulator.dms(world.owner)[-1]
    assert buttons(dm) == {ids.PACT_ACCEPT: str(made.id), ids.PACT_DECLINE: str(made.id)}
    click_dm(pact, world.owner, ids.PACT_ACCEPT, made.id, dm)
    edited = live(pact, world.owner, dm["ts"])
    assert buttons(edited) == {} and "edited" in edited
    assert "Accepted" in text_of(edited["blocks"]) and "&lt;review&gt;" in text_of(edited)
    assert check_message_blocks(edited["blocks"]) == []
    assert "Pact made with" in said_to(pact, world.owner)
    # the old DM clicked again (Slack still showing it, or a second device): told, nothing done
    before = len(pact.emulator.dms(world.teammate))
    click_dm(pact, world.owner, ids.PACT_DECLINE, made.id, dm)
    assert "You already answered this one: ✅ Accepted" in said_to(pact, world.owner)
    assert pacts(pact.engine)[0].status == "active"
    assert len(pact.emulator.dms(world.teammate)) == before
    assert buttons(live(pact, world.owner, dm["ts"])) == {}
    # someone else's click on it is refused, and does not edit the owner's DM
    pact.slack.block_action(user=world.stranger, action_id=ids.PACT_DECLINE, value=str(made.id),
                            channel=pact.emulator.dm_channel(world.owner),
                            message_ts=dm["ts"])
    pact.wait_idle()
    assert pacts(pact.engine)[0].status == "active"
    assert pact.emulator.violations == []


def test_an_ask_answered_not_now_reads_not_now(pact, world):
    create_plan(pact, world)
    oid = add_objective(pact, world, visibility="team", title="Give a talk")
    pact.slack.block_action(user=world.owner, action_id=ids.PACT_ASK, value=str(oid),
                            channel="C0NOWHERE01")
    pact.wait_idle()
    pact.slack.view_submission(user=world.owner, view=opened(pact), values={
        "who": {"who": users_value([world.teammate])}, "note": {"note": text_value("")}})
    pact.wait_idle()
    [asked] = pacts(pact.engine)
    dm = pact.emulator.dms(world.teammate)[-1]
    assert set(buttons(dm)) == {ids.PACT_ACCEPT, ids.PACT_DECLINE}
    click_dm(pact, world.teammate, ids.PACT_DECLINE, asked.id, dm)
    edited = live(pact, world.teammate, dm["ts"])
    assert buttons(edited) == {} and "Not now" in text_of(edited["blocks"])
    assert "Give a talk" in text_of(edited["blocks"])
    click_dm(pact, world.teammate, ids.PACT_ACCEPT, asked.id, dm)
    assert "You already answered this one: Not now" in said_to(pact, world.teammate)
    assert pacts(pact.engine)[0].status == "declined"
    assert pact.emulator.violations == []
