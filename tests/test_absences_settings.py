"""Absence settings: a team's own list of status words and emoji meaning absence (the
default list until a lead changes it), and a person's own country for their public holidays."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.rules.absence import DEFAULT_STATUS_WORDS, status_vocabulary
from handlers.absences import service
from storage.engine import session_scope
from storage.queries import absences as aq
from storage.queries.members import get_or_create_member
from tests.test_tick import WS, make_team

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def _status(engine, uid, emoji="", text=""):
    with session_scope(engine) as s:
        service.record_status(s, WS, {"id": uid, "profile": {
            "status_emoji": emoji, "status_text": text, "status_expiration": 0}}, NOW)
        return aq.away_of(s, get_or_create_member(s, WS, uid), NOW)


def test_the_default_list_is_the_teams_until_a_lead_edits_it(pact):
    team = make_team(pact.engine, pact.emulator)
    member = team.members[0]

    def say(text, user=team.lead):
        return pact.slack.command(text, user=user, channel=team.channel).json()["text"]

    shown = say("holidays words", user=member)
    assert "`ooo`" in shown and ":palm_tree:" in shown and "`parental leave`" in shown
    assert "Only the team's leads" in say("holidays words add sabbatical", user=member)
    assert _status(pact.engine, member, text="On sabbatical") is None
    assert "`sabbatical`" in say("holidays words add Sabbatical")
    assert ":surfer:" in say("holidays words add :surfer:")
    assert "`holiday`" not in say("holidays words remove holiday")
    assert "is not on the list" in say("holidays words remove nothing-like-it")
    assert "Use letters" in say("holidays words add <!channel>")
    assert "within 40 characters" in say("holidays words add " + "x" * 41)
    assert _status(pact.engine, member, text="On sabbatical").reason == "On sabbatical"
    assert _status(pact.engine, member, emoji=":surfer:") is not None
    assert _status(pact.engine, member, text="Holiday mood") is None  # removed by the lead
    assert _status(pact.engine, member, emoji=":palm_tree:") is not None  # still listed
    with session_scope(pact.engine) as s:
        assert aq.status_words_of(s, team.id)[-2:] == ["sabbatical", ":surfer:"]
    shown = say("holidays words default")
    assert "`holiday`" in shown and "`sabbatical`" not in shown
    assert _status(pact.engine, member, text="Holiday mood") is not None
    with session_scope(pact.engine) as s:
        assert aq.status_words_of(s, team.id) is None


def test_someone_in_two_teams_is_away_by_either_list_and_in_none_by_the_default(engine,
                                                                                emulator):
    first = make_team(engine, emulator, name="first")
    with session_scope(engine) as s:
        aq.set_status_words(s, first.id, ["sabbatical"])
    member = first.members[0]
    assert _status(engine, member, text="OOO") is None  # only the team's own list counts
    assert _status(engine, member, text="sabbatical") is not None
    words, emoji = status_vocabulary(DEFAULT_STATUS_WORDS)
    assert "ooo" in words and ":palm_tree:" in emoji
    outsider = emulator.add_user(name="outsider")
    assert _status(engine, outsider, text="OOO") is not None  # in no team: the default
