"""Team queries other features build on, against a migrated database."""

from __future__ import annotations

from storage.engine import session_scope
from storage.models import Member, Team, TeamMembership, Workspace
from storage.queries import teams as q


def _seed(engine):
    with session_scope(engine) as s:
        s.add(Workspace(id="T1"))
        s.flush()
        a, b, c, d = (Member(workspace_id="T1", slack_user_id=u) for u in ("UA", "UB", "UC", "UD"))
        s.add_all([a, b, c, d])
        s.flush()
        red = Team(workspace_id="T1", channel_id="C1", name="Red")
        blue = Team(workspace_id="T1", channel_id="C2", name="Blue")
        s.add_all([red, blue])
        s.flush()
        s.add_all([TeamMembership(team_id=red.id, member_id=a.id, role="lead"),
                   TeamMembership(team_id=red.id, member_id=b.id),
                   TeamMembership(team_id=blue.id, member_id=b.id, role="lead"),
                   TeamMembership(team_id=blue.id, member_id=c.id)])
        return red.id, blue.id, a.id, b.id, c.id, d.id


def test_team_queries(engine):
    red, blue, a, b, c, d = _seed(engine)
    with session_scope(engine) as s:
        assert q.team_for_channel(s, "T1", "C1").id == red
        assert q.team_for_channel(s, "T9", "C1") is None
        assert q.team_for_channel(s, "T1", "C9") is None
        assert q.get_team(s, "T1", red).name == "Red"
        assert q.get_team(s, "T9", red) is None
        assert [t.name for t in q.teams_of_member(s, b)] == ["Blue", "Red"]
        assert q.teams_of_member(s, d) == []
        assert q.team_member_ids(s, red) == sorted([a, b])
        assert [m.id for m in q.team_leads(s, blue)] == [b]
        assert q.teammate_ids(s, b) == {a, c}
        assert q.teammate_ids(s, a) == {b}
        assert q.teammate_ids(s, d) == set()
        assert q.is_lead(s, red, a) and not q.is_lead(s, red, b) and not q.is_lead(s, red, d)
        assert q.is_member(s, red, b) and not q.is_member(s, red, c)
        assert [(m.id, role) for m, role in q.team_members(s, red)] == [(a, "lead"), (b, "member")]
