"""Slack tells Pact when a profile changes (timezone, name, deactivation): store it."""

from __future__ import annotations

from storage.engine import session_scope
from storage.queries.members import upsert_member_from_slack


def on_user_change(event, context, logger, services) -> None:
    user = event.get("user") if isinstance(event, dict) else None
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        return
    # The workspace of the verified request, never the payload's `user.team_id` (in an
    # Enterprise Grid organisation or a shared channel that is another workspace).
    team_id = context.team_id
    if not user.get("id") or not isinstance(team_id, str) or not team_id:
        return
    with session_scope(services.engine) as session:
        upsert_member_from_slack(session, team_id, user)
    logger.info("refreshed member %s after user_change", user["id"])
