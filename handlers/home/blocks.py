"""The Home tab view, from the sections each feature builds."""

from __future__ import annotations

from handlers.kit.blocks import context, divider, header, mention, section

MAX_HOME_BLOCKS = 100


def home_view(user_id: str, parts: list[list[dict]]) -> dict:
    blocks = [header("Your Pact")]
    if not any(parts):
        blocks.append(section(
            f"Welcome, {mention(user_id)}. Pact helps your team grow together. Type `/pact help` in "
            "your team's channel to see what it can do; a lead starts with `/pact team setup`."))
    for i, part in enumerate(parts):
        if i:
            blocks.append(divider())
        blocks.extend(part)
    blocks.append(context("Your development plan is private unless you choose to share it. "
                          "`/pact help` lists every command."))
    return {"type": "home", "blocks": blocks[:MAX_HOME_BLOCKS]}
