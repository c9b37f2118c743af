"""Slack faults during delivery, injected in the emulator: each handled on purpose, nothing
silently dropped."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import select

from scheduling.outbox import deliver_now
from storage.engine import session_scope
from storage.models import OutboxMessage, Schedule, Team
from storage.queries import outbox as q
from storage.queries.members import ensure_workspace
from tests.test_tick import WS, client_for, make_team, outbox, schedule, services_for, tick

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday, 10:00 in Berlin


def _due_now(engine):
    with session_scope(engine) as s:
        s.execute(update(Schedule).values(next_run_at=NOW - timedelta(minutes=1)))


def _enqueue(engine, channel, n, prefix="m"):
    with session_scope(engine) as s:
        ensure_workspace(s, WS)
        return [q.enqueue(s, workspace_id=WS, key=f"{prefix}{i}", channel=channel,
                          text=f"{prefix} {i}", not_before=NOW) for i in range(n)]


def test_429_waits_retry_after_in_its_channel_only(engine, emulator):
    slow, fast = emulator.add_channel(name="slow"), emulator.add_channel(name="fast")
    client = client_for(emulator)  # the app's client, with its blocking retry handler
    _enqueue(engine, slow, 2, "s")
    _enqueue(engine, fast, 2, "f")
    emulator.fail_next("chat.postMessage", status=429, retry_after=2)
    started = time.monotonic()
    tick(NOW, services_for(engine, emulator), client)
    elapsed = time.monotonic() - started
    calls = emulator.calls_to("chat.postMessage")
    first = calls[0].args["channel"]
    other = fast if first == slow else slow
    other_done = [c.at for c in calls if c.args["channel"] == other and c.status == 200]
    # The other channel went on at once (one second apart, Slack's pace), not after 2 s.
    assert len(other_done) == 2 and other_done[0] - calls[0].at < 0.5
    retried = [c.at for c in calls if c.args["channel"] == first and c.status == 200]
    assert retried[0] - calls[0].at >= 2.0  # Retry-After honoured in the limited channel
    assert len(emulator.messages(slow)) == len(emulator.messages(fast)) == 2
    assert elapsed < 6
    assert all(m.status == "sent" and m.attempts == 1 for m in outbox(engine))


def test_long_retry_after_is_left_for_a_later_tick_without_using_an_attempt(engine, emulator):
    channel = emulator.add_channel(name="growth")
    (mid,) = _enqueue(engine, channel, 1)
    emulator.fail_next("chat.postMessage", status=429, retry_after=30)
    deliver_now(engine, client_for(emulator), [mid], now=NOW,
                kinds=services_for(engine, emulator).kinds)
    (row,) = outbox(engine)
    assert row.status == "pending" and row.attempts == 0 and row.last_error == "ratelimited"
    assert row.next_attempt_at == NOW + timedelta(seconds=30)
    tick(NOW + timedelta(seconds=31), services_for(engine, emulator), client_for(emulator))
    assert len(emulator.messages(channel)) == 1


def test_500_then_timeout_are_retried_with_backoff_then_sent(engine, emulator):
    channel = emulator.add_channel(name="growth")
    (mid,) = _enqueue(engine, channel, 1)
    services = services_for(engine, emulator)
    from bot.config import load_settings
    from bot.slack_client import make_web_client

    client = make_web_client(load_settings({"SLACK_BOT_TOKEN": emulator.bot_token,
                                            "SLACK_API_URL": emulator.url}), timeout=1)
    emulator.fail_next("chat.postMessage", status=500)
    tick(NOW, services, client)
    (row,) = outbox(engine)
    assert row.status == "pending" and row.last_error == "http_500"
    first_retry = row.next_attempt_at
    assert first_retry == NOW + timedelta(seconds=30)
    emulator.fail_next("chat.postMessage", delay=2.5)  # answers after the client gave up
    tick(first_retry, services, client)
    (row,) = outbox(engine)
    assert row.status == "pending" and "imeout" in row.last_error
    assert row.next_attempt_at == first_retry + timedelta(minutes=2)  # longer each time
    tick(row.next_attempt_at, services, client)
    (row,) = outbox(engine)
    assert row.status == "sent"
    # The timed-out request did reach Slack (it answered late); the retry is a second post.
    # Slack has no idempotency key, so a timeout is the one case that may show twice.
    assert 1 <= len(emulator.messages(channel)) <= 2


def test_failing_for_good_is_recorded_and_shown_by_doctor(engine, emulator, database_url):
    import io

    from bot.doctor import run_doctor
    from tests.harness import SIGNING_SECRET

    channel = emulator.add_channel(name="growth")
    (mid,) = _enqueue(engine, channel, 1)
    services, client = services_for(engine, emulator), client_for(emulator)
    moment = NOW
    for _ in range(5):
        emulator.fail_next("chat.postMessage", status=503)
        tick(moment, services, client)
        (row,) = outbox(engine)
        moment = row.next_attempt_at
    assert row.status == "failed" and row.attempts == 5 and row.last_error == "http_503"
    out = io.StringIO()
    code = run_doctor({"SLACK_BOT_TOKEN": emulator.bot_token, "SLACK_API_URL": emulator.url,
                       "SLACK_SIGNING_SECRET": SIGNING_SECRET, "DATABASE_URL": database_url},
                      out)
    text = out.getvalue()
    assert code == 1
    assert "FAIL outbox: 1 message(s) failed for good" in text
    assert "http_503" in text and "fix:" in text


def test_not_in_channel_tells_the_leads_how_to_invite_pact_and_keeps_the_post(engine,
                                                                               emulator):
    team = make_team(engine, emulator, bot_is_member=False)
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(NOW - timedelta(days=1), services, client)
    _due_now(engine)
    tick(NOW, services, client)
    assert emulator.messages(team.channel) == []
    (dm,) = emulator.dms(team.lead)
    assert "/invite @Pact" in dm["text"] and f"<#{team.channel}>" in dm["text"]
    (post,) = outbox(engine, "checkin")
    assert post.status == "pending" and post.last_error == "not_in_channel"
    # A lead invites Pact; the next retry posts the check-in. The lead is told only once.
    emulator.set_channel(team.channel, bot_is_member=True)
    tick(post.next_attempt_at, services, client)
    assert len(emulator.messages(team.channel)) == 1
    assert len(emulator.dms(team.lead)) == 1
    assert emulator.violations == []


def test_archived_channel_pauses_the_team_and_tells_the_lead(engine, emulator, pact):
    team = make_team(pact.engine, emulator, milestones=[(NOW + timedelta(days=20)).date()])
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(NOW - timedelta(days=1), services, client)
    emulator.set_channel(team.channel, is_archived=True)
    _due_now(engine)
    tick(NOW, services, client)
    with session_scope(engine) as s:
        stored = s.get(Team, team.id)
        assert stored.paused_reason == "the channel was archived"
        statuses = {r.status for r in s.exec(select(Schedule).where(
            Schedule.team_id == team.id))}
    assert statuses == {"paused"}
    (post,) = outbox(engine, "checkin")
    assert post.status == "failed" and post.last_error == "is_archived"
    (dm,) = emulator.dms(team.lead)
    assert "paused" in dm["text"] and "archived" in dm["text"]
    # Nothing is posted while paused, however much time passes.
    tick(NOW + timedelta(days=8), services, client)
    assert len(emulator.calls_to("chat.postMessage")) == 2
    # The lead unarchives the channel and presses Resume.
    resume = [e for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]][0]
    pact.slack.block_action(user=team.lead, action_id=resume["action_id"],
                            value=resume["value"], channel=emulator.dm_channel(team.lead),
                            message_ts=dm["ts"])
    pact.wait_idle()
    assert "still archived" in emulator.dms(team.lead)[-1]["text"]
    emulator.set_channel(team.channel, is_archived=False)
    pact.slack.block_action(user=team.lead, action_id=resume["action_id"],
                            value=resume["value"], channel=emulator.dm_channel(team.lead),
                            message_ts=dm["ts"])
    pact.wait_idle()
    assert "Resumed" in emulator.dms(team.lead)[-1]["text"]
    assert schedule(engine, "checkin", team.id).status == "active"


def test_channel_not_found_pauses_too(engine, emulator):
    team = make_team(engine, emulator)
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(NOW - timedelta(days=1), services, client)
    emulator.set_channel(team.channel, delete=True)
    _due_now(engine)
    tick(NOW, services, client)
    with session_scope(engine) as s:
        assert s.get(Team, team.id).paused_reason == "the channel cannot be found"
    assert "can't be found" in emulator.dms(team.lead)[0]["text"]


def test_deactivated_person_is_skipped_not_retried(engine, emulator):
    person = emulator.add_user(name="gone")
    with session_scope(engine) as s:
        ensure_workspace(s, WS)
        mid = q.enqueue(s, workspace_id=WS, key="dm", channel=person, text="hi",
                        not_before=NOW)
    emulator.fail_next("chat.postMessage", error="account_inactive")
    deliver_now(engine, client_for(emulator), [mid], now=NOW,
                kinds=services_for(engine, emulator).kinds)
    (row,) = outbox(engine)
    assert row.status == "skipped" and row.last_error == "account_inactive"
    tick(NOW + timedelta(hours=1), services_for(engine, emulator), client_for(emulator))
    assert len(emulator.calls_to("chat.postMessage")) == 1


def test_a_failing_job_is_retried_with_backoff_and_recorded(engine, emulator):
    team = make_team(engine, emulator)
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(NOW - timedelta(days=1), services, client)
    _due_now(engine)
    with session_scope(engine) as s:  # a team whose timezone became unusable
        s.execute(update(Team).where(Team.id == team.id).values(checkin_time="99:99"))
        s.execute(update(Schedule).values(tz="Nowhere/Invalid"))
    tick(NOW, services, client)
    row = schedule(engine, "checkin", team.id)
    assert row.attempts == 1 and row.last_error and row.claimed_until > NOW
    assert row.next_run_at == NOW - timedelta(minutes=1)  # the occurrence is kept
    assert emulator.messages(team.channel) == []


def test_doctor_shows_failing_schedules_and_paused_teams(engine, emulator, database_url):
    import io

    from bot.doctor import run_doctor
    from tests.harness import SIGNING_SECRET

    broken, archived = make_team(engine, emulator, name="Broken"), \
        make_team(engine, emulator, name="Archived")
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(NOW - timedelta(days=1), services, client)
    _due_now(engine)
    with session_scope(engine) as s:  # a schedule whose job keeps failing...
        s.execute(update(Team).where(Team.id == broken.id).values(checkin_time="99:99"))
        s.execute(update(Schedule).where(Schedule.team_id == broken.id)
                  .values(tz="Nowhere/Invalid"))
    emulator.set_channel(archived.channel, is_archived=True)  # ...and a channel archived
    moment = NOW
    for _ in range(5):
        tick(moment, services, client)
        moment += timedelta(hours=1)
    assert "gave up" in schedule(engine, "checkin", broken.id).last_error
    out = io.StringIO()
    code = run_doctor({"SLACK_BOT_TOKEN": emulator.bot_token, "SLACK_API_URL": emulator.url,
                       "SLACK_SIGNING_SECRET": SIGNING_SECRET, "DATABASE_URL": database_url},
                      out)
    text = out.getvalue()
    assert code == 1
    assert "FAIL schedules:" in text and "gave up on the occurrence" in text
    assert "FAIL paused teams: rhythm paused for Archived" in text and "Resume" in text


def test_unsent_messages_are_never_dropped(engine, emulator):
    """Whatever happened, every message ends sent, skipped, failed (shown by doctor) or still
    pending with a next attempt."""
    channel = emulator.add_channel(name="growth")
    ids = _enqueue(engine, channel, 4)
    emulator.fail_next("chat.postMessage", status=500)
    emulator.fail_next("chat.postMessage", status=429, retry_after=1)
    emulator.fail_next("chat.postMessage", error="invalid_blocks")
    deliver_now(engine, client_for(emulator), ids, now=NOW,
                kinds=services_for(engine, emulator).kinds)
    with session_scope(engine) as s:
        rows = list(s.exec(select(OutboxMessage)))
    assert all(r.status in ("sent", "failed", "skipped") or
               (r.status == "pending" and r.next_attempt_at) for r in rows)
    assert {r.status for r in rows} >= {"sent", "failed"}
