"""The development plan's forms: the plan, an objective, progress, a manager's comment.

Each block id is also its element's action id, read back with `handlers.kit.forms.Form`.
"""

from __future__ import annotations

from bot.rules import pdp as rules
from bot.rules.visibility import LEVEL_LABELS, LEVELS, ObjectiveFacts, PlanView
from handlers.kit import ids
from handlers.kit.blocks import button, clip, escape, plain, progress_bar, section
from handlers.pdp.views import modal, person


def _option(text: str, value: str) -> dict:
    return {"text": plain(text, 75), "value": value}


def _select(action_id: str, options: list[tuple[str, str]], initial: str | None,
            placeholder: str = "Choose") -> dict:
    element = {"type": "static_select", "action_id": action_id,
               "placeholder": plain(placeholder, 150),
               "options": [_option(t, v) for t, v in options]}
    chosen = [o for o in element["options"] if o["value"] == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return element


def _input(block_id: str, label: str, element: dict, *, optional: bool = False,
           hint: str | None = None) -> dict:
    block = {"type": "input", "block_id": block_id, "label": plain(label, 2000),
             "element": element, "optional": optional}
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def _text_input(action_id: str, initial: str = "", *, multiline: bool = False,
                max_length: int = 3000, placeholder: str = "") -> dict:
    element = {"type": "plain_text_input", "action_id": action_id, "multiline": multiline,
               "max_length": max_length}
    if initial:
        element["initial_value"] = initial[:max_length]
    if placeholder:
        element["placeholder"] = plain(placeholder, 150)
    return element


def visibility_select(action_id: str, initial: str) -> dict:
    return _select(action_id, [(LEVEL_LABELS[v], v) for v in LEVELS], initial or "private")


def _progress_input(initial: int) -> dict:
    return {"type": "number_input", "action_id": "progress", "is_decimal_allowed": False,
            "min_value": "0", "max_value": "100", "initial_value": str(initial)}


def plan_form(view: PlanView | None) -> dict:
    """Create (view None) or edit the plan's sections, manager and cadence."""
    first = view is None or not view.exists
    blocks: list[dict] = []
    if first:
        blocks.append(section(
            "Your development plan is *private by default*: you choose, section by section and "
            "objective by objective, who else may see it. Your manager sees only what you "
            "share with them."))
    blocks += [
        _input("aspiration", "Long-term aspiration",
               _text_input("aspiration", (view.aspiration or "") if view else "",
                           multiline=True, max_length=rules.ASPIRATION_MAX,
                           placeholder="Where do you want to be in two or three years?"),
               optional=True),
        _input("aspiration_visibility", "Who may see your aspiration",
               visibility_select("aspiration_visibility",
                                 (view.aspiration_visibility if view else None) or "private")),
        _input("skill_gaps", "Skill gaps to close",
               _text_input("skill_gaps", (view.skill_gaps or "") if view else "",
                           multiline=True, max_length=rules.SKILL_GAPS_MAX,
                           placeholder="What stands between you and that aspiration?"),
               optional=True),
        _input("skill_gaps_visibility", "Who may see your skill gaps",
               visibility_select("skill_gaps_visibility",
                                 (view.skill_gaps_visibility if view else None) or "private")),
    ]
    manager = {"type": "users_select", "action_id": "manager",
               "placeholder": plain("Who reviews your plan with you?", 150)}
    if view and view.manager_user:
        manager["initial_user"] = view.manager_user
    blocks.append(_input("manager", "Manager", manager, optional=True,
                         hint="They get a message with what you share with them and can "
                              "comment on or approve your plan."))
    cadence = view.dates.cadence_months if view and view.dates else rules.DEFAULT_CADENCE
    blocks.append(_input("cadence", "Review cadence",
                         _select("cadence", [(label, str(m)) for m, label
                                             in rules.CADENCES.items()], str(cadence))))
    return modal(ids.PDP_PLAN_FORM, "Development plan" if first else "Edit your plan", blocks,
                 submit="Create plan" if first else "Save")


def _goal_input(o: ObjectiveFacts | None, goals: list[tuple[int, str]],
                pre: dict) -> dict | None:
    if o and o.goal_id and all(gid != o.goal_id for gid, _ in goals):
        # linked to a goal no longer active: still offered, so an edit keeps the link
        goals = [(o.goal_id, o.goal_title or "The linked goal"), *goals]
    goal_options = [(clip(t, 75), str(gid)) for gid, t in goals[:99]]
    if not goal_options:
        return None
    current_goal = (o.goal_id if o else pre.get("goal_id"))
    return _input("goal", "Serves a shared goal of your team",
                  _select("goal", [("No linked goal", "none")] + goal_options,
                          str(current_goal) if current_goal else "none"),
                  optional=True)


def objective_form(objective: ObjectiveFacts | None, goals: list[tuple[int, str]], *,
                   prefill: dict | None = None) -> dict:
    """Add or edit an objective. `prefill` gives initial values (e.g. from a shared goal)."""
    o = objective
    pre = prefill or {}
    title = o.title if o else pre.get("title", "")
    blocks = [
        _input("title", "Objective", _text_input("title", title, max_length=rules.TITLE_MAX,
                                                 placeholder="e.g. Run a sprint review")),
        _input("skill", "Skill it builds",
               _text_input("skill", o.skill if o else pre.get("skill", ""),
                           max_length=rules.SKILL_MAX), optional=True),
        _input("actions", "Actions",
               _text_input("actions", o.actions if o else pre.get("actions", ""),
                           multiline=True, max_length=rules.ACTIONS_MAX,
                           placeholder="Concrete steps, ideally inside your daily work"),
               optional=True),
    ]
    picker = {"type": "datepicker", "action_id": "target_date",
              "placeholder": plain("Pick a date", 150)}
    target = o.target_date if o else pre.get("target_date")
    if target:
        picker["initial_date"] = target.isoformat()
    blocks.append(_input("target_date", "Target date", picker, optional=True))
    goal = _goal_input(o, goals, pre)
    if goal is not None:
        blocks.append(goal)
    if o:
        blocks.append(_input("status", "Status",
                             _select("status", [(rules.STATUS_LABELS[s], s)
                                                for s in rules.STATUSES], o.status)))
        blocks.append(_input("progress", "Progress (%)", _progress_input(o.progress)))
    blocks.append(_input("visibility", "Who may see this objective",
                         visibility_select("visibility",
                                           (o.visibility if o else pre.get("visibility"))
                                           or "private"),
                         hint="Team-visible objectives are celebrated in your team's channel "
                              "when done; the others get a private congratulation."))
    return modal(ids.PDP_OBJECTIVE_FORM, "Edit objective" if o else "New objective", blocks,
                 submit="Save" if o else "Add")


def progress_form(objective: ObjectiveFacts) -> dict:
    blocks = [
        section(f"*{escape(clip(objective.title, 300))}*\n{progress_bar(objective.progress / 100)}",
                accessory=button("I'm stuck", ids.PACT_STUCK, str(objective.id))),
        _input("progress", "Progress now (%)", _progress_input(objective.progress),
               hint="100% marks the objective done."),
        _input("note", "What did you do?", _text_input("note", multiline=True,
                                                       max_length=rules.NOTE_MAX),
               optional=True),
    ]
    return modal(ids.PDP_PROGRESS_FORM, "Log progress", blocks, submit="Log")


def comment_form(owner_user: str) -> dict:
    blocks = [
        section(f"Your comment goes to {person(owner_user)} by DM and is kept with their plan."),
        _input("comment", "Comment", _text_input("comment", multiline=True,
                                                 max_length=rules.COMMENT_MAX)),
        _input("approve", "Outcome",
               {"type": "checkboxes", "action_id": "approve",
                "options": [_option("Approve the plan as well", "approve")]}, optional=True),
    ]
    return modal(ids.PDP_COMMENT_FORM, "Comment on the plan", blocks, submit="Send")
