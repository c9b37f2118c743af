"""What Pact takes as "now": one clock per process, handed to the engine that process uses.

A clock is any callable giving an aware UTC datetime. Pact's own processes use the wall clock;
the playground hands in its own, moved forward by its time travel, so every use case, query
default and scheduled run sees the same moment and nothing patches `datetime`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def wall_clock() -> datetime:
    return datetime.now(UTC)
