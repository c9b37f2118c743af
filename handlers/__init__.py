"""Slack listeners, one module per feature, each with `register(app, services)`."""

from __future__ import annotations

from handlers import (
    absences,
    goals,
    help,
    home,
    impact,
    kudos,
    labs,
    members,
    mentoring,
    pacts,
    pdp,
    rhythm,
    teams,
    workspaces,
)
from handlers.kit import router

# Order matters only for `/pact help`: subcommands are listed as their modules register them.
FEATURES = [help, members, home, teams, goals, pdp, rhythm, labs, pacts, kudos, mentoring, impact,
            absences, workspaces]


def register_all(app, services) -> None:
    # `/pact` first: Bolt tries listeners in order and each non-matching one costs a matcher
    # call, so the busiest request type gets the first place.
    router.register(app, services)
    for feature in FEATURES:
        feature.register(app, services)
