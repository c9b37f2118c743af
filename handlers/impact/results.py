"""Pulse results as plain functions: the questions, and what may be shown of the answers.

Every surface (the results message, the report, its chart and its CSV) gets its numbers from
here, and here a survey with fewer answers than the threshold yields nothing at all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from storage.models import MIN_RESPONSES_FLOOR

QUESTIONS: dict[str, str] = {
    "collab": "I learned something with or from my teammates lately.",
    "support": "When I was stuck, a teammate helped me.",
    "belong": "I feel I belong in this team.",
    "time": "My learning time was protected.",
}
SHORT = {"collab": "Collaborative learning", "support": "Peer support", "belong": "Belonging",
         "time": "Learning time protected"}
LIKERT = {1: "Strongly disagree", 2: "Disagree", 3: "Neutral", 4: "Agree",
          5: "Strongly agree"}
ENPS_QUESTION = "How likely are you to recommend this team as a place to learn? (0-10)"


def threshold(min_responses: int | None) -> int:
    """The team's setting, never below 3."""
    return max(MIN_RESPONSES_FLOOR, int(min_responses or 0))


def may_show(responses: int, min_responses: int | None) -> bool:
    return responses >= threshold(min_responses)


@dataclass(frozen=True)
class AnswerFacts:
    scores: dict
    enps: int | None = None
    comment: str | None = None


@dataclass
class QuestionResult:
    key: str
    text: str
    mean: float
    distribution: dict[int, int]  # 1..5 -> count
    change: float | None = None  # since the previous shown survey
    trend: list[float] = field(default_factory=list)  # means of past shown surveys, oldest first


@dataclass
class SurveyResult:
    """What may be shown of one closed survey. `shown` False: below the threshold, nothing."""

    responses: int
    invited: int
    needed: int
    shown: bool
    questions: list[QuestionResult] = field(default_factory=list)
    enps: int | None = None
    comments: list[str] = field(default_factory=list)

    @property
    def response_rate(self) -> float | None:
        return (self.responses / self.invited) if self.invited and self.shown else None


def summarise(answers: list[AnswerFacts], questions: list[str], *, invited: int,
              min_responses: int | None, with_enps: bool = False,
              rng: random.Random | None = None) -> SurveyResult:
    needed = threshold(min_responses)
    responses = len(answers)
    if responses < needed:
        return SurveyResult(responses, invited, needed, shown=False)
    out = SurveyResult(responses, invited, needed, shown=True)
    for key in questions:
        values = [int(a.scores[key]) for a in answers if a.scores.get(key) is not None]
        if len(values) < needed:  # a question some skipped must not show a smaller group
            continue
        distribution = {v: values.count(v) for v in range(1, 6)}
        out.questions.append(QuestionResult(key, QUESTIONS.get(key, key),
                                            round(sum(values) / len(values), 2), distribution))
    if with_enps:
        scores = [a.enps for a in answers if a.enps is not None]
        if len(scores) >= needed:
            promoters = sum(1 for s in scores if s >= 9)
            detractors = sum(1 for s in scores if s <= 6)
            out.enps = round(100 * (promoters - detractors) / len(scores))
    comments = [a.comment for a in answers if a.comment]
    if len(comments) >= needed:
        (rng or random.SystemRandom()).shuffle(comments)
        out.comments = comments
    return out


def with_trend(history: list[SurveyResult]) -> list[SurveyResult]:
    """Fill change-since-last-time and the trend line from the shown surveys before each."""
    means: dict[str, list[float]] = {}
    for result in history:
        for q in result.questions:
            past = means.setdefault(q.key, [])
            q.change = round(q.mean - past[-1], 2) if past else None
            past.append(q.mean)
            q.trend = list(past)
    return history
