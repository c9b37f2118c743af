"""Skills and mentoring at Slack's edge: `/pact skills`, `/pact skills team`, `/pact mentor
round|pause|opt-out|opt-in|exclude|include`, and the intro and follow-up buttons."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot.errors import reported
from handlers.kit import refusals
from handlers.kit.forms import Form
from handlers.kit.metadata import attach, metadata_key, read_metadata
from handlers.kit.payload import int_id, read_interaction, submission_key
from handlers.kit.replies import tell
from handlers.kit.router import CommandRequest
from handlers.mentoring import blocks as ui
from handlers.mentoring import jobs, pairs, rounds, service, skills
from storage.engine import session_scope
from storage.queries.members import first_submission
from storage.queries.teams import team_for_channel

log = logging.getLogger("pact.mentoring")
MAX_PICKS = 100  # the team's spellings offered back in the profile form, at most


def _say(req: CommandRequest, text: str) -> None:
    req.ack(text=text, response_type="ephemeral")


# ---- profile -----------------------------------------------------------------------------

def skills_open(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        form = skills.profile_form(session, req.team_id, req.user_id)
    view = attach(ui.profile_modal(form.lines, form.visibility, form.capacity, form.spellings),
                  {"for": req.user_id}, metadata_key(req.services.settings))
    req.open_form(view)


def skills_save(ack, body, view, services) -> None:
    """The profile saved is always the verified user's own: the form carries no one's id."""
    who = read_interaction(body)
    if who is None:
        return ack(response_action="errors", errors={"skills": refusals.STALE})
    form = Form(view)
    capacity = form.choice("skills_capacity")
    with session_scope(services.engine) as session:
        if not first_submission(session, who.workspace_id, submission_key(body)):
            return ack()
        errors = skills.save_profile(session, who.workspace_id, who.user_id,
                                      form.text("skills", multiline=True),
                                      form.choice("skills_visibility"),
                                      int(capacity) if capacity and capacity.isdigit() else None,
                                      form.choices("skills_pick")[:MAX_PICKS])
        if errors:
            session.rollback()
            return ack(response_action="errors", errors=errors)
    ack()


# ---- matrix ------------------------------------------------------------------------------

def skills_team(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        found = skills.team_matrix(session, req.team_id, req.channel_id, req.user_id)
    if isinstance(found, str):
        return _say(req, found)
    text, blocks = ui.matrix_message(found.team_name, found.skills, found.people, found.cells)
    req.body["_matrix"] = len(found.skills) > ui.MATRIX_ROWS or len(found.people) > 12
    req.ack(text=text, blocks=blocks, response_type="ephemeral")


def skills_team_later(req: CommandRequest) -> None:
    """For more than a screenful, the heatmap as a PNG in the asker's own DM."""
    if not req.body.get("_matrix"):
        return
    with session_scope(req.services.engine) as session:
        found = skills.team_matrix(session, req.team_id, req.channel_id, req.user_id)
    if isinstance(found, str):
        return
    from handlers.mentoring import heatmap  # matplotlib loads only when a heatmap is drawn

    png = heatmap.render(found.skills, found.people, found.cells, found.names)
    dm = req.client.conversations_open(users=req.user_id)["channel"]["id"]
    req.client.files_upload_v2(channel=dm, content=png, filename="skill-matrix.png",
                               title=f"Skill matrix of {found.team_name}",
                               initial_comment="The whole skill matrix: M = can mentor, "
                                               "L = wants to learn, the number is the level.")


# ---- rounds and controls -----------------------------------------------------------------

def mentor_round(req: CommandRequest) -> None:
    _say(req, "Planning the mentor round…")


def mentor_round_later(req: CommandRequest) -> None:
    """Plan and store the round (one transaction), then open each group DM and introduce."""
    with session_scope(req.services.engine) as session:
        done = rounds.start_round(session, req.team_id, req.channel_id, req.user_id,
                                   req.services.now())
        team = team_for_channel(session, req.team_id, req.channel_id)
    if isinstance(done, str):
        return req.respond(text=done, response_type="ephemeral")
    ids = list(done.outbox_ids)
    for mentor, mentees, pair_ids in done.intros:
        ids += _introduce(req, team, done, mentor, mentees, pair_ids)
    req.services.send_now(req.client, ids)
    req.respond(text=ui.round_summary(done.team_name, done.pairs, done.unpaired_why,
                                      done.left_out_why, done.spelling, done.answers),
                response_type="ephemeral")


def _introduce(req, team, done, mentor, mentees, pair_ids) -> list[int]:
    """Open the group DM now, so the intro goes out at once; if Slack would not open it, the
    intro names its people and the outbox opens it (retrying, or telling why it cannot)."""
    try:
        channel = req.client.conversations_open(users=",".join([mentor, *mentees]))
        opened = channel["channel"]["id"]
    except SlackApiError as err:
        log.warning("could not open the group DM of pairs %s: %s", pair_ids,
                    err.response.get("error"))
        opened = ""
    with session_scope(req.services.engine) as session:
        return rounds.introduce(session, team, pair_ids, req.services.now(), channel_id=opened,
                                users=[mentor, *mentees], done=done)


def mentor_pause(req: CommandRequest) -> None:
    until = service.parse_until(req.args)
    if until == "bad":
        return _say(req, refusals.MENTOR_PAUSE_USAGE)
    with session_scope(req.services.engine) as session:
        _say(req, service.pause(session, req.team_id, req.user_id, until, req.services.now()))


def mentor_opt_out(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        _say(req, service.opt(session, req.team_id, req.user_id, out=True))


def mentor_opt_in(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        _say(req, service.opt(session, req.team_id, req.user_id, out=False))


def _target(args: list[str]) -> str:
    text = args[0] if args else ""
    return text[2:-1].split("|")[0] if text.startswith("<@") and text.endswith(">") else ""


def mentor_exclude(req: CommandRequest, on: bool = True) -> None:
    target = _target(req.args)
    if not target:
        return _say(req, "Name someone: `/pact mentor exclude @someone`.")
    with session_scope(req.services.engine) as session:
        _say(req, service.exclude(session, req.team_id, req.channel_id, req.user_id, target,
                                  on))


def mentor_include(req: CommandRequest) -> None:
    mentor_exclude(req, on=False)


def mentor_window(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        _say(req, rounds.set_window(session, req.team_id, req.channel_id, req.user_id,
                                     req.args))


def mentor_schedule(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        _say(req, jobs.set_schedule(session, req.team_id, req.channel_id, req.user_id,
                                    req.args, req.services.now()))


# ---- buttons -----------------------------------------------------------------------------


def met(body, client, services) -> None:
    def work():
        who = read_interaction(body)
        if who is None:
            return tell(client, body, refusals.STALE)
        with session_scope(services.engine) as session:
            told = pairs.answer_followup(session, who.workspace_id, who.user_id, who.value,
                                           services.now())
        tell(client, body, told)
    reported(work, body, client)


def skip(body, client, services) -> None:
    def work():
        who = read_interaction(body)
        if who is None:
            return tell(client, body, refusals.STALE)
        with session_scope(services.engine) as session:
            told, ids = pairs.skip_pair(session, who.workspace_id, who.user_id,
                                        int_id(who.value))
        services.send_now(client, ids)
        tell(client, body, told)
    reported(work, body, client)


def make_pact(body, client, services) -> None:
    """"We met: make it a pact" on a follow-up: both sides are told, their Home tabs redrawn."""
    def work():
        who = read_interaction(body)
        if who is None:
            return tell(client, body, refusals.STALE)
        with session_scope(services.engine) as session:
            made = pairs.to_pact(session, who.workspace_id, who.user_id, int_id(who.value),
                                 services.now())
            if made.failed:
                session.rollback()
        services.send_now(client, made.outbox_ids)
        tell(client, body, made.text)
        if services.refresh_home is not None:
            for user in made.refresh:
                services.refresh_home(client, who.workspace_id, user)
    reported(work, body, client)


def book_modal(services, who, _client) -> dict | str:
    """Noting the time a pair agreed (who may book is checked when it is saved)."""
    if who.value_id is None:
        return refusals.STALE
    return attach(ui.book_modal(), {"pair": who.value_id}, metadata_key(services.settings))


def save_book(ack, body, view, services) -> None:
    """The time agreed, noted by one of the pair and posted in their group DM."""
    who = read_interaction(body)
    pair_id = int_id((read_metadata(view, metadata_key(services.settings)) or {}).get("pair"))
    note = Form(view).text("when", limit=200)
    if who is None or pair_id is None:
        return ack(response_action="errors", errors={"when": refusals.STALE})
    if not note:
        return ack(response_action="errors", errors={"when": "Say when you will meet."})
    with session_scope(services.engine) as session:
        refusal, pair = pairs.book(session, who.workspace_id, who.user_id, pair_id, note)
        if refusal:
            return ack(response_action="errors", errors={"when": refusal})
    ack()


def after_book(body, client, view, services) -> None:
    def work():
        who = read_interaction(body)
        meta = read_metadata(view, metadata_key(services.settings)) or {}
        with session_scope(services.engine) as session:
            ids = pairs.announce_booking(session, who.workspace_id, who.user_id,
                                           int_id(meta.get("pair")), submission_key(body))
        services.send_now(client, ids)
    reported(work, body, client)
