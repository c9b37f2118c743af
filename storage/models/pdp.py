"""Personal development plans: private by default, shared section by section."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow

VISIBILITIES = ("private", "manager", "team")
OBJECTIVE_STATUSES = ("not_started", "in_progress", "done", "dropped")


class Pdp(SQLModel, table=True):
    __tablename__ = "pdps"
    __table_args__ = (
        CheckConstraint("aspiration_visibility IN ('private','manager','team')",
                        name="aspiration_visibility"),
        CheckConstraint("skill_gaps_visibility IN ('private','manager','team')",
                        name="skill_gaps_visibility"),
    )
    id: int | None = Field(default=None, primary_key=True)
    owner_id: int = Field(foreign_key="members.id", ondelete="CASCADE", unique=True)
    manager_id: int | None = Field(default=None, foreign_key="members.id", ondelete="SET NULL",
                                   index=True)
    aspiration: str = Field(default="", max_length=3000)
    aspiration_visibility: str = Field(default="private", max_length=8)
    skill_gaps: str = Field(default="", max_length=3000)
    skill_gaps_visibility: str = Field(default="private", max_length=8)
    review_cadence_months: int = 3
    last_review_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    next_review_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Set when the owner asks their manager for a review; cleared when the manager approves.
    review_requested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Objective(SQLModel, table=True):
    __tablename__ = "objectives"
    __table_args__ = (
        CheckConstraint("visibility IN ('private','manager','team')", name="visibility"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
    )
    id: int | None = Field(default=None, primary_key=True)
    pdp_id: int = Field(foreign_key="pdps.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=150)
    skill: str = Field(default="", max_length=150)
    actions: str = Field(default="", max_length=3000)
    target_date: date | None = None
    goal_id: int | None = Field(default=None, foreign_key="goals.id", ondelete="SET NULL",
                                index=True)
    status: str = Field(default="not_started", max_length=12)
    progress: int = 0
    visibility: str = Field(default="private", max_length=8)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_progress_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PdpReview(SQLModel, table=True):
    __tablename__ = "pdp_reviews"
    id: int | None = Field(default=None, primary_key=True)
    pdp_id: int = Field(foreign_key="pdps.id", ondelete="CASCADE", index=True)
    reviewer_id: int = Field(foreign_key="members.id")
    outcome: str = Field(max_length=16)  # 'approved' or 'commented'
    comment: str = Field(default="", max_length=3000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PdpChange(SQLModel, table=True):
    """The living document's history: what changed, when, by whom."""

    __tablename__ = "pdp_changes"
    id: int | None = Field(default=None, primary_key=True)
    pdp_id: int = Field(foreign_key="pdps.id", ondelete="CASCADE", index=True)
    actor_id: int = Field(foreign_key="members.id")
    objective_id: int | None = Field(default=None)  # kept after the objective is gone
    what: str = Field(max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
