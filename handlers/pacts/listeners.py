"""Pacts at Slack's edge: the I'll help / Ask / I'm stuck modals, the Accept / Decline / End
buttons and check-in answers, `/pact pacts` and the Home sections.

Each ack listener runs the use case and keeps its result in the context; the lazy part sends
what was queued, answers and refreshes Home tabs.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.directory import not_people
from bot.errors import reported
from handlers.kit import refusals
from handlers.kit.forms import Form
from handlers.kit.metadata import attach, metadata_key, read_metadata
from handlers.kit.payload import int_id, read_interaction, submission_key
from handlers.kit.replies import in_own_dm, tell
from handlers.kit.router import CommandRequest
from handlers.pacts import blocks as ui
from handlers.pacts import service
from storage.engine import session_scope
from storage.queries import pdp as pq
from storage.queries.members import get_member, get_or_create_member

log = logging.getLogger("pact.pacts")
RESULT = "pact_result"



def _key(services) -> bytes:
    return metadata_key(services.settings)


def finish(body, client, context, services) -> None:
    """The lazy part of every pact change: send, answer, refresh both sides' Home."""
    done: service.Result | None = context.get(RESULT)
    who = read_interaction(body)
    if done is None or who is None:
        return

    def work():
        in_dm = bool(who.channel_id and who.message_ts and body.get("type") == "block_actions"
                     and in_own_dm(client, who.user_id, who.channel_id))
        if done.answered is not None and in_dm:
            _edit_in_place(client, who, done.answered)
        if done.refusal:
            _say(client, body, who, done.refusal, in_dm)
            return
        services.send_now(client, done.outbox_ids)
        if done.text and body.get("type") != "view_submission":
            _say(client, body, who, done.text, in_dm)
        elif done.text:
            client.chat_postMessage(channel=who.user_id, text=done.text)
        if services.refresh_home is not None:
            for user in dict.fromkeys(u for u in done.refresh if u):
                services.refresh_home(client, who.workspace_id, user)
    reported(work, body, client)


def _edit_in_place(client, who, message: dict) -> None:
    """The Accept / Decline DM just answered (or answered before): buttons give way to the
    state line, so an old one never invites a second answer."""
    try:
        client.chat_update(channel=who.channel_id, ts=who.message_ts, text=message["text"],
                           blocks=message["blocks"])
    except SlackApiError as err:
        log.info("could not update a pact DM in place: %s", err.response.get("error"))


def _say(client, body, who, text: str, in_dm: bool) -> None:
    """The answer to a click in the person's DM with Pact shows only to them, under it."""
    if in_dm:
        try:
            client.chat_postEphemeral(channel=who.channel_id, user=who.user_id, text=text)
            return
        except SlackApiError as err:
            log.info("could not answer in the DM: %s", err.response.get("error"))
    tell(client, body, text)


# ---- I'll help ---------------------------------------------------------------------------------


def offer_modal(services, who, _client) -> dict | str:
    """I'll help: what the supporter offers, on something the policy lets them see."""
    with session_scope(services.engine) as session:
        get_or_create_member(session, who.workspace_id, who.user_id)
        title, refusal = service.offer_target(session, who.workspace_id, who.user_id, who.value)
    if refusal:
        return refusal
    view = ui.offer_modal(title, pledge=who.value.startswith("g:"))
    return attach(view, {"target": who.value}, _key(services))


def save_offer(ack, body, view, context, services) -> None:
    who = read_interaction(body)
    meta = read_metadata(view, _key(services)) or {}
    target = meta.get("target")
    if who is None or not isinstance(target, str):
        return ack(response_action="errors", errors={"kind": refusals.STALE})
    form = Form(view)
    new = service.OfferInput(form.choice("kind") or "", form.text("text", multiline=True),
                             form.choice("cadence") or "", form.date("until"))
    with session_scope(services.engine) as session:
        done = service.make_offer(session, who.workspace_id, who.user_id, target, new,
                                  submission_key(body), services.now())
    if done.errors:
        return ack(response_action="errors", errors=done.errors)
    ack()
    context[RESULT] = done


# ---- accept, decline, end, check-in answers ----------------------------------------------------


def _click(body, context, services, use_case, **options) -> None:
    who = read_interaction(body)
    if who is None or who.value_id is None:
        context[RESULT] = service.Result(refusal=refusals.STALE)
        return
    with session_scope(services.engine) as session:
        context[RESULT] = use_case(session, who.workspace_id, who.user_id, who.value_id,
                                   now=services.now(), **options)


def accept(ack, body, context, services) -> None:
    ack()
    _click(body, context, services, service.decide, accept=True)


def decline(ack, body, context, services) -> None:
    ack()
    _click(body, context, services, service.decide, accept=False)


def end(ack, body, context, services) -> None:
    ack()
    _click(body, context, services, service.end)


def checkin_met(ack, body, context, services) -> None:
    ack()
    _click(body, context, services, service.checkin_answer, answer="met")


def checkin_not_yet(ack, body, context, services) -> None:
    ack()
    _click(body, context, services, service.checkin_answer, answer="not_yet")


# ---- ask for support, I'm stuck (the owner, from their objective) ------------------------------


def _own_title(services, who, objective_id) -> str | None:
    with session_scope(services.engine) as session:
        member = get_member(session, who.workspace_id, who.user_id)
        found = pq.get_objective(session, objective_id) if objective_id else None
        if member is None or found is None or found[1].owner_id != member.id:
            return None
        return found[0].title


def _own_modal(services, who, builder) -> dict | str:
    title = _own_title(services, who, who.value_id)
    if title is None:
        return refusals.PLAN_NOT_YOURS
    return attach(builder(title), {"objective": who.value_id}, _key(services))


def ask_modal(services, who, _client) -> dict | str:
    return _own_modal(services, who, ui.ask_modal)


def stuck_modal(services, who, _client) -> dict | str:
    """I'm stuck (Home, plan, progress modal): the owner's note for their supporters, or,
    with none yet, for the team in the linked goal's thread."""
    with session_scope(services.engine) as session:
        title, supporters, team, refusal = service.stuck_form(
            session, who.workspace_id, who.user_id, who.value_id)
    if refusal:
        return refusal
    return attach(ui.stuck_modal(title, supporters, team), {"objective": who.value_id},
                  _key(services))


def _submitted_objective(body, view, services):
    who = read_interaction(body)
    meta = read_metadata(view, _key(services)) or {}
    return who, int_id(meta.get("objective"))


def save_ask(ack, body, client, view, context, services) -> None:
    who, objective_id = _submitted_objective(body, view, services)
    if who is None or objective_id is None:
        return ack(response_action="errors", errors={"who": refusals.STALE})
    form = Form(view)
    picked = form.users("who")
    bad = not_people(services.engine, client, who.workspace_id, picked)
    if bad:
        return ack(response_action="errors", errors={"who": refusals.kudos_not_people(bad)})
    with session_scope(services.engine) as session:
        done = service.ask(session, who.workspace_id, who.user_id, objective_id, picked,
                           form.text("note", multiline=True), submission_key(body), services.now())
    if done.errors:
        return ack(response_action="errors", errors=done.errors)
    ack()
    context[RESULT] = done


def save_stuck(ack, body, view, context, services) -> None:
    who, objective_id = _submitted_objective(body, view, services)
    if who is None or objective_id is None:
        return ack(response_action="errors", errors={"note": refusals.STALE})
    with session_scope(services.engine) as session:
        form = Form(view)
        done = service.stuck(session, who.workspace_id, who.user_id, objective_id,
                             form.text("note", multiline=True), submission_key(body),
                             services.now(), ask_the_team="yes" in form.choices("ask_team"))
    if done.errors:
        return ack(response_action="errors", errors=done.errors)
    ack()
    context[RESULT] = done


# ---- /pact pacts and Home ----------------------------------------------------------------------


def pacts_command(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        member = get_or_create_member(session, req.team_id, req.user_id)
        message = ui.pacts_message(*service.listing(session, member))
    req.ack(response_type="ephemeral", **message)


def home_pacts(session, member, budget) -> list[dict]:
    supporting, supported = service.listing(session, member)
    return (ui.pact_rows(supporting, "I support") + ui.pact_rows(supported, "Supporting me")
            )[:budget]


def home_teammates(session, member, budget) -> list[dict]:
    return ui.teammates_section(service.teammates_objectives(session, member))[:budget]


def goal_pledges(session, goal, viewer) -> list[dict]:
    """The goal's details: who pledged support, and a Pledge support button for its team."""
    return ui.pledge_section(*service.pledges(session, goal, viewer))
