"""Handlers run on the playground's clock: after time travel, what Pact treats as "now" (when a
goal was achieved, whether it is still recent, when progress was logged) is the moved clock."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.playground import demo
from bot.playground.demo import LEAD, MEMBERS, TEAM_CHANNEL, fill
from bot.playground.world import Playground
from storage.engine import session_scope
from storage.models import ProgressUpdate


@pytest.fixture
def pg(database_url):
    playground = Playground(database_url).start()
    demo.add_people(playground)
    yield playground
    playground.stop()


def _team_with_goal(pg):
    pg.command(LEAD, TEAM_CHANNEL, "team setup")
    fill(pg, LEAD, {"name": "Platform", "leads": [LEAD], "members": list(MEMBERS),
                    "tz": "Europe/Berlin", "weekday": "mon", "time": "10:00"})
    pg.command(LEAD, TEAM_CHANNEL, "goal new")
    fill(pg, LEAD, {"title": "Everyone certified", "metric": "people", "baseline": "0",
                    "target": "6", "unit": "people", "due": "2027-06-30"})


def _goal_list(pg) -> str:
    pg.command(LEAD, TEAM_CHANNEL, "goal list")
    pg.executor.wait_idle(10)
    pg._settle()
    answer = pg.ephemerals_in(LEAD, TEAM_CHANNEL)[-1]
    return answer.text + str(answer.blocks)


def test_a_goal_achieved_after_time_travel_is_dated_and_kept_recent_on_the_moved_clock(pg):
    _team_with_goal(pg)
    pg.advance(hours=24 * 40)
    demo.log_goal(pg, LEAD, "Everyone certified", "6", "All six of us")  # the target: achieved
    pg.executor.wait_idle(10)
    pg._settle()
    achieved_at = pg.now()

    listed = _goal_list(pg)
    assert "Recently achieved" in listed
    stamp = int(re.search(r"Everyone certified — <!date\^(\d+)\^", listed).group(1))
    assert abs(stamp - achieved_at.timestamp()) < 120  # 40 days on, not the wall clock's day

    pg.advance(hours=24 * 15)  # two weeks later on the playground's clock: no longer recent
    assert "Recently achieved" not in _goal_list(pg)


def test_progress_logged_after_time_travel_carries_the_moved_clock(pg):
    _team_with_goal(pg)
    pg.advance(hours=24 * 9)
    demo.log_goal(pg, MEMBERS[0], "Everyone certified", "1", "Passed")
    with session_scope(pg.services.engine) as session:
        entry = session.exec(select(ProgressUpdate)).one()
    assert abs(entry.created_at - pg.now()) < timedelta(minutes=5)
    assert pg.services.now() - pg.now() < timedelta(seconds=5)


def test_one_clock_per_engine_reaches_queries_and_row_defaults(tmp_path):
    from datetime import UTC, datetime

    from storage.engine import clock_of, make_engine, now_of
    from storage.migrate import upgrade
    from storage.queries.members import ensure_workspace
    from storage.types import utcnow

    url = f"sqlite:///{tmp_path / 'clock.db'}"
    upgrade(url)
    moment = datetime(2031, 5, 6, 7, 8, tzinfo=UTC)
    engine = make_engine(url, clock=lambda: moment)
    assert clock_of(engine)() == moment
    with session_scope(engine) as session:
        assert now_of(session) == moment and utcnow() == moment
        workspace = ensure_workspace(session, "T0CLOCK")
    assert workspace.created_at == moment
    assert abs(utcnow() - datetime.now(UTC)) < timedelta(seconds=5)  # outside: the wall clock
    engine.dispose()


def test_the_playground_keeps_ticking_so_what_falls_due_goes_out_unasked(pg):
    from storage.queries.outbox import enqueue

    _team_with_goal(pg)
    with session_scope(pg.services.engine) as session:
        enqueue(session, workspace_id="T0PLAYGRND", key="later", channel=TEAM_CHANNEL,
                text="Due in a moment", not_before=pg.now() + timedelta(seconds=1))
    pg.keep_ticking(every=0.2)
    end = time.monotonic() + 10
    while time.monotonic() < end and not any(
            m["text"] == "Due in a moment" for m in pg.emulator.messages(TEAM_CHANNEL)):
        time.sleep(0.1)
    assert any(m["text"] == "Due in a moment" for m in pg.emulator.messages(TEAM_CHANNEL))
    assert pg.problems == []
