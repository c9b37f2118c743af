"""Review nudges: one DM a working day at most, at 10:00 in the recipient's timezone."""

from __future__ import annotations

import logging

from sqlalchemy import or_
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
from storage.models import Member, NudgeSent, NudgeSnooze, Objective, Pdp
from storage.queries.outbox import enqueue

log = logging.getLogger("pact.nudges")


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
