"""The participation report's numbers: per team and per month, in a fixed handful of
statements whatever the number of teams or members (each grouped in SQL)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, case, func, literal_column, union_all
from sqlmodel import Session, select

from storage.models import (
    Goal,
    Kudos,
    Lab,
    LabSession,
    Member,
    MentorFollowup,
    MentorPair,
    MentorRound,
    Milestone,
    Objective,
    Pact,
    PactCheckin,
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


# ---- pacts, kudos, mentoring (other features' tables, read as counts only) ------------------

Spans = dict[tuple[int, str, str | None], int]  # (team, first month, last month or None) -> n


def _pact_team_branches(*columns, where=(), join=None):
    """The same pact count per team two ways: a pact on an objective belongs to the teams of
    the person supported, a pledge to a goal to the goal's team."""
    join = Pact.__table__ if join is None else join
    on_objective = select(TeamMembership.team_id, *columns, func.count()).select_from(join)
    on_goal = select(Goal.team_id, *columns, func.count()).select_from(join)
    on_objective = (on_objective.join(TeamMembership, TeamMembership.member_id == Pact.owner_id)
                    .where(Pact.objective_id.is_not(None), *where)
                    .group_by(TeamMembership.team_id, *columns))
    on_goal = (on_goal.join(Goal, Goal.id == Pact.goal_id)
               .where(Pact.objective_id.is_(None), *where)
               .group_by(Goal.team_id, *columns))
    return on_objective, on_goal


def pacts_active(session: Session, team_ids: list[int], since: datetime,
                 until: datetime) -> Spans:
    """Agreed pacts by the month they started and the month they ended (None: still on), for
    those active at some point between `since` and `until`."""
    started = _month(session, Pact.accepted_at).label("started")
    ended = _month(session, Pact.ended_at).label("ended")
    a, b = _pact_team_branches(started, ended, where=(
        Pact.accepted_at.is_not(None), Pact.accepted_at < until,
        (Pact.ended_at.is_(None)) | (Pact.ended_at >= since)))
    a = a.where(TeamMembership.team_id.in_(team_ids))
    b = b.where(Goal.team_id.in_(team_ids))
    out: Spans = defaultdict(int)
    for team_id, first, last, n in session.execute(union_all(a, b)):
        out[(team_id, first, last)] += int(n)
    return dict(out)


def pact_checkins(session: Session, team_ids: list[int], since: datetime,
                  until: datetime) -> tuple[Counts, Counts]:
    """(answered, kept: 'we met / made progress') pact check-ins by month."""
    month = _month(session, PactCheckin.created_at).label("month")
    kept = (PactCheckin.answer == "met").label("kept")
    join = PactCheckin.__table__.join(Pact.__table__, Pact.id == PactCheckin.pact_id)
    a, b = _pact_team_branches(month, kept, join=join, where=(
        PactCheckin.created_at >= since, PactCheckin.created_at < until))
    a = a.where(TeamMembership.team_id.in_(team_ids))
    b = b.where(Goal.team_id.in_(team_ids))
    answered: Counts = defaultdict(int)
    met: Counts = defaultdict(int)
    for team_id, m, is_kept, n in session.execute(union_all(a, b)):
        answered[(team_id, m)] += int(n)
        if is_kept:
            met[(team_id, m)] += int(n)
    return dict(answered), dict(met)


def kudos_given(session: Session, team_ids: list[int], since: datetime,
                until: datetime) -> Counts:
    """Kudos the team's members gave, by month; kudos sent privately are not counted."""
    month = _month(session, Kudos.created_at)
    return _grouped(session, select(TeamMembership.team_id, month, func.count())
                    .join(Kudos, Kudos.giver_id == TeamMembership.member_id)
                    .where(TeamMembership.team_id.in_(team_ids), ~Kudos.private,
                           Kudos.created_at >= since, Kudos.created_at < until)
                    .group_by(TeamMembership.team_id, month))


def mentor_pairs(session: Session, team_ids: list[int], since: datetime,
                 until: datetime) -> tuple[Counts, Counts]:
    """(pairs made, pairs of which a side said they met) by the month of their round."""
    month = _month(session, MentorRound.created_at)
    met = func.count(func.distinct(case((MentorFollowup.answer == "yes", MentorPair.id))))
    rows = session.execute(
        select(MentorRound.team_id, month, func.count(func.distinct(MentorPair.id)), met)
        .join(MentorPair, MentorPair.round_id == MentorRound.id)
        .outerjoin(MentorFollowup, MentorFollowup.pair_id == MentorPair.id)
        .where(MentorRound.team_id.in_(team_ids), MentorRound.created_at >= since,
               MentorRound.created_at < until)
        .group_by(MentorRound.team_id, month))
    made: Counts = {}
    together: Counts = {}
    for team_id, m, n, n_met in rows:
        made[(team_id, m)], together[(team_id, m)] = int(n), int(n_met)
    return made, together
