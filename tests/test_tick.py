"""`tick(now)` called directly with chosen times: check-ins, milestone reminders, catch-up after
downtime, reconciliation, retries of failing jobs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import update
from sqlmodel import select

from bot.app import make_services
from bot.config import load_settings
from bot.slack_client import make_web_client
from scheduling.sync import reconcile_due
from scheduling.tick import tick as tick_alone
from storage.engine import session_scope
from storage.models import (
    Goal,
    Milestone,
    OutboxMessage,
    ProgressUpdate,
    Schedule,
    Team,
    TeamMembership,
)
from storage.queries.members import ensure_workspace, get_or_create_member

WS = "T0PACT"


def services_for(engine, emulator, **env):
    settings = load_settings({"SLACK_BOT_TOKEN": emulator.bot_token,
                              "SLACK_API_URL": emulator.url, **env})
    return make_services(settings, engine)


def client_for(emulator, retries: int = 2):
    settings = load_settings({"SLACK_BOT_TOKEN": emulator.bot_token,
                              "SLACK_API_URL": emulator.url})
    return make_web_client(settings, retries=retries, timeout=5)


def make_team(engine, emulator, *, tz="Europe/Berlin", weekday="mon", at="10:00",
              members=2, goals=1, milestones=(), channel=None, name="Growth",
              bot_is_member=True):
    """A team in a real channel: a lead, `members` members, `goals` active goals."""
    lead = emulator.add_user(name="lead", tz=tz)
    people = [emulator.add_user(name=f"member{i}", tz=tz) for i in range(members)]
    channel = channel or emulator.add_channel(name=name.lower(), bot_is_member=bot_is_member,
                                              members=[lead, *people])
    with session_scope(engine) as s:
        ensure_workspace(s, WS)
        team = Team(workspace_id=WS, channel_id=channel, name=name, tz=tz,
                    checkin_weekday=weekday, checkin_time=at, created_by=lead)
        s.add(team)
        s.flush()
        ids = {}
        for uid, role in [(lead, "lead"), *[(p, "member") for p in people]]:
            member = get_or_create_member(s, WS, uid)
            member.tz = tz
            member.display_name = uid
            s.add(member)
            s.flush()
            ids[uid] = member.id
            s.add(TeamMembership(team_id=team.id, member_id=member.id, role=role))
        goal_ids = []
        for g in range(goals):
            goal = Goal(team_id=team.id, owner_id=ids[lead], title=f"Goal {g} <b>",
                        metric="certified people", baseline=0, target=10, current_value=3,
                        unit="people", due_date=date(2027, 6, 30))
            s.add(goal)
            s.flush()
            goal_ids.append(goal.id)
            for i, due in enumerate(milestones):
                s.add(Milestone(goal_id=goal.id, position=i, title=f"Step {i}", due_date=due))
        team_id = team.id
    return SimpleNamespace(id=team_id, channel=channel, lead=lead, members=people,
                           member_ids=ids, goal_ids=goal_ids)


def tick(now: datetime, services, client):
    """What a worker does at `now`: its reconciliation pass when one is due (a job of its own
    beside the tick, every few minutes), then the tick. The rows these tests make without the
    save hooks come in step this way."""
    reconcile_due(services.engine, services.kinds, now)
    return tick_alone(now, services, client)


def schedule(engine, kind, subject_id) -> Schedule:
    with session_scope(engine) as s:
        return s.exec(select(Schedule).where(Schedule.kind == kind,
                                             Schedule.subject_id == subject_id)).one()


def outbox(engine, kind=None) -> list[OutboxMessage]:
    with session_scope(engine) as s:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(s.exec(query))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# 2026-11-23 is a Monday.
MONDAY_10_BERLIN = at("2026-11-23T10:00:00+01:00")


def test_checkin_is_one_post_with_every_active_goal_at_the_teams_local_time(engine,
                                                                          emulator):
    team = make_team(engine, emulator, goals=2, milestones=[date(2026, 12, 4)])
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(MONDAY_10_BERLIN - timedelta(days=3), services, client)  # creates the schedule
    assert schedule(engine, "checkin", team.id).next_run_at == MONDAY_10_BERLIN
    tick(MONDAY_10_BERLIN - timedelta(seconds=1), services, client)
    assert emulator.messages(team.channel) == []
    tick(MONDAY_10_BERLIN, services, client)
    tick(MONDAY_10_BERLIN + timedelta(seconds=30), services, client)
    posts = emulator.messages(team.channel)
    assert len(posts) == 1
    first = posts[0]
    assert first["text"] == "Check-in for Growth: Goal 0 &lt;b&gt; 30%, Goal 1 &lt;b&gt; 30%"
    body = str(first["blocks"])
    assert "Goal 0 &lt;b&gt;" in body and "Goal 1 &lt;b&gt;" in body and "▰▰▰" in body
    assert "<!date^" in body
    per_goal = [[(e["action_id"], e["value"]) for e in b["elements"]]
                for b in first["blocks"] if b["type"] == "actions"]
    assert [[a for a, _ in row] for row in per_goal] == [
        ["goal_log_progress", "milestone_mark_done", "checkin_stuck"]] * 2
    assert [row[0][1] for row in per_goal] == [str(g) for g in team.goal_ids]
    assert schedule(engine, "checkin", team.id).next_run_at == MONDAY_10_BERLIN + \
        timedelta(days=7)
    assert emulator.violations == []


def test_checkin_names_who_logged_progress_and_flags_overdue_milestones(engine, emulator):
    team = make_team(engine, emulator, milestones=[date(2026, 11, 20), date(2026, 12, 20)])
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(MONDAY_10_BERLIN - timedelta(days=1), services, client)
    with session_scope(engine) as s:
        s.add(ProgressUpdate(goal_id=team.goal_ids[0], member_id=team.member_ids[team.members[0]],
                             value=3, created_at=MONDAY_10_BERLIN - timedelta(days=2)))
    tick(MONDAY_10_BERLIN, services, client)
    (post,) = emulator.messages(team.channel)
    body = str(post["blocks"])
    assert f"<@{team.members[0]}>" in body and "Overdue" in body and "Step 0" in body
    assert "overdue" in post["text"]
    # Mark milestone done points at the overdue one.
    (actions,) = [b for b in post["blocks"] if b["type"] == "actions"]
    with session_scope(engine) as s:
        overdue = s.exec(select(Milestone).where(Milestone.title == "Step 0")).one()
    assert actions["elements"][1]["value"] == str(overdue.id)


def test_a_team_without_active_goals_gets_no_post(engine, emulator):
    team = make_team(engine, emulator, goals=0)
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(MONDAY_10_BERLIN - timedelta(days=1), services, client)
    tick(MONDAY_10_BERLIN, services, client)
    assert emulator.messages(team.channel) == []
    assert schedule(engine, "checkin", team.id).last_run_at == MONDAY_10_BERLIN


def test_after_downtime_the_latest_missed_checkin_runs_once_late_within_grace(engine, emulator):
    team = make_team(engine, emulator, weekday="mon", at="10:00")
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(MONDAY_10_BERLIN - timedelta(days=15), services, client)  # made two weeks before
    # Pact was down for two weeks and comes back 3 hours after this Monday's check-in time.
    tick(MONDAY_10_BERLIN + timedelta(hours=3), services, client)
    tick(MONDAY_10_BERLIN + timedelta(hours=3, minutes=1), services, client)
    assert len(emulator.messages(team.channel)) == 1  # one catch-up, not three
    row = schedule(engine, "checkin", team.id)
    assert row.last_run_at == MONDAY_10_BERLIN and row.skipped_runs == 2
    assert "skipped 2" in row.last_error
    assert row.next_run_at == MONDAY_10_BERLIN + timedelta(days=7)


def test_an_occurrence_older_than_the_grace_period_is_skipped_and_recorded(engine, emulator):
    team = make_team(engine, emulator)
    services = services_for(engine, emulator, PACT_CATCHUP_GRACE_HOURS="2")
    client = client_for(emulator)
    tick(MONDAY_10_BERLIN - timedelta(days=1), services, client)
    tick(MONDAY_10_BERLIN + timedelta(hours=3), services, client)
    assert emulator.messages(team.channel) == []
    row = schedule(engine, "checkin", team.id)
    assert row.skipped_runs == 1 and row.last_skipped_at == MONDAY_10_BERLIN
    assert row.next_run_at == MONDAY_10_BERLIN + timedelta(days=7)


def test_reconciliation_follows_team_changes_made_without_a_hook(engine, emulator):
    team = make_team(engine, emulator, tz="Europe/Berlin", weekday="mon", at="10:00")
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(MONDAY_10_BERLIN - timedelta(days=3), services, client)
    with session_scope(engine) as s:  # another code path changes the team directly
        stored = s.get(Team, team.id)
        stored.tz, stored.checkin_weekday, stored.checkin_time = "America/New_York", "tue", \
            "09:30"
        s.add(stored)
    tick(MONDAY_10_BERLIN - timedelta(days=2), services, client)  # 5 minutes have passed
    row = schedule(engine, "checkin", team.id)
    assert row.tz == "America/New_York" and row.rule == "weekly tue 09:30"
    assert row.next_run_at == at("2026-11-24T09:30:00-05:00")


def test_milestone_reminders_two_days_before_and_on_the_day(engine, emulator):
    """On the check-in day the check-in lists the milestone (no second post in the same
    minute); other days the reminder is a reply in the thread, not a new post."""
    wednesday = date(2026, 11, 25)
    team = make_team(engine, emulator, goals=1, milestones=[wednesday, date(2026, 11, 27)],
                     weekday="sat")
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(MONDAY_10_BERLIN - timedelta(days=3), services, client)  # creates the schedules
    tick(MONDAY_10_BERLIN - timedelta(days=2), services, client)
    (checkin,) = emulator.messages(team.channel)  # Saturday's check-in
    tick(MONDAY_10_BERLIN, services, client)
    reminders = [m for m in emulator.messages(team.channel) if "Milestone" in m["text"]]
    assert [m["text"] for m in reminders] == ["Milestone “Step 0” is due in 2 days"]
    assert reminders[0]["thread_ts"] == checkin["ts"]
    assert "<!date^" in str(reminders[0]["blocks"])
    with session_scope(engine) as s:  # Step 1 is done before its reminders are due
        s.exec(select(Milestone).where(Milestone.title == "Step 1")).one().done_at = \
            MONDAY_10_BERLIN
    tick(MONDAY_10_BERLIN + timedelta(days=2), services, client)
    tick(MONDAY_10_BERLIN + timedelta(days=2, minutes=1), services, client)
    reminders = [m["text"] for m in emulator.messages(team.channel) if "Milestone" in m["text"]]
    assert reminders == ["Milestone “Step 0” is due in 2 days",
                         "Milestone “Step 0” is due today"]
    tick(MONDAY_10_BERLIN + timedelta(days=4), services, client)
    assert len([m for m in emulator.messages(team.channel) if "Milestone" in m["text"]]) == 2
    assert emulator.violations == []


def test_the_scheduler_is_two_coalesced_utc_interval_jobs(engine, emulator):
    from apscheduler.triggers.interval import IntervalTrigger

    from scheduling.runner import make_scheduler

    services = services_for(engine, emulator, PACT_TICK_SECONDS="15")
    scheduler = make_scheduler(services, client_for(emulator))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"tick", "reconcile"}  # the tick never waits for a reconciliation
    assert jobs["tick"].trigger.interval == timedelta(seconds=15)
    assert jobs["reconcile"].trigger.interval == timedelta(minutes=5)
    for job in jobs.values():
        assert isinstance(job.trigger, IntervalTrigger)
        assert str(job.trigger.timezone) == "UTC" and str(scheduler.timezone) == "UTC"
        assert job.coalesce is True and job.max_instances == 1
        assert job.misfire_grace_time is None  # a late run still runs; the rows decide


def test_a_checkin_left_unsent_goes_out_late_within_grace_and_is_skipped_after(engine,
                                                                               emulator):
    team = make_team(engine, emulator)
    other = make_team(engine, emulator, name="Other")
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(MONDAY_10_BERLIN - timedelta(days=3), services, client)
    # Decided at 10:00, but Slack fails and then Pact is down (the same as a crash after the
    # decision was committed): both check-ins wait in the outbox.
    emulator.fail_next("chat.postMessage", status=500, times=2)
    tick(MONDAY_10_BERLIN, services, client)
    assert emulator.messages(team.channel) == emulator.messages(other.channel) == []
    assert {m.status for m in outbox(engine, "checkin")} == {"pending"}
    with session_scope(engine) as s:  # one goes out 2 hours late; the other waits longer
        first, second = s.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()[:2]
        s.execute(update(OutboxMessage).where(OutboxMessage.id == second.id)
                  .values(next_attempt_at=MONDAY_10_BERLIN + timedelta(days=2)))
    tick(MONDAY_10_BERLIN + timedelta(hours=2), services, client)
    assert len(emulator.messages(team.channel)) == 1  # late, within the grace period: sent
    # Back two days later: that week's check-in is no longer sent; the row says why.
    tick(MONDAY_10_BERLIN + timedelta(days=2), services, client)
    assert len(emulator.messages(team.channel)) == 1
    assert emulator.messages(other.channel) == []
    rows = outbox(engine, "checkin")
    assert [r.status for r in rows] == ["sent", "skipped"]
    assert rows[1].last_error.startswith("missed")
    assert emulator.violations == []
