"""The celebration keeps crediting the supporters whichever way the objective is done (the
edit form, a celebration put right while it waited), and a person's export carries their
pacts even without a plan."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.playground.emulator import check_message_blocks
from handlers.kit import ids, refusals
from scheduling.outbox import deliver_due
from storage.types import utcnow
from tests.test_pacts import made_pact, opened, pacts
from tests.test_pdp import log_progress, objective_values, open_summary, text_of
from tests.test_pdp_world import make_world


@pytest.fixture
def world(pact):
    return make_world(pact.engine, pact.emulator)


def edit_objective(pact, world, oid, **values):
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=ids.PDP_EDIT_OBJECTIVE, value=str(oid),
                            view=summary)
    edit = opened(pact, "views.push")
    assert not pact.slack.view_submission(user=world.owner, view=edit,
                                          values=objective_values(**values)).body
    pact.wait_idle()


def credited(pact, world) -> dict:
    [post] = pact.emulator.messages(world.channel)
    assert "With the support of" in post["text"] and world.teammate in text_of(post["blocks"])
    assert ids.KUDOS_BUTTON in text_of(post["blocks"])
    assert check_message_blocks(post["blocks"]) == []
    return post


def test_done_from_the_edit_form_credits_the_supporter(pact, world):
    oid, _ = made_pact(pact, world)
    edit_objective(pact, world, oid, title="Run a sprint review", status="done", progress="100")
    credited(pact, world)
    assert any("with your support" in m["text"] for m in pact.emulator.dms(world.teammate))
    assert (pacts(pact.engine)[0].status, pacts(pact.engine)[0].ended_reason) == ("ended", "done")


def test_a_waiting_celebration_put_right_still_credits_the_supporter(pact, world):
    oid, _ = made_pact(pact, world)
    pact.emulator.fail_next("chat.postMessage", error="not_in_channel")
    log_progress(pact, world.owner, oid, 100)
    assert pact.emulator.messages(world.channel) == []  # waiting for Pact to be invited
    edit_objective(pact, world, oid, title="Ran a sprint review", status="done",
                   progress="100")  # renamed while it waits: rendered again
    deliver_due(pact.engine, pact.client, utcnow() + timedelta(hours=2),
                kinds=pact.services.kinds)
    post = credited(pact, world)
    assert "Ran a sprint review" in post["text"]


def test_export_carries_pacts_without_a_plan(pact, world):
    made_pact(pact, world)
    pact.slack.command("pdp export", user=world.teammate)  # the supporter has no plan
    pact.wait_idle()
    files = {f["filename"].rsplit(".", 1)[1]: f for f in pact.emulator.uploaded_files()}
    data = json.loads(files["json"]["content"])
    [exported] = data["pacts"]
    assert exported["role"] == "supporting" and exported["with"] == world.owner
    assert exported["about"] == "Run a sprint <review>" and data["objectives"] == []
    markdown = files["md"]["content"]
    markdown = markdown.decode() if isinstance(markdown, bytes) else markdown
    assert "No development plan in Pact" in markdown and "supporting owner" in markdown
    # someone with neither a plan nor pacts or kudos: nothing to export, said so
    answer = pact.slack.command("pdp export", user=world.stranger).json()
    assert answer["text"] == refusals.PLAN_NONE_TO_EXPORT
    assert pact.emulator.violations == []


def test_the_owners_plan_shows_who_supports_each_objective(pact, world):
    made_pact(pact, world)
    summary = open_summary(pact, world.owner)
    [line] = [b for b in summary["blocks"] if "Run a sprint" in text_of(b)
              and b["type"] == "section"]
    assert "Supported by" in text_of(line) and world.teammate in text_of(line)


def test_delete_without_a_plan_removes_the_persons_pacts_and_kudos(pact, world):
    from sqlmodel import select

    from storage.engine import session_scope
    from storage.models import Kudos
    made_pact(pact, world)
    pact.slack.command(f"kudos <@{world.owner}> for the <review>", user=world.teammate,
                       channel=world.channel)
    pact.wait_idle()
    answer = pact.slack.command("pdp delete", user=world.teammate).json()  # no plan
    assert "1 pact and 1 kudos" in answer["text"]
    assert check_message_blocks(answer["blocks"]) == []
    [button] = [e for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == ids.PDP_DELETE_SOCIAL and "confirm" in button
    pact.slack.block_action(user=world.teammate, action_id=ids.PDP_DELETE_SOCIAL,
                            channel=world.channel)
    pact.wait_idle()
    [gone] = pacts(pact.engine)
    assert (gone.status, gone.supporter_id, gone.offer_text) == ("ended", None, "")
    assert gone.owner_id == world.members["owner"]  # the other side keeps that it ended
    with session_scope(pact.engine) as s:
        assert list(s.exec(select(Kudos))) == []
    assert "Your pacts and kudos are deleted." in text_of(
        pact.emulator.ephemerals(user=world.teammate))
    # nothing left: said so
    answer = pact.slack.command("pdp delete", user=world.teammate).json()
    assert answer["text"] == refusals.PLAN_NONE_TO_DELETE


def test_a_goal_reaching_its_target_thanks_who_pledged_and_offers_kudos(pact):
    from bot.playground.slack_requests import select_value, text_value
    from tests.test_goals_steps import celebrations, create_goal, goal_post, log_progress, team
    lead, (max_, _), channel = team(pact)
    goal_id = create_goal(pact, lead, channel, milestones=())
    pact.slack.block_action(user=max_, action_id=ids.PACT_HELP, value=f"g:{goal_id}",
                            channel=channel)
    form = opened(pact)
    assert not pact.slack.view_submission(user=max_, view=form, values={
        "kind": {"kind": select_value("audience")}, "text": {"text": text_value("")},
        "cadence": {"cadence": select_value("none")},
        "until": {"until": {"type": "datepicker", "selected_date": None}}}).body
    pact.wait_idle()
    post = goal_post(pact, channel)
    [thanked] = [m for m in pact.emulator.messages(channel)
                 if m.get("thread_ts") == post["ts"] and "pledged support" in m["text"]]
    assert max_ in thanked["text"] and lead in thanked["text"]
    log_progress(pact, lead, goal_id, 6, channel=channel)  # the target: achieved
    pact.wait_idle()
    [party] = celebrations(pact, channel)
    assert "With the support of" in party["text"] and max_ in party["text"]
    assert ids.KUDOS_BUTTON in text_of(party["blocks"])
    assert check_message_blocks(party["blocks"]) == []
    assert any("with your support" in m["text"] for m in pact.emulator.dms(max_))
    assert pacts(pact.engine)[0].status == "ended"
    assert pact.emulator.violations == []
