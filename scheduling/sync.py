"""Keeping schedule rows in step: the machinery every feature's reconciliation shares.

Features keep their own rows in step when they save (inside their transaction); every few
minutes a pass of its own (the runner's "reconcile" job, beside the tick, never inside it)
also asks each kind to repair whatever a missed hook or another code path left out of step.

A pass is bounded and takes no lock while it looks: each kind finds what drifted in a
read-only transaction (anti-joins on indexed columns, at most `limit` subjects), then fixes it
in short write transactions of `FIX_BATCH` subjects (a subject alone only when its batch
fails, so one bad row never stops the others); once the pass's time budget is spent, what is
left waits for the next pass.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from datetime import datetime, timedelta

from scheduling.kinds import Kind, Kinds
from storage.engine import read_scope, session_scope

log = logging.getLogger("pact.schedules")

RECONCILE_EVERY = timedelta(minutes=5)
RECONCILE_LIMIT = 500  # subjects of each kind per pass
RECONCILE_BUDGET = 10.0  # seconds per pass; the rest waits for the next one
FIX_BATCH = 50  # subjects per write transaction: SQLite's write lock is held briefly


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
            fixed += _fix(engine, kind, found[start:start + FIX_BATCH], now)
    except Exception:  # noqa: BLE001 - logged with its trace; the next kind still runs
        log.exception("reconciling %s schedules failed", kind.name)
    return fixed


def _fix(engine, kind: Kind, subjects: list, now: datetime) -> int:
    """A batch in one transaction; when it fails, each subject in its own, so one bad row
    never stops the others (and costs nothing while none is bad)."""
    try:
        with session_scope(engine) as session:
            return kind.reconcile.fix(session, subjects, now) or 0
    except Exception:  # noqa: BLE001 - logged with its trace (ids only), the rest go on
        if len(subjects) == 1:
            log.exception("could not bring the %s schedules of %s in step", kind.name,
                          subjects[0])
            return 0
    return sum(_fix(engine, kind, [subject], now) for subject in subjects)


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
