"""Learning labs on schedule: the announcement days ahead, the presenter's reminder, the
follow-up, and announcements edited in place through outbox update rows."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from bot.rules.recurrence import occurrence_of
from handlers.absences.blocks import session_note
from handlers.absences.calendar import count_session_day, session_day
from handlers.kit.blocks import context
from handlers.kit.payload import int_id
from handlers.labs import blocks as ui
from handlers.labs import schedules
from handlers.labs.service import replace_if_gone
from handlers.labs.sessions import (
    announce,
    cancel_planned,
    plan_session,
    settle_dms,
    shareable_topic,
    sync_rotation,
)
from handlers.labs.sessions import update_post as _update_post
from scheduling.kinds import Kind, Outcome, Reconcile, Run
from storage.models import Lab, Team
from storage.queries import labs as lq
from storage.queries.outbox import enqueue

log = logging.getLogger("pact.labs")


def prepare(session: Session, runs: list[Run]) -> None:
    return None


def run_announce(session: Session, job: Run, ctx, services=None) -> Outcome:
    """Plan the session `announce_days` ahead (next presenter in line) and announce it."""
    lab = session.get(Lab, job.subject_id)
    team = session.get(Team, lab.team_id) if lab else None
    if lab is None or team is None:
        return Outcome(done=True)
    if team.paused_reason:
        return Outcome()
    starts_at = occurrence_of(job.rule, job.tz, job.occurrence)
    if starts_at <= job.now:
        log.warning("lab %s: the session of %s started before it could be announced",
                    lab.id, starts_at)
        return Outcome()
    note = ""
    day = session_day(session, team, starts_at)
    if day is not None:  # a team holiday: the session moves to the next working day, or not
        count_session_day(session, team, day)
        note = session_note(day.why, day.starts_at)
        if day.starts_at is None:
            mid = enqueue(session, workspace_id=team.workspace_id, channel=team.channel_id,
                          key=f"lab_holiday:{lab.id}:{starts_at.isoformat()}", text=note,
                          blocks=[context(note)], kind="lab_change", not_before=job.now)
            cancel_planned(session, lab, lq.session_at(session, lab.id, starts_at), job.now)
            return Outcome(outbox_ids=[mid] if mid else [])
        early = lq.session_at(session, lab.id, starts_at)  # planned ahead: it moves too
        if early is not None and early.status == "scheduled" and not early.channel_ts:
            early.starts_at = day.starts_at
            session.add(early)
            session.flush()
        starts_at = day.starts_at
    lab_session = plan_session(session, lab, starts_at, job.now)
    if lab_session is None:
        # Planned ahead (its presenter set the topic early): announced now, once.
        lab_session = lq.session_at(session, lab.id, starts_at)
        if lab_session is None or lab_session.status != "scheduled" or lab_session.channel_ts:
            return Outcome()
    return Outcome(outbox_ids=announce(session, lab, team, lab_session, job.now, note=note))


def run_session(session: Session, job: Run, ctx, services=None) -> Outcome:
    """The presenter's reminder the day before (someone gone is replaced first), or the
    follow-up asking them to press Done."""
    lab_session, lab, team = lq.session_with_lab(session, job.subject_id)
    if lab_session is None or lab_session.status != "scheduled":
        return Outcome(done=True)
    if team.paused_reason:
        return Outcome()
    ids: list[int] = []
    if job.kind == "lab_reminder":
        ids = replace_if_gone(session, team, lab, lab_session, job.now)
    presenter = lq.slack_id(session, lab_session.presenter_id)
    if presenter is None:
        return Outcome(outbox_ids=ids, done=True)
    topic = shareable_topic(session, lab_session)
    if job.kind == "lab_reminder":
        text, blocks = ui.reminder_dm(team.name, lab_session.starts_at, topic, lab_session.id)
    else:
        text, blocks = ui.followup_dm(team.name, topic, lab_session.id)
    mid = enqueue(session, workspace_id=team.workspace_id,
                  key=f"{job.kind}:{lab_session.id}:{presenter}", channel=presenter,
                  text=text, blocks=blocks, kind=job.kind, not_before=job.now)
    if job.kind == "lab_followup":  # skip and swap are over: the earlier DMs say so
        ids += settle_dms(session, team, lab_session, "This session has taken place.",
                          job.now, kinds=("lab_topic", "lab_reminder"))
    return Outcome(outbox_ids=[i for i in (*ids, mid) if i])


def run_refresh(session: Session, job: Run, ctx, services=None) -> Outcome:
    """Rows of this kind were scheduled by earlier versions: the announcement is edited."""
    lab_session, lab, team = lq.session_with_lab(session, job.subject_id)
    mid = _update_post(session, lab, team, lab_session, job.now) if lab_session else None
    return Outcome(outbox_ids=[mid] if mid else [], done=True)


def store_post(session: Session, ref: str, channel: str, ts: str) -> None:
    """The announcement went out: remember its ts, so later changes edit it in place."""
    session_id = int_id(ref)
    if session_id is not None:
        lq.set_post(session, session_id, ts)


# ---- schedule upkeep -------------------------------------------------------------------------

def sync_team_lab(session: Session, team: Team, now: datetime) -> None:
    """A team was saved: its lab's rotation follows the team, its schedules the timezone."""
    lab = lq.lab_for_team(session, team.id)
    if lab is not None:
        sync_rotation(session, lab)
        schedules.lab_schedules(session, lab, team, now)


def fix_labs(session: Session, lab_ids: list[int], now: datetime) -> int:
    """Labs without their announcement schedule (or with one in an old timezone) get it."""
    labs = lq.labs_with_teams(session, lab_ids)
    for lab, team in labs:
        schedules.lab_schedules(session, lab, team, now)
    return len(labs)


RECONCILE_LABS = Reconcile(find=lambda s, now, limit: lq.labs_out_of_step(s, limit),
                           fix=fix_labs)


KINDS = [
    Kind("lab_announce", time_bound=False, prepare=prepare, run=run_announce,
         after_send=store_post, reconcile=RECONCILE_LABS),
    Kind("lab_reminder", time_bound=True, prepare=prepare, run=run_session),
    Kind("lab_followup", time_bound=False, prepare=prepare, run=run_session),
    Kind("lab_refresh", time_bound=False, prepare=prepare, run=run_refresh),
    Kind("lab_topic", time_bound=False),
    Kind("lab_change", time_bound=False),
    Kind("lab_update", time_bound=False),
    Kind("lab_swap", time_bound=False),
]
