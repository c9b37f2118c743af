"""Workers that add up: claims of several processes on PostgreSQL never overlap and leave
nothing due behind, a worker killed mid-batch loses and doubles nothing, one process on SQLite
stays correct, the worker's loop goes on while work remains, and `bench/scale.py --quick`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, text
from sqlmodel import Session, select

from bot.app import make_services
from bot.config import load_settings
from scheduling.kinds import NO_KINDS
from scheduling.outbox import batch_size, channel_share, deliver, deliver_due, pass_seconds
from storage.engine import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import OutboxMessage, Workspace, metadata
from storage.queries import outbox as q
from tests.conftest import create_pg_database, drop_pg_database
from tests.test_tick import client_for

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
LEASE = timedelta(seconds=30)


@pytest.fixture(scope="module")
def pg_url(postgres_admin_url):
    url = create_pg_database(postgres_admin_url)
    upgrade(url)
    yield url
    drop_pg_database(postgres_admin_url, url)


@pytest.fixture(scope="module")
def pg_engine(pg_url):
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


def _reset(engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            conn.execute(text("DELETE FROM outbox"))
            conn.execute(text("DELETE FROM workspaces"))
    with session_scope(engine) as s:
        s.execute(insert(Workspace), [{"id": "T0PACT", "name": "", "created_at": NOW}])


# What a row is before anyone claims: due, due later, held by a live claim, left by a
# claim that lapsed, or already sent.
STATES = ("due", "due", "due", "later", "held", "lapsed", "sent")


def _seed(engine, rows: list[tuple[int, str]]) -> set[int]:
    """Rows of (channel number, state); returns the ids that are due to be claimed."""
    _reset(engine)
    values = []
    for i, (channel, state) in enumerate(rows):
        values.append(dict(
            workspace_id="T0PACT", idempotency_key=f"k{i}", kind="note", channel=f"C{channel}",
            text=f"m{i}", status="sent" if state == "sent" else "pending", attempts=0,
            next_attempt_at=NOW + timedelta(minutes=5) if state == "later" else NOW,
            claimed_until={"held": NOW + LEASE, "lapsed": NOW - LEASE}.get(state),
            claim_token="someone" if state in ("held", "lapsed") else None, created_at=NOW))
    if values:
        with session_scope(engine) as s:
            s.execute(insert(OutboxMessage), values)
    with session_scope(engine) as s:
        return {m.id for m in s.exec(select(OutboxMessage)) if m.text and
                rows[int(m.text[1:])][1] in ("due", "lapsed")}


due_sets = st.lists(st.tuples(st.integers(0, 7), st.sampled_from(STATES)), max_size=60)


def _claim_in_turns(engine, claimers: int, turns: list[tuple[int, bool]], limit: int,
                    per_channel: int) -> list[list[int]]:
    """Each claimer holds its own transaction; in each turn one of them claims a batch (while
    the others' claims may still be uncommitted) or commits. Then all drain what is left."""
    sessions = [Session(engine) for _ in range(claimers)]
    got: list[list[int]] = [[] for _ in range(claimers)]
    try:
        for s in sessions:  # a claim that waited for another's would fail, not hang
            s.execute(text("SET lock_timeout = '2s'"))
        for who, commit in turns:
            who %= claimers
            if commit:
                sessions[who].commit()
            else:
                got[who] += [m.id for m in q.claim_due(sessions[who], NOW, limit, per_channel,
                                                       LEASE)]
        for s in sessions:
            s.commit()
        for who, s in enumerate(sessions):
            while batch := q.claim_due(s, NOW, limit, per_channel, LEASE):
                got[who] += [m.id for m in batch]
                s.commit()
            s.commit()
    finally:
        for s in sessions:
            s.close()
    return got


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=due_sets, claimers=st.sampled_from([2, 4]),
       turns=st.lists(st.tuples(st.integers(0, 3), st.booleans()), max_size=12),
       limit=st.integers(1, 12), per_channel=st.integers(1, 4))
def test_concurrent_claims_on_postgresql_never_overlap_and_leave_nothing_due(
        pg_engine, rows, claimers, turns, limit, per_channel):
    due = _seed(pg_engine, rows)
    got = _claim_in_turns(pg_engine, claimers, turns, limit, per_channel)
    every = [mid for claims in got for mid in claims]
    assert len(every) == len(set(every))  # no message went to two claimers (or twice)
    assert set(every) == due  # everything due was claimed; nothing held, later or sent was


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=due_sets, limit=st.integers(1, 12), per_channel=st.integers(1, 4))
def test_one_batch_takes_its_share_not_everything(pg_engine, rows, limit, per_channel):
    due = _seed(pg_engine, rows)
    with session_scope(pg_engine) as s:
        batch = q.claim_due(s, NOW, limit, per_channel, LEASE)
    assert len(batch) <= limit
    assert (min(due) in {m.id for m in batch}) if due else batch == []  # the oldest first
    assert max(Counter(m.channel for m in batch).values(), default=0) <= per_channel
    assert {m.id for m in batch} <= due
    with session_scope(pg_engine) as s:  # a second worker finds the rest waiting for it
        rest = q.claim_due(s, NOW, len(due) + 1, len(due) + 1, LEASE)
    assert {m.id for m in rest} == due - {m.id for m in batch}


def test_a_batch_fits_in_its_lease():
    for lease in (timedelta(seconds=5), timedelta(seconds=15), timedelta(minutes=2)):
        seconds = pass_seconds(lease)
        assert seconds < lease.total_seconds()  # sends stop long before the claims lapse
        assert channel_share(seconds) <= seconds  # one a second in a channel fits as well
    assert batch_size(pass_seconds(timedelta(minutes=2))) < 20_000  # no worker takes all


def test_a_claim_whose_lease_lapsed_goes_to_another_worker_once(pg_engine):
    due = _seed(pg_engine, [(i % 3, "due") for i in range(9)])
    with session_scope(pg_engine) as s:  # this worker dies right after claiming
        dead = q.claim_due(s, NOW, 5, 5, LEASE)
    with session_scope(pg_engine) as s:  # within the lease the others take only the rest
        alive = q.claim_due(s, NOW, 20, 20, LEASE)
    assert {m.id for m in alive} == due - {m.id for m in dead}
    later = NOW + LEASE + timedelta(seconds=1)
    with session_scope(pg_engine) as s:
        q.record_sent(s, [dict(b_id=m.id, b_tok=m.claim_token, b_ts="1.0", b_ch=m.channel,
                               b_at=NOW) for m in alive])
        taken_over = q.claim_due(s, later, 20, 20, LEASE)
    assert {m.id for m in taken_over} == {m.id for m in dead}
    with session_scope(pg_engine) as s:  # the dead worker's late record changes nothing
        q.record_sent(s, [dict(b_id=m.id, b_tok=m.claim_token, b_ts="9.9", b_ch=m.channel,
                               b_at=NOW) for m in dead])
        assert q.claim_due(s, later, 20, 20, LEASE) == []
        assert all(r.sent_ts is None for r in s.exec(select(OutboxMessage)
                                                     .where(OutboxMessage.status == "pending")))


DIES_MID_BATCH = textwrap.dedent("""
    import os, sys, threading, time
    from datetime import datetime
    from slack_sdk import WebClient
    from bot.app import make_services
    from bot.config import load_settings
    from scheduling.outbox import deliver
    from storage.engine import make_engine

    settings = load_settings(os.environ)
    services = make_services(settings, make_engine(settings.database_url))
    sends, lock = [0], threading.Lock()

    class DiesMidBatch(WebClient):
        def chat_postMessage(self, **kwargs):
            with lock:
                sends[0] += 1
                last = sends[0] > int(sys.argv[2])
            if last:  # the rest of the batch is claimed and never sent: die, no goodbye
                time.sleep(1.0)
                os.kill(os.getpid(), 9)
            return super().chat_postMessage(**kwargs)

    client = DiesMidBatch(token=settings.bot_token, base_url=settings.api_url,
                          retry_handlers=[])
    deliver(services.engine, client, datetime.fromisoformat(sys.argv[1]),
            kinds=services.kinds, lease=settings.claim_lease)
""")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(backend, request,
                                                                     emulator, tmp_path):
    if backend == "postgresql":
        url = request.getfixturevalue("pg_url")
    else:
        url = f"sqlite:///{tmp_path}/one.db"
        upgrade(url)
    engine = make_engine(url)
    channels = [emulator.add_channel(name=f"team-{i}") for i in range(6)]
    _reset(engine)
    with session_scope(engine) as s:
        s.execute(insert(OutboxMessage), [dict(
            workspace_id="T0PACT", idempotency_key=f"k{i}", kind="note",
            channel=channels[i % 6], text=f"Message {i}", status="pending", attempts=0,
            next_attempt_at=NOW, created_at=NOW) for i in range(18)])
    script = tmp_path / "dies.py"
    script.write_text(DIES_MID_BATCH)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PACT_"))}
    env.update(SLACK_BOT_TOKEN=emulator.bot_token, SLACK_API_URL=emulator.url,
               DATABASE_URL=url, PYTHONPATH=str(ROOT), PACT_CLAIM_LEASE_SECONDS="30")
    died = subprocess.run([sys.executable, str(script), NOW.isoformat(), "5"], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert died.returncode == -signal.SIGKILL, died.stdout + died.stderr
    posted = Counter(m["text"] for c in channels for m in emulator.messages(c))
    assert sum(posted.values()) == 5
    # Another worker, once the dead one's claims have lapsed, sends the rest: each once.
    later = NOW + LEASE + timedelta(seconds=1)
    assert deliver_due(engine, client_for(emulator), later, kinds=NO_KINDS) == 13
    assert deliver_due(engine, client_for(emulator), later + LEASE, kinds=NO_KINDS) == 0
    posted = Counter(m["text"] for c in channels for m in emulator.messages(c))
    assert posted == Counter({f"Message {i}": 1 for i in range(18)})
    with session_scope(engine) as s:
        assert {m.status for m in s.exec(select(OutboxMessage))} == {"sent"}
    engine.dispose()


def test_one_process_delivers_a_backlog_batch_after_batch_exactly_once(engine, emulator):
    channels = [emulator.add_channel(name=f"team-{i}") for i in range(40)]
    _reset(engine)
    with session_scope(engine) as s:
        s.execute(insert(OutboxMessage), [dict(
            workspace_id="T0PACT", idempotency_key=f"k{i}", kind="note",
            channel=channels[i % 40], text=f"Message {i}", status="pending", attempts=0,
            next_attempt_at=NOW, created_at=NOW) for i in range(120)])
    lease = timedelta(seconds=5)  # a small batch: the backlog takes several
    first = deliver(engine, client_for(emulator), NOW, kinds=NO_KINDS, lease=lease)
    assert first.more and first.sent == batch_size(pass_seconds(lease)) < 120
    assert deliver_due(engine, client_for(emulator), NOW, kinds=NO_KINDS, lease=lease) == \
        120 - first.sent
    posted = Counter(m["text"] for c in channels for m in emulator.messages(c))
    assert posted == Counter({f"Message {i}": 1 for i in range(120)})


def test_the_worker_loop_goes_on_while_work_remains_and_stops_when_asked(engine, emulator):
    import threading

    from scheduling.runner import make_scheduler

    channels = [emulator.add_channel(name=f"team-{i}") for i in range(50)]
    _reset(engine)
    now = datetime.now(UTC) - timedelta(seconds=1)
    with session_scope(engine) as s:
        s.execute(insert(OutboxMessage), [dict(
            workspace_id="T0PACT", idempotency_key=f"k{i}", kind="note",
            channel=channels[i % 50], text=f"Message {i}", status="pending", attempts=0,
            next_attempt_at=now, created_at=now) for i in range(100)])
    settings_ = load_settings({"SLACK_BOT_TOKEN": emulator.bot_token,
                               "SLACK_API_URL": emulator.url, "PACT_CLAIM_LEASE_SECONDS": "5"})
    services = make_services(settings_, engine)
    stopping = threading.Event()
    job = make_scheduler(services, client_for(emulator), stopping).get_job("tick")
    job.func()  # one run of the interval job: batch after batch until nothing is left
    assert sum(len(emulator.messages(c)) for c in channels) == 100 > batch_size(pass_seconds(
        timedelta(seconds=5)))
    with session_scope(engine) as s:
        s.execute(insert(OutboxMessage), [dict(
            workspace_id="T0PACT", idempotency_key=f"more{i}", kind="note",
            channel=channels[i % 50], text=f"More {i}", status="pending", attempts=0,
            next_attempt_at=now, created_at=now) for i in range(100)])
    stopping.set()  # SIGTERM: the run ends without taking another batch
    job.func()
    assert sum(len(emulator.messages(c)) for c in channels) == 100


def test_the_scale_bench_in_its_quick_form_finds_nothing_lost_or_doubled(postgres_admin_url):
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "scale.py"), "--quick",
                           "--postgres", postgres_admin_url],
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    assert lines[-1].startswith("VERDICT") and lines[-1].endswith("PASS"), lines[-1]
    assert "losses = 0" in lines[-1]
