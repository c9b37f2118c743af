"""Uninstall and revocation stop a workspace at once; a reinstall picks up where it left off;
the data goes after the retention period; every event is handled once across replicas."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.installations import WorkspaceClients
from handlers.workspaces import jobs
from scheduling.kinds import NO_KINDS, Kinds
from scheduling.outbox import deliver
from scheduling.sync import reconcile
from storage.engine import make_engine, session_scope
from storage.models import OutboxMessage, Schedule, Workspace, WorkspaceInstall
from storage.models.installations import slack_bots
from storage.queries import outbox as oq
from storage.queries import schedules as sq
from storage.queries.members import ensure_workspace
from tests.harness import start_pact
from tests.workspaces_world import as_workspace, install, start_oauth_pact

NOW = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=5)


@pytest.fixture
def oauth_pact(emulator, engine, database_url):
    harness = start_oauth_pact(emulator, engine, database_url)
    yield harness
    harness.stop()


def _work_for(engine, workspace_id: str, channel: str, n: int) -> int:
    """A pending message and a due schedule row of the workspace; the message's id."""
    with session_scope(engine) as s:
        ensure_workspace(s, workspace_id)
        sq.ensure(s, workspace_id=workspace_id, kind="checkin", subject_id=n,
                  rule="once 2030-01-01 10:00", tz="UTC", now=NOW - timedelta(days=1),
                  next_run_at=NOW - timedelta(minutes=1))
        return oq.enqueue(s, workspace_id=workspace_id, key=f"msg-{workspace_id}",
                          channel=channel, text=f"Hello {workspace_id}",
                          not_before=NOW - timedelta(minutes=1))


def _status(engine, mid: int) -> str:
    with session_scope(engine) as s:
        return s.get(OutboxMessage, mid).status


def _uninstall(pact, team_id: str, event: str = "app_uninstalled", **extra) -> None:
    response = as_workspace(pact, team_id).event({"type": event, **extra})
    assert response.status == 200
    pact.wait_idle()


def test_uninstall_stops_that_workspace_at_once_and_a_reinstall_resumes(oauth_pact):
    pact, emu = oauth_pact, oauth_pact.emulator
    install(pact, "T0AAA")
    install(pact, "T0BBB")
    ch_a, ch_b = emu.add_channel(name="team-a"), emu.add_channel(name="team-b")
    msg_a, msg_b = _work_for(pact.engine, "T0AAA", ch_a, 1), _work_for(pact.engine, "T0BBB",
                                                                          ch_b, 2)
    _uninstall(pact, "T0BBB")
    emu.revoke_workspace("T0BBB")
    since = len(emu.calls)
    with session_scope(pact.engine) as s:
        assert s.get(WorkspaceInstall, "T0BBB").state == "uninstalled"
        assert s.execute(select(slack_bots.c.team_id)).scalars().all() == ["T0AAA"]
        claimed = sq.claim_due(s, NOW)
    assert [c.workspace_id for c in claimed] == ["T0AAA"]  # B's schedule waits
    clients = WorkspaceClients(pact.services.settings, pact.engine)
    deliver(pact.engine, clients, NOW, kinds=NO_KINDS)
    assert _status(pact.engine, msg_a) == "sent" and _status(pact.engine, msg_b) == "pending"
    assert emu.messages(ch_b) == []
    assert not [c for c in emu.calls[since:] if c.token in emu.revoked_tokens]  # no dead token used

    install(pact, "T0BBB")  # within the retention period
    deliver(pact.engine, clients, NOW, kinds=NO_KINDS)
    assert _status(pact.engine, msg_b) == "sent"
    (post,) = [c for c in emu.calls_to("chat.postMessage") if c.args["channel"] == ch_b]
    assert emu.tokens[post.token] == "T0BBB"
    with session_scope(pact.engine) as s:
        assert s.get(WorkspaceInstall, "T0BBB").state == "installed"
        assert {c.workspace_id for c in sq.claim_due(s, NOW)} == {"T0BBB"}


def test_a_revoked_bot_token_stops_the_workspace_a_revoked_user_token_does_not(pact):
    _uninstall(pact, "T0PACT", "tokens_revoked", tokens={"oauth": ["U0SOMEONE"]})
    with session_scope(pact.engine) as s:
        assert s.get(WorkspaceInstall, "T0PACT") is None
    _uninstall(pact, "T0PACT", "tokens_revoked", tokens={"bot": [pact.emulator.bot_user_id]})
    with session_scope(pact.engine) as s:
        assert s.get(WorkspaceInstall, "T0PACT").state == "uninstalled"


def _purged(engine, now: datetime) -> int:
    """Workspaces whose data the periodic reconciliation pass deletes at `now`."""
    return reconcile(engine, Kinds.of(jobs.KINDS), now)


def test_the_data_goes_after_the_retention_period_with_a_log_line(pact, caplog):
    channel = pact.emulator.add_channel(name="team-a")
    _work_for(pact.engine, "T0PACT", channel, 1)
    _work_for(pact.engine, "T0OTHER", channel, 2)
    _uninstall(pact, "T0PACT")
    with session_scope(pact.engine) as s:
        assert _purged(pact.engine, datetime.now(UTC) + timedelta(days=29)) == 0
        assert s.get(Workspace, "T0PACT") is not None
    caplog.set_level(logging.WARNING, logger="pact.workspaces")
    with session_scope(pact.engine) as s:
        assert _purged(pact.engine, datetime.now(UTC) + timedelta(days=31)) == 1
    with session_scope(pact.engine) as s:
        assert s.get(Workspace, "T0PACT") is None
        left = s.execute(select(Schedule.workspace_id)).scalars().all()
        assert left == ["T0OTHER"]
        assert s.execute(select(func.count()).select_from(OutboxMessage)).scalar_one() == 1
    line = next(r.getMessage() for r in caplog.records if "retention" in r.getMessage())
    assert "T0PACT" in line and "1 schedules" in line and "1 outbox," in line
    assert "Hello" not in line  # counts, never content


def test_retention_zero_keeps_the_data(emulator, engine, database_url):
    harness = start_pact(emulator, engine, database_url, PACT_RETENTION_DAYS="0")
    try:
        _work_for(engine, "T0PACT", emulator.add_channel(name="t"), 1)
        _uninstall(harness, "T0PACT")
        with session_scope(engine) as s:
            assert s.get(WorkspaceInstall, "T0PACT").purge_after is None
            assert _purged(engine, datetime.now(UTC) + timedelta(days=3650)) == 0
            assert s.get(Workspace, "T0PACT") is not None
    finally:
        harness.stop()


def test_an_event_is_handled_once_across_two_web_processes_and_retries(
        emulator, engine, database_url):
    first = start_pact(emulator, engine, database_url)
    other_engine = make_engine(database_url)  # the second replica has its own engine
    second = start_pact(emulator, other_engine, database_url)
    try:
        user = emulator.add_user(name="una")
        event = {"type": "app_home_opened", "user": user, "tab": "home", "event_ts": "1.2"}
        assert first.slack.event(event, event_id="Ev0SAME0001").status == 200
        assert second.slack.event(event, event_id="Ev0SAME0001").status == 200
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        assert second.slack.event(event, event_id="Ev0SAME0001", headers=retry).status == 200
        first.wait_idle()
        second.wait_idle()
        assert len(emulator.calls_to("views.publish")) == 1
        assert first.slack.event(event, event_id="Ev0OTHER001").status == 200
        first.wait_idle()
        assert len(emulator.calls_to("views.publish")) == 2
    finally:
        second.stop()
        first.stop()
        other_engine.dispose()


def test_with_one_bot_token_a_request_after_reinstalling_resumes_the_workspace(pact):
    channel = pact.emulator.add_channel(name="team-a")
    mid = _work_for(pact.engine, "T0PACT", channel, 1)
    _uninstall(pact, "T0PACT")
    deliver(pact.engine, pact.client, NOW, kinds=NO_KINDS)
    assert _status(pact.engine, mid) == "pending"
    user = pact.emulator.add_user(name="back")
    pact.slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        assert s.get(WorkspaceInstall, "T0PACT").state == "installed"
    deliver(pact.engine, pact.client, NOW, kinds=NO_KINDS)
    assert _status(pact.engine, mid) == "sent"


def test_a_claim_left_by_a_dead_process_runs_out_before_slacks_next_retry(engine):
    from handlers.workspaces import service

    def claim(at):
        with session_scope(engine) as s:
            return service.claim_event(s, "Ev0DEAD0001", "T0PACT", at)

    first = claim(NOW)
    assert first is not None
    assert claim(NOW + timedelta(seconds=5)) is None  # still being handled somewhere
    second = claim(NOW + timedelta(minutes=1))  # Slack's second retry, a minute later
    assert second is not None
    with session_scope(engine) as s:  # the dead process's late word changes nothing
        service.event_failed(s, "Ev0DEAD0001", first)
    assert claim(NOW + timedelta(minutes=1, seconds=1)) is None
    with session_scope(engine) as s:
        service.event_handled(s, "Ev0DEAD0001", second, NOW + timedelta(minutes=1))
    assert claim(NOW + timedelta(minutes=50)) is None  # Slack's last retries are dropped
    assert claim(NOW + timedelta(hours=3)) is not None  # forgotten long after
