"""Nudge less: reminders go only to those who have not acted yet. A review nudge stops once
the owner asked for the review; a pact check-in skips an owner who logged progress since the
last one (their supporter still hears)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage.engine import session_scope
from storage.models import Pdp, Schedule
from storage.types import utcnow
from tests.test_nudges import _people
from tests.test_pacts import made_pact
from tests.test_pacts_rhythm import checkins_of, world  # noqa: F401 - world is a fixture
from tests.test_pdp import log_progress
from tests.test_tick import client_for, services_for, tick

THURSDAY = datetime(2026, 11, 19, 0, tzinfo=UTC)


def test_a_review_nudge_stops_once_the_review_is_requested(engine, emulator):
    people = _people(engine, emulator, zones=["Europe/Berlin", "Europe/Berlin"])
    asked, waiting, manager = list(people)
    with session_scope(engine) as s:
        plan = s.exec(select(Pdp).where(Pdp.owner_id == people[asked][0])).one()
        plan.review_requested_at = THURSDAY - timedelta(days=1)
        s.add(plan)
    services, client = services_for(engine, emulator), client_for(emulator)
    moment = THURSDAY
    while moment < THURSDAY + timedelta(hours=12):
        tick(moment, services, client)
        moment += timedelta(minutes=30)
    (to_asked,) = emulator.dms(asked)
    assert "review is due" not in str(to_asked["blocks"])  # they asked already
    assert "No update on" in str(to_asked["blocks"])  # the rest of what matters still comes
    (to_waiting,) = emulator.dms(waiting)
    assert "Your development plan review is due" in str(to_waiting["blocks"])
    (to_manager,) = emulator.dms(manager)
    assert "Person 0's development plan review is due" in str(to_manager["blocks"])


def test_a_pact_check_in_skips_an_owner_who_logged_progress_since_the_last(pact, world):  # noqa: F811
    oid, _ = made_pact(pact, world)
    log_progress(pact, world.owner, oid, 30)  # acted this week: no check-in needed
    start = utcnow()
    for _ in range(40):
        with session_scope(pact.engine) as s:
            due = min(r.next_run_at for r in s.exec(select(Schedule).where(
                Schedule.kind == "pact_checkins", Schedule.status == "active")))
        if due > start + timedelta(days=16):
            break
        tick(due, pact.services, pact.client)
    assert len(checkins_of(pact, world.teammate)) == 2  # weekly, as before
    assert len(checkins_of(pact, world.owner)) == 1  # the first week's was not needed
