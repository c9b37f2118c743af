"""The one reader of what a person typed into a modal, and the one cleaner of user text.

Every submission goes through `Form(view)`: it never raises on an odd shape (a forged view, a
missing block, a wrong type), and every text it returns is normalised (Unicode NFC, invisible
and control characters removed), so text made only of spaces or zero-width characters is
empty and gets the usual "required" error.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time

# Characters that show nothing but are not "format" characters to Unicode.
_BLANKS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u180e"}
_SPACES = re.compile(r"[^\S\n]+")


def clean_text(value: object, *, multiline: bool = False, limit: int | None = None) -> str:
    """`value` as text a person meant: NFC, no control or invisible characters (newlines
    kept only where `multiline`), runs of spaces made one, stripped, cut to `limit`."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for ch in text:
        if ch == "\n":
            kept.append("\n" if multiline else " ")
        elif ch == "\t":
            kept.append(" ")
        elif ch in _BLANKS or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl",
                                                             "Zp"):
            continue
        else:
            kept.append(ch)
    text = "".join(kept)
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    else:
        text = _SPACES.sub(" ", text).strip()
    return text[:limit] if limit is not None else text


class Form:
    """What a modal submission carries, by block id, read tolerantly."""

    def __init__(self, view: object):
        view = view if isinstance(view, dict) else {}
        state = view.get("state") if isinstance(view.get("state"), dict) else {}
        values = state.get("values") if isinstance(state.get("values"), dict) else {}
        self._fields: dict[str, dict] = {}
        for block_id, actions in values.items():
            if isinstance(actions, dict):
                for element in actions.values():
                    if isinstance(element, dict):
                        self._fields[block_id] = element
                        break

    def __contains__(self, block_id: str) -> bool:
        return block_id in self._fields

    def _get(self, block_id: str, key: str):
        return self._fields.get(block_id, {}).get(key)

    def text(self, block_id: str, *, multiline: bool = False, limit: int | None = None) -> str:
        return clean_text(self._get(block_id, "value"), multiline=multiline, limit=limit)

    def choice(self, block_id: str) -> str | None:
        option = self._get(block_id, "selected_option")
        value = option.get("value") if isinstance(option, dict) else None
        return value if isinstance(value, str) else None

    def choices(self, block_id: str) -> list[str]:
        options = self._get(block_id, "selected_options")
        if not isinstance(options, list):
            return []
        return [o["value"] for o in options if isinstance(o, dict)
                and isinstance(o.get("value"), str)]

    def user(self, block_id: str) -> str | None:
        value = self._get(block_id, "selected_user")
        return value if isinstance(value, str) else None

    def users(self, block_id: str) -> list[str]:
        value = self._get(block_id, "selected_users")
        return [u for u in value if isinstance(u, str)] if isinstance(value, list) else []

    def date(self, block_id: str) -> date | None:
        """The picked date, or None when none (or no real date) was picked."""
        value = self._get(block_id, "selected_date")
        try:
            return date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    def time(self, block_id: str) -> time | None:
        value = self._get(block_id, "selected_time")
        try:
            return time.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    def raw(self, block_id: str) -> str | None:
        """The field's value as a string (typed text, picked option, date or time), for
        forms whose rules validate strings themselves."""
        element = self._fields.get(block_id, {})
        for key in ("value", "selected_date", "selected_time", "selected_user"):
            if isinstance(element.get(key), str):
                return element[key] if key != "value" else self.text(block_id)
        return self.choice(block_id)
