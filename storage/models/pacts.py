"""Pacts (a supporter's agreement with an objective's owner, or a pledge to a shared goal),
their check-in history, and kudos."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow

PACT_STATUSES = ("proposed", "active", "declined", "ended")
PACT_ORIGINS = ("offer", "ask", "pledge")
CADENCES = ("none", "weekly", "biweekly", "monthly")


class Pact(SQLModel, table=True):
    __tablename__ = "pacts"
    __table_args__ = (
        CheckConstraint("status IN ('proposed','active','declined','ended')", name="status"),
        CheckConstraint("origin IN ('offer','ask','pledge')", name="origin"),
        CheckConstraint("cadence IN ('none','weekly','biweekly','monthly')", name="cadence"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspaces.id", ondelete="CASCADE", max_length=32)
    # The person supported (for a pledge: the goal's owner); None once they deleted their data.
    owner_id: int | None = Field(default=None, foreign_key="members.id", ondelete="SET NULL",
                                 index=True)
    supporter_id: int | None = Field(default=None, foreign_key="members.id",
                                     ondelete="SET NULL", index=True)
    objective_id: int | None = Field(default=None, foreign_key="objectives.id",
                                     ondelete="SET NULL", index=True)
    goal_id: int | None = Field(default=None, foreign_key="goals.id", ondelete="SET NULL",
                                index=True)
    origin: str = Field(max_length=8)
    status: str = Field(default="proposed", max_length=10)
    offer_kind: str = Field(default="other", max_length=16)
    offer_text: str = Field(default="", max_length=500)
    cadence: str = Field(default="none", max_length=10)
    until: date | None = None
    ended_reason: str = Field(default="", max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The next day (each side's own calendar) a check-in DM is due; None without a cadence.
    owner_checkin_on: date | None = None
    supporter_checkin_on: date | None = None


class PactCheckin(SQLModel, table=True):
    """One answer to a check-in DM: the pact's history."""

    __tablename__ = "pact_checkins"
    id: int | None = Field(default=None, primary_key=True)
    pact_id: int = Field(foreign_key="pacts.id", ondelete="CASCADE", index=True)
    member_id: int | None = Field(default=None, foreign_key="members.id", ondelete="SET NULL")
    answer: str = Field(max_length=12)  # 'met' or 'not_yet'
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Kudos(SQLModel, table=True):
    __tablename__ = "kudos"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspaces.id", ondelete="CASCADE", max_length=32)
    giver_id: int = Field(foreign_key="members.id", ondelete="CASCADE", index=True)
    receiver_id: int = Field(foreign_key="members.id", ondelete="CASCADE", index=True)
    reason: str = Field(default="", max_length=500)
    private: bool = False
    goal_id: int | None = Field(default=None, foreign_key="goals.id", ondelete="SET NULL")
    objective_id: int | None = Field(default=None, foreign_key="objectives.id",
                                     ondelete="SET NULL")
    message_link: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
