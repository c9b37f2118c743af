"""Every message Pact sends, read once as its reader: the `text` fallback (what notifications
show) carries no raw UTC timestamp or date token, no word is "(s)"-pluralised, no word is said
twice in a row ("Team Team Alpha", "due today (today)")."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from bot.rules.nudges import Item
from bot.rules.visibility import ObjectiveFacts
from handlers.goals import posts as goal_posts
from handlers.labs import blocks as lab_blocks
from handlers.pdp import posts as pdp_posts
from handlers.rhythm import blocks as rhythm
from handlers.rhythm.checkins import GoalCheckin, team_checkin
from handlers.teams import blocks as team_blocks
from tests.test_goals_rendering import card as _card

WHEN = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
TODAY = date(2026, 11, 30)
GOAL = rhythm.GoalFacts(3, "Certify the team", "certified people", 0, 10, 3, "people",
                        date(2027, 6, 30), "Europe/Berlin")
STEPS = [rhythm.MilestoneFacts(1, "Book the exam", date(2026, 11, 27), False),
         rhythm.MilestoneFacts(2, "First half certified", date(2026, 12, 2), False)]
OBJECTIVE = ObjectiveFacts(9, "Run a sprint review", "Facilitation", "", date(2027, 1, 5),
                           None, None, "done", 100, "team", done_at=WHEN)


def card(**kw):
    return _card(**{"title": "Certify the team", **kw})


def _one(count: int):
    return [Item(f"k{i}", f"pdp:{i}", "review_soon", "Plan", WHEN, i) for i in range(count)]


def _messages():
    """(name, text, blocks) of each message builder, with one thing and with several."""
    made = []

    def add(name, built):
        text, blocks = (built["text"], built.get("blocks", [])) if isinstance(built, dict) \
            else (built if isinstance(built, tuple) else (built, []))
        made.append((name, text, blocks))

    for n in (1, 3):
        add(f"team check-in x{n}", team_checkin("Alpha", [GoalCheckin(GOAL, STEPS, [])] * n,
                                                TODAY))
        add(f"nudge x{n}", rhythm.nudge_message(_one(n)))
        add(f"team summary x{n}", team_blocks.team_summary(
            name="Alpha", channel_id="C0ALPHA01", leads=[f"U0LEAD{i:04d}" for i in range(n)], members=[f"U0MEMB{i:04d}" for i in range(n)], tz="UTC",
            weekday="mon", time="10:00", goals=[("Certify", 30)] * n))
        add(f"goal list x{n}", goal_posts.goal_list_message("Alpha", "C1", [card()] * n))
    add("goal check-in", rhythm.checkin_message(GOAL, STEPS, ["U0ANA0001"], TODAY))
    for days in (0, 1, 2):
        add(f"milestone in {days}", rhythm.milestone_reminder("Certify", STEPS[1], days,
                                                              "Europe/Berlin"))
    add("stuck", rhythm.stuck_message("U0ANA0001", "Certify", ["U0BEN0002"]))
    add("not in channel", rhythm.not_in_channel_dm("C1", "Alpha"))
    add("channel gone", rhythm.channel_gone_dm("C1", "Alpha", "is_archived", 1))
    add("snoozed", rhythm.snoozed_message(WHEN))
    for name in ("Alpha", "Team Alpha"):
        add(f"team saved {name}", team_blocks.team_saved_message(
            name=name, channel_id="C0ALPHA01", leads=["U0ANA0001"], members=[], tz="UTC", weekday="mon",
            time="10:00", created=True))
    add("goal post", goal_posts.goal_post(card(milestones=[])))
    add("goal celebration", goal_posts.celebration(card(status="achieved"), ["U0ANA0001", "U0BEN0002"]))
    add("joined", goal_posts.joined_dm(card()))
    add("lab announcement", lab_blocks.announcement(1, "Alpha", WHEN, 45, "U0ANA0001", "Testing",
                                                    tz="Europe/Berlin"))
    add("lab presenter", lab_blocks.presenter_dm("Alpha", WHEN, "", 1))
    add("lab presenter with topic", lab_blocks.presenter_dm("Alpha", WHEN, "Testing", 1))
    add("lab reminder", lab_blocks.reminder_dm("Alpha", WHEN, "Testing", 1))
    add("lab follow-up", lab_blocks.followup_dm("Alpha", "Testing", 1))
    add("lab swap", lab_blocks.swap_request_dm("U0ANA0001", "Alpha", WHEN, 1))
    add("review approved", pdp_posts.review_result_dm("U0ANA0001", "approved", "", WHEN))
    add("review comment", pdp_posts.review_result_dm("U0ANA0001", "commented", "Nice", WHEN))
    add("objective celebration", pdp_posts.celebration_message("U0ANA0001", OBJECTIVE))
    add("objective congrats", pdp_posts.congrats_dm(OBJECTIVE))
    return made


MESSAGES = _messages()
RAW_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{2}:\d{2} UTC\b|\bUTC\b")
TOKEN = re.compile(r"<[^>]*>")


def _mrkdwn(node) -> list[str]:
    if isinstance(node, list):
        return [t for x in node for t in _mrkdwn(x)]
    if not isinstance(node, dict):
        return []
    if node.get("type") in ("mrkdwn", "plain_text"):
        return [node.get("text", "")]
    return [t for value in node.values() for t in _mrkdwn(value)]


def _repeated_word(text: str) -> str | None:
    """A word said twice with only spaces (or markup) between: "Team Team", "today (today)"."""
    plain = re.sub(r"[*_~`()]", "", TOKEN.sub("", text))
    found = re.search(r"\b(\w+)\s+\1\b", plain, re.IGNORECASE)
    return found.group(0) if found else None


@pytest.mark.parametrize("name,text,blocks", MESSAGES, ids=[m[0] for m in MESSAGES])
def test_the_fallback_reads_right(name, text, blocks):
    assert text.strip(), "every message has a text fallback"
    assert "<!date" not in text and not RAW_DATE.search(text), text
    assert "(s)" not in text, text
    assert _repeated_word(text) is None, text


@pytest.mark.parametrize("name,text,blocks", MESSAGES, ids=[m[0] for m in MESSAGES])
def test_the_message_reads_right(name, text, blocks):
    for shown in _mrkdwn(blocks):
        assert "(s)" not in shown, shown
        assert _repeated_word(shown) is None, shown
        assert "(today)" not in shown and "(tomorrow)" not in shown, shown
        # A progress bar is never hidden in a code span before its number.
        assert not re.search(r"`[▰▱]", shown), shown


def test_plurals_agree_with_their_number():
    texts = {name: text for name, text, _ in MESSAGES}
    assert texts["nudge x1"].startswith("1 thing in your development plans")
    assert texts["nudge x3"].startswith("3 things in")
    assert texts["team summary x1"] == "Alpha: 1 lead, 1 member, 1 active goal"
    assert texts["team saved Team Alpha"] == "Team Alpha is set up in this channel."
    assert texts["team saved Alpha"] == "Team Alpha is set up in this channel."
    assert texts["milestone in 1"] == "Milestone “First half certified” is due tomorrow"
    assert texts["lab announcement"].startswith("Learning lab Thu 3 Dec, 15:00: ")
