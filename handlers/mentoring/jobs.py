"""Mentor rounds on schedule (every two weeks or monthly, a schedule row per team) and the
kinds of message mentoring sends: intros, reasons for the unpaired, follow-ups."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from handlers.absences.holds import in_working_hours
from handlers.kit import refusals
from handlers.mentoring import blocks as ui
from handlers.mentoring import rounds
from scheduling.kinds import Kind, Outcome, Run
from storage.models import Team
from storage.queries import mentoring as mq
from storage.queries import schedules as sq
from storage.queries import teams as tq
from storage.queries.members import get_or_create_member
from storage.queries.outbox import enqueue

CADENCES = {"biweekly": "every 2 weeks mon 10:00", "monthly": "every 4 weeks mon 10:00"}


def prepare(session: Session, runs: list[Run]) -> None:
    return None


def run_round(session: Session, job: Run, ctx, services=None) -> Outcome:
    """A scheduled round, introduced like a lead's: one group DM per mentor and mentees. Jobs
    never call Slack, so each intro names its people and the outbox opens the group DM."""
    team = session.get(Team, job.subject_id)
    if team is None:
        return Outcome(done=True)
    if team.paused_reason:
        return Outcome()
    done = rounds.run_round(session, team, "", job.now)
    done.answers = mq.answer_counts(session, team.id)
    ids = list(done.outbox_ids)
    for mentor, mentees, pair_ids in done.intros:
        ids += rounds.introduce(session, team, pair_ids, job.now, users=[mentor, *mentees],
                                done=done)
    # The leads hear what a lead running it would have: the pairs, who has none and why.
    summary = ui.round_summary(done.team_name, done.pairs, done.unpaired_why,
                               done.left_out_why, done.spelling, done.answers)
    for lead in tq.team_leads(session, team.id):
        mid = enqueue(session, workspace_id=team.workspace_id, key=f"mentor_summary:"
                      f"{done.round_id}:{lead.id}", channel=lead.slack_user_id,
                      text="Scheduled " + summary[:1].lower() + summary[1:],
                      kind="mentor_summary", not_before=job.now)
        ids += [mid] if mid else []
    return Outcome(outbox_ids=ids)


def set_schedule(session: Session, workspace_id: str, channel_id: str, user_id: str,
                 args: list[str], now: datetime) -> str:
    """`/pact mentor schedule biweekly|monthly|off`, for leads."""
    team = tq.team_for_channel(session, workspace_id, channel_id)
    if team is None:
        return refusals.MENTOR_NO_TEAM
    if not tq.is_lead(session, team.id, get_or_create_member(session, workspace_id,
                                                             user_id).id):
        return refusals.MENTOR_LEADS_ONLY
    choice = args[0].lower() if args else ""
    settings = mq.settings_of(session, team.id)
    if choice == "off":
        settings.cadence = ""
        session.add(settings)
        sq.end(session, "mentor_round", [team.id], now)
        return "Scheduled mentor rounds are off; `/pact mentor round` still runs one."
    if choice not in CADENCES:
        return "Try `/pact mentor schedule biweekly`, `monthly` or `off`."
    settings.cadence = CADENCES[choice]
    session.add(settings)
    row = sq.ensure(session, workspace_id=workspace_id, team_id=team.id, kind="mentor_round",
                    subject_id=team.id, rule=CADENCES[choice], tz=team.tz, now=now)
    return (f"A mentor round runs {choice} on Mondays at 10:00 ({team.tz}); the first on "
            f"{row.next_run_at:%Y-%m-%d}.")


KINDS = [
    Kind("mentor_round", time_bound=False, prepare=prepare, run=run_round),
    # Sent to "U1,U2,…" (a scheduled round): the group DM opened is stored on the pairs.
    Kind("mentor_intro", time_bound=False, after_send=rounds.intro_sent),
    Kind("mentor_booked", time_bound=False),
    Kind("mentor_skipped", time_bound=False),  # one side skipped: said in the pair's group DM
    Kind("mentor_pact", time_bound=False),  # a pair became a pact: each side is told
    Kind("mentor_unpaired", time_bound=False, hold=in_working_hours),
    Kind("mentor_summary", time_bound=False, hold=in_working_hours),  # a scheduled round, to leads
    # Ten days on, in each person's working hours (held again if it is late and off-hours).
    Kind("mentor_followup", time_bound=False, hold=in_working_hours),
]


