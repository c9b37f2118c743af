"""Hardening through the signed endpoint: twice is once, people in forms are real, and a
person cannot act in a team they are not in."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import func, select

from bot.errors import SORRY
from bot.playground.slack_requests import number_value, select_value, text_value
from handlers.kit import ids as shared
from storage.engine import session_scope
from storage.models import Goal, Objective, OutboxMessage, ProgressUpdate, Submission, Team
from tests.test_goals_steps import create_goal, goal_values, open_goal_form, team
from tests.test_pdp import create_plan, objective_values, open_summary, opened, plan_values
from tests.test_pdp_world import make_world
from tests.test_teams import latest_view, team_values


def count(engine, model) -> int:
    with session_scope(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def copies(n, send):
    with ThreadPoolExecutor(max_workers=n) as pool:
        return [f.result() for f in [pool.submit(send) for _ in range(n)]]


def test_eight_copies_of_one_progress_submission_log_progress_once(pact):
    lead, members, channel = team(pact)
    goal_id = create_goal(pact, lead, channel)
    pact.slack.block_action(user=members[0], action_id=shared.GOAL_LOG_PROGRESS,
                            value=str(goal_id), channel=channel, message_ts="1.000100")
    view = latest_view(pact, shared.GOAL_PROGRESS_FORM)
    values = {"value": {"value": number_value("2")},
              "mode": {"mode": select_value("set") | {"type": "radio_buttons"}},
              "note": {"note": text_value("Two of us passed")}}
    answers = copies(8, lambda: pact.slack.view_submission(user=members[0], view=view,
                                                           values=values))
    pact.wait_idle()
    assert {a.status for a in answers} == {200}
    assert all(SORRY not in a.body and "errors" not in a.body for a in answers)
    assert count(pact.engine, ProgressUpdate) == 1
    with session_scope(pact.engine) as s:
        assert s.get(Goal, goal_id).current_value == 2
    notes = [m for m in pact.emulator.messages(channel) if "Two of us passed" in m["text"]]
    assert len(notes) == 1


def test_the_same_goal_form_sent_twice_creates_one_goal(pact):
    lead, _, channel = team(pact)
    view = open_goal_form(pact, lead, channel)
    answers = copies(4, lambda: pact.slack.view_submission(user=lead, view=view,
                                                           values=goal_values()))
    pact.wait_idle()
    assert [a.status for a in answers] == [200] * 4
    assert count(pact.engine, Goal) == 1
    posts = [m for m in pact.emulator.messages(channel) if "goal_join" in str(m.get("blocks"))]
    assert len(posts) == 1
    # a new form (another view) is another goal
    view = open_goal_form(pact, lead, channel)
    pact.slack.view_submission(user=lead, view=view, values=goal_values(title="Second"))
    assert count(pact.engine, Goal) == 2


def test_the_same_objective_sent_twice_is_one_objective(pact):
    world = make_world(pact.engine, pact.emulator)
    create_plan(pact, world)
    summary = open_summary(pact, world.owner)
    pact.slack.block_action(user=world.owner, action_id=shared.PDP_ADD_OBJECTIVE, view=summary)
    form = opened(pact, "views.push")
    answers = copies(8, lambda: pact.slack.view_submission(user=world.owner, view=form,
                                                           values=objective_values()))
    pact.wait_idle()
    assert {a.status for a in answers} == {200}
    assert count(pact.engine, Objective) == 1


def test_team_setup_sent_twice_posts_once(pact):
    emu = pact.emulator
    lead, alice = emu.add_user(name="lena"), emu.add_user(name="alice")
    channel = emu.add_channel(name="growth", members=[lead, alice])
    pact.slack.command("team setup", user=lead, channel=channel)
    pact.wait_idle()
    view = latest_view(pact, shared.TEAM_SETUP)
    answers = copies(4, lambda: pact.slack.view_submission(
        user=lead, view=view, values=team_values(leads=[lead], members=[alice])))
    pact.wait_idle()
    assert {a.status for a in answers} == {200}
    assert count(pact.engine, Team) == 1
    with session_scope(pact.engine) as s:
        team_posts = s.exec(select(OutboxMessage).where(OutboxMessage.channel == channel)).all()
    assert len(team_posts) == 1
    assert count(pact.engine, Submission) == 1


def test_team_setup_refuses_bots_deactivated_and_forged_people_inline(pact):
    emu = pact.emulator
    lead = emu.add_user(name="lena")
    bot = emu.add_user(name="deploybot", is_bot=True)
    gone = emu.add_user(name="gone", deleted=True)
    channel = emu.add_channel(name="growth", members=[lead])
    pact.slack.command("team setup", user=lead, channel=channel)
    pact.wait_idle()
    view = latest_view(pact, shared.TEAM_SETUP)
    answer = pact.slack.view_submission(user=lead, view=view, values=team_values(
        leads=[lead, "U0EVILZ1> <!channel"], members=[bot, gone, "U0NOBODY01"]))
    body = answer.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {shared.TEAM_LEADS, shared.TEAM_MEMBERS}
    assert "<!channel" not in body["errors"][shared.TEAM_LEADS]
    assert count(pact.engine, Team) == 0


def test_a_plan_manager_must_be_a_person_of_the_workspace(pact):
    world = make_world(pact.engine, pact.emulator)
    bot = pact.emulator.add_user(name="helper", is_bot=True)
    pact.slack.command("pdp", user=world.owner)
    form = opened(pact)
    body = pact.slack.view_submission(user=world.owner, view=form,
                                      values=plan_values(manager=bot)).json()
    assert body["response_action"] == "errors" and set(body["errors"]) == {"manager"}


def test_stuck_from_outside_the_team_posts_nothing_in_its_channel(pact):
    lead, _, channel = team(pact)
    goal_id = create_goal(pact, lead, channel)
    outsider = pact.emulator.add_user(name="mallory")
    before = len(pact.emulator.messages(channel))
    pact.slack.block_action(user=outsider, action_id=shared.CHECKIN_STUCK, value=str(goal_id),
                            channel=channel, message_ts="1.000100")
    pact.wait_idle()
    assert len(pact.emulator.messages(channel)) == before
    told = pact.emulator.ephemerals(user=outsider) + pact.emulator.dms(outsider)
    assert any("Only members of this goal's team" in m["text"] for m in told)


def test_a_replayed_click_with_a_spent_trigger_is_answered_once_without_apology(pact):
    lead, members, channel = team(pact)
    goal_id = create_goal(pact, lead, channel)
    opened_before = len([c for c in pact.emulator.calls_to("views.open")
                         if c.response.get("ok")])
    trigger = pact.emulator.new_trigger_id()
    sender = pact.slack
    original = sender.trigger
    sender.trigger = lambda: trigger
    try:
        for _ in range(2):
            sender.block_action(user=members[0], action_id=shared.GOAL_LOG_PROGRESS,
                                value=str(goal_id), channel=channel, message_ts="1.000100")
            pact.wait_idle()
    finally:
        sender.trigger = original
    opened_views = [c for c in pact.emulator.calls_to("views.open") if c.response.get("ok")]
    assert len(opened_views) == opened_before + 1
    said = str([c.args for c in pact.emulator.calls]) + str(pact.emulator.responses())
    assert "something went wrong" not in said


def _details_opened(pact, user, goal_id, channel, ts) -> bool:
    before = len([c for c in pact.emulator.calls_to("views.open") if c.response.get("ok")])
    pact.slack.block_action(user=user, action_id=shared.GOAL_DETAILS, value=str(goal_id),
                            channel=channel, message_ts=ts)
    pact.wait_idle()
    return len([c for c in pact.emulator.calls_to("views.open")
                if c.response.get("ok")]) > before


def test_goal_details_of_a_private_channel_are_not_read_through_a_forged_container(pact):
    emu = pact.emulator
    lead, alice = emu.add_user(name="lena"), emu.add_user(name="alice")
    channel = emu.add_channel(name="secret-team", members=[lead, alice], is_private=True)
    lead, _, channel = team(pact, lead=lead, members=[alice], channel=channel)
    goal_id = create_goal(pact, lead, channel)
    with session_scope(pact.engine) as s:
        post_ts = s.get(Goal, goal_id).channel_ts
    outsider = emu.add_user(name="mallory")
    assert not _details_opened(pact, outsider, goal_id, channel, post_ts)
    assert not _details_opened(pact, outsider, goal_id, channel, "1.000100")
    # someone in the private channel but not in the team reads them from the goal's post;
    # a team member's click asks Slack nothing about the channel
    reader = emu.add_user(name="rita")
    emu.set_channel(channel, members=[lead, alice, reader])
    assert _details_opened(pact, reader, goal_id, channel, post_ts)
    asked = len(emu.calls_to("conversations.members"))
    assert _details_opened(pact, alice, goal_id, channel, post_ts)
    assert len(emu.calls_to("conversations.members")) == asked
    # a reader of a public channel still sees the details of the goal posted there
    public = emu.add_channel(name="open-team", members=[])
    lead2, _, public = team(pact, channel=public)
    public_goal = create_goal(pact, lead2, public)
    with session_scope(pact.engine) as s:
        public_ts = s.get(Goal, public_goal).channel_ts
    assert _details_opened(pact, outsider, public_goal, public, public_ts)


def test_a_response_url_is_used_at_most_five_times_then_the_answer_goes_by_dm():
    from handlers.kit.respond import LimitedRespond

    posted, dms = [], []

    class Client:
        def chat_postMessage(self, **kw):
            dms.append(kw)

    url = "https://hooks.slack.com/commands/T0PACT/1/limit-test"
    respond = LimitedRespond(lambda **kw: posted.append(kw), Client(), "U0ALICE01", url)
    for n in range(7):
        respond(text=f"answer {n}", response_type="ephemeral")
    assert [p["text"] for p in posted] == [f"answer {n}" for n in range(5)]
    assert [(d["channel"], d["text"]) for d in dms] == [("U0ALICE01", "answer 5"),
                                                         ("U0ALICE01", "answer 6")]


def test_impossible_or_far_dates_and_huge_lead_times_are_refused_with_a_reason():
    import pytest

    from bot.rules.recurrence import RuleError, parse_rule

    for text, reason in [("once 2027-02-30 15:00", "no 2027-02-30"),
                         ("once 1900-01-01 10:00", "between 2000 and 2100"),
                         ("every second thursday 15:00 from 1900-01-01", "between 2000"),
                         ("every thursday 15:00, 99999999999999999999 days before", "at most")]:
        with pytest.raises(RuleError, match=reason):
            parse_rule(text)
    assert parse_rule("every thursday 15:00, 3 days before").days_before == 3


def test_titles_and_names_of_invisible_characters_are_empty(pact):
    lead, _, channel = team(pact)
    view = open_goal_form(pact, lead, channel)
    body = pact.slack.view_submission(user=lead, view=view, values=goal_values(
        title="\u200b \u2800\u3164\ufeff")).json()
    assert body["response_action"] == "errors" and "title" in body["errors"]
    emu = pact.emulator
    other = emu.add_channel(name="second", members=[lead])
    pact.slack.command("team setup", user=lead, channel=other)
    pact.wait_idle()
    setup = latest_view(pact, shared.TEAM_SETUP)
    body = pact.slack.view_submission(user=lead, view=setup, values=team_values(
        name="\u200d\u00a0\u2060", leads=[lead])).json()
    assert body["response_action"] == "errors" and shared.TEAM_NAME in body["errors"]
    assert count(pact.engine, Goal) == 0 and count(pact.engine, Team) == 1
