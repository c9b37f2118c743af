"""Absences: people say they are away (or their Slack status does); Pact holds their DMs and
their lab turn until they are back, and says why."""

from __future__ import annotations

from functools import partial

from handlers.absences import listeners, service
from handlers.absences.holds import while_away
from handlers.absences.statuses import read_statuses
from handlers.kit import ids
from handlers.kit.replies import ack_only
from storage.engine import now_of

KINDS: list = []

__all__ = ["KINDS", "read_statuses", "register", "while_away"]


def _home_section(session, member, budget):
    return service.home_section(session, member, budget, now_of(session))


def register(app, services) -> None:
    services.commands.add("away", "Say you are away (or back): Pact holds your reminders.",
                          takes_args=True, usage="away until YYYY-MM-DD [note] | away off",
                          later=listeners.away_later,
                          examples=("away until 2026-12-28 Skiing in the Alps", "away off")
                          )(listeners.away)
    services.commands.add("holidays", "The team's holiday calendar: a country's public "
                          "holidays, its own days off, move or skip posts on them.",
                          takes_args=True, usage="holidays [DE [BY] | add DATE | remove DATE"
                          " | move | skip | none]",
                          examples=("holidays", "holidays DE BY"))(listeners.holidays)
    services.add_home_section(10, "absence", _home_section)
    app.action(ids.ABSENCE_PICK_UNTIL)(ack=ack_only,
                                       lazy=[partial(listeners.picked_on_home,
                                                     services=services)])
    app.action(ids.ABSENCE_BACK)(ack=ack_only,
                                 lazy=[partial(listeners.back_on_home, services=services)])
    app.action(ids.REMINDERS_STOP)(ack=ack_only,
                                   lazy=[partial(listeners.stop_clicked, services=services)])
    app.action(ids.REMINDERS_RESUME)(ack=ack_only,
                                     lazy=[partial(listeners.resume_clicked,
                                                   services=services)])
