"""Nudge DMs while someone is away, through the real tick at chosen times: held (not dropped)
while away by their own word or by their Slack status, sent once on their first working day
back (never on a weekend), stale ones dropped and counted."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from storage.engine import session_scope
from storage.models import Member, OutboxMessage
from storage.queries import absences as aq
from tests.test_nudges import _people
from tests.test_tick import client_for, services_for, tick

BERLIN = ZoneInfo("Europe/Berlin")
THURSDAY = datetime(2026, 11, 19, tzinfo=BERLIN)


def _run(services, client, start: datetime, end: datetime, step=timedelta(minutes=30)):
    moment = start
    while moment < end:
        tick(moment.astimezone(UTC), services, client)
        moment += step


def _away(engine, uid: str, until: date) -> None:
    with session_scope(engine) as s:
        member = s.exec(select(Member).where(Member.slack_user_id == uid)).one()
        aq.set_away(s, member, until, "", THURSDAY)


def _dm_rows(engine, uid):
    with session_scope(engine) as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.kind == "nudge",
                                                       OutboxMessage.channel == uid)))


def test_no_nudge_while_away_then_one_on_the_first_working_day_back(engine, emulator):
    people = _people(engine, emulator, zones=["Europe/Berlin"])
    owner = list(people)[0]
    _away(engine, owner, date(2026, 11, 27))  # through Friday: back on Monday the 30th
    services, client = services_for(engine, emulator), client_for(emulator)
    _run(services, client, THURSDAY, THURSDAY + timedelta(days=11, hours=9, minutes=59))
    assert emulator.dms(owner) == []
    manager = list(people)[-1]
    assert len(emulator.dms(manager)) >= 1  # the manager, not away, heard on time
    _run(services, client, THURSDAY + timedelta(days=11, hours=10),
         THURSDAY + timedelta(days=11, hours=18))
    (dm,) = _dm_rows(engine, owner)
    sent = dm.next_attempt_at.astimezone(BERLIN)
    assert (sent.date(), sent.hour, sent.weekday()) == (date(2026, 11, 30), 10, 0)
    assert len(emulator.dms(owner)) == 1
    assert "was due" in str(emulator.dms(owner)[0]["blocks"])  # what still matters now
    assert emulator.violations == []


def test_a_status_with_an_expiration_holds_a_dm_until_the_next_working_day_after_it(
        engine, emulator):
    people = _people(engine, emulator, zones=["Europe/Berlin"])
    owner = list(people)[0]
    ends = datetime(2026, 11, 20, 20, tzinfo=BERLIN)  # Friday evening
    emulator.set_status(owner, ":palm_tree:", "Long weekend", int(ends.timestamp()))
    services, client = services_for(engine, emulator), client_for(emulator)
    _run(services, client, THURSDAY, THURSDAY + timedelta(days=4, hours=9, minutes=59))
    assert emulator.dms(owner) == []
    assert [c for c in emulator.calls_to("users.info") if c.args.get("user") == owner]
    (held,) = _dm_rows(engine, owner)
    assert held.status == "pending" and held.last_error == aq.HELD_WHILE_AWAY
    tick(datetime(2026, 11, 23, 10, tzinfo=BERLIN).astimezone(UTC), services, client)
    # Monday 10:00, not Saturday when the status ended: Thursday's DM is four days old, so it
    # is dropped (counted) and what still matters on Monday is sent, once.
    (dm,) = emulator.dms(owner)
    assert "review is due" in str(dm["blocks"]) and "No update on" in str(dm["blocks"])
    with session_scope(engine) as s:
        assert aq.dropped_count(s, channels=[owner]) == 1
    tick(datetime(2026, 11, 23, 10, 30, tzinfo=BERLIN).astimezone(UTC), services, client)
    assert len(emulator.dms(owner)) == 1


def test_a_status_without_expiration_that_clears_early_lets_the_dm_out_next_morning(
        engine, emulator):
    people = _people(engine, emulator, zones=["Europe/Berlin"])
    owner = list(people)[0]
    emulator.set_status(owner, "", "Out of office")
    services, client = services_for(engine, emulator), client_for(emulator)
    _run(services, client, THURSDAY, THURSDAY + timedelta(hours=12))
    assert emulator.dms(owner) == []
    emulator.set_status(owner, ":house:", "Working from home")  # back, a day early
    _run(services, client, THURSDAY + timedelta(hours=12), THURSDAY + timedelta(days=1,
                                                                                hours=11))
    assert len(emulator.dms(owner)) == 1
    (row,) = _dm_rows(engine, owner)
    local = row.next_attempt_at.astimezone(BERLIN)  # when it last came due: Friday morning
    assert row.status == "sent" and (local.date(), local.hour) == (date(2026, 11, 20), 10)


def test_a_dm_held_through_a_long_absence_is_dropped_and_counted_and_what_matters_is_sent(
        engine, emulator):
    people = _people(engine, emulator, zones=["Europe/Berlin"])
    owner = list(people)[0]
    emulator.set_status(owner, ":airplane:", "")  # the status says away: the DM waits
    services, client = services_for(engine, emulator), client_for(emulator)
    _run(services, client, THURSDAY, THURSDAY + timedelta(hours=11))
    (held,) = _dm_rows(engine, owner)
    assert held.last_error == aq.HELD_WHILE_AWAY
    emulator.set_status(owner)  # back after more than a week: Monday, Nov 30
    _run(services, client, THURSDAY + timedelta(days=11, hours=9),
         THURSDAY + timedelta(days=11, hours=11))
    rows = {r.id: r for r in _dm_rows(engine, owner)}
    assert rows[held.id].status == "skipped"
    with session_scope(engine) as s:
        assert aq.dropped_count(s, channels=[owner]) == 1
        assert aq.held_count(s) == 0
    (dm,) = emulator.dms(owner)
    assert "was due" in str(dm["blocks"])
    (fresh,) = [r for r in rows.values() if r.status == "sent"]
    local = fresh.next_attempt_at.astimezone(BERLIN)
    assert (local.date(), local.hour) == (date(2026, 11, 30), 10)


def test_stop_these_on_a_nudge_stops_them_until_turned_back_on_from_home(pact):
    from handlers.kit import ids

    engine, emulator = pact.engine, pact.emulator
    people = _people(engine, emulator, zones=["Europe/Berlin"])
    owner = list(people)[0]
    services, client = services_for(engine, emulator), client_for(emulator)
    _run(services, client, THURSDAY, THURSDAY + timedelta(hours=11))
    (dm,) = emulator.dms(owner)
    assert "The next one would come" in str(dm["blocks"])
    stop = next(e for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == ids.REMINDERS_STOP)
    assert "confirm" in stop
    pact.slack.block_action(user=owner, action_id=stop["action_id"], value=stop["value"],
                            channel=emulator.dm_channel(owner), message_ts=dm["ts"])
    pact.wait_idle()
    assert "Stopped" in emulator.dms(owner)[0]["text"]  # the DM says so, in place
    assert "Turn back on" in str(emulator.home_view(owner)["blocks"])
    _run(services, client, THURSDAY + timedelta(days=5, hours=9),
         THURSDAY + timedelta(days=5, hours=11))  # Tuesday: the review is overdue by now
    assert len(emulator.dms(owner)) == 1
    pact.slack.block_action(user=owner, action_id=ids.REMINDERS_RESUME, value="nudge",
                            view={"id": "VHOME", "type": "home"})
    pact.wait_idle()
    assert "Turn back on" not in str(emulator.home_view(owner)["blocks"])
    _run(services, client, THURSDAY + timedelta(days=6, hours=9),
         THURSDAY + timedelta(days=6, hours=11))
    assert len(emulator.dms(owner)) == 2 and "was due" in str(emulator.dms(owner)[1]["blocks"])
    assert emulator.violations == []
