"""Logging progress at Slack's edge: `/pact goal update` and the Log progress button open the
progress modal; its submission logs the step and shows the goal where it was opened from."""

from __future__ import annotations

from bot.errors import reported
from bot.rules import goals as rules
from handlers.goals import cards, forms, service
from handlers.goals.listeners import (
    publish_home,
    refresh_details,
    refuse,
    sealed,
    show_on_post,
    unsealed,
)
from handlers.goals.service import Changed
from handlers.kit import refusals
from handlers.kit.forms import Form
from handlers.kit.once import Repeated, once
from handlers.kit.payload import int_id, read_interaction
from handlers.kit.router import CommandRequest
from storage.engine import session_scope


def goal_update(req: CommandRequest, services) -> None:
    with session_scope(services.engine) as session:
        opening = cards.progress_form_in_channel(session, req.team_id, req.user_id,
                                                 req.channel_id)
    if refuse(req, opening):
        return
    view = forms.progress_modal(opening.card, choices=opening.choices)
    goal_id = opening.card.id if opening.card else None
    req.open_form(sealed(view, {"goal": goal_id, "home": False}, services))


def progress_modal(services, who, _client) -> dict | str:
    """The progress form for the goal in the button, or why the clicker may not log on it."""
    if who.value_id is None:
        return refusals.STALE
    with session_scope(services.engine) as session:
        opening = cards.progress_form(session, who.workspace_id, who.user_id, who.value_id)
    if opening.refusal:
        return opening.refusal
    return sealed(forms.progress_modal(opening.card),
                  {"goal": opening.card.id, "home": who.view.get("type") == "home"}, services)


def save_progress(ack, body, view, context, services) -> None:
    who = read_interaction(body)
    meta = unsealed(view, services) if who else None
    form = Form(view)
    problem_block = "goal" if form.choice("goal") else "value"
    if meta is None:
        ack(response_action="errors", errors={problem_block: refusals.STALE})
        return
    goal_id = int_id(meta.get("goal")) or int_id(form.choice("goal"))
    typed, errors = rules.validate_progress(form.raw("value"), form.choice("mode"),
                                            form.text("note", multiline=True))
    if errors:
        ack(response_action="errors", errors=errors)
        return
    if goal_id is None:
        ack(response_action="errors", errors={problem_block: refusals.STALE})
        return
    try:
        with session_scope(services.engine) as session:
            done = service.log_progress(session, who.workspace_id, who.user_id, goal_id, typed,
                                        services.now(), emit=services.emit)
            if not done.refusal:
                once(session, body, who.workspace_id)
    except Repeated:
        ack()
        return
    if done.refusal:
        ack(response_action="errors", errors={problem_block: done.refusal})
        return
    context["pact_goal"] = done
    context["pact_home"] = bool(meta.get("home"))
    ack()


def after_progress(body, client, context, services) -> None:
    done: Changed | None = context.get("pact_goal")
    who = read_interaction(body)
    if not done or who is None:
        return

    def work():
        services.send_now(client, done.outbox)
        show_on_post(services, client, done)
        previous = who.view.get("previous_view_id")
        if previous:
            refresh_details(services, client, who, previous, done)
        if context.get("pact_home"):
            publish_home(services, client, who)

    reported(work, body, client)
