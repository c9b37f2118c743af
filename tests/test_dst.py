"""Daylight-saving days through the real tick: nothing skipped, nothing doubled.

Berlin springs forward on 2026-03-29 (02:00 -> 03:00) and falls back on 2026-10-25
(03:00 -> 02:00); New York on 2026-03-08 and 2026-11-01 (both at 02:00). All are Sundays, so a
Sunday 02:30 check-in falls in the gap or the fold.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.test_tick import client_for, make_team, schedule, services_for, tick


def _tick_through(services, client, start, hours, step_minutes=10):
    moment = start
    while moment <= start + timedelta(hours=hours):
        tick(moment, services, client)
        moment += timedelta(minutes=step_minutes)


@pytest.mark.parametrize("tz,day,at,expected_local", [
    # spring forward: 02:30 does not exist that night, it runs at 03:30 local (01:30 UTC)
    ("Europe/Berlin", "2026-03-29", "02:30", "03:30"),
    ("America/New_York", "2026-03-08", "02:30", "03:30"),
    # fall back: 02:30 happens twice, it runs once, at the first
    ("Europe/Berlin", "2026-10-25", "02:30", "02:30"),
    ("America/New_York", "2026-11-01", "01:30", "01:30"),
    # an ordinary time on those days is untouched
    ("Europe/Berlin", "2026-03-29", "10:00", "10:00"),
    ("America/New_York", "2026-11-01", "10:00", "10:00"),
])
def test_sunday_checkin_on_dst_days_runs_exactly_once(engine, emulator, tz, day, at,
                                                      expected_local):
    team = make_team(engine, emulator, tz=tz, weekday="sun", at=at)
    services, client = services_for(engine, emulator), client_for(emulator)
    zone = ZoneInfo(tz)
    midnight = datetime.fromisoformat(day).replace(tzinfo=zone).astimezone(UTC)
    tick(midnight - timedelta(days=1), services, client)  # the schedule is created
    _tick_through(services, client, midnight - timedelta(hours=1), 27)
    posts = emulator.messages(team.channel)
    assert len(posts) == 1, [p["ts"] for p in posts]
    sent_at = schedule(engine, "checkin", team.id).last_run_at.astimezone(zone)
    assert sent_at.date().isoformat() == day
    assert sent_at.strftime("%H:%M") == expected_local
    # and the next one is a week later at the usual wall time
    nxt = schedule(engine, "checkin", team.id).next_run_at.astimezone(zone)
    assert (nxt.date() - sent_at.date()).days == 7 and nxt.strftime("%H:%M") == at


def test_weekly_checkin_keeps_local_time_across_both_changes(engine, emulator, monkeypatch):
    """Every Monday 09:00 New York, from February to December: always 09:00 local, one a
    week, though the UTC hour moves twice."""
    # The posts are a simulated week apart; Slack's one-per-second pacing (real seconds, tested
    # in test_tick_faults) would only make this test wait.
    monkeypatch.setattr("scheduling.outbox.CHANNEL_INTERVAL", 0.0)
    team = make_team(engine, emulator, tz="America/New_York", weekday="mon", at="09:00")
    services, client = services_for(engine, emulator), client_for(emulator)
    moment = datetime(2026, 2, 1, tzinfo=UTC)
    tick(moment, services, client)
    seen = []
    while True:
        due = schedule(engine, "checkin", team.id).next_run_at
        if due >= datetime(2026, 12, 1, tzinfo=UTC):
            break
        posted = len(emulator.messages(team.channel))
        tick(due - timedelta(hours=1), services, client)  # an hour early: nothing yet
        assert len(emulator.messages(team.channel)) == posted
        tick(due + timedelta(minutes=1), services, client)
        seen.append(schedule(engine, "checkin", team.id).last_run_at)
    local = [s.astimezone(ZoneInfo("America/New_York")) for s in seen]
    assert all(t.strftime("%a %H:%M") == "Mon 09:00" for t in local)
    assert {(b - a).days for a, b in zip(local, local[1:], strict=False)} == {7}
    assert {s.hour for s in seen} == {13, 14}  # EDT and EST
    mondays = sum(1 for d in range(303) if (datetime(2026, 2, 1) + timedelta(days=d)).weekday()
                  == 0)
    assert len(emulator.messages(team.channel)) == len(seen) == mondays
