"""Installations by OAuth, the lifecycle of each workspace, and events already handled.

The three `slack_*` tables are the ones slack_sdk's SQLAlchemy installation and OAuth state
stores read and write, built by the stores' own table builders into Pact's metadata so that
Pact's Alembic migrations create and check them (instead of the stores' `create_tables`).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlmodel import Field, SQLModel

from storage.models.base import metadata
from storage.types import UTCDateTime, utcnow

INSTALLATIONS_TABLE = "slack_installations"
BOTS_TABLE = "slack_bots"
OAUTH_STATES_TABLE = "slack_oauth_states"

slack_installations = SQLAlchemyInstallationStore.build_installations_table(
    metadata, INSTALLATIONS_TABLE)
slack_bots = SQLAlchemyInstallationStore.build_bots_table(metadata, BOTS_TABLE)
slack_oauth_states = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    metadata, OAUTH_STATES_TABLE)

WORKSPACE_STATES = ("installed", "uninstalled")


class WorkspaceInstall(SQLModel, table=True):
    """Whether Pact may act in a workspace. Uninstalled (or its tokens revoked): nothing of it
    is scheduled or sent, and its data is deleted at `purge_after` unless it comes back first.
    No foreign key: the record outlives the workspace's data, saying when it was removed."""

    __tablename__ = "workspace_installs"
    __table_args__ = (sa.CheckConstraint("state IN ('installed','uninstalled')", name="state"),)
    workspace_id: str = Field(primary_key=True, max_length=32)
    state: str = Field(default="installed", max_length=12, index=True)
    # The Enterprise Grid organisation of the workspace (None outside one): an org-wide
    # install's token serves it, and that install's uninstall stops it.
    enterprise_id: str | None = Field(default=None, max_length=32, index=True)
    installed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    uninstalled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    purge_after: datetime | None = Field(default=None, sa_type=UTCDateTime)
    purged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class HandledEvent(SQLModel, table=True):
    """An Events API `event_id` some replica is handling (until `expires_at`, a short claim) or
    handled (remembered for longer than Slack retries): the copies other replicas get and
    Slack's retries are acknowledged and dropped. A delivery whose handling failed deletes its
    row, so that Slack's retry is handled."""

    __tablename__ = "handled_events"
    event_id: str = Field(primary_key=True, max_length=64)
    workspace_id: str = Field(default="", max_length=32)
    expires_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
