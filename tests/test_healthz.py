"""GET /healthz answers 200 while the database answers, 503 when it does not."""

import json
import threading
import urllib.error
import urllib.request

from sqlalchemy import create_engine

from bot.server import make_server, run_server, stop_server
from tests.harness import start_pact


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_healthz_is_200_when_database_answers(pact):
    status, body = _get(pact.url + "/healthz")
    assert status == 200
    assert body == {"ok": True, "database": "up"}


def test_healthz_is_503_when_database_is_down(emulator, database_url):
    dead = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none",
                         connect_args={"connect_timeout": 1})
    harness = start_pact(emulator, dead, database_url)
    try:
        status, body = _get(harness.url + "/healthz")
        assert status == 503
        assert body == {"ok": False, "database": "down"}
    finally:
        harness.stop()


def test_unknown_path_is_404(pact):
    try:
        urllib.request.urlopen(pact.url + "/admin", timeout=5)
        raise AssertionError("expected 404")
    except urllib.error.HTTPError as err:
        assert err.code == 404


def test_server_handles_concurrent_requests(engine):
    """A slow request does not hold up others: the server is not single-threaded."""
    release = threading.Event()

    def slow_or_fast(environ, start_response):
        if environ["PATH_INFO"] == "/slow":
            release.wait(5)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = make_server(slow_or_fast, host="127.0.0.1", port=0, threads=4)
    stopping = threading.Event()
    thread = threading.Thread(target=run_server, args=(server, stopping), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    try:
        slow = threading.Thread(target=lambda: urllib.request.urlopen(base + "/slow", timeout=10))
        slow.start()
        with urllib.request.urlopen(base + "/fast", timeout=2) as resp:
            assert resp.read() == b"ok"
        release.set()
        slow.join(5)
    finally:
        release.set()
        stop_server(server, stopping)
