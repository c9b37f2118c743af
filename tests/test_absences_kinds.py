"""The newer personal DMs (pact check-ins, survey invitations, mentor follow-ups) wait while
their recipient is away, through the real tick at chosen times: sent on the first working day
back, one a day, never on a weekend; those held too long dropped and counted."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.app import schedule_kinds
from handlers.absences.holds import HELD_KINDS
from scheduling.tick import tick
from storage.engine import session_scope
from storage.models import OutboxMessage
from storage.queries import absences as aq
from storage.queries.members import ensure_workspace, get_or_create_member
from storage.queries.outbox import enqueue
from tests.test_tick import WS, client_for, services_for

BERLIN = ZoneInfo("Europe/Berlin")
TUESDAY = datetime(2026, 11, 24, 10, tzinfo=BERLIN)


def _person(engine, emulator, name):
    uid = emulator.add_user(name=name, tz="Europe/Berlin")
    with session_scope(engine) as s:
        ensure_workspace(s, WS)
        member = get_or_create_member(s, WS, uid)
        member.tz = "Europe/Berlin"
        s.add(member)
    return uid


def _dm(engine, uid, kind, at, text):
    with session_scope(engine) as s:
        enqueue(s, workspace_id=WS, key=f"{kind}:{uid}:{at.isoformat()}", channel=uid,
                text=text, kind=kind, not_before=at.astimezone(UTC))


def _run(services, client, start, end, step=timedelta(hours=1)):
    moment = start
    while moment < end:
        tick(moment.astimezone(UTC), services, client)
        moment += step


def test_every_newer_personal_dm_kind_declares_the_absence_hold():
    kinds = schedule_kinds()
    for name in HELD_KINDS:
        assert kinds.get(name) is not None and kinds.get(name).hold is not None, name


def test_pact_checkins_survey_and_mentor_dms_wait_for_the_return_one_a_day(engine, emulator):
    away, there = _person(engine, emulator, "away"), _person(engine, emulator, "there")
    with session_scope(engine) as s:
        member = get_or_create_member(s, WS, away)
        aq.set_away(s, member, date(2026, 11, 25), "", TUESDAY)  # back on Thursday the 26th
    _dm(engine, away, "mentor_followup", TUESDAY - timedelta(days=5), "How is mentoring going?")
    _dm(engine, away, "pact_checkin", TUESDAY, "How is your pact going?")
    _dm(engine, away, "pulse_invite", TUESDAY, "A two-minute pulse survey")
    _dm(engine, there, "pulse_invite", TUESDAY, "A two-minute pulse survey")
    services, client = services_for(engine, emulator), client_for(emulator)
    _run(services, client, TUESDAY, TUESDAY + timedelta(days=2))  # until Thursday 10:00
    assert emulator.dms(away) == []
    assert [m["text"] for m in emulator.dms(there)] == ["A two-minute pulse survey"]
    with session_scope(engine) as s:
        assert aq.held_count(s, WS, [away]) == 3
    _run(services, client, TUESDAY + timedelta(days=2), TUESDAY + timedelta(days=3))
    # Thursday 10:00: the check-in (the older of the two still worth sending); the follow-up,
    # held since the week before, is dropped and counted.
    assert [m["text"] for m in emulator.dms(away)] == ["How is your pact going?"]
    with session_scope(engine) as s:
        assert aq.dropped_count(s, WS, [away]) == 1
        assert aq.held_count(s, WS, [away]) == 1
    _run(services, client, TUESDAY + timedelta(days=3), TUESDAY + timedelta(days=4))
    assert [m["text"] for m in emulator.dms(away)] == ["How is your pact going?",
                                                       "A two-minute pulse survey"]
    with session_scope(engine) as s:
        rows = list(s.exec(select(OutboxMessage).where(OutboxMessage.channel == away,
                                                       OutboxMessage.status == "sent")))
    days = sorted(r.next_attempt_at.astimezone(BERLIN) for r in rows)
    assert [(d.date(), d.hour) for d in days] == [(date(2026, 11, 26), 10),
                                                  (date(2026, 11, 27), 10)]
    assert emulator.violations == []


def test_a_held_dm_never_goes_out_on_the_weekend_after_the_return(engine, emulator):
    away = _person(engine, emulator, "away")
    friday = datetime(2026, 11, 27, 10, tzinfo=BERLIN)
    with session_scope(engine) as s:
        aq.set_away(s, get_or_create_member(s, WS, away), date(2026, 11, 27), "", friday)
    _dm(engine, away, "pact_checkin", friday, "How is your pact going?")
    services, client = services_for(engine, emulator), client_for(emulator)
    _run(services, client, friday, friday + timedelta(days=3, hours=1))  # to Monday 11:00
    (dm,) = emulator.dms(away)
    with session_scope(engine) as s:
        row = s.exec(select(OutboxMessage).where(OutboxMessage.channel == away)).one()
    sent = row.next_attempt_at.astimezone(BERLIN)
    assert (sent.date(), sent.hour, sent.weekday()) == (date(2026, 11, 30), 10, 0)


def test_a_survey_invitation_held_past_the_surveys_close_is_dropped_on_return(engine,
                                                                             emulator):
    from storage.models import PulseSeries, PulseSurvey
    from tests.test_tick import make_team

    team = make_team(engine, emulator, members=1)
    away = team.members[0]
    with session_scope(engine) as s:
        series = PulseSeries(workspace_id=WS, team_id=team.id, questions=["q1"])
        s.add(series)
        s.flush()
        survey = PulseSurvey(series_id=series.id, team_id=team.id, workspace_id=WS,
                             questions=["q1"], opens_at=TUESDAY.astimezone(UTC),
                             closes_at=(TUESDAY + timedelta(days=1)).astimezone(UTC))
        s.add(survey)
        s.flush()
        aq.set_away(s, get_or_create_member(s, WS, away), date(2026, 11, 25), "", TUESDAY)
        enqueue(s, workspace_id=WS, key=f"pulse_invite:{survey.id}:1", channel=away,
                text="A two-minute pulse survey", kind="pulse_invite",
                not_before=TUESDAY.astimezone(UTC))
    services, client = services_for(engine, emulator), client_for(emulator)
    _run(services, client, TUESDAY, TUESDAY + timedelta(days=2, hours=2))  # back Thursday
    assert [m for m in emulator.dms(away) if "pulse" in m["text"]] == []
    with session_scope(engine) as s:
        row = s.exec(select(OutboxMessage).where(OutboxMessage.kind == "pulse_invite")).one()
    assert row.status == "skipped" and "survey closed" in row.last_error
