"""Steps shared by the goal tests (no tests here): a team, a goal, progress, as in Slack."""

from __future__ import annotations

from datetime import date, timedelta

from bot.playground.slack_requests import date_value, number_value, select_value, text_value
from tests.test_teams import latest_view, set_up_team

TODAY = date.today()


def day(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def goal_values(title="Everyone certified in Scrum", metric="people certified", baseline="0",
                target="6", unit="people", due=None, project="https://example.com/roadmap",
                milestones=(("Study group running", 10), ("Half of us certified", 30))) -> dict:
    values = {"title": {"title": text_value(title)}, "metric": {"metric": text_value(metric)},
              "baseline": {"baseline": number_value(baseline)},
              "target": {"target": number_value(target)}, "unit": {"unit": text_value(unit)},
              "due": {"due": date_value(due or day(60))},
              "project": {"project": text_value(project)}}
    for row, (m_title, m_day) in enumerate(milestones):
        values[f"ms_title_{row}"] = {f"ms_title_{row}": text_value(m_title)}
        values[f"ms_date_{row}"] = {f"ms_date_{row}": date_value(
            m_day if isinstance(m_day, str) else day(m_day))}
    return values


def team(pact, **kw):
    return set_up_team(pact, **kw)


def open_goal_form(pact, lead, channel) -> dict:
    response = pact.slack.command("goal new", user=lead, channel=channel)
    assert response.status == 200 and response.body == "", response.body
    return latest_view(pact, "goal_form")


def create_goal(pact, lead, channel, **values):
    view = open_goal_form(pact, lead, channel)
    answer = pact.slack.view_submission(user=lead, view=view, values=goal_values(**values))
    assert answer.status == 200 and answer.body == "", answer.body
    pact.wait_idle()
    from sqlmodel import select

    from storage.engine import session_scope
    from storage.models import Goal
    with session_scope(pact.engine) as s:
        return s.exec(select(Goal).order_by(Goal.id.desc())).first().id


def goal_post(pact, channel) -> dict:
    posts = [m for m in pact.emulator.messages(channel)
             if not m.get("thread_ts") and "goal_join" in str(m.get("blocks"))
             or "Shared goal" in m.get("text", "") or "Achieved:" in m.get("text", "")]
    assert posts, "no goal post"
    return posts[-1]


def log_progress(pact, user, goal_id, value=None, note="", mode="set", channel=None):
    """Click "Log progress" on the post, then submit the modal."""
    pact.slack.block_action(user=user, action_id="goal_log_progress", value=str(goal_id),
                            channel=channel, message_ts="1.000100")
    view = latest_view(pact, "goal_progress")
    answer = pact.slack.view_submission(user=user, view=view, values={
        "value": {"value": number_value(None if value is None else str(value))},
        "mode": {"mode": select_value(mode) | {"type": "radio_buttons"}},
        "note": {"note": text_value(note or None)}})
    return answer


def celebrations(pact, channel) -> list[dict]:
    return [m for m in pact.emulator.messages(channel) if "is achieved" in m.get("text", "")]
