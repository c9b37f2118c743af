"""A development plan review due while its owner is away moves to their first week back, and
their manager is told why (once, in working hours); a manager's absence moves it too, and the
owner is told. Through the use case and the real tick at chosen times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.rules.absence import Away, review_after_absence
from handlers.absences import service
from storage.engine import session_scope
from storage.models import OutboxMessage, Pdp
from tests.test_nudges import _people
from tests.test_tick import WS, client_for, services_for, tick

BERLIN = ZoneInfo("Europe/Berlin")
THURSDAY = datetime(2026, 11, 19, 10, tzinfo=BERLIN)  # the review is due Tuesday the 24th


def _plan(engine, owner_member_id):
    with session_scope(engine) as s:
        return s.exec(select(Pdp).where(Pdp.owner_id == owner_member_id)).one()


def test_the_rule_moves_only_a_review_due_in_the_absence_to_the_first_week_back():
    until = datetime(2026, 11, 28, tzinfo=BERLIN).astimezone(UTC)  # through Friday the 27th
    away = Away(until, "away")
    now = THURSDAY.astimezone(UTC)
    moved = review_after_absence(datetime(2026, 11, 24, tzinfo=UTC), away, now,
                                 "Europe/Berlin").astimezone(BERLIN)
    assert (moved.date(), moved.hour) == (date(2026, 12, 4), 10)  # Friday of the week back
    assert review_after_absence(datetime(2026, 12, 1, tzinfo=UTC), away, now,
                                "Europe/Berlin") is None  # due after the return
    assert review_after_absence(datetime(2026, 11, 18, tzinfo=UTC), away, now,
                                "Europe/Berlin") is None  # overdue before they left
    assert review_after_absence(datetime(2026, 11, 24, tzinfo=UTC), Away(None, "OOO"), now,
                                "Europe/Berlin") is None  # a status without an end


def test_a_review_due_while_away_moves_and_the_manager_is_told_why_once(engine, emulator):
    people = _people(engine, emulator, zones=["Europe/Berlin"])
    owner, manager = list(people)
    now = THURSDAY.astimezone(UTC)
    with session_scope(engine) as s:
        answer = service.away_command(s, WS, owner, ["until", "2026-11-27"], now)
    assert "1 development plan review due while you are away moves" in answer
    moved = _plan(engine, people[owner][0]).next_review_at.astimezone(BERLIN)
    assert (moved.date(), moved.hour) == (date(2026, 12, 4), 10)
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(now, services, client)
    (told,) = [m for m in emulator.dms(manager) if "moves to" in m["text"]]
    assert f"<@{owner}> is away until" in told["text"]
    assert "their development plan review" in told["text"] and "first week back" in told["text"]
    assert f"<!date^{int(moved.timestamp())}^" in told["text"]
    with session_scope(engine) as s:  # said again: nothing moves, nobody is told twice
        again = service.away_command(s, WS, owner, ["until", "2026-11-27"], now)
    assert "development plan review" not in again
    tick(now + timedelta(minutes=30), services, client)
    assert len([m for m in emulator.dms(manager) if "moves to" in m["text"]]) == 1
    with session_scope(engine) as s:
        assert s.exec(select(OutboxMessage).where(
            OutboxMessage.kind == "review_moved")).one().status == "sent"


def test_a_managers_absence_moves_the_review_and_the_owner_hears_in_working_hours(engine,
                                                                                   emulator):
    people = _people(engine, emulator, zones=["Europe/Berlin"])
    owner, manager = list(people)
    evening = datetime(2026, 11, 19, 20, tzinfo=BERLIN).astimezone(UTC)
    with session_scope(engine) as s:
        service.away_command(s, WS, manager, ["until", "2026-11-25"], evening)
    moved = _plan(engine, people[owner][0]).next_review_at.astimezone(BERLIN)
    assert (moved.date(), moved.hour) == (date(2026, 12, 2), 10)  # back Thursday: + 4 days
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(evening, services, client)
    assert [m for m in emulator.dms(owner) if "moves to" in m["text"]] == []  # 20:00: waits
    tick(datetime(2026, 11, 20, 10, tzinfo=BERLIN).astimezone(UTC), services, client)
    # At 10:00 it comes in the owner's one DM of the morning, with their nudge.
    (told,) = [m for m in emulator.dms(owner) if "moves to" in str(m["blocks"])]
    assert "1 review moved" in told["text"]
    assert f"<@{manager}> is away until" in str(told["blocks"])
    assert "your development plan review" in str(told["blocks"])
