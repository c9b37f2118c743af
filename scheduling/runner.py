"""Two APScheduler interval jobs: `tick(now)` every few seconds and the reconciliation pass
every few minutes; the schedule itself lives in rows."""

from __future__ import annotations

import gc
import logging
import threading
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from scheduling.sync import RECONCILE_EVERY, reconcile
from scheduling.tick import tick

log = logging.getLogger("pact.scheduler")


def settle_before_work() -> None:
    """Once, when a process is about to start its scheduler: mappers configured, and what
    starting up made moved out of the garbage collector's sight (`gc.freeze`), so the full
    collections a long run triggers scan what its ticks make, not the tens of thousands of
    objects importing Pact left behind (that scan was paid again and again per message)."""
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    gc.collect()
    gc.freeze()


def make_scheduler(services, client, stopping: threading.Event | None = None
                   ) -> BackgroundScheduler:
    """A scheduler with two UTC interval jobs, the tick and reconciliation, each in its own
    thread: the tick never waits for a reconciliation pass, however long that takes.

    coalesce + max_instances=1: a slow run never overlaps the next one of the same job and
    missed runs collapse into one; the rows, not APScheduler, decide what is late and what is
    due. While a tick finds work (it claimed, sent or settled something), the next one starts
    at once: a backlog goes out batch after batch instead of one batch per interval. Setting
    `stopping` ends that after the current tick (SIGTERM finishes what was accepted, not the
    whole backlog).
    """
    scheduler = BackgroundScheduler(timezone=UTC)
    stopping = stopping or threading.Event()

    def run_tick() -> None:
        while not stopping.is_set():
            try:
                result = tick(services.now(), services, client)
            except Exception:
                log.exception("tick failed; the next one will try again")
                return
            if result.claimed:
                log.info("tick: %s claimed, %s sent, %s failed", result.claimed,
                         result.sent, result.failed)
            if not (result.claimed or result.sent or result.failed):
                return

    def run_reconcile() -> None:
        try:
            reconcile(services.engine, services.kinds, services.now())
        except Exception:
            log.exception("reconciliation failed; the next pass will try again")

    started = datetime.now(UTC)
    scheduler.add_job(run_tick, "interval", seconds=services.settings.tick_seconds, id="tick",
                      coalesce=True, max_instances=1, misfire_grace_time=None,
                      next_run_time=started, replace_existing=True)
    scheduler.add_job(run_reconcile, "interval", seconds=RECONCILE_EVERY.total_seconds(),
                      id="reconcile", coalesce=True, max_instances=1, misfire_grace_time=None,
                      next_run_time=started, replace_existing=True)
    return scheduler
