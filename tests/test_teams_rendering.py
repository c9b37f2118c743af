"""The weekly check-in is shown in the team's words and, with Slack's date token, in each
reader's own timezone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.blocks.teams import team_summary
from tests.slack_emulator import check_message_blocks
from tests.test_teams import set_up_team

TOKEN = re.compile(r"next <!date\^(\d+)\^\{date_short_pretty\} at \{time\}\|[^>]+>")


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
