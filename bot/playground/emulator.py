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
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import math
import random
import re
import secrets
import string
import sys
import threading
import time
import traceback
from collections import defaultdict, deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.playground.oauth import OAuthEmulation

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

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
VIEW_MAX_BYTES = 250_000
MESSAGE_TEXT_MAX = 40_000
TRIGGER_TTL = 3.0
VIEW_STACK_MAX = 3
POST_MESSAGE_BURST = 1

# Requests per minute per method (platform.md §4.1). Unlisted methods count as Tier 3.
TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}
METHOD_TIERS = {
    "users.list": 2,
    "chat.update": 3, "chat.delete": 3, "conversations.open": 3, "conversations.info": 3,
    "conversations.join": 3, "reactions.add": 3,
    "chat.postEphemeral": 4, "views.open": 4, "views.update": 4, "views.push": 4,
    "views.publish": 4, "conversations.members": 4, "users.info": 4,
    "files.getUploadURLExternal": 4, "files.completeUploadExternal": 4,
}
SPECIAL_PER_MINUTE = {"auth.test": 600}

METHOD_SCOPES = {
    "chat.postMessage": "chat:write", "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write", "chat.delete": "chat:write",
    "conversations.open": "im:write", "users.info": "users:read", "users.list": "users:read",
    "files.getUploadURLExternal": "files:write", "files.completeUploadExternal": "files:write",
    "reactions.add": "reactions:write", "conversations.join": "channels:join",
}

_ID_CHARS = string.ascii_uppercase + string.digits
_TRIGGER_RE = re.compile(r"^\d+\.\d+\.[0-9a-f]{16,}$")
_JSON_FIELDS = ("blocks", "attachments", "view", "files", "metadata")
SLACKBOT_ID = "USLACKBOT"


# --------------------------------------------------------------------------------------------
# Block Kit checks (usable without HTTP)
# --------------------------------------------------------------------------------------------

_TEXT_TYPES = ("plain_text", "mrkdwn")
# (kind of the containing object, key) -> (max chars, plain_text only). These keys must hold text
# objects; text objects anywhere else get the generic 1..3000 check.
_TEXT_SLOTS = {
    ("section", "text"): (3000, False),
    ("section", "fields"): (2000, False),
    ("header", "text"): (150, True),
    ("input", "label"): (2000, True),
    ("input", "hint"): (2000, True),
    ("button", "text"): (75, True),
    ("option", "text"): (75, False),
    ("option", "description"): (75, False),
    ("option_group", "label"): (75, True),
    ("confirm", "title"): (100, True),
    ("confirm", "text"): (300, False),
    ("confirm", "confirm"): (30, True),
    ("confirm", "deny"): (30, True),
    ("image", "title"): (2000, True),
}
_PLACEHOLDER = (150, True)
_OPTION_KEYS = ("options", "initial_options", "initial_option")


def _ptr(path: str) -> str:
    return f" [json-pointer:{path or '/'}]"


def _check_text(obj: Any, p: str, limit: int, plain: bool, out: list[str]) -> None:
    """A text object: right type, a string of 1..limit chars, no plain-only keys on mrkdwn."""
    if not isinstance(obj, dict):
        out.append(f"expected a text object, got {type(obj).__name__}{_ptr(p)}")
        return
    kind = obj.get("type")
    if kind not in _TEXT_TYPES:
        out.append(f"text object type must be plain_text or mrkdwn, got {kind!r}"
                   f"{_ptr(p + '/type')}")
        return
    if plain and kind != "plain_text":
        out.append(f"must be a plain_text object, got mrkdwn{_ptr(p + '/type')}")
    if kind == "mrkdwn" and "emoji" in obj:
        out.append(f"emoji is only allowed on plain_text{_ptr(p + '/emoji')}")
    text = obj.get("text")
    if not isinstance(text, str):
        out.append(f"text must be a string{_ptr(p + '/text')}")
    elif not text:
        out.append(f"text must be at least 1 character{_ptr(p + '/text')}")
    elif len(text) > limit:
        out.append(f"text is {len(text)} characters, max {limit}{_ptr(p + '/text')}")


def _check_len(value: Any, limit: int, what: str, p: str, out: list[str]) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        out.append(f"{what} must be a string{_ptr(p)}")
    elif len(value) > limit:
        out.append(f"{what} is {len(value)} characters, max {limit}{_ptr(p)}")


def _child_kind(key: str, value: dict) -> str:
    if key in _OPTION_KEYS:
        return "option"
    if key == "option_groups":
        return "option_group"
    if key == "confirm" and "type" not in value:
        return "confirm"
    return value.get("type") or key


def _walk(node: dict, p: str, kind: str, action_ids: set, out: list[str]) -> None:
    """Recursive checks for elements, options and text objects inside one block."""
    if "action_id" in node:
        aid = node["action_id"]
        _check_len(aid, 255, "action_id", p + "/action_id", out)
        if aid in action_ids:
            out.append(f"action_id {aid!r} is not unique within the block{_ptr(p + '/action_id')}")
        action_ids.add(aid)
    if kind == "button":
        _check_len(node.get("value"), 2000, "button value", p + "/value", out)
        _check_len(node.get("url"), 3000, "button url", p + "/url", out)
    elif kind in ("checkboxes", "radio_buttons"):
        n = len(node.get("options") or ())
        if not 1 <= n <= 10:
            out.append(f"{kind} needs 1..10 options, got {n}{_ptr(p + '/options')}")
    elif kind == "option":
        _check_len(node.get("value"), 150, "option value", p + "/value", out)
        _check_len(node.get("url"), 3000, "option url", p + "/url", out)
    elif kind == "plain_text_input":
        for key, low in (("min_length", 0), ("max_length", 1)):
            v = node.get(key)
            if v is not None and (not isinstance(v, int) or not low <= v <= 3000):
                out.append(f"{key} must be an integer {low}..3000{_ptr(p + '/' + key)}")
    for key, value in node.items():
        q = f"{p}/{key}"
        slot = _TEXT_SLOTS.get((kind, key)) or (_PLACEHOLDER if key == "placeholder" else None)
        if slot:
            items = value if isinstance(value, list) else [value]
            for j, item in enumerate(items):
                _check_text(item, f"{q}/{j}" if isinstance(value, list) else q, *slot, out)
            continue
        children = value if isinstance(value, list) else [value]
        for j, item in enumerate(children):
            if not isinstance(item, dict):
                continue
            r = f"{q}/{j}" if isinstance(value, list) else q
            if item.get("type") in _TEXT_TYPES:
                _check_text(item, r, 3000, False, out)
            else:
                _walk(item, r, _child_kind(key, item), action_ids, out)


def _check_block(block: dict, p: str, block_ids: set, out: list[str]) -> None:
    bid = block.get("block_id")
    if bid is not None:
        if not isinstance(bid, str) or not 1 <= len(bid) <= 255:
            out.append(f"block_id must be a string of 1..255 characters{_ptr(p + '/block_id')}")
        elif bid in block_ids:
            out.append(f"block_id {bid!r} is not unique{_ptr(p + '/block_id')}")
        block_ids.add(bid)
    kind = block.get("type")
    if kind == "section":
        fields = block.get("fields")
        if block.get("text") is None and not fields:
            out.append(f"section needs text or fields{_ptr(p)}")
        if fields is not None and (not isinstance(fields, list) or len(fields) > 10):
            out.append(f"section fields must be an array of at most 10 items{_ptr(p + '/fields')}")
    elif kind == "header" and block.get("text") is None:
        out.append(f"header needs text{_ptr(p + '/text')}")
    elif kind == "input":
        for key in ("label", "element"):
            if block.get(key) is None:
                out.append(f"input block needs {key}{_ptr(p + '/' + key)}")
    elif kind in ("actions", "context"):
        most = 25 if kind == "actions" else 10
        n = len(block.get("elements") or ())
        if not 1 <= n <= most:
            out.append(f"{kind} needs 1..{most} elements, got {n}{_ptr(p + '/elements')}")
    _walk(block, p, kind, set(), out)


def _sdk_check(block: dict, p: str, out: list[str]) -> None:
    """Run slack_sdk's own validators (they run in ``to_dict()``)."""
    try:
        parsed = Block.parse(block)
        if parsed is None:
            out.append(f"unsupported type: {block.get('type')}{_ptr(p + '/type')}")
            return
        parsed.to_dict()
    except SlackObjectFormationError as e:
        out.append(f"{e}{_ptr(p)}")
    except Exception as e:  # malformed shapes make the models raise TypeError & co.
        out.append(f"malformed block ({type(e).__name__}: {e}){_ptr(p)}")


def _blocks_problems(blocks: Any, least: int, most: int) -> list[str]:
    if not isinstance(blocks, list):
        return [f"blocks must be an array{_ptr('/blocks')}"]
    out: list[str] = []
    if not least <= len(blocks) <= most:
        out.append(f"{len(blocks)} blocks, allowed {least}..{most}{_ptr('/blocks')}")
    block_ids: set = set()
    for i, block in enumerate(blocks):
        p = f"/blocks/{i}"
        if not isinstance(block, dict) or not block.get("type"):
            out.append(f"a block must be an object with a type{_ptr(p)}")
            continue
        _sdk_check(block, p, out)
        _check_block(block, p, block_ids, out)
    return out


def check_message_blocks(blocks: Any) -> list[str]:
    """Reasons Slack (or our own rules) would reject these message blocks; empty when fine."""
    if isinstance(blocks, list) and blocks and not isinstance(blocks[0], dict):
        blocks = [b.to_dict() if hasattr(b, "to_dict") else b for b in blocks]
    return _blocks_problems(blocks, 0, MESSAGE_MAX_BLOCKS)


def check_view(view: Any) -> list[str]:
    """Reasons Slack would reject this modal/home view; empty when fine.

    A reason starting with ``view_too_large`` is the size limit (Slack's own error name).
    """
    if hasattr(view, "to_dict") and not isinstance(view, dict):
        view = view.to_dict()
    if not isinstance(view, dict):
        return [f"view must be an object{_ptr('')}"]
    out: list[str] = []
    size = len(json.dumps(view, ensure_ascii=False, separators=(",", ":")).encode())
    if size > VIEW_MAX_BYTES:
        out.append(f"view_too_large: view is {size} bytes, max {VIEW_MAX_BYTES}{_ptr('')}")
    kind = view.get("type")
    if kind not in ("modal", "home"):
        out.append(f"view type must be modal or home, got {kind!r}{_ptr('/type')}")
    try:  # view-level SDK validators; blocks are validated one by one below, with pointers
        View(**{**view, "blocks": [{"type": "divider"}]}).to_dict()
    except SlackObjectFormationError as e:
        out.append(f"{e}{_ptr('')}")
    except Exception as e:
        out.append(f"malformed view ({type(e).__name__}: {e}){_ptr('')}")
    blocks = view.get("blocks")
    out += _blocks_problems(blocks, 1, VIEW_MAX_BLOCKS)
    if kind == "modal":
        if view.get("title") is None:
            out.append(f"modal needs a title{_ptr('/title')}")
        for key in ("title", "submit", "close"):
            if view.get(key) is not None:
                _check_text(view[key], "/" + key, 24, True, out)
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if has_input and view.get("submit") is None:
            out.append(f"a modal with input blocks needs submit{_ptr('/submit')}")
    elif kind == "home":
        for key in ("submit", "close"):
            if view.get(key) is not None:
                out.append(f"home views cannot have {key}{_ptr('/' + key)}")
    _check_len(view.get("private_metadata"), 3000, "private_metadata", "/private_metadata", out)
    _check_len(view.get("callback_id"), 255, "callback_id", "/callback_id", out)
    _check_len(view.get("external_id"), 255, "external_id", "/external_id", out)
    return out


@functools.lru_cache(maxsize=4096)
def _cached_check(kind: str, canonical: str) -> tuple[str, ...]:
    value = json.loads(canonical)
    return tuple(check_view(value) if kind == "view" else check_message_blocks(value))


def _check_fast(kind: str, value: Any) -> list[str]:
    """The checks, memoised on the canonical JSON: benchmarks send the same payloads many times
    and slack_sdk's validators cost ~0.1 ms per block."""
    try:
        canonical = json.dumps(value, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return check_view(value) if kind == "view" else check_message_blocks(value)
    return list(_cached_check(kind, canonical))


# --------------------------------------------------------------------------------------------
# The emulator
# --------------------------------------------------------------------------------------------


@dataclass
class Call:
    """One request as received (args without the token) and what was answered."""

    method: str
    args: dict
    token: str | None
    at: float
    response: dict
    status: int


@dataclass
class _Fault:
    error: str | None
    status: int
    retry_after: int | None
    delay: float


class _ApiError(Exception):
    def __init__(self, error: str, **extra: Any):
        super().__init__(error)
        self.error, self.extra = error, extra


@dataclass
class _Channel:
    id: str
    name: str
    members: list = field(default_factory=list)
    is_private: bool = False
    bot_is_member: bool = True
    is_archived: bool = False
    is_im: bool = False
    is_mpim: bool = False
    user: str | None = None  # the other party of a DM
    created: int = 0


class SlackEmulator(OAuthEmulation):
    """Slack Web API on 127.0.0.1 with world state, payload checks, faults and rate limits."""

    def __init__(self, team_id="T0PACT", bot_token="xoxb-test-token", scopes=DEFAULT_SCOPES,
                 wall=time.time):
        self.team_id, self.bot_token, self.scopes = team_id, bot_token, tuple(scopes)
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

    # ---- lifecycle -----------------------------------------------------------------------

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

    # ---- ids -----------------------------------------------------------------------------

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

    def new_trigger_id(self, view_id: str | None = None) -> str:
        """A trigger valid for 3 s and one use; ``view_id`` ties it to a modal (for views.push)."""
        with self._lock:
            trigger = (f"{self._rng.randrange(10**9, 10**10)}."
                       f"{self._rng.randrange(10**12, 10**13)}.{secrets.token_hex(16)}")
            self._triggers[trigger] = (self.clock(), view_id)
            return trigger

    # ---- world state ---------------------------------------------------------------------

    def add_user(self, user_id=None, *, name="alice", tz="Europe/Berlin", is_admin=False,
                 is_owner=False, deleted=False, is_bot=False, real_name=None) -> str:
        if tz is not None:
            ZoneInfo(tz)  # fail early on a typo
        with self._lock:
            uid = user_id or self._new_id("U")
            self._issued.add(uid)
            self._users[uid] = dict(id=uid, name=name, real_name=real_name or name.title(), tz=tz,
                                    is_admin=is_admin, is_owner=is_owner, deleted=deleted,
                                    is_bot=is_bot)
            return uid

    def set_status(self, user_id: str, emoji: str = "", text: str = "",
                   expiration: int = 0) -> None:
        """The person's Slack status, as `users.info` shows it in `profile`."""
        with self._lock:
            self._users[user_id]["status"] = dict(status_emoji=emoji, status_text=text,
                                                  status_expiration=expiration)

    def deactivate_user(self, user_id: str) -> None:
        with self._lock:
            self._users[user_id]["deleted"] = True

    def add_channel(self, channel_id=None, *, name="team-growth", members=(), is_private=False,
                    bot_is_member=True, is_archived=False) -> str:
        with self._lock:
            cid = channel_id or self._new_id("C")
            self._issued.add(cid)
            self._channels[cid] = _Channel(cid, name, list(members), is_private, bot_is_member,
                                           is_archived, created=int(time.time()))
            return cid

    def set_channel(self, channel_id: str, **changes) -> None:
        """Change a channel (``is_archived``, ``bot_is_member``, ``members``, ...); ``delete=True``
        makes it vanish (every method then answers ``channel_not_found``)."""
        with self._lock:
            if changes.pop("delete", False):
                del self._channels[channel_id]
                return
            channel = self._channels[channel_id]
            for key, value in changes.items():
                if not hasattr(channel, key):
                    raise AttributeError(f"channels have no {key!r}")
                setattr(channel, key, list(value) if key == "members" else value)

    def post_user_message(self, channel_id: str, user_id: str, text: str,
                          thread_ts: str | None = None) -> str:
        """A message written by a person (the bot may not update or delete it)."""
        with self._lock:
            channel = self._channels[channel_id]
            return self._store_message(channel, user_id, text, None, thread_ts, {})["ts"]

    def dm_channel(self, user_id: str) -> str:
        with self._lock:
            if user_id not in self._users:
                raise KeyError(f"unknown user {user_id}")
            return self._open_dm(user_id).id

    def _open_dm(self, user_id: str) -> _Channel:
        cid = self._dm_by_user.get(user_id)
        if cid is None:
            cid = self._new_id("D")
            self._channels[cid] = _Channel(cid, "", [user_id], is_private=True, is_im=True,
                                           user=user_id, created=int(time.time()))
            self._dm_by_user[user_id] = cid
        return self._channels[cid]

    # ---- what was sent -------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def messages(self, channel_id: str) -> list[dict]:
        """Live message dicts in posting order (thread replies included, with ``thread_ts``)."""
        with self._lock:
            cid = self._dm_by_user.get(channel_id, channel_id)
            return list(self._messages.get(cid, ()))

    def ephemerals(self, channel_id=None, user=None) -> list[dict]:
        with self._lock:
            return [e for e in self._ephemerals
                    if channel_id in (None, e["channel"]) and user in (None, e["user"])]

    def dms(self, user_id: str) -> list[dict]:
        with self._lock:
            cid = self._dm_by_user.get(user_id)
            return list(self._messages.get(cid, ())) if cid else []

    def views(self) -> dict:
        with self._lock:
            return {vid: v for vid, v in self._views.items() if v.get("type") != "home"}

    def home_view(self, user_id: str) -> dict | None:
        with self._lock:
            vid = self._home.get(user_id)
            return self._views.get(vid) if vid else None

    def close_view(self, view_id: str) -> None:
        """The user closed a modal: drop it and the views pushed on top of it."""
        with self._lock:
            root = self._views[view_id]["root_view_id"]
            stack = self._stacks.get(root, [])
            if view_id in stack:
                for vid in stack[stack.index(view_id):]:
                    self._views.pop(vid, None)
                del stack[stack.index(view_id):]
            if not stack:
                self._stacks.pop(root, None)

    def uploaded_files(self) -> list[dict]:
        with self._lock:
            return list(self._files)

    # ---- faults --------------------------------------------------------------------------

    def fail_next(self, method: str, *, error=None, status=200, retry_after=None, times=1,
                  delay=0.0) -> None:
        """The next ``times`` calls to ``method`` fail (or, with no error and status 200, are just
        delayed by ``delay`` seconds and then answered normally)."""
        with self._lock:
            for _ in range(times):
                self._faults[method].append(_Fault(error, status, retry_after, delay))

    # ---- HTTP entry points (called by the handler thread) --------------------------------

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

    def response_url(self, kind: str = "commands") -> str:
        """A `response_url` for a payload: what Pact posts there shows in `responses`."""
        return f"{self.url[:-len('api/')]}hooks/{kind}/{self.team_id}/{self._new_id('R')}"

    def responses(self) -> list[dict]:
        """Messages posted to response URLs (ephemeral answers after the ack), in order."""
        with self._lock:
            return list(self._responses)

    def _handle_response_url(self, path: str, raw: bytes) -> tuple:
        try:
            message = json.loads(raw or b"{}")
        except ValueError:
            return 400, b"invalid_payload"
        problems = check_message_blocks(message["blocks"]) if message.get("blocks") else []
        if message.get("blocks") and not message.get("text"):
            problems.append("blocks without a text fallback")
        with self._lock:
            if problems:
                self.violations.extend(f"response_url: {p}" for p in problems)
                return 400, b"invalid_blocks"
            self._responses.append({"url": path, **message})
        return 200, b"ok"

    def _handle_upload(self, path: str, raw: bytes) -> tuple:
        file_id = path.rstrip("/").rsplit("/", 1)[-1]
        with self._lock:
            pending = self._pending_files.get(file_id)
            if pending is None:
                return 404, {}, "file not found"
            pending["content"] = raw
        return 200, {}, f"OK - {len(raw)}"

    # ---- shared rules --------------------------------------------------------------------

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

    def _user(self, user_id: Any) -> dict:
        user = self._users.get(str(user_id or ""))
        if user is None:
            raise _ApiError("user_not_found")
        return user

    def _channel(self, channel_id: Any) -> _Channel:
        """A conversation the bot can see (private ones only when it is a member)."""
        cid = str(channel_id or "")
        channel = self._channels.get(cid)
        if channel is None and cid:
            name = cid.lstrip("#")
            channel = next((c for c in self._channels.values() if c.name == name and not c.is_im),
                           None)
        if channel is None or (channel.is_private and not channel.is_im
                               and not channel.bot_is_member):
            raise _ApiError("channel_not_found")
        return channel

    def _read_scope(self, channel: _Channel) -> None:
        if channel.is_im:
            self._need_scope("im:read")
        elif channel.is_mpim:
            self._need_scope("mpim:read")
        else:
            self._need_scope("groups:read" if channel.is_private else "channels:read")

    def _postable(self, target: Any, allow_user: bool = True) -> _Channel:
        """Where chat.* may write: a channel the bot can post in, a DM, or a user id's DM."""
        target = str(target or "")
        if allow_user and target[:1] in ("U", "W") and target in self._users:
            return self._open_dm(target)
        channel = self._channel(target)
        if channel.is_im:
            return channel
        if channel.is_archived:
            raise _ApiError("is_archived")
        if not channel.bot_is_member and (channel.is_private
                                          or "chat:write.public" not in self.scopes):
            raise _ApiError("not_in_channel")
        return channel

    def _content(self, method: str, args: dict, update: bool = False) -> tuple:
        """Validated (text, blocks); blocks is None when not sent."""
        text, blocks = args.get("text"), args.get("blocks")
        if blocks in ("", None):
            blocks = None
        elif isinstance(blocks, str) or not isinstance(blocks, list):
            self._reject(method, "invalid_blocks_format",
                         [f"blocks must be a JSON array{_ptr('/blocks')}"])
        text = None if text is None else str(text)
        markdown = args.get("markdown_text")
        if markdown is not None:
            if text or blocks:
                self._reject(method, "markdown_text_conflict",
                             ["markdown_text cannot be combined with text or blocks"])
            if len(str(markdown)) > 12_000:
                self._reject(method, "msg_too_long", ["markdown_text is longer than 12000"])
            return str(markdown), None
        if not text and not blocks and not args.get("attachments") and not update:
            self._reject(method, "no_text", [f"no text, blocks or attachments{_ptr('/text')}"])
        if text and len(text) > MESSAGE_TEXT_MAX:
            self._reject(method, "msg_too_long",
                         [f"text is {len(text)} characters, max {MESSAGE_TEXT_MAX}{_ptr('/text')}"])
        if blocks:
            reasons = _check_fast("blocks", blocks)
            if reasons:
                self._reject(method, "invalid_blocks", reasons)
            if not (text and text.strip()):
                self._reject(method, "no_text", [
                    "blocks need a plain `text` fallback for notifications and screen readers"
                    f"{_ptr('/text')}"])
        return text, blocks

    def _store_message(self, channel: _Channel, user: str, text, blocks, thread_ts, args) -> dict:
        if thread_ts:
            parent = self._msg_index.get((channel.id, str(thread_ts)))
            if parent is not None:
                thread_ts = parent.get("thread_ts") or parent["ts"]
                root = self._msg_index.get((channel.id, thread_ts))
                if root is not None:
                    root["reply_count"] = root.get("reply_count", 0) + 1
        ts = self._new_ts()
        msg = {"type": "message", "ts": ts, "channel": channel.id, "text": text or "",
               "blocks": blocks or [], "thread_ts": str(thread_ts) if thread_ts else None,
               "user": user, "edited": None}
        if user == self.bot_user_id:
            msg.update(bot_id=self.bot_id, app_id=self.app_id)
        for key in ("attachments", "metadata", "reply_broadcast", "unfurl_links", "unfurl_media"):
            if key in args:
                msg[key] = args[key]
        self._messages[channel.id].append(msg)
        self._msg_index[(channel.id, ts)] = msg
        return msg

    def _message(self, args: dict, ts_key: str = "ts") -> tuple[_Channel, dict]:
        channel = self._channel(args.get("channel"))
        msg = self._msg_index.get((channel.id, str(args.get(ts_key) or "")))
        if msg is None:
            raise _ApiError("message_not_found")
        return channel, msg

    def _user_payload(self, u: dict) -> dict:
        tz_fields: dict[str, Any] = {"tz": u["tz"]}
        if u["tz"]:
            now = datetime.now(ZoneInfo(u["tz"]))
            tz_fields.update(tz_label=now.tzname(), tz_offset=int(now.utcoffset().total_seconds()))
        profile = {"real_name": u["real_name"], "display_name": u["name"],
                   "real_name_normalized": u["real_name"], "display_name_normalized": u["name"],
                   "team": self.team_id,
                   **(u.get("status") or dict(status_emoji="", status_text="",
                                               status_expiration=0))}
        if u["is_bot"] and u["id"] == self.bot_user_id:
            profile["bot_id"] = self.bot_id
        return {"id": u["id"], "team_id": self.team_id, "name": u["name"],
                "deleted": u["deleted"], "color": "9f69e7", "real_name": u["real_name"],
                **tz_fields, "profile": profile, "is_admin": u["is_admin"],
                "is_owner": u["is_owner"], "is_primary_owner": u["is_owner"],
                "is_restricted": False, "is_ultra_restricted": False, "is_bot": u["is_bot"],
                "is_app_user": False, "updated": 1732186020}

    def _channel_payload(self, c: _Channel) -> dict:
        if c.is_im:
            user = self._users.get(c.user, {})
            return {"id": c.id, "created": c.created, "is_im": True, "is_org_shared": False,
                    "user": c.user, "is_user_deleted": bool(user.get("deleted")),
                    "priority": 0}
        return {"id": c.id, "name": c.name, "name_normalized": c.name,
                "is_channel": not c.is_private and not c.is_mpim, "is_group": c.is_private,
                "is_im": False, "is_mpim": c.is_mpim, "is_private": c.is_private,
                "is_archived": c.is_archived, "is_general": False, "is_shared": False,
                "is_ext_shared": False, "is_org_shared": False, "is_member": c.bot_is_member,
                "created": c.created, "creator": "", "context_team_id": self.team_id,
                "topic": {"value": "", "creator": "", "last_set": 0},
                "purpose": {"value": "", "creator": "", "last_set": 0}}

    @staticmethod
    def _page(items: list, args: dict, prefix: str, default_limit: int) -> tuple[list, str]:
        try:
            limit = int(args.get("limit") or 0) or default_limit
            cursor = args.get("cursor") or ""
            start = int(base64.b64decode(cursor).decode().split(":", 1)[1]) if cursor else 0
        except (ValueError, IndexError, UnicodeDecodeError):
            raise _ApiError("invalid_cursor") from None
        limit = min(limit, 1000)
        end = start + limit
        nxt = base64.b64encode(f"{prefix}:{end}".encode()).decode() if end < len(items) else ""
        return items[start:end], nxt

    # ---- views ---------------------------------------------------------------------------

    def _exchange_trigger(self, method: str, args: dict) -> str | None:
        """Check a trigger (format, issued, unused, fresh); returns the view it came from."""
        trigger = str(args.get("trigger_id") or args.get("interactivity_pointer") or "")
        if not trigger:
            self._require(method, args, "trigger_id")
        if not _TRIGGER_RE.match(trigger) or trigger not in self._triggers:
            raise _ApiError("invalid_trigger_id")
        if trigger in self._used_triggers:
            raise _ApiError("exchanged_trigger_id")
        issued, view_id = self._triggers[trigger]
        if self.clock() - issued > TRIGGER_TTL:
            raise _ApiError("expired_trigger_id")
        return view_id

    def _checked_view(self, method: str, args: dict) -> dict:
        view = args.get("view")
        if view in (None, ""):
            self._require(method, args, "view")
        if not isinstance(view, dict):
            self._reject(method, "invalid_arguments", [f"view must be a JSON object{_ptr('')}"])
        reasons = _check_fast("view", view)
        if reasons:
            too_large = any(r.startswith("view_too_large") for r in reasons)
            self._reject(method, "view_too_large" if too_large else "invalid_arguments", reasons,
                         prefix="/view")
        return view

    def _make_view(self, view: dict, view_id: str, root: str, previous: str | None) -> dict:
        team = self.caller_team
        made = {"id": view_id, "team_id": team, "type": view["type"],
                "blocks": view.get("blocks", []), "private_metadata": "", "callback_id": "",
                "state": {"values": {}}, "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
                "title": None, "clear_on_close": False, "notify_on_close": False, "close": None,
                "submit": None, "previous_view_id": previous, "root_view_id": root,
                "app_id": self.app_id, "external_id": "", "app_installed_team_id": team,
                "bot_id": self.bot_id}
        made.update({k: v for k, v in view.items() if k not in ("id", "hash", "state")})
        return made

    def _check_external_id(self, view: dict, own_id: str | None = None) -> None:
        ext = view.get("external_id")
        if ext and any(v.get("external_id") == ext and vid != own_id
                       for vid, v in self._views.items()):
            raise _ApiError("duplicate_external_id")

    def _m_views_open(self, args: dict) -> dict:
        view = self._checked_view("views.open", args)
        if view.get("type") != "modal":
            self._reject("views.open", "invalid_arguments",
                         [f"views.open needs a modal{_ptr('/view/type')}"])
        self._exchange_trigger("views.open", args)
        self._check_external_id(view)
        self._used_triggers.add(str(args.get("trigger_id") or args.get("interactivity_pointer")))
        vid = self._new_id("V")
        self._views[vid] = made = self._make_view(view, vid, vid, None)
        self._stacks[vid] = [vid]
        self._last_root = vid
        return {"ok": True, "view": made}

    def _m_views_push(self, args: dict) -> dict:
        view = self._checked_view("views.push", args)
        if view.get("type") != "modal":
            self._reject("views.push", "invalid_arguments",
                         [f"views.push needs a modal{_ptr('/view/type')}"])
        from_view = self._exchange_trigger("views.push", args)
        source = self._views.get(from_view or "")
        root = source["root_view_id"] if source else self._last_root
        stack = self._stacks.get(root or "")
        if not stack:
            raise _ApiError("not_found")
        if len(stack) >= VIEW_STACK_MAX:
            raise _ApiError("push_limit_reached")
        self._check_external_id(view)
        self._used_triggers.add(str(args.get("trigger_id") or args.get("interactivity_pointer")))
        vid = self._new_id("V")
        self._views[vid] = made = self._make_view(view, vid, root, stack[-1])
        stack.append(vid)
        self._last_root = root
        return {"ok": True, "view": made}

    def _m_views_update(self, args: dict) -> dict:
        vid, ext = args.get("view_id"), args.get("external_id")
        if not vid and not ext:
            self._reject("views.update", "invalid_arguments",
                         ["either view_id or external_id is required"])
        view = self._checked_view("views.update", args)
        if not vid:
            vid = next((k for k, v in self._views.items() if v.get("external_id") == ext), None)
        old = self._views.get(str(vid or ""))
        if old is None:
            raise _ApiError("not_found")
        if args.get("hash") and args["hash"] != old["hash"]:
            raise _ApiError("hash_conflict")
        self._check_external_id(view, old["id"])
        ext = view.get("external_id") or old["external_id"]
        made = self._make_view({**view, "external_id": ext}, old["id"], old["root_view_id"],
                               old["previous_view_id"])
        self._views[old["id"]] = made
        return {"ok": True, "view": made}

    def _m_views_publish(self, args: dict) -> dict:
        self._require("views.publish", args, "user_id")
        view = self._checked_view("views.publish", args)
        if view.get("type") != "home":
            self._reject("views.publish", "invalid_arguments",
                         [f"views.publish needs a home view{_ptr('/view/type')}"])
        uid = str(args["user_id"])
        self._user(uid)
        vid = self._home.get(uid)
        if vid and args.get("hash") and args["hash"] != self._views[vid]["hash"]:
            raise _ApiError("hash_conflict")
        vid = vid or self._new_id("V")
        self._home[uid] = vid
        self._views[vid] = made = self._make_view(view, vid, vid, None)
        return {"ok": True, "view": made}

    # ---- auth, users, conversations ------------------------------------------------------

    def _m_auth_test(self, args: dict) -> dict:
        return {"ok": True, "url": "https://pact-test.slack.com/", "team": "Pact Test",
                "user": "pact", "team_id": self.caller_team,
                "user_id": self.bot_user_id,
                "bot_id": self.bot_id, "is_enterprise_install": False}

    def _m_users_info(self, args: dict) -> dict:
        self._require("users.info", args, "user")
        return {"ok": True, "user": self._user_payload(self._user(args["user"]))}

    def _m_users_list(self, args: dict) -> dict:
        users = [self._user_payload(u) for u in self._users.values()]
        page, nxt = self._page(users, args, "user", 1000)
        return {"ok": True, "members": page, "cache_ts": int(time.time()),
                "response_metadata": {"next_cursor": nxt}}

    def _m_conversations_open(self, args: dict) -> dict:
        if args.get("channel"):
            channel = self._channel(args["channel"])
            if not channel.is_im:
                raise _ApiError("method_not_supported_for_channel_type")
            return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": channel.id}}
        ids = [u.strip() for u in str(args.get("users") or "").split(",") if u.strip()]
        if not ids:
            raise _ApiError("not_enough_users")
        if len(ids) > 8:
            raise _ApiError("too_many_users")
        if len(ids) > 1:
            self._need_scope("mpim:write")
        for uid in ids:
            if self._user(uid)["deleted"]:
                raise _ApiError("user_disabled")
        if len(ids) > 1:
            cid = self.add_channel(name="mpdm-" + "--".join(ids), members=ids, is_private=True)
            channel = self._channels[cid]
            channel.is_mpim = True
            return {"ok": True, "channel": {"id": channel.id}}
        existed = ids[0] in self._dm_by_user
        channel = self._open_dm(ids[0])
        if _truthy(args.get("return_im")):
            return {"ok": True, "channel": self._channel_payload(channel)}
        body: dict[str, Any] = {"ok": True, "channel": {"id": channel.id}}
        if existed:
            body.update(no_op=True, already_open=True)
        return body

    def _m_conversations_info(self, args: dict) -> dict:
        channel = self._channel(args.get("channel"))
        self._read_scope(channel)
        payload = self._channel_payload(channel)
        if _truthy(args.get("include_num_members")) and not channel.is_im:
            payload["num_members"] = len(channel.members)
        return {"ok": True, "channel": payload}

    def _m_conversations_members(self, args: dict) -> dict:
        channel = self._channel(args.get("channel"))
        self._read_scope(channel)
        members = [channel.user, self.bot_user_id] if channel.is_im else list(channel.members)
        page, nxt = self._page(members, args, "member", 100)
        return {"ok": True, "members": page, "response_metadata": {"next_cursor": nxt}}

    def _m_conversations_join(self, args: dict) -> dict:
        channel = self._channel(args.get("channel"))
        if channel.is_private or channel.is_im:
            raise _ApiError("method_not_supported_for_channel_type")
        if channel.is_archived:
            raise _ApiError("is_archived")
        already = channel.bot_is_member
        channel.bot_is_member = True
        body = {"ok": True, "channel": self._channel_payload(channel)}
        if already:
            body["warning"] = "already_in_channel"
        return body

    # ---- chat ----------------------------------------------------------------------------

    def _m_chat_postMessage(self, args: dict) -> dict:
        text, blocks = self._content("chat.postMessage", args)
        channel = self._postable(args.get("channel"))
        msg = self._store_message(channel, self.bot_user_id, text, blocks, args.get("thread_ts"),
                                  args)
        return {"ok": True, "channel": channel.id, "ts": msg["ts"], "message": dict(msg)}

    def _m_chat_postEphemeral(self, args: dict) -> dict:
        text, blocks = self._content("chat.postEphemeral", args)
        self._require("chat.postEphemeral", args, "user")
        uid = str(args["user"])
        user = self._user(uid)
        channel = self._postable(args.get("channel"))
        in_channel = channel.user == uid if channel.is_im else uid in channel.members
        if not in_channel or user["deleted"]:
            raise _ApiError("user_not_in_channel")
        ts = self._new_ts()
        self._ephemerals.append({"message_ts": ts, "channel": channel.id, "user": uid,
                                 "text": text or "", "blocks": blocks or [],
                                 "thread_ts": args.get("thread_ts")})
        return {"ok": True, "message_ts": ts}

    def _m_chat_update(self, args: dict) -> dict:
        text, blocks = self._content("chat.update", args, update=True)
        channel, msg = self._message(args)
        if msg["user"] != self.bot_user_id:
            raise _ApiError("cant_update_message")
        if text is None and blocks is None and "attachments" not in args:
            raise _ApiError("no_text")
        if text is not None:
            msg["text"] = text
        if "blocks" in args:
            msg["blocks"] = blocks or []
        for key in ("attachments", "metadata"):
            if key in args:
                msg[key] = args[key]
        msg["edited"] = {"user": self.bot_user_id, "ts": self._new_ts()}
        return {"ok": True, "channel": channel.id, "ts": msg["ts"], "text": msg["text"],
                "message": dict(msg)}

    def _m_chat_delete(self, args: dict) -> dict:
        channel, msg = self._message(args)
        if msg["user"] != self.bot_user_id:
            raise _ApiError("cant_delete_message")
        self._messages[channel.id].remove(msg)
        del self._msg_index[(channel.id, msg["ts"])]
        return {"ok": True, "channel": channel.id, "ts": msg["ts"]}

    def _m_reactions_add(self, args: dict) -> dict:
        self._require("reactions.add", args, "name")
        _, msg = self._message(args, "timestamp")
        name = str(args["name"]).strip(":")
        reactions = msg.setdefault("reactions", [])
        mine = next((r for r in reactions if r["name"] == name), None)
        if mine and self.bot_user_id in mine["users"]:
            raise _ApiError("already_reacted")
        if mine is None:
            mine = {"name": name, "users": [], "count": 0}
            reactions.append(mine)
        mine["users"].append(self.bot_user_id)
        mine["count"] += 1
        return {"ok": True}

    def _m_files_upload(self, args: dict) -> dict:
        raise _ApiError("method_deprecated")

    # ---- files ---------------------------------------------------------------------------

    def _m_files_getUploadURLExternal(self, args: dict) -> dict:
        self._require("files.getUploadURLExternal", args, "filename", "length")
        try:
            length = int(args["length"])
        except (TypeError, ValueError):
            self._reject("files.getUploadURLExternal", "invalid_arguments",
                         ["length must be an integer"])
        fid = self._new_id("F")
        self._pending_files[fid] = {"id": fid, "filename": str(args["filename"]),
                                    "length": length, "alt_txt": args.get("alt_txt"),
                                    "content": None}
        base = self.url[: -len("api/")]
        return {"ok": True, "upload_url": f"{base}upload/v1/{fid}", "file_id": fid}

    def _m_files_completeUploadExternal(self, args: dict) -> dict:
        self._require("files.completeUploadExternal", args, "files")
        files = args["files"]
        if not isinstance(files, list) or not all(
            isinstance(f, dict) and f.get("id") for f in files
        ):
            self._reject("files.completeUploadExternal", "invalid_arguments",
                         ["files must be a JSON array of {id, title}"])
        targets = [args["channel_id"]] if args.get("channel_id") else [
            c for c in str(args.get("channels") or "").split(",") if c]
        channels = [self._postable(t, allow_user=False).id for t in targets]
        pending = [self._pending_files.get(f["id"]) for f in files]
        if any(p is None or p["content"] is None for p in pending):
            raise _ApiError("file_not_found")
        out = []
        for spec, p in zip(files, pending, strict=True):
            del self._pending_files[p["id"]]
            title = spec.get("title") or p["filename"]
            self._files.append({**p, "title": title, "channels": channels,
                                "channel_id": channels[0] if channels else None,
                                "initial_comment": args.get("initial_comment"),
                                "thread_ts": args.get("thread_ts")})
            out.append({"id": p["id"], "name": p["filename"], "title": title,
                        "size": len(p["content"]), "channels": channels,
                        "created": int(time.time()), "user": self.bot_user_id})
        return {"ok": True, "files": out}


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


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
        emulator: SlackEmulator = self.server.emulator  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        headers: dict[str, str] = {}
        if path.startswith("/api/"):
            status, headers, body = emulator._handle_api(path[5:], query, raw, self.headers)
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
