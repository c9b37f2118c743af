"""The weekly digest's Block Kit (pure): built from plain facts the job already filtered
through the visibility policy, so nothing here decides who may see what."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from handlers.kit.blocks import (
    clip,
    context,
    escape,
    header,
    mention,
    plural,
    progress_bar,
    section,
    slack_date,
    slack_datetime,
)


@dataclass(frozen=True)
class GoalProgress:
    title: str
    baseline: float
    target: float
    current: float
    unit: str

    @property
    def fraction(self) -> float:
        span = (self.target - self.baseline) or 1
        return max(0.0, min(1.0, (self.current - self.baseline) / span))


@dataclass
class DigestFacts:
    """One team's week, as everyone in its channel may see it."""

    milestones_done: list[tuple[str, str]] = field(default_factory=list)  # (goal, milestone)
    objectives_done: list[tuple[str, str]] = field(default_factory=list)  # (slack id, title)
    celebrated: list[str] = field(default_factory=list)  # goals achieved and celebrated
    goals: list[GoalProgress] = field(default_factory=list)  # active
    next_lab: tuple[datetime, str | None] | None = None  # (starts_at, presenter slack id)
    upcoming: list[tuple[str, str, date]] = field(default_factory=list)  # (goal, title, due)
    kudos: int = 0  # given in the open this week
    thanked: int = 0  # different people those kudos thanked


def goal_line(goal: GoalProgress) -> str:
    return (f"*{escape(clip(goal.title, 100))}*  {progress_bar(goal.fraction)}  "
            f"{goal.current:g}/{goal.target:g} {escape(goal.unit)}")


def wins(facts: DigestFacts) -> list[str]:
    return ([f":white_check_mark: {escape(clip(m, 100))} ({escape(clip(g, 60))})"
             for g, m in facts.milestones_done]
            + [f":tada: {mention(u)} finished {escape(clip(t, 100))}"
               for u, t in facts.objectives_done])


def celebrations(facts: DigestFacts) -> list[str]:
    lines = [f":trophy: Goal achieved and celebrated: {escape(clip(g, 100))}"
             for g in facts.celebrated]
    if facts.kudos:
        lines.append(f":clap: {plural(facts.kudos, 'kudos', 'kudos')} given, "
                     f"{plural(facts.thanked, 'person', 'people')} thanked")
    return lines


def digest_message(team_name: str, tz: str, facts: DigestFacts, with_chart: bool = False
                   ) -> tuple[str, list[dict]] | None:
    """The week's post, or None when there is nothing to say (`with_chart`: the goals' chart
    follows in the post's thread)."""
    won, cheered = wins(facts), celebrations(facts)
    if not (won or cheered or facts.next_lab or facts.upcoming):
        return None
    blocks = [header(f"This week · {clip(team_name, 100)}")]
    if won:
        blocks.append(section(clip("*Wins*\n" + "\n".join(won[:15]), 2900)))
    if cheered:
        blocks.append(section(clip("*Celebrations*\n" + "\n".join(cheered[:10]), 2900)))
    if facts.goals:
        blocks.append(section(clip("*Goals*\n" + "\n".join(goal_line(g)
                                                            for g in facts.goals[:8]), 2900)))
        if with_chart:
            blocks.append(context(":bar_chart: Each goal's progress as a chart: in the thread."))
    if facts.next_lab:
        starts_at, presenter = facts.next_lab
        who = f"{mention(presenter)} presents" if presenter else "presenter to be decided"
        blocks.append(section(f"*Next learning lab*: {slack_datetime(starts_at)}, {who}."))
    if facts.upcoming:
        lines = [f"{slack_date(d, tz=tz)} · {escape(clip(t, 100))} ({escape(clip(g, 60))})"
                 for g, t, d in facts.upcoming[:8]]
        blocks.append(section("*Coming up*\n" + "\n".join(lines)))
    blocks.append(context("Weekly digest · a lead turns it off with `/pact digest off`."))
    text = (f"This week in {escape(team_name)}: {plural(len(won), 'win')}, "
            f"{plural(facts.kudos, 'kudos', 'kudos')}, {len(facts.upcoming)} coming up.")
    return text, blocks
