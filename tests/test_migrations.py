"""Migrations build the schema from an empty database on SQLite and PostgreSQL, and agree with
the models."""

import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.engine import make_engine
from storage.migrate import head_revisions, pending, upgrade
from storage.models import Member, Workspace, metadata
from tests.conftest import create_pg_database, drop_pg_database


def _assert_migrated_schema_matches_models(url):
    engine = make_engine(url)
    try:
        assert pending(engine, url)  # empty database: behind the code
        upgrade(url)
        assert not pending(engine, url)
        tables = set(inspect(engine).get_table_names())
        assert {"workspaces", "members", "teams", "team_memberships"} <= tables
        assert set(metadata.tables) <= tables
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True}), metadata)
        assert diff == []
        upgrade(url)  # running it again is harmless
        return engine
    except BaseException:
        engine.dispose()
        raise


def test_sqlite_from_empty(tmp_path):
    url = f"sqlite:///{tmp_path}/fresh.db"
    engine = _assert_migrated_schema_matches_models(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    _foreign_keys_enforced(engine)
    engine.dispose()


def test_postgresql_from_empty(postgres_admin_url):
    url = create_pg_database(postgres_admin_url)
    try:
        engine = _assert_migrated_schema_matches_models(url)
        _foreign_keys_enforced(engine)
        engine.dispose()
    finally:
        drop_pg_database(postgres_admin_url, url)


def _foreign_keys_enforced(engine):
    import pytest

    with pytest.raises(IntegrityError), Session(engine) as session:
        session.add(Member(workspace_id="T-missing", slack_user_id="U1"))
        session.commit()
    with Session(engine) as session:
        session.add(Workspace(id="T1"))
        session.commit()


def test_single_head():
    assert len(head_revisions("sqlite://")) == 1


def test_alembic_check_is_clean(tmp_path):
    """`alembic check` from the project root: the models need no new migration."""
    url = f"sqlite:///{tmp_path}/check.db"
    upgrade(url)
    root = __import__("pathlib").Path(__file__).parents[1]
    result = subprocess.run([sys.executable, "-m", "alembic", "check"], cwd=root,
                            env={"DATABASE_URL": url, "PATH": ""}, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No new upgrade operations detected" in result.stdout + result.stderr
