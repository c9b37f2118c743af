"""Delivering outbox messages to Slack: claim, send outside any transaction, record.

Handlers call `deliver_now` right after committing so people see the message at once; the
tick calls `deliver_due` so anything left behind by a crash or a failure goes out later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.engine import session_scope
from storage.models import OutboxMessage
from storage.queries import outbox as q
from storage.types import utcnow

log = logging.getLogger("pact.outbox")

MAX_ATTEMPTS = 5
BACKOFF = [timedelta(seconds=s) for s in (30, 120, 600, 1800)]
# Slack errors that retrying will not fix: record and stop.
PERMANENT = {"channel_not_found", "not_in_channel", "is_archived", "user_not_found",
             "user_disabled", "account_inactive", "invalid_blocks", "invalid_blocks_format",
             "msg_too_long", "no_text", "cannot_dm_bot", "messages_tab_disabled",
             "restricted_action", "invalid_auth", "not_authed", "token_revoked"}
SKIP = {"user_disabled", "account_inactive", "user_not_found", "cannot_dm_bot"}

# after_send hooks: "goal_post:12" calls AFTER_SEND["goal_post"](session, "12", channel, ts).
AfterSend = Callable[[Session, str, str, str], None]
AFTER_SEND: dict[str, AfterSend] = {}


def register_after_send(name: str, hook: AfterSend) -> None:
    AFTER_SEND[name] = hook


def deliver_now(engine: Engine, client, message_ids, now: datetime | None = None) -> int:
    """Send these messages if still pending; returns how many were sent."""
    return sum(_deliver_one(engine, client, mid, now or utcnow())
               for mid in message_ids if mid is not None)


def deliver_due(engine: Engine, client, now: datetime, limit: int = 500) -> int:
    with session_scope(engine) as session:
        ids = q.due_ids(session, now, limit)
    return deliver_now(engine, client, ids, now)


def _deliver_one(engine: Engine, client, message_id: int, now: datetime) -> bool:
    with session_scope(engine) as session:
        message = q.claim(session, message_id, now)
    if message is None:
        return False
    try:
        response = client.chat_postMessage(
            channel=message.channel, text=message.text, blocks=message.blocks,
            thread_ts=message.thread_ts, unfurl_links=False, unfurl_media=False)
    except SlackApiError as err:
        _record_failure(engine, message, err.response.get("error") or
                        f"http_{err.response.status_code}", now)
        return False
    except Exception as err:  # noqa: BLE001 - network trouble: retried with backoff
        _record_failure(engine, message, f"{type(err).__name__}: {err}", now)
        return False
    with session_scope(engine) as session:
        q.mark_sent(session, message, ts=response.get("ts"), channel=response.get("channel"),
                    now=utcnow())
        if message.after_send:
            name, _, ref = message.after_send.partition(":")
            hook = AFTER_SEND.get(name)
            if hook is None:
                log.error("no after-send hook %r for outbox message %s", name, message.id)
            else:
                hook(session, ref, response.get("channel"), response.get("ts"))
    return True


def _record_failure(engine: Engine, message: OutboxMessage, error: str, now: datetime) -> None:
    with session_scope(engine) as session:
        if error in SKIP:
            log.info("outbox %s (%s) skipped: %s", message.id, message.kind, error)
            q.mark_failed(session, message, error=error, status="skipped")
        elif error in PERMANENT or message.attempts >= MAX_ATTEMPTS:
            log.warning("outbox %s (%s) failed for good after %s attempts: %s", message.id,
                        message.kind, message.attempts, error)
            q.mark_failed(session, message, error=error)
        else:
            delay = BACKOFF[min(message.attempts - 1, len(BACKOFF) - 1)]
            log.info("outbox %s (%s) will retry in %s: %s", message.id, message.kind, delay,
                     error)
            q.mark_retry(session, message, error=error, at=now + delay)
