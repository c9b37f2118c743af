"""HTTP mode: Slack's requests and the health check, served by waitress.

waitress is a production WSGI server (a fixed pool of worker threads behind an asynchronous
socket loop), so slow clients never tie up Pact and concurrent requests are served in parallel.
"""

from __future__ import annotations

import io
import json
import logging
import signal
import threading
import warnings
from urllib.parse import parse_qs

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy.engine import Engine
from waitress.server import create_server

from bot.signing import is_signed_by_slack
from storage.engine import database_answers

log = logging.getLogger("pact.web")

EVENTS_PATH = "/slack/events"
INSTALL_PATHS = ("/slack/install", "/slack/oauth_redirect")  # OAuth mode (bot/installations.py)
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"  # 503 also while the database is behind this version's migrations
MAX_BODY = 1_000_000  # Slack's largest payloads (a full modal) are far below this


def _plain(start_response, status: str, text: str, headers=()) -> list[bytes]:
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body))), *headers])
    return [body]


def _read_body(environ) -> tuple[bytes | None, str]:
    """The request body, or None and the status to answer when it cannot be Slack's."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None, "400 Bad Request"
    if length > MAX_BODY:
        return None, "413 Content Too Large"
    return (environ["wsgi.input"].read(length) if length > 0 else b""), ""


def _odd_interaction(body: bytes, content_type: str) -> bool:
    """A signed interaction of a shape Slack never sends (no `user` object, `actions` that is
    not a non-empty list of objects, a `view` that is not an object): Bolt's routing would
    fail on it with a 500, so it is answered 200 and ignored, with a log line."""
    if content_type.startswith("application/json"):
        return False
    try:
        payload = parse_qs(body.decode("utf-8")).get("payload")
        data = json.loads(payload[0]) if payload else None
    except ValueError:
        return False
    if not isinstance(data, dict):
        return False
    if not isinstance(data.get("user"), dict) or not isinstance(data["user"].get("id"), str):
        return True
    if "view" in data and not isinstance(data["view"], dict):
        return True
    if data.get("type") == "block_actions":
        actions = data.get("actions")
        return not (isinstance(actions, list) and actions
                    and all(isinstance(a, dict) for a in actions))
    return False


def _parses(body: bytes, content_type: str) -> bool:
    """True when the body has the shape Slack sends: a JSON object, or a form whose optional
    `payload` field is a JSON object. (Bolt would fail with a 500 on anything else.)"""
    try:
        text = body.decode("utf-8")
        if content_type.startswith("application/json"):
            return isinstance(json.loads(text), dict)
        payload = parse_qs(text).get("payload")
        return payload is None or isinstance(json.loads(payload[0]), dict)
    except ValueError:  # includes UnicodeDecodeError
        return False


def migrations_current(engine: Engine) -> bool:
    """True when the database is at this code's migration heads."""
    from storage.migrate import current_revisions, head_revisions

    try:
        return current_revisions(engine) == head_revisions(str(engine.url))
    except Exception:  # noqa: BLE001 - cannot tell: not ready
        return False


def make_wsgi_app(app: App, engine: Engine, signing_secret: str):
    """`POST /slack/events` to Bolt, `GET /healthz` to a database check, 404 otherwise.

    Every request to the events path is verified here, before Bolt or anything else reads
    it: a request not signed by Slack (any malformed, stale or missing header, any content
    type) gets 401 and touches neither the database nor Slack. A signed body Bolt could not
    parse gets 400.
    """
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def _signed(body: bytes, environ) -> bool:
        return is_signed_by_slack(signing_secret, body,
                                  environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
                                  environ.get("HTTP_X_SLACK_SIGNATURE"))

    def wsgi(environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path in (HEALTH_PATH, READY_PATH) and method in ("GET", "HEAD"):
            ok = database_answers(engine)
            answer = {"ok": ok, "database": "up" if ok else "down"}
            if path == READY_PATH and ok:
                current = migrations_current(engine)
                answer.update(ok=current, migrations="current" if current else "behind")
                ok = current
            body = json.dumps(answer).encode()
            start_response("200 OK" if ok else "503 Service Unavailable",
                           [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body)))])
            return [body]
        if path in INSTALL_PATHS and method == "GET" and app.oauth_flow is not None:
            # Bolt's OAuth flow: the state it issued (stored in the database) and Slack's
            # code are checked there; nothing else is read from the request.
            return slack(environ, start_response)
        if path == EVENTS_PATH and method == "POST":
            body, status = _read_body(environ)
            if body is None:
                return _plain(start_response, status, "Not a request from Slack.")
            if not _signed(body, environ):
                return _plain(start_response, "401 Unauthorized", "Not a request from Slack.")
            if not _parses(body, environ.get("CONTENT_TYPE") or ""):
                return _plain(start_response, "400 Bad Request", "Not a request from Slack.")
            if _odd_interaction(body, environ.get("CONTENT_TYPE") or ""):
                log.info("ignored a signed interaction of an odd shape")
                return _plain(start_response, "200 OK", "")
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            return slack(environ, start_response)
        if path == EVENTS_PATH:
            return _plain(start_response, "405 Method Not Allowed", "Use POST.",
                          [("Allow", "POST")])
        return _plain(start_response, "404 Not Found", "Not Found")

    return wsgi


def make_server(wsgi_app, *, host: str = "0.0.0.0", port: int = 3000, threads: int = 8,
                loop_timeout: float = 1.0):
    """A waitress server bound to host:port (port 0 picks a free one: see `.effective_port`).

    `loop_timeout` bounds how long closing the server takes to be noticed.

    `send_bytes`: by default waitress sends a response's headers and its body in two socket
    writes as soon as each is produced; buffering up to 16 kB lets its I/O loop send a Slack
    answer (a few kB) in one write, which measurably raises throughput (bench/ack.py). The
    option is marked deprecated in waitress 3 but supported throughout it (pinned <4).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return create_server(wsgi_app, host=host, port=port, threads=threads,
                             ident="pact", clear_untrusted_proxy_headers=True,
                             channel_timeout=30, connection_limit=1000,
                             asyncore_loop_timeout=loop_timeout, send_bytes=16384)


def run_server(server, stop: threading.Event) -> None:
    """Serve until `stop` is set and the server closed (closing it mid-poll is expected)."""
    try:
        server.run()
    except (OSError, ValueError):
        if not stop.is_set():
            raise


def stop_server(server, stop: threading.Event, timeout: float = 10.0) -> None:
    """Stop taking requests, let those in progress finish, then close.

    Call it from a thread other than the one serving, so responses still flush meanwhile.
    """
    stop.set()
    server.task_dispatcher.shutdown(cancel_pending=False, timeout=timeout)
    server.close()


def serve_until_signalled(server, stop: threading.Event | None = None) -> None:
    """Serve in this thread until SIGTERM/SIGINT, then close the socket and return."""
    stop = stop or threading.Event()

    def _stop(signum, _frame):
        log.info("received %s, stopping the web listener", signal.Signals(signum).name)
        threading.Thread(target=stop_server, args=(server, stop), name="pact-stop").start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("listening on http://%s:%s%s", server.effective_host, server.effective_port,
             EVENTS_PATH)
    run_server(server, stop)
