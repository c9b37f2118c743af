"""The App Home tab: each person's dashboard."""

from __future__ import annotations

from handlers.blocks.home import home_view


def register(app, services) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event, client, context):
        if event.get("tab") not in (None, "home"):
            return
        client.views_publish(user_id=event["user"], view=home_view(event["user"]))
