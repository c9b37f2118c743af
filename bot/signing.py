"""Is this request Slack's? Answered before anything else reads the request.

slack_sdk's `SignatureVerifier` raises on a timestamp that is not a number, which let an
unverified body reach Bolt's error handler. This check never raises: every header is matched
against the exact shape Slack sends before any arithmetic, and anything else is simply false.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from urllib.parse import urlsplit

# Slack's timestamps are whole seconds since the epoch; ten digits today, allow a few more.
_TIMESTAMP = re.compile(r"\A[0-9]{1,12}\Z")
_SIGNATURE = re.compile(r"\Av0=[0-9a-f]{64}\Z")
MAX_SKEW_SECONDS = 60 * 5  # Slack's replay window

SLACK_HOOKS = "https://hooks.slack.com/"


def is_signed_by_slack(secret: str, body: bytes, timestamp: str | None,
                       signature: str | None, *, now: float | None = None) -> bool:
    """True only for a body signed with `secret` within Slack's five-minute window."""
    if not secret or not isinstance(timestamp, str) or not isinstance(signature, str):
        return False
    if not _TIMESTAMP.match(timestamp) or not _SIGNATURE.match(signature):
        return False
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > MAX_SKEW_SECONDS:
        return False
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def response_url_hosts(api_url: str) -> tuple[str, ...]:
    """Where a `response_url` may point: Slack's hooks host, and the hooks path of the Web API
    Pact is configured to use when that is not Slack's (a local emulator)."""
    allowed = [SLACK_HOOKS]
    parts = urlsplit(api_url)
    if parts.hostname not in ("slack.com", "www.slack.com"):
        base = api_url[:-len("api/")] if api_url.endswith("/api/") else api_url
        allowed.append(base.rstrip("/") + "/hooks/")
    return tuple(allowed)


def is_allowed_response_url(url: object, allowed: tuple[str, ...]) -> bool:
    return isinstance(url, str) and any(url.startswith(prefix) for prefix in allowed) \
        and not any(c in url for c in "\r\n\\@")
