"""The playground's web app, bound to 127.0.0.1 only: one page, a JSON state per person and view,
and the things a person does (type `/pact …`, click, submit, close, open Home, move the clock)."""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from zoneinfo import ZoneInfo

from bot.playground import surfaces
from bot.playground.world import Playground

HOST = "127.0.0.1"
log = logging.getLogger("pact.playground")


def page() -> bytes:
    return resources.files("bot.playground").joinpath("static/index.html").read_bytes()


def next_monday_10(now: datetime, tz: str) -> datetime:
    """The next Monday at 10:00 in `tz` (a week later when it is Monday after 10:00)."""
    local = now.astimezone(ZoneInfo(tz))
    days = (7 - local.weekday()) % 7
    candidate = datetime.combine(local.date() + timedelta(days=days), time(10, 0),
                                 tzinfo=local.tzinfo)
    if candidate <= local:
        candidate += timedelta(days=7)
    return candidate.astimezone(UTC)


def do(pg: Playground, what: dict) -> dict:
    """One thing the person did; answers what the page should show next."""
    user, kind = what["user"], what["kind"]
    if kind == "command":
        text = (what.get("text") or "").strip()
        if text.startswith("/pact"):
            pg.command(user, what["channel"], text[len("/pact"):].strip())
        elif text:
            pg.say(user, what["channel"], text, what.get("thread_ts"))
    elif kind == "action":
        pg.click(user, what["action"], channel=what.get("channel"),
                 message_ts=what.get("ts"), ephemeral=what.get("ephemeral"),
                 view_id=what.get("view_id"), state=what.get("values"))
    elif kind == "shortcut":
        pg.shortcut(user, what["channel"], what["ts"], what["callback_id"])
    elif kind == "submit":
        pg.submit(user, what["view_id"], what.get("values") or {})
    elif kind == "close":
        pg.close(user, what["view_id"])
    elif kind == "home":
        pg.open_home(user)
    elif kind == "clock":
        tz = pg.people[user].tz if user in pg.people else "UTC"
        step = what.get("step")
        if step == "hour":
            pg.advance(hours=1)
        elif step == "day":
            pg.advance(hours=24)
        elif step == "monday":
            pg.advance(to=next_monday_10(pg.now(), tz))
        elif step == "date":
            day = datetime.fromisoformat(what["date"]).date()
            target = datetime.combine(day, time(9, 0), tzinfo=ZoneInfo(tz))
            if target <= pg.now():
                raise ValueError(f"The clock only moves forward: {day.isoformat()} 09:00 "
                                 f"({tz}) has passed.")
            pg.advance(to=target)
        else:
            raise ValueError(f"unknown clock step {step!r}")
    else:
        raise ValueError(f"unknown kind {kind!r}")
    return {"ok": True}


class _Handler(BaseHTTPRequestHandler):
    server_version = "PactPlayground/1"

    def log_message(self, format, *args):
        log.debug("%s " + format, self.address_string(), *args)

    @property
    def pg(self) -> Playground:
        return self.server.playground  # type: ignore[attr-defined]

    def _send(self, status: int, body: bytes, ctype: str, extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data) -> None:
        self._send(status, json.dumps(data).encode(), "application/json")

    def _from_this_machine(self) -> bool:
        """Only pages served as 127.0.0.1/localhost: a rebinding DNS name gets nothing."""
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        if host in ("127.0.0.1", "localhost"):
            return True
        self._send(403, b"the playground answers only on 127.0.0.1", "text/plain")
        return False

    def do_GET(self):
        from urllib.parse import parse_qs, urlparse

        if not self._from_this_machine():
            return None

        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if url.path == "/":
            return self._send(200, page(), "text/html; charset=utf-8")
        if url.path == "/api/state":
            user = query.get("user") or next(iter(self.pg.people))
            current = query.get("at") or surfaces.HOME
            return self._json(200, surfaces.state(self.pg, user, current, query.get("thread")))
        if url.path.startswith("/files/"):
            fid = url.path.rsplit("/", 1)[-1]
            found = next((f for f in self.pg.emulator.uploaded_files() if f["id"] == fid), None)
            if found is None:
                return self._send(404, b"no such file", "text/plain")
            name = found["filename"].replace('"', "")
            return self._send(200, found["content"] or b"", "application/octet-stream",
                              {"Content-Disposition": f'attachment; filename="{name}"'})
        return self._send(404, b"not found", "text/plain")

    def do_POST(self):
        if not self._from_this_machine():
            return None
        if self.path != "/api/do":
            return self._send(404, b"not found", "text/plain")
        if self.headers.get("Content-Type", "").split(";")[0] != "application/json":
            return self._send(415, b"JSON only", "text/plain")  # no cross-site form posts
        length = int(self.headers.get("Content-Length") or 0)
        try:
            what = json.loads(self.rfile.read(length) or b"{}")
            answer = do(self.pg, what)
            self.server.changed()  # type: ignore[attr-defined]
            return self._json(200, answer)
        except ConnectionError:
            return None  # the page went away before the answer: nothing to show
        except (KeyError, ValueError, TypeError) as err:
            self.pg.problems.append(f"playground: {err}")  # shown on the page, in red
            return self._json(400, {"ok": False, "error": str(err)})
        except Exception as err:  # noqa: BLE001 - shown on the page, in red
            log.exception("playground action failed")
            self.pg.problems.append(f"playground: {err!r}")
            return self._json(500, {"ok": False, "error": repr(err)})


class PlaygroundServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    on_change = None  # called after each thing a person did (the snapshot is saved there)

    def handle_error(self, request, client_address):
        """A page that went away mid-answer (navigation, a closed tab) is not an error."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def changed(self) -> None:
        if self.on_change is not None:
            self.on_change()


def serve(pg: Playground, port: int = 3000, on_change=None) -> PlaygroundServer:
    """The web app on 127.0.0.1:port (0: any free port), serving in a background thread."""
    server = PlaygroundServer((HOST, port), _Handler)
    server.playground = pg  # type: ignore[attr-defined]
    server.on_change = on_change
    threading.Thread(target=server.serve_forever, args=(0.1,), name="playground-web",
                     daemon=True).start()
    return server
