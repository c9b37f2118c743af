"""OAuth mode: a workspace installs Pact through its install page and Slack's redirect, and
every request and message then uses that workspace's own (rotating) token."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.installations import WorkspaceClients
from storage.engine import session_scope
from storage.models import WorkspaceInstall
from storage.models.installations import slack_bots, slack_installations, slack_oauth_states
from tests.workspaces_world import as_workspace, http_get, install, start_oauth_pact


@pytest.fixture
def oauth_pact(emulator, engine, database_url):
    harness = start_oauth_pact(emulator, engine, database_url)
    yield harness
    harness.stop()


def open_home(pact, team_id: str, user: str):
    response = as_workspace(pact, team_id).event(
        {"type": "app_home_opened", "user": user, "tab": "home", "channel": "D0HOME00001",
         "event_ts": "1.2"})
    pact.wait_idle()
    return response


def publishes(pact) -> list:
    return pact.emulator.calls_to("views.publish")


def test_a_second_workspace_installs_by_oauth_and_is_served_with_its_own_token(oauth_pact):
    pact = oauth_pact
    status, page = install(pact, "T0SECOND", "Second Co")
    assert status == 200, page
    with session_scope(pact.engine) as s:
        rows = s.execute(select(slack_installations.c.team_id, slack_installations.c.bot_token)
                         ).all()
        assert [r.team_id for r in rows] == ["T0SECOND"]
        assert s.get(WorkspaceInstall, "T0SECOND").state == "installed"
        assert s.execute(select(slack_oauth_states)).all() == []  # the state was used once
    token = pact.emulator.tokens_of("T0SECOND")[0]
    user = pact.emulator.add_user(name="sam")
    assert open_home(pact, "T0SECOND", user).status == 200
    assert [c.token for c in publishes(pact)] == [token]
    assert pact.emulator.home_view(user)["type"] == "home"


def test_the_install_page_and_redirect_refuse_a_forged_or_reused_state(oauth_pact):
    pact = oauth_pact
    code = pact.emulator.install_code("T0EVIL")
    status, _, _ = http_get(f"{pact.url}/slack/oauth_redirect?code={code}&state=forged")
    assert status >= 400
    with session_scope(pact.engine) as s:
        assert s.execute(select(slack_installations)).all() == []
    assert pact.emulator.calls_to("oauth.v2.access") == []


def test_a_workspace_that_never_installed_gets_nothing(oauth_pact):
    pact = oauth_pact
    install(pact, "T0SECOND")
    user = pact.emulator.add_user(name="eve")
    open_home(pact, "T0STRANGER", user)
    assert publishes(pact) == []


def test_rotating_tokens_are_refreshed_before_they_expire(oauth_pact):
    pact = oauth_pact
    pact.emulator.token_lifetime = 600  # well inside the two hours Pact refreshes before
    install(pact, "T0ROTATE")
    first = pact.emulator.tokens_of("T0ROTATE")[0]
    user = pact.emulator.add_user(name="rita")
    open_home(pact, "T0ROTATE", user)
    refreshed = pact.emulator.tokens_of("T0ROTATE")
    assert refreshed and refreshed[0] != first  # the old token no longer works
    assert [c.token for c in publishes(pact)] == refreshed
    with session_scope(pact.engine) as s:
        stored = {r.bot_token for r in s.execute(select(slack_bots.c.bot_token))}
    assert refreshed[0] in stored


def test_the_worker_sends_with_each_workspace_token_and_refreshes_it(oauth_pact):
    pact = oauth_pact
    pact.emulator.token_lifetime = 600
    install(pact, "T0WORKER")
    first = pact.emulator.tokens_of("T0WORKER")[0]
    clients = WorkspaceClients(pact.services.settings, pact.engine)
    client = clients.for_workspace("T0WORKER")
    assert client.token != first and client.token == pact.emulator.tokens_of("T0WORKER")[0]
    assert client.auth_test()["team_id"] == "T0WORKER"
    assert clients.for_workspace("T0NOBODY") is None


def test_oauth_mode_needs_both_credentials_and_no_bot_token():
    from bot.config import ConfigError, load_settings

    with pytest.raises(ConfigError) as err:
        load_settings({"SLACK_CLIENT_ID": "1.2", "SLACK_BOT_TOKEN": "xoxb-1",
                       "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd9900aaaa85a5"},
                      need_listener=True)
    text = str(err.value)
    assert "SLACK_CLIENT_SECRET is not set" in text and "choose one mode" in text
    settings = load_settings({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s",
                              "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd9900aaaa85a5"},
                             need_listener=True)
    assert settings.oauth_mode and settings.bot_token == ""
    assert datetime.now(UTC)  # settings load without a token in OAuth mode


def test_a_batch_of_messages_reads_its_workspace_token_once(oauth_pact):
    from sqlalchemy import event

    pact = oauth_pact
    install(pact, "T0BATCH")
    clients = WorkspaceClients(pact.services.settings, pact.engine)
    statements = []
    listen = lambda *args: statements.append(1)  # noqa: E731
    event.listen(pact.engine, "before_cursor_execute", listen)
    try:
        tokens = {clients.for_workspace("T0BATCH").token for _ in range(200)}
        first = len(statements)
        clients.forget("T0BATCH")  # Slack refused the kept token: the next send looks again
        again = clients.for_workspace("T0BATCH")
    finally:
        event.remove(pact.engine, "before_cursor_execute", listen)
    assert tokens == {again.token} and again.auth_test()["team_id"] == "T0BATCH"
    assert 0 < first <= 5  # one look-up for 200 messages, not 200
    assert len(statements) > first
