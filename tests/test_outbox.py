"""The outbox: one message per idempotency key, exactly one sender per message, failures kept."""

import threading
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from scheduling.kinds import NO_KINDS, Kind, Kinds
from scheduling.outbox import deliver_due, deliver_now
from storage.engine import session_scope
from storage.models import OutboxMessage
from storage.queries import outbox as q
from storage.queries.members import ensure_workspace

# Ahead of the wall clock, so messages enqueued "now" are already due at NOW.
NOW = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)


def _enqueue(engine, key="k1", channel="C1", **kw):
    with session_scope(engine) as session:
        ensure_workspace(session, "T0PACT")
        return q.enqueue(session, workspace_id="T0PACT", key=key, channel=channel,
                         text="Hello", **kw)


def _rows(engine):
    with session_scope(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_same_key_is_enqueued_once(engine):
    first = _enqueue(engine)
    assert first is not None
    assert _enqueue(engine) is None
    assert len(_rows(engine)) == 1


def test_enqueue_rolls_back_with_the_decision(engine):
    try:
        with session_scope(engine) as session:
            ensure_workspace(session, "T0PACT")
            q.enqueue(session, workspace_id="T0PACT", key="k", channel="C1", text="x")
            raise RuntimeError("the decision failed")
    except RuntimeError:
        pass
    assert _rows(engine) == []


def test_deliver_posts_once_even_when_asked_twice(engine, emulator):
    channel = emulator.add_channel(name="growth")
    client = _client(emulator)
    mid = _enqueue(engine, channel=channel)
    assert deliver_now(engine, client, [mid], kinds=NO_KINDS) == 1
    assert deliver_now(engine, client, [mid], kinds=NO_KINDS) == 0
    assert deliver_due(engine, client, datetime.now(UTC), kinds=NO_KINDS) == 0
    assert len(emulator.messages(channel)) == 1
    (row,) = _rows(engine)
    assert row.status == "sent" and row.sent_ts == emulator.messages(channel)[0]["ts"]


def test_racing_deliverers_send_exactly_once(engine, emulator):
    channels = [emulator.add_channel(name=f"growth-{i}") for i in range(10)]
    client = _client(emulator)
    ids = [_enqueue(engine, key=f"k{i}", channel=channel) for i, channel in enumerate(channels)]
    barrier = threading.Barrier(4)

    def run():
        barrier.wait()
        deliver_now(engine, client, ids, kinds=NO_KINDS)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(len(emulator.messages(channel)) == 1 for channel in channels)
    assert all(r.status == "sent" for r in _rows(engine))


def test_claim_of_a_dead_process_is_taken_over_after_its_lease(engine, emulator):
    channel = emulator.add_channel(name="growth")
    mid = _enqueue(engine, channel=channel)
    with session_scope(engine) as session:  # a process claims, then dies before sending
        assert q.claim(session, mid, NOW) is not None
    with session_scope(engine) as session:
        assert q.claim(session, mid, NOW + timedelta(seconds=30)) is None
    client = _client(emulator)
    assert deliver_due(engine, client, NOW + q.LEASE + timedelta(seconds=1), kinds=NO_KINDS) == 1
    assert len(emulator.messages(channel)) == 1


def test_transient_failure_retries_with_backoff_then_sends(engine, emulator):
    channel = emulator.add_channel(name="growth")
    client = _client(emulator, retries=0)
    emulator.fail_next("chat.postMessage", status=500)
    mid = _enqueue(engine, channel=channel)
    assert deliver_now(engine, client, [mid], now=NOW, kinds=NO_KINDS) == 0
    (row,) = _rows(engine)
    assert row.status == "pending" and row.next_attempt_at > NOW and row.last_error
    assert deliver_due(engine, client, NOW + timedelta(seconds=5), kinds=NO_KINDS) == 0  # not yet
    assert deliver_due(engine, client, row.next_attempt_at, kinds=NO_KINDS) == 1
    assert len(emulator.messages(channel)) == 1


def test_permanent_failure_is_recorded(engine, emulator):
    client = _client(emulator)
    mid = _enqueue(engine, channel="C0NOSUCHONE")
    deliver_now(engine, client, [mid], kinds=NO_KINDS)
    (row,) = _rows(engine)
    assert row.status == "failed" and row.last_error == "channel_not_found"
    with session_scope(engine) as session:
        assert [r.id for r in q.failures(session)] == [mid]


def test_after_send_hook_runs_in_the_recording_transaction(engine, emulator):
    channel = emulator.add_channel(name="growth")
    seen = []
    kinds = Kinds.of([Kind("test", time_bound=False,
                           after_send=lambda session, ref, ch, ts: seen.append((ref, ch, ts)))])
    mid = _enqueue(engine, channel=channel, after_send="test_hook:42", kind="test")
    deliver_now(engine, _client(emulator), [mid], kinds=kinds)
    assert seen == [("42", channel, emulator.messages(channel)[0]["ts"])]


def _client(emulator, retries=1):
    from bot.config import load_settings
    from bot.slack_client import make_web_client

    settings = load_settings({"SLACK_BOT_TOKEN": emulator.bot_token,
                              "SLACK_API_URL": emulator.url})
    return make_web_client(settings, retries=retries, timeout=5)


def test_an_update_row_edits_the_post_in_place(engine, emulator):
    channel = emulator.add_channel(name="growth")
    first = _enqueue(engine, channel=channel, key="post")
    deliver_now(engine, _client(emulator), [first], kinds=NO_KINDS)
    (posted,) = emulator.messages(channel)
    with session_scope(engine) as session:
        edit = q.enqueue(session, workspace_id="T0PACT", key="edit", channel=channel,
                         text="Hello again", update_ts=posted["ts"])
    assert deliver_now(engine, _client(emulator), [edit], kinds=NO_KINDS) == 1
    (shown,) = emulator.messages(channel)
    assert shown["ts"] == posted["ts"] and shown["text"] == "Hello again"
