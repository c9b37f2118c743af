"""Alembic environment: Pact's models are the target, DATABASE_URL the database."""

from __future__ import annotations

import os

from alembic import context

from storage.engine import make_engine
from storage.models import metadata

config = context.config


def _url() -> str:
    return (config.attributes.get("database_url") or os.environ.get("DATABASE_URL")
            or "sqlite:///pact.db")


def run_migrations_offline() -> None:
    url = _url()
    context.configure(url=url, target_metadata=metadata, literal_binds=True,
                      render_as_batch=url.startswith("sqlite"), compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
