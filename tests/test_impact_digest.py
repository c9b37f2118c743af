"""The weekly digest: a lead's setting (off by default), one post a week with wins, goals,
the next lab and what is coming up; edited in place when the week is rendered again; nothing
when there is nothing to say."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select

from storage.engine import session_scope
from storage.models import Milestone, Objective, Pdp, Schedule
from tests.test_impact_pulse import run_at
from tests.test_tick import make_team


def _digest_schedule(engine, team_id):
    with session_scope(engine) as s:
        return s.exec(select(Schedule).where(Schedule.kind == "digest",
                                             Schedule.subject_id == team_id)).first()


def test_only_leads_turn_the_digest_on_and_it_is_off_by_default(pact):
    team = make_team(pact.engine, pact.emulator)
    assert _digest_schedule(pact.engine, team.id) is None
    said = pact.slack.command("digest on", user=team.members[0], channel=team.channel).json()
    assert "Only the team's leads" in said["text"]
    said = pact.slack.command("digest on mon 09:30", user=team.lead, channel=team.channel)
    assert "every Monday at 09:30" in said.json()["text"]
    assert _digest_schedule(pact.engine, team.id).rule == "weekly mon 09:30"
    pact.slack.command("digest off", user=team.lead, channel=team.channel)
    assert _digest_schedule(pact.engine, team.id).status == "done"


def test_one_post_a_week_with_wins_edited_when_rendered_again(pact):
    team = make_team(pact.engine, pact.emulator, milestones=())
    pact.slack.command("digest on fri 16:00", user=team.lead, channel=team.channel)
    at = _digest_schedule(pact.engine, team.id).next_run_at
    with session_scope(pact.engine) as s:
        s.add(Milestone(goal_id=team.goal_ids[0], title="First certification",
                        due_date=(at - timedelta(days=2)).date(),
                        done_at=at - timedelta(days=1)))
        s.add(Milestone(goal_id=team.goal_ids[0], title="Second round",
                        due_date=(at + timedelta(days=5)).date()))
        pdp = Pdp(owner_id=team.member_ids[team.members[0]])
        s.add(pdp)
        s.flush()
        for title, visibility in (("Shared kata", "team"), ("Secret plan", "private")):
            s.add(Objective(pdp_id=pdp.id, title=title, visibility=visibility, status="done",
                            done_at=at - timedelta(hours=3)))
    run_at(pact, at)
    posts = [m for m in pact.emulator.messages(team.channel) if "This week in" in m["text"]]
    assert len(posts) == 1
    body = str(posts[0]["blocks"])
    assert "First certification" in body and "Shared kata" in body and "Second round" in body
    assert "Secret plan" not in body
    assert "▰" in body  # each active goal's progress as a small bar chart
    with session_scope(pact.engine) as s:
        s.execute(update(Schedule).where(Schedule.kind == "digest").values(next_run_at=at))
    run_at(pact, at + timedelta(minutes=1))
    posts = [m for m in pact.emulator.messages(team.channel) if "This week in" in m["text"]]
    assert len(posts) == 1 and pact.emulator.calls_to("chat.update")
    assert not pact.emulator.violations


def test_nothing_to_say_means_no_post(pact):
    team = make_team(pact.engine, pact.emulator)
    pact.slack.command("digest on", user=team.lead, channel=team.channel)
    run_at(pact, _digest_schedule(pact.engine, team.id).next_run_at)
    assert not [m for m in pact.emulator.messages(team.channel) if "This week" in m["text"]]
