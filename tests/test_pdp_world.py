"""A small workspace for development plan tests: an owner, their manager, a teammate, a
stranger and a workspace admin, one team with a channel and an active shared goal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from storage.engine import session_scope
from storage.models import Goal, Team, TeamMembership
from storage.queries.members import get_or_create_member
from storage.types import utcnow

WORKSPACE = "T0PACT"
ROLES = ("owner", "manager", "teammate", "stranger", "admin")


@dataclass
class World:
    users: dict[str, str]  # role -> Slack user id
    members: dict[str, int]  # role -> member id
    channel: str
    team_id: int
    goal_id: int

    def __getattr__(self, role: str) -> str:
        users = self.__dict__.get("users") or {}
        if role in users:
            return users[role]
        raise AttributeError(role)


def make_world(engine, emulator=None) -> World:
    """The people and the team. With an emulator they exist in Slack too."""
    if emulator is not None:
        users = {r: emulator.add_user(name=r, is_admin=r == "admin") for r in ROLES}
        channel = emulator.add_channel(name="growth",
                                       members=[users["owner"], users["teammate"]])
    else:
        users = {r: f"U0{r.upper():0<9}"[:11] for r in ROLES}
        channel = "C0GROWTH001"
    with session_scope(engine) as session:
        members = {}
        for role, user in users.items():
            member = get_or_create_member(session, WORKSPACE, user)
            member.display_name = role
            member.is_admin = role == "admin"
            if emulator is None:
                member.refreshed_at = utcnow()
            session.add(member)
            session.flush()
            members[role] = member.id
        team = Team(workspace_id=WORKSPACE, channel_id=channel, name="Growth")
        session.add(team)
        session.flush()
        for role in ("owner", "teammate"):
            session.add(TeamMembership(team_id=team.id, member_id=members[role],
                                       role="lead" if role == "teammate" else "member"))
        goal = Goal(team_id=team.id, owner_id=members["teammate"], title="Scrum certified team",
                    metric="certified members", baseline=0, target=5, current_value=1,
                    unit="people", due_date=(utcnow() + timedelta(days=90)).date())
        session.add(goal)
        session.flush()
        team_id, goal_id = team.id, goal.id
    return World(users, members, channel, team_id, goal_id)
