"""The one registry of what Pact schedules and sends: every kind, declared by its feature.

A scheduled kind's `run` gets a `Run` (the occurrence being run) inside the tick's transaction
for its schedule row: it reads what it needs and enqueues outbox messages (never calls Slack),
so the decision and the messages commit together with the next run, or not at all. It returns
an `Outcome`.

The scheduler and the outbox know no feature. Each feature's `jobs.py` declares its kinds as
`Kind(...)` values; `bot/app.py` lists them all in one place and hands the resulting `Kinds`
to the tick and the outbox. A kind declared incompletely fails when the registry is built, not
months later when its first row comes due.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.rules.recurrence import Rule

# (session, runs) -> context shared by the batch's runs (e.g. everything loaded in a few queries)
Prepare = Callable[[Session, list], Any]
# (session, run, context, services) -> Outcome: decide and enqueue, inside the tick's transaction
RunJob = Callable[[Session, Any, Any, Any], Any]
# (session, messages of this kind, now) -> {message id: when it may go out instead, or Held}
Hold = Callable[[Session, list, datetime], dict[int, Any]]
# (session, context): write what the runs using this context decided, together (e.g. their outbox
# messages in one statement); the tick calls it once the batch's runs are done
Flush = Callable[[Session, Any], None]
# (session, ref, channel, ts): a message of this kind was posted; ref is its after_send ref
AfterSend = Callable[[Session, str, str, str], None]
# (engine, workspace_id, channel, error, now) -> outbox ids to send (tell whoever can fix it)
ChannelTrouble = Callable[[Engine, str, str, str, datetime], list[int]]
# (engine, client, messages about to be held or sent, now): read what holds decide on (e.g.
# recipients' Slack statuses), outside any transaction; never raises
LookUp = Callable[[Engine, Any, list, datetime], None]


@dataclass(frozen=True)
class Held:
    """A hold's answer with its reason: wait `until`, or (None) drop: no longer worth sending."""

    until: datetime | None
    reason: str


@dataclass(frozen=True)
class Reconcile:
    """How a kind brings its rows back in step (`scheduling.sync`).

    `find(session, now, limit)` only reads, in a read-only transaction that holds no lock:
    at most `limit` subjects (ids, or tuples of them) out of step, found with anti-joins.
    `fix(session, subjects, now)` brings a few of them in step in a write transaction of its
    own and says how many it fixed; a subject put back in step meanwhile is simply in step.
    """

    find: Callable[[Session, datetime, int], list]
    fix: Callable[[Session, list, datetime], int]


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


class KindError(ValueError):
    """A kind declared incompletely or twice."""


@dataclass(frozen=True)
class Kind:
    """One kind of schedule row and/or outbox message.

    `time_bound`: its messages only make sense close to when they were decided ("tomorrow you
    present"); after downtime longer than the catch-up grace they are skipped and recorded.
    It must be said for every kind: there is no default to forget.
    `run`/`prepare`: for a kind of schedule row, what its occurrence does (both or neither).
    `flush`: for a kind whose runs leave their writes in the prepared context, writing them
    (the tick calls it after a batch's runs, in the same transaction).
    `hold`: when its messages may go out (checked right before sending).
    `after_send`: what to record once Slack accepted one of its messages (e.g. the post's ts).
    `reconcile`: how rows of this kind that drifted out of step are found and repaired.
    """

    name: str
    time_bound: bool
    run: RunJob | None = None
    prepare: Prepare | None = None
    flush: Flush | None = None
    hold: Hold | None = None
    after_send: AfterSend | None = None
    reconcile: Reconcile | None = None

    def __post_init__(self):
        if not self.name or len(self.name) > 40:
            raise KindError(f"kind name {self.name!r} must be 1-40 characters")
        if not isinstance(self.time_bound, bool):
            raise KindError(f"kind {self.name}: time_bound must be True or False")
        if (self.run is None) != (self.prepare is None):
            raise KindError(f"kind {self.name}: a scheduled kind needs both run and prepare")
        if self.flush is not None and self.run is None:
            raise KindError(f"kind {self.name}: only a scheduled kind can flush its runs")
        if self.reconcile is not None and self.run is None:
            raise KindError(f"kind {self.name}: only a scheduled kind can be reconciled")

    @property
    def scheduled(self) -> bool:
        return self.run is not None


@dataclass(frozen=True)
class Kinds:
    """Every kind by name, and who is told when a channel refuses a post."""

    by_name: dict[str, Kind] = field(default_factory=dict)
    channel_trouble: ChannelTrouble | None = None
    look_up: LookUp | None = None

    @classmethod
    def of(cls, kinds: Iterable[Kind], *, channel_trouble: ChannelTrouble | None = None,
           look_up: LookUp | None = None) -> Kinds:
        by_name: dict[str, Kind] = {}
        for kind in kinds:
            if kind.name in by_name:
                raise KindError(f"kind {kind.name} is declared twice")
            by_name[kind.name] = kind
        return cls(by_name, channel_trouble, look_up)

    def get(self, name: str) -> Kind | None:
        return self.by_name.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self.by_name

    def scheduled(self) -> list[Kind]:
        return [k for k in self.by_name.values() if k.scheduled]

    def time_bound(self) -> set[str]:
        return {k.name for k in self.by_name.values() if k.time_bound}


NO_KINDS = Kinds()
