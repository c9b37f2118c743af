"""How fast Pact acknowledges Slack, beside a bare Bolt app on the same server stack.

Runs `/pact help` through the real HTTP stack (waitress + Bolt's WSGI adapter + Pact's
router) at 1, 10 and 50 concurrent clients, and the same requests against a bare Bolt app whose
listener only acks (the fastest configuration: process_before_response=True, same server,
same thread count). Each server runs in its own process; the load comes from this one, over
loopback, each request freshly signed as Slack signs it. Prints p50, p99 and requests/s for
both, and Pact's throughput as a ratio of the bare app's.

Targets: p99 under 100 ms at 50 concurrent clients; ratio at least 0.8.

    python bench/ack.py [--seconds 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "0123456789abcdef0123456789abcdef"
CONCURRENCY = (1, 10, 50)
SERVER_THREADS = 8


# --- the servers (run in child processes) -------------------------------------------------
def serve(kind: str, port: int, api_url: str) -> None:
    from slack_bolt import App
    from slack_sdk import WebClient

    from bot.server import make_server, make_wsgi_app

    if kind == "pact":
        from bot.app import create_app
        from bot.config import load_settings
        from bot.services import Services
        from bot.slack_client import make_web_client
        from storage.engine import make_engine
        from storage.migrate import upgrade

        db = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
        upgrade(db)
        settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-test-token",
                                  "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api_url,
                                  "DATABASE_URL": db}, need_listener=True)
        engine = make_engine(db)
        app = create_app(Services(settings=settings, engine=engine), make_web_client(settings))
    else:
        engine = None
        app = App(client=WebClient(token="xoxb-test-token", base_url=api_url),
                  signing_secret=SECRET, process_before_response=True,
                  token_verification_enabled=False)
        app.command("/pact")(ack=lambda ack: ack(), lazy=[])
    import logging

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # queueing is what we measure
    server = make_server(make_wsgi_app(app, engine, SECRET), host="127.0.0.1", port=port,
                         threads=SERVER_THREADS)
    import gc

    gc.freeze()  # as `pact web` does once started (bot/cli.py); the same for both apps
    print("ready", flush=True)
    server.run()


# --- the load -----------------------------------------------------------------------------
def _signed_help(user: str) -> tuple[bytes, dict]:
    import hashlib
    import hmac

    body = urllib.parse.urlencode({
        "token": "x", "team_id": "T0PACT", "team_domain": "bench", "channel_id": "C0BENCH0001",
        "channel_name": "bench", "user_id": user, "user_name": "bench", "command": "/pact",
        "text": "help", "api_app_id": "A0BENCH", "is_enterprise_install": "false",
        "response_url": "https://hooks.slack.com/commands/T0PACT/1/x",
        "trigger_id": "1.2.3"}).encode()
    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body,
                           hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/x-www-form-urlencoded",
                  "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}


def load(port: int, clients: int, seconds: float) -> dict:
    """`clients` threads, each with a keep-alive connection, sending for `seconds`."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        start_gate.wait()
        while time.perf_counter() < deadline[0]:
            body, headers = _signed_help(f"U0BENCH{n:04d}")
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/slack/events", body, headers)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except OSError:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            mine.append(time.perf_counter() - t0)
            if not ok:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    deadline[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start_gate.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies), "errors": errors[0],
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "rps": len(latencies) / elapsed,
    }


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per app and level")
    parser.add_argument("--serve", choices=("pact", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.api)
        return 0

    from bot.playground.emulator import SlackEmulator

    emulator = SlackEmulator().start()
    servers = {}
    try:
        for kind in ("pact", "bare"):
            port = _free_port()
            proc = subprocess.Popen(
                [sys.executable, __file__, "--serve", kind, "--port", str(port),
                 "--api", emulator.url], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)})
            assert proc.stdout.readline().strip() == "ready", f"{kind} server did not start"
            servers[kind] = (proc, port)
        for kind in servers:  # warm up: imports, auth.test, connection pools
            load(servers[kind][1], 4, 1.0)

        print(f"/pact help through waitress ({SERVER_THREADS} threads) + Bolt, median of "
              f"{args.rounds} alternating rounds of {args.seconds:g}s, {os.cpu_count()} cores\n")
        print(f"{'app':<6}{'clients':>8}{'requests':>10}{'errors':>8}{'p50 ms':>9}"
              f"{'p99 ms':>9}{'req/s':>9}")
        results = {}
        for clients in CONCURRENCY:
            # Alternate short rounds so a burst of background load hits both apps alike;
            # keep each app's median round.
            rounds = {"bare": [], "pact": []}
            for _ in range(args.rounds):
                for kind in ("bare", "pact"):
                    rounds[kind].append(load(servers[kind][1], clients, args.seconds))
            for kind in ("bare", "pact"):
                runs = sorted(rounds[kind], key=lambda r: r["rps"])
                r = results[(kind, clients)] = runs[len(runs) // 2]
                print(f"{kind:<6}{clients:>8}{r['requests']:>10}{r['errors']:>8}"
                      f"{r['p50']:>9.2f}{r['p99']:>9.2f}{r['rps']:>9.0f}")
        print()
        for clients in CONCURRENCY:
            ratio = results[("pact", clients)]["rps"] / results[("bare", clients)]["rps"]
            print(f"throughput ratio pact/bare at {clients:>2} clients: {ratio:.2f}")
        p99 = results[("pact", 50)]["p99"]
        ratio50 = results[("pact", 50)]["rps"] / results[("bare", 50)]["rps"]
        print()
        print(f"target p99 < 100 ms at 50 clients: {p99:.1f} ms "
              f"{'met' if p99 < 100 else 'MISSED'}")
        print(f"target ratio >= 0.8 at 50 clients: {ratio50:.2f} "
              f"{'met' if ratio50 >= 0.8 else 'MISSED'}")
        errors = sum(r["errors"] for r in results.values())
        return 0 if errors == 0 else 1
    finally:
        for proc, _port in servers.values():
            proc.terminate()
            proc.wait(timeout=10)
        emulator.stop()


if __name__ == "__main__":
    raise SystemExit(main())
