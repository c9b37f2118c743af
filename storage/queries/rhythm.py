"""Named reads for the rhythm: a batch of check-ins, the facts behind one person's nudges."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, delete, literal, or_, union
from sqlmodel import Session, col, select

from bot.rules.absence import Calendar
from storage.models import (
    Goal,
    Member,
    Milestone,
    NudgeSent,
    NudgeSnooze,
    Objective,
    OutboxMessage,
    Pdp,
    ProgressUpdate,
    Schedule,
    Team,
)
from storage.queries import absences as aq
from storage.queries import checkins as cq

G, M, P, TM, MB = (Goal.__table__, Milestone.__table__, ProgressUpdate.__table__,
                   Team.__table__, Member.__table__)


@dataclass
class CheckinBatch:
    """Everything a batch of teams' check-ins shows, keyed by team or goal id."""

    teams: dict[int, object] = field(default_factory=dict)
    goals: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    milestones: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    # goal id -> [(when, slack user id)] of progress updates since `since`, oldest first
    contributors: dict[int, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    calendars: dict[int, Calendar] = field(default_factory=dict)  # team id -> its holidays
    previous: dict[int, object] = field(default_factory=dict)  # team id -> its latest post
    existing: set[str] = field(default_factory=set)  # the runs' post keys enqueued already
    # what the runs decided, written together at the end (outbox.enqueue_many); each run's
    # outcome gets the ids of its keys that were added
    posts: list[dict] = field(default_factory=list)
    waiting: list[tuple] = field(default_factory=list)


def checkin_batch(session: Session, team_ids: list[int], since: datetime) -> CheckinBatch:
    """The teams, their holiday calendars and latest check-in posts, their active goals, the
    goals' milestones and recent contributors, in six queries however many teams the batch
    holds."""
    batch = CheckinBatch()
    batch.teams = {row.id: row for row in session.execute(
        select(TM.c.id, TM.c.channel_id, TM.c.name, TM.c.tz, TM.c.paused_reason,
               TM.c.workspace_id, TM.c.checkin_weekday).where(TM.c.id.in_(team_ids)))}
    batch.calendars = aq.calendars_of(session, list(batch.teams))
    batch.previous = cq.latest_checkin_posts(session, list(batch.teams))
    for row in session.execute(
            select(G.c.id, G.c.team_id, G.c.title, G.c.metric, G.c.baseline, G.c.target,
                   G.c.current_value, G.c.unit, G.c.due_date)
            .where(G.c.team_id.in_(team_ids), G.c.status == "active").order_by(G.c.id)):
        batch.goals[row.team_id].append(row)
    goal_ids = [g.id for rows in batch.goals.values() for g in rows]
    if not goal_ids:
        return batch
    for row in session.execute(select(M.c.id, M.c.goal_id, M.c.title, M.c.due_date,
                                      M.c.done_at).where(M.c.goal_id.in_(goal_ids))):
        batch.milestones[row.goal_id].append(row)
    for row in session.execute(
            select(P.c.goal_id, P.c.created_at, MB.c.slack_user_id)
            .join(MB, MB.c.id == P.c.member_id)
            .where(P.c.goal_id.in_(goal_ids), P.c.created_at >= since)
            .order_by(P.c.created_at)):
        batch.contributors[row.goal_id].append((row.created_at, row.slack_user_id))
    return batch


def member_zones(session: Session, slack_user_ids: set[str]) -> dict[tuple[str, str], str]:
    """(workspace, Slack user id) -> IANA timezone, for the people some DMs go to."""
    return {(m.workspace_id, m.slack_user_id): m.tz for m in session.exec(
        select(Member).where(Member.slack_user_id.in_(slack_user_ids)))}


def nudged_today(session: Session, member: Member, now: datetime) -> bool:
    """A nudge DM (a reminder, or a pact check-in) to `member` went out today (their local
    day) or is still waiting to: one such DM a day."""
    zone = ZoneInfo(member.tz)
    day = now.astimezone(zone).date()
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return session.exec(select(OutboxMessage.id).where(
        OutboxMessage.workspace_id == member.workspace_id,
        col(OutboxMessage.kind).in_(("nudge", "pact_checkin")),
        OutboxMessage.channel == member.slack_user_id,
        # next_attempt_at: when it was (last) due to go out, on the tick's clock
        or_(OutboxMessage.status == "pending",
            and_(OutboxMessage.status == "sent",
                 OutboxMessage.next_attempt_at.between(start, end)))).limit(1)).first() \
        is not None


@dataclass
class NudgeFacts:
    plans: list[Pdp]
    owners: dict[int, Member]
    objectives: list[Objective]  # of the plans `member` owns
    snoozed: set[str]
    sent: set[str]


def nudge_facts(session: Session, member: Member, now: datetime) -> NudgeFacts:
    """The plans `member` owns or manages, their owners, the own plans' objectives, and what
    is snoozed or was nudged about already."""
    pdps = list(session.exec(select(Pdp).where(or_(Pdp.owner_id == member.id,
                                                   Pdp.manager_id == member.id))))
    owners = {m.id: m for m in session.exec(select(Member).where(
        Member.id.in_([p.owner_id for p in pdps])))} if pdps else {}
    own = [p.id for p in pdps if p.owner_id == member.id]
    objectives = list(session.exec(select(Objective).where(Objective.pdp_id.in_(own)))) \
        if own else []
    snoozed = {s.subject for s in session.exec(select(NudgeSnooze).where(
        NudgeSnooze.member_id == member.id, NudgeSnooze.until > now))}
    sent = set(session.exec(select(NudgeSent.item_key).where(
        NudgeSent.member_id == member.id)))
    return NudgeFacts(pdps, owners, objectives, snoozed, sent)


def record_nudged(session: Session, member_id: int, item_keys: list[str],
                  now: datetime) -> None:
    for key in item_keys:
        session.add(NudgeSent(member_id=member_id, item_key=key, sent_at=now))
    session.flush()


def snooze_subjects(session: Session, member_id: int, subjects: list[str],
                    until: datetime) -> None:
    for subject in subjects:
        row = session.get(NudgeSnooze, (member_id, subject[:60]))
        if row is None:
            row = NudgeSnooze(member_id=member_id, subject=subject[:60], until=until)
        row.until = until
        session.add(row)


# ---- schedule rows out of step (reconciliation: anti-joins on the schedules' unique
# (kind, subject_id) index, ids only, at most `limit`) ------------------------------------------

S = Schedule.__table__


def _in_step(kind: str, subject, *same) -> object:
    """The anti-join's inner side: a `kind` schedule of `subject` agreeing on `same`."""
    return select(literal(1)).where(S.c.kind == kind, S.c.subject_id == subject, *same) \
        .exists()


def teams_out_of_step(session: Session, limit: int) -> list[int]:
    """Teams without a check-in, or whose check-in no longer matches the team's settings."""
    rule = literal("weekly ") + TM.c.checkin_weekday + literal(" ") + TM.c.checkin_time
    return list(session.execute(select(TM.c.id).where(
        ~_in_step("checkin", TM.c.id, S.c.tz == TM.c.tz, S.c.rule == rule))
        .order_by(TM.c.id).limit(limit)).scalars())


def goals_missing_reminders(session: Session, now: datetime, limit: int) -> list[int]:
    """Active goals with an open milestone (due from yesterday on) lacking a reminder."""
    open_ms = select(M.c.goal_id).join(G, G.c.id == M.c.goal_id).where(
        G.c.status == "active", M.c.done_at.is_(None),
        M.c.due_date >= (now - timedelta(days=1)).date())
    lacking = union(*(open_ms.where(~_in_step(kind, M.c.id))
                      for kind in ("milestone_soon", "milestone_due"))).subquery()
    return list(session.execute(select(lacking.c.goal_id).order_by(lacking.c.goal_id)
                                .limit(limit)).scalars())


REMINDERS = ("milestone_soon", "milestone_due")


def _of_deleted_milestone():
    return ~select(literal(1)).where(M.c.id == S.c.subject_id).exists()


def reminders_of_deleted_milestones(session: Session, limit: int) -> list[int]:
    return list(session.execute(select(S.c.id).where(S.c.kind.in_(REMINDERS),
                                                     _of_deleted_milestone())
                                .limit(limit)).scalars())


def drop_reminders_of_deleted_milestones(session: Session, schedule_ids: list[int]) -> int:
    """Delete those of `schedule_ids` whose milestone is (still) gone."""
    if not schedule_ids:
        return 0
    return session.execute(delete(S).where(S.c.id.in_(schedule_ids), S.c.kind.in_(REMINDERS),
                                           _of_deleted_milestone())).rowcount


def members_out_of_step(session: Session, limit: int) -> list[int]:
    """Owners and managers of plans without a nudge schedule, or with one in an old zone."""
    pdp = Pdp.__table__
    people = union(select(pdp.c.owner_id.label("mid")),
                   select(pdp.c.manager_id.label("mid")).where(pdp.c.manager_id.is_not(None))
                   ).subquery()
    return list(session.execute(
        select(MB.c.id).join(people, people.c.mid == MB.c.id)
        .where(~_in_step("nudge", MB.c.id, S.c.tz == MB.c.tz))
        .order_by(MB.c.id).limit(limit)).scalars())


def teams_by_id(session: Session, ids: list[int]) -> list[Team]:
    return list(session.execute(select(Team).where(Team.id.in_(ids))).scalars())


def goals_by_id(session: Session, ids: list[int]) -> list[Goal]:
    return list(session.execute(select(Goal).where(Goal.id.in_(ids))).scalars())


def members_by_id(session: Session, ids: list[int]) -> list[Member]:
    return list(session.execute(select(Member).where(Member.id.in_(ids))).scalars())


def goals_of_team(session: Session, team_id: int) -> list[Goal]:
    return list(session.execute(select(Goal).where(Goal.team_id == team_id)).scalars())


def milestones_of_goals(session: Session, goal_ids: list[int]) -> list[Milestone]:
    if not goal_ids:
        return []
    return list(session.execute(select(Milestone).where(Milestone.goal_id.in_(goal_ids))
                                .order_by(Milestone.id)).scalars())
