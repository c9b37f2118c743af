"""Channels, DMs and messages: `conversations.*`, `chat.*`, `reactions.add`, response URLs.

A part of `SlackEmulator` (bot/playground/emulator.py), which holds the state it uses."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from bot.playground.webapi.limits import MESSAGE_TEXT_MAX, _check_fast, _ptr, check_message_blocks
from bot.playground.webapi.model import _ApiError, _Channel, _truthy


class ChatMethods:
    """Channels, DMs, messages, reactions and response URLs."""

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
