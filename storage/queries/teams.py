"""Teams and who is in them."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import Member, Team, TeamMembership


def team_for_channel(session: Session, workspace_id: str, channel_id: str) -> Team | None:
    """The team bound to `channel_id` in this workspace, if any."""
    return session.exec(select(Team).where(Team.workspace_id == workspace_id,
                                           Team.channel_id == channel_id)).first()


def get_team(session: Session, workspace_id: str, team_id: int) -> Team | None:
    """Team `team_id`, only when it belongs to `workspace_id` (ids from payloads are untrusted)."""
    team = session.get(Team, team_id)
    if team is None or team.workspace_id != workspace_id:
        return None
    return team


def teams_of_member(session: Session, member_id: int) -> list[Team]:
    """Every team the member belongs to (as lead or member), by name."""
    return list(session.exec(
        select(Team).join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.member_id == member_id).order_by(Team.name, Team.id)))


def memberships(session: Session, team_id: int) -> list[TeamMembership]:
    return list(session.exec(select(TeamMembership).where(TeamMembership.team_id == team_id)
                             .order_by(TeamMembership.joined_at, TeamMembership.member_id)))


def team_member_ids(session: Session, team_id: int) -> list[int]:
    """Member ids of everyone in the team, leads included."""
    return list(session.exec(select(TeamMembership.member_id)
                             .where(TeamMembership.team_id == team_id)
                             .order_by(TeamMembership.member_id)))


def team_members(session: Session, team_id: int) -> list[tuple[Member, str]]:
    """(member, role) for everyone in the team, leads first."""
    rows = session.exec(
        select(Member, TeamMembership.role)
        .join(TeamMembership, TeamMembership.member_id == Member.id)
        .where(TeamMembership.team_id == team_id)
        .order_by(TeamMembership.role, Member.id))
    return [(m, r) for m, r in rows]


def team_leads(session: Session, team_id: int) -> list[Member]:
    return list(session.exec(
        select(Member).join(TeamMembership, TeamMembership.member_id == Member.id)
        .where(TeamMembership.team_id == team_id, TeamMembership.role == "lead")
        .order_by(Member.id)))


def teammate_ids(session: Session, member_id: int) -> set[int]:
    """Members sharing at least one team with `member_id`, not counting themselves."""
    mine = select(TeamMembership.team_id).where(TeamMembership.member_id == member_id)
    ids = session.exec(select(TeamMembership.member_id)
                       .where(TeamMembership.team_id.in_(mine))).all()
    return {i for i in ids if i != member_id}


def role_in_team(session: Session, team_id: int, member_id: int) -> str | None:
    """'lead', 'member', or None when the member is not in the team."""
    return session.exec(select(TeamMembership.role)
                        .where(TeamMembership.team_id == team_id,
                               TeamMembership.member_id == member_id)).first()


def is_lead(session: Session, team_id: int, member_id: int) -> bool:
    return role_in_team(session, team_id, member_id) == "lead"


def is_member(session: Session, team_id: int, member_id: int) -> bool:
    return role_in_team(session, team_id, member_id) is not None
