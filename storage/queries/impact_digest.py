"""What a team's weekly digest says: named reads, nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from storage.models import (
    Goal,
    ImpactSettings,
    Kudos,
    Lab,
    LabSession,
    Member,
    Milestone,
    Objective,
    Pdp,
    TeamMembership,
)


@dataclass
class WeekFacts:
    milestones_done: list[tuple[str, str]] = field(default_factory=list)  # (goal, milestone)
    goals_achieved: list[str] = field(default_factory=list)
    # (slack id, title, visibility): every objective done, for the policy to choose from
    objectives_done: list[tuple[str, str, str]] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)  # active
    next_lab: tuple[datetime, str | None] | None = None  # (starts_at, presenter slack id)
    upcoming: list[tuple[str, str, date]] = field(default_factory=list)  # (goal, title, due)
    kudos: int = 0  # given in the open by the team's members
    thanked: int = 0  # different people those kudos went to


def settings(session: Session, team_id: int) -> ImpactSettings | None:
    return session.get(ImpactSettings, team_id)


def week_facts(session: Session, team_id: int, since: datetime, until: datetime,
               upcoming_until: date) -> WeekFacts:
    facts = WeekFacts()
    goals = list(session.exec(select(Goal).where(Goal.team_id == team_id)))
    by_id = {g.id: g for g in goals}
    facts.goals = [g for g in goals if g.status == "active"]
    facts.goals_achieved = [g.title for g in goals if g.status == "achieved" and g.achieved_at
                            and since <= g.achieved_at < until]
    if by_id:
        for m in session.exec(select(Milestone).where(Milestone.goal_id.in_(list(by_id)))
                              .order_by(Milestone.due_date, Milestone.id)):
            if m.done_at and since <= m.done_at < until:
                facts.milestones_done.append((by_id[m.goal_id].title, m.title))
            elif m.done_at is None and by_id[m.goal_id].status == "active" \
                    and m.due_date <= upcoming_until:
                facts.upcoming.append((by_id[m.goal_id].title, m.title, m.due_date))
    facts.objectives_done = [tuple(r) for r in session.execute(
        select(Member.slack_user_id, Objective.title, Objective.visibility)
        .join(Pdp, Pdp.id == Objective.pdp_id).join(Member, Member.id == Pdp.owner_id)
        .join(TeamMembership, TeamMembership.member_id == Member.id)
        .where(TeamMembership.team_id == team_id, Objective.status == "done",
               Objective.done_at >= since, Objective.done_at < until)
        .order_by(Objective.done_at, Objective.id))]
    facts.kudos, facts.thanked = session.execute(
        select(func.count(), func.count(func.distinct(Kudos.receiver_id)))
        .join(TeamMembership, TeamMembership.member_id == Kudos.giver_id)
        .where(TeamMembership.team_id == team_id, ~Kudos.private, Kudos.created_at >= since,
               Kudos.created_at < until)).one()
    row = session.execute(
        select(LabSession.starts_at, Member.slack_user_id)
        .join(Lab, Lab.id == LabSession.lab_id)
        .outerjoin(Member, Member.id == LabSession.presenter_id)
        .where(Lab.team_id == team_id, LabSession.status == "scheduled",
               LabSession.starts_at >= until)
        .order_by(LabSession.starts_at).limit(1)).first()
    facts.next_lab = (row[0], row[1]) if row else None
    return facts


def record_post(session: Session, team_id: int, week: str, ts: str | None) -> None:
    row = session.get(ImpactSettings, team_id)
    if row is not None:
        row.digest_week, row.digest_ts = week, ts
        session.add(row)
