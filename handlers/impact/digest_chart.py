"""The digest's small chart (pure): each active goal's progress toward its target, one bar a
goal, drawn with matplotlib's Agg backend. Figures are built without pyplot, so charts drawn in
parallel by the tick's threads share no global state."""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from handlers.impact.digest_blocks import GoalProgress
from handlers.kit.blocks import clip

MAX_GOALS = 8


def goals_chart(goals: list[GoalProgress]) -> tuple[bytes, str] | None:
    """(PNG, alt text) of the goals' progress, or None without an active goal."""
    shown = goals[:MAX_GOALS]
    if not shown:
        return None
    fig = Figure(figsize=(6, 0.6 + 0.45 * len(shown)), dpi=100)
    FigureCanvasAgg(fig)
    axis = fig.add_subplot()
    # "$" would start matplotlib's math mode: a title is drawn as typed
    labels = [clip(g.title, 40).replace("$", r"\$") for g in shown][::-1]
    percents = [round(g.fraction * 100) for g in shown][::-1]
    axis.barh(labels, [100] * len(shown), color="#e8e8e8")
    bars = axis.barh(labels, percents, color="#2eb67d")
    axis.bar_label(bars, labels=[f"{p}%" for p in percents], padding=3, fontsize=8)
    axis.set_xlim(0, 110)
    axis.set_xticks([0, 25, 50, 75, 100])
    axis.tick_params(labelsize=8)
    axis.set_title("Progress toward each goal's target", fontsize=9)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    alt = "Bar chart of each active goal's progress toward its target: " + "; ".join(
        f"{clip(g.title, 80)} {round(g.fraction * 100)}% ({g.current:g} of {g.target:g}"
        f"{' ' + clip(g.unit, 20) if g.unit else ''})" for g in shown) + "."
    return out.getvalue(), clip(alt, 1000)
