"""Requests to Pact's real HTTP endpoint, built and signed exactly as Slack builds and signs them.

Payload shapes follow Slack's (slash command form fields; `payload=` JSON for interactivity;
JSON envelopes for events), so a test exercises the same parsing a real workspace does.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass


@dataclass
class Response:
    status: int
    body: str
    headers: dict

    def json(self):
        return json.loads(self.body) if self.body else None


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class SlackSender:
    """Sends signed requests to `url` (Pact's /slack/events) on behalf of a workspace."""

    def __init__(self, url: str, signing_secret: str, *, team_id: str = "T0PACT",
                 trigger=lambda: f"{int(time.time())}.{uuid.uuid4().int % 10**13}.abc",
                 response_url=lambda kind: f"https://hooks.slack.com/{kind}/T0PACT/1/x"):
        self.url = url
        self.secret = signing_secret
        self.team_id = team_id
        self.trigger = trigger  # a callable giving a fresh trigger_id (the emulator's)
        self.response_url = response_url  # a callable giving a response_url (the emulator's)
        # Set: the workspace belongs to this Enterprise Grid organisation, which installed the
        # app org-wide (requests say so, and events' authorizations name the org only).
        self.enterprise_id: str | None = None

    # transport ---------------------------------------------------------------------------
    def post(self, body: bytes, content_type: str, *, timestamp: str | None = None,
             signature: str | None = None, headers: dict | None = None,
             signed: bool = True) -> Response:
        timestamp = str(int(time.time())) if timestamp is None else timestamp
        all_headers = {"Content-Type": content_type}
        if signed:
            all_headers["X-Slack-Request-Timestamp"] = timestamp
            all_headers["X-Slack-Signature"] = (sign(self.secret, timestamp, body)
                                                 if signature is None else signature)
        all_headers.update(headers or {})
        request = urllib.request.Request(self.url, data=body, headers=all_headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=15) as resp:
                return Response(resp.status, resp.read().decode(), dict(resp.headers))
        except urllib.error.HTTPError as err:
            return Response(err.code, err.read().decode(), dict(err.headers))

    def post_form(self, fields: dict, **kw) -> Response:
        return self.post(urllib.parse.urlencode(fields).encode(),
                         "application/x-www-form-urlencoded", **kw)

    def post_payload(self, payload: dict, **kw) -> Response:
        return self.post_form({"payload": json.dumps(payload)}, **kw)

    # what Slack sends -----------------------------------------------------------------------
    def command_fields(self, text: str, *, user: str, channel: str = "C0CHANNEL01") -> dict:
        return {
            "token": "deprecated-verification-token", "team_id": self.team_id,
            "team_domain": "pact-test", "channel_id": channel, "channel_name": "team-growth",
            "user_id": user, "user_name": user.lower(), "command": "/pact", "text": text,
            "api_app_id": "A0PACTAPP01", "is_enterprise_install": "false",
            "response_url": self.response_url("commands"),
            "trigger_id": self.trigger(),
            **({"enterprise_id": self.enterprise_id, "enterprise_name": self.enterprise_id,
                "is_enterprise_install": "true"} if self.enterprise_id else {}),
        }

    def command(self, text: str, *, user: str, channel: str = "C0CHANNEL01", **kw) -> Response:
        return self.post_form(self.command_fields(text, user=user, channel=channel), **kw)

    def _interaction_base(self, kind: str, user: str) -> dict:
        return {
            "type": kind, "api_app_id": "A0PACTAPP01", "token": "deprecated",
            "team": {"id": self.team_id, "domain": "pact-test"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(),
                     "team_id": self.team_id},
            "enterprise": {"id": self.enterprise_id, "name": self.enterprise_id}
            if self.enterprise_id else None,
            "is_enterprise_install": bool(self.enterprise_id),
            "trigger_id": self.trigger(),
        }

    def block_action(self, *, user: str, action_id: str, value: str = "", block_id: str = "b",
                     channel: str | None = None, message_ts: str | None = None,
                     view: dict | None = None, extra_action: dict | None = None,
                     **kw) -> Response:
        """A button click (or other element) in a message (channel+message_ts) or a view."""
        payload = self._interaction_base("block_actions", user)
        action = {"action_id": action_id, "block_id": block_id, "type": "button",
                  "value": value, "action_ts": f"{time.time():.6f}",
                  "text": {"type": "plain_text", "text": "Button", "emoji": True}}
        action.update(extra_action or {})
        payload["actions"] = [action]
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id", "V0VIEW")}
            payload["view"] = view
            payload["state"] = view.get("state", {"values": {}})
        else:
            payload["container"] = {"type": "message", "message_ts": message_ts or "1.000100",
                                    "channel_id": channel, "is_ephemeral": False}
            payload["channel"] = {"id": channel, "name": "team-growth"}
            payload["message"] = {"type": "message", "ts": message_ts or "1.000100",
                                  "text": "", "blocks": []}
            payload["response_url"] = self.response_url("actions")
        return self.post_payload(payload, **kw)

    def view_submission(self, *, user: str, view: dict, values: dict, **kw) -> Response:
        """Submit `view` (as Pact opened it) with `values`: {block_id: {action_id: state}}."""
        payload = self._interaction_base("view_submission", user)
        submitted = dict(view)
        submitted.setdefault("id", "V0VIEW00001")
        submitted["state"] = {"values": values}
        submitted.setdefault("private_metadata", "")
        submitted.setdefault("hash", "1732186020.abcdef")
        payload["view"] = submitted
        payload["response_urls"] = []
        return self.post_payload(payload, **kw)

    def event(self, event: dict, *, event_id: str | None = None, **kw) -> Response:
        envelope = {
            "token": "deprecated", "team_id": self.team_id, "api_app_id": "A0PACTAPP01",
            "type": "event_callback", "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()), "event": event,
            "authorizations": [{"enterprise_id": self.enterprise_id,
                                "team_id": None if self.enterprise_id else self.team_id,
                                "user_id": "U0PACTBOT1", "is_bot": True,
                                "is_enterprise_install": bool(self.enterprise_id)}],
            "is_ext_shared_channel": False,
        }
        if self.enterprise_id:
            envelope["enterprise_id"] = self.enterprise_id
        return self.post(json.dumps(envelope).encode(), "application/json", **kw)


# State values as Slack sends them, for view_submission tests.
def text_value(value: str | None) -> dict:
    return {"type": "plain_text_input", "value": value}


def number_value(value: str | None) -> dict:
    return {"type": "number_input", "value": value}


def date_value(value: str | None) -> dict:
    return {"type": "datepicker", "selected_date": value}


def time_value(value: str | None) -> dict:
    return {"type": "timepicker", "selected_time": value}


def select_value(value: str | None, text: str = "") -> dict:
    option = None if value is None else {"text": {"type": "plain_text", "text": text or value},
                                         "value": value}
    return {"type": "static_select", "selected_option": option}


def users_value(users: list[str]) -> dict:
    return {"type": "multi_users_select", "selected_users": users}


def user_value(user: str | None) -> dict:
    return {"type": "users_select", "selected_user": user}


def message_action(base: dict, *, callback_id: str, channel: dict, message: dict, team: str,
                   trigger_id: str, response_url: str) -> dict:
    """A message shortcut's payload as Slack sends it (slack/platform.md 5.5): who, where, which
    shortcut, and the message it was used on."""
    shown = {"type": "message", "text": message.get("text", ""), "user": message.get("user"),
             "ts": message["ts"], "team": team, "blocks": message.get("blocks") or []}
    if message.get("bot_id"):
        shown["bot_id"] = message["bot_id"]
    if message.get("thread_ts"):
        shown["thread_ts"] = message["thread_ts"]
    if message.get("user") and not message.get("bot_id"):
        shown["client_msg_id"] = str(uuid.uuid5(uuid.NAMESPACE_URL,
                                                f"{channel['id']}/{message['ts']}"))
    return {**base, "callback_id": callback_id,
            "action_ts": f"{time.time():.6f}", "channel": channel, "trigger_id": trigger_id,
            "message_ts": message["ts"], "response_url": response_url, "message": shown}
