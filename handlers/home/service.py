"""The Home tab's contents: each feature's section, within Slack's block budget (no Slack)."""

from __future__ import annotations

from handlers.home.blocks import MAX_HOME_BLOCKS, home_view
from storage.engine import session_scope


def build_home(services, member) -> dict:
    """The Home view for `member`, each feature's section within what is left of the budget."""
    parts: list[list[dict]] = []
    budget = MAX_HOME_BLOCKS - 4  # header, intro, footer and one spare
    with session_scope(services.engine) as session:
        for _order, _name, builder in services.home_sections:
            if budget <= 2:
                break
            blocks = builder(session, member, budget)[:budget]
            if blocks:
                parts.append(blocks)
                budget -= len(blocks) + 1  # +1 for the divider between parts
    return home_view(member.slack_user_id, parts)
