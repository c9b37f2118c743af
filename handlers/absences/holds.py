"""Personal DMs held while their recipient is away (a kind's `hold`)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.rules.absence import (
    first_working_moment_back,
    held_too_long,
    holiday_of,
    working_moment,
)
from bot.rules.nudges import may_nudge, next_nudge_at
from handlers.absences.blocks import STOPPABLE, stop_subject
from scheduling.kinds import Held, Hold, Kind
from storage.queries import absences as aq
from storage.queries.rhythm import member_zones

log = logging.getLogger("pact.absences")


def is_dm(channel: str) -> bool:
    """A DM to one person (a user id); "U1,U2" names a group DM, not anyone's own."""
    return channel[:1] in ("U", "W") and "," not in channel


def while_away(inner: Hold | None = None, on_drop=None) -> Hold:
    """A hold that keeps DMs to someone away until 10:00 on their first working day back,
    drops those held so long they no longer matter (counted; `on_drop(session, messages)`
    lets their content be decided afresh), lets those held go one a working day once they are
    back, then applies `inner`."""

    def hold(session: Session, messages: list, now: datetime) -> dict:
        recipients = {(m.workspace_id, m.channel) for m in messages if is_dm(m.channel)}
        away = aq.away_recipients(session, recipients, now)
        calendars = aq.personal_calendars(session, recipients)
        answers: dict = {}
        rest, dropped = [], []
        for message in messages:
            key = (message.workspace_id, message.channel)
            found = away.get(key)
            calendar, zone = calendars.get(key, (None, None))
            if found is not None:
                absence, tz = found
                back = first_working_moment_back(absence, now, tz)
                answers[message.id] = Held(working_moment(back, tz, calendar) if calendar
                                           else back, aq.HELD_WHILE_AWAY)
            elif calendar is not None and holiday_of(
                    now.astimezone(ZoneInfo(zone)).date(), calendar) is not None:
                # Their public holiday (their own country's, else their team's): tomorrow.
                answers[message.id] = Held(working_moment(next_nudge_at(now, zone), zone,
                                                          calendar), aq.HELD_FOR_HOLIDAY)
            elif message.last_error in aq.HELD_REASONS and message.kind not in aq.KEPT_KINDS \
                    and held_too_long(message.created_at, now):
                answers[message.id] = Held(None, aq.DROPPED_AFTER_ABSENCE)
                dropped.append(message)
            elif message.last_error in aq.HELD_REASONS and is_dm(message.channel):
                later = _wait_turn(session, message, now)
                if later is not None:
                    answers[message.id] = Held(later, aq.WAITING_TURN)
                else:
                    rest.append(message)
            else:
                rest.append(message)
        if dropped and on_drop is not None:
            on_drop(session, dropped)
        if inner is not None and rest:
            answers.update(inner(session, rest, now))
        return answers

    return hold


def _wait_turn(session: Session, message, now: datetime) -> datetime | None:
    """A DM held through an absence goes within the one-DM-a-day rule: it waits for the next
    working morning when another personal DM went to its recipient today, or another one is
    due now before it (a fresh one first, then the oldest held)."""
    tz = aq.zone_of(session, message.workspace_id, message.channel)
    if tz is None:
        return None
    if aq.personal_dm_today(session, message, PERSONAL_KINDS, now, tz):
        return next_nudge_at(now, tz)
    return None


# Personal DMs of other features that wait for their recipient's return (point 2 of the
# absences design): pact check-ins, survey invitations and reminders, mentor introductions,
# the unpaired's reasons and follow-ups. Nudges declare their own hold in the rhythm.
HELD_KINDS = ("pact_checkin", "pact_progress", "pulse_invite", "pulse_reminder",
              "mentor_intro", "mentor_unpaired", "mentor_followup", "pdp_manager")
PERSONAL_KINDS = ("nudge", *HELD_KINDS)  # what counts for "one DM a day" after a return


def held_while_away(kinds: list[Kind], names: tuple[str, ...] = HELD_KINDS) -> list[Kind]:
    """`kinds` with the DMs of `names` held while their recipient is away (their own hold,
    e.g. working hours, applies once they are back), and those of a kind its recipient
    snoozed or stopped ("Snooze a week", "Stop these") dropped."""
    out = []
    for kind in kinds:
        hold = kind.hold
        if kind.name in STOPPABLE:
            hold = unless_silenced(kind.name, hold)
        if kind.name in names:
            hold = while_away(hold)
        out.append(replace(kind, hold=hold) if hold is not kind.hold else kind)
    return out


def unless_silenced(kind: str, inner: Hold | None = None) -> Hold:
    """A hold that drops a DM of `kind` whose recipient snoozed or stopped that kind."""
    subject = stop_subject(kind)

    def hold(session: Session, messages: list, now: datetime) -> dict:
        recipients = {(m.workspace_id, m.channel) for m in messages if is_dm(m.channel)}
        quiet = aq.silenced(session, recipients, subject, now)
        answers = {m.id: Held(None, aq.SILENCED) for m in messages
                   if (m.workspace_id, m.channel) in quiet}
        rest = [m for m in messages if m.id not in answers]
        if inner is not None and rest:
            answers.update(inner(session, rest, now))
        return answers

    return hold


def in_working_hours(session: Session, messages: list, now: datetime) -> dict:
    """A DM of Pact's own (not a reply to a click) left behind by a crash, downtime or retries
    never arrives outside its recipient's 09:00-18:00 on a working day: it waits for their next
    10:00. The one working-hours hold of every DM kind."""
    zones = member_zones(session, {m.channel for m in messages if is_dm(m.channel)})
    held = {}
    for message in messages:
        tz = zones.get((message.workspace_id, message.channel))
        if tz and not may_nudge(now, tz):
            held[message.id] = next_nudge_at(now, tz)
    return held
