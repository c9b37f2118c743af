"""Sealed `private_metadata`: what Pact stores in a modal comes back unchanged, or not at all.

A modal's metadata travels through the client. Pact signs it with a key derived from its own
secrets, so a submission carrying metadata Pact did not write (another channel, another goal)
is refused before anything is read from it. Permission checks against stored data still apply.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json


def metadata_key(settings) -> bytes:
    secret = settings.signing_secret or settings.bot_token
    return hashlib.sha256(b"pact private_metadata\0" + secret.encode()).digest()


def seal(data: dict, key: bytes) -> str:
    body = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode()
    mac = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{body}.{mac}"


def unseal(text: str | None, key: bytes) -> dict | None:
    """The data sealed in `text`, or None when it was not sealed by Pact with this key."""
    body, _, mac = (text or "").rpartition(".")
    expected = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32]
    if not body or not hmac.compare_digest(mac, expected):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body.encode()))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def attach(view: dict, data: dict, key: bytes) -> dict:
    """`view` carrying `data` as its sealed `private_metadata` (every modal uses this)."""
    view["private_metadata"] = seal(data, key)
    return view


def read_metadata(view: object, key: bytes) -> dict | None:
    """What Pact sealed into this view, or None when the view carries anything else."""
    metadata = view.get("private_metadata") if isinstance(view, dict) else None
    return unseal(metadata if isinstance(metadata, str) else None, key)
