"""Enterprise Grid: an organisation installs Pact org-wide (one token, `team` null in
oauth.v2.access), and every workspace of it is served with that token while each keeps its own
data: two workspaces of one organisation and one outside it, in one database. The org's
uninstall stops all of its workspaces at once, and its reinstall resumes them."""

from __future__ import annotations

import dataclasses
import io

import pytest
from sqlalchemy import select

from bot.doctor import run_doctor
from bot.installations import WorkspaceClients
from handlers.kit import ids
from storage.engine import session_scope
from storage.models import Goal, GoalParticipant, Team, WorkspaceInstall
from storage.models.installations import slack_bots, slack_installations
from tests.harness import SIGNING_SECRET
from tests.test_goals_steps import create_goal, team
from tests.workspaces_world import as_workspace, install, start_oauth_pact

ORG = "E0ORG"
IN_ORG = ("T0ORGONE", "T0ORGTWO")
OUTSIDE = "T0SOLO"


@pytest.fixture
def grid(emulator, engine, database_url):
    pact = start_oauth_pact(emulator, engine, database_url)
    try:
        assert install(pact, ORG, "Big Org", org_wide=True)[0] == 200
        assert install(pact, OUTSIDE, "Solo Co")[0] == 200
        built = {}
        for ws in (*IN_ORG, OUTSIDE):
            p = dataclasses.replace(
                pact, slack=as_workspace(pact, ws, ORG if ws in IN_ORG else None))
            lead, members, channel = team(p)
            goal_id = create_goal(p, lead, channel, title=f"Secret goal of {ws}")
            built[ws] = dict(p=p, lead=lead, members=members, channel=channel, goal=goal_id)
        yield pact, built
    finally:
        pact.stop()


def doctor_env(pact) -> dict:
    emu = pact.emulator
    return {"SLACK_CLIENT_ID": emu.client_id, "SLACK_CLIENT_SECRET": emu.client_secret,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": emu.url,
            "DATABASE_URL": str(pact.services.settings.database_url)}


def _shown(obj) -> set[str]:
    text = str(obj)
    return {ws for ws in (*IN_ORG, OUTSIDE) if f"Secret goal of {ws}" in text}


def test_an_org_wide_install_is_stored_once_and_serves_each_workspace_of_the_org(grid):
    pact, built = grid
    emu = pact.emulator
    with session_scope(pact.engine) as s:
        org_rows = s.execute(select(slack_installations.c.enterprise_id,
                                    slack_installations.c.team_id,
                                    slack_installations.c.is_enterprise_install)
                             .where(slack_installations.c.enterprise_id == ORG)).all()
        assert [tuple(r) for r in org_rows] == [(ORG, None, True)]
        for ws, w in built.items():  # rows sealed per workspace, never per organisation
            goal = s.get(Goal, w["goal"])
            assert s.get(Team, goal.team_id).workspace_id == ws
            expected = ORG if ws in IN_ORG else None
            assert s.get(WorkspaceInstall, ws).enterprise_id == expected
    for ws, w in built.items():
        tokens = {c.token for c in emu.calls_to("chat.postMessage")
                  if c.args.get("channel") == w["channel"]}
        assert tokens and {emu.tokens[t] for t in tokens} == {ORG if ws in IN_ORG else ws}
        assert _shown(emu.messages(w["channel"])) == {ws}
    clients = WorkspaceClients(pact.services.settings, pact.engine)
    for ws in IN_ORG:
        assert emu.tokens[clients.for_workspace(ws).token] == ORG
    assert emu.tokens[clients.for_workspace(OUTSIDE).token] == OUTSIDE
    assert clients.for_workspace("T0ELSEWHERE") is None
    out = io.StringIO()  # pact doctor checks the org's one token and the other workspace's
    assert run_doctor(doctor_env(pact), out) == 0, out.getvalue()
    assert "ok   workspaces: 2 installed, every token accepted" in out.getvalue()


def test_workspaces_of_one_org_never_see_or_change_each_other(grid):
    pact, built = grid
    emu = pact.emulator
    for ws, w in built.items():
        emu.reset()
        w["p"].slack.command("goal list", user=w["members"][0], channel=w["channel"])
        w["p"].slack.event({"type": "app_home_opened", "user": w["members"][0], "tab": "home"})
        w["p"].wait_idle()
        seen = [emu.responses(), emu.ephemerals(), emu.home_view(w["members"][0]),
                [c.response for c in emu.calls]]
        assert _shown(seen) == {ws}
    victim, attacker = built[IN_ORG[0]], built[IN_ORG[1]]
    with session_scope(pact.engine) as s:
        joined = len(s.execute(select(GoalParticipant)).all())
    emu.reset()
    for action in (ids.GOAL_JOIN, ids.GOAL_ARCHIVE, ids.GOAL_MARK_ACHIEVED, ids.GOAL_DETAILS):
        attacker["p"].slack.block_action(user=attacker["lead"], action_id=action,
                                         value=str(victim["goal"]),
                                         channel=attacker["channel"], message_ts="1.000100")
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        assert len(s.execute(select(GoalParticipant)).all()) == joined
        assert s.get(Goal, victim["goal"]).status == "active"
    assert IN_ORG[0] not in _shown([emu.views(), emu.responses(), emu.ephemerals(),
                                    [c.args for c in emu.calls]])
    assert emu.messages(victim["channel"]) == []


@pytest.mark.parametrize("goodbye", [
    {"type": "app_uninstalled"},
    {"type": "tokens_revoked", "tokens": {"bot": ["U0PACTBOT1"]}},
], ids=["uninstalled", "token revoked"])
def test_the_orgs_uninstall_stops_all_its_workspaces_and_its_reinstall_resumes_them(
        grid, goodbye):
    pact, built = grid
    emu = pact.emulator
    gone = as_workspace(pact, IN_ORG[0], ORG).event(goodbye)
    assert gone.status == 200
    pact.wait_idle()
    emu.revoke_workspace(ORG)
    clients = WorkspaceClients(pact.services.settings, pact.engine)
    with session_scope(pact.engine) as s:
        states = {ws: s.get(WorkspaceInstall, ws).state for ws in (*IN_ORG, OUTSIDE)}
        assert s.execute(select(slack_bots.c.enterprise_id)
                         .where(slack_bots.c.enterprise_id == ORG)).all() == []
    assert states == {IN_ORG[0]: "uninstalled", IN_ORG[1]: "uninstalled",
                      OUTSIDE: "installed"}
    assert [clients.for_workspace(ws) for ws in IN_ORG] == [None, None]
    assert clients.for_workspace(OUTSIDE) is not None
    emu.reset()
    w = built[IN_ORG[1]]
    w["p"].slack.event({"type": "app_home_opened", "user": w["members"][0], "tab": "home"})
    pact.wait_idle()
    assert emu.calls_to("views.publish") == []  # nothing is done with the org's dead token

    assert install(pact, ORG, "Big Org", org_wide=True)[0] == 200
    with session_scope(pact.engine) as s:
        assert {s.get(WorkspaceInstall, ws).state for ws in IN_ORG} == {"installed"}
    assert {emu.tokens[clients.for_workspace(ws).token] for ws in IN_ORG} == {ORG}


def test_taking_pact_out_of_one_workspace_of_the_org_stops_only_that_one(grid):
    pact, built = grid

    def states():
        with session_scope(pact.engine) as s:
            return {ws: s.get(WorkspaceInstall, ws).state for ws in (*IN_ORG, OUTSIDE)}

    org = as_workspace(pact, IN_ORG[0], ORG)
    # The event names a workspace outside the organisation too: it is not the org's to stop.
    assert org.event({"type": "team_access_revoked",
                      "team_ids": [IN_ORG[1], OUTSIDE]}).status == 200
    pact.wait_idle()
    assert states() == {IN_ORG[0]: "installed", IN_ORG[1]: "uninstalled", OUTSIDE: "installed"}
    with session_scope(pact.engine) as s:
        assert s.get(WorkspaceInstall, IN_ORG[1]).purge_after is not None
    assert org.event({"type": "team_access_granted", "team_ids": [IN_ORG[1]]}).status == 200
    pact.wait_idle()
    assert set(states().values()) == {"installed"}


def test_a_workspace_that_had_removed_its_own_install_resumes_under_the_org_wide_one(grid):
    pact, built = grid
    from handlers.workspaces import service

    with session_scope(pact.engine) as s:  # stopped before it was known as the org's
        service.uninstall(s, "T0ORGTHREE", pact.services.now(), 30)
    w = dataclasses.replace(pact, slack=as_workspace(pact, "T0ORGTHREE", ORG))
    user = pact.emulator.add_user(name="oli")
    assert w.slack.event({"type": "app_home_opened", "user": user, "tab": "home"}).status == 200
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        row = s.get(WorkspaceInstall, "T0ORGTHREE")
        assert (row.state, row.enterprise_id, row.purge_after) == ("installed", ORG, None)
    assert pact.emulator.home_view(user)["type"] == "home"
