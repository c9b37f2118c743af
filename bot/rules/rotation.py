"""Fair learning-lab rotation, as plain functions over seats (no Slack, no database).

A seat is a member's place in the rotation: how many times they presented and their place in
line. The next presenter is whoever has presented least, first in line among those:

- everyone presents once before anyone presents twice;
- a newcomer joins at the end of the current round (after everyone still waiting in it, before
  anyone's second turn), and someone who left simply drops out;
- "Skip me this time": the next person presents and the skipper keeps their turn (they stay
  first in line);
- a swap: the other person presents now, and the one who asked keeps their turn.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Seat:
    member_id: int
    presented: int = 0
    position: int = 0


def _key(seat: Seat) -> tuple[int, int, int]:
    return (seat.presented, seat.position, seat.member_id)


def in_line(seats: Iterable[Seat]) -> list[Seat]:
    """Seats in the order they will present."""
    return sorted(seats, key=_key)


def sync(seats: Iterable[Seat], members: Iterable[int]) -> list[Seat]:
    """Seats for exactly `members`: leavers drop out, newcomers join at the end of the round."""
    wanted = list(dict.fromkeys(members))
    kept = [s for s in seats if s.member_id in set(wanted)]
    have = {s.member_id for s in kept}
    base = min((s.presented for s in kept), default=0)
    last = max((s.position for s in kept), default=0)
    for member_id in wanted:
        if member_id not in have:
            last += 1
            kept.append(Seat(member_id, presented=base, position=last))
    return in_line(kept)


def pick(seats: Iterable[Seat], exclude: Iterable[int] = ()) -> int | None:
    """Who presents next; None when nobody can."""
    skip = set(exclude)
    for seat in in_line(seats):
        if seat.member_id not in skip:
            return seat.member_id
    return None


def presented(seats: Iterable[Seat], member_id: int) -> list[Seat]:
    """`member_id` took a turn: one more presentation, to the back of the line."""
    seats = list(seats)
    last = max((s.position for s in seats), default=0)
    return in_line(replace(s, presented=s.presented + 1, position=last + 1)
                   if s.member_id == member_id else s for s in seats)


def give_back(seats: Iterable[Seat], member_id: int) -> list[Seat]:
    """Undo a turn that did not happen (a skip, a swap): back to the front of the line."""
    seats = list(seats)
    first = min((s.position for s in seats), default=0)
    return in_line(replace(s, presented=max(s.presented - 1, 0), position=first - 1)
                   if s.member_id == member_id else s for s in seats)


def upcoming(seats: Iterable[Seat], count: int) -> list[int]:
    """The next `count` presenters, if nothing changes."""
    seats = list(seats)
    out: list[int] = []
    while seats and len(out) < count:
        member_id = pick(seats)
        out.append(member_id)
        seats = presented(seats, member_id)
    return out
