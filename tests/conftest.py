"""Fixtures: a migrated database (SQLite, or PostgreSQL with PACT_TEST_DATABASE_URL), the Slack
emulator, and Pact itself serving HTTP on a loopback port."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage.engine import make_engine
from storage.migrate import upgrade
from storage.models import metadata
from tests.harness import start_pact

PG_ADMIN_URL = os.environ.get("PACT_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _pg_reachable(url: str) -> bool:
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001
        return False


def create_pg_database(admin_url: str) -> str:
    """A new empty PostgreSQL database (dropped by `drop_pg_database`); returns its URL."""
    name = f"pact_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(admin_url: str, url: str) -> None:
    name = make_url(url).database
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The PostgreSQL server for tests that need it: required in CI, skipped elsewhere."""
    if not _pg_reachable(PG_ADMIN_URL):
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but {PG_ADMIN_URL} does not answer")
        pytest.skip("PostgreSQL not reachable (set PACT_TEST_POSTGRES_URL)")
    return PG_ADMIN_URL


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory):
    """Migrate once per run: a SQLite file to copy, or a PostgreSQL database to truncate."""
    backend = os.environ.get("PACT_TEST_DATABASE", "sqlite")
    if backend == "postgresql":
        if not _pg_reachable(PG_ADMIN_URL):
            pytest.fail(f"PACT_TEST_DATABASE=postgresql but {PG_ADMIN_URL} does not answer")
        url = create_pg_database(PG_ADMIN_URL)
        upgrade(url)
        yield ("postgresql", url)
        drop_pg_database(PG_ADMIN_URL, url)
    else:
        path = tmp_path_factory.mktemp("db") / "template.db"
        upgrade(f"sqlite:///{path}")
        yield ("sqlite", str(path))


@pytest.fixture
def database_url(_migrated_template, tmp_path) -> str:
    """A migrated, empty database of the backend under test, for this test alone."""
    backend, where = _migrated_template
    if backend == "sqlite":
        path = Path(tmp_path) / "pact.db"
        shutil.copyfile(where, path)
        return f"sqlite:///{path}"
    engine = create_engine(where)
    with engine.begin() as conn:
        tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return where


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def emulator():
    from bot.playground.emulator import SlackEmulator
    from bot.scopes import BOT_SCOPES

    # Exactly the scopes the manifest grants, so Slack's refusals (not_in_channel…) are real.
    with SlackEmulator(scopes=tuple(BOT_SCOPES)) as emu:
        yield emu


@pytest.fixture
def pact(emulator, engine, database_url):
    harness = start_pact(emulator, engine, database_url)
    yield harness
    harness.stop()
