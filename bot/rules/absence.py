"""Who is away, as plain functions (no Slack, no database).

A person is away when they said so (`/pact away until 2026-12-28`, through that day in their
own timezone) or when their Slack status means absence (a holiday emoji, "OOO" …) until the
status's own expiration. Slack's "away" presence is not absence. While away, personal DMs are
held until their first working day back; one held so long that it no longer matters is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.rules.nudges import next_nudge_at

ABSENCE_EMOJI = frozenset({
    ":palm_tree:", ":airplane:", ":face_with_thermometer:", ":baby:", ":beach_with_umbrella:",
    ":desert_island:", ":sick:", ":mask:", ":thermometer:", ":house_with_garden:",
    ":airplane_departure:", ":luggage:", ":baby_bottle:", ":ski:", ":sleeping:",
})
ABSENCE_WORDS = ("ooo", "out of office", "out of the office", "vacation", "holiday",
                 "holidays", "sick", "parental leave", "on leave", "pto", "annual leave")
DEFAULT_STATUS_WORDS = (*sorted(ABSENCE_EMOJI), *ABSENCE_WORDS)  # a team may set its own
MAX_STATUS_WORDS, MAX_STATUS_WORD = 60, 40
MAX_AHEAD = timedelta(days=365)
STATUS_FRESH = timedelta(minutes=15)  # a status read from Slack is trusted this long
STALE_AFTER_HOLD = timedelta(days=3)  # a DM held longer than this no longer matters


def status_means_absence(emoji: str | None, text: str | None,
                         words: tuple[str, ...] = ABSENCE_WORDS,
                         emoji_set: frozenset[str] = ABSENCE_EMOJI) -> bool:
    """True when a Slack status emoji or text says its owner is away (not merely busy)."""
    if (emoji or "").strip().lower() in emoji_set:
        return True
    lowered = (text or "").lower()
    return any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", lowered) for w in words)


def status_vocabulary(entries) -> tuple[tuple[str, ...], frozenset[str]]:
    """A list of status words and emoji (":ski:", "sabbatical") as (words, emoji)."""
    words, emoji = [], set()
    for entry in entries:
        entry = str(entry).strip().lower()
        if len(entry) > 2 and entry.startswith(":") and entry.endswith(":"):
            emoji.add(entry)
        elif entry:
            words.append(entry)
    return tuple(words), frozenset(emoji)


def status_word_error(entry: str) -> str | None:
    """What is wrong with a status word or emoji a lead typed, or None."""
    if not entry.strip():
        return "Give a word (e.g. `sabbatical`) or an emoji (e.g. `:ski:`)."
    if len(entry) > MAX_STATUS_WORD:
        return f"Keep it within {MAX_STATUS_WORD} characters."
    if any(c in entry for c in "<>&*_~`|"):
        return "Use letters, spaces, dashes or an emoji code like `:ski:`."
    return None


def status_end(expiration: int | float | None) -> datetime | None:
    """The status's own expiration (Slack's epoch seconds; 0 = none) as a UTC instant."""
    if not expiration:
        return None
    return datetime.fromtimestamp(float(expiration), tz=UTC)


@dataclass(frozen=True)
class AwayRequest:
    until: date | None  # None: "away off", back now
    note: str = ""


def parse_away(args: list[str], today: date) -> AwayRequest | str:
    """`until 2026-12-28 [note]` or `off`; a sentence saying what is wrong otherwise."""
    if [a.lower() for a in args] == ["off"]:
        return AwayRequest(None)
    if len(args) < 2 or args[0].lower() != "until":
        return "Say `/pact away until YYYY-MM-DD [note]`, or `/pact away off` when you are back."
    try:
        until = date.fromisoformat(args[1])
    except ValueError:
        return (f"I could not read the date {args[1][:20]!r}: write it as YYYY-MM-DD, "
                "e.g. `/pact away until 2026-12-28`.")
    if until < today:
        return f"{until.isoformat()} is in the past: give the last day you are away."
    if until - today > MAX_AHEAD:
        return "That is more than a year ahead: give a date within the next 365 days."
    return AwayRequest(until, " ".join(args[2:])[:200])


def end_of_day(day: date, tz: str) -> datetime:
    """Midnight after `day` in `tz`, in UTC: when an absence "until `day`" is over."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(tz)).astimezone(UTC)


@dataclass(frozen=True)
class Away:
    """Someone's absence as known now: until when (None: as long as their status says so)."""

    until: datetime | None
    reason: str  # "away" (their own word) or the status text/emoji
    note: str = ""


def away_now(now: datetime, tz: str, own_until: date | None, status_away: bool,
             status_until: datetime | None, status_label: str = "",
             note: str = "") -> Away | None:
    """The absence in force at `now`, if any: their own word first, then their status."""
    own_end = end_of_day(own_until, tz) if own_until else None
    if own_end and own_end > now:
        if status_away and (status_until is None or status_until > own_end):
            return Away(status_until, status_label or "status", note)
        return Away(own_end, "away", note)
    if status_away and (status_until is None or status_until > now):
        return Away(status_until, status_label or "status", note)
    return None


def first_working_moment_back(away: Away, now: datetime, tz: str) -> datetime:
    """When a held DM may go out: 10:00 on their first working day after the absence (or, for
    a status with no end, the next working morning, when the status is read again)."""
    return next_nudge_at(max(away.until or now, now), tz)


REVIEW_WEEK_BACK = 4  # a review due while away moves to the end of the first week back


def review_after_absence(due: datetime, away: Away, now: datetime, tz: str) -> datetime | None:
    """When a review due at `due` happens instead, for an absence known now: at 10:00 on the
    last of their first five working days back; None when it is not due while they are away
    (or the absence has no known end: their status says so without an expiration)."""
    if away.until is None or not now <= due < away.until:
        return None
    moment = first_working_moment_back(away, now, tz)
    for _ in range(REVIEW_WEEK_BACK):
        moment = next_nudge_at(moment, tz)
    return moment


def held_too_long(created_at: datetime | None, now: datetime) -> bool:
    return created_at is not None and now - created_at > STALE_AFTER_HOLD


# ---- team holidays: a country's public holidays (the `holidays` package) plus own days ------

HOLIDAY_MODES = ("move", "skip")  # on a holiday: move to the next working day, or skip


@dataclass(frozen=True)
class Calendar:
    """A team's holiday calendar."""

    country: str = ""  # ISO 3166 code, "" for none
    subdivision: str = ""
    own: tuple[tuple[date, str], ...] = ()  # (day, what it is): a company day off, a shutdown
    mode: str = "move"


def countries() -> dict[str, tuple[str, ...]]:
    """Supported country codes and their subdivisions."""
    import holidays

    return {code: tuple(subs) for code, subs in holidays.list_supported_countries().items()}


def country_name(code: str) -> str:
    from holidays import registry

    for name, (_cls, alpha2, *_rest) in registry.COUNTRIES.items():
        if alpha2 == code:
            return name.replace("_", " ").title()
    return code


def calendar_error(country: str, subdivision: str) -> str | None:
    """What is wrong with a country and subdivision, or None."""
    known = countries()
    if country not in known:
        return f"I do not know the country code {country[:8]!r}: use two letters, e.g. DE, GB, US."
    if subdivision and subdivision not in known[country]:
        some = ", ".join(known[country][:12])
        return f"{country} has no subdivision {subdivision[:8]!r}" + (
            f" (some: {some})." if some else ".")
    return None


def holiday_of(day: date, calendar: Calendar) -> str | None:
    """What makes `day` a holiday for the team ("Christmas Day", "Company day off"), or None."""
    for own_day, what in calendar.own:
        if own_day == day:
            return what or "a team day off"
    if not calendar.country:
        return None
    found = _public_holidays(calendar.country, calendar.subdivision, day.year).get(day)
    return found.split(";")[0] if found else None


@lru_cache(maxsize=256)
def _public_holidays(country: str, subdivision: str, year: int) -> dict[date, str]:
    import holidays

    return dict(holidays.country_holidays(country, subdiv=subdivision or None, years=year))


def is_working_day(day: date, calendar: Calendar) -> bool:
    return day.weekday() < 5 and holiday_of(day, calendar) is None


def next_working_day(day: date, calendar: Calendar) -> date:
    """The first working day after `day` (a shutdown of a few weeks is fine)."""
    for offset in range(1, 60):
        candidate = day + timedelta(days=offset)
        if is_working_day(candidate, calendar):
            return candidate
    return day + timedelta(days=1)


def why_moved(day: date, calendar: Calendar, tense: str = "was") -> str:
    """"Monday, Dec 28 was a public holiday in Germany (Boxing Day)"-style reason (`tense`
    "is" for a day still ahead)."""
    what = holiday_of(day, calendar) or "a holiday"
    own = any(d == day for d, _ in calendar.own)
    where = "a team day off" if own else f"a public holiday in {country_name(calendar.country)}"
    return f"{day.strftime('%A, %b')} {day.day} {tense} {where} ({what})"


def working_moment(moment: datetime, tz: str, calendar: Calendar) -> datetime:
    """`moment` (a 10:00 on a working day), or the first 10:00 after it that is not a holiday
    on `calendar` (a person's own country, or their team's calendar)."""
    for _ in range(60):
        if holiday_of(moment.astimezone(ZoneInfo(tz)).date(), calendar) is None:
            return moment
        moment = next_nudge_at(moment, tz)
    return moment
