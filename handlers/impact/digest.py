"""The weekly digest: one post a week in the team channel (a team setting, off by default),
edited in place if the same week is rendered again, nothing when there is nothing to say."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.rules.recurrence import DAY_NAMES, WEEKDAYS
from handlers.kit import refusals
from handlers.kit.blocks import (
    clip,
    context,
    escape,
    header,
    mention,
    plural,
    progress_bar,
    section,
    slack_date,
    slack_datetime,
)
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


def _goal_line(goal) -> str:
    span = (goal.target - goal.baseline) or 1
    fraction = (goal.current_value - goal.baseline) / span
    return (f"*{escape(clip(goal.title, 100))}*  {progress_bar(fraction)}  "
            f"{goal.current_value:g}/{goal.target:g} {escape(goal.unit)}")


def digest_message(team: Team, facts: dq.WeekFacts) -> tuple[str, list[dict]] | None:
    wins = ([f":white_check_mark: {escape(clip(m, 100))} ({escape(clip(g, 60))})"
             for g, m in facts.milestones_done]
            + [f":trophy: Goal achieved: {escape(clip(g, 100))}" for g in facts.goals_achieved]
            + [f":tada: {mention(u)} finished {escape(clip(t, 100))}"
               for u, t in facts.objectives_done])
    if not (wins or facts.next_lab or facts.upcoming):
        return None
    blocks = [header(f"This week · {clip(team.name, 100)}")]
    if wins:
        blocks.append(section(clip("*Wins*\n" + "\n".join(wins[:15]), 2900)))
    if facts.goals:
        blocks.append(section(clip("*Goals*\n" + "\n".join(_goal_line(g)
                                                            for g in facts.goals[:8]), 2900)))
    if facts.next_lab:
        starts_at, presenter = facts.next_lab
        who = f"{mention(presenter)} presents" if presenter else "presenter to be decided"
        blocks.append(section(f"*Next learning lab*: {slack_datetime(starts_at)}, {who}."))
    if facts.upcoming:
        lines = [f"{slack_date(d, tz=team.tz)} · {escape(clip(t, 100))} "
                 f"({escape(clip(g, 60))})" for g, t, d in facts.upcoming[:8]]
        blocks.append(section("*Coming up*\n" + "\n".join(lines)))
    blocks.append(context("Weekly digest · a lead turns it off with `/pact digest off`."))
    text = (f"This week in {escape(team.name)}: {plural(len(wins), 'win')}, "
            f"{len(facts.upcoming)} coming up.")
    return text, blocks


def run(session: Session, job: Run, ctx, services=None) -> Outcome:
    team = session.get(Team, job.subject_id)
    settings = dq.settings(session, job.subject_id)
    if team is None or settings is None or not settings.digest_enabled:
        return Outcome(done=True)
    if team.paused_reason:
        return Outcome()
    local = job.occurrence.astimezone(ZoneInfo(team.tz))
    week = f"{local.isocalendar().year}-W{local.isocalendar().week:02d}"
    facts = dq.week_facts(session, team.id, job.occurrence - timedelta(days=7),
                          job.occurrence, local.date() + timedelta(days=14))
    message = digest_message(team, facts)
    if message is None:
        return Outcome()
    text, blocks = message
    again = settings.digest_week == week and settings.digest_ts
    mid = enqueue(session, workspace_id=team.workspace_id,
                  key=f"digest:{team.id}:{week}" + (f":{job.now.isoformat()}" if again else ""),
                  channel=team.channel_id, text=text, blocks=blocks, kind="digest",
                  not_before=job.now, update_ts=settings.digest_ts if again else None,
                  after_send=f"digest:{team.id}:{week}")
    return Outcome(outbox_ids=[mid] if mid else [])


def store_post(session: Session, ref: str, channel: str, ts: str) -> None:
    team_id, _, week = ref.partition(":")
    if team_id.isdigit():
        dq.record_post(session, int(team_id), week, ts)
