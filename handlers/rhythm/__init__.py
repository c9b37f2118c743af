"""The rhythm Pact keeps by itself: weekly check-ins, milestone reminders, review nudges, and
what happens when a team's channel refuses a post."""

from __future__ import annotations

from functools import partial

from handlers.kit import ids
from handlers.kit.replies import ack_only, opens_modal
from handlers.rhythm import listeners, schedules
from handlers.rhythm.jobs import KINDS
from handlers.rhythm.service import channel_trouble

__all__ = ["KINDS", "channel_trouble", "register"]


def register(app, services) -> None:
    services.on("team_saved",
                lambda session, team: schedules.sync_team(session, team, services.now()))
    services.on("goal_saved",
                lambda session, goal: schedules.sync_goal(session, goal, services.now()))
    services.on("pdp_saved", lambda session, pdp: schedules.sync_pdp(session, pdp, services.now()))
    app.action(ids.CHECKIN_STUCK)(ack=ack_only, lazy=[opens_modal(listeners.stuck_form, services)])
    app.view(ids.CHECKIN_STUCK_FORM)(ack=partial(listeners.save_stuck, services=services),
                                     lazy=[partial(listeners.after_stuck, services=services)])
    app.action(ids.NUDGE_SNOOZE)(ack=ack_only,
                                 lazy=[partial(listeners.snooze, services=services)])
    app.action(ids.RHYTHM_RESUME)(ack=ack_only,
                                  lazy=[partial(listeners.resume, services=services)])
