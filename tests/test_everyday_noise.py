"""A team's channel over a month: one post per check-in moment, milestone reminders as thread
replies, earlier check-ins without live buttons."""

from __future__ import annotations

from datetime import date, timedelta

from tests.test_tick import MONDAY_10_BERLIN, client_for, make_team, services_for, tick


def _buttons(post) -> list[str]:
    return [e["action_id"] for b in post["blocks"] if b["type"] == "actions"
            for e in b["elements"]]


def test_a_month_of_three_goals_is_one_post_per_checkin_moment(engine, emulator):
    milestones = [date(2026, 11, 25), date(2026, 11, 30), date(2026, 12, 4),
                  date(2026, 12, 11), date(2026, 12, 16)]
    team = make_team(engine, emulator, goals=3, milestones=milestones)
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(MONDAY_10_BERLIN - timedelta(days=1), services, client)
    for day in range(31):  # every day at the check-in time and a minute later
        moment = MONDAY_10_BERLIN + timedelta(days=day)
        tick(moment, services, client)
        tick(moment + timedelta(minutes=1), services, client)
    posts = emulator.messages(team.channel)
    top_level = [p for p in posts if not p.get("thread_ts")]
    replies = [p for p in posts if p.get("thread_ts")]
    mondays = 5  # Nov 23, 30, Dec 7, 14, 21
    assert len(top_level) == mondays
    assert all(p["text"].startswith("Check-in for Growth: ") for p in top_level)
    # Milestones due on other days were reminded in the check-in's thread.
    assert replies and all(r["text"].startswith("Milestone") for r in replies)
    assert {r["thread_ts"] for r in replies} <= {p["ts"] for p in top_level}
    # Only the latest check-in keeps its buttons; the earlier ones say what replaced them.
    assert _buttons(top_level[-1])
    for old in top_level[:-1]:
        assert _buttons(old) == []
        assert "Superseded by Monday's check-in." in str(old["blocks"])
    assert emulator.violations == []


def test_the_checkin_lists_milestones_due_this_week_with_their_goal(engine, emulator):
    team = make_team(engine, emulator, goals=2, milestones=[date(2026, 11, 25)])
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(MONDAY_10_BERLIN - timedelta(days=1), services, client)
    tick(MONDAY_10_BERLIN, services, client)
    tick(MONDAY_10_BERLIN + timedelta(minutes=1), services, client)
    (post,) = emulator.messages(team.channel)  # no separate "due in 2 days" reminder
    assert "2 milestones due this week" in post["text"]
    assert str(post["blocks"]).count("Step 0") == 2
