"""Keeping schedule rows in step with teams, goals, plans and labs.

Called from the hooks other features fire when they save ("team_saved", "goal_saved",
"pdp_saved", "member_left_team"), inside their transaction, and from the tick's reconciliation,
which repairs whatever a missed hook or another code path left out of step.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, literal, select, union_all
from sqlmodel import Session

from bot.rules.nudges import NUDGE_RULE
from bot.rules.recurrence import Rule, parse_rule
from storage.models import Goal, Lab, Member, Milestone, Pdp, Schedule, Team
from storage.queries import labs as lq
from storage.queries import schedules as sq

log = logging.getLogger("pact.schedules")
S = Schedule.__table__


def checkin_rule(team: Team) -> str:
    return f"weekly {team.checkin_weekday} {team.checkin_time}"


def sync_team(session: Session, team: Team, now: datetime) -> None:
    """The team's check-in, its milestone reminders and its lab, in the team's timezone."""
    sq.ensure(session, workspace_id=team.workspace_id, team_id=team.id, kind="checkin",
              subject_id=team.id, rule=checkin_rule(team), tz=team.tz, now=now,
              paused=bool(team.paused_reason))
    for goal in session.execute(select(Goal).where(Goal.team_id == team.id)).scalars():
        sync_goal(session, goal, now, team=team)
    lab = lq.lab_for_team(session, team.id)
    if lab is not None:
        lq.sync_rotation(session, lab)
        lq.lab_schedules(session, lab, team, now)


def sync_goal(session: Session, goal: Goal, now: datetime, team: Team | None = None) -> None:
    """Reminders two days before each open milestone and on the day; none for done ones."""
    team = team or session.get(Team, goal.team_id)
    if team is None:
        return
    hour, minute = (int(x) for x in team.checkin_time.split(":"))
    at = time(hour, minute)
    finished = []
    for milestone in session.execute(select(Milestone).where(
            Milestone.goal_id == goal.id)).scalars():
        if goal.status != "active" or milestone.done_at is not None:
            finished.append(milestone.id)
            continue
        due = Rule("once", at, start=milestone.due_date)
        for kind, rule in (("milestone_soon", due.shifted(2)), ("milestone_due", due)):
            sq.ensure(session, workspace_id=team.workspace_id, team_id=team.id, kind=kind,
                      subject_id=milestone.id, rule=rule, tz=team.tz, now=now,
                      paused=bool(team.paused_reason))
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


def member_left(session: Session, team: Team, member: Member, now: datetime) -> list[int]:
    """Out of the lab's rotation; sessions they were to present get the next person, and their
    announcements are edited in place by the next tick (this runs inside the caller's
    transaction, where Slack is never called)."""
    changed = lq.member_left(session, team, member, now)
    for session_id in changed:
        refresh_post_soon(session, team, session_id, now)
    return changed


def refresh_post_soon(session: Session, team: Team, session_id: int, now: datetime) -> None:
    local = now.astimezone(ZoneInfo(team.tz))
    sq.ensure(session, workspace_id=team.workspace_id, team_id=team.id, kind="lab_refresh",
              subject_id=session_id, tz=team.tz, now=now, next_run_at=now,
              rule=Rule("once", local.time().replace(second=0, microsecond=0),
                        start=local.date()))


# ---- reconciliation --------------------------------------------------------------------------

def reconcile(session: Session, now: datetime, limit: int = 500) -> int:
    """Repair what is out of step; cheap anti-joins, at most `limit` fixes of each kind."""
    fixed = 0
    # Teams without a check-in, or whose check-in no longer matches the team's settings.
    missing = session.execute(
        select(Team).outerjoin(S, and_(S.c.kind == "checkin", S.c.subject_id == Team.id))
        .where(S.c.id.is_(None)).limit(limit)).scalars().all()
    stale = session.execute(
        select(Team).join(S, and_(S.c.kind == "checkin", S.c.subject_id == Team.id))
        .where((S.c.tz != Team.tz) | (S.c.rule != literal("weekly ") + Team.checkin_weekday
                                      + literal(" ") + Team.checkin_time))
        .limit(limit)).scalars().all()
    for team in {t.id: t for t in [*missing, *stale]}.values():
        fixed += _guarded(session, "team", team.id, lambda t=team: sync_team(session, t, now))
    # Open milestones of active goals without their reminder.
    goals = session.execute(
        select(Goal).join(Milestone, Milestone.goal_id == Goal.id)
        .outerjoin(S, and_(S.c.kind == "milestone_due", S.c.subject_id == Milestone.id))
        .where(Goal.status == "active", Milestone.done_at.is_(None), S.c.id.is_(None),
               Milestone.due_date >= (now - timedelta(days=1)).date())
        .distinct().limit(limit)).scalars().all()
    for goal in goals:
        fixed += _guarded(session, "goal", goal.id, lambda g=goal: sync_goal(session, g, now))
    # Owners and managers of plans without nudges; nudges in an old timezone.
    people = union_all(select(Pdp.owner_id.label("mid")),
                       select(Pdp.manager_id.label("mid")).where(Pdp.manager_id.is_not(None))
                       ).subquery()
    members = session.execute(
        select(Member).join(people, people.c.mid == Member.id)
        .outerjoin(S, and_(S.c.kind == "nudge", S.c.subject_id == Member.id))
        .where((S.c.id.is_(None)) | (S.c.tz != Member.tz)).distinct().limit(limit)
    ).scalars().all()
    for member in members:
        fixed += _guarded(session, "member", member.id,
                          lambda m=member: sync_member_nudges(session, m, now))
    # Labs without their announcement schedule.
    labs = session.execute(
        select(Lab).outerjoin(S, and_(S.c.kind == "lab_announce", S.c.subject_id == Lab.id))
        .where(S.c.id.is_(None)).limit(limit)).scalars().all()
    for lab in labs:
        team = session.get(Team, lab.team_id)
        if team is not None:
            fixed += _guarded(session, "lab", lab.id,
                              lambda lb=lab, t=team: lq.lab_schedules(session, lb, t, now))
    # Milestone schedules whose milestone was deleted.
    session.execute(delete(S).where(
        S.c.kind.in_(("milestone_soon", "milestone_due")),
        ~S.c.subject_id.in_(select(Milestone.id))))
    if fixed:
        log.info("reconciliation brought %s schedule group(s) in step", fixed)
    return fixed


def _guarded(session: Session, what: str, ident: int, fix) -> int:
    """Run one repair in a savepoint; bad data in one row never stops the others."""
    savepoint = session.begin_nested()
    try:
        fix()
    except Exception:  # noqa: BLE001 - logged with its stack trace, repaired data comes next
        savepoint.rollback()
        log.exception("could not bring the schedules of %s %s in step", what, ident)
        return 0
    savepoint.commit()
    return 1


def valid_rule(text: str) -> bool:
    try:
        parse_rule(text)
    except ValueError:
        return False
    return True
