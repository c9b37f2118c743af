"""Slack tells Pact it was uninstalled or its bot token revoked; every event is handled once
whichever replica gets it and however often Slack retries."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from slack_bolt import BoltResponse

from handlers.workspaces import service
from storage.engine import session_scope

log = logging.getLogger("pact.workspaces")


def once_per_event(body, next, services):  # noqa: A002 - Bolt names the argument `next`
    """Middleware: an Events API delivery whose `event_id` was already taken (a retry, or the
    copy another replica got) is acknowledged and dropped, using the database, not memory."""
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if not event_id:
        return next()
    with session_scope(services.engine) as session:
        first = service.first_delivery(session, str(event_id), str(body.get("team_id") or ""),
                                       datetime.now(UTC))
    if not first:
        log.info("event %s already handled, dropped", event_id)
        return BoltResponse(status=200, body="")
    return next()


def _stop(services, workspace_id: str, why: str) -> None:
    with session_scope(services.engine) as session:
        service.uninstall(session, workspace_id, datetime.now(UTC),
                          services.settings.retention_days)
    days = services.settings.retention_days
    log.warning("workspace %s: %s; its schedules and outbox are stopped, its data %s",
                workspace_id, why, f"is deleted in {days} days unless Pact is reinstalled"
                if days else "is kept (PACT_RETENTION_DAYS=0)")


def on_app_uninstalled(body, context, services) -> None:
    workspace_id = context.team_id or body.get("team_id")
    if workspace_id:
        _stop(services, workspace_id, "Pact was uninstalled")


def on_tokens_revoked(event, body, context, services) -> None:
    workspace_id = context.team_id or body.get("team_id")
    if workspace_id and service.revokes_the_bot(event):
        _stop(services, workspace_id, "the bot token was revoked")
