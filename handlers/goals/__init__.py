"""Shared goals: create, announce, commit, log progress, mark milestones, celebrate."""

from __future__ import annotations

from functools import partial

from handlers.goals import cards, listeners, progress_listeners
from handlers.goals.service import KINDS
from handlers.kit import ids
from handlers.kit.replies import ack_only, opens_modal

__all__ = ["KINDS", "register"]


def register(app, services) -> None:
    bind = partial(partial, services=services)
    add = services.commands.add
    services.add_home_section(200, "teams and goals", cards.home_section)
    add("goal new", "Create a shared goal for this channel's team.", examples=("goal new",),
        later=bind(listeners.refresh_caller))(bind(listeners.goal_new))
    add("goal", "The team's active goals (as `goal list`).",
        examples=("goal",))(bind(listeners.goal_list))
    add("goal list", "Show this team's active goals with their progress.",
        examples=("goal list",))(bind(listeners.goal_list))
    add("goal update", "Log progress on one of this team's goals.",
        examples=("goal update",))(bind(progress_listeners.goal_update))
    app.action(ids.GOAL_FORM_ADD_MILESTONE)(ack=ack_only,
                                            lazy=[bind(listeners.add_milestone_row)])
    app.view(ids.GOAL_FORM)(ack=bind(listeners.save_goal), lazy=[bind(listeners.after_goal_saved)])
    app.action(ids.GOAL_JOIN)(ack=bind(listeners.join), lazy=[bind(listeners.after_click)])
    app.action(ids.GOAL_LOG_PROGRESS)(
        ack=ack_only, lazy=[opens_modal(progress_listeners.progress_modal, services)])
    app.action(ids.GOAL_DETAILS)(ack=ack_only,
                                 lazy=[opens_modal(listeners.details_modal, services)])
    app.action(ids.MILESTONE_MARK_DONE)(ack=bind(listeners.mark_milestone),
                                        lazy=[bind(listeners.after_click)])
    app.action(ids.GOAL_MARK_ACHIEVED)(ack=bind(listeners.mark_achieved),
                                       lazy=[bind(listeners.after_click)])
    app.action(ids.GOAL_ARCHIVE)(ack=bind(listeners.archive), lazy=[bind(listeners.after_click)])
    app.action(ids.GOAL_EDIT)(ack=ack_only, lazy=[opens_modal(listeners.edit_modal, services)])
    app.action(ids.GOAL_REPOST)(ack=bind(listeners.repost),
                                lazy=[bind(listeners.after_click, reposted=True)])
    app.view(ids.GOAL_PROGRESS_FORM)(ack=bind(progress_listeners.save_progress),
                                     lazy=[bind(progress_listeners.after_progress)])
