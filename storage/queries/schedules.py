"""Schedule rows: create them in step with the data, claim due ones atomically, record runs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from bot.rules.recurrence import Rule, next_after, parse_rule
from storage.models import Schedule
from storage.queries.workspaces import halted_workspaces

LEASE = timedelta(minutes=2)
T = Schedule.__table__


@dataclass
class Claimed:
    """A due schedule row this process holds (its claim token proves it)."""

    id: int
    workspace_id: str
    team_id: int | None
    kind: str
    subject_id: int
    rule: str
    tz: str
    next_run_at: datetime
    last_run_at: datetime | None
    attempts: int
    token: str


def _due(now: datetime):
    # An uninstalled workspace's schedules wait; a reinstall within the retention period
    # picks them up (the missed occurrences follow the usual catch-up rule).
    return and_(T.c.status == "active", T.c.next_run_at <= now,
                or_(T.c.claimed_until.is_(None), T.c.claimed_until < now),
                T.c.workspace_id.not_in(halted_workspaces()))


def claim_due(session: Session, now: datetime, limit: int = 200,
              lease: timedelta = LEASE) -> list[Claimed]:
    """Take up to `limit` due rows for this process, oldest first.

    One conditional UPDATE: of any number of processes racing, each row goes to exactly one (on
    PostgreSQL rows another process is claiming are skipped rather than waited for; the outer
    condition is re-checked on the locked row either way). A claim lapses after `lease`.
    """
    token = uuid.uuid4().hex
    pick = select(T.c.id).where(_due(now)).order_by(T.c.next_run_at, T.c.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    stmt = (update(T).where(T.c.id.in_(pick.scalar_subquery()), _due(now))
            .values(claim_token=token, claimed_until=now + lease)
            .returning(T.c.id, T.c.workspace_id, T.c.team_id, T.c.kind, T.c.subject_id,
                       T.c.rule, T.c.tz, T.c.next_run_at, T.c.last_run_at, T.c.attempts))
    rows = session.execute(stmt).all()
    claimed = [Claimed(*row, token=token) for row in rows]
    claimed.sort(key=lambda c: (c.next_run_at, c.id))
    return claimed


def finish(session: Session, claim: Claimed, now: datetime, **values) -> bool:
    """Record the outcome of a run and release the claim, only if the claim still stands.
    `skipped_add=n` adds n to the count of skipped occurrences."""
    skipped = values.pop("skipped_add", 0)
    stmt = _finish_statement(tuple(sorted(values)), bool(skipped))
    params = {f"v_{k}": v for k, v in values.items()}
    if skipped:
        params["v_skipped_add"] = skipped
    params.update(b_id=claim.id, b_tok=claim.token, v_updated_at=now)
    return session.execute(stmt, params).rowcount == 1


def finish_many(session: Session, results: list[tuple[Claimed, dict]], now: datetime) -> int:
    """`finish` for many rows: rows of one claim that get the same values (a batch of weekly
    check-ins all move on by a week) in one UPDATE of their ids, the rest one executemany per
    set of columns; returns how many rows were recorded (fewer when a claim lapsed)."""
    alike: dict[tuple, list[int]] = {}
    for claim, values in results:
        alike.setdefault((claim.token, tuple(sorted(values.items()))), []).append(claim.id)
    connection = session.connection()
    recorded = 0
    shapes: dict[tuple, list[dict]] = {}
    for (token, items), ids in alike.items():
        values = dict(items)
        skipped = values.pop("skipped_add", 0)
        if len(ids) > 1:
            extra = {"skipped_runs": T.c.skipped_runs + skipped} if skipped else {}
            recorded += connection.execute(
                update(T).where(T.c.id.in_(ids), T.c.claim_token == token)
                .values(claim_token=None, claimed_until=None, updated_at=now, **values,
                        **extra)).rowcount
            continue
        params = {f"v_{k}": v for k, v in values.items()}
        if skipped:
            params["v_skipped_add"] = skipped
        params.update(b_id=ids[0], b_tok=token, v_updated_at=now)
        shapes.setdefault((tuple(sorted(values)), bool(skipped)), []).append(params)
    return recorded + sum(connection.execute(_finish_statement(*shape), rows).rowcount
                          for shape, rows in shapes.items())


_FINISH: dict[tuple, object] = {}


def _finish_statement(keys: tuple, adds_skipped: bool):
    """UPDATE statements with bound parameters, cached by which columns they set."""
    cache_key = (keys, adds_skipped)
    stmt = _FINISH.get(cache_key)
    if stmt is None:
        values = {k: bindparam(f"v_{k}", type_=T.c[k].type) for k in (*keys, "updated_at")}
        if adds_skipped:
            values["skipped_runs"] = T.c.skipped_runs + bindparam("v_skipped_add")
        stmt = _FINISH[cache_key] = (
            update(T).where(T.c.id == bindparam("b_id"), T.c.claim_token == bindparam("b_tok"))
            .values(claim_token=None, claimed_until=None, **values))
    return stmt


def retry_later(session: Session, claim: Claimed, now: datetime, *, error: str,
                at: datetime) -> bool:
    """A failed attempt: keep the occurrence, try again at `at` (the claim field holds it)."""
    result = session.execute(
        update(T).where(T.c.id == claim.id, T.c.claim_token == claim.token)
        .values(claim_token=None, claimed_until=at, attempts=T.c.attempts + 1,
                last_error=error[:500], updated_at=now))
    return result.rowcount == 1


def get(session: Session, kind: str, subject_id: int) -> Schedule | None:
    return session.exec(select(Schedule).where(Schedule.kind == kind,
                                               Schedule.subject_id == subject_id)).scalars().first()


def ensure(session: Session, *, workspace_id: str, kind: str, subject_id: int, rule: Rule | str,
           tz: str, now: datetime, team_id: int | None = None,
           next_run_at: datetime | None = None, paused: bool = False) -> Schedule:
    """The schedule for (kind, subject): created, or brought in step with `rule` and `tz`.

    A changed rule or timezone recomputes the next run from `now`; an unchanged one keeps it (so
    saving a team twice never moves or repeats its check-in).
    """
    rule_obj = parse_rule(rule) if isinstance(rule, str) else rule
    text = str(rule_obj)
    nxt = next_run_at or next_after(rule_obj, tz, now)
    status = "paused" if paused else ("active" if nxt is not None else "done")
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(T).values(
        workspace_id=workspace_id, team_id=team_id, kind=kind, subject_id=subject_id, rule=text,
        tz=tz, status=status, next_run_at=nxt, attempts=0, skipped_runs=0, created_at=now,
        updated_at=now).on_conflict_do_nothing(index_elements=["kind", "subject_id"]))
    row = session.exec(select(Schedule).where(Schedule.kind == kind,
                                              Schedule.subject_id == subject_id)
                       .with_for_update()).scalars().one()
    changed = row.rule != text or row.tz != tz or (next_run_at is not None
                                                   and row.next_run_at != next_run_at)
    if changed or (row.status == "done" and nxt is not None):
        row.rule, row.tz, row.next_run_at = text, tz, nxt
        row.status = status if row.status != "paused" else "paused"
        row.attempts, row.claimed_until, row.claim_token = 0, None, None
        row.updated_at = now
    if row.team_id != team_id:
        row.team_id = team_id
    session.add(row)
    session.flush()
    return row


def ensure_many(session: Session, *, workspace_id: str, wanted: list[tuple[str, int, Rule]],
                tz: str, now: datetime, team_id: int | None = None,
                paused: bool = False) -> None:
    """`ensure` for many (kind, subject, rule) of one team at once, in three statements
    (insert the missing, read them all, update those out of step) however many there are."""
    rows = {(kind, subject): (str(rule), next_after(rule, tz, now))
            for kind, subject, rule in wanted}
    if not rows:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(T).on_conflict_do_nothing(index_elements=["kind", "subject_id"]), [
        dict(workspace_id=workspace_id, team_id=team_id, kind=kind, subject_id=subject,
             rule=text, tz=tz, status="paused" if paused else ("active" if nxt else "done"),
             next_run_at=nxt, attempts=0, skipped_runs=0, created_at=now, updated_at=now)
        for (kind, subject), (text, nxt) in rows.items()])
    stored = session.execute(select(T.c.id, T.c.kind, T.c.subject_id, T.c.rule, T.c.tz,
                                    T.c.status, T.c.team_id)
                             .where(T.c.kind.in_({k for k, _ in rows}),
                                    T.c.subject_id.in_({s for _, s in rows}))
                             .with_for_update()).all()
    changed, moved = [], []
    for row in stored:
        text, nxt = rows.get((row.kind, row.subject_id), (None, None))
        if text is None:
            continue
        if row.rule != text or row.tz != tz or (row.status == "done" and nxt is not None):
            status = "paused" if paused or row.status == "paused" else \
                ("active" if nxt else "done")
            changed.append(dict(b_id=row.id, b_rule=text, b_next=nxt, b_status=status))
        elif row.team_id != team_id:
            moved.append(dict(b_id=row.id))
    if changed:
        session.execute(update(T).where(T.c.id == bindparam("b_id")).values(
            rule=bindparam("b_rule"), tz=tz, team_id=team_id, next_run_at=bindparam("b_next"),
            status=bindparam("b_status"), attempts=0, claimed_until=None, claim_token=None,
            updated_at=now), changed)
    if moved:
        session.execute(update(T).where(T.c.id == bindparam("b_id")).values(team_id=team_id),
                        moved)


def end(session: Session, kind: str, subject_ids, now: datetime) -> int:
    """Stop schedules whose subject is finished (a milestone done, a goal archived)."""
    ids = list(subject_ids)
    if not ids:
        return 0
    return session.execute(update(T).where(T.c.kind == kind, T.c.subject_id.in_(ids),
                                           T.c.status != "done")
                           .values(status="done", next_run_at=None, claim_token=None,
                                   claimed_until=None, updated_at=now)).rowcount


def pause_team(session: Session, team_id: int, now: datetime) -> int:
    return session.execute(update(T).where(T.c.team_id == team_id, T.c.status == "active")
                           .values(status="paused", updated_at=now)).rowcount


def resume_team(session: Session, team_id: int, now: datetime) -> int:
    """Paused schedules run again from now on (what was missed meanwhile is not caught up)."""
    rows = session.execute(select(T.c.id, T.c.rule, T.c.tz)
                           .where(T.c.team_id == team_id, T.c.status == "paused")).all()
    for sid, rule, tz in rows:
        nxt = next_after(parse_rule(rule), tz, now)
        session.execute(update(T).where(T.c.id == sid).values(
            status="active" if nxt else "done", next_run_at=nxt, claim_token=None,
            claimed_until=None, attempts=0, updated_at=now))
    return len(rows)


def counts(session: Session) -> dict[str, int]:
    """Schedules by status (for `pact doctor`)."""
    return dict(session.execute(select(T.c.status, func.count()).group_by(T.c.status)).all())


def troubled(session: Session, limit: int = 10) -> list[Schedule]:
    """Active schedules whose last attempt failed."""
    return list(session.exec(select(Schedule).where(Schedule.status == "active",
                                                    Schedule.attempts > 0)
                             .order_by(Schedule.updated_at.desc()).limit(limit)).scalars())


def bulk_next(session: Session, updates: list[dict]) -> None:
    """Set next_run_at for many rows at once: [{"b_id": .., "b_next": ..}]."""
    if updates:
        session.execute(update(T).where(T.c.id == bindparam("b_id"))
                        .values(next_run_at=bindparam("b_next")), updates)
