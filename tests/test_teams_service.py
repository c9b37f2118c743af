"""The team setup use case, called directly with a session: no Slack, no HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.rules.goals import TeamInput
from handlers.teams import service
from storage.engine import session_scope
from storage.models import Member, OutboxMessage, Team
from storage.queries import teams as tq
from storage.queries.members import get_or_create_member

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WS, CHANNEL = "T1", "C0TEAM0001"


class Hooks:
    """Records what the use case emits, as `services.emit` would deliver it."""

    def __init__(self):
        self.calls: list[tuple] = []

    def __call__(self, name, session, team, *rest):
        self.calls.append((name, team.name, *(m.slack_user_id for m in rest)))


def form(leads, members, name="Platform") -> TeamInput:
    return TeamInput(name=name, leads=list(leads), members=list(members), tz="Europe/Berlin",
                     weekday="tue", time="09:30")


def roles(session) -> dict[str, str]:
    team = tq.team_for_channel(session, WS, CHANNEL)
    return {m.slack_user_id: r for m, r in tq.team_members(session, team.id)}


def test_a_new_team_is_created_with_its_people_and_a_post(engine):
    hooks = Hooks()
    with session_scope(engine) as s:
        saved = service.save_team(s, WS, "ULEAD", CHANNEL, form(["ULEAD"], ["UA", "UB"]), NOW,
                                  emit=hooks)
    assert saved.refusal is None and saved.channel == CHANNEL
    assert set(saved.people) == {"ULEAD", "UA", "UB"}  # none of them read from Slack yet
    assert hooks.calls == [("team_saved", "Platform")]
    with session_scope(engine) as s:
        team = s.exec(select(Team)).one()
        assert (team.name, team.tz, team.checkin_weekday, team.checkin_time) == \
            ("Platform", "Europe/Berlin", "tue", "09:30")
        assert roles(s) == {"ULEAD": "lead", "UA": "member", "UB": "member"}
        post = s.get(OutboxMessage, saved.message_id)
        assert post.channel == CHANNEL and "Platform" in post.text and post.kind == "team_saved"


def test_an_edit_keeps_the_members_the_form_did_not_list(engine):
    with session_scope(engine) as s:
        service.save_team(s, WS, "ULEAD", CHANNEL, form(["ULEAD"], ["UA", "UB", "UC", "UD"]),
                          NOW, emit=Hooks())
    with session_scope(engine) as s:
        listed_upto = get_or_create_member(s, WS, "UB").id  # the form listed UA and UB only
    hooks = Hooks()
    with session_scope(engine) as s:
        saved = service.save_team(s, WS, "ULEAD", CHANNEL,
                                  form(["ULEAD"], ["UB"], name="Platform Core"), NOW,
                                  listed_upto=listed_upto, emit=hooks)
    assert saved.refusal is None
    assert hooks.calls == [("member_left_team", "Platform Core", "UA"),
                           ("team_saved", "Platform Core")]
    with session_scope(engine) as s:
        assert roles(s) == {"ULEAD": "lead", "UB": "member", "UC": "member", "UD": "member"}


def test_a_member_who_is_not_a_lead_is_refused_and_nothing_changes(engine):
    with session_scope(engine) as s:
        service.save_team(s, WS, "ULEAD", CHANNEL, form(["ULEAD"], ["UA"]), NOW, emit=Hooks())
    hooks = Hooks()
    with session_scope(engine) as s:
        saved = service.save_team(s, WS, "UA", CHANNEL, form(["UA"], [], name="Hijacked"), NOW,
                                  emit=hooks)
    assert saved.message_id is None
    assert "Only this team's leads" in saved.refusal and "<@ULEAD>" in saved.refusal
    assert hooks.calls == []
    with session_scope(engine) as s:
        assert s.exec(select(Team)).one().name == "Platform"
        assert roles(s) == {"ULEAD": "lead", "UA": "member"}
        assert len(s.exec(select(OutboxMessage)).all()) == 1  # only the first post


def test_the_setup_form_of_an_existing_team_and_its_refusal(engine):
    with session_scope(engine) as s:
        service.save_team(s, WS, "ULEAD", CHANNEL, form(["ULEAD"], ["UA"]), NOW, emit=Hooks())
    with session_scope(engine) as s:
        lead = s.exec(select(Member).where(Member.slack_user_id == "ULEAD")).one()
        member = s.exec(select(Member).where(Member.slack_user_id == "UA")).one()
        shown = service.setup_form(s, WS, lead, CHANNEL)
        refused = service.setup_form(s, WS, member, CHANNEL)
        new = service.setup_form(s, WS, member, "C0OTHER001")
    assert shown.editing and shown.leads == ["ULEAD"] and shown.members == ["UA"]
    assert shown.prefill == {"name": "Platform", "tz": "Europe/Berlin", "weekday": "tue",
                             "time": "09:30"}
    assert shown.listed_upto is None
    assert "Only this team's leads" in refused.refusal
    assert new.refusal is None and not new.editing
