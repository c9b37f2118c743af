"""Absence settings: a team's own list of status words and emoji meaning absence (the
default list until a lead changes it), and a person's own country for their public holidays."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.rules.absence import DEFAULT_STATUS_WORDS, status_vocabulary
from handlers.absences import service
from storage.engine import session_scope
from storage.queries import absences as aq
from storage.queries.members import get_or_create_member
from tests.test_tick import WS, make_team

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def _status(engine, uid, emoji="", text=""):
    with session_scope(engine) as s:
        service.record_status(s, WS, {"id": uid, "profile": {
            "status_emoji": emoji, "status_text": text, "status_expiration": 0}}, NOW)
        return aq.away_of(s, get_or_create_member(s, WS, uid), NOW)


def test_the_default_list_is_the_teams_until_a_lead_edits_it(pact):
    team = make_team(pact.engine, pact.emulator)
    member = team.members[0]

    def say(text, user=team.lead):
        return pact.slack.command(text, user=user, channel=team.channel).json()["text"]

    shown = say("holidays words", user=member)
    assert "`ooo`" in shown and ":palm_tree:" in shown and "`parental leave`" in shown
    assert "Only the team's leads" in say("holidays words add sabbatical", user=member)
    assert _status(pact.engine, member, text="On sabbatical") is None
    assert "`sabbatical`" in say("holidays words add Sabbatical")
    assert ":surfer:" in say("holidays words add :surfer:")
    assert "`holiday`" not in say("holidays words remove holiday")
    assert "is not on the list" in say("holidays words remove nothing-like-it")
    assert "Use letters" in say("holidays words add <!channel>")
    assert "within 40 characters" in say("holidays words add " + "x" * 41)
    assert _status(pact.engine, member, text="On sabbatical").reason == "On sabbatical"
    assert _status(pact.engine, member, emoji=":surfer:") is not None
    assert _status(pact.engine, member, text="Holiday mood") is None  # removed by the lead
    assert _status(pact.engine, member, emoji=":palm_tree:") is not None  # still listed
    with session_scope(pact.engine) as s:
        assert aq.status_words_of(s, team.id)[-2:] == ["sabbatical", ":surfer:"]
    shown = say("holidays words default")
    assert "`holiday`" in shown and "`sabbatical`" not in shown
    assert _status(pact.engine, member, text="Holiday mood") is not None
    with session_scope(pact.engine) as s:
        assert aq.status_words_of(s, team.id) is None


def test_someone_in_two_teams_is_away_by_either_list_and_in_none_by_the_default(engine,
                                                                                emulator):
    first = make_team(engine, emulator, name="first")
    with session_scope(engine) as s:
        aq.set_status_words(s, first.id, ["sabbatical"])
    member = first.members[0]
    assert _status(engine, member, text="OOO") is None  # only the team's own list counts
    assert _status(engine, member, text="sabbatical") is not None
    words, emoji = status_vocabulary(DEFAULT_STATUS_WORDS)
    assert "ooo" in words and ":palm_tree:" in emoji
    outsider = emulator.add_user(name="outsider")
    assert _status(engine, outsider, text="OOO") is not None  # in no team: the default


# ---- a person's own country ------------------------------------------------------------------

def test_away_country_through_the_signed_endpoint_with_its_errors(pact):
    user = pact.emulator.add_user(name="brit", tz="Europe/London")

    def say(text):
        answer = pact.slack.command(text, user=user).json()
        assert answer["response_type"] == "ephemeral"
        return answer["text"]

    assert "follow your team's holiday calendar" in say("away country")
    assert "public holidays in United Kingdom (ENG)" in say("away country GB ENG")
    assert "country code" in say("away country XX")
    assert "no subdivision" in say("away country DE QQ")
    assert "`/pact away country DE [BY]`" in say("away country <!channel>")
    assert "United Kingdom (ENG)" in say("away country")
    assert "follow your team's holiday calendar" in say("away country none")


def test_working_moment_skips_a_persons_public_holidays():
    from zoneinfo import ZoneInfo

    from bot.rules.absence import Calendar, working_moment

    london = ZoneInfo("Europe/London")
    christmas = datetime(2026, 12, 25, 10, tzinfo=london).astimezone(UTC)
    moved = working_moment(christmas, "Europe/London", Calendar("GB", "ENG"))
    # Boxing Day falls on a Saturday in 2026: England observes it on Monday the 28th.
    assert moved.astimezone(london) == datetime(2026, 12, 29, 10, tzinfo=london)
    berlin = working_moment(christmas, "Europe/London", Calendar("DE", "BY"))
    assert berlin.astimezone(london).date().isoformat() == "2026-12-28"


def test_personal_dms_follow_their_own_country_else_their_teams_calendar(engine, emulator):
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from scheduling.tick import tick
    from storage.queries.outbox import enqueue
    from tests.test_absences_holidays import _calendar
    from tests.test_tick import client_for, services_for

    london = ZoneInfo("Europe/London")
    monday = datetime(2026, 12, 28, 10, tzinfo=london)  # Boxing Day (observed) in England
    team = make_team(engine, emulator, tz="Europe/London", members=2)
    _calendar(engine, team.id, country="DE", subdivision="BY")  # a working day in Germany
    brit, colleague = team.members
    with session_scope(engine) as s:
        aq.set_country(s, get_or_create_member(s, WS, brit), "GB", "ENG")
        for uid in (brit, colleague):
            enqueue(s, workspace_id=WS, key=f"pc:{uid}", channel=uid, text="How is your pact?",
                    kind="pact_checkin", not_before=monday.astimezone(UTC))
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(monday.astimezone(UTC), services, client)
    assert len(emulator.dms(colleague)) == 1  # the team's calendar: Monday is a working day
    assert emulator.dms(brit) == []
    from bot.doctor import _absence_checks

    assert "1 DM(s) waiting out a personal holiday" in _absence_checks(engine)[0].detail
    tick((monday + timedelta(days=1)).astimezone(UTC), services, client)
    assert len(emulator.dms(brit)) == 1
    with session_scope(engine) as s:
        aq.set_country(s, get_or_create_member(s, WS, brit), "", "")
        enqueue(s, workspace_id=WS, key="pc:again", channel=colleague, text="Again",
                kind="pact_checkin", not_before=datetime(2027, 1, 1, 9, tzinfo=UTC))
    tick(datetime(2027, 1, 1, 10, tzinfo=UTC), services, client)  # New Year: the team's too
    assert len(emulator.dms(colleague)) == 1
    tick(datetime(2027, 1, 4, 10, tzinfo=UTC), services, client)
    assert len(emulator.dms(colleague)) == 2


def test_the_home_tab_says_why_reminders_wait_on_your_own_public_holiday(engine, emulator):
    from zoneinfo import ZoneInfo

    uid = emulator.add_user(name="brit", tz="Europe/London")
    monday = datetime(2026, 12, 28, 11, tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)
    with session_scope(engine) as s:
        member = get_or_create_member(s, WS, uid)
        member.tz = "Europe/London"
        assert "public holiday" not in str(service.home_section(s, member, 50, monday))
        aq.set_country(s, member, "GB", "ENG")
        shown = str(service.home_section(s, member, 50, monday))
    assert ("Monday, Dec 28 is a public holiday in United Kingdom (Boxing Day (observed)): "
            "Pact's reminders to you wait for your next working day.") in shown
