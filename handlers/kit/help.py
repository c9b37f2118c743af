"""The `/pact help` answer."""

from __future__ import annotations

from handlers.kit.blocks import clip, context, escape, section


def help_message(entries: list[tuple[str, str, tuple[str, ...]]], *, unknown: str | None = None,
                 suggestion: str | None = None) -> dict:
    """Every subcommand with one line each; for unknown text, say so and suggest the nearest."""
    if unknown:
        # A typo deserves one line, not the whole list: the nearest subcommand, and help.
        line = f"I don't know `/pact {escape(clip(unknown, 100))}`."
        line += (f" Did you mean `/pact {escape(suggestion)}`? (`/pact help` lists everything.)"
                 if suggestion else " Type `/pact help` to see everything Pact does.")
        return {"response_type": "ephemeral", "text": line, "blocks": [section(line)]}
    blocks = []
    intro = "*Pact* helps your team grow together: shared goals, development plans, a rhythm."
    blocks.append(section(intro))
    lines = [f"`/pact {escape(usage)}` — {escape(summary)}"
             + "".join(f"  _e.g._ `/pact {escape(e)}`" for e in examples[:2])
             for usage, summary, examples in entries]
    # One section holds up to 3000 characters; split the list over as many as it needs.
    chunk: list[str] = []
    for line in lines:
        if sum(len(x) + 1 for x in chunk) + len(line) > 2900:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("\n".join(chunk)))
    blocks.append(context("Your plans are private unless you share them. "
                          "Open the *Home* tab in Pact for your dashboard."))
    # The fallback names the commands; the blocks carry the one-line descriptions.
    text = intro + " Commands: " + ", ".join(f"/pact {usage}" for usage, _, _ in entries)
    return {"response_type": "ephemeral", "text": clip(text, 3000), "blocks": blocks[:50]}
