"""`tick(now)`: claim what is due, run it, send what it decided, record the result.

Called by the runner every few seconds and directly by tests with any `now`. Repairing rows
that drifted out of step is not its work: that is a pass of its own (scheduling.sync), so
the tick never waits for it.

1. Claim due schedule rows with a conditional UPDATE and commit (scheduling rows are leased, so
   any number of processes never run one occurrence twice; a dead process's lease lapses).
2. For a batch of claimed rows, in one transaction: run each job (which only enqueues outbox
   messages, keyed by the occurrence), compute the next runs in the rows' timezones, release the
   claims with one UPDATE per shape of result. A failed run sends the batch round again one row
   at a time, each in a savepoint, so the failure is recorded on its row alone.
3. Deliver due outbox messages outside any transaction (scheduling.outbox).

Catch-up after downtime: the most recent missed occurrence runs once, late, when it is less than
the grace period old (default 6 hours); older ones are skipped and counted on the row.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.logs import log_ids
from bot.rules.recurrence import next_after, parse_rule
from scheduling.kinds import Kinds, Outcome, Run
from scheduling.outbox import deliver
from storage.engine import session_scope
from storage.queries import schedules as sq

log = logging.getLogger("pact.tick")

BATCH = 200
MAX_ATTEMPTS = 5
RETRY = [timedelta(minutes=m) for m in (1, 5, 15, 30)]
CLAIM_BUDGET = 60.0  # seconds of claiming per tick; the rest waits for the next one


@dataclass
class TickResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0


def tick(now: datetime, services, client) -> TickResult:
    """Run everything due at `now` (aware UTC)."""
    if now.tzinfo is None:
        raise ValueError("tick needs an aware datetime")
    engine = services.engine
    kinds: Kinds = services.kinds
    grace = services.settings.catchup_grace
    result = TickResult()
    started = time.monotonic()
    while True:
        with session_scope(engine) as session:
            claims = sq.claim_due(session, now, BATCH, services.settings.claim_lease)
        if not claims:
            break
        result.claimed += len(claims)
        result.skipped += _run_claims(engine, services, kinds, claims, now, grace)
        if len(claims) < BATCH or time.monotonic() - started > CLAIM_BUDGET:
            break
    delivery = deliver(engine, client, now, kinds=kinds, grace=grace,
                       lease=services.settings.claim_lease)
    result.sent, result.failed = delivery.sent, delivery.failed
    return result


class _Rules:
    """Rules read and next runs computed once per batch: many rows share a rule, a timezone and
    a due time (every team's Monday check-in), and the whole batch shares `now`."""

    def __init__(self):
        self._rules: dict[str, object] = {}
        self._next: dict[tuple, datetime | None] = {}

    def parse(self, text: str):
        rule = self._rules.get(text)
        if rule is None:
            rule = self._rules[text] = parse_rule(text)
        return rule

    def next_after(self, rule, tz: str, at: datetime) -> datetime | None:
        key = (rule, tz, at)
        if key not in self._next:
            self._next[key] = next_after(rule, tz, at)
        return self._next[key]


def _catch_up(rule, tz: str, first: datetime, now: datetime,
              after=next_after) -> tuple[datetime, int]:
    """The most recent occurrence at or before `now`, and how many earlier ones it passes."""
    occurrence, passed = first, 0
    for _ in range(5000):
        nxt = after(rule, tz, occurrence)
        if nxt is None or nxt > now:
            break
        occurrence, passed = nxt, passed + 1
    return occurrence, passed


def _plan(claims: list[sq.Claimed], now: datetime, grace: timedelta,
          rules: _Rules) -> list[tuple]:
    """(claim, rule or the error computing it, the Run or None when too late, missed count)."""
    plans: list[tuple[sq.Claimed, object, Run | None, int]] = []
    for claim in claims:
        try:
            rule = rules.parse(claim.rule)
            occurrence, passed = _catch_up(rule, claim.tz, claim.next_run_at, now,
                                           rules.next_after)
        except Exception as err:  # noqa: BLE001 - recorded on the row, retried with backoff
            log.error("schedule %s cannot be computed (%r in %s): %s", claim.id, claim.rule,
                      claim.tz, err)
            plans.append((claim, err, None, 0))
            continue
        if now - occurrence > grace:
            plans.append((claim, rule, None, passed + 1))
            continue
        run = Run(claim.id, claim.workspace_id, claim.team_id, claim.kind, claim.subject_id,
                  rule, claim.tz, occurrence, claim.last_run_at, now)
        plans.append((claim, rule, run, passed))
    return plans


def _run_claims(engine, services, kinds: Kinds, claims: list[sq.Claimed], now: datetime,
                grace: timedelta) -> int:
    """Run a batch in one transaction, its results recorded with one UPDATE per shape. When a
    run fails or a lease lapsed, that transaction is rolled back and the batch runs again one
    claim at a time, each in its own savepoint, so only the failed row records the failure."""
    rules = _Rules()
    plans = _plan(claims, now, grace, rules)
    try:
        with session_scope(engine) as session:
            finished = _run_batch(session, services, kinds, plans, now, grace, rules)
    except Exception:  # noqa: BLE001 - run again claim by claim, which records what failed
        _run_one_by_one(engine, services, kinds, plans, now, grace, rules)
    else:
        for claim, run, skipped in finished:
            _log_late(claim, run, skipped, now, grace)
    return sum(p[3] for p in plans)


class _OneByOne(Exception):
    """The batch cannot be recorded in one go."""


def _prepare(session, kinds: Kinds, plans: list[tuple]) -> dict:
    """Each kind's shared context for these runs (a few queries per kind)."""
    contexts = {}
    for name in {p[2].kind for p in plans if p[2] is not None}:
        kind = kinds.get(name)
        if kind is not None and kind.scheduled:
            contexts[name] = kind.prepare(session, [p[2] for p in plans
                                                    if p[2] is not None and p[2].kind == name])
    return contexts


def _flush(session, kinds: Kinds, contexts: dict) -> None:
    """What the runs left in their contexts, written together (one statement per kind)."""
    for name, context in contexts.items():
        kind = kinds.get(name)
        if kind.flush is not None:
            kind.flush(session, context)


def _run_batch(session, services, kinds: Kinds, plans: list[tuple], now: datetime,
               grace: timedelta, rules: _Rules) -> list[tuple]:
    """Every run of the batch, then their schedule rows in one statement per shape; raises
    when a run fails or a lease lapsed (the caller rolls back and goes one by one)."""
    contexts = _prepare(session, kinds, plans)
    results, finished = [], []
    for claim, rule, run, skipped in plans:
        if isinstance(rule, Exception):
            _failed(session, claim, None, now, f"{type(rule).__name__}: {rule}")
            continue
        kind = kinds.get(claim.kind)
        if kind is None or not kind.scheduled:
            raise _OneByOne(claim.kind)
        outcome = Outcome()
        if run is not None:
            with log_ids(workspace_id=claim.workspace_id, team_id=claim.team_id):
                outcome = kind.run(session, run, contexts.get(claim.kind), services)
        values = _finished(claim, rule, run, skipped, outcome, now, grace, rules)
        results.append((claim, values))
        finished.append((claim, run, skipped))
    _flush(session, kinds, contexts)
    if sq.finish_many(session, results, now) != len(results):
        raise _OneByOne("a lease lapsed")
    return finished


def _run_one_by_one(engine, services, kinds: Kinds, plans: list[tuple], now: datetime,
                    grace: timedelta, rules: _Rules) -> None:
    """Each run prepared, run and flushed in its own savepoint: what a failed run decided is
    rolled back with it."""
    with session_scope(engine) as session:
        for plan in plans:
            claim, rule, run, skipped = plan
            if isinstance(rule, Exception):
                _failed(session, claim, None, now, f"{type(rule).__name__}: {rule}")
                continue
            kind = kinds.get(claim.kind)
            savepoint = session.begin_nested()
            try:
                outcome = Outcome()
                if kind is None or not kind.scheduled:
                    raise LookupError(f"no job is declared for the kind {claim.kind!r}")
                if run is not None:
                    contexts = _prepare(session, kinds, [plan])
                    with log_ids(workspace_id=claim.workspace_id, team_id=claim.team_id):
                        outcome = kind.run(session, run, contexts.get(claim.kind), services)
                    _flush(session, kinds, contexts)
                values = _finished(claim, rule, run, skipped, outcome, now, grace, rules)
                if not sq.finish(session, claim, now, **values):
                    savepoint.rollback()  # our lease lapsed and another process took over
                    continue
                savepoint.commit()
                _log_late(claim, run, skipped, now, grace)
            except Exception as err:  # noqa: BLE001 - recorded on the row, retried with backoff
                savepoint.rollback()
                log.exception("schedule %s (%s %s) failed", claim.id, claim.kind,
                              claim.subject_id)
                _failed(session, claim, rule, now, f"{type(err).__name__}: {err}")


def _finished(claim: sq.Claimed, rule, run: Run | None, skipped: int, outcome: Outcome,
              now: datetime, grace: timedelta, rules: _Rules) -> dict:
    """The schedule row after its job: when it runs next, and what was missed on the way."""
    nxt = None if outcome.done else (outcome.next_run_at
                                     or rules.next_after(rule, claim.tz, now))
    values = dict(next_run_at=nxt, status="active" if nxt else "done", attempts=0)
    if run is not None:
        values.update(last_run_at=run.occurrence, last_error=None)
    if skipped:
        values.update(skipped_add=skipped,
                      last_skipped_at=claim.next_run_at if run else
                      _catch_up(rule, claim.tz, claim.next_run_at, now, rules.next_after)[0],
                      last_error=f"skipped {skipped} missed occurrence(s): only "
                                 f"the latest runs, and only within {grace}")
    return values


def _log_late(claim: sq.Claimed, run: Run | None, skipped: int, now: datetime,
              grace: timedelta) -> None:
    """Say, once the row is recorded, what ran late or was skipped."""
    if skipped:
        log.warning("schedule %s (%s %s): skipped %s missed occurrence(s) (only "
                    "the latest runs, within %s)", claim.id, claim.kind,
                    claim.subject_id, skipped, grace)
    if run is not None and run.occurrence < now - timedelta(minutes=5):
        log.info("schedule %s (%s %s): ran the occurrence of %s late", claim.id,
                 claim.kind, claim.subject_id, run.occurrence.isoformat())


def _failed(session, claim: sq.Claimed, rule, now: datetime, error: str) -> None:
    """A run failed: retry the same occurrence with backoff; after the last try, record it and
    move on to the next occurrence (or stop, when even that cannot be computed)."""
    attempts = claim.attempts + 1
    if attempts < MAX_ATTEMPTS:
        sq.retry_later(session, claim, now, error=error,
                       at=now + RETRY[min(attempts - 1, len(RETRY) - 1)])
        return
    try:
        nxt = next_after(rule, claim.tz, now) if rule is not None else None
    except Exception:  # noqa: BLE001 - an unusable timezone: stop, keep the error
        nxt = None
    log.error("schedule %s (%s %s) gave up on the occurrence of %s: %s", claim.id, claim.kind,
              claim.subject_id, claim.next_run_at.isoformat(), error)
    sq.finish(session, claim, now, next_run_at=nxt, status="active" if nxt else "done",
              attempts=0, last_error=f"gave up on the occurrence of "
                                     f"{claim.next_run_at.isoformat()}: {error}"[:500])
