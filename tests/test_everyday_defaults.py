"""Right defaults: an achieved goal stays in view for a while under "Recently achieved", in
`/pact goal list` and on the Home tab."""

from __future__ import annotations

from datetime import timedelta

from storage.engine import session_scope
from storage.models import Goal
from storage.types import utcnow
from tests.test_goals_steps import create_goal, log_progress, team


def test_an_achieved_goal_shows_under_recently_achieved_in_the_goal_list(pact):
    lead, (max_, _), channel = team(pact)
    create_goal(pact, lead, channel, title="Learn Rust")
    done = create_goal(pact, lead, channel, title="Cut cycle time", baseline="0", target="2")
    log_progress(pact, max_, done, value=2, note="There", channel=channel)
    pact.wait_idle()
    answer = pact.slack.command("goal list", user=max_, channel=channel).json()
    shown = str(answer["blocks"])
    assert "Recently achieved" in shown and "Cut cycle time" in shown
    assert answer["text"].startswith("1 active goal in ")  # Learn Rust is still the active one
    with session_scope(pact.engine) as s:  # a month later it has had its moment
        s.get(Goal, done).achieved_at = utcnow() - timedelta(days=30)
    later = pact.slack.command("goal list", user=max_, channel=channel).json()
    assert "Recently achieved" not in str(later["blocks"])


def test_an_achieved_goal_shows_under_recently_achieved_on_home(pact):
    from tests.test_home_goals import open_home

    lead, (max_, _), channel = team(pact)
    create_goal(pact, lead, channel, title="Learn Rust")
    done = create_goal(pact, lead, channel, title="Cut cycle time", baseline="0", target="2")
    log_progress(pact, max_, done, value=2, note="There", channel=channel)
    pact.wait_idle()
    home = str(open_home(pact, max_)["blocks"])
    assert "Recently achieved" in home and "Cut cycle time" in home
    assert "Learn Rust" in home  # still active, above it
    outsider = pact.emulator.add_user(name="zoe")
    assert "Cut cycle time" not in str(open_home(pact, outsider)["blocks"])
    with session_scope(pact.engine) as s:
        s.get(Goal, done).achieved_at = utcnow() - timedelta(days=30)
    assert "Recently achieved" not in str(open_home(pact, max_)["blocks"])
