"""Lab rotation around absences: a session in someone's absence goes to the next person, they
present at the first session after their return, and the rotation stays fair over many
sessions with random absences (a property test); `/pact lab` says why."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.rules import rotation
from handlers.labs import service
from handlers.labs.blocks import upcoming_message
from handlers.labs.sessions import plan_session
from storage.engine import session_scope
from storage.models import Lab, Member, Team, TeamMembership
from storage.queries import absences as aq
from storage.queries.members import ensure_workspace, get_or_create_member

WS = "T1"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _simulate(people: int, absences: list[set[int]]) -> list[int | None]:
    seats = rotation.sync([], list(range(people)))
    out = []
    for away in absences:
        presenter, seats = rotation.pick_around(seats, away)
        out.append(presenter)
    return out


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=2, max_value=7).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.sets(st.integers(0, n - 1), max_size=n - 1), min_size=1,
                         max_size=40))))
def test_the_rotation_stays_fair_over_random_absences(case):
    people, absences = case
    turns = _simulate(people, absences)
    for s, (presenter, away) in enumerate(zip(turns, absences, strict=True)):
        assert presenter is not None and presenter not in away  # someone present presents
        # Between two turns of one person, everyone present throughout presented too.
        later = [t for t in range(s + 1, len(turns)) if turns[t] == presenter]
        if later:
            span = range(s, later[0] + 1)
            always_there = set(range(people)) - set().union(*(absences[t] for t in span))
            assert always_there - {presenter} <= {turns[t] for t in span}
    # Back from an absence, nobody presents twice in a row to catch up while others wait.
    for s in range(1, len(turns)):
        if turns[s] == turns[s - 1]:
            assert absences[s] | absences[s - 1] >= set(range(people)) - {turns[s]}


def test_someone_away_keeps_their_place_and_presents_first_after_return():
    # Ann, Bob, Cat; Ann is away for two full rounds.
    turns = _simulate(3, [{0}] * 6 + [set()] * 6)
    assert turns[:6] == [1, 2, 1, 2, 1, 2]
    assert turns[6:] == [0, 1, 2, 0, 1, 2]  # first after her return, then the usual round


def _team(session, people=("ULEAD", "UBOB", "UCAT")):
    ensure_workspace(session, WS)
    team = Team(workspace_id=WS, channel_id="C0LAB", name="Growth", tz="Europe/Berlin",
                created_by=people[0])
    session.add(team)
    session.flush()
    ids = {}
    for i, slack_id in enumerate(people):
        member = get_or_create_member(session, WS, slack_id)
        member.tz = "Europe/Berlin"
        ids[slack_id] = member.id
        session.add(TeamMembership(team_id=team.id, member_id=member.id,
                                   role="lead" if i == 0 else "member",
                                   joined_at=NOW - timedelta(days=10 - i)))
    session.flush()
    lab = Lab(team_id=team.id, rule="every week thu 15:00 from 2026-12-03")
    session.add(lab)
    session.flush()
    return team, lab, ids


def _away(session, slack_id, until):
    member = session.exec(select(Member).where(Member.slack_user_id == slack_id)).one()
    aq.set_away(session, member, until, "", NOW)


def test_a_session_in_someones_absence_goes_to_the_next_person_and_lab_says_why(engine):
    with session_scope(engine) as session:
        team, lab, ids = _team(session)
        _away(session, "ULEAD", date(2026, 12, 11))  # away for the sessions of Dec 3 and 10
        found = service.upcoming(session, WS, "C0LAB", NOW)
        presenters = [who for _when, who, _topic in found.rows]
        assert presenters == ["UBOB", "UCAT", "ULEAD", "UBOB"]
        (first_note, second_note) = [found.notes[w] for w, _, _ in found.rows[:2]]
        assert "<@ULEAD> is away until" in first_note
        assert "<@UBOB> presents instead" in first_note and "<@UCAT>" in second_note
        assert found.rows[2][0] not in found.notes
        blocks = str(upcoming_message(found.team_name, found.rule_text, found.rows,
                                      found.notes))
        assert "is away until" in blocks and "presents instead" in blocks
        # Planning for real follows the same line.
        first = plan_session(session, lab, found.rows[0][0], NOW)
        second = plan_session(session, lab, found.rows[1][0], NOW)
        third = plan_session(session, lab, found.rows[2][0], NOW)
        assert [first.presenter_id, second.presenter_id, third.presenter_id] == [
            ids["UBOB"], ids["UCAT"], ids["ULEAD"]]


# ---- a lab session on a team holiday, through the real tick --------------------------------

ASCENSION = datetime(2027, 5, 6, 15, tzinfo=ZoneInfo("Europe/Berlin"))  # a Thursday


def _holiday_lab(engine, emulator, mode):
    from handlers.labs.schedules import lab_schedules
    from tests.test_absences_holidays import _calendar
    from tests.test_tick import make_team

    team = make_team(engine, emulator, goals=0, members=2, weekday="mon", name=f"lab-{mode}")
    _calendar(engine, team.id, mode=mode)
    with session_scope(engine) as s:
        lab = Lab(team_id=team.id, rule="every week thu 15:00 from 2027-04-29")
        s.add(lab)
        s.flush()
        lab_schedules(s, lab, s.get(Team, team.id), (ASCENSION - timedelta(days=8)).astimezone(
            UTC))
        lab_id = lab.id
    return team, lab_id


def _announcements(emulator, team):
    return [m for m in emulator.messages(team.channel) if "Learning lab" in m["text"]
            or "session" in m["text"]]


def test_a_lab_session_on_a_holiday_moves_to_the_next_working_day_and_says_why(engine,
                                                                              emulator):
    from handlers.labs import service as labs
    from scheduling.tick import tick
    from storage.models import LabSession
    from tests.test_tick import WS as TICK_WS
    from tests.test_tick import client_for, services_for

    team, lab_id = _holiday_lab(engine, emulator, "move")
    with session_scope(engine) as s:
        found = labs.upcoming(s, TICK_WS, team.channel, (ASCENSION - timedelta(days=4)
                                                         ).astimezone(UTC))
    friday = (ASCENSION + timedelta(days=1)).astimezone(UTC)
    assert found.rows[0][0] == friday  # /pact lab lists it where it will be
    assert "is a public holiday in Germany (Ascension Day): the session moves to" in \
        found.notes[friday]
    services, client = services_for(engine, emulator), client_for(emulator)
    tick((ASCENSION - timedelta(days=3)).astimezone(UTC), services, client)  # Monday
    (post,) = _announcements(emulator, team)
    assert post["text"].startswith(":palm_tree: Thursday, May 6 is a public holiday in "
                                   "Germany (Ascension Day): the session moves to")
    with session_scope(engine) as s:
        (planned,) = s.exec(select(LabSession).where(LabSession.lab_id == lab_id)).all()
        assert planned.starts_at == friday
        assert aq.team_holiday_counts(s, team.id) == (1, 0)


def test_a_lab_session_on_a_holiday_is_skipped_in_skip_mode_and_keeps_the_turn(engine,
                                                                              emulator):
    from scheduling.tick import tick
    from storage.models import LabSession
    from tests.test_tick import client_for, services_for

    team, lab_id = _holiday_lab(engine, emulator, "skip")
    services, client = services_for(engine, emulator), client_for(emulator)
    tick((ASCENSION - timedelta(days=3)).astimezone(UTC), services, client)
    (notice,) = _announcements(emulator, team)
    assert notice["text"] == (":palm_tree: Thursday, May 6 is a public holiday in Germany "
                              "(Ascension Day): no session that week.")
    with session_scope(engine) as s:
        assert s.exec(select(LabSession).where(LabSession.lab_id == lab_id)).all() == []
    tick((ASCENSION + timedelta(days=4)).astimezone(UTC), services, client)  # next Monday
    posts = _announcements(emulator, team)
    assert len(posts) == 2 and "Learning lab" in posts[1]["text"]
    with session_scope(engine) as s:
        (held,) = s.exec(select(LabSession).where(LabSession.lab_id == lab_id)).all()
        assert held.starts_at == (ASCENSION + timedelta(days=7)).astimezone(UTC)
        assert aq.team_holiday_counts(s, team.id) == (0, 1)


def test_away_after_the_session_was_planned_hands_it_to_the_next_person_there(engine):
    from handlers.absences import service as absences
    from storage.models import LabSession, OutboxMessage

    with session_scope(engine) as session:
        team, lab, ids = _team(session)
        first = plan_session(session, lab, datetime(2026, 12, 3, 14, tzinfo=UTC), NOW)
        assert first.presenter_id == ids["ULEAD"]
        _away(session, "UBOB", date(2026, 12, 4))  # the next in line is away too
        answer = absences.away_command(session, WS, "ULEAD", ["until", "2026-12-05"], NOW)
        assert "You are away" in answer
        session.refresh(first)
        assert first.presenter_id == ids["UCAT"]
        told = session.exec(select(OutboxMessage).where(OutboxMessage.channel == "UCAT")).all()
        assert told  # the new presenter hears, in their DM
        # Back, the lead presents at the first session after their return.
        later = plan_session(session, lab, datetime(2026, 12, 10, 14, tzinfo=UTC), NOW)
        assert later.presenter_id == ids["ULEAD"]
        again = absences.away_command(session, WS, "ULEAD", ["until", "2026-12-05"], NOW)
        assert "You are away" in again
        assert session.get(LabSession, first.id).presenter_id == ids["UCAT"]


def test_a_status_with_an_end_hands_a_planned_session_on_one_without_does_not(engine):
    from handlers.absences import service as absences

    with session_scope(engine) as session:
        team, lab, ids = _team(session)
        first = plan_session(session, lab, datetime(2026, 12, 3, 14, tzinfo=UTC), NOW)
        absences.record_status(session, WS, {"id": "ULEAD", "profile": {
            "status_emoji": ":palm_tree:", "status_text": "", "status_expiration": 0}}, NOW)
        session.refresh(first)
        assert first.presenter_id == ids["ULEAD"]  # no end known: their DMs wait, no more
        ends = int(datetime(2026, 12, 4, tzinfo=UTC).timestamp())
        absences.record_status(session, WS, {"id": "ULEAD", "profile": {
            "status_emoji": ":palm_tree:", "status_text": "", "status_expiration": ends}}, NOW)
        session.refresh(first)
        assert first.presenter_id == ids["UBOB"]
