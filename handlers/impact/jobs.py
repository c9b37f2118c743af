"""Pulse surveys on schedule: a series opens a round; a round's sweep invites each member at
their 10:00, reminds non-responders once, and closes it with its results."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers.absences.holds import in_working_hours
from handlers.impact import digest, pulse
from scheduling.kinds import Held, Kind, Outcome, Run
from storage.models import PulseSeries, PulseSurvey, Team


def no_context(session: Session, runs: list[Run]) -> None:
    return None


def run_round(session: Session, job: Run, ctx, services=None) -> Outcome:
    series = session.get(PulseSeries, job.subject_id)
    team = session.get(Team, series.team_id) if series else None
    if series is None or team is None or not series.active:
        return Outcome(done=True)
    if team.paused_reason:
        return Outcome()
    pulse.open_round(session, series, team, job.now)
    nxt = pulse.next_round(job.occurrence, series.cadence)
    return Outcome(done=nxt is None, next_run_at=nxt)


def run_sweep(session: Session, job: Run, ctx, services=None) -> Outcome:
    survey = session.get(PulseSurvey, job.subject_id)
    team = session.get(Team, survey.team_id) if survey else None
    if survey is None or team is None or survey.status != "open":
        return Outcome(done=True)
    result = pulse.sweep(session, survey, team, job.now)
    return Outcome(outbox_ids=result.outbox_ids, done=result.next_at is None,
                   next_run_at=result.next_at)


def hold_survey_dms(session: Session, messages: list, now: datetime) -> dict:
    """An invitation or reminder whose survey closed before it could go out is dropped; the
    rest wait for their recipient's working hours like every DM."""
    held: dict = {}
    for message in messages:
        survey_id = (message.idempotency_key or "").split(":")[1:2]
        survey = session.get(PulseSurvey, int(survey_id[0])) if survey_id and \
            survey_id[0].isdigit() else None
        if survey is not None and (survey.status != "open" or survey.closes_at <= now):
            held[message.id] = Held(None, "dropped: the survey closed before it could go out")
    rest = [m for m in messages if m.id not in held]
    return {**held, **(in_working_hours(session, rest, now) if rest else {})}


KINDS = [
    Kind("pulse_round", time_bound=False, prepare=no_context, run=run_round),
    Kind("pulse_sweep", time_bound=False, prepare=no_context, run=run_sweep),
    Kind("pulse_invite", time_bound=False, hold=hold_survey_dms),
    Kind("pulse_reminder", time_bound=True, hold=hold_survey_dms),
    Kind("pulse_results", time_bound=False),
    Kind("feedback_ask", time_bound=False),
    Kind("feedback_new", time_bound=False),
    Kind("digest", time_bound=True, prepare=no_context, run=digest.run,
         after_send=digest.store_post),
    Kind("digest_holiday", time_bound=True),  # no digest this week: a holiday, and why
]
