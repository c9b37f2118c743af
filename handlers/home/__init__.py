"""The App Home tab: each person's dashboard, assembled from every feature's section.

Features add their sections with `services.add_home_section`; after a change someone sees on
Home, a feature calls `services.refresh_home(client, team_id, user_id)`.
"""

from __future__ import annotations

from functools import partial

from handlers.home import listeners


def register(app, services) -> None:
    services.refresh_home = partial(listeners.publish_home, services=services)
    app.event("app_home_opened")(partial(listeners.home_opened, services=services))

