"""The rhythm's use cases, without Slack: asking for help on a check-in, snoozing nudges,
resuming a paused team, and telling leads when their channel refuses Pact's posts."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from bot.rules.delivery import CHANNEL_GONE
from bot.rules.nudges import SNOOZE
from handlers.kit import refusals
from handlers.rhythm.blocks import channel_gone_dm, not_in_channel_dm, stuck_message
from storage.engine import session_scope
from storage.models import Goal, Team
from storage.queries import goals as gq
from storage.queries import rhythm as rq
from storage.queries import schedules as sq
from storage.queries import teams as tq
from storage.queries.members import get_member, get_or_create_member
from storage.queries.outbox import enqueue

log = logging.getLogger("pact.rhythm")
_SUBJECT = re.compile(r"^[a-z_]{1,20}:[0-9]{1,19}$")


@dataclass(frozen=True)
class Asked:
    message_id: int | None = None
    refusal: str | None = None


def _goal_of_member(session, workspace: str, user: str, goal_id: int | None):
    """(goal, team, refusal): the goal, if `user` is in its team."""
    goal = session.get(Goal, goal_id) if goal_id else None
    team = session.get(Team, goal.team_id) if goal else None
    if team is None or team.workspace_id != workspace:
        return None, None, refusals.GOAL_GONE
    member = get_member(session, workspace, user)
    if member is None or not tq.is_member(session, team.id, member.id):
        return None, None, refusals.STUCK_NOT_IN_TEAM
    return goal, team, None


def stuck_form(engine, workspace: str, user: str, goal_id: int | None) -> tuple[str, str | None]:
    """(the goal's title, refusal) before the "I'm stuck" modal opens."""
    with session_scope(engine) as session:
        goal, _team, refusal = _goal_of_member(session, workspace, user, goal_id)
        return (goal.title if goal else ""), refusal


def ask_for_help(session, workspace: str, user: str, goal_id: int | None, thread_ts: str,
                 note: str, submission: str | None, now: datetime) -> Asked:
    """ "I'm stuck" with what the person is stuck on: a reply in the goal's one thread (its
    post's, or the check-in's it was asked from, remembered) that mentions the team's leads."""
    goal, team, refusal = _goal_of_member(session, workspace, user, goal_id)
    if refusal:
        return Asked(refusal=refusal)
    leads = [m.slack_user_id for m in tq.team_leads(session, team.id) if not m.is_deleted]
    mid = enqueue(session, workspace_id=workspace,
                  key=f"stuck:{goal.id}:{user}:{submission or now.isoformat()}",
                  channel=team.channel_id, text=stuck_message(user, goal.title, leads, note),
                  thread_ts=gq.goal_thread(session, goal, thread_ts or None), kind="stuck",
                  not_before=now)
    return Asked(message_id=mid)


def snooze(engine, workspace: str, user: str, subjects: list[str], now: datetime) -> datetime:
    """No nudge about these subjects for a week; returns until when. A subject is of the
    shape Pact writes in the button ("pdp:3"); anything else in a forged value is dropped."""
    until = now + SNOOZE
    subjects = [s for s in subjects if _SUBJECT.match(s)]
    with session_scope(engine) as session:
        member = get_or_create_member(session, workspace, user)
        rq.snooze_subjects(session, member.id, subjects, until)
    return until


@dataclass(frozen=True)
class Resumable:
    channel: str | None = None
    refusal: str | None = None


def may_resume(engine, workspace: str, user: str, team_id: int | None) -> Resumable:
    with session_scope(engine) as session:
        team = tq.get_team(session, workspace, team_id) if team_id else None
        if team is None:
            return Resumable(refusal="That team no longer exists.")
        member = get_or_create_member(session, workspace, user)
        if not (tq.is_lead(session, team.id, member.id) or member.is_admin
                or team.created_by == user):
            return Resumable(refusal="Only the team's leads can resume its rhythm.")
        return Resumable(channel=team.channel_id)


def resume(engine, workspace: str, team_id: int, now: datetime) -> datetime | None:
    """Run the team's schedules again; returns when the next check-in is."""
    with session_scope(engine) as session:
        team = tq.get_team(session, workspace, team_id)
        if team is None:
            return None
        team.paused_reason = None
        team.updated_at = now
        session.add(team)
        sq.resume_team(session, team.id, now)
        checkin = sq.get(session, "checkin", team.id)
        return checkin.next_run_at if checkin else None


def channel_trouble(engine, workspace_id: str, channel: str, error: str,
                    now: datetime) -> list[int]:
    """A team channel refused a post: tell the team's leads what to do; pause the team's
    schedules when the channel is gone. Returns the DMs to send."""
    with session_scope(engine) as session:
        team = tq.team_for_channel(session, workspace_id, channel)
        if team is None:
            log.warning("posting to %s failed (%s) and no team uses that channel", channel,
                        error)
            return []
        leads = [m.slack_user_id for m in tq.team_leads(session, team.id) if not m.is_deleted]
        if not leads and team.created_by:
            creator = get_member(session, workspace_id, team.created_by)
            if creator is None or not creator.is_deleted:
                leads = [team.created_by]
        day = now.date().isoformat()
        blocks = None
        if error in CHANNEL_GONE:
            if not team.paused_reason:
                team.paused_reason = ("the channel was archived" if error == "is_archived"
                                      else "the channel cannot be found")
                team.updated_at = now
                session.add(team)
                paused = sq.pause_team(session, team.id, now)
                log.warning("team %s paused (%s schedules): %s", team.id, paused, error)
            text, blocks = channel_gone_dm(channel, team.name, error, team.id)
            key = f"channel_gone:{team.id}:{channel}:{day}"
        else:
            text = not_in_channel_dm(channel, team.name)
            key = f"not_in_channel:{team.id}:{channel}:{day}"
        ids = [enqueue(session, workspace_id=workspace_id, key=f"{key}:{lead}", channel=lead,
                       text=text, blocks=blocks, kind="channel_trouble", not_before=now)
               for lead in leads]
        return [i for i in ids if i is not None]
