"""The rhythm's scheduled kinds: the weekly check-in, milestone reminders, review nudges.

Each runs inside the tick's transaction for its schedule row and only enqueues outbox
messages, so the decision and the messages commit together with the next run, or not at all.
The check-ins of a batch leave their posts in the batch, written in one statement by its flush.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.rules.absence import first_working_moment_back
from bot.rules.nudges import (
    ObjectiveFacts,
    PlanFacts,
    items_for,
    local_day,
    may_nudge,
    next_nudge_at,
)
from handlers.absences.calendar import WEEKDAY_NUMBERS, moved_here, team_post_day
from handlers.absences.holds import in_working_hours, while_away
from handlers.absences.service import STOPPED_NUDGES
from handlers.kit.blocks import context, escape
from handlers.pdp.notices import take_waiting_plan_dms
from handlers.rhythm import schedules
from handlers.rhythm.blocks import (
    GoalFacts,
    MilestoneFacts,
    milestone_reminder,
    nudge_message,
)
from handlers.rhythm.checkins import GoalCheckin, superseded, team_checkin, weekday_name
from scheduling.kinds import Kind, Outcome, Run
from storage.models import Goal, Member, Milestone, Team
from storage.queries import absences as aq
from storage.queries import checkins as cq
from storage.queries import goals as gq
from storage.queries import rhythm as q
from storage.queries.outbox import enqueue, enqueue_many, existing_keys, message

log = logging.getLogger("pact.rhythm")


# ---- the weekly check-in: one post per team per moment, every active goal in it ------------

def prepare_checkins(session: Session, runs: list[Run]) -> q.CheckinBatch:
    """Everything the batch's check-ins need, in a handful of queries."""
    oldest = min((r.last_run_at or r.occurrence - timedelta(days=7)) for r in runs)
    batch = q.checkin_batch(session, sorted({r.subject_id for r in runs}), oldest)
    batch.existing = existing_keys(session, [_checkin_key(r) for r in runs])
    return batch


def _checkin_key(job: Run) -> str:
    return cq.checkin_key(job.subject_id, job.occurrence.strftime("%Y%m%dT%H%M"))


def flush_checkins(session: Session, batch: q.CheckinBatch) -> None:
    """The batch's check-in posts and the edits of the posts they replace, in one statement."""
    added = enqueue_many(session, batch.posts)
    for outcome, keys in batch.waiting:
        outcome.outbox_ids.extend(added[k] for k in keys if k in added)
    batch.posts, batch.waiting = [], []


def run_checkin(session: Session, job: Run, batch: q.CheckinBatch, services=None) -> Outcome:
    """One post for the team with all its goals and the milestones due this week; nothing when
    the team has no active goal. The previous check-in loses its buttons."""
    team = batch.teams.get(job.subject_id)
    if team is None:
        return Outcome(done=True)
    if team.paused_reason:
        return Outcome()
    goals = batch.goals.get(team.id, [])
    if not goals:
        return Outcome()  # nothing to say
    since = job.last_run_at or job.occurrence - timedelta(days=7)
    today = job.occurrence.astimezone(ZoneInfo(team.tz)).date()
    stamp = job.occurrence.strftime("%Y%m%dT%H%M")
    holiday = team_post_day(session, team, job.occurrence, team.checkin_weekday,
                            batch.calendars.get(team.id))
    if holiday is not None and holiday.next_run_at is not None:
        return Outcome(next_run_at=holiday.next_run_at)  # the post says so when it runs
    if holiday is not None and holiday.skipped:
        # The note may name a day the team typed itself: escaped in the fallback too.
        text = f"{escape(holiday.note)}: no check-in this week. The next one comes as usual."
        mid = enqueue(session, workspace_id=team.workspace_id,
                      key=f"{cq.checkin_key(team.id, stamp)}:holiday", channel=team.channel_id,
                      text=text, blocks=[context(text)], kind="checkin",
                      not_before=job.now, team_id=team.id)
        return Outcome(outbox_ids=[mid] if mid else [])
    if holiday is not None:  # moved here from a holiday: the week since the one before
        since = min(since, job.occurrence - timedelta(
            days=7 + (today.weekday() - WEEKDAY_NUMBERS[team.checkin_weekday]) % 7))
    items = []
    for goal in goals:
        who = list(dict.fromkeys(u for at, u in batch.contributors.get(goal.id, [])
                                 if since <= at <= job.now))
        facts = GoalFacts(goal.id, goal.title, goal.metric, goal.baseline, goal.target,
                          goal.current_value, goal.unit, goal.due_date, team.tz)
        milestones = [MilestoneFacts(m.id, m.title, m.due_date, m.done_at is not None)
                      for m in batch.milestones.get(goal.id, [])]
        items.append(GoalCheckin(facts, milestones, who))
    text, blocks = team_checkin(team.name, items, today)
    if holiday is not None:
        why = f"{escape(holiday.note)}; here is last week's check-in."
        text, blocks = f"{why} {text}", [context(why), *blocks]
    key = _checkin_key(job)
    out = Outcome()
    if key in batch.existing:  # decided already: nothing new to post or edit
        return out
    batch.existing.add(key)
    posts = [message(workspace_id=team.workspace_id, key=key, channel=team.channel_id,
                     text=text, blocks=blocks, kind="checkin", not_before=job.now,
                     team_id=team.id)]
    previous = batch.previous.get(team.id)  # loaded before this run: never this post
    if previous is not None and previous.idempotency_key != key:
        state = f"Superseded by {weekday_name(today)}'s check-in."
        posts.append(message(workspace_id=team.workspace_id, key=f"superseded:{previous.id}",
                             channel=previous.sent_channel or previous.channel,
                             update_ts=previous.sent_ts, text=previous.text,
                             blocks=superseded(previous.blocks, state),
                             kind="checkin_superseded", not_before=job.now))
    batch.posts.extend(posts)
    batch.waiting.append((out, [p["idempotency_key"] for p in posts]))
    return out  # its outbox ids come with flush_checkins


# ---- milestone reminders: two days before a milestone is due, and on the day ----------------

def no_context(session: Session, runs: list[Run]) -> None:
    return None


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def run_milestone(session: Session, job: Run, ctx, services=None) -> Outcome:
    """On the team's check-in day the check-in shows the milestone: no second post. On other
    days the reminder is a reply in the goal's thread, not a new post in the channel."""
    milestone = session.get(Milestone, job.subject_id)
    goal = session.get(Goal, milestone.goal_id) if milestone else None
    team = session.get(Team, goal.team_id) if goal else None
    if milestone is None or goal is None or team is None or milestone.done_at is not None \
            or goal.status != "active":
        return Outcome(done=True)
    if team.paused_reason:
        return Outcome()
    holiday = team_post_day(session, team, job.occurrence)
    if holiday is not None and holiday.next_run_at is not None:
        return Outcome(next_run_at=holiday.next_run_at)
    if holiday is not None and holiday.skipped:
        return Outcome()
    today = job.occurrence.astimezone(ZoneInfo(team.tz)).date()
    if WEEKDAYS[today.weekday()] == team.checkin_weekday:
        return Outcome()  # the check-in of this moment lists it
    days_left = (milestone.due_date - today).days
    text, blocks = milestone_reminder(goal.title, MilestoneFacts(
        milestone.id, milestone.title, milestone.due_date, False), days_left, team.tz)
    why = moved_here(session, team.id, today, job.rule.start - timedelta(
        days=job.rule.days_before)) if job.rule.kind == "once" and job.rule.start else None
    if why:  # moved here from a holiday: the reminder says so
        why = f"{escape(why)}, so this reminder comes today."
        text, blocks = f"{text} ({why})", [*blocks[:1], context(why), *blocks[1:]]
    thread = goal.thread_ts or goal.channel_ts
    if not thread:
        latest = cq.latest_checkin_post(session, team.workspace_id, team.id)
        thread = gq.goal_thread(session, goal, latest.sent_ts if latest else None)
    mid = enqueue(session, workspace_id=team.workspace_id,
                  key=f"{job.kind}:{milestone.id}:{milestone.due_date.isoformat()}",
                  channel=team.channel_id, text=text, blocks=blocks, kind=job.kind,
                  thread_ts=thread, not_before=job.now)
    return Outcome(outbox_ids=[mid] if mid else [])


# ---- review nudges: one DM a working day at most, at 10:00 in the recipient's timezone ------

def run_nudge(session: Session, job: Run, ctx, services=None) -> Outcome:
    member = session.get(Member, job.subject_id)
    if member is None:
        return Outcome(done=True)
    if member.is_deleted:
        log.info("nudges for member %s skipped: deactivated in Slack", member.id)
        return Outcome()
    away = aq.away_of(session, member, job.now)
    if away is not None:  # held, not dropped: what still matters goes on their first day back
        return Outcome(next_run_at=first_working_moment_back(away, job.now, member.tz))
    aq.drop_stale_held(session, member.workspace_id, member.slack_user_id, job.now)
    if not may_nudge(job.now, member.tz):
        # Late (after downtime) and now outside 09:00-18:00 or on a weekend: next working day.
        return Outcome(next_run_at=next_nudge_at(job.now, member.tz))
    facts = q.nudge_facts(session, member, job.now)
    items = [] if STOPPED_NUDGES in facts.snoozed else _nudge_items(member, facts, job.now)
    if q.nudged_today(session, member, job.now):
        return Outcome()  # one nudge DM a day at most: these wait for the next one
    merge = session.begin_nested()
    requests = take_waiting_plan_dms(session, member, job.now, at_least=1 if items else 2)
    asked = {r.pdp_id for r in requests if r.reasons}
    items = [i for i in items if not (i.kind.endswith("_report") and i.ref_id in asked)]
    if not items and not requests:
        merge.rollback()
        return Outcome()
    text, blocks = nudge_message(items, next_nudge_at(job.now, member.tz), requests=requests)
    day = local_day(job.now, member.tz)
    mid = enqueue(session, workspace_id=member.workspace_id, key=f"nudge:{member.id}:{day}",
                  channel=member.slack_user_id, text=text, blocks=blocks, kind="nudge",
                  not_before=job.now)
    if mid is None:
        merge.rollback()  # today's DM went out already; the rest waits for tomorrow
        return Outcome()
    merge.commit()
    q.record_nudged(session, member.id, [item.key for item in items], job.now)
    return Outcome(outbox_ids=[mid])


def _nudge_items(member: Member, facts, now) -> list:
    """What `member` should hear about today: their reviews, their reports', stale objectives
    (snoozed and already-sent items left out)."""
    owners = facts.owners
    plans = [PlanFacts(p.id, p.owner_id, p.manager_id,
                       (owners.get(p.owner_id).display_name if owners.get(p.owner_id) else ""),
                       p.next_review_at, p.review_requested_at)
             for p in facts.plans if not (owners.get(p.owner_id) and owners[p.owner_id].is_deleted)]
    objectives = [ObjectiveFacts(o.id, member.id, o.title, o.status,
                                 o.last_progress_at or o.created_at) for o in facts.objectives]
    return items_for(member.id, now, plans, objectives, facts.snoozed, facts.sent)


KINDS = [
    Kind("checkin", time_bound=True, prepare=prepare_checkins, run=run_checkin,
         flush=flush_checkins, reconcile=schedules.RECONCILE_CHECKINS),
    Kind("milestone_soon", time_bound=True, prepare=no_context, run=run_milestone,
         reconcile=schedules.RECONCILE_MILESTONES),
    Kind("milestone_due", time_bound=True, prepare=no_context, run=run_milestone),
    Kind("checkin_superseded", time_bound=False),
    Kind("nudge", time_bound=False, prepare=no_context, run=run_nudge,
         hold=while_away(in_working_hours, on_drop=aq.forget_nudge_items),
         reconcile=schedules.RECONCILE_NUDGES),
    Kind("stuck", time_bound=False),
    Kind("channel_trouble", time_bound=False),
]
