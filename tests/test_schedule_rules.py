"""Schedule rules: read as people write them, weekdays by name, next runs in local time."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.recurrence import (
    Rule,
    RuleError,
    describe,
    next_after,
    occurrence_of,
    parse_rule,
    upcoming,
)


def utc(text):
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.mark.parametrize("text,canonical", [
    ("every Monday 10:00", "weekly mon 10:00"),
    ("every second Thursday 15:00", "every 2 weeks thu 15:00 from 2026-01-01"),
    ("every other thursday at 3pm", "every 2 weeks thu 15:00 from 2026-01-01"),
    ("every 3 weeks on tuesday at 9:30", "every 3 weeks tue 09:30 from 2026-01-01"),
    ("workdays 10:00", "workdays 10:00"),
    ("every weekday at 10am", "workdays 10:00"),
    ("daily 08:15", "daily 08:15"),
    ("Mondays and Wednesdays 12:00", "weekly mon,wed 12:00"),
    ("once 2026-03-05 09:00", "once 2026-03-05 09:00"),
    ("weekly thu 15:00, 3 days before", "weekly thu 15:00, 3 days before"),
])
def test_parse_and_canonical_form(text, canonical):
    rule = parse_rule(text, anchor=date(2026, 1, 1))
    assert str(rule) == canonical
    assert parse_rule(str(rule)) == rule  # the stored form reads back the same


@pytest.mark.parametrize("text", ["", "every thursday", "at 10:00", "every 12 weeks mon 10:00",
                                  "thursday 25:00", "once 10:00"])
def test_unreadable_rules_say_what_to_write(text):
    with pytest.raises(RuleError) as err:
        parse_rule(text)
    assert str(err.value)


def test_describe_says_it_as_people_do():
    assert describe(parse_rule("every second thursday 15:00", anchor=date(2026, 1, 1))) == \
        "every second Thursday at 15:00"
    assert describe(parse_rule("workdays 10:00")) == "every working day at 10:00"


def test_weekly_runs_at_local_wall_time_in_utc():
    rule = parse_rule("weekly mon 10:00")
    # Berlin is UTC+1 in winter, UTC+2 in summer: same wall time, different UTC.
    assert next_after(rule, "Europe/Berlin", utc("2026-01-01T00:00:00+00:00")) == \
        utc("2026-01-05T10:00:00+01:00")
    assert next_after(rule, "Europe/Berlin", utc("2026-06-01T00:00:00+00:00")) == \
        utc("2026-06-01T10:00:00+02:00")
    assert next_after(rule, "Asia/Kolkata", utc("2026-01-05T04:30:00+00:00")) == \
        utc("2026-01-12T10:00:00+05:30")  # strictly after: 10:00 IST is 04:30 UTC


def test_every_second_thursday_alternates_weeks():
    rule = parse_rule("every second thursday 15:00", anchor=date(2026, 1, 8))
    runs = upcoming(rule, "Europe/Berlin", utc("2026-01-01T00:00:00+00:00"), 4)
    assert [r.date() for r in runs] == [date(2026, 1, 8), date(2026, 1, 22), date(2026, 2, 5),
                                        date(2026, 2, 19)]
    assert all(r.astimezone().hour >= 0 for r in runs)


def test_runs_days_before_an_occurrence_and_finds_it_back():
    rule = parse_rule("every second thursday 15:00", anchor=date(2026, 1, 8)).shifted(3)
    run = next_after(rule, "America/New_York", utc("2026-01-01T00:00:00+00:00"))
    assert run == utc("2026-01-05T15:00:00-05:00")  # Monday, three days ahead
    assert occurrence_of(rule, "America/New_York", run) == utc("2026-01-08T15:00:00-05:00")


def test_once_runs_once():
    rule = parse_rule("once 2026-03-05 09:00")
    first = next_after(rule, "UTC", utc("2026-03-01T00:00:00+00:00"))
    assert first == utc("2026-03-05T09:00:00+00:00")
    assert next_after(rule, "UTC", first) is None


@settings(max_examples=300, deadline=None)
@given(start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31),
                          timezones=st.just(UTC)),
       tz=st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Sydney",
                           "Asia/Kolkata", "America/Sao_Paulo", "Pacific/Chatham"]),
       hour=st.integers(0, 23), minute=st.sampled_from([0, 15, 30, 45]))
def test_daily_runs_once_per_local_day_never_skipping_one(start, tz, hour, minute):
    """Across any DST change: exactly one run per local date, at the wall time when it
    exists (else just after the gap), strictly increasing."""
    from zoneinfo import ZoneInfo

    rule = Rule("weekly", time(hour, minute), weekdays=("mon", "tue", "wed", "thu", "fri",
                                                        "sat", "sun"))
    runs = upcoming(rule, tz, start, 12)
    days = [r.astimezone(ZoneInfo(tz)).date() for r in runs]
    assert days == [days[0] + timedelta(days=i) for i in range(12)]
    for run in runs:
        local = run.astimezone(ZoneInfo(tz))
        shift = (local.hour * 60 + local.minute) - (hour * 60 + minute)
        assert shift == 0 or 0 < shift <= 60 or (tz == "Australia/Sydney" and shift <= 60)
