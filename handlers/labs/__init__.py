"""Learning labs: team members take turns teaching, in a fair rotation."""

from __future__ import annotations

from functools import partial

from handlers.kit import ids
from handlers.kit.replies import ack_only, opens_modal
from handlers.labs import listeners
from handlers.labs.jobs import KINDS

__all__ = ["KINDS", "register"]


def register(app, services) -> None:
    services.on("member_left_team", listeners.on_member_left)
    services.on("team_saved", listeners.on_team_saved)
    services.commands.add("lab setup", "Set the team's learning-lab rhythm and rotation.",
                          examples=("lab setup",))(listeners.lab_setup)
    services.commands.add("lab", "Show the next learning-lab sessions and who presents.",
                          examples=("lab",))(listeners.lab_show)
    services.commands.add("lab topic", "Set the topic of your next learning-lab session.",
                          takes_args=True, usage="lab topic [your topic]",
                          later=listeners.lab_topic_later,
                          examples=("lab topic Testing with property-based tests",)
                          )(listeners.lab_topic)
    app.view(ids.LAB_SETUP_CALLBACK)(ack=partial(listeners.save_setup, services=services),
                                     lazy=[partial(listeners.after_setup, services=services)])
    app.action(ids.LAB_SKIP)(ack=ack_only,
                             lazy=[partial(listeners.skip, services=services)])
    app.action(ids.LAB_SWAP)(ack=ack_only, lazy=[opens_modal(listeners.swap_modal, services)])
    app.view(ids.LAB_SWAP_CALLBACK)(ack=partial(listeners.save_swap, services=services),
                                    lazy=[partial(listeners.after_swap, services=services)])
    app.action(ids.LAB_SWAP_ACCEPT)(ack=ack_only,
                                    lazy=[partial(listeners.accept_swap, services=services)])
    app.action(ids.LAB_SWAP_DECLINE)(ack=ack_only,
                                     lazy=[partial(listeners.decline_swap, services=services)])
    app.action(ids.LAB_DONE)(ack=ack_only,
                             lazy=[partial(listeners.done, services=services)])
