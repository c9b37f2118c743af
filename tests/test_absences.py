"""Absences: the rules (what means away, `/pact away` and its errors), the use cases, and
`/pact away` and the Home tab through the signed endpoint."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.rules.absence import (
    Away,
    AwayRequest,
    away_now,
    end_of_day,
    first_working_moment_back,
    parse_away,
    status_end,
    status_means_absence,
)
from handlers.absences import service
from handlers.absences.blocks import home_section
from handlers.kit import ids
from storage.engine import session_scope
from storage.models import Absence, Member
from storage.queries import absences as aq
from storage.queries.members import ensure_workspace, get_or_create_member
from storage.types import utcnow
from tests.test_tick import WS

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


# ---- rules ---------------------------------------------------------------------------------

@pytest.mark.parametrize("emoji,text,away", [
    (":palm_tree:", "", True), (":airplane:", "Flying to Lisbon", True),
    (":face_with_thermometer:", "", True), (":baby:", "", True),
    ("", "OOO until Monday", True), ("", "Out of office", True),
    ("", "On vacation", True), ("", "public holiday", True), ("", "Sick today", True),
    ("", "Parental leave", True), (":spiral_calendar_pad:", "In a meeting", False),
    ("", "Focusing", False), ("", "Looking at the zoom recording", False),
    ("", "", False), (None, None, False),
])
def test_what_a_status_means(emoji, text, away):
    assert status_means_absence(emoji, text) is away


def test_away_parses_a_date_and_a_note_and_refuses_what_it_cannot_honour():
    assert parse_away(["until", "2026-12-28", "Skiing", "<b>"], TODAY) == AwayRequest(
        date(2026, 12, 28), "Skiing <b>")
    assert parse_away(["until", "2026-12-01"], TODAY) == AwayRequest(TODAY, "")
    assert parse_away(["OFF"], TODAY) == AwayRequest(None)
    assert "in the past" in parse_away(["until", "2026-11-30"], TODAY)
    assert "more than a year" in parse_away(["until", "2027-12-02"], TODAY)
    assert parse_away(["until", "2027-12-01"], TODAY).until == date(2027, 12, 1)
    assert "could not read the date" in parse_away(["until", "28/12"], TODAY)
    assert "could not read the date" in parse_away(["until", "2026-02-30"], TODAY)
    assert "/pact away until YYYY-MM-DD" in parse_away(["tomorrow"], TODAY)


def test_an_own_absence_lasts_through_its_last_day_in_the_persons_timezone():
    tz = "Asia/Tokyo"
    end = end_of_day(date(2026, 12, 28), tz)
    assert end == datetime(2026, 12, 28, 15, tzinfo=UTC)  # midnight in Tokyo
    assert away_now(end - timedelta(seconds=1), tz, date(2026, 12, 28), False, None).until == end
    assert away_now(end, tz, date(2026, 12, 28), False, None) is None


def test_a_status_with_an_expiration_ends_then_and_one_without_lasts_while_it_is_set():
    expires = int(datetime(2026, 12, 4, 17, tzinfo=UTC).timestamp())
    until = status_end(expires)
    assert status_end(0) is None
    away = away_now(NOW, "UTC", None, True, until, ":palm_tree:")
    assert away == Away(until, ":palm_tree:")
    assert away_now(until, "UTC", None, True, until) is None  # expired
    assert away_now(NOW + timedelta(days=400), "UTC", None, True, None) is not None
    assert away_now(NOW, "UTC", None, False, None) is None  # cleared early


def test_held_dms_come_back_at_ten_on_the_first_working_day_never_on_a_weekend():
    friday_night = end_of_day(date(2026, 12, 4), "Europe/Berlin")  # Friday Dec 4
    back = first_working_moment_back(Away(friday_night, "away"), NOW, "Europe/Berlin")
    local = back.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.date(), local.hour, local.weekday()) == (date(2026, 12, 7), 10, 0)


# ---- use cases -----------------------------------------------------------------------------

def _member(engine, uid="U0ALICE", tz="Europe/Berlin"):
    with session_scope(engine) as s:
        ensure_workspace(s, WS)
        member = get_or_create_member(s, WS, uid)
        member.tz = tz
        s.add(member)
        s.flush()
        return member.id


def test_saying_away_then_back_is_stored_and_answered(engine):
    _member(engine)
    with session_scope(engine) as s:
        answer = service.away_command(s, WS, "U0ALICE", ["until", "2026-12-28", "*Skiing*"],
                                      NOW)
    assert "You are away through" in answer and "\\*Skiing\\*" not in answer
    assert "Note: " in answer and "&lt;" not in answer
    with session_scope(engine) as s:
        member = s.exec(select(Member).where(Member.slack_user_id == "U0ALICE")).one()
        assert aq.away_of(s, member, NOW).until == end_of_day(date(2026, 12, 28),
                                                              "Europe/Berlin")
        assert "You are away until" in service.away_command(s, WS, "U0ALICE", [], NOW)
        assert "Welcome back" in service.away_command(s, WS, "U0ALICE", ["off"], NOW)
        assert aq.away_of(s, member, NOW) is None
        assert "You are not away" in service.away_command(s, WS, "U0ALICE", [], NOW)


def test_back_early_while_the_status_still_says_away_keeps_reminders_held(engine):
    _member(engine)
    with session_scope(engine) as s:
        service.away_command(s, WS, "U0ALICE", ["until", "2026-12-28"], NOW)
        service.record_status(s, WS, {"id": "U0ALICE", "profile": {
            "status_emoji": ":palm_tree:", "status_text": "Holidays",
            "status_expiration": 0}}, NOW)
        answer = service.away_command(s, WS, "U0ALICE", ["off"], NOW)
    assert "status still says you are away" in answer


def test_the_home_section_says_reminders_are_held_and_offers_a_way_back():
    until = datetime(2026, 12, 28, 23, tzinfo=UTC)
    blocks = home_section(Away(until, "away"), "UTC", 2, TODAY)
    text = str(blocks)
    assert "You are away until" in text and "reminders are held" in text
    assert "2 waiting for your return" in text and ids.ABSENCE_BACK in text
    status = str(home_section(Away(None, ":palm_tree: <script>"), "UTC", 0, TODAY))
    assert "Slack status says so" in status and "&lt;script&gt;" in status
    assert ids.ABSENCE_PICK_UNTIL in str(home_section(None, "UTC", 0, TODAY))


# ---- through the signed endpoint ---------------------------------------------------------

def _today(tz="Europe/Berlin") -> date:
    return datetime.now(UTC).astimezone(ZoneInfo(tz)).date()


def test_pact_away_and_its_errors(pact):
    alice = pact.emulator.add_user(name="alice", tz="Europe/Berlin")
    until = _today() + timedelta(days=10)
    answer = pact.slack.command(f"away until {until.isoformat()} Skiing", user=alice).json()
    assert answer["response_type"] == "ephemeral" and "You are away through" in answer["text"]
    past = (_today() - timedelta(days=2)).isoformat()
    assert "in the past" in pact.slack.command(f"away until {past}", user=alice).json()["text"]
    far = (_today() + timedelta(days=400)).isoformat()
    assert "more than a year" in pact.slack.command(f"away until {far}",
                                                    user=alice).json()["text"]
    assert "could not read" in pact.slack.command("away until next-week",
                                                  user=alice).json()["text"]
    assert "YYYY-MM-DD" in pact.slack.command("away for a while", user=alice).json()["text"]
    pact.wait_idle()
    home = str(pact.emulator.home_view(alice)["blocks"])
    assert "You are away until" in home and "reminders are held" in home
    with session_scope(pact.engine) as s:
        row = s.exec(select(Absence)).one()
        assert row.until == until and row.note == "Skiing"  # the errors changed nothing
    assert "Welcome back" in pact.slack.command("away off", user=alice).json()["text"]
    pact.wait_idle()
    assert "Going away?" in str(pact.emulator.home_view(alice)["blocks"])
    assert pact.emulator.violations == []


def test_away_from_the_home_tab_and_back(pact):
    alice = pact.emulator.add_user(name="alice", tz="Europe/Berlin")
    until = _today() + timedelta(days=5)
    pact.slack.block_action(user=alice, action_id=ids.ABSENCE_PICK_UNTIL,
                            view={"id": "VHOME", "type": "home"},
                            extra_action={"type": "datepicker",
                                          "selected_date": until.isoformat()})
    pact.wait_idle()
    home = pact.emulator.home_view(alice)
    assert "You are away until" in str(home["blocks"])
    with session_scope(pact.engine) as s:
        assert s.exec(select(Absence)).one().until == until
    pact.slack.block_action(user=alice, action_id=ids.ABSENCE_BACK, value="back",
                            view={"id": "VHOME", "type": "home"})
    pact.wait_idle()
    assert "Going away?" in str(pact.emulator.home_view(alice)["blocks"])
    with session_scope(pact.engine) as s:
        row = s.exec(select(Absence)).one()
        assert row.until is None and row.set_at <= utcnow()
    assert pact.emulator.violations == []


def test_the_team_view_and_doctor_say_who_is_away_and_what_was_held(pact):
    from bot.doctor import _absence_checks
    from tests.test_tick import make_team

    team = make_team(pact.engine, pact.emulator)
    bob = team.members[0]
    view = pact.slack.command("team", user=team.lead, channel=team.channel).json()
    assert "away this week" not in str(view["blocks"])
    until = (_today() + timedelta(days=3)).isoformat()
    pact.slack.command(f"away until {until}", user=bob)
    view = pact.slack.command("team", user=team.lead, channel=team.channel).json()
    assert f"1 member away this week (<@{bob}>)" in str(view["blocks"])
    (check,) = _absence_checks(pact.engine)
    assert check.ok and "0 DM(s) held" in check.detail and "0 team post(s) moved" in check.detail
