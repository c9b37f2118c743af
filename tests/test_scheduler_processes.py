"""Several scheduler processes on one database (SQLite and PostgreSQL): zero duplicate posts;
a process killed after claiming and before sending, then restarted: sent exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import select

from storage.engine import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import OutboxMessage, Schedule
from tests.conftest import create_pg_database, drop_pg_database
from tests.test_tick import make_team

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent("""
    import os, sys, time
    from datetime import UTC, datetime, timedelta
    from slack_sdk import WebClient
    from bot.config import load_settings
    from bot.app import make_services
    from bot.slack_client import make_web_client
    from scheduling.tick import tick
    from storage.engine import make_engine

    mode, start, offset = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    settings = load_settings(os.environ)
    services = make_services(settings, make_engine(settings.database_url))

    class DiesBeforeSending(WebClient):
        def chat_postMessage(self, **kwargs):
            os.kill(os.getpid(), 9)  # SIGKILL: no cleanup, no goodbye

    if mode == "die":
        client = DiesBeforeSending(token=settings.bot_token, base_url=settings.api_url,
                                   retry_handlers=[])
    else:
        client = make_web_client(settings)
    while time.time() < start:
        time.sleep(0.001)
    for _ in range(int(os.environ.get("TICKS", "15"))):
        tick(datetime.now(UTC) + timedelta(seconds=offset), services, client)
    print("done")
""")


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_db(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/shared.db"
        upgrade(url)
        yield url
        return
    admin = request.getfixturevalue("postgres_admin_url")
    url = create_pg_database(admin)
    upgrade(url)
    yield url
    drop_pg_database(admin, url)


def _env(emulator, url, **extra):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    return {**base, "SLACK_BOT_TOKEN": emulator.bot_token, "SLACK_API_URL": emulator.url,
            "DATABASE_URL": url, "PYTHONPATH": str(ROOT), **extra}


def _seed(url, emulator, teams=12, goals=3):
    engine = make_engine(url)
    made = [make_team(engine, emulator, goals=goals, name=f"team{i}") for i in range(teams)]
    from bot.app import schedule_kinds
    from scheduling.sync import reconcile

    now = datetime.now(UTC)
    reconcile(engine, schedule_kinds(), now)
    with session_scope(engine) as session:
        session.execute(update(Schedule).where(Schedule.kind == "checkin")
                        .values(next_run_at=now - timedelta(minutes=5)))
    return engine, made


def _script(tmp_path) -> Path:
    path = tmp_path / "ticker.py"
    path.write_text(SCRIPT)
    return path


def test_racing_tick_processes_post_each_checkin_exactly_once(shared_db, emulator, tmp_path):
    engine, teams = _seed(shared_db, emulator)
    script, start = _script(tmp_path), time.time() + 2.0
    procs = [subprocess.Popen([sys.executable, str(script), "tick", str(start), "0"],
                              env=_env(emulator, shared_db), cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert all("Traceback" not in o for o in outs), outs
    for team in teams:
        posts = emulator.messages(team.channel)
        assert len(posts) == 1, (team.channel, len(posts))  # one post per team
    texts = Counter((c.args["channel"], c.args["text"])
                    for c in emulator.calls_to("chat.postMessage"))
    assert max(texts.values()) == 1  # no message was even attempted twice
    with session_scope(engine) as session:
        assert {m.status for m in session.exec(select(OutboxMessage))} == {"sent"}
    assert emulator.violations == []
    engine.dispose()


def test_two_pact_workers_share_the_work_without_duplicates(shared_db, emulator, tmp_path):
    engine, teams = _seed(shared_db, emulator, teams=8, goals=2)
    env = _env(emulator, shared_db, PACT_TICK_SECONDS="1")
    procs = [subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for _ in range(2)]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if sum(len(emulator.messages(t.channel)) for t in teams) >= 8:
                break
            time.sleep(0.2)
        time.sleep(2.5)  # a couple more ticks in both processes: still nothing doubles
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        outs = [p.communicate(timeout=30)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert [len(emulator.messages(t.channel)) for t in teams] == [1] * 8
    engine.dispose()


def test_killed_after_claiming_before_sending_then_restarted_sends_once(shared_db, emulator,
                                                                         tmp_path):
    engine, teams = _seed(shared_db, emulator, teams=2, goals=1)
    script = _script(tmp_path)
    died = subprocess.run([sys.executable, str(script), "die", "0", "0"],
                          env=_env(emulator, shared_db, TICKS="1"), cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert died.returncode == -signal.SIGKILL, died.stdout + died.stderr
    assert all(emulator.messages(t.channel) == [] for t in teams)
    with session_scope(engine) as session:
        rows = list(session.exec(select(OutboxMessage)))
    # The decision survived the crash: the messages are in the outbox, claimed by the dead one.
    assert len(rows) == 2 and all(r.status == "pending" for r in rows)
    assert all(r.claimed_until is not None for r in rows)
    # Restarted soon after: the dead claims still hold, so nothing is sent twice...
    again = subprocess.run([sys.executable, str(script), "tick", "0", "10"],
                           env=_env(emulator, shared_db, TICKS="2"), cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stdout + again.stderr
    assert [len(emulator.messages(t.channel)) for t in teams] == [0, 0]
    # ...and once the lease has lapsed each goes out, exactly once, however often we tick.
    later = subprocess.run([sys.executable, str(script), "tick", "0", "180"],
                           env=_env(emulator, shared_db, TICKS="3"), cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert later.returncode == 0, later.stdout + later.stderr
    assert [len(emulator.messages(t.channel)) for t in teams] == [1, 1]
    with session_scope(engine) as session:
        assert {m.status for m in session.exec(select(OutboxMessage))} == {"sent"}
    engine.dispose()
