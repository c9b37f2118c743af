"""Datetimes go in aware and come back aware UTC, on either database."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError
from sqlmodel import Session, select

from storage.models import Member, Workspace


def test_aware_datetime_round_trips_as_utc(engine):
    berlin_noon = datetime(2026, 3, 29, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    with Session(engine) as session:
        session.add(Workspace(id="T1"))
        session.flush()
        session.add(Member(workspace_id="T1", slack_user_id="U1", refreshed_at=berlin_noon))
        session.commit()
    with Session(engine) as session:
        member = session.exec(select(Member)).one()
        assert member.refreshed_at == datetime(2026, 3, 29, 10, 0, tzinfo=UTC)
        assert member.refreshed_at.utcoffset() == timedelta(0)


def test_naive_datetime_is_refused(engine):
    with Session(engine) as session:
        session.add(Workspace(id="T1"))
        session.flush()
        session.add(Member(workspace_id="T1", slack_user_id="U1",
                           refreshed_at=datetime(2026, 1, 1, 12, 0)))
        with pytest.raises(StatementError):
            session.commit()
