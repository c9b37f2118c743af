"""Milestone reminders: two days before a milestone is due, and on the day."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlmodel import Session

from handlers.blocks.checkins import MilestoneFacts, milestone_reminder
from scheduling.jobs import Outcome, Run
from scheduling.kinds import Kind
from storage.models import Goal, Milestone, Team
from storage.queries.outbox import enqueue


def prepare(session: Session, runs: list[Run]) -> None:
    return None


def run(session: Session, job: Run, ctx, services=None) -> Outcome:
    milestone = session.get(Milestone, job.subject_id)
    goal = session.get(Goal, milestone.goal_id) if milestone else None
    team = session.get(Team, goal.team_id) if goal else None
    if milestone is None or goal is None or team is None or milestone.done_at is not None \
            or goal.status != "active":
        return Outcome(done=True)
    if team.paused_reason:
        return Outcome()
    today = job.occurrence.astimezone(ZoneInfo(team.tz)).date()
    days_left = (milestone.due_date - today).days
    text, blocks = milestone_reminder(goal.title, MilestoneFacts(
        milestone.id, milestone.title, milestone.due_date, False), days_left, team.tz)
    mid = enqueue(session, workspace_id=team.workspace_id,
                  key=f"{job.kind}:{milestone.id}:{milestone.due_date.isoformat()}",
                  channel=team.channel_id, text=text, blocks=blocks, kind=job.kind,
                  not_before=job.now)
    return Outcome(outbox_ids=[mid] if mid else [])


KINDS = [Kind("milestone_soon", time_bound=True, prepare=prepare, run=run),
         Kind("milestone_due", time_bound=True, prepare=prepare, run=run)]
