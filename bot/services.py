"""What every listener needs, built once per process and handed to each handler module."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from bot.config import Settings
from handlers.kit.router import CommandRouter
from scheduling.kinds import NO_KINDS, Kinds
from scheduling.outbox import deliver_now
from storage.engine import clock_of

# A part of someone's Home tab: (session, member, block budget) -> blocks.
HomeSection = Callable[..., list[dict]]
# Extra blocks in a goal's details, from another feature: (session, goal, viewer) -> blocks.
GoalSection = Callable[..., list[dict]]


@dataclass
class Services:
    settings: Settings
    engine: Engine
    commands: CommandRouter = field(default_factory=CommandRouter)
    # Home tab parts from each feature: (order, name, builder). Lower order shows first:
    # what needs the person now (0-99), their plan (100-199), their teams (200-299).
    home_sections: list[tuple[int, str, HomeSection]] = field(default_factory=list)
    # e.g. the development plans whose objectives are linked to the goal.
    goal_sections: list[GoalSection] = field(default_factory=list)
    # Named hooks one feature fires and another listens to, called inside the transaction
    # that saved the change, e.g. "team_saved" (session, team) keeps the team's schedules.
    hooks: dict[str, list[Callable]] = field(default_factory=dict)
    # Where slow work runs after an answer was sent (the app factory sets it).
    background: Executor | None = None
    # Every kind of schedule row and outbox message (bot/app.py declares them).
    kinds: Kinds = NO_KINDS
    # (client, team_id, user_id): publish someone's Home tab anew (the home feature sets it).
    refresh_home: Callable | None = None

    def now(self) -> datetime:
        """What every use case takes as now: the clock the engine was made with (the wall
        clock, or the playground's), so listeners, queries and the tick agree."""
        return clock_of(self.engine)()

    def send_now(self, client, message_ids, now=None) -> int:
        """Send these outbox messages now, by their kinds' rules; how many went out."""
        return deliver_now(self.engine, client, message_ids, now or self.now(), kinds=self.kinds)

    def on(self, name: str, fn: Callable) -> None:
        self.hooks.setdefault(name, []).append(fn)

    def emit(self, name: str, *args) -> None:
        for fn in self.hooks.get(name, []):
            fn(*args)

    def add_home_section(self, order: int, name: str, builder: HomeSection) -> None:
        self.home_sections.append((order, name, builder))
        self.home_sections.sort(key=lambda s: s[0])
