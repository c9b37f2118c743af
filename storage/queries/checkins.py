"""Named reads about a team's check-in posts: the latest one Slack accepted, to edit it when a
newer one replaces it and to thread what follows under it."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import OutboxMessage


def checkin_key(team_id: int, stamp: str) -> str:
    return f"checkin:team:{team_id}:{stamp}"


def latest_checkin_post(session: Session, workspace_id: str, team_id: int,
                        before_key: str | None = None) -> OutboxMessage | None:
    """The team's most recent check-in post that went out (has a ts), other than `before_key`."""
    query = (select(OutboxMessage)
             .where(OutboxMessage.workspace_id == workspace_id, OutboxMessage.kind == "checkin",
                    OutboxMessage.idempotency_key.startswith(f"checkin:team:{team_id}:"),
                    OutboxMessage.sent_ts.is_not(None))
             .order_by(OutboxMessage.id.desc()).limit(1))
    if before_key:
        query = query.where(OutboxMessage.idempotency_key != before_key)
    return session.exec(query).first()


def sent_posts(session: Session, key_prefix: str) -> list[OutboxMessage]:
    """Posts and DMs that went out under keys starting with `key_prefix` (edits excluded)."""
    return list(session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.idempotency_key.startswith(key_prefix),
               OutboxMessage.sent_ts.is_not(None), OutboxMessage.update_ts.is_(None))
        .order_by(OutboxMessage.id)))
