"""Keeping schedule rows in step: the machinery every feature's reconciliation shares.

Features keep their own rows in step when they save (inside their transaction); every few
minutes the tick also asks each kind to repair whatever a missed hook or another code path
left out of step. One bad row never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from scheduling.kinds import Kinds
from storage.engine import session_scope

log = logging.getLogger("pact.schedules")

RECONCILE_LIMIT = 500  # fixes of each kind per pass


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


def reconcile(engine, kinds: Kinds, now: datetime, limit: int = RECONCILE_LIMIT) -> int:
    """Every kind repairs its rows, each in its own transaction; how many it fixed in all."""
    fixed = 0
    for kind in kinds.by_name.values():
        if kind.reconcile is None:
            continue
        try:
            with session_scope(engine) as session:
                fixed += kind.reconcile(session, now, limit) or 0
        except Exception:  # noqa: BLE001 - logged with its trace; the next kind still runs
            log.exception("reconciling %s schedules failed", kind.name)
    if fixed:
        log.info("reconciliation brought %s schedule group(s) in step", fixed)
    return fixed
