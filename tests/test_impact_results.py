"""Pulse results as a lead reads them: change since last time, the trend line, comments in an
order that tells nothing, and no question shown for a group smaller than the threshold."""

from __future__ import annotations

import random

from handlers.impact.pulse_blocks import results_message
from handlers.impact.results import AnswerFacts, summarise, with_trend


def _survey(collab_scores, *, comments=(), invited=5):
    answers = [AnswerFacts({"collab": c, "support": 4}, comment=(comments[i] if i < len(comments)
                                                                 else None))
               for i, c in enumerate(collab_scores)]
    return summarise(answers, ["collab", "support"], invited=invited, min_responses=3)


def _body(blocks) -> str:
    return " ".join(b.get("text", {}).get("text", "") for b in blocks)


def test_change_and_trend_compare_with_the_last_survey_that_was_shown():
    first = _survey([2, 2, 2])            # mean 2.00
    too_few = _survey([5, 5])             # below the threshold: not part of any trend
    third = _survey([3, 3, 3, 3])         # mean 3.00
    with_trend([first, too_few, third])

    collab = next(q for q in third.questions if q.key == "collab")
    assert collab.change == 1.0
    assert collab.trend == [2.0, 3.0]
    assert next(q for q in first.questions if q.key == "collab").change is None

    _, blocks = results_message("Platform", third)
    body = _body(blocks)
    assert "*Collaborative learning*: 3.00 / 5 (+1.00 since last time)" in body
    assert "trend ▃▅" in body  # two shown surveys, 2.0 then 3.0, on eight bars for 1–5
    _, first_blocks = results_message("Platform", first)
    assert "since last time" not in _body(first_blocks)


def test_a_drop_is_shown_with_its_sign():
    before, after = _survey([4, 4, 4]), _survey([3, 3, 3])
    with_trend([before, after])
    assert "(-1.00 since last time)" in _body(results_message("Platform", after)[1])


def test_comments_come_in_an_order_unrelated_to_who_answered_first():
    comments = [f"comment {i}" for i in range(6)]
    firsts = set()
    for seed in range(30):
        result = summarise([AnswerFacts({"collab": 3}, comment=c) for c in comments], ["collab"],
                           invited=6, min_responses=3, rng=random.Random(seed))
        assert sorted(result.comments) == comments  # every comment, none invented
        firsts.add(result.comments[0])
    assert len(firsts) > 1


def test_a_question_too_few_answered_is_left_out_even_when_the_survey_is_shown():
    answers = [AnswerFacts({"collab": 4, "support": 5}), AnswerFacts({"collab": 4, "support": 1}),
               AnswerFacts({"collab": 2})]
    result = summarise(answers, ["collab", "support"], invited=3, min_responses=3)
    assert result.shown
    assert [q.key for q in result.questions] == ["collab"]
    assert "Peer support" not in _body(results_message("Platform", result)[1])
