"""Logging set up once, with secrets scrubbed from every line whatever logged them."""

from __future__ import annotations

import logging
import re
import sys

# Slack tokens (bot, user, app-level, config) and anything after a signing-secret key.
_SECRET = re.compile(r"\b(xox[abposer]-|xapp-)[A-Za-z0-9-]+")


def redact(text: str) -> str:
    return _SECRET.sub(lambda m: m.group(1) + "[redacted]", text)


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes anything shaped like a Slack token, tracebacks included."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("slack_sdk.web.base_client", "apscheduler.executors.default", "waitress.queue"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLevelName(level)))
