"""A local Slack Web API emulator: for tests, benchmarks and the playground.

Pact's real ``WebClient`` talks to it over HTTP (``WebClient(base_url=emulator.url)``), so the
whole stack (slack_sdk serialisation, retries, our error handling) is exercised. The emulator keeps
a small world (users, channels, DMs, messages, views, files), answers like Slack does (ids, shapes,
error names), and rejects payloads Slack would reject, plus a few rules of our own (a plain
``text`` fallback with blocks). Every rejection reason is appended to ``violations`` so a test can
``assert not emulator.violations``.

Deliberate behaviours worth knowing:

* Scopes are enforced: a method whose scope the token lacks answers ``missing_scope`` (e.g.
  ``reactions.add`` needs ``reactions:write``, ``conversations.join`` needs ``channels:join``).
* ``users.list`` includes the bot user and ``USLACKBOT``, like Slack; filter ``is_bot`` / slackbot.
* ``conversations.members`` returns the members given to ``add_channel`` (the bot is not added).
* Posting to a deactivated user's DM succeeds, as on Slack (the message goes nowhere);
  ``conversations.open`` answers ``user_disabled`` for them.
* View problems answer ``invalid_arguments`` (Slack's error for bad views), message block problems
  ``invalid_blocks``; a missing ``text`` fallback next to ``blocks`` answers ``no_text``.
* ``views.open``/``views.push`` accept only trigger ids issued by ``new_trigger_id()``.
* ``files.completeUploadExternal`` needs channel ids (C/G/D), not user ids.
* Rate limits (``rate_limits = True``): token buckets. chat.postMessage: 1 message/s per channel
  with a burst of ``POST_MESSAGE_BURST`` (1). Other methods: per-minute tier allowance as a bucket
  of that size refilled evenly over the minute. No workspace-wide postMessage cap.
* Latency (``latency_ms = N``, or ``SlackEmulator(latency_ms=N)``): every Web API call is
  handled and answered N ms after it arrives, like Slack seen from a typical server (about
  100 ms); calls wait side by side, so only each caller is slowed, not the emulator.
"""

from __future__ import annotations

import math
import random
import threading
import time
import traceback
from collections import defaultdict, deque
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from typing import Any

from bot.playground.oauth import OAuthEmulation
from bot.playground.webapi.chat import ChatMethods
from bot.playground.webapi.files import FileMethods
from bot.playground.webapi.http import _Handler, _parse_args, _Server
from bot.playground.webapi.limits import (
    METHOD_SCOPES,
    METHOD_TIERS,
    POST_MESSAGE_BURST,
    SPECIAL_PER_MINUTE,
    TIER_PER_MINUTE,
    check_message_blocks,
    check_view,
)
from bot.playground.webapi.model import _ID_CHARS, SLACKBOT_ID, Call, _ApiError, _Channel, _Fault
from bot.playground.webapi.users import UserMethods
from bot.playground.webapi.views import ViewMethods

__all__ = ["DEFAULT_SCOPES", "POST_MESSAGE_BURST", "Call", "SlackEmulator", "_Channel",
           "check_message_blocks", "check_view"]

DEFAULT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "im:write",
    "users:read",
    "channels:read",
    "groups:read",
    "files:write",
    "mpim:write",
)


class SlackEmulator(UserMethods, ChatMethods, ViewMethods, FileMethods, OAuthEmulation):
    """Slack Web API on 127.0.0.1 with world state, payload checks, faults and rate limits.

    This class keeps the state, the dispatch of each call (faults, scopes, rate limits, the
    `_m_<method>` answering it) and what a test inspects; the methods of each family live in
    bot/playground/webapi/ (users, chat, views, files; limits holds Slack's limits and checks).
    """

    def __init__(self, team_id="T0PACT", bot_token="xoxb-test-token", scopes=DEFAULT_SCOPES,
                 wall=time.time, latency_ms: float = 0):
        self.team_id, self.bot_token, self.scopes = team_id, bot_token, tuple(scopes)
        self.latency_ms = latency_ms  # every Web API call is answered this much later
        self.clock = time.monotonic  # for trigger expiry and rate limits: real seconds
        self.wall = wall  # what message timestamps say (the playground's moved clock)
        self.rate_limits = False
        self.url = ""
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self._lock = threading.RLock()
        self._answering = threading.Event()  # cleared while `holding_calls` holds every call
        self._answering.set()
        self._rng = random.Random()
        self._issued: set[str] = set()
        self._last_us = 0
        self._users: dict[str, dict] = {}
        self._channels: dict[str, _Channel] = {}
        self._dm_by_user: dict[str, str] = {}
        self.app_id = self._new_id("A")
        self.bot_id = self._new_id("B")
        self.bot_user_id = self.add_user(name="pact", real_name="Pact", is_bot=True,
                                         tz="America/Los_Angeles")
        self._users[SLACKBOT_ID] = dict(id=SLACKBOT_ID, name="slackbot", real_name="Slackbot",
                                        tz="America/Los_Angeles", is_admin=False, is_owner=False,
                                        deleted=False, is_bot=False)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.tokens: dict[str, str] = {bot_token: team_id}  # every valid bot token's team
        self.revoked_tokens: set[str] = set()
        self._token_now: str | None = None
        self._oauth_init()
        self._clear_activity()

    @property
    def caller_team(self) -> str:
        """The workspace of the token the current call was made with."""
        return self.tokens.get(self._token_now, self.team_id)

    def _clear_activity(self) -> None:
        self._messages: dict[str, list[dict]] = defaultdict(list)
        self._msg_index: dict[tuple[str, str], dict] = {}
        self._ephemerals: list[dict] = []
        self._faults: dict[str, deque] = defaultdict(deque)
        self._triggers: dict[str, tuple[float, str | None]] = {}
        self._used_triggers: set[str] = set()
        self._views: dict[str, dict] = {}
        self._stacks: dict[str, list[str]] = {}
        self._last_root: str | None = None
        self._home: dict[str, str] = {}
        self._pending_files: dict[str, dict] = {}
        self._files: list[dict] = []
        self._responses: list[dict] = []
        self._buckets: dict[Any, list[float]] = {}

    def start(self) -> SlackEmulator:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.emulator = self  # type: ignore[attr-defined]
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}/api/"
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True,
                                        name="slack-emulator")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget activity (calls, messages, views, files, faults, limits); keep the world."""
        with self._lock:
            self.calls.clear()
            self.violations.clear()
            self._clear_activity()

    def _new_id(self, prefix: str) -> str:
        while True:
            candidate = prefix + "".join(self._rng.choices(_ID_CHARS, k=10))
            if candidate not in self._issued:
                self._issued.add(candidate)
                return candidate

    def _new_ts(self) -> str:
        """Globally (so per channel too) strictly increasing message timestamps."""
        us = max(int(self.wall() * 1_000_000), self._last_us + 1)
        self._last_us = us
        return f"{us // 1_000_000}.{us % 1_000_000:06d}"

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def fail_next(self, method: str, *, error=None, status=200, retry_after=None, times=1,
                  delay=0.0, drop=False) -> None:
        """The next ``times`` calls to ``method`` fail (or, with no error and status 200, are just
        delayed by ``delay`` seconds and then answered normally). ``drop``: the connection is
        closed without an answer (the client sees the network fail, not a Slack error)."""
        with self._lock:
            for _ in range(times):
                self._faults[method].append(_Fault(error, status, retry_after, delay, drop))

    @contextmanager
    def holding_calls(self):
        """Every Web API call waits until the block ends: shows what Pact answers without
        Slack (a command whose answer needed Slack would not be answered inside the block)."""
        self._answering.clear()
        try:
            yield
        finally:
            self._answering.set()

    def _handle_api(self, method: str, query: str, raw: bytes, headers) -> tuple:
        self._answering.wait(timeout=30)
        if self.latency_ms:
            time.sleep(self.latency_ms / 1000)
        ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        token = None
        auth = headers.get("Authorization") or ""
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        try:
            args = _parse_args(query, raw, ctype)
        except ValueError:
            args = {}
            parse_error = "invalid_json" if ctype == "application/json" else "invalid_form_data"
        else:
            parse_error = None
        body_token = args.pop("token", None)
        token = token or body_token
        with self._lock:
            queue = self._faults.get(method)
            fault = queue.popleft() if queue else None
        if fault and fault.delay:
            time.sleep(fault.delay)
        extra_headers: dict[str, str] = {}
        if fault and fault.drop:
            with self._lock:
                self.calls.append(Call(method, args, token, self.clock(), {}, 0))
            return 0, {}, None
        if fault and (fault.error or fault.status != 200):
            status = fault.status
            error = fault.error or {429: "ratelimited"}.get(status, "internal_error")
            body = {"ok": False, "error": error}
            if status == 429:
                extra_headers["Retry-After"] = str(fault.retry_after or 1)
        elif parse_error:
            status, body = 200, {"ok": False, "error": parse_error}
        elif method == "oauth.v2.access":
            status, body, extra_headers = 200, self._oauth_access(args, headers), {}
        else:
            status, body, extra_headers = self._answer(method, args, token)
        with self._lock:
            self.calls.append(Call(method, args, token, self.clock(), body, status))
        return status, extra_headers, body

    def _answer(self, method: str, args: dict, token: str | None) -> tuple:
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        with self._lock:
            if handler is None:
                return 200, {"ok": False, "error": "unknown_method"}, {}
            if not token:
                return 200, {"ok": False, "error": "not_authed"}, {}
            if token not in self.tokens:
                error = "token_revoked" if token in self.revoked_tokens else "invalid_auth"
                return 200, {"ok": False, "error": error}, {}
            self._token_now = token
            if self.rate_limits:
                wait = self._rate_wait(method, args)
                if wait:
                    return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)}
            try:
                needed = METHOD_SCOPES.get(method)
                if needed:
                    self._need_scope(needed)
                return 200, handler(args), {}
            except _ApiError as e:
                return 200, {"ok": False, "error": e.error, **e.extra}, {}
            except Exception as e:  # an emulator bug must fail the test, not hang the client
                traceback.print_exc()
                self.violations.append(f"{method}: emulator error {e!r}")
                return 200, {"ok": False, "error": "internal_error"}, {}

    def _rate_wait(self, method: str, args: dict) -> int:
        """0 when allowed, else the Retry-After seconds. Token buckets on ``self.clock``."""
        now = self.clock()
        if method == "chat.postMessage":
            target = str(args.get("channel") or "")
            if target in self._users:
                target = self._open_dm(target).id
            key: Any = ("channel", target)
            capacity, per_second = POST_MESSAGE_BURST, 1.0
        else:
            per_minute = (SPECIAL_PER_MINUTE.get(method)
                          or TIER_PER_MINUTE[METHOD_TIERS.get(method, 3)])
            key, capacity, per_second = method, per_minute, per_minute / 60.0
        bucket = self._buckets.setdefault(key, [capacity, now])
        tokens = min(capacity, bucket[0] + (now - bucket[1]) * per_second)
        bucket[1] = now
        if tokens >= 1:
            bucket[0] = tokens - 1
            return 0
        bucket[0] = tokens
        return max(1, math.ceil((1 - tokens) / per_second))

    def _need_scope(self, scope: str) -> None:
        if scope not in self.scopes:
            raise _ApiError("missing_scope", needed=scope, provided=",".join(self.scopes))

    def _reject(self, method: str, error: str, reasons: list[str], prefix: str = "") -> None:
        """A payload problem: remember it and answer like Slack, with json pointers."""
        self.violations.extend(f"{method}: {r}" for r in reasons)
        messages = ["[ERROR] " + r.replace("[json-pointer:", "[json-pointer:" + prefix)
                    for r in reasons]
        raise _ApiError(error, response_metadata={"messages": messages})

    def _require(self, method: str, args: dict, *names: str) -> None:
        missing = [n for n in names if args.get(n) in (None, "")]
        if missing:
            self._reject(method, "invalid_arguments",
                         [f"missing required field: {n}" for n in missing])
