"""The weekly digest: one post a week in the team channel (a team setting, off by default),
edited in place if the same week is rendered again, nothing when there is nothing to say."""

from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.rules.recurrence import DAY_NAMES, WEEKDAYS
from bot.rules.visibility import TEAM_AUDIENCE, may_see
from handlers.absences.calendar import WEEKDAY_NUMBERS, team_post_day
from handlers.impact import digest_blocks as ui
from handlers.impact.digest_chart import goals_chart
from handlers.kit import refusals
from handlers.kit.blocks import context, escape
from scheduling.kinds import Outcome, Run
from storage.models import ImpactSettings, Team
from storage.queries import impact_digest as dq
from storage.queries import schedules as sq
from storage.queries.outbox import enqueue

_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse(args: list[str]) -> tuple[bool, str, str] | str:
    """`on [weekday] [HH:MM]` or `off` -> (enabled, weekday, time), or what to write instead."""
    words = [a.lower() for a in args]
    if words[:1] == ["off"]:
        return False, "fri", "16:00"
    if words[:1] != ["on"]:
        return refusals.DIGEST_USAGE
    weekday, at = "fri", "16:00"
    for word in words[1:]:
        if word[:3] in WEEKDAYS:
            weekday = word[:3]
        elif _TIME.match(word):
            hours, minutes = word.split(":")
            at = f"{int(hours):02d}:{minutes}"
        else:
            return refusals.DIGEST_USAGE
    return True, weekday, at


def save(session: Session, team: Team, enabled: bool, weekday: str, at: str,
         now: datetime) -> str:
    row = session.get(ImpactSettings, team.id) or ImpactSettings(team_id=team.id)
    row.digest_enabled, row.digest_weekday, row.digest_time = enabled, weekday, at
    row.updated_at = now
    session.add(row)
    if enabled:
        sq.ensure(session, workspace_id=team.workspace_id, team_id=team.id, kind="digest",
                  subject_id=team.id, rule=f"weekly {weekday} {at}", tz=team.tz, now=now,
                  paused=bool(team.paused_reason))
        return (f"The weekly digest is on: every {DAY_NAMES[weekday]} at {at} "
                f"({team.tz}) in this channel, when there is something to say.")
    sq.end(session, "digest", [team.id], now)
    return "The weekly digest is off."


def seen_by_channel(facts: dq.WeekFacts) -> ui.DigestFacts:
    """The week as everyone reading the team channel may see it: the visibility policy picks
    the objectives (a channel is a teammates' audience, never a manager or the owner)."""
    return ui.DigestFacts(
        milestones_done=facts.milestones_done,
        objectives_done=[(user, title) for user, title, visibility in facts.objectives_done
                         if may_see(TEAM_AUDIENCE, visibility)],
        celebrated=facts.goals_achieved,
        goals=[ui.GoalProgress(g.title, g.baseline, g.target, g.current_value, g.unit)
               for g in facts.goals],
        next_lab=facts.next_lab, upcoming=facts.upcoming, kudos=facts.kudos,
        thanked=facts.thanked)


def chart_attachment(goals: list[ui.GoalProgress], week: str, *, updated: bool
                     ) -> dict | None:
    """The goals' chart as an outbox attachment: uploaded into the digest's thread (again,
    marked updated, when the week's post is edited)."""
    chart = goals_chart(goals)
    if chart is None:
        return None
    png, alt = chart
    return {"filename": f"goals-{week}.png",
            "title": f"Goals · {week}" + (" (updated)" if updated else ""),
            "alt_txt": alt, "base64": base64.b64encode(png).decode()}


def run(session: Session, job: Run, ctx, services=None) -> Outcome:
    team = session.get(Team, job.subject_id)
    settings = dq.settings(session, job.subject_id)
    if team is None or settings is None or not settings.digest_enabled:
        return Outcome(done=True)
    if team.paused_reason:
        return Outcome()
    weekday = job.rule.weekdays[0] if len(job.rule.weekdays) == 1 else None
    holiday = team_post_day(session, team, job.occurrence, weekday)
    if holiday is not None and holiday.next_run_at is not None:
        return Outcome(next_run_at=holiday.next_run_at)  # the post says so when it runs
    if holiday is not None and holiday.skipped:
        text = f"{escape(holiday.note)}: no digest this week. The next one comes as usual."
        mid = enqueue(session, workspace_id=team.workspace_id, channel=team.channel_id,
                      key=f"digest:{team.id}:{job.occurrence.isoformat()}:holiday", text=text,
                      blocks=[context(text)], kind="digest_holiday", not_before=job.now)
        return Outcome(outbox_ids=[mid] if mid else [])
    local = job.occurrence.astimezone(ZoneInfo(team.tz))
    # The week of the day it was planned for (a digest moved past a holiday keeps its week).
    planned = local - timedelta(days=(local.weekday() - WEEKDAY_NUMBERS[weekday]) % 7
                                if weekday in WEEKDAY_NUMBERS else 0)
    week = f"{planned.isocalendar().year}-W{planned.isocalendar().week:02d}"
    facts = dq.week_facts(session, team.id, job.occurrence - timedelta(days=7),
                          job.occurrence, local.date() + timedelta(days=14))
    seen = seen_by_channel(facts)
    message = ui.digest_message(team.name, team.tz, seen, with_chart=bool(seen.goals))
    if message is None:
        return Outcome()
    text, blocks = message
    if holiday is not None:  # moved here from a holiday
        why = f"{escape(holiday.note)}; here is the week's digest."
        text, blocks = f"{why} {text}", [context(why), *blocks]
    again = settings.digest_week == week and settings.digest_ts
    attachment = chart_attachment(seen.goals, week, updated=bool(again))
    mid = enqueue(session, workspace_id=team.workspace_id,
                  key=f"digest:{team.id}:{week}" + (f":{job.now.isoformat()}" if again else ""),
                  channel=team.channel_id, text=text, blocks=blocks, kind="digest",
                  not_before=job.now, update_ts=settings.digest_ts if again else None,
                  after_send=f"digest:{team.id}:{week}", attachment=attachment)
    return Outcome(outbox_ids=[mid] if mid else [])


def store_post(session: Session, ref: str, channel: str, ts: str) -> None:
    team_id, _, week = ref.partition(":")
    if team_id.isdigit():
        dq.record_post(session, int(team_id), week, ts)
