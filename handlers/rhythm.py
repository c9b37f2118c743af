"""The rhythm's buttons and hooks: "I'm stuck" on a check-in, "Snooze a week" on a nudge,
"Resume" for a paused team, and schedules kept in step with what other features save."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.errors import reported
from bot.rules.nudges import SNOOZE
from handlers.blocks.checkins import RHYTHM_RESUME, stuck_message
from handlers.blocks.nudges import snoozed_message
from handlers.kit.blocks import slack_datetime
from handlers.kit.ids import CHECKIN_STUCK, NUDGE_SNOOZE
from handlers.kit.replies import clicker, tell
from scheduling import tick as _tick  # noqa: F401 - registers the channel-trouble handling
from scheduling.jobs import sync
from scheduling.kinds import Kind
from storage.engine import session_scope
from storage.models import Goal, NudgeSnooze, Team
from storage.queries import schedules as sq
from storage.queries import teams as tq
from storage.queries.members import get_or_create_member
from storage.queries.outbox import enqueue
from storage.types import utcnow

log = logging.getLogger("pact.rhythm")


def _workspace(body, context) -> str:
    return context.team_id or (body.get("team") or {}).get("id") or ""


def ask_for_help(services, client, body, context) -> None:
    """ "I'm stuck": a reply in the check-in's thread that mentions the team's leads."""
    user = clicker(body)
    workspace = _workspace(body, context)
    container = body.get("container") or {}
    message = body.get("message") or {}
    thread_ts = message.get("thread_ts") or container.get("message_ts") or message.get("ts")
    goal_id = int((body.get("actions") or [{}])[0].get("value") or 0)
    with session_scope(services.engine) as session:
        goal = session.get(Goal, goal_id)
        team = session.get(Team, goal.team_id) if goal else None
        if team is None or team.workspace_id != workspace:
            mid, duplicate = None, False
        else:
            leads = [m.slack_user_id for m in tq.team_leads(session, team.id)
                     if not m.is_deleted]
            mid = enqueue(session, workspace_id=workspace,
                          key=f"stuck:{goal.id}:{user}:{thread_ts}", channel=team.channel_id,
                          text=stuck_message(user, goal.title, leads), thread_ts=thread_ts,
                          kind="stuck")
            duplicate = mid is None
    if team is None or team.workspace_id != workspace:
        tell(client, body, "That goal no longer exists.")
        return
    if duplicate:
        tell(client, body, "You already asked for help on this check-in; the leads "
                   "were mentioned in its thread.")
        return
    services.send_now(client, [mid])


def snooze(services, client, body, context) -> None:
    """ "Snooze a week": no nudge about these subjects for seven days; the DM says so."""
    user = clicker(body)
    subjects = [s for s in ((body.get("actions") or [{}])[0].get("value") or "").split(",")
                if s and ":" in s][:50]
    now = utcnow()
    until = now + SNOOZE
    with session_scope(services.engine) as session:
        member = get_or_create_member(session, _workspace(body, context), user)
        for subject in subjects:
            row = session.get(NudgeSnooze, (member.id, subject[:60]))
            if row is None:
                row = NudgeSnooze(member_id=member.id, subject=subject[:60], until=until)
            row.until = until
            session.add(row)
    container = body.get("container") or {}
    text, blocks = snoozed_message(until)
    if container.get("channel_id") and container.get("message_ts"):
        try:
            client.chat_update(channel=container["channel_id"], ts=container["message_ts"],
                               text=text, blocks=blocks)
            return
        except SlackApiError as err:
            log.info("could not update the nudge in place: %s", err.response.get("error"))
    client.chat_postMessage(channel=user, text=text, blocks=blocks)


def resume(services, client, body, context) -> None:
    """A lead fixed the channel: check it, then run the team's schedules again."""
    user = clicker(body)
    workspace = _workspace(body, context)
    team_id = int((body.get("actions") or [{}])[0].get("value") or 0)
    with session_scope(services.engine) as session:
        team = tq.get_team(session, workspace, team_id)
        member = get_or_create_member(session, workspace, user)
        allowed = team is not None and (tq.is_lead(session, team.id, member.id)
                                        or member.is_admin or team.created_by == user)
        channel = team.channel_id if team else None
    if team is None:
        client.chat_postMessage(channel=user, text="That team no longer exists.")
        return
    if not allowed:
        client.chat_postMessage(channel=user, text="Only the team's leads can resume its "
                                "rhythm.")
        return
    try:
        info = client.conversations_info(channel=channel)["channel"]
        problem = "is still archived" if info.get("is_archived") else None
    except SlackApiError as err:
        problem = f"still can't be reached ({err.response.get('error')})"
    if problem:
        client.chat_postMessage(channel=user, text=f"<#{channel}> {problem}. Unarchive it or "
                                "invite Pact, then press Resume again.")
        return
    now = utcnow()
    with session_scope(services.engine) as session:
        team = session.get(Team, team_id)
        team.paused_reason = None
        team.updated_at = now
        session.add(team)
        sq.resume_team(session, team.id, now)
        checkin = sq.get(session, "checkin", team.id)
        nxt = checkin.next_run_at if checkin else None
    when = f" The next check-in is {slack_datetime(nxt)}." if nxt else ""
    client.chat_postMessage(channel=user, text=f"Resumed: Pact posts in <#{channel}> again."
                            f"{when}")


def register(app, services) -> None:
    services.on("team_saved", lambda session, team: sync.sync_team(session, team, utcnow()))
    services.on("goal_saved", lambda session, goal: sync.sync_goal(session, goal, utcnow()))
    services.on("pdp_saved", lambda session, pdp: sync.sync_pdp(session, pdp, utcnow()))

    def _ack(ack):
        ack()

    def stuck_later(body, client, context):
        reported(lambda: ask_for_help(services, client, body, context), body, client)

    def snooze_later(body, client, context):
        reported(lambda: snooze(services, client, body, context), body, client)

    def resume_later(body, client, context):
        reported(lambda: resume(services, client, body, context), body, client)

    app.action(CHECKIN_STUCK)(ack=_ack, lazy=[stuck_later])
    app.action(NUDGE_SNOOZE)(ack=_ack, lazy=[snooze_later])
    app.action(RHYTHM_RESUME)(ack=_ack, lazy=[resume_later])



KINDS = [Kind("stuck", time_bound=False), Kind("channel_trouble", time_bound=False)]
