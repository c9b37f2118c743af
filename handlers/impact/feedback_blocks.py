"""Peer feedback builders (pure): the ask modal, the giver's DM and form, the owner's DM."""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers.kit.blocks import button, clip, context, escape, mention, plain, plural, section
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
                        "anonymously. It goes with this objective: you read it in your plan's "
                        "history, and whoever you share the objective with reads it too "
                        "(`/pact feedback`).")]}


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
    named = {"text": plain("Named: my name goes with it"), "value": "named"}
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
                context(f"Who reads it: {escape(clip(owner_name, 80))}, and whoever they share "
                        "this objective with. Anonymous feedback is shown only once at least 3 "
                        "people answered anonymously, without names."),
                {"type": "input", "block_id": "named", "label": plain("Show my name?"),
                 "element": {"type": "radio_buttons", "action_id": "named",
                             "options": [named, anonymous], "initial_option": anonymous}}]}


def new_feedback_dm(objective_title: str, count: int, *, named: bool
                    ) -> tuple[str, list[dict]]:
    what = "New feedback" if named else plural(count, "anonymous feedback answer")
    text = f"{what} on {escape(clip(objective_title, 150))}: open your plan's history to read it."
    return text, [section(f":speech_balloon: {what} on *{escape(clip(objective_title, 150))}*"
                          ". Read it in your plan's *History* (`/pact pdp`) or with "
                          "`/pact feedback`. Only you see it, unless you share the objective.")]


@dataclass(frozen=True)
class FeedbackEntry:
    giver_user: str | None  # None: anonymous
    went_well: str
    try_next: str
    knowledge_sharing: int | None = None
    mentoring: int | None = None


@dataclass(frozen=True)
class ObjectiveFeedback:
    title: str
    entries: list[FeedbackEntry] = field(default_factory=list)


def entry_line(e: FeedbackEntry) -> str:
    by = mention(e.giver_user) if e.giver_user else "_anonymous_"
    parts = [f"went well: {escape(clip(e.went_well, 300))}" if e.went_well else "",
             f"try next: {escape(clip(e.try_next, 300))}" if e.try_next else "",
             f"knowledge sharing {e.knowledge_sharing}/5" if e.knowledge_sharing else "",
             f"mentoring {e.mentoring}/5" if e.mentoring else ""]
    return f"• {by}: " + "; ".join(p for p in parts if p)


def feedback_message(owner_user: str, objectives: list[ObjectiveFeedback], own: bool) -> dict:
    """The feedback on someone's objectives, as the asker may read it (already filtered)."""
    whose = "your objectives" if own else f"{mention(owner_user)}'s objectives"
    if not objectives:
        text = ("No feedback on your objectives yet: ask for it from an objective in "
                "`/pact pdp`." if own else
                f"Nothing to show: no feedback on objectives {mention(owner_user)} shares "
                "with you.")
        return {"text": text, "blocks": [section(text)]}
    blocks = [section(f"*Feedback on {whose}*")]
    for o in objectives[:20]:
        lines = [entry_line(e) for e in o.entries[:15]]
        blocks.append(section(clip(f"*{escape(clip(o.title, 150))}*\n" + "\n".join(lines),
                                   2900)))
    blocks.append(context("Feedback goes with its objective: who may see the objective may "
                          "read it. Anonymous answers carry no name."))
    return {"text": f"Feedback on {whose}.", "blocks": blocks}
