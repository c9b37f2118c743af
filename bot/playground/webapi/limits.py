"""Slack's limits and the Block Kit checks the emulator applies (usable without HTTP): what Slack
would refuse, with a JSON pointer to where."""

from __future__ import annotations

import functools
import json
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

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
