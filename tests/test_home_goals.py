"""The Home tab shows the person's teams and active goals, within Slack's limits."""

from __future__ import annotations

from datetime import date, timedelta

from bot.playground.emulator import check_view
from handlers.goals.posts import GoalCard, home_goals_section
from storage.engine import session_scope
from storage.models import Goal, Milestone
from tests.test_goals_steps import create_goal, log_progress, team


def open_home(pact, user) -> dict:
    pact.slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    pact.wait_idle()
    view = pact.emulator.home_view(user)
    assert view is not None and check_view(view) == []
    return view


def test_home_shows_teams_goals_progress_next_milestone_and_commitment(pact):
    lead, (max_, ola), channel = team(pact)
    goal_id = create_goal(pact, lead, channel, title="Scrum for all", target="4",
                          milestones=[("Study group running", 10), ("Mock exam", 20)])
    pact.slack.block_action(user=max_, action_id="goal_join", value=str(goal_id),
                            channel=channel, message_ts="1.2")
    log_progress(pact, ola, goal_id, value=1, channel=channel)
    pact.wait_idle()

    text = str(open_home(pact, max_)["blocks"])
    assert "Platform" in text and "Scrum for all" in text
    assert "▰▰▱▱▱▱▱▱▱▱ 25%" in text
    assert "Next milestone: Study group running" in text
    assert "You're in" in text and "goal_log_progress" in text

    text = str(open_home(pact, ola)["blocks"])
    assert "You haven't said" in text and "goal_join" in text

    outsider = pact.emulator.add_user(name="zoe")
    assert "Scrum for all" not in str(open_home(pact, outsider)["blocks"])


def test_log_progress_from_home_updates_home(pact):
    lead, (max_, _), channel = team(pact)
    goal_id = create_goal(pact, lead, channel, target="10")
    home = open_home(pact, max_)
    pact.slack.block_action(user=max_, action_id="goal_log_progress", value=str(goal_id),
                            view=home)
    pact.wait_idle()
    from bot.playground.slack_requests import number_value
    from tests.test_teams import latest_view

    view = latest_view(pact, "goal_progress")
    assert pact.slack.view_submission(user=max_, view=view, values={
        "value": {"value": number_value("5")}}).body == ""
    pact.wait_idle()
    assert "50%" in str(pact.emulator.home_view(max_)["blocks"])


def test_many_goals_are_summarised_within_the_budget(pact):
    lead, (max_, _), channel = team(pact)
    first = create_goal(pact, lead, channel, title="Goal 0")
    with session_scope(pact.engine) as s:
        template = s.get(Goal, first)
        for i in range(1, 60):
            goal = Goal(**{**template.model_dump(exclude={"id", "channel_ts"}),
                           "title": f"Goal {i}"})
            s.add(goal)
            s.flush()
            s.add(Milestone(goal_id=goal.id, title="m", due_date=date.today()))
    view = open_home(pact, max_)
    assert len(view["blocks"]) <= 100
    assert "more active goals" in str(view["blocks"])


def test_home_section_builder_respects_any_budget():
    cards = [(GoalCard(id=i, title="t" * 200, metric="m", baseline=0, target=10, current=i,
                       unit="u", due_date=date.today() + timedelta(9), project="",
                       status="active", channel_id="C1", team_name="T", owner="U1",
                       milestones=[dict(id=1, title="x" * 300, due_date=date.today(),
                                        done_at=None, done_by=None)]), i % 2 == 0)
             for i in range(40)]
    teams = [("Alpha", "C1", cards[:25]), ("Beta", "C2", cards[25:]), ("Empty", "C3", [])]
    for budget in (0, 2, 3, 5, 10, 50, 95):
        blocks = home_goals_section(teams, budget)
        assert len(blocks) <= budget
        if blocks:
            assert check_view({"type": "home", "blocks": blocks}) == []
    assert home_goals_section([], 95) == []
