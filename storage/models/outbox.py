"""The outbox: every message Pact decides to send, written in the same transaction as the
decision, so a retry never posts twice and a crash never loses one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Index
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow

OUTBOX_STATUSES = ("pending", "sent", "failed", "skipped")


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("status IN ('pending','sent','failed','skipped')", name="status"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_team_posts", "team_id", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: str = Field(foreign_key="workspaces.id", ondelete="CASCADE", max_length=32)
    # Unique: enqueueing the same decision twice (a double click, a retried request, a second
    # process) adds nothing.
    idempotency_key: str = Field(max_length=255, unique=True)
    # The team a team post (a check-in) is for: its latest post is found by index, not by key.
    team_id: int | None = Field(default=None)
    kind: str = Field(default="", max_length=40)  # e.g. "goal_celebration", for logs and doctor
    # C…/G… channel, U… user id for a DM, or "U1,U2,…" for the group DM of those people
    # (opened with conversations.open when it is sent; up to 8 ids of up to 21 characters).
    channel: str = Field(max_length=255)
    text: str = Field(max_length=40000)
    blocks: list | None = Field(default=None, sa_type=JSON)
    thread_ts: str | None = Field(default=None, max_length=32)
    # Set: this row edits the post with this ts in `channel` (chat.update) instead of posting.
    update_ts: str | None = Field(default=None, max_length=32)
    # What to do once Slack accepted it, e.g. "goal_post:12" stores the ts on goal 12.
    after_send: str | None = Field(default=None, max_length=100)
    # One file (e.g. a chart) uploaded into the post's thread once the post is out:
    # {"filename", "title", "alt_txt", "base64"}.
    attachment: dict | None = Field(default=None, sa_type=JSON)
    status: str = Field(default="pending", max_length=8)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claim_token: str | None = Field(default=None, max_length=40)
    last_error: str | None = Field(default=None, max_length=500)
    sent_ts: str | None = Field(default=None, max_length=32)
    sent_channel: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
