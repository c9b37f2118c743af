"""The weekly check-in is shown in the team's words and, with Slack's date token, in each
reader's own timezone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.playground.emulator import check_message_blocks
from handlers.teams.blocks import team_summary
from tests.test_teams import set_up_team

TOKEN = re.compile(r"next <!date\^(\d+)\^\{day_divider_pretty\} at \{time\}\|[^>]+>")


def test_the_next_check_in_is_a_date_token_each_reader_sees_in_their_timezone(pact):
    lead, members, channel = set_up_team(pact, tz="America/New_York", weekday="fri",
                                         time="16:45")
    answer = pact.slack.command("team", user=members[0], channel=channel).json()
    post = pact.emulator.messages(channel)[-1]
    before = datetime.now(UTC)
    for blocks in (answer["blocks"], post["blocks"]):
        assert check_message_blocks(blocks) == []
        text = str(blocks)
        assert "Fridays at 16:45 (America/New_York)" in text
        (ts,) = TOKEN.findall(text)
        at = datetime.fromtimestamp(int(ts), ZoneInfo("America/New_York"))
        assert (at.strftime("%a %H:%M")) == "Fri 16:45"
        assert before - timedelta(minutes=5) < at < before + timedelta(days=7)


def test_a_paused_team_shows_no_next_check_in():
    answer = team_summary(name="T", channel_id="C1", leads=["U1"], members=[], tz="UTC",
                          weekday="mon", time="10:00", goals=[], paused_reason="holidays",
                          next_checkin=datetime(2026, 3, 9, 10, tzinfo=UTC))
    assert "<!date" not in str(answer["blocks"]) and "Paused" in str(answer["blocks"])


def test_team_commands_in_a_direct_message_point_to_the_teams_channel(pact):
    user = pact.emulator.add_user(name="nia")
    for command in ("team", "goal list", "goal new", "goal update"):
        answer = pact.slack.command(command, user=user, channel="D0SOMEDM01").json()
        assert answer["response_type"] == "ephemeral"
        assert "team's channel" in answer["text"] and " here" not in answer["text"], command


def test_editing_a_team_larger_than_the_form_keeps_the_members_it_does_not_list(pact):
    from sqlmodel import select

    from storage.engine import session_scope
    from storage.models import Member, Team, TeamMembership
    from storage.queries import teams as tq
    from tests.test_teams import latest_view, team_values

    emu = pact.emulator
    lead, (max_, ola), channel = set_up_team(pact)
    extra = [emu.add_user(name=f"p{i}") for i in range(104)]
    with session_scope(pact.engine) as s:
        team = s.exec(select(Team)).one()
        for slack_id in extra:
            member = Member(workspace_id=emu.team_id, slack_user_id=slack_id)
            s.add(member)
            s.flush()
            s.add(TeamMembership(team_id=team.id, member_id=member.id, role="member"))
    pact.slack.command("team setup", user=lead, channel=channel)
    view = latest_view(pact, "team_setup")
    members = {b.get("block_id"): b for b in view["blocks"]}["members"]
    listed = members["element"]["initial_users"]
    assert len(listed) == 100 and "6 more members are not listed" in members["hint"]["text"]
    # The lead removes one listed person and saves.
    pact.slack.view_submission(user=lead, view=view, values=team_values(
        leads=[lead], members=[u for u in listed if u != max_]))
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        team = s.exec(select(Team)).one()
        kept = {m.slack_user_id for m, _ in tq.team_members(s, team.id)}
    assert kept == {lead, ola, *extra}


def test_a_new_team_in_a_big_channel_says_only_part_is_pre_filled():
    from handlers.teams.blocks import team_setup_modal

    people = [f"U{i:09d}" for i in range(130)]
    view = team_setup_modal(channel_id="C1", name="Big", leads=people[:1], members=people[1:],
                            tz="UTC", weekday="mon", time="10:00", editing=False)
    hint = {b.get("block_id"): b for b in view["blocks"]}["members"]["hint"]["text"]
    assert "100 of the 129 people" in hint and "stay in the team" not in hint


def test_when_every_lead_is_deactivated_a_member_may_edit_the_team(pact):
    from sqlmodel import select

    from storage.engine import session_scope
    from storage.models import Member
    from tests.test_teams import latest_view, team_values

    lead, (max_, ola), channel = set_up_team(pact)
    outsider = pact.emulator.add_user(name="eve")
    pact.emulator.deactivate_user(lead)
    with session_scope(pact.engine) as s:
        stored = s.exec(select(Member).where(Member.slack_user_id == lead)).one()
        stored.is_deleted = True
        s.add(stored)
    assert pact.slack.command("team setup", user=outsider, channel=channel).body == ""
    pact.wait_idle()  # someone Pact never met is looked up after the answer, then refused
    assert "Only this team's leads" in pact.emulator.responses()[-1]["text"]
    assert pact.slack.command("team setup", user=max_, channel=channel).body == ""
    view = latest_view(pact, "team_setup")
    answer = pact.slack.view_submission(user=max_, view=view, values=team_values(
        leads=[max_], members=[ola]))
    assert answer.body == ""
