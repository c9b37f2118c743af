"""Keeping schedule rows in step: the machinery every feature's reconciliation shares.

Features keep their own rows in step when they save (inside their transaction); every few
minutes a pass of its own (the runner's "reconcile" job, beside the tick, never inside it)
also asks each kind to repair whatever a missed hook or another code path left out of step.

A pass is bounded and takes no lock while it looks: each kind finds what drifted in a
read-only transaction (anti-joins on indexed columns, at most `limit` subjects), then fixes it
in short write transactions of `FIX_BATCH` subjects; once the pass's time budget is spent,
what is left waits for the next pass. One bad row never stops the others.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlmodel import Session

from scheduling.kinds import Kind, Kinds
from storage.engine import read_scope, session_scope

log = logging.getLogger("pact.schedules")

RECONCILE_EVERY = timedelta(minutes=5)
RECONCILE_LIMIT = 500  # subjects of each kind per pass
RECONCILE_BUDGET = 10.0  # seconds per pass; the rest waits for the next one
FIX_BATCH = 50  # subjects per write transaction: SQLite's write lock is held briefly


def guarded(session: Session, what: str, ident: int, fix: Callable[[], object]) -> int:
    """Run one repair in a savepoint: 1 when it worked, 0 (logged) when it failed."""
    savepoint = session.begin_nested()
    try:
        fix()
    except Exception:  # noqa: BLE001 - logged with its stack trace, repaired data comes next
        savepoint.rollback()
        log.exception("could not bring the schedules of %s %s in step", what, ident)
        return 0
    savepoint.commit()
    return 1


def reconcile(engine, kinds: Kinds, now: datetime, limit: int = RECONCILE_LIMIT,
              budget: float = RECONCILE_BUDGET) -> int:
    """One pass: every kind finds and repairs its rows; how many subjects it fixed in all."""
    deadline = time.monotonic() + budget
    fixed = 0
    for kind in kinds.by_name.values():
        if kind.reconcile is None:
            continue
        if time.monotonic() > deadline:
            log.warning("reconciliation spent its %ss; the next pass goes on from %s",
                        budget, kind.name)
            break
        fixed += _reconcile_kind(engine, kind, now, limit, deadline)
    if fixed:
        log.info("reconciliation brought %s schedule group(s) in step", fixed)
    return fixed


def _reconcile_kind(engine, kind: Kind, now: datetime, limit: int, deadline: float) -> int:
    fixed = 0
    try:
        with read_scope(engine) as session:
            found = kind.reconcile.find(session, now, limit)
        for start in range(0, len(found), FIX_BATCH):
            if start and time.monotonic() > deadline:
                break
            with session_scope(engine) as session:
                fixed += kind.reconcile.fix(session, found[start:start + FIX_BATCH], now) or 0
    except Exception:  # noqa: BLE001 - logged with its trace; the next kind still runs
        log.exception("reconciling %s schedules failed", kind.name)
    return fixed


_passes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_passes_lock = threading.Lock()


def reconcile_due(engine, kinds: Kinds, now: datetime) -> int:
    """A pass when the last one on this engine is `RECONCILE_EVERY` old (or `now` went back):
    for a loop that moves its own clock (the playground), as the runner's job does for a
    worker."""
    with _passes_lock:
        last = _passes.get(engine)
        if last is not None and last <= now < last + RECONCILE_EVERY:
            return 0
        _passes[engine] = now
    return reconcile(engine, kinds, now)
