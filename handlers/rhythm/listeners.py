"""The rhythm's buttons: "I'm stuck" on a check-in, "Snooze a week" on a nudge, "Resume" for a
paused team. Each acks at once; the work runs after the ack."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.errors import reported
from handlers.kit.blocks import channel_ref, slack_datetime
from handlers.kit.payload import read_interaction
from handlers.kit.replies import in_own_dm, tell
from handlers.rhythm import service
from handlers.rhythm.blocks import snoozed_message
from storage.types import utcnow

log = logging.getLogger("pact.rhythm")


def ack_only(ack):
    ack()


def stuck(body, client, services):
    reported(lambda: _stuck(body, client, services), body, client)


def _stuck(body, client, services) -> None:
    click = read_interaction(body)
    if click is None:
        return
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    thread_ts = message.get("thread_ts") or click.message_ts or message.get("ts") or ""
    asked = service.ask_for_help(services.engine, click.workspace_id, click.user_id,
                                 click.value_id, str(thread_ts)[:32])
    if asked.refusal:
        tell(client, body, asked.refusal)
        return
    services.send_now(client, [asked.message_id])


def snooze(body, client, services):
    reported(lambda: _snooze(body, client, services), body, client)


def _snooze(body, client, services) -> None:
    click = read_interaction(body)
    if click is None:
        return
    subjects = [s for s in click.value.split(",") if s and ":" in s][:50]
    until = service.snooze(services.engine, click.workspace_id, click.user_id, subjects,
                           utcnow())
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
    nxt = service.resume(services.engine, click.workspace_id, team_id, utcnow())
    when = f" The next check-in is {slack_datetime(nxt)}." if nxt else ""
    client.chat_postMessage(channel=user, text=f"Resumed: Pact posts in {channel_ref(channel)} again."
                            f"{when}")
