"""Absences: people say they are away (or their Slack status does); Pact holds their DMs and
their lab turn until they are back, and says why."""

from __future__ import annotations

from functools import partial

from handlers.absences import listeners, service
from handlers.absences.holds import held_while_away, in_working_hours, while_away
from handlers.absences.reviews import KIND as REVIEW_MOVED
from handlers.absences.statuses import read_statuses
from handlers.kit import ids
from handlers.kit.replies import ack_only
from scheduling.kinds import Kind
from storage.engine import now_of

KINDS: list = [Kind(REVIEW_MOVED, time_bound=False, hold=while_away(in_working_hours))]

__all__ = ["KINDS", "held_while_away", "read_statuses", "register", "while_away"]


def _home_section(session, member, budget):
    return service.home_section(session, member, budget, now_of(session))


def register(app, services) -> None:
    services.commands.add("away", "Say you are away (or back): Pact holds your reminders.",
                          takes_args=True, usage="away until YYYY-MM-DD [note] | away off | away country DE [BY]",
                          later=listeners.away_later,
                          examples=("away until 2026-12-28 Skiing in the Alps", "away off")
                          )(listeners.away)
    services.commands.add("holidays", "The team's holiday calendar: a country's public "
                          "holidays, its own days off, move or skip posts on them.",
                          takes_args=True, usage="holidays [DE [BY] | add DATE | remove DATE"
                          " | move | skip | none | words [add|remove WORD | default]]",
                          examples=("holidays DE BY", "holidays words add sabbatical")
                          )(listeners.holidays)
    services.add_home_section(10, "absence", _home_section)
    app.action(ids.ABSENCE_PICK_UNTIL)(ack=ack_only,
                                       lazy=[partial(listeners.picked_on_home,
                                                     services=services)])
    app.action(ids.ABSENCE_BACK)(ack=ack_only,
                                 lazy=[partial(listeners.back_on_home, services=services)])
    app.action(ids.REMINDERS_STOP)(ack=ack_only,
                                   lazy=[partial(listeners.stop_clicked, services=services)])
    app.action(ids.REMINDERS_SNOOZE)(ack=ack_only,
                                     lazy=[partial(listeners.snooze_clicked,
                                                   services=services)])
    app.action(ids.REMINDERS_RESUME)(ack=ack_only,
                                     lazy=[partial(listeners.resume_clicked,
                                                   services=services)])
