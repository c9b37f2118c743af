"""The rhythm's schedule rows kept in step with teams, goals and plans.

Called when those are saved (the "team_saved", "goal_saved" and "pdp_saved" hooks, inside the
saving transaction) and by the periodic reconciliation (each kind's `reconcile`).
"""

from __future__ import annotations

from datetime import datetime, time

from sqlmodel import Session

from bot.rules.nudges import NUDGE_RULE
from bot.rules.recurrence import Rule
from scheduling.kinds import Reconcile
from storage.models import Goal, Member, Pdp, Team
from storage.queries import rhythm as q
from storage.queries import schedules as sq


def checkin_rule(team: Team) -> str:
    return f"weekly {team.checkin_weekday} {team.checkin_time}"


def sync_team(session: Session, team: Team, now: datetime) -> None:
    """The team's check-in and its goals' milestone reminders, in the team's timezone."""
    sq.ensure(session, workspace_id=team.workspace_id, team_id=team.id, kind="checkin",
              subject_id=team.id, rule=checkin_rule(team), tz=team.tz, now=now,
              paused=bool(team.paused_reason))
    _sync_reminders(session, team, q.goals_of_team(session, team.id), now)


def sync_goal(session: Session, goal: Goal, now: datetime, team: Team | None = None) -> None:
    """Reminders two days before each open milestone and on the day; none for done ones."""
    team = team or session.get(Team, goal.team_id)
    if team is not None:
        _sync_reminders(session, team, [goal], now)


def _sync_reminders(session: Session, team: Team, goals: list[Goal], now: datetime) -> None:
    """The reminders of these goals' milestones, in a fixed number of statements."""
    hour, minute = (int(x) for x in team.checkin_time.split(":"))
    at = time(hour, minute)
    active = {goal.id for goal in goals if goal.status == "active"}
    wanted, finished = [], []
    for milestone in q.milestones_of_goals(session, [goal.id for goal in goals]):
        if milestone.goal_id not in active or milestone.done_at is not None:
            finished.append(milestone.id)
            continue
        due = Rule("once", at, start=milestone.due_date)
        wanted += [("milestone_soon", milestone.id, due.shifted(2)),
                   ("milestone_due", milestone.id, due)]
    sq.ensure_many(session, workspace_id=team.workspace_id, team_id=team.id, wanted=wanted,
                   tz=team.tz, now=now, paused=bool(team.paused_reason))
    sq.end(session, "milestone_soon", finished, now)
    sq.end(session, "milestone_due", finished, now)


def sync_member_nudges(session: Session, member: Member, now: datetime) -> None:
    sq.ensure(session, workspace_id=member.workspace_id, kind="nudge", subject_id=member.id,
              rule=NUDGE_RULE, tz=member.tz, now=now)


def sync_pdp(session: Session, pdp: Pdp, now: datetime) -> None:
    """Nudges for the plan's owner and their manager, in each one's own timezone."""
    for member_id in (pdp.owner_id, pdp.manager_id):
        member = session.get(Member, member_id) if member_id else None
        if member is not None:
            sync_member_nudges(session, member, now)


# ---- reconciliation: found in a read-only pass, fixed a few at a time ----------------------

def fix_teams(session: Session, team_ids: list[int], now: datetime) -> int:
    teams = q.teams_by_id(session, team_ids)
    for team in teams:
        sync_team(session, team, now)
    return len(teams)


def find_milestones(session: Session, now: datetime, limit: int) -> list[tuple[str, int]]:
    """Goals whose open milestones lack reminders, and reminders whose milestone is gone."""
    return [*(("goal", i) for i in q.goals_missing_reminders(session, now, limit)),
            *(("orphan", i) for i in q.reminders_of_deleted_milestones(session, limit))]


def fix_milestones(session: Session, found: list[tuple[str, int]], now: datetime) -> int:
    goals = q.goals_by_id(session, [i for what, i in found if what == "goal"])
    for goal in goals:
        sync_goal(session, goal, now)
    q.drop_reminders_of_deleted_milestones(session, [i for what, i in found if what == "orphan"])
    return len(goals)


def fix_members(session: Session, member_ids: list[int], now: datetime) -> int:
    members = q.members_by_id(session, member_ids)
    for member in members:
        sync_member_nudges(session, member, now)
    return len(members)


RECONCILE_CHECKINS = Reconcile(find=lambda s, now, limit: q.teams_out_of_step(s, limit),
                               fix=fix_teams)
RECONCILE_MILESTONES = Reconcile(find=find_milestones, fix=fix_milestones)
RECONCILE_NUDGES = Reconcile(find=lambda s, now, limit: q.members_out_of_step(s, limit),
                             fix=fix_members)
