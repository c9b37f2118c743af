"""Pacts through the signed endpoint and the Slack emulator: offer, ask, agree, end, privacy,
forged payloads."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.playground.emulator import check_message_blocks, check_view
from bot.playground.slack_requests import date_value, select_value, text_value, users_value
from handlers.kit import ids
from storage.engine import session_scope
from storage.models import OutboxMessage, Pact
from tests.test_pdp import add_objective, create_plan, opened, snapshot, text_of
from tests.test_pdp_world import make_world


@pytest.fixture
def world(pact):
    return make_world(pact.engine, pact.emulator)


def offer_values(kind="pairing", text="Pair on your first review", cadence="weekly",
                 until=None) -> dict:
    return {"kind": {"kind": select_value(kind)}, "text": {"text": text_value(text)},
            "cadence": {"cadence": select_value(cadence)},
            "until": {"until": date_value(until)}}


def offer(pact, user, target, **values):
    """`user` presses I'll help on `target` and sends the offer; returns the HTTP answer."""
    pact.slack.block_action(user=user, action_id=ids.PACT_HELP, value=target,
                            channel="C0NOWHERE01")
    pact.wait_idle()
    form = opened(pact)
    assert form["callback_id"] == ids.PACT_OFFER_FORM and check_view(form) == []
    answer = pact.slack.view_submission(user=user, view=form, values=offer_values(**values))
    pact.wait_idle()
    return answer


def pacts(engine) -> list[Pact]:
    with session_scope(engine) as s:
        return list(s.exec(select(Pact).order_by(Pact.id)))


def click(pact, user, action_id, value):
    answer = pact.slack.block_action(user=user, action_id=action_id, value=str(value),
                                     channel=pact.emulator.dm_channel(user))
    pact.wait_idle()
    return answer


def buttons(message) -> dict[str, str]:
    return {e["action_id"]: e.get("value") for b in message.get("blocks", [])
            if b["type"] == "actions" for e in b["elements"]}


def listing(pact, user) -> str:
    answer = pact.slack.command("pacts", user=user)
    assert answer.status == 200
    body = answer.json()
    assert check_message_blocks(body["blocks"]) == []
    return text_of(body["blocks"])


def made_pact(pact, world) -> tuple[int, int]:
    create_plan(pact, world)
    oid = add_objective(pact, world, visibility="team", title="Run a sprint <review>")
    assert not offer(pact, world.teammate, f"o:{oid}").body
    pid = pacts(pact.engine)[-1].id
    click(pact, world.owner, ids.PACT_ACCEPT, pid)
    return oid, pid


def test_offer_accept_makes_a_pact_both_sides_see(pact, world):
    create_plan(pact, world)
    oid = add_objective(pact, world, visibility="team", title="Run a sprint <review>")
    answer = offer(pact, world.teammate, f"o:{oid}")
    assert answer.status == 200 and not answer.body
    [made] = pacts(pact.engine)
    assert (made.status, made.origin, made.offer_kind, made.cadence) == \
        ("proposed", "offer", "pairing", "weekly")
    dm = pact.emulator.dms(world.owner)[-1]
    assert "offers to help you" in dm["text"] and "&lt;review&gt;" in dm["text"]
    assert buttons(dm) == {ids.PACT_ACCEPT: str(made.id), ids.PACT_DECLINE: str(made.id)}
    click(pact, world.owner, ids.PACT_ACCEPT, made.id)
    [made] = pacts(pact.engine)
    assert made.status == "active" and made.supporter_checkin_on is not None
    assert "agreed" in pact.emulator.dms(world.teammate)[-1]["text"]
    mine = listing(pact, world.teammate)
    assert "I support" in mine and world.owner in mine and "Run a sprint" in mine
    theirs = listing(pact, world.owner)
    assert "Supporting me" in theirs and world.teammate in theirs
    home = pact.emulator.home_view(world.teammate)
    assert home is not None and "I support" in text_of(home)
    # accepting twice is one pact, no second DM
    before = len(pact.emulator.dms(world.teammate))
    click(pact, world.owner, ids.PACT_ACCEPT, made.id)
    assert len(pact.emulator.dms(world.teammate)) == before
    assert pact.emulator.violations == []


def test_decline_tells_the_supporter_kindly(pact, world):
    create_plan(pact, world)
    oid = add_objective(pact, world, visibility="team")
    offer(pact, world.teammate, f"o:{oid}")
    pid = pacts(pact.engine)[0].id
    click(pact, world.owner, ids.PACT_DECLINE, pid)
    assert pacts(pact.engine)[0].status == "declined"
    assert "can't take this on" in pact.emulator.dms(world.teammate)[-1]["text"]
    assert "No pacts yet" in listing(pact, world.teammate)


def test_ask_accept_and_not_now(pact, world):
    create_plan(pact, world)
    oid = add_objective(pact, world, visibility="team")
    pact.slack.block_action(user=world.owner, action_id=ids.PACT_ASK, value=str(oid),
                            channel="C0NOWHERE01")
    pact.wait_idle()
    form = opened(pact)
    assert form["callback_id"] == ids.PACT_ASK_FORM and check_view(form) == []
    # the stranger may not see a team objective: an error under the field, nothing asked
    answer = pact.slack.view_submission(user=world.owner, view=form, values={
        "who": {"who": users_value([world.stranger])}, "note": {"note": text_value("")}})
    assert answer.json()["response_action"] == "errors"
    assert "Can't see this objective" in answer.json()["errors"]["who"]
    assert pacts(pact.engine) == []
    answer = pact.slack.view_submission(user=world.owner, view={**form, "id": "V0ASK2"}, values={
        "who": {"who": users_value([world.teammate, world.manager])},
        "note": {"note": text_value("A review of my <@U0EVIL> slides")}})
    assert not answer.body
    pact.wait_idle()
    asks = pacts(pact.engine)
    assert [p.origin for p in asks] == ["ask", "ask"]
    dm = pact.emulator.dms(world.teammate)[-1]
    assert "asks for your support" in dm["text"] and "<@U0EVIL>" not in text_of(dm)
    assert check_message_blocks(dm["blocks"]) == []
    click(pact, world.teammate, ids.PACT_ACCEPT, asks[0].id)
    click(pact, world.manager, ids.PACT_DECLINE, asks[1].id)
    assert [p.status for p in pacts(pact.engine)] == ["active", "declined"]
    assert "agreed" in pact.emulator.dms(world.owner)[-2]["text"] or \
        "agreed" in text_of(pact.emulator.dms(world.owner))
    assert "Supporting me" in listing(pact, world.owner)
    assert pact.emulator.violations == []


def test_either_side_ends_behind_a_confirm_and_the_other_is_told(pact, world):
    _, pid = made_pact(pact, world)
    text = listing(pact, world.owner)
    assert '"confirm"' in text and ids.PACT_END in text
    click(pact, world.owner, ids.PACT_END, pid)
    assert pacts(pact.engine)[0].status == "ended"
    assert pacts(pact.engine)[0].ended_reason == "by_owner"
    assert "closed your pact" in pact.emulator.dms(world.teammate)[-1]["text"]
    assert "No pacts yet" in listing(pact, world.teammate)


def test_forged_payloads_change_nothing(pact, world):
    create_plan(pact, world)
    private = add_objective(pact, world, visibility="private", title="Secret plan")
    team = add_objective(pact, world, visibility="team")
    before = snapshot(pact.engine)
    # a pact on a private objective, whatever the payload says
    pact.slack.block_action(user=world.teammate, action_id=ids.PACT_HELP, value=f"o:{private}",
                            channel="C0NOWHERE01")
    pact.wait_idle()
    assert not [c for c in pact.emulator.calls_to("views.open")
                if ids.PACT_OFFER_FORM in text_of(c.args)]
    assert "isn't shared with you" in text_of(pact.emulator.dms(world.teammate))
    from handlers.kit.metadata import attach, metadata_key
    from handlers.pacts.blocks import offer_modal
    forged = attach(offer_modal("x"), {"target": f"o:{private}"},
                    metadata_key(pact.services.settings))
    answer = pact.slack.view_submission(user=world.teammate, view=forged, values=offer_values())
    pact.wait_idle()
    assert pacts(pact.engine) == [] and snapshot(pact.engine) == before
    assert "Secret plan" not in text_of(pact.emulator.dms(world.teammate))
    # accepting someone else's offer, ending someone else's pact
    offer(pact, world.teammate, f"o:{team}")
    pid = pacts(pact.engine)[0].id
    click(pact, world.stranger, ids.PACT_ACCEPT, pid)
    click(pact, world.teammate, ids.PACT_ACCEPT, pid)  # the supporter cannot accept their own
    assert pacts(pact.engine)[0].status == "proposed"
    click(pact, world.owner, ids.PACT_ACCEPT, pid)
    click(pact, world.stranger, ids.PACT_END, pid)
    assert pacts(pact.engine)[0].status == "active"
    # asking on someone else's behalf
    from handlers.pacts.blocks import ask_modal
    forged = attach(ask_modal("x"), {"objective": team}, metadata_key(pact.services.settings))
    pact.slack.view_submission(user=world.stranger, view=forged, values={
        "who": {"who": users_value([world.teammate])}, "note": {"note": text_value("")}})
    pact.wait_idle()
    assert len(pacts(pact.engine)) == 1
    assert answer.status == 200


def test_narrowing_visibility_ends_the_pact_and_withdraws_waiting_dms(pact, world):
    oid, pid = made_pact(pact, world)
    with session_scope(pact.engine) as s:  # a progress DM stuck in the outbox
        from storage.queries import outbox
        outbox.enqueue(s, workspace_id="T0PACT", key=f"pact:{pid}:progress:2026-01-01",
                       channel=world.teammate, text="Run a sprint <review> progress",
                       kind="pact_progress")
    from tests.test_pdp import objective_values, open_summary
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=ids.PDP_EDIT_OBJECTIVE, value=str(oid),
                            view=summary)
    edit = opened(pact, "views.push")
    pact.slack.view_submission(user=world.owner, view=edit, values=objective_values(
        title="Now secret", visibility="private"))
    pact.wait_idle()
    [ended] = pacts(pact.engine)
    assert (ended.status, ended.ended_reason) == ("ended", "hidden")
    last = pact.emulator.dms(world.teammate)[-1]
    assert last["text"] == "A pact you were part of has ended. Thank you for your support."
    assert "Now secret" not in text_of(pact.emulator.dms(world.teammate))
    with session_scope(pact.engine) as s:
        waiting = s.exec(select(OutboxMessage).where(
            OutboxMessage.idempotency_key == f"pact:{pid}:progress:2026-01-01")).one()
        assert waiting.status == "skipped"
    assert "No pacts yet" in listing(pact, world.teammate)


def test_export_lists_pacts_and_kudos_and_delete_ends_them_quietly(pact, world):
    import json

    from storage.models import Kudos, PactCheckin
    _, pid = made_pact(pact, world)
    pact.slack.command(f"kudos <@{world.teammate}> for the pairing", user=world.owner,
                       channel=world.channel)
    pact.wait_idle()
    pact.slack.command("pdp export", user=world.owner)
    pact.wait_idle()
    by_name = {f["filename"].rsplit(".", 1)[1]: f for f in pact.emulator.uploaded_files()}
    data = json.loads(by_name["json"]["content"])
    [exported] = data["pacts"]
    assert exported["role"] == "supported by" and exported["with"] == world.teammate
    assert exported["about"] == "Run a sprint <review>" and exported["status"] == "active"
    assert data["kudos"][0]["reason"] == "the pairing" and data["kudos"][0]["given"]
    markdown = by_name["md"]["content"]
    markdown = markdown.decode() if isinstance(markdown, bytes) else markdown
    assert "## Pacts" in markdown and "supported by teammate" in markdown
    with session_scope(pact.engine) as s:
        from storage.models import Pdp
        pdp_id = s.exec(select(Pdp.id)).one()
    pact.slack.block_action(user=world.owner, action_id=ids.PDP_DELETE_CONFIRMED,
                            value=str(pdp_id), channel="C0NOWHERE01")
    pact.wait_idle()
    [gone] = pacts(pact.engine)
    assert (gone.status, gone.owner_id, gone.objective_id, gone.offer_text) == \
        ("ended", None, None, "")
    assert gone.supporter_id == world.members["teammate"]  # the other side keeps that it ended
    assert pact.emulator.dms(world.teammate)[-1]["text"].startswith(
        "A pact you were part of has ended.")
    with session_scope(pact.engine) as s:
        assert list(s.exec(select(Kudos))) == [] and list(s.exec(select(PactCheckin))) == []
    assert "No pacts yet" in listing(pact, world.teammate)
