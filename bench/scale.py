"""Workers that add up: 1, 2, 4 … `pact worker` processes delivering one backlog on PostgreSQL.

A fresh PostgreSQL database holds `--messages` due outbox messages (default 20,000) spread over
`--channels` channels of `--workspaces` workspaces installed by OAuth, so every worker sends
each message with its own workspace's token. The Slack emulator runs in its own process, in
two modes: answering at once (CPU-bound: Pact's own cost) and answering after `--latency-ms`
(default 100, like Slack from a typical server: latency-bound). For each number of workers
(real `python -m bot worker` subprocesses) it prints messages per second, the speed-up over
one worker, and the duplicates and losses read from the emulator's record of posts against
what was seeded; then the same with one worker SIGKILLed halfway (with one worker, a new one
is started in its place): its claims lapse after the lease (`--lease`, short here) and the
others deliver them.

A SIGKILL can land while a post is on its way to Slack or answered but not yet recorded: the
message is then sent again once the claim lapses (Slack offers no way to ask whether it
arrived without reading the channel). Those are counted apart as "resent after the kill";
every other duplicate, and any loss, is a miss.

Target (latency mode): 4 workers at least 3x one worker; duplicates = losses = 0. `--quick`
(a few hundred messages, for CI) checks only correctness: speed-ups that small are noise.

    python bench/scale.py [--workers 1,2,4] [--messages 20000] [--channels 2000]
                          [--workspaces 4] [--latency-ms 100] [--modes latency,cpu] [--quick]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.support import (  # noqa: E402 - needs the project on the path
    PG_ADMIN_URL,
    EmulatorProcess,
    create_pg_database,
    drop_pg_database,
)

TEXT = "Scale message {}"


# --- the emulator, in its own process ---------------------------------------------------------
def emulator_process(conn) -> None:
    from bot.playground.emulator import SlackEmulator

    emu = SlackEmulator().start()
    conn.send((emu.url, emu.client_id, emu.client_secret))
    while True:
        command, arg = conn.recv()
        if command == "world":  # (workspaces, channels): a bot token per workspace, channels
            workspaces, channels = arg
            tokens = {}
            for w in range(workspaces):
                team = f"T{w:04d}SCALE"
                tokens[team] = f"xoxb-{team}-{uuid.uuid4().hex[:12]}"
                emu.tokens[tokens[team]] = team
            conn.send((tokens, [emu.add_channel(name=f"team-{i}") for i in range(channels)]))
        elif command == "latency":
            emu.latency_ms = arg
            emu.reset()
            conn.send(True)
        elif command == "posted":
            conn.send(sum(1 for c in emu.calls_to("chat.postMessage") if c.status == 200
                          and c.response.get("ok")))
        elif command == "stats":  # arg: how many were seeded
            calls = [c for c in emu.calls_to("chat.postMessage")
                     if c.status == 200 and c.response.get("ok")]
            texts = Counter(c.args.get("text") for c in calls)
            seeded = {TEXT.format(i) for i in range(arg)}
            conn.send({"posted": len(calls),
                       "doubled": sum(n - 1 for n in texts.values() if n > 1),
                       "lost": len(seeded - set(texts)),
                       "strange": len(set(texts) - seeded),
                       "times": sorted(c.at for c in calls),
                       "per_text": {t: n for t, n in texts.items() if n > 1},
                       "violations": list(emu.violations[:5])})
        elif command == "stop":
            emu.stop()
            conn.send(True)
            return


class Emulator(EmulatorProcess):
    def __init__(self):
        super().__init__(emulator_process)
        self.url, self.client_id, self.client_secret = self.hello


# --- the database -----------------------------------------------------------------------------
def install(url: str, emu: Emulator, tokens: dict[str, str]) -> None:
    """Empty the tables and install every workspace (OAuth)."""
    from slack_sdk.oauth.installation_store.models.installation import Installation
    from sqlalchemy import insert, text

    from bot.config import load_settings
    from bot.installations import installation_store
    from storage.engine import make_engine, session_scope
    from storage.models import Workspace, metadata

    engine = make_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    teams = sorted(tokens)
    with session_scope(engine) as s:
        s.execute(insert(Workspace), [{"id": t, "name": t, "created_at": now} for t in teams])
    settings = load_settings({"SLACK_CLIENT_ID": emu.client_id,
                              "SLACK_CLIENT_SECRET": emu.client_secret,
                              "SLACK_API_URL": emu.url, "DATABASE_URL": url})
    store = installation_store(settings, engine)
    for team in teams:
        store.save(Installation(app_id="A0SCALE", team_id=team, team_name=team,
                                bot_token=tokens[team], bot_id="B0SCALE",
                                bot_user_id="U0SCALEBOT", bot_scopes=["chat:write"],
                                user_id="U0INSTALLER"))
    engine.dispose()


def queue(engine, teams: list[str], channels: list[str], messages: int) -> None:
    """`messages` due posts in one transaction, channel after channel in turn, each channel
    belonging to one workspace."""
    from sqlalchemy import insert

    from storage.engine import session_scope
    from storage.models import OutboxMessage

    due = datetime.now(UTC) - timedelta(minutes=1)
    rows = [{"workspace_id": teams[(i % len(channels)) % len(teams)],
             "idempotency_key": f"scale:{i}", "kind": "scale", "channel": channels[i % len(channels)],
             "text": TEXT.format(i), "status": "pending", "attempts": 0,
             "next_attempt_at": due, "created_at": due} for i in range(messages)]
    with session_scope(engine) as s:
        for start in range(0, len(rows), 5000):
            s.execute(insert(OutboxMessage), rows[start:start + 5000])


def wait_for_workers(engine, procs: list[subprocess.Popen], limit: float = 120.0) -> None:
    """Until every worker holds a connection to the database (it has started and looks for
    work every second): what is measured is delivery, not Python starting up."""
    from sqlalchemy import text

    started = time.monotonic()
    while time.monotonic() - started < limit:
        with engine.connect() as conn:
            ready = conn.execute(text(
                "SELECT count(DISTINCT application_name) FROM pg_stat_activity WHERE "
                "datname = current_database() AND application_name LIKE 'scale-worker-%'")
            ).scalar_one()
        if ready >= len(procs) or any(p.poll() is not None for p in procs):
            time.sleep(1.0)  # the first empty tick is done: the next finds the messages
            return
        time.sleep(0.2)


def pending(engine) -> int:
    from sqlalchemy import func, select

    from storage.engine import session_scope
    from storage.models import OutboxMessage

    with session_scope(engine) as s:
        return s.execute(select(func.count()).select_from(OutboxMessage)
                         .where(OutboxMessage.status == "pending")).scalar_one()


# --- one run ----------------------------------------------------------------------------------
@dataclass
class Run:
    mode: str
    workers: int
    killed: bool
    messages: int
    rate: float
    doubled: int
    lost: int
    resent_after_kill: int
    finished: bool
    seconds: float

    @property
    def correct(self) -> bool:
        return self.finished and self.lost == 0 and self.doubled == self.resent_after_kill


def start_worker(env: dict, workdir: str, log: Path) -> subprocess.Popen:
    """`pact worker`, named in PostgreSQL's list of connections (libpq's PGAPPNAME)."""
    env = {**env, "PGAPPNAME": f"scale-worker-{uuid.uuid4().hex[:8]}"}
    return subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=env, cwd=workdir,
                            stdout=subprocess.DEVNULL, stderr=log.open("ab"))


def run_once(emu: Emulator, url: str, world, mode: str, workers: int, killed: bool,
             args, workdir: str) -> Run:
    tokens, channels = world
    emu.ask("latency", args.latency_ms if mode == "latency" else 0)
    install(url, emu, tokens)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PACT_"))}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=url, SLACK_API_URL=emu.url,
               SLACK_CLIENT_ID=emu.client_id, SLACK_CLIENT_SECRET=emu.client_secret,
               PACT_TICK_SECONDS="1", PACT_CLAIM_LEASE_SECONDS=str(args.lease),
               LOG_LEVEL="WARNING")
    log = Path(workdir) / f"{mode}-{workers}-{'kill' if killed else 'clean'}.log"
    from storage.engine import make_engine

    engine = make_engine(url)
    procs = [start_worker(env, workdir, log) for _ in range(workers)]
    wait_for_workers(engine, procs)
    queue(engine, sorted(tokens), channels, args.messages)
    started = time.monotonic()
    limit = 120 + 3 * args.lease + args.messages / 10
    kill_at, kill_moment = args.messages // 2, None
    finished = False
    try:
        while time.monotonic() - started < limit:
            time.sleep(0.25)
            if killed and kill_moment is None and emu.ask("posted") >= kill_at:
                procs[0].send_signal(signal.SIGKILL)
                procs[0].wait()
                kill_moment = emu.ask("stats", args.messages)["posted"]
                if workers == 1:  # a supervisor starts another in its place
                    procs.append(start_worker(env, workdir, log))
            if (not killed or kill_moment is not None) and pending(engine) == 0:
                finished = True
                break
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        engine.dispose()
    stats = emu.ask("stats", args.messages)
    times = stats["times"]
    span = (times[-1] - times[0]) if len(times) > 1 else 0.0
    resent = 0
    if killed and stats["doubled"]:
        resent = _resent_after_kill(stats, workers, args)
    return Run(mode, workers, killed, args.messages,
               rate=len(times) / span if span else 0.0, doubled=stats["doubled"],
               lost=stats["lost"] + stats["strange"], resent_after_kill=resent,
               finished=finished, seconds=time.monotonic() - started)


def _resent_after_kill(stats: dict, workers: int, args) -> int:
    """Duplicates the kill explains: at most what one worker can have had on its way to
    Slack or answered and not yet recorded (its send threads plus one recording batch), each
    doubled once. More than that, or a message posted three times, is not the kill's doing."""
    from scheduling.outbox import WORKERS

    bound = WORKERS + 200
    if any(n > 2 for n in stats["per_text"].values()) or stats["doubled"] > bound:
        return 0
    return stats["doubled"]


# --- the report -------------------------------------------------------------------------------
def report(runs: list[Run]) -> None:
    base = {(r.mode, r.killed): r.rate for r in runs if r.workers == 1}
    for r in runs:
        one = base.get((r.mode, r.killed))
        speedup = f"{r.rate / one:4.2f}x" if one else "  -  "
        kill = "one SIGKILLed" if r.killed else "no kill      "
        extra = f", {r.resent_after_kill} resent after the kill" if r.killed else ""
        print(f"  {r.mode:7} {r.workers:2} worker(s), {kill}: {r.rate:7.0f} messages/s "
              f"({speedup} one worker), doubled {r.doubled}, lost {r.lost}{extra}"
              f"{'' if r.finished else ', NOT FINISHED'} [{r.seconds:.0f} s]")


def verdict(runs: list[Run], quick: bool, latency_ms: int) -> tuple[bool, str]:
    wrong = [r for r in runs if not r.correct]
    correct = not wrong
    resent = sum(r.resent_after_kill for r in runs)
    if wrong:
        words = f"{len(wrong)} run(s) doubled or lost messages or did not finish"
    elif resent:
        words = (f"losses = 0, duplicates = 0 but {resent} resent after a SIGKILL (on their "
                 "way to Slack when it died)")
    else:
        words = "duplicates = losses = 0"
    if quick:
        return correct, f"VERDICT (quick: correctness only): {words} -> " \
                        f"{'PASS' if correct else 'FAIL'}"
    rate = {r.workers: r.rate for r in runs if r.mode == "latency" and not r.killed}
    if 1 not in rate or 4 not in rate:
        return False, "VERDICT: FAIL (the target needs 1 and 4 workers in the latency mode)"
    speedup = rate[4] / rate[1] if rate[1] else 0.0
    ok = correct and speedup >= 3.0
    return ok, (f"VERDICT: latency mode ({latency_ms} ms) 4 workers {speedup:.2f}x one "
                f"(target >= 3x); {words} -> {'PASS' if ok else 'FAIL'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--channels", type=int, default=2_000)
    parser.add_argument("--workspaces", type=int, default=4)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--modes", default="latency,cpu")
    parser.add_argument("--lease", type=int, default=15, help="claim lease in seconds")
    parser.add_argument("--no-kill", action="store_true", help="skip the runs with a kill")
    parser.add_argument("--quick", action="store_true",
                        help="300 messages, 2 workers, the latency mode: correctness only (CI)")
    parser.add_argument("--postgres", default=PG_ADMIN_URL, help="an admin URL of the server")
    args = parser.parse_args()
    if args.quick:
        args.messages, args.channels, args.workspaces = 300, 300, 2
        args.workers, args.lease, args.modes = "2", 5, "latency"
    counts = [int(n) for n in args.workers.split(",")]
    modes = [m.strip() for m in args.modes.split(",")]
    from storage.migrate import upgrade

    url = create_pg_database(args.postgres, prefix="pact_scale")
    emu = Emulator()
    runs: list[Run] = []
    try:
        upgrade(url)
        world = emu.ask("world", (args.workspaces, args.channels))
        print(f"{args.messages:,} due messages over {args.channels:,} channels of "
              f"{args.workspaces} workspaces (OAuth), PostgreSQL, lease {args.lease} s")
        with tempfile.TemporaryDirectory() as workdir:
            for mode in modes:
                for killed in ([False] if args.no_kill else [False, True]):
                    for n in counts:
                        runs.append(run_once(emu, url, world, mode, n, killed, args, workdir))
                        report(runs[-1:])
                        sys.stdout.flush()
    finally:
        emu.stop()
        drop_pg_database(url, args.postgres)
    print("summary:")
    report(runs)
    ok, line = verdict(runs, args.quick, args.latency_ms)
    print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
