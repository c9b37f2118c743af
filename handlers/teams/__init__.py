"""Teams: `/pact team setup` binds a team to its channel; `/pact team` shows it."""

from __future__ import annotations

from functools import partial

from handlers.kit import ids
from handlers.teams import listeners
from handlers.teams.service import KINDS

__all__ = ["KINDS", "register"]


def register(app, services) -> None:
    services.commands.add("team setup", "Set up the team bound to this channel, or edit it.",
                          examples=("team setup",))(listeners.team_setup)
    services.commands.add("team", "Show the team bound to this channel.",
                          examples=("team",))(listeners.team_show)
    app.view(ids.TEAM_SETUP)(ack=partial(listeners.save_team, services=services),
                             lazy=[partial(listeners.after_save, services=services)])
