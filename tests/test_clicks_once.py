"""A click Slack sent once counts once: the same request again (a replay, a retry, a copy in
another replica) changes nothing and says nothing, for every button Pact listens to."""

from __future__ import annotations

import pytest
from sqlmodel import select

from handlers.kit import ids
from storage.engine import session_scope
from storage.models import GoalParticipant
from tests.test_goals_steps import create_goal
from tests.test_hostile_inputs import IDS, snapshot, world  # noqa: F401 - the shared world

ACTION_TS = "1764670000.000001"


def _click(w, action_id: str, value: str, *, user: str | None = None):
    return w["pact"].slack.block_action(
        user=user or w["lead"], action_id=action_id, value=value, channel=w["channel"],
        message_ts="1.000100", extra_action={"action_ts": ACTION_TS})


@pytest.mark.parametrize("action_id", IDS)
def test_a_replayed_click_changes_nothing_and_says_nothing(world, action_id):  # noqa: F811
    pact, emu = world["pact"], world["pact"].emulator
    first = _click(world, action_id, str(world["goal_id"]))
    pact.wait_idle()
    assert first.status < 500
    rows, calls = snapshot(pact.engine), len(emu.calls)
    responses = len(emu.responses())
    again = _click(world, action_id, str(world["goal_id"]))
    pact.wait_idle()
    assert (again.status, again.body) == (200, "")
    assert snapshot(pact.engine) == rows
    assert emu.calls[calls:] == []
    assert emu.responses()[responses:] == []


def test_joining_a_goal_twice_with_one_click_is_one_join_and_one_answer(world):  # noqa: F811
    pact, emu = world["pact"], world["pact"].emulator
    goal_id = create_goal(pact, world["lead"], world["channel"], title="Replayed joins")
    newcomer = world["members"][1]

    def joined() -> int:
        with session_scope(pact.engine) as session:
            return len(session.exec(select(GoalParticipant).where(
                GoalParticipant.goal_id == goal_id)).all())

    before, calls = joined(), len(emu.calls)
    _click(world, ids.GOAL_JOIN, str(goal_id), user=newcomer)
    pact.wait_idle()
    after_first = len(emu.calls)
    assert joined() == before + 1 and after_first > calls  # joined, and the post said so
    _click(world, ids.GOAL_JOIN, str(goal_id), user=newcomer)
    pact.wait_idle()
    assert joined() == before + 1
    assert len(emu.calls) == after_first


def test_eight_concurrent_copies_of_a_click_are_one_effect(world):  # noqa: F811
    from concurrent.futures import ThreadPoolExecutor

    pact, emu = world["pact"], world["pact"].emulator
    goal_id = create_goal(pact, world["lead"], world["channel"], title="Raced joins")
    joiner = world["members"][0]
    calls = len(emu.calls)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: _click(world, ids.GOAL_JOIN, str(goal_id),
                                                 user=joiner), range(8)))
    pact.wait_idle()
    assert all(a.status == 200 for a in answers)
    with session_scope(pact.engine) as session:
        assert len(session.exec(select(GoalParticipant).where(
            GoalParticipant.goal_id == goal_id)).all()) == 1
    edits = [c for c in emu.calls[calls:] if c.method in ("chat.update", "chat.postMessage",
                                                          "chat.postEphemeral")]
    once = len(edits)
    _click(world, ids.GOAL_JOIN, str(goal_id), user=joiner)  # the ninth copy, later
    pact.wait_idle()
    assert len([c for c in emu.calls[calls:] if c.method in (
        "chat.update", "chat.postMessage", "chat.postEphemeral")]) == once
