"""Block Kit for the goal modals people type into: the new/edit goal form and progress."""

from __future__ import annotations

from decimal import Decimal

from bot.rules.goals import MAX_MILESTONES, MILESTONE_TITLE_MAX, NOTE_MAX, TITLE_MAX, milestone_keys
from handlers.goals.posts import GoalCard, progress_line
from handlers.kit.blocks import button, channel_ref, clip, context, divider, escape, plain, section
from handlers.kit.ids import GOAL_FORM, GOAL_FORM_ADD_MILESTONE, GOAL_PROGRESS_FORM

FIRST_ROWS = 3


def _text_input(block_id: str, label: str, value: str | None, *, optional=False,
                max_length: int | None = None, multiline=False, placeholder: str = "",
                hint: str = "") -> dict:
    element = {"type": "plain_text_input", "action_id": block_id, "multiline": multiline}
    if max_length:
        element["max_length"] = max_length
    if value:
        element["initial_value"] = clip(value, max_length or 3000)
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    block = {"type": "input", "block_id": block_id, "label": plain(label), "element": element,
             "optional": optional}
    if hint:
        block["hint"] = plain(hint)
    return block


def _number_input(block_id: str, label: str, value: str | None, *, optional=False,
                  hint: str = "") -> dict:
    element = {"type": "number_input", "action_id": block_id, "is_decimal_allowed": True}
    if value not in (None, ""):
        element["initial_value"] = str(value)
    block = {"type": "input", "block_id": block_id, "label": plain(label), "element": element,
             "optional": optional}
    if hint:
        block["hint"] = plain(hint)
    return block


def _date_input(block_id: str, label: str, value: str | None, *, optional=False) -> dict:
    element = {"type": "datepicker", "action_id": block_id}
    if value:
        element["initial_date"] = str(value)
    return {"type": "input", "block_id": block_id, "label": plain(label), "element": element,
            "optional": optional}


def goal_form_modal(*, channel_id: str, editing: bool = False, values: dict | None = None,
                    rows: int = FIRST_ROWS) -> dict:
    """The new/edit goal modal. `values`: field key -> text to show (typed or stored). The
    caller seals which team, goal and rows it is for into its metadata.

    Block and action ids are the field keys, stable across updates, so adding a milestone row
    (views.update) keeps everything typed so far.
    """
    v = values or {}
    rows = max(1, min(rows, MAX_MILESTONES))
    blocks = [
        section(f"A shared goal for the team in {channel_ref(channel_id)}: one measurable outcome, "
                "reached through milestones you review together."),
        _text_input("title", "Title", v.get("title"), max_length=TITLE_MAX,
                    placeholder="e.g. Everyone certified in Scrum"),
        _text_input("metric", "What is measured", v.get("metric"), max_length=200,
                    placeholder="e.g. team members certified"),
        _number_input("baseline", "Starting value (baseline)", v.get("baseline")),
        _number_input("target", "Target", v.get("target"),
                      hint="Lower than the baseline for goals that go down, e.g. cycle time."),
        _text_input("unit", "Unit", v.get("unit"), optional=True, max_length=40,
                    placeholder="e.g. people, days, %"),
        _date_input("due", "Due date", v.get("due")),
        _text_input("project", "Linked project (text or URL)", v.get("project"), optional=True,
                    max_length=500),
        divider(),
        section("*Milestones* — collective checkpoints, each with a title and a date."),
    ]
    for row in range(rows):
        k_title, k_date = milestone_keys(row)
        blocks.append(_text_input(k_title, f"Milestone {row + 1}", v.get(k_title),
                                  optional=True, max_length=MILESTONE_TITLE_MAX))
        blocks.append(_date_input(k_date, f"Milestone {row + 1} date", v.get(k_date),
                                  optional=True))
    if rows < MAX_MILESTONES:
        blocks.append({"type": "actions", "block_id": "milestone_rows", "elements": [
            button("➕ Add a milestone", GOAL_FORM_ADD_MILESTONE, str(rows))]})
    else:
        blocks.append(context(f"Up to {MAX_MILESTONES} milestones."))
    return {"type": "modal", "callback_id": GOAL_FORM,
            "title": plain("Edit goal" if editing else "New shared goal", 24),
            "submit": plain("Save" if editing else "Create goal", 24),
            "close": plain("Cancel", 24), "blocks": blocks}


def exact_number(value: float) -> str:
    """`value` as a form shows it for editing: every stored digit, no exponent, no grouping
    (format_number rounds to 4 decimals, which an unchanged edit would then save)."""
    text = format(Decimal(repr(float(value))), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def goal_form_values(card: GoalCard) -> dict[str, str]:
    """The stored goal as form values, for editing."""
    values = {"title": card.title, "metric": card.metric,
              "baseline": exact_number(card.baseline),
              "target": exact_number(card.target), "unit": card.unit,
              "due": card.due_date.isoformat(), "project": card.project}
    for row, m in enumerate(card.milestones):
        k_title, k_date = milestone_keys(row)
        values[k_title] = m["title"]
        values[k_date] = m["due_date"].isoformat()
    return values


# ---- progress --------------------------------------------------------------------------------

def progress_modal(card: GoalCard | None, *, choices: list[tuple[int, str]] | None = None
                   ) -> dict:
    """Log progress on `card`, or (from `/pact goal update` with several goals) on a goal picked
    from `choices` (id, title). The caller seals the goal and where it was opened from."""
    blocks: list[dict] = []
    if card is not None:
        blocks += [section(f"*{escape(clip(card.title, 150))}*\n{progress_line(card)}")]
    if choices:
        blocks.append({"type": "input", "block_id": "goal", "label": plain("Goal"),
                       "element": {"type": "static_select", "action_id": "goal",
                                   "options": [{"text": plain(clip(t, 75), 75),
                                                "value": str(i)} for i, t in choices[:100]]}})
    unit = f" ({card.unit})" if card is not None and card.unit else ""
    blocks += [
        _number_input("value", f"Value{unit}", None, optional=True,
                      hint="Leave empty to post only a note."),
        {"type": "input", "block_id": "mode", "label": plain("This value is"), "optional": True,
         "element": {"type": "radio_buttons", "action_id": "mode",
                     "initial_option": {"text": plain("the new total"), "value": "set"},
                     "options": [{"text": plain("the new total"), "value": "set"},
                                 {"text": plain("an amount to add to the total"),
                                  "value": "add"}]}},
        _text_input("note", "Note", None, optional=True, multiline=True, max_length=NOTE_MAX,
                    placeholder="What happened? Wins, struggles, what's next."),
        context("Every update is kept. Your note goes in the goal's thread in the channel."),
    ]
    return {"type": "modal", "callback_id": GOAL_PROGRESS_FORM,
            "title": plain("Log progress", 24), "submit": plain("Save", 24),
            "close": plain("Cancel", 24), "blocks": blocks}
