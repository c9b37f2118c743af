"""Deleting the data of workspaces uninstalled longer than the retention period.

Run by the periodic reconciliation pass over every kind (every few minutes, in whichever
worker runs it): the purge has no schedule row of its own, since the rows it would hang on are the ones it
deletes. `run`/`prepare` exist because only a scheduled kind takes part in that pass; no row of
this kind is ever created.
"""

from __future__ import annotations

import logging

from handlers.workspaces import service
from scheduling.kinds import Kind, Outcome, Reconcile

log = logging.getLogger("pact.workspaces")


def purge_expired(session, workspace_ids: list[str], now) -> int:
    purged = service.purge(session, workspace_ids, now)
    for p in purged:
        what = ", ".join(f"{n} {table}" for table, n in sorted(p.removed.items()))
        log.warning("workspace %s: retention period over, deleted its data: %s",
                    p.workspace_id, what)
    return len(purged)


def _prepare(session, runs):
    return None


def _run(session, run, context, services) -> Outcome:
    return Outcome(done=True)


KINDS = [Kind("workspace_retention", time_bound=False, prepare=_prepare, run=_run,
              reconcile=Reconcile(find=service.purges_due, fix=purge_expired))]
