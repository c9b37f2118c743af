"""Block Kit for what a goal shows in channels and lists: its card, the channel post, the
thread notes, the celebration, the DMs, `/pact goal list` and the Home section."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.rules.goals import (
    MILESTONE_TITLE_MAX,
    NOTE_MAX,
    MilestoneState,
    format_number,
    next_milestone,
    progress_fraction,
)
from handlers.kit.blocks import (
    button,
    channel_ref,
    clip,
    context,
    escape,
    header,
    mention,
    plural,
    progress_bar,
    section,
    slack_date,
)
from handlers.kit.ids import (
    GOAL_DETAILS,
    GOAL_JOIN,
    GOAL_LOG_PROGRESS,
    GOAL_REPOST,
    PDP_OBJECTIVE_FROM_GOAL,
)

# A link only from a URL with nothing Slack reads as markup (`|` would set a disguised label).
_URL = re.compile(r"^https?://[^\s<>|\"]+$")


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
    return (f"*{format_number(card.current)}* of {format_number(card.target)}{_unit(card)} "
            f"(from {format_number(card.baseline)})  {progress_bar(card.fraction)}")


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
        by = f" by {mention(m['done_by'])}" if m.get("done_by") else ""
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
    who = (f"{len(card.participants)} in: " + " ".join(f"{mention(u)}" for u in card.participants[:20])
           + (" …" if len(card.participants) > 20 else "")) if card.participants \
        else "Nobody has said “I'm in” yet"
    blocks.append(context(f"{who} · Owner {mention(card.owner)}" + (f" · *{badge}*" if badge else "")))
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
    parts = [f"{mention(user)} logged progress"]
    if after is not None:
        change = f"{format_number(before)} → *{format_number(after)}*" \
            if before is not None and before != after else f"*{format_number(after)}*"
        parts.append(f": {change}{(' ' + escape(unit)) if unit else ''} ({percent}%)")
    text = "".join(parts)
    if note:
        text += "\n> " + escape(clip(note, NOTE_MAX - 200)).replace("\n", "\n> ")
    return text


def celebration(card: GoalCard, contributors: list[str]) -> tuple[str, list[dict]]:
    names = " ".join(f"{mention(u)}" for u in contributors[:60])
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
    blocks = [section(f"🙌 You're in for *{escape(card.title)}* in {channel_ref(card.channel_id)}.\n"
                      "Add a linked objective to your development plan so your own steps "
                      "count towards the team's goal."),
              {"type": "actions", "block_id": "goal_join_dm", "elements": [
                  button("Add to my plan", PDP_OBJECTIVE_FROM_GOAL, str(card.id),
                         style="primary"),
                  button("Log progress", GOAL_LOG_PROGRESS, str(card.id))]}]
    return text, blocks


def not_in_channel_dm(card: GoalCard, error: str) -> tuple[str, list[dict]]:
    where = f"{channel_ref(card.channel_id)}"
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


# ---- list and Home ---------------------------------------------------------------------------

def achieved_section(achieved: list[tuple[str, datetime]]) -> dict:
    lines = [f"🎉 {escape(clip(title, 150))} — {slack_date(at)}" for title, at in achieved[:5]]
    return section("*Recently achieved*\n" + "\n".join(lines))


LIST_SHOWN = 15  # goals `/pact goal list` shows; the rest are counted


def goal_list_message(team_name: str, channel_id: str, cards: list[GoalCard],
                      achieved: list[tuple[str, datetime]] = (), *,
                      total: int | None = None) -> dict:
    """The team's active goals (the first `LIST_SHOWN` of `total`), and for a while those it
    just achieved."""
    total = len(cards) if total is None else total
    if not cards:
        text = (f"{escape(team_name)} has no active goals. A lead starts one with "
                "`/pact goal new`.")
        blocks = [section(text)] + ([achieved_section(achieved)] if achieved else [])
        return {"response_type": "ephemeral", "text": text, "blocks": blocks}
    blocks = [header(f"Active goals of {clip(team_name, 100)}")]
    shown = cards[:LIST_SHOWN]
    for card in shown:
        nxt = next_milestone(card.milestone_states())
        line = f"*{escape(clip(card.title, 150))}*\n{progress_line(card)}"
        if nxt is not None:
            line += f"\nNext milestone: {escape(nxt.title)} — {day_text(nxt.due_date, card.tz)}"
        blocks.append(section(line))
        blocks.append({"type": "actions", "block_id": f"goal_list_{card.id}", "elements": [
            button("Log progress", GOAL_LOG_PROGRESS, str(card.id)),
            button("Details", GOAL_DETAILS, str(card.id))]})
    if total > len(shown):
        blocks.append(context(f"…and {total - len(shown)} more active goals."))
    if achieved:
        blocks = blocks[:48] + [achieved_section(achieved)]
    text = f"{plural(total, 'active goal')} in {escape(team_name)}: " + "; ".join(
        f"{escape(c.title)} {int(c.fraction * 100 + 1e-9)}%" for c in shown)
    return {"response_type": "ephemeral", "text": clip(text, 3000), "blocks": blocks[:50]}


def home_goals_section(teams: list[tuple[str, str, list[tuple[GoalCard, bool]]]],
                       budget: int, *, not_loaded: int = 0,
                       achieved: list[tuple[str, str, datetime]] = ()) -> list[dict]:
    """The person's teams and active goals within `budget` blocks, then (team name, title,
    when) of goals achieved lately, as `/pact goal list` shows them.

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
        blocks.append(section(f"👥 *{escape(clip(name, 80))}* in {channel_ref(channel_id)}"
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
    if achieved:
        several = len({team for team, _title, _at in achieved}) > 1
        blocks = blocks[:budget - 1] + [achieved_section(
            [(f"{title} ({team})" if several else title, at) for team, title, at in achieved])]
    return blocks[:budget]
