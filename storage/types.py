"""Column types shared by every model."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on SQLite and PostgreSQL alike.

    SQLite has no time zones, so values are stored as naive UTC and given UTC back when read;
    PostgreSQL keeps them in `timestamptz`. Naive datetimes are refused on the way in: a naive
    value is a bug waiting for the next daylight-saving change.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: Pact stores aware UTC datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# The clock of the unit of work in progress (storage.engine.session_scope sets it to its engine's
# clock), so a row's default timestamps follow the same clock as the use case writing it.
current_clock: ContextVar = ContextVar("pact_clock", default=None)


def utcnow() -> datetime:
    """Now on the clock of the unit of work in progress; the wall clock outside one."""
    clock = current_clock.get()
    return clock() if clock is not None else datetime.now(UTC)
