"""I'm stuck from the Home tab, the plan and the progress modal; with nobody supporting a
team-visible objective, the note may go to the team in the linked goal's thread. A pledge is
thanked at once in the goal's thread."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.playground.emulator import check_message_blocks, check_view
from bot.playground.slack_requests import text_value
from handlers.kit import ids, refusals
from storage.engine import session_scope
from storage.models import Goal, OutboxMessage
from tests.test_pacts import made_pact, offer, opened
from tests.test_pdp import add_objective, create_plan, text_of
from tests.test_pdp_world import make_world


@pytest.fixture
def world(pact):
    return make_world(pact.engine, pact.emulator)


def goal_posted(pact, world) -> str:
    """The team goal has its post in the team channel: its thread."""
    ts = pact.client.chat_postMessage(channel=world.channel, text="Scrum certified team")["ts"]
    with session_scope(pact.engine) as s:
        goal = s.get(Goal, world.goal_id)
        goal.channel_ts = ts
        s.add(goal)
    return ts


def element(view, action_id) -> dict:
    for block in view["blocks"]:
        for e in [*block.get("elements", []), block.get("accessory") or {},
                  block.get("element") or {}]:
            if e.get("action_id") == action_id:
                return e
    raise AssertionError(f"no {action_id}")


def stuck_dms(pact, user) -> list[dict]:
    return [m for m in pact.emulator.dms(user) if "is stuck on" in m["text"]]


def send_note(pact, user, form, note, ask_team=True):
    values = {"note": {"note": text_value(note)}}
    if "ask_team" in text_of(form):
        option = element(form, "ask_team")["options"][0]
        values["ask_team"] = {"ask_team": {"type": "checkboxes",
                                           "selected_options": [option] if ask_team else []}}
    answer = pact.slack.view_submission(user=user, view=form, values=values)
    pact.wait_idle()
    return answer


def test_stuck_from_home_and_from_the_progress_modal(pact, world):
    oid, _ = made_pact(pact, world)
    home = pact.emulator.home_view(world.owner)
    assert element(home, ids.PACT_STUCK)["value"] == str(oid)
    pact.slack.block_action(user=world.owner, action_id=ids.PACT_STUCK, value=str(oid),
                            view=home)
    form = opened(pact)
    assert form["callback_id"] == ids.PACT_STUCK_FORM and check_view(form) == []
    assert "Your 1 supporter on" in text_of(form)
    send_note(pact, world.owner, form, "The <slides> again")
    [dm] = stuck_dms(pact, world.teammate)
    assert "&lt;slides&gt;" in text_of(dm["blocks"])
    # the progress modal has it too: pushed over it
    pact.slack.block_action(user=world.owner, action_id=ids.PDP_LOG_PROGRESS, value=str(oid),
                            channel="C0NOWHERE01")
    progress = opened(pact)
    assert progress["callback_id"] == ids.PDP_PROGRESS_FORM and check_view(progress) == []
    pact.slack.block_action(user=world.owner, action_id=ids.PACT_STUCK,
                            value=element(progress, ids.PACT_STUCK)["value"], view=progress)
    form = opened(pact, "views.push")
    assert form["callback_id"] == ids.PACT_STUCK_FORM
    send_note(pact, world.owner, {**form, "id": form["id"]}, "Still the slides")
    assert len(stuck_dms(pact, world.teammate)) == 2
    assert pact.emulator.violations == []


def test_nobody_supporting_a_team_objective_asks_the_team_in_the_goals_thread(pact, world):
    thread = goal_posted(pact, world)
    create_plan(pact, world)
    oid = add_objective(pact, world, visibility="team", title="Pass the <exam>",
                        goal=world.goal_id)
    pact.slack.block_action(user=world.owner, action_id=ids.PACT_STUCK, value=str(oid),
                            channel="C0NOWHERE01")
    form = opened(pact)
    assert check_view(form) == [] and "Nobody supports" in text_of(form)
    assert element(form, "ask_team")["initial_options"]  # offered, ticked
    answer = send_note(pact, world.owner, form, "Mock exams <!here>", ask_team=False)
    assert answer.json()["errors"] == {"ask_team": refusals.PACT_STUCK_TICK_TEAM}
    assert not send_note(pact, world.owner, {**form, "id": "V0STUCK2"}, "Mock exams <!here>").body
    [reply] = [m for m in pact.emulator.messages(world.channel) if m.get("thread_ts") == thread]
    assert world.owner in reply["text"] and "<!here>" not in text_of(reply)
    assert "&lt;exam&gt;" in text_of(reply["blocks"])
    assert element(reply, ids.PACT_HELP)["value"] == f"o:{oid}"
    assert check_message_blocks(reply["blocks"]) == []
    # the same submission twice is one reply
    send_note(pact, world.owner, {**form, "id": "V0STUCK2"}, "Mock exams <!here>")
    assert len([m for m in pact.emulator.messages(world.channel)
                if m.get("thread_ts") == thread]) == 1
    assert pact.emulator.violations == []


def test_no_supporters_and_nothing_team_visible_is_told_before_any_modal(pact, world):
    goal_posted(pact, world)
    create_plan(pact, world)
    oid = add_objective(pact, world, visibility="manager", goal=world.goal_id)
    before = len(pact.emulator.calls_to("views.open"))
    pact.slack.block_action(user=world.owner, action_id=ids.PACT_STUCK, value=str(oid),
                            channel=world.channel)
    pact.wait_idle()
    assert len(pact.emulator.calls_to("views.open")) == before
    assert refusals.PACT_NO_SUPPORTERS in text_of(pact.emulator.ephemerals(user=world.owner))
    # someone else's objective: refused, whatever the payload says
    pact.slack.block_action(user=world.teammate, action_id=ids.PACT_STUCK, value=str(oid),
                            channel=world.channel)
    pact.wait_idle()
    assert refusals.PLAN_NOT_YOURS in text_of(pact.emulator.ephemerals(user=world.teammate))


def test_a_waiting_team_note_is_withdrawn_when_the_objective_is_no_longer_shared(pact, world):
    from handlers.pacts import service
    from storage.types import utcnow
    from tests.test_pdp import objective_values, open_summary
    goal_posted(pact, world)
    create_plan(pact, world)
    oid = add_objective(pact, world, visibility="team", goal=world.goal_id)
    with session_scope(pact.engine) as s:  # decided, not sent yet (Slack was down)
        done = service.stuck(s, "T0PACT", world.owner, oid, "help", "k-stuck", utcnow(),
                             ask_the_team=True)
        [waiting] = done.outbox_ids
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=ids.PDP_EDIT_OBJECTIVE, value=str(oid),
                            view=summary)
    edit = opened(pact, "views.push")
    pact.slack.view_submission(user=world.owner, view=edit, values=objective_values(
        title="Now secret", visibility="private", goal=world.goal_id))
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        assert s.get(OutboxMessage, waiting).status == "skipped"


def test_a_pledge_is_thanked_at_once_in_the_goals_thread(pact, world):
    thread = goal_posted(pact, world)
    assert not offer(pact, world.owner, f"g:{world.goal_id}", kind="resources",
                     text="Links to the <exam> guide", cadence="none").body
    [reply] = [m for m in pact.emulator.messages(world.channel) if m.get("thread_ts") == thread]
    assert "pledged support" in reply["text"] and "Thank you" in reply["text"]
    assert world.owner in reply["text"] and world.teammate in reply["text"]  # the goal's owner
    assert "&lt;exam&gt;" in text_of(reply["blocks"])
    assert check_message_blocks(reply["blocks"]) == []
    assert "You pledged your support" in text_of(pact.emulator.dms(world.owner))


def test_a_pledge_to_a_goal_without_a_post_tells_its_owner_by_dm(pact, world):
    offer(pact, world.owner, f"g:{world.goal_id}", cadence="none")
    [dm] = [m for m in pact.emulator.dms(world.teammate) if "pledged support" in m["text"]]
    assert world.owner in dm["text"] and "Scrum certified team" in dm["text"]
    with session_scope(pact.engine) as s:
        assert s.exec(select(OutboxMessage).where(OutboxMessage.kind == "pact_pledge")).one()
