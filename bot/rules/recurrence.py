"""Schedule rules: when something recurs, in a person's or a team's own timezone.

A rule is text a person can read ("every 2 weeks thu 15:00 from 2026-01-08") and the next run is
computed from local wall time in an IANA zone, then stored in UTC. Weekdays are always names.

Daylight saving: a wall time that does not exist on the spring-forward day (02:30 in Berlin on
the last Sunday of March) runs at the same distance after the gap (03:30 local), and a wall time
that happens twice on the fall-back day runs once, at its first occurrence. Nothing is skipped,
nothing doubled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKDAYS = WEEKDAYS[:5]
DAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
             "fri": "Friday", "sat": "Saturday", "sun": "Sunday"}
_DAY_WORDS = {name.lower(): short for short, name in DAY_NAMES.items()}
_DAY_WORDS.update({short: short for short in WEEKDAYS})
_DAY_WORDS.update({"tues": "tue", "wednes": "wed", "thur": "thu", "thurs": "thu"})
_ORDINALS = {"other": 2, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_INTERVAL_WORDS = {"1": "", "2": "second", "3": "third", "4": "fourth"}


class RuleError(ValueError):
    """A rule a person typed that Pact cannot read; the message says what to write instead."""


@dataclass(frozen=True)
class Rule:
    kind: str  # "weekly" or "once"
    at: time
    weekdays: tuple[str, ...] = ()  # names, in week order ("weekly" only)
    every_weeks: int = 1
    start: date | None = None  # first possible date ("weekly"), the date ("once")
    days_before: int = 0  # run this many local days before each occurrence

    def __str__(self) -> str:
        hhmm = self.at.strftime("%H:%M")
        if self.kind == "once":
            text = f"once {self.start.isoformat()} {hhmm}"
        elif self.every_weeks == 1 and self.weekdays == WEEKDAYS and self.start is None:
            text = f"daily {hhmm}"
        elif self.every_weeks == 1 and self.weekdays == WORKDAYS and self.start is None:
            text = f"workdays {hhmm}"
        elif self.every_weeks == 1:
            text = f"weekly {','.join(self.weekdays)} {hhmm}"
            if self.start:
                text += f" from {self.start.isoformat()}"
        else:
            text = f"every {self.every_weeks} weeks {','.join(self.weekdays)} {hhmm}"
            if self.start:
                text += f" from {self.start.isoformat()}"
        if self.days_before:
            text += f", {self.days_before} day{'s' if self.days_before != 1 else ''} before"
        return text

    def shifted(self, days_before: int) -> Rule:
        return replace(self, days_before=days_before)

    def unshifted(self) -> Rule:
        return replace(self, days_before=0)


_TIME_12 = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b")
_TIME_24 = re.compile(r"\b(\d{1,2})[:h.](\d{2})\b")
_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_BEFORE = re.compile(r",?\s*(\d+)\s+days?\s+before\s*$")
_EVERY_N = re.compile(r"\bevery\s+(\d+)\s+weeks?\b")

EXAMPLES = "every Monday 10:00, every second Thursday 15:00, workdays 10:00"


def parse_rule(text: str, *, anchor: date | None = None) -> Rule:
    """Read a rule a person wrote, or a stored canonical one.

    `anchor` is the first possible date for rules repeating every N weeks when the text does not
    say `from YYYY-MM-DD` (e.g. "every second Thursday" set up today starts on the next one).
    """
    raw = " ".join((text or "").lower().replace(",", " , ").split())
    if not raw:
        raise RuleError(f"Say when, for example: {EXAMPLES}.")
    days_before = 0
    match = _BEFORE.search(raw)
    if match:
        days_before = int(match.group(1)) if len(match.group(1)) <= 3 else 10**3
        if days_before > MAX_DAYS_BEFORE:
            raise RuleError(f"Say at most {MAX_DAYS_BEFORE} days before.")
        raw = raw[:match.start()].strip()
    raw = raw.replace(" , ", " ").replace(",", " ")
    at = _parse_time(raw)
    dates = _DATE.findall(raw)
    if raw.startswith("once"):
        if not dates:
            raise RuleError("A one-off needs a date, e.g. once 2026-03-05 10:00.")
        return Rule("once", at, start=_day(dates[0]), days_before=days_before)
    start = _day(dates[0]) if dates else None
    words = _TIME_12.sub(" ", _TIME_24.sub(" ", _DATE.sub(" ", raw))).split()
    every = 1
    match = _EVERY_N.search(raw)
    if match:
        every = int(match.group(1))
    if any(w in ("biweekly", "fortnightly") for w in words):
        every = 2
    for i, word in enumerate(words):
        if word in _ORDINALS and i > 0 and words[i - 1] == "every":
            every = _ORDINALS[word]
    if not 1 <= every <= 8:
        raise RuleError("Pact repeats at most every 8 weeks; pick a number from 1 to 8.")
    days: set[str] = set()
    for word in words:
        if word in ("daily", "day", "days") and "every" in words or word == "daily":
            days.update(WEEKDAYS)
        elif word in ("workdays", "weekdays", "weekday", "workday"):
            days.update(WORKDAYS)
        else:
            stem = word[:-1] if word.endswith("s") and word[:-1] in _DAY_WORDS else word
            if stem in _DAY_WORDS:
                days.add(_DAY_WORDS[stem])
    if not days:
        raise RuleError(f"Name the day, for example: {EXAMPLES}.")
    weekdays = tuple(d for d in WEEKDAYS if d in days)
    if every > 1 and start is None:
        start = anchor or datetime.now(UTC).date()
    return Rule("weekly", at, weekdays=weekdays, every_weeks=every, start=start,
                days_before=days_before)


MAX_DAYS_BEFORE = 60
YEARS = (2000, 2100)


def _day(text: str) -> date:
    """A date a person wrote: a real calendar day (no February 30) in a sensible range."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise RuleError(f"There is no {text}: write a real date as YYYY-MM-DD.") from None
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise RuleError(f"Pick a date between {YEARS[0]} and {YEARS[1]}.")
    return day


def _parse_time(raw: str) -> time:
    match = _TIME_24.search(raw)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
    else:
        match = _TIME_12.search(raw)
        if not match:
            raise RuleError(f"Add a time of day, for example: {EXAMPLES}.")
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if not 1 <= hour <= 12:
            raise RuleError("With am/pm the hour is 1 to 12, e.g. 3pm; or write 15:00.")
        hour = hour % 12 + (12 if match.group(3) == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise RuleError("The time must be between 00:00 and 23:59.")
    return time(hour, minute)


def local_instant(day: date, at: time, tz: str) -> datetime:
    """The UTC instant of wall time `at` on `day` in `tz`.

    A wall time skipped by a spring-forward change maps to the same distance after the change
    (fold=0 uses the offset before the gap); one repeated by a fall-back change maps to its
    first occurrence.
    """
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def _matches(rule: Rule, day: date) -> bool:
    if WEEKDAYS[day.weekday()] not in rule.weekdays:
        return False
    if rule.start is None:
        return True
    if day < rule.start:
        return False
    monday = rule.start - timedelta(days=rule.start.weekday())
    return ((day - monday).days // 7) % rule.every_weeks == 0


def next_after(rule: Rule, tz: str, after: datetime) -> datetime | None:
    """The first run strictly after `after` (aware), in UTC; None when a one-off has passed."""
    if after.tzinfo is None:
        raise ValueError("next_after needs an aware datetime")
    shift = timedelta(days=rule.days_before)
    if rule.kind == "once":
        when = local_instant(rule.start - shift, rule.at, tz)
        return when if when > after else None
    local_day = after.astimezone(ZoneInfo(tz)).date() - timedelta(days=1)
    for offset in range(7 * rule.every_weeks + 9):
        run_day = local_day + timedelta(days=offset)
        if _matches(rule, run_day + shift):
            when = local_instant(run_day, rule.at, tz)
            if when > after:
                return when
    return None


def occurrence_of(rule: Rule, tz: str, run_at: datetime) -> datetime:
    """For a rule that runs `days_before` an occurrence: the occurrence a run belongs to."""
    if not rule.days_before:
        return run_at
    local = run_at.astimezone(ZoneInfo(tz))
    return local_instant(local.date() + timedelta(days=rule.days_before), rule.at, tz)


def upcoming(rule: Rule, tz: str, after: datetime, count: int) -> list[datetime]:
    """The next `count` runs after `after`, in UTC."""
    out: list[datetime] = []
    cursor = after
    while len(out) < count:
        nxt = next_after(rule, tz, cursor)
        if nxt is None:
            break
        out.append(nxt)
        cursor = nxt
    return out


def describe(rule: Rule) -> str:
    """The rule as people say it: "every second Thursday at 15:00"."""
    hhmm = rule.at.strftime("%H:%M")
    if rule.kind == "once":
        return f"on {rule.start.isoformat()} at {hhmm}"
    if rule.weekdays == WEEKDAYS:
        days = "day"
    elif rule.weekdays == WORKDAYS:
        days = "working day"
    else:
        names = [DAY_NAMES[d] for d in rule.weekdays]
        days = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    if rule.every_weeks == 1:
        return f"every {days} at {hhmm}"
    word = _INTERVAL_WORDS.get(str(rule.every_weeks))
    if word:
        return f"every {word} {days} at {hhmm}"
    return f"every {rule.every_weeks} weeks on {days} at {hhmm}"
