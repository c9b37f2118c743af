"""Block Kit for development plans: the plan as a viewer may see it, and the modals showing it.

Every renderer that shows plan content takes a `PlanView` (bot/rules/visibility.py): the plan
already filtered for whoever will read it. Nothing here looks at stored rows. Modals carry no
`private_metadata` here: the listener seals it onto the view (handlers.kit.metadata).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from bot.rules import pdp as rules
from bot.rules.visibility import LEVEL_LABELS, ObjectiveFacts, PlanView
from handlers.kit import ids
from handlers.kit.blocks import (
    button,
    clip,
    context,
    escape,
    mention,
    plain,
    progress_bar,
    section,
    slack_date,
)

# Visibility labels as others read them (the owner reads "Only me", a manager "shared with you").
SHARED_WITH = {"private": "private", "manager": "shared with the manager",
               "team": "shared with the team"}
NOT_SHARED = "not shared with you"
MAX_OBJECTIVE_ROWS = rules.MAX_OPEN_OBJECTIVES


def person(user_id: str | None) -> str:
    return mention(user_id)


def day(value: datetime | date | None) -> str:
    return slack_date(value) if value is not None else "—"


def modal(callback_id: str, title: str, blocks: list[dict], *, submit: str | None = None,
          close: str = "Cancel") -> dict:
    view = {"type": "modal", "callback_id": callback_id, "title": plain(title, 24),
            "close": plain(close, 24), "blocks": blocks[:100] or [section(" ")]}
    if submit:
        view["submit"] = plain(submit, 24)
    return view


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
        facts.append(f"target {day(o.target_date)}")
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


def dates_text(view: PlanView, now: datetime) -> str | None:
    d = view.dates
    if d is None:
        return None
    state = rules.review_state(d.next_review_at, now)
    cadence = rules.CADENCES.get(d.cadence_months, f"every {d.cadence_months} months").lower()
    parts = [f"Reviewed {cadence}",
             f"last review {day(d.last_review_at)}" if d.last_review_at else "not reviewed yet",
             f"next review {day(d.next_review_at)}"
             + (" (*overdue*)" if state == "overdue" else " (soon)" if state == "due_soon" else "")]
    if d.review_requested_at:
        parts.append(f"review requested {day(d.review_requested_at)}")
    return " · ".join(parts)


def _sections_and_facts(view: PlanView, now: datetime) -> list[dict]:
    blocks: list[dict] = []
    if view.aspiration is not None:
        blocks.append(section(f"*Long-term aspiration* {_label(view, view.aspiration_visibility)}"
                              f"\n{escape(clip(view.aspiration, 2800)) or '_Not written yet._'}"))
    if view.skill_gaps is not None:
        blocks.append(section(f"*Skill gaps* {_label(view, view.skill_gaps_visibility)}"
                              f"\n{escape(clip(view.skill_gaps, 2800)) or '_Not written yet._'}"))
    facts = []
    if view.manager_user:
        facts.append(f"Manager: {person(view.manager_user)}")
    elif view.viewer.is_owner:
        facts.append("No manager chosen yet")
    dates = dates_text(view, now)
    if dates:
        facts.append(dates)
    if facts:
        blocks.append(context(*facts))
    return blocks


def _closed_and_reviews(view: PlanView, closed: list[ObjectiveFacts]) -> list[dict]:
    blocks: list[dict] = []
    if closed:
        lines = []
        for o in closed[:20]:
            mark = "✅" if o.status == "done" else "✖️"
            when = f" {day(o.done_at)}" if o.done_at else ""
            lines.append(f"{mark} {escape(clip(o.title, 100))}{when}")
        more = f"\n…and {len(closed) - 20} more" if len(closed) > 20 else ""
        blocks.append(section(clip("*Done and dropped*\n" + "\n".join(lines) + more, 3000)))
    if view.reviews:
        lines = []
        for r in view.reviews[-3:]:
            verb = "approved the plan" if r.outcome == "approved" else "commented"
            comment = f": “{escape(clip(r.comment, 400))}”" if r.comment else ""
            lines.append(f"{person(r.reviewer_user)} {verb} {day(r.at)}{comment}")
        blocks.append(section(clip("*Reviews*\n" + "\n".join(lines), 3000)))
    return blocks


def plan_blocks(view: PlanView, now: datetime, *, owner_buttons: bool = False,
                max_blocks: int = 45, supporters: dict[int, list[str]] | None = None
                ) -> list[dict]:
    """The plan as `view.viewer` may see it. With `owner_buttons`, each open objective gets
    "Log progress" and "Edit" buttons (the owner's summary modal); `supporters`: who supports
    each objective (Slack ids by objective id), for the owner."""
    blocks = _sections_and_facts(view, now)
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
        backing = (supporters or {}).get(o.id)
        blocks.append(section(clip(objective_text(o, view) + (
            "\n:handshake: Supported by " + ", ".join(person(u) for u in backing[:10])
            if backing else ""), 3000)))
        if owner_buttons:
            blocks.append({"type": "actions", "block_id": f"objective_{o.id}", "elements": [
                button("Log progress", ids.PDP_LOG_PROGRESS, str(o.id)),
                button("Edit", ids.PDP_EDIT_OBJECTIVE, str(o.id)),
                button("Ask for support", ids.PACT_ASK, str(o.id)),
                button("I'm stuck", ids.PACT_STUCK, str(o.id)),
                button("Ask for feedback", ids.FEEDBACK_ASK, str(o.id))]})
    if len(open_ones) > room:
        blocks.append(context(f"…and {len(open_ones) - room} more open objectives."))
    blocks += _closed_and_reviews(view, closed)
    return blocks[:max_blocks]


# ---- modals ----------------------------------------------------------------------------------


def summary_modal(view: PlanView, now: datetime, *, notice: str | None = None,
                  supporters: dict[int, list[str]] | None = None) -> dict:
    """The owner's plan with everything they can do to it (`notice`: a line on top)."""
    blocks = [section(notice)] if notice else []
    blocks += [{"type": "actions", "block_id": "plan_actions", "elements": [
        button("Edit plan", ids.PDP_EDIT_PLAN, style="primary"),
        button("Add objective", ids.PDP_ADD_OBJECTIVE),
        button("Request review", ids.PDP_REQUEST_REVIEW),
        button("History", ids.PDP_HISTORY)]}]
    blocks += plan_blocks(view, now, owner_buttons=True, max_blocks=94, supporters=supporters)
    blocks.append(context("Private by default: every section and objective says who may see "
                          "it. `/pact pdp export` sends you a copy; `/pact pdp delete` "
                          "removes it."))
    return modal(ids.PDP_SUMMARY, "Your development plan", blocks, close="Done")


def readonly_modal(view: PlanView, now: datetime, *, buttons: list[dict] | None = None) -> dict:
    blocks = [section(f"*{person(view.owner_user)}'s development plan*, as you may see it.")]
    blocks += plan_blocks(view, now, max_blocks=94)
    if buttons:
        blocks.append({"type": "actions", "block_id": "review_actions", "elements": buttons})
    return modal(ids.PDP_READONLY, "Development plan", blocks, close="Close")


def approved_modal(view: dict, done: dict) -> dict:
    """The report modal a manager approved from: its review buttons replaced by `done`."""
    kept = [b for b in view.get("blocks", []) if b.get("block_id") != "review_actions"]
    return {"type": "modal", "callback_id": ids.PDP_READONLY, "title": view.get("title"),
            "close": view.get("close"), "blocks": kept + [done]}


_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]+)&gt;")


def _with_mentions(text: str) -> str:
    """Escaped text in which Pact's own `<@U…>` mentions stay mentions."""
    return _MENTION.sub(r"<@\1>", escape(text))


def info_modal(title: str, text: str) -> dict:
    return modal(ids.PDP_READONLY, title, [section(text)], close="Close")


def history_modal(view: PlanView) -> dict:
    """The living document's history, newest first (the owner only)."""
    blocks: list[dict] = [section("*What changed in your plan*, newest first.")]
    rows = list(reversed(view.history))
    lines = [f"{day(c.at)} · {person(c.actor_user)} · {_with_mentions(clip(c.what, 300))}"
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
    return modal(ids.PDP_READONLY, "Plan history", blocks, close="Back")
