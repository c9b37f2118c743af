"""Block Kit for a goal's details modal."""

from __future__ import annotations

from bot.rules.goals import format_number
from handlers.goals.posts import GoalCard, milestone_line, outcome_line, progress_line, status_badge
from handlers.kit.blocks import (
    button,
    clip,
    confirm_dialog,
    context,
    escape,
    header,
    mention,
    plain,
    section,
    slack_datetime,
)
from handlers.kit.ids import (
    GOAL_ARCHIVE,
    GOAL_DETAILS_VIEW,
    GOAL_EDIT,
    GOAL_LOG_PROGRESS,
    GOAL_MARK_ACHIEVED,
    MILESTONE_MARK_DONE,
)


def details_modal(card: GoalCard, *, can_edit: bool, can_take_part: bool,
                  can_mark_achieved: bool, updates: list[dict], extra: list[dict]) -> dict:
    """A goal's details. `updates`: dicts user, value, note, at (newest first)."""
    blocks = [header(clip(card.title, 150)), section(outcome_line(card)),
              section(progress_line(card))]
    badge = status_badge(card)
    if badge:
        blocks.append(context(f"*{badge}*"))
    if card.milestones:
        blocks.append(section("*Milestones*"))
        for m in card.milestones[:30]:
            block = section(milestone_line(m, card.tz), block_id=f"milestone_{m['id']}")
            if m["done_at"] is None and can_take_part and card.status == "active":
                block["accessory"] = button("Mark done", MILESTONE_MARK_DONE, str(m["id"]))
            blocks.append(block)
    who = " ".join(f"{mention(u)}" for u in card.participants[:40]) or "nobody yet"
    if len(card.participants) > 40:
        who += f" and {len(card.participants) - 40} more"
    blocks.append(section(f"*In:* {who}\n*Owner:* {mention(card.owner)}"))
    if updates:
        blocks.append(section("*Recent updates*"))
        for u in updates[:8]:
            value = f" → *{format_number(u['value'])}*" if u["value"] is not None else ""
            note = f": {escape(clip(u['note'], 300))}" if u["note"] else ""
            blocks.append(context(f"{mention(u['user'])}{value}{note} · {slack_datetime(u['at'])}"))
    room = 100 - len(blocks) - 2
    if extra and room > 0:
        blocks.extend(extra[:room])
    elements = []
    if card.status == "active" and can_take_part:
        elements.append(button("Log progress", GOAL_LOG_PROGRESS, str(card.id),
                               style="primary"))
    if can_edit and card.status == "active":
        elements.append(button("Edit", GOAL_EDIT, str(card.id)))
        if can_mark_achieved:
            elements.append(button("Mark achieved 🎉", GOAL_MARK_ACHIEVED, str(card.id),
                                   confirm=_achieve_confirm(card)))
        elements.append(button("Archive", GOAL_ARCHIVE, str(card.id), style="danger",
                               confirm=confirm_dialog(
                                   "Archive this goal?",
                                   "It leaves the team's active goals and the Home tab. "
                                   "Its history is kept.", "Archive")))
    if elements:
        blocks.append({"type": "actions", "block_id": "goal_detail_actions",
                       "elements": elements})
    return {"type": "modal", "callback_id": GOAL_DETAILS_VIEW,
            "title": plain("Goal details", 24), "close": plain("Close", 24),
            "blocks": blocks[:100]}


def _achieve_confirm(card: GoalCard) -> dict:
    confirm = confirm_dialog("Mark this goal achieved?",
                             "Pact will celebrate it in the channel and thank everyone who "
                             "took part.", "Mark achieved")
    confirm.pop("style", None)
    return confirm
