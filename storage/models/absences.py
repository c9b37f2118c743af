"""Absences: someone's own "away until", and what their Slack status last said."""

from __future__ import annotations

from datetime import date, datetime

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
