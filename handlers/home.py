"""The App Home tab: each person's dashboard, assembled from every feature's section."""

from __future__ import annotations

import logging

from bot.directory import refresh_member
from handlers.blocks.home import MAX_HOME_BLOCKS, home_view
from storage.engine import session_scope

log = logging.getLogger("pact.home")


def build_home(services, member) -> dict:
    """The Home view for `member`, each feature's section within what is left of the budget."""
    parts: list[list[dict]] = []
    budget = MAX_HOME_BLOCKS - 4  # header, intro, footer and one spare
    with session_scope(services.engine) as session:
        for _order, _name, builder in services.home_sections:
            if budget <= 2:
                break
            blocks = builder(session, member, budget)[:budget]
            if blocks:
                parts.append(blocks)
                budget -= len(blocks) + 1  # +1 for the divider between parts
    return home_view(member.slack_user_id, parts)


def publish_home(services, client, team_id: str, user_id: str) -> None:
    """Rebuild and publish someone's Home tab (after anything they see there changed)."""
    member = refresh_member(services.engine, client, team_id, user_id)
    client.views_publish(user_id=user_id, view=build_home(services, member))


def register(app, services) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event, client, context):
        if event.get("tab") not in (None, "home") or not event.get("user"):
            return
        publish_home(services, client, context.team_id, event["user"])
