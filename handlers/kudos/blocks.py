"""Pure Block Kit builders for kudos: the post, the DM, the modal, the Home line."""

from __future__ import annotations

import re

from handlers.kit import ids
from handlers.kit.blocks import button, clip, context, escape, mention, plain, section

# A message's permalink as Slack gives it; anything else is not shown as a link.
_PERMALINK = re.compile(r"\Ahttps://[A-Za-z0-9.-]+\.slack\.com/[^\s|<>]+\Z")


def _link_line(link: str) -> list[dict]:
    return [context(f"<{link}|The message>")] if link and _PERMALINK.match(link) else []


def _thanks(giver: str, receivers: list[str], reason: str) -> str:
    people = ", ".join(f"{mention(u)}" for u in receivers[:20])
    return f":clap: {mention(giver)} thanks {people} for {escape(clip(reason, 300))}"


def kudos_post(giver: str, receivers: list[str], reason: str, link: str = "") -> dict:
    text = _thanks(giver, receivers, reason)
    return {"text": text, "blocks": [section(text), *_link_line(link)]}


def kudos_dm(giver: str, reason: str, link: str = "") -> dict:
    text = f":clap: {mention(giver)} sends you kudos for {escape(clip(reason, 300))}"
    return {"text": text, "blocks": [section(text), *_link_line(link)]}


def kudos_button(user_id: str) -> dict:
    return button("Kudos", ids.KUDOS_BUTTON, user_id)


def kudos_modal(receiver: str | None = None, *, about_message: bool = False) -> dict:
    who = {"type": "multi_users_select", "action_id": "who", "max_selected_items": 10}
    if receiver:
        who["initial_users"] = [receiver]
    blocks = []
    if about_message:
        blocks.append(context("The message will be linked."))
    blocks += [
        {"type": "input", "block_id": "who", "label": plain("Whom to thank"), "element": who},
        {"type": "input", "block_id": "reason", "label": plain("What for"),
         "element": {"type": "plain_text_input", "action_id": "reason", "max_length": 300}},
        {"type": "input", "block_id": "private", "label": plain("Where"), "optional": True,
         "element": {"type": "checkboxes", "action_id": "private", "options": [
             {"text": plain("Only to them, by DM"), "value": "private"}]}},
    ]
    return {"type": "modal", "callback_id": ids.KUDOS_FORM, "title": plain("Give kudos", 24),
            "submit": plain("Send", 24), "close": plain("Cancel", 24), "blocks": blocks}


def home_line(count: int) -> list[dict]:
    if not count:
        return []
    noun = "kudos" if count != 1 else "kudo"
    return [context(f":clap: {count} {noun} received this month. `/pact kudos @someone for …` "
                    "passes it on.")]


def kudos_button_on(message: dict | None, user_id: str) -> dict | None:
    """A celebration with a Kudos button for the person celebrated (`user_id` "": a team's
    celebration, whoever the giver picks)."""
    if message is None:
        return message
    return {**message, "blocks": [*message["blocks"], {"type": "actions", "elements": [
        kudos_button(user_id)]}]}
