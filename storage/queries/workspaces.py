"""Each workspace's install state, events already handled, and deleting a workspace's data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from storage.models import HandledEvent, Workspace, WorkspaceInstall, metadata
from storage.models.installations import slack_bots, slack_installations

W = WorkspaceInstall.__table__
E = HandledEvent.__table__


def _insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def halted_workspaces():
    """A subquery of the workspaces Pact may not act in: schedules and outbox skip them."""
    return select(W.c.workspace_id).where(W.c.state == "uninstalled").scalar_subquery()


def state_of(session: Session, workspace_id: str) -> WorkspaceInstall | None:
    return session.get(WorkspaceInstall, workspace_id)


def mark_installed(session: Session, workspace_id: str, now: datetime,
                   enterprise_id: str | None = None) -> bool:
    """Installed (again): True when it had been uninstalled, so its work resumes."""
    was = state_of(session, workspace_id)
    resumed = was is not None and was.state == "uninstalled"
    again = dict(state="installed", installed_at=now, uninstalled_at=None, purge_after=None)
    if enterprise_id:
        again["enterprise_id"] = enterprise_id
    stmt = _insert(session)(W).values(workspace_id=workspace_id, state="installed",
                                      installed_at=now, enterprise_id=enterprise_id)
    session.execute(stmt.on_conflict_do_update(index_elements=["workspace_id"], set_=again))
    return resumed


def note_org_workspace(session: Session, workspace_id: str, enterprise_id: str,
                       now: datetime) -> None:
    """A workspace a request of an org-wide install came from belongs to that organisation.
    A new workspace starts installed; one stopped while it was no organisation's (its own
    install was removed) resumes, since the org-wide install now serves it; one the
    organisation stopped stays stopped."""
    stmt = _insert(session)(W).values(workspace_id=workspace_id, state="installed",
                                      installed_at=now, enterprise_id=enterprise_id)
    own_stop = (W.c.enterprise_id.is_(None)) & (W.c.state == "uninstalled")
    session.execute(stmt.on_conflict_do_update(index_elements=["workspace_id"], set_=dict(
        enterprise_id=enterprise_id,
        state=case((own_stop, "installed"), else_=W.c.state),
        installed_at=case((own_stop, now), else_=W.c.installed_at),
        uninstalled_at=case((own_stop, None), else_=W.c.uninstalled_at),
        purge_after=case((own_stop, None), else_=W.c.purge_after))))


def enterprise_of(session: Session, workspace_id: str) -> str | None:
    return session.execute(select(W.c.enterprise_id).where(W.c.workspace_id == workspace_id)
                           ).scalar_one_or_none()


def org_workspaces(session: Session, enterprise_id: str) -> list[str]:
    return list(session.execute(select(W.c.workspace_id).where(W.c.enterprise_id == enterprise_id)
                                .order_by(W.c.workspace_id)).scalars())


def mark_uninstalled(session: Session, workspace_id: str, now: datetime,
                     purge_after: datetime | None) -> None:
    stmt = _insert(session)(W).values(workspace_id=workspace_id, state="uninstalled",
                                      uninstalled_at=now, purge_after=purge_after)
    session.execute(stmt.on_conflict_do_update(
        index_elements=["workspace_id"],
        set_=dict(state="uninstalled", uninstalled_at=now, purge_after=purge_after)))


def stopped(session: Session) -> list[str]:
    return list(session.execute(select(W.c.workspace_id).where(W.c.state == "uninstalled"))
                .scalars())


def due_purges(session: Session, now: datetime, limit: int) -> list[str]:
    rows = session.execute(select(W.c.workspace_id).where(
        W.c.state == "uninstalled", W.c.purge_after.is_not(None), W.c.purge_after <= now,
        W.c.purged_at.is_(None)).order_by(W.c.purge_after).limit(limit))
    return [r for (r,) in rows]


def purge(session: Session, workspace_id: str, now: datetime) -> dict[str, int]:
    """Delete every row of the workspace; how many rows of each table went. Only if it is
    still uninstalled (a reinstall a moment ago wins)."""
    claimed = session.execute(update(W).where(
        W.c.workspace_id == workspace_id, W.c.state == "uninstalled", W.c.purged_at.is_(None))
        .values(purged_at=now)).rowcount
    if claimed != 1:
        return {}
    removed: dict[str, int] = {}
    # Children first, so the counts say what went (the cascade would delete them silently).
    for table in reversed(metadata.sorted_tables):
        if table.name == "workspaces" or "workspace_id" not in table.c or table is W:
            continue
        count = session.execute(select(func.count()).select_from(table)
                                .where(table.c.workspace_id == workspace_id)).scalar_one()
        if count:
            session.execute(delete(table).where(table.c.workspace_id == workspace_id))
            removed[table.name] = count
    for table in (slack_bots, slack_installations):
        count = session.execute(delete(table).where(table.c.team_id == workspace_id)).rowcount
        if count:
            removed[table.name] = count
    count = session.execute(delete(Workspace.__table__)
                            .where(Workspace.__table__.c.id == workspace_id)).rowcount
    if count:
        removed["workspaces"] = count
    return removed


def claim_event(session: Session, event_id: str, workspace_id: str, now: datetime,
                until: datetime) -> bool:
    """True when this process takes `event_id` until `until`: no other delivery holds it, and
    it was not handled. Expired rows (a claim that ran out, a memory past its time) are
    cleared on the way, so a delivery whose handler died can be taken again."""
    session.execute(delete(E).where(E.c.expires_at <= now))
    inserted = session.execute(
        _insert(session)(E).values(event_id=event_id[:64], workspace_id=workspace_id[:32],
                                   expires_at=until)
        .on_conflict_do_nothing(index_elements=["event_id"]).returning(E.c.event_id)).first()
    return inserted is not None


def _held(event_id: str, until: datetime):
    """This process's own claim: the row it inserted, not one another process took since."""
    return (E.c.event_id == event_id[:64]) & (E.c.expires_at == until)


def event_done(session: Session, event_id: str, claimed_until: datetime,
               remember_until: datetime) -> None:
    """Handled: copies and retries are dropped until `remember_until`."""
    session.execute(update(E).where(_held(event_id, claimed_until))
                    .values(expires_at=remember_until))


def release_event(session: Session, event_id: str, claimed_until: datetime) -> None:
    """Handling failed: Slack's retry (to whichever replica) handles it again."""
    session.execute(delete(E).where(_held(event_id, claimed_until)))


def delete_org_installation(session: Session, enterprise_id: str) -> int:
    """Forget an org-wide install's tokens (the one token of every workspace of the org)."""
    count = 0
    for table in (slack_bots, slack_installations):
        count += session.execute(delete(table).where(
            table.c.enterprise_id == enterprise_id, table.c.is_enterprise_install.is_(True))
        ).rowcount
    return count


def delete_installation(session: Session, workspace_id: str) -> int:
    """Forget the workspace's tokens (uninstalled or revoked: they no longer work)."""
    bots = session.execute(delete(slack_bots).where(slack_bots.c.team_id == workspace_id))
    inst = session.execute(delete(slack_installations)
                           .where(slack_installations.c.team_id == workspace_id))
    return bots.rowcount + inst.rowcount
