"""Fair learning-lab rotation (pure rules): everyone once before anyone twice, newcomers at the
end of the round, leavers out, skippers keep their turn."""

import random

from bot.rules.rotation import Seat, give_back, pick, presented, sync, upcoming


def test_everyone_presents_once_before_anyone_twice():
    seats = sync([], [1, 2, 3, 4])
    assert upcoming(seats, 8) == [1, 2, 3, 4, 1, 2, 3, 4]


def test_newcomer_joins_at_the_end_of_the_current_round():
    seats = sync([], [1, 2, 3])
    seats = presented(seats, pick(seats))  # 1 presented
    seats = sync(seats, [1, 2, 3, 4])  # 4 joins
    assert upcoming(seats, 5) == [2, 3, 4, 1, 2]


def test_leaver_drops_out_and_the_rest_keep_their_places():
    seats = sync([], [1, 2, 3, 4])
    seats = presented(seats, 1)
    seats = sync(seats, [1, 3, 4])
    assert upcoming(seats, 4) == [3, 4, 1, 3]


def test_skipper_keeps_their_turn():
    seats = sync([], [1, 2, 3])
    first = pick(seats)
    seats = presented(seats, first)  # announced: 1 presents
    seats = give_back(seats, first)  # 1 skips
    replacement = pick(seats, exclude={first})
    seats = presented(seats, replacement)
    assert replacement == 2
    assert upcoming(seats, 3) == [1, 3, 2]  # 1 presents at the next session


def test_rejoining_is_like_joining():
    seats = presented(presented(sync([], [1, 2]), 1), 2)
    seats = sync(seats, [2])
    seats = sync(seats, [2, 1])
    assert [s.member_id for s in seats] == [2, 1]
    assert pick(seats) == 2 and upcoming(seats, 2) == [2, 1]


def test_fairness_over_many_sessions_with_joins_leaves_and_skips():
    rng = random.Random(20261123)
    members = list(range(1, 7))
    next_id = 7
    seats = sync([], members)
    history: list[int] = []
    joined_at: dict[int, int] = {m: 0 for m in members}
    skippers: set[int] = set()
    last_skip = -100
    for session in range(1, 600):
        roll = rng.random()
        if roll < 0.05:
            members.append(next_id)
            joined_at[next_id] = session
            next_id += 1
        elif roll < 0.09 and len(members) > 2:
            gone = rng.choice(members)
            members.remove(gone)
        seats = sync(seats, members)
        presenter = pick(seats)
        seats = presented(seats, presenter)
        if rng.random() < 0.15 and len(members) > 1:  # skips this time
            seats = give_back(seats, presenter)
            replacement = pick(seats, exclude={presenter})
            seats = presented(seats, replacement)
            assert upcoming(seats, 1) == [presenter]  # the skipper is first in line
            skippers.add(presenter)
            last_skip = session
            presenter = replacement
        history.append(presenter)
        skippers.discard(presenter)  # their kept turn came
        # A skip lets the next person present early; within a round of the last skip,
        # everyone is back within one turn of each other.
        counts = [s.presented for s in seats]
        if session - last_skip > len(members) + 1:
            assert max(counts) - min(counts) <= 1, (session, seats)
        # Since anyone joined, nobody presented twice before they presented once (unless
        # they passed their turn).
        for member in members:
            since = history[joined_at[member]:]
            if member not in since and member not in skippers:
                assert all(since.count(other) <= 1 for other in set(since)), (session, member)
    assert len(set(history)) > 6


def test_seats_are_plain_values():
    assert Seat(1) == Seat(1, 0, 0)
