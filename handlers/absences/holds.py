"""Personal DMs held while their recipient is away (a kind's `hold`)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from bot.rules.absence import first_working_moment_back, held_too_long
from scheduling.kinds import Held, Hold
from storage.queries import absences as aq

log = logging.getLogger("pact.absences")


def is_dm(channel: str) -> bool:
    """A DM to one person (a user id); "U1,U2" names a group DM, not anyone's own."""
    return channel[:1] in ("U", "W") and "," not in channel


def while_away(inner: Hold | None = None, on_drop=None) -> Hold:
    """A hold that keeps DMs to someone away until 10:00 on their first working day back,
    drops those held so long they no longer matter (counted; `on_drop(session, messages)`
    lets their content be decided afresh), then applies `inner`."""

    def hold(session: Session, messages: list, now: datetime) -> dict:
        recipients = {(m.workspace_id, m.channel) for m in messages if is_dm(m.channel)}
        away = aq.away_recipients(session, recipients, now)
        answers: dict = {}
        rest, dropped = [], []
        for message in messages:
            found = away.get((message.workspace_id, message.channel))
            if found is not None:
                absence, tz = found
                answers[message.id] = Held(first_working_moment_back(absence, now, tz),
                                           aq.HELD_WHILE_AWAY)
            elif message.last_error == aq.HELD_WHILE_AWAY and held_too_long(
                    message.created_at, now):
                answers[message.id] = Held(None, aq.DROPPED_AFTER_ABSENCE)
                dropped.append(message)
            else:
                rest.append(message)
        if dropped and on_drop is not None:
            on_drop(session, dropped)
        if inner is not None and rest:
            answers.update(inner(session, rest, now))
        return answers

    return hold
