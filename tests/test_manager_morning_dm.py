"""What reaches a manager at one moment arrives as one DM: review requests their reports sent
at night wait for 10:00, and the morning's nudge carries them with its own reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from handlers.absences import service
from handlers.pdp.notices import MERGED
from handlers.pdp.reviews import request_review
from storage.engine import make_engine, session_scope
from storage.models import OutboxMessage
from tests.test_nudges import START, _people
from tests.test_tick import WS, client_for, services_for, tick

BERLIN = ZoneInfo("Europe/Berlin")
CLOCK = {"now": START}


@pytest.fixture
def engine(engine):
    """The test's database on a clock that follows the simulated time, as the playground's."""
    timed = make_engine(engine.url.render_as_string(hide_password=False),
                        clock=lambda: CLOCK["now"])
    yield timed
    timed.dispose()


def _run(engine, emulator, start: datetime, end: datetime) -> None:
    services, client = services_for(engine, emulator), client_for(emulator)
    moment = start
    while moment <= end:
        CLOCK["now"] = moment
        tick(moment, services, client)
        moment += timedelta(minutes=15)


def _ask(engine, user_id: str, at: datetime) -> None:
    CLOCK["now"] = at
    with session_scope(engine) as s:
        assert request_review(s, WS, user_id, at).asked


def _away(engine, user_id: str, until: str, at: datetime) -> str:
    CLOCK["now"] = at
    with session_scope(engine) as s:
        return service.away_command(s, WS, user_id, ["until", until], at)


def test_requests_while_the_manager_was_away_and_the_nudge_come_as_one_dm(engine, emulator):
    people = _people(engine, emulator, zones=["Europe/Berlin"] * 3,
                     review_in=timedelta(days=12))
    *reports, manager = list(people)
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN).astimezone(UTC)
    _run(engine, emulator, START, START)
    _away(engine, manager, "2026-11-27", monday)
    # Away all week: two reports ask for a review on Wednesday, nothing reaches the manager.
    wednesday = monday + timedelta(days=2, hours=5)
    _ask(engine, reports[0], wednesday)
    _ask(engine, reports[1], wednesday + timedelta(minutes=20))
    _run(engine, emulator, wednesday, wednesday + timedelta(hours=1))
    assert emulator.dms(manager) == []
    # Back on Monday: at 10:00 one DM with both requests and the third report's review.
    back = datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN).astimezone(UTC)
    _run(engine, emulator, back, back + timedelta(hours=3))
    dms = emulator.dms(manager)
    assert len(dms) == 1, [m["text"] for m in dms]
    body = str(dms[0]["blocks"])
    for asker in reports[:2]:
        assert f"<@{asker}> asks you to review their development plan" in body
    # The review not asked for is still reminded; the two asked for are not said twice.
    assert body.count("development plan review is due") == 1
    assert dms[0]["text"].startswith("2 reports asked for you, and 1 thing")
    assert "Snooze a week" in body and "pdp_view_report" in body
    with session_scope(engine) as s:
        held = list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "pdp_manager")))
    assert [(m.status, m.last_error) for m in held] == [("skipped", MERGED)] * 2
    assert emulator.violations == []


def test_a_review_moved_overnight_comes_in_the_managers_morning_dm(engine, emulator):
    people = _people(engine, emulator, zones=["Europe/Berlin"] * 2,
                     review_in=timedelta(days=5))
    *reports, manager = list(people)
    _run(engine, emulator, START, START)
    thursday_night = datetime(2026, 11, 19, 21, 0, tzinfo=BERLIN).astimezone(UTC)
    assert "moves" in _away(engine, reports[0], "2026-11-27", thursday_night)
    _run(engine, emulator, thursday_night, thursday_night + timedelta(hours=15))
    friday = emulator.dms(manager)  # Thursday's 10:00 had passed before the ticks began
    assert len(friday) == 1, [m["text"] for m in friday]
    assert f"<@{reports[0]}> is away until" in str(friday[0]["blocks"])
    assert "review moved" in friday[0]["text"]
    assert "development plan review is due" in str(friday[0]["blocks"])  # the other report's


def test_one_request_held_with_nothing_else_to_say_goes_out_as_it_was(engine, emulator):
    people = _people(engine, emulator, zones=["Europe/Berlin"],
                     review_in=timedelta(days=60))
    report, manager = list(people)
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN).astimezone(UTC)
    _run(engine, emulator, monday - timedelta(days=1), monday - timedelta(days=1))
    _away(engine, manager, "2026-11-24", monday)
    _ask(engine, report, monday + timedelta(hours=2))
    back = datetime(2026, 11, 25, 9, 0, tzinfo=BERLIN).astimezone(UTC)
    _run(engine, emulator, back, back + timedelta(hours=2))
    dms = emulator.dms(manager)
    assert len(dms) == 1
    assert "asks you to review their development plan" in dms[0]["text"]
    assert "Approve" in str(dms[0]["blocks"])  # the full request, with its buttons


def test_a_request_to_a_manager_at_work_goes_out_at_once(engine, emulator):
    people = _people(engine, emulator, zones=["Europe/Berlin"] * 2)
    *reports, manager = list(people)
    afternoon = datetime(2026, 11, 24, 15, 0, tzinfo=BERLIN).astimezone(UTC)
    _run(engine, emulator, afternoon - timedelta(days=1), afternoon - timedelta(days=1))
    before = len(emulator.dms(manager))
    _ask(engine, reports[0], afternoon)
    _run(engine, emulator, afternoon, afternoon)
    assert len(emulator.dms(manager)) == before + 1
