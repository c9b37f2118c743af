"""Teams: a group of members bound to one channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Team(SQLModel, table=True):
    __tablename__ = "teams"
    __table_args__ = (
        UniqueConstraint("workspace_id", "channel_id"),
        CheckConstraint("checkin_weekday IN ('mon','tue','wed','thu','fri','sat','sun')",
                        name="checkin_weekday"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspaces.id", ondelete="CASCADE", index=True,
                              max_length=32)
    channel_id: str = Field(max_length=32)
    name: str = Field(max_length=80)
    tz: str = Field(default="UTC", max_length=64)
    checkin_weekday: str = Field(default="mon", max_length=3)  # by name, never a number
    checkin_time: str = Field(default="10:00", max_length=5)  # HH:MM in `tz`
    paused_reason: str | None = Field(default=None, max_length=255)  # e.g. channel archived
    created_by: str = Field(default="", max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TeamMembership(SQLModel, table=True):
    """A member's place in a team; `role` is 'lead' or 'member'."""

    __tablename__ = "team_memberships"
    __table_args__ = (CheckConstraint("role IN ('lead','member')", name="role"),)
    team_id: int = Field(foreign_key="teams.id", ondelete="CASCADE", primary_key=True)
    member_id: int = Field(foreign_key="members.id", ondelete="CASCADE", primary_key=True,
                           index=True)
    role: str = Field(default="member", max_length=8)
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
