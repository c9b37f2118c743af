"""Learning-lab posts, DMs and the setup modal (pure builders)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.kit.blocks import (
    button,
    clip,
    confirm_dialog,
    context,
    escape,
    header,
    mention,
    plain,
    section,
    slack_datetime,
    user,
)
from handlers.kit.ids import (
    KUDOS_BUTTON,
    LAB_DONE,
    LAB_SETUP_CALLBACK,
    LAB_SKIP,
    LAB_SWAP,
    LAB_SWAP_ACCEPT,
    LAB_SWAP_CALLBACK,
    LAB_SWAP_DECLINE,
    PACT_HELP,
)

TBA = "topic to be announced"


def _topic(topic: str) -> str:
    return f"*{escape(clip(topic, 300))}*" if topic else f"_{TBA}_"


def announcement(session_id: int, team_name: str, starts_at: datetime, duration: int,
                 presenter: str | None, topic: str, status: str = "scheduled",
                 objective_id: int | None = None, tz: str = "UTC") -> tuple[str, list[dict]]:
    """`objective_id`: the presenter's objective the topic is drawn from (an I'll help button;
    the click is checked against the visibility policy)."""
    who = user(presenter) if presenter else "_nobody yet_"
    when = slack_datetime(starts_at)
    lines = [f"*When:* {when} ({duration} min)", f"*Presenter:* {who}",
             f"*Topic:* {_topic(topic)}"]
    blocks = [header(f"Learning lab · {clip(team_name, 100)}"), section("\n".join(lines))]
    if status == "done":
        blocks.append(context(":white_check_mark: Held. Thank you for sharing!"))
        if presenter:
            blocks.append({"type": "actions", "block_id": f"lab_thanks_{session_id}",
                           "elements": [button("Kudos", KUDOS_BUTTON, presenter)]})
    else:
        # Everyone may offer help or give kudos; skip, swap and Done are the presenter's, in
        # their DM.
        elements = [*([button("I'll help", PACT_HELP, f"o:{objective_id}")]
                      if objective_id and topic else []),
                    *([button("Kudos", KUDOS_BUTTON, presenter)] if presenter else [])]
        if elements:
            blocks.append({"type": "actions", "block_id": f"lab_{session_id}",
                           "elements": elements})
        blocks.append(context("The presenter can skip or swap from their DM, and records the "
                              "session there with *Done* afterwards."))
    # The fallback (notifications) in the team's time, without the year: "Thu 3 Dec, 15:00".
    local = starts_at.astimezone(ZoneInfo(tz or "UTC"))
    text = (f"Learning lab {local:%a} {local.day} {local:%b, %H:%M}: "
            f"{mention(presenter) if presenter else 'presenter to be decided'} on "
            f"{escape(clip(topic, 300)) if topic else TBA}")
    return text, blocks


def _presenter_buttons(session_id: int) -> dict:
    return {"type": "actions", "block_id": f"lab_dm_{session_id}", "elements": [
        button("Skip me this time", LAB_SKIP, str(session_id), confirm=confirm_dialog(
            "Skip this session?", "The next person in line presents; you keep your turn for "
            "the following session.", "Skip me")),
        button("Swap with…", LAB_SWAP, str(session_id))]}


def presenter_dm(team_name: str, starts_at: datetime, topic: str, session_id: int
                 ) -> tuple[str, list[dict]]:
    """The presenter's own controls (skip, swap), and a request for a topic when it is open;
    the channel post keeps only what everyone may press."""
    text = f"You present at the next {escape(team_name)} learning lab" + (
        ", and its topic is still open." if not topic else ".")
    lines = [f"You present at the *{escape(team_name)}* learning lab on "
             f"{slack_datetime(starts_at)}." + (f"\nTopic: {_topic(topic)}" if topic else
                                                " The topic is still open.")]
    if not topic:
        lines.append("Pick one: type `/pact lab topic &lt;what you'll present&gt;` in the team "
                     "channel, or share an objective you are working on with your team "
                     "(visibility *Team*, status *In progress*) and it becomes the topic.")
    return text, [section("\n".join(lines)), _presenter_buttons(session_id),
                  context("Anything in your plan stays as private as you set it.")]


def reminder_dm(team_name: str, starts_at: datetime, topic: str, session_id: int
                ) -> tuple[str, list[dict]]:
    text = f"Reminder: you present at the {escape(team_name)} learning lab tomorrow."
    blocks = [section(f":mortar_board: Tomorrow you present at the *{escape(team_name)}* "
                      f"learning lab, {slack_datetime(starts_at)}.\nTopic: {_topic(topic)}"),
              _presenter_buttons(session_id)]
    return text, blocks


def followup_dm(team_name: str, topic: str, session_id: int) -> tuple[str, list[dict]]:
    text = f"How did the {escape(team_name)} learning lab go? Press Done to record it."
    blocks = [section(f"How did your *{escape(team_name)}* learning lab go? Press *Done* to "
                      f"record it on your plan{' (' + _topic(topic) + ')' if topic else ''}."),
              {"type": "actions", "block_id": f"lab_followup_{session_id}", "elements": [
                  button("Done", LAB_DONE, str(session_id), style="primary")]}]
    return text, blocks


def swap_request_dm(asker: str, team_name: str, starts_at: datetime, session_id: int
                    ) -> tuple[str, list[dict]]:
    text = f"{mention(asker)} asks to swap learning-lab turns with you."
    blocks = [section(f"{user(asker)} asks to swap turns with you: you would present at the "
                      f"*{escape(team_name)}* learning lab on {slack_datetime(starts_at)}."),
              {"type": "actions", "block_id": f"lab_swap_{session_id}", "elements": [
                  button("Accept swap", LAB_SWAP_ACCEPT, str(session_id), style="primary"),
                  button("Decline", LAB_SWAP_DECLINE, str(session_id))]}]
    return text, blocks


def upcoming_message(team_name: str, rule_text: str, rows: list[tuple[datetime, str | None,
                                                                       str]],
                     notes: dict | None = None) -> list[dict]:
    blocks = [section(f"*Learning lab · {escape(team_name)}*: {escape(rule_text)}")]
    if not rows:
        blocks.append(section("No sessions planned."))
    for when, presenter, topic in rows:
        who = user(presenter) if presenter else "_to be decided_"
        blocks.append(section(f"{slack_datetime(when)} · {who} · {_topic(topic)}"))
        if (notes or {}).get(when):
            blocks.append(context(notes[when]))
    blocks.append(context("Sessions further ahead follow the rotation: everyone presents once "
                          "before anyone presents twice."))
    return blocks


def setup_modal(*, cadence: str, duration: int, announce_days: int, members: list[str]
                ) -> dict:
    """The setup form; the listener seals which team it is for into its metadata."""
    options = [{"text": plain(f"{m} minutes"), "value": str(m)} for m in (30, 45, 60, 90, 120)]
    initial = next((o for o in options if o["value"] == str(duration)), options[2])
    return {
        "type": "modal", "callback_id": LAB_SETUP_CALLBACK,
        "title": plain("Learning lab", 24), "submit": plain("Save", 24),
        "close": plain("Cancel", 24),
        "blocks": [
            section("Team members take turns teaching a skill they are developing."),
            {"type": "input", "block_id": "cadence", "label": plain("When"),
             "hint": plain("e.g. every second Thursday 15:00, every Monday 9:30 (team time)"),
             "element": {"type": "plain_text_input", "action_id": "value", "max_length": 100,
                         "initial_value": cadence,
                         "placeholder": plain("every second Thursday 15:00", 150)}},
            {"type": "input", "block_id": "duration", "label": plain("Duration"),
             "element": {"type": "static_select", "action_id": "value", "options": options,
                         "initial_option": initial}},
            {"type": "input", "block_id": "announce", "label": plain("Announce days ahead"),
             "element": {"type": "number_input", "action_id": "value",
                         "is_decimal_allowed": False, "min_value": "1", "max_value": "14",
                         "initial_value": str(announce_days)}},
            {"type": "input", "block_id": "members", "label": plain("Rotation"),
             "hint": plain("Leave as is for the whole team (newcomers join automatically)."),
             "element": {"type": "multi_users_select", "action_id": "value",
                         **({"initial_users": members[:100]} if members else {})}},
        ],
    }


def swap_modal() -> dict:
    """Whom to swap with; the listener seals the session into its metadata."""
    return {
        "type": "modal", "callback_id": LAB_SWAP_CALLBACK,
        "title": plain("Swap turns", 24), "submit": plain("Ask", 24),
        "close": plain("Cancel", 24),
        "blocks": [
            section("Pick a teammate from the rotation. They get a DM and present in your "
                    "place once they accept; you keep your turn."),
            {"type": "input", "block_id": "other", "label": plain("Swap with"),
             "element": {"type": "users_select", "action_id": "value"}},
        ],
    }
