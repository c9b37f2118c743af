"""Block Kit for teams: the setup modal and the `/pact team` answer."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import lru_cache

from bot.rules.goals import WEEKDAY_NAMES
from handlers.kit import ids, refusals
from handlers.kit.blocks import (
    channel_ref,
    clip,
    context,
    escape,
    header,
    mention,
    plain,
    plural,
    section,
    slack_datetime,
)

MAX_PREFILL = 100  # people pre-filled in a users select


def _users_input(block_id: str, label: str, users: list[str], hint: str = "",
                 optional: bool = False) -> dict:
    element = {"type": "multi_users_select", "action_id": block_id,
               "placeholder": plain("Choose people")}
    if users:
        element["initial_users"] = list(dict.fromkeys(users))[:MAX_PREFILL]
    block = {"type": "input", "block_id": block_id, "label": plain(label), "element": element,
             "optional": optional}
    if hint:
        block["hint"] = plain(hint)
    return block


def _members_hint(count: int, editing: bool) -> str:
    if count <= MAX_PREFILL:
        return "Pre-filled with the people in this channel; add or remove anyone."
    if editing:
        return (f"{count - MAX_PREFILL} more members are not listed here and stay in the team; "
                "add or remove anyone listed.")
    return (f"Pre-filled with {MAX_PREFILL} of the {count} people in this channel; add anyone "
            "else who belongs to the team.")


def team_setup_modal(*, channel_id: str, name: str, leads: list[str], members: list[str],
                     tz: str, weekday: str, time: str, editing: bool) -> dict:
    """The form bound to `channel_id`: same block and action ids whether new or edited.

    `members` past MAX_PREFILL are not listed (the hint says so); saving keeps them. The
    listener seals the channel into `private_metadata`.
    """
    blocks = [
        section(f"This team is bound to {channel_ref(channel_id)}: its goals, check-ins and "
                "celebrations are posted there."),
        {"type": "input", "block_id": ids.TEAM_NAME, "label": plain("Team name"),
         "element": {"type": "plain_text_input", "action_id": ids.TEAM_NAME, "max_length": 80,
                     "initial_value": clip(name, 80)}},
        _users_input(ids.TEAM_LEADS, "Leads", leads,
                     "Leads create goals and may change the team's settings."),
        _users_input(ids.TEAM_MEMBERS, "Members", members,
                     _members_hint(len(members), editing),
                     optional=True),
        {"type": "input", "block_id": ids.TEAM_TZ, "label": plain("Timezone"),
         "hint": plain("The team's timezone for check-ins and dates: type to search, "
                       "e.g. Berlin."),
         "element": timezone_select(tz)},
        {"type": "input", "block_id": ids.TEAM_WEEKDAY, "label": plain("Weekly check-in day"),
         "element": {"type": "static_select", "action_id": ids.TEAM_WEEKDAY,
                     "options": [{"text": plain(label), "value": key}
                                 for key, label in WEEKDAY_NAMES.items()],
                     "initial_option": {"text": plain(WEEKDAY_NAMES.get(weekday, "Monday")),
                                        "value": weekday if weekday in WEEKDAY_NAMES
                                        else "mon"}}},
        {"type": "input", "block_id": ids.TEAM_TIME, "label": plain("Check-in time"),
         "element": {"type": "timepicker", "action_id": ids.TEAM_TIME,
                     "initial_time": time or "10:00"}},
    ]
    return {"type": "modal", "callback_id": ids.TEAM_SETUP,
            "title": plain("Edit team" if editing else "Set up your team", 24),
            "submit": plain("Save", 24), "close": plain("Cancel", 24), "blocks": blocks}


def _people(ids: list[str], limit: int = 40) -> str:
    shown = " ".join(f"{mention(u)}" for u in ids[:limit])
    if len(ids) > limit:
        shown += f" and {len(ids) - limit} more"
    return shown or "nobody yet"


def checkin_line(weekday: str, time: str, tz: str, next_at: datetime | None) -> str:
    """The weekly check-in in the team's words, and its next occurrence in each reader's own
    timezone (Slack's date token)."""
    line = f"*Weekly check-in:* {WEEKDAY_NAMES.get(weekday, weekday)}s at {time} ({escape(tz)})"
    if next_at is not None:
        line += f", next {slack_datetime(next_at)}"
    return line


def team_summary(*, name: str, channel_id: str, leads: list[str], members: list[str], tz: str,
                 weekday: str, time: str, goals: list[tuple[str, int]],
                 paused_reason: str | None = None, next_checkin: datetime | None = None,
                 absences: str = "") -> dict:
    """The `/pact team` answer (ephemeral). `goals`: (title, percent) of active goals;
    `absences`: who is away, what is held or moved (already safe mrkdwn)."""
    blocks = [
        header(f"👥 {name}"),
        section(f"*Channel:* {channel_ref(channel_id)}\n*Leads:* {_people(leads)}\n"
                f"*Members:* {_people(members)}\n"
                + checkin_line(weekday, time, tz, None if paused_reason else next_checkin)),
    ]
    if paused_reason:
        blocks.append(section(f"⏸️ Paused: {escape(paused_reason)}"))
    if absences:
        blocks.append(context(absences))
    if goals:
        lines = [f"• {escape(clip(t, 150))} — {p}%" for t, p in goals[:20]]
        if len(goals) > 20:
            lines.append(f"…and {len(goals) - 20} more")
        blocks.append(section("*Active goals:*\n" + "\n".join(lines)))
    else:
        blocks.append(section("No active goals yet. A lead starts one with `/pact goal new`."))
    blocks.append(context("Leads and workspace admins change this with `/pact team setup`."))
    text = (f"{escape(name)}: {plural(len(leads), 'lead')}, "
            f"{plural(len(members), 'member')}, {plural(len(goals), 'active goal')}")
    return {"response_type": "ephemeral", "text": text, "blocks": blocks}


def no_team_message(channel_id: str = "") -> dict:
    """The answer in a channel without a team (a direct message is never a team's channel)."""
    text = refusals.NO_TEAM_IN_DM if channel_id[:1] == "D" else refusals.NO_TEAM_YET
    return {"response_type": "ephemeral", "text": text, "blocks": [section(text)]}


def team_saved_message(*, name: str, channel_id: str, leads: list[str], members: list[str],
                       tz: str, weekday: str, time: str, created: bool,
                       next_checkin: datetime | None = None) -> tuple[str, list]:
    """The channel post after setup: who is in and when the team meets Pact each week."""
    verb = "is set up" if created else "was updated"
    # "Team Alpha is set up", never "Team Team Alpha".
    named = name if name.lower().startswith("team") else f"Team {name}"
    text = f"{escape(named)} {verb} in this channel."
    blocks = [
        section(f"👥 *{escape(name)}* {verb} in {channel_ref(channel_id)}.\n*Leads:* {_people(leads)}\n"
                f"*Members:* {_people(members)}\n"
                + checkin_line(weekday, time, tz, next_checkin)),
        context("Leads start a shared goal with `/pact goal new`; `/pact team` shows the team."),
    ]
    return text, blocks


def timezone_select(current: str) -> dict:
    """Every IANA timezone in a searchable select, grouped by region (Slack allows 100 options
    per group), with `current` chosen (added when it is an alias outside the list)."""
    zones = timezone_names()
    chosen = current if current else "UTC"
    regions: dict[str, list[str]] = {}
    for name in zones:
        regions.setdefault(name.split("/", 1)[0] if "/" in name else "UTC", []).append(name)
    groups: dict[str, list[str]] = {}
    for region, names in regions.items():
        parts = [names[i:i + 100] for i in range(0, len(names), 100)]
        for part in parts:  # a region over Slack's 100 options is split, labelled by letters
            label = region if len(parts) == 1 else \
                f"{region} ({_city(part[0])[:1]}–{_city(part[-1])[:1]})"
            groups[label] = part
    if chosen not in zones:
        groups.setdefault("Other", []).append(chosen)

    def option(name: str) -> dict:
        return {"text": plain(clip(name.replace("_", " "), 75)), "value": name[:150]}

    return {"type": "static_select", "action_id": ids.TEAM_TZ,
            "option_groups": [{"label": plain(region), "options": [option(n) for n in names]}
                              for region, names in groups.items()],
            "initial_option": option(chosen)}


def _city(name: str) -> str:
    return name.split("/", 1)[-1]


@lru_cache(maxsize=1)
def timezone_names() -> tuple[str, ...]:
    """The canonical region/city names (no legacy aliases such as US/Eastern), UTC first."""
    regions = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia",
               "Europe", "Indian", "Pacific")
    return ("UTC", *sorted(n for n in zoneinfo.available_timezones()
                           if n.split("/", 1)[0] in regions))
