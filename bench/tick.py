"""How much work the scheduler's tick costs per message, and how close to Slack's limits it sends.

1. Throughput: 100,000 schedule rows of which 10,000 are due (10,000 teams whose weekly
   check-in is due, each with one active goal, plus 90,000 nudge schedules not due yet). The
   Slack emulator answers at once and runs in its own process, so this process's CPU time is
   Pact's own: claiming, running the jobs, rendering, the outbox, the HTTP client, recording.
   Prints CPU time per delivered message, wall time, and peak memory (max RSS of this process,
   which includes seeding the database). Targets: at most 2 ms per message, at most 200 MB.

2. Rate limits: the emulator enforces Slack's limits (1 message per second per channel, method
   tiers). 40 channels with 8 posts waiting in each (goal-thread notes in the outbox: a
   team's check-in is one post per moment, so it cannot fill a channel): 320 posts. The minimum
   the limits allow is (8 - burst) seconds; prints the total time as a multiple of it (target
   at most 1.2) and checks nothing was lost or doubled.

    python bench/tick.py [--teams 10000] [--rows 100000] [--limited-teams 40] [--per-team 8]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


# --- the emulator, in its own process ---------------------------------------------------------
def emulator_process(conn) -> None:
    from bot.playground.emulator import SlackEmulator

    emu = SlackEmulator(scopes=("commands", "chat:write", "im:write", "users:read",
                                "channels:read", "groups:read", "files:write")).start()
    conn.send((emu.url, emu.bot_token))
    while True:
        command, arg = conn.recv()
        if command == "channels":
            conn.send([emu.add_channel(name=f"team-{i}") for i in range(arg)])
        elif command == "rate_limits":
            emu.rate_limits = arg
            emu.reset()
            conn.send(True)
        elif command == "stats":
            calls = emu.calls_to("chat.postMessage")
            per_channel = Counter(c.args.get("channel") for c in calls if c.status == 200)
            texts = Counter((c.args.get("channel"), c.args.get("text")) for c in calls
                            if c.status == 200)
            conn.send({"ok": sum(per_channel.values()),
                       "limited": sum(1 for c in calls if c.status == 429),
                       "doubles": sum(n - 1 for n in texts.values() if n > 1),
                       "violations": list(emu.violations[:5]),
                       "first": min((c.at for c in calls), default=0.0),
                       "last": max((c.at for c in calls), default=0.0)})
        elif command == "stop":
            emu.stop()
            conn.send(True)
            return


class Emulator:
    def __init__(self):
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=emulator_process, args=(child,), daemon=True)
        self.proc.start()
        self.url, self.token = self.conn.recv()

    def ask(self, command, arg=None):
        self.conn.send((command, arg))
        return self.conn.recv()

    def stop(self):
        self.ask("stop")
        self.proc.join(timeout=5)


# --- seeding ----------------------------------------------------------------------------------
def seed(url: str, channels: list[str], goals_per_team: int, extra_rows: int,
         now: datetime) -> None:
    """Teams with due check-ins and active goals, plus schedules that are not due."""
    from sqlalchemy import insert

    from storage.engine import make_engine, session_scope
    from storage.models import Goal, Member, Schedule, Team, TeamMembership, Workspace

    engine = make_engine(url)
    chunk = 5000
    with session_scope(engine) as s:
        s.execute(insert(Workspace), [{"id": "T0PACT", "name": "Bench", "created_at": now}])
        members = [{"workspace_id": "T0PACT", "slack_user_id": f"U{i:09d}", "display_name": "",
                    "tz": "Europe/Berlin", "is_admin": False, "is_bot": False,
                    "is_deleted": False, "created_at": now}
                   for i in range(max(extra_rows, len(channels)))]
        for i in range(0, len(members), chunk):
            s.execute(insert(Member), members[i:i + chunk])
        teams = [{"workspace_id": "T0PACT", "channel_id": c, "name": f"Team {i}",
                  "tz": "Europe/Berlin", "checkin_weekday": "mon", "checkin_time": "10:00",
                  "created_by": "", "created_at": now, "updated_at": now}
                 for i, c in enumerate(channels)]
        for i in range(0, len(teams), chunk):
            s.execute(insert(Team), teams[i:i + chunk])
        s.execute(insert(TeamMembership), [{"team_id": t + 1, "member_id": t + 1, "role": "lead",
                                            "joined_at": now} for t in range(len(channels))])
        goals = [{"team_id": t + 1, "owner_id": t + 1, "title": f"Goal {g} of team {t}",
                  "metric": "people certified", "baseline": 0.0, "target": 10.0,
                  "current_value": 4.0, "unit": "people", "due_date": date(2027, 6, 30),
                  "project": "", "status": "active", "created_at": now, "updated_at": now}
                 for t in range(len(channels)) for g in range(goals_per_team)]
        for i in range(0, len(goals), chunk):
            s.execute(insert(Goal), goals[i:i + chunk])
        due = now  # on the rule's grid: Monday 10:00 in Berlin for the throughput run
        rows = [{"workspace_id": "T0PACT", "team_id": t + 1, "kind": "checkin",
                 "subject_id": t + 1, "rule": "weekly mon 10:00", "tz": "Europe/Berlin",
                 "status": "active", "next_run_at": due, "attempts": 0, "skipped_runs": 0,
                 "created_at": now, "updated_at": now} for t in range(len(channels))]
        later = now + timedelta(days=1)
        rows += [{"workspace_id": "T0PACT", "team_id": None, "kind": "nudge",
                  "subject_id": m + 1, "rule": "workdays 10:00", "tz": "Europe/Berlin",
                  "status": "active", "next_run_at": later, "attempts": 0, "skipped_runs": 0,
                  "created_at": now, "updated_at": now} for m in range(extra_rows)]
        for i in range(0, len(rows), chunk):
            s.execute(insert(Schedule), rows[i:i + chunk])
    engine.dispose()


def services_for(url: str, emu: Emulator):
    from bot.app import make_services
    from bot.config import load_settings
    from bot.slack_client import make_web_client
    from storage.engine import make_engine

    settings = load_settings({"SLACK_BOT_TOKEN": emu.token, "SLACK_API_URL": emu.url,
                              "DATABASE_URL": url})
    return make_services(settings, make_engine(url)), make_web_client(settings)


def run_until_done(services, client, now: datetime, expected: int, emu: Emulator,
                   step: float = 0.0, limit: float = 600.0) -> int:
    from scheduling.tick import tick

    started = time.monotonic()
    moment = now
    while time.monotonic() - started < limit:
        tick(moment, services, client)
        if emu.ask("stats")["ok"] >= expected:
            break
        if step:
            time.sleep(step)
        moment = now + timedelta(seconds=time.monotonic() - started)
    return emu.ask("stats")["ok"]


def throughput(emu: Emulator, teams: int, rows: int) -> None:
    from storage.migrate import upgrade

    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    upgrade(url)
    channels = emu.ask("channels", teams)
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    seed(url, channels, 1, rows - teams, now)
    services, client = services_for(url, emu)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    delivered = run_until_done(services, client, now, teams, emu)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    stats = emu.ask("stats")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"throughput: {rows:,} schedule rows, {teams:,} due")
    print(f"  delivered {delivered:,} messages in {wall:.1f} s wall "
          f"({delivered / wall:,.0f} messages/s), doubles {stats['doubles']}, "
          f"violations {stats['violations']}")
    print(f"  Pact's own time: {cpu * 1000 / max(delivered, 1):.2f} ms CPU per message "
          f"(target <= 2 ms); wall {wall * 1000 / max(delivered, 1):.2f} ms per message")
    print(f"  peak memory: {peak_mb:.0f} MB max RSS (target <= 200 MB)")
    services.engine.dispose()


def _queue_posts(url: str, channels: list[str], per_channel: int, now: datetime) -> None:
    """`per_channel` goal-thread notes waiting in each channel: a team's check-in is one post
    per moment now, so pacing within a channel is measured on the outbox directly."""
    from sqlalchemy import insert

    from storage.engine import make_engine, session_scope
    from storage.models import OutboxMessage

    engine = make_engine(url)
    with session_scope(engine) as s:
        s.execute(insert(OutboxMessage), [
            {"workspace_id": "T0PACT", "idempotency_key": f"bench:{c}:{n}", "kind": "goal_thread",
             "channel": c, "text": f"Note {n}", "status": "pending", "attempts": 0,
             "next_attempt_at": now, "created_at": now}
            for c in channels for n in range(per_channel)])
    engine.dispose()


def limited(emu: Emulator, teams: int, per_team: int) -> None:
    from bot.playground.emulator import POST_MESSAGE_BURST
    from storage.migrate import upgrade

    emu.ask("rate_limits", True)
    url = f"sqlite:///{tempfile.mkdtemp()}/bench-limited.db"
    upgrade(url)
    channels = emu.ask("channels", teams)
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    seed(url, channels, 0, 0, now)
    _queue_posts(url, channels, per_team, now)
    services, client = services_for(url, emu)
    expected = teams * per_team
    wall0 = time.perf_counter()
    delivered = run_until_done(services, client, now, expected, emu, step=0.5)
    wall = time.perf_counter() - wall0
    stats = emu.ask("stats")
    minimum = max(per_team - POST_MESSAGE_BURST, 0) / 1.0
    print(f"rate limits on: {expected} posts over {teams} channels ({per_team} each)")
    print(f"  delivered {delivered}/{expected}, doubles {stats['doubles']}, "
          f"429 answers {stats['limited']}, violations {stats['violations']}")
    print(f"  total {wall:.2f} s; minimum the limits allow {minimum:.2f} s; "
          f"ratio {wall / minimum:.2f} (target <= 1.2); first to last post "
          f"{stats['last'] - stats['first']:.2f} s")
    services.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--limited-teams", type=int, default=40)
    parser.add_argument("--per-team", type=int, default=8)
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    import logging

    logging.basicConfig(level=logging.WARNING)
    emu = Emulator()
    try:
        if not args.skip_throughput:
            throughput(emu, args.teams, args.rows)
        limited(emu, args.limited_teams, args.per_team)
    finally:
        emu.stop()


if __name__ == "__main__":
    main()
