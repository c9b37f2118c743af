"""What every listener needs, built once per process and handed to each handler module."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from bot.config import Settings
from handlers.commands import CommandRouter


@dataclass
class Services:
    settings: Settings
    engine: Engine
    commands: CommandRouter = field(default_factory=CommandRouter)
