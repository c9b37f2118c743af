"""A mentor round's assignment at scale: one team of 500 people with 40 skills each, and 50
teams of 20 at once. Prints time and peak memory, and a verdict against < 5 s for 500.

    .venv/bin/python bench/mentoring.py
"""

from __future__ import annotations

import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.rules.matching import Person, Skill, plan_round  # noqa: E402

TARGET_SECONDS = 5.0
VOCABULARY = [f"skill-{i}" for i in range(120)]


def team(rng: random.Random, size: int, skills: int, first_id: int = 1) -> tuple[list, set]:
    people = []
    for pid in range(first_id, first_id + size):
        chosen = rng.sample(VOCABULARY, skills)
        people.append(Person(pid, {k: Skill(rng.randint(1, 5), rng.random() < 0.3,
                                            rng.random() < 0.3) for k in chosen},
                             capacity=rng.choice((1, 1, 1, 2, 3)),
                             absent=rng.choice(("",) * 19 + ("paused",)),
                             preferred=rng.random() < 0.05))
    ids = [p.id for p in people]
    recent = {frozenset(rng.sample(ids, 2)) for _ in range(size * 3)}  # three past rounds
    return people, recent


def measure(label: str, work) -> float:
    """Time without tracing (tracemalloc slows Python down), then peak memory traced."""
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<34} {seconds:7.3f} s   peak {peak / 2**10:8.0f} KiB   {result}")
    return seconds


def main() -> int:
    rng = random.Random(13)
    big = team(rng, 500, 40)
    small = [team(rng, 20, 40, first_id=1 + i * 20) for i in range(50)]
    goal = frozenset(VOCABULARY[:5])
    one = measure("1 team x 500 people x 40 skills", lambda: (
        f"{len(plan_round(*big, goal).pairs)} pairs"))
    measure("50 teams x 20 people x 40 skills", lambda: (
        f"{sum(len(plan_round(p, r, goal).pairs) for p, r in small)} pairs"))
    verdict = "PASS" if one < TARGET_SECONDS else "FAIL"
    print(f"verdict: {verdict} (a round of 500 in {one:.2f} s; target < {TARGET_SECONDS:.0f} s)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
