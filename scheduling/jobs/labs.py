"""Learning labs: the announcement days ahead, the presenter's reminder, the follow-up."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from bot.rules.recurrence import occurrence_of
from handlers.blocks.labs import announcement, followup_dm, pick_topic_dm, reminder_dm
from scheduling.jobs import Outcome, Run
from scheduling.kinds import Kind
from storage.models import Lab, LabSession, Member, Team
from storage.queries import labs as lq
from storage.queries.outbox import enqueue

log = logging.getLogger("pact.labs")


def _store_post(session: Session, ref: str, channel: str, ts: str) -> None:
    lab_session = session.get(LabSession, int(ref))
    if lab_session is not None and ts:
        lab_session.channel_ts = ts
        session.add(lab_session)



def slack_id(session: Session, member_id: int | None) -> str | None:
    member = session.get(Member, member_id) if member_id else None
    return member.slack_user_id if member else None


def announce(session: Session, lab: Lab, team: Team, lab_session: LabSession,
             now: datetime) -> list[int]:
    """Enqueue the session's announcement (and, without a topic, ask the presenter for one)."""
    presenter = slack_id(session, lab_session.presenter_id)
    topic = lq.shareable_topic(session, lab_session)
    text, blocks = announcement(lab_session.id, team.name, lab_session.starts_at,
                                lab.duration_minutes, presenter, topic)
    ids = [enqueue(session, workspace_id=team.workspace_id,
                   key=f"lab_announce:{lab_session.id}", channel=team.channel_id, text=text,
                   blocks=blocks, kind="lab_announce", after_send=f"lab_post:{lab_session.id}",
                   not_before=now)]
    if presenter and not topic:
        text, blocks = pick_topic_dm(team.name, lab_session.starts_at)
        ids.append(enqueue(session, workspace_id=team.workspace_id,
                           key=f"lab_topic:{lab_session.id}:{presenter}", channel=presenter,
                           text=text, blocks=blocks, kind="lab_topic", not_before=now))
    lq.session_schedules(session, lab, team, lab_session, now)
    return [i for i in ids if i is not None]


def prepare(session: Session, runs: list[Run]) -> None:
    return None


def run(session: Session, job: Run, ctx, services=None) -> Outcome:
    if job.kind == "lab_announce":
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
        lab_session = lq.plan_session(session, lab, starts_at, job.now)
        if lab_session is None:
            return Outcome()
        return Outcome(outbox_ids=announce(session, lab, team, lab_session, job.now))

    if job.kind == "lab_refresh":
        return Outcome(done=True, after_commit=[
            lambda engine, client, sid=job.subject_id: _refresh_post(engine, client, sid)])
    lab_session = session.get(LabSession, job.subject_id)
    lab = session.get(Lab, lab_session.lab_id) if lab_session else None
    team = session.get(Team, lab.team_id) if lab else None
    if lab_session is None or team is None or lab_session.status != "scheduled":
        return Outcome(done=True)
    if team.paused_reason:
        return Outcome()
    ids: list[int] = []
    after: list = []
    if job.kind == "lab_reminder":
        ids = _replace_if_gone(session, team, lab_session, job.now, after)
    presenter = slack_id(session, lab_session.presenter_id)
    if presenter is None:
        return Outcome(outbox_ids=ids, done=True, after_commit=after)
    if job.kind == "lab_reminder":
        text, blocks = reminder_dm(team.name, lab_session.starts_at,
                                   lq.shareable_topic(session, lab_session), lab_session.id)
    else:
        text, blocks = followup_dm(team.name, lq.shareable_topic(session, lab_session),
                                   lab_session.id)
    mid = enqueue(session, workspace_id=team.workspace_id,
                  key=f"{job.kind}:{lab_session.id}:{presenter}", channel=presenter,
                  text=text, blocks=blocks, kind=job.kind, not_before=job.now)
    return Outcome(outbox_ids=[i for i in (*ids, mid) if i], after_commit=after)


def _refresh_post(engine, client, session_id: int) -> None:
    from handlers.labs import refresh_post

    refresh_post(engine, client, session_id)


def _replace_if_gone(session: Session, team: Team, lab_session: LabSession,
                     now: datetime, after: list) -> list[int]:
    """The presenter was deactivated in Slack (or left the team without Pact hearing of it)
    since the session was planned: they drop out of the rotation and the next person in line
    presents; the announcement's thread says so. Returns the messages to send."""
    member = session.get(Member, lab_session.presenter_id) if lab_session.presenter_id else None
    if member is None or member.id in set(lq.eligible_members(session, team.id)):
        return []
    log.info("lab session %s: presenter %s is gone; the next person in line presents",
             lab_session.id, member.id)
    lq.member_left(session, team, member, now)
    session.refresh(lab_session)
    presenter = slack_id(session, lab_session.presenter_id)
    ids = []
    after.append(lambda engine, client, sid=lab_session.id: _refresh_post(engine, client, sid))
    if lab_session.channel_ts:
        note = (f"Change of presenter: <@{presenter}> presents this session now."
                if presenter else "The presenter is no longer in the team, and nobody else "
                "is in the rotation yet.")
        ids.append(enqueue(session, workspace_id=team.workspace_id,
                           key=f"lab_change:{lab_session.id}:{presenter}", kind="lab_change",
                           channel=team.channel_id, text=note,
                           thread_ts=lab_session.channel_ts, not_before=now))
    if presenter and not lq.shareable_topic(session, lab_session):
        text, blocks = pick_topic_dm(team.name, lab_session.starts_at)
        ids.append(enqueue(session, workspace_id=team.workspace_id,
                           key=f"lab_topic:{lab_session.id}:{presenter}", channel=presenter,
                           text=text, blocks=blocks, kind="lab_topic", not_before=now))
    return [i for i in ids if i is not None]


KINDS = [
    Kind("lab_announce", time_bound=False, prepare=prepare, run=run, after_send=_store_post),
    Kind("lab_reminder", time_bound=True, prepare=prepare, run=run),
    Kind("lab_followup", time_bound=False, prepare=prepare, run=run),
    Kind("lab_refresh", time_bound=False, prepare=prepare, run=run),
    Kind("lab_topic", time_bound=False),
    Kind("lab_change", time_bound=False),
]
