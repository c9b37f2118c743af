"""Slack listeners, one module per feature, each with `register(app, services)`."""

from __future__ import annotations

from handlers import help, home, members, slash

# Order matters only for `/pact help`: subcommands are listed as their modules register them.
FEATURES = [help, members, home]


def register_all(app, services) -> None:
    for feature in FEATURES:
        feature.register(app, services)
    slash.register(app, services)
