"""Sending one outbox row to Slack and saying what happened, without touching the database.

The outbox claims and records; this module only talks to Slack: a post or an edit in place, its
file if it has one, and an `Outcome` that the outbox turns into sent, retry or failed.
"""

from __future__ import annotations

import base64
import logging
import threading
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from storage.queries import outbox as q

log = logging.getLogger("pact.outbox")

@dataclass
class Outcome:
    message: q.ClaimedMessage
    kind: str  # ok | ratelimited | release | error | transient
    detail: str = ""
    ts: str | None = None
    channel: str | None = None
    retry_after: float = 0.0


AUTH_REFUSED = ("invalid_auth", "token_revoked", "token_expired", "not_authed")  # not sent
_clients: dict[tuple, WebClient] = {}
_clients_lock = threading.Lock()


def sending_client(client):
    """`client` without retry handlers that sleep in the thread (429, 5xx): the outbox retries
    those itself, per message, without holding up anything else."""
    handlers = getattr(client, "retry_handlers", None) or []
    if not any(isinstance(h, (RateLimitErrorRetryHandler, ServerErrorRetryHandler))
               for h in handlers):
        return client
    key = (client.token, client.base_url, client.timeout)
    with _clients_lock:
        found = _clients.get(key)
        if found is None:
            found = _clients[key] = WebClient(token=client.token, base_url=client.base_url,
                                              timeout=client.timeout, retry_handlers=[])
        return found


def send_as_workspace(client, message: q.ClaimedMessage) -> Outcome:
    """Send with the token of the message's own workspace: `client` is one WebClient (one
    workspace) or, in OAuth mode, something whose `for_workspace(id)` gives that workspace's."""
    if not hasattr(client, "for_workspace"):
        return _send(client, message)
    workspaces = client
    try:
        client = workspaces.for_workspace(message.workspace_id)
    except Exception as err:  # noqa: BLE001 - e.g. a refresh that failed: retried
        return Outcome(message, "transient", f"no token: {type(err).__name__}: {err}"[:300])
    if client is None:
        return Outcome(message, "transient", "no installation for this workspace")
    outcome = _send(client, message)
    if outcome.kind == "error" and outcome.detail in AUTH_REFUSED \
            and hasattr(workspaces, "forget"):
        # The token kept for a few seconds may have been replaced (a reinstall): look again.
        workspaces.forget(message.workspace_id)
        fresh = workspaces.for_workspace(message.workspace_id)
        if fresh is not None and fresh.token != client.token:
            outcome = _send(fresh, message)
    return outcome


def _send(client, message: q.ClaimedMessage) -> Outcome:
    channel = message.channel
    try:
        if message.update_ts:  # an edit in place of a post Pact made earlier
            response = client.chat_update(channel=channel, ts=message.update_ts,
                                          text=message.text, blocks=message.blocks or [])
        else:
            if "," in channel:  # a group DM named by its people: Slack opens (or finds) it
                channel = client.conversations_open(users=channel)["channel"]["id"]
            response = client.chat_postMessage(
                channel=channel, text=message.text, blocks=message.blocks or None,
                thread_ts=message.thread_ts, unfurl_links=False, unfurl_media=False)
    except SlackApiError as err:
        response = err.response
        status = getattr(response, "status_code", 200)
        if status == 429:
            headers = getattr(response, "headers", {}) or {}
            raw = headers.get("Retry-After") or headers.get("retry-after") or "1"
            raw = raw[0] if isinstance(raw, list) else raw
            try:
                wait = max(float(raw), 0.0)
            except ValueError:
                wait = 1.0
            return Outcome(message, "ratelimited", "ratelimited", retry_after=wait)
        if status >= 500:
            return Outcome(message, "transient", f"http_{status}")
        data = response.data if isinstance(getattr(response, "data", None), dict) else {}
        return Outcome(message, "error", data.get("error") or f"http_{status}")
    except Exception as err:  # noqa: BLE001 - timeouts and network trouble: retried
        return Outcome(message, "transient", f"{type(err).__name__}: {err}"[:300])
    outcome = Outcome(message, "ok", ts=response.get("ts") or message.update_ts,
                       channel=response.get("channel") or channel)
    if message.attachment:
        _attach(client, message, outcome)
    return outcome


def _attach(client, message: q.ClaimedMessage, posted: Outcome) -> None:
    """The message's file, in the thread of the post just made. The post is out: a failed
    upload is logged, never retried (that would post the message again)."""
    spec = message.attachment
    try:
        client.files_upload_v2(channel=posted.channel, thread_ts=posted.ts, file_uploads=[{
            "content": base64.b64decode(spec["base64"]), "filename": spec["filename"],
            "title": spec.get("title") or spec["filename"], "alt_txt": spec.get("alt_txt")}])
    except Exception as err:  # noqa: BLE001 - the post went out; only the file is missing
        log.warning("outbox %s (%s): its file could not be uploaded: %s", message.id,
                    message.kind, f"{type(err).__name__}: {err}"[:300])
