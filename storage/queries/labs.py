"""Learning labs: the lab, its rotation (seats) and its sessions, kept fair by bot.rules.rotation."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from bot.rules import rotation
from bot.rules.recurrence import Rule, next_after, parse_rule
from bot.rules.rotation import Seat
from bot.rules.visibility import TEAM, TEAM_AUDIENCE, may_see
from storage.models import (
    Lab,
    LabSeat,
    LabSession,
    Member,
    Objective,
    Pdp,
    PdpChange,
    ProgressUpdate,
    Team,
    TeamMembership,
)
from storage.queries import schedules as sq


def lab_for_team(session: Session, team_id: int) -> Lab | None:
    return session.exec(select(Lab).where(Lab.team_id == team_id)).first()


def base_rule(lab: Lab) -> Rule:
    return parse_rule(lab.rule)


# ---- rotation ------------------------------------------------------------------------------

def seats(session: Session, lab_id: int) -> list[Seat]:
    rows = session.exec(select(LabSeat).where(LabSeat.lab_id == lab_id))
    return rotation.in_line(Seat(r.member_id, r.presented, r.position) for r in rows)


def save_seats(session: Session, lab_id: int, new: list[Seat]) -> None:
    rows = {r.member_id: r for r in session.exec(select(LabSeat).where(LabSeat.lab_id == lab_id))}
    wanted = {s.member_id for s in new}
    for member_id, row in rows.items():
        if member_id not in wanted:
            session.delete(row)
    for seat in new:
        row = rows.get(seat.member_id) or LabSeat(lab_id=lab_id, member_id=seat.member_id)
        row.presented, row.position = seat.presented, seat.position
        session.add(row)
    session.flush()


def eligible_members(session: Session, team_id: int) -> list[int]:
    """Team members who can present: in the team, not deactivated, not bots."""
    return list(session.exec(
        select(TeamMembership.member_id).join(Member, Member.id == TeamMembership.member_id)
        .where(TeamMembership.team_id == team_id, Member.is_deleted.is_(False),
               Member.is_bot.is_(False))
        .order_by(TeamMembership.joined_at, TeamMembership.member_id)))


def sync_rotation(session: Session, lab: Lab, chosen: list[int] | None = None) -> list[Seat]:
    """Bring the rotation in step: the whole team (default) or `chosen`, minus leavers."""
    team_members = eligible_members(session, lab.team_id)
    current = seats(session, lab.id)
    if chosen is not None:
        wanted = [m for m in chosen if m in set(team_members)]
    elif lab.rotation_is_team:
        wanted = team_members
    else:
        wanted = [s.member_id for s in current if s.member_id in set(team_members)]
    new = rotation.sync(current, wanted)
    if new != current:
        save_seats(session, lab.id, new)
    return new


# ---- sessions ------------------------------------------------------------------------------

def pending_sessions(session: Session, lab_id: int, now: datetime) -> list[LabSession]:
    return list(session.exec(select(LabSession).where(
        LabSession.lab_id == lab_id, LabSession.status == "scheduled",
        LabSession.starts_at > now).order_by(LabSession.starts_at)))


def topic_for(session: Session, member_id: int) -> Objective | None:
    """The presenter's topic: a team-visible objective in progress (never anything less
    visible), the most recently worked on first."""
    return session.exec(
        select(Objective).join(Pdp, Pdp.id == Objective.pdp_id)
        .where(Pdp.owner_id == member_id, Objective.visibility == TEAM,
               Objective.status == "in_progress")
        .order_by(Objective.last_progress_at.desc().nulls_last(), Objective.updated_at.desc(),
                  Objective.id)).first()


def shareable_topic(session: Session, lab_session: LabSession) -> str:
    """The session's topic as the team may see it now.

    A topic drawn from an objective is checked again whenever it is shown: its owner may have
    made the objective private (or deleted it) since it was picked. Then the topic is dropped
    ("to be announced"), never shown.
    """
    if lab_session.objective_id is None:
        return lab_session.topic
    objective = session.get(Objective, lab_session.objective_id)
    if objective is None or not may_see(TEAM_AUDIENCE, objective.visibility):
        lab_session.topic, lab_session.objective_id = "", None
        session.add(lab_session)
        return ""
    if lab_session.topic != objective.title:
        lab_session.topic = objective.title
        session.add(lab_session)
    return lab_session.topic


def _set_presenter(session: Session, lab_session: LabSession, member_id: int | None,
                   now: datetime) -> None:
    lab_session.presenter_id = member_id
    objective = topic_for(session, member_id) if member_id else None
    lab_session.objective_id = objective.id if objective else None
    lab_session.topic = objective.title if objective else ""
    lab_session.swap_with_id = None
    lab_session.updated_at = now
    session.add(lab_session)


def plan_session(session: Session, lab: Lab, starts_at: datetime,
                 now: datetime) -> LabSession | None:
    """Create the session at `starts_at` with the next presenter in line; None if it exists."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    new_id = session.execute(insert(LabSession).values(
        lab_id=lab.id, starts_at=starts_at, topic="", status="scheduled", created_at=now,
        updated_at=now).on_conflict_do_nothing(index_elements=["lab_id", "starts_at"])
        .returning(LabSession.id)).scalar()
    if new_id is None:
        return None
    lab_session = session.get(LabSession, new_id)
    current = sync_rotation(session, lab)
    presenter = rotation.pick(current)
    if presenter is not None:
        save_seats(session, lab.id, rotation.presented(current, presenter))
    _set_presenter(session, lab_session, presenter, now)
    session.flush()
    return lab_session


def skip(session: Session, lab: Lab, lab_session: LabSession, now: datetime) -> int | None:
    """The presenter passes: the next person in line presents, the skipper keeps their turn.
    Returns the new presenter, or None when nobody else can (nothing changes then)."""
    skipper = lab_session.presenter_id
    passed = set(lab_session.skipped_by or []) | {skipper}
    current = rotation.give_back(sync_rotation(session, lab), skipper)
    replacement = rotation.pick(current, exclude=passed)
    if replacement is None:
        return None
    save_seats(session, lab.id, rotation.presented(current, replacement))
    lab_session.skipped_by = sorted(passed)
    _set_presenter(session, lab_session, replacement, now)
    session.flush()
    return replacement


def swap(session: Session, lab: Lab, lab_session: LabSession, other_id: int,
         now: datetime) -> LabSession | None:
    """`other_id` presents this session instead; if they had a later session, the asker takes
    it. Returns that other session, if any."""
    asker = lab_session.presenter_id
    theirs = session.exec(select(LabSession).where(
        LabSession.lab_id == lab.id, LabSession.status == "scheduled",
        LabSession.starts_at > now, LabSession.presenter_id == other_id,
        LabSession.id != lab_session.id).order_by(LabSession.starts_at)).first()
    if theirs is None:
        current = rotation.give_back(sync_rotation(session, lab), asker)
        save_seats(session, lab.id, rotation.presented(current, other_id))
    else:
        _set_presenter(session, theirs, asker, now)
    _set_presenter(session, lab_session, other_id, now)
    session.flush()
    return theirs


def mark_done(session: Session, lab_session: LabSession, now: datetime) -> Objective | None:
    """Record the session as held, and as progress on the presenter's objective."""
    lab_session.status = "done"
    lab_session.done_at = now
    lab_session.updated_at = now
    session.add(lab_session)
    objective = session.get(Objective, lab_session.objective_id) \
        if lab_session.objective_id else None
    if objective is not None and lab_session.presenter_id:
        topic = lab_session.topic or objective.title
        session.add(ProgressUpdate(objective_id=objective.id, member_id=lab_session.presenter_id,
                                   note=f"Presented “{topic}” at the team's learning lab.",
                                   created_at=now))
        # The living document's history shows it too.
        session.add(PdpChange(pdp_id=objective.pdp_id, actor_id=lab_session.presenter_id,
                              objective_id=objective.id, created_at=now,
                              what="Presented this objective at the team's learning lab"))
        objective.last_progress_at = now
        objective.updated_at = now
        session.add(objective)
    session.flush()
    return objective


def member_left(session: Session, team: Team, member: Member, now: datetime) -> list[int]:
    """Someone left the team: out of the rotation; their upcoming sessions get the next person.
    Returns the ids of the sessions whose presenter changed."""
    lab = lab_for_team(session, team.id)
    if lab is None:
        return []
    session.execute(delete(LabSeat).where(LabSeat.lab_id == lab.id,
                                          LabSeat.member_id == member.id))
    session.flush()
    changed = []
    for lab_session in pending_sessions(session, lab.id, now):
        if lab_session.presenter_id == member.id or lab_session.swap_with_id == member.id:
            if lab_session.presenter_id == member.id:
                current = sync_rotation(session, lab)
                nxt = rotation.pick(current)
                if nxt is not None:
                    save_seats(session, lab.id, rotation.presented(current, nxt))
                _set_presenter(session, lab_session, nxt, now)
            else:
                lab_session.swap_with_id = None
                session.add(lab_session)
            changed.append(lab_session.id)
    session.flush()
    return changed


def projected(session: Session, lab: Lab, team: Team, now: datetime,
              count: int = 4) -> list[tuple[datetime, int | None, LabSession | None]]:
    """The next `count` sessions: planned ones as stored, later ones with who is next in line."""
    rule = base_rule(lab)
    planned = {s.starts_at: s for s in pending_sessions(session, lab.id, now)}
    line = rotation.upcoming(seats(session, lab.id), count)
    out = []
    cursor = now
    while len(out) < count:
        when = next_after(rule, team.tz, cursor)
        if when is None:
            break
        cursor = when
        stored = planned.get(when)
        if stored is not None:
            out.append((when, stored.presenter_id, stored))
        else:
            out.append((when, line.pop(0) if line else None, None))
    return out


# ---- schedules ------------------------------------------------------------------------------

def session_schedules(session: Session, lab: Lab, team: Team, lab_session: LabSession,
                      now: datetime) -> None:
    """The presenter's reminder the day before, and the follow-up after the session."""
    zone = ZoneInfo(team.tz)
    start = lab_session.starts_at.astimezone(zone)
    end = (lab_session.starts_at + timedelta(minutes=lab.duration_minutes)).astimezone(zone)
    reminder = Rule("once", start.time().replace(second=0, microsecond=0), start=start.date(),
                    days_before=1)
    followup = Rule("once", end.time().replace(second=0, microsecond=0), start=end.date())
    for kind, rule in (("lab_reminder", reminder), ("lab_followup", followup)):
        sq.ensure(session, workspace_id=team.workspace_id, team_id=team.id, kind=kind,
                  subject_id=lab_session.id, rule=rule, tz=team.tz, now=now,
                  paused=bool(team.paused_reason))


def lab_schedules(session: Session, lab: Lab, team: Team, now: datetime,
                  announce_at: datetime | None = None) -> None:
    rule = base_rule(lab).shifted(lab.announce_days)
    sq.ensure(session, workspace_id=team.workspace_id, team_id=team.id, kind="lab_announce",
              subject_id=lab.id, rule=rule, tz=team.tz, now=now, next_run_at=announce_at,
              paused=bool(team.paused_reason))
    for lab_session in pending_sessions(session, lab.id, now):
        session_schedules(session, lab, team, lab_session, now)


def sessions_missing_posts(session: Session, lab_id: int) -> list[LabSession]:
    return list(session.exec(select(LabSession).where(
        LabSession.lab_id == lab_id, or_(LabSession.channel_ts.is_(None)))))
