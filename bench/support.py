"""What the benchmarks share: the Slack emulator in a process of its own (so its work is not
counted as Pact's), and PostgreSQL databases made for one run and dropped after it."""

from __future__ import annotations

import multiprocessing as mp
import os
import uuid

PG_ADMIN_URL = os.environ.get("PACT_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class EmulatorProcess:
    """`serve(conn)` in a spawned process: it first sends what the bench needs to reach the
    emulator, then answers (command, arg) requests until "stop"."""

    def __init__(self, serve):
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=serve, args=(child,), daemon=True)
        self.proc.start()
        self.hello = self.conn.recv()

    def ask(self, command, arg=None):
        self.conn.send((command, arg))
        return self.conn.recv()

    def stop(self):
        self.ask("stop")
        self.proc.join(timeout=5)


def create_pg_database(admin_url: str = PG_ADMIN_URL, prefix: str = "pact_bench") -> str:
    """A new empty PostgreSQL database; returns its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str, admin_url: str = PG_ADMIN_URL) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()
