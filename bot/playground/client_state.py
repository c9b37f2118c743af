"""What a Slack client keeps for the person at the keyboard: the answers Pact sent them
(ephemerals, response_url replies, the HTTP answer of a command) and the modal stack that
follows a view_submission's response_action. Mixed into the Playground."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.playground.emulator import check_message_blocks, check_view

if TYPE_CHECKING:
    from bot.playground.world import Answer


@dataclass
class Ephemeral:
    """A message only `user` sees in `channel` ("Only visible to you")."""

    id: str
    user: str
    channel: str
    text: str
    blocks: list
    ts: str


class ClientState:
    """Needs `emulator`, `ephemerals`, `errors`, `_origins`, the `_seen_*` counters, `problems`
    and `close`/`view`, all from the Playground."""

    def _message(self, channel: str | None, ts: str | None, ephemeral: str | None) -> dict:
        if ephemeral:
            found = next((e for e in self.ephemerals if e.id == ephemeral), None)
            return {"ts": found.ts, "text": found.text, "blocks": found.blocks} if found else {}
        with self.emulator._lock:
            return dict(self.emulator._msg_index.get((channel, ts or "")) or {})

    def _show_ack(self, user: str, channel: str, body: dict) -> None:
        """An answer in the HTTP response of a command: ephemeral unless `in_channel`."""
        if not (body.get("text") or body.get("blocks")):
            return
        problems = check_message_blocks(body["blocks"]) if body.get("blocks") else []
        self.problems.extend(f"ack: {p}" for p in problems)
        self.ephemerals.append(Ephemeral(f"E{secrets.token_hex(5)}", user, channel,
                                         body.get("text", ""), body.get("blocks") or [],
                                         self.emulator._new_ts()))

    def _settle(self) -> None:
        """Take in what Pact sent since last time: ephemerals, response_url answers, problems."""
        emu = self.emulator
        with emu._lock:
            new = emu._ephemerals[self._seen_ephemerals:]
            self._seen_ephemerals += len(new)
            responses = emu._responses[self._seen_responses:]
            self._seen_responses += len(responses)
            violations = emu.violations[self._seen_violations:]
            self._seen_violations += len(violations)
        for e in new:
            self.ephemerals.append(Ephemeral(f"E{secrets.token_hex(5)}", e["user"], e["channel"],
                                             e["text"], e["blocks"], e["message_ts"]))
        for r in responses:
            self._take_response(r)
        self.problems.extend(violations)

    def _take_response(self, response: dict) -> None:
        user, channel, origin = self._origins.get(response["url"].split("/hooks/", 1)[1],
                                                  (None, None, None))
        if user is None:
            return
        old = next((e for e in self.ephemerals if e.id == origin), None) \
            if isinstance(origin, str) else None
        if response.get("delete_original"):
            if old:
                self.ephemerals.remove(old)
            elif isinstance(origin, tuple):
                self.emulator._m_chat_delete({"channel": channel, "ts": origin[1]})
            return
        if response.get("replace_original") and old:
            old.text, old.blocks = response.get("text", ""), response.get("blocks") or []
            return
        if response.get("replace_original") and isinstance(origin, tuple):
            with self.emulator._lock:
                msg = self.emulator._msg_index.get((channel, origin[1]))
                if msg is not None:
                    msg.update(text=response.get("text", ""), blocks=response.get("blocks") or [],
                               edited={"user": self.emulator.bot_user_id, "ts": msg["ts"]})
            return
        if response.get("response_type") == "in_channel":
            with self.emulator._lock:
                self.emulator._m_chat_postMessage({"channel": channel, **{
                    k: v for k, v in response.items() if k in ("text", "blocks")}})
            return
        self.ephemerals.append(Ephemeral(f"E{secrets.token_hex(5)}", user, channel,
                                         response.get("text", ""), response.get("blocks") or [],
                                         self.emulator._new_ts()))

    def _after_submission(self, user: str, view_id: str, answer: Answer) -> None:
        """Slack's side of a view_submission's ack: close, errors, update, push or clear."""
        if answer.status != 200:
            return
        body = json.loads(answer.body) if answer.body.strip().startswith("{") else {}
        action = body.get("response_action")
        emu = self.emulator
        if action == "errors":
            self.errors[view_id] = body.get("errors") or {}
            return
        self.errors.pop(view_id, None)
        if action in ("update", "push"):
            problems = check_view(body.get("view"))
            if problems:
                self.problems.extend(f"response_action {action}: {p}" for p in problems)
                return
            with emu._lock:
                old = emu._views[view_id]
                root = old["root_view_id"]
                if action == "update":
                    emu._views[view_id] = emu._make_view(body["view"], view_id, root,
                                                         old["previous_view_id"])
                else:
                    vid = emu._new_id("V")
                    emu._views[vid] = emu._make_view(body["view"], vid, root, view_id)
                    emu._stacks[root].append(vid)
            return
        if action == "clear":
            self.close(user, self.view(view_id)["root_view_id"])
            return
        self.close(user, view_id)
