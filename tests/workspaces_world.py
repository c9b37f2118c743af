"""Helpers for tests of many workspaces: Pact in OAuth mode, installing by OAuth through
its own HTTP pages, and sending signed requests as any workspace."""

from __future__ import annotations

import copy
import re
import urllib.error
import urllib.parse
import urllib.request

from tests.harness import start_pact


def start_oauth_pact(emulator, engine, database_url, **env):
    return start_pact(emulator, engine, database_url, SLACK_BOT_TOKEN="",
                      SLACK_CLIENT_ID=emulator.client_id,
                      SLACK_CLIENT_SECRET=emulator.client_secret, **env)


def http_get(url: str, headers: dict | None = None) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, headers=headers or {}, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=15) as resp:
            return resp.status, resp.read().decode(), dict(resp.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(), dict(err.headers)


def install(pact, team_id: str, team_name: str = "", *, org_wide: bool = False
            ) -> tuple[int, str]:
    """Someone in `team_id` opens Pact's install page, approves, and Slack redirects back.
    `org_wide`: `team_id` is an Enterprise Grid organisation's id, installed org-wide."""
    status, page, headers = http_get(pact.url + "/slack/install")
    assert status == 200, page
    state = urllib.parse.unquote(re.search(r"state=([^&\"']+)", page).group(1))
    cookie = headers.get("Set-Cookie", "").split(";")[0]
    code = (pact.emulator.org_install_code(team_id, team_name) if org_wide
            else pact.emulator.install_code(team_id, team_name))
    query = urllib.parse.urlencode({"code": code, "state": state})
    status, page, _ = http_get(f"{pact.url}/slack/oauth_redirect?{query}", {"Cookie": cookie})
    return status, page


def as_workspace(pact, team_id: str, enterprise_id: str | None = None):
    """A sender of signed requests from `team_id` (Slack signs them all with the app's secret),
    a workspace of the organisation `enterprise_id` when that installed Pact org-wide."""
    sender = copy.copy(pact.slack)
    sender.team_id = team_id
    sender.enterprise_id = enterprise_id
    return sender
