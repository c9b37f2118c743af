"""The one guard for mentoring in a team's channel: the team bound to it, and whether the
verified person may act there (a member, or a lead), decided from what Pact stored."""

from __future__ import annotations

from sqlmodel import Session

from handlers.kit import refusals
from storage.models import Member, Team
from storage.queries import teams as tq
from storage.queries.members import get_or_create_member


def channel_team(session: Session, workspace_id: str, channel_id: str, user_id: str, *,
                 lead: bool = False) -> tuple[Team | None, Member | None, str | None]:
    """(team, acting member, refusal): a refusal when there is no team or they may not act."""
    team = tq.team_for_channel(session, workspace_id, channel_id)
    if team is None:
        return None, None, refusals.MENTOR_NO_TEAM
    actor = get_or_create_member(session, workspace_id, user_id)
    if lead and not tq.is_lead(session, team.id, actor.id):
        return team, actor, refusals.MENTOR_LEADS_ONLY
    if not lead and not tq.is_member(session, team.id, actor.id):
        return team, actor, refusals.MENTOR_MEMBERS_ONLY
    return team, actor, None
