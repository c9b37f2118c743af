"""Learning labs at Slack's edge: `/pact lab setup`, `/pact lab`, `/pact lab topic`, and the
session buttons (skip, swap with both people agreeing, done)."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.directory import not_people
from bot.errors import reported
from handlers.kit import refusals
from handlers.kit.blocks import escape, mention, slack_datetime
from handlers.kit.forms import Form, clean_text
from handlers.kit.metadata import attach, metadata_key, read_metadata
from handlers.kit.once import Repeated, once
from handlers.kit.payload import int_id, read_interaction
from handlers.kit.replies import tell
from handlers.kit.router import CommandRequest
from handlers.labs import blocks as ui
from handlers.labs import jobs, service, setup
from handlers.labs.sessions import announcement_of
from storage.engine import now_of, session_scope
from storage.queries import labs as lq

log = logging.getLogger("pact.labs")


def refresh_post(engine, client, session_id: int) -> None:
    """Show the session's current presenter and topic in its announcement, in place (after
    the change was committed)."""
    with session_scope(engine) as session:
        lab_session, lab, team = lq.session_with_lab(session, session_id)
        if team is None or not lab_session.channel_ts:
            return
        text, blocks = announcement_of(session, lab, team, lab_session)
        channel, ts = team.channel_id, lab_session.channel_ts
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SlackApiError as err:
        log.warning("could not update the lab post of session %s: %s", session_id,
                    err.response.get("error"))


# ---- hooks of other features ------------------------------------------------------------------

def on_member_left(session, team, member) -> None:
    service.member_left(session, team, member, now_of(session))


def on_team_saved(session, team) -> None:
    jobs.sync_team_lab(session, team, now_of(session))


# ---- setup -----------------------------------------------------------------------------------

def lab_setup(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        form = setup.setup_form(session, req.team_id, req.channel_id, req.user_id)
    if isinstance(form, str):
        return req.ack(text=form, response_type="ephemeral")
    view = attach(ui.setup_modal(cadence=form.cadence, duration=form.duration,
                                 announce_days=form.announce_days, members=form.members),
                  {"team": form.team_id, "channel": form.channel_id},
                  metadata_key(req.services.settings))
    req.open_form(view)


def _setup_input(view) -> setup.SetupInput:
    form = Form(view)
    duration = int_id(form.choice("duration")) or 60
    try:
        announce_days = int(form.text("announce") or 3)
    except ValueError:
        announce_days = 0
    return setup.SetupInput(form.text("cadence"), duration, announce_days,
                              form.users("members"))


def save_setup(ack, body, view, services) -> None:
    try:
        _save_setup(ack, body, view, services)
    except Repeated:
        ack()


def _save_setup(ack, body, view, services) -> None:
    who = read_interaction(body)
    meta = read_metadata(view, metadata_key(services.settings))
    team_id = int_id((meta or {}).get("team"))
    if who is None or team_id is None:
        return ack(response_action="errors", errors={"cadence": refusals.STALE})
    with session_scope(services.engine) as session:
        errors = setup.save_setup(session, who.workspace_id, who.user_id, team_id,
                                    _setup_input(view), services.now())
        if errors:
            return ack(response_action="errors", errors=errors)
        once(session, body, who.workspace_id)
    ack()


def after_setup(body, client, view, services) -> None:
    def work():
        who = read_interaction(body)
        team_id = int_id((read_metadata(view, metadata_key(services.settings)) or {})
                         .get("team"))
        if who is None or team_id is None:
            return
        with session_scope(services.engine) as session:
            done = setup.setup_done(session, who.workspace_id, team_id, services.now())
        if done is None:
            return
        services.send_now(client, done.outbox_ids)
        summary = done.summary
        if done.first_at is not None:
            summary += f" First session {slack_datetime(done.first_at)}" + (
                f", {mention(done.first_presenter)} presents." if done.first_presenter else ".")
        try:
            client.chat_postEphemeral(channel=done.channel_id, user=who.user_id, text=summary)
        except SlackApiError:
            client.chat_postMessage(channel=who.user_id, text=summary)
    reported(work, body, client)


# ---- listing and topics ----------------------------------------------------------------------

def lab_show(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        found = service.upcoming(session, req.team_id, req.channel_id, req.services.now())
    if isinstance(found, str):
        return req.ack(text=found, response_type="ephemeral")
    req.ack(text=f"Next learning-lab sessions of {escape(found.team_name)}",
            blocks=ui.upcoming_message(found.team_name, found.rule_text, found.rows,
                                       found.notes),
            response_type="ephemeral")


def lab_topic(req: CommandRequest) -> None:
    topic = clean_text(" ".join(req.args), limit=300)
    if not topic:
        return req.ack(text=refusals.LAB_TOPIC_USAGE, response_type="ephemeral")
    with session_scope(req.services.engine) as session:
        lab_session, refusal = service.set_topic(session, req.team_id, req.channel_id,
                                                 req.user_id, topic, req.services.now())
        if lab_session is not None:
            req.body["_lab_session"] = lab_session.id
            when = lab_session.starts_at
    if refusal:
        return req.ack(text=refusal, response_type="ephemeral")
    req.ack(text=f"Topic set for your session {slack_datetime(when)}: {escape(topic)}",
            response_type="ephemeral")


def lab_topic_later(req: CommandRequest) -> None:
    if req.body.get("_lab_session"):
        refresh_post(req.services.engine, req.client, req.body["_lab_session"])


# ---- session buttons -------------------------------------------------------------------------


def _answer(client, body, result: service.Result, services) -> None:
    """After the use case committed: edit the announcement, send, tell whoever clicked."""
    if result.refresh is not None:
        refresh_post(services.engine, client, result.refresh)
    services.send_now(client, result.outbox_ids)
    if result.told:
        tell(client, body, result.told)


def skip(body, client, services) -> None:
    def work():
        who = read_interaction(body)
        if who is None or who.value_id is None:
            return tell(client, body, refusals.STALE)
        with session_scope(services.engine) as session:
            result = service.skip_turn(session, who.workspace_id, who.user_id, who.value_id,
                                       services.now())
        if result.refusal:
            return tell(client, body, result.refusal)
        _answer(client, body, result, services)
    reported(work, body, client)


def swap_modal(services, who, _client) -> dict | str:
    """Asking someone to take this session, for its presenter while it is still ahead."""
    if who.value_id is None:
        return refusals.STALE
    with session_scope(services.engine) as session:
        refusal = service.may_swap(session, who.workspace_id, who.user_id, who.value_id,
                                   services.now())
    return refusal or attach(ui.swap_modal(), {"session": who.value_id},
                             metadata_key(services.settings))


def _swap_session(view, services) -> int | None:
    return int_id((read_metadata(view, metadata_key(services.settings)) or {}).get("session"))


def save_swap(ack, body, view, client, services) -> None:
    try:
        _save_swap(ack, body, view, client, services)
    except Repeated:
        ack()


def _save_swap(ack, body, view, client, services) -> None:
    who = read_interaction(body)
    session_id = _swap_session(view, services)
    if who is None or session_id is None:
        return ack(response_action="errors", errors={"other": refusals.STALE})
    other = Form(view).user("other")
    if other and not_people(services.engine, client, who.workspace_id, [other]):
        # Slack is the word on who is still an active human (the stored seat may be stale).
        return ack(response_action="errors", errors={"other": refusals.not_people([other])})
    with session_scope(services.engine) as session:
        result = service.request_swap(session, who.workspace_id, who.user_id, session_id,
                                      other, services.now())
        if result.refusal:
            return ack(response_action="errors", errors={"other": result.refusal})
        once(session, body, who.workspace_id)
    ack()


def after_swap(body, client, view, services) -> None:
    def work():
        session_id = _swap_session(view, services)
        who = read_interaction(body)
        if who is None or session_id is None:
            return
        with session_scope(services.engine) as session:
            ids = service.pending_swap_requests(session, session_id)
        services.send_now(client, ids)
        client.chat_postMessage(channel=who.user_id, text="I asked them; you'll hear back "
                                "here once they answer.")
    reported(work, body, client)


def _answer_swap(body, client, services, accepted: bool) -> None:
    who = read_interaction(body)
    if who is None or who.value_id is None:
        return tell(client, body, refusals.STALE)
    with session_scope(services.engine) as session:
        result = service.answer_swap(session, who.workspace_id, who.user_id, who.value_id,
                                     accepted, services.now())
    if result.refusal:
        return tell(client, body, result.refusal)
    _answer(client, body, result, services)
    verdict = "accepted" if accepted else "declined"
    client.chat_postMessage(channel=result.asker, text=f"{mention(who.user_id)} {verdict} your swap "
                            "request." + (" They present this time; you keep your turn."
                                          if accepted else " The session stays yours."))
    container = who.container
    if container.get("channel_id") and container.get("message_ts"):
        client.chat_update(channel=container["channel_id"], ts=container["message_ts"],
                           text=f"You {verdict} the swap with {mention(result.asker)}.", blocks=[])


def accept_swap(body, client, services) -> None:
    reported(lambda: _answer_swap(body, client, services, True), body, client)


def decline_swap(body, client, services) -> None:
    reported(lambda: _answer_swap(body, client, services, False), body, client)


def done(body, client, services) -> None:
    def work():
        who = read_interaction(body)
        if who is None or who.value_id is None:
            return tell(client, body, refusals.STALE)
        with session_scope(services.engine) as session:
            result = service.mark_done(session, who.workspace_id, who.user_id, who.value_id,
                                       services.now(), services.emit)
        if result.refusal:
            return tell(client, body, result.refusal)
        _answer(client, body, result, services)
    reported(work, body, client)
