"""The weekly digest: a lead's setting (off by default), one post a week with wins, goals,
the next lab and what is coming up; edited in place when the week is rendered again; nothing
when there is nothing to say."""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import select

from handlers.impact import digest, digest_chart
from handlers.impact import digest_blocks as ui
from storage.engine import session_scope
from storage.models import Goal, Kudos, Milestone, Objective, OutboxMessage, Pdp, Schedule
from storage.queries.impact_digest import WeekFacts
from tests.test_impact_pulse import run_at
from tests.test_tick import WS, make_team


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
        for title, visibility in (("Shared kata", "team"), ("Secret plan", "private"),
                                  ("For my manager", "manager")):
            s.add(Objective(pdp_id=pdp.id, title=title, visibility=visibility, status="done",
                            done_at=at - timedelta(hours=3)))
        lead, first = team.member_ids[team.lead], team.member_ids[team.members[0]]
        for giver, receiver, private in ((lead, first, False), (first, lead, False),
                                         (lead, first, False), (first, lead, True)):
            s.add(Kudos(workspace_id=WS, giver_id=giver, receiver_id=receiver,
                        reason="quiet thanks", private=private, created_at=at - timedelta(1)))
    run_at(pact, at)
    posts = [m for m in pact.emulator.messages(team.channel) if "This week in" in m["text"]]
    assert len(posts) == 1
    body = str(posts[0]["blocks"])
    assert "First certification" in body and "Shared kata" in body and "Second round" in body
    assert "Secret plan" not in body and "For my manager" not in body
    # kudos given in the open by the team this week; the private one is not counted
    assert "3 kudos given, 2 people thanked" in body and "quiet thanks" not in body
    assert "▰" in body  # each active goal's progress as a small bar
    # ...and as a chart (PNG) in the post's thread, with alt text naming the goal
    files = pact.emulator.uploaded_files()
    assert len(files) == 1 and files[0]["channel_id"] == team.channel
    assert files[0]["thread_ts"] == posts[0]["ts"]
    assert files[0]["content"][:8] == b"\x89PNG\r\n\x1a\n"
    assert "Goal 0 <b> 30% (3 of 10 people)" in files[0]["alt_txt"]
    assert "chart: in the thread" in body
    with session_scope(pact.engine) as s:
        s.execute(update(Schedule).where(Schedule.kind == "digest").values(next_run_at=at))
    run_at(pact, at + timedelta(minutes=1))
    posts = [m for m in pact.emulator.messages(team.channel) if "This week in" in m["text"]]
    assert len(posts) == 1 and pact.emulator.calls_to("chat.update")
    files = pact.emulator.uploaded_files()
    assert len(files) == 2 and files[1]["title"].endswith("(updated)")
    assert files[1]["thread_ts"] == posts[0]["ts"]
    assert not pact.emulator.violations


def test_nothing_to_say_means_no_post(pact):
    team = make_team(pact.engine, pact.emulator)
    pact.slack.command("digest on", user=team.lead, channel=team.channel)
    run_at(pact, _digest_schedule(pact.engine, team.id).next_run_at)
    assert not [m for m in pact.emulator.messages(team.channel) if "This week" in m["text"]]


def test_a_goal_achieved_this_week_is_celebrated_in_the_digest(pact):
    team = make_team(pact.engine, pact.emulator)
    pact.slack.command("digest on", user=team.lead, channel=team.channel)
    at = _digest_schedule(pact.engine, team.id).next_run_at
    with session_scope(pact.engine) as s:
        s.execute(update(Goal).where(Goal.id == team.goal_ids[0])
                  .values(status="achieved", achieved_at=at - timedelta(days=2)))
    run_at(pact, at)
    posts = [m for m in pact.emulator.messages(team.channel) if "This week in" in m["text"]]
    assert len(posts) == 1
    assert "*Celebrations*" in str(posts[0]["blocks"])
    assert "Goal achieved and celebrated: Goal 0 &lt;b&gt;" in str(posts[0]["blocks"])


NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)


def test_the_channel_sees_only_what_the_visibility_policy_gives_a_teammate():
    facts = WeekFacts(objectives_done=[("U0ALICE01", "Shared kata", "team"),
                                       ("U0ALICE01", "Review prep", "manager"),
                                       ("U0ALICE01", "Secret", "private"),
                                       ("U0ALICE01", "Odd", "someday")])
    seen = digest.seen_by_channel(facts)
    assert seen.objectives_done == [("U0ALICE01", "Shared kata")]


def test_the_builder_says_nothing_without_news_and_counts_kudos_alone():
    assert ui.digest_message("Growth", "Europe/Berlin", ui.DigestFacts()) is None
    goals_only = ui.DigestFacts(goals=[ui.GoalProgress("Certify", 0, 10, 5, "people")])
    assert ui.digest_message("Growth", "Europe/Berlin", goals_only) is None
    text, blocks = ui.digest_message("Growth", "Europe/Berlin",
                                     ui.DigestFacts(kudos=1, thanked=1))
    assert "1 kudos" in text and "1 kudos given, 1 person thanked" in str(blocks)
    facts = ui.DigestFacts(upcoming=[("Certify", "Exam", date(2026, 12, 10))],
                           goals=[ui.GoalProgress("Certify", 0, 10, 5, "people")],
                           next_lab=(NOW, None))
    text, blocks = ui.digest_message("Growth", "Europe/Berlin", facts)
    assert "5/10 people" in str(blocks) and "presenter to be decided" in str(blocks)


def _png_height(data: bytes) -> int:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])[1]


def test_the_goals_chart_has_one_bar_per_goal_and_draws_titles_as_typed():
    assert digest_chart.goals_chart([]) is None
    one = [ui.GoalProgress("Save $5 and $10", 0, 10, 5, "")]
    three = one + [ui.GoalProgress("Certify", 0, 4, 4, "people"),
                   ui.GoalProgress("Ship", 10, 0, 5, "bugs")]  # counting down
    png_one, alt_one = digest_chart.goals_chart(one)
    png_three, alt = digest_chart.goals_chart(three)
    assert _png_height(png_three) > _png_height(png_one)  # a bar more per goal
    assert alt.count("%") == 3 and "Save $5 and $10 50% (5 of 10)" in alt
    assert "Certify 100% (4 of 4 people)" in alt and "Ship 50% (5 of 0 bugs)" in alt


def test_a_failed_chart_upload_never_posts_the_digest_twice(pact):
    team = make_team(pact.engine, pact.emulator)
    pact.slack.command("digest on", user=team.lead, channel=team.channel)
    at = _digest_schedule(pact.engine, team.id).next_run_at
    with session_scope(pact.engine) as s:
        s.add(Milestone(goal_id=team.goal_ids[0], title="Exam",
                        due_date=(at + timedelta(days=3)).date()))
    pact.emulator.fail_next("files.getUploadURLExternal", error="internal_error")
    run_at(pact, at)
    run_at(pact, at + timedelta(minutes=5))
    posts = [m for m in pact.emulator.messages(team.channel) if "This week in" in m["text"]]
    assert len(posts) == 1 and not pact.emulator.uploaded_files()
    with session_scope(pact.engine) as s:
        sent = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "digest")).all()
    assert [m.status for m in sent] == ["sent"]
