"""Check-in and milestone-reminder messages as plain builder tests."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.playground.emulator import check_message_blocks
from handlers.rhythm.blocks import GoalFacts, MilestoneFacts, checkin_message, milestone_reminder

DATE_TOKEN = re.compile(r"<!date\^(\d+)\^\{day_divider_pretty\}\|([0-9-]+)>")
TODAY = date(2026, 11, 21)


def _goal(**changes):
    values = dict(id=1, title="Cut cycle time", metric="days per ticket", baseline=10.0,
                  target=8.0, current=9.0, unit="days", due_date=date(2027, 1, 29),
                  tz="Pacific/Auckland")
    values.update(changes)
    return GoalFacts(**values)


def _days_shown(blocks, tz):
    text = str(blocks)
    return [datetime.fromtimestamp(int(ts), ZoneInfo(tz)).date()
            for ts, _ in DATE_TOKEN.findall(text)]


def test_checkin_dates_are_the_days_the_team_chose_east_of_utc_plus_12():
    milestones = [MilestoneFacts(7, "Baseline measured", date(2026, 11, 20), False),
                  MilestoneFacts(8, "Smaller PRs", date(2026, 12, 4), False)]
    text, blocks = checkin_message(_goal(), milestones, [], TODAY)
    assert check_message_blocks(blocks) == []
    assert _days_shown(blocks, "Pacific/Auckland") == [date(2026, 12, 4), date(2026, 11, 20)]
    _, reminder = milestone_reminder("Cut cycle time", milestones[1], 2, "Pacific/Auckland")
    assert _days_shown(reminder, "Pacific/Auckland") == [date(2026, 12, 4)]


def test_progress_moving_away_from_the_target_shows_zero_not_a_negative_share():
    text, blocks = checkin_message(_goal(current=11.0), [], [], TODAY)
    assert "(0%)" in text and "-" not in text.split("(")[-1]
    text, _ = checkin_message(_goal(current=7.0), [], [], TODAY)
    assert "(100%)" in text
