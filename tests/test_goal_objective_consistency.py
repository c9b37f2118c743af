"""An objective linked to a goal never contradicts it: when the team achieves the goal, the
owners' linked objectives are done too, in their plans' history, and the goal's post is the
one celebration of that achievement."""

from __future__ import annotations

import pytest
from sqlmodel import select

from handlers.kit import ids as shared
from storage.engine import session_scope
from storage.models import Goal, Objective, OutboxMessage, PdpChange
from tests.test_goals_steps import celebrations
from tests.test_pdp import (
    add_objective,
    create_plan,
    log_progress,
    open_summary,
    opened,
    text_of,
)
from tests.test_pdp_world import make_world


@pytest.fixture
def world(pact):
    return make_world(pact.engine, pact.emulator)


def _achieve(pact, world) -> None:
    """The team reaches its target and the lead marks the goal achieved from its post."""
    with session_scope(pact.engine) as s:
        goal = s.get(Goal, world.goal_id)
        goal.current_value = goal.target
    lead = world.users["teammate"]
    pact.slack.block_action(user=lead, action_id="goal_mark_achieved",
                            value=str(world.goal_id), channel=world.channel, message_ts="1.2")
    pact.wait_idle()


def test_achieving_the_goal_completes_linked_objectives_with_one_celebration(pact, world):
    create_plan(pact, world)
    linked = add_objective(pact, world, visibility="team", goal=world.goal_id,
                           title="My part in the certification")
    log_progress(pact, world.owner, linked, 40)
    other = add_objective(pact, world, visibility="team", title="Unrelated objective")
    before = len(pact.emulator.messages(world.channel))
    _achieve(pact, world)

    with session_scope(pact.engine) as s:
        done = s.get(Objective, linked)
        assert (done.status, done.progress) == ("done", 100) and done.done_at is not None
        assert s.get(Objective, other).status != "done"
        history = [c.what for c in s.exec(select(PdpChange).where(
            PdpChange.objective_id == linked))]
        keys = [m.idempotency_key for m in s.exec(select(OutboxMessage))]
    assert any("the team achieved “Scrum certified team”" in h for h in history)
    posted = pact.emulator.messages(world.channel)[before:]
    assert len(celebrations(pact, world.channel)) == 1
    assert len(posted) == 1  # the goal's celebration, no second one for the objective
    assert not any(k.startswith(f"celebrate:objective:{linked}") for k in keys)
    assert not any(k.startswith(f"congrats:objective:{linked}") for k in keys)
    summary = text_of(open_summary(pact, world.owner)["blocks"])
    assert "Done and dropped" in summary and "✅ My part in the certification" in summary
    assert pact.emulator.violations == []


def test_an_objective_already_done_or_dropped_keeps_its_state_and_its_one_celebration(pact,
                                                                                       world):
    create_plan(pact, world)
    finished = add_objective(pact, world, visibility="team", goal=world.goal_id, title="Done")
    log_progress(pact, world.owner, finished, 100)
    dropped = add_objective(pact, world, visibility="team", goal=world.goal_id, title="Dropped")
    with session_scope(pact.engine) as s:  # the owner dropped it earlier
        s.get(Objective, dropped).status = "dropped"
    _achieve(pact, world)
    with session_scope(pact.engine) as s:
        assert s.get(Objective, dropped).status == "dropped"
        keys = [m.idempotency_key for m in s.exec(select(OutboxMessage))]
    assert keys.count(f"celebrate:objective:{finished}") == 1
    assert len(celebrations(pact, world.channel)) == 1


def test_marking_the_goal_achieved_twice_completes_the_objectives_once(pact, world):
    create_plan(pact, world)
    linked = add_objective(pact, world, visibility="team", goal=world.goal_id)
    _achieve(pact, world)
    _achieve(pact, world)
    with session_scope(pact.engine) as s:
        history = [c.what for c in s.exec(select(PdpChange).where(
            PdpChange.objective_id == linked)) if "the team achieved" in c.what]
    assert len(history) == 1
    assert "already" in pact.emulator.ephemerals(world.channel,
                                                 world.users["teammate"])[-1]["text"]


def test_the_plan_history_button_shows_why_the_objective_is_done(pact, world):
    create_plan(pact, world)
    add_objective(pact, world, visibility="private", goal=world.goal_id, title="Quiet part")
    _achieve(pact, world)
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_HISTORY, view=summary)
    assert "the team achieved" in text_of(opened(pact, "views.push")["blocks"])
