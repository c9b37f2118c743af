"""Named reads about a team's check-in posts: the latest one Slack accepted, to edit it when a
newer one replaces it and to thread what follows under it."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from storage.models import OutboxMessage

OUTBOX = OutboxMessage.__table__


def checkin_key(team_id: int, stamp: str) -> str:
    return f"checkin:team:{team_id}:{stamp}"


def latest_checkin_post(session: Session, workspace_id: str, team_id: int,
                        before_key: str | None = None) -> OutboxMessage | None:
    """The team's most recent check-in post that went out (has a ts), other than `before_key`."""
    query = (select(OutboxMessage)
             .where(OutboxMessage.team_id == team_id, OutboxMessage.kind == "checkin",
                    OutboxMessage.workspace_id == workspace_id,
                    OutboxMessage.sent_ts.is_not(None))
             .order_by(OutboxMessage.id.desc()).limit(1))
    if before_key:
        query = query.where(OutboxMessage.idempotency_key != before_key)
    return session.exec(query).first()


def latest_checkin_posts(session: Session, team_ids: list[int]) -> dict[int, object]:
    """For many teams at once, each one's most recent check-in post that went out: team id ->
    (id, idempotency_key, channel, sent_channel, sent_ts, text, blocks), in two indexed reads."""
    if not team_ids:
        return {}
    latest = (select(func.max(OUTBOX.c.id)).where(OUTBOX.c.team_id.in_(team_ids), OUTBOX.c.kind == "checkin",
                                             OUTBOX.c.sent_ts.is_not(None))
              .group_by(OUTBOX.c.team_id))
    return {row.team_id: row for row in session.execute(
        select(OUTBOX.c.id, OUTBOX.c.team_id, OUTBOX.c.workspace_id, OUTBOX.c.idempotency_key, OUTBOX.c.channel,
               OUTBOX.c.sent_channel, OUTBOX.c.sent_ts, OUTBOX.c.text, OUTBOX.c.blocks)
        .where(OUTBOX.c.id.in_(latest.scalar_subquery())))}


def sent_posts(session: Session, key_prefix: str) -> list[OutboxMessage]:
    """Posts and DMs that went out under keys starting with `key_prefix` (edits excluded)."""
    return list(session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.idempotency_key.startswith(key_prefix),
               OutboxMessage.sent_ts.is_not(None), OutboxMessage.update_ts.is_(None))
        .order_by(OutboxMessage.id)))
