"""A pact with an end date and no check-ins ends on that date, both sides told; a pledge to a
team goal keeps the check-in rhythm like any pact."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.playground.emulator import check_message_blocks
from handlers.kit import ids
from scheduling.tick import tick
from storage.engine import session_scope
from storage.models import Member, Schedule
from storage.types import utcnow
from tests.test_pacts import buttons, click, offer, pacts
from tests.test_pdp import add_objective, create_plan, text_of
from tests.test_pdp_world import make_world


@pytest.fixture
def world(pact):
    world = make_world(pact.engine, pact.emulator)
    with session_scope(pact.engine) as s:  # the supporter works from New York
        teammate = s.get(Member, world.members["teammate"])
        teammate.tz = "America/New_York"
        s.add(teammate)
    return world


def run_schedules(pact, until):
    """Tick at every pact schedule's next run up to `until`; returns the times ticked."""
    ticked = []
    for _ in range(60):
        with session_scope(pact.engine) as s:
            due = min((r.next_run_at for r in s.exec(select(Schedule).where(
                Schedule.kind == "pact_checkins", Schedule.status == "active"))), default=None)
        if due is None or due > until:
            break
        tick(due, pact.services, pact.client)
        ticked.append(due)
    return ticked


def told_end(pact, user) -> list[dict]:
    return [m for m in pact.emulator.dms(user) if "reached its end date" in m["text"]]


def test_an_end_date_without_check_ins_ends_the_pact_on_the_day(pact, world):
    start = utcnow()
    end_on = (start + timedelta(days=4)).date()
    while end_on.weekday() >= 5:  # a working day, so both sides' 10:00 falls on it
        end_on += timedelta(days=1)
    create_plan(pact, world)
    oid = add_objective(pact, world, visibility="team", title="Write the <guide>")
    assert not offer(pact, world.teammate, f"o:{oid}", cadence="none",
                     until=end_on.isoformat()).body
    [made] = pacts(pact.engine)
    assert (made.cadence, made.until) == ("none", end_on)
    click(pact, world.owner, ids.PACT_ACCEPT, made.id)
    assert pacts(pact.engine)[0].status == "active"
    run_schedules(pact, start + timedelta(days=12))
    [ended] = pacts(pact.engine)
    assert (ended.status, ended.ended_reason) == ("ended", "until")
    assert ended.ended_at.astimezone(ZoneInfo("America/New_York")).date() <= end_on
    assert ended.ended_at.astimezone(ZoneInfo("Europe/Berlin")).date() == end_on
    for user, other in ((world.owner, world.teammate), (world.teammate, world.owner)):
        [dm] = told_end(pact, user)
        assert other in dm["text"] and "&lt;guide&gt;" in dm["text"]
        assert check_message_blocks(dm["blocks"]) == []
        assert not [m for m in pact.emulator.dms(user) if "How is your pact" in m["text"]]
    assert "No pacts yet" in text_of(pact.slack.command("pacts", user=world.teammate).json())
    assert pact.emulator.violations == []


def test_a_pledge_to_the_team_goal_gets_check_ins(pact, world):
    start = utcnow()
    answer = offer(pact, world.owner, f"g:{world.goal_id}", kind="resources",
                   text="Links to the exam guide", cadence="weekly")
    assert not answer.body
    [pledge] = pacts(pact.engine)
    assert (pledge.origin, pledge.status) == ("pledge", "active")
    assert pledge.supporter_checkin_on is not None
    run_schedules(pact, start + timedelta(days=9))
    [dm] = [m for m in pact.emulator.dms(world.owner) if "How is your pact" in m["text"]]
    assert "Scrum certified team" in text_of(dm["blocks"])
    assert set(buttons(dm)) == {ids.PACT_CHECKIN_MET, ids.PACT_CHECKIN_NOT_YET, ids.PACT_END,
                                ids.REMINDERS_SNOOZE, ids.REMINDERS_STOP}
    click(pact, world.owner, ids.PACT_CHECKIN_MET, pledge.id)
    from storage.models import PactCheckin
    with session_scope(pact.engine) as s:
        assert [c.answer for c in s.exec(select(PactCheckin))] == ["met"]
    assert pact.emulator.violations == []


def test_no_check_in_while_away_then_on_the_first_working_day_back(pact, world):
    from storage.queries import absences as aq
    oid = add_objective_and_pact(pact, world)
    start = utcnow()
    back = (start + timedelta(days=12)).date()
    with session_scope(pact.engine) as s:  # the owner is away for twelve days
        aq.set_away(s, s.get(Member, world.members["owner"]), back, "", start)
    run_schedules(pact, start + timedelta(days=16))
    berlin = ZoneInfo("Europe/Berlin")
    from storage.models import OutboxMessage
    with session_scope(pact.engine) as s:
        sent = [m.next_attempt_at.astimezone(berlin) for m in s.exec(select(OutboxMessage).where(
            OutboxMessage.kind == "pact_checkin", OutboxMessage.channel == world.owner))]
    assert sent and all(at.date() > back for at in sent), (sent, back)
    assert all(at.hour == 10 and at.weekday() < 5 for at in sent)
    # the supporter, not away, had theirs on time
    assert [m for m in pact.emulator.dms(world.teammate) if "How is your pact" in m["text"]]
    assert oid


def add_objective_and_pact(pact, world) -> int:
    create_plan(pact, world)
    oid = add_objective(pact, world, visibility="team", title="Write the guide")
    offer(pact, world.teammate, f"o:{oid}", cadence="weekly")
    click(pact, world.owner, ids.PACT_ACCEPT, pacts(pact.engine)[0].id)
    return oid


def test_a_check_in_and_a_reminder_never_come_the_same_day(pact, world):
    from storage.models import OutboxMessage
    from storage.queries import outbox
    from storage.queries.rhythm import nudged_today
    add_objective_and_pact(pact, world)
    now = utcnow()
    with session_scope(pact.engine) as s:
        owner = s.get(Member, world.members["owner"])
        assert not nudged_today(s, owner, now)
        outbox.enqueue(s, workspace_id="T0PACT", key="pactcheckin:test", channel=world.owner,
                       text="How is your pact going?", kind="pact_checkin", not_before=now)
        assert nudged_today(s, owner, now)  # the reminder waits for the next working day
        assert s.exec(select(OutboxMessage).where(OutboxMessage.kind == "pact_checkin")).first()
