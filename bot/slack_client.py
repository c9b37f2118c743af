"""The Slack Web client Pact uses everywhere, with retries done by slack_sdk itself."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings


def make_web_client(settings: Settings, *, retries: int = 2, timeout: int = 10) -> WebClient:
    """A WebClient that retries 429s after Retry-After, 500/503s and dropped connections."""
    return WebClient(
        token=settings.bot_token or None,  # OAuth mode: each request brings its own
        base_url=settings.api_url,
        timeout=timeout,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=retries),
            RateLimitErrorRetryHandler(max_retry_count=retries),
            ServerErrorRetryHandler(max_retry_count=retries),
        ],
    )
