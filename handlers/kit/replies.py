"""Answering the person who clicked, wherever they clicked from."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from handlers.kit.blocks import notice_modal

log = logging.getLogger("pact.replies")


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
