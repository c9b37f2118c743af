"""One engine per process, short sessions per unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from threading import Lock
from weakref import WeakKeyDictionary

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from bot.rules.clock import Clock, wall_clock
from storage.types import current_clock

SQLITE_BUSY_TIMEOUT_MS = 10_000

_engines: dict[str, Engine] = {}
_lock = Lock()
_clocks: WeakKeyDictionary[Engine, Clock] = WeakKeyDictionary()


def make_engine(url: str, *, clock: Clock | None = None) -> Engine:
    """A new engine for `url`, tuned for Pact's workload; `clock` is what its sessions and the
    use cases run on it take as now (see bot/rules/clock.py).

    SQLite: WAL so readers never wait for the writer, a busy timeout so writers queue instead
    of failing, foreign keys on, and every transaction that may write opened with BEGIN
    IMMEDIATE so a read-then-write transaction cannot fail halfway on a stale snapshot when
    another process wrote in between (the scheduler and the web process share the file). A
    `read_scope` begins deferred instead: it takes no lock, so a long read never keeps a
    listener from writing.
    Both: `hide_parameters`, so a database error logged with its traceback never carries what
    people wrote (plan text, notes) into the logs.
    """
    engine = _make_engine(url)
    if clock is not None:
        _clocks[engine] = clock
    return engine


def clock_of(engine: Engine) -> Clock:
    """The clock of the process that made `engine` (the wall clock unless one was given)."""
    return _clocks.get(engine, wall_clock)


def now_of(session: Session) -> datetime:
    """"Now" for a unit of work: the clock of the engine its session was opened on."""
    return session.info.get("clock", wall_clock)()


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"check_same_thread": False,
                               "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            pool_size=10, max_overflow=20, pool_pre_ping=False, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            reading = _reads_only(conn)
            if conn.info.get("query_only", False) != reading:  # a pooled connection remembers
                conn.exec_driver_sql(f"PRAGMA query_only={int(reading)}")
                conn.info["query_only"] = reading
            conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

        return engine
    engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True,
                           hide_parameters=True)

    @event.listens_for(engine, "begin")
    def _on_begin_pg(conn):
        if _reads_only(conn):
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    return engine


READ_ONLY = "pact_read_only"  # the execution option a read_scope's connection carries


def _reads_only(conn) -> bool:
    return bool(conn.get_execution_options().get(READ_ONLY))


def get_engine(url: str) -> Engine:
    """The process-wide engine for `url` (created on first use)."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = make_engine(url)
        return engine


def dispose_engines() -> None:
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error: no partial writes."""
    with _unit_of_work(engine) as session:
        yield session


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """A session for reading only: one consistent snapshot, refused by the database if it
    tries to write (PostgreSQL: a READ ONLY transaction; SQLite: `query_only`), and on SQLite
    begun deferred, so however long it reads, writers in other connections are not held up."""
    with _unit_of_work(engine.execution_options(**{READ_ONLY: True}),
                       clock_of(engine)) as session:
        yield session


@contextmanager
def _unit_of_work(bind: Engine, clock=None) -> Iterator[Session]:
    """Commit on success, roll back on any error, with the engine's clock for model defaults
    (created_at, …) while it lasts."""
    clock = clock or clock_of(bind)
    token = current_clock.set(clock)
    try:
        with Session(bind, expire_on_commit=False, info={"clock": clock}) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    finally:
        current_clock.reset(token)


def database_answers(engine: Engine) -> bool:
    """True when the database answers a trivial query (for /healthz and doctor)."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not answering"
        return False
