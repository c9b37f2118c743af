"""Peer feedback at Slack's edge: Ask for feedback (from the owner's plan), the giver's DM
button and form, and `/pact feedback [@someone]` to read it."""

from __future__ import annotations

import re

from bot.errors import reported
from handlers.impact import feedback
from handlers.impact import feedback_blocks as ui
from handlers.kit import refusals
from handlers.kit.blocks import notice_modal, plural
from handlers.kit.forms import Form
from handlers.kit.metadata import attach, metadata_key, read_metadata
from handlers.kit.payload import int_id, read_interaction
from handlers.kit.router import CommandRequest
from storage.engine import session_scope
from storage.models import Member
from storage.queries import impact as iq

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def feedback_command(req: CommandRequest) -> None:
    """`/pact feedback`: the feedback on your objectives; `/pact feedback @someone`: on the
    objectives they share with you (the person comes from the verified mention only)."""
    match = MENTION.match(req.args[0]) if len(req.args) == 1 else None
    if req.args and match is None:
        return req.ack(text=refusals.FEEDBACK_USAGE, response_type="ephemeral")
    owner_user = match.group(1) if match else req.user_id
    with session_scope(req.services.engine) as session:
        seen = feedback.feedback_seen(session, req.team_id, req.user_id, owner_user)
    message = ui.feedback_message(owner_user, seen, own=owner_user == req.user_id)
    req.ack(text=message["text"], blocks=message["blocks"], response_type="ephemeral")


def ask_modal(services, who, _client) -> dict | str:
    """Asking for feedback on one of the clicker's own objectives."""
    with session_scope(services.engine) as session:
        owned = feedback.owned_objective(session, who.workspace_id, who.user_id, who.value_id)
        if owned is None:
            return refusals.FEEDBACK_OWNER_ONLY
        title = owned[1].title
    return attach(ui.ask_modal(title), {"objective": who.value_id},
                  metadata_key(services.settings))


def save_ask(ack, body, view, services) -> None:
    who = read_interaction(body)
    objective_id = int_id((read_metadata(view, metadata_key(services.settings)) or {})
                          .get("objective"))
    if who is None or objective_id is None:
        return ack(response_action="errors", errors={"givers": refusals.STALE})
    with session_scope(services.engine) as session:
        result = feedback.ask(session, who.workspace_id, who.user_id, objective_id,
                              Form(view).users("givers"), services.now())
        if isinstance(result, dict):
            return ack(response_action="errors", errors=result)
    ack(response_action="update", view=notice_modal(
        "Ask for feedback", f"Asked {plural(result.count, 'teammate')}. Their feedback appears in your "
        "plan's history."))


def send_feedback_dms(body, client, services) -> None:
    """After a form was saved: the DMs it decided on leave the outbox now, not at the tick."""
    def work():
        who = read_interaction(body)
        if who is None:
            return
        with session_scope(services.engine) as session:
            ids = iq.pending_feedback_messages(session, who.workspace_id)
        if ids:
            services.send_now(client, ids)
    reported(work, body, client)


def give_modal(services, who, _client) -> dict | str:
    """Giving the feedback someone asked the clicker for."""
    with session_scope(services.engine) as session:
        request, _giver, refusal = feedback.askable(session, who.workspace_id, who.user_id,
                                                    who.value_id)
        if refusal:
            return refusal
        owner = session.get(Member, request.owner_id)
        objective, _pdp = iq.objective_owner(session, request.objective_id)
        view = ui.give_modal(owner.display_name or "your teammate",
                             objective.title if objective else "an objective")
    return attach(view, {"request": request.id}, metadata_key(services.settings))


def save_give(ack, body, view, services) -> None:
    who = read_interaction(body)
    request_id = int_id((read_metadata(view, metadata_key(services.settings)) or {})
                        .get("request"))
    if who is None or request_id is None:
        return ack(response_action="update", view=notice_modal("Feedback", refusals.STALE))
    form = Form(view)
    data = feedback.FeedbackInput(form.text("went_well", multiline=True, limit=300),
                                  form.text("try_next", multiline=True, limit=300),
                                  int_id(form.choice("knowledge")),
                                  int_id(form.choice("mentoring")),
                                  form.choice("named") == "named")
    if not data.went_well and not data.try_next:
        return ack(response_action="errors", errors={"went_well":
                                                     refusals.FEEDBACK_SAY_SOMETHING})
    with session_scope(services.engine) as session:
        result = feedback.give(session, who.workspace_id, who.user_id, request_id, data,
                               services.now())
    if isinstance(result, str):
        return ack(response_action="update", view=notice_modal("Feedback", result))
    ack(response_action="update", view=notice_modal("Thank you", "Your feedback is in."))
