"""Schedules: every recurring or one-off thing Pact will post, as a row (never a pickled job).

`next_run_at` is the UTC instant of the next occurrence, computed from `rule` in `tz`. A process
takes a due row by setting `claim_token` and `claimed_until` (its lease) with a conditional
UPDATE, so any number of processes run each occurrence once; a lapsed lease is taken over.
After a failed run `claimed_until` doubles as the time of the next attempt.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow

SCHEDULE_STATUSES = ("active", "paused", "done")

class Schedule(SQLModel, table=True):
    __tablename__ = "schedules"
    __table_args__ = (
        UniqueConstraint("kind", "subject_id"),
        CheckConstraint("status IN ('active','paused','done')", name="status"),
        Index("ix_schedules_due", "status", "next_run_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspaces.id", ondelete="CASCADE", max_length=32)
    # The team it posts for: pausing a team pauses these; deleting the team deletes them.
    team_id: int | None = Field(default=None, foreign_key="teams.id", ondelete="CASCADE",
                                index=True)
    kind: str = Field(max_length=32)
    subject_id: int  # what it points at (a team, a milestone…) depends on the kind
    rule: str = Field(max_length=200)  # bot.rules.recurrence text, weekdays by name
    tz: str = Field(default="UTC", max_length=64)  # IANA name
    status: str = Field(default="active", max_length=8)
    next_run_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_run_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # last occurrence run
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claim_token: str | None = Field(default=None, max_length=40)
    attempts: int = 0  # failed attempts at the current occurrence
    last_error: str | None = Field(default=None, max_length=500)
    skipped_runs: int = 0  # occurrences missed by more than the grace period
    last_skipped_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class NudgeSent(SQLModel, table=True):
    """A nudge item already sent to someone (e.g. "review_soon:3:2026-05-01"), never repeated."""

    __tablename__ = "nudges_sent"
    member_id: int = Field(foreign_key="members.id", ondelete="CASCADE", primary_key=True)
    item_key: str = Field(max_length=120, primary_key=True)
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class NudgeSnooze(SQLModel, table=True):
    """"Snooze a week": no nudge about `subject` (e.g. "pdp:3", "objective:9") until `until`."""

    __tablename__ = "nudge_snoozes"
    member_id: int = Field(foreign_key="members.id", ondelete="CASCADE", primary_key=True)
    subject: str = Field(max_length=60, primary_key=True)
    until: datetime = Field(sa_type=UTCDateTime)
