"""Three workspaces installed by OAuth in one database, each with a team, a shared goal and a
plan: no surface of one shows another's data, no forged payload (another workspace's ids)
changes it, and every Slack call is made with the token of the workspace it is for."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import select

from storage.engine import session_scope
from storage.models import Goal, GoalParticipant, Member, Pdp, ProgressUpdate, Team
from tests.test_goals_steps import create_goal, team
from tests.test_pdp import plan_values
from tests.test_teams import latest_view
from tests.workspaces_world import as_workspace, install, start_oauth_pact

WORKSPACES = ("T0ALPHA", "T0BRAVO", "T0CHARLIE")


@pytest.fixture
def world(emulator, engine, database_url):
    pact = start_oauth_pact(emulator, engine, database_url)
    built = {}
    try:
        for ws in WORKSPACES:
            assert install(pact, ws, f"{ws} Inc")[0] == 200
            p = dataclasses.replace(pact, slack=as_workspace(pact, ws))
            lead, members, channel = team(p)
            goal_id = create_goal(p, lead, channel, title=f"Secret goal of {ws}")
            assert p.slack.command("pdp", user=members[0], channel=channel).status == 200
            p.wait_idle()
            form = latest_view(p, "pdp_plan")
            answer = p.slack.view_submission(user=members[0], view=form, values=plan_values(
                aspiration=f"Secret plan of {ws}", manager=lead))
            assert answer.status == 200, answer.body
            p.wait_idle()
            built[ws] = dict(p=p, lead=lead, member=members[0], channel=channel, goal=goal_id)
        yield pact, built
    finally:
        pact.stop()


def _titles_in(obj) -> set[str]:
    """The workspaces whose goal title or plan text shows in `obj`."""
    text = str(obj)
    return {ws for ws in WORKSPACES if f"Secret goal of {ws}" in text
            or f"Secret plan of {ws}" in text}


def test_every_row_and_every_call_belongs_to_its_own_workspace(world):
    pact, built = world
    emu = pact.emulator
    with session_scope(pact.engine) as s:
        for ws, w in built.items():
            goal = s.get(Goal, w["goal"])
            assert s.get(Team, goal.team_id).workspace_id == ws
        plans = s.exec(select(Pdp, Member).where(Pdp.owner_id == Member.id)).all()
        assert sorted(m.workspace_id for _, m in plans) == sorted(WORKSPACES)
    for ws, w in built.items():
        posts = emu.messages(w["channel"])
        assert _titles_in(posts) == {ws}
    for call in emu.calls:
        if call.token and call.method != "oauth.v2.access":
            assert call.token in emu.tokens or call.token in emu.revoked_tokens
    # Each team channel was only ever posted to with its own workspace's token.
    for ws, w in built.items():
        tokens = {c.token for c in emu.calls_to("chat.postMessage")
                  if c.args.get("channel") == w["channel"]}
        assert tokens and {emu.tokens[t] for t in tokens} == {ws}


def test_surfaces_of_one_workspace_never_show_another(world):
    pact, built = world
    emu = pact.emulator
    for ws, w in built.items():
        p = w["p"]
        emu.reset()
        p.slack.command("goal list", user=w["member"], channel=w["channel"])
        p.slack.event({"type": "app_home_opened", "user": w["member"], "tab": "home"})
        p.slack.command("team", user=w["member"], channel=w["channel"])
        p.wait_idle()
        seen = [emu.responses(), emu.ephemerals(), emu.home_view(w["member"]),
                [c.response for c in emu.calls]]
        assert _titles_in(seen) <= {ws}
        assert ws in _titles_in(seen)


def test_forged_payloads_with_another_workspace_ids_change_nothing(world):
    pact, built = world
    emu = pact.emulator
    victim, attacker = built["T0ALPHA"], built["T0BRAVO"]
    with session_scope(pact.engine) as s:
        before = (s.exec(select(GoalParticipant)).all(), s.exec(select(ProgressUpdate)).all(),
                  s.get(Goal, victim["goal"]).status)
        victim_plan = s.exec(select(Pdp.id).join(Member, Pdp.owner_id == Member.id)
                             .where(Member.workspace_id == "T0ALPHA")).one()
    emu.reset()
    forged = attacker["p"].slack
    for action in ("goal_join", "goal_log_progress", "goal_details", "goal_archive",
                   "goal_mark_achieved", "goal_edit", "goal_repost"):
        forged.block_action(user=attacker["lead"], action_id=action, value=str(victim["goal"]),
                            channel=attacker["channel"], message_ts="1.000100")
    for action in ("pdp_view_report", "pdp_review_approve", "pdp_delete_confirmed"):
        forged.block_action(user=attacker["lead"], action_id=action, value=str(victim_plan))
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        after = (s.exec(select(GoalParticipant)).all(), s.exec(select(ProgressUpdate)).all(),
                 s.get(Goal, victim["goal"]).status)
        assert s.get(Pdp, victim_plan) is not None
    assert [len(x) for x in after[:2]] == [len(x) for x in before[:2]]
    assert after[2] == before[2]
    everything_shown = [emu.views(), emu.responses(), emu.ephemerals(),
                        [c.args for c in emu.calls]]
    assert "T0ALPHA" not in _titles_in(everything_shown)
    assert emu.messages(victim["channel"]) == []  # nothing posted or edited in its channel
    assert not [c for c in emu.calls if c.token and emu.tokens.get(c.token) == "T0ALPHA"]


def test_a_profile_change_naming_another_workspace_is_stored_in_the_requests_own(pact):
    from storage.queries.members import get_member

    user = pact.emulator.add_user(name="ivy", tz="Europe/London")
    changed = {"id": user, "team_id": "T0ELSEWHERE", "name": "ivy", "tz": "Asia/Tokyo",
               "profile": {"display_name": "Ivy"}, "is_bot": False}
    assert pact.slack.event({"type": "user_change", "user": changed}).status == 200
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        assert get_member(s, "T0ELSEWHERE", user) is None
        assert get_member(s, "T0PACT", user).tz == "Asia/Tokyo"
