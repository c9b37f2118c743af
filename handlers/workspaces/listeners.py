"""Slack tells Pact it was uninstalled or its bot token revoked; every event is handled once
whichever replica gets it and however often Slack retries."""

from __future__ import annotations

import logging
import threading
import time

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
                                       services.now())
    if not first:
        log.info("event %s already handled, dropped", event_id)
        return BoltResponse(status=200, body="")
    return next()


_HALTED_TTL = 60.0  # seconds a process trusts its list of stopped workspaces
_halted: dict[object, tuple[float, frozenset]] = {}  # per engine: (read at, ids)
_halted_lock = threading.Lock()
_GOODBYES = ("app_uninstalled", "tokens_revoked")


def _halted_ids(services) -> frozenset:
    with _halted_lock:
        at, ids = _halted.get(services.engine, (float("-inf"), frozenset()))
        if time.monotonic() - at > _HALTED_TTL:
            with session_scope(services.engine) as session:
                ids = frozenset(service.stopped_workspaces(session))
            _halted[services.engine] = (time.monotonic(), ids)
        return ids


def _forget_halted(services) -> None:
    with _halted_lock:
        _halted.pop(services.engine, None)


def resume_when_back(body, context, next, services):  # noqa: A002 - Bolt's name
    """Middleware: a request Slack sends from a stopped workspace (other than the goodbye
    events) means Pact is installed there again (with one bot token, a reinstall and a
    restart with the new token): its schedules and outbox resume. In OAuth mode a stopped
    workspace's requests never get this far (it has no installation); its reinstall resumes
    it when the installation is saved."""
    team = context.team_id
    event_type = (body.get("event") or {}).get("type") if body.get("type") == "event_callback" \
        else None
    if team and event_type not in _GOODBYES and team in _halted_ids(services):
        with session_scope(services.engine) as session:
            service.reinstall(session, team, services.now())
        _forget_halted(services)
        log.info("workspace %s is back: its schedules and outbox resume", team)
    return next()


def _stop(services, workspace_id: str, why: str) -> None:
    with session_scope(services.engine) as session:
        service.uninstall(session, workspace_id, services.now(),
                          services.settings.retention_days)
    _forget_halted(services)
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
