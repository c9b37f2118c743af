"""Many workspaces: each event handled once across replicas, uninstall and revocation stop a
workspace at once, and its data goes after the retention period."""

from __future__ import annotations

from functools import partial

from handlers.workspaces import listeners
from handlers.workspaces.jobs import KINDS
from handlers.workspaces.listeners import request_workspace

__all__ = ["KINDS", "register", "request_workspace"]


def register(app, services) -> None:
    app.use(partial(listeners.note_org_workspace, services=services))
    app.use(partial(listeners.resume_when_back, services=services))
    # The last middleware Pact adds: nothing that could fail runs between an event's claim and its
    # listener, whose outcome settles the claim.
    app.use(partial(listeners.once_per_event, services=services))
    app.listener_runner.listener_completion_handler = listeners.EventOutcome(services)
    app.event("app_uninstalled")(partial(listeners.on_app_uninstalled, services=services))
    app.event("tokens_revoked")(partial(listeners.on_tokens_revoked, services=services))
    app.event("team_access_revoked")(partial(listeners.on_team_access_revoked,
                                             services=services))
    app.event("team_access_granted")(partial(listeners.on_team_access_granted,
                                             services=services))
