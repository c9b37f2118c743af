"""Pulse surveys at Slack's edge: `/pact pulse setup`, the Answer button, the answer modal."""

from __future__ import annotations

from handlers.impact import digest, pulse
from handlers.impact import pulse_blocks as ui
from handlers.kit import refusals
from handlers.kit.blocks import notice_modal
from handlers.kit.forms import Form
from handlers.kit.metadata import attach, metadata_key, read_metadata
from handlers.kit.payload import int_id, read_interaction
from handlers.kit.router import CommandRequest
from storage.engine import session_scope
from storage.queries import teams as tq
from storage.queries.members import get_member


def _number(form: Form, block_id: str) -> int | None:
    try:
        return int(form.text(block_id))
    except ValueError:
        return None


def pulse_setup(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        team = tq.team_for_channel(session, req.team_id, req.channel_id)
        if team is None:
            return req.ack(text=refusals.PULSE_NO_TEAM, response_type="ephemeral")
        if not pulse.may_lead(session, team, get_member(session, req.team_id, req.user_id)):
            return req.ack(text=refusals.PULSE_LEADS_ONLY, response_type="ephemeral")
        defaults = pulse.setup_defaults(session, team)
        team_id = team.id
    view = attach(ui.setup_modal(**defaults), {"team": team_id},
                  metadata_key(req.services.settings))
    req.open_form(view)


def save_setup(ack, body, view, services) -> None:
    who = read_interaction(body)
    team_id = int_id((read_metadata(view, metadata_key(services.settings)) or {}).get("team"))
    if who is None or team_id is None:
        return ack(response_action="errors", errors={"questions": refusals.STALE})
    form = Form(view)
    extras = form.choices("extras")
    data = pulse.SetupInput(form.choices("questions"), "enps" in extras, "comment" in extras,
                            form.choice("cadence") or "", _number(form, "open_days"),
                            _number(form, "min_responses"), "share" in form.choices("share"))
    errors = pulse.validate(data)
    if errors:
        return ack(response_action="errors", errors=errors)
    with session_scope(services.engine) as session:
        team = tq.get_team(session, who.workspace_id, team_id)
        actor = get_member(session, who.workspace_id, who.user_id)
        if team is None or not pulse.may_lead(session, team, actor):
            return ack(response_action="errors", errors={"questions": refusals.PULSE_LEADS_ONLY})
        pulse.save_setup(session, team, actor, data, services.now())
    ack(response_action="update", view=notice_modal(
        "Pulse survey", "Saved. Each member gets the survey by DM at 10:00 on their next "
        "working day; results reach the team's leads when it closes."))


def answer_modal(services, who, _client) -> dict | str:
    """The survey form for someone it was sent to, while it is open."""
    survey_id = who.value_id
    with session_scope(services.engine) as session:
        survey, refusal = pulse.answerable(session, who.workspace_id, who.user_id, survey_id,
                                           services.now())
        if refusal:
            return refusal
        team = tq.get_team(session, who.workspace_id, survey.team_id)
        view = ui.answer_modal(team.name if team else "Your team", survey.questions,
                               survey.with_enps, survey.with_comment)
    return attach(view, {"survey": survey_id}, metadata_key(services.settings))


def save_answer(ack, body, view, services) -> None:
    who = read_interaction(body)
    survey_id = int_id((read_metadata(view, metadata_key(services.settings)) or {})
                       .get("survey"))
    if who is None or survey_id is None:
        return ack(response_action="update", view=notice_modal("Pulse", refusals.STALE))
    form = Form(view)
    scores = {}
    for block_id in ("q_collab", "q_support", "q_belong", "q_time"):
        value = int_id(form.choice(block_id))
        if value is not None:
            scores[block_id[2:]] = value
    data = pulse.AnswerInput(scores, _number(form, "enps"),
                             form.text("comment", multiline=True, limit=1000) or None)
    with session_scope(services.engine) as session:
        refusal = pulse.answer(session, who.workspace_id, who.user_id, survey_id, data,
                               services.now())
    if refusal:
        return ack(response_action="update", view=notice_modal("Pulse", refusal))
    ack(response_action="update", view=notice_modal(
        "Thank you", "Your answer is in, stored apart from your name. Results appear when the "
        "survey closes, only if enough people answered."))


def digest_command(req: CommandRequest) -> None:
    """`/pact digest on [weekday] [HH:MM]` / `/pact digest off`, in the team's channel."""
    parsed = digest.parse(req.args)
    if isinstance(parsed, str):
        return req.ack(text=parsed, response_type="ephemeral")
    with session_scope(req.services.engine) as session:
        team = tq.team_for_channel(session, req.team_id, req.channel_id)
        if team is None:
            return req.ack(text=refusals.PULSE_NO_TEAM, response_type="ephemeral")
        if not pulse.may_lead(session, team, get_member(session, req.team_id, req.user_id)):
            return req.ack(text=refusals.DIGEST_LEADS_ONLY, response_type="ephemeral")
        said = digest.save(session, team, *parsed, req.services.now())
    req.ack(text=said, response_type="ephemeral")
