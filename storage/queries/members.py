"""Workspaces and members."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import Member, Workspace
from storage.types import utcnow


def ensure_workspace(session: Session, team_id: str, name: str = "") -> Workspace:
    workspace = session.get(Workspace, team_id)
    if workspace is None:
        workspace = Workspace(id=team_id, name=name)
        session.add(workspace)
        session.flush()
    elif name and workspace.name != name:
        workspace.name = name
    return workspace


def get_member(session: Session, team_id: str, slack_user_id: str) -> Member | None:
    return session.exec(select(Member).where(Member.workspace_id == team_id,
                                             Member.slack_user_id == slack_user_id)).first()


def get_or_create_member(session: Session, team_id: str, slack_user_id: str) -> Member:
    """The member row for a user, created with defaults when Pact meets them first."""
    member = get_member(session, team_id, slack_user_id)
    if member is None:
        ensure_workspace(session, team_id)
        member = Member(workspace_id=team_id, slack_user_id=slack_user_id)
        session.add(member)
        session.flush()
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
    member.refreshed_at = utcnow()
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
