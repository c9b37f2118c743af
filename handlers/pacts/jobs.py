"""Pact check-ins: at most one DM a working day per person, at 10:00 in their own timezone,
listing every pact whose cadence is due that day; and the kinds of every pact message."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.rules.absence import first_working_moment_back
from bot.rules.nudges import may_nudge, next_nudge_at
from handlers.pacts import blocks as ui
from handlers.pacts import service
from scheduling.kinds import Kind, Outcome, Run
from storage.models import Member
from storage.queries import absences as aq
from storage.queries import outbox
from storage.queries import pacts as q
from storage.queries.absences import acted_on_pact_since
from storage.queries.rhythm import member_zones, nudged_today

log = logging.getLogger("pact.pacts")


def hold_in_working_hours(session: Session, messages: list, now: datetime
                          ) -> dict[int, datetime]:
    """Personal pact DMs wait for the recipient's working hours (their next 10:00), and, for
    someone away, for 10:00 on their first working day back."""
    zones = member_zones(session, {m.channel for m in messages})
    away = aq.away_recipients(session, {(m.workspace_id, m.channel) for m in messages}, now)
    held = {}
    for message in messages:
        tz = zones.get((message.workspace_id, message.channel))
        found = away.get((message.workspace_id, message.channel))
        if found is not None:
            held[message.id] = first_working_moment_back(found[0], now, found[1])
        elif tz and not may_nudge(now, tz):
            held[message.id] = next_nudge_at(now, tz)
    return held


def no_context(session: Session, runs: list[Run]) -> None:
    return None


def due_checkins(session: Session, member: Member, now: datetime) -> list:
    """The member's active pacts with a check-in due today (their calendar), moved on a step."""
    today = service.local_today(member, now)
    due = []
    for pact in q.pacts_of(session, member.id):
        if pact.cadence not in service.CADENCE_DAYS:
            continue
        mine = "owner_checkin_on" if pact.owner_id == member.id else "supporter_checkin_on"
        on = getattr(pact, mine)
        if on is None or on > today:
            continue
        every = timedelta(days=service.CADENCE_DAYS[pact.cadence])
        setattr(pact, mine, today + every)
        session.add(pact)
        if acted_on_pact_since(session, pact, member.id, datetime.combine(
                on - every, time(0), tzinfo=ZoneInfo(member.tz))):
            continue  # progress logged since the last one: no reminder
        due.append(pact)
    session.flush()
    return due


def run_checkins(session: Session, job: Run, ctx, services=None) -> Outcome:
    member = session.get(Member, job.subject_id)
    if member is None:
        return Outcome(done=True)
    if member.is_deleted:
        return Outcome()
    ended = service.end_at_dates(session, member, job.now)  # on the day, not a nudge
    away = aq.away_of(session, member, job.now)
    if away is not None:  # the nudge rules: nothing while away, check-ins wait for their return
        return Outcome(outbox_ids=ended,
                       next_run_at=first_working_moment_back(away, job.now, member.tz))
    if not may_nudge(job.now, member.tz) or nudged_today(session, member, job.now):
        # Outside their working hours, or Pact already sent them a DM today: next working day.
        return Outcome(outbox_ids=ended, next_run_at=next_nudge_at(job.now, member.tz))
    items = service.checkin_items(session, member.id,
                                  [p.id for p in due_checkins(session, member, job.now)])
    if not items:
        return Outcome(outbox_ids=ended)
    message = ui.checkin_dm(items)
    day = service.local_today(member, job.now).isoformat()
    mid = outbox.enqueue(session, workspace_id=member.workspace_id,
                         key=f"pactcheckin:{member.id}:{day}", channel=member.slack_user_id,
                         text=message["text"], blocks=message["blocks"], kind="pact_checkin",
                         not_before=job.now)
    log.info("pact check-in for member %s: %d pact(s)", member.id, len(items))
    return Outcome(outbox_ids=[*ended, *([mid] if mid else [])])


def _dm(name: str) -> Kind:
    return Kind(name, time_bound=False, hold=hold_in_working_hours)


KINDS = [
    Kind(service.CHECKIN_KIND, time_bound=False, prepare=no_context, run=run_checkins),
    Kind("pact_offer", time_bound=False), Kind("pact_ask", time_bound=False),
    Kind("pact_agreed", time_bound=False), Kind("pact_ended", time_bound=False),
    Kind("pact_thanks", time_bound=False), Kind("pact_stuck", time_bound=False),
    Kind("pact_pledge", time_bound=False),  # a pledge thanked in the goal's thread
    Kind("pact_stuck_team", time_bound=False),  # stuck, asking the team in the goal's thread
    _dm("pact_checkin"), _dm("pact_progress"),
    Kind("pact_progress_edit", time_bound=False),  # the day's progress DM, newest figure
]
