"""Pulse surveys, the use cases (no Slack): set up a series, open a round, answer once,
remind those who have not answered, close and show results only above the threshold."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.rules.nudges import WORKDAYS, may_nudge, next_nudge_at
from handlers.impact import pulse_blocks as ui
from handlers.impact.results import QUESTIONS, AnswerFacts, SurveyResult, summarise, with_trend
from handlers.kit import refusals
from storage.models import PULSE_CADENCES, Member, PulseSeries, PulseSurvey, Team
from storage.queries import impact as iq
from storage.queries import schedules as sq
from storage.queries import teams as tq
from storage.queries.members import get_member
from storage.queries.outbox import enqueue

CLOSE_AT = time(18, 0)  # team time, on the last working day
FALLBACK_RULE = "daily 00:00"  # after long downtime a round or sweep resumes the next day


@dataclass
class SetupInput:
    questions: list[str]
    with_enps: bool
    with_comment: bool
    cadence: str
    open_days: int | None
    min_responses: int | None
    share: bool


def may_lead(session: Session, team: Team, member: Member | None) -> bool:
    if member is None or member.is_deleted:
        return False
    return member.is_admin or tq.is_lead(session, team.id, member.id)


def setup_defaults(session: Session, team: Team) -> dict:
    series = iq.active_series(session, team.id)
    return dict(team_name=team.name,
                questions=list(series.questions) if series else list(QUESTIONS),
                with_enps=series.with_enps if series else False,
                with_comment=series.with_comment if series else True,
                cadence=series.cadence if series else "monthly",
                open_days=series.open_days if series else 3,
                min_responses=iq.min_responses(session, team.id),
                share=series.share_in_channel if series else False)


def validate(data: SetupInput) -> dict[str, str]:
    errors = {}
    if not [q for q in data.questions if q in QUESTIONS]:
        errors["questions"] = refusals.PULSE_PICK_QUESTION
    if data.open_days is None or not 1 <= data.open_days <= 10:
        errors["open_days"] = refusals.PULSE_OPEN_DAYS
    if data.min_responses is None or data.min_responses < 3:
        errors["min_responses"] = refusals.PULSE_MIN_RESPONSES
    if data.cadence not in PULSE_CADENCES:
        errors["cadence"] = refusals.STALE
    return errors


def save_setup(session: Session, team: Team, actor: Member, data: SetupInput,
               now: datetime) -> PulseSeries:
    """A new series replaces the team's previous one; its first round opens at the next tick."""
    for old in iq.end_series(session, team.id):
        sq.end(session, "pulse_round", [old], now)
    iq.set_min_responses(session, team.id, data.min_responses, now)
    series = PulseSeries(workspace_id=team.workspace_id, team_id=team.id,
                         questions=[q for q in QUESTIONS if q in data.questions],
                         with_enps=data.with_enps, with_comment=data.with_comment,
                         cadence=data.cadence, open_days=data.open_days,
                         share_in_channel=data.share, created_by=actor.slack_user_id)
    session.add(series)
    session.flush()
    sq.ensure(session, workspace_id=team.workspace_id, team_id=team.id, kind="pulse_round",
              subject_id=series.id, rule=FALLBACK_RULE, tz="UTC", now=now, next_run_at=now)
    return series


# ---- when -------------------------------------------------------------------------------------

def closing_time(opens_at: datetime, tz: str, open_days: int) -> datetime:
    """18:00 team time on the `open_days`-th working day, counting the day invitations go."""
    zone = ZoneInfo(tz)
    day = next_nudge_at(opens_at, tz).astimezone(zone).date()
    counted = 1
    while counted < open_days:
        day += timedelta(days=1)
        if day.weekday() in WORKDAYS:
            counted += 1
    return datetime.combine(day, CLOSE_AT, tzinfo=zone).astimezone(UTC)


def reminder_day(closes_at: datetime, tz: str) -> date:
    """The working day before the survey closes, in the member's own timezone."""
    day = closes_at.astimezone(ZoneInfo(tz)).date() - timedelta(days=1)
    while day.weekday() not in WORKDAYS:
        day -= timedelta(days=1)
    return day


def next_round(after: datetime, cadence: str) -> datetime | None:
    if cadence == "biweekly":
        return after + timedelta(days=14)
    if cadence == "monthly":
        year, month = (after.year + (after.month // 12), after.month % 12 + 1)
        day = min(after.day, calendar.monthrange(year, month)[1])
        return after.replace(year=year, month=month, day=day)
    return None


# ---- the scheduled rounds ---------------------------------------------------------------------

def open_round(session: Session, series: PulseSeries, team: Team, now: datetime) -> PulseSurvey:
    survey = iq.open_survey_of_series(session, series.id)
    if survey is None:
        survey = iq.open_survey(session, series, now,
                                closing_time(now, team.tz, series.open_days))
        sq.ensure(session, workspace_id=team.workspace_id, team_id=team.id,
                  kind="pulse_sweep", subject_id=survey.id, rule=FALLBACK_RULE, tz="UTC",
                  now=now, next_run_at=now)
    return survey


@dataclass
class SweepResult:
    outbox_ids: list[int]
    next_at: datetime | None  # None: the survey closed


def sweep(session: Session, survey: PulseSurvey, team: Team, now: datetime) -> SweepResult:
    """Invite at each member's 10:00 on a working day, remind once the working day before it
    closes those who have not answered, and close it when its time has come."""
    if now >= survey.closes_at:
        return SweepResult(close(session, survey, team), None)
    ids: list[int] = []
    upcoming = [survey.closes_at]
    for member, answered in iq.invitees(session, survey.id):
        invite = iq.invite_for_update(session, survey.id, member.id)
        if member.is_deleted or answered:
            continue
        local_day = now.astimezone(ZoneInfo(member.tz)).date()
        due_reminder = reminder_day(survey.closes_at, member.tz)
        opened_on = survey.opens_at.astimezone(ZoneInfo(member.tz)).date()
        if may_nudge(now, member.tz):
            if not invite.dm_sent:
                ids += _dm(session, survey, team, member, "pulse_invite", now)
                invite.dm_sent = True
            elif not invite.reminded and local_day == due_reminder > opened_on:
                ids += _dm(session, survey, team, member, "pulse_reminder", now)
                invite.reminded = True
            session.add(invite)
        if not invite.dm_sent or not invite.reminded:
            upcoming.append(next_nudge_at(now, member.tz))
    return SweepResult(ids, min(upcoming))


def _dm(session: Session, survey: PulseSurvey, team: Team, member: Member, kind: str,
        now: datetime) -> list[int]:
    text, blocks = ui.invitation_dm(team.name, survey.id, survey.closes_at,
                                    reminder=kind == "pulse_reminder")
    mid = enqueue(session, workspace_id=team.workspace_id,
                  key=f"{kind}:{survey.id}:{member.id}", channel=member.slack_user_id,
                  text=text, blocks=blocks, kind=kind, not_before=now)
    return [mid] if mid else []


def history(session: Session, team_id: int, min_responses: int) -> list[tuple[PulseSurvey,
                                                                               SurveyResult]]:
    """The team's closed surveys with what may be shown of each, trends filled in."""
    surveys = iq.closed_surveys(session, team_id)
    answers = iq.answers_of(session, [s.id for s in surveys])
    results = [summarise([AnswerFacts(a.scores, a.enps, a.comment) for a in answers[s.id]],
                         s.questions, invited=s.invited, min_responses=min_responses,
                         with_enps=s.with_enps) for s in surveys]
    with_trend([r for r in results if r.shown])
    return list(zip(surveys, results, strict=True))


def close(session: Session, survey: PulseSurvey, team: Team) -> list[int]:
    """Close the survey; its results (or that it closed below the threshold) go to the team's
    leads, and to the channel when the lead chose so and there is something to show."""
    iq.close(session, survey, iq.count_answers(session, survey.id))
    session.flush()
    series = session.get(PulseSeries, survey.series_id)
    result = next(r for s, r in history(session, team.id, iq.min_responses(session, team.id))
                  if s.id == survey.id)
    if result.shown:
        survey.summary = {"means": {q.key: q.mean for q in result.questions},
                          "enps": result.enps}
        session.add(survey)
    text, blocks = ui.results_message(team.name, result)
    ids = []
    for lead in tq.team_leads(session, team.id):
        ids.append(enqueue(session, workspace_id=team.workspace_id,
                           key=f"pulse_results:{survey.id}:{lead.id}",
                           channel=lead.slack_user_id, text=text, blocks=blocks,
                           kind="pulse_results", not_before=survey.closes_at))
    if series is not None and series.share_in_channel and result.shown:
        ids.append(enqueue(session, workspace_id=team.workspace_id,
                           key=f"pulse_results:{survey.id}:channel", channel=team.channel_id,
                           text=text, blocks=blocks, kind="pulse_results",
                           not_before=survey.closes_at))
    return [i for i in ids if i]


# ---- answering --------------------------------------------------------------------------------

@dataclass
class AnswerInput:
    scores: dict[str, int]
    enps: int | None
    comment: str | None


def answerable(session: Session, workspace_id: str, user_id: str, survey_id: int | None,
               now: datetime) -> tuple[PulseSurvey | None, str | None]:
    """The survey this verified person may answer now, or the refusal to tell them."""
    survey = session.get(PulseSurvey, survey_id) if survey_id else None
    member = get_member(session, workspace_id, user_id)
    if survey is None or member is None or survey.workspace_id != workspace_id:
        return None, refusals.PULSE_NOT_INVITED
    invite = iq.invite_for_update(session, survey.id, member.id)
    if invite is None:
        return None, refusals.PULSE_NOT_INVITED
    if invite.answered:
        return None, refusals.PULSE_ALREADY_ANSWERED
    if survey.status != "open" or now >= survey.closes_at:
        return None, refusals.PULSE_CLOSED
    return survey, None


def answer(session: Session, workspace_id: str, user_id: str, survey_id: int | None,
           data: AnswerInput, now: datetime) -> str | None:
    """Record one answer; None on success, else the refusal. Who answered and what was
    answered are written apart, in one transaction, with nothing linking them."""
    survey, refusal = answerable(session, workspace_id, user_id, survey_id, now)
    if refusal:
        return refusal
    member = get_member(session, workspace_id, user_id)
    if not iq.mark_answered(session, survey.id, member.id):
        return refusals.PULSE_ALREADY_ANSWERED
    scores = {k: int(v) for k, v in data.scores.items() if k in survey.questions
              and 1 <= int(v) <= 5}
    enps = data.enps if survey.with_enps and data.enps is not None and 0 <= data.enps <= 10 \
        else None
    comment = (data.comment or None) if survey.with_comment else None
    iq.add_answer_shuffled(session, survey.id, scores, enps, comment)
    return None
