"""Pure Block Kit builders for pacts: the offer, ask and stuck forms, the DMs, the listing.

Every piece of user text is escaped here; titles given to these builders are already what the
reader may see (the service asked the visibility policy).
"""

from __future__ import annotations

from datetime import date, datetime

from handlers.absences.blocks import reminder_controls
from handlers.kit import ids
from handlers.kit.blocks import (
    button,
    channel_ref,
    clip,
    confirm_dialog,
    context,
    escape,
    header,
    mention,
    plain,
    progress_bar,
    section,
    slack_date,
    with_state_line,
)

HELP_LABELS = {"review": "Review", "pairing": "Pairing session", "resources": "Resources",
               "audience": "Practice audience", "other": "Other"}
CADENCE_LABELS = {"none": "No check-ins", "weekly": "Weekly", "biweekly": "Every two weeks",
                  "monthly": "Monthly"}


def _message(text: str, blocks: list[dict]) -> dict:
    return {"text": clip(text, 3000), "blocks": blocks}


def _option(text: str, value: str) -> dict:
    return {"text": plain(text, 75), "value": value}


def _select(action_id: str, labels: dict[str, str], initial: str) -> dict:
    options = [_option(t, v) for v, t in labels.items()]
    return {"type": "static_select", "action_id": action_id, "options": options,
            "initial_option": next(o for o in options if o["value"] == initial)}


def _input(block_id: str, label: str, element: dict, optional: bool = False) -> dict:
    return {"type": "input", "block_id": block_id, "label": plain(label, 2000),
            "element": element, "optional": optional}


def _text(action_id: str, max_length: int = 500, *, multiline: bool = True) -> dict:
    return {"type": "plain_text_input", "action_id": action_id, "multiline": multiline,
            "max_length": max_length}


def _modal(callback_id: str, title: str, submit: str, blocks: list[dict]) -> dict:
    return {"type": "modal", "callback_id": callback_id, "title": plain(title, 24),
            "submit": plain(submit, 24), "close": plain("Cancel", 24), "blocks": blocks}


def offer_modal(title: str, *, pledge: bool = False) -> dict:
    about = "the team goal" if pledge else "the objective"
    return _modal(ids.PACT_OFFER_FORM, "Pledge support" if pledge else "I'll help", "Send", [
        section(f"Supporting {about} *{escape(title)}*"),
        _input("kind", "What you offer", _select("kind", HELP_LABELS, "review")),
        _input("text", "In your words", _text("text"), optional=True),
        _input("cadence", "How often you'll check in", _select("cadence", CADENCE_LABELS,
                                                                "weekly")),
        _input("until", "Until", {"type": "datepicker", "action_id": "until"}, optional=True),
    ])


def ask_modal(title: str) -> dict:
    return _modal(ids.PACT_ASK_FORM, "Ask for support", "Ask", [
        section(f"Who could support you on *{escape(title)}*?"),
        _input("who", "Teammates (or your manager)",
               {"type": "multi_users_select", "action_id": "who", "max_selected_items": 10}),
        _input("note", "What would help", _text("note"), optional=True),
    ])


def stuck_modal(title: str, supporters: int = 1, team: tuple[str, str] | None = None) -> dict:
    """`supporters`: how many support the objective; with none, `team` (the linked goal's
    title, its channel) offers to ask the team in the goal's thread instead."""
    if supporters:
        top = (f"Your {supporters} supporter{'s' if supporters != 1 else ''} on "
               f"*{escape(title)}* will get your note.")
        extra = []
    else:
        goal, channel = team or ("", "")
        top = f"Nobody supports *{escape(title)}* yet."
        extra = [_input("ask_team", "Ask the team", {
            "type": "checkboxes", "action_id": "ask_team",
            "options": [_ask_team_option(goal, channel)],
            "initial_options": [_ask_team_option(goal, channel)]})]
    return _modal(ids.PACT_STUCK_FORM, "I'm stuck", "Tell them" if supporters else "Ask", [
        section(top), *extra, _input("note", "Where are you stuck?", _text("note")),
    ])


def _ask_team_option(goal: str, channel: str) -> dict:
    """Slack caps an option's text at 75 characters: the goal's title gives way first."""
    where = f"* in {channel_ref(channel)}"
    room = max(10, 75 - len("In the thread of *") - len(where))
    return {"text": {"type": "mrkdwn", "text": f"In the thread of *{escape(clip(goal, room))}"
                                               f"{where}"}, "value": "yes"}


def offer_line(kind: str, text: str, cadence: str, until: date | None) -> str:
    line = f"*{HELP_LABELS.get(kind, 'Other')}* · {CADENCE_LABELS.get(cadence, '')}"
    if until is not None:
        line += f" · until {slack_date(until)}"
    return line + (f"\n>{escape(clip(text, 500))}" if text else "")


def offer_dm(pact_id: int, supporter: str, title: str, kind: str, text: str, cadence: str,
             until: date | None) -> dict:
    head = f"{mention(supporter)} offers to help you with *{escape(title)}*"
    return _message(f"{mention(supporter)} offers to help you with {escape(title)}", [
        section(head + "\n" + offer_line(kind, text, cadence, until)),
        {"type": "actions", "elements": [
            button("Accept", ids.PACT_ACCEPT, str(pact_id), style="primary"),
            button("Decline", ids.PACT_DECLINE, str(pact_id))]},
    ])


def ask_dm(pact_id: int, owner: str, title: str, progress: int, note: str) -> dict:
    body = f"{mention(owner)} asks for your support on *{escape(title)}* ({progress_bar(progress / 100)})"
    if note:
        body += f"\n>{escape(clip(note, 500))}"
    return _message(f"{mention(owner)} asks for your support on {escape(title)}", [
        section(body),
        {"type": "actions", "elements": [
            button("Accept", ids.PACT_ACCEPT, str(pact_id), style="primary"),
            button("Not now", ids.PACT_DECLINE, str(pact_id))]},
    ])


def answer_state(status: str, origin: str, accepted_at: datetime | None,
                 ended_at: datetime | None) -> str:
    """The short line an answered Accept / Decline (or Accept / Not now) DM keeps."""
    def on(moment) -> str:
        return slack_date(moment, "{date_short_pretty}")
    if accepted_at is not None:
        line = f"✅ Accepted {on(accepted_at)}"
        return line + (f" · the pact ended {on(ended_at)}" if ended_at is not None else "")
    if status == "declined":
        return f"{'Declined' if origin == 'offer' else 'Not now'} · {on(ended_at)}" \
            if ended_at is not None else ("Declined" if origin == "offer" else "Not now")
    return "No longer open."


def answered_dm(message: dict | None, state: str) -> dict:
    """The DM once answered: what it asked (when the reader may still see it), its buttons
    replaced by `state`."""
    if message is None:
        return _message(f"A pact request: {state}", [section("A pact request.")] +
                        with_state_line([], state))
    return _message(message["text"], with_state_line(message["blocks"], state))


def agreed_dm(by: str, title: str) -> dict:
    text = f"{mention(by)} agreed: your pact on *{escape(title)}* is on." if title \
        else f"{mention(by)} agreed: your pact is on."
    return _message(text, [section(text), context("See it on your Home tab or `/pact pacts`.")])


def declined_dm(by: str, origin: str) -> dict:
    text = (f"{mention(by)} can't take this on right now. Thanks for offering!" if origin == "offer"
            else f"{mention(by)} can't take this on right now. Maybe another teammate can help.")
    return _message(text, [section(text)])


def ended_dm(by: str, title: str) -> dict:
    about = f" on *{escape(title)}*" if title else ""
    text = f"{mention(by)} closed your pact{about}. Thank you for the part you played."
    return _message(text, [section(text)])


def until_dm(other: str, title: str, until: date) -> dict:
    """Both sides, on the pact's end date (each with the title they may see)."""
    about = f" on *{escape(title)}*" if title else ""
    who = f" with {mention(other)}" if other else ""
    text = (f"Your pact{who}{about} reached its end date ({slack_date(until)}) and has ended, "
            "as you agreed. Thank you for the time you gave it.")
    return _message(text, [section(text), context("You can always make a new one: "
                                                  "`/pact pacts` lists yours.")])


def ended_quietly_dm() -> dict:
    """All a supporter learns when the owner no longer shares the objective, or deleted it."""
    text = "A pact you were part of has ended. Thank you for your support."
    return _message(text, [section(text)])


def progress_dm(owner: str, title: str, progress: int) -> dict:
    text = f"{mention(owner)} made progress on *{escape(title)}*: {progress_bar(progress / 100)}"
    return _message(text, [section(text)])


def thanks_dm(owner: str, title: str) -> dict:
    who = f"{mention(owner)} finished" if owner else "Done:"
    text = f"{who} *{escape(title)}*, with your support. Thank you!"
    return _message(text, [section(text)])


def stuck_dm(owner: str, title: str, note: str) -> dict:
    text = f"{mention(owner)} is stuck on *{escape(title)}*:\n>{escape(clip(note, 500))}"
    return _message(f"{mention(owner)} is stuck on {escape(title)}", [
        section(text), context("A message or a short call can make the difference.")])


def pledge_note(supporter: str, owner: str, title: str, kind: str, text: str, cadence: str,
                until: date | None) -> dict:
    """A pledge, thanked at once in the goal's thread (`owner`: the goal's owner, mentioned)."""
    to = f"{mention(owner)}: " if owner else ""
    head = f":handshake: {to}{mention(supporter)} pledged support to *{escape(title)}*. Thank you!"
    return _message(f"{to}{mention(supporter)} pledged support to {escape(title)}. Thank you!",
                    [section(head + "\n" + offer_line(kind, text, cadence, until))])


def stuck_team_post(owner: str, objective_id: int, title: str, goal: str, note: str) -> dict:
    """An owner nobody supports yet asks the team, in the linked goal's thread."""
    text = (f":raising_hand: {mention(owner)} is stuck on *{escape(clip(title, 150))}* "
            f"(for *{escape(clip(goal, 150))}*):\n>{escape(clip(note, 500))}")
    return _message(f"{mention(owner)} is stuck on {escape(clip(title, 150))}: who can help?", [
        section(text),
        {"type": "actions", "elements": [help_button(f"o:{objective_id}")]},
        context("Reply in this thread, or press I'll help to support them.")])


def checkin_dm(items: list[tuple[int, str, str]]) -> dict:
    """One DM a day per person: (pact id, the other side's Slack id, title) per pact due."""
    blocks = [section("Time for a pact check-in.")]
    for pact_id, other, title in items[:15]:
        blocks.append(section(f"How is your pact with {mention(other)} on *{escape(title)}* going?"))
        blocks.append({"type": "actions", "elements": [
            button("We met / made progress", ids.PACT_CHECKIN_MET, str(pact_id),
                   style="primary"),
            button("Not yet", ids.PACT_CHECKIN_NOT_YET, str(pact_id)),
            end_button(pact_id)]})
    first = items[0][2] if items else ""
    blocks += reminder_controls("pact_checkin", "The next check-in comes at each pact's "
                                "cadence, on a working day, at most one of these a day.")
    return _message(f"How is your pact on {escape(first)} going?", blocks)


def end_button(pact_id: int) -> dict:
    return button("End pact", ids.PACT_END, str(pact_id), confirm=confirm_dialog(
        "End this pact?", "The other side is told the pact ended, nothing more.", "End pact"))


def help_button(target: str, text: str = "I'll help", n: int = 0) -> dict:
    """`target`: "o:<objective id>" or "g:<goal id>"; `n` keeps action ids unique in a block."""
    return button(text, f"{ids.PACT_HELP}_{n}" if n else ids.PACT_HELP, target)


def pact_rows(rows: list[tuple[int, str, str, str]], heading: str) -> list[dict]:
    """(pact id, other side's Slack id, title, offer line) for one side's active pacts."""
    if not rows:
        return []
    blocks = [section(f"*{heading}*")]
    for pact_id, other, title, line in rows[:20]:
        who = f"{mention(other)}" if other else "a former teammate"
        blocks.append(section(f"*{escape(title) or 'A pact'}* · {who}\n{line}",
                              accessory=end_button(pact_id)))
    return blocks


def pacts_message(supporting: list, supported: list) -> dict:
    blocks = [header("Your pacts")]
    blocks += pact_rows(supporting, "I support") + pact_rows(supported, "Supporting me")
    if len(blocks) == 1:
        blocks.append(section("No pacts yet. Press *I'll help* on a teammate's objective, or "
                              "ask for support from your plan (`/pact pdp`)."))
    return _message("Your pacts", blocks[:50])


def teammates_section(items: list[tuple[str, str, str]]) -> list[dict]:
    """Home: (owner Slack id, title, target) of objectives teammates share with the reader."""
    if not items:
        return []
    blocks = [section("*Your teammates are working on*")]
    for owner, title, target in items[:8]:
        blocks.append(section(f"{mention(owner)}: {escape(title)}", accessory=help_button(target)))
    return blocks


def credit_supporters(message: dict | None, supporters: list[str]) -> dict | None:
    """A celebration that thanks the supporters by name (they also get a DM)."""
    if message is None or not supporters:
        return message
    names = ", ".join(f"{mention(u)}" for u in supporters[:20])
    line = f":handshake: With the support of {names}. Thank you!"
    return {**message, "text": f"{message['text']} {line}",
            "blocks": [*message["blocks"], context(line)]}


def help_buttons(objectives: list) -> list[dict]:
    """One I'll help button per open objective the reader may see (at most five)."""
    open_ones = [o for o in objectives if o.status not in ("done", "dropped")][:5]
    elements = [help_button(f"o:{o.id}", clip(f"I'll help: {o.title}", 75), n)
                for n, o in enumerate(open_ones)]
    return [{"type": "actions", "elements": elements}] if elements else []


def pledge_section(goal_id: int, supporters: list[str], may_pledge: bool) -> list[dict]:
    blocks = []
    if supporters:
        blocks.append(context("Pledged support: " + ", ".join(f"{mention(u)}" for u in supporters[:20])))
    if may_pledge:
        blocks.append({"type": "actions", "elements": [
            help_button(f"g:{goal_id}", "Pledge support")]})
    return blocks
