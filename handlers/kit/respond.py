"""Answers through a request's `response_url`, within Slack's limit: a `response_url` takes
at most 5 messages within 30 minutes. Uses are counted per `response_url` in the process that
answers (the request and its follow-ups run there); beyond the limit the answer goes by DM."""

from __future__ import annotations

import threading
import time

MAX_USES = 5
WINDOW_SECONDS = 30 * 60

_lock = threading.Lock()
_uses: dict[str, tuple[float, int]] = {}


def take_use(url: str, now: float | None = None) -> bool:
    """Count one use of `url`; False once it was used `MAX_USES` times in the window."""
    now = time.monotonic() if now is None else now
    with _lock:
        for key in [k for k, (first, _) in _uses.items() if now - first > WINDOW_SECONDS]:
            del _uses[key]
        first, count = _uses.get(url, (now, 0))
        if count >= MAX_USES:
            return False
        _uses[url] = (first, count + 1)
        return True


class LimitedRespond:
    """Bolt's `respond`, counted; past Slack's limit, a DM to `user_id` instead."""

    def __init__(self, respond, client, user_id: str, url: str):
        self._respond, self._client, self._user, self._url = respond, client, user_id, url

    def __call__(self, text: str = "", blocks=None, **kw):
        if self._url and take_use(self._url):
            return self._respond(text=text, blocks=blocks, **kw)
        args = {"channel": self._user, "text": text}
        if blocks:
            args["blocks"] = blocks
        return self._client.chat_postMessage(**args)
