"""What people open costs the same whatever the data: Home, `/pact goal list`, `/pact pdp`,
`/pact pdp reports` and a goal's details run as many SQL statements (at most 30) for a small
world as for one with more teams, goals, linked objectives, history rows or reports.

The worlds and renderings are those of `bench/surfaces.py` (each surface through the use case
and builder its listener calls), on the database under test (SQLite, or PostgreSQL in CI's
PostgreSQL run). The grown worlds stay within Home's 100 blocks, so every Home section is
read in each of them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from slack_sdk import WebClient
from sqlalchemy import event

from bench import surfaces as bench
from bot.app import create_app
from bot.config import load_settings
from bot.services import Services
from handlers.pdp import surfaces
from storage.engine import session_scope
from storage.models import metadata
from storage.queries.members import get_member
from tests.harness import SIGNING_SECRET

ROOT = Path(__file__).resolve().parents[1]
SMALL = bench.Size(teams=1, goals=1, links=1, history=1, reports=1)
GROWN = {
    "teams": replace(SMALL, teams=4),
    "goals": replace(SMALL, goals=5),
    "links": replace(SMALL, links=6),
    "history": replace(SMALL, history=400),
    "reports": replace(SMALL, reports=12),
}


def _empty(engine) -> None:
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())


def _statements(engine, size: bench.Size) -> dict[str, int]:
    """Statements one rendering of each surface runs in a world of `size`."""
    _empty(engine)
    now = datetime.now(UTC).replace(microsecond=0)
    bench.seed(engine, now, size)
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-test-token",
                              "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                              "DATABASE_URL": str(engine.url)})
    services = Services(settings=settings, engine=engine)
    create_app(services, WebClient(token=settings.bot_token))
    counted = [0]

    def count(*_args, **_kwargs):
        counted[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        found = {}
        for name, render in bench.renderers(services).items():
            shown = render()
            assert shown, name
            counted[0] = 0
            render()
            found[name] = counted[0]
        return found
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("dimension", sorted(GROWN))
def test_no_surface_runs_more_statements_as_the_data_grows(engine, dimension):
    small = _statements(engine, SMALL)
    grown = _statements(engine, GROWN[dimension])
    assert grown == small, f"more {dimension}: {small} → {grown}"
    assert max(small.values()) <= bench.MAX_STATEMENTS, small


def test_the_grown_worlds_show_more(engine):
    """The grown worlds are bigger where people look: more goals listed, more reports."""
    _statements(engine, SMALL)
    with session_scope(engine) as session:
        boss = get_member(session, bench.WS, bench.BOSS)
        few = surfaces.reports(session, boss, datetime.now(UTC))["text"]
    _statements(engine, GROWN["reports"])
    with session_scope(engine) as session:
        boss = get_member(session, bench.WS, bench.BOSS)
        many = surfaces.reports(session, boss, datetime.now(UTC))["text"]
    assert few.endswith("(1)") and many.endswith("(12)")


def test_the_benchmark_runs_and_says_its_verdict():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "bench/surfaces.py", "--quick", "--runs", "1"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    lines = done.stdout.strip().splitlines()
    assert lines and lines[-1].startswith("verdict: every surface within 30 statements"), \
        done.stdout[-2000:] + done.stderr[-2000:]
    assert done.returncode == 0
    assert sum(" statements " in line for line in lines) == 4 * len(bench.SURFACES)


def test_what_others_keep_private_stays_off_these_surfaces(engine):
    """In the grown world, no objective another person keeps from the asker (private, or for
    a manager who is not the asker) appears on the asker's Home or a goal's details."""
    _statements(engine, GROWN["links"])
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-test-token",
                              "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                              "DATABASE_URL": str(engine.url)})
    services = Services(settings=settings, engine=engine)
    create_app(services, WebClient(token=settings.bot_token))
    rows = bench._rows(datetime.now(UTC), GROWN["links"])
    managers = {p["owner_id"]: p["manager_id"] for p in rows["pdps"]}
    hidden = {o["title"] for o in rows["objectives"] if o["pdp_id"] != 1 and (
        o["visibility"] == "private"
        or (o["visibility"] == "manager" and managers[o["pdp_id"]] != 1))}
    shared = {o["title"] for o in rows["objectives"]
              if o["pdp_id"] != 1 and o["visibility"] == "team"}
    render = bench.renderers(services)
    shown = str(render["home"]()) + str(render["goal details"]())
    assert any(title in shown for title in shared)
    assert [title for title in hidden if title in shown] == []
