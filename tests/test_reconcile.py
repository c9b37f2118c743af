"""The reconciliation pass: its own job beside the tick, bounded per pass, and reading without
the write lock a listener may be holding."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import select

from bot.app import schedule_kinds
from scheduling.sync import reconcile
from scheduling.tick import tick
from storage.engine import session_scope
from storage.models import Schedule, Team
from tests.test_tick import MONDAY_10_BERLIN, client_for, make_team, services_for

BEFORE = MONDAY_10_BERLIN - timedelta(days=3)


def _checkins(engine) -> set[int]:
    with session_scope(engine) as s:
        return set(s.exec(select(Schedule.subject_id).where(Schedule.kind == "checkin")))


def test_the_tick_leaves_repairs_to_the_reconciliation_pass(engine, emulator):
    team = make_team(engine, emulator)  # saved without the hooks: no schedule row yet
    tick(BEFORE, services_for(engine, emulator), client_for(emulator))
    assert _checkins(engine) == set()
    assert reconcile(engine, schedule_kinds(), BEFORE) == 1
    assert _checkins(engine) == {team.id}


def test_a_pass_fixes_at_most_its_limit_and_the_next_pass_goes_on(engine, emulator):
    teams = {make_team(engine, emulator, name=f"T{i}").id for i in range(5)}
    kinds = schedule_kinds()
    assert [reconcile(engine, kinds, BEFORE, limit=2) for _ in range(4)] == [2, 2, 1, 0]
    assert _checkins(engine) == teams


def test_a_pass_past_its_time_budget_leaves_the_rest_to_the_next(engine, emulator):
    team = make_team(engine, emulator)
    assert reconcile(engine, schedule_kinds(), BEFORE, budget=0) == 0
    assert _checkins(engine) == set()
    assert reconcile(engine, schedule_kinds(), BEFORE) == 1
    assert _checkins(engine) == {team.id}


def test_a_pass_reads_while_a_listener_holds_a_write_transaction(engine, emulator, caplog):
    team = make_team(engine, emulator)
    kinds = schedule_kinds()
    reconcile(engine, kinds, BEFORE)  # in step
    caplog.set_level(logging.ERROR, logger="pact.schedules")
    with session_scope(engine) as listener:  # a listener's save, not yet committed
        listener.get(Team, team.id).name = "Renamed"
        listener.flush()
        # Finding what drifted takes no write lock: on SQLite a pass that began IMMEDIATE
        # would wait out the busy timeout here and fail ("database is locked").
        assert reconcile(engine, kinds, BEFORE) == 0
    assert [r.getMessage() for r in caplog.records] == []
    with session_scope(engine) as s:
        assert s.get(Team, team.id).name == "Renamed"


def test_one_subject_that_cannot_be_fixed_never_stops_the_others(engine, emulator, caplog):
    good = make_team(engine, emulator, name="Good")
    bad = make_team(engine, emulator, name="Bad")
    with session_scope(engine) as s:
        s.get(Team, bad.id).tz = "Nowhere/Atlantis"  # no such zone: its check-in cannot be
    caplog.set_level(logging.ERROR, logger="pact.schedules")
    assert reconcile(engine, schedule_kinds(), BEFORE) == 1
    assert _checkins(engine) == {good.id}
    (line,) = [r.getMessage() for r in caplog.records]
    assert line == f"could not bring the checkin schedules of {bad.id} in step"
