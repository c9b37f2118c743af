"""Kudos: a short thanks from one person to others, from `/pact kudos`, a message shortcut or
the Kudos button; in the team's channel or by DM; no leaderboard."""

from __future__ import annotations

from functools import partial

from handlers.kit import ids
from handlers.kit.replies import ack_only, opens_modal
from handlers.kudos import listeners
from handlers.kudos.service import KINDS

__all__ = ["KINDS", "register"]


def register(app, services) -> None:
    bind = partial(partial, services=services)
    services.commands.add(
        "kudos", "Thank someone: in the team's channel, or `privately` by DM.",
        usage="kudos [privately] @someone for …", takes_args=True, later=listeners.kudos_later,
        examples=("kudos @bob for the thorough review",
                  "kudos privately @bob for the patience"))(listeners.kudos_command)
    services.add_home_section(140, "kudos", listeners.home_kudos)
    app.shortcut(ids.KUDOS_SHORTCUT)(ack=ack_only, lazy=[bind(listeners.open_from_shortcut)])
    app.action(ids.KUDOS_BUTTON)(ack=ack_only, lazy=[opens_modal(listeners.button_modal, services)])
    app.view(ids.KUDOS_FORM)(ack=bind(listeners.save_kudos), lazy=[bind(listeners.after_kudos)])
