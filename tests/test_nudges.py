"""Review nudges by DM through the real tick: 10:00 local on a working day, never outside
09:00-18:00, at most one per person per day, batched; "Snooze a week"."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.rules.nudges import items_for, may_nudge, next_nudge_at
from storage.engine import session_scope
from storage.models import Member, NudgeSnooze, Objective, OutboxMessage, Pdp
from storage.queries.members import ensure_workspace, get_or_create_member
from tests.test_tick import WS, client_for, services_for, tick

START = datetime(2026, 11, 19, 0, 0, tzinfo=UTC)  # Thursday
ZONES = ["Asia/Tokyo", "America/New_York", "Europe/Berlin", "Asia/Kolkata",
         "America/Los_Angeles"]


def _people(engine, emulator, zones=ZONES, review_in=timedelta(days=5)):
    manager = emulator.add_user(name="manager", tz="Europe/Berlin")
    out = {}
    with session_scope(engine) as s:
        ensure_workspace(s, WS)
        boss = get_or_create_member(s, WS, manager)
        boss.tz = "Europe/Berlin"
        s.add(boss)
        for i, tz in enumerate(zones):
            uid = emulator.add_user(name=f"p{i}", tz=tz)
            member = get_or_create_member(s, WS, uid)
            member.tz, member.display_name = tz, f"Person {i}"
            s.add(member)
            s.flush()
            pdp = Pdp(owner_id=member.id, manager_id=boss.id,
                      next_review_at=START + review_in)
            s.add(pdp)
            s.flush()
            s.add(Objective(pdp_id=pdp.id, title=f"Learn thing {i}", status="in_progress",
                            visibility="private", created_at=START - timedelta(days=60),
                            last_progress_at=START - timedelta(days=40)))
            out[uid] = (member.id, tz)
        out[manager] = (boss.id, "Europe/Berlin")
    return out


def _nudges(engine):
    with session_scope(engine) as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "nudge")))


def test_nudges_arrive_at_ten_local_on_working_days_once_a_day_batched(engine, emulator):
    people = _people(engine, emulator)
    services, client = services_for(engine, emulator), client_for(emulator)
    moment = START
    while moment < START + timedelta(days=6):  # Thursday to Tuesday
        tick(moment, services, client)
        moment += timedelta(minutes=15)
    rows = _nudges(engine)
    per_day = defaultdict(int)
    by_channel = {m.channel: m for m in rows}
    for row in rows:
        _mid, tz = people[row.channel]
        local = row.next_attempt_at.astimezone(ZoneInfo(tz))
        assert local.weekday() < 5 and local.strftime("%H:%M") == "10:00", (tz, local)
        per_day[(row.channel, local.date())] += 1
    assert max(per_day.values()) == 1
    assert set(by_channel) == set(people)
    # Everyone: one DM (review soon + stale objective, batched) on Thursday, then nothing on
    # the weekend, then one on Tuesday when the review became overdue.
    assert len(rows) == 2 * len(people)
    manager = list(people)[-1]
    manager_dm = emulator.dms(manager)
    assert len(manager_dm) == 2
    assert str(manager_dm[0]["blocks"]).count("development plan review is due") == len(ZONES)
    assert str(manager_dm[1]["blocks"]).count("development plan review was due") == len(ZONES)
    owner = list(people)[0]
    dm = emulator.dms(owner)[0]
    body = str(dm["blocks"])
    assert "Your development plan review is due" in body and "No update on" in body
    assert "Snooze a week" in body and "Update now" in body
    assert emulator.violations == []


@pytest.mark.parametrize("tz", ["Asia/Tokyo", "America/New_York", "Europe/Berlin"])
def test_after_downtime_a_late_nudge_waits_for_the_next_working_day_window(engine, emulator,
                                                                           tz):
    people = _people(engine, emulator, zones=[tz])
    owner = list(people)[0]
    services, client = services_for(engine, emulator), client_for(emulator)
    zone = ZoneInfo(tz)
    monday = datetime(2026, 11, 23, tzinfo=zone)
    tick(monday - timedelta(days=1), services, client)  # schedules made
    # Pact was down all of Monday's working hours: at 18:30 local nothing goes out...
    tick((monday + timedelta(hours=18, minutes=30)).astimezone(UTC), services, client)
    assert emulator.dms(owner) == []
    # ...and the nudge comes on Tuesday at 10:00 local.
    tick((monday + timedelta(days=1, hours=9, minutes=59)).astimezone(UTC), services, client)
    assert emulator.dms(owner) == []
    tick((monday + timedelta(days=1, hours=10)).astimezone(UTC), services, client)
    assert len(emulator.dms(owner)) == 1


def test_a_nudge_late_within_working_hours_goes_out_late_once(engine, emulator):
    people = _people(engine, emulator, zones=["Europe/Berlin"])
    owner = [u for u in people][0]
    services, client = services_for(engine, emulator), client_for(emulator)
    monday = datetime(2026, 11, 23, tzinfo=ZoneInfo("Europe/Berlin"))
    tick(monday - timedelta(days=1), services, client)
    tick((monday + timedelta(hours=14)).astimezone(UTC), services, client)
    tick((monday + timedelta(hours=15)).astimezone(UTC), services, client)
    assert len(emulator.dms(owner)) == 1


def test_snooze_a_week(pact):
    emulator, engine = pact.emulator, pact.engine
    people = _people(engine, emulator, zones=["Europe/Berlin"])
    owner = [u for u in people][0]
    services, client = services_for(engine, emulator), client_for(emulator)
    monday = datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)
    tick(monday - timedelta(days=1), services, client)
    tick(monday, services, client)
    (dm,) = emulator.dms(owner)
    snooze = [e for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]][0]
    pact.slack.block_action(user=owner, action_id=snooze["action_id"], value=snooze["value"],
                            channel=emulator.dm_channel(owner), message_ts=dm["ts"])
    pact.wait_idle()
    assert "Snoozed" in emulator.dms(owner)[0]["text"]  # updated in place
    with session_scope(engine) as s:
        subjects = {r.subject for r in s.exec(select(NudgeSnooze))}
        member = s.exec(select(Member).where(Member.slack_user_id == owner)).one()
        assert all(r.until > datetime.now(UTC) + timedelta(days=6)
                   for r in s.exec(select(NudgeSnooze)))
    assert any(x.startswith("pdp:") for x in subjects)
    assert any(x.startswith("objective:") for x in subjects)
    assert member.id


def test_deactivated_people_get_no_nudge(engine, emulator):
    people = _people(engine, emulator, zones=["Europe/Berlin"])
    owner = [u for u in people][0]
    with session_scope(engine) as s:
        m = s.exec(select(Member).where(Member.slack_user_id == owner)).one()
        m.is_deleted = True
        s.add(m)
    services, client = services_for(engine, emulator), client_for(emulator)
    monday = datetime(2026, 11, 23, 10, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)
    tick(monday - timedelta(days=1), services, client)
    tick(monday, services, client)
    assert emulator.dms(owner) == []


def test_timing_rules():
    monday_8 = datetime(2026, 11, 23, 8, tzinfo=ZoneInfo("Europe/Berlin"))
    assert not may_nudge(monday_8, "Europe/Berlin")
    assert may_nudge(monday_8 + timedelta(hours=1), "Europe/Berlin")
    assert not may_nudge(monday_8 + timedelta(hours=10), "Europe/Berlin")
    saturday = datetime(2026, 11, 28, 11, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert not may_nudge(saturday, "Asia/Tokyo")
    assert next_nudge_at(saturday.astimezone(UTC), "Asia/Tokyo") == \
        datetime(2026, 11, 30, 10, tzinfo=ZoneInfo("Asia/Tokyo")).astimezone(UTC)
    assert items_for(1, START, [], [], set(), set()) == []


def test_a_nudge_left_behind_never_arrives_at_night_nor_doubles_the_next_day(engine,
                                                                             emulator):
    people = _people(engine, emulator, zones=["Europe/Berlin"])
    owner = list(people)[0]
    services, client = services_for(engine, emulator), client_for(emulator)
    zone = ZoneInfo("Europe/Berlin")
    monday = datetime(2026, 11, 23, tzinfo=zone)
    tick(monday - timedelta(days=1), services, client)
    # Monday 10:00: the nudge is decided, but Slack fails (and then Pact is down all day).
    emulator.fail_next("chat.postMessage", status=500, times=2)  # the owner's and manager's
    tick((monday + timedelta(hours=10)).astimezone(UTC), services, client)
    assert emulator.dms(owner) == []
    (left,) = [m for m in _nudges(engine) if m.channel == owner]
    assert left.status == "pending"
    # Back at 20:30 local: the DM waits for the next working morning instead of arriving now.
    tick((monday + timedelta(hours=20, minutes=30)).astimezone(UTC), services, client)
    assert emulator.dms(owner) == []
    # Tuesday 10:00 (the review is overdue by now): one DM that day, not two.
    tuesday = monday + timedelta(days=1)
    tick((tuesday + timedelta(hours=10)).astimezone(UTC), services, client)
    tick((tuesday + timedelta(hours=10, minutes=1)).astimezone(UTC), services, client)
    dms = emulator.dms(owner)
    assert len(dms) == 1
    # What was new on Tuesday comes on Wednesday, in that day's one DM.
    tick((tuesday + timedelta(days=1, hours=10)).astimezone(UTC), services, client)
    dms = emulator.dms(owner)
    assert len(dms) == 2 and "was due" in str(dms[1]["blocks"])
    assert emulator.violations == []
