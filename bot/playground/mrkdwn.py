"""Slack's mrkdwn as HTML, the way a Slack client shows it to one reader.

Mentions show names, `<!date^…>` is written in the reader's timezone, links are real links only
for http(s)/mailto targets, and every piece of text is HTML-escaped: what Pact sends can never
inject markup into the page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

EMOJI = {
    "round_pushpin": "📍", "thermometer": "🌡️", "sleeping": "😴",
    "ski": "🎿", "sick": "🤢", "raising_hand": "🙋", "mask": "😷", "luggage": "🧳",
    "house_with_garden": "🏡", "face_with_thermometer": "🤒",
    "desert_island": "🏝️", "beach_with_umbrella": "🏖️", "baby_bottle": "🍼", "baby": "👶",
    "airplane_departure": "🛫", "airplane": "✈️",
    "tada": "🎉", "white_check_mark": "✅", "heavy_check_mark": "✔️", "x": "❌",
    "warning": "⚠️", "rocket": "🚀", "star": "⭐", "sparkles": "✨", "fire": "🔥",
    "calendar": "📅", "spiral_calendar_pad": "🗓️", "date": "📅", "dart": "🎯",
    "chart_with_upwards_trend": "📈", "bar_chart": "📊", "books": "📚", "book": "📖",
    "memo": "📝", "pencil": "📝", "pencil2": "✏️", "bulb": "💡", "handshake": "🤝",
    "clap": "👏", "raised_hands": "🙌", "wave": "👋", "thumbsup": "👍", "+1": "👍",
    "eyes": "👀", "lock": "🔒", "unlock": "🔓", "busts_in_silhouette": "👥",
    "bust_in_silhouette": "👤", "mortar_board": "🎓", "seedling": "🌱", "muscle": "💪",
    "hourglass": "⌛", "hourglass_flowing_sand": "⏳", "alarm_clock": "⏰", "bell": "🔔",
    "trophy": "🏆", "medal": "🏅", "heart": "❤️", "pushpin": "📌", "link": "🔗",
    "mag": "🔍", "information_source": "ℹ️", "no_entry": "⛔", "speech_balloon": "💬",
    "microscope": "🔬", "test_tube": "🧪", "hammer_and_wrench": "🛠️", "gear": "⚙️",
    "arrow_right": "➡️", "point_right": "👉", "confetti_ball": "🎊", "partying_face": "🥳",
    "smile": "😄", "slightly_smiling_face": "🙂", "thinking_face": "🤔", "zzz": "💤",
    "palm_tree": "🌴", "inbox_tray": "📥", "outbox_tray": "📤", "file_folder": "📁",
    "page_facing_up": "📄", "clipboard": "📋", "compass": "🧭", "mountain": "⛰️",
    "checkered_flag": "🏁", "construction": "🚧", "new": "🆕", "question": "❓",
}

_TOKEN = re.compile(r"<([^<>]*)>")
_DATE_FORMATS = ("date_num", "date_slash", "date", "date_short", "date_long", "date_pretty",
                 "date_short_pretty", "date_long_pretty", "time", "time_secs", "day_divider_pretty",
                 "ago")


@dataclass
class Reader:
    """Who reads: their timezone, the names Slack would show, and what time it is for them."""

    tz: str = "UTC"
    users: dict = field(default_factory=dict)  # id -> display name
    channels: dict = field(default_factory=dict)  # id -> name
    now: datetime | None = None

    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.tz or "UTC")
        except (KeyError, ValueError):
            return ZoneInfo("UTC")


def slack_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text(raw: str) -> str:
    """A piece of Slack text (with Slack's own escapes) as HTML-escaped text."""
    return html.escape(slack_unescape(raw), quote=False)


def format_date(epoch: int, fmt: str, reader: Reader) -> str:
    """`<!date^epoch^fmt|…>` as this reader sees it (their timezone)."""
    zone = reader.zone()
    when = datetime.fromtimestamp(epoch, UTC).astimezone(zone)
    today = (reader.now or datetime.now(UTC)).astimezone(zone).date()

    def pretty(long: bool, short: bool, divider: bool = False) -> str:
        delta = (when.date() - today).days
        names = {0: "Today", 1: "Tomorrow", -1: "Yesterday"}
        if delta in names:
            return names[delta]
        return long_date(long, short, year=not divider or when.year != today.year)

    def long_date(long: bool, short: bool, year: bool = True) -> str:
        if long and not year:
            return when.strftime("%A, %B ") + str(when.day)
        if long:
            return when.strftime("%A, %B ") + str(when.day) + when.strftime(", %Y")
        if short:
            return when.strftime("%b ") + str(when.day) + when.strftime(", %Y")
        return when.strftime("%B ") + str(when.day) + when.strftime(", %Y")

    def ago() -> str:
        seconds = int(((reader.now or datetime.now(UTC)) - when).total_seconds())
        future, seconds = seconds < 0, abs(seconds)
        for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
            if seconds >= size:
                n = seconds // size
                words = f"{n} {unit}{'s' if n != 1 else ''}"
                return f"in {words}" if future else f"{words} ago"
        return "just now"

    values = {
        "date_num": when.strftime("%Y-%m-%d"), "date_slash": when.strftime("%m/%d/%Y"),
        "date": long_date(False, False), "date_short": long_date(False, True),
        "date_long": long_date(True, False), "date_pretty": pretty(False, False),
        "date_short_pretty": pretty(False, True), "date_long_pretty": pretty(True, False),
        "day_divider_pretty": pretty(True, False, divider=True),
        "time": when.strftime("%H:%M"), "time_secs": when.strftime("%H:%M:%S"), "ago": ago(),
    }
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), fmt)


def _token(inner: str, reader: Reader) -> str:
    """One `<…>` of Slack's: a mention, a date, a link."""
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        uid = target[1:]
        name = reader.users.get(uid) or label or uid
        return f'<span class="mention" data-user="{html.escape(uid)}">@{_text(name)}</span>'
    if target.startswith("#"):
        cid = target[1:]
        name = reader.channels.get(cid) or label or cid
        return f'<span class="mention channel">#{_text(name)}</span>'
    if target.startswith("!date^"):
        parts = target.split("^")
        try:
            shown = format_date(int(parts[1]), slack_unescape(parts[2]), reader)
        except (IndexError, ValueError, OverflowError):
            return _text(label)
        return f'<time class="date">{html.escape(shown)}</time>'
    if target.startswith("!subteam^"):
        return f'<span class="mention">@{_text(label or "group")}</span>'
    if target.startswith("!"):
        return f'<span class="mention">@{_text(target[1:])}</span>'
    url = slack_unescape(target)
    if re.match(r"^(https?://|mailto:)", url, re.I):
        shown = _text(label) if label else html.escape(url, quote=False)
        return (f'<a href="{html.escape(url)}" target="_blank" rel="noopener noreferrer">'
                f'{shown}</a>')
    return _text(label or target)


_INLINE = (
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), "b"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), "i"),
    (re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])"), "s"),
)


def _inline(raw: str, reader: Reader) -> str:
    """Inline formatting of a line without code: tokens, bold, italic, strike, emoji."""
    out: list[str] = []
    held: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(raw):
        out.append(_text(raw[pos:match.start()]))
        held.append(_token(match.group(1), reader))
        out.append(f"\x00{len(held) - 1}\x00")
        pos = match.end()
    out.append(_text(raw[pos:]))
    text = "".join(out)
    for pattern, tag in _INLINE:
        text = pattern.sub(lambda m, t=tag: f"<{t}>{m.group(1)}</{t}>", text)
    text = re.sub(r":([a-z0-9_+\-]+):", lambda m: EMOJI.get(m.group(1), m.group(0)), text)
    return re.sub(r"\x00(\d+)\x00", lambda m: held[int(m.group(1))], text)


def _line(raw: str, reader: Reader) -> str:
    """A line: `inline code` spans kept verbatim, the rest formatted."""
    parts = re.split(r"`([^`\n]+)`", raw)
    return "".join(f"<code>{_text(p)}</code>" if i % 2 else _inline(p, reader)
                   for i, p in enumerate(parts))


def render_mrkdwn(text: str, reader: Reader | None = None) -> str:
    """Slack mrkdwn as HTML: code blocks, quotes, lists, then inline formatting per line."""
    reader = reader or Reader()
    chunks = re.split(r"```(.*?)```", text or "", flags=re.S)
    html_out: list[str] = []
    for i, chunk in enumerate(chunks):
        if i % 2:
            html_out.append(f"<pre>{_text(chunk.strip(chr(10)))}</pre>")
            continue
        lines: list[str] = []
        quote: list[str] = []
        for raw in chunk.split("\n"):
            if raw.startswith("&gt;") or raw.startswith(">"):
                quote.append(_line(re.sub(r"^(&gt;|>) ?", "", raw), reader))
                continue
            if quote:
                lines.append(f"<blockquote>{'<br>'.join(quote)}</blockquote>")
                quote = []
            bullet = re.match(r"^(\s*)([•◦▪\-]) (.*)$", raw)
            if bullet:
                lines.append(f'<span class="li">• {_line(bullet.group(3), reader)}</span>')
            else:
                lines.append(_line(raw, reader))
        if quote:
            lines.append(f"<blockquote>{'<br>'.join(quote)}</blockquote>")
        html_out.append("<br>".join(lines).replace("</blockquote><br>", "</blockquote>")
                        .replace('</span><br><span class="li">', '</span><span class="li">'))
    return "".join(html_out)


def render_plain(text: str, emoji: bool = True) -> str:
    escaped = html.escape(text or "", quote=False)
    if emoji:
        escaped = re.sub(r":([a-z0-9_+\-]+):", lambda m: EMOJI.get(m.group(1), m.group(0)),
                         escaped)
    return escaped


def in_zone(now: datetime, tz: str) -> str:
    """`Tue 1 Dec 2026, 22:30 CET`: the playground's "now" for the acting person."""
    try:
        zone = ZoneInfo(tz or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    local = now.astimezone(zone)
    return local.strftime("%a ") + str(local.day) + local.strftime(" %b %Y, %H:%M %Z")

