"""When a team channel refuses a post: tell the team's leads what to do, pause when it is gone."""

from __future__ import annotations

import logging
from datetime import datetime

from handlers.blocks.checkins import channel_gone_dm, not_in_channel_dm
from scheduling.outbox import CHANNEL_GONE
from storage.engine import session_scope
from storage.queries import schedules as sq
from storage.queries.members import get_member
from storage.queries.outbox import enqueue
from storage.queries.teams import team_for_channel, team_leads

log = logging.getLogger("pact.rhythm")


def channel_trouble(engine, workspace_id: str, channel: str, error: str,
                     now: datetime) -> list[int]:
    """A team channel refused a post: tell the team's leads what to do; pause the team's
    schedules when the channel is gone. Returns the DMs to send."""
    with session_scope(engine) as session:
        team = team_for_channel(session, workspace_id, channel)
        if team is None:
            log.warning("posting to %s failed (%s) and no team uses that channel", channel,
                        error)
            return []
        leads = [m.slack_user_id for m in team_leads(session, team.id) if not m.is_deleted]
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

