"""Slack tells Pact it was uninstalled or its bot token revoked (in a workspace, in a whole
Enterprise Grid organisation, or in some workspaces of one); every event is handled once
whichever replica gets it and however often Slack retries, and again when handling failed."""

from __future__ import annotations

import logging
import threading
import time

from slack_bolt import BoltResponse
from slack_bolt.listener.listener_completion_handler import ListenerCompletionHandler

from handlers.workspaces import service
from storage.engine import session_scope

log = logging.getLogger("pact.workspaces")


EVENT_CLAIM_KEY = "pact_event_claim"


def once_per_event(body, context, next, services):  # noqa: A002 - Bolt names it `next`
    """Middleware: an Events API delivery claims its `event_id` in the database (not memory)
    before it is handled. A copy another replica holds or handled (a retry, the same event
    sent twice) is acknowledged and dropped; `EventOutcome` settles the claim afterwards."""
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if not event_id:
        return next()
    with session_scope(services.engine) as session:
        claim = service.claim_event(session, str(event_id), context.team_id or "",
                                    services.now())
    if claim is None:
        log.info("event %s already handled or being handled, dropped", event_id)
        return BoltResponse(status=200, body="")
    context[EVENT_CLAIM_KEY] = (str(event_id), claim)
    return next()


class EventOutcome(ListenerCompletionHandler):
    """After an event's listener ran (Pact handles events before answering Slack): handled,
    its `event_id` is remembered so that every copy is dropped; failed (Slack gets a 500), the
    claim is released so that Slack's retry is handled, by whichever replica gets it."""

    def __init__(self, services):
        self.services = services

    def handle(self, request, response) -> None:
        claim = request.context.get(EVENT_CLAIM_KEY)
        if not claim:
            return
        event_id, until = claim
        # A listener that raised leaves a 500 here; one that ran leaves its (automatic) ack.
        answer = response if response is not None else request.context.ack.response
        with session_scope(self.services.engine) as session:
            if answer is not None and answer.status < 500:
                service.event_handled(session, event_id, until, self.services.now())
            else:
                service.event_failed(session, event_id, until)
                log.warning("event %s failed; Slack's retry will handle it", event_id)
        request.context.pop(EVENT_CLAIM_KEY, None)


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
    restart with the new token): its schedules and outbox resume. Not in OAuth mode: there
    an install resumes a workspace when it is saved (an org-wide one: also when a workspace
    is added to it, `team_access_granted`), and a request alone proves nothing (an org-wide
    install's token still reaches a workspace the organisation took Pact out of)."""
    if services.settings.oauth_mode:
        return next()
    team = context.team_id
    event_type = (body.get("event") or {}).get("type") if body.get("type") == "event_callback" \
        else None
    if team and event_type not in _GOODBYES and team in _halted_ids(services):
        with session_scope(services.engine) as session:
            service.reinstall(session, team, services.now())
        _forget_halted(services)
        log.info("workspace %s is back: its schedules and outbox resume", team)
    return next()


def request_workspace(body, context) -> str | None:
    """The workspace of a verified request, which every row it reads or writes is sealed to.
    Bolt gives it, except for the events of an org-wide install (Enterprise Grid), whose
    authorization names the organisation only: there it is the event's own workspace, the
    envelope's `team_id`, set by Slack (never an id inside the event). A shared channel's
    event may come from another organisation's workspace: it stays without one."""
    if context.team_id is None and context.is_enterprise_install \
            and body.get("type") == "event_callback" and not body.get("is_ext_shared_channel"):
        team = body.get("team_id")
        if isinstance(team, str) and team.startswith("T"):
            context["team_id"] = team
    return context.team_id


_NOTED_TTL = 600.0  # seconds before a process writes again that a workspace is the org's
_noted: dict[tuple[object, str, str], float] = {}  # (engine, workspace, org): written at
_noted_lock = threading.Lock()


def note_org_workspace(body, context, next, services):  # noqa: A002 - Bolt's name
    """Middleware: a request through an org-wide install tells which workspaces belong to
    the organisation, so that the scheduler and outbox find its token for them and its
    uninstall stops them all. Written once in a while per process and workspace (again
    after `_NOTED_TTL`, in case a worker deleted the workspace's record meanwhile)."""
    team, org = context.team_id, context.enterprise_id
    if team and org and context.is_enterprise_install:
        key = (services.engine, team, org)
        with _noted_lock:
            due = time.monotonic() - _noted.get(key, float("-inf")) > _NOTED_TTL
        if due:
            with session_scope(services.engine) as session:
                service.note_org_workspace(session, team, org, services.now())
            with _noted_lock:
                _noted[key] = time.monotonic()
    return next()


def _retention(services) -> str:
    days = services.settings.retention_days
    return (f"is deleted in {days} days unless Pact is reinstalled" if days
            else "is kept (PACT_RETENTION_DAYS=0)")


def _stop(services, workspace_id: str, why: str) -> None:
    with session_scope(services.engine) as session:
        service.uninstall(session, workspace_id, services.now(),
                          services.settings.retention_days)
    _forget_halted(services)
    log.warning("workspace %s: %s; its schedules and outbox are stopped, its data %s",
                workspace_id, why, _retention(services))


def _stop_org(services, enterprise_id: str, why: str) -> None:
    with session_scope(services.engine) as session:
        stopped = service.uninstall_org(session, enterprise_id, services.now(),
                                        services.settings.retention_days)
    _forget_halted(services)
    with _noted_lock:
        for key in [k for k in _noted if k[2] == enterprise_id]:
            del _noted[key]
    log.warning("organisation %s: %s; the schedules and outbox of its %d workspace(s) (%s) "
                "are stopped, their data %s", enterprise_id, why, len(stopped),
                ", ".join(stopped) or "none yet", _retention(services))


def _goodbye(body, context, services, why: str) -> None:
    if context.is_enterprise_install and context.enterprise_id:
        _stop_org(services, context.enterprise_id, why)
        return
    workspace_id = context.team_id or body.get("team_id")
    if workspace_id:
        _stop(services, workspace_id, why)


def on_app_uninstalled(body, context, services) -> None:
    _goodbye(body, context, services, "Pact was uninstalled")


def on_tokens_revoked(event, body, context, services) -> None:
    if service.revokes_the_bot(event):
        _goodbye(body, context, services, "the bot token was revoked")


def _org_team_ids(event, context) -> tuple[str, list[str]] | None:
    """The organisation of an org-wide install's event and the workspaces it names."""
    teams = event.get("team_ids") if isinstance(event, dict) else None
    if not (context.is_enterprise_install and context.enterprise_id
            and isinstance(teams, list)):
        return None
    return context.enterprise_id, [t for t in teams if isinstance(t, str)]


def on_team_access_revoked(event, context, services) -> None:
    """An org admin took Pact out of some workspaces of the organisation: they stop."""
    named = _org_team_ids(event, context)
    if named is None:
        return
    with session_scope(services.engine) as session:
        stopped = service.org_access_revoked(session, *named, services.now(),
                                             services.settings.retention_days)
    _forget_halted(services)
    for workspace_id in stopped:
        log.warning("workspace %s: Pact was removed from it (organisation %s); its schedules "
                    "and outbox are stopped, its data %s", workspace_id, named[0],
                    _retention(services))


def on_team_access_granted(event, context, services) -> None:
    """Pact was added (back) to workspaces of the organisation: those that had stopped
    resume. (A workspace new to Pact is known from its first request.)"""
    named = _org_team_ids(event, context)
    if named is None:
        return
    with session_scope(services.engine) as session:
        resumed = service.org_access_granted(session, *named, services.now())
    _forget_halted(services)
    for workspace_id in resumed:
        log.info("workspace %s is back (organisation %s): its schedules and outbox resume",
                 workspace_id, named[0])
