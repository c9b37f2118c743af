"""Delivering outbox messages to Slack: claim, send outside any transaction, record.

A row is a post (chat.postMessage), or with `update_ts` an edit of an earlier post in place
(chat.update): a scheduled job that changes a post enqueues an update row like any message.
A row may carry one file (`attachment`, e.g. a chart), uploaded into the post's thread
(files_upload_v2) once the post is out.

Handlers call `deliver_now` right after committing so people see the message at once; the
tick calls `deliver_due` so anything left behind by a crash or a failure goes out later.

Sending is parallel across channels and paced within one: Slack accepts about one message per
second per channel, so each channel gets its own line, spaced a second apart, and a 429 only
holds up the channel it was for (its Retry-After is honoured there while other channels go on).
The client used here has no blocking retry handlers: a rate limit, a 5xx or a timeout is
recorded on the message and retried with backoff instead of sleeping in a thread.

Slack errors are handled on purpose, never dropped silently:
- `not_in_channel`: the team's leads get a DM saying how to invite Pact; the message is retried
  for a few hours so it goes out once Pact is invited, then recorded as failed.
- `channel_not_found` / `is_archived`: the team's schedules pause, the leads are told; failed.
- a deactivated or unknown person: skipped (nothing to deliver to).
- 429: retried after Retry-After without using up an attempt.
- 5xx, timeouts, network trouble: retried with backoff, then recorded as failed.
Failed messages are listed by `pact doctor` with what to do about each.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from bot.rules.delivery import CHANNEL_GONE, NOT_IN_CHANNEL, PERMANENT, SKIP
from scheduling.batches import (
    CHANNEL_INTERVAL,
    PASS_DEADLINE,
    WORKERS,
    batch_size,
    channel_share,
    lease_left,
    pass_seconds,
    per_channel,
)
from scheduling.kinds import Held, Kind, Kinds
from scheduling.sending import Outcome, send_as_workspace, sending_client
from storage.engine import clock_of, session_scope
from storage.queries import outbox as q

log = logging.getLogger("pact.outbox")

MAX_ATTEMPTS = 5
BACKOFF = [timedelta(seconds=s) for s in (30, 120, 600, 1800)]
# Waiting for someone to invite Pact: about four hours in all before giving up.
NOT_IN_CHANNEL_BACKOFF = [timedelta(minutes=m) for m in (10, 30, 60, 120)]
PACING_MARGIN = 0.015
MAX_IN_PASS_WAIT = 10.0  # a Retry-After longer than this is retried by a later tick
LOAD_CHUNK = 200  # messages whose text and blocks a pass loads at once
RECORD_PAUSE = 0.05  # seconds the recording thread lets outcomes gather before one write

_NO_RULES = Kind("no-rules", time_bound=False)


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0  # for good, or skipped
    retrying: int = 0
    claimed: int = 0
    more: bool = False  # the batch was full: more may be due


# ---- pacing --------------------------------------------------------------------------------

class _Pacer:
    """When each channel may next be posted to (monotonic seconds), shared by this process."""

    def __init__(self):
        self._ready: dict[str, float] = {}
        self._lock = threading.Lock()

    def ready_at(self, channel: str) -> float:
        with self._lock:
            return self._ready.get(channel, 0.0)

    def posted(self, channel: str, at: float) -> None:
        with self._lock:
            self._ready[channel] = max(self._ready.get(channel, 0.0),
                                       at + CHANNEL_INTERVAL + PACING_MARGIN)
            if len(self._ready) > 50_000:
                now = time.monotonic()
                self._ready = {c: t for c, t in self._ready.items() if t > now}

    def hold(self, channel: str, until: float) -> None:
        with self._lock:
            self._ready[channel] = max(self._ready.get(channel, 0.0), until)


PACER = _Pacer()


# ---- delivery ------------------------------------------------------------------------------

def deliver_now(engine: Engine, client, message_ids, now: datetime | None = None, *,
                kinds: Kinds) -> int:
    """Send these messages if still pending; returns how many were sent."""
    ids = [mid for mid in message_ids if mid is not None]
    if not ids:
        return 0
    return deliver(engine, client, now or clock_of(engine)(), ids=ids, kinds=kinds).sent


def deliver_due(engine: Engine, client, now: datetime, *, kinds: Kinds,
                lease: timedelta = q.LEASE) -> int:
    """Send every pending message due at `now`, batch after batch; returns how many were sent."""
    sent = 0
    while True:
        delivery = deliver(engine, client, now, kinds=kinds, lease=lease)
        sent += delivery.sent
        if not delivery.more or not delivery.sent:  # all done, or what is left must wait
            return sent


def deliver(engine: Engine, client, now: datetime, *, kinds: Kinds,
            ids: list[int] | None = None, limit: int | None = None,
            grace: timedelta | None = None, lease: timedelta = q.LEASE) -> Delivery:
    """Claim, send and record messages (`ids`, or one batch of those due), following each
    kind's declared rules: time-bound ones expire, held ones wait, after-send ones are recorded.

    A batch is what one pass can send well within the claims' lease (`batch_size`), so several
    processes share the due messages instead of the first one taking them all, and a pass
    never sends a message whose claim may have lapsed (another process could send it too)."""
    seconds = pass_seconds(lease_left(clock_of(engine)(), now, lease))
    size = limit or batch_size(seconds)
    deadline = time.monotonic() + seconds
    with session_scope(engine) as session:
        if ids is None:
            messages = q.claim_due(session, now, size, channel_share(seconds), lease,
                                    payload=False)  # the pass loads it
        else:
            messages = q.claim_many(session, per_channel(q.targets_of(session, ids)), now,
                                    lease, payload=False)
    claimed, more = len(messages), ids is None and len(messages) == size
    expired = 0
    if grace is not None:
        messages, expired = _expire(engine, kinds, messages, now, grace)
    messages = _hold_back(engine, kinds, messages, now, client)
    if not messages:
        return Delivery(failed=expired, claimed=claimed, more=more)
    result, troubled = _Pass(engine, kinds, sending_client(client), messages, now,
                             deadline).run()
    result.failed += expired
    result.claimed, result.more = claimed, more
    follow_up: list[int] = []
    if kinds.channel_trouble is not None:
        for workspace_id, channel, error in troubled:
            follow_up.extend(kinds.channel_trouble(engine, workspace_id, channel, error, now))
    if follow_up:
        extra = deliver(engine, client, now, ids=follow_up, kinds=kinds, lease=lease)
        result.sent += extra.sent
        result.failed += extra.failed
        result.retrying += extra.retrying
    return result


def _expire(engine: Engine, kinds: Kinds, messages: list[q.ClaimedMessage], now: datetime,
            grace: timedelta) -> tuple[list[q.ClaimedMessage], int]:
    """Time-bound messages decided longer than `grace` ago (Pact was down, or crashed between
    deciding and sending): skipped and recorded, like a missed occurrence."""
    time_bound = kinds.time_bound()
    old = [m for m in messages if m.kind in time_bound and m.created_at is not None
           and now - m.created_at > grace]
    if not old:
        return messages, 0
    for m in old:
        log.warning("outbox %s (%s) to %s skipped: decided at %s, more than %s ago", m.id,
                    m.kind, m.channel, m.created_at.isoformat(), grace)
    with session_scope(engine) as session:
        q.record_failed(session, [dict(b_id=m.id, b_tok=m.claim_token, b_status="skipped",
                                       b_err=f"missed: decided more than {grace} before it "
                                             "could be sent") for m in old])
    gone = {m.id for m in old}
    return [m for m in messages if m.id not in gone], len(old)


def _hold_back(engine: Engine, kinds: Kinds, messages: list[q.ClaimedMessage],
               now: datetime, client=None) -> list[q.ClaimedMessage]:
    """Messages that may not go out now (a nudge at night, a DM to someone away: the kind's
    `hold` says) are released until they may, using no attempt; those a hold drops (no longer
    worth sending) are recorded as skipped with the hold's reason."""
    holding = {m.kind for m in messages if (kinds.get(m.kind) or _NO_RULES).hold is not None}
    if not holding:
        return messages
    if kinds.look_up is not None and client is not None:
        try:
            kinds.look_up(engine, client, [m for m in messages if m.kind in holding], now)
        except Exception:  # noqa: BLE001 - a look-up never stops delivery
            log.exception("outbox: looking up what holds need failed")
    held: dict[int, Held] = {}
    with session_scope(engine) as session:
        for name in holding:
            hold = kinds.get(name).hold
            for mid, answer in hold(session, [m for m in messages if m.kind == name],
                                    now).items():
                held[mid] = answer if isinstance(answer, Held) else Held(
                    answer, "held until it may go out")
        waiting = [m for m in messages if m.id in held and held[m.id].until is not None]
        dropped = [m for m in messages if m.id in held and held[m.id].until is None]
        q.record_retry(session, [dict(b_id=m.id, b_tok=m.claim_token,
                                      b_err=held[m.id].reason[:500], b_at=held[m.id].until,
                                      b_refund=1) for m in waiting])
        q.record_failed(session, [dict(b_id=m.id, b_tok=m.claim_token, b_status="skipped",
                                       b_err=held[m.id].reason[:500]) for m in dropped])
    if held:
        log.info("outbox: %s message(s) held, %s dropped as no longer timely",
                 len(held) - len(dropped), len(dropped))
    return [m for m in messages if m.id not in held]


class _Pass:
    """One delivery pass: worker threads send, this thread records (the only DB writer).

    Messages come claimed without their text and blocks: a worker about to send one loads
    those of the next LOAD_CHUNK in sending order, and recording drops them again, so the
    pass's memory is bounded by the chunk and not by how many messages it claimed."""

    def __init__(self, engine: Engine, kinds: Kinds, client, messages: list[q.ClaimedMessage],
                 now: datetime, deadline: float | None = None):
        self.engine, self.kinds, self.client, self.now = engine, kinds, client, now
        self.lines: dict[str, deque] = {}
        for message in messages:
            self.lines.setdefault(message.channel, deque()).append(message)
        self.results: queue.Queue[Outcome | None] = queue.Queue()
        self.cv = threading.Condition()
        self.heap: list[tuple[float, int, str]] = []
        self.seq = itertools.count()
        for channel in self.lines:
            self.heap.append((PACER.ready_at(channel), next(self.seq), channel))
        heapq.heapify(self.heap)
        self.in_flight = 0
        self.deadline = deadline or time.monotonic() + PASS_DEADLINE
        # sending order, roughly: every line's first message, then every second one, ...
        self.order = iter([m for round_ in itertools.zip_longest(
            *(self.lines[c] for _, _, c in sorted(self.heap))) for m in round_ if m])
        self.loading = threading.Lock()

    def _load(self, message: q.ClaimedMessage) -> None:
        """The text, blocks and file of `message` and of the next messages to go out."""
        with self.loading:
            if message.text is not None:
                return  # another worker's chunk had it
            chunk = [message, *itertools.islice(
                (m for m in self.order if m.text is None and m is not message),
                LOAD_CHUNK - 1)]
            with session_scope(self.engine) as session:
                found = q.payloads(session, [m.id for m in chunk])
            for m in chunk:
                m.text, m.blocks, m.attachment = found.get(m.id, ("", None, None))

    # workers ------------------------------------------------------------------------------
    def _take(self) -> tuple[str, q.ClaimedMessage] | None:
        with self.cv:
            while True:
                if not self.heap:
                    if self.in_flight == 0:
                        self.cv.notify_all()
                        return None
                    self.cv.wait()
                    continue
                ready, _, channel = self.heap[0]
                now = time.monotonic()
                if now >= self.deadline or ready > self.deadline:
                    heapq.heappop(self.heap)
                    for message in self.lines.pop(channel):
                        self.results.put(Outcome(message, "release", "not sent in this pass"))
                    continue
                if ready <= now:
                    heapq.heappop(self.heap)
                    self.in_flight += 1
                    return channel, self.lines[channel].popleft()
                self.cv.wait(ready - now)

    def _done(self, channel: str, ready: float, put_back: q.ClaimedMessage | None = None,
              drop_rest: str | None = None) -> None:
        with self.cv:
            self.in_flight -= 1
            line = self.lines.get(channel)
            if put_back is not None:
                line.appendleft(put_back)
            if drop_rest is not None:
                while line:
                    self.results.put(Outcome(line.popleft(), "error", drop_rest))
            if line:
                heapq.heappush(self.heap, (ready, next(self.seq), channel))
            else:
                self.lines.pop(channel, None)
            # One line came back (or one send ended): one waiting thread is enough to take
            # it; the last one out wakes the rest (`_take`). Waking all costs CPU per message.
            self.cv.notify()

    def _work(self) -> None:
        while True:
            job = self._take()
            if job is None:
                return
            channel, message = job
            if message.text is None:
                self._load(message)
            outcome = send_as_workspace(self.client, message)
            sent_at = time.monotonic()
            PACER.posted(channel, sent_at)
            if outcome.kind == "ratelimited":
                until = sent_at + outcome.retry_after
                if outcome.retry_after <= MAX_IN_PASS_WAIT and until < self.deadline:
                    PACER.hold(channel, until)
                    self._done(channel, until, put_back=message)
                    continue
                # A long wait is kept on the rows (next_attempt_at), not in this process:
                # a later tick retries them, and nothing here sleeps that long.
                outcome.kind = "release"
                self.results.put(outcome)
                with self.cv:  # the rest of this line waits for a later tick too
                    for rest in self.lines.get(channel, ()):
                        self.results.put(Outcome(rest, "release", outcome.detail,
                                                  retry_after=outcome.retry_after))
                    self.lines[channel] = deque()
                self._done(channel, until)
                continue
            self.results.put(outcome)
            gone = outcome.detail if outcome.kind == "error" and (
                outcome.detail in CHANNEL_GONE or outcome.detail == NOT_IN_CHANNEL) else None
            self._done(channel, PACER.ready_at(channel), drop_rest=gone)

    # recording ----------------------------------------------------------------------------
    def run(self) -> tuple[Delivery, list[tuple[str, str, str]]]:
        total = sum(len(line) for line in self.lines.values())
        workers = [threading.Thread(target=self._work, name="pact-send", daemon=True)
                   for _ in range(min(WORKERS, len(self.lines)))]
        for worker in workers:
            worker.start()
        result = Delivery()
        troubled: dict[tuple[str, str], str] = {}
        seen = 0
        while seen < total:
            try:
                outcomes = [self.results.get(timeout=1.0)]
            except queue.Empty:
                outcomes = []
            time.sleep(RECORD_PAUSE)  # let results gather: one wake-up per many sends
            while True:
                try:
                    outcomes.append(self.results.get_nowait())
                except queue.Empty:
                    break
            seen += len(outcomes)
            if outcomes:
                self._record(outcomes, result, troubled)
        for worker in workers:
            worker.join()
        return result, [(w, c, e) for (w, c), e in troubled.items()]

    def _record(self, outcomes: list[Outcome], result: Delivery,
                troubled: dict[tuple[str, str], str]) -> None:
        rows = {"sent": [], "retrying": [], "skipped": [], "failed": []}
        hooks: list[Outcome] = []
        wall = clock_of(self.engine)()  # when it went out, on the process's clock
        for o in outcomes:
            m = o.message
            m.text = m.blocks = m.attachment = None  # loaded again if it goes out later
            if o.kind == "error" and (o.detail in CHANNEL_GONE or o.detail == NOT_IN_CHANNEL):
                troubled.setdefault((m.workspace_id, m.channel), o.detail)
            verdict, row = _verdict(o, self.now, wall)
            rows[verdict].append(row)
            if verdict == "sent" and m.after_send:
                hooks.append(o)
        result.sent += len(rows["sent"])
        result.retrying += len(rows["retrying"])
        result.failed += len(rows["skipped"]) + len(rows["failed"])
        sent, retry, failed = rows["sent"], rows["retrying"], rows["skipped"] + rows["failed"]
        with session_scope(self.engine) as session:
            q.record_sent(session, sent)
            q.record_retry(session, retry)
            q.record_failed(session, failed)
            for o in hooks:
                _, _, ref = o.message.after_send.partition(":")
                kind = self.kinds.get(o.message.kind)
                if kind is None or kind.after_send is None:
                    log.error("outbox message %s (%s) asks for an after-send step its kind "
                              "does not declare", o.message.id, o.message.kind)
                else:
                    kind.after_send(session, ref, o.channel, o.ts)


def _verdict(o: Outcome, now: datetime, wall: datetime) -> tuple[str, dict]:
    """What one send means for its row: sent, retrying (when), skipped or failed for good."""
    m = o.message
    if o.kind == "ok":
        return "sent", dict(b_id=m.id, b_tok=m.claim_token, b_ts=o.ts, b_ch=o.channel, b_at=wall)
    if o.kind in ("release", "ratelimited"):  # not an attempt: refunded
        return "retrying", dict(b_id=m.id, b_tok=m.claim_token, b_err=o.detail[:500],
                                b_at=now + timedelta(seconds=o.retry_after), b_refund=1)
    error = o.detail
    if o.kind == "error" and error in SKIP:
        log.info("outbox %s (%s) to %s skipped: %s", m.id, m.kind, m.channel, error)
        return "skipped", dict(b_id=m.id, b_tok=m.claim_token, b_status="skipped",
                               b_err=error[:500])
    delay = _retry_delay(o)
    if delay is None:
        log.warning("outbox %s (%s) to %s failed for good after %s attempt(s): %s",
                    m.id, m.kind, m.channel, m.attempts, error)
        return "failed", dict(b_id=m.id, b_tok=m.claim_token, b_status="failed",
                              b_err=error[:500])
    log.info("outbox %s (%s) to %s will retry in %s: %s", m.id, m.kind, m.channel, delay, error)
    return "retrying", dict(b_id=m.id, b_tok=m.claim_token, b_err=error[:500],
                            b_at=now + delay, b_refund=0)


def _retry_delay(o: Outcome) -> timedelta | None:
    """How long until the next attempt, or None when there is none to make."""
    attempts, error = o.message.attempts, o.detail
    if attempts >= MAX_ATTEMPTS:
        return None
    if o.kind == "error" and error == NOT_IN_CHANNEL:  # waiting for someone to invite Pact
        return NOT_IN_CHANNEL_BACKOFF[min(attempts - 1, len(NOT_IN_CHANNEL_BACKOFF) - 1)]
    if o.kind == "transient" or (o.kind == "error" and error not in PERMANENT
                                 and error not in CHANNEL_GONE):
        return BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]  # unknown errors: try again
    return None
