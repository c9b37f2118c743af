"""How much one delivery pass takes on: sized to its claims' lease, so several processes share
a backlog (the first one does not take it all) and a pass never sends a message whose claim
may have lapsed (another process could be sending it too)."""

from __future__ import annotations

import itertools
from collections import OrderedDict
from datetime import datetime, timedelta

CHANNEL_INTERVAL = 1.0  # seconds between two messages in one channel
PER_CHANNEL_PER_PASS = 40  # well inside the claim lease at one message a second
PASS_DEADLINE = 75.0  # seconds; what is left is released for the next tick
PASS_SHARE_OF_LEASE = 0.625  # a pass stops taking sends long before its claims lapse
SENDS_PER_THREAD_SECOND = 1.0  # what one send thread manages even when Slack is slow
WORKERS = 8  # send threads of one pass


def pass_seconds(lease_left: timedelta) -> float:
    """How long one pass may go on taking messages to send: well inside the claims' lease."""
    return max(1.0, min(PASS_DEADLINE, lease_left.total_seconds() * PASS_SHARE_OF_LEASE))


def batch_size(seconds: float) -> int:
    """How many messages one pass claims: what its send threads manage in `seconds` even
    when Slack is slow (what is left at the deadline is released, not lost)."""
    return max(WORKERS, int(WORKERS * seconds * SENDS_PER_THREAD_SECOND))


def channel_share(seconds: float) -> int:
    """How many messages of one channel a pass takes: Slack's pace allows one a second."""
    return max(1, min(PER_CHANNEL_PER_PASS, int(seconds / CHANNEL_INTERVAL)))


def lease_left(clock_now: datetime, now: datetime, lease: timedelta) -> timedelta:
    """The part of a claim's lease still ahead: `now` may be a while ago (a tick runs its
    jobs before it delivers). A `now` far from the process's clock (tests) keeps it all."""
    age = clock_now - now
    return lease - age if timedelta(0) < age < lease else lease


def per_channel(targets: list[tuple[int, str]]) -> list[int]:
    """The ids to claim of (id, channel) targets: at most PER_CHANNEL_PER_PASS a channel."""
    lines: OrderedDict[str, list[int]] = OrderedDict()
    for mid, channel in targets:
        line = lines.setdefault(channel, [])
        if len(line) < PER_CHANNEL_PER_PASS:
            line.append(mid)
    return sorted(itertools.chain.from_iterable(lines.values()))
