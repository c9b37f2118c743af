"""Publishing someone's Home tab: when they open it, and after anything on it changed."""

from __future__ import annotations

from bot.directory import refresh_member
from handlers.home.service import build_home


def publish_home(client, team_id: str, user_id: str, services) -> None:
    """Rebuild and publish someone's Home tab."""
    member = refresh_member(services.engine, client, team_id, user_id)
    client.views_publish(user_id=user_id, view=build_home(services, member))


def home_opened(event, client, context, services) -> None:
    if not isinstance(event, dict) or event.get("tab") not in (None, "home"):
        return
    user = event.get("user")
    if not isinstance(user, str) or not user or not context.team_id:
        return
    publish_home(client, context.team_id, user, services)
