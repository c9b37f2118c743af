"""The Home tab view."""

from __future__ import annotations

from handlers.blocks.text import context, header, section


def home_view(user_id: str) -> dict:
    blocks = [
        header("Your Pact"),
        section(f"Welcome, <@{user_id}>. Type `/pact help` in any channel to see what Pact "
                "can do for you and your team."),
        context("What needs you comes first here, then your plan, then your teams."),
    ]
    return {"type": "home", "blocks": blocks}
