"""The participation report's numbers: per team and per month, in a fixed handful of
statements whatever the number of teams or members (each grouped in SQL)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, func, literal_column
from sqlmodel import Session, select

from storage.models import (
    Goal,
    Lab,
    LabSession,
    Member,
    Milestone,
    Objective,
    Pdp,
    ProgressUpdate,
    PulseSurvey,
    Team,
    TeamMembership,
)


def _month(session: Session, column):
    """'YYYY-MM' of a UTC timestamp column, in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def _day(session: Session, column):
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)


def teams(session: Session, workspace_id: str, team_ids: list[int] | None) -> list[Team]:
    query = select(Team).where(Team.workspace_id == workspace_id).order_by(Team.name, Team.id)
    if team_ids is not None:
        query = query.where(Team.id.in_(team_ids or [-1]))
    return list(session.exec(query))


def lead_team_ids(session: Session, member_id: int) -> list[int]:
    return list(session.exec(select(TeamMembership.team_id).where(
        TeamMembership.member_id == member_id, TeamMembership.role == "lead")))


Counts = dict[tuple[int, str], int]  # (team id, 'YYYY-MM') -> count


def _grouped(session: Session, query) -> Counts:
    return {(team_id, month): int(n) for team_id, month, n in session.execute(query)}


def member_counts(session: Session, team_ids: list[int]) -> dict[int, int]:
    rows = session.execute(
        select(TeamMembership.team_id, func.count()).join(Member, Member.id ==
                                                          TeamMembership.member_id)
        .where(TeamMembership.team_id.in_(team_ids), ~Member.is_deleted)
        .group_by(TeamMembership.team_id))
    return {t: int(n) for t, n in rows}


def plans_created(session: Session, team_ids: list[int], until: datetime) -> Counts:
    """Current members' plans by the month they were created (cumulated by the caller)."""
    month = _month(session, Pdp.created_at)
    return _grouped(session, select(TeamMembership.team_id, month, func.count())
                    .join(Pdp, Pdp.owner_id == TeamMembership.member_id)
                    .where(TeamMembership.team_id.in_(team_ids), Pdp.created_at < until)
                    .group_by(TeamMembership.team_id, month))


def linked_objectives(session: Session, team_ids: list[int], since: datetime,
                      until: datetime) -> Counts:
    month = _month(session, Objective.created_at)
    return _grouped(session, select(Goal.team_id, month, func.count())
                    .join(Goal, Goal.id == Objective.goal_id)
                    .where(Goal.team_id.in_(team_ids), Objective.created_at >= since,
                           Objective.created_at < until)
                    .group_by(Goal.team_id, month))


def progress_updates(session: Session, team_ids: list[int], since: datetime,
                     until: datetime) -> Counts:
    month = _month(session, ProgressUpdate.created_at)
    return _grouped(session, select(Goal.team_id, month, func.count())
                    .join(Goal, Goal.id == ProgressUpdate.goal_id)
                    .where(Goal.team_id.in_(team_ids), ProgressUpdate.created_at >= since,
                           ProgressUpdate.created_at < until)
                    .group_by(Goal.team_id, month))


def milestones_done(session: Session, team_ids: list[int], since: datetime,
                    until: datetime) -> tuple[Counts, Counts]:
    """(on time, late) by the month they were done."""
    month = _month(session, Milestone.done_at)
    late = (_day(session, Milestone.done_at) > Milestone.due_date)
    rows = session.execute(
        select(Goal.team_id, month, late.label("late"), func.count())
        .join(Goal, Goal.id == Milestone.goal_id)
        .where(Goal.team_id.in_(team_ids), Milestone.done_at >= since, Milestone.done_at < until)
        .group_by(Goal.team_id, month, literal_column("late")))
    on_time: Counts = defaultdict(int)
    overdue: Counts = defaultdict(int)
    for team_id, m, is_late, n in rows:
        (overdue if is_late else on_time)[(team_id, m)] += int(n)
    return dict(on_time), dict(overdue)


def goals_achieved(session: Session, team_ids: list[int], since: datetime,
                   until: datetime) -> Counts:
    month = _month(session, Goal.achieved_at)
    return _grouped(session, select(Goal.team_id, month, func.count())
                    .where(Goal.team_id.in_(team_ids), Goal.status == "achieved",
                           Goal.achieved_at >= since, Goal.achieved_at < until)
                    .group_by(Goal.team_id, month))


def labs(session: Session, team_ids: list[int], since: datetime,
         until: datetime) -> tuple[Counts, Counts]:
    """(held, planned) sessions by the month they were to start."""
    month = _month(session, LabSession.starts_at)
    rows = session.execute(
        select(Lab.team_id, month, LabSession.status, func.count())
        .join(Lab, Lab.id == LabSession.lab_id)
        .where(and_(Lab.team_id.in_(team_ids), LabSession.starts_at >= since,
                    LabSession.starts_at < until))
        .group_by(Lab.team_id, month, LabSession.status))
    held: Counts = defaultdict(int)
    planned: Counts = defaultdict(int)
    for team_id, m, status, n in rows:
        planned[(team_id, m)] += int(n)
        if status == "done":
            held[(team_id, m)] += int(n)
    return dict(held), dict(planned)


def pulse_rounds(session: Session, team_ids: list[int], since: datetime,
                 until: datetime) -> list:
    """Closed surveys: (team_id, closes_at, invited, responses, summary); the summary exists
    only when the survey reached its threshold."""
    t = PulseSurvey.__table__
    return list(session.execute(
        select(t.c.team_id, t.c.closes_at, t.c.invited, t.c.responses, t.c.summary)
        .where(t.c.team_id.in_(team_ids), t.c.status == "closed", t.c.closes_at >= since,
               t.c.closes_at < until)))
