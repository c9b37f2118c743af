"""Team holiday calendars as use cases (no Slack): `/pact holidays …` in the team's channel,
and what a scheduled team post does on a holiday."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.rules.absence import (
    Calendar,
    calendar_error,
    country_name,
    holiday_of,
    is_working_day,
    next_working_day,
    why_moved,
)
from bot.rules.permissions import Actor
from handlers.absences import words
from handlers.kit import refusals
from handlers.kit.blocks import escape, plural
from storage.models import Team
from storage.queries import absences as aq
from storage.queries import teams as tq
from storage.queries.members import get_or_create_member

USAGE = ("`/pact holidays DE [BY]` (a country and subdivision), `/pact holidays add "
         "2026-12-24 [what]`, `/pact holidays remove 2026-12-24`, `/pact holidays move` or "
         "`skip` (what check-ins and reminders do on a holiday), `/pact holidays none`, "
         "`/pact holidays words` (the status words that mean away).")


def holidays_command(session: Session, workspace_id: str, channel_id: str, user_id: str,
                     args: list[str], now: datetime) -> str:
    team = tq.team_for_channel(session, workspace_id, channel_id)
    if team is None:
        return refusals.NO_TEAM_HERE
    if not args:
        return describe(session, team, now)
    if [a.lower() for a in args] == ["words"]:
        return words.show(team, words.team_words(session, team.id))
    member = get_or_create_member(session, workspace_id, user_id)
    actor = Actor(member.id, member.is_admin, tq.role_in_team(session, team.id, member.id),
                  member.is_deleted)
    if actor.is_deleted or not (actor.is_lead or actor.is_admin):
        return refusals.HOLIDAYS_LEADS_ONLY
    word = args[0].lower()
    if word == "words":  # the status words and emoji that mean absence
        return words.words_command(session, team, args[1:])
    row = aq.holidays_row(session, team.id)
    if word in ("move", "skip") and len(args) == 1:
        row.mode = word
    elif word == "none" and len(args) == 1:
        row.country, row.subdivision = "", ""
    elif word in ("add", "remove") and len(args) >= 2:
        try:
            day = date.fromisoformat(args[1])
        except ValueError:
            return f"I could not read the date {args[1][:20]!r}: write it as YYYY-MM-DD."
        days = [d for d in (row.own_days or []) if d[0] != day.isoformat()]
        if word == "add":
            days.append([day.isoformat(), " ".join(args[2:])[:80] or "Team day off"])
        row.own_days = sorted(days)
    elif len(args) <= 2 and word.isalpha():
        country, subdivision = args[0].upper(), (args[1].upper() if len(args) == 2 else "")
        error = calendar_error(country, subdivision)
        if error:
            return error
        row.country, row.subdivision = country, subdivision
    else:
        return USAGE
    session.add(row)
    session.flush()
    return describe(session, team, now)


def describe(session: Session, team: Team, now: datetime, days: int = 60) -> str:
    """The calendar, the holidays of the next `days` days and what happens on them."""
    calendar = aq.calendar_of(session, team.id)
    moved, skipped = aq.team_holiday_counts(session, team.id)
    where = (f"public holidays of {country_name(calendar.country)}"
             + (f" ({calendar.subdivision})" if calendar.subdivision else "")
             if calendar.country else "no public holidays")
    mode = ("move to the next working day" if calendar.mode == "move"
            else "are skipped")
    today = now.astimezone(ZoneInfo(team.tz)).date()
    ahead = [(today + timedelta(days=i)) for i in range(days)]
    coming = [f"• {d.isoformat()} {escape(holiday_of(d, calendar) or '')}" for d in ahead
              if holiday_of(d, calendar)]
    lines = [f"*{escape(team.name)}* follows {where}"
             + (f" and {plural(len(calendar.own), 'day')} of its own" if calendar.own else "")
             + f"; on a holiday its check-ins, lab sessions, milestone reminders and digests "
               f"{mode}.",
             f"So far {plural(moved, 'post')} moved and {skipped} skipped for a holiday."]
    lines.append("Coming up:\n" + "\n".join(coming[:15]) if coming
                 else f"No holidays in the next {days} days.")
    return "\n".join(lines) + "\n" + USAGE


def on_holiday(session: Session, team_id: int, day: date, calendar: Calendar | None = None
               ) -> tuple[str, date | None] | None:
    """For a team post due on `day`: None on a working day; else (why, the day it moves to),
    the day None when the team skips posts on holidays. Weekends are not holidays here: the
    team chose its check-in day. `calendar`: the team's, when the caller loaded it already."""
    calendar = calendar or aq.calendar_of(session, team_id)
    if holiday_of(day, calendar) is None:
        return None
    why = why_moved(day, calendar)
    return why, (next_working_day(day, calendar) if calendar.mode == "move" else None)


def moved_here(session: Session, team_id: int, today: date, scheduled: date,
               calendar: Calendar | None = None) -> str | None:
    """Why a post scheduled for `scheduled` runs `today` instead (it was moved), or None."""
    if scheduled >= today:
        return None
    calendar = calendar or aq.calendar_of(session, team_id)
    if holiday_of(scheduled, calendar) is None:
        return None
    days = [scheduled + timedelta(days=i) for i in range(1, (today - scheduled).days)]
    if any(is_working_day(d, calendar) for d in days):
        return None  # a working day in between: this is not that post, moved
    return why_moved(scheduled, calendar)


@dataclass
class HolidayCall:
    """What a team post due on a holiday does: run later, be skipped, or say it was moved."""

    next_run_at: datetime | None = None  # moved: run then instead
    skipped: bool = False
    note: str = ""  # why (for the skip notice, or on the post that was moved here)


WEEKDAY_NUMBERS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def team_post_day(session: Session, team: Team, occurrence: datetime,
                  weekday: str | None = None, calendar: Calendar | None = None
                  ) -> HolidayCall | None:
    """Decide for a team post (a check-in on `weekday`, a milestone reminder) at `occurrence`;
    None when nothing changes. Counted as moved or skipped on the team's calendar.
    `calendar`: the team's, when a batch loaded it already."""
    zone = ZoneInfo(team.tz)
    local = occurrence.astimezone(zone)
    found = on_holiday(session, team.id, local.date(), calendar)
    if found is not None:
        why, moved_to = found
        aq.count_holiday(session, team.id, moved=moved_to is not None)
        if moved_to is None:
            return HolidayCall(skipped=True, note=why)
        at = datetime.combine(moved_to, local.time().replace(tzinfo=None), tzinfo=zone)
        return HolidayCall(next_run_at=at.astimezone(UTC), note=why)
    if weekday not in WEEKDAY_NUMBERS:
        return None
    back = (local.weekday() - WEEKDAY_NUMBERS[weekday]) % 7
    note = moved_here(session, team.id, local.date(), local.date() - timedelta(days=back),
                      calendar)
    return HolidayCall(note=note) if note else None


@dataclass
class SessionDay:
    """A lab session falling on a team holiday: where it goes (None: skipped) and why."""

    why: str  # "Thursday, Dec 24 is a public holiday in Germany (Christmas Eve)"
    starts_at: datetime | None


def session_day(session: Session, team: Team, starts_at: datetime) -> SessionDay | None:
    """For a lab session at `starts_at`: None on a working day; else the same time on the next
    working day (or None: skipped, the team's setting), and why."""
    zone = ZoneInfo(team.tz)
    local = starts_at.astimezone(zone)
    calendar = aq.calendar_of(session, team.id)
    if holiday_of(local.date(), calendar) is None:
        return None
    why = why_moved(local.date(), calendar, tense="is")
    if calendar.mode != "move":
        return SessionDay(why, None)
    moved = datetime.combine(next_working_day(local.date(), calendar),
                             local.time().replace(tzinfo=None), tzinfo=zone)
    return SessionDay(why, moved.astimezone(UTC))


def count_session_day(session: Session, team: Team, day: SessionDay) -> None:
    aq.count_holiday(session, team.id, moved=day.starts_at is not None)
