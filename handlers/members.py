"""Keep what Pact knows about people fresh: Slack tells us when a profile changes."""

from __future__ import annotations

from storage.engine import session_scope
from storage.queries.members import upsert_member_from_slack


def register(app, services) -> None:
    @app.event("user_change")
    def on_user_change(event, context, logger):
        user = event.get("user") or {}
        team_id = user.get("team_id") or context.team_id
        if not user.get("id") or not team_id:
            return
        with session_scope(services.engine) as session:
            upsert_member_from_slack(session, team_id, user)
        logger.info("refreshed member %s after user_change", user["id"])
