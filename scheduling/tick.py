"""`tick(now)`: claim what is due, send it, record the result.

Called by the runner every few seconds and directly by tests with any `now`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from scheduling.outbox import deliver_due

log = logging.getLogger("pact.tick")


@dataclass
class TickResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0


def tick(now: datetime, services, client) -> TickResult:
    """Run everything due at `now` (aware UTC): for now, deliver outbox messages left
    pending (by a crash, or waiting for a retry)."""
    if now.tzinfo is None:
        raise ValueError("tick needs an aware datetime")
    result = TickResult()
    result.sent = deliver_due(services.engine, client, now)
    return result
