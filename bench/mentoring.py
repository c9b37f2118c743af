"""A mentor round at scale: one team of 500 people with 40 skills each, and 50 teams of 20 at
once. Prints time and peak memory of the assignment alone, and of whole rounds as the tick runs
them on a fresh SQLite database (read profiles, absences and history, plan, store the pairs,
queue the intros, the reasons and the follow-ups); the verdict is the whole round of 500
against the target of 5 s.

    .venv/bin/python bench/mentoring.py
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
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


def measure(label: str, work, *, traced: bool = True) -> float:
    """Time without tracing (tracemalloc slows Python down), then peak memory traced (on a
    second run; `traced=False` skips it where a second run would cost too long)."""
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    peak = "        —"
    if traced:
        tracemalloc.start()
        work()
        peak = f"{tracemalloc.get_traced_memory()[1] / 2**10:9.0f}"
        tracemalloc.stop()
    print(f"{label:<34} {seconds:7.3f} s   peak {peak} KiB   {result}")
    return seconds


WS = "TBENCH"


def seed(engine, teams: int, size: int, skills: int, now: datetime) -> list[int]:
    """`teams` teams of `size` people with `skills` skills each, bulk-inserted; one in twenty
    paused, one in twenty away. Returns the team ids."""
    from sqlalchemy import insert

    from storage.models import (
        Absence,
        Member,
        MemberSkill,
        SkillProfile,
        Team,
        TeamMembership,
        Workspace,
    )

    rng = random.Random(42)
    people = teams * size
    with engine.begin() as c:
        c.execute(insert(Workspace.__table__), [{"id": WS, "name": "bench", "created_at": now}])
        c.execute(insert(Member.__table__), [
            {"id": i + 1, "workspace_id": WS, "slack_user_id": f"U{i:010d}", "tz": "UTC",
             "display_name": f"person {i}", "is_admin": False, "is_bot": False,
             "is_deleted": False, "created_at": now} for i in range(people)])
        c.execute(insert(Team.__table__), [
            {"id": t + 1, "workspace_id": WS, "channel_id": f"C{t:07d}", "name": f"Team {t}",
             "tz": "UTC", "checkin_weekday": "mon", "checkin_time": "10:00", "created_by": "",
             "created_at": now, "updated_at": now} for t in range(teams)])
        c.execute(insert(TeamMembership.__table__), [
            {"team_id": m // size + 1, "member_id": m + 1,
             "role": "lead" if m % size == 0 else "member", "joined_at": now}
            for m in range(people)])
        c.execute(insert(SkillProfile.__table__), [
            {"member_id": m + 1, "visibility": "team", "capacity": rng.choice((1, 1, 1, 2, 3)),
             "paused_until": now.replace(year=now.year + 1) if rng.random() < 0.05 else None,
             "opted_out": False, "updated_at": now} for m in range(people)])
        away = [{"member_id": m + 1, "workspace_id": WS, "until": now.date().replace(
            year=now.year + 1), "note": "", "set_at": now, "status_away": False,
            "status_label": ""} for m in range(people) if rng.random() < 0.05]
        if away:  # (an empty list would insert one row of defaults)
            c.execute(insert(Absence.__table__), away)
        rows = []
        for m in range(people):
            for key in rng.sample(VOCABULARY, skills):
                rows.append({"member_id": m + 1, "key": key, "name": key,
                             "level": rng.randint(1, 5), "can_mentor": rng.random() < 0.3,
                             "want_learn": rng.random() < 0.3})
        c.execute(insert(MemberSkill.__table__), rows)
    return [t + 1 for t in range(teams)]


def whole_rounds(engine, team_ids: list[int], now: datetime) -> str:
    """Each team's round as its scheduled job runs it: one transaction per team."""
    from handlers.mentoring import rounds
    from storage.engine import session_scope
    from storage.models import Team

    pairs = queued = 0
    for team_id in team_ids:
        with session_scope(engine) as session:
            team = session.get(Team, team_id)
            done = rounds.run_round(session, team, "", now)
            queued += len(done.outbox_ids)
            for mentor, mentees, pair_ids in done.intros:
                queued += len(rounds.introduce(session, team, pair_ids, now,
                                               users=[mentor, *mentees],
                                               done=done))
            pairs += done.pairs
    return f"{pairs} pairs, {queued} messages queued"


def database(label: str, teams: int, size: int, *, traced: bool = True) -> float:
    import handlers.mentoring.rounds  # noqa: F401 - imported before the clock starts
    from storage.engine import make_engine
    from storage.migrate import upgrade

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        engine = make_engine(url)
        try:
            now = datetime.now(UTC)
            team_ids = seed(engine, teams, size, 40, now)
            return measure(label, lambda: whole_rounds(engine, team_ids, now), traced=traced)
        finally:
            engine.dispose()


def main() -> int:
    rng = random.Random(13)
    big = team(rng, 500, 40)
    small = [team(rng, 20, 40, first_id=1 + i * 20) for i in range(50)]
    goal = frozenset(VOCABULARY[:5])
    one = measure("1 team x 500 people x 40 skills", lambda: (
        f"{len(plan_round(*big, goal).pairs)} pairs"))
    measure("50 teams x 20 people x 40 skills", lambda: (
        f"{sum(len(plan_round(p, r, goal).pairs) for p, r in small)} pairs"))
    print("whole rounds on SQLite (the second run is the next round, with history):")
    whole = database("1 team x 500, whole round", 1, 500)
    database("50 teams x 20, whole rounds", 50, 20, traced=False)
    verdict = "PASS" if max(one, whole) < TARGET_SECONDS else "FAIL"
    print(f"verdict: {verdict} (a round of 500: assignment {one:.2f} s, whole round "
          f"{whole:.2f} s; target < {TARGET_SECONDS:.0f} s)")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
