"""The one registry of kinds: declared completely, and nothing Pact enqueues is left out."""

import re
from pathlib import Path

import pytest

from bot.app import schedule_kinds
from scheduling.kinds import Kind, KindError, Kinds, Reconcile

ROOT = Path(__file__).resolve().parent.parent


def _literal_kinds() -> set[str]:
    """Every kind named where Pact enqueues a message or keeps a schedule row."""
    found: set[str] = set()
    for folder in ("handlers", "scheduling", "bot", "storage"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            found.update(re.findall(r'\bkind="([a-z_]+)"', text))
            found.update(re.findall(r'\(\("(milestone_[a-z]+)"', text))
    return found


def test_every_kind_pact_enqueues_or_schedules_is_declared():
    declared = schedule_kinds()
    missing = sorted(k for k in _literal_kinds() if k not in declared)
    assert missing == [], f"declare these in a feature's KINDS and in bot/app.py: {missing}"


def test_every_scheduled_kind_has_its_job():
    kinds = schedule_kinds()
    for name in ("checkin", "milestone_soon", "milestone_due", "lab_announce", "lab_reminder",
                 "lab_followup", "lab_refresh", "nudge"):
        assert kinds.get(name).scheduled, name


def test_incomplete_or_double_declarations_fail_at_once():
    with pytest.raises(KindError):
        Kind("half", time_bound=False, run=lambda *a: None)  # no prepare
    with pytest.raises(KindError):
        Kind("fuzzy", time_bound=None)  # time-bound must be said
    with pytest.raises(KindError):
        Kind("repair", time_bound=False,  # nothing to reconcile
             reconcile=Reconcile(find=lambda *a: [], fix=lambda *a: 0))
    with pytest.raises(KindError):
        Kinds.of([Kind("twice", time_bound=False), Kind("twice", time_bound=True)])


def test_a_schedule_row_of_an_undeclared_kind_is_recorded_not_skipped(engine, emulator):
    from datetime import UTC, datetime, timedelta

    from scheduling.tick import tick
    from storage.engine import session_scope
    from storage.queries import schedules as sq
    from tests.test_tick import WS, client_for, services_for

    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with session_scope(engine) as session:
        from storage.queries.members import ensure_workspace

        ensure_workspace(session, WS)
        sq.ensure(session, workspace_id=WS, kind="forgotten", subject_id=1,
                  rule="weekly mon 10:00", tz="UTC", now=now - timedelta(days=7))
    tick(now + timedelta(hours=2), services_for(engine, emulator), client_for(emulator))
    with session_scope(engine) as session:
        row = sq.get(session, "forgotten", 1)
        assert row.attempts == 1 and "forgotten" in row.last_error
