"""Who may change a team or a goal, decided from stored data only.

Callers pass what the database says (the person's role in the team, whether Slack calls them a
workspace admin, who owns the goal); nothing here reads a Slack payload, so an id or value a
client could forge never decides anything.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The person acting, as stored: their member id, admin flag and role in the team."""

    member_id: int
    is_admin: bool = False
    role: str | None = None  # 'lead', 'member', or None when not in the team
    is_deleted: bool = False

    @property
    def in_team(self) -> bool:
        return self.role is not None

    @property
    def is_lead(self) -> bool:
        return self.role == "lead"


def can_set_up_team(actor: Actor, *, team_exists: bool, team_has_leads: bool = True) -> bool:
    """Anyone may bind a new team to a channel; an existing team is edited by its leads or a
    workspace admin (or by a team member when every lead has gone)."""
    if actor.is_deleted:
        return False
    if not team_exists:
        return True
    if actor.is_admin or actor.is_lead:
        return True
    return not team_has_leads and actor.in_team


def can_create_goal(actor: Actor) -> bool:
    """Leads and workspace admins create the team's shared goals."""
    return not actor.is_deleted and (actor.is_lead or actor.is_admin)


def can_edit_goal(actor: Actor, *, owner_id: int) -> bool:
    """The goal's owner, the team's leads and workspace admins may edit, archive or mark it
    achieved. The owner keeps the right only while still in the team."""
    if actor.is_deleted:
        return False
    if actor.is_admin or actor.is_lead:
        return True
    return actor.member_id == owner_id and actor.in_team


def can_take_part(actor: Actor) -> bool:
    """Commit to a goal, log progress, mark a milestone done: the team's members (leads too),
    and workspace admins."""
    return not actor.is_deleted and (actor.in_team or actor.is_admin)


def can_view_goal(actor: Actor) -> bool:
    return can_take_part(actor)
