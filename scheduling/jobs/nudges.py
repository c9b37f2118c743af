"""Review nudges: one DM a working day at most, at 10:00 in the recipient's timezone."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from bot.rules.nudges import (
    ObjectiveFacts,
    PlanFacts,
    items_for,
    local_day,
    may_nudge,
    next_nudge_at,
)
from handlers.blocks.nudges import nudge_message
from scheduling.jobs import Outcome, Run
from scheduling.kinds import Kind
from storage.models import Member, NudgeSent, NudgeSnooze, Objective, OutboxMessage, Pdp
from storage.queries.outbox import enqueue

log = logging.getLogger("pact.nudges")


def _hold(session: Session, messages: list, now: datetime) -> dict[int, datetime]:
    """A nudge DM about to go out outside its recipient's 09:00-18:00 on a working day (it was
    left behind by a crash, downtime or retries) waits for their next 10:00."""
    zones = {(m.workspace_id, m.slack_user_id): m.tz for m in session.exec(
        select(Member).where(Member.slack_user_id.in_({x.channel for x in messages})))}
    held = {}
    for message in messages:
        tz = zones.get((message.workspace_id, message.channel))
        if tz and not may_nudge(now, tz):
            held[message.id] = next_nudge_at(now, tz)
    return held



def _nudged_today(session: Session, member: Member, now: datetime) -> bool:
    """A nudge DM to `member` went out today (their local day) or is still waiting to."""
    zone = ZoneInfo(member.tz)
    day = now.astimezone(zone).date()
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return session.exec(select(OutboxMessage.id).where(
        OutboxMessage.workspace_id == member.workspace_id, OutboxMessage.kind == "nudge",
        OutboxMessage.channel == member.slack_user_id,
        # next_attempt_at: when it was (last) due to go out, on the tick's clock
        or_(OutboxMessage.status == "pending",
            and_(OutboxMessage.status == "sent",
                 OutboxMessage.next_attempt_at.between(start, end)))).limit(1)).first() \
        is not None


def prepare(session: Session, runs: list[Run]) -> None:
    return None


def run(session: Session, job: Run, ctx, services=None) -> Outcome:
    member = session.get(Member, job.subject_id)
    if member is None:
        return Outcome(done=True)
    if member.is_deleted:
        log.info("nudges for member %s skipped: deactivated in Slack", member.id)
        return Outcome()
    if not may_nudge(job.now, member.tz):
        # Late (after downtime) and now outside 09:00-18:00 or on a weekend: next working day.
        return Outcome(next_run_at=next_nudge_at(job.now, member.tz))
    pdps = list(session.exec(select(Pdp).where(or_(Pdp.owner_id == member.id,
                                                   Pdp.manager_id == member.id))))
    owners = {m.id: m for m in session.exec(select(Member).where(
        Member.id.in_([p.owner_id for p in pdps])))} if pdps else {}
    plans = [PlanFacts(p.id, p.owner_id, p.manager_id,
                       (owners.get(p.owner_id).display_name if owners.get(p.owner_id) else ""),
                       p.next_review_at)
             for p in pdps if not (owners.get(p.owner_id) and owners[p.owner_id].is_deleted)]
    own = [p.id for p in pdps if p.owner_id == member.id]
    objectives = [ObjectiveFacts(o.id, member.id, o.title, o.status,
                                 o.last_progress_at or o.created_at)
                  for o in session.exec(select(Objective).where(Objective.pdp_id.in_(own)))
                  ] if own else []
    snoozed = {s.subject for s in session.exec(select(NudgeSnooze).where(
        NudgeSnooze.member_id == member.id, NudgeSnooze.until > job.now))}
    sent = set(session.exec(select(NudgeSent.item_key).where(
        NudgeSent.member_id == member.id)))
    items = items_for(member.id, job.now, plans, objectives, snoozed, sent)
    if not items:
        return Outcome()
    if _nudged_today(session, member, job.now):
        return Outcome()  # one nudge DM a day at most: these wait for the next one
    text, blocks = nudge_message(items)
    day = local_day(job.now, member.tz)
    mid = enqueue(session, workspace_id=member.workspace_id, key=f"nudge:{member.id}:{day}",
                  channel=member.slack_user_id, text=text, blocks=blocks, kind="nudge",
                  not_before=job.now)
    if mid is None:
        return Outcome()  # today's DM went out already; the rest waits for tomorrow
    for item in items:
        session.add(NudgeSent(member_id=member.id, item_key=item.key, sent_at=job.now))
    session.flush()
    return Outcome(outbox_ids=[mid])


KINDS = [Kind("nudge", time_bound=False, prepare=prepare, run=run, hold=_hold)]
