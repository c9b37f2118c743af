"""What the emulator keeps and answers with: calls, faults, API errors, channels."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import Any

_ID_CHARS = string.ascii_uppercase + string.digits

_TRIGGER_RE = re.compile(r"^\d+\.\d+\.[0-9a-f]{16,}$")

_JSON_FIELDS = ("blocks", "attachments", "view", "files", "metadata")

SLACKBOT_ID = "USLACKBOT"

@dataclass
class Call:
    """One request as received (args without the token) and what was answered."""

    method: str
    args: dict
    token: str | None
    at: float
    response: dict
    status: int

@dataclass
class _Fault:
    error: str | None
    status: int
    retry_after: int | None
    delay: float
    drop: bool = False  # the connection closes with no answer, as a network failure does

class _ApiError(Exception):
    def __init__(self, error: str, **extra: Any):
        super().__init__(error)
        self.error, self.extra = error, extra

@dataclass
class _Channel:
    id: str
    name: str
    members: list = field(default_factory=list)
    is_private: bool = False
    bot_is_member: bool = True
    is_archived: bool = False
    is_im: bool = False
    is_mpim: bool = False
    user: str | None = None  # the other party of a DM
    created: int = 0

def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")
