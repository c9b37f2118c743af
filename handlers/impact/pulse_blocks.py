"""Pulse survey builders (pure): the setup modal, the invitation and reminder DMs, the answer
modal and the results."""

from __future__ import annotations

from datetime import datetime

from handlers.absences.blocks import reminder_controls
from handlers.impact.results import ENPS_QUESTION, LIKERT, QUESTIONS, SHORT, SurveyResult
from handlers.kit.blocks import (
    button,
    clip,
    context,
    escape,
    header,
    plain,
    section,
    slack_datetime,
)
from handlers.kit.ids import PULSE_ANSWER, PULSE_ANSWER_CALLBACK, PULSE_SETUP_CALLBACK

CADENCE_LABELS = {"once": "Once", "biweekly": "Every two weeks", "monthly": "Monthly"}


def _option(value: str, label: str) -> dict:
    return {"text": plain(label, 75), "value": value}


def setup_modal(*, team_name: str, questions: list[str], with_enps: bool, with_comment: bool,
                cadence: str, open_days: int, min_responses: int, share: bool) -> dict:
    q_options = [_option(k, SHORT[k]) for k in QUESTIONS]
    extras = [_option("enps", "eNPS (0-10)"), _option("comment", "Optional comment")]
    chosen_extras = [o for o in extras if (o["value"] == "enps" and with_enps)
                     or (o["value"] == "comment" and with_comment)]
    share_option = _option("share", "Also post the results in the team channel")
    questions_el = {"type": "checkboxes", "action_id": "questions", "options": q_options}
    chosen = [o for o in q_options if o["value"] in questions]
    if chosen:
        questions_el["initial_options"] = chosen
    extras_el = {"type": "checkboxes", "action_id": "extras", "options": extras}
    if chosen_extras:
        extras_el["initial_options"] = chosen_extras
    share_el = {"type": "checkboxes", "action_id": "share", "options": [share_option]}
    if share:
        share_el["initial_options"] = [share_option]
    cadences = [_option(k, v) for k, v in CADENCE_LABELS.items()]
    return {
        "type": "modal", "callback_id": PULSE_SETUP_CALLBACK,
        "title": plain("Pulse survey"), "submit": plain("Start"), "close": plain("Cancel"),
        "blocks": [
            section(f"A short anonymous survey for *{escape(clip(team_name, 80))}*, by DM at "
                    "10:00 in each member's timezone on a working day."),
            {"type": "input", "block_id": "questions", "label": plain("Questions (1-5)"),
             "element": questions_el},
            {"type": "input", "block_id": "extras", "optional": True,
             "label": plain("Also ask"), "element": extras_el},
            {"type": "input", "block_id": "cadence", "label": plain("How often"),
             "element": {"type": "static_select", "action_id": "cadence", "options": cadences,
                         "initial_option": next(o for o in cadences if o["value"] == cadence)}},
            {"type": "input", "block_id": "open_days", "label": plain("Open for (working days)"),
             "element": {"type": "number_input", "action_id": "open_days",
                         "is_decimal_allowed": False, "min_value": "1", "max_value": "10",
                         "initial_value": str(open_days)}},
            {"type": "input", "block_id": "min_responses",
             "label": plain("Show results from this many answers"),
             "element": {"type": "number_input", "action_id": "min_responses",
                         "is_decimal_allowed": False, "min_value": "3",
                         "initial_value": str(min_responses)},
             "hint": plain("Never below 3. Below it, results and comments stay hidden.")},
            {"type": "input", "block_id": "share", "optional": True, "label": plain("Results"),
             "element": share_el},
            context("Pact stores who answered apart from what was answered; nobody, admins "
                    "included, can tell which answer is whose."),
        ],
    }


def invitation_dm(team_name: str, survey_id: int, closes_at: datetime,
                  reminder: bool = False) -> tuple[str, list[dict]]:
    lead = "Reminder: the" if reminder else "The"
    text = (f"{lead} {escape(team_name)} pulse survey is open until "
            f"{closes_at:%Y-%m-%d %H:%M} UTC. It takes a minute and is anonymous.")
    blocks = [section(f":bar_chart: {lead} *{escape(team_name)}* pulse survey is open until "
                      f"{slack_datetime(closes_at)}. A minute, four questions, anonymous."),
              {"type": "actions", "block_id": f"pulse_{survey_id}", "elements": [
                  button("Answer", PULSE_ANSWER, str(survey_id), style="primary")]},
              context("Your answer is stored apart from your name; results appear only when "
                      "enough people answered.")]
    if reminder:
        blocks += reminder_controls("pulse_reminder", "The only reminder for this survey; "
                                    "the next survey's invitation comes as usual.")
    return text, blocks


def answer_modal(team_name: str, questions: list[str], with_enps: bool,
                 with_comment: bool) -> dict:
    likert = [_option(str(v), f"{v} · {label}") for v, label in LIKERT.items()]
    blocks: list[dict] = [section(f"Pulse survey · *{escape(clip(team_name, 80))}*")]
    for key in questions:
        blocks.append({"type": "input", "block_id": f"q_{key}", "label": plain(QUESTIONS[key]),
                       "element": {"type": "radio_buttons", "action_id": f"q_{key}",
                                   "options": likert}})
    if with_enps:
        blocks.append({"type": "input", "block_id": "enps", "optional": True,
                       "label": plain(ENPS_QUESTION),
                       "element": {"type": "number_input", "action_id": "enps",
                                   "is_decimal_allowed": False, "min_value": "0",
                                   "max_value": "10"}})
    if with_comment:
        blocks.append({"type": "input", "block_id": "comment", "optional": True,
                       "label": plain("Anything else? (optional)"),
                       "element": {"type": "plain_text_input", "action_id": "comment",
                                   "multiline": True, "max_length": 1000}})
    blocks.append(context("Anonymous: nothing stored links this answer to you."))
    return {"type": "modal", "callback_id": PULSE_ANSWER_CALLBACK, "title": plain("Pulse"),
            "submit": plain("Send"), "close": plain("Cancel"), "blocks": blocks}


def _change(value: float | None) -> str:
    if value is None:
        return ""
    return f" ({'+' if value >= 0 else ''}{value:.2f} since last time)"


def _spark(trend: list[float]) -> str:
    bars = "▁▂▃▄▅▆▇█"
    return "".join(bars[min(7, max(0, round((v - 1) / 4 * 7)))] for v in trend)


def results_message(team_name: str, result: SurveyResult) -> tuple[str, list[dict]]:
    """The results of a closed survey, or only that it closed below the threshold."""
    title = f"Pulse results · {clip(team_name, 100)}"
    if not result.shown:
        text = (f"The {escape(team_name)} pulse survey closed with fewer than {result.needed} answers, "
                "so no results are shown (that keeps every answer anonymous).")
        return text, [header(title), section(escape(text))]
    blocks = [header(title),
              context(f"{result.responses} of {result.invited} answered.")]
    for q in result.questions:
        dist = " · ".join(f"{v}: {n}" for v, n in q.distribution.items())
        blocks.append(section(f"*{escape(SHORT.get(q.key, q.key))}*: {q.mean:.2f} / 5"
                              f"{_change(q.change)}\n{dist}   trend {_spark(q.trend)}"))
    if result.enps is not None:
        blocks.append(section(f"*eNPS*: {result.enps:+d}"))
    if result.comments:
        lines = "\n".join(f"> {escape(clip(c, 280))}" for c in result.comments[:20])
        blocks.append(section(clip(f"*Comments* (shuffled)\n{lines}", 2900)))
    text = f"{escape(team_name)} pulse: {result.responses} of {result.invited} answered."
    return text, blocks
