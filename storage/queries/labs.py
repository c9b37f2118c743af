"""Learning labs: the lab, its rotation (seats) and its sessions, read and written by name.

Who presents, and which topic the team may see, is decided in handlers/labs; this module
only stores what was decided.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from bot.rules.rotation import Seat
from storage.models import (
    Lab,
    LabSeat,
    LabSession,
    Member,
    Objective,
    OutboxMessage,
    Pdp,
    PdpChange,
    ProgressUpdate,
    Schedule,
    Team,
    TeamMembership,
)


def lab_for_team(session: Session, team_id: int) -> Lab | None:
    return session.exec(select(Lab).where(Lab.team_id == team_id)).first()


def session_with_lab(session: Session, session_id: int | None
                     ) -> tuple[LabSession | None, Lab | None, Team | None]:
    """A lab session with its lab and team; Nones for whatever no longer exists."""
    lab_session = session.get(LabSession, session_id) if session_id else None
    lab = session.get(Lab, lab_session.lab_id) if lab_session else None
    team = session.get(Team, lab.team_id) if lab else None
    if team is None:
        return None, None, None
    return lab_session, lab, team


def slack_id(session: Session, member_id: int | None) -> str | None:
    member = session.get(Member, member_id) if member_id else None
    return member.slack_user_id if member else None


# ---- rotation ------------------------------------------------------------------------------

def seats(session: Session, lab_id: int) -> list[Seat]:
    """The lab's seats in line order (least presented first, then place in line)."""
    rows = session.exec(select(LabSeat).where(LabSeat.lab_id == lab_id).order_by(
        LabSeat.presented, LabSeat.position, LabSeat.member_id))
    return [Seat(r.member_id, r.presented, r.position) for r in rows]


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


def remove_seat(session: Session, lab_id: int, member_id: int) -> None:
    session.execute(delete(LabSeat).where(LabSeat.lab_id == lab_id,
                                          LabSeat.member_id == member_id))
    session.flush()


def eligible_members(session: Session, team_id: int) -> list[int]:
    """Team members who can present: in the team, not deactivated, not bots."""
    return list(session.exec(
        select(TeamMembership.member_id).join(Member, Member.id == TeamMembership.member_id)
        .where(TeamMembership.team_id == team_id, Member.is_deleted.is_(False),
               Member.is_bot.is_(False))
        .order_by(TeamMembership.joined_at, TeamMembership.member_id)))


# ---- sessions ------------------------------------------------------------------------------

def pending_sessions(session: Session, lab_id: int, now: datetime) -> list[LabSession]:
    return list(session.exec(select(LabSession).where(
        LabSession.lab_id == lab_id, LabSession.status == "scheduled",
        LabSession.starts_at > now).order_by(LabSession.starts_at)))


def session_at(session: Session, lab_id: int, starts_at: datetime) -> LabSession | None:
    return session.exec(select(LabSession).where(LabSession.lab_id == lab_id,
                                                 LabSession.starts_at == starts_at)).first()


def next_session_presented_by(session: Session, lab_id: int, member_id: int, now: datetime,
                              *, other_than: int) -> LabSession | None:
    return session.exec(select(LabSession).where(
        LabSession.lab_id == lab_id, LabSession.status == "scheduled",
        LabSession.starts_at > now, LabSession.presenter_id == member_id,
        LabSession.id != other_than).order_by(LabSession.starts_at)).first()


def latest_objective(session: Session, member_id: int, *, visibility: str,
                     status: str) -> Objective | None:
    """The member's objective with this visibility and status, most recently worked on first."""
    return session.exec(
        select(Objective).join(Pdp, Pdp.id == Objective.pdp_id)
        .where(Pdp.owner_id == member_id, Objective.visibility == visibility,
               Objective.status == status)
        .order_by(Objective.last_progress_at.desc().nulls_last(), Objective.updated_at.desc(),
                  Objective.id)).first()


def set_topic(session: Session, lab_session: LabSession, topic: str,
              objective_id: int | None) -> None:
    lab_session.topic, lab_session.objective_id = topic, objective_id
    session.add(lab_session)


def set_presenter(session: Session, lab_session: LabSession, member_id: int | None,
                  objective: Objective | None, now: datetime) -> None:
    """A new presenter, with the topic drawn from `objective` (none: to be announced)."""
    lab_session.presenter_id = member_id
    lab_session.objective_id = objective.id if objective else None
    lab_session.topic = objective.title if objective else ""
    lab_session.swap_with_id = None
    lab_session.updated_at = now
    session.add(lab_session)


def set_swap_with(session: Session, lab_session: LabSession, member_id: int | None) -> None:
    lab_session.swap_with_id = member_id
    session.add(lab_session)


def set_status(session: Session, lab_session: LabSession, status: str) -> None:
    lab_session.status = status
    session.add(lab_session)


def set_post(session: Session, session_id: int, ts: str) -> None:
    """The announcement of this session was posted as `ts`."""
    lab_session = session.get(LabSession, session_id)
    if lab_session is not None and ts:
        lab_session.channel_ts = ts
        session.add(lab_session)


def insert_session(session: Session, lab_id: int, starts_at: datetime,
                   now: datetime) -> LabSession | None:
    """A new session at `starts_at` (no presenter yet); None when one exists already."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    new_id = session.execute(insert(LabSession).values(
        lab_id=lab_id, starts_at=starts_at, topic="", status="scheduled", created_at=now,
        updated_at=now).on_conflict_do_nothing(index_elements=["lab_id", "starts_at"])
        .returning(LabSession.id)).scalar()
    return session.get(LabSession, new_id) if new_id is not None else None


def mark_held(session: Session, lab_session: LabSession, now: datetime) -> None:
    lab_session.status = "done"
    lab_session.done_at = now
    lab_session.updated_at = now
    session.add(lab_session)
    session.flush()


def record_presented(session: Session, objective: Objective, member_id: int, topic: str,
                     now: datetime) -> None:
    """Progress on `objective`: presented at the learning lab (in the plan's history too)."""
    session.add(ProgressUpdate(objective_id=objective.id, member_id=member_id,
                               note=f"Presented “{topic}” at the team's learning lab.",
                               created_at=now))
    session.add(PdpChange(pdp_id=objective.pdp_id, actor_id=member_id,
                          objective_id=objective.id, created_at=now,
                          what="Presented this objective at the team's learning lab"))
    objective.last_progress_at = now
    objective.updated_at = now
    session.add(objective)
    session.flush()


def sessions_missing_posts(session: Session, lab_id: int) -> list[LabSession]:
    return list(session.exec(select(LabSession).where(
        LabSession.lab_id == lab_id, or_(LabSession.channel_ts.is_(None)))))


# ---- schedules and messages ------------------------------------------------------------------

def labs_out_of_step(session: Session, limit: int) -> list[int]:
    """Labs without their announcement schedule, or whose schedule is in an old timezone (an
    anti-join on the schedules' unique (kind, subject_id) index)."""
    schedule, lab, team = Schedule.__table__, Lab.__table__, Team.__table__
    in_step = select(schedule.c.id).where(schedule.c.kind == "lab_announce",
                                          schedule.c.subject_id == lab.c.id,
                                          schedule.c.tz == team.c.tz).exists()
    return list(session.execute(select(lab.c.id).join(team, team.c.id == lab.c.team_id)
                                .where(~in_step).order_by(lab.c.id).limit(limit)).scalars())


def labs_with_teams(session: Session, lab_ids: list[int]) -> list[tuple[Lab, Team]]:
    return list(session.exec(select(Lab, Team).join(Team, Team.id == Lab.team_id)
                             .where(Lab.id.in_(lab_ids))).all())


def pending_message_ids(session: Session, *, keys: list[str] = (),
                        key_like: str | None = None) -> list[int]:
    """Outbox messages not yet sent, by idempotency key (exact, or a LIKE pattern)."""
    if not keys and key_like is None:
        return []
    key = OutboxMessage.idempotency_key
    return list(session.exec(select(OutboxMessage.id).where(
        key.in_(list(keys)) if key_like is None else key.like(key_like),
        OutboxMessage.status == "pending")))
