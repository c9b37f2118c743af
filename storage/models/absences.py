"""Absences: someone's own "away until", what their Slack status last said, and team
holiday calendars."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint
from sqlmodel import Field, SQLModel

from storage.models import base as _base  # noqa: F401 - the naming convention first
from storage.types import UTCDateTime


class Absence(SQLModel, table=True):
    """One row per member Pact knows an absence (or a status reading) of."""

    __tablename__ = "absences"
    member_id: int = Field(foreign_key="members.id", ondelete="CASCADE", primary_key=True)
    workspace_id: str = Field(foreign_key="workspaces.id", ondelete="CASCADE", index=True,
                              max_length=32)
    until: date | None = None  # their own `/pact away until`, inclusive, their local day
    note: str = Field(default="", max_length=200)
    set_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status_away: bool = False  # their Slack status means absence
    status_label: str = Field(default="", max_length=120)
    status_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status_checked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Their own public holidays (`/pact away country DE BY`); "" for their teams' calendar.
    country: str = Field(default="", max_length=8)
    subdivision: str = Field(default="", max_length=16)


class TeamHolidays(SQLModel, table=True):
    """A team's holiday calendar: a country's public holidays (and a subdivision's), its own
    days off, and whether its posts move to the next working day or are skipped."""

    __tablename__ = "team_holidays"
    __table_args__ = (CheckConstraint("mode IN ('move','skip')", name="mode"),)
    team_id: int = Field(foreign_key="teams.id", ondelete="CASCADE", primary_key=True)
    country: str = Field(default="", max_length=8)
    subdivision: str = Field(default="", max_length=16)
    own_days: list = Field(default_factory=list, sa_type=JSON)  # [["2026-12-24", "Office shut"]]
    mode: str = Field(default="move", max_length=4)
    moved: int = 0  # posts moved to the next working day
    skipped: int = 0  # posts skipped for a holiday
    # The status words and emoji that mean absence for its members; None: Pact's default list.
    status_words: list | None = Field(default=None, sa_type=JSON)
