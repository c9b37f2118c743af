"""Anonymity as a property, tested as an attacker with the database and the user list: from
the stored rows alone, a pulse survey's answers cannot be matched to who gave them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect, text
from sqlmodel import select

from handlers.impact import pulse
from handlers.impact.results import AnswerFacts, summarise
from storage.engine import session_scope
from storage.models import PulseAnswer, PulseInvite, PulseSeries, Team
from storage.queries import impact as iq
from tests.test_tick import WS, make_team

NOW = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


def _survey(engine, team):
    with session_scope(engine) as s:
        t = s.get(Team, team.id)
        series = PulseSeries(workspace_id=WS, team_id=t.id, questions=["collab", "support"],
                             with_enps=True, with_comment=True)
        s.add(series)
        s.flush()
        return pulse.open_round(s, series, t, NOW).id


def _answer_in_order(engine, survey_id, users):
    """Each user answers with a score that names their position: the attacker's ground truth."""
    for position, user in enumerate(users):
        with session_scope(engine) as s:
            refusal = pulse.answer(s, WS, user, survey_id, pulse.AnswerInput(
                {"collab": 1 + position % 5, "support": 3}, position % 11, f"c{position}"),
                NOW + timedelta(minutes=position))
            assert refusal is None


def _rows_as_stored(engine, survey_id):
    """Answer rows in physical order (rowid on SQLite, ctid on PostgreSQL)."""
    with session_scope(engine) as s:
        pg = s.get_bind().dialect.name == "postgresql"
        order = "ctid" if pg else "rowid"
        return s.execute(text(f"SELECT id, comment FROM pulse_answers WHERE survey_id = :s "
                              f"ORDER BY {order}"), {"s": survey_id}).all()


def test_answer_rows_hold_no_person_no_time_and_random_ids(pact):
    columns = {c["name"] for c in inspect(pact.engine).get_columns("pulse_answers")}
    assert columns == {"id", "survey_id", "scores", "enps", "comment"}
    invite_columns = {c["name"] for c in inspect(pact.engine).get_columns("pulse_invites")}
    assert not {c for c in invite_columns if "at" in c.split("_") or "time" in c}
    team = make_team(pact.engine, pact.emulator, members=5)
    survey_id = _survey(pact.engine, team)
    _answer_in_order(pact.engine, survey_id, [team.lead, *team.members])
    rows = _rows_as_stored(pact.engine, survey_id)
    assert len(rows) == 6 and len({len(r.id) for r in rows}) == 1
    assert all(int(r.id, 16) for r in rows)  # random hex, not a sequence
    with session_scope(pact.engine) as s:
        dump = json.dumps([a.model_dump() for a in s.exec(select(PulseAnswer))])
        for member_id in team.member_ids.values():
            assert f'"{member_id}"' not in dump
        for uid in [team.lead, *team.members]:
            assert uid not in dump
        if s.get_bind().dialect.name == "postgresql":
            # Every answer row was written by the last submission's transaction.
            assert len(set(s.execute(text("SELECT xmin::text FROM pulse_answers")).scalars())
                       ) == 1


def test_neither_row_order_nor_ids_tell_who_answered_what(pact):
    """An attacker who even knows the order in which people answered guesses each person's
    answer from physical order or id order no better than by chance."""
    hits = trials = 0
    for _ in range(12):
        team = make_team(pact.engine, pact.emulator, members=4)
        survey_id = _survey(pact.engine, team)
        users = [team.lead, *team.members]
        _answer_in_order(pact.engine, survey_id, users)
        for rows in (_rows_as_stored(pact.engine, survey_id),
                     sorted(_rows_as_stored(pact.engine, survey_id), key=lambda r: r.id)):
            for position, row in enumerate(rows):
                trials += 1
                hits += row.comment == f"c{position}"
    # chance is 1 in 5; matching by order would give every guess right
    assert hits / trials < 0.45, (hits, trials)


def test_one_answer_per_person_and_the_invites_say_only_who_answered(pact):
    team = make_team(pact.engine, pact.emulator, members=3)
    survey_id = _survey(pact.engine, team)
    _answer_in_order(pact.engine, survey_id, [team.lead, team.members[0]])
    with session_scope(pact.engine) as s:
        again = pulse.answer(s, WS, team.lead, survey_id,
                             pulse.AnswerInput({"collab": 5}, None, None), NOW)
    assert "already answered" in again
    with session_scope(pact.engine) as s:
        assert iq.count_answers(s, survey_id) == 2
        answered = {i.member_id for i in s.exec(select(PulseInvite)) if i.answered}
    assert answered == {team.member_ids[team.lead], team.member_ids[team.members[0]]}


def test_no_result_below_the_threshold_and_never_below_three():
    answers = [AnswerFacts({"collab": 5}, 10, "x"), AnswerFacts({"collab": 1}, 0, "y")]
    for setting in (0, 1, 2, 3):
        result = summarise(answers, ["collab"], invited=5, min_responses=setting,
                           with_enps=True)
        assert not result.shown and not result.questions and result.enps is None
        assert not result.comments and result.response_rate is None
    three = [*answers, AnswerFacts({"collab": 3}, 9, None)]
    shown = summarise(three, ["collab"], invited=5, min_responses=3, with_enps=True)
    assert shown.shown and shown.questions[0].mean == 3.0
    assert shown.questions[0].distribution == {1: 1, 2: 0, 3: 1, 4: 0, 5: 1}
    assert shown.enps == 33  # promoters 10 and 9, one detractor (0): (2 - 1) / 3
    assert not shown.comments  # two comments of three answers: fewer than 3, none shown
