"""The rhythm's messages: check-in posts, milestone reminders, "I'm stuck", channel-trouble
DMs and the daily nudge DM (pure builders)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.rules.goals import progress_fraction
from bot.rules.nudges import Item
from handlers.kit.blocks import (
    button,
    channel_ref,
    clip,
    confirm_dialog,
    context,
    escape,
    plain,
    plural,
    progress_bar,
    section,
    slack_date,
    user,
)
from handlers.kit.ids import (
    CHECKIN_STUCK,
    CHECKIN_STUCK_FORM,
    GOAL_LOG_PROGRESS,
    MILESTONE_MARK_DONE,
    NUDGE_SNOOZE,
    PDP_LOG_PROGRESS,
    PDP_OPEN,
    PDP_VIEW_REPORT,
    REMINDERS_STOP,
    RHYTHM_RESUME,
)


@dataclass(frozen=True)
class GoalFacts:
    id: int
    title: str
    metric: str
    baseline: float
    target: float
    current: float
    unit: str
    due_date: date
    tz: str = "UTC"  # the team's: calendar days are shown as the team chose them


@dataclass(frozen=True)
class MilestoneFacts:
    id: int
    title: str
    due_date: date
    done: bool


def _num(value: float) -> str:
    return f"{value:g}"


def fraction(goal: GoalFacts) -> float:
    return progress_fraction(goal.baseline, goal.target, goal.current)


def checkin_message(goal: GoalFacts, milestones: list[MilestoneFacts], contributors: list[str],
                    today: date) -> tuple[str, list[dict]]:
    """One goal's check-in: progress, next milestone, overdue ones, who logged progress."""
    open_ones = sorted((m for m in milestones if not m.done), key=lambda m: m.due_date)
    overdue = [m for m in open_ones if m.due_date < today]
    upcoming = [m for m in open_ones if m.due_date >= today]
    title = escape(clip(goal.title, 150))
    unit = f" {escape(goal.unit)}" if goal.unit else ""
    lines = [f"*Check-in: {title}*",
             f"{progress_bar(fraction(goal))}  ·  {_num(goal.current)}{unit} of "
             f"{_num(goal.target)}{unit} ({escape(clip(goal.metric, 200))})"]
    if upcoming:
        nxt = upcoming[0]
        lines.append(f"Next milestone: *{escape(clip(nxt.title, 150))}*, due "
                     f"{slack_date(nxt.due_date, tz=goal.tz)}")
    elif not open_ones:
        lines.append(f"Every milestone is done. Goal due "
                     f"{slack_date(goal.due_date, tz=goal.tz)}.")
    blocks = [section("\n".join(lines))]
    if overdue:
        listed = "\n".join(f"• {escape(clip(m.title, 150))} "
                           f"(was due {slack_date(m.due_date, tz=goal.tz)})"
                           for m in overdue[:5])
        more = f"\n…and {len(overdue) - 5} more" if len(overdue) > 5 else ""
        blocks.append(section(f":warning: *Overdue*\n{listed}{more}"))
    if contributors:
        names = ", ".join(user(c) for c in contributors[:20])
        more = f" and {len(contributors) - 20} more" if len(contributors) > 20 else ""
        blocks.append(context(f"Logged progress since the last check-in: {names}{more}"))
    else:
        blocks.append(context("Nobody logged progress since the last check-in. "
                              "A small step counts."))
    buttons = [button("Log progress", GOAL_LOG_PROGRESS, str(goal.id), style="primary")]
    target = overdue[0] if overdue else (upcoming[0] if upcoming else None)
    if target is not None:
        buttons.append(button("Mark milestone done", MILESTONE_MARK_DONE, str(target.id)))
    buttons.append(button("I'm stuck", CHECKIN_STUCK, str(goal.id)))
    blocks.append({"type": "actions", "block_id": f"checkin_{goal.id}", "elements": buttons})
    text = f"Check-in: {escape(clip(goal.title, 150))} ({int(fraction(goal) * 100 + 1e-9)}%)"
    if overdue:
        text += f", {plural(len(overdue), 'milestone')} overdue"
    return text, blocks


def milestone_reminder(goal_title: str, milestone: MilestoneFacts, days_left: int,
                       tz: str = "UTC") -> tuple[str, list[dict]]:
    # "today" and "tomorrow" once: Slack's date token would say the same word again.
    when = {0: "today", 1: "tomorrow"}.get(max(days_left, 0), f"in {plural(days_left, 'day')}")
    on = f" ({slack_date(milestone.due_date, tz=tz)})" if days_left > 1 else ""
    title, goal = escape(clip(milestone.title, 150)), escape(clip(goal_title, 150))
    text = f"Milestone “{title}” is due {when}"
    blocks = [section(f":round_pushpin: Milestone *{title}* of *{goal}* is due {when}{on}."),
              {"type": "actions", "block_id": f"milestone_{milestone.id}", "elements": [
                  button("Mark milestone done", MILESTONE_MARK_DONE, str(milestone.id),
                         style="primary")]}]
    return text, blocks


def stuck_message(user_id: str, goal_title: str, lead_ids: list[str], note: str = "") -> str:
    leads = " ".join(user(lead) for lead in lead_ids if lead != user_id)
    ask = f"{leads} could you help?" if leads else "Who can help?"
    said = f"\n>{escape(clip(note, 500))}" if note else ""
    return (f":raising_hand: {user(user_id)} is stuck on *{escape(clip(goal_title, 150))}*:"
            f"{said or ' '}\n{ask} Reply in this thread.")


def stuck_modal(goal_title: str) -> dict:
    """What the person is stuck on, asked before anything is posted; the listener seals the
    goal and the thread into its metadata."""
    return {"type": "modal", "callback_id": CHECKIN_STUCK_FORM, "title": plain("I'm stuck", 24),
            "submit": plain("Ask for help", 24), "close": plain("Cancel", 24), "blocks": [
                section(f"Your note goes to *{escape(clip(goal_title, 150))}*'s thread in the "
                        "team channel, and the team's leads are mentioned."),
                {"type": "input", "block_id": "note", "label": plain("What are you stuck on?"),
                 "element": {"type": "plain_text_input", "action_id": "note", "multiline": True,
                             "max_length": 500, "placeholder": plain(
                                 "e.g. the exam voucher needs a budget code I don't have",
                                 150)}}]}


def not_in_channel_dm(channel: str, team_name: str) -> str:
    return (f"I couldn't post the team rhythm for *{escape(team_name)}* in {channel_ref(channel)}: "
            f"Pact is not a member of that channel.\n"
            f"To fix it, type `/invite @Pact` in {channel_ref(channel)} (or open the channel's details > "
            f"Integrations > Add apps). I'll keep trying for a few hours, so what was waiting "
            f"goes out once I'm in.")


def channel_gone_dm(channel: str, team_name: str, error: str, team_id: int
                    ) -> tuple[str, list[dict]]:
    why = "was archived" if error == "is_archived" else "can't be found (deleted, or private " \
        "without Pact in it)"
    text = (f"Pact paused the rhythm of *{escape(team_name)}*: the channel {channel_ref(channel)} {why}, "
            f"so check-ins, milestone reminders and learning-lab posts are on hold.")
    blocks = [section(text + "\nUnarchive the channel (or invite Pact to it), then press "
                      "*Resume*. To move the team to another channel, run `/pact team setup` "
                      "there."),
              {"type": "actions", "block_id": "rhythm_resume", "elements": [
                  button("Resume", RHYTHM_RESUME, str(team_id), style="primary")]}]
    return text, blocks


# ---- the daily nudge DM: everything due for one person, batched into one message ----

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


def _request_line(request) -> str:
    who = user(request.owner_user)
    if request.reasons == ("chosen", "review"):
        return (f":wave: {who} chose you as their manager in Pact and asks you to review "
                "their development plan.")
    if request.reasons == ("chosen",):
        return f":wave: {who} chose you as their manager in Pact."
    return f":inbox_tray: {who} asks you to review their development plan."


def nudge_message(items: list[Item], next_at: datetime | None = None, *,
                  requests=()) -> tuple[str, list[dict]]:
    """The one DM of the day: what was held for the person until now (`requests`, each with
    `said` — a note as written — or `owner_user`, `pdp_id` and `reasons` — a report's
    request) and what their plans could use."""
    notes = [r for r in requests if r.said][:5]
    asked = [r for r in requests if not r.said][:10]
    blocks: list[dict] = [section(r.said) for r in notes]
    if asked:
        blocks.append(section("From your reports:"))
        blocks += [section(_request_line(r), accessory=button("Open", PDP_VIEW_REPORT,
                                                              str(r.pdp_id)))
                   for r in asked]
    if items:
        blocks.append(section("A few things in your development plans could use a "
                              "moment today:"))
    for item in items[:20]:
        if item.kind == "stale":
            update = button("Update now", PDP_LOG_PROGRESS, str(item.ref_id), style="primary")
        else:
            update = button("Update now", PDP_OPEN, str(item.ref_id), style="primary")
        blocks.append(section(_line(item), accessory=update))
    if len(items) > 20:
        blocks.append(context(f"…and {len(items) - 20} more in your plan."))
    if items:
        subjects = ",".join(sorted({i.subject for i in items}))
        blocks.append({"type": "actions", "block_id": "nudge", "elements": [
            button("Snooze a week", NUDGE_SNOOZE, subjects[:2000]),
            {**button("Stop these", REMINDERS_STOP, "nudge"),
             "confirm": confirm_dialog("Stop these reminders?", "No more reminders about "
                                       "your development plans. Turn them back on from the "
                                       "Home tab.", "Stop them")}]})
        later = f" The next one would come {slack_date(next_at)} at the earliest." \
            if next_at else ""
        blocks.append(context("At most one of these a day, on working days." + later))
    return _nudge_text(items, asked, notes), blocks


def _nudge_text(items: list[Item], asked: list, notes: list) -> str:
    parts = [f"{plural(len(asked), 'report')} asked for you"] if asked else []
    if notes:
        parts.append(f"{plural(len(notes), 'review')} moved")
    if items or not parts:
        parts.append(f"{plural(len(items), 'thing')} in your development plans could use a "
                     "moment today")
    return ", and ".join(parts) if len(parts) < 3 else f"{parts[0]}, {parts[1]}, and {parts[2]}"


def snoozed_message(until) -> tuple[str, list[dict]]:
    text = "Snoozed for a week."
    return text, [section(f":zzz: Snoozed: no reminder about these until {slack_date(until)}.")]
