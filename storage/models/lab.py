"""Learning labs: a team's recurring session, its fair rotation, and each session held."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow

LAB_SESSION_STATUSES = ("scheduled", "done", "skipped", "swapped", "cancelled")


class Lab(SQLModel, table=True):
    __tablename__ = "labs"
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", ondelete="CASCADE", unique=True)
    rule: str = Field(max_length=200)  # cadence, e.g. "every 2 weeks thu 15:00 from 2026-01-08"
    duration_minutes: int = 60
    announce_days: int = 3  # the announcement goes out this many days ahead
    rotation_is_team: bool = True  # everyone in the team, kept in step with it
    created_by: str = Field(default="", max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LabSeat(SQLModel, table=True):
    """A member's place in a lab's rotation: how often they presented and their place in line."""

    __tablename__ = "lab_seats"
    lab_id: int = Field(foreign_key="labs.id", ondelete="CASCADE", primary_key=True)
    member_id: int = Field(foreign_key="members.id", ondelete="CASCADE", primary_key=True)
    presented: int = 0
    position: int = 0
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LabSession(SQLModel, table=True):
    __tablename__ = "lab_sessions"
    __table_args__ = (
        UniqueConstraint("lab_id", "starts_at"),
        CheckConstraint("status IN ('scheduled','done','skipped','swapped','cancelled')",
                        name="status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    lab_id: int = Field(foreign_key="labs.id", ondelete="CASCADE", index=True)
    starts_at: datetime = Field(sa_type=UTCDateTime)
    presenter_id: int | None = Field(default=None, foreign_key="members.id",
                                     ondelete="SET NULL")
    objective_id: int | None = Field(default=None, foreign_key="objectives.id",
                                     ondelete="SET NULL")
    topic: str = Field(default="", max_length=300)  # empty: to be announced
    status: str = Field(default="scheduled", max_length=10)
    skipped_by: list | None = Field(default=None, sa_type=JSON)  # member ids who passed
    swap_with_id: int | None = Field(default=None, foreign_key="members.id",
                                     ondelete="SET NULL")  # a swap waiting for a yes
    channel_ts: str | None = Field(default=None, max_length=32)  # the announcement post
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
