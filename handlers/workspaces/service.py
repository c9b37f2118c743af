"""Use cases of a workspace's life: uninstalled or revoked, reinstalled, purged, and each
Events API delivery handled once. No Slack here."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from storage.queries import workspaces as wq

log = logging.getLogger("pact.workspaces")

# Slack retries an event three times within about an hour; keep ids a while longer.
EVENT_MEMORY = timedelta(hours=2)


@dataclass
class Purged:
    workspace_id: str
    removed: dict[str, int]


def uninstall(session: Session, workspace_id: str, now: datetime, retention_days: int) -> None:
    """Stop everything of the workspace at once: its schedules and outbox wait (they are not
    claimed while it is uninstalled), its tokens are forgotten, and its data is deleted
    `retention_days` from now (0: kept until someone deletes it)."""
    purge_after = now + timedelta(days=retention_days) if retention_days > 0 else None
    wq.mark_uninstalled(session, workspace_id, now, purge_after)
    wq.delete_installation(session, workspace_id)


def reinstall(session: Session, workspace_id: str, now: datetime) -> bool:
    """Installed again: True when it had been uninstalled (its work picks up again)."""
    return wq.mark_installed(session, workspace_id, now)


def stopped_workspaces(session: Session) -> list[str]:
    return wq.stopped(session)


def purges_due(session: Session, now: datetime, limit: int = 20) -> list[str]:
    """Workspaces uninstalled longer than their retention period (read only)."""
    return wq.due_purges(session, now, limit)


def purge(session: Session, workspace_ids: list[str], now: datetime) -> list[Purged]:
    """Delete the data of those workspaces (each only if it is still uninstalled)."""
    done: list[Purged] = []
    for workspace_id in workspace_ids:
        removed = wq.purge(session, workspace_id, now)
        if removed:
            done.append(Purged(workspace_id, removed))
    return done


def first_delivery(session: Session, event_id: str, workspace_id: str, now: datetime) -> bool:
    """True the first time any replica sees this `event_id`."""
    return wq.first_time(session, event_id, workspace_id, now, now + EVENT_MEMORY)


def revokes_the_bot(event: dict) -> bool:
    """`tokens_revoked` names the revoked user and bot tokens: only the bot's stops Pact."""
    tokens = event.get("tokens") if isinstance(event, dict) else None
    return isinstance(tokens, dict) and isinstance(tokens.get("bot"), list) \
        and bool(tokens["bot"])
