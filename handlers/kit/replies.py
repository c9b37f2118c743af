"""Answering the person who clicked, wherever they clicked from."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.errors import reported
from handlers.kit import refusals
from handlers.kit.blocks import notice_modal
from handlers.kit.payload import Interaction, read_interaction
from storage.engine import session_scope
from storage.models import OutboxMessage
from storage.queries import outbox
from storage.queries import teams as tq

log = logging.getLogger("pact.replies")

# Slack's errors for a channel Pact cannot post in until someone invites it.
CANNOT_POST = {"not_in_channel", "channel_not_found"}
# Slack's answers to views.open / views.push when the click's trigger is no longer usable.
TRIGGER_GONE = ("expired_trigger_id", "exchanged_trigger_id")


def clicker(body: dict) -> str:
    """The Slack user id of whoever sent this interaction (Slack-signed, so trustworthy)."""
    return (body.get("user") or {}).get("id") or body.get("user_id") or ""


def in_modal(body: dict) -> bool:
    return (body.get("view") or {}).get("type") == "modal"


def open_modal(client, body: dict, view: dict) -> None:
    """Open `view` from a button: pushed over the modal it came from (with the fresh trigger
    from inside it), else opened from a message or the Home tab."""
    if in_modal(body):
        client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)


def ack_only(ack) -> None:
    """The answer of a click whose work runs after it (Bolt's `lazy`)."""
    ack()


def opens_modal(build, services, *, title: str = "Pact"):
    """The after-the-answer half of a button that opens a modal (register it with
    `ack=ack_only, lazy=[opens_modal(build, services)]`): `build(services, who, client)` makes
    the view for the verified clicker, which opens over the message or is pushed over the
    modal; a string it returns is a refusal, told to the clicker instead (`title` names the
    notice when it is shown as a small modal).

    A trigger Slack no longer accepts (a second copy of a double click) is ignored: the first
    copy already opened the modal."""

    def open_it(body, client):
        def work():
            who: Interaction | None = read_interaction(body)
            view = build(services, who, client) if who is not None else refusals.STALE
            if isinstance(view, str):
                return tell(client, body, view, title=title)
            try:
                open_modal(client, body, view)
            except SlackApiError as err:
                if err.response.get("error") not in TRIGGER_GONE:
                    raise
                log.info("a modal did not open: %s", err.response.get("error"))
        reported(work, body, client, response_urls=services.settings.response_url_hosts)

    return open_it


def tell(client, body: dict, text: str, *, title: str = "Pact") -> None:
    """A short answer to the person who clicked: ephemeral under a channel message, a small
    modal over a modal or the Home tab, a DM when neither works."""
    user = clicker(body)
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    try:
        if channel and channel[:1] != "D" and container.get("type") != "view":
            client.chat_postEphemeral(channel=channel, user=user, text=text)
            return
        if body.get("trigger_id") and body.get("view"):
            open_modal(client, body, notice_modal(title, text))
            return
    except SlackApiError as err:
        log.info("could not answer %s in place (%s); sending a DM", user,
                 err.response.get("error"))
    client.chat_postMessage(channel=user, text=text)


def tell_if_cannot_post(services, client, message_id, user_id: str, channel_id: str,
                        text: str | None = None, blocks: list | None = None) -> bool:
    """If the outbox message could not be posted because Pact is not in the channel, DM the
    person how to invite it (the message itself stays in the outbox and goes out once Pact is
    invited). Returns True when they were told.

    The DM uses the same idempotency key as the note the team's leads get from the outbox, so a
    lead who acted gets one DM, not two: the note they already got is edited to say this.
    """
    engine = services.engine
    if message_id is None:
        return False
    with session_scope(engine) as session:
        message = session.get(OutboxMessage, message_id)
        error = message.last_error if message is not None and message.status != "sent" \
            else None
        if error not in CANNOT_POST and error != "is_archived":
            return False
        if text is None:
            text = refusals.channel_archived(channel_id) if error == "is_archived" \
                else refusals.not_in_channel(channel_id)
        team = tq.team_for_channel(session, message.workspace_id, channel_id)
        kind = "not_in_channel" if error == "not_in_channel" else "channel_gone"
        day = services.now().date().isoformat()
        key = (f"{kind}:{team.id}:{channel_id}:{day}:{user_id}" if team is not None
               else f"{kind}:-:{channel_id}:{day}:{user_id}")
        dm_id = outbox.enqueue(session, workspace_id=message.workspace_id, key=key,
                               channel=user_id, text=text, blocks=blocks,
                               kind="channel_trouble")
        earlier = outbox.by_key(session, key) if dm_id is None else None
        sent_channel = sent_ts = None
        if earlier is not None and earlier.status == "pending":
            earlier.text, earlier.blocks = text, blocks
            session.add(earlier)
            dm_id = earlier.id
        elif earlier is not None and earlier.status == "sent":
            sent_channel, sent_ts = earlier.sent_channel, earlier.sent_ts
    if dm_id is None and sent_ts is None:
        return False  # the earlier note could not be delivered either (recorded there)
    if dm_id is not None:
        return services.send_now(client, [dm_id]) == 1 or _sent(engine, dm_id)
    try:  # already told today: make that one DM the more helpful message
        client.chat_update(channel=sent_channel, ts=sent_ts, text=text, blocks=blocks)
    except SlackApiError as err:
        log.warning("could not update the note to %s about %s: %s", user_id, channel_id,
                    err.response.get("error"))
    return True


def _sent(engine, message_id: int) -> bool:
    with session_scope(engine) as session:
        message = session.get(OutboxMessage, message_id)
        return message is not None and message.status == "sent"


def in_own_dm(client, user_id: str, channel_id: str) -> bool:
    """Is `channel_id` the person's DM with Pact? (A payload's container only selects: a
    forged one must not let Pact edit its post in someone else's channel.)"""
    try:
        dm = client.conversations_open(users=user_id)["channel"]["id"]
    except (SlackApiError, KeyError, TypeError):
        return False
    return dm == channel_id
