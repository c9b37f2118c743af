"""Block Kit for development plan messages: DMs, channel posts, ephemeral answers, and the
plan's parts of the Home tab and of a goal's details.

Every renderer that shows plan content takes a `PlanView` or an `ObjectiveFacts` the
visibility policy already filtered for whoever will read it.
"""

from __future__ import annotations

from datetime import datetime

from bot.rules import pdp as rules
from bot.rules.visibility import ObjectiveFacts, PlanView
from handlers.kit import ids
from handlers.kit.blocks import (
    button,
    clip,
    confirm_dialog,
    context,
    escape,
    header,
    plural,
    progress_bar,
    section,
)
from handlers.pacts.blocks import help_buttons
from handlers.pdp.views import dates_text, day, person, plan_blocks


def plan_message(view: PlanView, now: datetime) -> dict:
    """`/pact pdp @someone`: what the asker may see, or that it is not shared with them."""
    who = person(view.owner_user)
    if not view.exists:
        if view.viewer.is_admin or view.viewer.is_owner:
            text = f"{who} has no development plan in Pact yet."
        else:
            text = f"{who}'s development plan is not shared with you."
        return {"text": text, "blocks": [section(text)]}
    if not view.shares_content:
        if view.dates is not None:
            text = f"{who} has a development plan. Its content is not shared with you."
            return {"text": text, "blocks": [section(text), context(dates_text(view, now))]}
        text = f"{who}'s development plan is not shared with you."
        return {"text": text, "blocks": [section(text)]}
    blocks = [section(f"*{who}'s development plan*, as you may see it.")]
    blocks += plan_blocks(view, now, max_blocks=47)
    blocks += help_buttons([o for o in view.objectives if not view.viewer.is_owner])
    return {"text": f"{who}'s development plan", "blocks": blocks}


def manager_message(view: PlanView, now: datetime, *, pdp_id: int, reason: str) -> dict:
    """A DM to the manager: what the report shares with them, with Comment and Approve.
    `reason` is 'chosen' (picked as manager) or 'review' (asked for a review)."""
    who = person(view.owner_user)
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
        button("Comment", ids.PDP_REVIEW_COMMENT, str(pdp_id)),
        button("Approve", ids.PDP_REVIEW_APPROVE, str(pdp_id), style="primary",
               confirm={**confirm_dialog("Approve this plan?",
                                         "The review is recorded and the next one is "
                                         "scheduled by the plan's cadence.", "Approve"),
                        "style": "primary"})]})
    return {"text": text, "blocks": blocks[:50]}


def review_result_dm(reviewer_user: str, outcome: str, comment: str,
                     next_review_at: datetime | None) -> dict:
    who = person(reviewer_user)
    if outcome == "approved":
        text = f"{who} approved your development plan"
        line = f"{who} approved your development plan."
        if next_review_at:
            line += f" Next review: {day(next_review_at)}."
    else:
        text = f"{who} commented on your development plan"
        line = f"{who} commented on your development plan."
    blocks = [section(line)]
    if comment:
        blocks.append(section(f"> {escape(clip(comment, 2800))}".replace("\n", "\n> ")))
    blocks.append({"type": "actions", "block_id": "open_plan", "elements": [
        button("Open my plan", ids.PDP_OPEN)]})
    return {"text": text, "blocks": blocks}


def celebration_message(owner_user: str, objective: ObjectiveFacts) -> dict:
    """The team channel post for a team-visible objective done (content it may show only)."""
    who = person(owner_user)
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
            button("Open my plan", ids.PDP_OPEN)]}]}


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
        line = f"{person(view.owner_user)} · shares {shares}"
        dates = dates_text(view, now)
        if dates:
            line += f"\n{dates}"
        blocks.append(section(clip(line, 3000),
                              accessory=button("Open", ids.PDP_VIEW_REPORT, str(view.pdp_id))))
    if len(rows) > 23:
        blocks.append(context(f"…and {len(rows) - 23} more."))
    return {"text": f"Your reports' development plans ({len(rows)})", "blocks": blocks}


def not_shared_text(owner_user: str) -> str:
    return f"{person(owner_user)}'s development plan is not shared with you."


# ---- Home tab --------------------------------------------------------------------------------


def home_section(view: PlanView, now: datetime, budget: int) -> list[dict]:
    """"My development plan": objectives with progress, last and next review."""
    if budget < 3:
        return []
    blocks: list[dict] = [header("My development plan")]
    if not view.exists:
        blocks.append(section("You have no development plan yet. It is private until you "
                              "choose to share parts of it.",
                              accessory=button("Start my plan", ids.PDP_OPEN)))
        return blocks[:budget]
    open_ones = [o for o in view.objectives if o.status in rules.OPEN_STATUSES]
    done = [o for o in view.objectives if o.status == "done"]
    dates = dates_text(view, now)
    blocks.append(section(f"{len(open_ones)} open objective{'s' if len(open_ones) != 1 else ''}"
                          f", {len(done)} done." + (f"\n{dates}" if dates else ""),
                          accessory=button("Open my plan", ids.PDP_OPEN)))
    room = (budget - len(blocks) - 1) // 2  # each open objective: its line and its buttons
    for o in open_ones[:max(room, 0)]:
        blocks.append(section(
            f"*{escape(clip(o.title, 200))}*\n{progress_bar(o.progress / 100)}"
            + (f" · target {day(o.target_date)}" if o.target_date else "")))
        blocks.append({"type": "actions", "block_id": f"home_objective_{o.id}", "elements": [
            button("Log progress", ids.PDP_LOG_PROGRESS, str(o.id)),
            button("I'm stuck", ids.PACT_STUCK, str(o.id))]})
    if room >= 0 and len(open_ones) > room:
        blocks.append(context(f"…and {len(open_ones) - room} more in your plan."))
    return blocks[:budget]


def manager_home_section(pending: list[tuple[str, datetime, int]], budget: int) -> list[dict]:
    """"Reviews waiting for you": reports who asked for a review (names and dates only)."""
    if not pending or budget < 2:
        return []
    blocks = [header("Reviews waiting for you")]
    for owner_user, requested_at, pdp_id in pending[:max(budget - 2, 0)]:
        blocks.append(section(f"{person(owner_user)} asked for a review {day(requested_at)}.",
                              accessory=button("Open", ids.PDP_VIEW_REPORT, str(pdp_id))))
    if len(pending) > budget - 2:
        blocks.append(context("`/pact pdp reports` lists them all."))
    return blocks[:budget]


def reports_home_section(views_: list[PlanView], now: datetime, budget: int) -> list[dict]:
    """"Your reports": each report with what their plan shares, the next review and whether
    they asked for one, and a button to open it."""
    if not views_ or budget < 2:
        return []
    waiting = sum(1 for v in views_ if v.dates is not None and v.dates.review_requested_at)
    blocks = [header("Your reports")]
    if waiting:
        blocks.append(context(f":inbox_tray: {plural(waiting, 'review')} waiting for you"))
    room = max(budget - len(blocks) - 1, 0)
    for view in views_[:room]:
        n = len(view.objectives)
        line = f"{person(view.owner_user)} · {plural(n, 'objective')} shared with you"
        dates = dates_text(view, now)
        if dates:
            line += f"\n{dates}"
        label = "Review" if view.dates is not None and view.dates.review_requested_at \
            else "Open"
        blocks.append(section(clip(line, 3000), accessory=button(
            label, ids.PDP_VIEW_REPORT, str(view.pdp_id),
            style="primary" if label == "Review" else None)))
    if len(views_) > room:
        blocks.append(context("`/pact pdp reports` lists them all."))
    return blocks[:budget]


def goal_section(linked_members: int, visible: list[tuple[str, ObjectiveFacts]],
                 viewer_user: str = "") -> list[dict]:
    """A goal's details: how many members link objectives to it; the team-visible ones (with
    I'll help on those that are not the viewer's own)."""
    return _goal_section(linked_members, visible) + help_buttons(
        [o for u, o in visible if u != viewer_user])


def _goal_section(linked_members: int, visible: list[tuple[str, ObjectiveFacts]]) -> list[dict]:
    if not linked_members:
        return [context("No development plan objective is linked to this goal yet. "
                        "Link one from `/pact pdp`.")]
    people = f"{linked_members} member{'s' if linked_members != 1 else ''}"
    lines = [f"{person(u)} · *{escape(clip(o.title, 150))}* · "
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
        lines += [f"{person(u)} · {escape(clip(o.title, 150))} · "
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
            button("Delete my plan", ids.PDP_DELETE_CONFIRMED, str(pdp_id), style="danger",
                   confirm=confirm_dialog("Delete your development plan?",
                                          "Everything in it goes, for good.",
                                          "Delete", "Keep it"))]}]}


def delete_social_prompt(pacts: int, kudos: int) -> dict:
    """No plan to delete, but the person's pacts and kudos."""
    text = (f"You have no development plan, but {plural(pacts, 'pact')} and "
            f"{plural(kudos, 'kudos', 'kudos')} are yours. Delete them? The other side of a "
            "pact keeps only that it ended. `/pact pdp export` first if you want a copy.")
    return {"text": text, "blocks": [
        section(text),
        {"type": "actions", "block_id": "pdp_delete", "elements": [
            button("Delete my pacts and kudos", ids.PDP_DELETE_SOCIAL, style="danger",
                   confirm=confirm_dialog("Delete your pacts and kudos?",
                                          "They go, for good.", "Delete", "Keep them"))]}]}
