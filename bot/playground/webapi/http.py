"""The emulator's HTTP layer: Web API calls, uploads and response URLs, on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from bot.playground.webapi.model import _JSON_FIELDS


def _parse_args(query: str, raw: bytes, ctype: str) -> dict:
    """Query string + form or JSON body; JSON-valued form fields are decoded."""
    args: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    if raw:
        if ctype == "application/json":
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            args.update(body)
        elif ctype in ("", "application/x-www-form-urlencoded"):
            form = parse_qs(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            args.update({k: v[-1] for k, v in form.items()})
    for key in _JSON_FIELDS:
        value = args.get(key)
        if isinstance(value, str) and value.lstrip()[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):  # else the method answers *_format errors
                args[key] = json.loads(value)
    return args


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # benchmarks open many connections at once

    def handle_error(self, request, client_address):
        """A client that gave up (timeout tests) closes the socket; that is not an error."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """Thin HTTP layer; keep-alive capable, no per-request logging."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "SlackEmulator/1"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self._serve()

    def do_POST(self):
        self._serve()

    def _serve(self) -> None:
        emulator = self.server.emulator  # type: ignore[attr-defined]  # a SlackEmulator
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        headers: dict[str, str] = {}
        if path.startswith("/api/"):
            status, headers, body = emulator._handle_api(path[5:], query, raw, self.headers)
            if status == 0:  # a dropped connection: no answer at all
                self.close_connection = True
                return
            payload = json.dumps(body).encode()
            headers = {"Content-Type": "application/json; charset=utf-8",
                       "x-oauth-scopes": ",".join(emulator.scopes), **headers}
        elif path.startswith("/upload/"):
            status, headers, text = emulator._handle_upload(path, raw)
            payload = text.encode()
            headers["Content-Type"] = "text/plain; charset=utf-8"
        elif path.startswith("/hooks/"):
            status, payload = emulator._handle_response_url(path, raw)
            headers["Content-Type"] = "text/plain; charset=utf-8"
        else:
            status, payload = 404, b"not found"
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
