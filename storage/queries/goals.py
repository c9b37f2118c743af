"""Shared goals, milestones, commitments and progress updates.

Every change that reads and then writes the same goal locks that goal's row first
(`SELECT … FOR UPDATE` on PostgreSQL; SQLite already serialises writers with BEGIN IMMEDIATE),
and every one-way change (milestone done, goal achieved, archived) is a conditional UPDATE,
so concurrent clicks never lose an update and a state changes exactly once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from bot.rules.goals import GoalInput
from storage.engine import now_of
from storage.models import (
    Goal,
    GoalParticipant,
    Member,
    Milestone,
    OutboxMessage,
    ProgressUpdate,
    Team,
    TeamMembership,
)


def get_goal(session: Session, workspace_id: str, goal_id, *,
             for_update: bool = False) -> Goal | None:
    """Goal `goal_id` if it belongs to `workspace_id` (ids from payloads are untrusted)."""
    try:
        goal_id = int(goal_id)
    except (TypeError, ValueError):
        return None
    stmt = (select(Goal).join(Team, Team.id == Goal.team_id)
            .where(Goal.id == goal_id, Team.workspace_id == workspace_id))
    if for_update:
        stmt = stmt.with_for_update(of=Goal)
    return session.exec(stmt).first()


def lock_goal(session: Session, goal_id: int) -> Goal:
    """Re-read goal `goal_id` holding its row lock until the transaction ends."""
    goal = session.exec(select(Goal).where(Goal.id == goal_id)
                        .with_for_update().execution_options(populate_existing=True)).one()
    return goal


def get_milestone(session: Session, workspace_id: str, milestone_id
                  ) -> tuple[Milestone, Goal] | None:
    try:
        milestone_id = int(milestone_id)
    except (TypeError, ValueError):
        return None
    row = session.exec(
        select(Milestone, Goal).join(Goal, Goal.id == Milestone.goal_id)
        .join(Team, Team.id == Goal.team_id)
        .where(Milestone.id == milestone_id, Team.workspace_id == workspace_id)).first()
    return (row[0], row[1]) if row else None


def milestones_of(session: Session, goal_id: int) -> list[Milestone]:
    return list(session.exec(select(Milestone).where(Milestone.goal_id == goal_id)
                             .order_by(Milestone.position, Milestone.id)))


def active_goals(session: Session, team_id: int) -> list[Goal]:
    return list(session.exec(select(Goal).where(Goal.team_id == team_id,
                                                Goal.status == "active")
                             .order_by(Goal.due_date, Goal.id)))


def active_goals_of_teams(session: Session, team_ids: list[int], limit: int
                          ) -> tuple[list[Goal], int]:
    """(the first `limit` active goals of these teams in the order a person's teams are
    listed (by team name) and each team's goals (by due date), and each team's first goal so
    every team is known to have some; how many active goals the teams have), in one
    statement."""
    if not team_ids:
        return [], 0
    order = (Team.name, Team.id, Goal.due_date, Goal.id)
    ranked = (select(Goal.id.label("goal_id"),
                     func.row_number().over(order_by=order).label("position"),
                     func.row_number().over(partition_by=Goal.team_id,
                                            order_by=(Goal.due_date, Goal.id)).label("rank"),
                     func.count().over().label("total"))
              .join(Team, Team.id == Goal.team_id)
              .where(Goal.team_id.in_(team_ids), Goal.status == "active").subquery())
    rows = session.exec(
        select(Goal, ranked.c.total).join(ranked, ranked.c.goal_id == Goal.id)
        .where((ranked.c.position <= limit) | (ranked.c.rank == 1))
        .order_by(ranked.c.position)).all()
    return [g for g, _ in rows], (rows[0][1] if rows else 0)


def milestones_of_goals(session: Session, goal_ids: list[int]) -> dict[int, list[Milestone]]:
    """`milestones_of` several goals in one statement, by goal id."""
    found: dict[int, list[Milestone]] = {g: [] for g in goal_ids}
    if goal_ids:
        for m in session.exec(select(Milestone).where(Milestone.goal_id.in_(goal_ids))
                              .order_by(Milestone.goal_id, Milestone.position, Milestone.id)):
            found[m.goal_id].append(m)
    return found


def participants_of_goals(session: Session, goal_ids: list[int]) -> dict[int, list[int]]:
    """`participant_ids` of several goals in one statement, by goal id."""
    found: dict[int, list[int]] = {g: [] for g in goal_ids}
    if goal_ids:
        for goal_id, member_id in session.exec(
                select(GoalParticipant.goal_id, GoalParticipant.member_id)
                .where(GoalParticipant.goal_id.in_(goal_ids))
                .order_by(GoalParticipant.joined_at, GoalParticipant.member_id)):
            found[goal_id].append(member_id)
    return found


def active_goals_of_member(session: Session, member_id: int) -> list[tuple[Team, Goal]]:
    """(team, goal) for every active goal of every team the member is in."""
    rows = session.exec(
        select(Team, Goal).join(TeamMembership, TeamMembership.team_id == Team.id)
        .join(Goal, Goal.team_id == Team.id)
        .where(TeamMembership.member_id == member_id, Goal.status == "active")
        .order_by(Team.name, Team.id, Goal.due_date, Goal.id))
    return [(t, g) for t, g in rows]


def create_goal(session: Session, team: Team, owner_id: int, form: GoalInput) -> Goal:
    now = now_of(session)
    goal = Goal(team_id=team.id, owner_id=owner_id, title=form.title, metric=form.metric,
                baseline=form.baseline, target=form.target, current_value=form.baseline,
                unit=form.unit, due_date=form.due_date, project=form.project,
                status="active", created_at=now, updated_at=now)
    session.add(goal)
    session.flush()
    for position, m in enumerate(form.milestones):
        session.add(Milestone(goal_id=goal.id, position=position, title=m.title,
                              due_date=m.due_date))
    session.flush()
    return goal


def has_logged_values(session: Session, goal_id: int) -> bool:
    """Whether anyone logged a value (not only a note) on goal `goal_id`."""
    return session.exec(select(func.count()).select_from(ProgressUpdate)
                        .where(ProgressUpdate.goal_id == goal_id,
                               ProgressUpdate.value.is_not(None))).one() > 0


def update_goal(session: Session, goal: Goal, form: GoalInput, *, current_value: float,
                now: datetime | None = None) -> Goal:
    """Write an edited form onto `goal` (locked by the caller). Milestones are matched by
    their row: a kept row keeps its done state, a cleared row is removed, a new row is added."""
    goal.title, goal.metric, goal.unit = form.title, form.metric, form.unit
    goal.baseline, goal.target = form.baseline, form.target
    goal.due_date, goal.project = form.due_date, form.project
    goal.current_value = current_value
    goal.updated_at = now or now_of(session)
    session.add(goal)
    existing = milestones_of(session, goal.id)
    by_row = {m.row: m for m in form.milestones}
    for row, stored in enumerate(existing):
        typed = by_row.pop(row, None)
        if typed is None:
            session.delete(stored)
            continue
        stored.title, stored.due_date, stored.position = typed.title, typed.due_date, row
        session.add(stored)
    for row, typed in sorted(by_row.items()):
        session.add(Milestone(goal_id=goal.id, position=row, title=typed.title,
                              due_date=typed.due_date))
    session.flush()
    return goal


def add_participant(session: Session, goal_id: int, member_id: int) -> bool:
    """Record "I'm in"; False when the member had already joined (nothing changes).

    INSERT … ON CONFLICT DO NOTHING RETURNING: a double click or two processes add one row, and
    exactly one of them is told it was new.
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (insert(GoalParticipant)
            .values(goal_id=goal_id, member_id=member_id, joined_at=now_of(session))
            .on_conflict_do_nothing(index_elements=["goal_id", "member_id"])
            .returning(GoalParticipant.member_id))
    return session.execute(stmt).scalar() is not None


def participant_ids(session: Session, goal_id: int) -> list[int]:
    return list(session.exec(select(GoalParticipant.member_id)
                             .where(GoalParticipant.goal_id == goal_id)
                             .order_by(GoalParticipant.joined_at, GoalParticipant.member_id)))


def is_participant(session: Session, goal_id: int, member_id: int) -> bool:
    return session.get(GoalParticipant, (goal_id, member_id)) is not None


def add_progress(session: Session, goal: Goal, member_id: int, new_value: float | None,
                 note: str, now: datetime | None = None) -> ProgressUpdate:
    """Keep one progress update and, when it carries a value, make it the goal's value.
    `goal` is locked by the caller, so concurrent updates are written one after the other."""
    now = now or now_of(session)
    if new_value is not None:
        goal.current_value = new_value
    goal.updated_at = now
    session.add(goal)
    entry = ProgressUpdate(goal_id=goal.id, member_id=member_id, value=new_value, note=note,
                           created_at=now)
    session.add(entry)
    session.flush()
    return entry


def touch(session: Session, goal: Goal, now: datetime | None = None) -> None:
    """Record that `goal` (locked by the caller) changed, so renderings know to refresh."""
    goal.updated_at = now or now_of(session)
    session.add(goal)


def mark_milestone_done(session: Session, milestone_id: int, member_id: int,
                        now: datetime | None = None) -> bool:
    """Done once: True for the click that marked it, False if it was already done."""
    result = session.execute(
        update(Milestone).where(Milestone.id == milestone_id, Milestone.done_at.is_(None))
        .values(done_at=now or now_of(session), done_by_id=member_id))
    return result.rowcount == 1


def achieve(session: Session, goal_id: int, now: datetime | None = None) -> bool:
    """active → achieved, exactly once however many callers race for it."""
    now = now or now_of(session)
    result = session.execute(
        update(Goal).where(Goal.id == goal_id, Goal.status == "active")
        .values(status="achieved", achieved_at=now, updated_at=now))
    return result.rowcount == 1


def archive(session: Session, goal_id: int) -> bool:
    result = session.execute(
        update(Goal).where(Goal.id == goal_id, Goal.status.in_(("active", "missed")))
        .values(status="archived", updated_at=now_of(session)))
    return result.rowcount == 1


def contributor_ids(session: Session, goal_id: int) -> list[int]:
    """Everyone who said "I'm in", logged progress or marked a milestone done, in the order
    they first took part."""
    joined = session.exec(select(GoalParticipant.member_id, GoalParticipant.joined_at)
                          .where(GoalParticipant.goal_id == goal_id)).all()
    logged = session.exec(select(ProgressUpdate.member_id, func.min(ProgressUpdate.created_at))
                          .where(ProgressUpdate.goal_id == goal_id)
                          .group_by(ProgressUpdate.member_id)).all()
    marked = session.exec(select(Milestone.done_by_id, Milestone.done_at)
                          .where(Milestone.goal_id == goal_id,
                                 Milestone.done_by_id.is_not(None))).all()
    first: dict[int, datetime] = {}
    for member_id, at in [*joined, *logged, *marked]:
        if member_id not in first or at < first[member_id]:
            first[member_id] = at
    return sorted(first, key=lambda m: (first[m], m))


def recent_updates(session: Session, goal_id: int, limit: int = 10
                   ) -> list[tuple[ProgressUpdate, Member]]:
    rows = session.exec(select(ProgressUpdate, Member)
                        .join(Member, Member.id == ProgressUpdate.member_id)
                        .where(ProgressUpdate.goal_id == goal_id)
                        .order_by(ProgressUpdate.id.desc()).limit(limit))
    return [(u, m) for u, m in rows]


def updates_of(session: Session, goal_id: int) -> list[ProgressUpdate]:
    return list(session.exec(select(ProgressUpdate).where(ProgressUpdate.goal_id == goal_id)
                             .order_by(ProgressUpdate.id)))


def goal_thread(session: Session, goal: Goal, fallback: str | None) -> str | None:
    """The goal's one thread: where its conversation already is, else its post, else
    `fallback` (the check-in it was asked about in), remembered from then on."""
    if goal.thread_ts:
        return goal.thread_ts
    ts = goal.channel_ts or fallback
    if ts:
        session.execute(update(Goal).where(Goal.id == goal.id, Goal.thread_ts.is_(None))
                        .values(thread_ts=ts))
        goal.thread_ts = ts
    return ts


def set_channel_ts(session: Session, goal_id: int, ts: str) -> None:
    session.execute(update(Goal).where(Goal.id == goal_id).values(channel_ts=ts))


def members_by_id(session: Session, ids) -> dict[int, Member]:
    ids = list(ids)
    if not ids:
        return {}
    return {m.id: m for m in session.exec(select(Member).where(Member.id.in_(ids)))}


def post_messages(session: Session, goal_id: int) -> list[OutboxMessage]:
    """The outbox rows that announce goal `goal_id` in its channel (first post and re-posts)."""
    return list(session.exec(select(OutboxMessage)
                             .where(OutboxMessage.after_send == f"goal_post:{goal_id}")
                             .order_by(OutboxMessage.id)))


def post_due_now(session: Session, message_id: int, now: datetime | None = None) -> bool:
    """Make a waiting announcement due at once (after someone invited Pact to the channel)."""
    now = now or now_of(session)
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending",
               (OutboxMessage.claimed_until.is_(None)) | (OutboxMessage.claimed_until < now))
        .values(next_attempt_at=now))
    return result.rowcount == 1
