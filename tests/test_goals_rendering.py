"""What people read: user-typed text stays text, calendar days stay the team's days, every
milestone fits in the post, and a double click on the goal form is not reported as a failure."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.playground.emulator import check_message_blocks, check_view
from bot.rules.goals import parse_number
from handlers.goals.forms import goal_form_values
from handlers.goals.posts import GoalCard, day_text, goal_post
from storage.engine import session_scope
from storage.models import Goal, Milestone
from tests.test_goals_steps import create_goal, goal_values, log_progress, team
from tests.test_teams import latest_view

DATE_TOKEN = re.compile(r"<!date\^(\d+)\^\{[a-z_]+\}(?: at \{time\})?\|([^>]*)>")
MENTIONS = ("<!channel>", "<!here>", "<!everyone>")


def mrkdwn_texts(node) -> list[str]:
    """Every mrkdwn text in blocks (plain_text never renders mentions)."""
    if isinstance(node, list):
        return [t for item in node for t in mrkdwn_texts(item)]
    if not isinstance(node, dict):
        return []
    if node.get("type") == "mrkdwn":
        return [node.get("text", "")]
    return [t for value in node.values() for t in mrkdwn_texts(value)]


def card(**kw) -> GoalCard:
    base = dict(id=7, title="Goal", metric="things", baseline=0, target=10, current=0, unit="",
                due_date=date(2026, 12, 31), project="", status="active", channel_id="C1",
                team_name="T", owner="U1")
    return GoalCard(**{**base, **kw})


def test_user_typed_text_never_mentions_the_channel(pact):
    emu = pact.emulator
    lead, (max_, ola), channel = team(pact, name="<!here> crew")
    goal_id = create_goal(pact, lead, channel, title="<!channel> Ship & go", target="2",
                          metric="<!everyone> certified",
                          milestones=[("<!everyone> step", 3)])
    pact.slack.block_action(user=max_, action_id="goal_join", value=str(goal_id),
                            channel=channel, message_ts="1.2")
    pact.wait_idle()
    pact.slack.block_action(user=max_, action_id="goal_join", value=str(goal_id),
                            channel=channel, message_ts="1.2")
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        milestone = s.exec(select(Milestone)).one().id
    for _ in range(2):  # done, then "already done"
        pact.slack.block_action(user=ola, action_id="milestone_mark_done",
                                value=str(milestone), channel=channel, message_ts="1.2")
        pact.wait_idle()
    answers = [pact.slack.command(c, user=max_, channel=channel).json()
               for c in ("team", "goal list")]
    log_progress(pact, ola, goal_id, value=2, note="<!channel> done!", channel=channel)
    pact.wait_idle()

    sent = [*emu.messages(channel), *emu.ephemerals(), *emu.dms(max_), *emu.dms(lead),
            *answers]
    assert any("is achieved" in m["text"] for m in sent)
    for message in sent:
        for mention in MENTIONS:
            assert mention not in message["text"], message["text"]
            assert mention not in str(mrkdwn_texts(message.get("blocks"))), message
    assert "&lt;!channel&gt; Ship &amp; go" in emu.messages(channel)[-1]["text"]
    assert emu.violations == []


@pytest.mark.parametrize("tz", ["Pacific/Auckland", "Pacific/Kiritimati", "Asia/Kolkata",
                                "UTC", "America/Los_Angeles", "Pacific/Pago_Pago"])
def test_a_calendar_day_is_the_same_day_in_the_teams_timezone(tz):
    for day in (date(2026, 1, 15), date(2026, 3, 29), date(2026, 11, 1)):
        ts, fallback = DATE_TOKEN.fullmatch(day_text(day, tz)).groups()
        assert fallback == day.isoformat()
        assert datetime.fromtimestamp(int(ts), ZoneInfo(tz)).date() == day


def test_goal_dates_show_the_day_the_team_chose_east_of_utc_plus_12(pact):
    emu = pact.emulator
    lead = emu.add_user(name="kiri", tz="Pacific/Auckland")
    lead, (max_, _), channel = team(pact, lead=lead, tz="Pacific/Auckland")
    today = datetime.now(ZoneInfo("Pacific/Auckland")).date()
    due, step = today + timedelta(days=40), today + timedelta(days=5)
    values = dict(due=due.isoformat(), milestones=[("Kick-off", step.isoformat())])
    create_goal(pact, lead, channel, **values)
    post = [m for m in emu.messages(channel) if "Shared goal" in m["text"]][-1]
    listed = pact.slack.command("goal list", user=max_, channel=channel).json()
    pact.slack.event({"type": "app_home_opened", "user": max_, "tab": "home"})
    pact.wait_idle()
    home = emu.home_view(max_)
    for where in (post["blocks"], listed["blocks"], home["blocks"]):
        tokens = DATE_TOKEN.findall(str(where))
        assert tokens, where
        for ts, fallback in tokens:
            shown = datetime.fromtimestamp(int(ts), ZoneInfo("Pacific/Auckland")).date()
            assert shown.isoformat() == fallback
    assert {f for _, f in DATE_TOKEN.findall(str(post["blocks"]))} == \
        {due.isoformat(), step.isoformat()}


def test_every_milestone_is_in_the_post_however_long_the_titles():
    today = date(2026, 3, 10)
    milestones = [dict(id=i, title=f"{'&<' * 74}{i:02d}", due_date=today + timedelta(days=i),
                       done_at=None, done_by=None) for i in range(15)]
    milestones[3].update(done_at=datetime(2026, 3, 11, 9, 0, tzinfo=ZoneInfo("UTC")),
                         done_by="U2")
    text, blocks = goal_post(card(milestones=milestones, tz="Europe/Berlin"))
    assert check_message_blocks(blocks) == []
    rendered = "\n".join(b["text"]["text"] for b in blocks
                         if b["type"] == "section")
    for i in range(15):
        assert f"&amp;&lt;{i:02d}" in rendered, i
    # Every date token is whole: 14 open milestones, 1 done, and the due date.
    assert len(DATE_TOKEN.findall(rendered)) == 16
    assert rendered.count("<!date") == 16


def test_a_double_click_on_add_a_milestone_is_not_reported_as_a_failure(pact):
    lead, _, channel = team(pact)
    pact.slack.command("goal new", user=lead, channel=channel)
    view = latest_view(pact, "goal_form")
    rows = sum(1 for b in view["blocks"] if b.get("block_id", "").startswith("ms_title"))
    for _ in range(2):  # both clicks carry the form as it was first shown
        pact.slack.block_action(user=lead, action_id="goal_form_add_milestone", view=view)
        pact.wait_idle()
    assert pact.emulator.dms(lead) == []  # no "something went wrong"
    now = pact.emulator.views()[view["id"]]
    assert check_view(now) == []
    assert sum(1 for b in now["blocks"] if b.get("block_id", "").startswith("ms_title")) \
        == rows + 1


def test_a_goal_achieved_while_its_edit_form_was_open_is_not_changed(pact):
    emu = pact.emulator
    lead, (max_, _), channel = team(pact)
    goal_id = create_goal(pact, lead, channel, target="5")
    pact.slack.block_action(user=lead, action_id="goal_edit", value=str(goal_id),
                            channel=channel, message_ts="1.2")
    pact.wait_idle()
    form = latest_view(pact, "goal_form")
    log_progress(pact, max_, goal_id, value=5, channel=channel)  # reached meanwhile
    pact.wait_idle()
    answer = pact.slack.view_submission(user=lead, view=form, values=goal_values(
        title="Something else", target="50"))
    errors = answer.json()["errors"]
    assert set(errors) == {"title"} and "achieved" in errors["title"]
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        goal = s.get(Goal, goal_id)
        assert (goal.status, goal.title, goal.target) == \
            ("achieved", "Everyone certified in Scrum", 5)
    post = [m for m in emu.messages(channel) if "Achieved:" in m["text"]][-1]
    assert "5 of 5" in post["text"]
    # The Edit button of a details view opened earlier says so too.
    pact.slack.block_action(user=lead, action_id="goal_edit", value=str(goal_id),
                            channel=channel, message_ts="1.2")
    pact.wait_idle()
    assert "no longer be edited" in emu.ephemerals(channel, lead)[-1]["text"]
    assert emu.violations == []


@pytest.mark.parametrize("baseline,target", [(0.12345, 1.00005), (0, 1e-05), (10, 8.5),
                                             (1234567.125, -3.0), (1 / 3, 2 / 3)])
def test_the_edit_form_shows_every_stored_digit(baseline, target):
    values = goal_form_values(card(baseline=baseline, target=target))
    assert parse_number(values["baseline"]) == baseline
    assert parse_number(values["target"]) == target
    assert "e" not in values["baseline"] + values["target"]


def test_home_tells_about_teams_past_the_budget(pact):
    from storage.models import Team, TeamMembership
    from storage.queries.members import get_member

    emu = pact.emulator
    lead, (max_, _), channel = team(pact)
    create_goal(pact, lead, channel, title="Goal 0")
    with session_scope(pact.engine) as s:
        me = get_member(s, emu.team_id, max_)
        for i in range(120):  # teams without goals yet
            other = Team(workspace_id=emu.team_id, channel_id=f"C{i:09d}", name=f"Team {i:03d}",
                         created_by=lead)
            s.add(other)
            s.flush()
            s.add(TeamMembership(team_id=other.id, member_id=me.id, role="member"))
    pact.slack.event({"type": "app_home_opened", "user": max_, "tab": "home"})
    pact.wait_idle()
    home = emu.home_view(max_)
    assert check_view(home) == [] and len(home["blocks"]) <= 100
    assert re.search(r"…and \d+ more teams", str(home["blocks"])), home["blocks"][-3:]


def test_an_expired_trigger_gets_a_clear_answer(pact):
    lead, (max_, _), channel = team(pact)
    pact.emulator.fail_next("views.open", error="expired_trigger_id")
    assert pact.slack.command("goal new", user=lead, channel=channel).body == ""
    pact.wait_idle()
    (said,) = pact.emulator.responses()
    assert said["response_type"] == "ephemeral" and "run the command again" in said["text"]
    create_goal(pact, lead, channel)
    pact.emulator.fail_next("views.open", error="exchanged_trigger_id")
    assert pact.slack.command("goal update", user=max_, channel=channel).body == ""
    pact.wait_idle()
    assert "run the command again" in pact.emulator.responses()[-1]["text"]
    assert pact.emulator.dms(lead) == [] and pact.emulator.dms(max_) == []
