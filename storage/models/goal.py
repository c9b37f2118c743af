"""Shared training goals, their milestones, who committed, and every progress update."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow

GOAL_STATUSES = ("active", "achieved", "missed", "archived")


class Goal(SQLModel, table=True):
    __tablename__ = "goals"
    __table_args__ = (
        CheckConstraint("status IN ('active','achieved','missed','archived')", name="status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="teams.id", ondelete="CASCADE", index=True)
    owner_id: int = Field(foreign_key="members.id")
    title: str = Field(max_length=150)
    metric: str = Field(max_length=200)  # what is measured
    baseline: float
    target: float
    current_value: float
    unit: str = Field(default="", max_length=40)
    due_date: date
    project: str = Field(default="", max_length=500)  # linked project: text or URL
    status: str = Field(default="active", max_length=10)
    channel_ts: str | None = Field(default=None, max_length=32)  # the goal's post, kept updated
    # Where the goal's conversation lives once begun (its post, or the check-in it began in):
    # every reply about the goal goes there, so it stays one thread.
    thread_ts: str | None = Field(default=None, max_length=32)
    achieved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Milestone(SQLModel, table=True):
    __tablename__ = "milestones"
    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goals.id", ondelete="CASCADE", index=True)
    position: int = 0
    title: str = Field(max_length=150)
    due_date: date
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    done_by_id: int | None = Field(default=None, foreign_key="members.id")


class GoalParticipant(SQLModel, table=True):
    """A member who said "I'm in" to a goal."""

    __tablename__ = "goal_participants"
    goal_id: int = Field(foreign_key="goals.id", ondelete="CASCADE", primary_key=True)
    member_id: int = Field(foreign_key="members.id", ondelete="CASCADE", primary_key=True)
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProgressUpdate(SQLModel, table=True):
    """One logged step on a goal or a PDP objective; the history is never rewritten."""

    __tablename__ = "progress_updates"
    __table_args__ = (
        CheckConstraint("(goal_id IS NULL) <> (objective_id IS NULL)", name="one_subject"),
    )
    id: int | None = Field(default=None, primary_key=True)
    goal_id: int | None = Field(default=None, foreign_key="goals.id", ondelete="CASCADE",
                                index=True)
    objective_id: int | None = Field(default=None, foreign_key="objectives.id",
                                     ondelete="CASCADE", index=True)
    member_id: int = Field(foreign_key="members.id")
    value: float | None = None
    note: str = Field(default="", max_length=3000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
