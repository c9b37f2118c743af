"""Small helpers shared by every Block Kit builder."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

SECTION_LIMIT = 3000


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis, so no field breaks Slack's limits."""
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT) or " "}


def plain(text: str, limit: int = 3000) -> dict:
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def section(text: str, **extra) -> dict:
    return {"type": "section", "text": mrkdwn(text), **extra}


def context(*texts: str) -> dict:
    return {"type": "context", "elements": [mrkdwn(t) for t in texts[:10]]}


def divider() -> dict:
    return {"type": "divider"}


def header(text: str) -> dict:
    return {"type": "header", "text": plain(text, 150)}


def button(text: str, action_id: str, value: str = "", *, style: str | None = None,
           confirm: dict | None = None, url: str | None = None) -> dict:
    element = {"type": "button", "text": plain(text, 75), "action_id": action_id}
    if value:
        element["value"] = value[:2000]
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    if url:
        element["url"] = url
    return element


def confirm_dialog(title: str, text: str, confirm: str, deny: str = "Cancel") -> dict:
    return {"title": plain(title, 100), "text": plain(text, 300), "confirm": plain(confirm, 30),
            "deny": plain(deny, 30), "style": "danger"}


_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,20}$")


def is_user_id(value: object) -> bool:
    """Whether `value` has the shape of a Slack user id (the only thing Pact mentions)."""
    return isinstance(value, str) and bool(_USER_ID.match(value))


def mention(user_id: str | None) -> str:
    """`<@U…>` for a user id of Slack's shape; anything else is shown as escaped text, so a
    stored or forged value can never become a broadcast or a link."""
    if is_user_id(user_id):
        return f"<@{user_id}>"
    return escape(user_id or "") or "someone"


def channel_ref(channel_id: str | None) -> str:
    """`<#C…>` for a channel id of Slack's shape; anything else as escaped text."""
    if isinstance(channel_id, str) and _CHANNEL_ID.match(channel_id):
        return f"<#{channel_id}>"
    return escape(channel_id or "") or "the channel"


user = mention


def slack_date(moment: datetime | date, fmt: str = "{day_divider_pretty}", *,
               tz: str = "UTC") -> str:
    """A date Slack renders in each reader's own timezone, with a UTC fallback: "today",
    "tomorrow", "Thursday, December 3rd" (the year only when it is not the current one).

    A calendar day (a due date) is taken at noon in `tz`, the team's timezone, so the team
    reads the day it chose (noon UTC would show the next day to a team east of UTC+12).
    """
    if isinstance(moment, datetime):
        when = moment.astimezone(UTC)
    else:
        try:
            zone = ZoneInfo(tz or "UTC")
        except (KeyError, ValueError):
            zone = ZoneInfo("UTC")
        when = datetime.combine(moment, time(12, 0), tzinfo=zone)
    fallback = when.strftime("%Y-%m-%d %H:%M UTC") if isinstance(moment, datetime) \
        else moment.isoformat()
    return f"<!date^{int(when.timestamp())}^{fmt}|{fallback}>"


def slack_datetime(moment: datetime) -> str:
    return slack_date(moment, "{day_divider_pretty} at {time}")


def progress_bar(fraction: float, width: int = 10) -> str:
    """`▰▰▰▱▱▱▱▱▱▱ 30%`: progress anyone reads at a glance."""
    fraction = min(max(fraction, 0.0), 1.0)
    filled = int(fraction * width + 1e-9)
    return "▰" * filled + "▱" * (width - filled) + f" {int(fraction * 100 + 1e-9)}%"


NOTICE_CALLBACK = "pact_notice"


def notice_modal(title: str, text: str) -> dict:
    """A small read-only modal with one message (e.g. a refusal over the modal clicked in)."""
    return {"type": "modal", "callback_id": NOTICE_CALLBACK, "title": plain(title, 24),
            "close": plain("OK", 24), "blocks": [section(text)]}


def with_state_line(blocks: list[dict] | None, state: str) -> list[dict]:
    """An earlier message whose moment has passed: its buttons give way to one short line
    saying what happened ("Approved by … on …", "Superseded by Monday's check-in.")."""
    kept = [b for b in (blocks or []) if b.get("type") != "actions"]
    return [*kept[:49], context(state)]


def plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 milestone", "3 milestones": the word agrees with its number, never "milestone(s)"."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
