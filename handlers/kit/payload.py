"""The one tolerant reader of what Slack sent: a verified body, read without trusting it.

The body is Slack's (its signature was checked before anything read it), but the values in it
only *select*: the ids in a button's value, a view's metadata or a container can be anything a
client put there. Who acts comes from `user_id` and `workspace_id`; everything else is looked
up in the database by the feature and checked there. Nothing here raises on an odd shape: a
missing field reads as empty, a number out of range as None.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_ID = 2**63 - 1  # the largest id a database row can have


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def int_id(value: object) -> int | None:
    """A row id from untrusted text: a positive whole number a database can hold, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = _str(value).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 19:
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ID else None


@dataclass(frozen=True)
class Interaction:
    """A button click, a modal submission, an option request: who, where, what."""

    type: str
    user_id: str
    workspace_id: str
    trigger_id: str = ""
    channel_id: str = ""  # the channel the click came from, if any (a selector, not a right)
    container: dict = field(default_factory=dict)
    view: dict = field(default_factory=dict)
    action: dict = field(default_factory=dict)  # the first action of a block_actions payload
    message_ts: str = ""
    thread_ts: str = ""  # the thread of the message clicked in, if it is in one

    @property
    def action_id(self) -> str:
        return _str(self.action.get("action_id"))

    @property
    def value(self) -> str:
        """The clicked element's value (a button's, or a select's chosen option)."""
        if "value" in self.action:
            return _str(self.action.get("value"))
        return _str(_dict(self.action.get("selected_option")).get("value"))

    @property
    def value_id(self) -> int | None:
        return int_id(self.value)

    @property
    def in_modal(self) -> bool:
        return self.view.get("type") == "modal"

    @property
    def view_id(self) -> str:
        return _str(self.view.get("id"))

    @property
    def metadata(self) -> str:
        return _str(self.view.get("private_metadata"))


def read_interaction(body: object) -> Interaction | None:
    """The interaction in `body`, or None when it lacks who sent it or from which workspace
    (such a payload is ignored, or answered with a refusal, never a traceback)."""
    body = _dict(body)
    user = _dict(body.get("user"))
    user_id = _str(user.get("id")) or _str(body.get("user_id"))
    team = _dict(body.get("team"))
    workspace = _str(team.get("id")) or _str(user.get("team_id")) or _str(body.get("team_id"))
    if not user_id or not workspace:
        return None
    container = _dict(body.get("container"))
    actions = body.get("actions")
    action = _dict(actions[0]) if isinstance(actions, list) and actions else {}
    channel = _str(container.get("channel_id")) or _str(_dict(body.get("channel")).get("id"))
    return Interaction(
        type=_str(body.get("type")), user_id=user_id, workspace_id=workspace,
        trigger_id=_str(body.get("trigger_id")), channel_id=channel, container=container,
        view=_dict(body.get("view")), action=action,
        message_ts=_str(container.get("message_ts")) or _str(_dict(body.get("message")).get("ts")),
        thread_ts=_str(_dict(body.get("message")).get("thread_ts")))


def submission_key(body: object) -> str | None:
    """What makes this submission or click unique in Slack's eyes: a modal's id and hash (the
    same form sent twice, replayed or retried), or an action's ts. None when there is none."""
    body = _dict(body)
    view = _dict(body.get("view"))
    if body.get("type") == "view_submission" and _str(view.get("id")):
        return f"view:{_str(view.get('id'))}:{_str(view.get('hash'))}"
    actions = body.get("actions")
    action = _dict(actions[0]) if isinstance(actions, list) and actions else {}
    if _str(action.get("action_ts")):
        user = _str(_dict(body.get("user")).get("id"))
        return f"action:{user}:{_str(action.get('action_id'))}:{_str(action.get('action_ts'))}"
    return None
