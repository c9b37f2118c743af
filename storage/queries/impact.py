"""Pulse surveys and team settings for results: named reads and writes, nothing else."""

from __future__ import annotations

import random
import secrets
from datetime import datetime

from sqlalchemy import delete, func, insert, text, update
from sqlmodel import Session, select

from storage.models import (
    MIN_RESPONSES_FLOOR,
    FeedbackAnswer,
    FeedbackAsk,
    FeedbackRequest,
    ImpactSettings,
    Member,
    Objective,
    OutboxMessage,
    Pdp,
    PulseAnswer,
    PulseInvite,
    PulseSeries,
    PulseSurvey,
    TeamMembership,
)

_shuffle = random.SystemRandom().shuffle


def min_responses(session: Session, team_id: int) -> int:
    row = session.get(ImpactSettings, team_id)
    return max(MIN_RESPONSES_FLOOR, row.min_responses if row else MIN_RESPONSES_FLOOR)


def set_min_responses(session: Session, team_id: int, value: int, now: datetime) -> None:
    row = session.get(ImpactSettings, team_id) or ImpactSettings(team_id=team_id)
    row.min_responses, row.updated_at = max(MIN_RESPONSES_FLOOR, value), now
    session.add(row)


def active_series(session: Session, team_id: int) -> PulseSeries | None:
    return session.exec(select(PulseSeries).where(PulseSeries.team_id == team_id,
                                                  PulseSeries.active)
                        .order_by(PulseSeries.id.desc())).first()


def end_series(session: Session, team_id: int) -> list[int]:
    ids = list(session.exec(select(PulseSeries.id).where(PulseSeries.team_id == team_id,
                                                         PulseSeries.active)))
    if ids:
        session.execute(update(PulseSeries).where(PulseSeries.id.in_(ids)).values(active=False))
    return ids


def open_survey(session: Session, series: PulseSeries, opens_at: datetime,
                closes_at: datetime) -> PulseSurvey:
    """A new round, with every current member of the team invited."""
    survey = PulseSurvey(series_id=series.id, team_id=series.team_id,
                         workspace_id=series.workspace_id, questions=list(series.questions),
                         with_enps=series.with_enps, with_comment=series.with_comment,
                         opens_at=opens_at, closes_at=closes_at)
    session.add(survey)
    session.flush()
    member_ids = list(session.exec(
        select(TeamMembership.member_id).join(Member, Member.id == TeamMembership.member_id)
        .where(TeamMembership.team_id == series.team_id, ~Member.is_deleted, ~Member.is_bot)))
    for member_id in member_ids:
        session.add(PulseInvite(survey_id=survey.id, member_id=member_id))
    survey.invited = len(member_ids)
    session.add(survey)
    session.flush()
    return survey


def open_survey_of_series(session: Session, series_id: int) -> PulseSurvey | None:
    return session.exec(select(PulseSurvey).where(PulseSurvey.series_id == series_id,
                                                  PulseSurvey.status == "open")).first()


def invitees(session: Session, survey_id: int) -> list[tuple[Member, bool]]:
    """(member, answered) for everyone asked."""
    rows = session.exec(select(Member, PulseInvite.answered)
                        .join(PulseInvite, PulseInvite.member_id == Member.id)
                        .where(PulseInvite.survey_id == survey_id)).all()
    return [(m, bool(a)) for m, a in rows]


def invite_for_update(session: Session, survey_id: int, member_id: int) -> PulseInvite | None:
    return session.exec(select(PulseInvite).where(PulseInvite.survey_id == survey_id,
                                                  PulseInvite.member_id == member_id)
                        .with_for_update()).first()


def mark_answered(session: Session, survey_id: int, member_id: int) -> bool:
    """True when this was the member's first answer (a conditional UPDATE: of two racing
    submissions exactly one matches)."""
    return session.execute(update(PulseInvite).where(
        PulseInvite.survey_id == survey_id, PulseInvite.member_id == member_id,
        ~PulseInvite.answered).values(answered=True)).rowcount == 1


def add_answer_shuffled(session: Session, survey_id: int, scores: dict, enps: int | None,
                        comment: str | None) -> None:
    """Store one more answer so that nothing tells it apart from the others: the survey's
    answers are all deleted and written again, in a random order, each with a new random id
    (so neither ids, insertion order, row position nor the writing transaction say which one
    is new)."""
    survey = session.exec(select(PulseSurvey).where(PulseSurvey.id == survey_id)
                          .with_for_update()).one()  # one writer per survey at a time
    table = PulseAnswer.__table__
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete = ON"))  # deleted rows leave no trace
    rows = [dict(r._mapping) for r in session.execute(
        select(table.c.scores, table.c.enps, table.c.comment)
        .where(table.c.survey_id == survey.id))]
    rows.append({"scores": scores, "enps": enps, "comment": comment})
    _shuffle(rows)
    session.execute(delete(table).where(table.c.survey_id == survey.id))
    session.execute(insert(table), [{**r, "id": secrets.token_hex(16), "survey_id": survey.id}
                                    for r in rows])


def answers(session: Session, survey_id: int) -> list[PulseAnswer]:
    return list(session.exec(select(PulseAnswer).where(PulseAnswer.survey_id == survey_id)))


def count_answers(session: Session, survey_id: int) -> int:
    return session.exec(select(func.count()).select_from(PulseAnswer)
                        .where(PulseAnswer.survey_id == survey_id)).one()


def close(session: Session, survey: PulseSurvey, responses: int) -> None:
    survey.status, survey.responses = "closed", responses
    session.add(survey)


def closed_surveys(session: Session, team_id: int, limit: int = 12) -> list[PulseSurvey]:
    """The team's last closed surveys, oldest first."""
    rows = list(session.exec(select(PulseSurvey).where(PulseSurvey.team_id == team_id,
                                                       PulseSurvey.status == "closed")
                             .order_by(PulseSurvey.closes_at.desc(), PulseSurvey.id.desc())
                             .limit(limit)))
    return rows[::-1]


def answers_of(session: Session, survey_ids: list[int]) -> dict[int, list[PulseAnswer]]:
    out: dict[int, list[PulseAnswer]] = {i: [] for i in survey_ids}
    if survey_ids:
        for a in session.exec(select(PulseAnswer).where(PulseAnswer.survey_id.in_(survey_ids))):
            out[a.survey_id].append(a)
    return out


# ---- peer feedback (360) ----------------------------------------------------------------------

def objective_owner(session: Session, objective_id: int) -> tuple[Objective | None, Pdp | None]:
    row = session.exec(select(Objective, Pdp).join(Pdp, Pdp.id == Objective.pdp_id)
                       .where(Objective.id == objective_id)).first()
    return (row[0], row[1]) if row else (None, None)


def create_feedback_request(session: Session, workspace_id: str, objective_id: int,
                            owner_id: int, giver_ids: list[int], now: datetime
                            ) -> FeedbackRequest:
    request = FeedbackRequest(workspace_id=workspace_id, objective_id=objective_id,
                              owner_id=owner_id, created_at=now)
    session.add(request)
    session.flush()
    for giver_id in giver_ids:
        session.add(FeedbackAsk(request_id=request.id, giver_id=giver_id))
    session.flush()
    return request


def feedback_ask(session: Session, request_id: int, giver_id: int) -> FeedbackAsk | None:
    return session.exec(select(FeedbackAsk).where(FeedbackAsk.request_id == request_id,
                                                  FeedbackAsk.giver_id == giver_id)).first()


def mark_feedback_given(session: Session, request_id: int, giver_id: int) -> bool:
    return session.execute(update(FeedbackAsk).where(
        FeedbackAsk.request_id == request_id, FeedbackAsk.giver_id == giver_id,
        ~FeedbackAsk.answered).values(answered=True)).rowcount == 1


def add_named_feedback(session: Session, request_id: int, giver_id: int, values: dict) -> None:
    session.execute(insert(FeedbackAnswer.__table__).values(
        id=secrets.token_hex(16), request_id=request_id, giver_id=giver_id, released=True,
        **values))


def add_anonymous_feedback(session: Session, request_id: int, values: dict) -> None:
    """Like pulse answers: the request's anonymous answers are rewritten in a random order with
    new random ids, so nothing tells which one is new."""
    table = FeedbackAnswer.__table__
    session.exec(select(FeedbackRequest).where(FeedbackRequest.id == request_id)
                 .with_for_update()).one()
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete = ON"))
    cols = (table.c.went_well, table.c.try_next, table.c.knowledge_sharing, table.c.mentoring,
            table.c.released)
    anonymous = (table.c.request_id == request_id) & table.c.giver_id.is_(None)
    rows = [dict(r._mapping) for r in session.execute(select(*cols).where(anonymous))]
    rows.append({**values, "released": False})
    _shuffle(rows)
    session.execute(delete(table).where(anonymous))
    session.execute(insert(table), [{**r, "id": secrets.token_hex(16), "request_id": request_id,
                                     "giver_id": None} for r in rows])


def release_anonymous(session: Session, request_id: int) -> list[FeedbackAnswer]:
    """The anonymous answers not yet shown to the owner, now marked shown."""
    rows = list(session.exec(select(FeedbackAnswer).where(
        FeedbackAnswer.request_id == request_id, FeedbackAnswer.giver_id.is_(None),
        ~FeedbackAnswer.released)))
    for row in rows:
        row.released = True
        session.add(row)
    return rows


def count_anonymous(session: Session, request_id: int) -> int:
    return session.exec(select(func.count()).select_from(FeedbackAnswer).where(
        FeedbackAnswer.request_id == request_id, FeedbackAnswer.giver_id.is_(None))).one()


def pending_feedback_messages(session: Session, workspace_id: str) -> list[int]:
    """Feedback DMs of this workspace still waiting in the outbox (sent right after a form)."""
    return list(session.exec(select(OutboxMessage.id).where(
        OutboxMessage.workspace_id == workspace_id, OutboxMessage.status == "pending",
        OutboxMessage.kind.in_(("feedback_ask", "feedback_new")))))


def shown_feedback(session: Session, objective_ids: list[int]) -> dict[int, list[tuple]]:
    """objective id -> (giver's Slack id or None, went well, try next, knowledge sharing,
    mentoring) of the feedback the owner has been shown (anonymous: once released)."""
    out: dict[int, list[tuple]] = {i: [] for i in objective_ids}
    if not objective_ids:
        return out
    rows = session.execute(
        select(FeedbackRequest.objective_id, Member.slack_user_id, FeedbackAnswer.went_well,
               FeedbackAnswer.try_next, FeedbackAnswer.knowledge_sharing,
               FeedbackAnswer.mentoring)
        .join(FeedbackRequest, FeedbackRequest.id == FeedbackAnswer.request_id)
        .outerjoin(Member, Member.id == FeedbackAnswer.giver_id)
        .where(FeedbackRequest.objective_id.in_(objective_ids), FeedbackAnswer.released)
        .order_by(FeedbackRequest.id, FeedbackAnswer.giver_id.is_(None), FeedbackAnswer.id))
    for objective_id, *entry in rows:
        out[objective_id].append(tuple(entry))
    return out
