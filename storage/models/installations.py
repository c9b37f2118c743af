"""Installations by OAuth, the lifecycle of each workspace, and events already handled.

The three `slack_*` tables are the ones slack_sdk's SQLAlchemy installation and OAuth state
stores read and write (same names, columns and index as the stores define), declared here so
Pact's Alembic migrations create and check them instead of the stores' `create_tables`.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from storage.models.base import metadata
from storage.types import UTCDateTime, utcnow

INSTALLATIONS_TABLE = "slack_installations"
BOTS_TABLE = "slack_bots"
OAUTH_STATES_TABLE = "slack_oauth_states"

slack_installations = sa.Table(
    INSTALLATIONS_TABLE, metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client_id", sa.String(32), nullable=False),
    sa.Column("app_id", sa.String(32), nullable=False),
    sa.Column("enterprise_id", sa.String(32)),
    sa.Column("enterprise_name", sa.String(200)),
    sa.Column("enterprise_url", sa.String(200)),
    sa.Column("team_id", sa.String(32)),
    sa.Column("team_name", sa.String(200)),
    sa.Column("bot_token", sa.String(200)),
    sa.Column("bot_id", sa.String(32)),
    sa.Column("bot_user_id", sa.String(32)),
    sa.Column("bot_scopes", sa.String(1000)),
    sa.Column("bot_refresh_token", sa.String(200)),
    sa.Column("bot_token_expires_at", sa.DateTime),
    sa.Column("user_id", sa.String(32), nullable=False),
    sa.Column("user_token", sa.String(200)),
    sa.Column("user_scopes", sa.String(1000)),
    sa.Column("user_refresh_token", sa.String(200)),
    sa.Column("user_token_expires_at", sa.DateTime),
    sa.Column("incoming_webhook_url", sa.String(200)),
    sa.Column("incoming_webhook_channel", sa.String(200)),
    sa.Column("incoming_webhook_channel_id", sa.String(200)),
    sa.Column("incoming_webhook_configuration_url", sa.String(200)),
    sa.Column("is_enterprise_install", sa.Boolean, nullable=False),
    sa.Column("token_type", sa.String(32)),
    sa.Column("installed_at", sa.DateTime, nullable=False),
    sa.Index(f"{INSTALLATIONS_TABLE}_idx", "client_id", "enterprise_id", "team_id", "user_id",
             "installed_at"),
)

slack_bots = sa.Table(
    BOTS_TABLE, metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client_id", sa.String(32), nullable=False),
    sa.Column("app_id", sa.String(32), nullable=False),
    sa.Column("enterprise_id", sa.String(32)),
    sa.Column("enterprise_name", sa.String(200)),
    sa.Column("team_id", sa.String(32)),
    sa.Column("team_name", sa.String(200)),
    sa.Column("bot_token", sa.String(200)),
    sa.Column("bot_id", sa.String(32)),
    sa.Column("bot_user_id", sa.String(32)),
    sa.Column("bot_scopes", sa.String(1000)),
    sa.Column("bot_refresh_token", sa.String(200)),
    sa.Column("bot_token_expires_at", sa.DateTime),
    sa.Column("is_enterprise_install", sa.Boolean, nullable=False),
    sa.Column("installed_at", sa.DateTime, nullable=False),
    sa.Index(f"{BOTS_TABLE}_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

slack_oauth_states = sa.Table(
    OAUTH_STATES_TABLE, metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("state", sa.String(200), nullable=False),
    sa.Column("expire_at", sa.DateTime, nullable=False),
)

WORKSPACE_STATES = ("installed", "uninstalled")


class WorkspaceInstall(SQLModel, table=True):
    """Whether Pact may act in a workspace. Uninstalled (or its tokens revoked): nothing of it
    is scheduled or sent, and its data is deleted at `purge_after` unless it comes back first.
    No foreign key: the record outlives the workspace's data, saying when it was removed."""

    __tablename__ = "workspace_installs"
    __table_args__ = (sa.CheckConstraint("state IN ('installed','uninstalled')", name="state"),)
    workspace_id: str = Field(primary_key=True, max_length=32)
    state: str = Field(default="installed", max_length=12, index=True)
    installed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    uninstalled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    purge_after: datetime | None = Field(default=None, sa_type=UTCDateTime)
    purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class HandledEvent(SQLModel, table=True):
    """An Events API `event_id` some replica already took: Slack's retries and the copies other
    replicas get are acknowledged and dropped. Rows expire (Slack retries for about an hour)."""

    __tablename__ = "handled_events"
    event_id: str = Field(primary_key=True, max_length=64)
    workspace_id: str = Field(default="", max_length=32)
    expires_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
