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


def excuse(seats: Iterable[Seat], away: Iterable[int], presenter: int | None) -> list[Seat]:
    """Those `away` when `presenter` took a turn keep their place and owe nothing: a seat that
    had presented less is raised to the presenter's count (its place in line unchanged), so
    on return its owner presents at the first session and then rejoins the normal round,
    instead of presenting several times in a row to catch up."""
    seats = list(seats)
    by_id = {s.member_id: s for s in seats}
    if presenter is None or presenter not in by_id:
        return in_line(seats)
    bar = by_id[presenter].presented
    excused = set(away)
    return in_line(replace(s, presented=bar) if s.member_id in excused and s.presented < bar
                   else s for s in seats)


def pick_around(seats: Iterable[Seat], away: Iterable[int]) -> tuple[int | None, list[Seat]]:
    """The next presenter among those not `away`, and the seats after their turn."""
    seats, away = list(seats), set(away)
    presenter = pick(seats, exclude=away)
    if presenter is None:
        return None, in_line(seats)
    return presenter, presented(excuse(seats, away, presenter), presenter)
