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
# How long a delivery being handled holds its `event_id`: far longer than handling takes
# (Slack gives up after 3 s), shorter than the minute before Slack's second retry.
EVENT_CLAIM = timedelta(seconds=30)


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


def uninstall_org(session: Session, enterprise_id: str, now: datetime,
                  retention_days: int) -> list[str]:
    """An org-wide install removed: every workspace of the organisation stops at once, as if
    each were uninstalled; which ones."""
    purge_after = now + timedelta(days=retention_days) if retention_days > 0 else None
    stopped = wq.org_workspaces(session, enterprise_id)
    for workspace_id in stopped:
        wq.mark_uninstalled(session, workspace_id, now, purge_after)
    wq.delete_org_installation(session, enterprise_id)
    return stopped


def org_access_revoked(session: Session, enterprise_id: str, workspace_ids: list[str],
                       now: datetime, retention_days: int) -> list[str]:
    """An org-wide install was taken out of some workspaces: those of them that are the
    organisation's (ids of any other workspace are ignored) stop, as if uninstalled."""
    purge_after = now + timedelta(days=retention_days) if retention_days > 0 else None
    stopped = [w for w in wq.org_workspaces(session, enterprise_id) if w in set(workspace_ids)]
    for workspace_id in stopped:
        wq.mark_uninstalled(session, workspace_id, now, purge_after)
    return stopped


def org_access_granted(session: Session, enterprise_id: str, workspace_ids: list[str],
                       now: datetime) -> list[str]:
    """Added back to some workspaces: those of the organisation that had stopped resume."""
    return [w for w in wq.org_workspaces(session, enterprise_id)
            if w in set(workspace_ids) and wq.mark_installed(session, w, now, enterprise_id)]


def reinstall_org(session: Session, enterprise_id: str, now: datetime) -> list[str]:
    """Installed org-wide (again): the workspaces of the organisation that resume."""
    return [w for w in wq.org_workspaces(session, enterprise_id)
            if wq.mark_installed(session, w, now, enterprise_id)]


def note_org_workspace(session: Session, workspace_id: str, enterprise_id: str,
                       now: datetime) -> None:
    wq.note_org_workspace(session, workspace_id, enterprise_id, now)


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


def claim_event(session: Session, event_id: str, workspace_id: str,
                now: datetime) -> datetime | None:
    """When no replica holds or has handled this `event_id`: the end of this process's claim
    on it (None otherwise). A claim that is neither done nor released (its process died)
    runs out after `EVENT_CLAIM`, in time for Slack's next retry."""
    until = now + EVENT_CLAIM
    return until if wq.claim_event(session, event_id, workspace_id, now, until) else None


def event_handled(session: Session, event_id: str, claim: datetime, now: datetime) -> None:
    wq.event_done(session, event_id, claim, now + EVENT_MEMORY)


def event_failed(session: Session, event_id: str, claim: datetime) -> None:
    wq.release_event(session, event_id, claim)


def revokes_the_bot(event: dict) -> bool:
    """`tokens_revoked` names the revoked user and bot tokens: only the bot's stops Pact."""
    tokens = event.get("tokens") if isinstance(event, dict) else None
    return isinstance(tokens, dict) and isinstance(tokens.get("bot"), list) \
        and bool(tokens["bot"])
