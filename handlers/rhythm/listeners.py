"""The rhythm's buttons: "I'm stuck" on a check-in (a short modal first), "Snooze a week" on a
nudge, "Resume" for a paused team. Each acks at once; the work runs after the ack."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.errors import reported
from handlers.kit import refusals
from handlers.kit.blocks import channel_ref, slack_datetime
from handlers.kit.forms import Form
from handlers.kit.metadata import attach, metadata_key, read_metadata
from handlers.kit.payload import int_id, read_interaction, submission_key
from handlers.kit.replies import in_own_dm
from handlers.rhythm import service
from handlers.rhythm.blocks import snoozed_message, stuck_modal
from storage.engine import session_scope

log = logging.getLogger("pact.rhythm")



def stuck_form(services, click, _client) -> dict | str:
    """ "I'm stuck" asks what the person is stuck on (a short modal) before anything is
    posted; someone outside the goal's team is told at once."""
    if click.value_id is None:
        return refusals.STALE
    title, refusal = service.stuck_form(services.engine, click.workspace_id, click.user_id,
                                        click.value_id)
    if refusal:
        return refusal
    thread_ts = click.thread_ts or click.message_ts
    return attach(stuck_modal(title), {"goal": click.value_id, "thread": thread_ts[:32]},
                  metadata_key(services.settings))


def save_stuck(ack, body, view, context, services):
    who = read_interaction(body)
    meta = read_metadata(view, metadata_key(services.settings)) if who else None
    goal_id = int_id((meta or {}).get("goal"))
    if meta is None or goal_id is None:
        return ack(response_action="errors", errors={"note": refusals.STALE})
    note = Form(view).text("note", multiline=True)
    if not note:
        return ack(response_action="errors", errors={"note": refusals.STUCK_SAY_WHAT})
    with session_scope(services.engine) as session:
        asked = service.ask_for_help(session, who.workspace_id, who.user_id, goal_id,
                                     str(meta.get("thread") or "")[:32], note,
                                     submission_key(body), services.now())
    if asked.refusal:
        return ack(response_action="errors", errors={"note": asked.refusal})
    context["pact_stuck"] = asked.message_id
    ack()


def after_stuck(body, client, context, services):
    if context.get("pact_stuck"):
        reported(lambda: services.send_now(client, [context["pact_stuck"]]), body, client)


def snooze(body, client, services):
    reported(lambda: _snooze(body, client, services), body, client)


def _snooze(body, client, services) -> None:
    click = read_interaction(body)
    if click is None:
        return
    subjects = [s for s in click.value.split(",") if s and ":" in s][:50]
    until = service.snooze(services.engine, click.workspace_id, click.user_id, subjects,
                           services.now())
    text, blocks = snoozed_message(until)
    if click.channel_id and click.message_ts and _own_dm(client, click):
        try:
            client.chat_update(channel=click.channel_id, ts=click.message_ts, text=text,
                               blocks=blocks)
            return
        except SlackApiError as err:
            log.info("could not update the nudge in place: %s", err.response.get("error"))
    client.chat_postMessage(channel=click.user_id, text=text, blocks=blocks)


def _own_dm(client, click) -> bool:
    return in_own_dm(client, click.user_id, click.channel_id)


def resume(body, client, services):
    reported(lambda: _resume(body, client, services), body, client)


def _resume(body, client, services) -> None:
    """A lead fixed the channel: check it with Slack, then run the team's schedules again."""
    click = read_interaction(body)
    if click is None:
        return
    user, team_id = click.user_id, click.value_id
    allowed = service.may_resume(services.engine, click.workspace_id, user, team_id)
    if allowed.refusal:
        client.chat_postMessage(channel=user, text=allowed.refusal)
        return
    channel = allowed.channel
    try:
        info = client.conversations_info(channel=channel)["channel"]
        problem = "is still archived" if info.get("is_archived") else None
    except SlackApiError as err:
        problem = f"still can't be reached ({err.response.get('error')})"
    if problem:
        client.chat_postMessage(channel=user, text=f"{channel_ref(channel)} {problem}. Unarchive it or "
                                "invite Pact, then press Resume again.")
        return
    nxt = service.resume(services.engine, click.workspace_id, team_id, services.now())
    when = f" The next check-in is {slack_datetime(nxt)}." if nxt else ""
    client.chat_postMessage(channel=user, text=f"Resumed: Pact posts in {channel_ref(channel)} again."
                            f"{when}")
