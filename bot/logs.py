"""Logging set up once, with secrets scrubbed from every line whatever logged them."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from contextlib import contextmanager

# Slack tokens (bot, user, app-level, config) and anything after a signing-secret key.
_SECRET = re.compile(r"\b(xox[abposer]-|xapp-)[A-Za-z0-9-]+")


def redact(text: str) -> str:
    return _SECRET.sub(lambda m: m.group(1) + "[redacted]", text)


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes anything shaped like a Slack token, tracebacks included."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


# Ids of what the current request or job is about; JSON lines carry them.
_IDS: contextvars.ContextVar[dict | None] = contextvars.ContextVar("pact_log_ids",
                                                                  default=None)
ID_FIELDS = ("workspace_id", "team_id", "request_id")


@contextmanager
def log_ids(**ids):
    """Within this block, every JSON log line names these ids (None values are left out)."""
    token = _IDS.set({**(_IDS.get() or {}), **{k: v for k, v in ids.items() if v is not None}})
    try:
        yield
    finally:
        _IDS.reset(token)


def start_log_ids(**ids) -> None:
    """A new request begins on this thread: these ids replace whatever the last one named."""
    _IDS.set({k: v for k, v in ids.items() if v is not None})


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, Pact's own message (which names ids and
    counts, never what people wrote), the ids known, and the traceback if any; redacted."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
                "level": record.levelname, "logger": record.name,
                "message": record.getMessage()}
        ids = dict(_IDS.get() or {})
        for name in ID_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                ids[name] = value
        line.update({k: ids[k] for k in ID_FIELDS if k in ids})
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return redact(json.dumps(line, default=str))


def setup_logging(level: str = "INFO", log_format: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else RedactingFormatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("slack_sdk.web.base_client", "apscheduler.executors.default", "waitress.queue"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLevelName(level)))
