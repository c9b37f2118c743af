"""Members: what Pact knows about people stays fresh as Slack tells of profile changes."""

from __future__ import annotations

from functools import partial

from handlers.members import listeners


def register(app, services) -> None:
    app.event("user_change")(partial(listeners.on_user_change, services=services))
