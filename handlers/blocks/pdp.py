"""Block Kit for development plans.

Every renderer that shows plan content takes a `PlanView` (bot/rules/visibility.py): the plan
already filtered for whoever will read it. Nothing here looks at stored rows.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime

from bot.rules import pdp as rules
from bot.rules.visibility import LEVEL_LABELS, LEVELS, ObjectiveFacts, PlanView
from handlers.kit import ids as shared
from handlers.kit.blocks import (
    button,
    clip,
    confirm_dialog,
    context,
    escape,
    header,
    plain,
    progress_bar,
    section,
    slack_date,
)

# Action ids handled in handlers/pdp.py (shared ones live in handlers/action_ids.py).
EDIT_PLAN = "pdp_edit_plan"
ADD_OBJECTIVE = "pdp_add_objective"
EDIT_OBJECTIVE = "pdp_edit_objective"  # value: objective id
REQUEST_REVIEW = "pdp_request_review"
HISTORY = "pdp_history"
REVIEW_COMMENT = "pdp_review_comment"  # value: plan id
REVIEW_APPROVE = "pdp_review_approve"  # value: plan id
VIEW_REPORT = "pdp_view_report"  # value: plan id
DELETE_CONFIRMED = "pdp_delete_confirmed"  # value: plan id

# Modal callback ids.
PLAN_FORM = "pdp_plan"
OBJECTIVE_FORM = "pdp_objective"
PROGRESS_FORM = "pdp_progress"
COMMENT_FORM = "pdp_review_comment_form"
SUMMARY = "pdp_summary"
READONLY = "pdp_readonly"

# Visibility labels as others read them (the owner reads "Only me", a manager "shared with you").
SHARED_WITH = {"private": "private", "manager": "shared with the manager",
               "team": "shared with the team"}
NOT_SHARED = "not shared with you"
MAX_OBJECTIVE_ROWS = rules.MAX_OPEN_OBJECTIVES


def _who(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else "someone"


def _date(value: datetime | date | None) -> str:
    return slack_date(value) if value is not None else "—"


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


def _modal(callback_id: str, title: str, blocks: list[dict], *, submit: str | None = None,
           close: str = "Cancel", metadata: dict | None = None) -> dict:
    view = {"type": "modal", "callback_id": callback_id, "title": plain(title, 24),
            "close": plain(close, 24), "blocks": blocks[:100] or [section(" ")]}
    if submit:
        view["submit"] = plain(submit, 24)
    if metadata is not None:
        view["private_metadata"] = json.dumps(metadata, separators=(",", ":"))[:3000]
    return view


# ---- forms ---------------------------------------------------------------------------------


def plan_form(view: PlanView | None, *, metadata: dict) -> dict:
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
    return _modal(PLAN_FORM, "Development plan" if first else "Edit your plan", blocks,
                  submit="Create plan" if first else "Save", metadata=metadata)


def objective_form(objective: ObjectiveFacts | None, goals: list[tuple[int, str]], *,
                   metadata: dict, prefill: dict | None = None) -> dict:
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
    if o and o.goal_id and all(gid != o.goal_id for gid, _ in goals):
        # linked to a goal no longer active: still offered, so an edit keeps the link
        goals = [(o.goal_id, o.goal_title or "The linked goal"), *goals]
    goal_options = [(clip(t, 75), str(gid)) for gid, t in goals[:99]]
    current_goal = (o.goal_id if o else pre.get("goal_id"))
    if goal_options:
        blocks.append(_input("goal", "Serves a shared goal of your team",
                             _select("goal", [("No linked goal", "none")] + goal_options,
                                     str(current_goal) if current_goal else "none"),
                             optional=True))
    if o:
        blocks.append(_input("status", "Status",
                             _select("status", [(rules.STATUS_LABELS[s], s)
                                                for s in rules.STATUSES], o.status)))
        blocks.append(_input("progress", "Progress (%)",
                             {"type": "number_input", "action_id": "progress",
                              "is_decimal_allowed": False, "min_value": "0",
                              "max_value": "100", "initial_value": str(o.progress)}))
    blocks.append(_input("visibility", "Who may see this objective",
                         visibility_select("visibility",
                                           (o.visibility if o else pre.get("visibility"))
                                           or "private"),
                         hint="Team-visible objectives are celebrated in your team's channel "
                              "when done; the others get a private congratulation."))
    return _modal(OBJECTIVE_FORM, "Edit objective" if o else "New objective", blocks,
                  submit="Save" if o else "Add", metadata=metadata)


def progress_form(objective: ObjectiveFacts, *, metadata: dict) -> dict:
    blocks = [
        section(f"*{escape(clip(objective.title, 300))}*\n{progress_bar(objective.progress / 100)}"),
        _input("progress", "Progress now (%)",
               {"type": "number_input", "action_id": "progress", "is_decimal_allowed": False,
                "min_value": "0", "max_value": "100", "initial_value": str(objective.progress)},
               hint="100% marks the objective done."),
        _input("note", "What did you do?", _text_input("note", multiline=True,
                                                       max_length=rules.NOTE_MAX),
               optional=True),
    ]
    return _modal(PROGRESS_FORM, "Log progress", blocks, submit="Log", metadata=metadata)


def comment_form(owner_user: str, *, metadata: dict) -> dict:
    blocks = [
        section(f"Your comment goes to {_who(owner_user)} by DM and is kept with their plan."),
        _input("comment", "Comment", _text_input("comment", multiline=True,
                                                 max_length=rules.COMMENT_MAX)),
        _input("approve", "Outcome",
               {"type": "checkboxes", "action_id": "approve",
                "options": [_option("Approve the plan as well", "approve")]}, optional=True),
    ]
    return _modal(COMMENT_FORM, "Comment on the plan", blocks, submit="Send",
                  metadata=metadata)


# ---- the plan, for any viewer --------------------------------------------------------------


def _label(view: PlanView, visibility: str | None) -> str:
    if visibility is None:
        return ""
    if view.viewer.is_owner:
        return f"_{LEVEL_LABELS.get(visibility, visibility)}_"
    return f"_{SHARED_WITH.get(visibility, '')}_"


def objective_text(o: ObjectiveFacts, view: PlanView) -> str:
    lines = [f"*{escape(clip(o.title, 300))}* · {rules.STATUS_LABELS.get(o.status, o.status)}",
             progress_bar(o.progress / 100)]
    facts = []
    if o.target_date:
        facts.append(f"target {_date(o.target_date)}")
    if o.skill:
        facts.append(f"skill: {escape(clip(o.skill, 150))}")
    if o.goal_title:
        facts.append(f"serves _{escape(clip(o.goal_title, 150))}_")
    label = _label(view, o.visibility)
    if label:
        facts.append(label)
    if facts:
        lines.append(" · ".join(facts))
    if o.actions:
        lines.append(escape(clip(o.actions, 1500)))
    return clip("\n".join(lines), 3000)


def _dates_text(view: PlanView, now: datetime) -> str | None:
    d = view.dates
    if d is None:
        return None
    state = rules.review_state(d.next_review_at, now)
    parts = [f"Reviewed {rules.CADENCES.get(d.cadence_months, f'every {d.cadence_months} months').lower()}",
             f"last review {_date(d.last_review_at)}" if d.last_review_at else "not reviewed yet",
             f"next review {_date(d.next_review_at)}"
             + (" (*overdue*)" if state == "overdue" else " (soon)" if state == "due_soon" else "")]
    if d.review_requested_at:
        parts.append(f"review requested {_date(d.review_requested_at)}")
    return " · ".join(parts)


def plan_blocks(view: PlanView, now: datetime, *, owner_buttons: bool = False,
                max_blocks: int = 45) -> list[dict]:
    """The plan as `view.viewer` may see it. With `owner_buttons`, each open objective gets
    "Log progress" and "Edit" buttons (the owner's summary modal)."""
    blocks: list[dict] = []
    if view.aspiration is not None:
        blocks.append(section(f"*Long-term aspiration* {_label(view, view.aspiration_visibility)}"
                              f"\n{escape(clip(view.aspiration, 2800)) or '_Not written yet._'}"))
    if view.skill_gaps is not None:
        blocks.append(section(f"*Skill gaps* {_label(view, view.skill_gaps_visibility)}"
                              f"\n{escape(clip(view.skill_gaps, 2800)) or '_Not written yet._'}"))
    facts = []
    if view.manager_user:
        facts.append(f"Manager: {_who(view.manager_user)}")
    elif view.viewer.is_owner:
        facts.append("No manager chosen yet")
    dates = _dates_text(view, now)
    if dates:
        facts.append(dates)
    if facts:
        blocks.append(context(*facts))
    open_ones = [o for o in view.objectives if o.status in rules.OPEN_STATUSES]
    closed = [o for o in view.objectives if o.status not in rules.OPEN_STATUSES]
    per_objective = 2 if owner_buttons else 1
    room = max(0, (max_blocks - len(blocks) - 4) // per_objective)
    if view.objectives:
        blocks.append(section(f"*Objectives* ({len(open_ones)} open, {len(closed)} closed)"))
    elif view.viewer.is_owner:
        blocks.append(section("*Objectives*\n_None yet. Add the first one: a skill to build "
                              "and the actions that build it._"))
    for o in open_ones[:room]:
        blocks.append(section(objective_text(o, view)))
        if owner_buttons:
            blocks.append({"type": "actions", "block_id": f"objective_{o.id}", "elements": [
                button("Log progress", shared.PDP_LOG_PROGRESS, str(o.id)),
                button("Edit", EDIT_OBJECTIVE, str(o.id))]})
    if len(open_ones) > room:
        blocks.append(context(f"…and {len(open_ones) - room} more open objectives."))
    if closed:
        lines = []
        for o in closed[:20]:
            mark = "✅" if o.status == "done" else "✖️"
            when = f" {_date(o.done_at)}" if o.done_at else ""
            lines.append(f"{mark} {escape(clip(o.title, 100))}{when}")
        more = f"\n…and {len(closed) - 20} more" if len(closed) > 20 else ""
        blocks.append(section(clip("*Done and dropped*\n" + "\n".join(lines) + more, 3000)))
    if view.reviews:
        lines = []
        for r in view.reviews[-3:]:
            verb = "approved the plan" if r.outcome == "approved" else "commented"
            comment = f": “{escape(clip(r.comment, 400))}”" if r.comment else ""
            lines.append(f"{_who(r.reviewer_user)} {verb} {_date(r.at)}{comment}")
        blocks.append(section(clip("*Reviews*\n" + "\n".join(lines), 3000)))
    return blocks[:max_blocks]


def summary_modal(view: PlanView, now: datetime, *, metadata: dict,
                  notice: str | None = None) -> dict:
    """The owner's plan with everything they can do to it (`notice`: a line on top)."""
    blocks = [section(notice)] if notice else []
    blocks += [{"type": "actions", "block_id": "plan_actions", "elements": [
        button("Edit plan", EDIT_PLAN, style="primary"),
        button("Add objective", ADD_OBJECTIVE),
        button("Request review", REQUEST_REVIEW),
        button("History", HISTORY)]}]
    blocks += plan_blocks(view, now, owner_buttons=True, max_blocks=94)
    blocks.append(context("Private by default: every section and objective says who may see "
                          "it. `/pact pdp export` sends you a copy; `/pact pdp delete` "
                          "removes it."))
    return _modal(SUMMARY, "Your development plan", blocks, close="Done", metadata=metadata)


def readonly_modal(view: PlanView, now: datetime, *, buttons: list[dict] | None = None) -> dict:
    blocks = [section(f"*{_who(view.owner_user)}'s development plan*, as you may see it.")]
    blocks += plan_blocks(view, now, max_blocks=94)
    if buttons:
        blocks.append({"type": "actions", "block_id": "review_actions", "elements": buttons})
    return _modal(READONLY, "Development plan", blocks, close="Close")


_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]+)&gt;")


def _with_mentions(text: str) -> str:
    """Escaped text in which Pact's own `<@U…>` mentions stay mentions."""
    return _MENTION.sub(r"<@\1>", escape(text))


def info_modal(title: str, text: str) -> dict:
    return _modal(READONLY, title, [section(text)], close="Close")


def history_modal(view: PlanView) -> dict:
    """The living document's history, newest first (the owner only)."""
    blocks: list[dict] = [section("*What changed in your plan*, newest first.")]
    rows = list(reversed(view.history))
    lines = [f"{_date(c.at)} · {_who(c.actor_user)} · {_with_mentions(clip(c.what, 300))}"
             for c in rows]
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2800:
            blocks.append(section("\n".join(chunk)))
            chunk = []
            if len(blocks) >= 95:
                break
        chunk.append(line)
    if chunk and len(blocks) < 96:
        blocks.append(section("\n".join(chunk)))
    if not rows:
        blocks.append(section("_Nothing yet._"))
    if len(lines) > 0 and len(blocks) >= 96:
        blocks.append(context("Older changes are in `/pact pdp export`."))
    return _modal(READONLY, "Plan history", blocks, close="Back")


# ---- messages ------------------------------------------------------------------------------


def plan_message(view: PlanView, now: datetime) -> dict:
    """`/pact pdp @someone`: what the asker may see, or that it is not shared with them."""
    who = _who(view.owner_user)
    if not view.exists:
        if view.viewer.is_admin or view.viewer.is_owner:
            text = f"{who} has no development plan in Pact yet."
        else:
            text = f"{who}'s development plan is not shared with you."
        return {"text": text, "blocks": [section(text)]}
    if not view.shares_content:
        if view.dates is not None:
            text = f"{who} has a development plan. Its content is not shared with you."
            return {"text": text, "blocks": [section(text), context(_dates_text(view, now))]}
        text = f"{who}'s development plan is not shared with you."
        return {"text": text, "blocks": [section(text)]}
    blocks = [section(f"*{who}'s development plan*, as you may see it.")]
    blocks += plan_blocks(view, now, max_blocks=47)
    return {"text": f"{who}'s development plan", "blocks": blocks}


def manager_message(view: PlanView, now: datetime, *, pdp_id: int, reason: str) -> dict:
    """A DM to the manager: what the report shares with them, with Comment and Approve.
    `reason` is 'chosen' (picked as manager) or 'review' (asked for a review)."""
    who = _who(view.owner_user)
    if reason == "chosen":
        intro = (f"{who} chose you as their manager in Pact. Here is what they share with you "
                 "from their development plan; you can comment or approve it.")
        text = f"{who} chose you as their manager in Pact"
    else:
        intro = (f"{who} asks you to review their development plan. Here is what they share "
                 "with you.")
        text = f"{who} asks you to review their development plan"
    blocks = [section(intro)]
    body = plan_blocks(view, now, max_blocks=44)
    if not view.shares_content:
        body = [context("They have not shared any section or objective with you yet; "
                        "what they share will show here.")] + [
            b for b in body if b.get("type") == "context"]
    blocks += body
    blocks.append({"type": "actions", "block_id": "review_actions", "elements": [
        button("Comment", REVIEW_COMMENT, str(pdp_id)),
        button("Approve", REVIEW_APPROVE, str(pdp_id), style="primary",
               confirm={**confirm_dialog("Approve this plan?",
                                         "The review is recorded and the next one is "
                                         "scheduled by the plan's cadence.", "Approve"),
                        "style": "primary"})]})
    return {"text": text, "blocks": blocks[:50]}


def review_result_dm(reviewer_user: str, outcome: str, comment: str,
                     next_review_at: datetime | None) -> dict:
    who = _who(reviewer_user)
    if outcome == "approved":
        text = f"{who} approved your development plan"
        line = f"{who} approved your development plan."
        if next_review_at:
            line += f" Next review: {_date(next_review_at)}."
    else:
        text = f"{who} commented on your development plan"
        line = f"{who} commented on your development plan."
    blocks = [section(line)]
    if comment:
        blocks.append(section(f"> {escape(clip(comment, 2800))}".replace("\n", "\n> ")))
    blocks.append({"type": "actions", "block_id": "open_plan", "elements": [
        button("Open my plan", shared.PDP_OPEN)]})
    return {"text": text, "blocks": blocks}


def celebration_message(owner_user: str, objective: ObjectiveFacts) -> dict:
    """The team channel post for a team-visible objective done (content it may show only)."""
    who = _who(owner_user)
    title = escape(clip(objective.title, 300))
    goal = f"\nIt serves the team's goal _{escape(clip(objective.goal_title, 150))}_." \
        if objective.goal_title else ""
    text = f"🎉 {who} completed an objective of their development plan: {title}"
    return {"text": clip(text, 3000), "blocks": [
        section(f"🎉 {who} completed *{title}* from their development plan!{goal}"),
        context("Cheer them on in the thread.")]}


def congrats_dm(objective: ObjectiveFacts) -> dict:
    title = escape(clip(objective.title, 300))
    return {"text": f"🎉 Well done: you completed {title}", "blocks": [
        section(f"🎉 Well done: you completed *{title}*. This stays between you and Pact "
                "(and your manager, if you shared it with them)."),
        {"type": "actions", "block_id": "open_plan", "elements": [
            button("Open my plan", shared.PDP_OPEN)]}]}


def reports_message(rows: list[tuple[PlanView, datetime]]) -> dict:
    """`/pact pdp reports`: each report, what they share with the manager, when review is due."""
    if not rows:
        text = ("Nobody has chosen you as their manager in Pact yet. People pick their manager "
                "in their plan (`/pact pdp`).")
        return {"text": text, "blocks": [section(text)]}
    now = rows[0][1]
    blocks = [section(f"*Your reports' development plans* ({len(rows)})")]
    for view, _ in rows[:23]:
        shared_parts = []
        if view.aspiration is not None:
            shared_parts.append("aspiration")
        if view.skill_gaps is not None:
            shared_parts.append("skill gaps")
        n = len(view.objectives)
        if n:
            shared_parts.append(f"{n} objective{'s' if n != 1 else ''}")
        shares = ", ".join(shared_parts) if shared_parts else "nothing yet"
        line = f"{_who(view.owner_user)} · shares {shares}"
        dates = _dates_text(view, now)
        if dates:
            line += f"\n{dates}"
        blocks.append(section(clip(line, 3000),
                              accessory=button("Open", VIEW_REPORT, str(view.pdp_id))))
    if len(rows) > 23:
        blocks.append(context(f"…and {len(rows) - 23} more."))
    return {"text": f"Your reports' development plans ({len(rows)})", "blocks": blocks}


def not_shared_text(owner_user: str) -> str:
    return f"{_who(owner_user)}'s development plan is not shared with you."


# ---- Home tab --------------------------------------------------------------------------------


def home_section(view: PlanView, now: datetime, budget: int) -> list[dict]:
    """"My development plan": objectives with progress, last and next review."""
    if budget < 3:
        return []
    blocks: list[dict] = [header("My development plan")]
    if not view.exists:
        blocks.append(section("You have no development plan yet. It is private until you "
                              "choose to share parts of it.",
                              accessory=button("Start my plan", shared.PDP_OPEN)))
        return blocks[:budget]
    open_ones = [o for o in view.objectives if o.status in rules.OPEN_STATUSES]
    done = [o for o in view.objectives if o.status == "done"]
    dates = _dates_text(view, now)
    blocks.append(section(f"{len(open_ones)} open objective{'s' if len(open_ones) != 1 else ''}"
                          f", {len(done)} done." + (f"\n{dates}" if dates else ""),
                          accessory=button("Open my plan", shared.PDP_OPEN)))
    room = budget - len(blocks) - 1
    for o in open_ones[:max(room, 0)]:
        blocks.append(section(
            f"*{escape(clip(o.title, 200))}*\n{progress_bar(o.progress / 100)}"
            + (f" · target {_date(o.target_date)}" if o.target_date else ""),
            accessory=button("Log progress", shared.PDP_LOG_PROGRESS, str(o.id))))
    if room >= 0 and len(open_ones) > room:
        blocks.append(context(f"…and {len(open_ones) - room} more in your plan."))
    return blocks[:budget]


def manager_home_section(pending: list[tuple[str, datetime, int]], budget: int) -> list[dict]:
    """"Reviews waiting for you": reports who asked for a review (names and dates only)."""
    if not pending or budget < 2:
        return []
    blocks = [header("Reviews waiting for you")]
    for owner_user, requested_at, pdp_id in pending[:max(budget - 2, 0)]:
        blocks.append(section(f"{_who(owner_user)} asked for a review {_date(requested_at)}.",
                              accessory=button("Open", VIEW_REPORT, str(pdp_id))))
    if len(pending) > budget - 2:
        blocks.append(context("`/pact pdp reports` lists them all."))
    return blocks[:budget]


def goal_section(linked_members: int, visible: list[tuple[str, ObjectiveFacts]]) -> list[dict]:
    """A goal's details: how many members link objectives to it; the team-visible ones."""
    if not linked_members:
        return [context("No development plan objective is linked to this goal yet. "
                        "Link one from `/pact pdp`.")]
    people = f"{linked_members} member{'s' if linked_members != 1 else ''}"
    lines = [f"{_who(u)} · *{escape(clip(o.title, 150))}* · "
             f"{rules.STATUS_LABELS.get(o.status, o.status)} · {progress_bar(o.progress / 100)}"
             for u, o in visible[:15]]
    text = f"*Development plans:* {people} linked objectives to this goal."
    if lines:
        text += "\n" + "\n".join(lines)
    if len(visible) > 15:
        text += f"\n…and {len(visible) - 15} more."
    return [section(clip(text, 3000))]


def home_goals_rollup(rows: list[tuple[str, int, list[tuple[str, ObjectiveFacts]]]],
                      budget: int) -> list[dict]:
    """The Home tab: each team goal that plans serve, with how many members link objectives
    to it and the team-visible ones (`rows`: goal title, members, [(owner, objective)])."""
    if not rows or budget < 3:
        return []
    blocks: list[dict] = [section("*Development plans serving your teams' goals*")]
    for title, members, visible in rows[:max(budget - 2, 0)]:
        people = f"{members} member{'s' if members != 1 else ''}"
        lines = [f"🎯 *{escape(clip(title, 150))}* · {people} linked objectives"]
        lines += [f"{_who(u)} · {escape(clip(o.title, 150))} · "
                  f"{rules.STATUS_LABELS.get(o.status, o.status)} · "
                  f"{progress_bar(o.progress / 100)}" for u, o in visible[:10]]
        if len(visible) > 10:
            lines.append(f"…and {len(visible) - 10} more.")
        blocks.append(section(clip("\n".join(lines), 3000)))
    if len(rows) > budget - 2:
        blocks.append(context(f"…and {len(rows) - (budget - 2)} more goals: their details "
                              "show the linked objectives."))
    return blocks[:budget]


def delete_prompt(pdp_id: int, counts: dict[str, int]) -> dict:
    n = counts.get("objectives", 0)
    text = (f"Delete your development plan? This removes it completely: {n} "
            f"objective{'s' if n != 1 else ''}, their progress, your history and reviews. "
            "It cannot be undone; `/pact pdp export` first if you want a copy.")
    return {"text": text, "blocks": [
        section(text),
        {"type": "actions", "block_id": "pdp_delete", "elements": [
            button("Delete my plan", DELETE_CONFIRMED, str(pdp_id), style="danger",
                   confirm=confirm_dialog("Delete your development plan?",
                                          "Everything in it goes, for good.",
                                          "Delete", "Keep it"))]}]}

