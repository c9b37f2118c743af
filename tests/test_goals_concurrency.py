"""Two or more people logging progress at the same moment never lose an update.

Runs on SQLite by default and on PostgreSQL with PACT_TEST_DATABASE=postgresql.
"""

from __future__ import annotations

import threading

from sqlmodel import select

from bot.playground.slack_requests import number_value, select_value, text_value
from storage.engine import session_scope
from storage.models import Goal, ProgressUpdate
from tests.test_goals_steps import celebrations, create_goal, team
from tests.test_teams import latest_view


def _progress_views(pact, people, goal_id, channel):
    views = []
    for person in people:
        pact.slack.block_action(user=person, action_id="goal_log_progress", value=str(goal_id),
                                channel=channel, message_ts="1.2")
        views.append(latest_view(pact, "goal_progress"))
    return views


def _submit_all_at_once(pact, people, views, values_for):
    start = threading.Barrier(len(people))
    answers = [None] * len(people)

    def submit(i):
        start.wait()
        answers[i] = pact.slack.view_submission(user=people[i], view=views[i],
                                                values=values_for(i))

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(people))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pact.wait_idle()
    return answers


def test_concurrent_additions_are_all_counted(pact):
    emu = pact.emulator
    people = [emu.add_user(name=f"p{i}") for i in range(8)]
    lead, _, channel = team(pact, members=people)
    goal_id = create_goal(pact, lead, channel, baseline="0", target="100")
    views = _progress_views(pact, people, goal_id, channel)
    answers = _submit_all_at_once(pact, people, views, lambda i: {
        "value": {"value": number_value(str(i + 1))},
        "mode": {"mode": select_value("add") | {"type": "radio_buttons"}},
        "note": {"note": text_value(f"step {i}")}})
    assert all(a.status == 200 and a.body == "" for a in answers), [a.body for a in answers]
    with session_scope(pact.engine) as s:
        updates = s.exec(select(ProgressUpdate).where(ProgressUpdate.goal_id == goal_id)).all()
        assert sorted(u.note for u in updates) == sorted(f"step {i}" for i in range(8))
        assert s.get(Goal, goal_id).current_value == sum(range(1, 9))
        # Each update records the total it produced: eight different totals, none lost.
        assert len({u.value for u in updates}) == 8 and max(u.value for u in updates) == 36
    # Every note reached the thread, and the post ends showing the final total.
    post = [m for m in emu.messages(channel) if "Shared goal" in m.get("text", "")][-1]
    thread = [m for m in emu.messages(channel) if m.get("thread_ts") == post["ts"]]
    assert len(thread) == 8
    assert "*36* of 100" in str(post["blocks"])
    assert emu.violations == []


def test_concurrent_updates_reaching_the_target_celebrate_once(pact):
    emu = pact.emulator
    people = [emu.add_user(name=f"q{i}") for i in range(6)]
    lead, _, channel = team(pact, members=people)
    goal_id = create_goal(pact, lead, channel, baseline="0", target="3")
    views = _progress_views(pact, people, goal_id, channel)
    answers = _submit_all_at_once(pact, people, views, lambda i: {
        "value": {"value": number_value("1")},
        "mode": {"mode": select_value("add") | {"type": "radio_buttons"}},
        "note": {"note": text_value(None)}})
    accepted = [a for a in answers if a.body == ""]
    refused = [a for a in answers if a.body]
    # Three reach the target; the ones arriving after it was achieved are told so in the form.
    assert len(accepted) == 3 and len(refused) == 3
    assert all("achieved" in a.json()["errors"]["value"] for a in refused)
    with session_scope(pact.engine) as s:
        goal = s.get(Goal, goal_id)
        assert goal.status == "achieved" and goal.current_value == 3
    assert len(celebrations(pact, channel)) == 1
