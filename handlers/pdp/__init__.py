"""Personal development plans: `/pact pdp`, its modals, manager reviews, export and delete."""

from __future__ import annotations

from functools import partial

from handlers.kit import ids
from handlers.kit.replies import ack_only, opens_modal
from handlers.pdp import commands, listeners, objectives, openers, review_listeners, surfaces
from handlers.pdp.service import KINDS
from storage.engine import now_of

__all__ = ["KINDS", "register"]


def _home_section(session, member, budget):
    return surfaces.home_section(session, member, budget, now_of(session))


def register(app, services) -> None:
    services.on("goal_achieved", lambda session, goal: objectives.goal_achieved(
        session, goal, now_of(session)))
    add = services.commands.add
    add("pdp", "Open your development plan, or see what someone shares with you.",
        usage="pdp [@someone]", takes_args=True, later=commands.pdp_later,
        examples=("pdp", "pdp @bob"))(commands.pdp_command)
    add("pdp reports", "Your reports' plans: what each shares with you, reviews due.",
        examples=("pdp reports",))(commands.pdp_reports)
    add("pdp export", "Send yourself your whole plan and its history as files.",
        later=commands.export_later, examples=("pdp export",))(commands.pdp_export)
    add("pdp delete", "Delete your development plan and all its history.",
        examples=("pdp delete",))(commands.pdp_delete)
    app.action(ids.PDP_DELETE_CONFIRMED)(
        ack=ack_only, lazy=[partial(commands.delete_confirmed, services=services)])
    app.action(ids.PDP_DELETE_SOCIAL)(
        ack=ack_only, lazy=[partial(commands.delete_social_confirmed, services=services)])

    def opens(action_id: str, build) -> None:
        app.action(action_id)(ack=ack_only, lazy=[opens_modal(build, services)])

    opens(ids.PDP_OPEN, openers.plan_or_report)
    opens(ids.PDP_EDIT_PLAN, openers.edit_plan)
    opens(ids.PDP_HISTORY, openers.history)
    opens(ids.PDP_ADD_OBJECTIVE, openers.add_objective)
    opens(ids.PDP_EDIT_OBJECTIVE, openers.edit_objective)
    opens(ids.PDP_LOG_PROGRESS, openers.log_progress)
    opens(ids.PDP_OBJECTIVE_FROM_GOAL, openers.objective_from_goal)
    opens(ids.PDP_VIEW_REPORT, openers.view_report)
    opens(ids.PDP_REVIEW_COMMENT, openers.comment)
    app.view(ids.PDP_PLAN_FORM)(ack=partial(listeners.plan_submit_in_slack, services=services),
                                lazy=[partial(listeners.plan_after, services=services)])
    app.view(ids.PDP_OBJECTIVE_FORM)(
        ack=partial(listeners.objective_submit, services=services),
        lazy=[partial(listeners.objective_after, services=services)])
    app.view(ids.PDP_PROGRESS_FORM)(
        ack=partial(listeners.progress_submit, services=services),
        lazy=[partial(listeners.objective_after, services=services)])

    app.action(ids.PDP_REQUEST_REVIEW)(
        ack=ack_only, lazy=[partial(review_listeners.request_review, services=services)])
    app.view(ids.PDP_COMMENT_FORM)(
        ack=partial(review_listeners.comment_submit, services=services),
        lazy=[partial(review_listeners.comment_after, services=services)])
    app.action(ids.PDP_REVIEW_APPROVE)(
        ack=partial(review_listeners.on_approve, services=services),
        lazy=[partial(review_listeners.approve_after, services=services)])

    services.add_home_section(40, "pdp_reviews", surfaces.manager_home_section)
    services.add_home_section(120, "pdp", _home_section)
    services.add_home_section(210, "pdp_goals", surfaces.goals_home_section)
    services.goal_sections.append(surfaces.goal_section)
