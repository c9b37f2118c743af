"""Shared goals end to end: create, announce, commit, progress, milestones, celebrate."""

from __future__ import annotations

from sqlmodel import select

from bot.playground.emulator import check_message_blocks, check_view
from bot.playground.slack_requests import date_value, number_value, text_value
from storage.engine import session_scope
from storage.models import Goal, GoalParticipant, Milestone, ProgressUpdate
from tests.test_goals_steps import (
    celebrations,
    create_goal,
    day,
    goal_post,
    goal_values,
    log_progress,
    open_goal_form,
    team,
)
from tests.test_teams import latest_view


def submit_errors(pact, lead, channel, **values) -> dict:
    view = open_goal_form(pact, lead, channel)
    answer = pact.slack.view_submission(user=lead, view=view, values=goal_values(**values))
    assert answer.status == 200
    body = answer.json()
    assert body["response_action"] == "errors"
    return body["errors"]


def test_each_validation_error_is_shown_on_its_field(pact):
    lead, _, channel = team(pact)
    assert set(submit_errors(pact, lead, channel, title="")) == {"title"}
    errors = submit_errors(pact, lead, channel, title="x" * 151)
    assert "150" in errors["title"]
    assert set(submit_errors(pact, lead, channel, baseline="lots")) == {"baseline"}
    assert set(submit_errors(pact, lead, channel, target="ten")) == {"target"}
    errors = submit_errors(pact, lead, channel, baseline="5", target="5")
    assert "differ" in errors["target"]
    assert set(submit_errors(pact, lead, channel, due=day(-1), milestones=[])) == {"due"}
    errors = submit_errors(pact, lead, channel, milestones=[("Kick-off", -2)])
    assert set(errors) == {"ms_date_0"} and "today" in errors["ms_date_0"]
    errors = submit_errors(pact, lead, channel, due=day(20), milestones=[("Late", 25)])
    assert set(errors) == {"ms_date_0"}
    assert "due date" in errors["ms_date_0"]
    with session_scope(pact.engine) as s:
        assert s.exec(select(Goal)).all() == []
    assert pact.emulator.messages(channel)[-1]["text"].startswith("Team")  # no goal post


def test_adding_a_milestone_row_keeps_what_was_typed(pact):
    lead, _, channel = team(pact)
    view = open_goal_form(pact, lead, channel)
    assert check_view(view) == []
    typed = {"title": {"title": text_value("Ship with tests")},
             "ms_title_0": {"ms_title_0": text_value("Pairing week")},
             "ms_date_0": {"ms_date_0": date_value(day(5))}}
    view = {**view, "state": {"values": typed}}
    rows_before = sum(1 for b in view["blocks"] if b.get("block_id", "").startswith("ms_title"))
    pact.slack.block_action(user=lead, action_id="goal_form_add_milestone", view=view)
    pact.wait_idle()
    updated = pact.emulator.views()[view["id"]]
    assert check_view(updated) == []
    blocks = {b.get("block_id"): b for b in updated["blocks"]}
    assert sum(1 for k in blocks if k and k.startswith("ms_title")) == rows_before + 1
    assert blocks["title"]["element"]["initial_value"] == "Ship with tests"
    assert blocks["ms_title_0"]["element"]["initial_value"] == "Pairing week"
    assert blocks["ms_date_0"]["element"]["initial_date"] == day(5)
    # Up to 15 milestones can be added, then the button goes away.
    for _ in range(20):
        current = pact.emulator.views()[view["id"]]
        if not any(b.get("block_id") == "milestone_rows" for b in current["blocks"]):
            break
        pact.slack.block_action(user=lead, action_id="goal_form_add_milestone", view=current)
        pact.wait_idle()
    final = pact.emulator.views()[view["id"]]
    assert sum(1 for b in final["blocks"] if b.get("block_id", "").startswith("ms_title")) == 15
    assert check_view(final) == []
    many = [(f"Step {i}", i + 1) for i in range(15)]
    answer = pact.slack.view_submission(user=lead, view=final, values=goal_values(
        milestones=many))
    assert answer.body == ""
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        assert len(s.exec(select(Milestone)).all()) == 15


def test_create_post_progress_milestone_and_exactly_one_celebration(pact):
    emu = pact.emulator
    saved = []
    pact.services.on("goal_saved", lambda s, goal: saved.append(goal.status))
    lead, (max_, ola), channel = team(pact)
    goal_id = create_goal(pact, lead, channel, target="3", baseline="0")

    post = goal_post(pact, channel)
    assert check_message_blocks(post["blocks"]) == []
    text = str(post["blocks"])
    assert "Everyone certified in Scrum" in text and "people certified" in text
    assert "<!date^" in text and "Study group running" in text  # dates in each reader's tz
    assert "▱▱▱▱▱▱▱▱▱▱ 0%" in text
    buttons = [e["text"]["text"] for b in post["blocks"] if b["type"] == "actions"
               for e in b["elements"]]
    assert buttons == ["I'm in", "Log progress", "Details"]
    with session_scope(pact.engine) as s:
        assert s.get(Goal, goal_id).channel_ts == post["ts"]

    # I'm in: once, a DM offers a linked objective; clicking again says so.
    pact.slack.block_action(user=max_, action_id="goal_join", value=str(goal_id),
                            channel=channel, message_ts=post["ts"])
    pact.wait_idle()
    dm = emu.dms(max_)[-1]
    assert "You're in" in dm["text"]
    assert "pdp_objective_from_goal" in str(dm["blocks"]) and str(goal_id) in str(dm["blocks"])
    pact.slack.block_action(user=max_, action_id="goal_join", value=str(goal_id),
                            channel=channel, message_ts=post["ts"])
    pact.wait_idle()
    assert "already in" in emu.ephemerals(channel, max_)[-1]["text"]
    assert len(emu.dms(max_)) == 1
    with session_scope(pact.engine) as s:
        assert len(s.exec(select(GoalParticipant)).all()) == 1
    assert f"<@{max_}>" in str(goal_post(pact, channel)["blocks"])

    # Progress: the post is updated in place, the note goes in its thread.
    answer = log_progress(pact, ola, goal_id, value=1, note="Passed the exam <yay>",
                          channel=channel)
    assert answer.body == ""
    pact.wait_idle()
    post_now = goal_post(pact, channel)
    assert post_now["ts"] == post["ts"] and "edited" in post_now
    assert "33%" in str(post_now["blocks"])
    thread = [m for m in emu.messages(channel) if m.get("thread_ts") == post["ts"]]
    assert "Passed the exam &lt;yay&gt;" in thread[-1]["text"] and f"<@{ola}>" in thread[-1]["text"]

    # A milestone marked done (who, when), once.
    with session_scope(pact.engine) as s:
        first = s.exec(select(Milestone).order_by(Milestone.position)).first().id
    for _ in range(2):
        pact.slack.block_action(user=max_, action_id="milestone_mark_done", value=str(first),
                                channel=channel, message_ts=post["ts"])
        pact.wait_idle()
    with session_scope(pact.engine) as s:
        m = s.get(Milestone, first)
        assert m.done_at is not None and m.done_by_id is not None
    assert "✅" in str(goal_post(pact, channel)["blocks"])
    assert "already done" in emu.ephemerals(channel, max_)[-1]["text"]

    # Reaching the target: achieved, one celebration naming who committed or logged progress.
    log_progress(pact, lead, goal_id, value=3, channel=channel)
    pact.wait_idle()
    log_progress(pact, max_, goal_id, value=4, channel=channel)  # too late: refused
    pact.wait_idle()
    party = celebrations(pact, channel)
    assert len(party) == 1
    for person in (max_, ola, lead):
        assert f"<@{person}>" in party[0]["text"]
    with session_scope(pact.engine) as s:
        goal = s.get(Goal, goal_id)
        assert goal.status == "achieved" and goal.achieved_at is not None
        assert goal.current_value == 3
        assert [u.value for u in s.exec(select(ProgressUpdate).order_by(ProgressUpdate.id))] \
            == [1, 3]
    final = goal_post(pact, channel)
    assert "Achieved" in final["text"]
    assert [e["text"]["text"] for b in final["blocks"] if b["type"] == "actions"
            for e in b["elements"]] == ["Details"]
    assert "achieved" in saved
    assert emu.violations == []


def test_marking_achieved_twice_celebrates_once(pact):
    emu = pact.emulator
    lead, (max_, _), channel = team(pact)
    goal_id = create_goal(pact, lead, channel, milestones=[("Only step", 3)])
    with session_scope(pact.engine) as s:
        milestone = s.exec(select(Milestone)).one().id
    # Not yet: a milestone is open.
    pact.slack.block_action(user=lead, action_id="goal_mark_achieved", value=str(goal_id),
                            channel=channel, message_ts="1.2")
    pact.wait_idle()
    assert celebrations(pact, channel) == []
    assert "every milestone" in emu.ephemerals(channel, lead)[-1]["text"]
    pact.slack.block_action(user=max_, action_id="milestone_mark_done", value=str(milestone),
                            channel=channel, message_ts="1.2")
    pact.wait_idle()
    # A member (not a lead) may not mark it achieved.
    pact.slack.block_action(user=max_, action_id="goal_mark_achieved", value=str(goal_id),
                            channel=channel, message_ts="1.2")
    pact.wait_idle()
    assert celebrations(pact, channel) == []
    # The same click sent twice, then once more: one celebration.
    import threading

    clicks = [threading.Thread(target=pact.slack.block_action, kwargs=dict(
        user=lead, action_id="goal_mark_achieved", value=str(goal_id), channel=channel,
        message_ts="1.2")) for _ in range(2)]
    for c in clicks:
        c.start()
    for c in clicks:
        c.join()
    pact.wait_idle()
    pact.slack.block_action(user=lead, action_id="goal_mark_achieved", value=str(goal_id),
                            channel=channel, message_ts="1.2")
    pact.wait_idle()
    assert len(celebrations(pact, channel)) == 1
    assert f"<@{max_}>" in celebrations(pact, channel)[0]["text"]  # marked the milestone
    assert emu.violations == []


def test_forged_edit_by_a_non_lead_is_refused_and_changes_nothing(pact):
    emu = pact.emulator
    lead, (max_, ola), channel = team(pact)
    goal_id = create_goal(pact, lead, channel)
    # The lead's edit form, submitted as a member with the goal id in private_metadata.
    pact.slack.block_action(user=lead, action_id="goal_edit", value=str(goal_id),
                            channel=channel, message_ts="1.2")
    pact.wait_idle()
    form = latest_view(pact, "goal_form")
    answer = pact.slack.view_submission(user=max_, view=form, values=goal_values(
        title="Hijacked", target="1"))
    assert answer.json()["response_action"] == "errors"
    assert "owner" in answer.json()["errors"]["title"]
    # Forged buttons: edit, archive, mark achieved.
    for action in ("goal_edit", "goal_archive", "goal_mark_achieved"):
        pact.slack.block_action(user=max_, action_id=action, value=str(goal_id),
                                channel=channel, message_ts="1.2")
        pact.wait_idle()
        assert "owner" in emu.ephemerals(channel, max_)[-1]["text"], action
    # Someone outside the team cannot log progress or mark milestones.
    outsider = emu.add_user(name="eve")  # reads the channel, is not in the team
    emu.set_channel(channel, members=[lead, max_, ola, outsider])
    with session_scope(pact.engine) as s:
        milestone = s.exec(select(Milestone)).first().id
    pact.slack.block_action(user=outsider, action_id="milestone_mark_done",
                            value=str(milestone), channel=channel, message_ts="1.2")
    pact.wait_idle()
    assert "Only members" in emu.ephemerals(channel, outsider)[-1]["text"]
    pact.slack.block_action(user=outsider, action_id="goal_log_progress", value=str(goal_id),
                            channel=channel, message_ts="1.2")
    pact.wait_idle()
    assert "Only members" in emu.ephemerals(channel, outsider)[-1]["text"]
    # ...nor submit a progress form opened by a member.
    pact.slack.block_action(user=max_, action_id="goal_log_progress", value=str(goal_id),
                            channel=channel, message_ts="1.2")
    answer = pact.slack.view_submission(user=outsider, view=latest_view(pact, "goal_progress"),
                                        values={"value": {"value": number_value("5")}})
    assert "Only members" in answer.json()["errors"]["value"]
    with session_scope(pact.engine) as s:
        goal = s.get(Goal, goal_id)
        assert (goal.title, goal.target, goal.status, goal.current_value) == \
            ("Everyone certified in Scrum", 6, "active", 0)
        assert s.get(Milestone, milestone).done_at is None
        assert s.exec(select(ProgressUpdate)).all() == []
    # The lead may edit: the post is updated in place.
    answer = pact.slack.view_submission(user=lead, view=form, values=goal_values(
        title="Everyone certified", target="8"))
    assert answer.body == ""
    pact.wait_idle()
    assert "Everyone certified" in goal_post(pact, channel)["text"]
    assert "of 8" in goal_post(pact, channel)["text"]


def test_a_goal_from_another_workspace_is_not_found(pact):
    lead, _, channel = team(pact)
    goal_id = create_goal(pact, lead, channel)
    other = pact.slack.team_id
    pact.slack.team_id = "T0OTHER"
    try:
        stranger = pact.emulator.add_user(name="zed")
        pact.slack.block_action(user=stranger, action_id="goal_archive", value=str(goal_id),
                                channel=channel, message_ts="1.2")
        pact.wait_idle()
    finally:
        pact.slack.team_id = other
    with session_scope(pact.engine) as s:
        assert s.get(Goal, goal_id).status == "active"


def test_archive_by_the_lead(pact):
    lead, _, channel = team(pact)
    goal_id = create_goal(pact, lead, channel)
    pact.slack.block_action(user=lead, action_id="goal_archive", value=str(goal_id),
                            channel=channel, message_ts="1.2")
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        assert s.get(Goal, goal_id).status == "archived"
    assert "Archived" in str(goal_post(pact, channel)["blocks"])
    answer = pact.slack.command("goal list", user=lead, channel=channel).json()
    assert "no active goals" in answer["text"]


def test_goal_list_and_details(pact):
    lead, (max_, _), channel = team(pact)
    create_goal(pact, lead, channel, title="Learn Rust")
    goal_id = create_goal(pact, lead, channel, title="Cut cycle time", baseline="10",
                          target="8.5", unit="days")
    log_progress(pact, max_, goal_id, value=9.25, note="Smaller PRs", channel=channel)
    pact.wait_idle()
    answer = pact.slack.command("goal list", user=max_, channel=channel).json()
    assert answer["response_type"] == "ephemeral"
    assert check_message_blocks(answer["blocks"]) == []
    text = str(answer["blocks"])
    assert "Learn Rust" in text and "Cut cycle time" in text and "50%" in text
    assert pact.slack.command("goal", user=max_, channel=channel).json() == answer

    pact.services.goal_sections.append(
        lambda session, goal, viewer: [{"type": "section", "text": {
            "type": "mrkdwn", "text": f"linked objectives of goal {goal.id}"}}])
    pact.slack.block_action(user=max_, action_id="goal_details", value=str(goal_id),
                            channel=channel, message_ts="1.2")
    pact.wait_idle()
    details = latest_view(pact, "goal_details")
    assert check_view(details) == []
    text = str(details["blocks"])
    assert "Smaller PRs" in text and f"linked objectives of goal {goal_id}" in text
    assert "milestone_mark_done" in text
    assert "goal_edit" not in text  # a member sees no edit button
    # Mark a milestone from the details modal: the modal is updated.
    with session_scope(pact.engine) as s:
        m_id = s.exec(select(Milestone).where(Milestone.goal_id == goal_id)).first().id
    pact.slack.block_action(user=max_, action_id="milestone_mark_done", value=str(m_id),
                            view=details)
    pact.wait_idle()
    assert "done by" in str(pact.emulator.views()[details["id"]]["blocks"])


def test_goal_update_command_opens_the_progress_modal(pact):
    lead, (max_, _), channel = team(pact)
    assert "no active goals" in pact.slack.command("goal update", user=max_,
                                                   channel=channel).json()["text"]
    create_goal(pact, lead, channel, title="One")
    assert pact.slack.command("goal update", user=max_, channel=channel).body == ""
    assert "One" in str(latest_view(pact, "goal_progress")["blocks"])
    create_goal(pact, lead, channel, title="Two")
    pact.slack.command("goal update", user=max_, channel=channel)
    view = latest_view(pact, "goal_progress")
    assert any(b.get("block_id") == "goal" for b in view["blocks"])
    assert check_view(view) == []


def test_progress_validation(pact):
    lead, (max_, _), channel = team(pact)
    goal_id = create_goal(pact, lead, channel)
    answer = log_progress(pact, max_, goal_id)
    assert set(answer.json()["errors"]) == {"value"}
    answer = log_progress(pact, max_, goal_id, value="abc")
    assert "number" in answer.json()["errors"]["value"]
    answer = log_progress(pact, max_, goal_id, note="Only a note")
    assert answer.body == ""
    pact.wait_idle()
    with session_scope(pact.engine) as s:
        update = s.exec(select(ProgressUpdate)).one()
        assert update.value is None and update.note == "Only a note"
        assert s.get(Goal, goal_id).current_value == 0


def test_only_leads_create_goals(pact):
    lead, (max_, _), channel = team(pact)
    answer = pact.slack.command("goal new", user=max_, channel=channel).json()
    assert "Only the team's leads" in answer["text"] and f"<@{lead}>" in answer["text"]


def test_goal_in_a_channel_without_pact_tells_how_to_invite(pact):
    emu = pact.emulator
    lead = emu.add_user(name="lena")
    channel = emu.add_channel(name="quiet", members=[lead])
    team(pact, lead=lead, members=[], channel=channel)
    emu.set_channel(channel, bot_is_member=False)
    goal_id = create_goal(pact, lead, channel)
    dm = emu.dms(lead)[-1]
    assert "/invite @Pact" in dm["text"] and "goal_repost" in str(dm["blocks"])
    # One note for the lead, though both the outbox and the goal form had reason to tell them.
    assert len([m for m in emu.dms(lead) if "/invite @Pact" in m["text"]]) == 1
    emu.set_channel(channel, bot_is_member=True)
    pact.slack.block_action(user=lead, action_id="goal_repost", value=str(goal_id),
                            channel=emu.dm_channel(lead), message_ts=dm["ts"])
    pact.wait_idle()
    posts = [m for m in emu.messages(channel) if "Shared goal" in m["text"]]
    assert len(posts) == 1
    with session_scope(pact.engine) as s:
        assert s.get(Goal, goal_id).channel_ts == posts[0]["ts"]
    pact.slack.block_action(user=lead, action_id="goal_repost", value=str(goal_id),
                            channel=emu.dm_channel(lead), message_ts=dm["ts"])
    pact.wait_idle()
    assert len([m for m in emu.messages(channel) if "Shared goal" in m["text"]]) == 1
