"""Team holidays: public holidays of two countries across a year (moved ones included), own
days, a holiday on a check-in day in each mode through the real tick, `/pact holidays`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.rules.absence import (
    Calendar,
    calendar_error,
    holiday_of,
    is_working_day,
    next_working_day,
    why_moved,
)
from storage.engine import session_scope
from storage.queries import absences as aq
from tests.test_tick import WS, client_for, make_team, schedule, services_for, tick

BAVARIA = Calendar("DE", "BY")
ENGLAND = Calendar("GB", "ENG")
BERLIN = ZoneInfo("Europe/Berlin")


def _year(calendar: Calendar, year: int) -> dict[date, str]:
    day, out = date(year, 1, 1), {}
    while day.year == year:
        if holiday_of(day, calendar):
            out[day] = holiday_of(day, calendar)
        day += timedelta(days=1)
    return out


def test_public_holidays_of_two_countries_across_a_year_with_moved_ones():
    bavaria, england = _year(BAVARIA, 2027), _year(ENGLAND, 2027)
    assert bavaria[date(2027, 5, 27)] == "Corpus Christi"  # Bavaria's, not Berlin's
    assert holiday_of(date(2027, 5, 27), Calendar("DE", "BE")) is None
    assert bavaria[date(2027, 10, 3)] == "German Unity Day"  # a Sunday: not moved in Germany
    assert date(2027, 12, 27) not in bavaria
    # Christmas 2027 falls on a weekend: England moves both days to Monday and Tuesday.
    assert england[date(2027, 12, 27)] == "Christmas Day (observed)"
    assert england[date(2027, 12, 28)] == "Boxing Day (observed)"
    assert len(bavaria) == 12 and len(england) == 10
    assert next_working_day(date(2027, 12, 24), ENGLAND) == date(2027, 12, 29)
    assert next_working_day(date(2027, 12, 24), BAVARIA) == date(2027, 12, 27)
    assert not is_working_day(date(2027, 12, 28), ENGLAND)
    assert "public holiday in United Kingdom (Boxing Day (observed))" in why_moved(
        date(2027, 12, 28), ENGLAND)


def test_own_days_count_as_holidays_and_bad_codes_are_refused():
    shutdown = Calendar("", "", ((date(2027, 12, 29), "Office closed"),))
    assert holiday_of(date(2027, 12, 29), shutdown) == "Office closed"
    assert "a team day off (Office closed)" in why_moved(date(2027, 12, 29), shutdown)
    assert calendar_error("DE", "BY") is None
    assert "country code" in calendar_error("XX", "")
    assert "no subdivision 'ZZ'" in calendar_error("DE", "ZZ")


def _calendar(engine, team_id, country="DE", subdivision="BY", mode="move", own=()):
    with session_scope(engine) as s:
        row = aq.holidays_row(s, team_id)
        row.country, row.subdivision, row.mode = country, subdivision, mode
        row.own_days = [[d.isoformat(), what] for d, what in own]
        s.add(row)


WHIT_MONDAY = datetime(2027, 5, 17, 10, tzinfo=BERLIN)


def test_a_checkin_on_a_holiday_moves_to_the_next_working_day_and_says_why(engine, emulator):
    team = make_team(engine, emulator, goals=1)
    _calendar(engine, team.id)
    services, client = services_for(engine, emulator), client_for(emulator)
    tick((WHIT_MONDAY - timedelta(days=3)).astimezone(UTC), services, client)
    tick(WHIT_MONDAY.astimezone(UTC), services, client)
    assert emulator.messages(team.channel) == []
    tuesday = WHIT_MONDAY + timedelta(days=1)
    assert schedule(engine, "checkin", team.id).next_run_at == tuesday.astimezone(UTC)
    tick(tuesday.astimezone(UTC), services, client)
    (post,) = emulator.messages(team.channel)
    assert post["text"].startswith("Monday, May 17 was a public holiday in Germany "
                                   "(Pentecost Monday); here is last week's check-in.")
    assert "public holiday in Germany" in str(post["blocks"][0])
    assert schedule(engine, "checkin", team.id).next_run_at == (
        WHIT_MONDAY + timedelta(days=7)).astimezone(UTC)
    tick((WHIT_MONDAY + timedelta(days=7)).astimezone(UTC), services, client)
    assert len(emulator.messages(team.channel)) == 2
    assert "holiday" not in emulator.messages(team.channel)[1]["text"]
    with session_scope(engine) as s:
        assert aq.holiday_counts(s) == (1, 0)
    assert emulator.violations == []


def test_a_checkin_on_a_holiday_is_skipped_in_skip_mode_and_the_channel_is_told(engine,
                                                                               emulator):
    team = make_team(engine, emulator, goals=2)
    _calendar(engine, team.id, mode="skip")
    services, client = services_for(engine, emulator), client_for(emulator)
    tick((WHIT_MONDAY - timedelta(days=3)).astimezone(UTC), services, client)
    tick(WHIT_MONDAY.astimezone(UTC), services, client)
    tick((WHIT_MONDAY + timedelta(days=1)).astimezone(UTC), services, client)
    (notice,) = emulator.messages(team.channel)
    assert "was a public holiday in Germany" in notice["text"]
    assert "no check-in this week" in notice["text"]
    assert schedule(engine, "checkin", team.id).next_run_at == (
        WHIT_MONDAY + timedelta(days=7)).astimezone(UTC)
    with session_scope(engine) as s:
        assert aq.holiday_counts(s) == (0, 1)


def test_a_team_day_off_moves_the_checkin_too(engine, emulator):
    team = make_team(engine, emulator, goals=1)
    monday = datetime(2027, 5, 24, 10, tzinfo=BERLIN)
    _calendar(engine, team.id, country="", subdivision="",
              own=[(monday.date(), "Offsite")])
    services, client = services_for(engine, emulator), client_for(emulator)
    tick((monday - timedelta(days=3)).astimezone(UTC), services, client)
    tick(monday.astimezone(UTC), services, client)
    tick((monday + timedelta(days=1)).astimezone(UTC), services, client)
    (post,) = emulator.messages(team.channel)
    assert "was a team day off (Offsite)" in post["text"]


def test_pact_holidays_for_leads_with_its_errors(pact):
    team = make_team(pact.engine, pact.emulator)
    member = team.members[0]
    answer = pact.slack.command("holidays DE BY", user=team.lead, channel=team.channel).json()
    assert answer["response_type"] == "ephemeral"
    assert "follows public holidays of Germany (BY)" in answer["text"]
    assert "Only the team's leads" in pact.slack.command(
        "holidays GB", user=member, channel=team.channel).json()["text"]
    assert "country code" in pact.slack.command("holidays XX", user=team.lead,
                                                channel=team.channel).json()["text"]
    assert "no subdivision" in pact.slack.command("holidays DE QQ", user=team.lead,
                                                  channel=team.channel).json()["text"]
    assert "could not read the date" in pact.slack.command(
        "holidays add 24.12.", user=team.lead, channel=team.channel).json()["text"]
    shown = pact.slack.command("holidays add 2027-12-24 Office closed", user=team.lead,
                               channel=team.channel).json()["text"]
    assert "1 day of its own" in shown
    assert "are skipped" in pact.slack.command("holidays skip", user=team.lead,
                                               channel=team.channel).json()["text"]
    seen = pact.slack.command("holidays", user=member, channel=team.channel).json()["text"]
    assert "Germany (BY)" in seen and "are skipped" in seen
    with session_scope(pact.engine) as s:
        calendar = aq.calendar_of(s, team.id)
    assert calendar == Calendar("DE", "BY", ((date(2027, 12, 24), "Office closed"),), "skip")


def test_a_day_off_named_with_markup_pings_nobody_in_the_post_or_its_fallback(engine, emulator):
    """The name of a team's own day is typed by a lead: it reaches the text fallback (which
    notifications read) escaped, in both modes."""
    monday = datetime(2027, 5, 24, 10, tzinfo=BERLIN)
    for mode in ("move", "skip"):
        team = make_team(engine, emulator, goals=1, name=f"team-{mode}")
        _calendar(engine, team.id, country="", subdivision="", mode=mode,
                  own=[(monday.date(), "<!channel> <https://evil.example|party>")])
        services, client = services_for(engine, emulator), client_for(emulator)
        for moment in (monday - timedelta(days=3), monday, monday + timedelta(days=1)):
            tick(moment.astimezone(UTC), services, client)
        (post,) = emulator.messages(team.channel)
        shown = post["text"] + str(post.get("blocks"))
        assert "<!channel>" not in shown and "<https://evil" not in shown, mode
        assert "&lt;!channel&gt;" in post["text"], mode


def _milestone_team(engine, emulator, mode):
    # Check-ins on Fridays; the milestone is due Wednesday, May 19, 2027: its "in 2 days"
    # reminder falls on Whit Monday, a public holiday in Bavaria.
    team = make_team(engine, emulator, goals=1, milestones=[date(2027, 5, 19)], weekday="fri",
                     name=f"ms-{mode}")
    _calendar(engine, team.id, mode=mode)
    return team


def _reminders(emulator, team):
    return [m for m in emulator.messages(team.channel) if "Milestone" in m["text"]]


def test_a_milestone_reminder_on_a_holiday_moves_and_says_why(engine, emulator):
    team = _milestone_team(engine, emulator, "move")
    services, client = services_for(engine, emulator), client_for(emulator)
    for moment in (WHIT_MONDAY - timedelta(days=3), WHIT_MONDAY):
        tick(moment.astimezone(UTC), services, client)
    assert _reminders(emulator, team) == []
    tick((WHIT_MONDAY + timedelta(days=1)).astimezone(UTC), services, client)
    (moved,) = _reminders(emulator, team)
    assert moved["text"].startswith("Milestone “Step 0” is due tomorrow")
    assert ("Monday, May 17 was a public holiday in Germany (Pentecost Monday), so this "
            "reminder comes today.") in str(moved["blocks"])
    tick((WHIT_MONDAY + timedelta(days=2)).astimezone(UTC), services, client)
    due = _reminders(emulator, team)[-1]
    assert due["text"] == "Milestone “Step 0” is due today"  # on its day: nothing to explain
    assert "holiday" not in str(due["blocks"])
    with session_scope(engine) as s:
        assert aq.team_holiday_counts(s, team.id) == (1, 0)


def test_a_milestone_reminder_on_a_holiday_is_skipped_in_skip_mode(engine, emulator):
    team = _milestone_team(engine, emulator, "skip")
    services, client = services_for(engine, emulator), client_for(emulator)
    for moment in (WHIT_MONDAY - timedelta(days=3), WHIT_MONDAY, WHIT_MONDAY + timedelta(days=1)):
        tick(moment.astimezone(UTC), services, client)
    assert _reminders(emulator, team) == []
    tick((WHIT_MONDAY + timedelta(days=2)).astimezone(UTC), services, client)
    assert [m["text"] for m in _reminders(emulator, team)] == [
        "Milestone “Step 0” is due today"]
    with session_scope(engine) as s:
        assert aq.team_holiday_counts(s, team.id) == (0, 1)


GOOD_FRIDAY = datetime(2027, 3, 26, 16, tzinfo=BERLIN)


def _digest_team(engine, emulator, mode):
    from handlers.impact import digest
    from storage.models import Kudos, Team

    team = make_team(engine, emulator, goals=1, weekday="wed", name=f"digest-{mode}")
    _calendar(engine, team.id, mode=mode)
    with session_scope(engine) as s:
        digest.save(s, s.get(Team, team.id), True, "fri", "16:00",
                    (GOOD_FRIDAY - timedelta(days=3)).astimezone(UTC))
        lead, first = team.member_ids[team.lead], team.member_ids[team.members[0]]
        for days in (1, -6):  # something to say in both weeks
            s.add(Kudos(workspace_id=WS, giver_id=lead, receiver_id=first, reason="thanks",
                        created_at=(GOOD_FRIDAY - timedelta(days=days)).astimezone(UTC)))
    return team


def _digests(emulator, team):
    return [m for m in emulator.messages(team.channel) if "digest" in m["text"].lower()
            or "This week in" in m["text"]]


def test_a_digest_on_a_holiday_goes_out_on_the_next_working_day_and_says_why(engine,
                                                                            emulator):
    team = _digest_team(engine, emulator, "move")
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(GOOD_FRIDAY.astimezone(UTC), services, client)
    assert _digests(emulator, team) == []
    # Easter Monday is a holiday too: Tuesday is the next working day.
    assert schedule(engine, "digest", team.id).next_run_at == (
        GOOD_FRIDAY + timedelta(days=4)).astimezone(UTC)
    tick((GOOD_FRIDAY + timedelta(days=3)).astimezone(UTC), services, client)
    assert _digests(emulator, team) == []
    tick((GOOD_FRIDAY + timedelta(days=4)).astimezone(UTC), services, client)
    (post,) = _digests(emulator, team)
    assert post["text"].startswith("Friday, Mar 26 was a public holiday in Germany "
                                   "(Good Friday); here is the week's digest.")
    assert "This week in" in post["text"]
    tick((GOOD_FRIDAY + timedelta(days=7)).astimezone(UTC), services, client)
    posts = _digests(emulator, team)
    assert len(posts) == 2 and "holiday" not in posts[1]["text"]  # a new week, a new post
    assert emulator.calls_to("chat.update") == []


def test_a_digest_on_a_holiday_is_skipped_in_skip_mode_and_the_channel_is_told(engine,
                                                                              emulator):
    team = _digest_team(engine, emulator, "skip")
    services, client = services_for(engine, emulator), client_for(emulator)
    tick(GOOD_FRIDAY.astimezone(UTC), services, client)
    (notice,) = emulator.messages(team.channel)
    assert notice["text"] == ("Friday, Mar 26 was a public holiday in Germany (Good Friday): "
                              "no digest this week. The next one comes as usual.")
    assert schedule(engine, "digest", team.id).next_run_at == (
        GOOD_FRIDAY + timedelta(days=7)).astimezone(UTC)
    with session_scope(engine) as s:
        assert aq.team_holiday_counts(s, team.id) == (0, 1)
