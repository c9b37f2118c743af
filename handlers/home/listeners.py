"""Publishing someone's Home tab: when they open it, and after anything on it changed."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.directory import refresh_member
from handlers.home.service import build_home

log = logging.getLogger("pact.home")


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
    try:
        publish_home(client, context.team_id, user, services)
    except SlackApiError as err:
        log.info("could not publish the Home tab of %s: %s", user, err.response.get("error"))
