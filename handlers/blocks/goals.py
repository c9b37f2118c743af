"""Block Kit for shared goals: the form, the channel post, progress, details, list, Home."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bot.rules.goals import (
    MAX_MILESTONES,
    MILESTONE_TITLE_MAX,
    NOTE_MAX,
    TITLE_MAX,
    MilestoneState,
    format_number,
    milestone_keys,
    next_milestone,
    progress_fraction,
)
from handlers.kit.blocks import (
    button,
    clip,
    confirm_dialog,
    context,
    divider,
    escape,
    header,
    plain,
    progress_bar,
    section,
    slack_date,
    slack_datetime,
)
from handlers.kit.ids import (
    GOAL_DETAILS,
    GOAL_JOIN,
    GOAL_LOG_PROGRESS,
    MILESTONE_MARK_DONE,
    PDP_OBJECTIVE_FROM_GOAL,
)

GOAL_FORM_CALLBACK = "goal_form"
GOAL_PROGRESS_CALLBACK = "goal_progress"
GOAL_DETAILS_CALLBACK = "goal_details"

# Actions only this feature posts and handles.
GOAL_FORM_ADD_MILESTONE = "goal_form_add_milestone"
GOAL_EDIT = "goal_edit"
GOAL_ARCHIVE = "goal_archive"
GOAL_MARK_ACHIEVED = "goal_mark_achieved"
GOAL_REPOST = "goal_repost"

FIRST_ROWS = 3
_URL = re.compile(r"^https?://\S+$")


@dataclass
class GoalCard:
    """What every goal rendering needs, read from the database in one go."""

    id: int
    title: str
    metric: str
    baseline: float
    target: float
    current: float
    unit: str
    due_date: date
    project: str
    status: str
    channel_id: str
    team_name: str
    owner: str  # Slack user id
    milestones: list[dict] = field(default_factory=list)  # id,title,due_date,done_at,done_by
    participants: list[str] = field(default_factory=list)  # Slack user ids
    tz: str = "UTC"  # the team's timezone: a calendar date is a day there

    @property
    def fraction(self) -> float:
        return progress_fraction(self.baseline, self.target, self.current)

    def milestone_states(self) -> list[MilestoneState]:
        return [MilestoneState(m["title"], m["due_date"], m["done_at"] is not None)
                for m in self.milestones]


def day_text(day: date, tz: str = "UTC") -> str:
    """A goal's calendar date (due date, milestone) in Slack's date token."""
    return slack_date(day, tz=tz)


def _unit(card: GoalCard) -> str:
    return f" {escape(card.unit)}" if card.unit else ""


def project_text(project: str) -> str:
    project = (project or "").strip()
    if _URL.match(project):
        return f"<{escape(project)}>"
    return escape(project)


def progress_line(card: GoalCard) -> str:
    return (f"`{progress_bar(card.fraction)}`  *{format_number(card.current)}* of "
            f"{format_number(card.target)}{_unit(card)} (from {format_number(card.baseline)})")


def outcome_line(card: GoalCard) -> str:
    line = (f"*Outcome:* {escape(clip(card.metric, 200))}: from {format_number(card.baseline)}"
            f" to *{format_number(card.target)}*{_unit(card)} by "
            f"{day_text(card.due_date, card.tz)}")
    if card.project:
        line += f"\n*Project:* {project_text(card.project)}"
    return line


def milestone_line(m: dict, tz: str = "UTC") -> str:
    title = escape(clip(m["title"], MILESTONE_TITLE_MAX))
    if m["done_at"] is not None:
        by = f" by <@{m['done_by']}>" if m.get("done_by") else ""
        return f"✅ ~{title}~ — done{by} {slack_date(m['done_at'])}"
    return f"◻️ {title} — {day_text(m['due_date'], tz)}"


def milestone_sections(card: GoalCard, limit: int = 2900) -> list[dict]:
    """The milestones as sections of whole lines: as many sections as the lines need, so no
    milestone is dropped and no date token is cut in half."""
    chunks: list[str] = []
    text = "*Milestones*"
    for m in card.milestones:
        line = milestone_line(m, card.tz)
        if len(text) + 1 + len(line) > limit:
            chunks.append(text)
            text = line
        else:
            text += "\n" + line
    chunks.append(text)
    return [section(chunk) for chunk in chunks]


def status_badge(card: GoalCard) -> str:
    return {"achieved": "🎉 Achieved", "archived": "🗄️ Archived",
            "missed": "Missed"}.get(card.status, "")


# ---- the channel post ------------------------------------------------------------------------

def goal_post(card: GoalCard) -> tuple[str, list[dict]]:
    """The goal's channel post (text fallback, blocks), updated in place as progress comes."""
    badge = status_badge(card)
    blocks = [header(("🎉 " if card.status == "achieved" else "🎯 ") + clip(card.title, 140)),
              section(outcome_line(card)),
              section(progress_line(card))]
    if card.milestones:
        blocks.extend(milestone_sections(card))
    who = (f"{len(card.participants)} in: " + " ".join(f"<@{u}>" for u in card.participants[:20])
           + (" …" if len(card.participants) > 20 else "")) if card.participants \
        else "Nobody has said “I'm in” yet"
    blocks.append(context(f"{who} · Owner <@{card.owner}>" + (f" · *{badge}*" if badge else "")))
    if card.status == "active":
        blocks.append({"type": "actions", "block_id": f"goal_actions_{card.id}", "elements": [
            button("I'm in", GOAL_JOIN, str(card.id), style="primary"),
            button("Log progress", GOAL_LOG_PROGRESS, str(card.id)),
            button("Details", GOAL_DETAILS, str(card.id))]})
    else:
        blocks.append({"type": "actions", "block_id": f"goal_actions_{card.id}", "elements": [
            button("Details", GOAL_DETAILS, str(card.id))]})
    text = (f"{'Achieved: ' if card.status == 'achieved' else 'Shared goal: '}"
            f"{escape(card.title)} — {format_number(card.current)} of "
            f"{format_number(card.target)}{_unit(card)} "
            f"({int(card.fraction * 100 + 1e-9)}%)")
    return text, blocks


def progress_note(*, user: str, before: float | None, after: float | None, unit: str,
                  note: str, percent: int) -> str:
    """The thread reply for one progress update (plain mrkdwn text)."""
    parts = [f"<@{user}> logged progress"]
    if after is not None:
        change = f"{format_number(before)} → *{format_number(after)}*" \
            if before is not None and before != after else f"*{format_number(after)}*"
        parts.append(f": {change}{(' ' + escape(unit)) if unit else ''} ({percent}%)")
    text = "".join(parts)
    if note:
        text += "\n> " + escape(clip(note, NOTE_MAX - 200)).replace("\n", "\n> ")
    return text


def celebration(card: GoalCard, contributors: list[str]) -> tuple[str, list[dict]]:
    names = " ".join(f"<@{u}>" for u in contributors[:60])
    if len(contributors) > 60:
        names += f" and {len(contributors) - 60} more"
    thanks = (f"Thank you {names} for committing and logging progress!" if contributors
              else "Thank you, everyone!")
    body = (f"🎉 *{escape(card.title)}* is achieved! "
            f"{escape(clip(card.metric, 200))}: *{format_number(card.current)}*{_unit(card)} "
            f"(target {format_number(card.target)}).\n{thanks}")
    text = f"🎉 {escape(card.title)} is achieved! {thanks}"
    return text, [section(clip(body, 2900))]


def joined_dm(card: GoalCard) -> tuple[str, list[dict]]:
    text = (f"You're in for “{escape(card.title)}” ({escape(card.team_name)}). Add a linked "
            "objective to your development plan so your own steps count towards it.")
    blocks = [section(f"🙌 You're in for *{escape(card.title)}* in <#{card.channel_id}>.\n"
                      "Add a linked objective to your development plan so your own steps "
                      "count towards the team's goal."),
              {"type": "actions", "block_id": "goal_join_dm", "elements": [
                  button("Add to my plan", PDP_OBJECTIVE_FROM_GOAL, str(card.id),
                         style="primary"),
                  button("Log progress", GOAL_LOG_PROGRESS, str(card.id))]}]
    return text, blocks


def not_in_channel_dm(card: GoalCard, error: str) -> tuple[str, list[dict]]:
    where = f"<#{card.channel_id}>"
    if error == "is_archived":
        text = (f"I couldn't post the goal “{escape(card.title)}” because {where} is archived. "
                "Unarchive it, or set the team up in another channel with `/pact team setup`.")
        return text, [section(text)]
    text = (f"I couldn't post the goal “{escape(card.title)}” in {where} because Pact is not "
            f"a member of that channel. Type `/invite @Pact` in {where}, then click "
            "“Post it again”.")
    blocks = [section(f"⚠️ I couldn't post *{escape(card.title)}* in {where}: Pact is not a "
                      f"member of that channel.\nType `/invite @Pact` in {where}, then click "
                      "*Post it again*."),
              {"type": "actions", "block_id": "goal_repost", "elements": [
                  button("Post it again", GOAL_REPOST, str(card.id), style="primary")]}]
    return text, blocks


# ---- the goal form ---------------------------------------------------------------------------

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


def goal_form_modal(*, team_id: int, channel_id: str, goal_id: int | None = None,
                    values: dict | None = None, rows: int = FIRST_ROWS) -> dict:
    """The new/edit goal modal. `values`: field key -> text to show (typed or stored).

    Block and action ids are the field keys, stable across updates, so adding a milestone row
    (views.update) keeps everything typed so far.
    """
    v = values or {}
    rows = max(1, min(rows, MAX_MILESTONES))
    blocks = [
        section(f"A shared goal for the team in <#{channel_id}>: one measurable outcome, "
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
    meta = json.dumps({"team": team_id, "goal": goal_id, "rows": rows})
    return {"type": "modal", "callback_id": GOAL_FORM_CALLBACK,
            "title": plain("Edit goal" if goal_id else "New shared goal", 24),
            "submit": plain("Save" if goal_id else "Create goal", 24),
            "close": plain("Cancel", 24), "private_metadata": meta, "blocks": blocks}


def form_values_from_state(state_values: dict) -> dict[str, str | None]:
    """What was typed, from a view's `state.values`, keyed by field key (= block id)."""
    out: dict[str, str | None] = {}
    for block_id, actions in (state_values or {}).items():
        for _action_id, st in (actions or {}).items():
            kind = st.get("type")
            if kind == "datepicker":
                out[block_id] = st.get("selected_date")
            elif kind == "timepicker":
                out[block_id] = st.get("selected_time")
            elif kind in ("static_select", "radio_buttons"):
                out[block_id] = (st.get("selected_option") or {}).get("value")
            elif kind == "multi_users_select":
                out[block_id] = st.get("selected_users") or []
            elif kind == "users_select":
                out[block_id] = st.get("selected_user")
            else:
                out[block_id] = st.get("value")
    return out


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
    from `choices` (id, title)."""
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
    return {"type": "modal", "callback_id": GOAL_PROGRESS_CALLBACK,
            "title": plain("Log progress", 24), "submit": plain("Save", 24),
            "close": plain("Cancel", 24),
            "private_metadata": str(card.id) if card is not None else "", "blocks": blocks}


# ---- details ---------------------------------------------------------------------------------

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
    who = " ".join(f"<@{u}>" for u in card.participants[:40]) or "nobody yet"
    if len(card.participants) > 40:
        who += f" and {len(card.participants) - 40} more"
    blocks.append(section(f"*In:* {who}\n*Owner:* <@{card.owner}>"))
    if updates:
        blocks.append(section("*Recent updates*"))
        for u in updates[:8]:
            value = f" → *{format_number(u['value'])}*" if u["value"] is not None else ""
            note = f": {escape(clip(u['note'], 300))}" if u["note"] else ""
            blocks.append(context(f"<@{u['user']}>{value}{note} · {slack_datetime(u['at'])}"))
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
    return {"type": "modal", "callback_id": GOAL_DETAILS_CALLBACK,
            "title": plain("Goal details", 24), "close": plain("Close", 24),
            "private_metadata": str(card.id), "blocks": blocks[:100]}


def _achieve_confirm(card: GoalCard) -> dict:
    confirm = confirm_dialog("Mark this goal achieved?",
                             "Pact will celebrate it in the channel and thank everyone who "
                             "took part.", "Mark achieved")
    confirm.pop("style", None)
    return confirm


# ---- list and Home ---------------------------------------------------------------------------

def goal_list_message(team_name: str, channel_id: str, cards: list[GoalCard]) -> dict:
    if not cards:
        text = (f"{escape(team_name)} has no active goals. A lead starts one with "
                "`/pact goal new`.")
        return {"response_type": "ephemeral", "text": text, "blocks": [section(text)]}
    blocks = [header(f"Active goals of {clip(team_name, 100)}")]
    shown = cards[:15]
    for card in shown:
        nxt = next_milestone(card.milestone_states())
        line = f"*{escape(clip(card.title, 150))}*\n{progress_line(card)}"
        if nxt is not None:
            line += f"\nNext milestone: {escape(nxt.title)} — {day_text(nxt.due_date, card.tz)}"
        blocks.append(section(line))
        blocks.append({"type": "actions", "block_id": f"goal_list_{card.id}", "elements": [
            button("Log progress", GOAL_LOG_PROGRESS, str(card.id)),
            button("Details", GOAL_DETAILS, str(card.id))]})
    if len(cards) > len(shown):
        blocks.append(context(f"…and {len(cards) - len(shown)} more active goals."))
    text = f"{len(cards)} active goal(s) in {escape(team_name)}: " + "; ".join(
        f"{escape(c.title)} {int(c.fraction * 100 + 1e-9)}%" for c in cards[:15])
    return {"response_type": "ephemeral", "text": clip(text, 3000), "blocks": blocks[:50]}


def home_goals_section(teams: list[tuple[str, str, list[tuple[GoalCard, bool]]]],
                       budget: int, *, not_loaded: int = 0) -> list[dict]:
    """The person's teams and active goals within `budget` blocks.

    `teams`: (team name, channel id, [(goal card, viewer is in)]). Each goal takes three blocks;
    past the budget the rest (teams, goals, and `not_loaded` more goals the caller did not
    render) is summarised in one line.
    """
    if not teams or budget < 3:
        return []
    blocks: list[dict] = [section("*Your teams*")]
    total = sum(len(goals) for _, _, goals in teams) + not_loaded
    shown = teams_shown = 0
    for name, channel_id, goals in teams:
        if len(blocks) + 2 > budget:
            break
        teams_shown += 1
        blocks.append(section(f"👥 *{escape(clip(name, 80))}* in <#{channel_id}>"
                              + ("" if goals else " — no active goals yet")))
        for card, is_in in goals:
            if len(blocks) + 3 + 1 > budget:
                break
            nxt = next_milestone(card.milestone_states())
            nxt_text = (f"Next milestone: {escape(clip(nxt.title, 100))} — "
                        f"{day_text(nxt.due_date, card.tz)}") if nxt else "No open milestones"
            mine = "✅ You're in" if is_in else "You haven't said “I'm in” yet"
            blocks.append(section(f"🎯 *{escape(clip(card.title, 150))}*\n{progress_line(card)}"))
            blocks.append(context(nxt_text, mine))
            elements = [button("Log progress", GOAL_LOG_PROGRESS, str(card.id),
                               style="primary")]
            if not is_in:
                elements.append(button("I'm in", GOAL_JOIN, str(card.id)))
            elements.append(button("Details", GOAL_DETAILS, str(card.id)))
            blocks.append({"type": "actions", "block_id": f"home_goal_{card.id}",
                           "elements": elements})
            shown += 1
    if shown < total or teams_shown < len(teams):
        more = []
        if shown < total:
            more.append(f"{total - shown} more active goals")
        if teams_shown < len(teams):
            more.append(f"{len(teams) - teams_shown} more teams")
        blocks = blocks[:budget - 1]
        blocks.append(context(f"…and {' and '.join(more)}. Type `/pact goal list` or "
                              "`/pact team` in a team's channel to see them all."))
    return blocks[:budget]
