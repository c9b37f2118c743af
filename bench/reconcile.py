"""What one reconciliation pass costs as the data grows.

A world of N teams (1× = 200 teams): 8 members a team, each with a plan their lead manages;
5 goals a team (one archived) with 4 milestones each (some done, some past); a lab for every
other team; every schedule row in step, as the features' save hooks leave them. Then a fixed
number of rows is put out of step, as a missed hook would: teams without a check-in or with
one in an old timezone, open milestones without reminders, reminders of deleted milestones,
plan owners without nudges or with them in an old timezone, labs without their announcement,
and one workspace uninstalled past its retention period.

One pass runs at 1× and at 10× on SQLite and PostgreSQL (a fresh database, dropped after);
printed: seconds, SQL statements, subjects fixed; then the world is checked: everything out of
step was repaired and a second pass finds nothing. Targets: the 10× pass takes at most about
ten times the 1× one, its statements do not grow with the data (they follow what is out of
step, bounded by the pass's limit), and it takes under 1 s at 10× on PostgreSQL.

    python bench/reconcile.py [--teams 200] [--quick] [--backends sqlite,postgresql]

`--quick` (CI): a world of 40 and 400 teams; the times are printed, not judged.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.support import create_pg_database, drop_pg_database  # noqa: E402 - project path

WS, GONE = "TBENCH", "TGONE"
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC")
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
PER_TEAM, GOALS, MILESTONES = 8, 5, 4


def world(teams: int, now: datetime):
    """The rows of the world, keyed by table, with ids given here."""
    rows: dict[str, list[dict]] = {k: [] for k in (
        "workspaces", "members", "teams", "memberships", "pdps", "goals", "milestones", "labs")}
    rows["workspaces"] += [{"id": WS, "name": "bench", "created_at": now},
                           {"id": GONE, "name": "gone", "created_at": now}]
    rng = random.Random(18)
    for t in range(teams):
        team_id, tz = t + 1, ZONES[t % len(ZONES)]
        rows["teams"].append({"id": team_id, "workspace_id": WS, "channel_id": f"C{t:07d}",
                              "name": f"Team {t}", "tz": tz, "checkin_weekday": "mon",
                              "checkin_time": "10:00", "created_by": "", "created_at": now,
                              "updated_at": now})
        lead = t * PER_TEAM + 1
        for k in range(PER_TEAM):
            mid = lead + k
            rows["members"].append({"id": mid, "workspace_id": WS, "slack_user_id": f"U{mid:07d}",
                                    "display_name": "", "tz": tz, "is_admin": False,
                                    "is_bot": False, "is_deleted": False, "created_at": now})
            rows["memberships"].append({"team_id": team_id, "member_id": mid,
                                        "role": "lead" if k == 0 else "member", "joined_at": now})
            rows["pdps"].append({"id": mid, "owner_id": mid, "manager_id": None if k == 0
                                 else lead, "aspiration": "", "aspiration_visibility": "private",
                                 "skill_gaps": "", "skill_gaps_visibility": "private",
                                 "review_cadence_months": 3, "created_at": now,
                                 "updated_at": now})
        for g in range(GOALS):
            goal_id = t * GOALS + g + 1
            rows["goals"].append({"id": goal_id, "team_id": team_id, "owner_id": lead,
                                  "title": "g", "metric": "m", "baseline": 0, "target": 10,
                                  "current_value": 1, "unit": "", "due_date": date(2027, 6, 30),
                                  "project": "", "status": "archived" if g == GOALS - 1
                                  else "active", "created_at": now, "updated_at": now})
            for k in range(MILESTONES):
                due = (now + timedelta(days=rng.randint(-60, 120))).date()
                rows["milestones"].append({
                    "id": (goal_id - 1) * MILESTONES + k + 1, "goal_id": goal_id, "position": k,
                    "title": "m", "due_date": due,
                    "done_at": now - timedelta(days=1) if k == 0 else None})
        if t % 2 == 0:
            rows["labs"].append({"id": team_id, "team_id": team_id,
                                 "rule": "every 2 weeks thu 15:00 from 2026-01-08",
                                 "duration_minutes": 60, "announce_days": 3,
                                 "rotation_is_team": True, "created_by": "", "created_at": now,
                                 "updated_at": now})
    return rows


def in_step_schedules(rows, now: datetime) -> list[dict]:
    """The schedule rows the save hooks would have written (handlers/*/schedules.py)."""
    from datetime import time as clock

    from bot.rules.nudges import NUDGE_RULE
    from bot.rules.recurrence import Rule, next_after, parse_rule

    out: list[dict] = []

    def add(kind, subject, rule, tz, team_id=None):
        rule = parse_rule(rule) if isinstance(rule, str) else rule
        nxt = next_after(rule, tz, now)
        out.append({"workspace_id": WS, "team_id": team_id, "kind": kind, "subject_id": subject,
                    "rule": str(rule), "tz": tz, "status": "active" if nxt else "done",
                    "next_run_at": nxt, "attempts": 0, "skipped_runs": 0, "created_at": now,
                    "updated_at": now})

    teams = {t["id"]: t for t in rows["teams"]}
    for team in rows["teams"]:
        add("checkin", team["id"], f"weekly mon {team['checkin_time']}", team["tz"], team["id"])
    goals = {g["id"]: g for g in rows["goals"]}
    for m in rows["milestones"]:
        goal = goals[m["goal_id"]]
        if goal["status"] != "active" or m["done_at"] is not None:
            continue
        team = teams[goal["team_id"]]
        due = Rule("once", clock(10, 0), start=m["due_date"])
        add("milestone_soon", m["id"], due.shifted(2), team["tz"], team["id"])
        add("milestone_due", m["id"], due, team["tz"], team["id"])
    for member in rows["members"]:
        add("nudge", member["id"], NUDGE_RULE, member["tz"])
    for lab in rows["labs"]:
        team = teams[lab["team_id"]]
        add("lab_announce", lab["id"], parse_rule(lab["rule"]).shifted(3), team["tz"], team["id"])
    return out


def seed(engine, teams: int, now: datetime) -> None:
    from sqlalchemy import insert

    from storage.models import (
        Goal,
        Lab,
        Member,
        Milestone,
        Pdp,
        Schedule,
        Team,
        TeamMembership,
        Workspace,
        WorkspaceInstall,
    )

    rows = world(teams, now)
    tables = [("workspaces", Workspace), ("members", Member), ("teams", Team),
              ("memberships", TeamMembership), ("pdps", Pdp), ("goals", Goal),
              ("milestones", Milestone), ("labs", Lab)]
    with engine.begin() as c:
        for key, model in tables:
            c.execute(insert(model.__table__), rows[key])
        c.execute(insert(Schedule.__table__), in_step_schedules(rows, now))
        c.execute(insert(Team.__table__), [{
            "id": teams + 1, "workspace_id": GONE, "channel_id": "CGONE", "name": "gone",
            "tz": "UTC", "checkin_weekday": "mon", "checkin_time": "10:00", "created_by": "",
            "created_at": now, "updated_at": now}])
        c.execute(insert(WorkspaceInstall.__table__), [{
            "workspace_id": GONE, "state": "uninstalled", "installed_at": now - timedelta(90),
            "uninstalled_at": now - timedelta(60), "purge_after": now - timedelta(30)}])
    if engine.dialect.name == "postgresql":
        with engine.begin() as c:
            for key, model in tables:
                c.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence("
                                  f"'{model.__tablename__}', 'id'), 1000000)") \
                    if key not in ("workspaces", "memberships") else None
            c.exec_driver_sql("ANALYZE")


DRIFT = 10  # subjects of each sort put out of step, whatever the size


def drift(engine, teams: int) -> dict[str, list[int]]:
    """Put a fixed number of rows out of step, spread over the world; what was touched."""
    from sqlalchemy import and_, delete, insert, select, update

    from storage.models import Goal, Lab, Member, Milestone, Schedule, Team

    S = Schedule.__table__
    spread = [t * teams // (4 * DRIFT) + 1 for t in range(4 * DRIFT)]
    missing, moved = spread[:DRIFT], spread[DRIFT:2 * DRIFT]
    with engine.begin() as c:
        c.execute(delete(S).where(S.c.kind == "checkin", S.c.subject_id.in_(missing)))
        c.execute(update(Team.__table__).where(Team.__table__.c.id.in_(moved))
                  .values(tz="Pacific/Auckland"))
        open_ms = list(c.execute(
            select(Milestone.__table__.c.id).join(Goal.__table__, and_(
                Goal.__table__.c.id == Milestone.__table__.c.goal_id,
                Goal.__table__.c.status == "active"))
            .where(Milestone.__table__.c.done_at.is_(None),
                   Milestone.__table__.c.due_date > NOW.date() + timedelta(days=3),
                   Goal.__table__.c.team_id.in_(spread[2 * DRIFT:3 * DRIFT]))
            .order_by(Milestone.__table__.c.id)).scalars())[:DRIFT]
        c.execute(delete(S).where(S.c.kind.in_(("milestone_soon", "milestone_due")),
                                  S.c.subject_id.in_(open_ms)))
        c.execute(insert(S), [{"workspace_id": WS, "kind": "milestone_due",
                               "subject_id": 900_000_000 + i, "rule": "once 10:00 from "
                               "2027-01-01", "tz": "UTC", "status": "active",
                               "next_run_at": NOW + timedelta(days=40), "attempts": 0,
                               "skipped_runs": 0, "created_at": NOW, "updated_at": NOW}
                              for i in range(DRIFT)])
        owners = [(t - 1) * PER_TEAM + 2 for t in spread[3 * DRIFT:]]
        c.execute(delete(S).where(S.c.kind == "nudge", S.c.subject_id.in_(owners[:DRIFT // 2])))
        c.execute(update(Member.__table__).where(Member.__table__.c.id.in_(owners[DRIFT // 2:]))
                  .values(tz="Pacific/Auckland"))
        labs = list(c.execute(select(Lab.__table__.c.id).order_by(Lab.__table__.c.id))
                    .scalars())[::max(1, teams // (2 * DRIFT))][:DRIFT]
        c.execute(delete(S).where(S.c.kind == "lab_announce", S.c.subject_id.in_(labs)))
    return {"teams": missing + moved, "milestones": open_ms, "members": owners, "labs": labs}


def out_of_step(engine) -> dict[str, int]:
    """What a correct pass leaves at zero, counted straight in SQL."""
    from sqlalchemy import text

    checks = {
        "teams without an in-step check-in": """
            SELECT count(*) FROM teams t WHERE t.workspace_id = :ws AND NOT EXISTS (
              SELECT 1 FROM schedules s WHERE s.kind = 'checkin' AND s.subject_id = t.id
              AND s.tz = t.tz)""",
        "open milestones without both reminders": """
            SELECT count(*) FROM milestones m JOIN goals g ON g.id = m.goal_id
            JOIN teams t ON t.id = g.team_id
            WHERE g.status = 'active' AND m.done_at IS NULL AND t.workspace_id = :ws AND (
              SELECT count(*) FROM schedules s WHERE s.subject_id = m.id AND s.tz = t.tz
              AND s.kind IN ('milestone_soon', 'milestone_due')) < 2""",
        "reminders of deleted milestones": """
            SELECT count(*) FROM schedules s WHERE s.kind IN ('milestone_soon', 'milestone_due')
            AND NOT EXISTS (SELECT 1 FROM milestones m WHERE m.id = s.subject_id)""",
        "plan people without an in-step nudge": """
            SELECT count(*) FROM members mb WHERE EXISTS (SELECT 1 FROM pdps p
              WHERE p.owner_id = mb.id OR p.manager_id = mb.id) AND NOT EXISTS (
              SELECT 1 FROM schedules s WHERE s.kind = 'nudge' AND s.subject_id = mb.id
              AND s.tz = mb.tz)""",
        "labs without an in-step announcement": """
            SELECT count(*) FROM labs l JOIN teams t ON t.id = l.team_id WHERE NOT EXISTS (
              SELECT 1 FROM schedules s WHERE s.kind = 'lab_announce' AND s.subject_id = l.id
              AND s.tz = t.tz)""",
        "teams of the expired workspace": "SELECT count(*) FROM teams WHERE workspace_id = :gone",
    }
    with engine.connect() as c:
        return {name: c.execute(text(sql), {"ws": WS, "gone": GONE}).scalar_one()
                for name, sql in checks.items()}


def one_pass(engine, kinds) -> tuple[float, int, int, float]:
    """Seconds, SQL statements and subjects fixed by one reconciliation pass, and the seconds
    of CPU this process spent on it."""
    from sqlalchemy import event

    from scheduling.sync import reconcile

    statements = 0

    def count(*_args):
        nonlocal statements
        statements += 1

    event.listen(engine, "before_cursor_execute", count)
    started, cpu = time.perf_counter(), time.process_time()
    fixed = reconcile(engine, kinds, NOW)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    event.remove(engine, "before_cursor_execute", count)
    return seconds, statements, fixed, cpu


def database(backend: str, tmp: Path):
    """(url, cleanup) for a fresh migrated database."""

    from storage.migrate import upgrade

    if backend == "sqlite":
        url = f"sqlite:///{tmp}/{uuid.uuid4().hex[:8]}.db"
        upgrade(url)
        return url, lambda: None
    url = create_pg_database()
    upgrade(url)

    def drop():
        drop_pg_database(url)
    return url, drop


def measure(backend: str, teams: int, tmp: Path) -> dict:
    from bot.app import schedule_kinds
    from storage.engine import make_engine

    url, drop = database(backend, tmp)
    engine = make_engine(url)
    try:
        seed(engine, teams, NOW)
        drift(engine, teams)
        before = sum(out_of_step(engine).values())
        seconds, statements, fixed, cpu = one_pass(engine, schedule_kinds())
        left = {k: v for k, v in out_of_step(engine).items() if v}
        again_seconds, again_statements, again, _ = one_pass(engine, schedule_kinds())
        return {"seconds": seconds, "statements": statements, "fixed": fixed, "cpu": cpu,
                "before": before, "left": left, "again": again,
                "again_seconds": again_seconds, "again_statements": again_statements}
    finally:
        engine.dispose()
        drop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--teams", type=int, default=200, help="teams in the 1x world")
    parser.add_argument("--quick", action="store_true", help="a small world (for CI)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    base = 40 if args.quick else args.teams
    misses: list[str] = []
    one, five, fifteen = os.getloadavg()
    print(f"load average {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            got = {scale: measure(backend, base * scale, Path(tmp)) for scale in (1, 10)}
            for scale, r in got.items():
                print(f"{backend:10} {scale:>2}x {base * scale:>5} teams: {r['seconds']:6.3f} s "
                      f"(CPU {r['cpu']:.3f} s), {r['statements']:4} statements, {r['fixed']} fixed; out of step "
                      f"{r['before']} -> {sum(r['left'].values())}; a second pass: "
                      f"{r['again_seconds']:6.3f} s, {r['again_statements']} statements, "
                      f"{r['again']} fixed", flush=True)
                if r["left"] or r["again"]:
                    misses.append(f"{backend} {scale}x not repaired: {r['left']}, a second "
                                  f"pass fixed {r['again']}")
            misses += judge(backend, got[1], got[10], timed=not args.quick)
    if misses:
        print("verdict: MISS - " + "; ".join(misses))
        return 1
    print("verdict: OK - statements flat, everything out of step repaired" + (
        " (times not judged in --quick)" if args.quick else
        ", linear or better, under 1 s at 10x on PostgreSQL"))
    return 0


def judge(backend: str, one: dict, ten: dict, *, timed: bool) -> list[str]:
    """The targets missed by the 10x pass against the 1x one."""
    ratio = ten["seconds"] / max(one["seconds"], 1e-6)
    print(f"{backend:10} 10x/1x: {ratio:.1f}x the time, statements "
          f"{one['statements']} -> {ten['statements']}")
    misses = []
    if ten["statements"] > one["statements"] * 1.1 + 5:
        misses.append(f"{backend}: statements grew {one['statements']} -> "
                      f"{ten['statements']}")
    if timed and ratio > 12 and ten["seconds"] > 0.1:
        misses.append(f"{backend}: 10x took {ratio:.1f}x the 1x time")
    if timed and backend == "postgresql" and ten["seconds"] >= 1.0:
        misses.append(f"postgresql: {ten['seconds']:.2f} s at 10x (target < 1 s)")
    return misses

if __name__ == "__main__":
    sys.exit(main())
