"""The team's skill matrix as a heatmap PNG (matplotlib, Agg: no display needed). Pure: data
in, bytes out."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def render(skills: list[str], people: list[str], cells: dict[tuple[str, str], str],
           names: dict[str, str] | None = None) -> bytes:
    """Rows: people (labelled by `names`, Slack id -> display name: an image shows no
    mentions), columns: skills, both in the order given; colour: level, positive for mentors,
    negative for learners (M = can mentor, L = wants to learn)."""
    grid = []
    for person in people:
        row = []
        for skill in skills:
            cell = cells.get((person, skill), "")
            level = int(cell[-1]) if cell else 0
            row.append(level if "M" in cell else -level if "L" in cell else 0)
        grid.append(row)
    width, height = max(4.0, 0.35 * len(skills) + 2), max(3.0, 0.3 * len(people) + 1.5)
    fig, ax = plt.subplots(figsize=(min(width, 40), min(height, 40)), dpi=80)
    try:
        image = ax.imshow(grid or [[0]], cmap="RdBu", vmin=-5, vmax=5, aspect="auto")
        ax.set_xticks(range(len(skills)), labels=skills, rotation=60, ha="right", fontsize=7)
        ax.set_yticks(range(len(people)), labels=[(names or {}).get(p, p) for p in people],
                      fontsize=7)
        fig.colorbar(image, ax=ax, label="mentor level (blue) / learner level (red)")
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)
