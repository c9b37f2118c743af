"""Peer feedback builders (pure): the ask modal, the giver's DM and form, the owner's DM."""

from __future__ import annotations

from handlers.kit.blocks import button, clip, context, escape, mention, plain, section
from handlers.kit.ids import FEEDBACK_ASK_CALLBACK, FEEDBACK_GIVE, FEEDBACK_GIVE_CALLBACK


def ask_modal(objective_title: str) -> dict:
    return {"type": "modal", "callback_id": FEEDBACK_ASK_CALLBACK,
            "title": plain("Ask for feedback"), "submit": plain("Ask"),
            "close": plain("Cancel"), "blocks": [
                section(f"Who should tell you how *{escape(clip(objective_title, 150))}* is "
                        "going?"),
                {"type": "input", "block_id": "givers", "label": plain("Teammates"),
                 "element": {"type": "multi_users_select", "action_id": "givers",
                             "max_selected_items": 10}},
                context("Each gets a short form by DM and chooses to be named or anonymous. "
                        "Anonymous feedback reaches you once at least 3 people answered "
                        "anonymously. Only you see it, in your plan's history.")]}


def ask_dm(owner_user: str, objective_title: str, request_id: int) -> tuple[str, list[dict]]:
    text = f"{mention(owner_user)} asks for your feedback on {escape(clip(objective_title, 150))}."
    return text, [section(f"{mention(owner_user)} asks for your feedback on "
                          f"*{escape(clip(objective_title, 150))}*. Two short questions; you "
                          "choose named or anonymous."),
                  {"type": "actions", "block_id": f"feedback_{request_id}", "elements": [
                      button("Give feedback", FEEDBACK_GIVE, str(request_id),
                             style="primary")]}]


def _scale(block_id: str, label: str) -> dict:
    options = [{"text": plain(str(v)), "value": str(v)} for v in range(1, 6)]
    return {"type": "input", "block_id": block_id, "optional": True, "label": plain(label),
            "element": {"type": "static_select", "action_id": block_id, "options": options}}


def give_modal(owner_name: str, objective_title: str) -> dict:
    named = {"text": plain("Named: they see it is from me"), "value": "named"}
    anonymous = {"text": plain("Anonymous"), "value": "anonymous"}
    return {"type": "modal", "callback_id": FEEDBACK_GIVE_CALLBACK, "title": plain("Feedback"),
            "submit": plain("Send"), "close": plain("Cancel"), "blocks": [
                section(f"Feedback for {escape(clip(owner_name, 80))} on "
                        f"*{escape(clip(objective_title, 150))}*"),
                {"type": "input", "block_id": "went_well", "optional": True,
                 "label": plain("What went well"),
                 "element": {"type": "plain_text_input", "action_id": "went_well",
                             "multiline": True, "max_length": 300}},
                {"type": "input", "block_id": "try_next", "optional": True,
                 "label": plain("One thing to try next"),
                 "element": {"type": "plain_text_input", "action_id": "try_next",
                             "multiline": True, "max_length": 300}},
                _scale("knowledge", "Knowledge sharing (1-5)"),
                _scale("mentoring", "Mentoring (1-5)"),
                {"type": "input", "block_id": "named", "label": plain("Show my name?"),
                 "element": {"type": "radio_buttons", "action_id": "named",
                             "options": [named, anonymous], "initial_option": anonymous}}]}


def new_feedback_dm(objective_title: str, count: int, *, named: bool
                    ) -> tuple[str, list[dict]]:
    what = "New feedback" if named else f"{count} anonymous feedback answers"
    text = f"{what} on {escape(clip(objective_title, 150))}: open your plan's history to read it."
    return text, [section(f":speech_balloon: {what} on *{escape(clip(objective_title, 150))}*"
                          ". Read it in your plan's *History* (`/pact pdp`); only you see it.")]
