"""A read-only transaction (`read_scope`) never holds up a listener's write, and cannot write.

On SQLite every writing transaction begins IMMEDIATE (the file's one write lock); a read_scope
begins deferred, so a long read (reconciliation's, a surface's) leaves the lock to writers.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from storage.engine import read_scope, session_scope
from storage.models import Team
from storage.queries.members import ensure_workspace

WS = "T0READ"


def _team(session, name: str) -> Team:
    team = Team(workspace_id=WS, channel_id=f"C{name.upper()}", name=name)
    session.add(team)
    session.flush()
    return team


def _teams(session) -> int:
    return session.execute(select(func.count()).select_from(Team)).scalar_one()


def test_a_write_commits_while_a_read_scope_is_open_and_the_read_keeps_its_snapshot(engine):
    with session_scope(engine) as s:
        ensure_workspace(s, WS)
        _team(s, "before")
    with read_scope(engine) as reading:
        assert _teams(reading) == 1  # the read transaction has begun and holds its snapshot
        # Another connection writes meanwhile: with the read holding the write lock this
        # would wait out the busy timeout and fail with "database is locked".
        with session_scope(engine) as writing:
            _team(writing, "during")
        assert _teams(reading) == 1  # still the snapshot it began with
    with session_scope(engine) as s:
        assert sorted(t.name for t in s.execute(select(Team)).scalars()) == ["before", "during"]


def test_writing_inside_a_read_scope_is_refused_and_nothing_is_written(engine):
    with session_scope(engine) as s:
        ensure_workspace(s, WS)
    with pytest.raises(DBAPIError), read_scope(engine) as reading:
        _team(reading, "sneaked")
    with session_scope(engine) as s:
        assert _teams(s) == 0


def test_connections_that_served_a_read_scope_write_again_afterwards(engine):
    with session_scope(engine) as s:
        ensure_workspace(s, WS)
    for i in range(25):  # more than the pool holds: every pooled connection goes both ways
        with read_scope(engine) as reading:
            assert _teams(reading) == i
        with session_scope(engine) as writing:
            _team(writing, f"t{i}")
    with session_scope(engine) as s:
        assert _teams(s) == 25
