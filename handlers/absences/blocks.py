"""What Pact says about absences: the answer to `/pact away`, the Home section (pure)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.rules.absence import Away
from handlers.kit import ids
from handlers.kit.blocks import (
    button,
    confirm_dialog,
    context,
    escape,
    plural,
    section,
    slack_date,
    slack_datetime,
    user,
)


def last_moment(away: Away) -> datetime:
    """The last moment of an absence (it ends at midnight after its last day)."""
    return away.until - timedelta(seconds=1)


def until_words(away: Away, tz: str) -> str:
    """"until Dec 28" (Slack renders it), or "while your Slack status says so"."""
    if away.until is None:
        return "for as long as the Slack status says so"
    return f"until {slack_date(last_moment(away))}"


def away_set(until: date, tz: str, note: str, reviews_moved: int = 0) -> str:
    text = (f"You are away through {slack_date(until, tz=tz)}. Reminders are held and come on "
            "your first working day back; your lab turn waits for you. "
            "`/pact away off` when you are back early.")
    if reviews_moved:
        text += (f"\n{plural(reviews_moved, 'development plan review')} due while you are away "
                 f"{'moves' if reviews_moved == 1 else 'move'} to your first week back; the other "
                 "side is told why.")
    return text + (f"\nNote: {escape(note)}" if note else "")


COUNTRY_USAGE = ("`/pact away country DE [BY]` (a country and subdivision) for your own "
                 "public holidays, `/pact away country none` for your team's calendar.")


def country_shown(country: str, subdivision: str) -> str:
    """Whose public holidays keep Pact's DMs to you for the next working day."""
    if not country:
        return ("Your DMs follow your team's holiday calendar. " + COUNTRY_USAGE)
    where = escape(country) + (f" ({escape(subdivision)})" if subdivision else "")
    return (f"On public holidays in {where} Pact's reminders to you wait for your next working "
            "day (your team's posts follow the team's calendar). " + COUNTRY_USAGE)


def away_cleared(still: Away | None) -> str:
    if still is not None:
        return ("Welcome back. Your Slack status still says you are away "
                f"({escape(still.reason)}): reminders stay held until it changes.")
    return "Welcome back: reminders and lab turns are on again."


def away_shown(away: Away | None, tz: str) -> str:
    if away is None:
        return ("You are not away. `/pact away until YYYY-MM-DD [note]` holds reminders and "
                "your lab turn while you are off.")
    why = "you said so" if away.reason == "away" else f"your Slack status: {escape(away.reason)}"
    return (f"You are away {until_words(away, tz)} ({why}). Reminders are held. "
            "`/pact away off` when you are back.")


def home_section(away: Away | None, tz: str, held: int, today: date,
                 stopped: list[str] | None = None, holiday: str = "") -> list[dict]:
    """"You are away until … — reminders are held", with a way back; or a date to pick;
    and, after "Stop these" on a reminder, a way to turn reminders back on."""
    today_off = [context(f":palm_tree: {escape(holiday)}: Pact's reminders to you wait for "
                         "your next working day.")] if holiday else []
    return today_off + _away_blocks(away, tz, held, today) + stopped_section(
        list(stopped or []))


def _away_blocks(away: Away | None, tz: str, held: int, today: date) -> list[dict]:
    if away is not None:
        lines = f":palm_tree: *You are away {until_words(away, tz)}* — reminders are held"
        if held:
            lines += f" ({held} waiting for your return)"
        blocks = [section(lines + ".")]
        if away.reason == "away":
            blocks.append({"type": "actions", "block_id": "absence_home",
                           "elements": [button("I'm back", ids.ABSENCE_BACK, "back")]})
        else:
            blocks.append(context(f"From your Slack status ({escape(away.reason)}); it ends "
                                  "when the status does."))
        return blocks
    return [section("*Going away?* Pick your last day off: Pact holds reminders and your lab "
                    "turn until you are back.",
                    accessory={"type": "datepicker", "action_id": ids.ABSENCE_PICK_UNTIL,
                               "initial_date": today.isoformat(),
                               "placeholder": {"type": "plain_text", "text": "Last day away"}})]


def lab_note(away: list[tuple[str | None, Away]], presenter: str | None) -> str:
    """"<@Bob> is away until Dec 28; <@Carol> presents instead" under a lab session."""
    parts = []
    for slack_id, absence in away:
        if slack_id:
            when = (f"until {slack_date(last_moment(absence))}" if absence.until
                    else "(Slack status)")
            parts.append(f"{user(slack_id)} is away {when}")
    if not parts:
        return ""
    tail = f"; {user(presenter)} presents instead" if presenter else "; nobody else can present"
    return ", ".join(parts) + tail + "."


def session_note(why: str, starts_at: datetime | None) -> str:
    """Why a lab session is not at its usual time: "Thursday, Dec 24 is a public holiday in
    Germany (Christmas Eve): the session moves to Friday …" (`starts_at` None: no session
    that week)."""
    if starts_at is None:
        return f":palm_tree: {escape(why)}: no session that week."
    return f":palm_tree: {escape(why)}: the session moves to {slack_datetime(starts_at)}."


# Reminder DMs that carry "Snooze a week" and "Stop these", and what stopping them means.
STOPPABLE = {
    "nudge": "reminders about your development plans",
    "pact_checkin": "pact check-ins",
    "pulse_reminder": "pulse survey reminders",
    "mentor_followup": "mentoring follow-ups",
}


def stop_subject(kind: str) -> str:
    """The snooze subject that silences a kind of reminder DM ("stop:pact_checkin")."""
    return f"stop:{kind}"


def reminder_controls(kind: str, next_line: str) -> list[dict]:
    """What every reminder DM ends with: when the next one would come, Snooze a week and
    Stop these (for its kind; turned back on from the Home tab)."""
    what = STOPPABLE.get(kind, "these reminders")
    return [{"type": "actions", "block_id": f"reminders_{kind}", "elements": [
                button("Snooze a week", ids.REMINDERS_SNOOZE, kind),
                {**button("Stop these", ids.REMINDERS_STOP, kind),
                 "confirm": confirm_dialog("Stop these reminders?",
                                           f"No more {what}. Turn them back on from the Home "
                                           "tab.", "Stop them")}]},
            context(escape(next_line))]


def snoozed_text(what: str, until: datetime) -> str:
    return f":zzz: Snoozed: no {what} until {slack_date(until)}."


def stopped_section(kinds: list[str]) -> list[dict]:
    """On the Home tab: each kind of reminder stopped with "Stop these", and a way back."""
    return [section(f"{STOPPABLE.get(k, 'Some reminders').capitalize()}: *stopped*.",
                    accessory=button("Turn back on", ids.REMINDERS_RESUME, k)) for k in kinds]
