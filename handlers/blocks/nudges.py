"""The daily nudge DM: everything due for one person, batched into one message (pure)."""

from __future__ import annotations

from bot.rules.nudges import Item
from handlers.kit.blocks import button, clip, context, escape, section, slack_date
from handlers.kit.ids import NUDGE_SNOOZE, PDP_LOG_PROGRESS, PDP_OPEN


def _line(item: Item) -> str:
    due = slack_date(item.due) if item.due else ""
    owner = escape(item.owner_name) or "your report"
    return {
        "review_soon": f":calendar: Your development plan review is due {due}.",
        "review_overdue": f":hourglass: Your development plan review was due {due}.",
        "review_soon_report": f":calendar: {owner}'s development plan review is due {due}.",
        "review_overdue_report": f":hourglass: {owner}'s development plan review was due "
                                 f"{due}.",
        "stale": f":seedling: No update on *{escape(clip(item.title, 150))}* since {due}.",
    }[item.kind]


def nudge_message(items: list[Item]) -> tuple[str, list[dict]]:
    blocks: list[dict] = [section("A few things in your development plans could use a "
                                  "moment today:")]
    for item in items[:20]:
        if item.kind == "stale":
            update = button("Update now", PDP_LOG_PROGRESS, str(item.ref_id), style="primary")
        else:
            update = button("Update now", PDP_OPEN, str(item.ref_id), style="primary")
        blocks.append(section(_line(item), accessory=update))
    if len(items) > 20:
        blocks.append(context(f"…and {len(items) - 20} more in your plan."))
    subjects = ",".join(sorted({i.subject for i in items}))
    blocks.append({"type": "actions", "block_id": "nudge", "elements": [
        button("Snooze a week", NUDGE_SNOOZE, subjects[:2000])]})
    blocks.append(context("At most one of these a day, on working days."))
    text = f"{len(items)} thing(s) in your development plans could use a moment today"
    return text, blocks


def snoozed_message(until) -> tuple[str, list[dict]]:
    text = "Snoozed for a week."
    return text, [section(f":zzz: Snoozed: no reminder about these until {slack_date(until)}.")]
