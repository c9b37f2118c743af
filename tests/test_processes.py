"""`pact web`, `pact worker` and `pact run` as real processes: start, log, stop on signals."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.harness import SIGNING_SECRET


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args, env, cwd):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    return subprocess.Popen([sys.executable, "-m", "bot", *args], env={**base, **env}, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait_for(predicate, timeout=20):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _healthy(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_worker_starts_logs_and_stops_cleanly(emulator, database_url, tmp_path, sig):
    env = {"SLACK_BOT_TOKEN": emulator.bot_token, "SLACK_API_URL": emulator.url,
           "DATABASE_URL": database_url, "PACT_TICK_SECONDS": "1"}
    proc = _start(["worker"], env, tmp_path)
    seen = []
    for line in proc.stdout:  # wait until it is up (imports can take a while on a busy box)
        seen.append(line)
        if "worker started" in line:
            break
    time.sleep(1.5)  # let a tick or two run
    proc.send_signal(sig)
    rest, _ = proc.communicate(timeout=20)
    out = "".join(seen) + rest
    assert proc.returncode == 0, out
    assert "worker started" in out and "worker stopped" in out
    assert "Traceback" not in out


def test_run_migrates_serves_and_stops_on_sigterm(emulator, tmp_path):
    port = _free_port()
    env = {"SLACK_BOT_TOKEN": emulator.bot_token, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": emulator.url, "DATABASE_URL": f"sqlite:///{tmp_path}/run.db",
           "PORT": str(port)}
    proc = _start(["run"], env, tmp_path)
    try:
        assert _wait_for(lambda: _healthy(port)), "pact run never became healthy"
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, out
    assert "database migrated" in out and "scheduler started" in out and "stopped" in out
    assert emulator.bot_token not in out


def test_web_serves_without_the_scheduler(emulator, database_url, tmp_path):
    port = _free_port()
    env = {"SLACK_BOT_TOKEN": emulator.bot_token, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": emulator.url, "DATABASE_URL": database_url, "PORT": str(port)}
    proc = _start(["web"], env, tmp_path)
    try:
        assert _wait_for(lambda: _healthy(port))
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, out
    assert "scheduler" not in out.lower()


def test_db_upgrade_command(tmp_path):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    result = subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=tmp_path,
                            env={**base, "DATABASE_URL": f"sqlite:///{tmp_path}/u.db"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert (tmp_path / "u.db").exists()


def test_socket_mode_refused_says_what_to_check(emulator, tmp_path):
    env = {"SLACK_BOT_TOKEN": emulator.bot_token, "SLACK_APP_TOKEN": "xapp-1-A0-1-notvalid",
           "SLACK_API_URL": emulator.url, "DATABASE_URL": f"sqlite:///{tmp_path}/s.db"}
    proc = _start(["web"], env, tmp_path)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 1, out
    assert "Socket Mode connection" in out and "SLACK_APP_TOKEN" in out
    assert "notvalid" not in out and "Traceback" not in out
