"""What the playground's clock asks before it jumps: when is the next thing due."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from storage.models import OutboxMessage, Schedule


def next_due(session: Session, after: datetime, until: datetime) -> datetime | None:
    """The earliest schedule run or outbox attempt in (after, until], or None."""
    schedule = session.exec(select(func.min(Schedule.next_run_at)).where(
        Schedule.status == "active", Schedule.next_run_at > after,
        Schedule.next_run_at <= until)).one()[0]
    outbox = session.exec(select(func.min(OutboxMessage.next_attempt_at)).where(
        OutboxMessage.status == "pending", OutboxMessage.next_attempt_at > after,
        OutboxMessage.next_attempt_at <= until)).one()[0]
    found = [t for t in (schedule, outbox) if t is not None]
    return min(found) if found else None
