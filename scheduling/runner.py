"""One APScheduler interval job that calls `tick(now)`; the schedule itself lives in rows."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from scheduling.tick import tick

log = logging.getLogger("pact.scheduler")


def make_scheduler(services, client) -> BackgroundScheduler:
    """A scheduler with a single UTC interval job.

    coalesce + max_instances=1: a slow tick never overlaps the next one and missed runs collapse
    into one; the rows, not APScheduler, decide what is late and what is due.
    """
    scheduler = BackgroundScheduler(timezone=UTC)

    def run_tick() -> None:
        try:
            result = tick(services.now(), services, client)
            if result.claimed:
                log.info("tick: %s claimed, %s sent, %s failed", result.claimed, result.sent,
                         result.failed)
        except Exception:
            log.exception("tick failed; the next one will try again")

    scheduler.add_job(run_tick, "interval", seconds=services.settings.tick_seconds, id="tick",
                      coalesce=True, max_instances=1, misfire_grace_time=None,
                      next_run_time=datetime.now(UTC), replace_existing=True)
    return scheduler
