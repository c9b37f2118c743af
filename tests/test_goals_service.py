"""The goals' use cases, called directly with a session: no Slack, no HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from bot.rules.goals import GoalInput, MilestoneInput, ProgressInput
from handlers.goals import service
from handlers.kit import refusals
from storage.engine import session_scope
from storage.models import Goal, OutboxMessage, ProgressUpdate, Team, TeamMembership
from storage.queries import goals as gq
from storage.queries.members import get_or_create_member

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WS, CHANNEL = "T1", "C0TEAM0001"


class Hooks:
    """Records what the use case emits, as `services.emit` would deliver it."""

    def __init__(self):
        self.calls: list[tuple[str, str]] = []

    def __call__(self, name, session, goal):
        self.calls.append((name, goal.status))


def a_team_with_a_goal(engine, *, target=10.0, posted=True, milestones=("Kick-off",)) -> int:
    """Team "Platform" (lead ULEAD, member UMAX) with one active goal from 0 to `target`."""
    with session_scope(engine) as s:
        lead = get_or_create_member(s, WS, "ULEAD")
        member = get_or_create_member(s, WS, "UMAX")
        team = Team(workspace_id=WS, channel_id=CHANNEL, name="Platform", tz="Europe/Berlin")
        s.add(team)
        s.flush()
        s.add(TeamMembership(team_id=team.id, member_id=lead.id, role="lead"))
        s.add(TeamMembership(team_id=team.id, member_id=member.id, role="member"))
        due = date(2026, 6, 1)
        goal = gq.create_goal(s, team, lead.id, GoalInput(
            title="Ship <fast>", metric="releases", baseline=0, target=target, unit="releases",
            due_date=due, project="", milestones=[MilestoneInput(t, due - timedelta(days=9), i)
                                                  for i, t in enumerate(milestones)]))
        if posted:
            gq.set_channel_ts(s, goal.id, "1700000000.000100")
        return goal.id


def test_progress_moves_the_value_notes_it_in_the_thread_and_renders_the_card_once(engine):
    goal_id = a_team_with_a_goal(engine)
    with session_scope(engine) as s:
        done = service.log_progress(s, WS, "UMAX", goal_id, ProgressInput(4, "set", "Half"),
                                    NOW)
    assert done.refusal is None and done.goal_id == goal_id
    assert done.card.current == 4 and done.card.status == "active"
    assert done.post_ts == "1700000000.000100" and done.channel == CHANNEL
    with session_scope(engine) as s:
        assert s.get(Goal, goal_id).current_value == 4
        assert done.stamp == service.stamp_of(s.get(Goal, goal_id))  # the card is current
        [note] = [s.get(OutboxMessage, i) for i in done.outbox]
        assert note.kind == "goal_thread" and note.thread_ts == "1700000000.000100"
        assert "<@UMAX>" in note.text and "*4*" in note.text and "Half" in note.text
    with session_scope(engine) as s:
        added = service.log_progress(s, WS, "UMAX", goal_id, ProgressInput(2, "add", ""), NOW)
    assert added.card.current == 6


def test_progress_reaching_the_target_celebrates_once(engine):
    goal_id = a_team_with_a_goal(engine, target=3)
    hooks = Hooks()
    with session_scope(engine) as s:
        done = service.log_progress(s, WS, "UMAX", goal_id, ProgressInput(3, "set", ""), NOW,
                                    emit=hooks)
    assert done.card.status == "achieved"
    assert hooks.calls == [("goal_saved", "achieved"), ("goal_achieved", "achieved")]
    with session_scope(engine) as s:
        kinds = sorted(s.get(OutboxMessage, i).kind for i in done.outbox)
        assert kinds == ["goal_celebration", "goal_thread"]
        celebration = s.exec(select(OutboxMessage)
                             .where(OutboxMessage.kind == "goal_celebration")).one()
        assert "Ship &lt;fast&gt;" in celebration.text and "<@UMAX>" in celebration.text
    with session_scope(engine) as s:  # achieved now: no more progress
        again = service.log_progress(s, WS, "UMAX", goal_id, ProgressInput(4, "set", ""), NOW)
    assert again.refusal == refusals.goal_no_progress("achieved")


def test_progress_by_someone_outside_the_team_or_on_a_forged_goal_changes_nothing(engine):
    goal_id = a_team_with_a_goal(engine)
    with session_scope(engine) as s:
        outsider = service.log_progress(s, WS, "UEVE", goal_id, ProgressInput(5, "set", ""),
                                        NOW)
        other_workspace = service.log_progress(s, "T2", "UMAX", goal_id,
                                               ProgressInput(5, "set", ""), NOW)
    assert outsider.refusal == refusals.GOAL_NOT_IN_TEAM
    assert other_workspace.refusal == refusals.GOAL_GONE
    with session_scope(engine) as s:
        assert s.exec(select(ProgressUpdate)).all() == []
        assert s.get(Goal, goal_id).current_value == 0


def test_editing_moves_the_current_value_with_the_baseline_until_a_value_is_logged(engine):
    goal_id = a_team_with_a_goal(engine)
    values = {"title": "Ship faster", "metric": "releases", "baseline": "2", "target": "12",
              "unit": "", "due": "2026-06-01", "project": "",
              "ms_title_0": "Kick-off", "ms_date_0": "2026-05-23"}
    form = service.GoalForm(values=values, team_id=None, goal_id=goal_id, rows=1)
    with session_scope(engine) as s:
        refused = service.save_goal(s, WS, "UMAX", form, NOW)
    assert refused.refusal == refusals.GOAL_NOT_ALLOWED_EDIT
    with session_scope(engine) as s:
        done = service.save_goal(s, WS, "ULEAD", form, NOW)
    assert done.refusal is None and not done.errors and not done.created
    assert (done.card.title, done.card.baseline, done.card.current) == ("Ship faster", 2, 2)
    with session_scope(engine) as s:
        service.log_progress(s, WS, "UMAX", goal_id, ProgressInput(5, "set", ""), NOW)
    form.values["baseline"] = "1"
    with session_scope(engine) as s:
        done = service.save_goal(s, WS, "ULEAD", form, NOW)
    assert (done.card.baseline, done.card.current) == (1, 5)
    form.values["target"] = "oops"
    with session_scope(engine) as s:
        invalid = service.save_goal(s, WS, "ULEAD", form, NOW)
    assert set(invalid.errors) == {"target"}


def test_joining_twice_is_one_commitment_and_one_dm(engine):
    goal_id = a_team_with_a_goal(engine)
    with session_scope(engine) as s:
        first = service.join(s, WS, "UMAX", goal_id, NOW)
    with session_scope(engine) as s:
        second = service.join(s, WS, "UMAX", goal_id, NOW)
    assert first.card.participants == ["UMAX"]
    [dm] = first.outbox
    assert second.refusal == refusals.goal_already_in("Ship &lt;fast&gt;")
    with session_scope(engine) as s:
        message = s.get(OutboxMessage, dm)
        assert (message.channel, message.kind) == ("UMAX", "goal_join_dm")
