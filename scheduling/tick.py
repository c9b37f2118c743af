"""`tick(now)`: claim what is due, run it, send what it decided, record the result.

Called by the runner every few seconds and directly by tests with any `now`. Repairing rows
that drifted out of step is not its work: that is a pass of its own (scheduling.sync), so
the tick never waits for it.

1. Claim due schedule rows with a conditional UPDATE and commit (scheduling rows are leased, so
   any number of processes never run one occurrence twice; a dead process's lease lapses).
2. For each claimed row, in one transaction: run its job (which only enqueues outbox messages,
   keyed by the occurrence), compute the next run in the row's timezone, release the claim.
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
            claims = sq.claim_due(session, now, BATCH)
        if not claims:
            break
        result.claimed += len(claims)
        result.skipped += _run_claims(engine, services, kinds, claims, now, grace)
        if len(claims) < BATCH or time.monotonic() - started > CLAIM_BUDGET:
            break
    delivery = deliver(engine, client, now, kinds=kinds, grace=grace)
    result.sent, result.failed = delivery.sent, delivery.failed
    return result


def _catch_up(rule, tz: str, first: datetime, now: datetime) -> tuple[datetime, int]:
    """The most recent occurrence at or before `now`, and how many earlier ones it passes."""
    occurrence, passed = first, 0
    for _ in range(5000):
        nxt = next_after(rule, tz, occurrence)
        if nxt is None or nxt > now:
            break
        occurrence, passed = nxt, passed + 1
    return occurrence, passed


def _plan(claims: list[sq.Claimed], now: datetime, grace: timedelta) -> list[tuple]:
    """(claim, rule or the error computing it, the Run or None when too late, missed count)."""
    plans: list[tuple[sq.Claimed, object, Run | None, int]] = []
    for claim in claims:
        try:
            rule = parse_rule(claim.rule)
            occurrence, passed = _catch_up(rule, claim.tz, claim.next_run_at, now)
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
    plans = _plan(claims, now, grace)
    skipped_total = 0
    with session_scope(engine) as session:
        contexts = {}
        for name in {p[2].kind for p in plans if p[2] is not None}:
            kind = kinds.get(name)
            if kind is not None and kind.scheduled:
                contexts[name] = kind.prepare(session, [p[2] for p in plans
                                                        if p[2] is not None and p[2].kind == name])
        for claim, rule, run, skipped in plans:
            skipped_total += skipped
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
                    with log_ids(workspace_id=claim.workspace_id, team_id=claim.team_id):
                        outcome = kind.run(session, run, contexts.get(claim.kind), services)
                values = _finished(claim, rule, run, skipped, outcome, now, grace)
                if not sq.finish(session, claim, now, **values):
                    savepoint.rollback()  # our lease lapsed and another process took over
                    continue
                savepoint.commit()
            except Exception as err:  # noqa: BLE001 - recorded on the row, retried with backoff
                savepoint.rollback()
                log.exception("schedule %s (%s %s) failed", claim.id, claim.kind,
                              claim.subject_id)
                _failed(session, claim, rule, now, f"{type(err).__name__}: {err}")
    return skipped_total


def _finished(claim: sq.Claimed, rule, run: Run | None, skipped: int, outcome: Outcome,
              now: datetime, grace: timedelta) -> dict:
    """The schedule row after its job: when it runs next, and what was missed on the way."""
    nxt = None if outcome.done else (outcome.next_run_at or next_after(rule, claim.tz, now))
    values = dict(next_run_at=nxt, status="active" if nxt else "done", attempts=0)
    if run is not None:
        values.update(last_run_at=run.occurrence, last_error=None)
    if skipped:
        values.update(skipped_add=skipped,
                      last_skipped_at=claim.next_run_at if run else
                      _catch_up(rule, claim.tz, claim.next_run_at, now)[0],
                      last_error=f"skipped {skipped} missed occurrence(s): only "
                                 f"the latest runs, and only within {grace}")
        log.warning("schedule %s (%s %s): skipped %s missed occurrence(s) (only "
                    "the latest runs, within %s)", claim.id, claim.kind,
                    claim.subject_id, skipped, grace)
    if run is not None and run.occurrence < now - timedelta(minutes=5):
        log.info("schedule %s (%s %s): ran the occurrence of %s late", claim.id,
                 claim.kind, claim.subject_id, run.occurrence.isoformat())
    return values


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
