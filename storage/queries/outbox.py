"""Outbox rows: enqueue in the caller's transaction, claim atomically, record the outcome."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from storage.engine import now_of
from storage.models import OutboxMessage
from storage.queries.workspaces import halted_workspaces

LEASE = timedelta(minutes=2)


def enqueue(session: Session, *, workspace_id: str, key: str, channel: str, text: str,
            blocks: list | None = None, thread_ts: str | None = None, kind: str = "",
            after_send: str | None = None, not_before: datetime | None = None,
            update_ts: str | None = None, attachment: dict | None = None,
            team_id: int | None = None) -> int | None:
    """Add a message to send, once per `key`; returns its id, or None if `key` already exists.
    `not_before` is also when it was decided (a scheduled run passes the tick's `now`).
    With `update_ts`, the message edits that post in `channel` instead (chat.update).
    With `attachment` (see OutboxMessage.attachment), a file goes into the post's thread.
    `team_id`: the team a team post is for (its check-ins are found by it).

    Call it in the same transaction that decided to send, so the decision and the message
    are committed together or not at all.
    """
    values = message(workspace_id=workspace_id, key=key, channel=channel, text=text,
                     blocks=blocks, thread_ts=thread_ts, kind=kind, after_send=after_send,
                     not_before=not_before or now_of(session), update_ts=update_ts,
                     attachment=attachment, team_id=team_id)
    connection = session.connection()  # a Core statement: no ORM work per message
    return connection.execute(_enqueue_statement(connection.dialect.name), values).scalar()


def message(*, workspace_id: str, key: str, channel: str, text: str, not_before: datetime,
            blocks: list | None = None, thread_ts: str | None = None, kind: str = "",
            after_send: str | None = None, update_ts: str | None = None,
            attachment: dict | None = None, team_id: int | None = None) -> dict:
    """One outbox row as `enqueue` writes it, for `enqueue_many` (same arguments)."""
    return dict(workspace_id=workspace_id, idempotency_key=key[:255], kind=kind,
                channel=channel, text=text[:40000], blocks=blocks, thread_ts=thread_ts,
                after_send=after_send, update_ts=update_ts, status="pending", attempts=0,
                next_attempt_at=not_before, created_at=not_before, attachment=attachment,
                team_id=team_id)


def enqueue_many(session: Session, messages: list[dict]) -> dict[str, int]:
    """`enqueue` for many rows built by `message`, in one statement: {key: id} of those added
    (a key that already exists adds nothing, as with `enqueue`)."""
    if not messages:
        return {}
    connection = session.connection()
    rows = connection.execute(_enqueue_statement(connection.dialect.name, many=True), messages)
    return {key: mid for mid, key in rows}


def existing_keys(session: Session, keys: list[str]) -> set[str]:
    """Which of `keys` are enqueued already (sent or not), in one query."""
    if not keys:
        return set()
    return set(session.connection().execute(
        select(T.c.idempotency_key).where(T.c.idempotency_key.in_(keys))).scalars())


_ENQUEUE: dict[tuple, object] = {}
_ENQUEUE_COLUMNS = ("workspace_id", "idempotency_key", "kind", "channel", "text", "blocks",
                    "thread_ts", "after_send", "update_ts", "status", "attempts",
                    "next_attempt_at", "created_at", "attachment", "team_id")


def _enqueue_statement(dialect: str, many: bool = False):
    """Built once per dialect (bound parameters), so enqueueing costs one cached statement."""
    stmt = _ENQUEUE.get((dialect, many))
    if stmt is None:
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        table = OutboxMessage.__table__
        stmt = _ENQUEUE[(dialect, many)] = (
            insert(table).values({c: bindparam(c, type_=table.c[c].type)
                                  for c in _ENQUEUE_COLUMNS})
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(*((table.c.id, table.c.idempotency_key) if many else (table.c.id,))))
    return stmt


def due_ids(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Pending messages whose time has come and whose claim (if any) has lapsed."""
    rows = session.exec(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
               or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
    return list(rows)


def claim(session: Session, message_id: int, now: datetime,
          lease: timedelta = LEASE) -> OutboxMessage | None:
    """Take `message_id` for sending, or None when another process holds or finished it.

    A conditional UPDATE: of any number of processes racing for the row, exactly one matches.
    A claim whose process died lapses after `lease` and can be taken over.
    """
    token = uuid.uuid4().hex
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending",
               OutboxMessage.next_attempt_at <= now,
               or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .values(claimed_until=now + lease, claim_token=token,
                attempts=OutboxMessage.attempts + 1))
    if result.rowcount != 1:
        return None
    return session.exec(select(OutboxMessage).where(OutboxMessage.id == message_id)).one()


def _finish(session: Session, message: OutboxMessage, **values) -> bool:
    """Record an outcome, only if our claim still stands (a lapsed claim lost the row)."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.claim_token == message.claim_token)
        .values(claimed_until=None, claim_token=None, **values))
    return result.rowcount == 1


def mark_sent(session: Session, message: OutboxMessage, *, ts: str | None, channel: str | None,
              now: datetime) -> bool:
    return _finish(session, message, status="sent", sent_ts=ts, sent_channel=channel,
                   sent_at=now, last_error=None)


def mark_retry(session: Session, message: OutboxMessage, *, error: str,
               at: datetime) -> bool:
    return _finish(session, message, last_error=error[:500], next_attempt_at=at)


def mark_failed(session: Session, message: OutboxMessage, *, error: str,
                status: str = "failed") -> bool:
    """Give up: `failed` (shown by `pact doctor`) or `skipped` (nothing to deliver to)."""
    return _finish(session, message, status=status, last_error=error[:500])


def failures(session: Session, limit: int = 20) -> list[OutboxMessage]:
    return list(session.exec(select(OutboxMessage).where(OutboxMessage.status == "failed")
                             .order_by(OutboxMessage.id.desc()).limit(limit)))


def by_key(session: Session, key: str) -> OutboxMessage | None:
    return session.exec(select(OutboxMessage)
                        .where(OutboxMessage.idempotency_key == key)).first()


T = OutboxMessage.__table__


def _claimable(now: datetime):
    # An uninstalled workspace's messages wait (nothing is sent with a dead token).
    return (T.c.status == "pending", T.c.next_attempt_at <= now,
            or_(T.c.claimed_until.is_(None), T.c.claimed_until < now),
            T.c.workspace_id.not_in(halted_workspaces()))


def claim_due(session: Session, now: datetime, limit: int, per_channel: int,
              lease: timedelta = LEASE, *, payload: bool = True) -> list[ClaimedMessage]:
    """Claim up to `limit` due messages, oldest first, at most `per_channel` in one channel.

    Any number of processes may call it at once and each message goes to one of them: on
    PostgreSQL the candidates are locked with `FOR UPDATE SKIP LOCKED`, so a process skips
    rows another one is claiming instead of waiting for it (claims never queue behind each
    other); the claim itself re-checks that each row is still claimable either way (SQLite
    serialises writers). A claim lapses after `lease`.
    """
    pick = (select(T.c.id, T.c.channel).where(*_claimable(now))
            .order_by(T.c.next_attempt_at, T.c.id).limit(limit * 2))
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True, of=T)
    taken: dict[str, int] = {}
    wanted: list[int] = []
    for mid, channel in session.execute(pick):
        if taken.get(channel, 0) < per_channel:
            taken[channel] = taken.get(channel, 0) + 1
            wanted.append(mid)
            if len(wanted) == limit:
                break
    return claim_many(session, wanted, now, lease, payload=payload)


def targets_of(session: Session, ids: list[int]) -> list[tuple[int, str]]:
    rows = session.execute(select(T.c.id, T.c.channel).where(T.c.id.in_(ids))
                           .order_by(T.c.id))
    return [(i, c) for i, c in rows]


@dataclass(slots=True)
class ClaimedMessage:
    """A pending message this process holds for sending (its claim token proves it): the
    columns sending and recording read, without building an ORM object per message."""

    id: int
    workspace_id: str
    kind: str
    channel: str
    text: str
    blocks: list | None
    thread_ts: str | None
    after_send: str | None
    update_ts: str | None
    attempts: int
    claim_token: str
    idempotency_key: str
    created_at: datetime | None
    last_error: str | None
    attachment: dict | None


_CLAIMED = tuple(T.c[f.name] for f in fields(ClaimedMessage))
PAYLOAD = ("text", "blocks", "attachment")  # what a pass may load only when it sends


def claim_many(session: Session, ids: list[int], now: datetime,
               lease: timedelta = LEASE, *, payload: bool = True) -> list[ClaimedMessage]:
    """Claim every message of `ids` still claimable; one conditional UPDATE per 500 ids.
    Without `payload`, text, blocks and attachment stay None (see `payloads`)."""
    token = uuid.uuid4().hex
    columns = [c for c in _CLAIMED if payload or c.name not in PAYLOAD]
    claimed: list[ClaimedMessage] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = session.execute(
            update(T).where(T.c.id.in_(chunk), *_claimable(now))
            .values(claimed_until=now + lease, claim_token=token, attempts=T.c.attempts + 1)
            .returning(*columns)).all()
        claimed.extend(ClaimedMessage(**{k: None for k in PAYLOAD}, **r._asdict()) if not payload
                       else ClaimedMessage(*r) for r in rows)
    claimed.sort(key=lambda m: m.id)
    return claimed


def payloads(session: Session, ids: list[int]) -> dict[int, tuple]:
    """id -> (text, blocks, attachment) of these messages, in one query."""
    return {r.id: (r.text, r.blocks, r.attachment) for r in session.execute(
        select(T.c.id, T.c.text, T.c.blocks, T.c.attachment).where(T.c.id.in_(ids)))}


_SENT = (update(T).where(T.c.id == bindparam("b_id"), T.c.claim_token == bindparam("b_tok"))
         .values(status="sent", sent_ts=bindparam("b_ts"), sent_channel=bindparam("b_ch"),
                 sent_at=bindparam("b_at"), last_error=None, claimed_until=None,
                 claim_token=None))
_RETRY = (update(T).where(T.c.id == bindparam("b_id"), T.c.claim_token == bindparam("b_tok"))
          .values(last_error=bindparam("b_err"), next_attempt_at=bindparam("b_at"),
                  attempts=T.c.attempts - bindparam("b_refund"), claimed_until=None,
                  claim_token=None))
_FAILED = (update(T).where(T.c.id == bindparam("b_id"), T.c.claim_token == bindparam("b_tok"))
           .values(status=bindparam("b_status"), last_error=bindparam("b_err"),
                   claimed_until=None, claim_token=None))


def record_sent(session: Session, rows: list[dict]) -> None:
    """[{b_id, b_tok, b_ts, b_ch, b_at}] in one executemany."""
    if rows:
        session.execute(_SENT, rows)


def record_retry(session: Session, rows: list[dict]) -> None:
    """[{b_id, b_tok, b_err, b_at, b_refund}]: b_refund=1 gives the attempt back (rate limits)."""
    if rows:
        session.execute(_RETRY, rows)


def record_failed(session: Session, rows: list[dict]) -> None:
    """[{b_id, b_tok, b_status, b_err}]"""
    if rows:
        session.execute(_FAILED, rows)
