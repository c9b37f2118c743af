"""Controls for the right person, through the signed endpoint and the emulator: "I'm stuck"
asks what the person is stuck on before anything is posted, and a goal's conversation stays
in one thread across check-ins."""

from __future__ import annotations

from datetime import timedelta

from bot.playground.slack_requests import text_value
from tests.test_tick import MONDAY_10_BERLIN, client_for, make_team, services_for, tick


def _checkin(pact, team, moment):
    services, client = services_for(pact.engine, pact.emulator), client_for(pact.emulator)
    tick(moment - timedelta(days=1), services, client)  # the team's schedules exist
    tick(moment, services, client)
    return [m for m in pact.emulator.messages(team.channel)
            if not m.get("thread_ts") and m["text"].startswith("Check-in")][-1]


def _stuck(pact, team, user, post, note):
    goal = str(team.goal_ids[0])
    pact.slack.block_action(user=user, action_id="checkin_stuck", value=goal,
                            channel=team.channel, message_ts=post["ts"])
    pact.wait_idle()
    view = [v for v in pact.emulator.views().values()
            if v["callback_id"] == "checkin_stuck_form"][-1]
    answer = pact.slack.view_submission(user=user, view=view,
                                        values={"note": {"note": text_value(note)}})
    pact.wait_idle()
    return answer


def test_im_stuck_asks_first_then_replies_in_the_goals_one_thread(pact):
    team = make_team(pact.engine, pact.emulator, members=1)
    first = _checkin(pact, team, MONDAY_10_BERLIN)
    member = team.members[0]
    before = len(pact.emulator.messages(team.channel))
    answer = _stuck(pact, team, member, first, "   ")
    assert answer.json()["response_action"] == "errors"  # nothing said: asked inline
    assert "note" in answer.json()["errors"]
    assert len(pact.emulator.messages(team.channel)) == before  # nothing posted yet
    assert _stuck(pact, team, member, first, "The exam needs a budget code <!channel>"
                  ).status == 200
    (reply,) = [m for m in pact.emulator.messages(team.channel) if m.get("thread_ts")]
    assert reply["thread_ts"] == first["ts"]
    assert "budget code" in reply["text"] and f"<@{team.lead}>" in reply["text"]
    assert "<!channel>" not in reply["text"]  # escaped, never a broadcast
    # A week later, stuck again from the new check-in: the same thread, not a second one.
    second = _checkin(pact, team, MONDAY_10_BERLIN + timedelta(days=7))
    assert second["ts"] != first["ts"]
    _stuck(pact, team, member, second, "Still no budget code")
    replies = [m for m in pact.emulator.messages(team.channel) if m.get("thread_ts")]
    assert len(replies) == 2 and {r["thread_ts"] for r in replies} == {first["ts"]}
    assert pact.emulator.violations == []


def test_im_stuck_from_outside_the_team_opens_nothing(pact):
    team = make_team(pact.engine, pact.emulator, members=1)
    post = _checkin(pact, team, MONDAY_10_BERLIN)
    outsider = pact.emulator.add_user(name="mallory")
    pact.slack.block_action(user=outsider, action_id="checkin_stuck",
                            value=str(team.goal_ids[0]), channel=team.channel,
                            message_ts=post["ts"])
    pact.wait_idle()
    assert not [v for v in pact.emulator.views().values()
                if v["callback_id"] == "checkin_stuck_form"]
    told = pact.emulator.ephemerals(user=outsider) + pact.emulator.dms(outsider)
    assert any("Only members of this goal's team" in m["text"] for m in told)
