"""Slack workspaces and the people in them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class Workspace(SQLModel, table=True):
    """A Slack workspace (`team_id`); every other row belongs to one."""

    __tablename__ = "workspaces"
    id: str = Field(primary_key=True, max_length=32)  # Slack team_id, e.g. T0123ABC
    name: str = Field(default="", max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Member(SQLModel, table=True):
    """A Slack user as Pact knows them, refreshed from `users.info`."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("workspace_id", "slack_user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspaces.id", ondelete="CASCADE", index=True,
                              max_length=32)
    slack_user_id: str = Field(max_length=32)
    display_name: str = Field(default="", max_length=255)
    tz: str = Field(default="UTC", max_length=64)  # IANA name, never an offset
    is_admin: bool = False
    is_bot: bool = False
    is_deleted: bool = False
    refreshed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Submission(SQLModel, table=True):
    """A form submission or click that changed something, by a key Slack makes unique (the
    view's id and hash, the action's ts). Written in the transaction of the change itself, so
    the same submission twice (a double click, a retry, a replay, another replica) is one
    change."""

    __tablename__ = "submissions"
    key: str = Field(primary_key=True, max_length=200)
    workspace_id: str = Field(foreign_key="workspaces.id", ondelete="CASCADE", max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
