"""What each kind of schedule does when its time comes: one module per kind.

A job runs inside the tick's transaction for its schedule row: it reads what it needs and
enqueues outbox messages (never calls Slack), so the decision and the messages commit together
with the schedule's next run, or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.rules.recurrence import Rule


@dataclass
class Run:
    schedule_id: int
    workspace_id: str
    team_id: int | None
    kind: str
    subject_id: int
    rule: Rule
    tz: str
    occurrence: datetime  # the occurrence being run (UTC); later than planned if caught up
    last_run_at: datetime | None  # the previous occurrence that ran
    now: datetime


@dataclass
class Outcome:
    outbox_ids: list[int] = field(default_factory=list)
    done: bool = False  # nothing more to do for this subject (gone, finished)
    next_run_at: datetime | None = None  # instead of the rule's next run
    # Slack calls to make once this run is committed (e.g. editing a post in place):
    # fn(engine, client), outside any transaction.
    after_commit: list[Callable] = field(default_factory=list)

