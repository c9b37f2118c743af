"""How much work the scheduler's tick costs per message, next to the floor, and how close to
Slack's limits it sends.

1. Cost: for each size, `rows` schedule rows of which `due` are due (teams whose weekly check-in
   is due, each with one active goal, plus nudge schedules not due yet). The Slack emulator
   answers at once and runs in its own process; the database is seeded by this process and the
   tick runs in a fresh one, so that process's CPU time and memory are the tick's own:
   claiming, running the jobs, rendering, the outbox, the HTTP client, recording.
   The floor: a bare slack_sdk loop in another fresh process posting the very same messages
   (the text and blocks Pact posted, to the same channels, same emulator) with the same client
   settings and as many threads as the outbox's pass uses (a sequential loop is printed too).
   Each size runs `--repeat` times (default 2), Pact and the floor in turn, and is judged on the
   best of each, as `timeit` does: a slow phase of a shared machine only ever adds time.
   Prints CPU per delivered message, that as a multiple of the floor (target at most 1.5x),
   wall time, and the tick's peak RSS over its starting RSS: that growth must be bounded by the
   batch, not by the due rows (target: within 20 MB between the smallest and largest size).

2. Rate limits: the emulator enforces Slack's limits (1 message per second per channel, method
   tiers). 40 channels with 8 posts waiting in each (goal-thread notes in the outbox: a
   team's check-in is one post per moment, so it cannot fill a channel): 320 posts. The minimum
   the limits allow is (8 - burst) seconds; prints the total time as a multiple of it (target
   at most 1.2) and checks nothing was lost or doubled.

Last, one verdict line; the exit status is non-zero when a target is missed.

    python bench/tick.py [--due 10000,40000] [--rows 100000] [--limited-teams 40]
                         [--per-team 8] [--profile 30] [--quick]

`--quick` (CI): 200 and 400 due, 4 rate-limited channels; only losses and doubles are judged,
the figures are printed (that small, they are noise).
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.support import EmulatorProcess  # noqa: E402 - needs the project on the path


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
        elif command == "reset":
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


class Emulator(EmulatorProcess):
    def __init__(self):
        super().__init__(emulator_process)
        self.url, self.token = self.hello


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


def services_for(url: str, api_url: str, token: str):
    from bot.app import make_services
    from bot.config import load_settings
    from bot.slack_client import make_web_client
    from storage.engine import make_engine

    settings = load_settings({"SLACK_BOT_TOKEN": token, "SLACK_API_URL": api_url,
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


# --- the tick and the floor, each in a fresh process ------------------------------------------
def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> float:
    """Start counting the peak RSS from here (Linux: clear_refs 5); returns the RSS now."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def tick_process(conn, url: str, api_url: str, token: str, now: datetime, profile: int) -> None:
    """Tick until nothing is left to claim or send; report CPU, wall time and memory."""
    import logging

    logging.basicConfig(level=logging.WARNING)
    from scheduling.runner import settle_before_work
    from scheduling.tick import tick

    services, client = services_for(url, api_url, token)
    settle_before_work()  # as `pact worker` does once, before its first tick
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    start_mb = _reset_peak()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    sent = ticks = 0
    while ticks < 1000:  # until a tick finds nothing left (the cap only stops a runaway)
        result = tick(now, services, client)
        sent, ticks = sent + result.sent, ticks + 1
        if not (result.claimed or result.sent or result.failed):
            break
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    peak_mb = _status_mb("VmHWM")
    if profiler:
        import pstats

        pstats.Stats(profiler).sort_stats("cumulative").print_stats(profile)
    services.engine.dispose()
    conn.send({"cpu": cpu, "wall": wall, "sent": sent, "ticks": ticks, "start_mb": start_mb,
               "peak_mb": peak_mb})


def floor_process(conn, url: str, api_url: str, token: str, threads: int) -> None:
    """The same posts Pact made, through a bare WebClient: the cost of sending itself."""
    import queue
    import threading

    from slack_sdk import WebClient
    from sqlalchemy import create_engine, select

    from storage.models import OutboxMessage as O

    engine = create_engine(url)
    with engine.connect() as db:
        posts = db.execute(select(O.channel, O.text, O.blocks)
                           .where(O.kind == "checkin", O.status == "sent")).all()
    engine.dispose()
    client = WebClient(token=token, base_url=api_url, timeout=10, retry_handlers=[])
    work: queue.SimpleQueue = queue.SimpleQueue()
    for post in posts:
        work.put(post)
    ok = [0] * threads

    def send(n: int) -> None:
        while True:
            try:
                channel, text, blocks = work.get_nowait()
            except queue.Empty:
                return
            client.chat_postMessage(channel=channel, text=text, blocks=blocks or None,
                                    thread_ts=None, unfurl_links=False, unfurl_media=False)
            ok[n] += 1

    cpu0, wall0 = time.process_time(), time.perf_counter()
    if threads == 1:
        send(0)
    else:
        workers = [threading.Thread(target=send, args=(n,)) for n in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    conn.send({"cpu": time.process_time() - cpu0, "wall": time.perf_counter() - wall0,
               "sent": sum(ok)})


def in_fresh_process(target, *args) -> dict:
    ctx = mp.get_context("spawn")
    conn, child = ctx.Pipe()
    proc = ctx.Process(target=target, args=(child, *args))
    proc.start()
    answer = conn.recv()
    proc.join()
    return answer


def cost(emu: Emulator, due: int, rows: int, profile: int) -> dict:
    """Seed here, tick in a fresh process, then the floor on the same posts."""
    from scheduling.outbox import WORKERS
    from storage.migrate import upgrade

    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    upgrade(url)
    emu.ask("reset")
    channels = emu.ask("channels", due)
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Berlin: on the grid
    seed(url, channels, 1, max(rows - due, 0), now)
    pact = in_fresh_process(tick_process, url, emu.url, emu.token, now, profile)
    stats = emu.ask("stats")
    floors = {n: in_fresh_process(floor_process, url, emu.url, emu.token, n)
              for n in (WORKERS, 1)}
    per = pact["cpu"] * 1000 / max(pact["sent"], 1)
    floor = {n: f["cpu"] * 1000 / max(f["sent"], 1) for n, f in floors.items()}
    growth = pact["peak_mb"] - pact["start_mb"]
    print(f"cost: {rows:,} schedule rows, {due:,} due")
    print(f"  Pact delivered {pact['sent']:,} (emulator: {stats['ok']:,}, doubles "
          f"{stats['doubles']}) in {pact['ticks']} tick(s), {pact['wall']:.1f} s wall "
          f"({pact['sent'] / max(pact['wall'], 1e-9):,.0f} messages/s)")
    print(f"  Pact: {per:.3f} ms CPU per message; floor (bare WebClient, same posts): "
          f"{floor[WORKERS]:.3f} ms with {WORKERS} threads like the outbox's pass, "
          f"{floor[1]:.3f} ms sequential; multiple {per / floor[WORKERS]:.2f}x "
          f"(of the sequential loop {per / floor[1]:.2f}x; target <= 1.5x)")
    print(f"  tick RSS: {pact['start_mb']:.0f} MB at start, {pact['peak_mb']:.0f} MB peak, "
          f"growth {growth:.0f} MB")
    return {"due": due, "rows": rows, "multiple": per / floor[WORKERS], "growth": growth,
            "lost": due - stats["ok"], "doubles": stats["doubles"], "per": per,
            "floor": floor[WORKERS]}


def repeated_cost(emu: Emulator, due: int, rows: int, profile: int, repeat: int) -> dict:
    """`cost` `repeat` times, Pact and the floor in turn; judged on the best of each (as
    `timeit` does: on a shared machine a slow phase only ever adds time, never removes it)."""
    runs = [cost(emu, due, rows, profile) for _ in range(repeat)]
    best = dict(runs[0])
    best.update(per=min(r["per"] for r in runs), floor=min(r["floor"] for r in runs),
                growth=max(r["growth"] for r in runs), lost=max(r["lost"] for r in runs),
                doubles=max(r["doubles"] for r in runs))
    best["multiple"] = best["per"] / best["floor"]
    if repeat > 1:
        print(f"  best of {repeat}: Pact {best['per']:.3f} ms, floor {best['floor']:.3f} ms, "
              f"multiple {best['multiple']:.2f}x (target <= 1.5x)")
    return best


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


def limited(emu: Emulator, teams: int, per_team: int) -> dict:
    from bot.playground.emulator import POST_MESSAGE_BURST
    from storage.migrate import upgrade

    emu.ask("rate_limits", True)
    url = f"sqlite:///{tempfile.mkdtemp()}/bench-limited.db"
    upgrade(url)
    channels = emu.ask("channels", teams)
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    seed(url, channels, 0, 0, now)
    _queue_posts(url, channels, per_team, now)
    services, client = services_for(url, emu.url, emu.token)
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
    return {"ratio": wall / minimum, "lost": expected - delivered, "doubles": stats["doubles"]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--due", default="10000,40000",
                        help="comma-separated numbers of due check-ins, one run each")
    parser.add_argument("--rows", type=int, default=100_000, help="schedule rows in all")
    parser.add_argument("--limited-teams", type=int, default=40)
    parser.add_argument("--per-team", type=int, default=8)
    parser.add_argument("--skip-cost", action="store_true")
    parser.add_argument("--skip-limited", action="store_true")
    parser.add_argument("--profile", type=int, default=0,
                        help="print this many of the tick's costliest functions (cProfile)")
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs of each size, Pact and the floor in turn; the best of each")
    parser.add_argument("--quick", action="store_true",
                        help="a few hundred messages (CI): judges losses and doubles only")
    args = parser.parse_args()
    if args.quick:
        args.due, args.rows, args.limited_teams, args.per_team = "200,400", 2000, 4, 3
        args.repeat = 1
    import logging

    logging.basicConfig(level=logging.WARNING)
    emu = Emulator()
    misses: list[str] = []
    try:
        if not args.skip_cost:
            runs = [repeated_cost(emu, int(d), max(args.rows, int(d)), args.profile,
                                  args.repeat) for d in args.due.split(",")]
            worst = max(r["multiple"] for r in runs)
            if worst > 1.5 and not args.quick:
                misses.append(f"CPU {worst:.2f}x the floor (target <= 1.5x)")
            spread = runs[-1]["growth"] - runs[0]["growth"]
            print(f"tick RSS growth from {runs[0]['due']:,} to {runs[-1]['due']:,} due: "
                  f"{spread:+.0f} MB (target within 20 MB)")
            if spread > 20 and not args.quick:
                misses.append(f"the tick's RSS grows {spread:.0f} MB more with more due rows")
            if any(r["lost"] or r["doubles"] for r in runs):
                misses.append("lost or doubled check-ins")
        if not args.skip_limited:
            lim = limited(emu, args.limited_teams, args.per_team)
            if lim["ratio"] > 1.2 and not args.quick:
                misses.append(f"rate-limited run {lim['ratio']:.2f}x the minimum")
            if lim["lost"] or lim["doubles"]:
                misses.append("lost or doubled posts under rate limits")
    finally:
        emu.stop()
    print("verdict: " + ("MISSED: " + "; ".join(misses) if misses else "all targets met"))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
