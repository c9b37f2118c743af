"""Workspaces and members."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from storage.engine import now_of
from storage.models import Member, Submission, Workspace


def _insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def ensure_workspace(session: Session, team_id: str, name: str = "") -> Workspace:
    """The workspace row, created if missing (safe when many requests meet it at once)."""
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        session.execute(_insert(session)(Workspace.__table__)
                        .values(id=team_id, name=name, created_at=now_of(session))
                        .on_conflict_do_nothing(index_elements=["id"]))
        workspace = session.get(Workspace, team_id)
    elif name and workspace.name != name:
        workspace.name = name
    return workspace


def get_member(session: Session, team_id: str, slack_user_id: str) -> Member | None:
    return session.exec(select(Member).where(Member.workspace_id == team_id,
                                             Member.slack_user_id == slack_user_id)).first()


def members_by_slack_ids(session: Session, team_id: str,
                         slack_user_ids: list[str]) -> dict[str, Member]:
    """The stored members among `slack_user_ids`, by Slack user id."""
    if not slack_user_ids:
        return {}
    return {m.slack_user_id: m for m in session.exec(
        select(Member).where(Member.workspace_id == team_id,
                             Member.slack_user_id.in_(slack_user_ids)))}


def get_or_create_member(session: Session, team_id: str, slack_user_id: str) -> Member:
    """The member row for a user, created with defaults when Pact meets them first (safe when
    several of their requests arrive at once)."""
    member = get_member(session, team_id, slack_user_id)
    if member is None:
        ensure_workspace(session, team_id)
        defaults = Member(workspace_id=team_id, slack_user_id=slack_user_id)
        values = {c.name: getattr(defaults, c.name) for c in Member.__table__.columns
                  if c.name != "id" and getattr(defaults, c.name) is not None}
        session.execute(_insert(session)(Member.__table__).values(**values)
                        .on_conflict_do_nothing(index_elements=["workspace_id",
                                                                "slack_user_id"]))
        member = get_member(session, team_id, slack_user_id)
    return member


def upsert_member_from_slack(session: Session, team_id: str, user: dict) -> Member:
    """Store a `users.info` user: IANA timezone (UTC when Slack has none), admin, deleted."""
    member = get_or_create_member(session, team_id, user["id"])
    profile = user.get("profile") or {}
    member.display_name = (profile.get("display_name") or user.get("real_name")
                           or profile.get("real_name") or user.get("name") or "")[:255]
    member.tz = valid_tz(user.get("tz"))
    member.is_admin = bool(user.get("is_admin") or user.get("is_owner"))
    member.is_bot = bool(user.get("is_bot") or user.get("is_app_user"))
    member.is_deleted = bool(user.get("deleted"))
    member.refreshed_at = now_of(session)
    session.add(member)
    session.flush()
    return member


def valid_tz(name: str | None) -> str:
    """`name` if it is an IANA timezone this machine knows, else UTC."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not name:
        return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


def first_submission(session: Session, workspace_id: str, key: str) -> bool:
    """Record `key` in this transaction; False when it was recorded before (by any process),
    so the caller changes nothing. Commits or rolls back with the change it guards."""
    ensure_workspace(session, workspace_id)
    inserted = session.execute(
        _insert(session)(Submission.__table__).values(key=key[:200], workspace_id=workspace_id,
                                            created_at=now_of(session))
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Submission.__table__.c.key)).first()
    return inserted is not None
