"""The team's check-in post (pure builders): one post per team per check-in moment, with every
active goal, its milestones due before the next check-in, and per-goal buttons; and the state
line an earlier check-in gets once a newer one replaced it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from handlers.kit.blocks import (
    button,
    clip,
    context,
    escape,
    plain,
    plural,
    progress_bar,
    section,
    slack_date,
    user,
    with_state_line,
)
from handlers.kit.ids import CHECKIN_STUCK, GOAL_LOG_PROGRESS, MILESTONE_MARK_DONE
from handlers.rhythm.blocks import GoalFacts, MilestoneFacts, fraction

# Slack allows 50 blocks a message: a header, three blocks per goal, a closing line.
MAX_GOALS = 15
WEEK = timedelta(days=7)


@dataclass(frozen=True)
class GoalCheckin:
    goal: GoalFacts
    milestones: list[MilestoneFacts]
    contributors: list[str]  # Slack user ids who logged progress since the last check-in


def _num(value: float) -> str:
    return f"{value:g}"


def _percent(goal: GoalFacts) -> int:
    return int(fraction(goal) * 100 + 1e-9)


def _milestones_due(item: GoalCheckin, today: date) -> tuple[list, list]:
    """The open milestones that are overdue, and those due before the next check-in."""
    open_ones = sorted((m for m in item.milestones if not m.done), key=lambda m: m.due_date)
    overdue = [m for m in open_ones if m.due_date < today]
    soon = [m for m in open_ones if today <= m.due_date < today + WEEK]
    return overdue, soon


def _goal_blocks(item: GoalCheckin, today: date, overdue: list, soon: list) -> list[dict]:
    goal = item.goal
    unit = f" {escape(goal.unit)}" if goal.unit else ""
    lines = [f"*{escape(clip(goal.title, 150))}*",
             f"{_num(goal.current)}{unit} of {_num(goal.target)}{unit} "
             f"({escape(clip(goal.metric, 200))})  {progress_bar(fraction(goal))}"]
    for m in overdue[:3]:
        lines.append(f":warning: Overdue: {escape(clip(m.title, 150))} "
                     f"(was due {slack_date(m.due_date, tz=goal.tz)})")
    if len(overdue) > 3:
        lines.append(f"…and {plural(len(overdue) - 3, 'more overdue milestone')}")
    for m in soon[:3]:
        lines.append(f":round_pushpin: Due {slack_date(m.due_date, tz=goal.tz)}: "
                     f"{escape(clip(m.title, 150))}")
    later = [m for m in item.milestones if not m.done and m.due_date >= today + WEEK]
    if later and not soon:
        nxt = min(later, key=lambda m: m.due_date)
        lines.append(f"Next milestone: {escape(clip(nxt.title, 150))}, due "
                     f"{slack_date(nxt.due_date, tz=goal.tz)}")
    if not any(not m.done for m in item.milestones):
        lines.append(f"Every milestone is done. Goal due "
                     f"{slack_date(goal.due_date, tz=goal.tz)}.")
    if item.contributors:
        names = ", ".join(user(c) for c in item.contributors[:20])
        more = f" and {len(item.contributors) - 20} more" if len(item.contributors) > 20 else ""
        who = f"Logged progress since the last check-in: {names}{more}"
    else:
        who = "Nobody logged progress since the last check-in. A small step counts."
    buttons = [button("Log progress", GOAL_LOG_PROGRESS, str(goal.id), style="primary")]
    target = (overdue or soon or sorted(later, key=lambda m: m.due_date) or [None])[0]
    if target is not None:
        buttons.append(button("Mark milestone done", MILESTONE_MARK_DONE, str(target.id)))
    buttons.append(button("I'm stuck", CHECKIN_STUCK, str(goal.id)))
    return [section("\n".join(lines)), context(who),
            {"type": "actions", "block_id": f"checkin_{goal.id}", "elements": buttons}]


def team_checkin(team_name: str, items: list[GoalCheckin], today: date
                 ) -> tuple[str, list[dict]]:
    """The one check-in post of a team: every active goal with its own buttons."""
    shown = items[:MAX_GOALS]
    blocks: list[dict] = [{"type": "header",
                           "text": plain(f"Check-in: {clip(team_name, 120)}", 150)}]
    due_of = [_milestones_due(item, today) for item in items]
    for item, (late, soon) in zip(shown, due_of, strict=False):
        blocks.extend(_goal_blocks(item, today, late, soon))
    if len(items) > MAX_GOALS:
        blocks.append(context(f"…and {plural(len(items) - MAX_GOALS, 'more goal')}: "
                              f"`/pact goal list` shows them all."))
    overdue = sum(len(late) for late, _soon in due_of)
    due = sum(len(soon) for _late, soon in due_of)
    parts = [f"{escape(clip(i.goal.title, 80))} {_percent(i.goal)}%" for i in shown[:5]]
    text = f"Check-in for {escape(clip(team_name, 80))}: " + ", ".join(parts)
    if len(items) > 5:
        text += f" and {plural(len(items) - 5, 'more goal')}"
    if overdue:
        text += f"; {plural(overdue, 'milestone')} overdue"
    if due:
        text += f"; {plural(due, 'milestone')} due this week"
    return text, blocks


def superseded(blocks: list[dict], state: str) -> list[dict]:
    """An earlier post with its buttons replaced by one short state line."""
    return with_state_line(blocks, f":white_check_mark: {state}")


def weekday_name(day: date) -> str:
    return day.strftime("%A")
